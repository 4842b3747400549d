"""The sidebar's data section: built-in sets, synthetic sets and the user's own file.

A file that cannot be read (damaged, truncated, mislabelled, too large once decoded) gives one
line under the uploader, and the rest of the sidebar is drawn as before: every loader problem
is a DataError.

Every choice here lasts for the tab's session, across pages (`persist_state="session"`, as the rest
of the sidebar, ui/settings_form.py). A file uploader cannot keep its file when another page is
open, so the file's name and bytes are kept in session state (KEPT_FILE) until the user removes
the file from the uploader or uploads another.
"""
from __future__ import annotations

import streamlit as st

from deepclust_core import DataError, Dataset, load_dataset
from deepclust_core.data.idx import FASHION_MNIST_INSTALL_HINT, idx_folder_available
from deepclust_core.data.csv_table import TableOptions, csv_columns
from deepclust_core.data.file_kinds import file_kind
from deepclust_core.data.loaders import SYNTHETIC, load_bytes

from . import access
from .settings_form import kept

UPLOAD = "Your file (CSV, .npy, .npz, .zip of images)"
UPLOAD_LIMIT_MB = 200  # streamlit's default server.maxUploadSize
KEPT_FILE = "upload:kept"  # (file_id, name, bytes) of the file uploaded last in this session
DATA_PROBLEM = "data_problem"  # session key: why the chosen data could not be read in this rerun


@st.cache_resource(max_entries=6, show_spinner="Loading data…")
def cached_dataset(name: str, path: str | None, n_samples: int, noise: float, n_clusters: int) -> Dataset:
    return load_dataset(name, path=path, n_samples=n_samples, noise=noise, n_clusters=n_clusters)


@st.cache_data(max_entries=4, show_spinner="Reading your file…")
def cached_upload(content: bytes, name: str, label_column: str | None, id_column: str | None,
                  drop_columns: tuple[str, ...], drop_missing: bool) -> Dataset:
    return load_bytes(content, name, TableOptions(label_column, id_column, drop_columns, drop_missing))


def data_choices() -> dict[str, str]:
    """Label shown in the list -> loader name."""
    choices = {"digits (scikit-learn, 1,797 8×8 images)": "digits"}
    installed = idx_folder_available()
    choices["Fashion-MNIST (70,000 28×28 images)" if installed else "Fashion-MNIST (not installed: see how)"] = "fashion-mnist"
    choices.update({f"{name} (synthetic, 2-D)": name for name in SYNTHETIC})
    choices[UPLOAD] = "file"
    return choices


def pick_data() -> Dataset | None:
    """Widgets for choosing data; the loaded Dataset, or None with the reason shown."""
    choices = data_choices()
    label = kept(st.selectbox, "Data set", "data_choice", list(choices)[0], options=list(choices),
                 help="Built-in sets need no download. Labels, when present, are only used for the metrics.")
    name = choices[label]
    try:
        if name == "file":
            return _uploaded()
        if name == "fashion-mnist":
            return _fashion_mnist()
        if name in SYNTHETIC:
            n = st.number_input("Points", 100, 20000, 1000, step=100, key="synthetic_n", persist_state="session")
            noise = st.slider("Noise", 0.0, 0.3, 0.05, 0.01, key="synthetic_noise", persist_state="session")
            k = (st.number_input("Blobs", 2, 10, 4, key="synthetic_blobs", persist_state="session")
                 if name in ("blobs", "anisotropic") else 2)
            return cached_dataset(name, None, int(n), float(noise), int(k))
        return cached_dataset(name, None, 1000, 0.05, 4)
    except DataError as error:
        st.error(str(error))
        st.session_state[DATA_PROBLEM] = str(error)
        return None


def take_problem() -> str | None:
    """What was wrong with the data in this rerun (pick_data's one line under the uploader), for the main area
    to say instead of "Choose a data set first."; None when the data was read or not chosen yet."""
    return st.session_state.pop(DATA_PROBLEM, None)


def _fashion_mnist() -> Dataset | None:
    folder = st.text_input("Folder with the IDX files", "", key="idx_folder", persist_state="session",
                           placeholder="/usr/share/datasets/fashion-mnist",
                           help="The four IDX .gz files of Fashion-MNIST (or MNIST).") or None
    folder = folder if access.can_change() else None  # a viewer reads no folder of this machine but the default
    if not idx_folder_available(folder):
        st.info(f"Fashion-MNIST is not installed here: {FASHION_MNIST_INSTALL_HINT}.")
        return None
    return cached_dataset("fashion-mnist", folder, 1000, 0.05, 4)


def _uploaded() -> Dataset | None:
    if not access.can_change():
        return access.explain()
    upload = st.file_uploader(f"Your data (at most {UPLOAD_LIMIT_MB} MB)", type=["csv", "tsv", "npy", "npz", "zip"],
                              key="upload", on_change=_removed,
                              help="CSV with or without a header (comma, semicolon or tab); .npy or .npz with a table "
                                   "of rows (N, d) or images (N, H, W) or (N, H, W, C), an .npz's labels in y; .zip of "
                                   "images, one folder per class optional (resized to one size). Files are read as "
                                   "numbers or pictures only: never unpickled or executed.")
    if upload is not None and st.session_state.get(KEPT_FILE, (None,))[0] != upload.file_id:
        st.session_state[KEPT_FILE] = (upload.file_id, upload.name, upload.getvalue())
    if KEPT_FILE not in st.session_state:
        st.caption("Upload a file to train on your own data.")
        return None
    _, name, content = st.session_state[KEPT_FILE]
    if upload is None:  # back from another page: the uploader is empty, the file is kept
        size = f"{len(content) / 1e6:.1f} MB" if len(content) >= 1e5 else f"{len(content) / 1e3:.0f} kB"
        st.caption(f"Training on **{name}** ({size}), uploaded earlier in this session. "
                   "Drop another file above to replace it.")
        st.button("Forget this file", key="upload:forget", on_click=st.session_state.pop, args=(KEPT_FILE, None))
    kind = file_kind(content, name)  # a damaged or mislabelled file stops here, before any column widget
    label, ident, dropped = _column_roles(csv_columns(content)) if kind == "csv" else (None, None, ())
    drop_missing = kind != "zip" and st.checkbox(
        "Drop rows with missing values", key="drop_missing", persist_state="session",
        help="Leave out every row with an empty, NA or NaN value instead of refusing the file.")
    return cached_upload(content, name, label, ident, dropped, drop_missing)


def _removed() -> None:
    """The uploader's callback: a file removed from it (its ×) is forgotten; a new one replaces the kept one."""
    if st.session_state.get("upload") is None:
        st.session_state.pop(KEPT_FILE, None)


def _column_roles(columns: list[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    """The label column, the ID column and the columns to drop, chosen from a CSV's columns."""
    label = _none_or(kept(st.selectbox, "Label column", "label_column", "(none)", options=["(none)"] + columns,
                          help="A column of known classes (numbers or names), used only to score the clustering."))
    ident = _none_or(kept(st.selectbox, "ID column", "id_column", "(none)",
                          options=["(none)"] + [c for c in columns if c != label],
                          help="Each row's name or number: kept for the per-row results, never clustered."))
    left = [c for c in columns if c not in (label, ident)]
    if any(c not in left for c in st.session_state.get("drop_columns", [])):
        st.session_state["drop_columns"] = [c for c in st.session_state["drop_columns"] if c in left]
    dropped = st.multiselect("Columns to leave out", left, key="drop_columns", persist_state="session",
                             help="Columns not to cluster on (they are not kept).")
    return label, ident, tuple(dropped)


def _none_or(choice: str) -> str | None:
    return None if choice == "(none)" else choice
