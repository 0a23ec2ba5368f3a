"""``init_layers``: the calls its checks make, its catalogued mistakes and right variants."""
from ...learner.model import Case
from ...learner.serial import Lookup
from ._inputs import hidden_seed


def case(name, label, sizes, **kwargs):
    return Case(name, label, (list(sizes),), kwargs, {"sizes": list(sizes)}, name.startswith("hidden"), 1e-12)


def cases():
    return [
        case("seeded", "init_layers([784, 256, 128, 10], rng=0)", [784, 256, 128, 10], rng=0),
        case("seeded_again", "init_layers([784, 256, 128, 10], rng=0), called again", [784, 256, 128, 10], rng=0),
        case("other_seed", "init_layers([784, 256, 128, 10], rng=1)", [784, 256, 128, 10], rng=1),
        case("other_seed_again", "init_layers([784, 256, 128, 10], rng=1), called again", [784, 256, 128, 10],
             rng=1),
        case("default", "init_layers([784, 256, 128, 10])", [784, 256, 128, 10]),
        case("generator", "init_layers([784, 256, 128, 10], rng=np.random.default_rng(0))", [784, 256, 128, 10],
             rng=Lookup("generator", (0,))),
        case("deep", "init_layers([60, 40, 40, 40, 10], rng=2)", [60, 40, 40, 40, 10], rng=2),
        case("one_layer", "init_layers([784, 10], rng=3)", [784, 10], rng=3),
        case("hidden", "init_layers(<hidden sizes>, rng=<a hidden seed>)", [300, 100, 50, 10], rng=hidden_seed(90210)),
    ]


MUTANTS = {
    'sqrt_misplaced': '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2) / n_in, np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "two_lists": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    Ws, bs = [], []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        Ws.append(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in))
        bs.append(np.zeros((n_out, 1)))
    return Ws, bs
''',
    "glorot": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / (n_in + n_out)), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "fixed_seed": '''
def init_layers(layer_sizes, rng=None):
    gen = np.random.default_rng(42)
    return [(gen.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "random_biases": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), rng.standard_normal((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "zeros": '''
def init_layers(layer_sizes, rng=None):
    return [(np.zeros((n_out, n_in)), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "transposed": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "flat_bias": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros(n_out))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "missing_layer": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    params = []
    for l in range(len(layer_sizes) - 2):
        n_in, n_out = layer_sizes[l], layer_sizes[l + 1]
        params.append((rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1))))
    return params
''',
    "lecun": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(1 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "variance_not_std": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * (2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "unscaled": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "fixed_scale": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * 0.01, np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "fan_out": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_out), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "reseeded": '''
def init_layers(layer_sizes, rng=None):
    params = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        gen = np.random.default_rng(rng)
        params.append((gen.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1))))
    return params
''',
    "no_generator": '''
def init_layers(layer_sizes, rng=None):
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "zero_is_no_seed": '''
def init_layers(layer_sizes, rng=None):
    gen = np.random.default_rng(rng) if rng else np.random.default_rng()
    return [(gen.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "seeds_numpy": '''
def init_layers(layer_sizes, rng=None):
    np.random.seed(rng)
    return [(np.random.randn(n_out, n_in) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "bias_by_inputs": '''
def init_layers(layer_sizes, rng=None):
    rng = np.random.default_rng(rng)
    return [(rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in), np.zeros((n_in, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
    "ignores_rng": '''
def init_layers(layer_sizes, rng=None):
    return [(np.random.randn(n_out, n_in) * np.sqrt(2 / n_in), np.zeros((n_out, 1)))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
}


VARIANTS = [
    '''
def init_layers(layer_sizes, rng=None):
    # a loop over indices, rng.normal with He's standard deviation
    rng = np.random.default_rng(rng)
    params = []
    for l in range(len(layer_sizes) - 1):
        n_in, n_out = layer_sizes[l], layer_sizes[l + 1]
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
        b = np.zeros((n_out, 1))
        params.append((W, b))
    return params
''',
    '''
def init_layers(layer_sizes, rng=None):
    # He uniform: U(-a, a) with a = sqrt(6 / n_in) has variance 2 / n_in; lists instead of tuples
    gen = np.random.default_rng(rng)
    layers = []
    for n_in, n_out in zip(layer_sizes, layer_sizes[1:]):
        a = np.sqrt(6 / n_in)
        layers.append([gen.uniform(-a, a, (n_out, n_in)), np.zeros((n_out, 1))])
    return layers
''',
    '''
def init_layers(layer_sizes, rng=None):
    # float32 from the start, small positive biases
    rng = np.random.default_rng(rng)
    return [((rng.standard_normal((n_out, n_in)) * np.sqrt(2 / n_in)).astype(np.float32),
             np.full((n_out, 1), 0.01, dtype=np.float32))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
''',
]
