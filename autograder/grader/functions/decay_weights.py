"""``decay_weights``: the inputs its checks call it with, its catalogued mistakes and right variants."""
import numpy as np

from ._inputs import F32_RTOL, _layer_case, _layers, hidden_rng


def cases():
    r = np.random.default_rng(22)
    h = hidden_rng(9022)
    sizes = [4, 3, 2]
    deep = [6, 5, 4, 3]
    p32 = [(W.astype(np.float32), b.astype(np.float32)) for W, b in _layers(r, sizes)]
    return [
        _layer_case("fixed", "two layers, lr = 0.1, weight_decay = 0.5", [_layers(r, sizes), 0.1, 0.5], sizes=sizes),
        _layer_case("random", "two layers, lr = 3e-3, weight_decay = 0.1", [_layers(r, sizes), 3e-3, 0.1],
                    sizes=sizes),
        _layer_case("zero", "weight_decay = 0", [_layers(r, sizes), 0.1, 0.0], sizes=sizes),
        _layer_case("deep", "three layers, lr = 0.01, weight_decay = 2", [_layers(r, deep), 0.01, 2.0], sizes=deep),
        _layer_case("f32", "float32 layers, lr = 0.1, weight_decay = 0.5", [p32, 0.1, 0.5], sizes=sizes,
                    rtol=F32_RTOL),
        _layer_case("hidden", "hidden layers, lr = 0.02, weight_decay = 0.3", [_layers(h, deep), 0.02, 0.3],
                    sizes=deep),
    ]


MUTANTS = {
    "in_place": '''
def decay_weights(params, lr, weight_decay):
    for W, b in params:
        W *= 1 - lr * weight_decay
    return params
''',
    "decays_biases": '''
def decay_weights(params, lr, weight_decay):
    return [(W * (1 - lr * weight_decay), b * (1 - lr * weight_decay)) for W, b in params]
''',
    "forgets_lr": '''
def decay_weights(params, lr, weight_decay):
    return [(W * (1 - weight_decay), b) for W, b in params]
''',
    "grows": '''
def decay_weights(params, lr, weight_decay):
    return [(W * (1 + lr * weight_decay), b) for W, b in params]
''',
    "subtracts": '''
def decay_weights(params, lr, weight_decay):
    return [(W - lr * weight_decay, b) for W, b in params]
''',
    "weights_only": '''
def decay_weights(params, lr, weight_decay):
    return [W * (1 - lr * weight_decay) for W, b in params]
''',
    "changes_list": '''
def decay_weights(params, lr, weight_decay):
    for l, (W, b) in enumerate(params):
        params[l] = (W * (1 - lr * weight_decay), b)
    return params
''',
    "last_layer_left_out": '''
def decay_weights(params, lr, weight_decay):
    new = []
    for l in range(len(params) - 1):
        W, b = params[l]
        new.append((W * (1 - lr * weight_decay), b))
    return new
''',
    "return_in_loop": '''
def decay_weights(params, lr, weight_decay):
    new = []
    for W, b in params:
        new.append((W * (1 - lr * weight_decay), b))
        return new
''',
    "half_decay": '''
def decay_weights(params, lr, weight_decay):
    return [(W * (1 - lr * weight_decay / 2), b) for W, b in params]
''',
    "parenthesis": '''
def decay_weights(params, lr, weight_decay):
    factor = (1 - lr) * weight_decay
    return [(W * factor, b) for W, b in params]
''',
    "times_amount": '''
def decay_weights(params, lr, weight_decay):
    return [(W * (lr * weight_decay), b) for W, b in params]
''',
    "divides": '''
def decay_weights(params, lr, weight_decay):
    out = []
    for W, b in params:
        out.append((W / (1 + lr * weight_decay), b))
    return out
''',
    "exponential": '''
def decay_weights(params, lr, weight_decay):
    return [(W * np.exp(-lr * weight_decay), b) for W, b in params]
''',
    "upcasts": '''
def decay_weights(params, lr, weight_decay):
    return [(W * np.float64(1 - lr * weight_decay), b) for W, b in params]
''',
}


VARIANTS = [
    '''
def decay_weights(params, lr, weight_decay):
    # a copy of the caller's list, changed in place: the caller's list stays as it was
    new = params.copy()
    for l, (W, b) in enumerate(new):
        new[l] = (W * (1 - lr * weight_decay), b)
    return new
''',
    '''
def decay_weights(params, lr, weight_decay):
    # W - lr * weight_decay * W: the L2 penalty's gradient step
    new = []
    for W, b in params:
        new.append((W - lr * weight_decay * W, b))
    return new
''',
    '''
def decay_weights(params, lr, weight_decay):
    # lists, and a copy of each bias
    factor = 1.0 - lr * weight_decay
    return [[np.multiply(W, factor), b.copy()] for W, b in params]
''',
]
