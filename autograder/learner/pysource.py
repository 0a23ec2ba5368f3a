"""Parsing Python source safely from several threads at once.

CPython 3.11's ``ast.parse`` (and ``compile`` of an AST object) is not safe to call from several threads
at once: under load it raised ``SystemError: AST constructor recursion depth mismatch`` (python/cpython
#106905) in the grading CLI's thread pool. Every parse in the course goes through here, under one lock;
``tests/layout`` holds the rest of the package to it.
"""
import ast
import threading

_LOCK = threading.Lock()


def parse(source, filename="<unknown>") -> ast.Module:
    """``ast.parse(source, filename)``, one thread at a time."""
    with _LOCK:
        return ast.parse(source, filename)


def compile_tree(tree, filename, mode="exec"):
    """``compile(tree, filename, mode)`` for an AST object, one thread at a time."""
    with _LOCK:
        return compile(tree, filename, mode)
