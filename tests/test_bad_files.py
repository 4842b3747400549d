"""Every bad file is one DataError of one line, from the loaders and the CLI: damaged, truncated,
mislabelled, pickled, or a small archive that would decode to gigabytes."""
import io
import re
import struct
import time
import zlib

import numpy as np
import pytest

from file_bytes import npy_bytes, npz_bytes, png_bytes, zip_bytes

from deepclust_core import DataError
from deepclust_core.cli.main import main
from deepclust_core.data.loaders import load_bytes
from deepclust_core.data.numpy_files import MAX_ARRAY_BYTES


RNG = np.random.default_rng(0)
GOOD = {
    "table.csv": b"a,b,c\n" + b"".join(b"%d.5,%d,%d\n" % (i, i % 3, i % 2) for i in range(30)),
    "table.npy": npy_bytes(RNG.random((30, 4))),
    "table.npz": npz_bytes(X=RNG.random((30, 4)), y=np.arange(30) % 3),
    "images.npz": npz_bytes(compressed=True, X=RNG.integers(0, 255, (12, 6, 6, 3)).astype(np.uint8),
                            y=np.array(["a", "b"] * 6)),
    "pictures.zip": zip_bytes({f"{c}/{i}.png": png_bytes(RNG.integers(0, 255, (6, 6))) for c in "ab" for i in range(4)}),
}


def one_line_error(content: bytes, name: str) -> str:
    with pytest.raises(DataError) as caught:
        load_bytes(content, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    return message


@pytest.mark.parametrize("name", list(GOOD))
def test_the_good_files_load(name):
    assert load_bytes(GOOD[name], name).n_samples > 0


@pytest.mark.parametrize("name, content, message", [
    ("empty.npz", b"", "the file is empty"),
    ("half.npz", GOOD["table.npz"][: len(GOOD["table.npz"]) // 2], "damaged or truncated zip archive"),
    ("crc.npz", GOOD["table.npz"][:150] + b"\x00\x01" + GOOD["table.npz"][152:], "damaged or truncated"),
    ("half.npy", GOOD["table.npy"][:200], "truncated: the array of shape \\(30, 4\\) \\(float64\\) needs 960 bytes"),
    ("header.npy", GOOD["table.npy"][:40], "truncated: the file ends inside the header"),
    ("half.zip", GOOD["pictures.zip"][:300], "damaged or truncated zip archive"),
    ("crc.zip", zip_bytes({"a/0.png": b"\x89PNG" + bytes(200)})[:60] + b"\xff" + zip_bytes(
        {"a/0.png": b"\x89PNG" + bytes(200)})[61:], "cannot be read as an image"),
])
def test_damaged_and_truncated_files(name, content, message):
    assert re.search(message, one_line_error(content, name))


@pytest.mark.parametrize("name, content, message", [
    ("arrays.zip", GOOD["table.npz"], "holds a NumPy .npz archive of arrays, not a zip of images; rename it to arrays.npz"),
    ("pictures.npz", GOOD["pictures.zip"], "holds a zip of images, not a NumPy .npz archive"),
    ("one.npz", GOOD["table.npy"], "holds a NumPy .npy array, not a NumPy .npz archive"),
    ("table.npy", GOOD["table.csv"], "holds CSV text, not a NumPy .npy array; rename it to table.csv"),
    ("arrays.csv", GOOD["table.npz"], "holds a NumPy .npz archive of arrays, not CSV text"),
    ("photo.csv", png_bytes(np.zeros((4, 4))), "a PNG picture"),
    ("data.npy", b"\x80\x04\x95" + bytes(40), "a Python pickle, which is never loaded"),
    ("data.csv", b"\x1f\x8b\x08" + bytes(40), "gzip-compressed; unpack it first"),
    ("sheet.zip", zip_bytes({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "Excel"),
    ("noise.csv", bytes(range(256)) * 8, "binary content"),
    ("notes.txt", b"hello", "unsupported file type .txt"),
])
def test_files_whose_extension_lies_are_named_for_what_they_are(name, content, message):
    assert message in one_line_error(content, name)


def test_pickled_and_structured_arrays_are_refused():
    objects = io.BytesIO()
    np.save(objects, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert "never loaded" in one_line_error(objects.getvalue(), "objects.npy")
    structured = npy_bytes(np.zeros(3, dtype=[("a", "f4"), ("b", "i4")]))
    assert "structured array" in one_line_error(structured, "records.npy")


def npy_header(shape: tuple[int, ...]) -> bytes:
    """The header of a float64 .npy array of `shape`, with no data after it."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def test_an_array_header_promising_gigabytes_is_refused_before_reading():
    shape = (MAX_ARRAY_BYTES // 8 // 1000 + 1, 1000)
    for name, content in (("huge.npy", npy_header(shape) + bytes(64)),
                          ("huge.npz", zip_bytes({"X.npy": npy_header(shape) + bytes(64)}))):
        assert f"of shape {shape} (float64) would take 2.0 GiB in memory; at most 2 GiB" in one_line_error(content, name)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height grey pixels and holds almost none (a decompression bomb's header)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def test_a_picture_too_large_to_decode_is_refused():
    message = one_line_error(zip_bytes({"a.png": png_header(8000, 8000), "b.png": png_bytes(np.zeros((4, 4)))}),
                             "big.zip")
    assert "a.png is 8,000 × 8,000 pixels" in message


def test_a_small_zip_of_pictures_that_would_decode_to_gigabytes_is_refused_quickly():
    blank = png_bytes(np.zeros((6000, 6000)))  # 36 MB decoded, a few kB as PNG
    bomb = zip_bytes({f"{i:03d}.png": blank for i in range(70)})  # 2.5 GB decoded
    started = time.perf_counter()
    message = one_line_error(bomb, "bomb.zip")
    assert "would take more than 2 GiB once decoded" in message
    assert len(bomb) < 5_000_000 and time.perf_counter() - started < 3.0


@pytest.mark.parametrize("name", list(GOOD))
def test_any_truncation_or_flipped_byte_is_a_data_error(name):
    """Cut each good file at 25 places and flip 25 of its bytes: every outcome is a Dataset or one DataError."""
    content = GOOD[name]
    rng = np.random.default_rng(1)
    damaged = [content[:cut] for cut in np.linspace(1, len(content) - 1, 25).astype(int)]
    for position in rng.integers(0, len(content), 25):
        damaged.append(content[:position] + bytes([content[position] ^ 0x5A]) + content[position + 1:])
    for bad in damaged:
        try:
            load_bytes(bad, name)
        except DataError as error:
            assert "\n" not in str(error)


def test_the_cli_prints_one_line_and_exits_2_on_a_damaged_file(tmp_path, capsys):
    path = tmp_path / "damaged.npz"
    path.write_bytes(GOOD["table.npz"][:100])
    assert main(["train", "--file", str(path), "--no-store"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: damaged.npz: a damaged or truncated zip archive (its table of contents cannot be read)\n"
    assert main(["train", "--file", str(tmp_path), "--no-store"]) == 2
    assert "is a folder" in capsys.readouterr().err
