"""The live oracle: expected values from the reference network (instructors' side).

Grading compares a learner's answers with ``solutions.network`` run here, in
the grader's own process, and recognises known mistakes by running the
catalogued wrong versions (``autograder.grader.functions``) on the same inputs. The
learners' side gets the same numbers, computed once, from ``fixtures.npz``.
"""
import contextlib
import copy
import io
import secrets
import warnings

import numpy as np

from ..learner.course import load_course
from ..learner.fingerprint import signature
from ..learner.functions import suite
from ..learner.serial import bind, resolve
from .functions import build_cases, mutant_sources, mutants
from .reference import namespace


def quietly(fn, args, kwargs, namespace=None):
    """Call fn on copies of the inputs with warnings and output silenced: (value, error). Lookups among the
    inputs are made from ``namespace`` (default: fn's own globals), after the copy, so an input made from
    another one (``serial.Arg``) refers to the copy the function receives."""
    args, kwargs = bind(copy.deepcopy(args), copy.deepcopy(kwargs))
    namespace = fn.__globals__ if namespace is None else namespace
    args, kwargs = resolve(args, namespace), resolve(kwargs, namespace)
    with warnings.catch_warnings(), np.errstate(all="ignore"), \
            contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            return fn(*args, **kwargs), None
        except Exception as exc:
            return None, [type(exc).__name__, str(exc)]


def mutant_function(function, mistake_id, source=None):
    """The catalogued wrong version of ``function``, defined with the reference's helpers in scope, and the
    toolbox's settings (N_CLASSES, ALPHA, ...) and imports (sys, trange), as a lesson's cell has them."""
    ref = namespace()
    toolbox = {k: v for k, v in ref.items() if k.isupper() or k in ("sys", "trange")}
    scope = {"np": np, "numpy": np, **toolbox, **{f: ref[f] for f in load_course().functions}}
    exec(compile(source or mutants(function)[mistake_id], f"<mutant {mistake_id}>", "exec"), scope)
    return scope[function]


class LiveOracle:
    """Cases, expected values and known mistakes' outcomes, computed from the reference.

    Hidden inputs are drawn from ``seed``: by default one chosen when the oracle is made (one grading run),
    never stored."""

    def __init__(self, seed=None):
        self._cases, self._expected, self._mistakes = {}, {}, {}
        self.seed = secrets.randbits(63) if seed is None else seed

    def cases(self, function, include_hidden=True):
        key = (function, include_hidden)
        if key not in self._cases:
            self._cases[key] = build_cases(function, include_hidden, self.seed)
        return self._cases[key]

    def case(self, function, name):
        return self.cases(function)[name]

    def expected(self, function, name):
        key = (function, name)
        if key not in self._expected:
            case = self.case(function, name)
            ref = namespace()
            value, error = quietly(ref[function], case.args, case.kwargs, ref)
            assert error is None, f"the reference {function} failed on {name}: {error}"
            self._expected[key] = value
        return self._expected[key]

    def mistake_outcome(self, function, name, mistake_id):
        """What each source of a catalogued mistake gives on one case: [{"error": ...} or {"signature": ...}]."""
        sources = mutant_sources(function).get(mistake_id)
        if not sources:
            return None
        key = (function, name, mistake_id)
        if key not in self._mistakes:
            case = self.case(function, name)
            found = []
            for source in sources:
                fn = mutant_function(function, mistake_id, source)
                value, error = quietly(fn, case.args, case.kwargs)
                found.append({"error": error} if error else {"signature": signature(value)})
            self._mistakes[key] = found
        return self._mistakes[key]

    def stored_mistakes(self, function, name):
        """Every catalogued mistake's outcome on one case, for the fixtures."""
        ids = [m.id for m in suite(function).mistakes if m.matches is None]
        return {mid: self.mistake_outcome(function, name, mid) for mid in ids
                if self.mistake_outcome(function, name, mid) is not None}
