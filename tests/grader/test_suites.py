"""Every check of every graded function, one pytest test each.

By default the subject is the reference network (each function graded in
the sandbox like a learner's cell, hidden checks included): every check
must pass. With ``--notebook PATH`` the subject is a learner's lesson
notebook or folder of notebooks, and each failing test prints the check's
message, as the grader would.
"""
from pathlib import Path

import pytest
from coursekit import SUITES


def _functions(config):
    path = config.getoption("--notebook")
    if not path:
        return list(SUITES)
    from autograder.grader.grade import _lessons_in
    from autograder.learner.course import load_course
    from autograder.learner.notebooks import NotebookError, read_notebook
    course = load_course()
    path = Path(path)
    if path.is_dir():
        return list(course.functions)
    try:
        nb = read_notebook(path)
    except NotebookError:
        nb = None
    return list(dict.fromkeys(l.function for l in _lessons_in(path, nb, course))) or list(course.functions)


def pytest_generate_tests(metafunc):
    if {"function", "check_id"} <= set(metafunc.fixturenames):
        pairs = [(f, c.id) for f in _functions(metafunc.config) for c in SUITES[f].checks]
        metafunc.parametrize("function, check_id", pairs, ids=[f"{f}:{c}" for f, c in pairs])


@pytest.fixture(scope="session")
def graded(request, oracle):
    path = request.config.getoption("--notebook")
    reports = {}

    def get(function):
        if function not in reports:
            if path:
                from autograder.grader.grade import grade_path
                for fg in grade_path(path, oracle=oracle).functions:
                    reports.setdefault(fg.function, fg.report)
                reports.setdefault(function, None)
            else:
                from autograder.grader.reference import reference
                from autograder.grader.cell import grade_source
                source = reference().source(function)
                reports[function] = grade_source(function, source, oracle)
        return reports[function]
    return get


def test_check(function, check_id, graded):
    report = graded(function)
    if report is None:
        pytest.fail(f"no graded cell for {function} was found", pytrace=False)
    if report.problem:
        pytest.fail(report.problem, pytrace=False)
    result = next((r for r in report.results if r.id == check_id), None)
    if result is None and report.not_attempted:
        pytest.fail(report.first_failure, pytrace=False)
    assert result is not None, f"{function} has no check {check_id}"
    if not result.passed:
        pytest.fail(f"{result.purpose}: {result.message}", pytrace=False)


def test_check_ids_are_unique_and_purposes_readable():
    for function, suite in SUITES.items():
        ids = [c.id for c in suite.checks]
        assert len(ids) == len(set(ids)), f"{function}: duplicate check ids {ids}"
        for check in suite.checks:
            assert check.purpose and len(check.purpose) < 90 and check.purpose[0].islower(), check.purpose
