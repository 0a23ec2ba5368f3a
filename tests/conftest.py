"""Shared fixtures, the quick tier, and the option that points the check suites at a learner's work.

    pytest                                         # everything (what CI does)
    pytest -m "not slow"                           # the quick tier, for the inner loop
    pytest -n 0 tests/grader/test_cheats.py        # one file, without the two workers
    pytest tests/grader/test_suites.py --notebook PATH   # against a learner's notebook or folder
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


# Test files that run real nbgrader, real kernels executing whole lessons, a real browser, training on
# all of MNIST or a fresh install: the whole suite runs them, the quick tier (-m "not slow") leaves them out.
# Listed from the longest (a full run's --durations), which is the order they start in (see below).
SLOW = (
    "tests/course/test_lessons.py", "tests/grader/test_nbgrader.py", "tests/grader/test_class_report.py",
    "tests/grader/test_attacks.py", "tests/author/test_lite.py", "tests/author/test_widget.py",
    "tests/grader/test_mutants.py", "tests/grader/test_bug_hunt.py", "tests/grader/test_postgres.py",
    "tests/recipes/test_setup.py", "tests/course/test_self_study.py", "tests/grader/test_exchange.py",
    "tests/recipes/test_benchmarks.py", "tests/recipes/test_nbgrader_table.py", "tests/grader/test_partial_credit.py",
    "tests/author/test_screens.py", "tests/author/test_wheel.py", "tests/author/test_build.py",
    "tests/course/test_train.py", "tests/grader/test_lms_export.py", "tests/layout/test_collection.py",
    "tests/grader/test_kernel_ahead.py",
)

# The suite runs on two workers (pytest-xdist: `-n 2` in pyproject.toml). Each file runs whole on one
# worker, so its module fixtures (a class graded by nbgrader, the lessons run in kernels) are made once;
# files that share a costly session fixture share a worker, so it is made once too. The slow files start
# first, longest first, so that no long file is left to run alone at the end.
TOGETHER = {"tests/author/test_widget.py": "tests/author/test_lite.py"}  # the JupyterLite site


@pytest.hookimpl(optionalhook=True)  # (a hook of pytest-xdist's)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path = nodeid.split("::", 1)[0]
            return TOGETHER.get(path, path)
    config.option.loadscopereorder = False  # the order below, not the number of tests a file has
    return ByFile(config, log)


def pytest_collection_modifyitems(config, items):
    rank = {path: i for i, path in enumerate(SLOW)}
    for item in items:
        if str(Path(item.path).relative_to(ROOT)) in rank:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: rank.get(str(Path(item.path).relative_to(ROOT)), len(SLOW)))  # (stable)


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
