"""Missing values in a user's file (empty cells, NA, NaN, ...): a one-line message that names
the columns and counts, or, when the user asks for it, the rows left once those are dropped."""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .dataset import DataError

MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # compared lower-cased, spaces stripped
NAMED_COLUMNS = 3  # a message names this many columns, then counts the rest
DROP_HINT = "drop those rows (option \"drop rows with missing values\", --drop-missing) or fill them in"


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING_TOKENS


def complete_rows(missing: np.ndarray, columns: Sequence[str], name: str, drop: bool,
                  place: Callable[[int], str]) -> np.ndarray | None:
    """The rows to keep, or None when no value is missing.

    `missing` (n, c) marks the missing cells of the c `columns`; `place(row)` says where a row
    is in the file ("line 5"). Without `drop`, a DataError names the columns, their counts and
    the first place of each."""
    incomplete = missing.any(axis=1)
    if not incomplete.any():
        return None
    if not drop:
        counts = missing.sum(axis=0)
        named = [j for j in np.argsort(-counts, kind="stable") if counts[j] > 0]
        parts = [f"{counts[j]} in column {columns[j]!r} (first on {place(int(np.argmax(missing[:, j])))})"
                 for j in named[:NAMED_COLUMNS]]
        if len(named) > NAMED_COLUMNS:
            parts.append(f"and some in {len(named) - NAMED_COLUMNS} more columns")
        rows = int(incomplete.sum())
        raise DataError(f"{name}: missing values: {', '.join(parts)}, in {rows} row{'s' * (rows != 1)}; {DROP_HINT}")
    if incomplete.all():
        raise DataError(f"{name}: every row has a missing value, so dropping them leaves nothing to cluster")
    return np.flatnonzero(~incomplete)
