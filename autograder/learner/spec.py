"""What a graded function returns, and how an answer can differ from it.

An output *spec* (``Arr``, ``Num``, ``Tup``, ``Dct``) names the parts of a
return value with their shapes and dtypes; the functions here say, in one
sentence each, what is wrong with an answer's type, shape, finiteness or
values. Pure NumPy.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .serial import Opaque


@dataclass
class Arr:
    """An array output: its name, shape pattern (ints and named sizes such as "m"), dtype kinds."""
    name: str
    shape: tuple
    kinds: str = "f"          # accepted dtype kinds: f float, i/u int, b bool

    def named(self):
        if isinstance(self.shape, str):  # the whole shape of an input, e.g. "x"
            return f"the shape of {self.shape}"
        return "(" + ", ".join(str(d) for d in self.shape) + ("," if len(self.shape) == 1 else "") + ")"


@dataclass
class Num:
    """A single real number."""
    name: str


@dataclass
class Tup:
    """A fixed-length tuple (a list is accepted too)."""
    name: str
    items: tuple


@dataclass
class Dct:
    """A dict with at least these keys, each a list of numbers."""
    name: str
    keys: tuple


@dataclass
class Layers:
    """A list of pairs of arrays, one pair per layer: params [(W1, b1), ...], grads [(dW1, db1), ...], or a
    forward pass's cache [(A_prev, Z), ...]. The shapes come from the case's dims: "sizes", the layer
    sizes (e.g. [784, 256, 10]), and "m", the number of examples."""
    name: str
    first: str = "W"
    second: str = "b"
    kind: str = "params"
    """"params": first (n_out, n_in), second (n_out, 1); "cache": first (n_in, m), second (n_out, m)."""
    kinds: str = "f"

    def shapes(self, dims):
        sizes = list(dims["sizes"])
        if self.kind == "cache":
            return [((n_in, dims["m"]), (n_out, dims["m"])) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        return [((n_out, n_in), (n_out, 1)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

    def names(self, layer):
        """The names of one layer's pair, e.g. ("W2", "b2") for layer index 1, or ("A1", "Z2") in a cache."""
        if self.kind == "cache":
            return f"{self.first}{layer}", f"{self.second}{layer + 1}"
        return f"{self.first}{layer + 1}", f"{self.second}{layer + 1}"

    def described(self):
        return f"a list of ({self.first}, {self.second}) pairs, one per layer"


@dataclass
class Batches:
    """One epoch's minibatches: a list of pairs (X_batch (n, b), Y_batch (b,)), ceil(m / batch_size) of them,
    each holding batch_size examples but the last, which holds the rest. dims: "n", "m" and "batch_size"."""
    name: str


@dataclass
class Rec:
    """A dict with these keys, each with its own spec: e.g. Adam's state {"t": ..., "m": ..., "v": ...}."""
    name: str
    fields: tuple
    """((key, spec), ...)."""


def input_arrays(args, kwargs):
    """[(name, array)] for every array among a call's inputs, looking inside tuples.

    Names are positions (0, 1, ...) for positional arguments and keywords
    (with an index, "params[0]", inside a tuple) for the rest.
    """
    found = []

    def visit(name, value):
        if isinstance(value, np.ndarray):
            found.append((name, value))
        elif isinstance(value, (tuple, list)):
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item)

        elif isinstance(value, dict):
            for key in sorted(value, key=str):
                visit(f"{name}[{key!r}]", value[key])

    for i, value in enumerate(args):
        visit(i, value) if isinstance(value, np.ndarray) else visit(str(i), value)
    for key, value in kwargs.items():
        visit(key, value)
    return found


def shape_for(spec, dims):
    if isinstance(spec.shape, str):  # the whole shape of an input, stored in the case's dims
        return tuple(dims[spec.shape])
    return tuple(dims[d] if isinstance(d, str) else d for d in spec.shape)


def fmt_shape(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def describe(value):
    """A short description of a value for messages: its type, and shape or value."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {fmt_shape(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (bool, np.bool_)):
        return f"a bool ({value})"
    if isinstance(value, (int, float, np.number)):
        return f"a {type(value).__name__} ({value:.6g})" if not isinstance(value, int) else f"an int ({value})"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    if isinstance(value, Opaque):
        return f"a {value.type_name} ({value.text[:60]})"
    return f"a {type(value).__name__}"


def numbers(a, b) -> tuple:
    """Two numbers for people, with just enough digits to tell them apart (4 if that does)."""
    for digits in (4, 6, 8, 12, 17):
        fa, fb = f"{float(a):.{digits}g}", f"{float(b):.{digits}g}"
        if fa != fb:
            return fa, fb
    return fa, fb


def difference_pattern(got, want) -> str:
    """A sentence on how a wrong array relates to the expected one, when one rule explains every entry:
    a constant factor, the opposite sign, or a constant offset (an off-by-one, say); else ""."""
    with np.errstate(all="ignore"):
        g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if g.shape != w.shape or g.size < 2 or not (np.isfinite(g).all() and np.isfinite(w).all()):
            return ""
        scale = np.abs(w).max()
        big = np.abs(w) > 1e-6 * scale if scale > 0 else None
        if big is not None and big.sum() >= 2 and np.allclose(g[~big], 0, atol=1e-9 * scale):
            ratio = g[big] / w[big]
            if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and not np.isclose(ratio.flat[0], 1.0):
                c = float(ratio.flat[0])
                if np.isclose(c, -1.0):
                    return "Every value has the right size but the opposite sign."
                if abs(c) < 1e-12:
                    return "Every value is 0."
                text = number(c)
                for digits in (6, 8, 12):  # 1.0003 times is not "1 times"
                    if float(text) not in (1.0, -1.0):
                        break
                    text = f"{c:.{digits}g}"
                return f"Every value is {text} times the expected one."
        shift = g - w
        if np.allclose(shift, shift.flat[0], rtol=0, atol=1e-9 * max(scale, 1.0)) and \
                not np.isclose(shift.flat[0], 0.0):
            return f"Every value is off by the same amount, {number(float(shift.flat[0]))}."
    return ""


def number(x) -> str:
    """A number for people: four significant digits, no float noise (1.879e-11, 0.003274, 12.5)."""
    x = float(x)
    if not np.isfinite(x):
        return "NaN" if np.isnan(x) else ("inf" if x > 0 else "-inf")
    return f"{x:.4g}"


def is_number(value):
    """A real number: Python int/float, NumPy scalar, or a 0-d array (not a bool)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.integer, np.floating)):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf"


def leaves(spec, value, path=None):
    """Pair each Arr/Num spec with the matching part of a value already known to fit the structure."""
    path = path or spec.name
    if isinstance(spec, Tup):
        for sub, item in zip(spec.items, value):
            yield from leaves(sub, item, sub.name)
    elif isinstance(spec, Dct):
        for key in spec.keys:
            yield Num(f"history[{key!r}]"), value[key]
    elif isinstance(spec, Rec):
        for key, sub in spec.fields:
            yield from leaves(sub, value[key], sub.name)
    elif isinstance(spec, Layers):
        for layer, pair in enumerate(value):
            for name, item in zip(spec.names(layer), pair):
                yield Arr(name, (), spec.kinds), item
    elif isinstance(spec, Batches):
        for k, pair in enumerate(value):
            yield Arr(f"X_batch of batch {k}", ()), pair[0]
            yield Arr(f"Y_batch of batch {k}", (), "iu"), pair[1]
    else:
        yield spec, value


def type_problem(spec, value, function):
    """None if ``value`` has the structure and dtypes ``spec`` asks for, else what is wrong."""
    if isinstance(spec, Tup):
        if not isinstance(value, (tuple, list)):
            return (f"{function} returned {describe(value)}; expected a tuple of {len(spec.items)} "
                    f"({', '.join(s.name for s in spec.items)}).")
        if len(value) != len(spec.items):
            return (f"{function} returned {len(value)} items; expected {len(spec.items)} "
                    f"({', '.join(s.name for s in spec.items)}), in that order.")
        problems = [type_problem(sub, item, function) for sub, item in zip(spec.items, value)]
        if any(problems) and len(value) == 2 and not type_problem(spec.items[0], value[1], function) \
                and not type_problem(spec.items[1], value[0], function):
            a, b = (s.name for s in spec.items)
            return (f"{function} returned its two results the other way round: ({b}, {a}) where the lesson "
                    f"returns ({a}, {b}). Swap them in the return line.")
        return next((p for p in problems if p), None)
    if isinstance(spec, Rec):
        keys = [key for key, _ in spec.fields]
        if not isinstance(value, dict):
            return f"{spec.name} is {describe(value)}; expected a dict with keys {keys}."
        missing = [k for k in keys if k not in value]
        if missing:
            return f"{spec.name} has no key {missing[0]!r}; expected keys {keys}."
        for key, sub in spec.fields:
            problem = type_problem(sub, value[key], function)
            if problem:
                return problem
        return None
    if isinstance(spec, Layers):
        if not isinstance(value, (list, tuple)):
            return f"{spec.name} is {describe(value)}; expected {spec.described()}."
        for layer, pair in enumerate(value):
            names = spec.names(layer)
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                return (f"{spec.name}[{layer}] is {describe(pair)}; expected a pair ({names[0]}, {names[1]}): "
                        f"{spec.name} is {spec.described()}.")
            for name, item in zip(names, pair):
                problem = type_problem(Arr(name, (), spec.kinds), item, function)
                if problem:
                    return f"In {spec.name}[{layer}], {problem}"
        return None
    if isinstance(spec, Batches):
        if not isinstance(value, (list, tuple)):
            return (f"{spec.name} returned {describe(value)}; expected a list of (X_batch, Y_batch) pairs, one per "
                    f"minibatch.")
        if not value:
            return f"{spec.name} returned an empty list; expected one (X_batch, Y_batch) pair per minibatch."
        for k, pair in enumerate(value):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                return (f"batch {k} is {describe(pair)}; expected a pair (X_batch, Y_batch): the images of the "
                        f"batch and their labels.")
            for item, part, kinds in ((pair[0], "X_batch", "f"), (pair[1], "Y_batch", "iu")):
                problem = type_problem(Arr(f"{part} of batch {k}", (), kinds), item, function)
                if problem:
                    return problem
        return None
    if isinstance(spec, Dct):
        if not isinstance(value, dict):
            return f"{spec.name} is {describe(value)}; expected a dict with keys {list(spec.keys)}."
        missing = [k for k in spec.keys if k not in value]
        if missing:
            return f"{spec.name} has no key {missing[0]!r}; expected keys {list(spec.keys)}, each a list."
        for key in spec.keys:
            seq = value[key]
            if isinstance(seq, np.ndarray):
                seq = list(seq.ravel())
            if not isinstance(seq, (list, tuple)) or not all(is_number(x) for x in seq):
                return f"{spec.name}[{key!r}] is {describe(value[key])}; expected a list of numbers, one per iteration."
        return None
    if isinstance(spec, Num):
        if not is_number(value):
            extra = ""
            if isinstance(value, np.ndarray):
                extra = " Reduce it to one number (for example with np.mean)."
            return f"{spec.name} is {describe(value)}; expected a single number.{extra}"
        return None
    if not isinstance(value, np.ndarray):
        extra = ""
        if isinstance(value, (list, tuple)) and value and any(isinstance(v, np.ndarray) for v in value):
            extra = f" Return {spec.name} alone, not a {type(value).__name__} of results."
        elif isinstance(value, (list, tuple)):
            extra = " Wrap it with np.array(...)."
        return f"{spec.name} is {describe(value)}; expected a NumPy array.{extra}"
    if value.dtype.kind not in spec.kinds:
        wanted = {"f": "float", "i": "int", "u": "unsigned int", "b": "bool"}
        names = " or ".join(dict.fromkeys(wanted[k] for k in spec.kinds))
        return f"{spec.name} has dtype {value.dtype}; expected {names} values."
    return None


def shape_problem(spec, value, dims):
    if isinstance(spec, Tup):
        for sub, item in zip(spec.items, value):
            problem = shape_problem(sub, item, dims)
            if problem:
                return problem
        return None
    if isinstance(spec, Rec):
        for key, sub in spec.fields:
            problem = shape_problem(sub, value[key], dims)
            if problem:
                return problem
        return None
    if isinstance(spec, Layers):
        want = spec.shapes(dims)
        if len(value) != len(want):
            return (f"{spec.name} has {len(value)} pair{'s' if len(value) != 1 else ''}; expected {len(want)}, one "
                    f"per layer (a network of sizes {list(dims['sizes'])} has {len(want)} "
                    f"layer{'s' if len(want) != 1 else ''}).")
        for layer, (pair, shapes) in enumerate(zip(value, want)):
            if shapes[0] != shapes[1] and tuple(pair[0].shape) == tuple(shapes[1]) and \
                    tuple(pair[1].shape) == tuple(shapes[0]):
                first, second = spec.names(layer)
                return (f"{spec.name}[{layer}] holds ({second}, {first}), shapes {fmt_shape(pair[0].shape)} and "
                        f"{fmt_shape(pair[1].shape)}: each pair is ({first}, {second}), in that order.")
            for name, item, shape in zip(spec.names(layer), pair, shapes):
                if item.shape != tuple(shape):
                    return (f"{name} (in {spec.name}[{layer}]) has shape {fmt_shape(item.shape)}, "
                            f"expected {fmt_shape(shape)}.")
        return None
    if isinstance(spec, Batches):
        n, m, size = dims["n"], dims["m"], dims["batch_size"]
        count = -(-m // size)
        if len(value) != count:
            return (f"it returned {len(value)} batch{'es' if len(value) != 1 else ''}; {m} examples in batches of "
                    f"{size} make {count} (the last one holding what is left).")
        last = m - size * (count - 1)
        for k, (Xb, Yb) in enumerate(value):
            if Xb.ndim != 2 or Xb.shape[0] != n:
                return (f"X_batch of batch {k} has shape {fmt_shape(Xb.shape)}; expected ({n}, b): all {n} rows of "
                        f"X, and b of its columns (examples).")
            want = size if k < count - 1 else last
            if Xb.shape[1] != want:
                return (f"batch {k} holds {Xb.shape[1]} examples; every batch holds batch_size = {size} examples "
                        f"except the last, which holds the {last} left over.")
            if Yb.shape != (Xb.shape[1],):
                return (f"Y_batch of batch {k} has shape {fmt_shape(Yb.shape)}, but its X_batch holds "
                        f"{Xb.shape[1]} examples: one label per example, shape ({Xb.shape[1]},).")
        return None
    if isinstance(spec, Arr):
        want = shape_for(spec, dims)
        if value.shape != want:
            named = spec.named()
            also = f" = {named}" if named != fmt_shape(want) else ""
            return f"{spec.name} has shape {fmt_shape(value.shape)}, expected {fmt_shape(want)}{also}."
    return None


def nonfinite_problem(spec, value):
    for leaf, item in leaves(spec, value):
        if isinstance(leaf, Dct):
            continue
        arr = np.asarray(item, dtype=float) if is_number(item) or isinstance(item, np.ndarray) else None
        if arr is None or arr.dtype.kind not in "fc":
            continue
        bad = ~np.isfinite(arr)
        if bad.any():
            n_nan, n_inf = int(np.isnan(arr).sum()), int(np.isinf(arr).sum())
            parts = ([f"{n_nan} NaN"] if n_nan else []) + ([f"{n_inf} infinite"] if n_inf else [])
            return f"{leaf.name} holds {' and '.join(parts)} value{'s' if bad.sum() > 1 else ''}."
    return None


def value_difference(got, want, rtol, name):
    """None when ``got`` matches ``want``, else a sentence locating the first difference."""
    if isinstance(want, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"{name} is {describe(got)}, expected {describe(want)}."
        for i, (g, w) in enumerate(zip(got, want)):
            diff = value_difference(g, w, rtol, f"{name}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return f"{name} is {describe(got)}, expected a dict."
        for key, w in want.items():
            if key not in got:
                return f"{name} has no key {key!r}."
            diff = value_difference(got[key], w, rtol, f"{name}[{key!r}]")
            if diff:
                return diff
        return None
    if want is None or isinstance(want, Opaque):
        return None if type(got) is type(want) and got == want else f"{name} is {describe(got)}."
    if isinstance(got, Opaque) or got is None or isinstance(got, (dict, tuple, list)):
        return f"{name} is {describe(got)}, expected {describe(want)}."
    g = np.asarray(got)
    w = np.asarray(want)
    if g.dtype.kind not in "biufc":
        return f"{name} is {describe(got)}, expected {describe(want)}."
    if g.shape != w.shape:
        return f"{name} has shape {fmt_shape(g.shape)}, expected {fmt_shape(w.shape)}."
    with np.errstate(all="ignore"):
        g64, w64 = g.astype(float), w.astype(float)
        tol = rtol * (np.nanmax(np.abs(w64[np.isfinite(w64)])) if np.isfinite(w64).any() else 1.0) + 1e-12
        same_nan = np.isnan(g64) & np.isnan(w64)
        same_inf = np.isinf(g64) & (g64 == w64)
        err = np.abs(g64 - w64)
        bad = ~(same_nan | same_inf | (err <= tol))
    if not bad.any():
        return None
    if w.ndim == 0:
        got_text, want_text = numbers(g64, w64)
        return f"{name} is {got_text}, expected {want_text}."
    broken = bad & ~np.isfinite(g64) & np.isfinite(w64)
    if broken.any():  # say what is NaN or infinite; a "largest error" beside a NaN would mislead
        idx = tuple(int(i) for i in np.argwhere(broken)[0])
        what = "NaN" if np.isnan(g64[idx]) else "infinite"
        return (f"{name} is NaN or infinite at {int(broken.sum())} of {bad.size} entries where numbers were "
                f"expected; first at index {idx}: got {what}, expected {number(w64[idx])}.")
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    got_text, want_text = numbers(g64[idx], w64[idx])
    pattern = difference_pattern(g64, w64)
    return (f"{name} differs at {int(bad.sum())} of {bad.size} entries (largest difference "
            f"{number(np.nanmax(np.where(bad, err, 0)))}); first at index {idx}: got {got_text}, "
            f"expected {want_text}." + (f" {pattern}" if pattern else ""))
