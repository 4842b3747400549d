"""A collapsed partition, told from the cluster sizes alone (no labels): fewer non-empty clusters
than K, or a cluster holding under 1 % of the rows. Self-training methods (DEC, IDEC) can end
there with nothing else to show it; the CLI and the Train page say it in one line."""
from __future__ import annotations

import numpy as np

SMALL_SHARE = 0.01  # a cluster with fewer rows than this share of the data counts as collapsed


def collapse_note(cluster_sizes) -> str | None:
    """One line naming the empty and the tiny clusters of a partition with sizes (K,), or None when every
    cluster holds at least 1 % of the rows."""
    sizes = np.asarray(cluster_sizes, dtype=np.int64)
    n, k = int(sizes.sum()), len(sizes)
    empty = int(np.sum(sizes == 0))
    tiny = sizes[(sizes > 0) & (sizes < SMALL_SHARE * n)]
    if n == 0 or not (empty or len(tiny)):
        return None
    parts = []
    if empty:
        parts.append(f"only {k - empty} of the K = {k} clusters hold any row")
    if len(tiny):
        counts = ", ".join(f"{size:,}" for size in sorted(tiny.tolist()))
        parts.append(f"{len(tiny)} cluster{'s' * (len(tiny) > 1)} hold{'s' * (len(tiny) == 1)} under 1 % of the "
                     f"{n:,} rows ({counts})")
    return (f"Collapsed clusters: {'; '.join(parts)}. Compare with AE + k-means, or try another seed, fewer "
            "clustering epochs or a smaller K.")
