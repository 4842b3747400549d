"""Clustering metrics (ACC, NMI, ARI) and Hungarian alignment of label sets.

ACC follows the evaluation protocol in methods.md: the contingency matrix is square with
D = max(max pred, max true) + 1 rows and columns, so it stays right when the number of
clusters differs from the number of classes.
"""
from __future__ import annotations

import numpy as np


def contingency(pred: np.ndarray, true: np.ndarray) -> np.ndarray:
    """w[p, t] = number of points with predicted cluster p and true class t, square D x D."""
    pred, true = np.asarray(pred, dtype=np.int64), np.asarray(true, dtype=np.int64)
    if pred.shape != true.shape:
        raise ValueError(f"{len(pred)} predictions for {len(true)} labels")
    size = int(max(pred.max(initial=0), true.max(initial=0))) + 1
    w = np.zeros((size, size), dtype=np.int64)
    np.add.at(w, (pred, true), 1)
    return w


def best_matching(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of the one-to-one matching with the largest total count (Hungarian)."""
    from scipy.optimize import linear_sum_assignment  # imported when first needed: the first page need not wait

    return linear_sum_assignment(-w)


def cluster_accuracy(true: np.ndarray, pred: np.ndarray) -> float:
    """Unsupervised accuracy: the best one-to-one matching of clusters to classes."""
    if len(true) == 0:
        return float("nan")
    w = contingency(pred, true)
    rows, cols = best_matching(w)
    return float(w[rows, cols].sum() / len(true))


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information (arithmetic average) of two labelings."""
    from sklearn.metrics import normalized_mutual_info_score  # imported when first needed, as below

    return float(normalized_mutual_info_score(a, b))


def clustering_scores(true: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    """ACC, NMI (arithmetic average) and ARI, as plain floats."""
    from sklearn.metrics import adjusted_rand_score  # lazy: seconds the app's first page need not wait

    return {"acc": cluster_accuracy(true, pred), "nmi": nmi(true, pred), "ari": float(adjusted_rand_score(true, pred))}


def alignment(new: np.ndarray, previous: np.ndarray | None, n_ids: int = 0) -> np.ndarray:
    """A permutation `mapping` of ids so that mapping[new] agrees best with `previous`.

    Keeps cluster colours stable from one epoch to the next and lets "how many labels
    changed" count real moves, not renamings (the Hungarian step of DEKM's reference code).
    The result covers at least `n_ids` ids; ids absent from both labellings keep their number.
    """
    new = np.asarray(new, dtype=np.int64)
    size = max(n_ids, int(new.max(initial=0)) + 1)
    mapping = np.arange(size)
    if previous is None:
        return mapping
    w = contingency(new, previous)  # w[new id, old id]
    rows, cols = best_matching(w)
    mapping = np.arange(max(size, w.shape[0]))
    mapping[rows] = cols
    return mapping


def align_labels(new: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """`new` with its ids renamed to agree best with `previous` (see `alignment`)."""
    return alignment(new, previous)[np.asarray(new, dtype=np.int64)]


def changed_fraction(new: np.ndarray, previous: np.ndarray | None) -> float:
    """Share of points whose (aligned) label differs from the previous labelling."""
    if previous is None:
        return 1.0
    return float(np.mean(np.asarray(new) != np.asarray(previous)))
