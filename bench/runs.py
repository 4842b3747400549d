"""One benchmark run: `deepclust_core.train` to the end, reduced to the numbers of the table.

Two starting points are recorded with the final scores, both from the run itself, never chosen
with the labels: the AE + k-means reference of the loop (k-means with n_init 10 on the same
pretrained autoencoder, the same procedure for every method) and the method's own initial
partition, the clustering it starts from with its own restarts (DEC's k-means with n_init 20,
DEKM's with 100, DEPICT's with 40...): its first clustering snapshot, taken after its set-up and
before any clustering step, or `Method.start_labels` where the method sets them (DEPICT, AE-CM's
"pre": the k-means their heads are initialised from). AE-CM from random weights starts from a
random partition.

Timings are wall clock, taken by the consumer of the snapshot stream: `total_seconds` covers
the whole run (pretraining too, unless it came from the cache: `pretrain_cached`), and
`cluster_seconds` starts when the last pretraining snapshot arrives, so it covers the
AE + k-means reference, the method's initialisation and every clustering epoch.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from deepclust_core import Dataset, TrainConfig, TrainingDiverged, train
from deepclust_core.data.dataset import DataError
from deepclust_core.methods import make_method
from deepclust_core.evaluation.metrics import clustering_scores


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


def run_once(data: Dataset, config: TrainConfig, spec: str, settings: str) -> RunResult:
    """Train to the end and read the first and last clustering snapshots; a failure becomes a result with `ok=False`."""
    started = cluster_started = time.perf_counter()
    last, first, cached = None, None, False
    try:
        method = make_method(config.method, config.n_clusters, config.seed, config.method_options)
        for snapshot in train(data, config, method=method):
            if snapshot.phase == "pretrain":
                cluster_started = time.perf_counter()
                cached = cached or bool(snapshot.scalars.get("cached"))
            elif first is None:
                first = snapshot  # epoch 0: after the method's set-up, before any clustering step
            last = snapshot
    except (TrainingDiverged, DataError, ValueError) as error:
        return RunResult(spec, config.method, config.seed, settings, ok=False, error=str(error))
    ended = time.perf_counter()
    if last is None or last.phase != "cluster" or not last.metrics:
        return RunResult(spec, config.method, config.seed, settings, ok=False, error="no scored clustering snapshot")
    metrics, reference = last.metrics, last.reference_metrics
    start = first.metrics if method.start_labels is None else clustering_scores(data.y, method.start_labels)
    return RunResult(
        spec, config.method, config.seed, settings,
        acc=metrics["acc"], nmi=metrics["nmi"], ari=metrics["ari"],
        reference_acc=reference.get("acc"), reference_nmi=reference.get("nmi"), reference_ari=reference.get("ari"),
        start_acc=start["acc"], start_nmi=start["nmi"], start_ari=start["ari"],
        epochs=last.epoch, converged=bool(last.converged), pretrain_cached=cached,
        cluster_seconds=ended - cluster_started, total_seconds=ended - started,
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
