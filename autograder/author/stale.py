"""``python -m autograder build --check``: build into a scratch copy and list the generated files that differ."""
import contextlib
import filecmp
import io
import shutil
import tempfile
from pathlib import Path

from .common import ROOT

# Generated files outside the lesson folders.
GENERATED = ["autograder/learner/course.json", "autograder/learner/fixtures.npz", "nbgrader_config.py",
             "README.md"]


IGNORE = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", ".pytest_cache", "*.egg-info",
                                ".ipynb_checkpoints", "_output", "dist", "submitted", "autograded", "feedback",
                                "results", "gradebook.db")


@contextlib.contextmanager
def fresh_build(root=ROOT):
    """A scratch copy of the repository with every generated file built afresh from its sources.

    Whatever the working copy's lessons hold (answers a learner typed, outputs), the copy's are clean.
    """
    from . import build
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "repo"
        shutil.copytree(Path(root), copy, ignore=IGNORE)
        with contextlib.redirect_stdout(io.StringIO()):
            build(copy, log=lambda *a: None)
        yield copy


def stale_files(root=ROOT):
    """Build into a scratch copy of the repository; list the generated files that differ."""
    from ..learner import fixtures as stored
    from ..learner.course import load_course
    from .fixtures import same

    root = Path(root)
    course = load_course(root / "course.yml")
    with fresh_build(root) as copy:
        paths = list(GENERATED)
        for lesson in course.all_notebooks:
            paths.append(f"solutions/{lesson.id}/{lesson.notebook}")
            for p in sorted((copy / "lessons" / lesson.id).rglob("*")):
                paths.append(p.relative_to(copy).as_posix())
            for p in sorted((root / "lessons" / lesson.id).rglob("*")):
                paths.append(p.relative_to(root).as_posix())
        stale = []
        for rel in dict.fromkeys(paths):
            a, b = root / rel, copy / rel
            if a.is_dir() or b.is_dir():
                continue
            if not a.exists() or not b.exists():
                stale.append(rel)
            elif rel.endswith(".npz"):
                if not same(stored.read(a), stored.read(b)):
                    stale.append(rel)
            elif not filecmp.cmp(a, b, shallow=False):
                stale.append(rel)
        return stale
