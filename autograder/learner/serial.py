"""Plain-data form of what a learner's function returns: JSON plus NumPy arrays, never pickle.

``pack(value)`` turns a return value (arrays, numbers, tuples, lists, dicts,
None) into ``(meta, arrays)``: ``meta`` is JSON, ``arrays`` maps names to
numeric arrays that ``np.savez`` can write and ``np.load(allow_pickle=False)``
can read. ``unpack`` rebuilds the value, and refuses (``ValueError``) any
meta that ``pack`` could not have written: unknown kinds, deep nesting, too
many items, missing arrays. Anything else a function returns (a string, an
object) comes back as an ``Opaque`` that only remembers its type and repr.

Standard library and NumPy only: the grading sandbox runs this file too.
"""
import numpy as np

MAX_DEPTH = 6
MAX_ITEMS = 200_000
MAX_ELEMENTS = 20_000_000  # numbers in all the arrays a value refers to, counting each reference
TOO_BIG = "(too deeply nested or too long to grade)"


class Lookup:
    """An input to be made where the call happens, by a function of the caller's own namespace.

    ``Lookup("init_params", (0,))`` stands for ``init_params(0)`` as the
    learner's function itself sees it: a check can then ask whether
    ``gradient_descent(params=None, rng=0)`` starts where the learner's own
    ``init_params(0)`` does, without depending on the course's random numbers.
    """

    def __init__(self, name, args=(), call=True):
        self.name, self.args, self.call = name, tuple(args), bool(call)

    def __repr__(self):
        return f"{self.name}({', '.join(map(repr, self.args))})" if self.call else self.name

    def __eq__(self, other):
        return isinstance(other, Lookup) and (self.name, self.args, self.call) == (other.name, other.args, other.call)

    def __deepcopy__(self, memo):
        return self


class Arg:
    """Inside a Lookup's arguments: the call's own positional argument ``index``, the very object the learner's
    function receives. ``Lookup("sine_sum_of", (Arg(1),))`` makes an ``f`` that reads the ``x`` of the same call
    through a closure, as a loss reads a layer's W inside params."""

    def __init__(self, index):
        self.index = int(index)

    def __repr__(self):
        return f"Arg({self.index})"

    def __eq__(self, other):
        return isinstance(other, Arg) and other.index == self.index

    def __deepcopy__(self, memo):
        return self


def bind(args, kwargs):
    """(args, kwargs) with every ``Arg`` inside a Lookup replaced by that positional argument of this call.
    Run it on the inputs the function will receive (after any copy), before ``resolve``."""
    def go(value):
        if isinstance(value, Lookup):
            if any(isinstance(a, Arg) for a in value.args):
                return Lookup(value.name, [args[a.index] if isinstance(a, Arg) and a.index < len(args) else a
                                           for a in value.args], value.call)
            return value
        if isinstance(value, tuple):
            return tuple(go(v) for v in value)
        if isinstance(value, list):
            return [go(v) for v in value]
        if isinstance(value, dict):
            return {k: go(v) for k, v in value.items()}
        return value

    if not has_lookup((args, kwargs)):
        return args, kwargs
    return go(tuple(args)), go(dict(kwargs))


def resolve(value, namespace):
    """``value`` with every Lookup replaced by its call in ``namespace`` (tuples, lists, dicts walked).

    A name the namespace lacks is one of the course's probes (``autograder.learner.probes``): small
    functions a check hands to a learner's function, such as a loss for ``numerical_gradient``.
    """
    if isinstance(value, Lookup):
        target = namespace.get(value.name)
        if target is None:
            from .probes import PROBES
            target = PROBES[value.name]
        return target(*value.args) if value.call else target
    if isinstance(value, tuple):
        return tuple(resolve(v, namespace) for v in value)
    if isinstance(value, list):
        return [resolve(v, namespace) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, namespace) for k, v in value.items()}
    return value


def has_lookup(value):
    if isinstance(value, Lookup):
        return True
    if isinstance(value, (tuple, list)):
        return any(has_lookup(v) for v in value)
    if isinstance(value, dict):
        return any(has_lookup(v) for v in value.values())
    return False


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

    def other(v, text):
        return {"t": "other", "type": type(v).__name__[:60], "repr": text}

    def go(v, depth):
        budget[0] -= 1
        if depth > MAX_DEPTH or budget[0] < 0:
            return other(v, TOO_BIG)
        if v is None:
            return {"t": "none"}
        if isinstance(v, Lookup):
            return {"t": "lookup", "name": str(v.name)[:60], "args": [go(x, depth + 1) for x in v.args],
                    "call": v.call}
        if isinstance(v, Arg):
            return {"t": "arg", "i": v.index}
        if isinstance(v, np.generic):  # before float: np.float64 is a float
            if v.dtype.kind in "biufc":
                key = f"a{len(arrays)}"
                arrays[key] = np.asarray(v)
                return {"t": "npscalar", "a": key}
        elif isinstance(v, bool):
            return {"t": "bool", "v": v}
        elif isinstance(v, int):
            return {"t": "int", "v": int(v)} if abs(v) < 2 ** 63 else {"t": "float", "v": float(v)}
        elif isinstance(v, float):
            return {"t": "float", "v": float(v)}
        elif isinstance(v, np.ndarray) and v.dtype.kind in "biufc":
            key = f"a{len(arrays)}"
            arrays[key] = np.array(v)  # a plain, owned ndarray
            return {"t": "array", "a": key}
        elif isinstance(v, (tuple, list)):
            if len(v) > budget[0]:
                return other(v, f"(a {type(v).__name__} of {len(v):,} items: {TOO_BIG[1:]}")
            budget[0] -= len(v)
            kind = "list" if isinstance(v, list) else "tuple"
            return {"t": kind, "items": [go(x, depth + 1) for x in v]}
        elif isinstance(v, dict) and all(type(k) is str for k in v):
            if len(v) > budget[0]:
                return other(v, f"(a dict of {len(v):,} items: {TOO_BIG[1:]}")
            budget[0] -= len(v)
            return {"t": "dict", "items": {k[:200]: go(x, depth + 1) for k, x in v.items()}}
        try:
            text = repr(v)[:200]
        except Exception:  # a learner's object whose repr fails
            text = "(no repr)"
        return other(v, text)

    return go(value, 0), arrays


def unpack(meta, arrays):
    """Rebuild the value that ``pack`` described; ValueError for anything ``pack`` cannot write."""
    budget = [MAX_ITEMS + 1]
    elements = [MAX_ELEMENTS]

    def bad(why):
        raise ValueError(f"malformed result: {why}")

    def go(m, depth):
        budget[0] -= 1
        if depth > MAX_DEPTH + 1 or budget[0] < 0:
            bad("too deep or too long")
        if not isinstance(m, dict) or not isinstance(m.get("t"), str):
            bad("an entry is not a tagged mapping")
        t = m["t"]
        if t == "none":
            return None
        if t in ("bool", "int", "float"):
            v = m.get("v")
            kinds = {"bool": (bool,), "int": (int,), "float": (int, float)}[t]
            if not isinstance(v, kinds) or (t != "bool" and isinstance(v, bool)):
                bad(f"a {t} holds {type(v).__name__}")
            return {"bool": bool, "int": int, "float": float}[t](v)
        if t in ("npscalar", "array"):
            key = m.get("a")
            if not isinstance(key, str) or key not in arrays:
                bad("a missing array")
            a = arrays[key]
            if not isinstance(a, np.ndarray) or a.dtype.kind not in "biufc":
                bad("a non-numeric array")
            elements[0] -= a.size
            if elements[0] < 0:  # one large array referred to many times is still too much to judge
                bad(f"more than {MAX_ELEMENTS:,} numbers in all")
            return np.asarray(a)[()] if t == "npscalar" else np.asarray(a)
        if t in ("tuple", "list"):
            items = m.get("items")
            if not isinstance(items, list):
                bad(f"a {t} without items")
            budget[0] -= len(items)
            out = [go(x, depth + 1) for x in items]
            return tuple(out) if t == "tuple" else out
        if t == "dict":
            items = m.get("items")
            if not isinstance(items, dict):
                bad("a dict without items")
            budget[0] -= len(items)
            return {str(k): go(x, depth + 1) for k, x in items.items()}
        if t == "other":
            return Opaque(str(m.get("type", "?"))[:60], str(m.get("repr", ""))[:200])
        if t == "lookup":
            name, items = m.get("name"), m.get("args")
            if not isinstance(name, str) or not name.isidentifier() or not isinstance(items, list):
                bad("a malformed lookup")
            return Lookup(name, [go(x, depth + 1) for x in items], m.get("call", True) is not False)
        if t == "arg":
            i = m.get("i")
            if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < 16:
                bad("a malformed argument reference")
            return Arg(i)
        bad(f"unknown kind {t[:20]!r}")

    return go(meta, 0)
