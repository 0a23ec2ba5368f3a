"""Code a lesson hands out to repair (the bug hunt's original functions), known by a digest of its tokens.

A bug hunt's check must not name a bug the learner has not looked for: while a graded cell still holds
the code the lesson handed out, ``check`` says only that it fails, and how often, and leaves the finding to
the lesson's probe; once the learner has changed the function, it says everything, as in any lesson.

What was handed out is known here without the code itself and without the grader: the build stores, in the
fixtures (``autograder.author.fixtures``), a digest of each starter's tokens for each lesson, and this
module takes the same digest of the learner's function. Tokens, not the syntax tree, so that the digest
is the same on every Python the course runs on (Colab's, the browser's): comments, blank lines and line
breaks inside brackets are set aside; any other change (a name, an argument, a line) is a change.
(The grader's ``provenance.handed_out``, for the class report, asks another question: is this anyone's own
writing? It also sets names and synonyms aside.)
"""
from __future__ import annotations

import ast
import hashlib
import inspect
import io
import textwrap
import tokenize

from .pysource import parse

SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
MARKED = {tokenize.NEWLINE: "<newline>", tokenize.INDENT: "<indent>", tokenize.DEDENT: "<dedent>"}


def function_source(source: str, name: str) -> str | None:
    """The lines of ``def name`` (decorators included) in a cell's source; None if it does not define it."""
    try:
        tree = parse(textwrap.dedent(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = textwrap.dedent(source).splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return "".join(lines[first - 1:node.end_lineno])
    return None


def digest(source: str, name: str) -> str | None:
    """16 hex digits naming ``def name`` in ``source`` by its tokens (layout and comments aside), or None."""
    code = function_source(source, name)
    if code is None:
        return None
    try:
        tokens = [MARKED.get(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type not in SKIPPED]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None
    while tokens and tokens[-1] in ("<newline>", "<dedent>"):  # how a file ends is layout too
        tokens.pop()
    return hashlib.sha256("\0".join(["starter-v1"] + tokens).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def source_of(fn) -> str | None:
    """The source of a function defined in a notebook cell (IPython keeps each cell's text), or None."""
    try:
        return inspect.getsource(fn)
    except (OSError, TypeError):
        return None


def handed_out(lesson_id: str, function: str, fn=None, source: str | None = None, oracle=None) -> bool:
    """Is the learner's ``function`` in lesson ``lesson_id`` still the code that lesson handed out?

    Give the function itself (``fn``: its source is read from the notebook's cell) or its cell's ``source``.
    False when the lesson handed out nothing for it, or when the source cannot be read (then the check
    says everything, as it always did)."""
    from .fixtures import FixturesError, stored_oracle
    try:
        wanted = (oracle or stored_oracle()).starter_digest(lesson_id, function)
    except FixturesError:
        return False
    if wanted is None:
        return False
    if source is None and fn is not None:
        source = source_of(fn)
    return source is not None and digest(source, function) == wanted
