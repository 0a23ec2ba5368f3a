"""One module per graded function, the grader's half: cases, known mistakes' sources, right variants.

Each ``functions/<name>.py`` mirrors ``autograder/learner/functions/<name>.py``:
``cases()`` builds the calls its checks judge (with the reference network
where the inputs must be consistent with a forward pass, which is why this
side never ships to learners); ``MUTANTS`` holds one wrong version for every
mistake the learner's side can name; ``VARIANTS`` holds right answers written
differently.
"""
from __future__ import annotations

import importlib
import secrets
import threading
from functools import lru_cache

from ...learner.functions import suite
from . import _inputs

_lock = threading.Lock()


@lru_cache(maxsize=None)
def module(function: str):
    suite(function)  # a KeyError for a function the course has no checks for
    return importlib.import_module(f"{__name__}.{function}")


def build_cases(function: str, include_hidden: bool = True, seed: int | None = None) -> dict:
    """The cases of ``function``'s checks, name -> Case, in the order the checks first use them; hidden ones
    drawn from ``seed`` (by default one chosen now, at random)."""
    with _lock:
        _inputs._hidden["seed"] = secrets.randbits(63) if seed is None else seed
        try:
            cases = {c.name: c for c in module(function).cases()}
        finally:
            _inputs._hidden["seed"] = None
    wanted = suite(function).case_names(include_hidden)
    missing = [n for n in wanted if n not in cases]
    assert not missing, f"{function}: no case for {missing}"
    return {n: cases[n] for n in wanted}


def mutant_sources(function: str) -> dict:
    """mistake id -> every source of that mistake (a mistake may be made in several ways, e.g. one bias or
    both left out); each must be caught and named."""
    return {k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in module(function).MUTANTS.items()}


def mutants(function: str) -> dict:
    """mistake id -> the first (typical) source of a wrong version of ``function``."""
    return {k: v[0] for k, v in mutant_sources(function).items()}


def variants(function: str) -> list:
    """Right answers to ``function``, written differently from the reference."""
    return list(module(function).VARIANTS)
