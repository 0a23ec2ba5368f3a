"""Where a submission comes from: files that are not what they seem, and answers copied from the course.

Three things, for the instructor's eyes:

- ``submission_problem(path, folder)``: a notebook that is a symbolic link, or
  that resolves outside the submission's folder, is refused with a sentence
  (it could point at the course's own solution notebook).
- ``copied_from_course(function, source)``: a function that matches the
  course's own version token for token, with its variables possibly renamed
  (for example copied from a later lesson's toolbox cell, which holds earlier
  answers), is flagged. A flag never changes a score; the instructor decides.
- ``fingerprint(source)``: a digest of a graded cell with its whitespace,
  comments and docstrings set aside, saved with each grade so that the class
  report can find students who handed in the same code, without keeping the
  code itself.
"""
from __future__ import annotations

import ast
import builtins
import hashlib
import io
import keyword
import os
import tokenize
from dataclasses import dataclass
from pathlib import Path

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


def _tokens(code: str) -> list:
    """The code's tokens, layout and comments left out, and local names replaced by their order of first
    appearance: a copy whose variables were renamed still matches (attributes, builtins, NumPy and the
    course's own function names are kept as they are)."""
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


def _function_tokens(source: str, name: str) -> list | None:
    """The tokens of ``def name`` in ``source``, docstring left out; None if it is not there."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            body = node.body
            if ast.get_docstring(node) is not None and len(body) > 1:
                doc = body[0]
                kept = lines[node.lineno - 1:doc.lineno - 1] + lines[doc.end_lineno:node.end_lineno]
            else:
                kept = lines[node.lineno - 1:node.end_lineno]
            return _tokens("".join(kept))
    return None


def copied_from_course(function: str, source: str) -> str:
    """A flag if the learner's ``function`` is the course's own version token for token, else ""."""
    ref = reference()
    mine = _function_tokens(source, function)
    if not mine or function not in ref.functions:
        return ""
    theirs = _function_tokens(ref.source(function), function)
    if mine != theirs:
        return ""
    short = len(theirs) < SHORT
    return (f"{function} matches the course's own version token for token, variable names aside (later "
            f"lessons' toolbox cells show it)"
            + ("; it is short enough to have been written independently." if short else "."))


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


def _strip_docstrings(tree: ast.AST) -> None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]


def normalised(source: str) -> str:
    """The code of a cell with whitespace, comments, docstrings and redundant brackets set aside
    (``ast.unparse``); code that does not parse is reduced to its tokens, or its words."""
    try:
        tree = ast.parse(source)
        _strip_docstrings(tree)
        return ast.unparse(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        tokens = _tokens(source)
        return " ".join(s for _, s in tokens) if tokens else " ".join(source.split())


def fingerprint(source: str) -> Fingerprint:
    """The fingerprint of a graded cell: equal for two cells that differ only in layout and comments."""
    code = normalised(source)
    digest = hashlib.sha256(b"cell-v1\0" + code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
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
