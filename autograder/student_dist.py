"""The learners' install: the checks and the data loader, with no reference answers.

``python -m autograder student-dist [--out dist]`` builds the wheel
``nn_from_scratch_student``: ``mnist_data`` and the learners' half of
``autograder`` (check cells, progress, gradient check, stored fixtures),
without ``solutions`` and without the grader's modules (live oracle, case
builders, known-mistake sources, sandbox). An instructor hands it out (or
hosts it) for a class; the tests build it and search it for reference code.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STUDENT_MODULES = (
    "__init__.py", "__main__.py", "cellrun.py", "checking.py", "course.py", "engine.py", "fixtures.py",
    "gradcheck.py", "notebooks.py", "progress.py", "report.py", "runner.py", "serial.py", "suites.py",
    "course.json", "fixtures.npz",
)
GRADER_MODULES = ("build.py", "cases.py", "grade.py", "instructor.py", "lite.py", "mutants.py", "mutation.py",
                  "nbgrader_cell.py", "oracle.py", "reference.py", "sandbox.py", "_child.py", "student_dist.py")

PYPROJECT = '''[build-system]
requires = ["setuptools>=65"]
build-backend = "setuptools.build_meta"

[project]
name = "nn-from-scratch-student"
version = "{version}"
description = "The learners' side of the NumPy neural-network course: check cells, progress and MNIST."
requires-python = ">=3.10"
dependencies = ["numpy>=2.0", "matplotlib>=3.8", "tqdm>=4.66"]

[tool.setuptools]
packages = ["autograder", "mnist_data"]

[tool.setuptools.package-data]
autograder = ["*.json", "*.npz"]
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
        for name in STUDENT_MODULES:
            shutil.copy(ROOT / "autograder" / name, tree / "autograder" / name)
        shutil.copytree(ROOT / "mnist_data", tree / "mnist_data",
                        ignore=shutil.ignore_patterns("__pycache__", ".cache"))
        (tree / "pyproject.toml").write_text(PYPROJECT.format(version=version))
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                        "-w", str(out), str(tree)], check=True, capture_output=True)
    (wheel,) = sorted(out.glob(f"nn_from_scratch_student-{version}-*.whl"))
    return wheel


def main(args):
    wheel = build_student_wheel(args.out)
    print(f"built {wheel}")
    return 0
