"""The reference trainer, ``python -m solutions.train``: part 1's network in float32 past 85%, and part 2's
(``--best``) past 98%, each choosing nothing on the test set and ending with ``Test accuracy: ...``."""
import re

import numpy as np
import pytest

from solutions import train


def last_test_accuracy(text):
    lines = text.strip().splitlines()
    found = re.fullmatch(r"Test accuracy: (0\.\d{4})", lines[-1])
    assert found, f"the last line is not the test accuracy: {lines[-1]!r}"
    return float(found.group(1))


def test_plain_train_keeps_part_1s_network_and_passes_85_percent(tmp_path, capsys):
    plot = tmp_path / "curve.png"
    assert train.main(["--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "784-10-10" in out and "float32" in out and "validation: 10,000" in out
    assert last_test_accuracy(out) >= 0.85
    assert re.search(r"\(([\d.]+) s of CPU\)", out)  # the time is printed; benchmarks/ measure it, not tests
    assert plot.exists() and plot.stat().st_size > 10_000


def test_best_trains_part_2s_network_past_98_percent_with_a_progress_bar(tmp_path, capsys):
    """The one test that trains the deep network: 10 epochs, about 11 s of CPU."""
    plot = tmp_path / "curve.png"
    assert train.main(["--best", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "784-256-128-10" in out and "training: 100%" in out  # tqdm's bar, on stdout
    assert last_test_accuracy(out) >= 0.98
    assert float(re.search(r"Validation accuracy: (0\.\d+)", out).group(1)) >= 0.975
    assert plot.exists() and plot.stat().st_size > 10_000


def test_train_deep_keeps_the_best_epoch_and_never_sees_the_test_set():
    """Early stopping is decided on validation; the trainer has no way to be given the test set."""
    import inspect
    assert not any("test" in name for name in inspect.signature(train.train_deep).parameters)
    r = np.random.default_rng(0)
    X, Y = r.random((784, 300)).astype(np.float32), r.integers(0, 10, 300)
    params, history = train.train_deep(X, Y, X[:, :100], Y[:100], layer_sizes=(784, 16, 10), epochs=3,
                                       batch_size=50, progress=False)
    best = int(np.argmax(history["val_accuracy"])) + 1
    assert history["best_epoch"] == best
    assert train.accuracy(params, X[:, :100], Y[:100]) == pytest.approx(history["val_accuracy"][best - 1])
    assert params[0][0].dtype == np.float32 and len(history["cpu_seconds"]) == 3
