"""``relu``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.relu`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""


from ._inputs import elementwise


def cases():
    return elementwise(12)


MUTANTS = {
    'boolean_index': '''
def relu(Z):
    return Z[Z > 0]
''',
    'clipped': '''
def relu(Z):
    return np.clip(Z, 0, 1)
''',
    'np_max': '''
def relu(Z):
    return np.max(Z, 0)
''',
    'minimum': '''
def relu(Z):
    return np.minimum(Z, 0)
''',
    'abs': '''
def relu(Z):
    return np.abs(Z)
''',
    'in_place': '''
def relu(Z):
    Z[Z < 0] = 0
    return Z
''',
    'python_max': '''
def relu(Z):
    return max(Z, 0)
''',
    'tanh': '''
def relu(Z):
    return np.tanh(Z)
''',
    'sigmoid': '''
def relu(Z):
    return 1 / (1 + np.exp(-Z))
''',
    'leaky': '''
def relu(Z):
    return np.where(Z > 0, Z, 0.01 * Z)
''',
    'returns_mask': '''
def relu(Z):
    return Z > 0
''',
    'upcasts': '''
def relu(Z):
    return Z * (Z > 0).astype(float)
''',
}


VARIANTS = [
    '''
def relu(Z):
    return Z * (Z > 0)
''',
    '''
def relu(Z):
    return np.where(Z > 0, Z, 0.0)
''',
]
