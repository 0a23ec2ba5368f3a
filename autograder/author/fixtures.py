"""Step: ``autograder/learner/fixtures.npz``, the learners' stored oracle, from the live reference.

Every visible case of every graded function, its expected value, and what
each catalogued mistake returns on it (as a fingerprint). Hidden cases are
never stored. Beside them, for each lesson that hands out code to repair (the
bug hunt), a digest of each function it hands out (``starters``, from the
source notebooks the lessons step has just written), so that its check knows
a cell nobody has changed yet. The file is rewritten only when its content
changes beyond rounding: a BLAS on another machine may differ in the last bits.
"""
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from ..learner import fixtures as stored
from ..learner.functions import suite
from ..learner.serial import pack
from ..learner.starters import digest

NAME = "fixtures"
RTOL, ATOL = 1e-9, 1e-12


def _store(value, arrays):
    """Pack value into meta, putting its arrays into ``arrays`` under content-hash keys."""
    meta, local = pack(value)

    def rekey(m):
        if isinstance(m, dict):
            if "a" in m and isinstance(m["a"], str) and m.get("t") in ("array", "npscalar"):
                a = local[m["a"]]
                digest = hashlib.sha1(a.dtype.str.encode() + str(a.shape).encode() + a.tobytes()).hexdigest()[:16]
                arrays[digest] = a
                return {**m, "a": digest}
            return {k: rekey(v) for k, v in m.items()}
        if isinstance(m, list):
            return [rekey(v) for v in m]
        return m

    return rekey(meta)


def build(oracle, functions):
    """(meta, arrays) holding every visible case of ``functions`` with its expected value."""
    arrays, meta = {}, {"version": stored.VERSION, "functions": {}}
    for function in functions:
        entry = {"cases": [], "expected": {}, "mistakes": {}}
        for name, case in oracle.cases(function, include_hidden=False).items():
            entry["cases"].append({"name": name, "label": case.label, "dims": case.dims, "rtol": case.rtol,
                                   "args": _store(tuple(case.args), arrays),
                                   "kwargs": _store(dict(case.kwargs), arrays)})
            if suite(function).expects:
                entry["expected"][name] = _store(oracle.expected(function, name), arrays)
            entry["mistakes"][name] = oracle.stored_mistakes(function, name)
        meta["functions"][function] = entry
    return json.loads(json.dumps(meta)), arrays


def starters(root, course):
    """{lesson id: {function: digest}} of the code each lesson hands out to repair, read from its source
    notebook's graded cells (the lessons step puts a starter in their metadata, from the lesson's text)."""
    from .lessons import STARTER
    found = {}
    for lesson in course.lessons:
        path = Path(root) / "solutions" / lesson.id / lesson.notebook
        if not path.exists():
            continue
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell.get("metadata", {})
            code, function = meta.get("autograder", {}).get(STARTER), meta.get("nbgrader", {}).get("grade_id")
            if isinstance(code, str) and function in lesson.functions:
                key = digest(code, function)
                if key is None:
                    raise ValueError(f"solutions/{lesson.id}: the code it hands out for {function} does not "
                                     f"define `def {function}(...)`; the learner's check could never know it.")
                found.setdefault(lesson.id, {})[function] = key
    return found


def write(path, meta, arrays):
    blob = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
    np.savez_compressed(path, __meta__=blob, **arrays)


def same(a, b) -> bool:
    """Do two fixtures, (meta, arrays), hold the same data, up to the last bits of floating point?"""
    (ma, aa), (mb, ab) = a, b

    def go(x, y):
        if isinstance(x, dict) and isinstance(y, dict):
            if x.keys() != y.keys():
                return False
            if x.get("t") in ("array", "npscalar") and isinstance(x.get("a"), str):
                p, q = aa.get(x["a"]), ab.get(y["a"])
                return (p is not None and q is not None and p.dtype == q.dtype and p.shape == q.shape
                        and bool(np.allclose(p, q, rtol=RTOL, atol=ATOL, equal_nan=True)))
            return all(go(x[k], y[k]) for k in x)
        if isinstance(x, list) and isinstance(y, list):
            return len(x) == len(y) and all(go(p, q) for p, q in zip(x, y))
        if isinstance(x, float) or isinstance(y, float):
            if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
                return False
            return x == y or math.isclose(x, y, rel_tol=RTOL, abs_tol=ATOL)
        return x == y

    return go(ma, mb)


def run(ctx):
    if not ctx.everything:
        return
    from ..grader.oracle import LiveOracle

    fresh = build(LiveOracle(), ctx.course.functions)
    fresh[0]["starters"] = starters(ctx.root, ctx.course)
    path = Path(ctx.root) / "autograder" / "learner" / "fixtures.npz"
    if path.exists():
        try:
            if same(stored.read(path), fresh):
                return
        except stored.FixturesError:
            pass
    write(path, *fresh)
    ctx.written.append(path)
