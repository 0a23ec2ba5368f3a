"""Running a learner's graded cell as a module: definitions yes, bare expressions no.

Each top-level statement runs in turn, so a failing line does not hide the
definitions after it; bare expressions (``print(...)``, a plot, a test call
the learner left in) are skipped, since grading only needs what the cell
defines. Standard library only: the grading sandbox runs this file too.
"""
import ast
import contextlib
import io

from .pysource import compile_tree, parse

CELL = "<your cell>"


def run_cell(source, namespace, filename=CELL):
    """Run the cell's statements into ``namespace``; return the problems met, as dicts."""
    problems = []
    try:
        tree = parse(source, filename)
    except SyntaxError as exc:
        return [{"kind": "exception", "type": "SyntaxError", "message": str(exc.msg), "line": exc.lineno}]
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr):
            continue
        code = compile_tree(ast.Module(body=[stmt], type_ignores=[]), filename)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(code, namespace)
        except SystemExit:
            problems.append({"kind": "exit", "type": "SystemExit", "line": stmt.lineno,
                             "message": f"line {stmt.lineno} of your cell calls sys.exit() or exit()"})
        except Exception as exc:
            problems.append({"kind": "exception", "type": type(exc).__name__, "message": str(exc)[:300],
                             "line": getattr(stmt, "lineno", None)})
    return problems
