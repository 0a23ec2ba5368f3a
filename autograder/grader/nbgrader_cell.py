"""The hidden half of each lesson's nbgrader test cell: ``grade("one_hot")``.

It runs in the learner's kernel during ``nbgrader autograde`` but trusts
nothing there: it starts a fresh Python process that reads the learner's
notebook from disk, runs the graded cell in the sandbox and judges it with
every check (hidden ones included) against the live reference. This kernel
only shows the verdict and raises when the function fails, which is what
nbgrader scores. Nothing here or in the output reveals a reference answer.
"""
import json
import linecache
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..learner.checking import CheckFailed, show
from ..learner.course import load_course
from ..learner.model import CheckResult, FunctionReport
from ..learner.notebooks import NotebookError, graded_cells, read_notebook


def _find_notebook(lesson, folder):
    """The notebook in ``folder`` that holds the graded cell for the lesson's function."""
    candidates = [folder / lesson.notebook] + sorted(folder.glob("*.ipynb"))
    for path in dict.fromkeys(candidates):
        if not path.exists():
            continue
        try:
            if lesson.function in graded_cells(path, read_notebook(path)):
                return path
        except NotebookError:
            continue
    return None


def _kernel_source(function, namespace):
    """Fallback: the learner's cell as this kernel ran it (when the notebook file is not at hand)."""
    fn = namespace.get(function)
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    lines = linecache.getlines(code.co_filename)
    return "".join(lines) if lines else None


def report_from_dict(function, data):
    report = FunctionReport(function, problem=data.get("problem", ""))
    for c in data.get("checks", []):
        if c.get("name") == "graded-cell":
            continue
        report.results.append(CheckResult(c.get("name", "?"), c.get("purpose", c.get("name", "?")),
                                          c.get("status", "pass" if c.get("passed") else "fail"),
                                          c.get("message", "")))
    return report


def grade(function, namespace=None):
    """Grade ``function`` from the learner's notebook in a fresh process; raise CheckFailed unless it passes."""
    namespace = namespace if namespace is not None else sys._getframe(1).f_globals
    lesson = load_course().lesson_for(function)
    notebook = _find_notebook(lesson, Path.cwd())
    temp = None
    if notebook is None:
        source = _kernel_source(function, namespace)
        if source is None:
            report = FunctionReport(function, problem=(
                f"{function} was not found: neither this folder's notebook nor this kernel holds its graded "
                f"cell. The cell may have been deleted; restore it from a fresh copy of the lesson."))
            show(report)
            raise CheckFailed(f"{function}: the graded cell is missing.")
        temp = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
        temp.write(source)
        temp.close()
        target = ["--source", temp.name]
    else:
        target = [str(notebook)]
    cmd = [sys.executable, "-I", "-m", "autograder", "grade", *target, "--function", function, "--json",
           "--jobs", "1"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=lesson.timeout + 60,
                              stdin=subprocess.DEVNULL)
        data = json.loads(proc.stdout)
    except (subprocess.TimeoutExpired, json.JSONDecodeError, OSError) as exc:
        report = FunctionReport(function, problem=f"the grader could not run ({type(exc).__name__}); "
                                                  f"ask your instructor to look at this submission.")
        show(report)
        raise CheckFailed(f"{function}: not graded.") from None
    finally:
        if temp:
            os.unlink(temp.name)
    if "error" in data:
        report = FunctionReport(function, problem=data["error"])
    else:
        entry = next((f for f in data.get("functions", []) if f.get("name") == function), {})
        report = report_from_dict(function, entry)
    show(report)
    if not report.passed:
        raise CheckFailed(f"{function}: graded with every check, {report.n_passed} of "
                          f"{len(report.results)} pass.")
    # Nothing is returned: nbgrader would read a returned value as a partial-credit score.
