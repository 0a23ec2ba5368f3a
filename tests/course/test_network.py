"""The reference network is right, proved without trusting itself."""
import warnings

import numpy as np
import pytest

from solutions import network as nn

rng = np.random.default_rng(1234)


@pytest.fixture
def batch():
    """A small batch of sparse image-like inputs, labels, and parameters with non-zero biases."""
    r = np.random.default_rng(0)
    m = 7
    X = np.where(r.random((784, m)) < 0.2, r.random((784, m)), 0.0)
    Y = r.integers(0, 10, m)
    W1, _, W2, _ = nn.init_params(r)
    params = [W1, r.normal(0, 0.1, (10, 1)), W2, r.normal(0, 0.1, (10, 1))]
    return params, X, Y


def loss(params, X, Y):
    return nn.cross_entropy(nn.forward_prop(*params, X)[3], Y)


@pytest.mark.parametrize("index", [0, 1, 2, 3], ids=["W1", "b1", "W2", "b2"])
def test_gradients_match_centred_finite_differences(batch, index):
    params, X, Y = batch
    Z1, A1, Z2, A2 = nn.forward_prop(*params, X)
    analytic = nn.backward_prop(Z1, A1, Z2, A2, params[0], params[2], X, Y)[index]
    p = params[index]
    picks = np.random.default_rng(index).choice(p.size, min(p.size, 200), replace=False)
    numeric, exact = [], []
    eps = 1e-5
    for k in picks:
        idx = np.unravel_index(k, p.shape)
        old = p[idx]
        p[idx] = old + eps
        up = loss(params, X, Y)
        p[idx] = old - eps
        down = loss(params, X, Y)
        p[idx] = old
        numeric.append((up - down) / (2 * eps))
        exact.append(analytic[idx])
    numeric, exact = np.array(numeric), np.array(exact)
    rel = np.linalg.norm(numeric - exact) / (np.linalg.norm(numeric) + np.linalg.norm(exact))
    assert rel < 1e-6, f"relative error {rel:.2e}"


def test_bias_gradients_are_summed_over_examples_only(batch):
    params, X, Y = batch
    Z1, A1, Z2, A2 = nn.forward_prop(*params, X)
    dW1, db1, dW2, db2 = nn.backward_prop(Z1, A1, Z2, A2, params[0], params[2], X, Y)
    assert db1.shape == (10, 1) and db2.shape == (10, 1)
    assert dW1.shape == (10, 784) and dW2.shape == (10, 10)


def test_gradients_are_means_over_the_batch_not_a_global_m(batch):
    """Repeating every example leaves the mean gradient unchanged: m comes from the batch."""
    params, X, Y = batch
    once = nn.backward_prop(*nn.forward_prop(*params, X), params[0], params[2], X, Y)
    X2, Y2 = np.hstack([X, X]), np.concatenate([Y, Y])
    twice = nn.backward_prop(*nn.forward_prop(*params, X2), params[0], params[2], X2, Y2)
    for a, b in zip(once, twice):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("m", [1, 5, 100])
def test_softmax_columns_sum_to_one(m):
    A = nn.softmax(rng.normal(0, 5, (10, m)))
    np.testing.assert_allclose(A.sum(axis=0), 1.0, rtol=1e-12)
    assert (A >= 0).all()


def test_softmax_is_shift_invariant_per_column():
    Z = rng.normal(0, 3, (10, 6))
    shift = rng.normal(0, 100, (1, 6))
    np.testing.assert_allclose(nn.softmax(Z), nn.softmax(Z + shift), rtol=1e-10)


def test_softmax_of_huge_logits_has_no_nan_and_no_warning():
    Z = np.array([[1000.0, -1000.0], [999.0, 0.0], [0.0, 1e6]] + [[0.0, 0.0]] * 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            A = nn.softmax(Z)
    assert np.isfinite(A).all()
    np.testing.assert_allclose(A.sum(axis=0), 1.0)


def test_one_hot_has_ten_rows_without_a_nine():
    Y = np.array([0, 1, 2, 3, 8, 8])
    H = nn.one_hot(Y)
    assert H.shape == (10, 6)
    np.testing.assert_array_equal(H.argmax(axis=0), Y)
    np.testing.assert_array_equal(H.sum(axis=0), 1)
    assert H[9].sum() == 0


def test_cross_entropy_of_uniform_guess_is_log_ten():
    assert nn.cross_entropy(np.full((10, 4), 0.1), np.array([0, 3, 9, 2])) == pytest.approx(np.log(10))


def test_cross_entropy_is_finite_for_a_zero_probability():
    A2 = np.zeros((10, 2))
    A2[0] = 1.0
    assert np.isfinite(nn.cross_entropy(A2, np.array([0, 5])))


def test_no_input_array_is_modified(batch):
    params, X, Y = batch
    before = [a.copy() for a in (*params, X, Y)]
    Z1, A1, Z2, A2 = nn.forward_prop(*params, X)
    saved = [a.copy() for a in (Z1, A1, Z2, A2)]
    grads = nn.backward_prop(Z1, A1, Z2, A2, params[0], params[2], X, Y)
    nn.update_params(*params, *grads, 0.5)
    nn.softmax(Z2), nn.relu(Z1), nn.relu_deriv(Z1), nn.one_hot(Y), nn.cross_entropy(A2, Y)
    nn.get_accuracy(nn.get_predictions(A2), Y)
    nn.gradient_descent(X, Y, 0.5, 2, params=tuple(params), progress=False)
    for a, b in zip((*params, X, Y), before):
        np.testing.assert_array_equal(a, b)
    for a, b in zip((Z1, A1, Z2, A2), saved):
        np.testing.assert_array_equal(a, b)


def test_init_params_shapes_scale_and_seed():
    W1, b1, W2, b2 = nn.init_params(0)
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((10, 784), (10, 1), (10, 10), (10, 1))
    assert np.std(W1) == pytest.approx(np.sqrt(1 / 784), rel=0.05)
    for a, b in zip(nn.init_params(0), nn.init_params(0)):
        np.testing.assert_array_equal(a, b)
    seed = nn.seed_init_params(0)
    assert all(((-0.5 <= p) & (p < 0.5)).all() for p in seed)


def test_gradient_descent_learns_a_subset_of_mnist():
    from mnist_data import load_mnist
    X, Y = load_mnist("train")
    X, Y = X[:, :2000], Y[:2000]
    params, history = nn.gradient_descent(X, Y, nn.ALPHA, 40, rng=0, X_test=X[:, :500], Y_test=Y[:500],
                                          progress=False)
    assert len(history["loss"]) == len(history["accuracy"]) == len(history["test_accuracy"]) == 40
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert nn.get_accuracy(nn.make_predictions(X, *params), Y) > 0.75
