"""Read IDX files, the original MNIST format, gzipped or not.

IDX layout: a big-endian header, then raw uint8 data.

- images: magic 2051, count, rows (28), cols (28), then count*784 bytes,
  one image after the other, each row-major.
- labels: magic 2049, count, then count bytes.
"""

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from .errors import MnistDataError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
GZIP_MAGIC = b"\x1f\x8b"
HEADER_SIZE = {"images": 16, "labels": 8}
_MAGIC = {"images": IMAGES_MAGIC, "labels": LABELS_MAGIC}
_KIND_OF_MAGIC = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}


def read_file_bytes(path):
    """Return the bytes of ``path``, raising MnistDataError if it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MnistDataError(f"{path} does not exist.") from None
    except OSError as err:
        raise MnistDataError(f"Cannot read {path}: {err.strerror or err}.") from None


def read_idx_bytes(path):
    """Return the decompressed content of the IDX file ``path`` (see read_idx_file)."""
    return read_idx_file(path)[1]


def read_idx_file(path):
    """Return ``(raw, content)``: the bytes of the IDX file ``path`` and its decompressed content.

    A file that starts with the gzip magic bytes is gunzipped whatever its
    name; a file named ``*.gz`` that is not gzip is an error. For a file that
    is not gzipped, ``content is raw``.
    """
    path = Path(path)
    raw = read_file_bytes(path)
    is_gzip = raw[:2] == GZIP_MAGIC
    if path.suffix == ".gz" and not is_gzip:
        raise MnistDataError(
            f"{path} is named .gz but is not a gzip file. If it is an already "
            "decompressed IDX file remove the .gz suffix, otherwise download it again."
        )
    if not is_gzip:
        return raw, raw
    try:
        return raw, gzip.decompress(raw)
    except EOFError:
        raise MnistDataError(
            f"{path} is a truncated gzip file (the download was probably cut short); "
            "download it again."
        ) from None
    except (gzip.BadGzipFile, zlib.error) as err:
        raise MnistDataError(
            f"{path} is a corrupt gzip file ({err}); download it again."
        ) from None


def parse_idx(data, path, kind):
    """Check an IDX file's header and size and return its payload as uint8.

    Parameters
    ----------
    data : bytes, the decompressed file content.
    path : the file's path, used in error messages only.
    kind : "images" or "labels".

    Returns
    -------
    A read-only view: shape (m, 784) for images, (m,) for labels.
    """
    header = HEADER_SIZE[kind]
    if len(data) < header:
        raise MnistDataError(
            f"{path} is truncated: it has {len(data)} bytes, fewer than the "
            f"{header}-byte IDX {kind} header; download it again."
        )
    magic, count = struct.unpack(">II", data[:8])
    if magic != _MAGIC[kind]:
        other = _KIND_OF_MAGIC.get(magic)
        hint = (
            f"that is an IDX {other} file; check that the file names are not swapped"
            if other
            else "it is not an MNIST IDX file; download it again"
        )
        raise MnistDataError(
            f"{path} has magic number {magic}, expected {_MAGIC[kind]} for IDX {kind}: {hint}."
        )
    size = 1
    if kind == "images":
        rows, cols = struct.unpack(">II", data[8:16])
        if (rows, cols) != (28, 28):
            raise MnistDataError(
                f"{path} holds {rows}x{cols} images, but MNIST images are 28x28; "
                "use the original MNIST files."
            )
        size = 784
    expected = header + count * size
    if len(data) < expected:
        raise MnistDataError(
            f"{path} is truncated: its header announces {count:,} {kind} "
            f"({expected:,} bytes) but it has {len(data):,} bytes; download it again."
        )
    if len(data) > expected:
        raise MnistDataError(
            f"{path} has {len(data) - expected:,} bytes more than the {count:,} {kind} "
            "its header announces; it is corrupt, download it again."
        )
    payload = np.frombuffer(data, dtype=np.uint8, count=count * size, offset=header)
    if kind == "images":
        return payload.reshape(count, 784)
    check_labels(payload, path)
    return payload


def check_labels(labels, path, row_offset=0, what="index"):
    """Raise MnistDataError naming ``path`` if a label is outside 0-9."""
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        i = int(bad[0])
        raise MnistDataError(
            f"{path} has label {int(labels[i])} at {what} {i + row_offset}; MNIST labels "
            "must be digits 0-9, so the file is corrupt or not MNIST."
        )
