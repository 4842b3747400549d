"""Cluster profiles: each cluster of a table described in the file's own units, and the columns
that set it apart from the rest of the rows.

    moments = ClusterMoments.of(values, labels, n_clusters)   # values: (n, d) in the file's units
    profile = cluster_profile(moments, column_names)
    profile.table()                                            # one row per cluster x column (the CSV)

For cluster k and column j: its size n_k and share n_k / n, the mean and the standard deviation of
the column over the cluster's rows (population deviation, ddof = 0: a one-row cluster has spread
0), the same over the rest of the rows (every row not in k), and

    score_kj = (mean_kj - rest_mean_kj) / std_j

where std_j is the column's standard deviation over all n rows: how far the cluster sits from the
rest, in standard deviations of the column (the standardised mean difference of Cohen (1988), with
the whole column's deviation as the unit, so that it is defined for one-row clusters and for
columns constant within both groups). Within each cluster the columns are ranked by |score_kj|,
1 = the most set apart; ties keep the file's column order. A constant column scores 0 (a spread
within float64 rounding of the mean, ROUNDING, counts as none); an empty cluster has no mean,
spread, score or rank (NaN, rank 0); a cluster holding every row has no rest, so no rest mean,
score or rank.

Only per-cluster counts, means and sums of squared deviations are needed (`ClusterMoments`), so a
run store keeps them for every row in a few numbers per cluster and column; the rest's and the
whole column's moments are pooled from them exactly (Chan, Golub & LeVeque 1983, eq. 2.1).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ROUNDING = 1e-12  # a spread this small against the mean's magnitude is float64 rounding: a constant column
TABLE_COLUMNS = ("cluster", "size", "share", "column", "rank", "mean", "std", "rest_mean", "rest_std", "score")


@dataclass(frozen=True, eq=False)
class ClusterMoments:
    """Per cluster: its row count, each column's mean and sum of squared deviations from that mean."""

    counts: np.ndarray  # (K,) int64
    means: np.ndarray  # (K, d) float64; NaN for an empty cluster
    squares: np.ndarray  # (K, d) float64, sum over the cluster's rows of (value - mean)^2

    @classmethod
    def of(cls, values: np.ndarray, labels: np.ndarray, n_clusters: int) -> "ClusterMoments":
        """Moments of the (n, d) `values` grouped by `labels` (ids 0..n_clusters-1; larger ids widen K)."""
        values = np.asarray(values, dtype=np.float64)
        labels = np.asarray(labels, dtype=np.int64)
        n_clusters = max(int(n_clusters), int(labels.max(initial=-1)) + 1)
        counts = np.bincount(labels, minlength=n_clusters)
        means = np.full((n_clusters, values.shape[1]), np.nan)
        squares = np.zeros((n_clusters, values.shape[1]))
        for k in np.flatnonzero(counts):
            members = values[labels == k]
            means[k] = members.mean(axis=0)
            squares[k] = ((members - means[k]) ** 2).sum(axis=0)
        return cls(counts.astype(np.int64), means, squares)

    def to_arrays(self, prefix: str = "profile_") -> dict[str, np.ndarray]:
        return {f"{prefix}counts": self.counts, f"{prefix}means": self.means, f"{prefix}squares": self.squares}

    @classmethod
    def from_arrays(cls, arrays, prefix: str = "profile_") -> "ClusterMoments | None":
        """The moments `to_arrays` wrote, None when `arrays` holds none."""
        if f"{prefix}counts" not in arrays:
            return None
        return cls(np.asarray(arrays[f"{prefix}counts"], dtype=np.int64),
                   np.asarray(arrays[f"{prefix}means"], dtype=np.float64),
                   np.asarray(arrays[f"{prefix}squares"], dtype=np.float64))


def _pooled(counts: np.ndarray, means: np.ndarray, squares: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Count, means and sums of squared deviations of the union of groups (their rows along axis 0)."""
    kept = counts > 0
    counts, means, squares = counts[kept], means[kept], squares[kept]
    n = int(counts.sum())
    if n == 0:
        return 0, np.full(means.shape[1:], np.nan), np.full(means.shape[1:], np.nan)
    mean = (counts[:, None] * means).sum(axis=0) / n
    return n, mean, squares.sum(axis=0) + (counts[:, None] * (means - mean) ** 2).sum(axis=0)


def _spread(squares: np.ndarray, count: int, mean: np.ndarray) -> np.ndarray:
    """The standard deviation of `count` values from their sum of squared deviations; 0 where it is rounding."""
    std = np.sqrt(np.maximum(squares, 0.0) / count)
    return np.where(std > ROUNDING * np.abs(mean), std, 0.0)


@dataclass(frozen=True, eq=False)
class ClusterProfile:
    """Every cluster described column by column; arrays are (K, d) unless said otherwise."""

    columns: tuple[str, ...]  # (d,) the clustered columns, in the file's order
    sizes: np.ndarray  # (K,) rows in each cluster
    means: np.ndarray
    stds: np.ndarray
    rest_means: np.ndarray
    rest_stds: np.ndarray
    scores: np.ndarray  # signed standardised difference, see the module's docstring
    ranks: np.ndarray  # int, 1 = the column that sets the cluster apart most; 0 for an empty cluster

    @property
    def n_clusters(self) -> int:
        return len(self.sizes)

    @property
    def shares(self) -> np.ndarray:
        return self.sizes / max(int(self.sizes.sum()), 1)

    def order(self, cluster: int) -> np.ndarray:
        """The column indices of `cluster`, most set apart first."""
        return np.argsort(self.ranks[cluster], kind="stable")

    def top_columns(self, count: int) -> np.ndarray:
        """The `count` columns that set some cluster apart most (largest |score| over clusters), largest first."""
        strongest = np.nan_to_num(np.abs(self.scores), nan=0.0).max(axis=0, initial=0.0)
        return np.argsort(-strongest, kind="stable")[:count]

    def table(self) -> list[dict]:
        """One row per cluster and column (TABLE_COLUMNS), clusters in order, each cluster's columns by rank."""
        rows = []
        for k in range(self.n_clusters):
            for j in self.order(k):
                rows.append({"cluster": k, "size": int(self.sizes[k]), "share": float(self.shares[k]),
                             "column": self.columns[j], "rank": int(self.ranks[k, j]) or None,
                             "mean": self.means[k, j], "std": self.stds[k, j], "rest_mean": self.rest_means[k, j],
                             "rest_std": self.rest_stds[k, j], "score": self.scores[k, j]})
        return rows


def cluster_profile(moments: ClusterMoments, columns: tuple[str, ...]) -> ClusterProfile:
    """The profile of every cluster (see the module's docstring) from its moments."""
    counts, means, squares = moments.counts, moments.means, moments.squares
    if means.shape[1] != len(columns):
        raise ValueError(f"{len(columns)} column names for {means.shape[1]} columns")
    n, column_mean, total_squares = _pooled(counts, means, squares)
    column_std = _spread(total_squares, n, column_mean)
    rest_means, rest_stds = np.full_like(means, np.nan), np.full_like(means, np.nan)
    for k in range(len(counts)):
        others = np.arange(len(counts)) != k
        rest_n, rest_means[k], rest_squares = _pooled(counts[others], means[others], squares[others])
        if rest_n:
            rest_stds[k] = _spread(rest_squares, rest_n, rest_means[k])
    stds = np.full_like(means, np.nan)
    for k in np.flatnonzero(counts):
        stds[k] = _spread(squares[k], counts[k], means[k])
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(column_std > 0, (means - rest_means) / np.where(column_std > 0, column_std, 1.0), 0.0)
    scores = np.where(np.isnan(means) | np.isnan(rest_means), np.nan, scores)
    ranks = np.zeros(means.shape, dtype=np.int64)
    for k in np.flatnonzero((counts > 0) & (counts < n)):
        order = np.argsort(-np.nan_to_num(np.abs(scores[k]), nan=-1.0), kind="stable")
        ranks[k, order] = np.arange(1, len(order) + 1)
    return ClusterProfile(tuple(columns), counts, means, stds, rest_means, rest_stds, scores, ranks)
