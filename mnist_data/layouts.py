"""Recognise the ways MNIST is laid out in a folder (shipped files or Kaggle downloads).

Layouts, tried in this order in the folder and then in each of its subfolders:

``idx``
    The four IDX files, named with dashes or a dot (``train-images-idx3-ubyte``
    or ``train-images.idx3-ubyte``, same for ``train-labels-idx1-ubyte`` and
    ``t10k-...``), gzipped (``.gz``) or not. A folder of the same name holding
    the file (as in the Kaggle dataset hojjatk/mnist-dataset) also counts.
``csv``
    ``mnist_train.csv`` / ``mnist_test.csv``: label first, then 784 pixels.
``digit-recognizer``
    The Kaggle competition's ``train.csv`` (header ``label,pixel0,...``, 42,000
    rows) and an unlabelled ``test.csv``.
"""

from dataclasses import dataclass, field
from pathlib import Path

from .errors import MnistDataError

SPLITS = ("train", "test")
_IDX_STEMS = {
    "train-images": ("train-images", "idx3-ubyte"),
    "train-labels": ("train-labels", "idx1-ubyte"),
    "test-images": ("t10k-images", "idx3-ubyte"),
    "test-labels": ("t10k-labels", "idx1-ubyte"),
}
_CSV_NAMES = {"train": "mnist_train.csv", "test": "mnist_test.csv"}
LOOKED_FOR = (
    "IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
    "and t10k-labels-idx1-ubyte (or with a dot: train-images.idx3-ubyte; with or without .gz), "
    "mnist_train.csv / mnist_test.csv, or the digit-recognizer competition's train.csv"
)


@dataclass(frozen=True)
class MnistLayout:
    """A folder's MNIST layout.

    name : "idx", "csv" or "digit-recognizer".
    directory : the folder holding the files.
    files : role -> Path. Roles: "train-images", "train-labels", "test-images",
        "test-labels" (idx); "train", "test" (csv and digit-recognizer, where
        "test" is the unlabelled test.csv).
    description : a short human-readable name of the layout.
    """

    name: str
    directory: Path
    files: dict = field(default_factory=dict)
    description: str = ""

    @property
    def splits(self):
        """The labelled splits whose files are all present, e.g. ("train", "test")."""
        if self.name == "idx":
            return tuple(
                s for s in SPLITS if f"{s}-images" in self.files and f"{s}-labels" in self.files
            )
        if self.name == "digit-recognizer":
            return ("train",) if "train" in self.files else ()
        return tuple(s for s in SPLITS if s in self.files)


def idx_names(role):
    """File names accepted for an IDX role, e.g. 'test-images' -> t10k-images-idx3-ubyte..."""
    prefix, suffix = _IDX_STEMS[role]
    return [f"{prefix}{sep}{suffix}{gz}" for gz in (".gz", "") for sep in ("-", ".")]


def find_mnist(directory):
    """Find the MNIST layout in ``directory`` (or in one of its subfolders).

    Returns an MnistLayout; raises MnistDataError listing what it looked for
    if there is none.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise MnistDataError(
            f"{directory} is not a folder. Pass the folder that holds the MNIST files, "
            "or download them with `python -m mnist_data fetch --dest DIR`."
        )
    layout = _detect(directory)
    if layout:
        return layout
    for sub in sorted(p for p in directory.iterdir() if p.is_dir()):
        if not sub.name.startswith((".", "__")):
            layout = _detect(sub)
            if layout:
                return layout
    raise MnistDataError(
        f"No MNIST files found in {directory} or its subfolders. Looked for {LOOKED_FOR}."
    )


def _detect(folder):
    """Return the layout in ``folder`` itself, or None."""
    files = {}
    for role in _IDX_STEMS:
        path = _find_file(folder, idx_names(role))
        if path:
            files[role] = path
    if files:
        gz = {p.suffix == ".gz" for p in files.values()}
        kind = "gzipped" if gz == {True} else "not gzipped" if gz == {False} else "some gzipped"
        return MnistLayout("idx", folder, files, f"IDX files ({kind})")
    files = {s: folder / n for s, n in _CSV_NAMES.items() if (folder / n).is_file()}
    if files:
        return MnistLayout("csv", folder, files, "labelled CSV files (mnist_train.csv / mnist_test.csv)")
    if (folder / "train.csv").is_file():
        files = {"train": folder / "train.csv"}
        if (folder / "test.csv").is_file():
            files["test"] = folder / "test.csv"
        return MnistLayout(
            "digit-recognizer", folder, files, "Kaggle digit-recognizer layout (train.csv)"
        )
    return None


def _find_file(folder, names):
    """The first of ``names`` that is a file in ``folder``, or in a same-named subfolder."""
    for name in names:
        if (folder / name).is_file():
            return folder / name
    for name in names:
        if (folder / name / name).is_file():
            return folder / name / name
    return None
