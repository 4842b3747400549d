"""The one training loop: a generator of immutable Snapshots, pretraining epochs included.

    for snapshot in train(data, TrainConfig(n_clusters=10, method="dekm")):
        print(snapshot.step_name, snapshot.metrics)

Stopping is the caller's `break`, or `control.stop()` from another thread, honoured
between batches; `control.step()` and slow motion pause it between epochs, once the
epoch's snapshot has been handed on. A loss that turns NaN or infinite, or explodes while staying finite
(`divergence.DivergenceGuard`), raises `TrainingDiverged`; every snapshot yielded before it
stays valid.

A snapshot needs every row's embedding. Where the training batches already computed it with
the same function (no dropout) and nothing else needs it fresh (pretraining; the clustering
epochs of methods with `fresh_embedding_each_epoch = False`), a snapshot takes the batches'
embeddings (`BatchEmbeddings`) instead of a second pass over every row, and embeds again only
the display rows the panels draw; the first pretraining epoch and the last epoch of each phase
embed every row again.
"""
from __future__ import annotations

import contextlib
from typing import Callable, Iterator

import numpy as np
import torch

from ..data.dataset import Dataset, validate_for_clustering
from ..evaluation.metrics import clustering_scores
from ..methods import Method, TrainingContext, make_method
from ..methods.kmeans import kmeans
from ..networks.autoencoder import Autoencoder
from ..networks.batch_embeddings import BatchEmbeddings
from ..networks.build import build_autoencoder
from ..networks.precision import NetworkPrecision, effective_precision
from ..networks.pretrain import EarlyStopping, PretrainCache, pretrain_key, pretrain_optimizer, reconstruction_terms
from ..networks.pretrain_progress import PretrainProgress
from ..settings.train import TrainConfig
from .control import TrainingControl
from .divergence import DivergenceGuard, TrainingDiverged  # noqa: F401  (TrainingDiverged: imported from here too)
from .snapshot import Snapshot
from .snapshot_builder import SnapshotBuilder

LossFunction = Callable[[torch.Tensor, torch.Tensor], dict[str, torch.Tensor]]


def resolve_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


# Rows per chunk of `embed`: Pause waits for the chunk under way. With 4,096, DEKM's conv encoder on Fashion-MNIST kept
# training 1.4 and 4.1 s after a click at load 10 (bench.live_view --only scale, 2026-12-07); every path embeds with
# the same chunks, so that training, `predict` and the estimator see the same numbers.
EMBED_CHUNK = 1024


@torch.no_grad()
def embed(autoencoder: Autoencoder, X: torch.Tensor, batch_size: int = EMBED_CHUNK,
          pause_point: Callable[[], bool] | None = None) -> np.ndarray:
    """f(X) for every row, in evaluation mode (dropout off), as float32 numpy (n, d_emb). `pause_point` (a run's
    TrainingControl.should_stop) is called between chunks, so that Pause holds a pass over many rows too."""
    was_training = autoencoder.training
    autoencoder.eval()
    parts = []
    for i in range(0, len(X), batch_size):
        if i and pause_point is not None:
            pause_point()
        parts.append(autoencoder.encoder(X[i:i + batch_size]))
    autoencoder.train(was_training)
    return torch.cat(parts).float().cpu().numpy()


def new_autoencoder(data: Dataset, config: TrainConfig) -> Autoencoder:
    """The seeded, untrained autoencoder a run starts from, on the run's device."""
    torch.manual_seed(config.seed)
    return build_autoencoder(config.autoencoder, data.n_features, data.image_shape).to(resolve_device(config.device))


def train(data: Dataset, config: TrainConfig, control: TrainingControl | None = None,
          method: Method | None = None, autoencoder: Autoencoder | None = None) -> Iterator[Snapshot]:
    """Pretrain (or load) the autoencoder, then cluster; yield a Snapshot after every epoch.

    Pass `method` or `autoencoder` to keep a handle on them (the scikit-learn wrapper does).
    """
    validate_for_clustering(data, config.n_clusters)
    method = method or make_method(config.method, config.n_clusters, config.seed, config.method_options)
    control = control or TrainingControl()
    device = resolve_device(config.device)
    autoencoder = autoencoder or new_autoencoder(data, config)
    torch.manual_seed(config.seed)
    X = torch.tensor(data.X, device=device)  # a private, writable copy
    builder = SnapshotBuilder(data, config, str(device), autoencoder)
    batches = Batches(len(X), config.batch_size, config.seed, device)

    with BatchEmbeddings(autoencoder, len(X), builder.display_index,
                         embed_rows=lambda rows: embed(autoencoder, X[rows])) as embeddings, \
            NetworkPrecision(autoencoder, effective_precision(config.precision, device)):
        yield from _one_epoch_at_a_time(_pretrain(autoencoder, X, data, config, builder, batches, control, embeddings),
                                        control)
        if not control.should_stop():  # a Step that ended pretraining holds here, before the k-means reference
            yield from _one_epoch_at_a_time(
                _cluster(method, autoencoder, X, data, config, builder, batches, control, embeddings), control)


def _one_epoch_at_a_time(snapshots: Iterator[Snapshot], control: TrainingControl) -> Iterator[Snapshot]:
    """Pass `snapshots` on, telling `control` after each one has been handed on, so that a Step or slow motion
    pauses the run at the epoch boundary with that epoch's snapshot already published."""
    for snapshot in snapshots:
        yield snapshot
        control.epoch_published()


def _cluster(method, autoencoder, X, data, config, builder, batches, control, embeddings) -> Iterator[Snapshot]:
    """k-means reference, the method's set-up, then its clustering epochs until it converges or they run out.

    Both random streams start again from the seed, so a run whose pretraining came from the cache
    clusters exactly as one that pretrained (same seed, same labels)."""
    torch.manual_seed(config.seed)
    batches.generator.manual_seed(config.seed)
    ctx = TrainingContext(autoencoder, X, embed=lambda: embed(autoencoder, X, pause_point=control.should_stop),
                          seed=config.seed, epochs=config.cluster_epochs,
                          steps_per_epoch=-(-len(X) // config.batch_size), pause_point=control.should_stop)
    H = ctx.embed()
    reference = _ae_kmeans_metrics(data, H, config, control.should_stop)
    if control.stopped:  # k-means runs can take seconds on large data: honour a Stop pressed meanwhile
        return
    method.setup(ctx)
    if control.stopped:
        return
    yield builder.cluster_snapshot(0, config.cluster_epochs, {}, H, method, reference)
    if not method.fine_tunes:
        return
    params = list(autoencoder.encoder.parameters()) + method.parameters()
    if method.trains_decoder:
        params += list(autoencoder.decoder.parameters())
    optimizer = method.make_optimizer(params, config.lr)

    def on_step():
        ctx.step += 1
        method.after_step(ctx)

    guard = DivergenceGuard()
    for epoch in range(1, config.cluster_epochs + 1):
        losses = run_epoch(lambda x, i: method.batch_loss(x, i, ctx), optimizer, X, batches, control, embeddings,
                           on_step, shuffle=method.shuffle_batches, where=f"clustering epoch {epoch}",
                           done=lambda: method.converged, guard=guard)
        if losses is None:
            return
        ctx.epoch = epoch
        last = epoch == config.cluster_epochs
        from_batches = None if method.fresh_embedding_each_epoch or last else embeddings.take()
        H = ctx.embed() if from_batches is None else from_batches
        method.end_epoch(ctx, H)
        if from_batches is not None and method.converged:
            H = ctx.embed()  # the last epoch's snapshot is of the final weights
        yield builder.cluster_snapshot(epoch, config.cluster_epochs, losses, H, method, reference)
        if method.converged:
            return


def _pretrain(autoencoder, X, data, config, builder, batches, control, embeddings) -> Iterator[Snapshot]:
    """Reconstruction epochs (networks/pretrain.py's recipe: optimiser, loss, early stopping), or the cached result.

    The snapshots keep the embeddings of the training batches (`embeddings`; the display rows are
    embedded afresh), except after the first epoch, when the weights move most, and the last, which
    a cached autoencoder and the clustering phase start from: those embed every row again. With a
    hold-out (`EarlyStopping`) the batches leave its rows out, so every snapshot embeds every row.
    """
    if config.pretrain_epochs == 0:
        return
    cache = PretrainCache(config.cache_dir)
    key = pretrain_key(data, config)
    history = cache.load(key, autoencoder) if config.use_cache else None
    if history is not None:
        yield builder.pretrain_snapshot(config.pretrain_epochs, config.pretrain_epochs,
                                         {"reconstruction": history[-1], "total": history[-1]},
                                         embed(autoencoder, X), cached=True)
        return
    optimizer = pretrain_optimizer(autoencoder.parameters(), config)
    stopping = EarlyStopping(autoencoder, X, config) if config.pretrain_holdout else None
    history, guard = [], DivergenceGuard()
    progress_file = cache.progress(key) if config.use_cache else None
    progress = progress_file.load() if progress_file else None
    if progress is not None:  # an interrupted pretraining with these settings: go on from its last epoch
        history = _resume(progress, autoencoder, optimizer, batches, guard, stopping)
    for epoch in range(len(history) + 1, config.pretrain_epochs + 1):
        losses = run_epoch(lambda x, index: reconstruction_terms(autoencoder, x, config.pretrain_hidden_weight),
                           optimizer, X, batches, control, embeddings, where=f"pretraining epoch {epoch}",
                           guard=guard, rows=None if stopping is None else stopping.train_rows)
        if losses is None:
            return
        history.append(losses["total"])
        if stopping is not None:
            losses["hold-out (not trained on)"] = stopping.after_epoch()
        H = None if epoch in (1, config.pretrain_epochs) else embeddings.take()
        H = embed(autoencoder, X, pause_point=control.should_stop) if H is None else H
        yield builder.pretrain_snapshot(epoch, config.pretrain_epochs, losses, H)
        if stopping is not None and stopping.should_stop:
            break
        if progress_file is not None and progress_file.due() and epoch < config.pretrain_epochs:
            progress_file.save(PretrainProgress(
                epoch, list(history), autoencoder.state_dict(), optimizer.state_dict(), batches.generator.get_state(),
                torch.get_rng_state(), {"scale": guard.scale, "seen": sorted(guard.seen)},
                None if stopping is None else stopping.state()))
    if stopping is not None:
        stopping.restore_best()
    if config.use_cache:
        cache.save(key, autoencoder, history)
        progress_file.discard()


def _resume(progress: PretrainProgress, autoencoder, optimizer, batches, guard, stopping) -> list[float]:
    """Put the run back where `progress` stood; its loss history. (Early stopping's state is only there
    with a hold-out, and the hold-out is part of the cache key.)"""
    autoencoder.load_state_dict(progress.autoencoder)
    optimizer.load_state_dict(progress.optimizer)
    batches.generator.set_state(progress.batch_order)
    torch.set_rng_state(progress.torch_rng)
    guard.scale, guard.seen = progress.guard["scale"], set(progress.guard["seen"])
    if stopping is not None and progress.stopping is not None:
        stopping.restore(progress.stopping)
    return list(progress.losses)


class Batches:
    """Seeded minibatch indices: a fresh permutation per epoch, or the rows in order."""

    def __init__(self, n: int, batch_size: int, seed: int, device: torch.device):
        self.n, self.batch_size, self.device = n, batch_size, device
        self.generator = torch.Generator().manual_seed(seed)

    def epoch(self, shuffle: bool = True, rows: torch.Tensor | None = None):
        """Batches of every row, or only of `rows` (CPU indices) when given."""
        n = self.n if rows is None else len(rows)
        order = torch.randperm(n, generator=self.generator) if shuffle else torch.arange(n)
        if rows is not None:
            order = rows[order]
        for start in range(0, n, self.batch_size):
            yield order[start:start + self.batch_size].to(self.device)


def run_epoch(loss_fn: LossFunction, optimizer, X, batches: Batches, control: TrainingControl,
              embeddings: BatchEmbeddings | None = None, on_step: Callable[[], None] | None = None,
              shuffle: bool = True, where: str = "", done: Callable[[], bool] = lambda: False,
              guard: DivergenceGuard | None = None, rows: torch.Tensor | None = None) -> dict[str, float] | None:
    """One pass over the data, or over `rows` (cut short when `done()`); mean of every loss term, or None when
    stopped. The batches' embeddings are kept in `embeddings` when given; `guard`, one per phase, raises
    TrainingDiverged before a step on a NaN, infinite or exploded loss."""
    guard = guard or DivergenceGuard()
    sums: dict[str, float] = {}
    rows_done = 0
    if embeddings is not None:
        embeddings.start_epoch()
    for batch_number, index in enumerate(batches.epoch(shuffle, rows), start=1):
        if control.should_stop():
            return None
        with embeddings.batch(index) if embeddings is not None else contextlib.nullcontext():
            terms = loss_fn(X[index], index)
        values = {name: float(value.detach()) for name, value in terms.items()}
        guard.check(values, where, batch_number)
        optimizer.zero_grad(set_to_none=True)
        terms["total"].backward()
        optimizer.step()
        for name, value in values.items():
            sums[name] = sums.get(name, 0.0) + value * len(index)
        rows_done += len(index)
        if on_step is not None:
            on_step()
        if done():
            break
    return {name: total / max(rows_done, 1) for name, total in sums.items()}


def _ae_kmeans_metrics(data: Dataset, H: np.ndarray, config: TrainConfig,
                       pause_point: Callable[[], bool]) -> dict[str, float]:
    """The AE + k-means level every method should beat (only when labels are known)."""
    if data.y is None:
        return {}
    return clustering_scores(data.y, kmeans(H, config.n_clusters, config.seed, n_init=10, pause_point=pause_point).labels)
