"""Explore: why did points land where they did? Confusion, galleries, decoded centres."""
import streamlit as st

from ui import explore
from ui.run_state import current_run

st.title("Explore a run")
run = current_run()
entries = run.history() if run is not None else []
if not entries:
    st.info("Start a run on the Train page first; this page then explores its newest epoch, even while it trains.")
    st.stop()

newest = entries[-1]
st.caption(f"{run.config.method} on {run.data.name}, {newest.snapshot.step_name} ({run.status}).")
if run.data.y is not None and run.final_labels is not None:
    st.plotly_chart(explore.confusion_figure(run.final_labels, run.data.y, run.data.class_names), width="stretch")
st.plotly_chart(explore.sizes_figure(newest.snapshot.cluster_sizes), width="stretch")

st.subheader("Inside a cluster")
cluster = st.selectbox("Cluster", range(run.config.n_clusters), format_func=lambda k: f"cluster {k}")
explore.cluster_galleries(run, newest, cluster)

if run.data.is_image and newest.snapshot.centroids is not None:
    st.subheader("Cluster centres, decoded")
    explore.decoded_centres(run, newest)

st.subheader("Points that changed cluster most often")
explore.restless_points(run, entries)
