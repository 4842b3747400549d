import numpy as np
import pytest

from deepclust_core.evaluation.metrics import align_labels, alignment, changed_fraction, cluster_accuracy, clustering_scores


def test_permuted_labels_give_perfect_scores():
    true = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([2, 2, 0, 0, 1, 1])
    assert clustering_scores(true, pred) == pytest.approx({"acc": 1.0, "nmi": 1.0, "ari": 1.0})


def test_accuracy_hand_computed():
    true = np.array([0, 0, 0, 1, 1, 1])
    pred = np.array([1, 1, 0, 0, 0, 0])  # best match: 1->0 (2 right), 0->1 (3 right)
    assert cluster_accuracy(true, pred) == pytest.approx(5 / 6)


def test_more_clusters_than_classes():
    true = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    pred = np.array([0, 0, 3, 3, 1, 1, 2, 2])  # each class split in two: only one half of each can match
    assert cluster_accuracy(true, pred) == pytest.approx(0.5)


def test_fewer_clusters_than_classes():
    true = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 0, 0, 0, 1, 1])
    assert cluster_accuracy(true, pred) == pytest.approx(4 / 6)


def test_mismatched_lengths_raise():
    with pytest.raises(ValueError):
        cluster_accuracy(np.array([0, 1]), np.array([0, 1, 1]))


def test_alignment_renames_to_previous_ids():
    previous = np.array([0, 0, 1, 1, 2, 2])
    new = np.array([1, 1, 2, 2, 0, 0])
    assert align_labels(new, previous).tolist() == previous.tolist()
    assert changed_fraction(align_labels(new, previous), previous) == 0.0
    mapping = alignment(new, previous, n_ids=5)
    assert sorted(mapping.tolist()) == list(range(5))  # a permutation, unused ids kept


def test_alignment_counts_real_moves():
    previous = np.array([0, 0, 0, 1, 1, 1])
    new = np.array([1, 1, 0, 0, 0, 0])  # renamed, and one point moved
    aligned = align_labels(new, previous)
    assert changed_fraction(aligned, previous) == pytest.approx(1 / 6)
