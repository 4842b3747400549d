"""The sidebar's data section: built-in sets, synthetic sets and the user's own file."""
from __future__ import annotations

import streamlit as st

from deepclust_core import DataError, Dataset, load_dataset
from deepclust_core.idx import FASHION_MNIST_INSTALL_HINT, idx_folder_available
from deepclust_core.loaders import SYNTHETIC, csv_columns, load_bytes

UPLOAD = "Your file (CSV, .npy, .npz, .zip of images)"
UPLOAD_LIMIT_MB = 200  # streamlit's default server.maxUploadSize


@st.cache_resource(max_entries=6, show_spinner="Loading data…")
def cached_dataset(name: str, path: str | None, n_samples: int, noise: float, n_clusters: int) -> Dataset:
    return load_dataset(name, path=path, n_samples=n_samples, noise=noise, n_clusters=n_clusters)


@st.cache_data(max_entries=4, show_spinner="Reading your file…")
def cached_upload(content: bytes, name: str, label_column: str | None) -> Dataset:
    return load_bytes(content, name, label_column)


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
    label = st.selectbox("Data set", list(choices), key="data_choice",
                         help="Built-in sets need no download. Labels, when present, are only used for the metrics.")
    name = choices[label]
    try:
        if name == "file":
            return _uploaded()
        if name == "fashion-mnist":
            return _fashion_mnist()
        if name in SYNTHETIC:
            n = st.number_input("Points", 100, 20000, 1000, step=100, key="synthetic_n")
            noise = st.slider("Noise", 0.0, 0.3, 0.05, 0.01, key="synthetic_noise")
            k = st.number_input("Blobs", 2, 10, 4, key="synthetic_blobs") if name in ("blobs", "anisotropic") else 2
            return cached_dataset(name, None, int(n), float(noise), int(k))
        return cached_dataset(name, None, 1000, 0.05, 4)
    except DataError as error:
        st.error(str(error))
        return None


def _fashion_mnist() -> Dataset | None:
    folder = st.text_input("Folder with the IDX files", "", key="idx_folder",
                           placeholder="/usr/share/datasets/fashion-mnist",
                           help="The four IDX .gz files of Fashion-MNIST (or MNIST).") or None
    if not idx_folder_available(folder):
        st.info(f"Fashion-MNIST is not installed here: {FASHION_MNIST_INSTALL_HINT}.")
        return None
    return cached_dataset("fashion-mnist", folder, 1000, 0.05, 4)


def _uploaded() -> Dataset | None:
    upload = st.file_uploader(f"Your data (at most {UPLOAD_LIMIT_MB} MB)", type=["csv", "npy", "npz", "zip"], key="upload",
                              help="CSV with or without a header; .npy with a 2-D array; .npz with arrays X and "
                                   "optionally y; .zip of images, one folder per class optional (resized to one size). "
                                   "Files are read as numbers or pictures only: never unpickled or executed.")
    if upload is None:
        st.caption("Upload a file to train on your own data.")
        return None
    content = upload.getvalue()
    label_column = None
    if upload.name.lower().endswith(".csv"):
        columns = ["(none)"] + csv_columns(content)
        chosen = st.selectbox("Label column", columns, key="label_column",
                              help="A column of known classes, used only to score the clustering.")
        label_column = None if chosen == "(none)" else chosen
    return cached_upload(content, upload.name, label_column)
