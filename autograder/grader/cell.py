"""A graded cell, from its source to its report: what the grader reads in it before running anything, then
the sandbox, then the checks (instructors' side).

``grade_source`` is the whole of it: the size refusal first (every entry point asks ``too_large`` before
anything parses, fingerprints or compares a cell), a cell that imports the course refused, the cell run
and its cases called in the sandbox (``sandbox.run_in_sandbox``), the signature read from the source (never
from the sandbox's word), and the checks judged here, in the grader's own process.
"""
from __future__ import annotations

import ast
import re

from ..learner.call import adapt
from ..learner.functions import suite
from ..learner.judge import run_checks
from ..learner.model import FunctionReport
from ..learner.pysource import compile_tree, parse
from .sandbox import run_in_sandbox

FORBIDDEN = ("solutions", "autograder", "mnist_data")
MAX_SOURCE_BYTES = 100_000    # a graded cell; the course's longest answer is about 1,500 bytes
# (one class holds the leading spaces too: a \s* of its own before it made a long blank line cost minutes)
MAGIC, ASSIGNED_MAGIC = re.compile(r"^(\s*)(%%?|!)"), re.compile(r"^([\w.,\s\[\]()]+=\s*)(%|!)")


def too_large(function, source) -> FunctionReport | None:
    """The refusal of a graded cell over MAX_SOURCE_BYTES, or None: every entry point asks this first, before
    anything parses, fingerprints or compares the cell."""
    size = len(source) if isinstance(source, str) else 0
    size = len(source.encode("utf-8", "replace")) if 0 < size <= MAX_SOURCE_BYTES else size
    if not isinstance(source, str) or size > MAX_SOURCE_BYTES:
        return FunctionReport(function, problem=(
            f"the graded cell of {function} is {size:,} bytes, more than the {MAX_SOURCE_BYTES:,} a cell may "
            f"hold; keep only the function (and any helpers it needs) in it."))


def _tree(source):
    try:
        return parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ast.Module([], [])


def forbidden_import(source):
    """The course module a cell imports (which graded code may not), or None."""
    for node in ast.walk(_tree(source)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        for name in names:
            if name.split(".")[0] in FORBIDDEN:
                return name.split(".")[0]
    return None


def to_python(source):
    """The cell as plain Python, in one pass: ``%run x`` and ``!cmd`` become ``pass``, ``out = !cmd`` becomes
    ``out = None`` (IPython's own transformer takes minutes on a cell padded with escapes); the line numbers
    stay the learner's."""
    lines = source.split("\n")
    for k, line in enumerate(lines):
        if magic := MAGIC.match(line):
            lines[k] = f"{magic.group(1)}pass  # (an IPython magic or shell escape: not run when grading)"
        elif magic := ASSIGNED_MAGIC.match(line):
            lines[k] = f"{magic.group(1)}None  # (an IPython shell escape: not run when grading)"
    return "\n".join(lines)


def static_signature(source, function):
    """A stand-in with the signature of ``def function`` at the top of the cell (to fit calls to), made from
    its source alone: no decorator, no annotation, every default None, an empty body. None if not there."""
    defs = [n for n in _tree(source).body if isinstance(n, ast.FunctionDef) and n.name == function]
    if not defs:
        return None
    stub, a = parse(f"def {function}(): pass"), defs[-1].args
    a.defaults, a.kw_defaults = [ast.Constant(None) for _ in a.defaults], [d and ast.Constant(None)
                                                                           for d in a.kw_defaults]
    for arg in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg]:
        if arg is not None:
            arg.annotation = None
    stub.body[0].args, namespace = a, {"__builtins__": {}}
    exec(compile_tree(ast.fix_missing_locations(stub), "<signature>"), namespace)
    return namespace[function]


def grade_source(function, source, oracle, timeout=10.0, include_hidden=True):
    """Judge a learner's cell as the answer for ``function``: a FunctionReport."""
    if refused := too_large(function, source):
        return refused
    if module := forbidden_import(source):
        return FunctionReport(function, problem=(
            f"your cell imports {module!r}, the course's own code; graded code must be your own. "
            f"Remove that import and write the function yourself."))
    cases = oracle.cases(function, include_hidden=include_hidden)
    outcomes, problems, defined = run_in_sandbox(function, to_python(source), cases, timeout)
    stand_in = static_signature(source, function)
    for name, outcome in outcomes.items() if stand_in else ():  # the source's signature, not the sandbox's
        outcome.adapted = adapt(stand_in, cases[name].args, cases[name].kwargs, suite(function).args)[2]
    if defined is False:
        p = problems[0] if problems else {}
        detail = (f" Running it raised {p['type']}" + (f" on line {p['line']}" if p["line"] else "") +
                  (f": {p['message']}" if p["message"] else "") + ".") if p else ""
        return FunctionReport(function, problem=(f"the graded cell does not define {function}: keep the line "
                                                 f"`def {function}(...)` as given.{detail}"))
    if exits := [p for p in problems if p["kind"] == "exit"]:
        return FunctionReport(function, problem=(
            f"{exits[0]['message'] or 'your cell calls sys.exit()'}: remove it; graded cells must only "
            f"define the function."))
    return run_checks(suite(function), cases, outcomes, oracle, include_hidden=include_hidden)
