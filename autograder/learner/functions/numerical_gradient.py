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
from ..judge import Mistake, Suite
from ..spec import Arr, number

SIGNATURE = "numerical_gradient(f, x, eps=1e-5)"
ARGS = ("f", "x", "eps")  # the parameters the checks pass by position, in order
RESTORED = 1e-12  # how close x must come back: exactly is best, within the last bits is accepted


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
        return Check("restored", "puts every entry of x back as it was", run, case=cases[0], uses=tuple(cases))

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
        restored(["square", "sine", "cube_eps", "three_d"]),
        no_warnings(["square", "sine", "cube_eps", "three_d"]),
        matches("hidden", "measures slopes it has not seen"),
    ]
    mistakes = [
        Mistake("one_sided", "a one-sided difference, (f(x + eps) - f(x)) / eps",
                "a step to one side only measures the slope half a step away, with an error that shrinks like eps; "
                "a step to each side cancels most of it: what is left shrinks like eps², a hundred thousand times smaller here.",
                "`(f_plus - f_minus) / (2 * eps)`, with f_minus measured at x[i] - eps"),
        Mistake("divide_by_eps", "dividing by eps instead of 2 eps",
                "from x - eps to x + eps is a step of 2 eps: divide the change in f by the width of the step you "
                "took.", "divide by `2 * eps`", matches=ratio_is(2.0)),
        Mistake("no_division", "not dividing by the step",
                "a slope is a change in f per unit of x: divide the change in f by the step in x, 2 eps.",
                "divide by `2 * eps`", matches=no_division),
        Mistake("nudged_copy", "nudging a copy of x, which f never sees",
                "f must be measured at the nudged point. x.flatten() (or np.array(x), x.copy()) makes a new array, "
                "so nudging it leaves the x that f reads as it was, f(x + eps) equals f(x - eps), and every slope "
                "comes out 0. Nudge x itself, one position at a time, and put it back.",
                "`for i in np.ndindex(x.shape):`, then nudge and restore `x[i]`", matches=all_zero),
        Mistake("float32", "measuring the slopes in float32",
                "float32 keeps about 7 significant digits, so f(x + eps) and f(x - eps) differ only in their last "
                "few, and that difference, divided by a tiny 2 eps, is mostly rounding (lesson 16 measures it). "
                "Measure gradients in float64, the type of the x you are given.",
                "nudge x itself, in its own float64, and make `grad = np.zeros(x.shape)`",
                matches=lambda j, c: isinstance(j.value(c), np.ndarray) and j.value(c).dtype == np.float32
                and np.asarray(j.case(c).args[1]).dtype == np.float64),
        Mistake("wrong_sign", "f(x - eps) - f(x + eps): the slopes come out with the wrong sign",
                "a slope is how much f goes up when x goes up: the value at x + eps minus the value at x - eps.",
                "`(f_plus - f_minus) / (2 * eps)`", matches=ratio_is(-1.0)),
        # Nudging x in place is the method; leaving it nudged is the mistake, so it is this suite's "in_place".
        Mistake("in_place", "not putting x[i] back after nudging it",
                "after measuring f on both sides, set x[i] back to the value you saved before nudging it, so the "
                "next entry is measured at the right point and the caller gets its x back unchanged.",
                "save `old = x[i]` first, and end with `x[i] = old`", matches=moved),
        Mistake("ignores_eps", "a step size written in the function instead of the eps it is given",
                "the caller chooses the step: use `eps`, not a number of your own.",
                "use the parameter `eps` in both nudges and in the division"),
        Mistake("row_index", "a flat index into a 2-D x",
                "with a 2-D x, x[i] is a whole row, and i runs past the last row. Loop over every position of x "
                "(np.ndindex(x.shape) gives each index tuple), whatever its number of dimensions.",
                "`for i in np.ndindex(x.shape):`", error=("IndexError", "out of bounds")),
    ]
    return Suite("numerical_gradient", Arr("numerical_gradient(f, x)", "x"), checks, mistakes, args=ARGS,
                 signature=SIGNATURE, writable=("x",))


SUITE = suite()
