"""One benchmark run: a sweep trial trained to the end (deepclust_core.sweeps), reduced to the numbers
of the table from the run it recorded.

Two starting points are recorded with the final scores, both from the run itself, never chosen
with the labels: the AE + k-means reference of the loop (k-means with n_init 10 on the same
pretrained autoencoder, the same procedure for every method) and the method's own initial
partition, the clustering it starts from with its own restarts (DEC's k-means with n_init 20,
DEKM's with 100, DEPICT's with 40...): its first clustering snapshot, taken after its set-up and
before any clustering step, or `Method.start_labels` where the method sets them (DEPICT, AE-CM's
"pre": the k-means their heads are initialised from). AE-CM from random weights starts from a
random partition.

Timings are the loop's own wall clock (each snapshot's `elapsed`): `total_seconds` covers the
whole run (pretraining too, unless it came from the cache: `pretrain_cached`), and
`cluster_seconds` starts at the last pretraining snapshot, so it covers the AE + k-means
reference, the method's initialisation and every clustering epoch.
"""
from __future__ import annotations

from dataclasses import dataclass

from deepclust_core import Dataset
from deepclust_core.evaluation.metrics import clustering_scores
from deepclust_core.runs.store import RunStore
from deepclust_core.sweeps.driver import TrialState
from deepclust_core.sweeps.summary import ENDED_WELL


@dataclass(frozen=True)
class RunResult:
    data: str  # the data spec, e.g. "fashion-mnist:10000"
    method: str
    seed: int
    settings: str  # bench.settings.describe(config)
    ok: bool = True
    error: str = ""  # why the run failed (diverged, bad settings for this data...)
    acc: float | None = None  # final clustering metrics
    nmi: float | None = None
    ari: float | None = None
    reference_acc: float | None = None  # AE + k-means on the same pretrained autoencoder
    reference_nmi: float | None = None
    reference_ari: float | None = None
    start_acc: float | None = None  # the method's own initial partition (see the module docstring)
    start_nmi: float | None = None
    start_ari: float | None = None
    epochs: int = 0  # clustering epochs run (0 for methods that do not fine-tune)
    converged: bool = False  # the method's stopping rule fired
    pretrain_cached: bool = False  # the autoencoder came from the cache, not trained in this run
    cluster_seconds: float = 0.0
    total_seconds: float = 0.0

    @property
    def delta_acc(self) -> float | None:
        """Final ACC minus the AE + k-means reference's (n_init 10 on the same autoencoder)."""
        return None if self.acc is None or self.reference_acc is None else self.acc - self.reference_acc

    @property
    def delta_start_acc(self) -> float | None:
        """Final ACC minus the ACC of the method's own initial partition."""
        return None if self.acc is None or self.start_acc is None else self.acc - self.start_acc


def result_of(trial: TrialState, store: RunStore, data: Dataset, spec: str, settings: str) -> RunResult:
    """A sweep trial's row, read from its recorded run: the first and last clustering snapshots; a trial
    that did not end well, or has no scored clustering snapshot, becomes a result with `ok=False`."""
    config = trial.config
    if trial.status not in ENDED_WELL:
        return RunResult(spec, config.method, config.seed, settings, ok=False, error=trial.error or trial.status)
    rows = store.epoch_rows(trial.run_id)
    pretrain = [row for row in rows if row.phase == "pretrain"]
    cluster = [row for row in rows if row.phase == "cluster"]
    if not cluster or not cluster[-1].metrics:
        return RunResult(spec, config.method, config.seed, settings, ok=False, error="no scored clustering snapshot")
    first, last = cluster[0], cluster[-1]  # epoch 0: after the method's set-up, before any clustering step
    metrics, reference = last.metrics, last.reference_metrics
    start = first.metrics if trial.start_labels is None else clustering_scores(data.y, trial.start_labels)
    return RunResult(
        spec, config.method, config.seed, settings,
        acc=metrics["acc"], nmi=metrics["nmi"], ari=metrics["ari"],
        reference_acc=reference.get("acc"), reference_nmi=reference.get("nmi"), reference_ari=reference.get("ari"),
        start_acc=start["acc"], start_nmi=start["nmi"], start_ari=start["ari"],
        epochs=last.epoch, converged=bool(last.converged),
        pretrain_cached=any(row.scalars.get("cached") for row in pretrain),
        cluster_seconds=last.elapsed - (pretrain[-1].elapsed if pretrain else 0.0), total_seconds=last.elapsed,
    )


def progress_line(index: int, total: int, result: RunResult, elapsed: float) -> str:
    """What stderr shows after each run of a long benchmark."""
    where = f"[{index}/{total}] {result.data} {result.method} seed {result.seed}"
    if not result.ok:
        return f"{where}: FAILED: {result.error} ({elapsed:.0f}s elapsed)"
    reference = f"{result.reference_acc:.4f}" if result.reference_acc is not None else "n/a"
    return (f"{where}: ACC {result.acc:.4f} NMI {result.nmi:.4f} ARI {result.ari:.4f} | start ACC {result.start_acc:.4f} | "
            f"AE+k-means ACC {reference} | "
            f"{result.epochs} epochs{' (converged)' if result.converged else ''} | clustering {result.cluster_seconds:.1f}s, "
            f"run {result.total_seconds:.1f}s{' (AE from cache)' if result.pretrain_cached else ''} | {elapsed:.0f}s elapsed")
