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
    params, history = nn.gradient_descent(X, Y, nn.ALPHA, 40, rng=0, X_val=X[:, :500], Y_val=Y[:500],
                                          progress=False)
    assert len(history["loss"]) == len(history["accuracy"]) == len(history["val_accuracy"]) == 40
    assert history["loss"][-1] < 0.6 * history["loss"][0]
    assert nn.get_accuracy(nn.make_predictions(X, *params), Y) > 0.75


# ----------------------------------------------------------------------------- part 2's reference

from solutions import deep  # noqa: E402


def test_float32_stays_float32_through_part_1():
    """one_hot is float32 and relu_deriv keeps Z's type, so float32 data and parameters never turn float64
    (which would make NumPy convert all of X at every product)."""
    r = np.random.default_rng(0)
    X = r.random((784, 9)).astype(np.float32)
    params = [p.astype(np.float32) for p in nn.init_params(r)]
    Z1, A1, Z2, A2 = nn.forward_prop(*params, X)
    grads = nn.backward_prop(Z1, A1, Z2, A2, params[0], params[2], X, r.integers(0, 10, 9))
    new = nn.update_params(*params, *grads, 0.25)
    assert {a.dtype for a in (Z1, A1, Z2, A2, *grads, *new)} == {np.dtype(np.float32)}


def test_deep_backward_matches_numerical_gradients_of_any_depth():
    r = np.random.default_rng(3)
    sizes = [12, 9, 7, 5, 10]
    params = [(W, r.normal(0, 0.1, b.shape)) for W, b in deep.init_layers(sizes, r)]
    X, Y = r.normal(0, 1, (12, 6)), r.integers(0, 10, 6)
    grads = deep.backward_layers(params, deep.forward_layers(params, X)[1], Y)
    for l in range(len(params)):
        for k in (0, 1):
            def loss(value):
                trial = [list(pair) for pair in params]
                trial[l][k] = value
                return nn.cross_entropy(deep.forward_layers(trial, X)[0], Y)
            measured = deep.numerical_gradient(loss, params[l][k].copy())
            rel = np.linalg.norm(measured - grads[l][k]) / (np.linalg.norm(measured) + np.linalg.norm(grads[l][k]))
            assert rel < 1e-7, (l, k, rel)


def test_part_1_network_is_the_two_layer_case_of_part_2():
    r = np.random.default_rng(4)
    W1, b1, W2, b2 = nn.init_params(r)
    b1, b2 = r.normal(0, 0.1, b1.shape), r.normal(0, 0.1, b2.shape)
    X, Y = r.random((784, 5)), r.integers(0, 10, 5)
    A, cache = deep.forward_layers([(W1, b1), (W2, b2)], X)
    Z1, A1, Z2, A2 = nn.forward_prop(W1, b1, W2, b2, X)
    np.testing.assert_allclose(A, A2)
    (dW1, db1), (dW2, db2) = deep.backward_layers([(W1, b1), (W2, b2)], cache, Y)
    for a, b in zip((dW1, db1, dW2, db2), nn.backward_prop(Z1, A1, Z2, A2, W1, W2, X, Y)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_split_and_minibatches_cover_every_example_once_with_its_label():
    X = np.vstack([np.arange(103.0), np.zeros(103)])
    Y = np.arange(103) % 10
    X_train, Y_train, X_val, Y_val = deep.train_val_split(X, Y, n_val=20, rng=0)
    ids = np.concatenate([X_train[0], X_val[0]]).astype(int)
    assert sorted(ids) == list(range(103)) and X_val.shape == (2, 20)
    assert (Y_train == X_train[0].astype(int) % 10).all() and X_train.flags.f_contiguous
    batches = deep.minibatches(X_train, Y_train, 16, np.random.default_rng(0))
    seen = np.concatenate([b[0][0] for b in batches]).astype(int)
    assert sorted(seen) == sorted(X_train[0].astype(int)) and [b[0].shape[1] for b in batches][-1] == 83 % 16
    assert all((Yb == Xb[0].astype(int) % 10).all() for Xb, Yb in batches)


def test_adam_returns_new_arrays_and_takes_steps_of_about_lr():
    params = [(np.array([[1.0, -2.0]]), np.array([[0.5]]))]
    grads = [(np.array([[3.0, -0.001]]), np.array([[1e4]]))]
    before = [a.copy() for pair in params for a in pair]
    new, state = deep.adam_step(params, grads, None, lr=0.01)
    assert all(np.array_equal(a, b) for a, b in zip([a for pair in params for a in pair], before))
    for old_pair, new_pair in zip(params, new):  # every first step is lr, whatever the size of the gradient
        for old, moved in zip(old_pair, new_pair):
            np.testing.assert_allclose(np.abs(old - moved), 0.01, rtol=1e-4)
    assert state["t"] == 1
    decayed = deep.decay_weights(new, 0.1, 0.5)
    np.testing.assert_allclose(decayed[0][0], new[0][0] * 0.95)
    assert decayed[0][1] is new[0][1]
