"""The stored oracle: cases, expected values and known mistakes' outcomes, shipped as data; and the digest
of the code a lesson hands out to repair (the bug hunt's), so its check knows when it is still untouched.

``fixtures.npz`` is made by ``python -m autograder build`` (its step
``autograder.author.fixtures``) from the reference network and lets the
notebook's check cell judge answers with no reference code on the learner's
side. CI regenerates it and fails if it is stale.
"""
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .model import Case
from .serial import unpack

FIXTURES = Path(__file__).resolve().parent / "fixtures.npz"
VERSION = 1


class FixturesError(RuntimeError):
    """The stored fixtures are missing or unreadable."""


def read(path=FIXTURES):
    """(meta, arrays) from a fixtures file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise FixturesError(f"{path} is missing: reinstall the course, or run `python -m autograder build`.") from None
    except (OSError, ValueError) as exc:
        raise FixturesError(f"{path} is unreadable ({exc}): reinstall the course, "
                            f"or run `python -m autograder build`.") from None
    meta = json.loads(arrays.pop("__meta__").tobytes().decode())
    return meta, arrays


class StoredOracle:
    """The learners' oracle: everything the checks need, read from fixtures.npz."""

    def __init__(self, path=FIXTURES):
        self.meta, self.arrays = read(path)

    def _entry(self, function):
        try:
            return self.meta["functions"][function]
        except KeyError:
            raise FixturesError(f"fixtures.npz has no cases for {function}: run `python -m autograder build`.") \
                from None

    def cases(self, function, include_hidden=False):
        cases = {}
        for c in self._entry(function)["cases"]:
            cases[c["name"]] = Case(c["name"], c["label"], unpack(c["args"], self.arrays),
                                    unpack(c["kwargs"], self.arrays), c["dims"], False, c["rtol"])
        return cases

    def expected(self, function, name):
        return unpack(self._entry(function)["expected"][name], self.arrays)

    def mistake_outcome(self, function, name, mistake_id):
        return self._entry(function)["mistakes"].get(name, {}).get(mistake_id)

    def starter_digest(self, lesson_id, function):
        """The digest of the code lesson ``lesson_id`` hands out for ``function`` to repair
        (``autograder.learner.starters``), or None when it hands out a stub."""
        return self.meta.get("starters", {}).get(lesson_id, {}).get(function)


@lru_cache(maxsize=1)
def stored_oracle():
    return StoredOracle()
