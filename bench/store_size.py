"""What the run store costs per epoch: disk per file kind and seconds spent saving.

    .venv/bin/python -m bench.store_size --data digits fashion-mnist:10000 --epochs 3

Trains `--epochs` pretraining and clustering epochs of DEKM with the default autoencoder
(d-500-500-2000-10) and display size, recording into a temporary store, then prints one
Markdown row per data set: bytes per epoch of the snapshot arrays, of one weights file and
of one UMAP frame (random stand-in coordinates of the same shape), of every row's labels
(rewritten each epoch) and of the display rows (written once), then the median seconds of a
training epoch and of saving it.
"""
from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np

from deepclust_core import TrainConfig
from deepclust_core.training.loop import new_autoencoder, train
from deepclust_core.runs.recording import Recording
from deepclust_core.runs.store import RunStore

from .datasets import load_spec, parse_data_spec


def measure(spec: str, epochs: int) -> list[str]:
    data = load_spec(parse_data_spec(spec))
    config = TrainConfig(n_clusters=data.n_classes, pretrain_epochs=epochs, cluster_epochs=epochs, use_cache=False)
    store = RunStore(tempfile.mkdtemp(prefix="store-size-"))
    autoencoder = new_autoencoder(data, config)
    recording = Recording(store, data, config, origin="python", autoencoder=autoencoder)
    saving, training = [], []
    for snapshot in train(data, config, autoencoder=autoencoder):
        began = time.perf_counter()
        recording.save(snapshot)
        frame = np.random.default_rng(recording.seq).normal(scale=3.0, size=(len(snapshot.display_index), 2))
        recording.save_layout(recording.seq, frame)
        saving.append(time.perf_counter() - began)
        training.append(snapshot.seconds)
    recording.finish("finished")
    folder = store.run_folder(recording.run_id)
    size = lambda pattern: np.mean([p.stat().st_size for p in folder.glob(pattern)])  # noqa: E731
    return [spec, f"{data.n_samples}", f"{len(snapshot.display_index)}", f"{size('epoch-*.npz') / 1e3:.0f} kB",
            f"{size('weights-*.pt') / 1e6:.2f} MB", f"{size('layout-*.npz') / 1e3:.1f} kB",
            f"{size('labels.npz') / 1e3:.0f} kB", f"{size('display.npz') / 1e6:.2f} MB",
            f"{np.median(training):.2f} s", f"{np.median(saving) * 1e3:.0f} ms"]


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
