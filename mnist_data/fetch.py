"""Download MNIST from Kaggle into a folder, all or nothing.

The download goes to a temporary folder next to the destination; the files
are unzipped, their layout recognised and every labelled split loaded and
validated, and only then is the folder moved into place with one
``os.replace``. A failed download or a damaged file leaves nothing at the
destination.

Credentials are looked for before the kaggle package is imported, in this
order: the environment (KAGGLE_API_TOKEN, or KAGGLE_USERNAME + KAGGLE_KEY), a
``.env`` file in the current folder (KEY=VALUE lines), then ``kaggle.json``
(or an ``access_token`` file) in $KAGGLE_CONFIG_DIR, ~/.kaggle or
~/.config/kaggle.
"""

import contextlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from importlib.util import find_spec
from pathlib import Path

from .errors import KaggleFetchError, MnistDataError
from .layouts import find_mnist
from .loader import read_split

DEFAULT_DATASET = "hojjatk/mnist-dataset"
CREDENTIAL_HELP = (
    "Create an API token at https://www.kaggle.com/settings/api, then set KAGGLE_API_TOKEN "
    "(or KAGGLE_USERNAME and KAGGLE_KEY) in the environment or in a .env file in this folder, "
    "or save kaggle.json in ~/.kaggle/."
)
_ENV_KEYS = ("KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY")


def read_dotenv(path):
    """Parse a .env file of KEY=VALUE lines into a dict.

    Blank lines and ``#`` comments are skipped, an ``export `` prefix is
    allowed, and matching single or double quotes around a value are removed.
    """
    values = {}
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = value
    return values


def config_dirs():
    """Folders where kaggle looks for kaggle.json, in its order."""
    dirs = []
    if os.environ.get("KAGGLE_CONFIG_DIR"):
        dirs.append(Path(os.environ["KAGGLE_CONFIG_DIR"]))
    home = Path.home()
    dirs += [home / ".kaggle", home / ".config" / "kaggle"]
    return dirs


def find_credentials():
    """Say where Kaggle credentials are, or return None if there are none.

    Credentials found in ./.env are copied into os.environ (without
    overriding variables that are already set) so that kaggle sees them.
    """
    if _has_env_credentials(os.environ):
        return "environment variables"
    dotenv = Path.cwd() / ".env"
    if dotenv.is_file():
        values = {k: v for k, v in read_dotenv(dotenv).items() if k in _ENV_KEYS and v}
        if _has_env_credentials(values):
            for key, value in values.items():
                os.environ.setdefault(key, value)
            return f"{dotenv}"
    for folder in config_dirs():
        if (folder / "kaggle.json").is_file():
            return str(folder / "kaggle.json")
        if (folder / "access_token").is_file():
            return str(folder / "access_token")
    return None


def _has_env_credentials(env):
    return bool(env.get("KAGGLE_API_TOKEN")) or bool(
        env.get("KAGGLE_USERNAME") and env.get("KAGGLE_KEY")
    )


def _make_api():
    """Import the kaggle package quietly and return an authenticated KaggleApi.

    Importing any part of kaggle runs its __init__, which authenticates and
    prints a long help text when that fails: its output is swallowed here.
    """
    if find_spec("kaggle") is None:
        raise KaggleFetchError(
            "The kaggle package is not installed: run `pip install kaggle`, or download "
            "MNIST by hand and pass its folder as data_dir."
        )
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from kaggle.api.kaggle_api_extended import KaggleApi

        api = KaggleApi()
        api.authenticate()
    return api


def fetch(dataset=None, competition=None, dest=None, force=False, make_api=None):
    """Download a Kaggle dataset (default hojjatk/mnist-dataset) or competition into ``dest``.

    dataset : "OWNER/DATASET"; competition : a competition name such as
    "digit-recognizer" (give one of the two). dest : the folder to create
    (default data/<name>). force : replace an existing non-empty dest.
    make_api : a function returning an authenticated KaggleApi-like object
    (tests pass a fake one); default _make_api.

    Returns (dest Path, MnistLayout of the installed folder). Raises
    KaggleFetchError / MnistDataError with a short explanation on failure.
    """
    if dataset and competition:
        raise KaggleFetchError("Give either a dataset or a competition, not both.")
    if not competition:
        dataset = dataset or DEFAULT_DATASET
        if dataset.count("/") != 1 or not all(dataset.split("/")):
            raise KaggleFetchError(f"{dataset!r} is not a Kaggle dataset name: use OWNER/DATASET.")
    name = competition or dataset.split("/")[1]
    dest = Path(dest) if dest else Path("data") / name
    if dest.exists() and not _is_empty_dir(dest) and not force:
        raise KaggleFetchError(
            f"{dest} already exists and is not empty: choose another --dest or pass --force to replace it."
        )
    source = find_credentials()
    if source is None:
        raise KaggleFetchError(f"No Kaggle credentials found. {CREDENTIAL_HELP}")
    make_api = make_api or _make_api

    new_parents = [p for p in dest.absolute().parents if not p.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.download-", dir=dest.parent))
    try:
        _download(make_api, dataset, competition, tmp, source)
        try:
            _extract_archives(tmp)
            layout = _validate(tmp)
        except KaggleFetchError:
            raise
        except MnistDataError as err:
            raise MnistDataError(f"The download failed validation, so {dest} was not written. {err}") from None
        _install(layout.directory, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        for folder in new_parents:  # innermost first: remove the folders we made
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    shutil.rmtree(tmp, ignore_errors=True)
    return dest, find_mnist(dest)


def _validate(folder):
    """Find the layout of a download and load each labelled split; return the layout."""
    try:
        layout = find_mnist(folder)
    except MnistDataError:
        raise MnistDataError("The download holds no MNIST files in a layout this loader reads.") from None
    if not layout.splits:
        raise MnistDataError(f"The download has no labelled MNIST split ({layout.description}).")
    for split in layout.splits:
        read_split(layout, split)
    return layout


def _download(make_api, dataset, competition, tmp, source):
    """Authenticate and download into ``tmp``, turning failures into KaggleFetchError."""
    what = f"competition {competition}" if competition else f"dataset {dataset}"
    try:
        api = make_api()
    except SystemExit:
        raise KaggleFetchError(
            f"Kaggle did not accept the credentials from {source}. {CREDENTIAL_HELP}"
        ) from None
    except KaggleFetchError:
        raise
    except OSError as err:
        raise KaggleFetchError(
            f"Could not reach Kaggle to check the credentials from {source} ({_short(err)}); "
            "check the network connection, or download MNIST by hand and pass its folder as data_dir."
        ) from None
    except Exception as err:  # e.g. a malformed kaggle.json
        raise KaggleFetchError(
            f"Kaggle could not use the credentials from {source} ({_short(err)}). {CREDENTIAL_HELP}"
        ) from None
    try:
        if competition:
            api.competition_download_files(competition, path=str(tmp))
        else:
            api.dataset_download_files(dataset, path=str(tmp), unzip=True)
    except SystemExit:
        raise KaggleFetchError(f"The download of the Kaggle {what} was stopped.") from None
    except OSError as err:
        raise KaggleFetchError(
            f"Downloading the Kaggle {what} failed ({_short(err)}). {_http_hint(err)}"
        ) from None
    except Exception as err:  # the kaggle package raises assorted errors
        raise KaggleFetchError(f"Downloading the Kaggle {what} failed ({_short(err)}).") from None


def _short(err):
    """The error's type and first line, at most about 150 characters."""
    text = str(err).splitlines()[0] if str(err) else ""
    host = re.search(r"host='([^']+)'", text)
    if "Connection" in type(err).__name__ and host:
        text = f"cannot connect to {host.group(1)}"
    text = text if len(text) <= 120 else text[:117] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _http_hint(err):
    status = getattr(getattr(err, "response", None), "status_code", None)
    return {
        401: "Kaggle rejected the credentials; create a new API token.",
        403: "For a competition, accept its rules on the Kaggle website first.",
        404: "Check the dataset or competition name.",
    }.get(status, "Check the network connection and the name, then try again.")


def _extract_archives(folder):
    """Unzip every .zip file under ``folder`` in place, then delete it."""
    for archive in sorted(Path(folder).rglob("*.zip")):
        target = archive.parent
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.namelist():
                    resolved = (target / member).resolve()
                    if not resolved.is_relative_to(target.resolve()):
                        raise MnistDataError(f"{archive.name} holds an unsafe path {member!r}.")
                zf.extractall(target)
        except zipfile.BadZipFile:
            raise MnistDataError(
                f"The downloaded {archive.name} is not a valid zip file; try the download again."
            ) from None
        archive.unlink()


def _install(source, dest):
    """Move the folder ``source`` to ``dest`` with os.replace.

    An existing dest (other than an empty folder) is set aside first and
    deleted once the new folder is in place, or put back if the move fails.
    """
    old = None
    if dest.exists() and not _is_empty_dir(dest):
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, old)
    try:
        os.replace(source, dest)
    except OSError:
        if old is not None:
            os.replace(old, dest)
        raise
    if old is not None and old.is_dir():
        shutil.rmtree(old, ignore_errors=True)
    elif old is not None:
        old.unlink()


def _is_empty_dir(path):
    return path.is_dir() and not any(path.iterdir())
