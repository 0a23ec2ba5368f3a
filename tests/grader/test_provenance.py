"""The copy flag and the identical-code fingerprint compare the structure of code, not its spelling.

A copy of the course's own answer (a later lesson's toolbox shows earlier answers) is flagged however it
was disguised: renamed variables, reordered independent lines, NumPy's synonyms. Short code, and code
written the way the catalogue's independent right answers are written, is never flagged: anyone writes
ReLU as ``np.maximum(Z, 0)``. A flag never changes a score.
"""
import pytest

from autograder.grader.functions import module
from autograder.grader.provenance import SHORT, copied_from_course, fingerprint
from autograder.grader.reference import reference
from autograder.learner.course import load_course

FUNCTIONS = load_course().functions

# The course's backward_prop, disguised: names changed, independent lines swapped, Y.size for X.shape[1],
# .dot / np.dot / np.matmul for @, np.sum(x) for x.sum(), 1 / n * x for x / n, the operands of * swapped.
DISGUISED_BACKWARD_PROP = '''
def backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y):
    """My own gradients."""
    n = Y.size
    delta2 = A2 - one_hot(Y)
    gb2 = np.sum(delta2, keepdims=True, axis=1) / n   # swapped with the next line
    gW2 = delta2.dot(A1.T) / n
    delta1 = relu_deriv(Z1) * np.dot(W2.T, delta2)
    gb1 = 1 / n * delta1.sum(axis=1, keepdims=True)
    gW1 = np.matmul(delta1, X.T) / n
    return gW1, gb1, gW2, gb2
'''


def test_a_disguised_copy_of_the_course_is_flagged():
    flag = copied_from_course("backward_prop", DISGUISED_BACKWARD_PROP)
    assert "matches the course's own version" in flag and "order of independent lines" in flag


def test_a_right_one_liner_is_not_a_copy():
    assert copied_from_course("relu", "def relu(Z):\n    return np.maximum(Z, 0)\n") == ""
    assert copied_from_course("relu", reference().source("relu")) == ""


@pytest.mark.parametrize("function", FUNCTIONS)
def test_right_answers_written_independently_are_never_flagged(function):
    for variant in getattr(module(function), "VARIANTS", []):
        assert copied_from_course(function, variant) == "", variant


def test_what_differs_in_substance_is_not_a_copy():
    different = DISGUISED_BACKWARD_PROP.replace("keepdims=True, axis=1) / n", "axis=1).reshape(-1, 1) / n")
    assert copied_from_course("backward_prop", different) == ""


def test_the_fingerprint_sees_through_names_order_and_synonyms():
    assert fingerprint(DISGUISED_BACKWARD_PROP) == fingerprint(reference().source("backward_prop"))
    assert fingerprint(DISGUISED_BACKWARD_PROP).tokens >= SHORT
    other = DISGUISED_BACKWARD_PROP.replace("relu_deriv(Z1)", "(Z1 > 0)")
    assert fingerprint(other) != fingerprint(DISGUISED_BACKWARD_PROP)


def test_lines_that_depend_on_each_other_keep_their_order():
    a = "def f(x):\n    y = x + 1\n    y = y * 2\n    return y\n"
    b = "def f(x):\n    y = x * 2\n    y = y + 1\n    return y\n"
    assert fingerprint(a) != fingerprint(b)


def test_an_oversized_cell_is_never_normalised():
    huge = "x = 1\n" * 2_000_000  # 12 MB: refused by the grader before this; never parsed here either
    assert copied_from_course("relu", huge) == ""
    assert fingerprint(huge).digest
