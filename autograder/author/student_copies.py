"""Step: the student copies, ``lessons/<lesson>/<name>.ipynb``, made by nbgrader's own generate_assignment.

Answers and hidden tests are stripped by nbgrader (a graded cell with starter code gets that code,
by the course's release step, as in ``nbgrader_config.py``); outputs and execution counts are cleared
here, so the copies are clean in git.
"""
import contextlib
import io
import logging
import shutil
import tempfile
from pathlib import Path

import nbformat

from .common import KERNELSPEC, notebook_text

NAME = "student copies"


def clean_student_copy(path):
    """Strip outputs and execution counts, and say where the file comes from."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    return notebook_text(nb)


def generate_student_copies(root, lessons):
    """Run nbgrader's generate_assignment for every lesson into lessons/ (no database)."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from ..grader.release import RELEASE_STEPS

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.source_directory = "solutions"
    config.CourseDirectory.release_directory = "lessons"
    config.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]
    config.GenerateAssignment.create_assignment = False
    config.GenerateAssignment.no_database = True
    config.GenerateAssignment.preprocessors = RELEASE_STEPS  # as nbgrader_config.py: starter code, not stubs
    config.SaveCells.enabled = False
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as scratch:
        config.CourseDirectory.db_url = f"sqlite:///{scratch}/unused.db"
        coursedir = CourseDirectory(config=config)
        api = NbGraderAPI(coursedir=coursedir, config=config)
        api.log.setLevel(logging.ERROR)
        for lesson in lessons:
            out = Path(root) / "lessons" / lesson.id
            if out.exists():
                shutil.rmtree(out)
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                result = api.generate_assignment(lesson.id, force=True, create=False)
            if not result["success"]:
                raise RuntimeError(f"nbgrader generate_assignment {lesson.id} failed:\n{result['error']}")
            for nb_path in out.glob("*.ipynb"):
                nb_path.write_text(clean_student_copy(nb_path), encoding="utf-8")


def run(ctx):
    generate_student_copies(ctx.root, ctx.lessons)
