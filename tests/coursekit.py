"""What many tests share: the course, its catalogue of mistakes and variants, and a notebook writer."""
import nbformat

from autograder.grader.functions import mutant_sources, mutants, variants
from autograder.learner.course import load_course
from autograder.learner.functions import suite

COURSE = load_course()
MUTANTS = {f: mutants(f) for f in COURSE.functions}
MUTANT_SOURCES = {f: mutant_sources(f) for f in COURSE.functions}
VARIANTS = {f: variants(f) for f in COURSE.functions}
SUITES = {f: suite(f) for f in COURSE.functions}


def write_notebook(path, cells, extra_cells=()):
    """A minimal lesson notebook: one nbgrader solution cell per function."""
    nb = nbformat.v4.new_notebook()
    for function, source in cells.items():
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
            "grade": False, "grade_id": function, "locked": False, "schema_version": 3, "solution": True}}))
    nb.cells.extend(extra_cells)
    nbformat.write(nb, path)
    return path
