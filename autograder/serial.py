"""Plain-data form of what a learner's function returns: JSON plus NumPy arrays, never pickle.

``pack(value)`` turns a return value (arrays, numbers, tuples, lists, dicts,
None) into ``(meta, arrays)``: ``meta`` is JSON, ``arrays`` maps names to
numeric arrays that ``np.savez`` can write and ``np.load(allow_pickle=False)``
can read. ``unpack`` rebuilds the value. Anything else (a string, an object)
comes back as an ``Opaque`` that only remembers its type and repr.

This file imports nothing but the standard library and NumPy: the grading
sandbox runs it in a child process that cannot import the course.
"""
import numpy as np

MAX_DEPTH = 6
MAX_ITEMS = 200_000


class Opaque:
    """Stands in for a returned value that is not numeric data."""

    def __init__(self, type_name, text):
        self.type_name, self.text = type_name, text

    def __repr__(self):
        return f"<{self.type_name}: {self.text}>"

    def __eq__(self, other):
        return isinstance(other, Opaque) and (self.type_name, self.text) == (other.type_name, other.text)


def pack(value):
    """Return (meta, arrays) for ``value``; see the module docstring."""
    arrays = {}
    budget = [MAX_ITEMS]

    def go(v, depth):
        budget[0] -= 1
        if depth > MAX_DEPTH or budget[0] < 0:
            return {"t": "other", "type": type(v).__name__, "repr": "(too deeply nested or too long)"}
        if v is None:
            return {"t": "none"}
        if isinstance(v, np.generic):  # before float: np.float64 is a float
            if v.dtype.kind in "biufc":
                key = f"a{len(arrays)}"
                arrays[key] = np.asarray(v)
                return {"t": "npscalar", "a": key}
        elif isinstance(v, bool):
            return {"t": "bool", "v": v}
        elif isinstance(v, int):
            return {"t": "int", "v": int(v)}
        elif isinstance(v, float):
            return {"t": "float", "v": float(v)}
        elif isinstance(v, np.ndarray) and v.dtype.kind in "biufc":
            key = f"a{len(arrays)}"
            arrays[key] = np.array(v)  # a plain, owned ndarray
            return {"t": "array", "a": key}
        elif isinstance(v, (tuple, list)):
            budget[0] -= len(v)
            kind = "list" if isinstance(v, list) else "tuple"
            return {"t": kind, "items": [go(x, depth + 1) for x in v]}
        elif isinstance(v, dict) and all(isinstance(k, str) for k in v):
            return {"t": "dict", "items": {k: go(x, depth + 1) for k, x in v.items()}}
        try:
            text = repr(v)[:200]
        except Exception:  # a learner's object whose repr fails
            text = "(no repr)"
        return {"t": "other", "type": type(v).__name__, "repr": text}

    return go(value, 0), arrays


def unpack(meta, arrays):
    """Rebuild the value that ``pack`` described."""
    t = meta["t"]
    if t == "none":
        return None
    if t in ("bool", "int", "float"):
        return {"bool": bool, "int": int, "float": float}[t](meta["v"])
    if t == "npscalar":
        return np.asarray(arrays[meta["a"]])[()]
    if t == "array":
        return np.asarray(arrays[meta["a"]])
    if t in ("tuple", "list"):
        items = [unpack(m, arrays) for m in meta["items"]]
        return tuple(items) if t == "tuple" else items
    if t == "dict":
        return {k: unpack(m, arrays) for k, m in meta["items"].items()}
    return Opaque(meta.get("type", "?"), meta.get("repr", ""))
