"""Command line: check, describe and download MNIST.

    python -m mnist_data verify [DIR]      check the files (default: the shipped ones)
    python -m mnist_data info DIR          say which layout DIR holds
    python -m mnist_data fetch [--kaggle OWNER/DATASET | --competition NAME] [--dest DIR] [--force]

Exit status 0 when all is well, 1 on a problem (with a one-line reason).
"""

import argparse
import sys

from .errors import MnistDataError
from .fetch import DEFAULT_DATASET, fetch
from .layouts import SPLITS, find_mnist
from .loader import DATA_DIR, read_split

_STATUS = {"match": "ok (matches MNIST)", "mismatch": "MISMATCH", "none": "n/a (no known checksum)"}


def _parser():
    parser = argparse.ArgumentParser(prog="python -m mnist_data", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="check MNIST files and print a summary table")
    verify.add_argument("dir", nargs="?", help="folder to check (default: the shipped files)")
    info = sub.add_parser("info", help="say which MNIST layout a folder holds")
    info.add_argument("dir")
    get = sub.add_parser("fetch", help="download MNIST from Kaggle (needs Kaggle credentials)")
    which = get.add_mutually_exclusive_group()
    which.add_argument("--kaggle", metavar="OWNER/DATASET",
                       help=f"a Kaggle dataset (default {DEFAULT_DATASET})")
    which.add_argument("--competition", metavar="NAME", help="a Kaggle competition, e.g. digit-recognizer")
    get.add_argument("--dest", help="folder to create (default data/<name>)")
    get.add_argument("--force", action="store_true", help="replace an existing non-empty --dest")
    return parser


def verify(directory=None):
    """Print a table of each split's examples and checksum status; return 0 or 1."""
    layout = find_mnist(directory or DATA_DIR)
    shipped = directory is None
    print(f"{layout.description} in {layout.directory}")
    rows, problems = [], 0
    for split in SPLITS:
        try:
            data = read_split(layout, split)
        except MnistDataError as err:
            unlabelled = layout.name == "digit-recognizer" and split == "test"
            rows.append((split, "-", "no labels (test.csv is unlabelled)" if unlabelled else "ERROR",
                         "" if unlabelled else str(err)))
            problems += not unlabelled
            continue
        names = ", ".join(f.name for f in data.files)
        rows.append((split, f"{len(data.labels):,}", _STATUS[data.checksum], names))
        problems += data.checksum == "mismatch" or (shipped and data.checksum != "match")
    print(f"{'split':<6} {'examples':>9}  {'SHA-256':<24} files")
    for split, count, status, detail in rows:
        print(f"{split:<6} {count:>9}  {status:<24} {detail}")
    print("all good" if not problems else f"{problems} problem(s) found")
    return 1 if problems else 0


def info(directory):
    """Print the layout of ``directory`` and its files; return 0."""
    layout = find_mnist(directory)
    print(f"{directory}: {layout.description} (layout '{layout.name}')")
    for role, path in layout.files.items():
        print(f"  {role:<13} {path}  ({path.stat().st_size:,} bytes)")
    print(f"  labelled splits: {', '.join(layout.splits) or 'none'}")
    return 0


def main(argv=None):
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "verify":
            return verify(args.dir)
        if args.command == "info":
            return info(args.dir)
        dest, layout = fetch(args.kaggle, args.competition, args.dest, force=args.force)
        print(f"Downloaded to {dest}: {layout.description}, splits {', '.join(layout.splits)}.")
        print(f"Use it with: load_mnist('train', data_dir={str(dest)!r})")
        return 0
    except MnistDataError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
