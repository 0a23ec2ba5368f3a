"""The autograder itself: mistakes caught and named, right answers passed, cheats earning nothing,
runners that agree, a check cell that never shows a traceback, and a grading CLI that survives damage."""
import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest

from autograder import checking
from autograder.checking import CheckFailed, check, judge
from autograder.engine import FunctionReport
from autograder.grade import grade_path
from autograder.mutants import MUTANTS, VARIANTS
from autograder.mutation import run_trials
from autograder.oracle import mutant_function
from autograder.reference import reference
from autograder.sandbox import grade_source
from autograder.suites import SUITES


@pytest.fixture(scope="module")
def trials():
    return {(t.function, t.name): t for t in run_trials()}


MUTANT_IDS = [(f, m) for f in MUTANTS for m in MUTANTS[f]]
VARIANT_IDS = [(f, f"variant {i}") for f in VARIANTS for i in range(1, len(VARIANTS[f]) + 1)]


# ----------------------------------------------------------------------------- known mistakes

@pytest.mark.parametrize("function, mistake", MUTANT_IDS, ids=[f"{f}/{m}" for f, m in MUTANT_IDS])
def test_every_known_mistake_is_caught_and_named_by_both_runners(trials, function, mistake):
    t = trials[(function, mistake)]
    for runner, report in (("sandbox", t.sandbox), ("notebook", t.notebook)):
        assert not report.passed, f"{runner} passed {function}/{mistake}"
        assert t.hinted(report), f"{runner} did not name '{t.title}':\n{report.first_failure}"


@pytest.mark.parametrize("function, variant", VARIANT_IDS, ids=[f"{f}/{v}" for f, v in VARIANT_IDS])
def test_right_answers_written_differently_pass_both_runners(trials, function, variant):
    t = trials[(function, variant)]
    assert t.sandbox.passed, t.sandbox.first_failure
    assert t.notebook.passed, t.notebook.first_failure


def test_there_are_at_least_a_dozen_right_variants():
    assert len(VARIANT_IDS) >= 12


def test_catalogue_holds_the_original_notebooks_bugs_and_the_classics():
    required = {"backward_prop": {"scalar_db", "global_m", "missing_1_over_m", "w2_not_transposed"},
                "one_hot": {"max_plus_one"}, "softmax": {"no_shift", "wrong_axis"}, "relu": {"np_max"},
                "get_predictions": {"wrong_axis"}, "get_accuracy": {"count"}, "update_params": {"plus"}}
    for function, ids in required.items():
        assert ids <= set(MUTANTS[function]), function
    for function, suite in SUITES.items():
        assert {m.id for m in suite.mistakes} == set(MUTANTS[function]), f"{function}: hints and mutants differ"


@pytest.mark.parametrize("function, mistake, expected", [
    ("backward_prop", "scalar_db", "db1 is a float64"),
    ("one_hot", "max_plus_one", "shape (9, 12), expected (10, 12) = (10, m)"),
    ("softmax", "no_shift", "NaN"),
], ids=["scalar-db", "max-plus-one", "unstable-softmax"])
def test_messages_say_what_was_expected_and_what_came_back(trials, function, mistake, expected):
    assert expected in trials[(function, mistake)].notebook.first_failure + \
        " ".join(r.message for r in trials[(function, mistake)].notebook.results)


def test_runners_agree_check_by_check_on_every_trial(trials):
    """The notebook's check (stored fixtures) and the grader (live reference) give the same verdicts
    and messages on every visible check, for every mistake and variant."""
    random_answers = {("gradient_descent", "ignores_params"), ("init_params", "ignores_rng")}
    for key, t in trials.items():
        visible = [(r.id, r.status, r.message) for r in t.sandbox.results if not r.hidden]
        here = [(r.id, r.status, r.message) for r in t.notebook.results]
        if key in random_answers:  # they draw fresh random numbers: the same verdicts, other figures
            visible, here = [v[:2] for v in visible], [h[:2] for h in here]
        assert visible == here, key


# ----------------------------------------------------------------------------- cheating

CHEATS = {
    "patches np.allclose": ("relu", "import numpy as np\nnp.allclose = lambda *a, **k: True\n"
                                    "np.array_equal = lambda *a, **k: True\ndef relu(Z):\n    return Z\n",
                            "differs"),
    "calls sys.exit": ("relu", "import sys\ndef relu(Z):\n    sys.exit(0)\n", "sys.exit"),
    "calls os._exit(0)": ("relu", "import os\ndef relu(Z):\n    os._exit(0)\n", "os._exit"),
    "loops forever": ("relu", "def relu(Z):\n    while True:\n        pass\n", "loop that never ends"),
    "prints to stderr": ("relu", "import sys\ndef relu(Z):\n    print('x', file=sys.stderr)\n"
                                 "    return np.maximum(Z, 0)\n", "stderr"),
    "writes to fd 2": ("relu", "import os\ndef relu(Z):\n    os.write(2, b'x')\n    return np.maximum(Z, 0)\n",
                       "stderr"),
    "imports the reference": ("relu", "from solutions import relu as r\ndef relu(Z):\n    return r(Z)\n",
                              "imports 'solutions'"),
    "imports it by name": ("relu", "def relu(Z):\n    return __import__('sol' + 'utions').relu(Z)\n",
                           "No module named 'solutions'"),
    "eats the memory": ("relu", "def relu(Z):\n    x = np.ones((30000, 30000))\n    return np.maximum(Z, 0)\n",
                        "out of memory"),
    "reads the grader's stored answers": (
        "softmax", "def softmax(Z):\n    import autograder.fixtures as f\n    return f.stored_oracle()\n",
        "imports 'autograder'"),
}


@pytest.mark.parametrize("name", list(CHEATS))
def test_cheating_earns_nothing(oracle, name):
    function, source, expected = CHEATS[name]
    report = grade_source(function, source, oracle, timeout=3)
    assert not report.passed
    assert expected in report.first_failure, report.first_failure


def test_a_cheat_costs_only_its_own_function(tmp_path, oracle):
    """A submission that exits, loops and patches NumPy in three lessons still gets its other points."""
    ref = reference()
    sources = {f: ref.source(f) for f in ("one_hot", "init_params", "relu", "softmax", "forward_prop")}
    sources["relu"] = CHEATS["calls os._exit(0)"][1]
    sources["softmax"] = CHEATS["loops forever"][1].replace("relu", "softmax")
    sources["init_params"] = CHEATS["patches np.allclose"][1].replace("def relu(Z):\n    return Z",
                                                                      "def init_params(rng=None):\n    return 0")
    for function, source in sources.items():
        write_notebook(tmp_path / f"{function}.ipynb", {function: source})
    from autograder.course import load_course
    import dataclasses
    course = load_course()
    short = dataclasses.replace(course, lessons=tuple(
        dataclasses.replace(l, timeout=3) for l in course.lessons if l.function in sources))
    grade = grade_path(tmp_path, course=short, oracle=oracle)
    points = {f.function: f.points for f in grade.functions}
    assert points == {"one_hot": 2, "init_params": 0, "relu": 0, "softmax": 0, "forward_prop": 3}


# ----------------------------------------------------------------------------- the check cell

def test_untouched_stub_is_not_attempted_yet(capsys):
    def one_hot(Y):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not attempted yet"):
        check(one_hot)
    out = capsys.readouterr()
    assert "not attempted yet" in out.out and out.err == ""


def test_check_by_name_finds_the_function_in_the_callers_namespace(capsys):
    def relu(Z):
        return np.maximum(Z, 0)
    report = check("relu", {"relu": relu})
    assert report.passed
    assert "relu: all" in capsys.readouterr().out


def test_a_deleted_cell_gets_a_plain_message(capsys):
    with pytest.raises(CheckFailed, match="cannot be checked"):
        check("softmax", {})
    assert "softmax is not defined" in capsys.readouterr().out


def test_a_check_writes_nothing_to_stderr_even_when_the_answer_warns(capsys):
    with pytest.raises(CheckFailed):
        check(mutant_function("softmax", "no_shift"))
    out = capsys.readouterr()
    assert out.err == "" and "overflow" in out.out


def test_a_check_stops_an_endless_loop(monkeypatch, capsys):
    monkeypatch.setattr(checking, "TIMEOUT", 0.3)

    def relu(Z):
        while True:
            pass
    with pytest.raises(CheckFailed):
        check(relu)
    assert "loop that never ends" in capsys.readouterr().out


def test_check_failures_render_without_a_traceback():
    lines = CheckFailed("relu: 2 of 9 checks do not pass yet").__class__._render_traceback_(
        CheckFailed("relu: 2 of 9 checks do not pass yet"))
    assert len(lines) == 1 and "Traceback" not in lines[0]


def test_the_notebook_check_needs_no_reference_code():
    """The check cell's path imports neither solutions nor the grader's modules."""
    code = ("import sys, numpy as np\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'solutions' or name in ('autograder.oracle', 'autograder.cases',"
            " 'autograder.mutants', 'autograder.sandbox', 'subprocess'):\n"
            "            raise ImportError('blocked: ' + name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "from autograder import check\n"
            "def relu(Z):\n    return np.maximum(Z, 0)\n"
            "print(check(relu).passed)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("True")


# ----------------------------------------------------------------------------- the grading CLI

def write_notebook(path, cells, extra_cells=()):
    """A minimal lesson notebook: one nbgrader solution cell per function."""
    nb = nbformat.v4.new_notebook()
    for function, source in cells.items():
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
            "grade": False, "grade_id": function, "locked": False, "schema_version": 3, "solution": True}}))
    nb.cells.extend(extra_cells)
    nbformat.write(nb, path)
    return path


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
    by = {f.function: f for f in grade.functions}
    assert len(by) == 13 and grade.max_score == 30
    assert by["one_hot"].points == 2
    assert by["relu"].points == 0 and "np.max instead of np.maximum" in by["relu"].report.first_failure
    assert "is missing: it was deleted" in by["softmax"].report.problem
    assert "appears 2 times" in by["relu_deriv"].report.problem
    assert "forward_prop.ipynb is damaged: it is not valid notebook JSON" in by["forward_prop"].report.problem
    assert "is missing" in by["backward_prop"].report.problem  # never submitted
    assert grade.score == 2


def test_grade_cli_json_has_the_documented_shape(damaged_submission):
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(damaged_submission), "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    data = json.loads(proc.stdout)
    assert {"score", "max_score", "functions"} <= data.keys()
    assert (data["score"], data["max_score"]) == (2, 30)
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
