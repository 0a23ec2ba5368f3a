"""Read MNIST stored as CSV: one image per row, the label first, then 784 pixels.

Two Kaggle layouts use this format:

- ``mnist_train.csv`` / ``mnist_test.csv``: usually no header (a header line
  is detected and skipped if present);
- the digit-recognizer competition's ``train.csv``: header
  ``label,pixel0,...,pixel783``.
"""

import io
import re

import numpy as np

from .errors import MnistDataError
from .idx import check_labels, read_file_bytes

N_COLUMNS = 785


def read_labelled_csv(path):
    """Read a labelled MNIST CSV file.

    Returns
    -------
    images : uint8 array, shape (m, 784), row-major pixels of each image.
    labels : uint8 array, shape (m,), digits 0-9.
    """
    data = read_file_bytes(path)
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    lines = data.split(b"\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise MnistDataError(f"{path} is empty; download it again.")
    first = lines[0].split(b",", 1)[0].strip()
    start = 0 if first.isdigit() else 1  # skip a header line such as "label,pixel0,..."
    body = lines[start:]
    if not body:
        raise MnistDataError(f"{path} has a header but no rows; download it again.")
    _check_columns(body, path, start)
    table = _parse_integers(b"\n".join(body), path, start)
    labels, pixels = table[:, 0], table[:, 1:]
    check_labels(labels, path, row_offset=1, what=_row_word(start))
    bad = np.flatnonzero(((pixels < 0) | (pixels > 255)).any(axis=1))
    if bad.size:
        r = int(bad[0])
        c = int(np.flatnonzero((pixels[r] < 0) | (pixels[r] > 255))[0])
        raise MnistDataError(
            f"{path} has pixel value {int(pixels[r, c])} in {_row_word(start)} {r + 1} "
            f"(column {c + 2}); pixels must be integers 0-255, so the file is corrupt or not MNIST."
        )
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def _row_word(start):
    """How error messages count rows: data rows, after any header line."""
    return "data row" if start else "row"


def _check_columns(body, path, start):
    """Raise MnistDataError naming the first row that does not have 785 columns."""
    if sum(line.count(b",") for line in body) == len(body) * (N_COLUMNS - 1):
        if all(line.count(b",") == N_COLUMNS - 1 for line in body):
            return
    for r, line in enumerate(body):
        n = line.count(b",") + 1
        if n != N_COLUMNS:
            where = f"{_row_word(start)} {r + 1} (line {r + 1 + start} of the file)"
            raise MnistDataError(
                f"{path}: {where} has {n} columns, expected {N_COLUMNS} (a label, then 784 "
                "pixels); the file is damaged or not an MNIST CSV, download it again."
            )


def _parse_integers(text, path, start):
    """Parse comma-separated integers into an int32 array of shape (m, 785)."""
    try:
        return np.loadtxt(io.BytesIO(text), delimiter=",", dtype=np.int32, ndmin=2)
    except (ValueError, OverflowError) as err:
        found = re.search(r"string '([^']*)' .* at row (\d+), column (\d+)", str(err))
        if found:
            value, row, col = found.group(1), int(found.group(2)), int(found.group(3))
            detail = f"value {value!r} in {_row_word(start)} {row + 1} (column {col})"
        else:
            detail = "a value"
        raise MnistDataError(
            f"{path} has {detail} that is not a whole number; an MNIST CSV holds "
            "integer labels 0-9 and pixels 0-255."
        ) from None
