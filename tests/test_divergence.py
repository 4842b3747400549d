"""The divergence rule: a loss that explodes while staying finite stops the run like a NaN does."""
import math

import pytest

from deepclust_core import TrainingDiverged, load_dataset, train
from deepclust_core.training.divergence import GROWTH_LIMIT, DivergenceGuard
from deepclust_core.catalog.dekm import DEKMConfig
from deepclust_core.methods.dekm import DEKM


def feed(guard: DivergenceGuard, batches: list[dict]) -> None:
    for number, terms in enumerate(batches, start=1):
        guard.check(terms, "clustering epoch 1", number)


def test_a_finite_explosion_fires_with_the_term_named():
    start = {"reconstruction": 0.2, "k-means": 0.1, "total": 0.3}
    with pytest.raises(TrainingDiverged, match=r"reconstruction\) exploded to 1e\+06.*batch 3"):
        feed(DivergenceGuard(), [start, {"reconstruction": 0.1, "k-means": 0.1, "total": 0.2},
                                 {"reconstruction": 1e6, "k-means": 0.1, "total": 1e6}])


def test_growth_below_the_limit_and_a_term_that_starts_at_zero_are_left_alone():
    scale = 0.5
    feed(DivergenceGuard(), [
        {"pulled": scale, "held": 0.0, "total": scale},  # DEKM's first batch: held coordinates are exactly 0
        {"pulled": 0.1, "held": 0.4, "total": 0.5},
        {"pulled": scale * GROWTH_LIMIT / 2, "held": 1.0, "total": scale * GROWTH_LIMIT / 2},
    ])


def test_a_term_joining_later_sets_its_own_scale():
    feed(DivergenceGuard(), [{"E1": 1e-3, "total": 1e-3}, {"E1": 1e-3, "reconstruction": 1e4, "total": 1e4}])


def test_nan_is_reported_as_before():
    with pytest.raises(TrainingDiverged, match="NaN or infinite in clustering epoch 1, batch 1"):
        feed(DivergenceGuard(), [{"total": math.nan}])


@pytest.fixture(scope="module")
def digits_300():
    return load_dataset("digits", subsample=300)


def test_learning_rate_one_stops_the_run_in_its_first_epoch(digits_300, small_config):
    with pytest.raises(TrainingDiverged, match=r"reconstruction\) exploded .* pretraining epoch 1, batch 2"):
        list(train(digits_300, small_config(n_clusters=10, lr=1.0, use_cache=False)))


def test_an_exploding_clustering_loss_keeps_the_history(digits_300, small_config):
    class Exploding(DEKM):  # finite, but a thousand times larger every step
        steps = 0

        def batch_loss(self, x, index, ctx):
            terms = super().batch_loss(x, index, ctx)
            self.steps += 1
            return {**terms, "total": terms["total"] * 1e3 ** self.steps}

    history = []
    with pytest.raises(TrainingDiverged, match="exploded"):
        for snapshot in train(digits_300, small_config(n_clusters=10), method=Exploding(DEKMConfig(), 10, 0)):
            history.append(snapshot)
    assert history[-1].phase == "cluster" and history[-1].epoch == 0 and len(history) == 6


def test_a_normal_short_run_is_not_stopped(digits_300, small_config):
    snapshots = list(train(digits_300, small_config(n_clusters=10, use_cache=False)))
    assert snapshots[-1].phase == "cluster" and all(math.isfinite(v) for v in snapshots[-1].losses.values())
