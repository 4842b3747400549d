"""What a user's file really holds, told from its first bytes rather than its name.

`file_kind(content, name)` is "csv", "npy", "npz" or "zip" (a zip of images) when the content
is what the extension says. Otherwise it raises a one-line DataError that says what the file
is: empty, a damaged or truncated archive, another format (a picture, a pickle, an Excel
workbook, ...), or one of the readable kinds under the wrong extension, with the name to use.
Nothing is decoded here beyond a zip archive's table of contents.
"""
from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

from .dataset import DataError

SUFFIXES = {".csv": "csv", ".tsv": "csv", ".npy": "npy", ".npz": "npz", ".zip": "zip"}
DESCRIBED = {"csv": "CSV text", "npy": "a NumPy .npy array", "npz": "a NumPy .npz archive of arrays",
             "zip": "a zip of images"}
EXTENSION = {"csv": ".csv", "npy": ".npy", "npz": ".npz", "zip": ".zip"}
OTHER_FORMATS = (  # (first bytes, what the file is and what to do instead)
    (b"\x89PNG\r\n\x1a\n", "a PNG picture; put your pictures in a .zip"),
    (b"\xff\xd8\xff", "a JPEG picture; put your pictures in a .zip"),
    (b"GIF8", "a GIF picture; put your pictures in a .zip"),
    (b"\x1f\x8b", "gzip-compressed; unpack it first"),
    (b"\x89HDF", "an HDF5 file; save the arrays with numpy.savez instead"),
    (b"PAR1", "a Parquet file; save the table as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Office file; save the table as CSV"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8 CSV"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8 CSV"),
) + tuple((bytes([0x80, protocol]), "a Python pickle, which is never loaded: save arrays with numpy.savez")
          for protocol in range(2, 6))
TEXT_SAMPLE = 64 * 1024  # bytes looked at to tell text from binary
ARCHIVE_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError)


def file_kind(content: bytes, name: str) -> str:
    """"csv", "npy", "npz" or "zip"; a one-line DataError when the file cannot be one of them or its name lies."""
    suffix = Path(name).suffix.lower()
    expected = SUFFIXES.get(suffix)
    if expected is None:
        raise DataError(f"{name}: unsupported file type {suffix or '(none)'}; use .csv, .npy, .npz or a .zip of images")
    if not content:
        raise DataError(f"{name}: the file is empty")
    actual = content_kind(content, name)
    if actual != expected:
        raise DataError(f"{name}: this file holds {DESCRIBED[actual]}, not {DESCRIBED[expected]}; "
                        f"rename it to {Path(name).stem}{EXTENSION[actual]}")
    return actual


def content_kind(content: bytes, name: str) -> str:
    """What the bytes are, whatever the name says (see `file_kind`)."""
    if content.startswith(b"\x93NUMPY"):
        return "npy"
    if content[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _archive_kind(content, name)
    for magic, what in OTHER_FORMATS:
        if content.startswith(magic):
            raise DataError(f"{name}: this file is {what}")
    if _looks_like_text(content[:TEXT_SAMPLE]):
        return "csv"
    raise DataError(f"{name}: binary content that is neither a NumPy array nor a zip archive; "
                    "is the file damaged, or of another kind?")


def _archive_kind(content: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.namelist()
    except ARCHIVE_ERRORS:
        raise DataError(f"{name}: a damaged or truncated zip archive (its table of contents cannot be read)") from None
    if "[Content_Types].xml" in members:
        raise DataError(f"{name}: this file is an Excel or Office document; save the table as CSV")
    return "npz" if any(member.endswith(".npy") for member in members) else "zip"


def _looks_like_text(sample: bytes) -> bool:
    """No NUL byte, and UTF-8 (a character cut at the sample's end allowed) or a one-byte encoding."""
    if b"\x00" in sample:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return sum(byte < 0x09 or 0x0D < byte < 0x20 for byte in sample) < 0.01 * len(sample)
