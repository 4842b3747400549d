"""What the run store costs per epoch: disk per file kind and seconds spent saving.

    .venv/bin/python -m bench.store_size --data digits fashion-mnist:10000 --epochs 3

Trains `--epochs` pretraining and clustering epochs of DEKM (its recipe, with the MLP
autoencoder d-500-500-2000-10 and the default display size), recorded into a temporary store
as every run is (`RecordedTraining`), then prints one Markdown row per data set: bytes per
epoch of the snapshot arrays, of one weights file and of one UMAP frame (random stand-in
coordinates of the same shape), of every row's labels (rewritten each epoch) and of the
display rows (written once), then the median seconds of a training epoch and of saving it.
"""
from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np

from deepclust_core.recipe.build import config_for
from deepclust_core.runs.recording import RecordedTraining
from deepclust_core.runs.store import RunStore

from .datasets import load_spec, parse_data_spec


class ClockedStore(RunStore):
    """A run store that times what it writes of each epoch: the snapshot and weights, then the UMAP frame."""

    def __init__(self, folder: str):
        super().__init__(folder)
        self.seconds: list[float] = []  # per epoch

    def save_epoch(self, *args, **kwargs) -> None:
        began = time.perf_counter()
        super().save_epoch(*args, **kwargs)
        self.seconds.append(time.perf_counter() - began)

    def save_layout(self, *args, **kwargs) -> None:
        began = time.perf_counter()
        super().save_layout(*args, **kwargs)
        self.seconds[-1] += time.perf_counter() - began


def measure(spec: str, epochs: int) -> list[str]:
    data = load_spec(parse_data_spec(spec))
    config = config_for("dekm", data.n_classes, data=data, autoencoder=dict(kind="mlp"), pretrain_epochs=epochs,
                        cluster_epochs=epochs, use_cache=False)
    store = ClockedStore(tempfile.mkdtemp(prefix="store-size-"))
    training = RecordedTraining(data, config, store, origin="python")
    seconds_training = []
    for snapshot in training.snapshots():
        frame = np.random.default_rng(training.recording.seq).normal(scale=3.0, size=(len(snapshot.display_index), 2))
        training.recording.save_layout(training.recording.seq, frame)
        seconds_training.append(snapshot.seconds)
    folder = store.run_folder(training.run_id)
    size = lambda pattern: np.mean([p.stat().st_size for p in folder.glob(pattern)])  # noqa: E731
    return [spec, f"{data.n_samples}", f"{len(snapshot.display_index)}", f"{size('epoch-*.npz') / 1e3:.0f} kB",
            f"{size('weights-*.pt') / 1e6:.2f} MB", f"{size('layout-*.npz') / 1e3:.1f} kB",
            f"{size('labels.npz') / 1e3:.0f} kB", f"{size('display.npz') / 1e6:.2f} MB",
            f"{np.median(seconds_training):.2f} s", f"{np.median(store.seconds) * 1e3:.0f} ms"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["digits", "fashion-mnist:10000"])
    parser.add_argument("--epochs", type=int, default=3, help="pretraining and clustering epochs each")
    args = parser.parse_args()
    header = ["Data", "Rows", "Display rows", "Snapshot arrays / epoch", "Weights / kept epoch (float16)",
              "UMAP frame / epoch", "All labels", "Display rows (once)", "Training / epoch", "Saving / epoch"]
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for spec in args.data:
        print("| " + " | ".join(measure(spec, args.epochs)) + " |", flush=True)


if __name__ == "__main__":
    main()
