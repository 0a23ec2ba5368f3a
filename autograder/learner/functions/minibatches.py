"""``minibatches``: judged by properties, never by the course's own random numbers.

Each case's X has the example's number in its first row (X[0, j] == j), so
the checks can follow every example: each one exactly once per epoch, with
its own label, in a shuffled order that the ``rng`` given decides (the same
seed, the same batches; another seed, others). Any order drawn from that rng
is right; the split is the lesson's: ceil(m / batch_size) batches of
batch_size examples, the last one holding the rest.
"""
import numpy as np

from ..checks import (
    changed_input,
    only_first,
    no_warnings,
    prop,
    returns,
    shaped,
    takes_the_lessons_arguments,
    typed,
    unchanged,
    usable,
)
from ..judge import Edit, Fix, Mistake, Suite
from ..spec import Batches

SIGNATURE = "minibatches(X, Y, batch_size, rng)"
ARGS = ("X", "Y", "batch_size", "rng")  # the parameters the checks pass by position, in order


def order(value):
    """The example numbers of an epoch, batch after batch."""
    return np.concatenate([np.rint(np.asarray(Xb[0], dtype=float)).astype(int) for Xb, _ in value])


def coverage_problem(j, case, value):
    m = j.case(case).args[0].shape[1]
    seen = order(value)
    counts = np.bincount(seen[(seen >= 0) & (seen < m)], minlength=m)
    if (counts > 1).any():
        k = int(np.flatnonzero(counts > 1)[0])
        return f"example {k} appears {counts[k]} times in one epoch: each example belongs to exactly one batch."
    if (counts == 0).any():
        missing = np.flatnonzero(counts == 0)
        return (f"{missing.size} of the {m} examples are in no batch (example {missing[0]}, for one): an epoch is "
                f"one pass over every example.")
    return None


def pairs_problem(j, case, value):
    X, Y = j.case(case).args[:2]
    for k, (Xb, Yb) in enumerate(value):
        i = np.rint(np.asarray(Xb[0], dtype=float)).astype(int)
        if not np.array_equal(np.asarray(Yb), Y[i]):
            bad = int(np.flatnonzero(np.asarray(Yb) != Y[i])[0])
            return (f"in batch {k}, Y_batch[{bad}] is {Yb[bad]}, but column {bad} of X_batch is example {i[bad]}, "
                    f"whose label is {Y[i[bad]]}: the images and the labels were shuffled apart.")
        if not np.array_equal(np.asarray(Xb), X[:, i]):
            return f"the columns of X_batch in batch {k} are not whole columns of X: each column is one image."
    return None


def is_identity(value):
    seen = order(value)
    return np.array_equal(seen, np.arange(seen.size))


def nearly_equal(value, m, batch_size):
    """Batches of sizes that differ by at most 1, covering m examples, not the lesson's split."""
    try:
        sizes = [np.shape(Xb)[1] for Xb, _ in value]
    except Exception:
        return False
    lesson = [batch_size] * (m // batch_size) + ([m % batch_size] if m % batch_size else [])
    return bool(sizes) and sum(sizes) == m and max(sizes) - min(sizes) <= 1 and sizes != lesson


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for (x, _), (y, _) in zip(a, b))


def suite():
    def covers(j, value):
        return coverage_problem(j, "numbered", value)

    def pairs(j, value):
        return pairs_problem(j, "numbered", value)

    def shuffled(j, value):
        if is_identity(value):
            return ("the batches hold the examples in their original order: shuffle them first, so each batch is a "
                    "fair sample of the data and each epoch sees them in another order.")
        seen = order(value)
        runs = int((np.diff(seen) == 1).sum())
        if seen.size > 8 and runs > seen.size // 2:
            return (f"{runs} of the {seen.size - 1} neighbours in the epoch's order are consecutive examples: the "
                    f"batches are stretches of the original order (shifted, or cut in another place), not a "
                    f"shuffle. Shuffle the example numbers themselves, so each batch is a fair sample.")
        return None

    def repeatable(j, value):
        for case in ("again", "other"):
            problem = usable(j, case)
            if problem:
                return f"On {j.case(case).label}: {problem}"
        if not same(value, j.value("again")):
            return j.explain("numbered", "two generators made from the same seed gave different batches, so no "
                                         "training run can be repeated.", prefer="global_rng")
        if same(value, j.value("other")):
            return j.explain("numbered", "generators made from the seeds 0 and 1 gave the same batches: the order "
                                         "must come from the rng you are given.", prefer="fixed_seed")
        return None

    def epochs(j, value):
        for case in ("epoch_1", "epoch_2"):
            problem = usable(j, case)
            if problem:
                return f"On {j.case(case).label}: {problem}"
        if same(j.value("epoch_1"), j.value("epoch_2")):
            return j.explain("epoch_2", "two epochs in a row, drawn with the same generator object, came in the very "
                                        "same order: the rng you are given must move on as you draw from it, so "
                                        "that each epoch is shuffled anew.", prefer="rng_copied")
        return None

    def other_call(case):
        def run(j, value):
            problem = usable(j, case)
            if problem:
                return j.explain(case, f"On {j.case(case).label}: {problem}")
            problem = coverage_problem(j, case, j.value(case)) or pairs_problem(j, case, j.value(case))
            return j.explain(case, f"On {j.case(case).label}: {problem}") if problem else None
        return run

    def hidden(j, value):
        return coverage_problem(j, "hidden", value) or pairs_problem(j, "hidden", value)

    checks = [
        takes_the_lessons_arguments("numbered"),
        returns("numbered"),
        typed("numbered", "returns a list of (X_batch, Y_batch) pairs"),
        shaped("numbered", "makes ceil(m / batch_size) batches of batch_size examples, the last one the rest"),
        prop("covers", "numbered", "every example is in exactly one batch", covers),
        prop("pairs", "numbered", "each image keeps its own label", pairs),
        prop("shuffled", "numbered", "the examples are shuffled", shuffled),
        prop("repeatable", "numbered", "the rng decides the order: the same seed, the same batches", repeatable,
             uses=("again", "other")),
        prop("epochs", "numbered", "the next epoch from the same rng comes in another order", epochs,
             uses=("epoch_1", "epoch_2")),
        prop("even", "numbered", "works when batch_size divides m exactly", other_call("even"), uses=("even",)),
        prop("one_batch", "numbered", "a batch_size larger than m gives one batch of everything",
             other_call("one_batch"), uses=("one_batch",)),
        prop("one_more", "numbered", "works when the last batch holds a single example", other_call("one_more"),
             uses=("one_more",)),
        prop("pixels", "numbered", "batches MNIST-sized images (784 rows)", other_call("pixels"), uses=("pixels",)),
        no_warnings(["numbered", "even", "one_batch", "pixels"]),
        unchanged(["numbered", "pixels"]),
        prop("hidden", "hidden", "batches data it has not seen", hidden),
    ]

    def m(j, c):
        return j.case(c).args[0].shape[1]

    def size(j, c):
        return j.case(c).args[2]

    def sizes(j, c):
        try:
            return [np.shape(Xb)[1] for Xb, _ in j.value(c)]
        except Exception:
            return []

    def total(j, c):
        return sum(sizes(j, c))

    def coverage_ok(j, c):
        return coverage_problem(j, c, j.value(c)) is None

    def examples(j, c):
        """The example numbers the batches hold, or None when a batch is not (rows, b) of X's columns."""
        try:
            n = j.case(c).args[0].shape[0]
            if any(np.ndim(Xb) != 2 or np.shape(Xb)[0] != n for Xb, _ in j.value(c)):
                return None
            return order(j.value(c))
        except Exception:
            return None

    def due(j, c):
        return -(-m(j, c) // size(j, c))

    def one_batch(j, c):
        """Only the first batch, of batch_size examples, where more were due, on every such case."""
        return only_first(j, c, due) and len(sizes(j, c)) == 1 and sizes(j, c)[0] == min(size(j, c), m(j, c))

    def merged_last(j, c):
        s, b = sizes(j, c), size(j, c)
        return len(s) >= 1 and m(j, c) % b and len(s) == m(j, c) // b and all(k == b for k in s[:-1]) \
            and s[-1] == b + m(j, c) % b

    def empty_last(j, c):
        s = sizes(j, c)
        return len(s) == due(j, c) + 1 and s[-1] == 0 and total(j, c) == m(j, c)

    def slice_one_short(j, c):
        """Each batch one example short of its share, the examples distinct: a slice that stops one early,
        perm[s:s + batch_size - 1]."""
        b, seen = size(j, c), examples(j, c)
        want = [min(b - 1, m(j, c) - s) for s in range(0, m(j, c), b)]
        return b > 1 and seen is not None and sizes(j, c) == want and np.unique(seen).size == seen.size

    def transposed(j, c):
        n = j.case(c).args[0].shape[0]
        try:
            shapes = [np.shape(Xb) for Xb, _ in j.value(c)]
        except Exception:
            return False
        return bool(shapes) and n > 1 and all(len(sh) == 2 and sh[1] == n and sh[0] != n for sh in shapes)

    def batches_of(j, c):
        """Each batch's example numbers, or None."""
        try:
            n = j.case(c).args[0].shape[0]
            if any(np.ndim(Xb) != 2 or np.shape(Xb)[0] != n for Xb, _ in j.value(c)):
                return None
            return [np.rint(np.asarray(Xb[0], dtype=float)).astype(int) for Xb, _ in j.value(c)]
        except Exception:
            return None

    def range_one_short(j, c):
        """The last batch missing where it would hold a single example, every other batch right: starts that
        stop below m - 1, range(0, m - 1, batch_size)."""
        b = size(j, c)
        lesson = [b] * (m(j, c) // b) + ([m(j, c) % b] if m(j, c) % b else [])
        return m(j, c) % b == 1 and sizes(j, c) == lesson[:-1] and \
            coverage_problem(j, "numbered", j.value("numbered")) is None

    def sliding(j, c):
        """More batches than due, each the one before moved on by one example: the starts step by 1, not by
        batch_size (range(0, m - batch_size + 1) with no step)."""
        got = batches_of(j, c)
        full = [b for b in got or [] if b.size == size(j, c)]
        return got is not None and size(j, c) > 1 and len(got) > due(j, c) and len(full) >= 2 and all(
            np.array_equal(a[1:], b[:-1]) for a, b in zip(full, full[1:]))

    def drawn_at_random(j, c):
        """Full batches of batch_size, and examples repeated in the epoch: each batch drawn on its own (with
        replacement, or a fresh sample each time), not cut from one permutation."""
        seen, s = examples(j, c), sizes(j, c)
        return seen is not None and not sliding(j, c) and len(s) >= 2 and all(k == size(j, c) for k in s) and \
            np.unique(seen).size < seen.size

    def rows_permuted(j, c):
        """Batches of the first n examples only (n the number of rows of X): a permutation of X.shape[0]."""
        n = j.case(c).args[0].shape[0]
        seen = examples(j, c)
        return seen is not None and n < m(j, c) and seen.size == n and np.array_equal(np.sort(seen), np.arange(n))

    DEF = "m = X.shape[1]"
    PERM = "perm = rng.permutation(m)"
    RANGE = "range(0, m, batch_size)"
    mistakes = [
        Mistake("in_place", "shuffling the caller's X and Y in place",
                "the caller's X and Y must come back as they were: the next epoch, the validation and the test all "
                "use them. Index them with the shuffled example numbers, which makes new arrays.",
                Fix((Edit("X[:] = X[:, perm]", "X = X[:, perm]"), Edit("Y[:] = Y[perm]", "Y = Y[perm]"))),
                matches=changed_input),
        Mistake("return_in_loop", "a `return` inside the loop",
                "only the first batch comes back, on every call that should give several: the function returns "
                "as soon as the loop has made one. A `return` inside the loop stops after the first batch: "
                "return the list after the loop.",
                Fix((Edit("for s in range(0, m, batch_size):\n    idx = perm[s:s + batch_size]\n"
                          "    batches.append((X[:, idx], Y[idx]))\n    return batches",
                          "for s in range(0, m, batch_size):\n    idx = perm[s:s + batch_size]\n"
                          "    batches.append((X[:, idx], Y[idx]))\nreturn batches"),)),
                matches=one_batch, on=("shape",)),
        Mistake("range_one_short", "a range that stops at m - 1",
                "a range never reaches its stop: range(0, m, batch_size) already gives every start below m. "
                "Stopping it at m - 1 leaves out the last start when it is m - 1, the batch that holds the one "
                "example left over, so that example is never trained on in any epoch.",
                Fix((Edit("range(0, m - 1, batch_size)", RANGE),)), matches=range_one_short),
        Mistake("drops_last", "leaving out the last, smaller batch",
                "when batch_size does not divide m, the examples left at the end make one more, smaller batch; "
                "without it some examples are never trained on in that epoch.",
                Fix((Edit("range(0, m - batch_size + 1, batch_size)", RANGE),)),
                matches=lambda j, c: total(j, c) < m(j, c) and len(sizes(j, c)) == due(j, c) - 1
                and all(k == size(j, c) for k in sizes(j, c))),
        Mistake("slice_one_short", "a slice that stops one example early",
                "a slice's end is not included: perm[s:s + batch_size] holds batch_size examples, s to "
                "s + batch_size - 1. Ending it at s + batch_size - 1 leaves out the last example of every batch, "
                "and so one example in batch_size is never trained on.",
                Fix((Edit("order[s:s + batch_size - 1]", "order[s:s + batch_size]"),)), matches=slice_one_short),
        Mistake("merged_last", "the examples left over joined to the last full batch",
                "the examples left at the end make a batch of their own, smaller than batch_size: every other "
                "batch holds exactly batch_size examples, so the step size tuned for it fits every step but one.",
                Fix((Edit("starts = list(range(0, m - batch_size + 1, batch_size))", "starts = list(range(0, m, batch_size))"),
                     Edit("idx = perm[s:] if k == len(starts) - 1 else perm[s:s + batch_size]", "idx = perm[s:s + batch_size]"))),
                matches=merged_last),
        Mistake("empty_last", "an empty batch at the end",
                "when batch_size divides m exactly, there is no example left for one more batch: a loop that "
                "runs m // batch_size + 1 times makes a last batch of 0 examples. The starts 0, batch_size, "
                "2 * batch_size, ... below m, `range(0, m, batch_size)`, give exactly the batches due.",
                Fix((Edit("for k in range(m // batch_size + 1):\n    idx = perm[k * batch_size:(k + 1) * batch_size]",
                          "for s in range(0, m, batch_size):\n    idx = perm[s:s + batch_size]"),)),
                matches=empty_last),
        Mistake("array_split", "np.array_split: batches of nearly equal size instead of batch_size",
                "batch_size is a setting you choose (the step size is tuned for it), so every batch holds exactly "
                "batch_size examples; only the last one holds what is left. np.array_split shares the examples out "
                "evenly instead, which makes every batch a little smaller.",
                Fix((Edit("return [(X[:, part], Y[part]) for part in np.array_split(idx, -(-m // batch_size))]",
                          "return [(X[:, idx[s:s + batch_size]], Y[idx[s:s + batch_size]]) "
                          "for s in range(0, m, batch_size)]"),)),
                matches=lambda j, c: nearly_equal(j.value(c), m(j, c), size(j, c))),
        Mistake("transposed", "batches with one row per example instead of one column",
                "X_batch keeps X's layout: one column per example, (n, b), so that W @ X_batch works. A `.T` "
                "(or indexing rows) turns it into (b, n).",
                Fix((Edit("X[:, perm[s:s + batch_size]].T", "X[:, perm[s:s + batch_size]]"),)), matches=transposed,
                on=("shape",)),
        Mistake("sliding", "batch starts that step by 1 instead of by batch_size",
                "each batch starts one example after the one before, so they overlap almost entirely and an "
                "epoch holds about m batches instead of m / batch_size. A range with no step counts 0, 1, 2, ...: "
                "give it batch_size as its step, range(0, m, batch_size), so each batch starts where the last "
                "one ended.",
                Fix((Edit("for s in range(0, m - batch_size + 1):", f"for s in {RANGE}:"),)), matches=sliding),
        Mistake("with_replacement", "drawing each batch at random instead of cutting one permutation",
                "an epoch is one pass over every example, each exactly once: shuffle the example numbers once "
                "(one permutation from rng), then cut that order into pieces of batch_size. A fresh random draw per "
                "batch (rng.choice, rng.integers) repeats some examples and never shows others, and makes too "
                "many full batches.",
                Fix((Edit("for _ in range(int(np.ceil(m / batch_size))):\n    idx = rng.choice(m, batch_size)",
                          f"{PERM}\nfor s in {RANGE}:\n    idx = perm[s:s + batch_size]"),)),
                matches=drawn_at_random),
        Mistake("rows_permuted", "a permutation of X.shape[0], the number of pixels, instead of the examples",
                "X has one row per pixel and one column per example: X.shape[0] is the number of rows, so a "
                "permutation of it shuffles only the first n example numbers. Permute the X.shape[1] "
                "examples, the columns.",
                Fix((Edit("perm = rng.permutation(X.shape[0])", "perm = rng.permutation(X.shape[1])"),)),
                matches=rows_permuted),
        Mistake("separate_shuffles", "shuffling X and Y with two different permutations",
                "every image must keep its label: draw one permutation of the example numbers and use it for both "
                "X and Y. Shuffled apart, a network learns nothing (about 10% accuracy).",
                Fix((Edit("X, Y = X[:, rng.permutation(m)], Y[rng.permutation(m)]",
                          f"{PERM}\nX, Y = X[:, perm], Y[perm]"),)),
                matches=lambda j, c: coverage_ok(j, c) and pairs_problem(j, c, j.value(c)) is not None),
        Mistake("no_shuffle", "batches in the original order",
                "in the original order every epoch sees the same batches in the same sequence, and a file may be "
                "sorted (all the 0s, then all the 1s): draw a fresh permutation from rng for each epoch.",
                Fix((Edit(DEF, f"{PERM}\nX, Y = X[:, perm], Y[perm]", "after"),)),
                matches=lambda j, c: coverage_ok(j, c) and is_identity(j.value(c))),
        Mistake("rng_copied", "drawing from a copy of the rng instead of the rng itself",
                "a copy (copy.deepcopy(rng), or a generator made again from its state) deals the same order as "
                "rng would, but leaves the caller's rng where it was: the next epoch then draws the very same "
                "permutation, and training sees the same batches every epoch. Draw from `rng` itself, which "
                "moves on with every draw.",
                Fix((Edit("own_rng = copy.deepcopy(rng)", "own_rng = rng"),)),
                matches=lambda j, c: j.value("epoch_2") is not None and same(j.value("epoch_1"), j.value("epoch_2"))
                and not same(j.value("numbered"), j.value("other"))),
        Mistake("global_rng", "shuffling with np.random instead of the rng you are given",
                "`np.random.permutation` uses NumPy's global generator and ignores the rng passed in, so no "
                "training run can be repeated: draw the permutation from `rng`.",
                Fix((Edit("np.random.permutation(m)", "rng.permutation(m)"),)),
                matches=lambda j, c: j.value("again") is not None and not same(j.value("numbered"), j.value("again"))),
        Mistake("fixed_seed", "a generator of your own, made from a fixed seed",
                "a generator made inside the function from a fixed seed deals the same order every epoch and "
                "ignores the caller's rng: draw from the rng you are given, which moves on at every call.",
                Fix((Edit("np.random.default_rng(0).permutation(m)", "rng.permutation(m)"),)),
                matches=lambda j, c: j.value("other") is not None and not is_identity(j.value("numbered"))
                and same(j.value("numbered"), j.value("other"))),
        Mistake("rows_not_columns", "indexing the rows of X (pixels) instead of its columns (images)",
                "X holds one image per column, so a batch takes columns: X[:, idx]. X[idx] picks rows, which are "
                "pixels.", Fix((Edit("X[perm[s:s + batch_size]]", "X[:, perm[s:s + batch_size]]"),)),
                error=("IndexError", "out of bounds")),
    ]
    return Suite("minibatches", Batches("minibatches"), checks, mistakes, expects=False, args=ARGS, yields=True,
                 signature=SIGNATURE)


SUITE = suite()
