"""How long a run's settings take on this machine: before Start, and the time left while it trains.

A run takes its pretraining epochs (none when the pretrained autoencoder is in the cache) times
the seconds of one pretraining epoch, plus its clustering epochs (at most: a method's stopping
rule may end it sooner) times the seconds of one clustering epoch. Those seconds come from

- the user's recorded runs of the same data (its fingerprint), method, network and batch size:
  the median wall time of their epochs (`EpochRow.seconds`), per phase, and of the clustering
  phase's start; when runs of exactly these settings ended on their own, the epochs they trained
  replace the planned ones. A sweep's trials count only when no other run matches: nobody watches
  them, so no UMAP frame paces their epochs as a page's does (DEKM on 200 rows of blobs: 0.11 s a
  clustering epoch in a sweep's trial, 0.49 s in the page's paced run); else
- a trial of the settings on a few batches of this data, now (runs/probe.py), once the form has run it; or
  until then a first estimate: the network's multiply-adds per row (an MLP) or its input size (the
  convolutional networks) times the rows, at a rate measured on this kind of machine on digits,
  and the method's clustering epoch as a multiple of its pretraining epoch
  (`bench/duration.py --calibrate` measured CALIBRATION; docs/benchmarks.md, "How long a run takes").

A method whose own rule ends a phase early (a tolerance, a hold-out's patience) is counted at the epochs its
recipe's runs trained on digits (TYPICAL_EPOCHS) when fewer than planned, until runs of exactly these
settings have ended here; the line then also says the most, every planned epoch.

Torch-free: the form asks before any training code is imported.
"""
from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, replace
from pathlib import Path

from ..data.dataset import Dataset
from ..networks.pretrain_key import pretrain_key
from ..settings.train import TrainConfig
from ..user_cache import default_cache_dir
from .store.rows import EpochRow, RunRecord

RECORDED_RUNS = 5  # the newest matching runs whose epochs are timed
# Measured by `python -m bench.duration --calibrate` on digits (1,797 rows), 3 + 3 epochs per method, one torch
# thread (the app's on 2 cores), 2026-12-06 20:51 UTC on a 2-core machine shared with other work (load 8 to 16):
# the median rate of the methods on each network; the ratio of each method's epochs (docs/benchmarks.md).
SECONDS_PER_UNIT = {"mlp": 6.2e-10, "conv": 1.3e-5, "depict": 5.0e-5}  # per row and multiply-add (mlp) or input value
# Every epoch also makes the live view's snapshot (all rows embedded, labels, metrics, the 2-D view): measured
# 0.05 to 0.08 s per epoch on 300 rows of blobs with a 32-32 MLP (DEKM, DEC), what a tiny network's epoch is made of.
SNAPSHOT_SECONDS = 0.05
# Epochs that runs of a method's recipe trained on digits before its own rule ended the phase: (pretraining with
# the recipe's hold-out, clustering), means over 5 seeds of `bench.quality` (docs/benchmarks.md, digits, each
# method's reference recipe). DEPICT, seed 0 only: 370 clustering epochs; its pretraining epochs were not logged,
# 1,500 is inferred from its 1,773 s of pretraining at its 430 s for 370 clustering epochs and this machine's
# ratio of the two epochs (CLUSTER_TO_PRETRAIN). Methods absent: none of their rules ended a phase early there.
TYPICAL_EPOCHS = {"dekm": (None, 90), "dec": (None, 252), "idec": (None, 112), "depict": (1500, 370)}
CLUSTER_TO_PRETRAIN = {"ae-kmeans": 0.0, "n2d": 0.0, "dec": 0.70, "idec": 1.15, "dkm": 1.23, "kmeans-friendly": 1.18,
                       "dekm": 0.39, "depict": 0.97, "aecm": 1.52}


@dataclass(frozen=True)
class EpochSeconds:
    pretrain: float  # seconds of one pretraining epoch
    cluster: float  # seconds of one clustering epoch
    runs: int  # recorded runs they were measured on; 0: the first estimate
    start: float = 0.0  # seconds of the clustering phase's start (AE + k-means, the method's initialisation)


@dataclass(frozen=True)
class Estimate:
    seconds: float
    runs: int  # recorded runs the epoch times come from; 0: a first estimate
    pretrain_cached: bool  # the pretrained autoencoder is in the cache: no pretraining epoch to wait for
    at_most: bool  # the method may stop sooner than its epochs (a stopping rule, a hold-out)
    most_seconds: float | None = None  # every planned epoch, when `seconds` counts the epochs runs usually stop at
    probed: bool = False  # the first estimate's epoch times come from a trial on this data (runs/probe.py)

    def line(self) -> str:
        """'About 4 min on this machine (measured on 3 earlier runs)', for the form."""
        if self.runs:
            how = f"measured on {self.runs} earlier run{'s' if self.runs > 1 else ''} of these settings"
        elif self.probed:
            how = "a first estimate from a trial of these settings on a few batches of this data"
        else:
            how = "a first estimate from the data size and the network"
        cached = "; pretrained autoencoder from the cache" if self.pretrain_cached else ""
        if self.most_seconds is not None and duration_text(self.most_seconds) != duration_text(self.seconds):
            return (f"About {duration_text(self.seconds)} on this machine if it stops when this method's runs "
                    f"usually do; at most {duration_text(self.most_seconds)} ({how}{cached}).")
        at_most = self.at_most or self.most_seconds is not None
        return f"{'At most about' if at_most else 'About'} {duration_text(self.seconds)} on this machine ({how}{cached})."


def duration_text(seconds: float) -> str:
    """'40 s', '4 min', '1 h 5 min'."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def network_units(config: TrainConfig, n_features: int) -> float:
    """The per-row cost of the autoencoder: an MLP's multiply-adds (encoder and its mirror decoder),
    a convolutional network's input values."""
    ae = config.autoencoder
    if ae.kind != "mlp":
        return float(n_features)
    widths = [n_features, *ae.hidden, ae.embedding_dim]
    return 2.0 * sum(a * b for a, b in itertools.pairwise(widths))


def first_estimate(n_rows: int, n_features: int, config: TrainConfig) -> EpochSeconds:
    pretrain = n_rows * network_units(config, n_features) * SECONDS_PER_UNIT[config.autoencoder.kind]
    cluster = pretrain * CLUSTER_TO_PRETRAIN.get(config.method, 1.0)
    return EpochSeconds(pretrain + SNAPSHOT_SECONDS, cluster + SNAPSHOT_SECONDS if cluster else 0.0, runs=0)


def same_settings(record: RunRecord, fingerprint: str, config: TrainConfig) -> bool:
    """Epochs of `record` take as long as those of `config` on the same data: same method, network, batch."""
    c = record.config
    return (record.data.fingerprint == fingerprint and c.method == config.method
            and c.autoencoder == config.autoencoder and c.batch_size == config.batch_size)


def phase_seconds(rows: list[EpochRow], phase: str) -> float | None:
    """The median wall time of a run's trained epochs of `phase` (epoch 0, the start, and a cached pretraining left
    out), after its first (`after_warm_up`)."""
    timed = [row.seconds for row in rows if row.phase == phase and row.epoch >= 1]
    if phase == "pretrain" and len(timed) < 2:  # one row: the autoencoder came from the cache
        return None
    return statistics.median(after_warm_up(timed)) if timed else None


def after_warm_up(seconds: list[float]) -> list[float]:
    """A phase's epoch seconds, oldest first, without the first when later ones were timed: a run's first epoch also
    holds its warm-up (a sweep's 2-epoch trial of blobs: 2.87 s, then 0.20 s an epoch, so a median of both made
    the page promise 11 min for a 400-epoch run that took 83 s)."""
    return seconds[1:] if len(seconds) > 1 else seconds


def recorded_epoch_seconds(runs: list[tuple[RunRecord, list[EpochRow]]], first: EpochSeconds) -> EpochSeconds:
    """The median, over runs, of each run's median epoch time per phase; a phase none of them timed (say, every
    run's autoencoder came from the cache) at the first estimate's `first`."""
    pretrain = [s for _, rows in runs if (s := phase_seconds(rows, "pretrain")) is not None]
    cluster = [s for _, rows in runs if (s := phase_seconds(rows, "cluster")) is not None]
    starts = [row.seconds for _, rows in runs for row in rows if row.phase == "cluster" and row.epoch == 0]
    if not pretrain and not cluster:
        return first
    return EpochSeconds(statistics.median(pretrain) if pretrain else first.pretrain,
                        statistics.median(cluster) if cluster else first.cluster, runs=len(runs),
                        start=statistics.median(starts) if starts else 0.0)


def pretrain_cached(data: Dataset, config: TrainConfig) -> bool:
    if not config.use_cache or config.pretrain_epochs == 0:
        return config.pretrain_epochs == 0
    folder = Path(config.cache_dir) if config.cache_dir else default_cache_dir()
    return (folder / f"{pretrain_key(data, config)}.pt").exists()


def epochs_run(rows: list[EpochRow], phase: str) -> int:
    return max((row.epoch for row in rows if row.phase == phase), default=0)


def ended_like(runs: list[tuple[RunRecord, list[EpochRow]]], config: TrainConfig) -> tuple[float, float] | None:
    """The median epochs of each phase that runs of exactly these settings (any seed) trained to their own end
    (a stopping rule, a hold-out's patience): how many a run of `config` will likely train; None without such runs."""
    ended = [rows for record, rows in runs
             if record.status in ("finished", "converged") and replace(record.config, seed=config.seed) == config]
    if not ended:
        return None
    return (statistics.median(epochs_run(rows, "pretrain") for rows in ended),
            statistics.median(epochs_run(rows, "cluster") for rows in ended))


def typical_epochs(config: TrainConfig) -> tuple[int, int]:
    """The epochs of each phase a run of `config` likely trains: the planned ones, or fewer where the method's
    rule usually ends the phase sooner (TYPICAL_EPOCHS; pretraining's only with a hold-out)."""
    pretrain, cluster = TYPICAL_EPOCHS.get(config.method, (None, None))
    if pretrain is None or not config.pretrain_holdout:
        pretrain = config.pretrain_epochs
    return min(config.pretrain_epochs, pretrain), min(config.cluster_epochs, cluster or config.cluster_epochs)


def estimate(data: Dataset, config: TrainConfig, store=None, probed: EpochSeconds | None = None) -> Estimate:
    """The estimate for `config` on `data`, from the runs in `store` (a RunStore, or None) when it holds some,
    else from `probed` (runs/probe.py's trial of these settings on this data) or the calibrated rates."""
    fingerprint = data.fingerprint()
    matching = [r for r in (store.runs() if store is not None else []) if same_settings(r, fingerprint, config)]
    matching = [r for r in matching if r.origin != "sweep"] or matching  # a sweep's unwatched trials: the last resort
    runs = [(r, store.epoch_rows(r.id)) for r in sorted(matching, key=lambda r: -r.created)[:RECORDED_RUNS]]
    epoch = recorded_epoch_seconds(runs, probed or first_estimate(data.n_samples, data.n_features, config))
    cached = pretrain_cached(data, config)

    def seconds(pretrain_epochs: float, cluster_epochs: float) -> float:
        return (0 if cached else pretrain_epochs * epoch.pretrain) + epoch.start + cluster_epochs * epoch.cluster

    ended = ended_like(runs, config)
    # planned clustering epochs are an upper bound (a method's stopping rule), as pretraining's are with a hold-out
    at_most = ended is None and (config.cluster_epochs > 0 or bool(config.pretrain_holdout))
    likely = ended or typical_epochs(config)
    planned = (config.pretrain_epochs, config.cluster_epochs)
    most = seconds(*planned) if ended is None and likely != planned else None
    return Estimate(seconds(*likely), epoch.runs, cached, at_most=at_most, most_seconds=most,
                    probed=probed is not None and epoch is probed)


def time_left(rows: list[tuple[str, int, int, float]], config: TrainConfig) -> float | None:
    """Seconds left of a training run from its own epochs so far: `rows` are (phase, epoch, epochs in phase,
    seconds) of its snapshots, oldest first. The phase under way at the median of its epochs so far
    (`after_warm_up`); the clustering phase, before it starts, at the pretraining's (the first estimate's ratio
    applied), for the epochs it likely trains (`typical_epochs`). None before the first trained epoch."""
    timed = [(phase, epoch, total, s) for phase, epoch, total, s in rows if epoch >= 1]
    if not timed:
        return None
    phase, epoch, total, _ = rows[-1]
    in_phase = after_warm_up([s for p, _, _, s in timed if p == phase])
    here = statistics.median(in_phase) if in_phase else None
    likely_pretrain, likely_cluster = typical_epochs(config)
    pretrain = here if phase == "pretrain" and here else statistics.median(after_warm_up([s for *_, s in timed]))
    if phase == "cluster":  # at its k-means start (epoch 0), the pretraining's epochs are all there is to go by
        here = here or pretrain * CLUSTER_TO_PRETRAIN.get(config.method, 1.0)
        return here * epochs_left(epoch, total, likely_cluster)
    return (pretrain * epochs_left(epoch, total, likely_pretrain)
            + pretrain * CLUSTER_TO_PRETRAIN.get(config.method, 1.0) * likely_cluster)


def epochs_left(epoch: int, total: int, likely: int) -> int:
    """Epochs after `epoch` of a phase of `total` that likely trains `likely`: at least one more while the
    phase goes on past its likely end."""
    if likely >= total:
        return total - epoch
    return max(likely, min(epoch + 1, total)) - epoch
