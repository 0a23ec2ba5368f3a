"""``minibatches``: the calls its checks make, its catalogued mistakes and right variants.

Each X has the example's number in its first row (see the learner's side). The
rng is a ``np.random.Generator``, made where the call happens from a seed
(``Lookup("generator", ...)``): a Generator is not data.
"""
import numpy as np

from ...learner.model import Case
from ...learner.serial import Lookup
from .train_val_split import numbered
from ._inputs import hidden_rng


def case(name, label, X, Y, batch_size, seed, rng="generator"):
    n, m = X.shape
    return Case(name, label, (X, Y, batch_size, Lookup(rng, (seed,))), {},
                {"n": n, "m": m, "batch_size": batch_size}, name.startswith("hidden"), 1e-12)


def cases():
    r = np.random.default_rng(17)
    X, Y = numbered(r, 3, 30)
    Xe, Ye = numbered(r, 3, 12)
    Xp, Yp = numbered(r, 784, 40)
    Xo, Yo = numbered(r, 3, 13)
    Xh, Yh = numbered(hidden_rng(9017), 4, 37)
    return [
        case("numbered", "30 examples in batches of 8, rng from seed 0", X, Y, 8, 0),
        case("again", "the same call, rng from seed 0 again", X, Y, 8, 0),
        case("other", "the same call, rng from seed 1", X, Y, 8, 1),
        case("even", "12 examples in batches of 4", Xe, Ye, 4, 2),
        case("one_batch", "12 examples, batch_size = 32", Xe, Ye, 32, 3),
        case("one_more", "13 examples in batches of 4 (the last batch holds one)", Xo, Yo, 4, 5),
        case("epoch_1", "an epoch of 12 examples, from a generator kept for the next", Xe, Ye, 4, 6, "kept_generator"),
        case("epoch_2", "the next epoch, from the same generator object", Xe, Ye, 4, 6, "same_generator"),
        case("pixels", "40 images of 784 pixels in batches of 16", np.asfortranarray(Xp), Yp, 16, 4),
        case("hidden", "37 hidden examples in batches of 5", Xh, Yh, 5, 7),
    ]


MUTANTS = {
    "array_split": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    idx = np.arange(m)
    rng.shuffle(idx)
    return [(X[:, part], Y[part]) for part in np.array_split(idx, -(-m // batch_size))]
''',
    "in_place": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    X[:] = X[:, perm]
    Y[:] = Y[perm]
    return [(X[:, s:s + batch_size], Y[s:s + batch_size]) for s in range(0, m, batch_size)]
''',
    "drops_last": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    for start in range(0, m - batch_size + 1, batch_size):
        idx = perm[start:start + batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
''',
    "slice_one_short": '''
def minibatches(X, Y, batch_size, rng):
    order = rng.permutation(X.shape[1])
    out = []
    for s in range(0, X.shape[1], batch_size):
        chosen = order[s:s + batch_size - 1]
        out.append((X[:, chosen], Y[chosen]))
    return out
''',
    "sliding": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    shuffled = rng.permutation(m)
    batches = []
    for s in range(0, m - batch_size + 1):
        part = shuffled[s:s + batch_size]
        batches.append((X[:, part], Y[part]))
    return batches
''',
    "separate_shuffles": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    X, Y = X[:, rng.permutation(m)], Y[rng.permutation(m)]
    return [(X[:, s:s + batch_size], Y[s:s + batch_size]) for s in range(0, m, batch_size)]
''',
    "no_shuffle": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    return [(X[:, s:s + batch_size], Y[s:s + batch_size]) for s in range(0, m, batch_size)]
''',
    "global_rng": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = np.random.permutation(m)
    return [(X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
    "fixed_seed": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = np.random.default_rng(0).permutation(m)
    return [(X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
    "return_in_loop": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    for s in range(0, m, batch_size):
        idx = perm[s:s + batch_size]
        batches.append((X[:, idx], Y[idx]))
        return batches
''',
    "merged_last": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    starts = list(range(0, m - batch_size + 1, batch_size))
    for k, s in enumerate(starts):
        idx = perm[s:] if k == len(starts) - 1 else perm[s:s + batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
''',
    "empty_last": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    for k in range(m // batch_size + 1):
        idx = perm[k * batch_size:(k + 1) * batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
''',
    "transposed": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    return [(X[:, perm[s:s + batch_size]].T, Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
    "with_replacement": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    batches = []
    for _ in range(int(np.ceil(m / batch_size))):
        idx = rng.choice(m, batch_size)
        batches.append((X[:, idx], Y[idx]))
    return batches
''',
    "range_one_short": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    batches = []
    for start in range(0, m - 1, batch_size):
        idx = perm[start:start + batch_size]
        batches.append((X[:, idx], Y[idx]))
    return batches
''',
    "rng_copied": '''
import copy


def minibatches(X, Y, batch_size, rng):
    own_rng = copy.deepcopy(rng)
    m = X.shape[1]
    perm = own_rng.permutation(m)
    return [(X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
    "rows_permuted": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(X.shape[0])
    return [(X[:, perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
    "rows_not_columns": '''
def minibatches(X, Y, batch_size, rng):
    m = X.shape[1]
    perm = rng.permutation(m)
    return [(X[perm[s:s + batch_size]], Y[perm[s:s + batch_size]]) for s in range(0, m, batch_size)]
''',
}


VARIANTS = [
    '''
def minibatches(X, Y, batch_size, rng):
    # a generator: yields the same pairs
    perm = rng.permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        idx = perm[start:start + batch_size]
        yield X[:, idx], Y[idx]
''',
    '''
def minibatches(X, Y, batch_size, rng):
    # shuffle once, then slice
    perm = rng.permutation(X.shape[1])
    X_shuffled, Y_shuffled = X[:, perm], Y[perm]
    batches = []
    for start in range(0, X.shape[1], batch_size):
        batches.append((X_shuffled[:, start:start + batch_size], Y_shuffled[start:start + batch_size]))
    return batches
''',
]
