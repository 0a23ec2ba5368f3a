"""``relu_deriv``: the inputs its checks call it with, its catalogued mistakes and right variants.

``cases()`` builds the calls (hidden ones included); ``MUTANTS[mistake_id]``
is a wrong version a learner might write, one for every mistake
``autograder.learner.functions.relu_deriv`` can name; ``VARIANTS`` are right
answers written differently, which must pass every check.
"""


from ._inputs import elementwise


def cases():
    return elementwise(16)


MUTANTS = {
    'all_ones': '''
def relu_deriv(Z):
    return np.ones_like(Z)
''',
    'returns_relu': '''
def relu_deriv(Z):
    return np.maximum(0, Z)
''',
    'inverted': '''
def relu_deriv(Z):
    return Z < 0
''',
    'python_if': '''
def relu_deriv(Z):
    if Z > 0:
        return 1
    return 0
''',
    'sign': '''
def relu_deriv(Z):
    return np.sign(Z)
''',
    'upcasts': ['''
def relu_deriv(Z):
    return (Z > 0).astype(float)
''', '''
def relu_deriv(Z):
    return (Z > 0).astype(int)
'''],
}


VARIANTS = [
    '''
def relu_deriv(Z):
    return Z > 0
''',
    '''
def relu_deriv(Z):
    return np.heaviside(Z, 1.0)
''',
]
