"""Where a submission comes from: files that are not what they seem, and answers copied from the course.

Three things, for the instructor's eyes:

- ``submission_problem(path, folder)``: a notebook that is a symbolic link, or
  that resolves outside the submission's folder, is refused with a sentence
  (it could point at the course's own solution notebook).
- ``copied_from_course(function, source)``: a function with the structure of
  the course's own version (for example copied from a later lesson's toolbox
  cell, which holds earlier answers) is flagged, however it was disguised:
  names, comments, the order of independent lines and NumPy's synonyms are set
  aside (``structure``). Short code is never flagged. A flag never changes a
  score; the instructor decides.
- ``fingerprint(source)``: a digest of a graded cell's structure, saved with
  each grade so that the class report can find students who handed in the
  same code, without keeping the code itself.
"""
from __future__ import annotations

import ast
import builtins
import hashlib
import io
import keyword
import os
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..learner.pysource import parse
from .reference import reference

def _course_names():
    try:
        from ..learner.course import load_course
        return set(load_course().functions)
    except Exception:  # the manifest is checked elsewhere
        return set()


COURSE_NAMES = _course_names()
IGNORED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENCODING, tokenize.ENDMARKER}
SHORT = 25
"""Code of fewer tokens than this is short enough for two people to write the same way independently."""


def submission_problem(path, folder=None) -> str:
    """Why ``path`` may not be graded (a link, or outside ``folder``), or ""."""
    path = Path(path)
    if path.is_symlink():
        return (f"{path.name} is a symbolic link (to {os.readlink(path)}), not a notebook; links are refused "
                f"because they can point at files that are not the learner's. Submit the notebook file itself.")
    if folder is not None:
        try:
            path.resolve().relative_to(Path(folder).resolve())
        except ValueError:
            return (f"{path.name} lies outside the submission folder {Path(folder).name} (through a linked "
                    f"folder); only files inside it are graded.")
    return ""


KEEP = set(keyword.kwlist) | set(dir(builtins)) | {"np", "numpy", "self"}
MAX_SOURCE = 100_000
"""Code longer than this (bytes) is never normalised: the grader refuses such a cell before anything else."""


def _tokens(code: str) -> list:
    """The code's tokens, layout and comments left out, and local names replaced by their order of first
    appearance (attributes, builtins, NumPy and the course's own function names are kept as they are)."""
    try:
        raw = [t for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type not in IGNORED]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    names, out = {}, []
    for k, t in enumerate(raw):
        if t.type == tokenize.NAME and t.string not in KEEP and t.string not in COURSE_NAMES \
                and not (k and raw[k - 1].string == "."):
            out.append((t.type, names.setdefault(t.string, f"v{len(names)}")))
        else:
            out.append((t.type, t.string))
    return out


# ----------------------------------------------------------------------------- the structure of code

# NumPy functions with a method of the same meaning: np.sum(x, ...) is x.sum(...).
METHODS = {"sum", "mean", "max", "min", "argmax", "argmin", "reshape", "transpose", "dot", "std", "var",
           "cumsum", "prod", "clip", "round", "astype", "copy", "ravel", "flatten", "any", "all"}
OPERATORS = {"add": ast.Add, "subtract": ast.Sub, "multiply": ast.Mult, "divide": ast.Div,
             "true_divide": ast.Div, "matmul": ast.MatMult, "dot": ast.MatMult, "power": ast.Pow}
COMMUTATIVE = (ast.Add, ast.Mult)


def _is_np(node) -> bool:
    return isinstance(node, ast.Name) and node.id in ("np", "numpy")


def _call(name, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


class _Synonyms(ast.NodeTransformer):
    """One spelling for what NumPy lets one write several ways, so a copy cannot hide behind a synonym:
    ``a.dot(b)``, ``np.dot(a, b)`` and ``np.matmul(a, b)`` are ``a @ b``; ``np.sum(x, axis=1)`` is
    ``x.sum(axis=1)``; ``np.multiply(a, b)`` is ``a * b``; ``x.shape[k]``, ``x.size`` and ``len(x)`` are one "a size"
    (``m = X.shape[1]`` and ``m = Y.size`` are the same line here); ``np.transpose(x)`` is ``x.T``; ``1 / m * x`` and ``x * (1 / m)`` are ``x / m``; keyword
    arguments are sorted; the operands of + and * are put in one order."""

    def visit_Call(self, node):
        self.generic_visit(node)
        node.keywords.sort(key=lambda k: k.arg or "")
        f = node.func
        if isinstance(f, ast.Attribute) and _is_np(f.value):
            if f.attr in OPERATORS and len(node.args) == 2 and not node.keywords:
                return ast.BinOp(left=node.args[0], op=OPERATORS[f.attr](), right=node.args[1])
            if f.attr == "transpose" and len(node.args) == 1 and not node.keywords:
                return ast.Attribute(value=node.args[0], attr="T", ctx=ast.Load())
            if f.attr in METHODS and node.args:
                return ast.Call(func=ast.Attribute(value=node.args[0], attr=f.attr, ctx=ast.Load()),
                                args=node.args[1:], keywords=node.keywords)
        if isinstance(f, ast.Attribute) and f.attr == "dot" and len(node.args) == 1 and not node.keywords:
            return ast.BinOp(left=f.value, op=ast.MatMult(), right=node.args[0])
        if isinstance(f, ast.Attribute) and f.attr == "transpose" and not node.args and not node.keywords:
            return ast.Attribute(value=f.value, attr="T", ctx=ast.Load())
        if isinstance(f, ast.Name) and f.id == "len" and len(node.args) == 1:
            return _call("SIZE_OF")
        return node

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if node.attr == "size" and isinstance(node.ctx, ast.Load):
            return _call("SIZE_OF")
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        v = node.value
        if isinstance(v, ast.Attribute) and v.attr == "shape" and isinstance(node.slice, ast.Constant):
            return _call("SIZE_OF")
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        for one, other in ((node.left, node.right), (node.right, node.left)):  # (1 / m) * x -> x / m
            if isinstance(node.op, ast.Mult) and isinstance(one, ast.BinOp) and isinstance(one.op, ast.Div) \
                    and isinstance(one.left, ast.Constant) and one.left.value in (1, 1.0):
                return ast.BinOp(left=other, op=ast.Div(), right=one.right)
        if isinstance(node.op, COMMUTATIVE):
            left, right = sorted((node.left, node.right), key=_shape)
            node.left, node.right = left, right
        return node


def _names(node, ctx) -> set:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def _shape(node) -> str:
    """A statement with every local name blanked: what it does, whatever it calls things."""
    return re.sub(r"Name\('[^']*'", "Name('_'", ast.dump(node, annotate_fields=False))


def _ordered(body: list) -> list:
    """The statements in one canonical order that keeps every dependency: a statement that reads or
    writes a name another wrote or read before it stays after it; independent ones are sorted by what
    they do, so swapping two independent lines changes nothing. Control flow stays where it is."""
    reads = [_names(s, ast.Load) for s in body]
    writes = [_names(s, (ast.Store, ast.Del)) for s in body]
    barrier = [not isinstance(s, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr)) for s in body]
    after = {j: {i for i in range(j) if barrier[i] or barrier[j] or writes[i] & (reads[j] | writes[j])
                 or reads[i] & writes[j]} for j in range(len(body))}
    done, order = set(), []
    while len(order) < len(body):
        ready = [j for j in range(len(body)) if j not in done and after[j] <= done]
        pick = min(ready, key=lambda j: (_shape(body[j]), j))
        done.add(pick)
        order.append(body[pick])
    return order


class _Reorder(ast.NodeTransformer):
    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and all(isinstance(s, ast.stmt) for s in block):
                setattr(node, field, _ordered(block))
        return node


class _Rename(ast.NodeTransformer):
    """Local names replaced by their order of first appearance (NumPy, builtins, course functions kept)."""

    def __init__(self):
        self.names = {}

    def _new(self, name):
        if name in KEEP or name in COURSE_NAMES or name == "SIZE_OF":
            return name
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        node.id = self._new(node.id)
        return node

    def visit_arg(self, node):
        node.arg = self._new(node.arg)
        node.annotation = None
        return node

    def visit_FunctionDef(self, node):
        node.returns = None
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self.visit(node.args)
        node.body = [self.visit(s) for s in node.body]
        return node


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]


def structure(tree: ast.AST) -> str:
    """The code's structure: docstrings, layout, comments, names, the order of independent lines and
    NumPy's synonyms set aside (see ``_Synonyms`` and ``_ordered``). Two cells with the same structure are
    the same code, however one of them was disguised."""
    _strip_docstrings(tree)
    tree = _Synonyms().visit(tree)
    tree = _Reorder().visit(tree)
    tree = _Rename().visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


def _function_structure(source: str, name: str) -> str | None:
    """The structure of ``def name`` in ``source``; None if it is not there (or the cell is too large)."""
    if len(source) > MAX_SOURCE:
        return None
    try:
        tree = parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            try:
                return structure(ast.Module(body=[node], type_ignores=[]))
            except RecursionError:
                return None
    return None


@lru_cache(maxsize=None)
def _independent(function: str) -> frozenset:
    """The structures of the catalogue's right answers written independently of the course's
    (``VARIANTS``): where one of them is the course's own structure, that structure is how anyone writes
    the function, and a learner who writes it so is never flagged."""
    try:
        from .functions import module
        variants = getattr(module(function), "VARIANTS", [])
    except Exception:  # no catalogue for it: nothing to set apart
        return frozenset()
    return frozenset(filter(None, (_function_structure(v, function) for v in variants)))


def copied_from_course(function: str, source: str) -> str:
    """A flag if the learner's ``function`` has the structure of the course's own version, else "".

    Short code is left alone (under ``SHORT`` tokens, as for identical submissions): a one-line
    ``np.maximum(Z, 0)`` is how anyone writes ReLU. So is code whose structure one of the catalogue's
    independently written right answers shares (``_independent``)."""
    ref = reference()
    if function not in ref.functions:
        return ""
    mine = _function_structure(source, function)
    theirs = _function_structure(ref.source(function), function)
    if not mine or mine != theirs or len(_tokens(theirs)) < SHORT or theirs in _independent(function):
        return ""
    return (f"{function} matches the course's own version (later lessons' toolbox cells show it) once names, "
            f"comments, the order of independent lines and NumPy's synonyms (@ or .dot, np.sum(x) or x.sum(), "
            f".size or .shape[k]) are set aside.")


@dataclass(frozen=True)
class Fingerprint:
    """A graded cell, reduced to what two copies share: a digest of its normalised code, and its size."""

    digest: str
    """16 hex digits of SHA-256 over the normalised code (the code itself is never kept)."""
    tokens: int
    """Tokens of the normalised code: under ``SHORT``, sameness proves little."""

    @property
    def short(self) -> bool:
        return self.tokens < SHORT

    def to_dict(self) -> dict:
        return {"source_digest": self.digest, "source_tokens": self.tokens}


def normalised(source: str) -> str:
    """The structure of a cell (``structure``: layout, comments, docstrings, names, the order of independent
    lines and NumPy's synonyms set aside); code that does not parse is reduced to its tokens, or its words."""
    if len(source) > MAX_SOURCE:
        return " ".join(source[:MAX_SOURCE].split())
    try:
        return structure(parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tokens = _tokens(source)
        return " ".join(s for _, s in tokens) if tokens else " ".join(source.split())


def fingerprint(source: str) -> Fingerprint:
    """The fingerprint of a graded cell: equal for two cells with the same structure (see ``structure``)."""
    code = normalised(source)
    digest = hashlib.sha256(b"cell-v2\0" + code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return Fingerprint(digest, len(_tokens(code)) or len(code.split()))


def _starters(root: Path) -> dict:
    """(lesson id, function) -> the code a graded cell starts from in the student copy (the bug hunt's
    original functions), read from the source notebooks' metadata, where the build puts it."""
    import json
    found = {}
    for path in sorted((root / "solutions").glob("*/*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            meta = cell.get("metadata", {})
            starter = meta.get("autograder", {}).get("starter")
            grade_id = meta.get("nbgrader", {}).get("grade_id")
            if isinstance(starter, str) and isinstance(grade_id, str):
                found[(path.parent.name, grade_id)] = normalised(starter)
    return found


_STARTERS: dict = {}


def handed_out(lesson_id: str, function: str, source: str, root: Path | None = None) -> bool:
    """Is this graded cell still the code the course handed out for it (layout and comments aside)? Such a
    cell is not the learner's own writing: the class report never calls two of them identical work."""
    root = Path(root) if root else reference().paths[0].parents[1]
    if root not in _STARTERS:
        _STARTERS[root] = _starters(root)
    starter = _STARTERS[root].get((lesson_id, function))
    return starter is not None and normalised(source) == starter


def combined_fingerprint(parts: list) -> Fingerprint | None:
    """The fingerprint of a lesson of several functions, from its functions' ``(name, Fingerprint or None)``
    in order (None: no cell, or the code handed out): None when none of them is the learner's own."""
    if not any(f for _, f in parts):
        return None
    text = "\0".join(f"{name}:{f.digest if f else '-'}" for name, f in parts)
    return Fingerprint(hashlib.sha256(b"lesson-v1\0" + text.encode()).hexdigest()[:16],
                       sum(f.tokens for _, f in parts if f))
