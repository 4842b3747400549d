"""One training step under each speed lever (docs/benchmarks.md, "Faster than ClustPy per epoch"): bfloat16
autocast, channels-last for the conv autoencoder, torch.compile, no float() of the loss per batch, a fused
optimiser (the loop's since 2026-12-07; torch's default is `foreach`), and the cost of taking a batch from the one
tensor of all rows.

    .venv/bin/python -m bench.peers.step_levers --repeats 6 --threads 1 [--compile]

Batch 256 of random 784-feature rows, Adam (torch's default `foreach` unless the variant says fused); the MLP
784-500-500-2000-10 and DEKM.py's conv autoencoder (28x28). Every variant runs 5 steps per repetition, the
variants interleaved so that a loaded machine slows them alike; medians over repetitions.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from deepclust_core.networks.build import build_autoencoder
from deepclust_core.settings.autoencoder import AutoencoderConfig

ROWS, BATCH = 10_000, 256


def network(kind: str, fused: bool = False):
    torch.manual_seed(0)
    autoencoder = build_autoencoder(AutoencoderConfig(kind=kind), 784, (1, 28, 28))
    return autoencoder, torch.optim.Adam(autoencoder.parameters(), 1e-3, fused=fused)


def step(X, pair, bf16=False, read_loss=True, compiled=None):
    autoencoder, optimizer = pair
    x = X[torch.randint(0, ROWS, (BATCH,))]
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        output = (autoencoder if compiled is None else compiled)(x)[1]
    loss = F.mse_loss(output.float(), x)
    if read_loss:
        float(loss.detach())
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=6)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--compile", action="store_true", help="also torch.compile the MLP (its compile time is printed)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    X = torch.rand(ROWS, 784)
    mlp, conv, conv_last = network("mlp"), network("conv"), network("conv")
    mlp_fused, conv_fused = network("mlp", fused=True), network("conv", fused=True)
    conv_last[0].to(memory_format=torch.channels_last)
    variants = {
        "mlp float32": lambda: step(X, mlp), "mlp bfloat16": lambda: step(X, mlp, bf16=True),
        "mlp float32, no float(loss)": lambda: step(X, mlp, read_loss=False),
        "mlp float32, fused Adam": lambda: step(X, mlp_fused),
        "mlp bfloat16, fused Adam": lambda: step(X, mlp_fused, bf16=True),
        "conv float32, fused Adam": lambda: step(X, conv_fused),
        "conv float32": lambda: step(X, conv), "conv bfloat16": lambda: step(X, conv, bf16=True),
        "conv float32 channels-last": lambda: step(X, conv_last),
        "conv bfloat16 channels-last": lambda: step(X, conv_last, bf16=True),
    }
    if args.compile:
        compiled_pair = network("mlp")
        compiled = torch.compile(compiled_pair[0])
        for bf16 in (False, True):
            started = time.perf_counter()
            step(X, compiled_pair, bf16=bf16, compiled=compiled)
            print(f"torch.compile, first {'bfloat16' if bf16 else 'float32'} step: {time.perf_counter() - started:.1f} s")
            variants[f"mlp {'bfloat16' if bf16 else 'float32'} compiled"] = \
                lambda bf16=bf16: step(X, compiled_pair, bf16=bf16, compiled=compiled)
    times = {name: [] for name in variants}
    gather = []
    for _ in range(args.repeats):
        for name, run in variants.items():
            run()
            started = time.perf_counter()
            for _ in range(5):
                run()
            times[name].append((time.perf_counter() - started) / 5 * 1000)
        started = time.perf_counter()
        for _ in range(100):
            X[torch.randint(0, ROWS, (BATCH,))]
        gather.append((time.perf_counter() - started) / 100 * 1000)
    print(f"{args.threads} threads, {args.repeats} repetitions of 5 steps, medians")
    for name, values in times.items():
        print(f"{name}: {statistics.median(values):.1f} ms/step (min {min(values):.1f})")
    print(f"a batch from the one tensor of all rows, X[index] of {BATCH}: {statistics.median(gather):.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
