"""Download buttons for a stored run: metrics (CSV, JSON), its run file, an HTML report, every
row's result (CSV, or .npz with the embedding) and, for a table, its cluster profiles (CSV). Each
file is made from the run store when its button is clicked: the page holds no copy of the run for
its exports."""
from __future__ import annotations

import streamlit as st

from deepclust_core.runs.export import config_json, metrics_csv, metrics_json
from deepclust_core.runs.profile import IMAGES, PROFILE_HELP, profile_csv, stored_profile
from deepclust_core.runs.store.rows import RunRecord
from deepclust_core.runs.report import html_report
from deepclust_core.runs.row_table import stored_table
from deepclust_core.runs.store import RunStore
from deepclust_core.runs.stored_run import StoredRun
from deepclust_core.runs.shown_run import ShownRun

PNG_HINT = ("PNG of any chart: the camera button in its toolbar (top right, when the pointer is over the chart) "
            "downloads it.")
ROWS_HELP = ("Every row of the data: its index, true label (when known), cluster and the method's confidence, "
             "named after what it is (its soft assignment, or the distance to the cluster's centre).")


def export_buttons(store: RunStore, record: RunRecord) -> None:
    name, rows = record.id, lambda: store.epoch_rows(record.id)
    csv, json, settings, report = st.columns(4)
    csv.download_button("Metrics (CSV)", lambda: metrics_csv(record, rows()), f"{name}-metrics.csv", "text/csv",
                        width="stretch", on_click="ignore", help="One row per epoch: losses, ACC / NMI / ARI, timings.")
    json.download_button("Metrics (JSON)", lambda: metrics_json(record, rows()), f"{name}-metrics.json",
                         "application/json", width="stretch", on_click="ignore",
                         help="The run's settings and status, then one object per epoch.")
    settings.download_button("Settings (run file)", config_json(record), f"{name}.run.json", "application/json",
                             width="stretch", on_click="ignore", disabled=record.data.source is None,
                             help="`python -m deepclust_core train --config FILE` trains this run again"
                                  if record.data.source else "The data was uploaded: a run file cannot reload it.")
    report.download_button("HTML report", lambda: html_report(StoredRun(store, name)), f"{name}.html", "text/html", width="stretch",
                           on_click="ignore", help="One self-contained file: the curves, an animation of both "
                                                   "spaces with a play button and the per-row results; opens "
                                                   "without network or Python.")
    per_row, with_embedding, profile, _ = st.columns(4)
    per_row.download_button("Per-row results (CSV)", lambda: stored_table(store, record).to_csv(), f"{name}-rows.csv", "text/csv",
                            width="stretch", on_click="ignore", help=ROWS_HELP)
    with_embedding.download_button("Per-row results + embedding (.npz)", lambda: stored_table(store, record).to_npz(),
                                   f"{name}-rows.npz", "application/octet-stream", width="stretch", on_click="ignore",
                                   help=ROWS_HELP + " Adds each row's embedding; numpy.load(allow_pickle=False).")
    images = record.data.image_shape is not None
    profile.download_button("Cluster profiles (CSV)", lambda: profile_csv(stored_profile(store, record), name),
                            f"{name}-profile.csv", "text/csv", width="stretch", on_click="ignore", disabled=images,
                            help=IMAGES[0].upper() + IMAGES[1:] + "." if images else PROFILE_HELP)
    st.caption(PNG_HINT)


def finished_run_exports(run: ShownRun | None) -> None:
    """The exports of this page's run once it has ended with an epoch recorded (the Train page). The run is not
    opened from the store here (a server-wide cache of opened runs grew by one run's snapshots per run trained)."""
    if run is None or run.active or run.run_id is None or not run.history():
        return
    from .run_library import store_of

    store = store_of(run.run_id)
    with st.expander("Export this run"):
        export_buttons(store, store.run_record(run.run_id))
