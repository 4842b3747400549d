"""A user's CSV as a Dataset, names kept: column names, class names, an ID column.

A first row with any cell that is neither a number nor a missing value is the header (columns
are "x1", "x2", ... without one). The separator is the comma, semicolon, tab or bar the header
line uses most. `TableOptions` names the label column (known classes, used only for metrics),
an ID column (kept for exports, never clustered), columns to drop, and whether rows with
missing values are dropped rather than reported. Feature columns are standardised; their
means and deviations stay on the Dataset, so values can be shown in the file's own units.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from .dataset import DataError, Dataset, column_statistics, encode_labels
from .missing import complete_rows, is_missing

SEPARATORS = (",", ";", "\t", "|")
ENCODINGS = ("utf-8-sig", "cp1252")  # tried in turn, then latin-1, which reads any byte
HEAD_BYTES = 64 * 1024  # where the column names are looked for


@dataclass(frozen=True)
class TableOptions:
    """How to read a user's file. Columns are named by header name or 0-based index (as text or int)."""

    label_column: str | int | None = None  # known classes, used only to score the clustering
    id_column: str | int | None = None  # each row's ID: kept for exports, never clustered
    drop_columns: tuple[str | int, ...] = ()  # left out before clustering
    drop_missing: bool = False  # drop rows with a missing value instead of refusing the file


def csv_columns(content: bytes) -> list[str]:
    """The column names of a CSV (its header, or "x1", "x2", ... when it has none), from its first lines only."""
    head = content[:HEAD_BYTES]
    rows, _ = _rows(_text(head[: head.rfind(b"\n") + 1] or head), "file", limit=1)
    if not rows:
        return []
    return _header_names(rows[0]) if _is_header(rows[0]) else numbered_columns(len(rows[0]))


def read_csv(content: bytes, name: str, options: TableOptions = TableOptions()) -> Dataset:
    rows, lines = _rows(_text(content), name)
    if not rows:
        raise DataError(f"{name}: the file is empty")
    header = _header_names(rows[0]) if _is_header(rows[0]) else None
    if header is not None:
        rows, lines = rows[1:], lines[1:]
    if not rows:
        raise DataError(f"{name}: the file has a header but no rows")
    columns = header or numbered_columns(len(rows[0]))
    for row, line in zip(rows, lines):
        if len(row) != len(columns):
            raise DataError(f"{name}: line {line} has {len(row)} cells, expected {len(columns)}")
    label, ident = _column(options.label_column, columns, name), _column(options.id_column, columns, name)
    if label is not None and label == ident:
        raise DataError(f"{name}: column {columns[label]!r} cannot be both the label and the ID column")
    dropped = {_column(c, columns, name) for c in options.drop_columns} - {label, ident}
    features = [j for j in range(len(columns)) if j not in dropped | {label, ident}]
    if not features:
        raise DataError(f"{name}: no column is left to cluster")
    X = np.column_stack([_numbers([row[j] for row in rows], columns[j], lines, name) for j in features])
    missing = np.isnan(X)
    labels = None if label is None else np.array([row[label].strip() for row in rows])
    if labels is not None:
        missing = np.column_stack([missing, [is_missing(cell) for cell in labels]])
    kept = complete_rows(missing, [columns[j] for j in features] + ([columns[label]] if labels is not None else []),
                         name, options.drop_missing, lambda row: f"line {lines[row]}")
    file_rows = np.arange(len(rows)) if kept is None else kept
    X = X[file_rows]
    y, class_names = (None, None) if labels is None else encode_labels(labels[file_rows])
    means, stds = column_statistics(X)
    return Dataset(
        X=((X - means) / stds).astype(np.float32), y=y, name=name, class_names=class_names,
        scaling="standardised columns", feature_names=tuple(columns[j] for j in features), column_means=means,
        column_stds=stds, label_column=None if label is None else columns[label],
        id_column=None if ident is None else columns[ident],
        ids=None if ident is None else np.array([rows[i][ident].strip() for i in file_rows]),
        file_rows=kept, dropped_columns=tuple(columns[j] for j in sorted(dropped)),
        dropped_rows=0 if kept is None else len(rows) - len(kept),
    )


def _text(content: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def _rows(text: str, name: str, limit: int | None = None) -> tuple[list[list[str]], list[int]]:
    """The non-blank rows (at most `limit`) and the line each starts on."""
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count) if any(s in first_line for s in SEPARATORS) else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    rows, lines = [], []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                lines.append(reader.line_num)
                if limit is not None and len(rows) >= limit:
                    break
    except csv.Error as error:
        raise DataError(f"{name}: line {reader.line_num} cannot be read as CSV ({error})") from None
    return rows, lines


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _is_header(row: list[str]) -> bool:
    return any(not _is_number(cell) and not is_missing(cell) for cell in row)


def numbered_columns(width: int) -> list[str]:
    return [f"x{j + 1}" for j in range(width)]


def _header_names(cells: list[str]) -> list[str]:
    """Header cells as unique names: an empty one becomes "column 3", a repeated one "a (2)"."""
    names: list[str] = []
    for j, cell in enumerate(cells):
        base = cell.strip() or f"column {j + 1}"
        unique, copy = base, 2
        while unique in names:
            unique, copy = f"{base} ({copy})", copy + 1
        names.append(unique)
    return names


def _column(chosen: str | int | None, columns: list[str], name: str) -> int | None:
    """The index of a column named by header name or 0-based index; None when none is chosen."""
    if chosen is None or chosen == "":
        return None
    if isinstance(chosen, str) and chosen in columns:
        return columns.index(chosen)
    if isinstance(chosen, int) or chosen.lstrip("-").isdigit():
        index = int(chosen)
        if not -len(columns) <= index < len(columns):
            raise DataError(f"{name}: column {index} is out of range for {len(columns)} columns")
        return index % len(columns)
    raise DataError(f"{name}: no column named {chosen!r}; the columns are {', '.join(columns)}")


def _numbers(cells: list[str], column: str, lines: list[int], name: str) -> np.ndarray:
    """One column as float64, missing cells as NaN; a text cell or an infinite value is a DataError."""
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        values = np.full(len(cells), np.nan)
        for i, cell in enumerate(cells):
            if is_missing(cell):
                continue
            try:
                values[i] = float(cell)
            except ValueError:
                raise DataError(f"{name}: column {column!r} holds text ({cell.strip()!r} on line {lines[i]}); only "
                                "numbers are clustered: make it the label or ID column, or drop it") from None
    infinite = np.isinf(values)
    if infinite.any():
        count = int(infinite.sum())
        raise DataError(f"{name}: column {column!r} has {count} infinite value{'s' * (count != 1)} "
                        f"(first on line {lines[int(np.argmax(infinite))]})")
    return values
