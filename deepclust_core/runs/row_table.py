"""Per-row results as a table: every row of a stored run, or new rows assigned with it, as CSV or .npz.

Columns, in order: `row` (the row's 0-based place in its file), the ID column under its own name
(when the user named one), `true_label` (when known), `cluster`, and the method's confidence under
a name that says what it is (methods/assigners.py: confidence_max_q, confidence_max_p, confidence_max_gamma,
confidence_max_G, or distance_to_centre for k-means methods). The .npz has the same arrays, plus
`embedding` (n, d_emb) and `confidence_name`; it loads with np.load(allow_pickle=False).

Runs recorded before rows.npz existed export their labels (labels.npz) and, where the data shows
or reloads every row, true labels; `note` says what is missing.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from ..data.dataset import DataError
from .store import RunStore
from .store.rows import RunRecord


@dataclass(frozen=True, eq=False)
class RowTable:
    rows: np.ndarray  # (n,) 0-based place of each row in its file
    cluster: np.ndarray  # (n,) cluster id, as the run shows it
    true_labels: np.ndarray | None = None  # (n,) class names (or ids without names)
    ids: np.ndarray | None = None  # (n,) str, the ID column's values
    id_column: str | None = None
    confidence: np.ndarray | None = None  # (n,) float32
    confidence_name: str = ""
    embedding: np.ndarray | None = None  # (n, d_emb)
    note: str = ""  # what is missing and why; empty when nothing is

    def __len__(self) -> int:
        return len(self.rows)

    def columns(self) -> dict[str, np.ndarray]:
        """The CSV's columns, in order."""
        columns = {"row": self.rows}
        if self.ids is not None:
            name = self.id_column or "id"
            taken = name in ("row", "true_label", "cluster", self.confidence_name)
            columns[f"id: {name}" if taken else name] = self.ids
        if self.true_labels is not None:
            columns["true_label"] = self.true_labels
        columns["cluster"] = self.cluster
        if self.confidence is not None:
            columns[self.confidence_name] = self.confidence
        return columns

    def to_csv(self) -> str:
        columns = self.columns()
        cells = [[_cell(value) for value in column] for column in columns.values()]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(zip(*cells))
        return out.getvalue()

    def to_npz(self) -> bytes:
        arrays = {name: np.asarray(values) for name, values in self.columns().items()}
        if self.confidence is not None:
            arrays["confidence_name"] = np.array(self.confidence_name)
        if self.embedding is not None:
            arrays["embedding"] = np.asarray(self.embedding, dtype=np.float32)
        out = io.BytesIO()
        np.savez_compressed(out, **arrays)
        return out.getvalue()


def _cell(value) -> str:
    return f"{value:.6g}" if isinstance(value, (float, np.floating)) else str(value)


def label_names(y: np.ndarray, class_names: tuple[str, ...] | None) -> np.ndarray:
    """True labels as the user's file named them (class names), else as ids."""
    if not class_names:
        return np.asarray(y)
    return np.array([class_names[i] if 0 <= i < len(class_names) else str(i) for i in y])


def stored_table(store: RunStore, record: RunRecord) -> RowTable:
    """Every row of a stored run at its newest snapshot; ValueError when it has no labels yet."""
    rows = store.run_arrays(record.id, "rows")
    if rows is None:
        return _labels_only(store, record)
    y = rows.get("y")
    ids = rows.get("ids")
    note = "" if record.status != "running" else "the run is still training: these are its newest epoch's results"
    return RowTable(rows=rows["rows"].astype(np.int64), cluster=rows["labels"].astype(np.int64),
                    true_labels=None if y is None else label_names(y.astype(np.int64), record.data.class_names),
                    ids=ids, id_column=record.data.id_column if ids is not None else None,
                    confidence=rows["confidence"], confidence_name=str(rows["confidence_name"]),
                    embedding=rows["embedding"].astype(np.float32), note=note)


def _labels_only(store: RunStore, record: RunRecord) -> RowTable:
    """A run recorded before every row's results were kept: its labels, and true labels when known."""
    labels = store.final_labels(record.id)
    if labels is None:
        raise ValueError(f"run {record.id} has no labels yet (it ended before its first epoch)")
    y, missing = _all_true_labels(store, record)
    note = (f"run {record.id} was recorded before per-row confidence and embeddings were kept: "
            f"cluster only{missing}")
    return RowTable(rows=np.arange(len(labels)), cluster=labels,
                    true_labels=None if y is None else label_names(y, record.data.class_names), note=note)


def _all_true_labels(store: RunStore, record: RunRecord) -> tuple[np.ndarray | None, str]:
    """Every row's true label, from the display rows when they are all the rows, else from the data loaded
    again; and what to add to the note when neither has them."""
    display = store.display(record.id)
    if display.y is None:
        return None, ""
    if np.array_equal(display.index, np.arange(record.data.n_samples)):
        return display.y, ""
    from .branch import reload_data

    try:
        return reload_data(record).y, ""
    except DataError as error:
        return None, f"; true labels: {error}"
