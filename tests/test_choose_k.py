"""Choosing K without labels: scores on an embedding, the pretrained embedding reused from the cache."""
from dataclasses import replace

import numpy as np
import pytest

from deepclust_core import DataError, load_dataset
from deepclust_core.choose_k import KScores, pretrained_embedding, score_k, suggest_k
from deepclust_core.networks.pretrain import PretrainCache, pretrain_key


def blobs(k: int, n_per: int = 60, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=10, size=(k, 5))
    return np.concatenate([c + rng.normal(size=(n_per, 5)) for c in centres])


@pytest.mark.parametrize("k", [3, 5])
def test_well_separated_groups_give_their_number(k):
    scores = score_k(blobs(k), range(2, 9))
    assert scores.best_by_silhouette == scores.suggested == k and scores.best_by_bic == k
    assert scores.ks.tolist() == list(range(2, 9)) and scores.n_rows == 60 * k


def test_the_suggestion_prefers_fewer_clusters_when_more_barely_help():
    scores = KScores(np.arange(2, 7), np.array([0.20, 0.30, 0.299, 0.302, 0.25]), np.zeros(5), 100)
    assert scores.best_by_silhouette == 5 and scores.suggested == 3


def test_scores_are_seeded_and_too_few_rows_are_refused():
    H = blobs(4)
    first, again = score_k(H, range(2, 6), seed=1), score_k(H, range(2, 6), seed=1)
    assert np.array_equal(first.silhouette, again.silhouette) and np.array_equal(first.bic, again.bic)
    with pytest.raises(DataError, match="too few"):
        score_k(H[:3], range(2, 6))


def test_suggest_k_never_reads_labels_and_fills_the_pretraining_cache(small_config):
    data = load_dataset("blobs", n_samples=200, noise=0.02, n_clusters=3)
    config = small_config(pretrain_epochs=4)
    seen = []
    scores = suggest_k(data, config, range(2, 7), on_progress=lambda done, text: seen.append((done, text)))
    assert seen[-1] == (1.0, "done") and any("pretraining epoch 4/4" in text for _, text in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)  # the bar only moves forward
    assert PretrainCache(config.cache_dir).path(pretrain_key(data, config)).is_file()
    shuffled = replace(data, y=np.random.default_rng(0).permutation(data.y))
    unlabelled = replace(data, y=None, class_names=None)
    for other in (shuffled, unlabelled):  # labels changed or gone: the same scores
        again = suggest_k(other, config, range(2, 7))
        assert np.allclose(again.silhouette, scores.silhouette) and np.allclose(again.bic, scores.bic)


def test_the_embedding_is_that_of_the_cached_autoencoder(small_config):
    data = load_dataset("blobs", n_samples=120)
    config = small_config(pretrain_epochs=3)
    first = pretrained_embedding(data, config)
    assert first.shape == (120, 4)
    assert np.array_equal(pretrained_embedding(data, config), first)  # read back from the cache
    with pytest.raises(DataError, match="pretraining epochs"):
        suggest_k(data, small_config(pretrain_epochs=0))
