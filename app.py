"""deepclust: watch deep clustering learn. Start with `make app` (or `streamlit run app.py`)."""
import threading

import streamlit as st

from deepclust_core.projection import umap as projection
from ui import navigation

st.set_page_config(page_title="deepclust", page_icon=":material/scatter_plot:", layout="wide")


def _warm_up() -> None:
    import deepclust_core.runs.live  # noqa: F401  (the training code, torch: about 2 s that Start need not wait)
    projection.warm_up()  # UMAP, in its own process: 10 to 15 s of import and compilation


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server, in the background, once the first page is drawn (the page does not need them)."""
    thread = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread


pages = [
    # the default page answers at / only; its url_path is no URL, it frees /train for navigation.aliases
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True, url_path="home"),
    st.Page("pages/explore.py", title="Explore", icon=":material/search:"),
    st.Page("pages/race.py", title="Race", icon=":material/sports_score:"),
    st.Page("pages/runs.py", title="Runs", icon=":material/history:"),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/sweep.py", title="Sweep", icon=":material/grid_view:"),
    st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
]
page = st.navigation(pages + navigation.aliases(pages), position="hidden")  # routing only: navigation.menu draws the menu (see its docstring)
navigation.menu(pages)
page.run()
warm_up()
