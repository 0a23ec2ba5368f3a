"""A whole class graded with the real nbgrader and its real SQLite gradebook, end to end.

In a temporary course directory built from the repository: release every lesson, submit four
students' full sets of lesson notebooks (right answers written differently, classic mistakes,
untouched stubs, cheating) and a fifth, damaged submission; autograde, generate feedback, export
the grade CSV, and check every score, and that nothing hidden leaks into what students get back.
"""
import csv
import html
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from coursekit import MUTANTS, VARIANTS

from autograder.grader import classroom as instructor
from autograder.grader.reference import reference
from autograder.learner.course import load_course

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
# the graded lessons of one function each (the capstone carries no points; the bug hunt, a lesson of several
# functions, has its class in test_bug_hunt.py)
LESSONS = [l for l in COURSE.lessons if l.function]

CHEATS = {
    "relu": "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
            "def relu(Z):\n    return Z\n",
    "softmax": "import sys\ndef softmax(Z):\n    sys.exit(0)\n",
    "get_accuracy": "import os\ndef get_accuracy(predictions, Y):\n    os._exit(0)\n",
}
MISTAKES = {"one_hot": "max_plus_one", "softmax": "no_shift", "backward_prop": "scalar_db"}


def answers(student):
    """The source each student wrote for each function (None: left the stub untouched)."""
    ref = reference()
    out = {}
    for lesson in LESSONS:
        f = lesson.function
        if student == "alice":  # every function right, written differently where the course has a variant
            out[f] = VARIANTS[f][0] if VARIANTS.get(f) else ref.source(f)
        elif student == "bob":  # the original notebook's bugs in three lessons
            out[f] = MUTANTS[f][MISTAKES[f]] if f in MISTAKES else ref.source(f)
        elif student == "carol":
            out[f] = None
        elif student == "dave":  # patches NumPy, exits, kills the kernel
            out[f] = CHEATS.get(f, ref.source(f))
    return out


ANSWERS = {student: answers(student) for student in ("alice", "bob", "carol", "dave")}


def expected_score(student, lesson):
    f = lesson.function
    wrong = {"alice": set(), "bob": set(MISTAKES), "carol": {l.function for l in LESSONS}, "dave": set(CHEATS)}
    return 0 if f in wrong[student] else lesson.points


def submit(root, student, lesson, source=None, edit=None):
    folder = root / "submitted" / student / lesson.id
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(root / "release" / lesson.id / lesson.notebook, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == lesson.function and source:
            cell.source = source
    if edit:
        edit(nb)
    nbformat.write(nb, folder / lesson.notebook)
    (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    return folder / lesson.notebook


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", root / "solutions",
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    instructor.release(api, [l.id for l in LESSONS])
    for student in ("alice", "bob", "carol", "dave"):
        for lesson in LESSONS:
            submit(root, student, lesson, ANSWERS[student][lesson.function])

    # erin's damaged submission: a deleted graded cell, a duplicated one, invalid JSON; one lesson right
    ref = reference()
    by_fn = {l.function: l for l in LESSONS}

    def delete_graded(nb):
        nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "one_hot"]

    def duplicate_graded(nb):
        (i,) = [k for k, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "relu"]
        copy = nbformat.from_dict(dict(nb.cells[i]))
        copy["id"] = "pasted-copy"  # as Jupyter does when a learner copies and pastes a cell
        nb.cells.insert(i + 1, copy)

    submit(root, "erin", by_fn["one_hot"], edit=delete_graded)
    submit(root, "erin", by_fn["relu"], ref.source("relu"), edit=duplicate_graded)
    broken = submit(root, "erin", by_fn["softmax"], ref.source("softmax"))
    broken.write_text(broken.read_text()[:5000])  # cut off: not valid JSON any more
    submit(root, "erin", by_fn["get_predictions"], ref.source("get_predictions"))

    graded, failed = instructor.autograde(api, [l.id for l in LESSONS], jobs=2)
    instructor.feedback(api, [l.id for l in LESSONS])
    csv_path = instructor.export(api, root / "grades.csv")
    return {"root": root, "api": api, "graded": graded, "failed": failed, "csv": csv_path,
            "scores": instructor.scores(api)}


@pytest.mark.parametrize("student", ["alice", "bob", "carol", "dave"])
def test_every_student_gets_the_exact_expected_score_on_every_lesson(graded_class, student):
    scores = graded_class["scores"]
    got = {l.id: scores.get((student, l.id)) for l in LESSONS}
    want = {l.id: float(expected_score(student, l)) for l in LESSONS}
    assert got == want


def test_the_grade_csv_holds_the_same_scores(graded_class):
    rows = list(csv.DictReader(graded_class["csv"].open()))
    table = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    for student in ("alice", "bob", "carol", "dave"):
        total = sum(table[(student, l.id)] for l in LESSONS)
        assert total == sum(expected_score(student, l) for l in LESSONS)
    assert {float(r["max_score"]) for r in rows if r["assignment"] == "08_backward_prop"} == {6.0}


def test_a_kernel_killed_by_os_exit_costs_only_that_lesson(graded_class):
    assert ("11_get_accuracy", "dave") not in [(l, s) for l, s, _ in graded_class["failed"]] or \
        graded_class["scores"][("dave", "11_get_accuracy")] == 0
    assert graded_class["scores"][("dave", "12_gradient_descent")] == 4


def test_a_damaged_submission_is_reported_and_does_not_stop_the_class(graded_class):
    scores, root = graded_class["scores"], graded_class["root"]
    assert scores[("erin", "10_get_predictions")] == 1.0  # the intact lesson still counts
    for lesson_id in ("01_one_hot", "02_init_params", "03_relu", "04_softmax"):
        assert scores.get(("erin", lesson_id), 0) == 0
    failed = {(l, s) for l, s, _ in graded_class["failed"]}
    assert ("04_softmax", "erin") in failed  # not JSON: nbgrader cannot read it at all
    # a graded cell pasted twice is graded (0) with the reason, instead of aborting nbgrader for the class
    assert ("03_relu", "erin") not in failed
    feedback = _text(next((root / "feedback" / "erin" / "03_relu").glob("*.html")))
    assert "appears more than once" in feedback
    # and the grading CLI explains each damage in a sentence
    from autograder.grader.grade import grade_path
    grade = grade_path(root / "submitted" / "erin")
    problems = {f.function: f.report.problem for f in grade.functions
                if f.lesson == COURSE.lesson_for(f.function).id}  # the lesson teaching it, not the bug hunt
    assert "is missing: it was deleted" in problems["one_hot"]
    assert "appears 2 times" in problems["relu"]
    assert "is not valid notebook JSON" in problems["softmax"]


def _text(path):
    return html.unescape(re.sub(r"<[^>]+>", "", Path(path).read_text()))


def test_feedback_shows_each_check_but_no_hidden_code_or_reference_answer(graded_class):
    root = graded_class["root"]
    ref = reference()
    files = sorted((root / "feedback").rglob("*.html"))
    assert len(files) >= 4 * len(LESSONS) - 1
    for path in files:
        text = _text(path)
        assert "BEGIN HIDDEN TESTS" not in text and "nbgrader_cell" not in text.replace("div.nbgrader_cell", "")
        lesson = next(l for l in LESSONS if l.id == path.parent.name)
        student = path.parent.parent.name
        if student in ANSWERS and ANSWERS[student][lesson.function] != ref.source(lesson.function):
            assert not ref.appears_in(text, lesson.function), f"{path} shows the reference {lesson.function}"
    bob = _text(root / "feedback" / "bob" / "08_backward_prop" / "backward_prop.ipynb".replace(".ipynb", ".html"))
    assert "np.sum" in bob and "axis=1, keepdims=True" in bob  # the hint about the scalar db


def test_released_notebooks_hold_no_hidden_tests_or_answers(graded_class):
    root = graded_class["root"]
    ref = reference()
    for lesson in LESSONS:
        text = (root / "release" / lesson.id / lesson.notebook).read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "nbgrader_cell" not in text
        code = "\n".join("".join(c["source"]) for c in nbformat.reads(text, 4).cells if c.cell_type == "code")
        assert not ref.appears_in(code, lesson.function)


def test_grading_runs_only_the_cells_a_score_needs_unless_asked_to_run_the_lesson(graded_class):
    """The lesson's figures and demonstrations (code cells after the toolbox that are neither the answer
    nor its checks) are not run while grading, and say so; with run_lesson_cells they run, same score."""
    from autograder.grader.autograde import SandboxedExecute
    root, lesson = graded_class["root"], next(l for l in LESSONS if l.id == "03_relu")
    path = root / "autograded" / "alice" / lesson.id / lesson.notebook

    def code_cells():
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        kind = [c.metadata.get("nbgrader") or {} for c in cells]
        toolbox = next(i for i, k in enumerate(kind) if k.get("grade_id") == "toolbox")
        return [(c, i <= toolbox or k.get("solution") or k.get("grade")) for i, (c, k) in enumerate(zip(cells, kind))]

    cells = code_cells()
    assert sum(not graded for _, graded in cells) >= 3
    for cell, graded in cells:
        if graded:
            assert cell.execution_count is not None, cell.source[:80]
        else:
            assert cell.execution_count is None and [o.get("text") for o in cell.outputs] == [SandboxedExecute.NOT_RUN]
    assert "not run while grading" in _text(root / "feedback" / "alice" / lesson.id / "relu.html")

    api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    api.config.SandboxedExecute.run_lesson_cells = True
    instructor.autograde(api, [lesson.id], ["alice"])
    cells = code_cells()
    assert all(cell.execution_count is not None for cell, _ in cells)
    outputs = [o for cell, _ in cells for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the lesson's ReLU figure
    assert not any("not run while grading" in str(o.get("text", "")) for o in outputs)
    assert instructor.scores(api)[("alice", lesson.id)] == lesson.points
