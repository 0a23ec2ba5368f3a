"""``gradient_descent``: what it returns, its checks in order, and the mistakes they can name."""
import re

import numpy as np

from ..checks import (
    PARAMS,
    finite,
    matches,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    unchanged,
    zero_seed_mistake,
)
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Dct, Tup, leaves, shape_problem, type_problem, value_difference

SIGNATURE = "gradient_descent(X, Y, alpha=0.25, iterations=100, params=None, rng=None, X_val=None, Y_val=None, progress=True)"
ARGS = ('X', 'Y', 'alpha', 'iterations')  # the parameters the checks pass by position, in order


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

    def val_curve(j, case, got, want):
        if "val_accuracy" not in got[1]:
            return "history has no 'val_accuracy' although X_val and Y_val were given."
        g = [float(x) for x in np.ravel(got[1]["val_accuracy"])]
        return value_difference(np.array(g), np.array(want[1]["val_accuracy"]), 1e-6,
                                "history['val_accuracy']")

    def history_keys(j, value):
        """Without validation data, history holds "loss" and "accuracy" only: every list in it has one entry
        per iteration (the docstring), so no empty "val_accuracy" list."""
        n = j.case("fixed").kwargs["iterations"]
        odd = [key for key, entries in value[1].items() if key not in ("loss", "accuracy") or len(entries) != n]
        if odd:
            return (f"Without validation data, history holds {', '.join(repr(k) for k in odd)} with "
                    f"{', '.join(str(len(value[1][k])) for k in odd)} entries after {n} iterations; the docstring's "
                    f"history has one entry per iteration in each of its lists: \"loss\", \"accuracy\" and, with "
                    f"validation data only, \"val_accuracy\".")
        return None

    def loss_falls(j, value):
        loss = [float(x) for x in np.ravel(value[1]["loss"])]
        if len(loss) >= 2 and not loss[-1] < loss[0]:
            return f"the loss went from {loss[0]:.4g} to {loss[-1]:.4g}; training should bring it down."
        return None

    def same_start(j, value):
        """params=None, rng=0 must start where the learner's own init_params(0) starts (a property: it never
        depends on the course's random numbers, so any accepted init_params passes)."""
        problem = j.failure_message("default_given")
        given = j.value("default_given")
        problem = problem or type_problem(j.spec, given, j.function) or shape_problem(j.spec, given, {})
        if problem:
            return f"Called with params=init_params(0): {problem}"
        for (spec, a), (_, b) in zip(leaves(j.spec, value), leaves(j.spec, given)):
            diff = value_difference(a, b, 1e-9, spec.name)
            if diff:
                return j.explain("default_start", f"With params=None and rng=0 it did not start where your own "
                                                  f"init_params(0) starts: {diff}", prefer="drops_rng")
        return None

    def same_run(j, a, b):
        return j.value(a) is not None and j.value(b) is not None and not any(
            value_difference(x, y, 1e-9, "x") for (_, x), (_, y) in
            zip(leaves(j.spec, j.value(a)), leaves(j.spec, j.value(b))))

    def zero_seed(j, case):
        """rng=1 starts where init_params(1) does, rng=0 not where init_params(0) does: the seed 0 taken for
        none."""
        return not same_run(j, "default_start", "default_given") and same_run(j, "default_start_1",
                                                                             "default_given_1")

    def drops_rng(j, case):
        return j.value("default_start") is not None and j.value("default_given") is not None and \
            not same_run(j, "default_start", "default_given") and not zero_seed(j, case)

    def losses(j, case, key="loss"):
        try:
            return [float(x) for x in np.ravel(j.value(case)[1][key])]
        except (TypeError, ValueError, KeyError, IndexError):
            return None

    def fixed_alpha(j, case):
        """From the same start, the same trained parameters for alpha = 0.5 and alpha = 0.1, where the
        course's differ, and not the start itself (that is no update at all): the step ignored alpha."""
        a, b = j.value("fixed"), j.value("alpha_small")
        try:
            got = [np.asarray(x, dtype=float) for x in list(a[0]) + list(b[0])]
        except (TypeError, ValueError, IndexError):
            return False
        start = [np.asarray(x, dtype=float) for x in j.case("fixed").kwargs["params"]]
        if len(got) != 8 or any(g.shape != s.shape for g, s in zip(got, start + start)):
            return False
        return all(np.allclose(x, y, rtol=1e-9) for x, y in zip(got[:4], got[4:])) and \
            not all(np.allclose(x, s) for x, s in zip(got[:4], start)) and \
            not np.allclose(j.expected("fixed")[0][0], j.expected("alpha_small")[0][0])

    def one_short(j, case):
        """One entry fewer than the iterations asked for, in every visible run: a loop counted from 1."""
        runs = [n for n in ("fixed", "alpha_small", "with_val") if j.value(n) is not None]
        return case in runs and all(losses(j, n) is not None and
                                    len(losses(j, n)) == j.case(n).kwargs["iterations"] - 1 for n in runs)

    def shared_lists(j, case):
        """Every key of history holds the same list: one entry per key and iteration in each."""
        try:
            history = j.value(case)[1]
            lists = [list(np.ravel(history[k])) for k in history]
        except (TypeError, ValueError, KeyError, IndexError):
            return False
        n = j.case(case).kwargs["iterations"]
        return len(lists) > 1 and all(v == lists[0] for v in lists) and len(lists[0]) == n * len(lists)

    def val_on_training(j, case):
        """history['val_accuracy'] is the training accuracy, where the course's differ."""
        acc, val = losses(j, case, "accuracy"), losses(j, case, "val_accuracy")
        want = j.expected(case)[1]
        return acc is not None and val is not None and acc == val and want["accuracy"] != want["val_accuracy"]

    def started_elsewhere(j, case):
        """The first recorded loss is neither the loss at the given params nor after one step."""
        first = float(np.ravel(j.value(case)[1]["loss"])[0])
        want = j.expected(case)[1]["loss"]
        return not any(np.isclose(first, w, rtol=1e-6) for w in want[:2])

    checks = [
        takes_the_lessons_arguments("fixed"),
        returns("fixed"),
        typed("fixed", "returns (W1, b1, W2, b2), history"),
        shaped("fixed", "the trained parameters keep their shapes"),
        finite("fixed"),
        prop("loss-falls", "fixed", "the loss goes down", loss_falls),
        matches("fixed", "reaches the expected parameters after 5 steps", "values:params", params_values),
        matches("fixed", "records the loss and accuracy of every iteration", "values:history", history_values),
        matches("alpha_small", "takes steps of the alpha it is given (here 0.1)", "values:alpha", params_values),
        matches("with_val", "records the validation accuracy when given validation data", "values:val", val_curve),
        prop("history-keys", "fixed", "without validation data, history holds only \"loss\" and \"accuracy\"",
             history_keys, after=("values:history",)),
        prop("default", "default_start", "starts from your init_params(rng) when no params are given", same_start,
             uses=("default_given", "default_start_1", "default_given_1")),
        unchanged(["fixed", "alpha_small", "with_val"], "leaves the starting parameters unchanged"),
        no_warnings(["fixed", "alpha_small", "with_val", "default_start"],
                    "runs quietly with progress=False: no warnings, no progress bar on stderr"),
        matches("hidden", "trains correctly on data it has not seen", "values:hidden", params_values),
    ]
    UP = "W1, b1, W2, b2 = update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)"
    BACK = "dW1, db1, dW2, db2 = backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)"
    RECORD = """history["loss"].append(cross_entropy(A2, Y))
history["accuracy"].append(get_accuracy(get_predictions(A2), Y))
if X_val is not None:
    A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]
    history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))"""
    def val_overwrites(j, case, message):
        """An error with the validation set's size in a (rows, m_val) array, in the run with validation data
        only (the run without it went through): the validation pass's results took the training pass's name,
        and the backward pass met them."""
        kw = j.case(case).kwargs
        if kw.get("X_val") is None or j.value("fixed") is None:
            return False
        m, m_val = j.case(case).dims.get("m"), int(np.shape(kw["X_val"])[1])
        found = re.findall(r"\((\d+),(\d+)\)", message)
        return m != m_val and any(k in message for k in ("broadcast", "matmul", "aligned")) and \
            any(int(cols) == m_val for _, cols in found) and any(int(cols) == m for _, cols in found)

    def training_vs_val(j, case, message):
        """A broadcast error between the training set's m and the validation set's m_val: the training
        predictions compared with Y_val."""
        kw = j.case(case).kwargs
        if kw.get("Y_val") is None:
            return False
        sizes = {j.case(case).dims.get("m"), int(np.size(kw["Y_val"]))}
        found = re.findall(r"\((\d+),\)\s*\((\d+),\)", message)
        return "broadcast" in message and any({int(a), int(b)} == sizes for a, b in found)

    mistakes = [
        Mistake("val_from_training", "the validation accuracy from the training predictions",
                "the predictions of the training images (m of them) were compared with Y_val (m_val labels): "
                "their sizes differ, hence the error. The validation accuracy needs the network's own predictions "
                "on X_val: run forward_prop on X_val and compare those with Y_val.",
                Fix((Edit('history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y_val))',
                          'history["val_accuracy"].append(get_accuracy(get_predictions(forward_prop(W1, b1, W2, b2, '
                          'X_val)[3]), Y_val))'),)),
                error=("ValueError", training_vs_val)),
        Mistake("val_overwrites_training", "the validation pass stored under the training pass's names (A2)",
                "the run with validation data failed, the one without it did not, and the error meets arrays of "
                "the validation set's size in the training step: the validation pass's results replaced this "
                "iteration's training results, which the backward pass still needs (with equal sizes it would "
                "silently learn from the wrong numbers). Give the validation results names of their own.",
                Fix((Edit('A2 = forward_prop(W1, b1, W2, b2, X_val)[3]\n'
                          'history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y_val))',
                          'A2_val = forward_prop(W1, b1, W2, b2, X_val)[3]\n'
                          'history["val_accuracy"].append(get_accuracy(get_predictions(A2_val), Y_val))'),)),
                error=("ValueError", val_overwrites)),
        Mistake("val_key_always", "a \"val_accuracy\" list in the history even without validation data",
                "an empty list is not one entry per iteration: without validation data there is nothing to "
                "record under \"val_accuracy\", so the key should not be there. Create that list only when "
                "X_val is given.",
                Fix((Edit('history = {"loss": [], "accuracy": [], "val_accuracy": []}',
                          'history = {"loss": [], "accuracy": []}\nif X_val is not None:\n'
                          '    history["val_accuracy"] = []'),)),
                matches=lambda j, c: j.case(c).kwargs.get("X_val") is None and isinstance(j.value(c)[1], dict)
                and len(j.value(c)[1].get("val_accuracy", [None])) == 0, on=("history-keys",)),
        Mistake("fixed_alpha", "a learning rate of its own instead of the alpha it is given",
                "from the same start, alpha = 0.5 and alpha = 0.1 trained to the same parameters: the update used a name from "
                "outside the function (the toolbox's ALPHA) or a number written in. alpha is an argument so that "
                "the caller chooses the step (this lesson compares several on validation): pass it on.",
                Fix((Edit(", ALPHA)", ", alpha)"),)), matches=fixed_alpha),
        Mistake("one_short", "one iteration too few (a loop counted from 1)",
                "range(1, iterations) counts from 1 to iterations - 1: one step fewer than asked, and a history "
                "one entry short. range(iterations) counts iterations times (from 0).",
                Fix((Edit("range(1, iterations)", "range(iterations)"),)), matches=one_short),
        Mistake("shared_lists", "one list shared by every key of history (dict.fromkeys(keys, []))",
                "dict.fromkeys(keys, []) puts the same list object under every key, so each append lands in all "
                "of them: the losses and accuracies mix in one list. Give each key a list of its own: a dict "
                "comprehension makes a fresh [] for each key.",
                Fix((Edit("dict.fromkeys(keys, [])", "{key: [] for key in keys}"),)), matches=shared_lists),
        Mistake("val_on_training", "recording the training accuracy as the validation accuracy",
                "the validation accuracy is measured on images held out of training: run the network on X_val "
                "and compare with Y_val. The training batch's predictions say how well the network fits the "
                "images it learns from, which is what history['accuracy'] already records.",
                Fix((Edit('history["val_accuracy"].append(get_accuracy(get_predictions(A2), Y))',
                          'history["val_accuracy"].append(get_accuracy(get_predictions(forward_prop(W1, b1, W2, b2, '
                          'X_val)[3]), Y_val))'),)), matches=val_on_training, cases=("with_val",)),
        Mistake("no_update", "never updating the parameters",
                "update_params does not change the arrays it is given: it returns new ones, and the loop must "
                "carry those into the next iteration.",
                Fix((Edit("update_params(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)", UP),))),
        Mistake("loss_after_update", "recording the loss after the update",
                "each iteration's history entry describes the parameters that iteration started from: record the "
                "loss and accuracy of the forward pass you just ran, before updating.",
                Fix((Edit(BACK + "\n" + UP + "\nA2 = forward_prop(W1, b1, W2, b2, X)[3]\n" + RECORD,
                          RECORD + "\n" + BACK + "\n" + UP),))),
        Mistake("ignores_params", "starting from init_params even when params are given",
                "`params` lets a caller choose where training starts; only when it is None should the function "
                "draw its own start.",
                Fix((Edit("W1, b1, W2, b2 = init_params(rng)",
                          "W1, b1, W2, b2 = init_params(rng) if params is None else params"),)),
                matches=started_elsewhere, cases=("fixed", "with_test", "hidden")),
        zero_seed_mistake(Fix((Edit("init_params(rng or None)", "init_params(rng)"),)),
                          evidence="with params=None and rng=1 it started where your init_params(1) starts, but "
                                   "with rng=0 not where init_params(0) starts",
                          matches=zero_seed, on=("default",), cases=("default_start",)),
        Mistake("drops_rng", "calling init_params without the rng you were given",
                "when no params are given, the start must come from your init_params, given the rng you were "
                "given, so the same seed always gives the same training run; without it every run starts "
                "somewhere new.", Fix((Edit("init_params()", "init_params(rng)"),)),
                matches=drops_rng, cases=("default_start",)),
        Mistake("flat_return", "returning the four parameters and the history side by side",
                "gradient_descent returns a pair: the parameters as one tuple, then the history, so that the "
                "caller writes `params, history = gradient_descent(...)` and can hand params on whole. "
                "`return W1, b1, W2, b2, history` makes five items; group the parameters in parentheses.",
                Fix((Edit("return W1, b1, W2, b2, history", "return (W1, b1, W2, b2), history"),)),
                matches=lambda j, c: isinstance(j.value(c), (tuple, list)) and len(j.value(c)) == 5
                and isinstance(j.value(c)[4], dict)),
        Mistake("params_only", "returning only the parameters",
                "the caller needs the history too, to draw the learning curves: return a pair, the parameters "
                "and the history.",
                Fix((Edit("for i in range(iterations):\n    Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)",
                          'history = {"loss": [], "accuracy": []}\nif X_val is not None:\n'
                          '    history["val_accuracy"] = []\n'
                          "for i in range(iterations):\n    Z1, A1, Z2, A2 = forward_prop(W1, b1, W2, b2, X)\n"
                          + "\n".join("    " + line for line in RECORD.splitlines())),
                     Edit("return W1, b1, W2, b2", "return (W1, b1, W2, b2), history"))),
                error=("NameError", "'history'")),
    ]
    return Suite("gradient_descent", output, checks, mistakes, args=ARGS, signature=SIGNATURE)


SUITE = suite()
