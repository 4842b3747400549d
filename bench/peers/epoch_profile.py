"""Where an epoch's time goes: our training loop piece by piece, next to ClustPy's loop on the same network.

    .venv/bin/python -m bench.peers.epoch_profile --threads 2      # our side only
    .venv-peers/bin/python -m bench.peers.epoch_profile --threads 2 # both (the peer venv has ClustPy)

Diagnostic for the speed columns of bench.peers, on digits with the reference MLP (d-500-500-2000-10).
Pretraining, --epochs epochs from the same seeded autoencoder, seconds per epoch over the first 3 and
the last 5 epochs: our optimiser steps alone (MSE averaged over features, as our loop), the same with
torch.set_flush_denormal(True), the same with the loss summed over features (ClustPy's
mean_squared_error), and ClustPy's own loop with either loss. Then, on the pretrained network, the
per-epoch work our loop adds (embedding of every row, the pretraining snapshot) and DEC's clustering
epoch: steps alone, and steps + embedding + target refresh + snapshot, against ClustPy's
_DEC_Module.fit. The torch.set_flush_denormal(True) variants check whether denormal floats (below
1.18e-38, slow on x86) cost either side time.
"""
from __future__ import annotations

import argparse
import sys
import time

import torch

from bench.datasets import load_spec, parse_data_spec
from bench.peers.clustpy_run import import_clustpy
from deepclust_core.networks.build import build_autoencoder
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.settings.train import TrainConfig
from deepclust_core.training.control import TrainingControl
from deepclust_core.training.loop import Batches, run_epoch, embed
from deepclust_core.methods import TrainingContext, make_method
from deepclust_core.training.snapshot_builder import SnapshotBuilder

def epoch_times(step, epochs: int) -> list[float]:
    times = []
    for _ in range(epochs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> str:
    first, last = times[:3], times[-5:]
    return f"{sum(first) / len(first):.4f} | {sum(last) / len(last):.4f}"


def clustpy_pieces():
    """ClustPy's pieces, or None outside the peer venv (imported as bench/peers/clustpy_run.py does)."""
    try:
        import_clustpy()
        from clustpy.deep._data_utils import get_dataloader
        from clustpy.deep._utils import mean_squared_error
        from clustpy.deep.dec import _DEC_Module
        from clustpy.deep.neural_networks import FeedforwardAutoencoder
    except ImportError:
        return None
    return get_dataloader, mean_squared_error, _DEC_Module, FeedforwardAutoencoder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default="digits")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--epochs", type=int, default=20, help="pretraining epochs of every variant (at least 8)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    data = load_spec(parse_data_spec(args.data))
    X, K, cpu = torch.tensor(data.X), data.n_classes, torch.device("cpu")
    control = TrainingControl()
    rows: list[tuple[str, str]] = []

    def mean_loss(output, x):
        return torch.nn.functional.mse_loss(output, x)

    def sum_loss(output, x):
        return ((output - x) ** 2).sum() / len(x)

    def ours(loss, flush: bool):
        torch.manual_seed(0)
        ae = build_autoencoder(AutoencoderConfig(), data.n_features, data.image_shape)
        optimizer = torch.optim.Adam(ae.parameters(), lr=1e-3)
        batches = Batches(len(X), 256, 0, cpu)
        step = lambda: run_epoch(lambda x, i: {"total": loss(ae(x)[1], x)}, optimizer, X, batches, control)  # noqa: E731
        torch.set_flush_denormal(flush)
        try:
            return ae, epoch_times(step, args.epochs)
        finally:
            torch.set_flush_denormal(False)

    ae, times = ours(mean_loss, False)
    rows.append(("pretraining: our steps, MSE mean over features (our loss)", summary(times)))
    rows.append(("pretraining: our steps, mean, torch.set_flush_denormal(True)", summary(ours(mean_loss, True)[1])))
    rows.append(("pretraining: our steps, MSE summed over features (ClustPy's loss)", summary(ours(sum_loss, False)[1])))

    clustpy = clustpy_pieces()
    if clustpy is not None:
        get_dataloader, mean_squared_error, dec_module, feedforward = clustpy
        for name, loss in (("summed (its default)", mean_squared_error), ("mean (torch mse_loss)", mean_loss)):
            torch.manual_seed(0)
            theirs = feedforward([data.n_features, 500, 500, 2000, 10], activation_fn=torch.nn.ReLU)
            loader = get_dataloader(data.X, 256, True)
            optimizer = torch.optim.Adam(theirs.parameters(), lr=1e-3)

            def their_epoch():
                for batch in loader:
                    value, _ = theirs.loss(batch, loss, cpu)
                    optimizer.zero_grad()
                    value.backward()
                    optimizer.step()

            rows.append((f"pretraining: ClustPy's loop, loss {name}", summary(epoch_times(their_epoch, args.epochs))))

    # our loop's extra work per epoch, on the autoencoder pretrained above (mean loss, no flush)
    config = TrainConfig(n_clusters=K, method="dec")
    recorder = SnapshotBuilder(data, config, "cpu")
    rows.append(("our loop per pretraining epoch: embed(all rows)", summary(epoch_times(lambda: embed(ae, X), 8))))
    H = embed(ae, X)
    rows.append(("our loop per pretraining epoch: pretrain_snapshot (k-means n_init 1, metrics, view)",
                 summary(epoch_times(lambda: recorder.pretrain_snapshot(1, 200, {"total": 0.0}, H), 8))))

    for flush in (False, True):
        torch.set_flush_denormal(flush)
        state = {k: v.clone() for k, v in ae.state_dict().items()}
        method = make_method("dec", K, 0)
        ctx = TrainingContext(ae, X, embed=lambda: embed(ae, X), seed=0, epochs=75, steps_per_epoch=-(-len(X) // 256))
        method.setup(ctx)
        optimizer = method.make_optimizer(list(ae.encoder.parameters()) + method.parameters(), 1e-3)
        batches = Batches(len(X), 256, 0, cpu)

        def dec_epoch(full: bool):
            losses = run_epoch(lambda x, i: method.batch_loss(x, i, ctx), optimizer, X, batches, control, shuffle=False)
            if full:
                H = ctx.embed()
                method.end_epoch(ctx, H)
                recorder.cluster_snapshot(1, 75, losses, H, method, {})

        suffix = ", flush denormals" if flush else ""
        rows.append((f"DEC epoch: our steps only{suffix}", summary(epoch_times(lambda: dec_epoch(False), 8))))
        rows.append((f"DEC epoch: our loop (steps + embed + target refresh + snapshot){suffix}",
                     summary(epoch_times(lambda: dec_epoch(True), 8))))
        if clustpy is not None:
            theirs = feedforward([data.n_features, 500, 500, 2000, 10], activation_fn=torch.nn.ReLU)
            theirs.encoder.block.load_state_dict({k.removeprefix("encoder."): v for k, v in state.items() if k.startswith("encoder.")})
            module = dec_module(method.centroids(), 1.0)
            sgd = torch.optim.SGD(list(theirs.parameters()) + list(module.parameters()), lr=0.01, momentum=0.9)
            loader = get_dataloader(data.X, 256, True)
            step = lambda: module.fit(theirs, loader, 1, cpu, sgd, mean_squared_error, 1.0, 0)  # noqa: E731
            rows.append((f"DEC epoch: ClustPy's _DEC_Module.fit{suffix}", summary(epoch_times(step, 8))))
        ae.load_state_dict(state)
        torch.set_flush_denormal(False)

    print(f"{args.data}: {data.n_samples} rows, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"{args.epochs} pretraining epochs per variant")
    print("| Part | s/epoch, first 3 | s/epoch, last 5 |\n|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
