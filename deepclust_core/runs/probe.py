"""A trial of a run's settings on this machine, now: the seconds of one epoch of each phase, timed on a few
batches of the data's own rows, for the first estimate of a run's length (runs/duration.py) before any run of
these settings was recorded.

The trial is the run itself, shortened: the same method, network, batch size and hold-out, trained by the
same loop (training/loop.py) for PROBE_EPOCHS epochs of each phase on PROBE_BATCHES batches of rows drawn with
the seed, on the threads a run watched by a page gets (training/cores.py). Its snapshots' seconds, scaled
from the trial's rows to the data's, are the epochs' seconds: what this machine does now, under its present
load, rather than rates calibrated on another day. On digits (400 rows of DEPICT's batches of 100)
about 2 s on an idle core; under a load of 30 on 2 cores, a minute.

    seconds = probe_epoch_seconds(data, config)   # EpochSeconds(pretrain, cluster, runs=0, start)
"""
from __future__ import annotations

from dataclasses import replace

from ..data.dataset import Dataset
from ..settings.train import TrainConfig
from .duration import EpochSeconds

PROBE_BATCHES = 4  # batches of rows the trial trains on (all rows when the data has fewer)
PROBE_EPOCHS = 2  # epochs of each phase, the last one timed: the first holds the loop's set-up


def probe_epoch_seconds(data: Dataset, config: TrainConfig, control=None) -> EpochSeconds | None:
    """Train `config` briefly on a sample of `data` and scale its epoch times to every row of `data`; None when
    `control` (a TrainingControl) stopped the trial first."""
    import torch

    from ..training.cores import threads_beside_the_page
    from ..training.loop import train

    rows = min(data.n_samples, max(PROBE_BATCHES * config.batch_size, 10 * config.n_clusters))
    sample = data.subsample(rows, seed=config.seed)
    trial = replace(config, pretrain_epochs=min(config.pretrain_epochs, PROBE_EPOCHS),
                    cluster_epochs=min(config.cluster_epochs, PROBE_EPOCHS), use_cache=False,
                    display_size=min(config.display_size, rows), device="cpu")
    torch.set_num_threads(threads_beside_the_page())  # as every run of the page sets it (process-wide)
    snapshots = list(train(sample, trial, control))
    if control is not None and control.stopped:
        return None
    scale = data.n_samples / sample.n_samples
    pretrain = [s.seconds for s in snapshots if s.phase == "pretrain"]
    cluster = [s.seconds for s in snapshots if s.phase == "cluster" and s.epoch >= 1]
    start = [s.seconds for s in snapshots if s.phase == "cluster" and s.epoch == 0]
    return EpochSeconds(scale * pretrain[-1] if pretrain else 0.0, scale * cluster[-1] if cluster else 0.0, runs=0,
                        start=scale * start[0] if start else 0.0)
