"""Shared fixtures, and the option that points the check suites at a learner's work.

    pytest                                         # the suites against the reference (what CI does)
    pytest tests/test_suites.py --notebook PATH    # against a learner's notebook or folder: one test per check
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for coursekit, the tests' shared helpers

# Grading creates gradebooks with nbgrader, which runs `alembic` from PATH: keep this
# interpreter's scripts folder on it even when the virtual environment is not activated.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


def pytest_configure(config):
    # nbgrader's gradebook makes SQLAlchemy warn about its own session handling: not ours, and harmless.
    # Only where SQLAlchemy is installed (an instructor's install), so a learner's pytest stays quiet.
    try:
        import sqlalchemy.exc  # noqa: F401
    except ImportError:
        return
    config.addinivalue_line("filterwarnings", "ignore::sqlalchemy.exc.SAWarning")


def pytest_addoption(parser):
    parser.addoption("--notebook", action="store", default=None,
                     help="grade this lesson notebook or folder of notebooks instead of the reference")


@pytest.fixture(scope="session")
def course():
    from autograder.learner.course import load_course
    return load_course()


@pytest.fixture(scope="session")
def oracle():
    from autograder.grader.oracle import LiveOracle
    return LiveOracle()


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def reference_params(tmp_path_factory):
    """The course's reference network trained with its defaults (rng=0), as params.npz (W1, b1, W2, b2).

    Trained once per session, in a child process with one BLAS thread: on a busy 2-core machine
    OpenBLAS's own threads made the same training five times slower (70 s instead of 13 s)."""
    path = tmp_path_factory.mktemp("reference") / "params.npz"
    code = ("import sys, numpy as np\n"
            "from mnist_data import load_mnist\nfrom solutions import network as nn\n"
            "X, Y = load_mnist('train')\nparams, _ = nn.gradient_descent(X, Y, rng=0, progress=False)\n"
            "np.savez(sys.argv[1], **dict(zip(('W1', 'b1', 'W2', 'b2'), params)))\n")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return path
