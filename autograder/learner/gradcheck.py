"""Gradient checking: compare backward_prop with centred finite differences of the loss.

For a parameter entry p, the loss's slope is about
(L(p + eps) - L(p - eps)) / (2 eps), with an error of order eps**2. If the
analytic gradient from backward_prop agrees to a relative error below 1e-6,
it is right; a wrong formula is usually off by 1e-1 or more.

Pure NumPy; it uses whatever forward_prop, backward_prop and cross_entropy
you pass, so it checks *your* network.
"""
from dataclasses import dataclass, field

import numpy as np

NAMES = ("W1", "b1", "W2", "b2")
GOOD, DOUBTFUL = 1e-6, 1e-3


@dataclass
class GradientRow:
    name: str
    shape: tuple
    checked: int
    max_abs_error: float
    relative_error: float

    @property
    def verdict(self):
        if not np.isfinite(self.relative_error):
            return "broken"
        if self.relative_error < GOOD:
            return "agrees"
        return "doubtful" if self.relative_error < DOUBTFUL else "wrong"


@dataclass
class GradientReport:
    rows: list = field(default_factory=list)
    problem: str = ""

    @property
    def passed(self):
        return not self.problem and all(r.verdict == "agrees" for r in self.rows)

    def __str__(self):
        from .render import gradient_text
        return gradient_text(self)

    def _repr_html_(self):
        from .render import gradient_html
        return gradient_html(self)


def gradient_check(params, X, Y, forward_prop, backward_prop, cross_entropy, eps=1e-5, max_entries=300,
                   rng=0):
    """Check backward_prop's gradients against centred finite differences of cross_entropy(forward_prop(...)).

    ``params``: (W1, b1, W2, b2); X (784, m); Y (m,). At most ``max_entries``
    randomly chosen entries of each parameter are checked (all of the small
    ones). Returns a GradientReport: a table of relative errors per
    parameter with a verdict; ``report.passed`` is True when all agree.
    """
    params = [np.array(p, dtype=float) for p in params]
    X = np.asarray(X, dtype=float)

    def loss(ps):
        return float(cross_entropy(forward_prop(*ps, X)[3], Y))

    try:
        Z1, A1, Z2, A2 = forward_prop(*params, X)
        grads = backward_prop(Z1, A1, Z2, A2, params[0], params[2], X, Y)
        grads = [np.asarray(g, dtype=float) for g in grads]
    except Exception as exc:
        return GradientReport(problem=f"your functions raised {type(exc).__name__}: {exc}")
    if len(grads) != 4:
        return GradientReport(problem=f"backward_prop returned {len(grads)} items; expected dW1, db1, dW2, db2.")
    pick = np.random.default_rng(rng)
    report = GradientReport()
    for name, p, g in zip(NAMES, params, grads):
        if g.shape != p.shape:
            report.rows.append(GradientRow(name, p.shape, 0, np.inf, np.inf))
            report.problem = report.problem or (f"d{name} has shape {g.shape}, but {name} has shape "
                                                f"{p.shape}; each gradient must match its parameter.")
            continue
        flat = np.arange(p.size)
        if p.size > max_entries:
            flat = pick.choice(p.size, max_entries, replace=False)
        numeric, analytic = [], []
        for k in flat:
            idx = np.unravel_index(k, p.shape)
            old = p[idx]
            p[idx] = old + eps
            up = loss(params)
            p[idx] = old - eps
            down = loss(params)
            p[idx] = old
            numeric.append((up - down) / (2 * eps))
            analytic.append(g[idx])
        numeric, analytic = np.array(numeric), np.array(analytic)
        diff = np.abs(numeric - analytic)
        denom = np.linalg.norm(numeric) + np.linalg.norm(analytic)
        rel = float(np.linalg.norm(numeric - analytic) / denom) if denom > 0 else 0.0
        report.rows.append(GradientRow(name, p.shape, len(flat), float(diff.max()), rel))
    return report
