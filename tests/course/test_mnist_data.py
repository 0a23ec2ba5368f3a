"""Tests of the mnist_data package: loader, Kaggle layouts, errors, fetch, CLI, plots.

Small IDX/CSV files are generated in tmp_path; the real shipped data is used
only where the point is the real data. No test touches the network or the
real ~/.kaggle.
"""

import gzip
import logging
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest

import mnist_data
from mnist_data import MnistDataError, find_mnist, load_mnist, loader
from mnist_data import fetch as fetch_module
from mnist_data.__main__ import main
from mnist_data.errors import KaggleFetchError

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
SIZES = {"train": 12, "test": 7}
PREFIX = {"train": "train", "test": "t10k"}


# ---------------------------------------------------------------- helpers


def idx_bytes(array, kind):
    """Valid IDX bytes: images (m, 784) or (m, 28, 28) uint8, or labels (m,)."""
    array = np.asarray(array, dtype=np.uint8)
    if kind == "images":
        header = struct.pack(">IIII", 2051, len(array), 28, 28)
    else:
        header = struct.pack(">II", 2049, len(array))
    return header + array.tobytes()


def make_split(split, seed=0):
    """Random images (m, 784) uint8 and labels (m,) uint8 for a small split."""
    rng = np.random.default_rng(seed + (split == "test"))
    m = SIZES[split]
    images = rng.integers(0, 256, size=(m, 784), dtype=np.uint8)
    labels = (np.arange(m) + seed) % 10
    return images, labels.astype(np.uint8)


def idx_name(split, kind, sep="-", gz=False):
    suffix = "idx3-ubyte" if kind == "images" else "idx1-ubyte"
    return f"{PREFIX[split]}-{kind}{sep}{suffix}" + (".gz" if gz else "")


def write_idx_split(folder, split, sep="-", gz=False, seed=0):
    """Write a small split as two IDX files in ``folder``; return (images, labels)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    images, labels = make_split(split, seed)
    for kind, array in (("images", images), ("labels", labels)):
        data = idx_bytes(array, kind)
        (folder / idx_name(split, kind, sep, gz)).write_bytes(gzip.compress(data) if gz else data)
    return images, labels


def csv_bytes(images, labels, header=False):
    """A labelled CSV: label, then 784 pixels, one image per line."""
    lines = [",".join(["label"] + [f"pixel{i}" for i in range(784)])] if header else []
    lines += [",".join(map(str, [int(y), *row])) for y, row in zip(labels, images.tolist())]
    return ("\n".join(lines) + "\n").encode()


def fast_csv_bytes(images, labels):
    """The same CSV as csv_bytes(header=False), built without a Python loop (for real data)."""
    table = np.column_stack([labels, images]).astype(np.uint8)
    chars = np.full(table.shape + (4,), ord(" "), dtype=np.uint8)
    chars[..., 0] = ord("0") + table // 100
    chars[..., 1] = ord("0") + table // 10 % 10
    chars[..., 2] = ord("0") + table % 10
    chars[..., 3] = ord(",")
    chars[..., 0][table < 100] = ord(" ")  # no leading zeros
    chars[..., 1][table < 10] = ord(" ")
    chars[:, -1, 3] = ord("\n")
    return chars.tobytes().replace(b" ", b"")


def as_float(images):
    return images.T / 255.0


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def idx_dir(tmp_path):
    """A folder with both small splits as plain IDX files with dash names."""
    folder = tmp_path / "idx"
    data = {s: write_idx_split(folder, s) for s in ("train", "test")}
    return folder, data


@pytest.fixture
def fake_shipped(tmp_path, monkeypatch):
    """Point the loader's DATA_DIR at small valid .gz files (which fail the real checksums)."""
    folder = tmp_path / "shipped"
    for split in ("train", "test"):
        write_idx_split(folder, split, gz=True)
    monkeypatch.setattr(loader, "DATA_DIR", folder)
    return folder


@pytest.fixture
def kaggle_env(tmp_path, monkeypatch):
    """No Kaggle credentials anywhere: clean environment, empty HOME, cwd in tmp_path."""
    for key in ("KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_CONFIG_DIR"):
        monkeypatch.setenv(key, "")  # so that monkeypatch restores the original state
        monkeypatch.delenv(key)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def with_credentials(kaggle_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "student")
    monkeypatch.setenv("KAGGLE_KEY", "0123456789abcdef")


class FakeApi:
    """Stands in for KaggleApi: writes generated files instead of downloading."""

    def __init__(self, fail=None, corrupt=False):
        self.fail = fail
        self.corrupt = corrupt
        self.calls = []

    def dataset_download_files(self, dataset, path=None, unzip=False, **kwargs):
        self.calls.append(("dataset", dataset, unzip))
        path = Path(path)
        # hojjatk/mnist-dataset: dot names at the top, and same-named folders with dash names
        for split in ("train", "test"):
            write_idx_split(path, split, sep=".")
            write_idx_split(path / idx_name(split, "images"), split)
        if self.corrupt:
            target = path / idx_name("train", "images", ".")
            target.write_bytes(target.read_bytes()[:-100])
        if self.fail:
            raise self.fail

    def competition_download_files(self, competition, path=None, **kwargs):
        self.calls.append(("competition", competition))
        images, labels = make_split("train")
        with zipfile.ZipFile(Path(path) / f"{competition}.zip", "w") as zf:
            zf.writestr("train.csv", csv_bytes(images, labels, header=True))
            zf.writestr("test.csv", "pixel0\n0\n")
            zf.writestr("sample_submission.csv", "ImageId,Label\n1,0\n")
        if self.fail:
            raise self.fail


def must_not_be_called():
    raise AssertionError("the Kaggle API must not be created")


# ---------------------------------------------------------------- the shipped data


@pytest.mark.parametrize(
    "split, m, counts", [("train", 60_000, TRAIN_COUNTS), ("test", 10_000, TEST_COUNTS)]
)
def test_shipped_split(split, m, counts):
    X, Y = load_mnist(split)
    assert X.shape == (784, m) and X.dtype == np.float64 and X.flags.c_contiguous
    assert Y.shape == (m,) and Y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(Y, minlength=10).tolist() == counts


def test_columns_are_row_major_images():
    X, Y = load_mnist("test")
    raw = gzip.decompress((mnist_data.DATA_DIR / "t10k-images-idx3-ubyte.gz").read_bytes())
    first = np.frombuffer(raw, np.uint8, 784, offset=16).reshape(28, 28)
    np.testing.assert_array_equal(X[:, 0].reshape(28, 28), first / 255.0)
    assert Y[0] == 7  # the first test image is a 7


def test_works_from_another_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, _ = load_mnist("test")
    assert X.shape == (784, 10_000)


def test_returns_fresh_arrays():
    X1, Y1 = load_mnist("test")
    X1[:] = 7.0
    Y1[:] = -1
    X2, Y2 = load_mnist("test")
    assert X2.max() == 1.0 and Y2.min() == 0
    assert not np.shares_memory(X1, X2) and not np.shares_memory(Y1, Y2)


def test_second_call_uses_the_cache(monkeypatch):
    load_mnist("test")

    def no_reading(*args):
        raise AssertionError("the files were read again")

    monkeypatch.setattr(loader, "read_idx_file", no_reading)
    X, Y = load_mnist("test")
    assert X.shape == (784, 10_000)


def test_shipped_gz_checksums_are_those_of_the_shipped_original_files():
    import hashlib
    from mnist_data.checksums import FILE_SHA256, SHIPPED_GZ_SHA256
    for split, prefix in (("train", "train"), ("test", "t10k")):
        for kind, idx in (("images", "idx3"), ("labels", "idx1")):
            raw = (mnist_data.DATA_DIR / f"{prefix}-{kind}-{idx}-ubyte.gz").read_bytes()
            assert hashlib.sha256(raw).hexdigest() == SHIPPED_GZ_SHA256[f"{split}-{kind}"]
            assert hashlib.sha256(gzip.decompress(raw)).hexdigest() == FILE_SHA256[f"{split}-{kind}"]


def test_a_pristine_shipped_split_is_recognised_without_hashing_its_decompressed_content(monkeypatch):
    import hashlib
    hashed = []
    real = hashlib.sha256

    def recording(data=b""):
        hashed.append(len(data))
        return real(data)
    monkeypatch.setattr(loader, "_CACHE", {})
    monkeypatch.setattr(loader.hashlib, "sha256", recording)
    X, Y = load_mnist("test")
    sizes = [p.stat().st_size for p in loader.shipped_files("test")]
    assert sorted(hashed) == sorted(sizes)  # the two .gz files, not their 7.8 MB of content
    assert X.shape == (784, 10_000)


def test_another_gzip_of_the_original_content_still_matches(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="mnist_data")
    for kind in ("images", "labels"):
        data = gzip.decompress((mnist_data.DATA_DIR / idx_name("test", kind, gz=True)).read_bytes())
        (tmp_path / idx_name("test", kind, gz=True)).write_bytes(gzip.compress(data, compresslevel=1, mtime=0))
    X, _ = load_mnist("test", data_dir=tmp_path)
    np.testing.assert_array_equal(X, load_mnist("test")[0])
    assert "content matches the known MNIST SHA-256" in caplog.text


@pytest.mark.parametrize("split", ["validation", "TRAIN", "t10k", None, 1])
def test_unknown_split(split):
    with pytest.raises(MnistDataError, match="'train' or 'test'"):
        load_mnist(split)


def test_real_test_split_as_plain_dot_idx_matches_checksum(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="mnist_data")
    for kind in ("images", "labels"):
        data = gzip.decompress((mnist_data.DATA_DIR / idx_name("test", kind, gz=True)).read_bytes())
        (tmp_path / idx_name("test", kind, sep=".")).write_bytes(data)
    X, Y = load_mnist("test", data_dir=tmp_path)
    X0, Y0 = load_mnist("test")
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    out = "".join(m + "\n" for m in caplog.messages)
    assert out.count("\n") == 1 and "IDX files (not gzipped)" in out and "matches the known" in out


def test_real_test_split_as_csv_matches_checksum(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="mnist_data")
    X0, Y0 = load_mnist("test")
    raw = gzip.decompress((mnist_data.DATA_DIR / "t10k-images-idx3-ubyte.gz").read_bytes())
    images = np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784)
    (tmp_path / "mnist_test.csv").write_bytes(fast_csv_bytes(images, Y0))
    X, Y = load_mnist("test", data_dir=tmp_path)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(Y, Y0)
    out = "".join(m + "\n" for m in caplog.messages)
    assert "labelled CSV" in out and "matches the known" in out


# ---------------------------------------------------------------- Kaggle layouts


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
@pytest.mark.parametrize("sep", ["-", "."], ids=["dash", "dot"])
def test_idx_layouts(tmp_path, caplog, sep, gz):
    caplog.set_level(logging.INFO, logger="mnist_data")
    expected = {s: write_idx_split(tmp_path, s, sep=sep, gz=gz) for s in ("train", "test")}
    layout = find_mnist(tmp_path)
    assert layout.name == "idx" and layout.splits == ("train", "test")
    for split, (images, labels) in expected.items():
        X, Y = load_mnist(split, data_dir=tmp_path)
        np.testing.assert_array_equal(X, as_float(images))
        np.testing.assert_array_equal(Y, labels)
        assert X.dtype == np.float64 and Y.dtype == np.int64 and X.flags.c_contiguous
    out = caplog.messages
    assert len(out) == 2 and "IDX files" in out[0] and "does NOT match" in out[0]


def test_idx_files_in_same_named_folders(tmp_path):
    """hojjatk/mnist-dataset also has train-images-idx3-ubyte/train-images-idx3-ubyte."""
    images, labels = make_split("train")
    for kind, array in (("images", images), ("labels", labels)):
        name = idx_name("train", kind)
        (tmp_path / name).mkdir()
        (tmp_path / name / name).write_bytes(idx_bytes(array, kind))
    X, Y = load_mnist("train", data_dir=tmp_path)
    np.testing.assert_array_equal(Y, labels)


def test_layout_in_a_subfolder(tmp_path):
    images, labels = write_idx_split(tmp_path / "archive", "train")
    assert find_mnist(tmp_path).directory == tmp_path / "archive"
    _, Y = load_mnist("train", data_dir=tmp_path)
    np.testing.assert_array_equal(Y, labels)


@pytest.mark.parametrize("header", [False, True], ids=["no-header", "header"])
def test_labelled_csv(tmp_path, caplog, header):
    caplog.set_level(logging.INFO, logger="mnist_data")
    expected = {}
    for split in ("train", "test"):
        expected[split] = make_split(split)
        (tmp_path / f"mnist_{split}.csv").write_bytes(csv_bytes(*expected[split], header=header))
    assert find_mnist(tmp_path).name == "csv"
    for split, (images, labels) in expected.items():
        X, Y = load_mnist(split, data_dir=tmp_path)
        np.testing.assert_array_equal(X, as_float(images))
        np.testing.assert_array_equal(Y, labels)
    assert "labelled CSV" in " ".join(caplog.messages)


def test_csv_with_windows_line_ends(tmp_path):
    images, labels = make_split("train")
    text = csv_bytes(images, labels).replace(b"\n", b"\r\n")
    (tmp_path / "mnist_train.csv").write_bytes(text)
    _, Y = load_mnist("train", data_dir=tmp_path)
    np.testing.assert_array_equal(Y, labels)


@pytest.fixture
def digit_recognizer(tmp_path):
    images, labels = make_split("train")
    (tmp_path / "train.csv").write_bytes(csv_bytes(images, labels, header=True))
    (tmp_path / "test.csv").write_text("pixel0,pixel1\n0,0\n")
    return tmp_path, images, labels


def test_digit_recognizer_train(digit_recognizer, caplog):
    caplog.set_level(logging.INFO, logger="mnist_data")
    folder, images, labels = digit_recognizer
    layout = find_mnist(folder)
    assert layout.name == "digit-recognizer" and layout.splits == ("train",)
    X, Y = load_mnist("train", data_dir=folder)
    np.testing.assert_array_equal(X, as_float(images))
    np.testing.assert_array_equal(Y, labels)
    assert "digit-recognizer" in " ".join(caplog.messages)


def test_digit_recognizer_has_no_test_labels(digit_recognizer):
    folder = digit_recognizer[0]
    with pytest.raises(MnistDataError, match="no test labels") as info:
        load_mnist("test", data_dir=folder)
    assert "Hold out part of train" in str(info.value)


def test_find_mnist_says_what_it_looked_for(tmp_path):
    with pytest.raises(MnistDataError) as info:
        find_mnist(tmp_path)
    message = str(info.value)
    for name in ("train-images-idx3-ubyte", "train-images.idx3-ubyte", "mnist_train.csv", "train.csv"):
        assert name in message


def test_find_mnist_on_a_missing_folder(tmp_path):
    with pytest.raises(MnistDataError, match="is not a folder"):
        find_mnist(tmp_path / "nowhere")


# ---------------------------------------------------------------- bad input


def assert_clean(err, *names):
    """A short message that names the file(s), with no chained library traceback."""
    message = str(err.value)
    for name in names:
        assert name in message, message
    assert len(message) < 500
    assert err.value.__cause__ is None


def test_missing_shipped_file(fake_shipped):
    (fake_shipped / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(MnistDataError) as err:
        load_mnist("test")
    assert_clean(err, "t10k-labels-idx1-ubyte.gz", "git checkout mnist_data/", "python -m mnist_data fetch")


def test_shipped_checksum_mismatch(fake_shipped):
    with pytest.raises(MnistDataError, match="do not match the known MNIST SHA-256") as err:
        load_mnist("train")
    assert_clean(err, "train-images-idx3-ubyte.gz", "git checkout mnist_data/")


def test_missing_file_in_data_dir(idx_dir):
    folder, _ = idx_dir
    (folder / idx_name("test", "labels")).unlink()
    load_mnist("train", data_dir=folder)  # train is complete
    with pytest.raises(MnistDataError) as err:
        load_mnist("test", data_dir=folder)
    assert_clean(err, "t10k-labels-idx1-ubyte", "python -m mnist_data fetch")


def corrupt(path, how):
    data = path.read_bytes()
    if how == "truncated":
        data = data[:-10]
    elif how == "extra bytes":
        data = data + b"\0" * 5
    elif how == "bad magic":
        data = struct.pack(">I", 1234) + data[4:]
    elif how == "header only partly there":
        data = data[:6]
    path.write_bytes(data)


@pytest.mark.parametrize(
    "kind, how, expected",
    [
        ("images", "truncated", "is truncated"),
        ("labels", "truncated", "is truncated"),
        ("images", "extra bytes", "bytes more than"),
        ("images", "bad magic", "magic number 1234"),
        ("labels", "bad magic", "magic number 1234"),
        ("labels", "header only partly there", "is truncated"),
    ],
)
def test_damaged_idx(idx_dir, kind, how, expected):
    folder, _ = idx_dir
    path = folder / idx_name("train", kind)
    corrupt(path, how)
    with pytest.raises(MnistDataError, match=expected) as err:
        load_mnist("train", data_dir=folder)
    assert_clean(err, path.name)


def test_swapped_idx_files(idx_dir):
    folder, _ = idx_dir
    images, labels = folder / idx_name("train", "images"), folder / idx_name("train", "labels")
    data = images.read_bytes()
    images.write_bytes(labels.read_bytes())
    labels.write_bytes(data)
    with pytest.raises(MnistDataError, match="swapped") as err:
        load_mnist("train", data_dir=folder)
    assert_clean(err, images.name)


def test_images_that_are_not_28x28(tmp_path):
    images, labels = make_split("train")
    header = struct.pack(">IIII", 2051, len(images), 16, 49)
    (tmp_path / idx_name("train", "images")).write_bytes(header + images.tobytes())
    (tmp_path / idx_name("train", "labels")).write_bytes(idx_bytes(labels, "labels"))
    with pytest.raises(MnistDataError, match="16x49") as err:
        load_mnist("train", data_dir=tmp_path)
    assert_clean(err, idx_name("train", "images"))


def test_image_and_label_counts_differ(tmp_path):
    images, labels = make_split("train")
    (tmp_path / idx_name("train", "images")).write_bytes(idx_bytes(images, "images"))
    (tmp_path / idx_name("train", "labels")).write_bytes(idx_bytes(labels[:-1], "labels"))
    with pytest.raises(MnistDataError, match="12 images but") as err:
        load_mnist("train", data_dir=tmp_path)
    assert_clean(err, idx_name("train", "labels"))


def test_idx_label_outside_0_9(idx_dir):
    folder, _ = idx_dir
    path = folder / idx_name("test", "labels")
    data = bytearray(path.read_bytes())
    data[8 + 3] = 12
    path.write_bytes(bytes(data))
    with pytest.raises(MnistDataError, match="label 12 at index 3") as err:
        load_mnist("test", data_dir=folder)
    assert_clean(err, path.name)


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda gz: b"\0\0\x08\x01" + gz[4:], "not a gzip file"),  # a .gz file that is not gzip
        (lambda gz: gz[: len(gz) // 2], "truncated gzip"),
        (lambda gz: gz[:-8] + bytes(8), "corrupt gzip"),  # CRC and size trailer zeroed
        (lambda gz: gz[:2] + b"\x07" + gz[3:], "corrupt gzip"),  # unknown compression method
    ],
    ids=["not-gzip", "truncated", "bad-crc", "bad-method"],
)
def test_damaged_gzip(tmp_path, damage, expected):
    write_idx_split(tmp_path, "train", gz=True)
    path = tmp_path / idx_name("train", "images", gz=True)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(MnistDataError, match=expected) as err:
        load_mnist("train", data_dir=tmp_path)
    assert_clean(err, path.name)


def write_csv(folder, edit, name="mnist_train.csv", header=False):
    """Write a small CSV after edit(lines) changes its list of text lines."""
    images, labels = make_split("train")
    lines = csv_bytes(images, labels, header=header).decode().splitlines()
    edit(lines)
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return path


def set_field(row, column, value):
    def edit(lines):
        fields = lines[row].split(",")
        fields[column] = value
        lines[row] = ",".join(fields)

    return edit


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda lines: lines.__setitem__(2, lines[2].rsplit(",", 1)[0]), "row 3 .* has 784 columns"),
        (lambda lines: lines.insert(4, ""), "row 5 .* has 1 columns"),
        (set_field(5, 0, "10"), "label 10 at row 6"),
        (set_field(1, 0, "-1"), "label -1 at row 2"),
        (set_field(3, 100, "256"), "pixel value 256 in row 4"),
        (set_field(7, 9, "-3"), "pixel value -3 in row 8"),
        (set_field(2, 50, "abc"), "value 'abc' in row 3"),
        (set_field(2, 50, "0.5"), "not a whole number"),
    ],
    ids=["short-row", "blank-line", "label-10", "label-negative", "pixel-256", "pixel-negative",
         "text", "float"],
)
def test_damaged_csv(tmp_path, edit, expected):
    path = write_csv(tmp_path, edit)
    with pytest.raises(MnistDataError, match=expected) as err:
        load_mnist("train", data_dir=tmp_path)
    assert_clean(err, path.name)


def test_csv_row_numbers_skip_the_header(tmp_path):
    write_csv(tmp_path, set_field(5, 1, "999"), name="train.csv", header=True)
    with pytest.raises(MnistDataError, match="pixel value 999 in data row 5"):
        load_mnist("train", data_dir=tmp_path)


def test_empty_csv(tmp_path):
    (tmp_path / "mnist_train.csv").write_text("")
    with pytest.raises(MnistDataError, match="is empty") as err:
        load_mnist("train", data_dir=tmp_path)
    assert_clean(err, "mnist_train.csv")


# ---------------------------------------------------------------- credentials


def test_read_dotenv(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "# Kaggle\n\nexport KAGGLE_USERNAME=student\nKAGGLE_KEY = 'abc=def'\n"
        'OTHER="x y"\nnot a pair\n'
    )
    assert fetch_module.read_dotenv(path) == {
        "KAGGLE_USERNAME": "student", "KAGGLE_KEY": "abc=def", "OTHER": "x y",
    }


def test_no_credentials(kaggle_env):
    assert fetch_module.find_credentials() is None


def test_credentials_from_environment(kaggle_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_API_TOKEN", "token")
    assert fetch_module.find_credentials() == "environment variables"


def test_username_alone_is_not_enough(kaggle_env, monkeypatch):
    monkeypatch.setenv("KAGGLE_USERNAME", "student")
    assert fetch_module.find_credentials() is None


def test_credentials_from_dotenv(kaggle_env):
    Path(".env").write_text("KAGGLE_USERNAME=student\nKAGGLE_KEY=secret\n")
    assert fetch_module.find_credentials().endswith(".env")
    assert os.environ["KAGGLE_USERNAME"] == "student" and os.environ["KAGGLE_KEY"] == "secret"


@pytest.mark.parametrize("where", [".kaggle", ".config/kaggle", "KAGGLE_CONFIG_DIR"])
@pytest.mark.parametrize("name", ["kaggle.json", "access_token"])
def test_credentials_file(kaggle_env, monkeypatch, tmp_path, where, name):
    if where == "KAGGLE_CONFIG_DIR":
        folder = tmp_path / "config"
        monkeypatch.setenv("KAGGLE_CONFIG_DIR", str(folder))
    else:
        folder = kaggle_env / where
    folder.mkdir(parents=True)
    (folder / name).write_text('{"username": "student", "key": "secret"}')
    assert fetch_module.find_credentials() == str(folder / name)


def test_missing_kaggle_package(monkeypatch):
    monkeypatch.setattr(fetch_module, "find_spec", lambda name: None)
    with pytest.raises(KaggleFetchError, match="pip install kaggle"):
        fetch_module._make_api()


# ---------------------------------------------------------------- fetch


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def test_fetch_without_credentials(kaggle_env, tmp_path):
    dest = tmp_path / "out" / "mnist"
    with pytest.raises(KaggleFetchError, match="No Kaggle credentials found") as err:
        fetch_module.fetch(dest=dest, make_api=must_not_be_called)
    assert "KAGGLE_API_TOKEN" in str(err.value) and "kaggle.json" in str(err.value)
    assert not (tmp_path / "out").exists()


def test_fetch_dataset(with_credentials, tmp_path):
    api = FakeApi()
    dest = tmp_path / "data" / "mnist"
    got, layout = fetch_module.fetch("hojjatk/mnist-dataset", dest=dest, make_api=lambda: api)
    assert got == dest and api.calls == [("dataset", "hojjatk/mnist-dataset", True)]
    assert layout.name == "idx" and layout.splits == ("train", "test")
    assert leftovers(dest.parent) == ["mnist"]  # no temporary folder left behind
    images, labels = make_split("test")
    X, Y = load_mnist("test", data_dir=dest)
    np.testing.assert_array_equal(X, as_float(images))
    np.testing.assert_array_equal(Y, labels)


def test_fetch_competition_unzips(with_credentials, tmp_path):
    dest = tmp_path / "dr"
    _, layout = fetch_module.fetch(competition="digit-recognizer", dest=dest, make_api=FakeApi)
    assert layout.name == "digit-recognizer"
    assert leftovers(dest) == ["sample_submission.csv", "test.csv", "train.csv"]
    assert leftovers(tmp_path) == ["dr", "home", "work"]


@pytest.mark.parametrize(
    "fail, expected",
    [
        (OSError("Max retries exceeded with url"), "failed \\(OSError"),
        (SystemExit(1), "was stopped"),
        (RuntimeError("odd"), "failed \\(RuntimeError: odd\\)"),
    ],
    ids=["oserror", "systemexit", "other"],
)
@pytest.mark.parametrize("kind", ["dataset", "competition"])
def test_fetch_failure_leaves_nothing(with_credentials, tmp_path, fail, expected, kind):
    dest = tmp_path / "out" / "mnist"
    args = {"competition": "digit-recognizer"} if kind == "competition" else {}
    with pytest.raises(KaggleFetchError, match=expected):
        fetch_module.fetch(dest=dest, make_api=lambda: FakeApi(fail=fail), **args)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "fail, expected",
    [(SystemExit(1), "did not accept the credentials"), (OSError("offline"), "Could not reach Kaggle")],
)
def test_fetch_authentication_failure(with_credentials, tmp_path, fail, expected):
    def make_api():
        raise fail

    with pytest.raises(KaggleFetchError, match=expected):
        fetch_module.fetch(dest=tmp_path / "mnist", make_api=make_api)
    assert leftovers(tmp_path) == ["home", "work"]


def test_fetch_of_damaged_files_leaves_nothing(with_credentials, tmp_path):
    with pytest.raises(MnistDataError, match="failed validation.*train-images.idx3-ubyte is truncated"):
        fetch_module.fetch(dest=tmp_path / "mnist", make_api=lambda: FakeApi(corrupt=True))
    assert leftovers(tmp_path) == ["home", "work"]


def test_fetch_of_something_else_leaves_nothing(with_credentials, tmp_path):
    class OtherApi:
        def dataset_download_files(self, dataset, path=None, unzip=False):
            (Path(path) / "cats.csv").write_text("cat\n")

    with pytest.raises(MnistDataError, match="holds no MNIST files"):
        fetch_module.fetch("someone/cats", dest=tmp_path / "cats", make_api=OtherApi)
    assert leftovers(tmp_path) == ["home", "work"]


def test_fetch_keeps_an_existing_dest_unless_forced(with_credentials, tmp_path):
    dest = tmp_path / "mnist"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    with pytest.raises(KaggleFetchError, match="already exists"):
        fetch_module.fetch(dest=dest, make_api=must_not_be_called)
    assert leftovers(dest) == ["notes.txt"]
    fetch_module.fetch(dest=dest, force=True, make_api=FakeApi)
    assert "notes.txt" not in leftovers(dest) and find_mnist(dest).name == "idx"
    assert leftovers(tmp_path) == ["home", "mnist", "work"]


def test_fetch_rejects_a_bad_dataset_name(with_credentials, tmp_path):
    with pytest.raises(KaggleFetchError, match="OWNER/DATASET"):
        fetch_module.fetch("mnist", dest=tmp_path / "x", make_api=must_not_be_called)


# ---------------------------------------------------------------- command line


def test_cli_verify_shipped(capsys):
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "60,000" in out and "10,000" in out and out.count("ok (matches MNIST)") == 2


def test_cli_verify_other_copy_reports_mismatch(idx_dir, capsys):
    assert main(["verify", str(idx_dir[0])]) == 1
    assert capsys.readouterr().out.count("MISMATCH") == 2


def test_cli_verify_damaged_file(idx_dir, capsys):
    folder, _ = idx_dir
    corrupt(folder / idx_name("test", "images"), "truncated")
    assert main(["verify", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "ERROR" in out and "t10k-images-idx3-ubyte" in out


def test_cli_verify_digit_recognizer(digit_recognizer, capsys):
    assert main(["verify", str(digit_recognizer[0])]) == 0
    assert "no labels" in capsys.readouterr().out


def test_cli_info(digit_recognizer, capsys):
    assert main(["info", str(digit_recognizer[0])]) == 0
    out = capsys.readouterr().out
    assert "digit-recognizer" in out and "train.csv" in out


def test_cli_info_without_mnist(tmp_path, capsys):
    assert main(["info", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: No MNIST files found") and err.count("\n") == 1


def test_cli_fetch_with_fake_api(with_credentials, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fetch_module, "_make_api", FakeApi)
    dest = tmp_path / "mnist"
    assert main(["fetch", "--kaggle", "hojjatk/mnist-dataset", "--dest", str(dest)]) == 0
    assert "Downloaded to" in capsys.readouterr().out
    assert find_mnist(dest).splits == ("train", "test")


def run_cli(*args, env=None, cwd=None):
    env = {**os.environ, **(env or {})}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "mnist_data", *args],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=60,
    )


def test_cli_fetch_without_credentials_in_a_subprocess(kaggle_env, tmp_path):
    result = run_cli("fetch", "--dest", str(tmp_path / "mnist"), cwd=tmp_path / "work")
    assert result.returncode == 1
    assert result.stdout == ""  # no banner from the kaggle package
    assert result.stderr.startswith("error: No Kaggle credentials found")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "mnist").exists()


def test_cli_info_in_a_subprocess(idx_dir):
    result = run_cli("info", str(idx_dir[0]))
    assert result.returncode == 0 and "IDX files (not gzipped)" in result.stdout


def test_import_does_not_load_matplotlib():
    code = "import sys, mnist_data; print('matplotlib' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- plots


@pytest.fixture
def small_test_set():
    images, labels = make_split("train")
    return as_float(images), labels.astype(np.int64)


def _grid(fig):
    """The one Axes of a show_digits figure: its image and its labels, in order."""
    (ax,) = fig.axes
    (image,) = ax.images
    return image, [t for t in ax.texts]


def test_show_digits(small_test_set):
    import matplotlib.pyplot as plt

    X, Y = small_test_set
    fig = mnist_data.show_digits(X, Y, n=6)
    try:
        image, labels = _grid(fig)
        assert [t.get_text() for t in labels] == [str(y) for y in Y[:6]]
        grid = image.get_array()
        assert grid.shape[1] % 3 == 0 and grid.shape[0] % 2 == 0  # 6 digits: 3 columns, 2 rows
        height, width = grid.shape[0] // 2, grid.shape[1] // 3
        # each digit is whole in its cell, under its label: the first one is X's first column
        found = [(r, c) for r in range(height - 27) for c in range(width - 27)
                 if np.array_equal(grid[r:r + 28, c:c + 28], X[:, 0].reshape(28, 28))]
        assert found, "the first digit is not in the first cell"
        assert all(t.get_position()[1] < found[0][0] for t in labels[:3])  # labels above the first row
        assert fig._suptitle.get_text() == "6 digits and their labels"  # every figure has a title
        assert min(t.get_fontsize() for t in labels) >= 10  # labels readable, not 6 px
    finally:
        plt.close(fig)


def test_show_digits_shares_one_grey_scale_taken_from_the_images_shown(small_test_set):
    import matplotlib.pyplot as plt

    X, Y = small_test_set
    X = X.copy()
    X[:, :3] *= 0.5
    X[:, 3:] = 1.0  # brighter images elsewhere: the scale is the shown images', not the whole set's
    fig = mnist_data.show_digits(X, Y, n=3)
    try:
        image, _ = _grid(fig)
        assert image.get_clim() == (0, X[:, :3].max())
    finally:
        plt.close(fig)


def test_show_digits_marks_wrong_predictions(small_test_set):
    import matplotlib.pyplot as plt

    X, Y = small_test_set
    predictions = Y.copy()
    predictions[2] = (Y[2] + 1) % 10
    fig = mnist_data.show_digits(X, Y, predictions=predictions, indices=[1, 2], ncols=2)
    try:
        _, labels = _grid(fig)
        assert labels[0].get_text() == str(Y[1])
        assert labels[1].get_text() == f"pred {predictions[2]} / true {Y[2]}"
        assert matplotlib.colors.same_color(labels[1].get_color(), "red")
    finally:
        plt.close(fig)


def test_show_digits_accepts_scores_and_rejects_rows(small_test_set):
    import matplotlib.pyplot as plt

    X, Y = small_test_set
    scores = np.eye(10)[:, Y]  # (10, m), as a network's output
    plt.close(mnist_data.show_digits(X, scores, predictions=scores, n=3))
    with pytest.raises(ValueError, match="pass X.T"):
        mnist_data.show_digits(X.T)


def test_plot_class_balance(small_test_set):
    import matplotlib.pyplot as plt

    _, Y = small_test_set
    ax = mnist_data.plot_class_balance(Y)
    try:
        heights = [patch.get_height() for patch in ax.patches]
        assert heights == np.bincount(Y, minlength=10).tolist()
    finally:
        plt.close(ax.figure)
    fig, given = plt.subplots()
    assert mnist_data.plot_class_balance(Y, ax=given) is given
    plt.close(fig)


def test_load_mnist_prints_nothing_it_logs(tmp_path, capsys):
    """A library function never prints: what it found goes to the mnist_data logger."""
    write_idx_split(tmp_path, "train")
    load_mnist("train", data_dir=tmp_path)
    assert capsys.readouterr().out == ""
