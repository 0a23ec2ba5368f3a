"""The generic checks every graded function is built from: returns, type, shape, finite, values.

For each function, ``autograder.learner.functions.<name>`` lists its checks
in order (built from these), and its catalogue of known mistakes with the
hint to give when an answer behaves like one. The inputs themselves come
from the oracle (stored fixtures for learners, the live reference for
graders), so nothing here computes a reference answer.
"""
import numpy as np

from .judge import Check, Suite
from .spec import (
    Arr,
    leaves,
    nonfinite_problem,
    shape_problem,
    type_problem,
    value_difference,
)

PARAMS = (Arr("W1", (10, 784)), Arr("b1", (10, 1)), Arr("W2", (10, 10)), Arr("b2", (10, 1)))
GRADS = (Arr("dW1", (10, 784)), Arr("db1", (10, 1)), Arr("dW2", (10, 10)), Arr("db2", (10, 1)))


def takes_the_lessons_arguments(case):
    """Not a gate: a function written to another signature is called by name, so the rest is still judged."""
    def run(j):
        notes = []
        for name in j.suite.case_names(include_hidden=True):
            out = j.outcomes.get(name)
            if out is not None and out.adapted:
                notes += [n for n in out.adapted.split("; ") if n not in notes]
        if not notes:
            return None
        dropped = sorted({a for n in notes if n.startswith("it does not take ")
                          for a in n.removeprefix("it does not take ").split(", ")})
        said = [n for n in notes if not n.startswith("it does not take ")]
        if dropped:
            said.append(f"it does not take {', '.join(dropped)}")
        return (f"The lesson calls `{j.suite.signature}`, but {'; '.join(said)}. The other checks called it by "
                f"name so they could still judge the rest: change the `def` line to match the lesson's.")
    return Check("signature", "takes the arguments the lesson gives it", run, case=case)


def returns(case, purpose="runs and returns a value"):
    def run(j):
        message = j.failure_message(case)
        if message:
            return message
        if j.value(case) is None:
            return f"{j.function} returned None: end it with `return ...`."
        return None
    return Check("returns", purpose, run, case=case, gate=True)


def typed(case, purpose):
    def run(j):
        problem = j.failure_message(case) or type_problem(j.spec, j.value(case), j.function)
        return j.explain(case, problem) if problem else None
    return Check("type", purpose, run, case=case, gate=True)


def shaped(case, purpose):
    def run(j):
        problem = shape_problem(j.spec, j.value(case), j.case(case).dims)
        return j.explain(case, problem) if problem else None
    return Check("shape", purpose, run, case=case, gate=True)


def finite(case, purpose="has no NaN or infinite values", everywhere=True):
    """No NaN or infinity in the answer: on ``case`` and, with ``everywhere``, on every other visible case
    that returned a value of the right type and shape (where a number was expected), so this ✓ never sits
    above a row that reports a NaN."""
    def run(j):
        names = [case] + ([n for n in j.suite.case_names(include_hidden=False) if n != case] if everywhere else [])
        for name in names:
            if name != case and (usable(j, name) or (j.suite.expects and not _finite(j.expected(name)))):
                continue
            problem = nonfinite_problem(j.spec, j.value(name))
            if problem:
                where = "" if name == case else f"On {j.case(name).label}: "
                return j.explain(name, where + problem)
        return None
    return Check("finite", purpose, run, case=case)


def _finite(value):
    """Is every number in ``value`` (arrays, numbers, nested) finite?"""
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return all(_finite(v) for v in value)
    try:
        return bool(np.isfinite(np.asarray(value, dtype=float)).all())
    except (TypeError, ValueError):
        return True


def answer_problem(j, case, compare=None):
    """Why the answer to ``case`` is wrong (failure, type, shape, non-finite, values), or None."""
    problem = j.failure_message(case)
    if problem:
        return problem
    got, want = j.value(case), j.expected(case)
    problem = type_problem(j.spec, got, j.function) or shape_problem(j.spec, got, j.case(case).dims)
    if not problem:
        if compare is not None:
            problem = compare(j, case, got, want)
        else:
            for (spec, g), (_, w) in zip(leaves(j.spec, got), leaves(j.spec, want)):
                problem = value_difference(g, w, j.case(case).rtol, spec.name)
                if problem:
                    break
    if problem and not problem.startswith(j.function):
        problem = f"On {j.case(case).label}: {problem}"
    return j.explain(case, problem) if problem else None


def matches(case, purpose, check_id=None, compare=None):
    return Check(check_id or f"values:{case}", purpose,
                 lambda j: answer_problem(j, case, compare), case=case)


def floating_point_warning(text):
    """NumPy's "overflow encountered in exp" and kin, which the browser's NumPy (Pyodide) never raises."""
    return "encountered in" in text


def no_warnings(cases, purpose="runs quietly: no warnings, nothing written to stderr", after=("finite",)):
    """No warnings and no stderr. NumPy's floating-point warnings are left out on purpose: Pyodide cannot
    raise them, and the same answer must get the same verdict everywhere; the NaN or infinity they lead
    to fails the finite check instead, and this check then waits for it (``after``), so "runs quietly ✓"
    never stands beside an overflow."""
    def run(j):
        for case in cases:
            out = j.outcome(case)
            warned = [w for w in out.warnings if not floating_point_warning(w)]
            if warned:
                return j.explain(case, f"On {j.case(case).label}: {j.function} warned \"{warned[0][:200]}\". "
                                       f"A graded function should run without warnings.")
            if out.stderr.strip():
                first = out.stderr.strip().splitlines()[0][:120]
                if "it/s" in out.stderr or "%|" in out.stderr:  # tqdm's bar
                    return (f"On {j.case(case).label}: {j.function} drew a progress bar on stderr although it was "
                            f"called with progress=False: pass `disable=not progress` to tqdm or trange.")
                return (f"On {j.case(case).label}: {j.function} wrote {first!r} to stderr. A graded function should "
                        f"only return its value: remove the print(..., file=sys.stderr) or warning.")
        return None
    return Check("quiet", purpose, run, case=cases[0], uses=tuple(cases), after=tuple(after))


def unchanged(cases, purpose="leaves its input arrays unchanged"):
    def run(j):
        for case in cases:
            name = changed_input(j, case)
            if name:
                return j.explain(case, f"{j.function} changed its input {name} (on {j.case(case).label}): "
                                       f"build a new array instead of modifying the one passed in.")
        return None
    return Check("unchanged", purpose, run, case=cases[0], uses=tuple(cases))


def prop(check_id, case, purpose, test, uses=(), after=()):
    """A property check: ``test(judge, value)`` returns None or a problem. ``after``: checks it waits for."""
    def run(j):
        problem = j.failure_message(case)
        if problem:
            return problem
        value = j.value(case)
        problem = type_problem(j.spec, value, j.function) or shape_problem(j.spec, value, j.case(case).dims)
        if not problem:
            problem = test(j, value)
        return j.explain(case, problem) if problem else None
    return Check(check_id, purpose, run, case=case, uses=tuple(uses), after=tuple(after))




def keeps_float32(case, purpose, given=None):
    """A note, not a failure (``Check.warn``): the answer on ``case`` must be of a type that keeps float32
    arithmetic float32 (float32 itself, or bool: what the docstrings ask for). Part 1's network is float64, so
    there a float64 costs nothing and the answer passes; part 2 runs the learner's own part 1 functions inside
    a float32 network (the finale), where one float64 array makes every step after it float64."""
    def run(j):
        if usable(j, case):
            return None  # the other rows say what is wrong with it
        found = [(spec.name, item.dtype) for spec, item in leaves(j.spec, j.value(case))
                 if isinstance(item, np.ndarray) and item.dtype.kind in "biuf"
                 and np.result_type(item.dtype, np.float32) != np.float32]
        if not found:
            return None
        name, dtype = found[0]
        return j.explain(case, f"On {given or j.case(case).label}, {name} is {dtype}. It passes here: part 1's network is float64 "
                               f"anyway. But lesson 23 trains a float32 network with your own functions, and "
                               f"multiplying float32 by {dtype} gives float64, so every step after it moves twice the "
                               f"bytes and takes about twice as long (lesson 17).")
    return Check("float32", purpose, run, case=case, warn=True)


def usable(j, case):
    """Why another case's answer cannot be used by a property check (no value, wrong type or shape), or None."""
    problem = j.failure_message(case)
    if problem:
        return problem
    value = j.value(case)
    return type_problem(j.spec, value, j.function) or shape_problem(j.spec, value, j.case(case).dims)


def changed_input(j, case):
    """The name of an input array the call modified (an in-place update), or None."""
    return j.changed_input(case)


def scaled_by(j, case):
    """The constant c with answer == c * expected for every array, or None."""
    got, want = j.value(case), j.expected(case)
    ratios = []
    for (_, g), (_, w) in zip(leaves(j.spec, got), leaves(j.spec, want)):
        g, w = np.asarray(g, dtype=float), np.asarray(w, dtype=float)
        if g.shape != w.shape:
            return None
        big = np.abs(w) > 1e-3 * np.abs(w).max() if w.size and np.abs(w).max() > 0 else None
        if big is None or not big.any():
            continue
        r = g[big] / w[big]
        if not np.allclose(r, r.flat[0], rtol=1e-6):
            return None
        ratios.append(r.flat[0])
    if not ratios or not np.allclose(ratios, ratios[0], rtol=1e-6) or np.isclose(ratios[0], 1.0):
        return None
    return float(ratios[0])


def standard(fn, output, edge, mistakes, shape_purpose, *, args, signature, hidden=("hidden",),
             values=("fixed", "random", "m1"), finite_case="fixed", type_purpose="returns a NumPy array",
             first=()):
    """The usual order: returns, type, shape, finite, ``first`` (properties that say more than values, such
    as "each column sums to 1"), values, edge cases, warnings, inputs, hidden."""
    labels = {"fixed": "gives the right values on a small fixed example",
              "random": "gives the right values on a random batch",
              "m1": "works for a single example (m = 1)"}
    checks = [takes_the_lessons_arguments("fixed"), returns("fixed"), typed("fixed", type_purpose),
              shaped("fixed", shape_purpose)]
    if finite_case:
        checks.append(finite(finite_case))
    checks += list(first)
    checks += [matches(case, labels[case]) for case in values]
    checks += edge
    visible = list(values) + [c.case for c in list(first) + list(edge) if not c.hidden and c.case not in values]
    visible = list(dict.fromkeys(visible))
    checks += [no_warnings(visible), unchanged(visible)]
    checks += [matches(case, "gives the right values on inputs it has not seen") for case in hidden]
    return Suite(fn, output, checks, mistakes, args=args, signature=signature)




def leaf_ratios(j, case):
    """For each array of the answer, the constant c with answer == c * expected (1.0 when it is right), or
    None when no single factor explains that array; None altogether when the structure differs."""
    got, want = j.value(case), j.expected(case)
    out = []
    try:
        pairs = list(zip(leaves(j.spec, got), leaves(j.spec, want)))
    except Exception:  # another structure
        return None
    for (_, g), (_, w) in pairs:
        g, w = np.asarray(g, dtype=float), np.asarray(w, dtype=float)
        if g.shape != w.shape:
            return None
        scale = np.abs(w).max() if w.size else 0.0
        if not (np.isfinite(g).all() and np.isfinite(w).all()) or scale == 0:
            out.append(1.0 if np.allclose(g, w) else None)
            continue
        big = np.abs(w) > 1e-3 * scale
        r = g[big] / w[big]
        small_ok = np.allclose(g[~big], r[0] * w[~big], rtol=1e-5, atol=1e-9 * scale * max(1.0, abs(r[0])))
        out.append(float(r[0]) if np.allclose(r, r[0], rtol=1e-6) and small_ok else None)
    return out


def ratios_in(j, case, allowed, needed):
    """Is every array of the answer ``c * expected`` with c among ``allowed`` (1 always allowed), and some
    array off by a factor among ``needed``? E.g. allowed = needed = (m,): "some gradients are m times too
    large, the others right", what a 1/m left out of some lines gives."""
    ratios = leaf_ratios(j, case)
    if not ratios or any(r is None for r in ratios):
        return False
    ok = lambda r, values: any(np.isclose(r, v, rtol=1e-6) for v in values)  # noqa: E731
    return all(ok(r, (1.0,) + tuple(allowed)) for r in ratios) and any(ok(r, needed) for r in ratios)


def only_first(j, case, count):
    """The answer holds one item where ``count(j, name)`` were due, on this case and every other visible case
    that was due more than one: it stops after its first item, the behaviour of a `return` inside the loop."""
    due = [n for n in j.suite.case_names(include_hidden=False) if count(j, n) > 1]
    if case not in due:
        return False
    for name in due:
        value = j.value(name)
        if not isinstance(value, (list, tuple)) or len(value) != 1:
            return False
    return True


def is_softmax_of(A, Z, tol=1e-4) -> bool:
    """Is ``A`` (n, m) softmax of ``Z`` down each column? Said by what softmax must satisfy, not by computing
    it (the learners' package holds no answer): non-negative columns summing to 1, and log A - Z the same
    number all down a column, where A has not underflowed to 0."""
    A, Z = np.asarray(A, dtype=float), np.asarray(Z, dtype=float)
    if A.shape != Z.shape or A.ndim != 2 or not np.isfinite(A).all() or not np.isfinite(Z).all() or (A < 0).any() \
            or not np.allclose(A.sum(axis=0), 1, atol=1e-6):
        return False
    kept = A > 1e-30
    with np.errstate(divide="ignore"):
        D = np.where(kept, np.log(np.where(kept, A, 1.0)) - Z, np.nan)
    if not kept.any(axis=0).all():
        return False
    return bool(np.all(np.nanmax(D, axis=0) - np.nanmin(D, axis=0) < tol))


def same_softmax(Z1, Z2, tol=1e-6) -> bool:
    """Do two score matrices give the same softmax: do they differ by one number in each column?"""
    Z1, Z2 = np.asarray(Z1, dtype=float), np.asarray(Z2, dtype=float)
    if Z1.shape != Z2.shape or Z1.ndim != 2:
        return False
    D = Z1 - Z2
    return bool(np.allclose(D, D.mean(axis=0, keepdims=True), atol=tol))



def _arrays(value):
    """Every array in a (nested) tuple or list, in order."""
    if isinstance(value, (tuple, list)):
        return [a for item in value for a in _arrays(item)]
    return [np.asarray(value)]


def same_draws(j, a, b):
    """Did cases ``a`` and ``b`` both answer, with the same arrays?"""
    if j.value(a) is None or j.value(b) is None:
        return False
    x, y = _arrays(j.value(a)), _arrays(j.value(b))
    return len(x) == len(y) and all(p.shape == q.shape and np.array_equal(p, q) for p, q in zip(x, y))


def zero_is_no_seed(j, case=None):
    """The seed 0 taken for no seed: rng=0 called twice gives two different draws, rng=1 called twice the
    same ("seeded"/"seeded_again" and "other_seed"/"other_seed_again"). 0 is falsy, so `if rng:`,
    `rng or ...` or `rng if rng else None` skip it."""
    return not same_draws(j, "seeded", "seeded_again") and same_draws(j, "other_seed", "other_seed_again")


def zero_seed_mistake(fix, drawn="layers", evidence=None, matches=zero_is_no_seed, **where):
    """The catalogued mistake of a function taking ``rng`` (a seed, None or a Generator): the seed 0 taken for
    no seed. ``fix``: its ``Fix``; ``drawn``: what the function draws, for the hint (or ``evidence``, the hint's
    first words, and ``matches``, its test, for a function whose evidence is another); ``where``: the
    Mistake's ``on`` (by default the "repeatable" check) and ``cases``."""
    from .judge import Mistake
    evidence = evidence or f"rng=1 called twice gave the same {drawn}, but rng=0 twice did not"
    return Mistake("zero_is_no_seed", "taking the seed 0 for no seed (`if rng:`)",
                   f"{evidence}: 0 is falsy, so a test such as `if rng:`, `rng or ...` or `rng if rng else None` "
                   f"treats the seed 0 as no seed at all and draws afresh. Ask `rng is None` if you must, or simply "
                   f"pass rng on as it is: np.random.default_rng takes a seed, None or a Generator.",
                   fix, matches=matches, **{"on": ("repeatable",), **where})
