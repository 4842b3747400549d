"""A trial of a run's settings on this machine, now: the seconds of one epoch of each phase, timed on a few
batches of the data's own rows, for the first estimate of a run's length (runs/duration.py) before any run of
these settings was recorded.

The trial is the run itself, shortened: the same method, network, batch size and hold-out, trained by the
same loop (training/loop.py) for PROBE_EPOCHS epochs of each phase on PROBE_BATCHES batches of rows drawn with
the seed, on the threads a run watched by a page gets (training/cores.py). The last epoch of each phase is
timed (the first also holds the loop's imports and set-up) and its seconds, scaled from the trial's rows to
the data's, are the epochs' seconds: what this machine does now, under its present load, rather than rates
calibrated on another day.

    seconds = probe_epoch_seconds(data, config)   # EpochSeconds(pretrain, cluster, runs=0, start), here
    trial = TrialProcess(data, config)            # the same in a process of its own, for the page:
    trial.done(), trial.result(), trial.stop()    # its imports never meet the page's half-way
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from ..data.dataset import Dataset
from ..settings.run_file import config_from_dict, config_to_dict
from ..settings.train import TrainConfig
from .duration import EpochSeconds

PROBE_BATCHES = 4  # batches of rows the trial trains on (all rows when the data has fewer)
PROBE_EPOCHS = 2  # epochs of each phase; the last one is timed


def trial_rows(data: Dataset, config: TrainConfig) -> Dataset:
    """The rows a trial trains on: PROBE_BATCHES batches (at least 10 a cluster), drawn with the seed."""
    return data.subsample(min(data.n_samples, max(PROBE_BATCHES * config.batch_size, 10 * config.n_clusters)),
                          seed=config.seed)


def probe_epoch_seconds(data: Dataset, config: TrainConfig, control=None) -> EpochSeconds | None:
    """Train `config` briefly on a sample of `data` and scale its epoch times to every row of `data`; None when
    `control` (a TrainingControl) stopped the trial first."""
    return time_trial(trial_rows(data, config), config, data.n_samples, control)


def time_trial(sample: Dataset, config: TrainConfig, n_rows: int, control=None) -> EpochSeconds | None:
    """The trial on `sample`, its epoch times scaled to `n_rows` rows."""
    import torch

    from ..training.cores import threads_beside_the_page
    from ..training.loop import train

    trial = replace(config, pretrain_epochs=min(config.pretrain_epochs, PROBE_EPOCHS),
                    cluster_epochs=min(config.cluster_epochs, PROBE_EPOCHS), use_cache=False,
                    display_size=min(config.display_size, sample.n_samples), device="cpu")
    torch.set_num_threads(threads_beside_the_page())  # as every run of the page sets it (process-wide)
    snapshots = list(train(sample, trial, control))
    if control is not None and control.stopped:
        return None
    scale = n_rows / sample.n_samples
    pretrain = [s.seconds for s in snapshots if s.phase == "pretrain"]
    cluster = [s.seconds for s in snapshots if s.phase == "cluster" and s.epoch >= 1]
    start = [s.seconds for s in snapshots if s.phase == "cluster" and s.epoch == 0]
    return EpochSeconds(scale * pretrain[-1] if pretrain else 0.0, scale * cluster[-1] if cluster else 0.0, runs=0,
                        start=scale * start[0] if start else 0.0)


class TrialProcess:
    """`probe_epoch_seconds` in a Python process of its own, started after `delay` seconds: the page that
    starts it keeps its cores' share and its imports (a module half-imported by a thread is a page's crash)."""

    def __init__(self, data: Dataset, config: TrainConfig, delay: float = 0.0):
        self.folder = Path(tempfile.mkdtemp(prefix="deepclust-trial-"))
        sample = trial_rows(data, config)
        np.save(self.folder / "rows.npy", sample.X)
        (self.folder / "trial.json").write_text(json.dumps(
            {"config": config_to_dict(config), "image_shape": sample.image_shape, "rows": data.n_samples,
             "delay": delay}))
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(self.folder)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._result: EpochSeconds | None = None

    def done(self) -> bool:
        if self.process.poll() is None:
            return False
        shutil.rmtree(self.folder, ignore_errors=True)
        return True

    def result(self) -> EpochSeconds | None:
        """The epoch seconds once the trial has ended; None before, or when it failed or was stopped."""
        if self._result is None and self.done() and self.process.returncode == 0:
            self._result = EpochSeconds(**json.loads(self.process.stdout.read()))
        return self._result

    def stop(self) -> None:
        if not self.done():
            self.process.terminate()
            self.process.wait()
            self.done()


def _end_with_parent(folder: Path, every: float = 1.0) -> None:
    """End this process, and remove the `folder` it was handed, once the process that started it has gone (it
    is then reparented): a server stopped or killed leaves no trial training on for minutes behind it."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, name="end-with-parent", daemon=True).start()


def _main(folder: str) -> None:
    folder = Path(folder)
    _end_with_parent(folder)
    trial = json.loads((folder / "trial.json").read_text())
    time.sleep(trial["delay"])
    X = np.load(folder / "rows.npy", allow_pickle=False)
    image_shape = tuple(trial["image_shape"]) if trial["image_shape"] else None
    sample = Dataset(X=X, y=None, name="trial", image_shape=image_shape)
    seconds = time_trial(sample, config_from_dict(trial["config"]), trial["rows"])
    print(json.dumps(asdict(seconds)))


if __name__ == "__main__":
    _main(sys.argv[1])
