"""Image arrays in .npy and .npz: (N, H, W), (N, H, W, C) and (N, C, H, W), with labels from y."""
import io

import numpy as np
import pytest

from deepclust_core import DataError, TrainConfig, train
from deepclust_core.settings.autoencoder import AutoencoderConfig
from deepclust_core.data.csv_table import TableOptions
from deepclust_core.data.images import to_picture
from deepclust_core.data.loaders import load_bytes


def npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


RNG = np.random.default_rng(0)


def test_grey_uint8_images_with_text_labels():
    pictures = RNG.integers(0, 256, (20, 8, 8)).astype(np.uint8)
    data = load_bytes(npz(X=pictures, y=np.array(["cat", "dog"] * 10)), "pets.npz")
    assert data.is_image and data.image_shape == (1, 8, 8) and data.pixel_range == (0.0, 255.0)
    assert data.class_names == ("cat", "dog") and data.y.tolist()[:2] == [0, 1]
    assert np.array_equal(to_picture(data.X[3], data.image_shape), pictures[3])  # the picture comes back exactly
    assert np.allclose(data.in_file_units(data.X[:2]), pictures[:2].reshape(2, -1), atol=1e-3)


def test_channels_last_and_channels_first_colour_images_agree():
    last = RNG.integers(0, 256, (10, 6, 6, 3)).astype(np.uint8)
    from_last = load_bytes(npy(last), "last.npy")
    from_first = load_bytes(npy(last.transpose(0, 3, 1, 2).copy()), "first.npy")
    assert from_last.image_shape == from_first.image_shape == (3, 6, 6)
    assert np.array_equal(from_last.X, from_first.X)
    assert np.array_equal(to_picture(from_last.X[0], from_last.image_shape), last[0])
    assert from_last.y is None


@pytest.mark.parametrize("values, pixel_range", [
    (np.linspace(0, 1, 20 * 16).reshape(20, 4, 4), (0.0, 1.0)),
    (np.linspace(0, 200, 20 * 16).reshape(20, 4, 4), (0.0, 255.0)),
    (np.linspace(-2, 3, 20 * 16).reshape(20, 4, 4), (-2.0, 3.0)),
])
def test_pixel_values_are_scaled_to_zero_one(values, pixel_range):
    data = load_bytes(npy(values), "pictures.npy")
    assert data.pixel_range == pixel_range and 0 <= data.X.min() and data.X.max() <= 1


def test_integer_labels_named_by_class_names():
    data = load_bytes(npz(X=RNG.random((6, 4, 4)), y=np.array([0, 2, 2, 0, 2, 0]),
                          class_names=np.array(["zero", "one", "two"])), "named.npz")
    assert data.class_names == ("zero", "one", "two") and data.y.tolist() == [0, 2, 2, 0, 2, 0]
    with pytest.raises(DataError, match="y must hold integers 0 to 2"):
        load_bytes(npz(X=RNG.random((2, 4, 4)), y=np.array([0, 5]), class_names=np.array(["a", "b", "c"])), "b.npz")


def test_ids_in_an_npz_are_kept():
    data = load_bytes(npz(X=RNG.random((4, 3)), ids=np.array(["a", "b", "c", "d"])), "rows.npz")
    assert data.id_column == "ids" and data.ids.tolist() == ["a", "b", "c", "d"] and not data.is_image


@pytest.mark.parametrize("shape, message", [
    ((5, 6, 6, 2), "images need 1, 3 or 4 channels"),
    ((5,), "expected a 2-D table of rows"),
    ((2, 3, 4, 5, 6), "expected a 2-D table of rows"),
])
def test_bad_array_shapes(shape, message):
    with pytest.raises(DataError, match=message):
        load_bytes(npy(np.zeros(shape)), "odd.npy")


def test_images_with_missing_pixels_are_named_and_can_be_dropped():
    pictures = RNG.random((10, 4, 4))
    pictures[[2, 7], 1, 1] = np.nan
    with pytest.raises(DataError, match="missing values: 2 in column 'pixels' \\(first on row 2\\)"):
        load_bytes(npy(pictures), "gaps.npy")
    data = load_bytes(npy(pictures), "gaps.npy", TableOptions(drop_missing=True))
    assert data.n_samples == 8 and data.file_rows.tolist() == [0, 1, 3, 4, 5, 6, 8, 9] and data.dropped_rows == 2


def test_an_image_array_trains_with_the_convolutional_autoencoder(tmp_path):
    pictures = np.zeros((40, 8, 8), dtype=np.uint8)
    pictures[:20, :, :4] = 255  # left half lit
    pictures[20:, :, 4:] = 255  # right half lit
    data = load_bytes(npz(X=pictures, y=np.repeat(["left", "right"], 20)), "halves.npz")
    config = TrainConfig(n_clusters=2, autoencoder=AutoencoderConfig(kind="conv", embedding_dim=4), pretrain_epochs=20,
                         cluster_epochs=2, batch_size=20, cache_dir=str(tmp_path))
    last = list(train(data, config))[-1]
    assert last.metrics["acc"] == 1.0
