"""What every build step shares: where the repository is, the context of one build, how to write."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
COMMAND = "python -m autograder build"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
STUDENT_PACKAGE = "nn-from-scratch-student"


@dataclass
class Context:
    """One build: the repository it writes into, the course, the reference, the lessons to rebuild."""

    root: Path
    course: object
    """The ``Course`` read from ``root/course.yml``."""
    reference: object
    """The ``Reference``: the reference network's source, function by function."""
    only: tuple = ()
    """Lesson ids to rebuild; empty means everything."""
    log: object = print
    written: list = field(default_factory=list)

    @property
    def everything(self) -> bool:
        return not self.only

    @property
    def lessons(self) -> tuple:
        """The lessons (and capstone) this build makes notebooks for, in course order."""
        if not self.only:
            return self.course.all_notebooks
        return tuple(self.course.lesson(lesson_id) for lesson_id in self.only)

    def write(self, path, text) -> bool:
        """Write ``text`` to ``path`` unless it already holds it; True when the file changed."""
        path = Path(path)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.written.append(path)
        return True


def notebook_text(nb) -> str:
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def github_path(course) -> str:
    return course.repository.split("github.com/", 1)[-1]
