"""deepclust: watch deep clustering learn. Start with `make app` (or `streamlit run app.py`)."""
import threading

import streamlit as st

from deepclust_core import projection

st.set_page_config(page_title="deepclust", page_icon=":material/scatter_plot:", layout="wide")


@st.cache_resource(show_spinner=False)
def warm_up_projection() -> threading.Thread:
    """Import and compile UMAP once per server, in the background, once the first page is drawn."""
    thread = threading.Thread(target=projection.warm_up, name="umap-warm-up", daemon=True)
    thread.start()
    return thread


page = st.navigation([
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
    st.Page("pages/explore.py", title="Explore", icon=":material/search:"),
    st.Page("pages/runs.py", title="Runs", icon=":material/history:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
])
page.run()
warm_up_projection()
