"""``gradient_descent``: what it returns, its checks in order, and the mistakes they can name."""
import numpy as np

from ..checks import (
    PARAMS,
    finite,
    matches,
    no_warnings,
    prop,
    returns,
    shaped,
    typed,
    unchanged,
)
from ..judge import Mistake, Suite
from ..spec import Dct, Tup, value_difference

ARGS = ('X', 'Y', 'alpha', 'iterations')


def suite():
    history = Dct("history", ("loss", "accuracy"))
    output = Tup("gradient_descent(...)", (Tup("params", PARAMS), history))

    def history_values(j, case, got, want):
        for key in ("loss", "accuracy"):
            g, w = [float(x) for x in np.ravel(got[1][key])], [float(x) for x in want[1][key]]
            if len(g) != len(w):
                return (f"history[{key!r}] has {len(g)} entries; expected {len(w)}, one per iteration "
                        f"(iterations = {j.case(case).kwargs.get('iterations', '?')}).")
            problem = value_difference(np.array(g), np.array(w), 1e-6, f"history[{key!r}]")
            if problem:
                return problem
        return None

    def params_values(j, case, got, want):
        for spec, g, w in zip(PARAMS, got[0], want[0]):
            problem = value_difference(g, w, j.case(case).rtol, spec.name)
            if problem:
                return problem
        return None

    def test_curve(j, case, got, want):
        if "test_accuracy" not in got[1]:
            return "history has no 'test_accuracy' although X_test and Y_test were given."
        g = [float(x) for x in np.ravel(got[1]["test_accuracy"])]
        return value_difference(np.array(g), np.array(want[1]["test_accuracy"]), 1e-6,
                                "history['test_accuracy']")

    def loss_falls(j, value):
        loss = [float(x) for x in np.ravel(value[1]["loss"])]
        if len(loss) >= 2 and not loss[-1] < loss[0]:
            return f"the loss went from {loss[0]:.4g} to {loss[-1]:.4g}; training should bring it down."
        return None

    def started_elsewhere(j, case):
        """The first recorded loss is neither the loss at the given params nor after one step."""
        first = float(np.ravel(j.value(case)[1]["loss"])[0])
        want = j.expected(case)[1]["loss"]
        return not any(np.isclose(first, w, rtol=1e-6) for w in want[:2])

    checks = [
        returns("fixed"),
        typed("fixed", "returns (W1, b1, W2, b2), history"),
        shaped("fixed", "the trained parameters keep their shapes"),
        finite("fixed"),
        prop("loss-falls", "fixed", "the loss goes down", loss_falls),
        matches("fixed", "reaches the reference's parameters after 5 steps", "values:params", params_values),
        matches("fixed", "records the loss and accuracy of every iteration", "values:history", history_values),
        matches("with_test", "records the test accuracy when given test data", "values:test", test_curve),
        matches("default_start", "starts from init_params(rng) when no params are given", "values:default",
                params_values),
        unchanged(["fixed", "with_test"], "leaves the starting parameters unchanged"),
        no_warnings(["fixed", "with_test", "default_start"],
                    "runs quietly with progress=False: no warnings, no progress bar on stderr"),
        matches("hidden", "trains correctly on data it has not seen", "values:hidden", params_values),
    ]
    mistakes = [
        Mistake("no_update", "never updating the parameters",
                "update_params returns new arrays; assign them: "
                "`W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)`."),
        Mistake("loss_after_update", "recording the loss after the update",
                "record the loss and accuracy of the forward pass you just ran, before updating."),
        Mistake("ignores_params", "starting from init_params even when params are given",
                "start from `params` when it is not None: "
                "`W1, b1, W2, b2 = init_params(rng) if params is None else params`.",
                matches=started_elsewhere),
        Mistake("params_only", "returning only the parameters",
                "return both the parameters and the history: `return (W1, b1, W2, b2), history`."),
    ]
    return Suite("gradient_descent", output, checks, mistakes, args=ARGS)


SUITE = suite()
