"""The tree shows who runs what: three sides, one module per graded function on each side, mirrored.

Adding a graded function is: its lesson in course.yml, ``autograder/learner/functions/<name>.py``
(output, checks, mistakes with hints), ``autograder/grader/functions/<name>.py`` (cases, mistakes'
sources, right variants), its reference in ``solutions/`` and the lesson's text.
"""
import ast
import sys
from pathlib import Path

import pytest

from autograder.grader.functions import build_cases, module
from autograder.learner.course import load_course
from autograder.learner.functions import available, suite

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "autograder"
COURSE = load_course()
# What the learners' side may import: the standard library, NumPy, and where they are at hand
# (never needed for a verdict) IPython and matplotlib; the capstone's widget also uses the data package
# beside it in the learners' wheel (mnist_data.drawing) and anywidget with its traitlets.
# (yaml only to read course.yml in a clone; installs read the packaged course.json.)
LEARNER_MAY_IMPORT = set(sys.stdlib_module_names) | {"numpy", "IPython", "matplotlib", "yaml", "mnist_data",
                                                     "anywidget", "traitlets", "threadpoolctl"}
# ...and these only inside a function, on first use: importing any module of the learners' side (a check
# cell, the grading sandbox) never needs them.
LEARNER_IMPORTS_LAZILY = {"anywidget", "traitlets", "threadpoolctl"}


def test_the_package_is_laid_out_by_side():
    sides = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__"))
    assert sides == ["author", "grader", "learner"]
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert modules == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize("function", COURSE.functions)
def test_each_graded_function_has_one_module_on_each_side(function):
    learner = PACKAGE / "learner" / "functions" / f"{function}.py"
    grader = PACKAGE / "grader" / "functions" / f"{function}.py"
    assert learner.exists() and grader.exists()
    s, m = suite(function), module(function)
    assert s.function == function
    assert {x.id for x in s.mistakes} == set(m.MUTANTS), "every named mistake has a source, and no more"
    assert m.VARIANTS, "at least one right answer written differently"
    cases = build_cases(function)
    assert list(cases) == s.case_names(include_hidden=True)
    assert any(c.hidden for c in cases.values()), "hidden cases, judged only by the grader"


def test_every_module_on_either_side_belongs_to_a_lesson():
    grader = sorted(p.stem for p in (PACKAGE / "grader" / "functions").glob("*.py") if not p.stem.startswith("_"))
    assert sorted(COURSE.functions) == available() == grader


@pytest.mark.parametrize("path", sorted((PACKAGE / "learner").rglob("*.py")),
                         ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_the_learners_side_imports_nothing_of_the_grader_or_the_answers(path):
    tree = ast.parse(path.read_text())
    in_functions = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: must stay inside autograder.learner
                depth = len(path.relative_to(PACKAGE / "learner").parts) - 1
                assert node.level <= depth + 1, f"{path.name} reaches outside the learners' package"
                continue
            names = [node.module]
        else:
            continue
        for name in names:
            assert name.split(".")[0] in LEARNER_MAY_IMPORT, f"{path.name} imports {name}"
            if name.split(".")[0] in LEARNER_IMPORTS_LAZILY:
                assert id(node) in in_functions, f"{path.name} imports {name} when loaded, not on first use"


def test_every_parse_goes_through_the_locked_parser():
    """CPython 3.11's ast.parse is not thread-safe (python/cpython#106905: "AST constructor recursion depth
    mismatch" under load in the grading CLI's thread pool): the package parses through learner/pysource.py."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "pysource.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parse" \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "ast":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"use autograder.learner.pysource.parse instead of ast.parse: {offenders}"
