"""Explore: why did points land where they did? Confusion, cluster profiles (tables), cluster members,
decoded centres, for this tab's run or any stored run (the user's and the shipped examples)."""
import streamlit as st

from ui import explore, profile
from ui.navigation import inside_app

inside_app()

st.title("Explore a run")
run = explore.pick_run()
if run is None:
    st.info("No run to explore yet: start one on the Train page.")
    st.stop()
entries = run.history()
if not entries:
    st.info(f"This run has no epoch to explore ({run.status}). {run.error or ''}")
    st.stop()

newest = entries[-1]
st.caption(f"{run.config.method} on {run.data.name}, {newest.snapshot.step_name} ({run.status}).")
if run.data.y is not None and run.final_labels is not None:
    explore.confusion(run, newest)
st.plotly_chart(explore.sizes_figure(newest.snapshot.cluster_sizes), width="stretch")

if not run.data.is_image:
    st.subheader("Cluster profiles")
    profile.cluster_profiles(run)

st.subheader("Inside a cluster")
cluster = st.selectbox("Cluster", range(run.config.n_clusters), format_func=lambda k: f"cluster {k}")
explore.cluster_members(run, newest, cluster)

if run.data.is_image and newest.snapshot.centroids is not None:
    st.subheader("Cluster centres, decoded")
    explore.decoded_centres(run, entries)

st.subheader("Points that changed cluster most often")
explore.restless_points(run, entries)
