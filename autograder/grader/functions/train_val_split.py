"""``train_val_split``: the calls its checks make, its catalogued mistakes and right variants.

Each X has the example's number in its first row, so the checks can follow
every example (see ``autograder.learner.functions.train_val_split``).
"""
import numpy as np

from ...learner.model import Case
from ...learner.serial import Lookup
from ._inputs import hidden_rng


def numbered(rng, n, m):
    """X (n, m) whose first row numbers the examples 0..m-1, the rest random pixels; labels Y (m,)."""
    X = np.vstack([np.arange(m, dtype=float), np.round(rng.random((n - 1, m)), 3)])
    return X, rng.integers(0, 10, m)


def case(name, label, X, Y, n_val, **kwargs):
    n, m = X.shape
    dims = {"n": n, "m_train": m - n_val, "n_val": n_val}
    return Case(name, label, (X, Y), {"n_val": n_val, **kwargs}, dims, name.startswith("hidden"), 1e-12)


def cases():
    r = np.random.default_rng(15)
    X, Y = numbered(r, 5, 100)
    Xp, Yp = numbered(r, 784, 60)
    Xh, Yh = numbered(hidden_rng(9015), 7, 83)
    return [
        case("seeded", "100 examples, n_val = 20, rng = 0", X, Y, 20, rng=0),
        case("seeded_again", "the same call again", X, Y, 20, rng=0),
        case("other_seed", "the same examples with rng = 1", X, Y, 20, rng=1),
        case("other_seed_again", "the same examples with rng = 1, called again", X, Y, 20, rng=1),
        case("default", "the same examples with no rng", X, Y, 20),
        case("generator", "rng = np.random.default_rng(4)", X, Y, 20, rng=Lookup("generator", (4,))),
        case("pixels", "60 images of 784 pixels, n_val = 15", Xp, Yp, 15, rng=3),
        case("hidden", "83 hidden examples, n_val = 17", Xh, Yh, 17, rng=5),
    ]


MUTANTS = {
    "zero_is_no_seed": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng if rng else None)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "in_place": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    X[:] = X[:, perm]
    Y[:] = Y[perm]
    return X[:, n_val:], Y[n_val:], X[:, :n_val], Y[:n_val]
''',
    "rows_not_columns": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    X, Y = X[:, perm], Y[perm]
    return X[n_val:], Y[n_val:], X[:n_val], Y[:n_val]
''',
    "ignores_n_val": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:10000], perm[10000:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "separate_permutations": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    X = X[:, rng.permutation(X.shape[1])]
    Y = Y[rng.permutation(Y.shape[0])]
    return X[:, n_val:], Y[n_val:], X[:, :n_val], Y[:n_val]
''',
    "labels_unshuffled": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[:n_val]
''',
    "order_with_replacement": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    m = X.shape[1]
    idx = rng.integers(0, m, m)
    val, train = idx[:n_val], idx[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "repeats_in_val": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    gen = np.random.default_rng(rng)
    m = X.shape[1]
    val = gen.integers(0, m, n_val)
    keep = np.ones(m, dtype=bool)
    keep[val] = False
    return X[:, keep], Y[keep], X[:, val], Y[val]
''',
    "overlap": ['''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    val = rng.choice(X.shape[1], n_val)
    return X, Y, X[:, val], Y[val]
''', '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    val = rng.choice(X.shape[1], n_val, replace=False)
    return X, Y, X[:, val], Y[val]
'''],
    "no_shuffle": ['''
def train_val_split(X, Y, n_val=10000, rng=0):
    return X[:, :-n_val], Y[:-n_val], X[:, -n_val:], Y[-n_val:]
''', '''
def train_val_split(X, Y, n_val=10000, rng=0):
    return X[:, n_val:], Y[n_val:], X[:, :n_val], Y[:n_val]
'''],
    "global_rng": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    perm = np.random.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "off_by_one": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val + 1], perm[n_val + 1:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "rows_permuted": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(rng)
    perm = rng.permutation(X.shape[0])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "no_generator": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
    "fixed_seed": '''
def train_val_split(X, Y, n_val=10000, rng=0):
    rng = np.random.default_rng(42)
    perm = rng.permutation(X.shape[1])
    val, train = perm[:n_val], perm[n_val:]
    return X[:, train], Y[train], X[:, val], Y[val]
''',
}


VARIANTS = [
    '''
def train_val_split(X, Y, n_val=10000, rng=0):
    # the validation set is the last n_val of the permutation
    gen = np.random.default_rng(rng)
    m = X.shape[1]
    order = gen.permutation(m)
    train_idx, val_idx = order[: m - n_val], order[m - n_val:]
    return X[:, train_idx], Y[train_idx], X[:, val_idx], Y[val_idx]
''',
    '''
def train_val_split(X, Y, n_val=10000, rng=0):
    # np.split and np.take (C-ordered copies: right, slower to batch later)
    rng = np.random.default_rng(rng)
    val, train = np.split(rng.permutation(X.shape[1]), [n_val])
    return np.take(X, train, axis=1), np.take(Y, train), np.take(X, val, axis=1), np.take(Y, val)
''',
    '''
def train_val_split(X, Y, n_val=10000, rng=0):
    # a random subset for validation, the rest (in their original order) for training
    rng = np.random.default_rng(rng)
    m = X.shape[1]
    val = rng.choice(m, size=n_val, replace=False)
    train = np.setdiff1d(np.arange(m), val)
    return X[:, train], Y[train], X[:, val], Y[val]
''',
]
