"""The drawing preprocessing (mnist_data.drawing.to_mnist): MNIST's recipe, and what it gives back to a
trained network on digits drawn differently (the figures on all 10,000: benchmarks/bench_drawing.py)."""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from mnist_data import load_mnist
from mnist_data.drawing import centre_of_mass, resize_area, stroke_width, to_mnist

ROOT = Path(__file__).resolve().parents[2]


def test_a_blank_canvas_gives_none_and_says_so():
    assert to_mnist(np.zeros((280, 280))) is None
    x, info = to_mnist(np.zeros((280, 280)), return_info=True)
    assert x is None and info["status"] == "empty"
    assert to_mnist(np.full((50, 50), 0.01)) is None  # faint noise below the threshold is not ink


def test_a_dot_stays_a_small_centred_dot():
    canvas = np.zeros((280, 280))
    canvas[17, 250] = 1.0
    x, info = to_mnist(canvas, return_info=True)
    assert info["status"] == "tiny"
    img = x.reshape(28, 28)
    assert img.max() == 1.0 and np.count_nonzero(img) <= 4
    assert np.allclose(centre_of_mass(img), (14, 14), atol=0.5)


@pytest.mark.parametrize("shape", [(280, 280), (140, 140), (100, 300), (28, 28), (1000, 700)])
def test_any_canvas_gives_784_values_in_0_1(shape):
    canvas = np.zeros(shape)
    h, w = shape
    canvas[h // 4:3 * h // 4, w // 3:w // 3 + max(2, w // 20)] = 1.0     # a "1"
    canvas += np.random.default_rng(0).random(shape) * 0.02              # paper noise
    x = to_mnist(canvas)
    assert x.shape == (784, 1) and x.min() >= 0 and x.max() == 1.0
    assert to_mnist(canvas, column=False).shape == (784,)
    assert to_mnist(np.dstack([canvas] * 3)).shape == (784, 1)           # colour: the channels averaged


def test_fits_20x20_keeping_the_aspect_ratio_and_centres_the_mass():
    canvas = np.zeros((280, 280))
    canvas[40:240, 30:38] = 1.0                    # 200 tall, 8 wide (2 px at 28x28 scale), far left
    img = to_mnist(canvas).reshape(28, 28)
    rows, cols = np.flatnonzero(img.any(axis=1)), np.flatnonzero(img.any(axis=0))
    assert len(rows) == 20 and len(cols) <= 2
    assert np.allclose(centre_of_mass(img), (14, 14), atol=0.5)


def test_area_averaging_keeps_the_mean():
    img = np.random.default_rng(1).random((97, 61))
    assert np.isclose(resize_area(img, (20, 13)).mean(), img.mean(), atol=0.01)


@pytest.mark.parametrize("pen, expect", [(3, "thickened"), (20, None), (50, "thinned")])
def test_strokes_far_from_mnists_width_are_brought_towards_it(pen, expect):
    """A 7, 200 px tall on a 280 canvas, drawn with a pen of 3, 20 and 50 px (0.3, 2 and 5 px once fitted to
    20x20): MNIST's strokes are about 2 px wide at 28x28."""
    canvas = np.zeros((280, 280))
    for t in np.linspace(0, 1, 400):  # the bar, then the stem
        for y, x in ((40, 60 + 160 * t), (40 + 200 * t, 220 - 100 * t)):
            canvas[max(0, int(y - pen / 2)):int(y + pen / 2) + 1, max(0, int(x - pen / 2)):int(x + pen / 2) + 1] = 1
    x, info = to_mnist(canvas, return_info=True)
    width = stroke_width(x.reshape(28, 28))
    assert {None: 0, "thickened": 1, "thinned": -1}[expect] == np.sign(info["thickened"])
    assert 1.0 <= width <= 3.2, width
    plain = stroke_width(to_mnist(canvas, strokes=None).reshape(28, 28))
    assert abs(width - 2.0) <= abs(plain - 2.0) + 1e-9


def test_mnist_digits_come_back_almost_unchanged():
    X, _ = load_mnist("test")
    X = X[:, :500]
    again = np.stack([to_mnist(x.reshape(28, 28), column=False) for x in X.T], axis=1)
    diff = np.abs(again - X).max(axis=0)
    assert np.mean(diff < 0.05) > 0.9, np.percentile(diff, [50, 90])


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_drawing", ROOT / "benchmarks" / "bench_drawing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_trained_network_keeps_its_accuracy_on_changed_digits(bench, reference_params):
    """On 1,000 test digits: shifted, larger or smaller, the reference network stays within 2 points of the
    originals after to_mnist; with strokes 2 px fatter (3x3 dilation) within 3 points (-2.25 on all
    10,000: filled-in loops cannot be undone), where MNIST's recipe alone loses 4. (Digits drawn into a
    big canvas: in the benchmark, slower to make.)"""
    names = ["none (the originals)", "shifted (+-4, +-3) px", "thicker: dilated 3x3", "smaller: 0.6x",
             "larger: 1.3x"]
    from solutions import network as nn
    with np.load(reference_params) as f:
        params = [f[k] for k in ("W1", "b1", "W2", "b2")]
    rows = {r["change"]: r for r in bench.measure(lambda X: nn.forward_prop(*params, X)[3], n=1000, seed=0,
                                                  names=names,
                                                  log=lambda *a: None)}
    assert set(rows) == set(names)
    gaps = {name: 100 * (r["to_mnist"] - r["original"]) for name, r in rows.items()}
    print({name: round(g, 2) for name, g in gaps.items()})
    for name, gap in gaps.items():
        assert gap >= (-3.0 if "thicker" in name else -2.0), (name, gap)
    thick = rows["thicker: dilated 3x3"]
    assert thick["to_mnist"] - thick["recipe"] >= 0.01  # the stroke normalising earns its keep
    assert rows["shifted (+-4, +-3) px"]["naive"] < 0.3  # without preprocessing the network is lost
