"""The check cell: ``check("one_hot")`` judges the learner's function right here, in the notebook.

It needs nothing but NumPy and the course's stored fixtures: no reference
code, no subprocess, no network, so it works the same in Jupyter, Colab and
the browser. It shows a verdict table and, when something fails, raises a
short ``CheckFailed`` (no traceback) so the cell is marked as failed.
"""
import sys
from dataclasses import replace

from . import render
from .call import run_cases
from .fixtures import FixturesError, stored_oracle
from .functions import available, has_checks, suite
from .judge import run_checks
from .model import CheckResult, FunctionReport
from .render import plural
from .starters import handed_out

TIMEOUT = 20.0
_LAST = {}  # function name -> did its last check in this session pass?


class CheckFailed(AssertionError):
    """A check cell's verdict: something is not right yet.

    The verdict banner above already says so; in Jupyter the error itself is
    one short line (no traceback), there only so that Run All stops and
    nbgrader counts the cell as failed.
    """

    def _render_traceback_(self):
        return [f"\x1b[31m✗ {self}\x1b[0m"]


def judge(function, fn, include_hidden=False, oracle=None):
    """A FunctionReport for ``fn`` as an answer to ``function``, using the stored oracle."""
    try:
        oracle = oracle or stored_oracle()
        cases = oracle.cases(function)
    except FixturesError as exc:
        return FunctionReport(function, problem=str(exc))
    if not callable(fn):
        return FunctionReport(function, problem=f"{function} is {type(fn).__name__}, not a function: "
                                                f"run the cell that defines it (def {function}(...)).")
    outcomes = run_cases(fn, cases, timeout=TIMEOUT, names=suite(function).args, writable=suite(function).writable)
    return run_checks(suite(function), cases, outcomes, oracle, include_hidden=include_hidden)


def in_jupyter():
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show(report, fix=False):
    """The verdict: HTML with a text form beside it in Jupyter, text elsewhere."""
    render.show(render.html_table(report, fix_open=fix), render.text(report, fix=fix))


def withhold(report, lesson_id):
    """The verdict on code the lesson handed out that the learner has not changed yet: how many checks fail,
    and where to look, but no message, no mistake, no idea and no fix (the bug hunt's probes are there to
    find them). Statuses and purposes stay, for programs; the verdict shows none of the rows."""
    from .course import CourseError, load_course
    try:
        lesson = load_course().lesson(lesson_id)
        where = f"lesson {lesson.number}"
    except CourseError:
        where = "this lesson"
    total, failed, waiting = len(report.results), report.n_failed, report.n_skipped
    wait = (f", and {waiting} more wait{'s' if waiting == 1 else ''} until {'it passes' if failed == 1 else 'they pass'}"
            if waiting else "")
    said = (f"This is still the original notebook's {report.function}, as {where} handed it out: it fails "
            f"{plural(failed, 'check')} of the {total} this cell makes{wait}. The check keeps what it found to "
            f"itself until you have changed the function, so that the finding is yours: investigate it with "
            f"the lesson's probes above, repair it, and run this check again. From then on it says, check by "
            f"check, what is still wrong.")
    return replace(report, results=[CheckResult(r.id, r.purpose, r.status, hidden=r.hidden) for r in report.results],
                   withheld=said)


def check(function, namespace=None, raise_on_failure=True, fix=False, lesson=None):
    """Check the learner's ``function`` (its name, or the function itself) and show the verdict.

    Looks the name up in the calling notebook's variables. Raises
    CheckFailed after showing the table when anything fails. Otherwise
    returns the FunctionReport, except in Jupyter, where the table it has
    shown is the answer (``passed(name)`` tells later cells).

    ``lesson``: the id of the lesson whose check cell this is, given where the lesson hands out code to
    repair (the bug hunt): while the function is still that code, unchanged, the verdict says how many
    checks fail and where to look, and holds back what they found (``withhold``).
    """
    name = function if isinstance(function, str) else getattr(function, "__name__", str(function))
    if not has_checks(name):
        raise CheckFailed(f"There are no checks for {name!r}; the course checks {', '.join(available())}.")
    if isinstance(function, str):
        namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        fn = namespace.get(name)
        near = [k for k in namespace if k.lower() == name.lower() and k != name and callable(namespace[k])]
        if fn is None and near:
            report = FunctionReport(name, problem=(
                f"{name} is not defined, but {near[0]} is: the lesson's function is called `{name}`, exactly so "
                f"(names are case-sensitive); keep the `def {name}(...)` line as given."))
        elif fn is None:
            report = FunctionReport(name, problem=(
                f"{name} is not defined: run the cell where you wrote it (Shift+Enter). If you deleted that "
                f"cell, copy it back from a fresh copy of this lesson."))
        else:
            report = judge(name, fn)
    else:
        fn = function
        report = judge(name, function)
    if lesson and not (report.passed or report.problem or report.not_attempted) \
            and handed_out(lesson, name, fn=fn):
        report = withhold(report, lesson)
    show(report, fix=fix)
    _LAST[name] = report.passed
    if raise_on_failure and not report.passed:
        if report.not_attempted:
            raise CheckFailed(f"{name}: not attempted yet.")
        if report.problem:
            raise CheckFailed(f"{name}: cannot be checked yet.")
        if report.withheld:
            raise CheckFailed(f"{name}: still the original's code; {report.n_failed} of {len(report.results)} "
                              f"checks fail.")
        waiting = f", {report.n_skipped} more wait" if report.n_skipped else ""
        raise CheckFailed(f"{name}: {report.n_failed} of {len(report.results)} checks fail{waiting}; "
                          f"the table above says why.")
    return None if in_jupyter() else report


def passed(name):
    """True once ``check(name)`` has passed in this session: cells that use your function can wait for it."""
    return _LAST.get(name, False)


def grading():
    """True while nbgrader runs this notebook to grade it: long demonstrations can skip themselves."""
    import os
    return os.environ.get("NBGRADER_EXECUTION") in ("autograde", "validate")
