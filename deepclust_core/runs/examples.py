"""The shipped examples: a few small recorded runs that ship with the app, so the Runs page is
never empty and a lecture can start without training. `python -m deepclust_core examples` records
them again into examples/ (a run store opened read-only by the app), UMAP frames included.

Small on purpose (about 2.5 MB in all): 500 display points, a 64-64-128 autoencoder, weights
of three snapshots per run (the first, the first clustering epoch, the last), float16
display arrays. One example is a branch of another, so Compare shows a parent and its child.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..data.loaders import load_dataset
from ..projection.umap import umap_layout
from ..recipe.build import config_for
from .branch import branch_config, branch_start
from .recording import RecordedTraining
from .store import EXAMPLES_DIR, RunStore, StoreConfig
from .store.rows import EXAMPLE_ORIGIN
from .stored_run import StoredRun

EXAMPLES_STORE = StoreConfig(weights_budget_mb=0.1)  # the fewest checkpoints the store keeps: three
DIGITS_AUTOENCODER = dict(kind="mlp", hidden=(64, 64, 128), embedding_dim=10)  # 36 k parameters, 72 kB in float16
PLANE_AUTOENCODER = dict(hidden=(64, 64, 128), embedding_dim=4)  # for the 2-D synthetic sets
DISPLAY_SIZE = 500


@dataclass(frozen=True)
class Example:
    run_id: str
    data: dict  # load_dataset(**data)
    method: str
    train: dict  # pretrain_epochs, cluster_epochs, ... on top of the method's suggested settings
    autoencoder: dict = field(default_factory=lambda: DIGITS_AUTOENCODER)
    options: dict = field(default_factory=dict)
    branch_of: str | None = None  # an earlier example: branch from its first clustering snapshot


EXAMPLES = (  # batch 64: four times the steps per epoch of the papers' 256, so 30 pretraining epochs suffice
    Example("example-digits-dekm", dict(name="digits"), "dekm",
            dict(pretrain_epochs=30, cluster_epochs=15, batch_size=64)),
    Example("example-digits-idec-branch", dict(name="digits"), "idec", dict(cluster_epochs=15),
            branch_of="example-digits-dekm"),
    Example("example-blobs-dec", dict(name="blobs", n_samples=500, noise=0.1, n_clusters=4), "dec",
            dict(pretrain_epochs=30, cluster_epochs=15, batch_size=64), PLANE_AUTOENCODER,
            options=dict(update_interval=0)),  # P refreshed every epoch: 15 epochs of 8 steps hold fewer than 140
    Example("example-moons-dekm", dict(name="moons", n_samples=500, noise=0.08), "dekm",
            dict(pretrain_epochs=30, cluster_epochs=15, batch_size=64), PLANE_AUTOENCODER),
)


def record_example(store: RunStore, example: Example) -> None:
    data = load_dataset(**example.data)
    if example.branch_of is None:
        config = config_for(example.method, data.n_classes, autoencoder=example.autoencoder, options=example.options,
                            data=data, seed=0, display_size=DISPLAY_SIZE, device="cpu", use_cache=False, **example.train)
        start = None
    else:
        parent_config = store.run_record(example.branch_of).config
        at = store.epoch_rows(example.branch_of, after=parent_config.pretrain_epochs - 1)[0]  # clustering epoch 0
        config = branch_config(parent_config, at, dict(method=example.method, method_options=example.options,
                                                       **example.train))
        start = branch_start(store, example.branch_of, at.seq, data, config)
    training = RecordedTraining(data, config, store, origin=EXAMPLE_ORIGIN, branch_from=start, run_id=example.run_id)
    for _ in training.snapshots():
        pass


def project(store: RunStore, run_id: str) -> None:
    """UMAP frames for every snapshot of a stored run, each warm-started from the previous one."""
    run = StoredRun(store, run_id)
    previous = None
    for entry in run.history():
        previous = umap_layout(entry.snapshot.embedding, previous, seed=run.config.seed)
        store.save_layout(run_id, entry.seq, previous)


def record_examples(folder: str | Path = EXAMPLES_DIR, examples=EXAMPLES) -> RunStore:
    """Record every example afresh into `folder` (its old contents are replaced)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()) and not (folder / "runs.sqlite").exists():
        raise ValueError(f"{folder} is not empty and not a run store; choose another folder")
    shutil.rmtree(folder, ignore_errors=True)
    store = RunStore(folder, config=EXAMPLES_STORE)
    for example in examples:
        print(f"recording {example.run_id}", flush=True)
        record_example(store, example)
        project(store, example.run_id)
    store.pack()
    return store
