"""Compare: several runs overlaid (ACC, NMI, ARI, loss terms), their final metrics and
clustering spaces side by side, and the settings in which they differ."""
import streamlit as st

from ui import compare, run_library
from ui.navigation import inside_app

inside_app()

st.title("Compare runs")
records = {r.id: r for r in run_library.records()}
chosen = st.multiselect("Runs", list(records), default=compare.default_choice(list(records.values())),
                        format_func=lambda i: records[i].label, key="compare:runs",
                        help="Pick two or more. A branch is drawn dashed, starting where its parent was branched.")
if len(chosen) < 2:
    st.info("Pick at least two runs to compare (the examples include a parent and its branch).")
    st.stop()

runs = [(compare.short_name(i, records[run_id]), records[run_id], run_library.store_of(run_id).epoch_rows(run_id))
        for i, run_id in enumerate(chosen)]
st.subheader("Final metrics")
compare.final_table(runs)
st.subheader("Curves")
compare.curves(runs)
st.caption("Save any chart as a PNG with the camera button in its toolbar (top right, when the pointer is over it).")
st.subheader("Final clustering spaces")
compare.pictures(runs)
st.subheader("Settings")
compare.settings_table(runs)
