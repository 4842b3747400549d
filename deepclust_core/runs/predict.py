"""New rows assigned to a stored run's clusters, with the run's own preprocessing (its DataInfo:
scaling, columns, ID column, image size), autoencoder weights and method state at its newest
snapshot (kept when the run ended: assigner.npz).

    table = predict_file(store, run_id, "new.csv")      # a RowTable, as the run's own rows export
    table = assign_values(store, run_id, values)        # rows in the file's units, columns in the run's order

`python -m deepclust_core predict RUN_ID --file new.csv` writes the table as CSV.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..data.dataset import DataError, Dataset
from ..data.new_rows import read_new_rows, scaled_like_run
from ..methods.assigners import Assigner
from .row_table import RowTable, label_names
from .store import RunStore
from .store.rows import RunRecord

if TYPE_CHECKING:
    from ..networks.autoencoder import Autoencoder


def run_data(store: RunStore, record: RunRecord) -> Dataset:
    """The run's stored display rows, with everything its record says about how they were read."""
    display = store.display(record.id)
    return record.data.with_rows(display.X, display.y, display.ids)


def stored_autoencoder(store: RunStore, record: RunRecord, seq: int) -> Autoencoder:
    """The run's autoencoder with the weights of snapshot `seq`, on the CPU in evaluation mode;
    KeyError when the store kept none for it."""
    import torch

    from ..networks.build import build_autoencoder

    with torch.device("meta"):  # no initialisation: it would draw from a training run's global RNG
        autoencoder = build_autoencoder(record.config.autoencoder, record.data.n_features, record.data.image_shape)
    weights = {name: tensor.float() for name, tensor in store.load_weights(record.id, seq).items()}
    autoencoder.load_state_dict(weights, assign=True)
    return autoencoder.eval()


def assign_rows(store: RunStore, record: RunRecord, new: Dataset) -> RowTable:
    """Cluster and confidence of each new row (X scaled as the run's), with its embedding."""
    import torch

    from ..training.loop import embed

    arrays = store.run_arrays(record.id, "assigner")
    if arrays is None:
        raise ValueError(f"run {record.id} cannot assign new rows: {_why_no_assigner(store, record)}")
    assigner = Assigner.from_arrays(arrays)
    try:
        autoencoder = stored_autoencoder(store, record, int(arrays["seq"]))
    except KeyError:
        raise ValueError(f"run {record.id} no longer has the weights of its last epoch") from None
    H = embed(autoencoder, torch.tensor(new.X))
    labels, confidence = assigner.assign(H, record.config)
    return RowTable(rows=new.rows_in_file(), cluster=labels,
                    true_labels=None if new.y is None else label_names(new.y, new.class_names), ids=new.ids,
                    id_column=new.id_column, confidence=confidence, confidence_name=assigner.confidence_name,
                    embedding=H)


def _why_no_assigner(store: RunStore, record: RunRecord) -> str:
    if record.active:
        return "it is still training"
    if record.n_snapshots == 0:
        return "it ended before its first epoch"
    if store.run_arrays(record.id, "rows") is not None:
        return f"the state of {record.method} is not kept (assignment.METHOD_STATE lists the methods that are)"
    return "it was recorded before runs kept what assigns new rows; train it again"


def predict_file(store: RunStore, run_id: str, path: str | Path, name: str | None = None,
                 drop_missing: bool = False) -> RowTable:
    """The rows of the file at `path` assigned with run `run_id` (DataError / ValueError: one line)."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise DataError(f"{name}: file not found")
    return predict_bytes(store, run_id, path.read_bytes(), name, drop_missing)


def predict_bytes(store: RunStore, run_id: str, content: bytes, name: str, drop_missing: bool = False) -> RowTable:
    """The rows of a file's contents (read as data/new_rows.py says) assigned with run `run_id`; rows with a
    missing value are dropped when `drop_missing`, else named in a DataError."""
    record = stored_record(store, run_id)
    return assign_rows(store, record, read_new_rows(content, name, run_data(store, record), drop_missing))


def assign_values(store: RunStore, run_id: str, values: np.ndarray, name: str = "rows") -> RowTable:
    """Rows in the file's units (images: the run's pixel range), columns in the run's order, assigned
    with run `run_id`."""
    record = stored_record(store, run_id)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != record.data.n_features:
        raise DataError(f"{name}: shape {values.shape}, but the run was trained on rows of {record.data.n_features} values")
    X = scaled_like_run(values, run_data(store, record), name)
    return assign_rows(store, record, Dataset(X=X, y=None, name=name))


def stored_record(store: RunStore, run_id: str) -> RunRecord:
    try:
        return store.run_record(run_id)
    except KeyError:
        raise ValueError(f"no run {run_id!r} in {store.folder} (see `python -m deepclust_core runs`)") from None
