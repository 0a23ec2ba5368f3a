"""``numerical_gradient``: what it returns, its checks in order, and the mistakes they can name.

Its ``f`` is one of the course's probes (``autograder.learner.probes``), each
with a known gradient; the answer is compared with the course's centred
differences, which agree with the true gradient to about 1e-10.
"""
import numpy as np

from ..checks import (
    finite,
    matches,
    no_warnings,
    prop,
    returns,
    scaled_by,
    shaped,
    takes_the_lessons_arguments,
    typed,
)
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Arr, number

SIGNATURE = "numerical_gradient(f, x, eps=1e-5)"
ARGS = ("f", "x", "eps")  # the parameters the checks pass by position, in order
RESTORED = 1e-12  # how close x must come back: exactly (x[i] = old) or within its last bits (x[i] += eps after
#                   x[i] -= 2 * eps), relative to x's largest entry; anything more has damaged the caller's x


def suite():
    def restored(cases):
        def run(j):
            for case in cases:
                out = j.outcome(case)
                if out.failure is not None or out.inputs_after is None:
                    continue
                before = j.case(case).args[1]
                after = out.inputs_after[0] if out.inputs_after and out.inputs_after[0] is not None else before
                if not (isinstance(after, np.ndarray) and after.shape == before.shape):
                    return f"On {j.case(case).label}: x came back with another shape, {after.shape}."
                shift = np.abs(after - before).max() if before.size else 0.0
                if shift > RESTORED * max(1.0, np.abs(before).max()):
                    return j.explain(case, f"On {j.case(case).label}: x was not put back as it was: an entry "
                                           f"moved by {number(shift)}. Every later slope is then measured at the "
                                           f"wrong point, and the caller's x (a network's weights) is damaged.",
                                     prefer="in_place")
            return None
        from ..judge import Check
        return Check("restored", "puts every entry of x back as it was (to within 1e-12 of x's size)", run, case=cases[0],
                     uses=tuple(cases))

    def moved(j, case):
        after = j.outcome(case).inputs_after
        before = j.case(case).args[1]
        return bool(after) and after[0] is not None and after[0].shape == before.shape and \
            np.abs(after[0] - before).max() > RESTORED * max(1.0, np.abs(before).max())

    def ratio_is(value):
        def test(j, case):
            c = scaled_by(j, case)
            return c is not None and np.isclose(c, value, rtol=1e-3)
        return test

    def no_division(j, case):
        c = scaled_by(j, case)
        return c is not None and 1e-12 < abs(c) < 1e-2

    def all_zero(j, case):
        value = j.value(case)
        return isinstance(value, np.ndarray) and value.size > 1 and not np.any(value) and np.any(j.expected(case))

    def first_axis(j, case):
        """On an x of two or more dimensions every row (first index) holds one number, the sum of that row's
        slopes: each x[i] nudged was a whole row."""
        value, want = j.value(case), j.expected(case)
        if not isinstance(value, np.ndarray) or value.shape != np.shape(want) or value.ndim < 2 or j.right_on(case):
            return False
        rows = np.asarray(want, dtype=float).reshape(want.shape[0], -1).sum(axis=1)
        return bool(np.allclose(value.reshape(value.shape[0], -1), rows[:, None], rtol=1e-4, atol=1e-6))

    def flat(j, case):
        x = j.case(case).args[1]
        value = j.value(case)
        return isinstance(value, np.ndarray) and x.ndim > 1 and value.shape == (x.size,)

    def copies(j, case):
        """Zero slopes where f reads x through a closure, right slopes where f reads its argument: f was
        handed nudged copies of x."""
        return case == "closure" and all_zero(j, case) and j.right_on("square")

    checks = [
        takes_the_lessons_arguments("square"),
        returns("square"),
        typed("square", "returns a float array"),
        shaped("square", "returns an array shaped like x"),
        finite("square"),
        matches("square", "measures the slopes of sum(x²), which are 2x"),
        matches("sine", "measures the slopes of sum(sin x), which are cos x, on a vector x"),
        matches("cube_eps", "uses the eps it is given (with eps = 0.1 the slopes of sum(x³) are 3x² + 0.01)"),
        matches("three_d", "works on an x of any shape, here (2, 2, 3)"),
        matches("closure", "works for an f that reads x itself, not its argument (a loss reading W inside params)"),
        restored(["square", "sine", "cube_eps", "three_d", "closure"]),
        no_warnings(["square", "sine", "cube_eps", "three_d", "closure"]),
        matches("hidden", "measures slopes it has not seen"),
    ]
    PAIR = "(f_plus - f_minus) / (2 * eps)"
    mistakes = [
        Mistake("one_sided", "a one-sided difference, (f(x + eps) - f(x)) / eps",
                "a step to one side only measures the slope half a step away, with an error that shrinks like eps; "
                "a step to each side cancels most of it: what is left shrinks like eps², a hundred thousand times "
                "smaller here.",
                Fix((Edit("grad[i] = (f(x) - f_x) / eps",
                          "f_plus = f(x)\nx[i] = old - eps\ngrad[i] = (f_plus - f(x)) / (2 * eps)"),))),
        Mistake("divide_by_eps", "dividing by eps instead of 2 eps",
                "from x - eps to x + eps is a step of 2 eps: divide the change in f by the width of the step you "
                "took.", Fix((Edit("(f_plus - f_minus) / eps", PAIR),)), matches=ratio_is(2.0)),
        Mistake("no_division", "not dividing by the step",
                "a slope is a change in f per unit of x: divide the change in f by the step in x, 2 eps.",
                Fix((Edit("grad[i] = f_plus - f_minus", f"grad[i] = {PAIR}"),)), matches=no_division),
        Mistake("nudged_copy", "nudging a copy of x, which f never sees",
                "f must be measured at the nudged point. x.flatten() (or np.array(x), x.copy()) makes a new array, "
                "so nudging it leaves the x that f reads as it was, f(x + eps) equals f(x - eps), and every slope "
                "comes out 0. Nudge x itself, one position at a time, and put it back.",
                Fix((Edit("flat = x.flatten()", "flat = x.reshape(-1)"),),
                    "x.reshape(-1) is a view of x: nudging it nudges x."),
                matches=lambda j, c: all_zero(j, c) and (c != "closure" or all_zero(j, "square"))),
        Mistake("copies_x", "nudging copies of x and handing them to f",
                "f may read x itself rather than the array it is handed: a loss that reads a layer's W inside "
                "params ignores its argument, as the function's docstring warns. Such an f only sees nudges made "
                "to x itself, so on a copy every slope comes out 0. Nudge x in place, one entry at a time, and "
                "put each entry back.",
                Fix((Edit("plus, minus = x.copy(), x.copy()\nplus.flat[k] += eps\nminus.flat[k] -= eps\n"
                          "grad[k] = (f(plus) - f(minus)) / (2 * eps)",
                          "old = x.flat[k]\nx.flat[k] = old + eps\nf_plus = f(x)\nx.flat[k] = old - eps\n"
                          f"f_minus = f(x)\nx.flat[k] = old\ngrad[k] = {PAIR}"),)),
                matches=copies),
        Mistake("float32", "measuring the slopes in float32",
                "float32 keeps about 7 significant digits, so f(x + eps) and f(x - eps) differ only in their last "
                "few, and that difference, divided by a tiny 2 eps, is mostly rounding (lesson 16 measures it). "
                "Measure gradients in float64, the type of the x you are given.",
                Fix((Edit("x32 = x.astype(np.float32)", "x32 = x"),),
                    "x itself, in its own float64, is what f must see nudged."),
                matches=lambda j, c: isinstance(j.value(c), np.ndarray) and j.value(c).dtype == np.float32
                and np.asarray(j.case(c).args[1]).dtype == np.float64),
        Mistake("wrong_sign", "f(x - eps) - f(x + eps): the slopes come out with the wrong sign",
                "a slope is how much f goes up when x goes up: the value at x + eps minus the value at x - eps.",
                Fix((Edit("(f_minus - f_plus)", "(f_plus - f_minus)"),)), matches=ratio_is(-1.0)),
        # Nudging x in place is the method; leaving it nudged is the mistake, so it is this suite's "in_place".
        Mistake("in_place", "not putting x[i] back after nudging it",
                "after measuring f on both sides, set x[i] back to the value you saved before nudging it, so the "
                "next entry is measured at the right point and the caller gets its x back unchanged.",
                Fix((Edit("f_minus = f(x)", "x[i] += eps", "after"),),
                    "Saving `old = x[i]` first and ending with `x[i] = old` puts it back exactly."),
                matches=moved),
        Mistake("saved_reference", "measuring f(x - eps) at x itself: x[i] back at its start before the second call",
                "every slope is about half the right one, (f(x + eps) - f(x)) / (2 eps). Two slips do this. A name "
                "saved before the nudges that refers to the array x, not a copy (old = x), moves with every nudge: "
                "by the second nudge it already holds x[i] + eps, and x[i] - eps lands back on the start. Or x[i] "
                "is put back (x[i] = old) before f is called the second time. Save the number x[i] holds before "
                "nudging, call f after each nudge, and put x[i] back only after both calls.",
                Fix((Edit("old = x", "old = x.copy()"),))),
        Mistake("ignores_eps", "a step size written in the function instead of the eps it is given",
                "the caller chooses the step: use `eps`, not a number of your own.",
                Fix((Edit("h = 1e-5", "h = eps"),))),
        Mistake("row_index", "a flat index into a 2-D x",
                "with a 2-D x, x[i] is a whole row, and i runs past the last row. Loop over every position of x "
                "(np.ndindex(x.shape) gives each index tuple), whatever its number of dimensions.",
                Fix((Edit("for i in range(x.size):", "for i in np.ndindex(x.shape):"),)),
                error=("IndexError", "out of bounds")),
        Mistake("first_axis", "a loop over the first axis only",
                "with one index, x[i] of a matrix is a whole row: nudging it nudges every entry of the row at "
                "once, and the slope stored is the row's total. Loop over every position of x (np.ndindex(x.shape) "
                "gives each index tuple), whatever its number of dimensions.",
                Fix((Edit("for i in range(x.shape[0]):", "for i in np.ndindex(x.shape):"),)), matches=first_axis),
        Mistake("two_dims_only", "a loop written for a matrix only (two indices, a row and a column)",
                "x may have any number of dimensions: a vector of biases has one, a layer's weights two, and the "
                "checks try three. `rows, cols = x.shape`, two indices (i, j) or two nested ranges fit only a "
                "matrix. Take each position as one index tuple, whatever its length: "
                "`for idx in np.ndindex(x.shape)`, then x[idx] and grad[idx].",
                Fix((Edit("rows, cols = x.shape\nfor pos in np.ndindex(rows, cols):", "for pos in np.ndindex(x.shape):"),)),
                error=(("ValueError", "IndexError"), r"values to unpack \(expected 2\b|tuple index out of range")),
        Mistake("flat_gradient", "a flat gradient instead of one shaped like x",
                "grad[i] is the slope of x[i], so grad has x's shape: make its zeros with x's own shape, or reshape "
                "a flat one to x.shape before returning it.",
                Fix((Edit("return grad", "return grad.reshape(x.shape)"),)), matches=flat),
    ]
    return Suite("numerical_gradient", Arr("numerical_gradient(f, x)", "x"), checks, mistakes, args=ARGS,
                 signature=SIGNATURE, writable=("x",))


SUITE = suite()
