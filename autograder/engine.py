"""Judging a learner's function: cases, outcomes, checks and the report they make.

A *case* is one call (named inputs); an *outcome* is what the call did
(returned a value, raised, timed out, warned, changed its inputs). A
*runner* turns cases into outcomes: in this process for the notebook's
check cell (``autograder.check``), in a sandboxed child process for grading
(``autograder.sandbox``). Checks then judge the outcomes here, in the
judging process, against expected values from an *oracle*: values stored
with the course (``autograder.fixtures``) or the live reference
(``autograder.oracle``, instructors only). Every message says what was
expected, what came back and, when the answer behaves like a known
mistake, that mistake and its fix.

Pure NumPy: this runs in Jupyter, Colab and the browser alike.
"""
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .serial import Opaque

NOT_ATTEMPTED = ("not attempted yet: replace `raise NotImplementedError()` with your code, "
                 "then run this cell again.")


# ----------------------------------------------------------------------------- data

@dataclass
class Case:
    """One call of the learner's function: ``function(*args, **kwargs)``."""
    name: str                 # a key, e.g. "random"
    label: str                # for people, e.g. "a random batch of 7 images"
    args: tuple
    kwargs: dict = field(default_factory=dict)
    dims: dict = field(default_factory=dict)   # named sizes, e.g. {"m": 7}
    hidden: bool = False      # graded only where the instructor grades
    rtol: float = 1e-6        # values must agree to rtol * max|expected|


@dataclass
class Failure:
    """Why a call gave no value."""
    kind: str                 # "exception", "timeout", "exit", "crash", "forbidden", "missing"
    type: str = ""            # the exception's class name
    message: str = ""
    line: int | None = None   # the line of the learner's cell where it happened

    def describe(self, function):
        if self.kind == "exception":
            where = f" (line {self.line} of your cell)" if self.line else ""
            text = f"{function} raised {self.type}{where}: {self.message}" if self.message else \
                f"{function} raised {self.type}{where}"
            return text
        return f"{function} did not return: {self.message or self.kind}"


@dataclass
class Outcome:
    """What one call did."""
    value: Any = None
    failure: Failure | None = None
    warnings: list = field(default_factory=list)  # warning messages, e.g. "overflow encountered in exp"
    stdout: str = ""
    stderr: str = ""
    inputs_after: list | None = None              # the input arrays after the call (see input_arrays)
    seconds: float = 0.0


@dataclass
class Mistake:
    """A known wrong answer: how to recognise it and what to tell the learner."""
    id: str
    title: str                # e.g. "softmax without subtracting the maximum"
    hint: str                 # the fix, in a sentence or two
    matches: Callable | None = None   # custom test (judge, case_name) -> bool; default: same output
    error: tuple | None = None        # (exception type, text in its message) that also means this mistake


@dataclass
class Check:
    id: str
    purpose: str              # one line a learner can read: "handles a batch with no 9"
    run: Callable             # (judge) -> None when it passes, else the message
    case: str = ""            # the case it judges; a check of a "hidden..." case is hidden
    gate: bool = False        # when it fails, the checks after it are skipped
    uses: tuple = ()          # further cases it looks at

    @property
    def hidden(self):
        return self.case.startswith("hidden")


@dataclass
class CheckResult:
    id: str
    purpose: str
    status: str               # "pass", "fail" or "skip"
    message: str = ""
    hidden: bool = False

    @property
    def passed(self):
        return self.status == "pass"


@dataclass
class FunctionReport:
    """Every check's verdict for one function."""
    function: str
    results: list = field(default_factory=list)
    problem: str = ""         # set when the function could not be checked at all
    not_attempted: bool = False

    @property
    def passed(self):
        return not self.problem and bool(self.results) and all(r.passed for r in self.results)

    @property
    def n_passed(self):
        return sum(r.passed for r in self.results)

    @property
    def first_failure(self):
        if self.problem:
            return self.problem
        for r in self.results:
            if not r.passed:
                return r.message
        return ""

    def to_dict(self):
        """{"passed", "checks": [{"name", "purpose", "passed", "status", "message"}]} (+ "problem")."""
        checks = [{"name": r.id, "purpose": r.purpose, "passed": r.passed, "status": r.status,
                   "message": r.message} for r in self.results]
        if self.problem:
            checks.insert(0, {"name": "graded-cell", "purpose": "the graded cell can be found and run",
                              "passed": False, "status": "fail", "message": self.problem})
        d = {"passed": self.passed, "checks": checks}
        if self.problem:
            d["problem"] = self.problem
        return d


# ----------------------------------------------------------------------------- outputs

@dataclass
class Arr:
    """An array output: its name, shape pattern (ints and named sizes such as "m"), dtype kinds."""
    name: str
    shape: tuple
    kinds: str = "f"          # accepted dtype kinds: f float, i/u int, b bool

    def named(self):
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

    for i, value in enumerate(args):
        visit(i, value) if isinstance(value, np.ndarray) else visit(str(i), value)
    for key, value in kwargs.items():
        visit(key, value)
    return found


def shape_for(spec, dims):
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
        for sub, item in zip(spec.items, value):
            problem = type_problem(sub, item, function)
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
        extra = " Wrap it with np.array(...)." if isinstance(value, (list, tuple)) else ""
        return f"{spec.name} is {describe(value)}; expected a NumPy array.{extra}"
    if value.dtype.kind not in spec.kinds:
        wanted = {"f": "float", "i": "int", "u": "unsigned int", "b": "bool"}
        names = " or ".join(dict.fromkeys(wanted[k] for k in spec.kinds))
        return f"{spec.name} has dtype {value.dtype}; expected {names} values."
    return None


def shape_problem(spec, value, dims):
    for leaf, item in leaves(spec, value):
        if isinstance(leaf, Arr):
            want = shape_for(leaf, dims)
            if item.shape != want:
                named = leaf.named()
                also = f" = {named}" if named != fmt_shape(want) else ""
                return f"{leaf.name} has shape {fmt_shape(item.shape)}, expected {fmt_shape(want)}{also}."
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
        return f"{name} is {g64:.6g}, expected {w64:.6g}."
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    finite_err = err[np.isfinite(err)]
    worst = f"largest error {finite_err.max():.3g}" if finite_err.size else "no finite values"
    return (f"{name} differs at {int(bad.sum())} of {bad.size} entries ({worst}); "
            f"first at index {idx}: got {g64[idx]:.6g}, expected {w64[idx]:.6g}.")


# ----------------------------------------------------------------------------- fingerprints

SMALL = 64  # arrays up to this size are kept whole in signatures


def signature(value):
    """A compact stand-in for a value: small arrays whole, large ones as a few sums and projections.

    Two values with close signatures are, for our purposes, the same answer;
    this lets the course ship what known mistakes return without shipping
    whole arrays.
    """
    if isinstance(value, (tuple, list)):
        return [signature(v) for v in value]
    if isinstance(value, dict):
        return {k: signature(v) for k, v in value.items()}
    if value is None or isinstance(value, Opaque):
        return None
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None
    if a.size <= SMALL:
        return {"shape": list(a.shape), "values": [_num(x) for x in a.ravel()]}
    flat = a.ravel()
    with np.errstate(all="ignore"):
        finite = np.where(np.isfinite(flat), flat, 0.0)
        k = np.arange(flat.size, dtype=float)
        projections = [float(finite @ np.cos(0.7 * k + j)) for j in range(4)]
        stats = [float(finite.sum()), float(np.abs(finite).sum()),
                 float(np.isnan(flat).sum()), float(np.isinf(flat).sum())]
    return {"shape": list(a.shape), "stats": stats + projections}


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


def signatures_match(a, b, rtol=1e-6):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(signatures_match(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict) and "shape" not in a:
        return a.keys() == b.keys() and all(signatures_match(a[k], b[k], rtol) for k in a)
    if a is None or b is None:
        return a is None and b is None
    if not (isinstance(a, dict) and isinstance(b, dict)) or a.get("shape") != b.get("shape"):
        return False
    key = "values" if "values" in a else "stats"
    if key not in b:
        return False
    x = np.array([float(v) for v in a[key]])
    y = np.array([float(v) for v in b[key]])
    with np.errstate(all="ignore"):
        scale = np.nanmax(np.abs(y[np.isfinite(y)])) if np.isfinite(y).any() else 1.0
        ok = (np.isnan(x) & np.isnan(y)) | (x == y) | (np.abs(x - y) <= rtol * scale + 1e-12)
    return bool(ok.all())


# ----------------------------------------------------------------------------- judging

class Judge:
    """What a check can ask about: cases, outcomes, expected values, known mistakes."""

    def __init__(self, suite, cases, outcomes, oracle):
        self.suite, self.cases, self.outcomes, self.oracle = suite, cases, outcomes, oracle
        self.function = suite.function
        self.spec = suite.output

    def case(self, name):
        return self.cases[name]

    def outcome(self, name):
        return self.outcomes[name]

    def expected(self, name):
        return self.oracle.expected(self.function, name)

    def value(self, name):
        """The value a case returned, or None if it raised (the 'returns' check reports that)."""
        out = self.outcomes[name]
        return None if out.failure else out.value

    def mistake(self, name):
        """The catalogued mistake this case's outcome looks like, or None."""
        out = self.outcomes[name]
        for mistake in self.suite.mistakes:
            if out.failure is not None:
                if mistake.error and out.failure.type == mistake.error[0] and mistake.error[1] in out.failure.message:
                    return mistake
                known = self.oracle.mistake_outcome(self.function, name, mistake.id)
                if known and known.get("error") and known["error"] == [out.failure.type, out.failure.message]:
                    return mistake
                continue
            if mistake.matches is not None:
                with np.errstate(all="ignore"):
                    try:
                        if mistake.matches(self, name):
                            return mistake
                    except Exception:  # a matcher meeting an odd value: no match
                        pass
                continue
            known = self.oracle.mistake_outcome(self.function, name, mistake.id)
            if known and "signature" in known and signatures_match(signature(out.value), known["signature"]):
                return mistake
        return None

    def explain(self, name, message):
        """``message``, followed by the known mistake the outcome resembles, if any."""
        mistake = self.mistake(name)
        if mistake:
            return f"{message} This looks like {mistake.title}: {mistake.hint}"
        return message

    def failure_message(self, name):
        """A message for a call that gave no value, or None if it returned."""
        out = self.outcomes[name]
        if out.failure is None:
            return None
        if out.failure.type == "NotImplementedError":
            return NOT_ATTEMPTED
        return self.explain(name, out.failure.describe(self.function) + ".")


def run_checks(suite, cases, outcomes, oracle, include_hidden=False):
    """Judge ``outcomes`` (case name -> Outcome) with the suite's checks; return a FunctionReport."""
    report = FunctionReport(suite.function)
    judge = Judge(suite, cases, outcomes, oracle)
    main = suite.checks[0].case
    first = outcomes[main]
    if first.failure is not None and first.failure.type == "NotImplementedError":
        report.not_attempted = True
        report.results.append(CheckResult("attempted", "the function has been written", "fail", NOT_ATTEMPTED))
        return report
    blocked = ""
    for check in suite.checks:
        if check.hidden and not include_hidden:
            continue
        if blocked:
            report.results.append(CheckResult(check.id, check.purpose, "skip",
                                              f"skipped until '{blocked}' passes", check.hidden))
            continue
        with np.errstate(all="ignore"):
            try:
                message = check.run(judge)
            except Exception as exc:  # a bug in a check must never look like the learner's
                message = f"internal error in this check ({type(exc).__name__}: {exc}); please report it."
        status = "pass" if message is None else "fail"
        report.results.append(CheckResult(check.id, check.purpose, status, message or "", check.hidden))
        if status == "fail" and check.gate:
            blocked = check.purpose
    return report
