import gzip
import struct

import numpy as np
import pytest

from deepclust_core import DataError, load_dataset, validate_for_clustering
from deepclust_core.data.idx import load_idx_folder, read_idx
from deepclust_core.data.csv_table import TableOptions
from deepclust_core.data.loaders import load_file


def test_digits_is_scaled_images():
    data = load_dataset("digits")
    assert data.X.shape == (1797, 64) and data.X.dtype == np.float32
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    assert data.image_shape == (1, 8, 8) and data.n_classes == 10


def test_digits_read_without_sklearn_match_sklearns_loader():
    from sklearn.datasets import load_digits

    reference, data = load_digits(), load_dataset("digits")
    assert np.array_equal(data.X, (reference.data / 16.0).astype(np.float32))
    assert np.array_equal(data.y, reference.target)


@pytest.mark.parametrize("name", ["blobs", "anisotropic", "moons", "circles"])
def test_synthetic_sets_are_standardised_and_seeded(name):
    a = load_dataset(name, n_samples=300, noise=0.1, seed=3)
    b = load_dataset(name, n_samples=300, noise=0.1, seed=3)
    assert a.X.shape == (300, 2) and np.array_equal(a.X, b.X)
    assert np.allclose(a.X.mean(axis=0), 0, atol=1e-5) and np.allclose(a.X.std(axis=0), 1, atol=1e-3)


def test_subsample_is_seeded_and_keeps_labels():
    data = load_dataset("digits", subsample=100, seed=1)
    again = load_dataset("digits", subsample=100, seed=1)
    assert data.n_samples == 100 and np.array_equal(data.y, again.y)
    assert not np.array_equal(data.X, load_dataset("digits", subsample=100, seed=2).X)


def test_arrays_are_read_only():
    data = load_dataset("digits")
    with pytest.raises(ValueError):
        data.X[0, 0] = 1.0



def test_the_fingerprint_is_worked_out_once_per_data_set():
    """A data set's hash is part of every cache key, asked for several times per rerun of the Train page: worked out
    once (X is read-only), and a subsample (another data set) has its own."""
    import hashlib
    from unittest import mock

    data = load_dataset("digits")
    with mock.patch.object(hashlib, "sha256", wraps=hashlib.sha256) as sha256:
        first = data.fingerprint()
        assert data.fingerprint() == first
        assert sha256.call_count == 1
    assert data.subsample(100).fingerprint() != first

def write_idx(path, array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}i", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def make_idx_folder(folder, n_train=6, n_test=4):
    rng = np.random.default_rng(0)
    write_idx(folder / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (n_train, 5, 5)))
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(n_train) % 3)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (n_test, 5, 5)))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.arange(n_test) % 3)


def test_idx_folder_joins_train_and_test(tmp_path):
    make_idx_folder(tmp_path)
    data = load_idx_folder(tmp_path, "MNIST")
    assert data.X.shape == (10, 25) and data.image_shape == (1, 5, 5)
    assert data.X.max() <= 1.0 and data.y.tolist() == [0, 1, 2, 0, 1, 2, 0, 1, 2, 0]


def test_truncated_idx_file_is_named(tmp_path):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(struct.pack(">BBBBi", 0, 0, 8, 1, 10) + b"\x01\x02")
    with pytest.raises(DataError, match="truncated"):
        read_idx(path)


def test_missing_fashion_mnist_folder_gives_install_hint(tmp_path):
    with pytest.raises(DataError, match="apt-get install dataset-fashion-mnist"):
        load_dataset("fashion-mnist", path=str(tmp_path / "nowhere"))


def test_csv_with_header_and_label_column(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("a,b,kind\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")
    data = load_file(path, TableOptions(label_column="kind"))
    assert data.X.shape == (4, 2) and data.y.tolist() == [0, 1, 0, 1]
    assert data.class_names == ("x", "y") and data.feature_names == ("a", "b")


def test_csv_without_header(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("1,2\n3,4\n5,7\n")
    assert load_file(path).X.shape == (3, 2)


@pytest.mark.parametrize("content, message", [
    ("", "empty"),
    ("a,b\n1,2\n3,hello\n", "column 'b' holds text \\('hello' on line 3\\)"),
    ("1,2\n3,nan\n", "missing values: 1 in column 'x2' \\(first on line 2\\)"),
    ("1,2\n3,inf\n", "column 'x2' has 1 infinite value \\(first on line 2\\)"),
    ("1,2\n3\n", "line 2 has 1 cells"),
])
def test_bad_csv_is_explained(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        load_file(path)


def test_npz_with_labels_and_wrong_label_length(tmp_path):
    good, bad = tmp_path / "good.npz", tmp_path / "bad.npz"
    np.savez(good, X=np.ones((5, 3)), y=np.arange(5))
    np.savez(bad, X=np.ones((5, 3)), y=np.arange(4))
    assert load_file(good).y.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(DataError, match="4 labels for 5 rows"):
        load_file(bad)


def test_npy_one_dimensional_and_pickled_are_refused(tmp_path):
    flat, pickled = tmp_path / "flat.npy", tmp_path / "objects.npy"
    np.save(flat, np.arange(10.0))
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="2-D"):
        load_file(flat)
    with pytest.raises(DataError, match="never loaded"):
        load_file(pickled)


def test_wrong_file_type(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(DataError, match="unsupported file type .txt"):
        load_file(path)


def test_k_checks():
    data = load_dataset("blobs", n_samples=10)
    with pytest.raises(DataError, match="at least 2"):
        validate_for_clustering(data, 1)
    with pytest.raises(DataError, match="too few for K = 6"):
        validate_for_clustering(data, 6)
    validate_for_clustering(data, 5)
