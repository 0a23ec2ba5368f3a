"""The bug hunt (lesson 24): each of the original notebook's five bugs is caught and named, and each repair
passes, by the learner's own check, by the grading CLI and by real nbgrader autograde; nbgrader releases the
original's code to repair, gives each of the four test cells its own verdict and points, and the class report
treats the lesson like any other (partial scores, its functions' mistakes, no "identical work" for code
nobody changed).

The original's code is the released student copy's (the lesson's text, through nbgrader's release);
a repair is made from it the way a learner would, one line at a time.
"""
import ast
import contextlib
import html
import io
import json
import linecache
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from coursekit import VARIANTS

from autograder.grader import classroom as instructor
from autograder.grader.grade import grade_path
from autograder.grader.reference import reference
from autograder.learner import render
from autograder.learner.checking import CheckFailed, check
from autograder.learner.starters import digest
from autograder.learner.course import load_course
from autograder.learner.functions import suite

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
HUNT = COURSE.lesson("24_bug_hunt")
RELEASED = ROOT / HUNT.path


def nbg(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def released():
    return nbformat.read(RELEASED, as_version=4)


ORIGINAL = {nbg(c)["grade_id"]: c.source for c in released().cells if nbg(c).get("solution")}

# The original's backward_prop, its two bugs repaired one at a time, as a learner would.
BACKWARD = ORIGINAL["backward_prop"]
SUM_AXIS = {"np.sum(dZ2)": "np.sum(dZ2, axis=1, keepdims=True)", "np.sum(dZ1)": "np.sum(dZ1, axis=1, keepdims=True)"}


def repaired_db(source):
    for old, new in SUM_AXIS.items():
        source = source.replace(old, new)
    return source


def repaired_m(source):
    return source.replace("    one_hot_Y = one_hot(Y)\n", "    m = X.shape[1]\n    one_hot_Y = one_hot(Y)\n")


# The repairs, written from the original's code as a learner would (not the course's own versions).
REPAIRED = {
    "one_hot": ORIGINAL["one_hot"].replace("Y.max() + 1", "10"),
    "softmax": ORIGINAL["softmax"].replace("np.exp(Z) / sum(np.exp(Z))",
                                           "np.exp(Z - Z.max(axis=0)) / sum(np.exp(Z - Z.max(axis=0)))"),
    "init_params": VARIANTS["init_params"][0],  # He, drawn from the rng it is given
    "backward_prop": repaired_m(repaired_db(BACKWARD)),
}

# Each bug alone, and the mistake the checks name for it (the catalogue's ids, the learner's words).
ALONE = {
    "one_hot": [(ORIGINAL["one_hot"], "max_plus_one")],
    "softmax": [(ORIGINAL["softmax"], "no_shift")],
    "init_params": [(ORIGINAL["init_params"], "seed_uniform")],
    "backward_prop": [(repaired_m(BACKWARD), "scalar_db"), (repaired_db(BACKWARD), "global_m")],
}


def test_the_released_lesson_starts_from_the_originals_code_and_its_source_holds_the_fixes():
    assert list(ORIGINAL) == list(HUNT.functions)
    assert "Y.max() + 1" in ORIGINAL["one_hot"] and "sum(np.exp(Z))" in ORIGINAL["softmax"]
    assert "np.random.rand(10, 784) - 0.5" in ORIGINAL["init_params"] and "def init_params():" in ORIGINAL["init_params"]
    assert "1 / m * np.sum(dZ2)" in BACKWARD and "m = " not in BACKWARD.replace("one_hot_Y = ", "")
    source = nbformat.read(ROOT / "solutions" / HUNT.id / HUNT.notebook, as_version=4)
    ref = reference()
    for cell in (c for c in source.cells if nbg(c).get("solution")):
        assert ref.source(nbg(cell)["grade_id"]).strip().splitlines()[0] in cell.source  # the fix, for instructors
        assert cell.metadata["autograder"]["starter"].strip() == ORIGINAL[nbg(cell)["grade_id"]].strip()
    for function in HUNT.functions:
        assert all(mistake in {m.id for m in suite(function).mistakes} for _, mistake in ALONE[function])


# ----------------------------------------------------------------------------- the learner's own check

def notebook_namespace():
    """The names the bug hunt's check cells see: the toolbox, then the original's cells (their global m, their
    relu_deriv), as the notebook defines them before its first graded cell."""
    ns = {"__name__": "__main__"}
    cells = released().cells
    toolbox = next(c for c in cells if nbg(c).get("grade_id") == "toolbox")
    exec(toolbox.source, ns)
    first_graded = next(i for i, c in enumerate(cells) if nbg(c).get("solution"))
    for cell in cells[:first_graded]:  # the original's functions, not its data or its training
        if cell.cell_type == "code" and nbg(cell).get("grade_id") != "toolbox" and not cell.source.startswith("#"):
            tree = ast.parse(cell.source)
            tree.body = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            exec(compile(tree, "<original>", "exec"), ns)
    ns["m"] = 6000  # m, n = data.shape, in the original's data cell
    return ns


def judged(function, source, ns):
    exec(source, ns)
    return check(function, namespace=ns, raise_on_failure=False)


def named(report, mistake_id, function):
    title = next(m.title for m in suite(function).mistakes if m.id == mistake_id)
    return mistake_id in report.mistakes and any(title in r.message for r in report.results)


@pytest.mark.parametrize("function", HUNT.functions)
def test_the_learners_check_names_each_bug_of_the_original_and_passes_its_repair(function, capsys):
    ns = notebook_namespace()
    for earlier in HUNT.functions[:HUNT.functions.index(function)]:  # repaired above, as the lesson goes
        exec(REPAIRED[earlier], ns)
    for source, mistake in ALONE[function]:
        report = judged(function, source, ns)
        assert not report.passed and named(report, mistake, function), (mistake, report.first_failure)
    assert judged(function, REPAIRED[function], ns).passed


def test_the_learners_check_names_the_originals_backward_prop_whatever_one_hot_it_meets(capsys):
    """In the untouched notebook backward_prop meets the original's one_hot, whose short target it names;
    with one_hot repaired, its own first bug."""
    ns = notebook_namespace()
    assert named(judged("backward_prop", BACKWARD, ns), "one_hot_rows", "backward_prop")
    exec(REPAIRED["one_hot"], ns)
    assert named(judged("backward_prop", BACKWARD, ns), "scalar_db", "backward_prop")


# ----------------------------------------------------------------------------- the check holds back on the original

def in_a_cell(source, ns, number=[0]):
    """Run ``source`` as a notebook cell does: IPython keeps each cell's text (in linecache, under a name of
    its own), which is how the check reads the source of a function defined in it."""
    number[0] += 1
    name = f"<cell {number[0]}>"
    linecache.cache[name] = (len(source), None, source.splitlines(keepends=True), name)
    exec(compile(source, name, "exec"), ns)


def checked(function, source, ns, lesson=HUNT.id):
    """(report, printed verdict) of the check cell, for ``source`` typed into the function's cell."""
    in_a_cell(source, ns)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        report = check(function, namespace=ns, raise_on_failure=False, lesson=lesson)
    return report, out.getvalue()


def gives_nothing_away(function, report, text):
    """No mistake named, no idea, no fix, no check's message: only the count and where to look."""
    flat = " ".join(text.split())
    mistakes = suite(function).mistakes
    assert not report.mistakes and not any(r.message or r.hint or r.fix for r in report.results)
    assert "This looks like" not in flat and "What to try" not in flat and "fix" not in flat.lower()
    assert not [m.title for m in mistakes if m.title in flat] and not [m.id for m in mistakes if m.hint in flat]
    assert not [r.purpose for r in report.results if r.purpose in flat]  # not even which checks fail
    return flat


@pytest.mark.parametrize("function", HUNT.functions)
def test_the_check_on_the_untouched_original_names_no_bug_and_says_to_investigate(function):
    ns = notebook_namespace()
    report, text = checked(function, ORIGINAL[function], ns)
    assert not report.passed and report.withheld
    flat = gives_nothing_away(function, report, text)
    assert flat.startswith(f"✗ {function}: still the original's code · {report.n_failed} of "
                           f"{len(report.results)} checks fail"), flat
    assert f"still the original notebook's {function}, as lesson {HUNT.number} handed it out" in flat
    assert "investigate it with the lesson's probes above" in flat and "once" not in flat
    page = html.unescape(render.html_table(report))
    assert "still the original notebook's" in page and "This looks like" not in page and "<table" not in page
    with pytest.raises(CheckFailed) as raised:  # Run All stops here, with a line that names nothing either
        with contextlib.redirect_stdout(io.StringIO()):
            check(function, namespace=ns, lesson=HUNT.id)
    assert str(raised.value) == f"{function}: still the original's code; {report.n_failed} of " \
                                f"{len(report.results)} checks fail."


def test_the_check_knows_the_original_whatever_its_layout_and_comments():
    ns = notebook_namespace()
    source = ORIGINAL["one_hot"].replace("\n", "  # looked at this\n\n", 1).replace("(Y.size, Y.max() + 1)",
                                                                                    "(Y.size,\n    Y.max() + 1)")
    report, text = checked("one_hot", "# my notes\n" + source, ns)
    assert report.withheld and "max_plus_one" not in text


CHANGED = {  # each cell changed by the learner, its bug still there
    "one_hot": (ORIGINAL["one_hot"].replace("one_hot_Y", "target"), "max_plus_one"),
    "softmax": (ORIGINAL["softmax"].replace("sum(np.exp(Z))", "np.sum(np.exp(Z), axis=0)"), "no_shift"),
    "init_params": (ORIGINAL["init_params"].replace("def init_params():", "def init_params(rng=None):"),
                    "seed_uniform"),
    "backward_prop": (repaired_m(BACKWARD), "scalar_db"),
}


@pytest.mark.parametrize("function", HUNT.functions)
def test_once_the_learner_has_changed_the_cell_the_check_says_everything(function):
    ns = notebook_namespace()
    for earlier in HUNT.functions[:HUNT.functions.index(function)]:
        in_a_cell(REPAIRED[earlier], ns)
    source, mistake = CHANGED[function]
    report, text = checked(function, source, ns)
    assert not report.withheld and not report.passed and named(report, mistake, function), text
    assert "still the original" not in text and "What to try" in text
    report, text = checked(function, REPAIRED[function], ns)
    assert report.passed and not report.withheld


def test_the_check_says_everything_where_the_lesson_handed_out_no_code():
    """Lesson 1 hands out a stub: there, the original's one_hot is a learner's answer like any other (some
    paste it), and its check names its bug. So does a check that cannot read the function's source."""
    ns = notebook_namespace()
    report, text = checked("one_hot", ORIGINAL["one_hot"], ns, lesson="01_one_hot")
    assert not report.withheld and named(report, "max_plus_one", "one_hot")
    exec(ORIGINAL["one_hot"], ns)  # no cell text kept: nothing to compare with
    with contextlib.redirect_stdout(io.StringIO()):
        report = check("one_hot", namespace=ns, raise_on_failure=False, lesson=HUNT.id)
    assert not report.withheld and named(report, "max_plus_one", "one_hot")


def test_the_digest_sets_layout_aside_and_nothing_else():
    original = ORIGINAL["softmax"]
    assert digest(original, "softmax") == digest("import numpy as np\n\n" + original.replace("\n", "   \n"),
                                                  "softmax")
    assert digest(original, "softmax") != digest(original.replace("A = ", "P = ").replace("return A", "return P"),
                                                  "softmax")
    assert digest(original, "relu") is None and digest("def softmax(:", "softmax") is None


def test_progress_holds_back_too_until_the_cell_is_changed(tmp_path):
    from autograder.learner.progress import progress
    hunt_notebook(tmp_path / HUNT.id / HUNT.notebook, {})
    states = {s.lesson.function: s for s in progress(tmp_path) if s.lesson.id == HUNT.id}
    for function, state in states.items():
        assert state.state == "failing" and state.hint.startswith(f"still the original notebook's {function}")
        assert not [m.title for m in suite(function).mistakes if m.title in state.hint]
    hunt_notebook(tmp_path / HUNT.id / HUNT.notebook, {f: source for f, (source, _) in CHANGED.items()})
    states = {s.lesson.function: s for s in progress(tmp_path) if s.lesson.id == HUNT.id}
    assert all(s.state == "failing" and not s.hint.startswith("still the original") for s in states.values())
    assert "This looks like" in states["one_hot"].hint


# ----------------------------------------------------------------------------- the grading CLI

def hunt_notebook(path, sources):
    """The released bug hunt with these graded cells (function -> source; the others as released)."""
    nb = released()
    for cell in nb.cells:
        if nbg(cell).get("solution") and nbg(cell)["grade_id"] in sources:
            cell.source = sources[nbg(cell)["grade_id"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def by_function(grade):
    return {f.function: f for f in grade.functions}


def test_the_grading_cli_names_each_bug_of_the_original(tmp_path, oracle):
    grade = grade_path(hunt_notebook(tmp_path / HUNT.id / HUNT.notebook, {}), oracle=oracle)
    graded = by_function(grade)
    assert [(f.lesson, f.function, f.max_points) for f in grade.functions] == [
        (v.id, v.function, v.points) for v in HUNT.per_function]
    assert grade.score == 0 and grade.max_score == HUNT.points == 10
    for function in ("one_hot", "softmax", "init_params"):
        report = graded[function].report
        assert named(report, ALONE[function][0][1], function), report.first_failure
    # graded from its cell alone, the original's backward_prop finds no m: its global m, named as such
    assert named(graded["backward_prop"].report, "global_m", "backward_prop")
    assert "NameError" in graded["backward_prop"].report.first_failure
    assert all(f.cell is None for f in grade.functions)  # the code handed out: nobody's own work


def test_the_grading_cli_names_each_of_backward_props_bugs_alone_and_passes_the_repairs(tmp_path, oracle):
    for k, (source, mistake) in enumerate(ALONE["backward_prop"]):
        path = hunt_notebook(tmp_path / f"alone{k}" / HUNT.notebook, {"backward_prop": source})
        report = by_function(grade_path(path, oracle=oracle))["backward_prop"].report
        assert named(report, mistake, "backward_prop"), report.first_failure
    path = hunt_notebook(tmp_path / "repaired" / HUNT.id / HUNT.notebook, REPAIRED)
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stderr == "", proc.stdout[-2000:] + proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert (data["score"], data["max_score"]) == (10, 10)
    assert [(f["lesson"], f["name"], f["points"]) for f in data["functions"]] == [
        (v.id, v.function, v.points) for v in HUNT.per_function]
    assert all(f["source_digest"] for f in data["functions"])  # the learner's own code, fingerprinted


def test_a_function_graded_by_two_lessons_is_graded_from_each_lessons_own_notebook(tmp_path, oracle):
    """one_hot is lesson 1's and the bug hunt's: a learner's folder holding both is graded cell by cell, each
    in its own lesson, never 'appears 2 times'."""
    folder = tmp_path / "alice"
    one_hot = nbformat.read(ROOT / COURSE.lesson("01_one_hot").path, as_version=4)
    for cell in one_hot.cells:
        if nbg(cell).get("solution"):
            cell.source = reference().source("one_hot")
    (folder / "01_one_hot").mkdir(parents=True)
    nbformat.write(one_hot, folder / "01_one_hot" / "one_hot.ipynb")
    hunt_notebook(folder / HUNT.id / HUNT.notebook, {})  # the bug hunt untouched: the original's one_hot
    grade = grade_path(folder, oracle=oracle, functions=["one_hot"])
    assert [(f.lesson, f.points) for f in grade.functions] == [("01_one_hot", 2), (HUNT.id, 0)]
    assert named(grade.functions[1].report, "max_plus_one", "one_hot")


# ----------------------------------------------------------------------------- real nbgrader, and the class report

STUDENTS = {
    "alice": REPAIRED,                                               # every bug found and fixed
    "bob": {},                                                       # the original, untouched
    "carol": {"one_hot": REPAIRED["one_hot"], "softmax": REPAIRED["softmax"],
              "backward_prop": repaired_db(BACKWARD)},               # two repairs, and half of a third
    "dave": {},                                                      # untouched too: not bob's "identical" work
}
SCORES = {"alice": 10, "bob": 0, "carol": 4, "dave": 0}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "solutions", root / "solutions", ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    shutil.copy(ROOT / "nbgrader_config.py", root)
    api = instructor.api_for(root, db_url=f"sqlite:///{root}/gradebook.db")
    instructor.release(api, [HUNT.id])
    for student, sources in STUDENTS.items():
        path = root / "submitted" / student / HUNT.id / HUNT.notebook
        nb = nbformat.read(root / "release" / HUNT.id / HUNT.notebook, as_version=4)
        for cell in nb.cells:
            if nbg(cell).get("solution") and nbg(cell)["grade_id"] in sources:
                cell.source = sources[nbg(cell)["grade_id"]]
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        (path.parent / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    done, failed = instructor.autograde(api, [HUNT.id], jobs=2)
    instructor.feedback(api, [HUNT.id])
    return {"root": root, "api": api, "done": done, "failed": failed}


def test_nbgrader_releases_the_originals_code_to_repair(graded_class):
    nb = nbformat.read(graded_class["root"] / "release" / HUNT.id / HUNT.notebook, as_version=4)
    assert {nbg(c)["grade_id"]: c.source for c in nb.cells if nbg(c).get("solution")} == ORIGINAL
    assert not any("autograder" in c.metadata for c in nb.cells)
    from nbgrader.api import Gradebook
    with Gradebook(graded_class["api"].coursedir.db_url, graded_class["api"].coursedir.course_id) as gb:
        cells = {c.name: c.max_score for c in gb.find_notebook(HUNT.notebook[:-6], HUNT.id).grade_cells}
    assert cells == {f"check_{v.function}": v.points for v in HUNT.per_function}


def test_nbgrader_scores_each_function_of_the_lesson_from_the_sandboxed_grader(graded_class):
    assert not graded_class["failed"] and len(graded_class["done"]) == len(STUDENTS)
    scores = instructor.scores(graded_class["api"])
    assert {s: scores[(s, HUNT.id)] for s in STUDENTS} == SCORES
    from nbgrader.api import Gradebook
    with Gradebook(graded_class["api"].coursedir.db_url, graded_class["api"].coursedir.course_id) as gb:
        carol = gb.find_submission_notebook(HUNT.notebook[:-6], HUNT.id, "carol")
        assert {g.name: g.score for g in carol.grades} == {"check_one_hot": 2, "check_softmax": 2,
                                                            "check_init_params": 0, "check_backward_prop": 0}


def test_each_test_cell_holds_its_own_functions_verdict(graded_class):
    nb = nbformat.read(graded_class["root"] / "autograded" / "bob" / HUNT.id / HUNT.notebook, as_version=4)
    tests = [c for c in nb.cells if nbg(c).get("grade")]
    assert [nbg(c)["grade_id"] for c in tests] == [f"check_{f}" for f in HUNT.functions]
    for cell, function in zip(tests, HUNT.functions):
        text = " ".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
        assert text.startswith(f"✗ {function}:") and "Graded outside your notebook" in text, text[:300]
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors and errors[0].evalue.startswith(f"{function}:")
    feedback = html.unescape(next((graded_class["root"] / "feedback" / "bob" / HUNT.id).glob("*.html")).read_text())
    for function in HUNT.functions:
        mistake = ALONE[function][0][1] if function != "backward_prop" else "global_m"
        title = next(m.title for m in suite(function).mistakes if m.id == mistake)
        assert title in feedback, title


def test_the_results_hold_the_lesson_and_each_of_its_functions(graded_class):
    results = graded_class["root"] / "results" / HUNT.id
    carol = json.loads((results / "carol.json").read_text())
    assert (carol["lesson"], carol["points"], carol["max_points"], carol["passed"]) == (HUNT.id, 4, 10, False)
    assert [(f["name"], f["points"], f["max_points"]) for f in carol["functions"]] == [
        ("one_hot", 2, 2), ("softmax", 2, 2), ("init_params", 0, 2), ("backward_prop", 0, 4)]
    assert "backward_prop.global_m" in carol["mistakes"] and "init_params.seed_uniform" in carol["mistakes"]
    assert carol["source_digest"]  # her own code
    bob = json.loads((results / "bob.json").read_text())
    assert bob["source_digest"] is None and bob["points"] == 0  # the original, untouched: nobody's own work
    assert {"one_hot.max_plus_one", "softmax.no_shift", "init_params.seed_uniform", "backward_prop.global_m"} \
        <= set(bob["mistakes"])


def test_the_class_report_treats_the_bug_hunt_like_any_lesson(graded_class, tmp_path):
    from autograder.grader.classreport import make_report
    written = make_report(graded_class["root"], tmp_path / "report")
    (summary,) = written.report.lessons
    assert summary.lesson.id == HUNT.id
    assert summary.by_status["passing"] == ["alice"] and sorted(summary.by_status["failing"]) == ["bob", "carol", "dave"]
    assert sorted(summary.scores) == [0, 0, 4, 10] and summary.score_counts == {0.0: 2, 4.0: 1, 10.0: 1}
    mistakes = {m.id: m for m in summary.mistakes}
    assert mistakes["one_hot.max_plus_one"].students == ["bob", "dave"]
    assert mistakes["one_hot.max_plus_one"].function == "one_hot"
    assert mistakes["backward_prop.global_m"].title == next(
        m.title for m in suite("backward_prop").mistakes if m.id == "global_m")
    assert not written.report.identical  # bob and dave handed in the same code: the course's, not a copy
    page = html.unescape(written.page.read_text())
    assert "one_hot, softmax, init_params, backward_prop" in page and "the original notebook's bug" in page
    # the same verdicts from `grade --json` files, with no results/ and no gradebook
    grades = tmp_path / "grades"
    grades.mkdir()
    for student in STUDENTS:
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--json",
                               str(graded_class["root"] / "submitted" / student / HUNT.id)],
                              capture_output=True, text=True, timeout=300)
        (grades / f"{student}.json").write_text(done.stdout)
    from autograder.grader.classreport import collect
    (tmp_path / "elsewhere").mkdir()
    data = collect(tmp_path / "elsewhere", grades=grades)
    subs = {s: data.submission(s, HUNT.id) for s in STUDENTS}
    assert {s: (sub.status, sub.score) for s, sub in subs.items()} == {
        "alice": ("passing", 10), "bob": ("failing", 0), "carol": ("failing", 4), "dave": ("failing", 0)}
    assert subs["bob"].digest is None and subs["carol"].digest and "one_hot.max_plus_one" in subs["bob"].mistakes
