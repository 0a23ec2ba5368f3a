"""One source of truth: generated files are fresh, student copies are clean, each lesson leaves exactly its
functions (one, or the bug hunt's four, which start from the original notebook's code), and no lesson folder
gives away its own answer or a later one."""
import ast
import json
from pathlib import Path

import pytest

from autograder.author import COMMAND
from autograder.author.stale import stale_files
from autograder.learner.course import load_course
from autograder.grader.reference import reference

ROOT = Path(__file__).resolve().parents[2]
COURSE = load_course()
LESSONS = list(COURSE.all_notebooks)


def cells(path):
    return json.loads(Path(path).read_text())["cells"]


def code(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def nbg(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def test_generated_files_are_fresh():
    stale = stale_files(ROOT)
    assert not stale, f"stale generated files (run `{COMMAND}`): {stale}"


def test_generated_files_do_not_depend_on_what_ran_before_in_the_process():
    """The checks' fixtures come out the same after the probes have been used (a generator shared by the whole
    process once made minibatches' fixtures depend on the tests that ran before, in one CI run)."""
    from autograder.learner.probes import PROBES
    for seed in range(8):
        PROBES["kept_generator"](seed).permutation(12)
        PROBES["same_generator"](seed).permutation(12)
        PROBES["generator"](seed).permutation(12)
    assert not stale_files(ROOT)


@pytest.mark.parametrize("lesson", LESSONS, ids=[l.id for l in LESSONS])
def test_student_copy_is_clean_and_says_it_is_generated(lesson):
    path = ROOT / lesson.path
    nb = cells(path)
    for cell in nb:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert COMMAND in code(nb[0]) and "Generated" in code(nb[0])
    assert f"solutions/{lesson.id}/" in code(nb[0])


def starters(lesson):
    """function -> the code its graded cell starts from (the bug hunt's original functions), as the lesson's
    text gives it under its `#| generated: solution <function>` marker."""
    import jupytext
    text = jupytext.read(ROOT / "solutions" / lesson.id / lesson.notebook.replace(".ipynb", ".md"))
    found = {}
    for cell in text.cells:
        first, _, body = cell.source.partition("\n")
        if cell.cell_type == "code" and first.startswith("#| generated: solution") and body.strip():
            found[first.split()[-1]] = body.strip()
    return found


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=[l.id for l in COURSE.lessons])
def test_each_lesson_leaves_exactly_the_functions_course_yml_names(lesson):
    nb = cells(ROOT / lesson.path)
    solutions = [c for c in nb if nbg(c).get("solution")]
    assert [nbg(c)["grade_id"] for c in solutions] == list(lesson.functions)
    start = starters(lesson)
    for cell, function in zip(solutions, lesson.functions):
        tree = ast.parse(code(cell))
        (fn,) = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        assert fn.name == function
        if function in start:  # released with the code to repair, by nbgrader and the course's StarterCode
            assert code(cell).strip() == start[function] and "autograder" not in cell["metadata"]
        else:
            body = fn.body[1:] if ast.get_docstring(fn) else fn.body
            assert [ast.unparse(s) for s in body] == ["raise NotImplementedError()"]
    assert set(start) <= set(lesson.functions) and (len(start) == 4) == (lesson.id == "24_bug_hunt")
    tests = [c for c in nb if nbg(c).get("grade")]
    assert [(nbg(c)["grade_id"], nbg(c)["points"]) for c in tests] == [
        (f"check_{v.function}", v.points) for v in lesson.per_function]
    for cell, function in zip(tests, lesson.functions):
        # a function handed out as code to repair: its check names the lesson, so that it knows that code
        call = f'check("{function}", lesson="{lesson.id}")' if function in start else f'check("{function}")'
        assert call in code(cell) and "HIDDEN" not in code(cell)
    # and the learners' fixtures know each handed-out function by its digest (the check's only way to know it)
    from autograder.learner.fixtures import StoredOracle
    from autograder.learner.starters import digest
    stored = StoredOracle()
    for function in lesson.functions:
        assert stored.starter_digest(lesson.id, function) == (digest(start[function], function)
                                                               if function in start else None)


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=[l.id for l in COURSE.lessons])
def test_solution_cell_is_the_reference_code(lesson):
    """The solution cells and solutions/network.py never drift apart."""
    nb = cells(ROOT / "solutions" / lesson.id / lesson.notebook)
    found = [c for c in nb if nbg(c).get("solution")]
    assert [nbg(c)["grade_id"] for c in found] == list(lesson.functions)
    for cell, function in zip(found, lesson.functions):
        lines = [l for l in code(cell).splitlines(keepends=True) if "### BEGIN SOLUTION" not in l
                 and "### END SOLUTION" not in l]
        assert "".join(lines).strip() == reference().source(function).strip()


@pytest.mark.parametrize("lesson", LESSONS, ids=[l.id for l in LESSONS])
def test_lesson_folder_gives_away_neither_its_answer_nor_a_later_one(lesson):
    # the functions first taught here or later, and the lesson's own (the bug hunt grades four taught earlier)
    later = list(dict.fromkeys([f for f in COURSE.functions if COURSE.lesson_for(f).number >= lesson.number]
                               + list(lesson.functions))) if lesson.graded else []
    folder = ROOT / "lessons" / lesson.id
    for path in folder.rglob("*"):
        if path.is_dir():
            continue
        if path.suffix == ".ipynb":
            sources = [code(c) for c in cells(path) if c["cell_type"] == "code"]
        else:
            sources = [path.read_text(errors="replace")]
        for text in sources:
            for function in later:
                assert not reference().appears_in(text, function), f"{path.relative_to(ROOT)} holds the answer to {function}"
            try:
                defined = {n.name for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)}
            except SyntaxError:
                continue
            for function in later:
                if function in defined and function not in lesson.functions:
                    pytest.fail(f"{path.relative_to(ROOT)} defines {function}, a later lesson's function")


@pytest.mark.parametrize("lesson", COURSE.lessons[1:], ids=[l.id for l in COURSE.lessons[1:]])
def test_earlier_functions_are_provided_in_the_toolbox(lesson):
    nb = cells(ROOT / lesson.path)
    (toolbox,) = [c for c in nb if nbg(c).get("grade_id") == "toolbox"]
    assert nbg(toolbox)["locked"]
    defined = {n.name for n in ast.parse(code(toolbox)).body if isinstance(n, ast.FunctionDef)}
    earlier = {f for f in COURSE.functions if COURSE.lesson_for(f).number < lesson.number} - set(lesson.functions)
    assert earlier <= defined
    assert not defined & set(lesson.functions)  # never the lesson's own, even when an earlier lesson taught it
