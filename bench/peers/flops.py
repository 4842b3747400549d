"""How close an epoch comes to the machine's limit: the FLOPs of an epoch's training steps, and the rate of a
plain matrix product measured in the same run (bench.peers' GFLOP/s columns).

An epoch's FLOPs are those of its training steps, the same on both sides: forward and backward passes
of the network part the phase trains, on every row (pretraining, and the methods that train the decoder
too, IDEC, DKM, ClustPy's DCN: the whole autoencoder; DEC, DEKM: the encoder), counted by `torch.utils.flop_counter.FlopCounterMode` (matrix products and convolutions,
2 FLOPs per multiply-add) on one batch and scaled to the rows. Work an epoch does besides (our loop's
embedding of every row to refresh DEC/IDEC's target, the snapshot) is not counted, so GFLOP/s =
these FLOPs / the epoch's wall-clock seconds says how much of the machine the training steps got.
"""
from __future__ import annotations

import statistics
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from deepclust_core import METHODS
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.settings.train import TrainConfig

MATMUL_SIZE = 2048


def step_flops(config: TrainConfig, n_features: int, image_shape, part: str) -> int:
    """FLOPs of one training step on a batch of config.batch_size rows: forward and backward of `part`
    ("encoder" or "autoencoder")."""
    autoencoder = build_autoencoder(config.autoencoder, n_features, image_shape)
    x = torch.zeros(config.batch_size, n_features)
    with FlopCounterMode(display=False) as counter:
        output = autoencoder.encoder(x) if part == "encoder" else autoencoder(x)[1]
        output.sum().backward()
    return counter.get_total_flops()


def epoch_gflop(config: TrainConfig, n_rows: int, n_features: int, image_shape) -> dict[str, float]:
    """GFLOP of one pretraining epoch and of one clustering epoch of `config.method` on n_rows rows."""
    batches = n_rows / config.batch_size  # the last, shorter batch counts by its rows
    whole = step_flops(config, n_features, image_shape, "autoencoder") * batches / 1e9
    method = METHODS.get(config.method)
    clustering = whole if method is None or method.trains_decoder else \
        step_flops(config, n_features, image_shape, "encoder") * batches / 1e9
    return {"pretrain": whole, "cluster": clustering}


def matmul_gflops(dtype: torch.dtype = torch.float32, repeats: int = 7) -> float:
    """GFLOP/s of a 2048 x 2048 matrix product in `dtype` on the current torch threads (median of `repeats`)."""
    a = torch.rand(MATMUL_SIZE, MATMUL_SIZE).to(dtype)
    b = torch.rand(MATMUL_SIZE, MATMUL_SIZE).to(dtype)
    a @ b  # first call: allocation and kernel choice
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        a @ b
        seconds.append(time.perf_counter() - started)
    return 2 * MATMUL_SIZE ** 3 / statistics.median(seconds) / 1e9
