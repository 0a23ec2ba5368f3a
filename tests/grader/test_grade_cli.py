"""The grading CLI: scores each function, explains damage in a sentence, JSON of a documented shape."""
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from coursekit import MUTANTS, write_notebook

from autograder.grader.grade import grade_path
from autograder.grader.reference import reference
from autograder.learner.course import load_course
from autograder.learner.checking import judge
from autograder.learner.model import FunctionReport


@pytest.fixture(scope="module")
def damaged_submission(tmp_path_factory):
    """A learner's folder: right, wrong, deleted, duplicated and corrupt lessons."""
    folder = tmp_path_factory.mktemp("submission")
    ref = reference()
    write_notebook(folder / "one_hot.ipynb", {"one_hot": ref.source("one_hot")})
    write_notebook(folder / "relu.ipynb", {"relu": MUTANTS["relu"]["np_max"]})
    write_notebook(folder / "softmax.ipynb", {}, [nbformat.v4.new_code_cell("x = 1")])  # graded cell deleted
    nb = nbformat.v4.new_notebook()
    for _ in range(2):
        nb.cells.append(nbformat.v4.new_code_cell(ref.source("relu_deriv"), metadata={"nbgrader": {
            "grade": False, "grade_id": "relu_deriv", "locked": False, "schema_version": 3, "solution": True}}))
    nbformat.write(nb, folder / "relu_deriv.ipynb")  # duplicated cell
    (folder / "forward_prop.ipynb").write_text('{"cells": [ {"cell_type": "code", "source": "def f(')  # bad JSON
    return folder


def test_grade_folder_scores_each_function_and_explains_the_damage(damaged_submission, oracle):
    grade = grade_path(damaged_submission, oracle=oracle)
    by = {}
    for f in grade.functions:  # the lesson that teaches each function (the bug hunt grades four again)
        by.setdefault(f.function, f)
    course = load_course()
    assert len(grade.functions) == len(course.per_function) == 25 and grade.max_score == course.max_score
    assert len(by) == len(course.functions) == 21
    hunt = [f for f in grade.functions if f.lesson == "24_bug_hunt"]
    assert [f.function for f in hunt] == ["one_hot", "softmax", "init_params", "backward_prop"]
    # one_hot.ipynb's graded cell is lesson 1's: the bug hunt's one_hot was never submitted
    assert all("not handed in" in f.report.problem and not f.handed_in for f in hunt)
    assert by["one_hot"].points == 2
    assert by["relu"].points == 0 and "np.max instead of np.maximum" in by["relu"].report.first_failure
    assert "is missing: it was deleted" in by["softmax"].report.problem
    assert "appears 2 times" in by["relu_deriv"].report.problem
    assert "forward_prop.ipynb is damaged: it is not valid notebook JSON" in by["forward_prop"].report.problem
    assert "not handed in" in by["backward_prop"].report.problem  # never submitted: said so, not "deleted"
    assert grade.score == 2


def test_grade_cli_json_has_the_documented_shape(damaged_submission):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(damaged_submission), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert {"score", "max_score", "functions"} <= data.keys()
    assert (data["score"], data["max_score"]) == (2, load_course().max_score)
    first = data["functions"][0]
    assert {"name", "lesson", "points", "max_points", "passed", "checks"} <= first.keys()
    assert {"name", "passed", "message"} <= first["checks"][0].keys()
    assert first["name"] == "one_hot" and first["passed"] and first["points"] == 2


def test_grade_cli_table_for_one_notebook(damaged_submission):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(damaged_submission / "one_hot.ipynb")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "one_hot" in proc.stdout and "score: 2 / 2" in proc.stdout


def test_grade_cli_on_a_corrupt_notebook_says_so(damaged_submission):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade",
                           str(damaged_submission / "forward_prop.ipynb")], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "not valid notebook JSON" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr


def test_in_process_judge_matches_a_function_report_api():
    report = judge("relu", lambda Z: np.maximum(Z, 0))
    assert isinstance(report, FunctionReport) and report.passed
    assert report.to_dict()["passed"] is True


# ----------------------------------------------------------------------------- messages a newcomer meets

def run_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          timeout=180, **kw)


def test_an_unknown_function_is_named_not_an_empty_table(damaged_submission):
    done = run_cli("grade", str(damaged_submission), "--function", "nope")
    assert done.returncode == 2 and "no lesson teaches 'nope'" in done.stdout and "score" not in done.stdout


def test_one_lessons_folder_grades_that_lesson_alone(tmp_path):
    from autograder.grader.reference import reference
    folder = tmp_path / "01_one_hot"
    folder.mkdir()
    write_notebook(folder / "one_hot.ipynb", {"one_hot": reference().source("one_hot")})
    done = run_cli("grade", str(folder))
    assert done.returncode == 0, done.stdout
    assert "score: 2 / 2" in done.stdout and "init_params" not in done.stdout and "missing" not in done.stdout


def test_progress_of_a_folder_that_does_not_exist_says_so(tmp_path):
    done = run_cli("progress", str(tmp_path / "nope"))
    assert done.returncode == 2 and "is not a folder" in done.stdout and "problem" not in done.stdout


def test_progress_has_a_header_and_says_not_here_yet_for_a_missing_lesson(tmp_path):
    import shutil
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    shutil.copytree(root / "lessons" / "01_one_hot", tmp_path / "01_one_hot")
    done = run_cli("progress", str(tmp_path))
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["lesson", "function", "state"]
    assert "not here yet" in done.stdout and "! problem" not in done.stdout
    assert "0/1" not in done.stdout.split("\n", 2)[2].split("01_one_hot")[1].split("\n")[0]  # no "0/1 checks"


def test_nbgrader_with_an_unknown_lesson_says_so_in_one_line():
    done = run_cli("nbgrader", "release", "--lesson", "99_nope")
    assert done.returncode == 2 and "Traceback" not in done.stdout + done.stderr
    assert "No lesson '99_nope'" in done.stdout


def test_help_reads_cleanly():
    done = run_cli("--help")
    assert done.returncode == 0 and "`" not in done.stdout
    assert "progress" in done.stdout and "grade" in done.stdout
