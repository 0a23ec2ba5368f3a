"""``init_params``: the calls its checks make, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write (or a list of ways to make the same
mistake), one entry for every mistake ``autograder.learner.functions.init_params``
can name; ``VARIANTS`` are right answers written differently, which must
pass every check and train the capstone's network to 85%.
"""
from ...learner.serial import Lookup
from ._inputs import _case, hidden_seed


def cases():
    return [
        _case("seeded", "init_params(rng=0)", [], {"rng": 0}),
        _case("seeded_again", "init_params(rng=0), called again", [], {"rng": 0}),
        _case("other_seed", "init_params(rng=1)", [], {"rng": 1}),
        _case("other_seed_again", "init_params(rng=1), called again", [], {"rng": 1}),
        _case("default", "init_params()", []),
        _case("generator", "init_params(rng=np.random.default_rng(0))", [], {"rng": Lookup("generator", (0,))}),
        _case("hidden", "init_params(rng=<a hidden seed>)", [], {"rng": hidden_seed(90210)}),
    ]


MUTANTS = {
    'zero_is_no_seed': '''
def init_params(rng=None):
    rng = np.random.default_rng(rng or None)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    'reseeded': '''
def init_params(rng=None):
    W1 = np.random.default_rng(rng).standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = np.random.default_rng(rng).standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "zeros": '''
def init_params(rng=None):
    return np.zeros((10, 784)), np.zeros((10, 1)), np.zeros((10, 10)), np.zeros((10, 1))
''',
    "identical_units": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = np.tile(rng.standard_normal((1, 784)) * np.sqrt(1 / 784), (10, 1))
    W2 = np.tile(rng.standard_normal((1, 10)) * np.sqrt(1 / 10), (10, 1))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "seed_uniform": '''
def init_params(rng=None):
    # the original notebook's start, drawn from rng
    rng = np.random.default_rng(rng)
    W1 = rng.random((10, 784)) - 0.5
    b1 = rng.random((10, 1)) - 0.5
    W2 = rng.random((10, 10)) - 0.5
    b2 = rng.random((10, 1)) - 0.5
    return W1, b1, W2, b2
''',
    "random_biases": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    b1 = rng.standard_normal((10, 1))
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    b2 = rng.standard_normal((10, 1))
    return W1, b1, W2, b2
''',
    "times_sqrt_fan_in": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "unscaled": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784))
    b1 = np.zeros((10, 1))
    W2 = rng.standard_normal((10, 10))
    b2 = np.zeros((10, 1))
    return W1, b1, W2, b2
''',
    "w2_fan_in": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 784)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "fixed_scale": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * 0.01
    W2 = rng.standard_normal((10, 10)) * 0.01
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "w1_fan_in": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 10)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "ignores_rng": ['''
def init_params(rng=None):
    W1 = np.random.randn(10, 784) * np.sqrt(1 / 784)
    W2 = np.random.randn(10, 10) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''', '''
def init_params(rng=None):
    rng = np.random.default_rng()
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
'''],
    "variance_not_std": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((10, 784)) * (1 / 784)
    W2 = rng.standard_normal((10, 10)) * (1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "fixed_seed": '''
def init_params(rng=None):
    rng = np.random.default_rng(0)
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "seeds_numpy": '''
def init_params(rng=None):
    np.random.seed(rng)
    W1 = np.random.randn(10, 784) * np.sqrt(1 / 784)
    W2 = np.random.randn(10, 10) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "no_generator": '''
def init_params(rng=None):
    W1 = rng.standard_normal((10, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 10)) * np.sqrt(1 / 10)
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    "hidden_width": '''
def init_params(rng=None):
    rng = np.random.default_rng(rng)
    W1 = rng.standard_normal((20, 784)) * np.sqrt(1 / 784)
    W2 = rng.standard_normal((10, 20)) * np.sqrt(1 / 20)
    return W1, np.zeros((20, 1)), W2, np.zeros((10, 1))
''',
    "flat_bias": '''
def init_params(rng=None):
    gen = np.random.default_rng(rng)
    W1 = gen.normal(0, np.sqrt(1 / 784), (10, 784))
    W2 = gen.normal(0, np.sqrt(1 / 10), (10, 10))
    return W1, np.zeros(10), W2, np.zeros(10)
''',
    "transposed": '''
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
    # He initialisation, for ReLU
    rng = np.random.default_rng(rng)
    W1 = rng.normal(0, np.sqrt(2 / 784), (10, 784))
    W2 = rng.normal(0, np.sqrt(2 / 10), (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    '''
def init_params(rng=None):
    # uniform LeCun: the same variance as N(0, 1 / fan_in)
    rng = np.random.default_rng(rng)
    a1, a2 = np.sqrt(3 / 784), np.sqrt(3 / 10)
    W1 = rng.uniform(-a1, a1, (10, 784))
    W2 = rng.uniform(-a2, a2, (10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    '''
def init_params(rng=None):
    # Glorot (Xavier) uniform
    rng = np.random.default_rng(rng)
    l1, l2 = np.sqrt(6 / (784 + 10)), np.sqrt(6 / (10 + 10))
    W1 = rng.uniform(-l1, l1, size=(10, 784))
    W2 = rng.uniform(-l2, l2, size=(10, 10))
    return W1, np.zeros((10, 1)), W2, np.zeros((10, 1))
''',
    '''
def init_params(rng=None):
    # W2 drawn before W1, and small positive biases
    gen = np.random.default_rng(rng)
    W2 = gen.standard_normal((10, 10)) / np.sqrt(10)
    W1 = gen.standard_normal((10, 784)) / np.sqrt(784)
    b1 = np.full((10, 1), 0.01)
    b2 = np.full((10, 1), 0.01)
    return W1, b1, W2, b2
''',
    '''
def init_params(rng=None):
    # Glorot (Xavier) normal, through a helper
    rng = np.random.default_rng(rng)

    def layer(n_out, n_in):
        return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_out, n_in)), np.zeros((n_out, 1))

    W1, b1 = layer(10, 784)
    W2, b2 = layer(10, 10)
    return W1, b1, W2, b2
''',
]
