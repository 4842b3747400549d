"""Images in and out: a user's .zip of images as a Dataset, and rows back as pictures.

A zip may hold one folder per class (the folder names become labels) or loose images.
Images are resized to one common size (the most frequent one, at most 64 pixels a side),
kept greyscale when all are grey, RGB otherwise, and scaled to [0, 1]. Nothing in the zip
is executed or unpickled: members are only decoded as images by Pillow.

A zip is checked before anything is decoded: the sizes its table of contents declares, then
each picture's size from its header, so a small zip whose pictures would decode to gigabytes
is refused in a second with one line. Pictures are then decoded one at a time and shrunk at
once, so memory holds only the small copies.
"""
from __future__ import annotations

import base64
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import PurePosixPath

import numpy as np

from .dataset import DataError, Dataset

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
MAX_IMAGES = 100_000
MAX_SIDE = 64  # larger images are shrunk to this many pixels on their longer side
MAX_UNCOMPRESSED = 1 << 30  # refuse archives whose image files expand past 1 GiB (zip bombs)
MAX_IMAGE_PIXELS = 50_000_000  # one picture (a 7,000 x 7,000 photo); Pillow itself warns at 89 million
MAX_DECODED_BYTES = 2 << 30  # all pictures at full size, one byte per channel: 2 GiB to decode in all
GREY_TOLERANCE = 2  # RGB pictures whose channels differ by at most this are grey
FILE_OBJECT = re.compile(r"\s*<zipfile\.ZipExtFile[^>]*>")  # how Pillow names a zip entry in its errors
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, zipfile.BadZipFile, zlib.error)


def load_image_zip(content: bytes, name: str) -> Dataset:
    members = _image_members(content, name)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        width, height = _common_size(_declared_sizes(archive, members, name))
        pictures = np.stack([_decoded(archive, member, (width, height), name) for member in members])
    grey = bool(np.abs(np.diff(pictures.astype(np.int16), axis=-1)).max() <= GREY_TOLERANCE)
    X = (pictures[..., :1] if grey else pictures).transpose(0, 3, 1, 2).astype(np.float32) / 255.0  # (n, c, h, w)
    labels, classes = _folder_labels([str(PurePosixPath(member).parent) for member in members])
    return Dataset(X=X.reshape(len(X), -1), y=labels, name=name, image_shape=X.shape[1:], class_names=classes,
                   scaling="pixels [0, 1]", pixel_range=(0.0, 255.0))


def _image_members(content: bytes, name: str) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DataError(f"{name}: not a valid zip archive (truncated or damaged?)") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(IMAGE_SUFFIXES)
                 and not PurePosixPath(i.filename).name.startswith(".") and "__MACOSX" not in i.filename]
    if not infos:
        raise DataError(f"{name}: no images found (looked for {', '.join(IMAGE_SUFFIXES)})")
    if len(infos) > MAX_IMAGES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise DataError(f"{name}: too large: at most {MAX_IMAGES:,} images and 1 GiB uncompressed")
    return sorted(i.filename for i in infos)


def _declared_sizes(archive: zipfile.ZipFile, members: list[str], name: str) -> list[tuple[int, int]]:
    """Each picture's (width, height) from its header alone; a DataError before decoding would take too much."""
    from PIL import Image

    sizes, total = [], 0
    for member in members:
        try:
            with archive.open(member) as f, Image.open(f) as image:
                (width, height), bands = image.size, len(image.getbands())
        except (*DECODE_ERRORS, Image.DecompressionBombError) as error:
            raise unreadable(name, member, error) from None
        if width * height > MAX_IMAGE_PIXELS:
            raise DataError(f"{name}: {member} is {width:,} × {height:,} pixels; at most {MAX_IMAGE_PIXELS:,} "
                            "pixels a picture (shrink the pictures first: they are used at 64 pixels a side)")
        total += width * height * bands
        if total > MAX_DECODED_BYTES:
            raise DataError(f"{name}: the pictures would take more than {MAX_DECODED_BYTES >> 30} GiB once decoded "
                            f"(at {member}); shrink them first: they are used at {MAX_SIDE} pixels a side")
        sizes.append((width, height))
    return sizes


def _decoded(archive: zipfile.ZipFile, member: str, size: tuple[int, int], name: str) -> np.ndarray:
    """One picture as (height, width, 3) uint8 RGB at `size`."""
    from PIL import Image

    try:
        with archive.open(member) as f, Image.open(f) as image:
            image.draft("RGB", size)  # JPEG decodes straight at a fraction of its size
            return np.asarray(image.convert("RGB").resize(size))
    except (*DECODE_ERRORS, Image.DecompressionBombError) as error:
        raise unreadable(name, member, error) from None


def unreadable(name: str, member: str, error: Exception) -> DataError:
    """The one line for a zip entry Pillow cannot decode: the entry by its path in the zip and why, in words
    (Pillow's own message names a file object, "<zipfile.ZipExtFile name=... mode='r'>")."""
    from PIL import UnidentifiedImageError

    if isinstance(error, UnidentifiedImageError):
        why = "its content is not a picture in a format Pillow reads, whatever its name says"
    else:
        why = FILE_OBJECT.sub("", str(error)).strip(" :") or type(error).__name__
    return DataError(f"{name}: {member} cannot be read as an image ({why})")


def _common_size(sizes: list[tuple[int, int]]) -> tuple[int, int]:
    width, height = Counter(sizes).most_common(1)[0][0]
    shrink = max(width, height) / MAX_SIDE
    if shrink > 1:
        width, height = max(1, round(width / shrink)), max(1, round(height / shrink))
    return width, height


def _folder_labels(folders: list[str]) -> tuple[np.ndarray | None, tuple[str, ...] | None]:
    """Labels from the folder of each image, when there are at least two folders."""
    classes = sorted(set(folders))
    if len(classes) < 2:
        return None, None
    index = {folder: i for i, folder in enumerate(classes)}
    return np.array([index[f] for f in folders]), tuple(PurePosixPath(c).name for c in classes)


def to_picture(row: np.ndarray, image_shape: tuple[int, ...]) -> np.ndarray:
    """One data row as a uint8 picture: (height, width) grey or (height, width, 3) colour."""
    channels, height, width = image_shape
    pixels = np.clip(np.asarray(row, dtype=np.float32).reshape(channels, height, width), 0.0, 1.0)
    pixels = (pixels * 255).round().astype(np.uint8)
    return pixels[0] if channels == 1 else pixels[:3].transpose(1, 2, 0)


def thumbnail_url(row: np.ndarray, image_shape: tuple[int, ...]) -> str:
    """One row as a PNG data: URL at its own size, for hover tooltips (the browser enlarges it
    with pixelated rendering; resizing and PNG optimisation here cost 5x the time for nothing)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(to_picture(row, image_shape)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
