"""Images in and out: a user's .zip of images as a Dataset, and rows back as pictures.

A zip may hold one folder per class (the folder names become labels) or loose images.
Images are resized to one common size (the most frequent one, at most 64 pixels a side),
kept greyscale when all are grey, RGB otherwise, and scaled to [0, 1]. Nothing in the zip
is executed or unpickled: members are only decoded as images by Pillow.
"""
from __future__ import annotations

import base64
import io
import zipfile
from collections import Counter
from pathlib import PurePosixPath

import numpy as np

from .dataset import DataError, Dataset

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
MAX_IMAGES = 100_000
MAX_SIDE = 64  # larger images are shrunk to this many pixels on their longer side
MAX_UNCOMPRESSED = 1 << 30  # refuse archives that expand past 1 GiB (zip bombs)


def load_image_zip(content: bytes, name: str) -> Dataset:
    from PIL import Image, UnidentifiedImageError

    members = _image_members(content, name)
    pictures, folders = [], []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in members:
            try:
                with archive.open(member) as f, Image.open(f) as image:
                    image.load()
                    pictures.append(image.copy())
            except (UnidentifiedImageError, OSError, zipfile.BadZipFile) as error:
                raise DataError(f"{name}: {member} cannot be read as an image ({error})") from None
            folders.append(str(PurePosixPath(member).parent))
    mode = "L" if all(_is_grey(p) for p in pictures) else "RGB"
    width, height = _common_size(pictures)
    X = np.stack([np.asarray(p.convert(mode).resize((width, height)), dtype=np.float32) / 255.0 for p in pictures])
    X = X[:, None] if mode == "L" else X.transpose(0, 3, 1, 2)  # (n, channels, height, width)
    labels, classes = _folder_labels(folders)
    return Dataset(X=X.reshape(len(X), -1), y=labels, name=name, image_shape=X.shape[1:], class_names=classes,
                   scaling="pixels [0, 1]")


def _image_members(content: bytes, name: str) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise DataError(f"{name}: not a valid zip archive (truncated or damaged?)") from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir() and i.filename.lower().endswith(IMAGE_SUFFIXES)
                 and not PurePosixPath(i.filename).name.startswith(".") and "__MACOSX" not in i.filename]
        if archive.testzip() is not None:
            raise DataError(f"{name}: the zip archive is damaged ({archive.testzip()} fails its checksum)")
    if not infos:
        raise DataError(f"{name}: no images found (looked for {', '.join(IMAGE_SUFFIXES)})")
    if len(infos) > MAX_IMAGES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise DataError(f"{name}: too large: at most {MAX_IMAGES:,} images and 1 GiB uncompressed")
    return sorted(i.filename for i in infos)


def _is_grey(image) -> bool:
    if image.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return True
    rgb = np.asarray(image.convert("RGB"), dtype=np.int16)
    return bool((np.abs(rgb[..., 0] - rgb[..., 1]).max() <= 2) and (np.abs(rgb[..., 1] - rgb[..., 2]).max() <= 2))


def _common_size(pictures) -> tuple[int, int]:
    width, height = Counter(p.size for p in pictures).most_common(1)[0][0]
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
