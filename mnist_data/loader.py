"""load_mnist: MNIST as NumPy arrays, one column per image.

The first load of a split reads, validates and checksums its files (about a
second for the training set); the verified uint8 arrays are then kept in this
process, so later calls only convert them to fresh float arrays.
"""

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .checksums import FILE_SHA256, PAYLOAD_SHA256, SHIPPED_GZ_SHA256
from .csvfile import read_labelled_csv
from .errors import MnistDataError
from .idx import parse_idx, read_idx_file
from .layouts import SPLITS, find_mnist, idx_names

DATA_DIR = Path(__file__).resolve().parent
FETCH_HINT = "`python -m mnist_data fetch --kaggle hojjatk/mnist-dataset --dest DIR`"
_SHIPPED_PREFIX = {"train": "train", "test": "t10k"}
_CACHE = {}
_CACHE_SIZE = 8


@dataclass(frozen=True)
class SplitData:
    """One verified split, as stored in the in-process cache.

    images : read-only uint8 array, shape (784, m), column j is image j.
    labels : read-only uint8 array, shape (m,).
    checksum : "match", "mismatch" or "none" (no known checksum for this layout).
    files : the files it was read from.
    """

    images: np.ndarray
    labels: np.ndarray
    checksum: str
    files: tuple

    def to_arrays(self):
        """Fresh arrays: X float64 (784, m) in [0, 1], C-contiguous; Y int64 (m,)."""
        X = np.divide(self.images, 255.0, dtype=np.float64)
        return X, self.labels.astype(np.int64)


log = logging.getLogger("mnist_data")


def load_mnist(split="train", data_dir=None):
    """Load an MNIST split.

    Parameters
    ----------
    split : "train" (60,000 images) or "test" (10,000 images).
    data_dir : None for the files shipped in this package (checked against the
        known SHA-256), or a folder holding MNIST in one of the layouts that
        ``find_mnist`` recognises (IDX with dash or dot names, gzipped or not;
        mnist_train.csv / mnist_test.csv; Kaggle digit-recognizer train.csv).
        With a folder, the ``mnist_data`` logger says (at level INFO) which
        layout was found and whether the content matches the known MNIST
        checksum: ``logging.basicConfig(level=logging.INFO)`` shows it, and
        ``python -m mnist_data info FOLDER`` prints it.

    Returns
    -------
    X : float64 array, shape (784, m): column j is image j flattened row-major
        (``X[:, j].reshape(28, 28)``), pixels divided by 255. C-contiguous.
    Y : int64 array, shape (m,): the digit 0-9 of each image.

    Raises MnistDataError with a short explanation when the files are missing
    or damaged. The returned arrays are new on each call: changing them does
    not affect later calls.
    """
    split = check_split(split)
    if data_dir is None:
        return _read_shipped(split).to_arrays()
    layout = find_mnist(data_dir)
    data = read_split(layout, split)
    log.info(summary_line(layout, split, data))
    return data.to_arrays()


def check_split(split):
    """Return ``split`` if it is "train" or "test", else raise MnistDataError."""
    if split not in SPLITS:
        raise MnistDataError(f"Unknown split {split!r}: use 'train' or 'test'.")
    return split


def shipped_files(split):
    """The (images, labels) paths of a shipped split, in DATA_DIR."""
    prefix = _SHIPPED_PREFIX[split]
    return (
        DATA_DIR / f"{prefix}-images-idx3-ubyte.gz",
        DATA_DIR / f"{prefix}-labels-idx1-ubyte.gz",
    )


def _read_shipped(split):
    """Read a shipped split, insisting that it matches the known checksums."""
    for path in shipped_files(split):
        if not path.is_file():
            raise MnistDataError(
                f"The shipped file {path} is missing. Restore it with `git checkout mnist_data/`, "
                f"or download MNIST with {FETCH_HINT} and call load_mnist(data_dir=DIR)."
            )
    images, labels = shipped_files(split)
    data = _read_idx_split(images, labels, split)
    if data.checksum != "match":
        raise MnistDataError(
            f"The shipped files {images.name} / {labels.name} in {DATA_DIR} do not match the "
            "known MNIST SHA-256: they were changed or damaged. Restore them with "
            "`git checkout mnist_data/`."
        )
    return data


def read_split(layout, split):
    """Read and validate one split of a layout (no printing). Returns SplitData."""
    split = check_split(split)
    if layout.name == "idx":
        paths = []
        for kind in ("images", "labels"):
            role = f"{split}-{kind}"
            if role not in layout.files:
                raise MnistDataError(
                    f"{layout.directory} has no {idx_names(role)[1]} file (looked for "
                    f"{', '.join(idx_names(role))}); download the complete dataset, e.g. with "
                    f"{FETCH_HINT}."
                )
            paths.append(layout.files[role])
        return _read_idx_split(*paths, split)
    if layout.name == "digit-recognizer" and split == "test":
        raise MnistDataError(
            f"{layout.directory} holds the Kaggle digit-recognizer layout: its test.csv has no "
            "labels, so there are no test labels in that layout. Hold out part of train "
            "instead, e.g. the last 10,000 columns of load_mnist('train', data_dir=...)."
        )
    if split not in layout.files:
        name = "mnist_test.csv" if split == "test" else "mnist_train.csv"
        raise MnistDataError(
            f"{layout.directory} has no {name}; download the complete dataset again."
        )
    return _read_csv_split(layout.files[split], split, known=layout.name == "csv")


def _cached(key, read):
    """Return _CACHE[key], computing it with read() the first time."""
    if key not in _CACHE:
        data = read()
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = data
    return _CACHE[key]


def _file_key(*paths):
    """A cache key that changes when any of the files changes."""
    key = []
    for path in paths:
        st = Path(path).stat()
        key.append((str(Path(path).resolve()), st.st_size, st.st_mtime_ns))
    return tuple(key)


def _read_idx_split(images_path, labels_path, split):
    def read():
        raw_images, image_bytes = read_idx_file(images_path)
        raw_labels, label_bytes = read_idx_file(labels_path)
        images = parse_idx(image_bytes, images_path, "images")
        labels = parse_idx(label_bytes, labels_path, "labels")
        _check_counts(images, labels, images_path, labels_path)
        match = (_is_original(raw_images, image_bytes, f"{split}-images")
                 and _is_original(raw_labels, label_bytes, f"{split}-labels"))
        return _split_data(images, labels, "match" if match else "mismatch",
                           (images_path, labels_path))

    return _cached(("idx", split, _file_key(images_path, labels_path)), read)


def _is_original(raw, content, role):
    """Is ``content`` (decompressed from ``raw``) MNIST's original ``role`` file? A .gz as shipped with this
    package is recognised by its own SHA-256, anything else by its content's."""
    if raw is not content and hashlib.sha256(raw).hexdigest() == SHIPPED_GZ_SHA256[role]:
        return True
    return hashlib.sha256(content).hexdigest() == FILE_SHA256[role]


def _read_csv_split(path, split, known):
    def read():
        images, labels = read_labelled_csv(path)
        if not known:
            status = "none"
        else:
            match = (
                hashlib.sha256(images.tobytes()).hexdigest() == PAYLOAD_SHA256[f"{split}-images"]
                and hashlib.sha256(labels.tobytes()).hexdigest() == PAYLOAD_SHA256[f"{split}-labels"]
            )
            status = "match" if match else "mismatch"
        return _split_data(images, labels, status, (path,))

    return _cached(("csv", split, known, _file_key(path)), read)


def _check_counts(images, labels, images_path, labels_path):
    if len(images) != len(labels):
        raise MnistDataError(
            f"{images_path} has {len(images):,} images but {labels_path} has {len(labels):,} "
            "labels; both files must come from the same split (train or t10k)."
        )


def _split_data(images, labels, checksum, files):
    """Store images as a read-only (784, m) uint8 array, one column per image."""
    columns = np.ascontiguousarray(images.T)
    labels = np.array(labels, dtype=np.uint8)
    columns.flags.writeable = False
    labels.flags.writeable = False
    return SplitData(columns, labels, checksum, tuple(Path(f) for f in files))


CHECKSUM_TEXT = {
    "match": "content matches the known MNIST SHA-256",
    "mismatch": "content does NOT match the known MNIST SHA-256 (a modified or reordered copy?)",
    "none": "no known checksum for this layout (Kaggle's own 42,000-image split)",
}


def summary_line(layout, split, data):
    """One line: the layout found, the number of examples, the checksum status."""
    return (
        f"mnist_data: {layout.description} in {layout.directory}: {split} has "
        f"{len(data.labels):,} examples; {CHECKSUM_TEXT[data.checksum]}."
    )
