"""The sweep's driver: submit every trial to Ray, record what comes back, end each run honestly.

    sweep = Sweep(spec, data, RunStore(folder))
    sweep.run(on_change=print)          # blocks; Ctrl-C or sweep.stop() from another thread ends it
    summarize(store, sweep.sweep_id)

Ray is local by default, sized to the machine (every core and GPU) and listening on loopback
only; an `address` (or RAY_ADDRESS) joins a running cluster instead (local_ray.py). `run` belongs
in a process whose Ray outlives it: the CLI's main thread, or the app's sweep host (host.py).
The package travels to the workers with the job (`py_modules`), so a cluster needs the same
Python packages (requirements.txt) but not this checkout.

Each trial is a Ray task asking for `cpus_per_trial` CPUs and, when the cluster has GPUs,
`gpus_per_trial` of one; Ray queues what does not fit. Only this process writes the store:
a trial's run is created when its first message arrives, each snapshot is saved with the
weights that came with it, and its ending is one of the store's statuses. A trial that raises
or whose worker (or node) dies is "failed" with its reason and the others go on, never retried
(a retry would stream the run again from its start). `stop()` or Ctrl-C cancels what is left:
started trials end "stopped" with the snapshots they sent, queued ones are recorded "stopped"
with none.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..data.dataset import Dataset
from ..runs.recording import Recording, failure
from ..runs.store import RunStore
from ..runs.store.rows import SweepTag
from ..settings.train import TrainConfig
from .local_ray import connect
from .spec import Setting, SweepSpec
from .trial import TrialEnded, TrialEpoch, TrialStarted, run_trial

WAIT_SECONDS = 0.25  # how often the driver looks at the stop flag while no trial has news


@dataclass
class TrialState:
    """What the driver knows of one trial; the page and the CLI show these."""

    setting: Setting
    seed: int
    config: TrainConfig
    status: str = "queued"  # then "running", then one of the store's endings
    step: str = ""  # the newest snapshot's step name, "cluster 3/100"
    metrics: dict = field(default_factory=dict)  # the newest snapshot's ACC / NMI / ARI
    converged: bool = False  # the method's stopping rule fired
    start_labels: np.ndarray | None = field(default=None, repr=False)  # TrialEnded's, once the trial has ended
    node: str = ""  # "host (node id prefix)" once started
    device: str = ""
    run_id: str | None = None
    error: str | None = None
    recording: Recording | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        return self.status not in ("queued", "running")

    def line(self) -> str:
        """One progress line: "[dekm stop_tolerance=0.005 seed 1] running cluster 3/100 ACC 0.8123 on host (ab12cd)"."""
        parts = [f"[{self.setting.label} seed {self.seed}]", self.status, self.step]
        parts += [f"ACC {self.metrics['acc']:.4f}" if "acc" in self.metrics else "", f"on {self.node}" if self.node else ""]
        return " ".join(part for part in parts if part) + (f": {self.error}" if self.error else "")


def planned_trials(spec: SweepSpec, data: Dataset) -> list[TrialState]:
    """Every trial of `spec` on `data`, queued; a bad setting raises here, before Ray starts."""
    return [TrialState(setting, seed, config) for (setting, seed), config in zip(spec.trials(), spec.configs(data))]


def new_sweep_id() -> str:
    return "sweep-" + time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


class Sweep:
    def __init__(self, spec: SweepSpec, data: Dataset, store: RunStore, *, address: str | None = None,
                 cpus_per_trial: float = 1, gpus_per_trial: float = 0.25, sweep_id: str | None = None):
        """Every trial's config is built here, so bad settings fail before Ray starts."""
        self.spec, self.data, self.store, self.address = spec, data, store, address
        self.cpus_per_trial, self.gpus_per_trial = cpus_per_trial, gpus_per_trial
        self.sweep_id = sweep_id or new_sweep_id()
        self.trials = planned_trials(spec, data)
        self._stop = threading.Event()

    def stop(self) -> None:
        """Cancel what is left (from any thread); run() records it and returns."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self, on_change: Callable[[TrialState], None] = lambda trial: None) -> list[TrialState]:
        """Train every trial through Ray and record it; `on_change(trial)` after each of its changes."""
        ray = connect(self.address)
        gpus = self.gpus_per_trial if ray.cluster_resources().get("GPU", 0) > 0 else 0
        task = ray.remote(run_trial).options(num_returns="streaming", num_cpus=self.cpus_per_trial, num_gpus=gpus,
                                             max_retries=0)
        data_ref = ray.put(self.data)
        threads = max(1, int(self.cpus_per_trial))
        pending = {task.remote(data_ref, trial.config, threads, self.store.config.weights_dtype): trial
                   for trial in self.trials}
        try:
            while pending and not self._stop.is_set():
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=WAIT_SECONDS)
                for generator in ready:
                    trial = pending[generator]
                    ended, shown = self._take(ray, generator, trial)
                    if ended:
                        del pending[generator]
                    if shown:
                        on_change(trial)
        except KeyboardInterrupt:
            self._stop.set()
        finally:
            for generator, trial in pending.items():
                ray.cancel(generator, force=True)
                self._end(trial, "stopped")
                on_change(trial)
        return self.trials

    def _take(self, ray, generator, trial: TrialState) -> tuple[bool, bool]:
        """Record the trial's next message; whether the trial has ended, and whether what it shows changed."""
        try:
            message = ray.get(next(generator))
        except StopIteration:
            self._end(trial, "converged" if trial.converged else "finished")
            return True, True
        except Exception as error:  # noqa: BLE001 - every way a remote task can end is recorded
            self._end(trial, *_remote_failure(ray, error))
            return True, True
        if isinstance(message, TrialStarted):
            trial.node, trial.device = f"{message.host} ({message.node_id[:8]})", message.device
            self._recording(trial)
            trial.status = "running"
        elif isinstance(message, TrialEpoch):
            snapshot = message.snapshot
            trial.recording.save(snapshot, message.weights)
            trial.step, trial.metrics = snapshot.step_name, dict(snapshot.metrics)
            trial.converged = trial.converged or snapshot.converged
        elif isinstance(message, TrialEnded):
            trial.start_labels = message.start_labels
            return False, False  # nothing shown changes: the ending follows
        return False, True

    def _recording(self, trial: TrialState) -> Recording:
        if trial.recording is None:
            trial.recording = Recording(self.store, self.data, trial.config, origin="sweep",
                                        sweep=SweepTag(self.sweep_id, trial.setting.label))
            trial.run_id = trial.recording.run_id
        return trial.recording

    def _end(self, trial: TrialState, status: str, error: str | None = None) -> None:
        trial.status, trial.error = status, error
        self._recording(trial).finish(status, error)


def _remote_failure(ray, error: Exception) -> tuple[str, str | None]:
    """The status and reason a trial ends with when Ray raises `error` for it."""
    exceptions = ray.exceptions
    if isinstance(error, exceptions.TaskCancelledError):
        return "stopped", None
    if isinstance(error, exceptions.RayTaskError):  # the trial itself raised: the same reasons as a local run
        cause = getattr(error, "cause", None)
        return failure(cause) if isinstance(cause, BaseException) else ("failed", str(error).splitlines()[0])
    if isinstance(error, (exceptions.WorkerCrashedError, exceptions.NodeDiedError, exceptions.ObjectLostError)):
        return "failed", f"its Ray worker died ({type(error).__name__}): {str(error).splitlines()[0]}"
    return "failed", f"Ray could not run it: {type(error).__name__}: {str(error).splitlines()[0]}"

