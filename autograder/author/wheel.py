"""The learners' install: the checks and the data loader, with no reference answers.

``python -m autograder student-dist [--out dist]`` builds the wheel
``nn_from_scratch_student`` from whole packages: ``mnist_data`` and
``autograder.learner`` (check cells, progress, gradient check, stored
fixtures, each function's checks, the draw-a-digit widget with its .js and
.css), with the two entry-point modules of
``autograder``; never ``solutions``, ``autograder.grader`` or
``autograder.author``. An instructor hands it out (or
hosts it) for a class; the tests build it and search it for reference code.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The learners' wheel is these packages, whole: the package's entry points (``from autograder import
# check``, ``python -m autograder progress``), the learners' side, and the data loader with MNIST.
ENTRY_POINTS = ("__init__.py", "__main__.py")
LEARNER_PACKAGE = "autograder/learner"
DATA_PACKAGE = "mnist_data"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".cache", ".ipynb_checkpoints")

PYPROJECT = '''[build-system]
requires = ["setuptools>=65"]
build-backend = "setuptools.build_meta"

[project]
name = "nn-from-scratch-student"
version = "{version}"
description = "The learners' side of the NumPy neural-network course: check cells, progress and MNIST."
requires-python = ">=3.10"
dependencies = ["numpy>=2.0", "matplotlib>=3.8", "tqdm>=4.66", "anywidget>=0.11,<0.12",
                "threadpoolctl>=3.5; platform_system != 'Emscripten'"]

[project.optional-dependencies]
# Jupyter itself, for a learner's own machine (the JupyterLite site brings its own front end).
jupyter = ["jupyterlab>=4.4", "ipykernel>=7.0"]

[tool.setuptools.packages.find]
include = ["autograder*", "mnist_data*"]

[tool.setuptools.package-data]
"autograder.learner" = ["*.json", "*.npz"]
"autograder.learner.digitpad" = ["*.js", "*.css"]
mnist_data = ["*.gz", "README.md"]
'''


def build_student_wheel(out):
    """Build the learners' wheel into ``out``; return its path."""
    import tomllib
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch)
        (tree / "autograder").mkdir()
        for name in ENTRY_POINTS:
            shutil.copy(ROOT / "autograder" / name, tree / "autograder" / name)
        shutil.copytree(ROOT / LEARNER_PACKAGE, tree / LEARNER_PACKAGE, ignore=IGNORE)
        shutil.copytree(ROOT / DATA_PACKAGE, tree / DATA_PACKAGE, ignore=IGNORE)
        (tree / "pyproject.toml").write_text(PYPROJECT.format(version=version))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "-w", str(out), str(tree)], check=True, capture_output=True)
    (wheel,) = sorted(out.glob(f"nn_from_scratch_student-{version}-*.whl"))
    return wheel


def main(args):
    wheel = build_student_wheel(args.out)
    print(f"built {wheel}")
    return 0
