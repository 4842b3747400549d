"""The Streamlit side: charts, controls and per-tab run state. Only this package and the
pages import streamlit; `deepclust_core` never does."""
