"""The reference's source, split into imports, constants and functions (instructors' side).

The reference is one or more modules of ``solutions/``, named in course.yml's
``reference`` (part 1's ``network.py``, then part 2's): every graded function
is written once, in one of them. The build uses this to write solution and
toolbox cells; the sandbox to give a learner's cell the course's constants and
the toolbox's functions; the oracle to compute expected values.
"""
import ast
import importlib
from functools import lru_cache
from pathlib import Path

from ..learner.pysource import parse

ROOT = Path(__file__).resolve().parents[2]


class Reference:
    """The reference modules' source, split into imports, constants and functions, in course order."""

    def __init__(self, *paths):
        self.paths = [Path(p) for p in paths]
        self.imports, self.constants, self.functions, self.order = [], [], {}, []
        self.module_of = {}        # function name -> index of its module in self.paths
        self.preludes = []         # per module: (imports, constants) it adds
        for index, path in enumerate(self.paths):
            self._read(path, index)

    def _read(self, path, index):
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines(keepends=True)
        imports, constants = [], []
        for node in parse(text).body:
            segment = "".join(lines[node.lineno - 1:node.end_lineno])
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                if getattr(node, "level", 0) or module.split(".")[0] == "solutions":
                    continue  # one reference module using another: those names are the toolbox's
                if segment not in self.imports:
                    self.imports.append(segment)
                    imports.append(segment)
            elif isinstance(node, ast.Assign):
                comments = []
                k = node.lineno - 2
                while k >= 0 and lines[k].startswith("#"):
                    comments.insert(0, lines[k])
                    k -= 1
                self.constants.append("".join(comments) + segment)
                constants.append("".join(comments) + segment)
            elif isinstance(node, ast.FunctionDef):
                if node.name in self.functions:
                    raise ValueError(f"{path.name} defines {node.name} again; each reference function is "
                                     f"written once, in one module of solutions/.")
                self.functions[node.name] = (node, segment)
                self.order.append(node.name)
                self.module_of[node.name] = index
        self.preludes.append((imports, constants))

    def source(self, name):
        return self.functions[name][1]

    def solution(self, name):
        """The function with its body between nbgrader's BEGIN/END SOLUTION markers."""
        node, segment = self.functions[name]
        body = node.body
        first = body[1] if ast.get_docstring(node) is not None else body[0]
        lines = segment.splitlines(keepends=True)
        split = first.lineno - node.lineno
        indent = " " * first.col_offset
        return "".join(lines[:split]) + f"{indent}### BEGIN SOLUTION\n" + "".join(lines[split:]) \
            + f"{indent}### END SOLUTION\n"

    def modules_for(self, lesson, course):
        """How many reference modules a lesson sees: those up to the one holding its function (for a
        capstone or finale, the function of the last graded lesson before it; for a lesson of several
        functions, the latest of those and of its own)."""
        if lesson is None:
            return len(self.paths)
        before = [f for l in course.lessons if l.number < lesson.number for f in l.functions]
        names = [lesson.function] if lesson.function and not lesson.exercises else \
            list(lesson.functions) + before[-1:]
        known = [self.module_of[f] for f in names if f in self.module_of]
        return max(known) + 1 if known else len(self.paths)

    def prelude_parts(self, lesson=None, course=None):
        """(imports, constants) a lesson sees: those of its reference modules (all of them by default)."""
        n = self.modules_for(lesson, course)
        imports = [i for part in self.preludes[:n] for i in part[0]]
        constants = [c for part in self.preludes[:n] for c in part[1]]
        return imports, constants

    def prelude(self, lesson=None, course=None):
        """The imports and constants a lesson sees (all the modules' by default), as one block of code."""
        imports, constants = self.prelude_parts(lesson, course)
        return "".join(imports) + "\n" + "".join(constants)

    def toolbox(self, lesson, course):
        """The functions a lesson's toolbox cell gives the learner: the graded functions taught by earlier
        lessons, except those the lesson grades itself, and the course's helpers defined after one of them
        and before the next lesson's function (so a helper appears from the lesson it belongs to on, never
        earlier). A capstone's or finale's toolbox has none."""
        if not lesson.graded:
            return []
        own = set(lesson.functions)
        taught = {f: course.lesson_for(f).number for f in course.functions}
        earlier = [f for f, n in taught.items() if n < lesson.number and f not in own]
        later = [f for f, n in taught.items() if n > lesson.number and f in self.functions]
        limit = min((self.order.index(f) for f in later), default=len(self.order))
        helpers = [n for n in self.order if n not in course.functions and self.order.index(n) < limit and any(
            self.order.index(n) > self.order.index(f) for f in earlier)]
        return [n for n in self.order if n in earlier or n in helpers]

    def toolbox_code(self, lesson, course):
        """The toolbox's functions as one block of code: all a graded cell may use besides NumPy."""
        return "\n\n".join(self.source(n) for n in self.toolbox(lesson, course))


    def body(self, name):
        """The statements of ``name`` after its docstring, each as ``ast.unparse`` writes it."""
        node = self.functions[name][0]
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        return [ast.unparse(s) for s in body]

    def appears_in(self, text, name):
        """Does this code hold the answer to ``name``: all its statements in order (or, for a
        one-line function, its returned expression)?"""
        body = self.body(name)
        if len(body) == 1:
            return body[0].removeprefix("return ").strip() in text
        try:
            tree = parse(text)
        except SyntaxError:
            return False
        for node in ast.walk(tree):
            stmts = getattr(node, "body", None)
            if isinstance(stmts, list):
                unparsed = [ast.unparse(s) for s in stmts]
                if any(unparsed[i:i + len(body)] == body for i in range(len(unparsed) - len(body) + 1)):
                    return True
        return False


def module_names(root=ROOT):
    """The reference modules, e.g. ["solutions.network"], from course.yml's ``reference``."""
    from ..learner.course import load_course
    course = load_course(Path(root) / "course.yml") if (Path(root) / "course.yml").exists() else load_course()
    return [p.removesuffix(".py").replace("/", ".") for p in course.reference]


def reference(root=ROOT):
    """The course's reference, read from the modules course.yml names."""
    return Reference(*[Path(root) / (m.replace(".", "/") + ".py") for m in module_names(root)])


@lru_cache(maxsize=1)
def namespace():
    """Every name of the reference modules, imported: what the oracle runs."""
    merged = {}
    for name in module_names():
        merged.update(vars(importlib.import_module(name)))
    return merged
