"""A run's cluster profiles (evaluation/profile.py): each cluster of a table in the file's own
units, from every row the run clustered.

    found = stored_profile(store, record)        # RunProfile: .profile, .rows ("all 1797 rows"), .note
    found = data_profile(data, labels, K)        # a run training in this process: its Dataset and labels
    found = shown_run_profile(run)               # either, for the run a page shows (runs/shown_run.ShownRun)
    text = profile_csv(found, run_id)            # `python -m deepclust_core export RUN --format profile`

Values are the run's rows in the file's units (`Dataset.in_file_units`: the app's scaling undone,
from the float32 rows the run trained on, so to about 7 significant digits), the clustered columns
only: the ID and label columns and the columns the user dropped are not in it. Rows with a missing
value never reach a run (data/missing.py: the file is refused, or those rows are dropped at the
user's request, and the profile describes the rows kept).

A run keeps its clusters' moments over every row when it ends (rows.npz). A run recorded before
they were kept, or still training elsewhere, is profiled from its data loaded again (a built-in
set or a file on disk that has not changed) with every row's newest labels (labels.npz); failing
that, from its displayed rows at its newest snapshot, stored as float16 after scaling (about 3
significant digits): `note` says so.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from ..data.dataset import DataError, Dataset
from ..evaluation.profile import TABLE_COLUMNS, ClusterMoments, ClusterProfile, cluster_profile
from .store.rows import RunRecord
from .store import RunStore

PROFILE_HELP = ("One line per cluster and column, in the file's units: the cluster's size and share, the column's "
                "rank, mean and standard deviation in the cluster and in the rest of the rows, and how far the "
                "two means lie apart in standard deviations of the column (README: Cluster profiles).")
IMAGES = ("a cluster profile describes the columns of a table; this run trained on images: see its decoded "
          "centres and members on the Explore page")


@dataclass(frozen=True)
class RunProfile:
    profile: ClusterProfile
    rows: str  # the rows it describes, "all 1797 rows"
    note: str = ""  # how it differs from a profile of every row in full precision; empty when it does not


def data_profile(data: Dataset, labels: np.ndarray, n_clusters: int) -> RunProfile:
    """The profile of every row of `data` (a table) with its cluster `labels`."""
    if data.is_image:
        raise ValueError(IMAGES)
    moments = ClusterMoments.of(data.in_file_units(data.X), labels, n_clusters)
    return RunProfile(cluster_profile(moments, data.column_names()), f"all {data.n_samples} rows")


def stored_profile(store: RunStore, record: RunRecord) -> RunProfile:
    """The profile of a stored run's newest snapshot; ValueError (one line) for images or a run without labels."""
    from .predict import run_data
    from .stored_run import last_snapshot

    if record.data.image_shape is not None:
        raise ValueError(IMAGES)
    display = run_data(store, record)
    rows = store.run_arrays(record.id, "rows")
    moments = None if rows is None else ClusterMoments.from_arrays(rows)
    if moments is not None:
        return RunProfile(cluster_profile(moments, display.column_names()), f"all {int(moments.counts.sum())} rows")
    labels = store.final_labels(record.id)
    if labels is not None and record.data.source is not None:
        from .branch import reload_data

        try:
            return data_profile(reload_data(record), labels, record.config.n_clusters)
        except DataError:
            pass  # the file has changed or gone: the displayed rows still say something
    snapshot = last_snapshot(store, record.id)
    if snapshot is None:
        raise ValueError(f"run {record.id} has no clusters yet (it ended before its first epoch)")
    found = data_profile(display, snapshot.display_labels, record.config.n_clusters)
    why = ("is still training" if record.active else "was recorded before runs kept their clusters' moments, and "
           "its data cannot be loaded again")
    return RunProfile(found.profile, f"the {display.n_samples} displayed rows of {record.data.n_samples}",
                      f"run {record.id} {why}: profiled from its {display.n_samples} displayed rows, kept at "
                      "about 3 significant digits")


def shown_run_profile(run) -> RunProfile | None:
    """The profile of the run a page shows: a stored run's from the store, a run training in this process
    from all its rows; None before the first epoch, ValueError for images."""
    from .stored_run import StoredRun

    if isinstance(run, StoredRun):
        return stored_profile(run.store, run.record) if run.history() else None
    labels = run.final_labels
    return None if labels is None else data_profile(run.data, labels, run.config.n_clusters)


def profile_csv(found: RunProfile, run_id: str) -> str:
    """One line per cluster and column (`run` first, then evaluation/profile.TABLE_COLUMNS), each cluster's columns
    by rank; numbers to 7 significant digits, blank where there is none (an empty cluster's mean)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, ("run",) + TABLE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in found.profile.table():
        writer.writerow({"run": run_id, **{name: _cell(value) for name, value in row.items()}})
    return out.getvalue()


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return f"{value:.7g}" if isinstance(value, (float, np.floating)) else str(value)
