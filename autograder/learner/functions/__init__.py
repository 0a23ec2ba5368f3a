"""One module per graded function: what it returns, its checks in order, its known mistakes.

``suite("softmax")`` imports ``functions/softmax.py`` and returns its
``SUITE``. Adding a graded function means adding its module here, its twin
in ``autograder/grader/functions/`` (cases, mistakes' sources, right
variants), its lesson in ``course.yml`` and the lesson's text.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list:
    """The functions that have checks: the modules of this package."""
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def has_checks(function: str) -> bool:
    return isinstance(function, str) and function.isidentifier() and (HERE / f"{function}.py").exists()


@lru_cache(maxsize=None)
def suite(function: str):
    """The checks of ``function`` (a ``judge.Suite``); KeyError if the course has none."""
    if not has_checks(function):
        raise KeyError(function)
    return importlib.import_module(f"{__name__}.{function}").SUITE
