"""``init_params``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.init_params`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""


from ._inputs import _case


def cases():
    return [
        _case("seeded", "init_params(rng=0)", [], {"rng": 0}),
        _case("seeded_again", "init_params(rng=0), called again", [], {"rng": 0}),
        _case("other_seed", "init_params(rng=1)", [], {"rng": 1}),
        _case("default", "init_params()", []),
        _case("hidden", "init_params(rng=<a hidden seed>)", [], {"rng": 90210}),
    ]


MUTANTS = {
    'zeros': '''
def init_params(rng=None):
    return np.zeros((10, 784)), np.zeros((10, 1)), np.zeros((10, 10)), np.zeros((10, 1))
''',
    'unscaled': '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784))
    b1 = np.zeros((10, 1))
    W2 = rng.standard_normal((10, 10))
    b2 = np.zeros((10, 1))
    return W1, b1, W2, b2
''',
    'ignores_rng': '''
def init_params(rng=None):
    W1 = np.random.rand(10, 784) - 0.5
    b1 = np.random.rand(10, 1) - 0.5
    W2 = np.random.rand(10, 10) - 0.5
    b2 = np.random.rand(10, 1) - 0.5
    return W1, b1, W2, b2
''',
    'transposed': '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((784, 10)) * np.sqrt(1 / 784)
    b1 = np.zeros((10, 1))
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    b2 = np.zeros((10, 1))
    return W1, b1, W2, b2
''',
}


VARIANTS = [
    '''
def init_params(rng=None):
    # He initialisation
    rng = np.random.default_rng(rng)
    W1 = rng.normal(0, np.sqrt(2 / 784), (10, 784))
    W2 = rng.normal(0, np.sqrt(2 / 10), (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    '''
def init_params(rng=None):
    # the original notebook's uniform initialisation, drawn from rng
    rng = np.random.default_rng(rng)
    W1 = rng.random((10, 784)) - 0.5
    b1 = rng.random((10, 1)) - 0.5
    W2 = rng.random((10, 10)) - 0.5
    b2 = rng.random((10, 1)) - 0.5
    return W1, b1, W2, b2
''',
]
