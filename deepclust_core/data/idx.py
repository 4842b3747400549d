"""Fashion-MNIST and MNIST from their IDX files (plain or .gz), train and test together.

The IDX format (yann.lecun.com/exdb/mnist): a magic number whose third byte is the element
type (0x08 = unsigned byte) and fourth the number of dimensions, then one big-endian int32
per dimension, then the data.
"""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from .dataset import DataError, Dataset, scale_pixels

FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_MNIST_INSTALL_HINT = "install it with `apt-get install dataset-fashion-mnist` or pass a folder with its IDX files"
FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
_PARTS = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def read_idx(path: str | Path) -> np.ndarray:
    """One IDX file as a uint8 array of the shape its header gives."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as error:
        raise DataError(f"{path.name}: cannot be read as IDX ({error})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise DataError(f"{path.name}: not an IDX file of unsigned bytes")
    n_dims = raw[3]
    header = 4 + 4 * n_dims
    shape = tuple(int(v) for v in np.frombuffer(raw[4:header], dtype=">i4"))
    if len(raw) - header != int(np.prod(shape)):
        raise DataError(f"{path.name}: truncated IDX file (header says {shape})")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def find_idx_part(folder: Path, stem: str) -> Path | None:
    """`stem` or `stem.gz` in `folder` (also the common `stem.idx3-ubyte` spelling)."""
    for candidate in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        if (folder / candidate).is_file():
            return folder / candidate
    return None


def idx_folder_available(folder: str | Path | None = None) -> bool:
    folder = Path(folder) if folder else FASHION_MNIST_DIR
    return folder.is_dir() and all(find_idx_part(folder, stem) for stem in _PARTS.values())


def load_idx_folder(folder: str | Path | None = None, name: str = "Fashion-MNIST") -> Dataset:
    """The four IDX files of an MNIST-style folder, train and test together (70,000 for Fashion-MNIST)."""
    folder = Path(folder) if folder else FASHION_MNIST_DIR
    if not folder.is_dir():
        raise DataError(f"{name}: folder {folder} not found; {FASHION_MNIST_INSTALL_HINT}")
    parts = {}
    for key, stem in _PARTS.items():
        path = find_idx_part(folder, stem)
        if path is None:
            raise DataError(f"{name}: {stem}(.gz) missing in {folder}; {FASHION_MNIST_INSTALL_HINT}")
        parts[key] = read_idx(path)
    images = np.concatenate([parts["train_images"], parts["test_images"]])
    labels = np.concatenate([parts["train_labels"], parts["test_labels"]])
    if images.ndim != 3 or len(images) != len(labels):
        raise DataError(f"{name}: {len(images)} images but {len(labels)} labels in {folder}")
    height, width = images.shape[1:]
    return Dataset(
        X=scale_pixels(images.reshape(len(images), -1), 255.0),
        y=labels,
        name=name,
        image_shape=(1, height, width),
        class_names=FASHION_MNIST_CLASSES if name == "Fashion-MNIST" else None,
        scaling="pixels [0, 1]",
        pixel_range=(0.0, 255.0),
    )
