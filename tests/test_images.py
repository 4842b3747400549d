import io

import numpy as np
import pytest
from PIL import Image

from file_bytes import png_bytes, zip_bytes

from deepclust_core import DataError
from deepclust_core.data.images import thumbnail_url, to_picture
from deepclust_core.data.loaders import load_bytes


def test_class_folders_become_labels_and_sizes_are_unified():
    rng = np.random.default_rng(0)
    files = {f"cats/{i}.png": png_bytes(rng.integers(0, 255, (8, 8))) for i in range(3)}
    files |= {f"dogs/{i}.png": png_bytes(rng.integers(0, 255, (10, 12))) for i in range(2)}
    files["notes.txt"] = b"ignored"
    data = load_bytes(zip_bytes(files), "pets.zip")
    assert data.X.shape == (5, 64) and data.image_shape == (1, 8, 8)
    assert data.y.tolist() == [0, 0, 0, 1, 1] and data.class_names == ("cats", "dogs")
    assert 0.0 <= data.X.min() and data.X.max() <= 1.0


def test_colour_images_stay_rgb_and_loose_images_have_no_labels():
    rng = np.random.default_rng(1)
    files = {f"{i}.png": png_bytes(rng.integers(0, 255, (6, 6, 3))) for i in range(4)}
    data = load_bytes(zip_bytes(files), "colour.zip")
    assert data.image_shape == (3, 6, 6) and data.y is None
    assert to_picture(data.X[0], data.image_shape).shape == (6, 6, 3)


def test_large_images_are_shrunk():
    data = load_bytes(zip_bytes({"a.png": png_bytes(np.zeros((200, 100))), "b.png": png_bytes(np.ones((200, 100)))}), "big.zip")
    assert data.image_shape == (1, 64, 32)


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 truncated", "damaged or truncated zip archive"),
    (zip_bytes({"readme.txt": b"no pictures"}), "no images found"),
    (zip_bytes({"broken.png": b"\x89PNG not really"}), "cannot be read as an image"),
])
def test_bad_zips_are_explained(content, message):
    with pytest.raises(DataError, match=message):
        load_bytes(content, "upload.zip")


def test_an_entry_that_is_no_picture_is_named_plainly():
    """Pillow's own words name a file object ("<zipfile.ZipExtFile name=... mode='r'>"); the line names the entry."""
    content = zip_bytes({"class_a/good.png": png_bytes(np.zeros((4, 4))), "class_a/notapic.png": b"just some text\n"})
    with pytest.raises(DataError) as caught:
        load_bytes(content, "photos.zip")
    assert str(caught.value) == ("photos.zip: class_a/notapic.png cannot be read as an image (its content is not a "
                                 "picture in a format Pillow reads, whatever its name says)")
    truncated = png_bytes(np.arange(64 * 64).reshape(64, 64) % 251)[:80]
    with pytest.raises(DataError) as caught:
        load_bytes(zip_bytes({"a/cut.png": truncated}), "photos.zip")
    assert str(caught.value).startswith("photos.zip: a/cut.png cannot be read as an image (")
    assert "ZipExtFile" not in str(caught.value) and "<" not in str(caught.value)


def test_thumbnail_is_a_png_data_url():
    import base64


    row = np.linspace(0, 1, 16)
    url = thumbnail_url(row, (1, 4, 4))
    assert url.startswith("data:image/png;base64,") and len(url) < 2000
    picture = np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))))
    assert picture.shape == (4, 4) and (picture == to_picture(row, (1, 4, 4))).all()
