"""Fingerprints: compact stand-ins for values, to recognise a known mistake's answer.

The course ships what each catalogued mistake returns on each visible case
as a fingerprint, not as whole arrays.
"""
from __future__ import annotations

import math

import numpy as np

from .serial import Opaque

SMALL = 64  # arrays up to this size are kept whole in signatures
CHUNK = 1 << 20  # larger arrays are read this many numbers at a time


def signature(value):
    """A compact stand-in for a value: small arrays whole, large ones as a few sums and projections.

    Two values with close signatures are, for our purposes, the same answer;
    this lets the course ship what known mistakes return without shipping
    whole arrays.
    """
    if isinstance(value, (tuple, list)):
        return [signature(v) for v in value]
    if isinstance(value, dict):
        return {k: signature(v) for k, v in value.items()}
    if value is None or isinstance(value, Opaque):
        return None
    try:
        a = np.asarray(value) if np.size(value) > CHUNK else np.asarray(value, dtype=float)
        if a.size <= SMALL:
            return {"shape": list(a.shape), "values": [_num(x) for x in a.ravel()]}
        flat, stats, projections = a.reshape(-1), np.zeros(4), np.zeros(4)
        with np.errstate(all="ignore"):
            for start in range(0, flat.size, CHUNK):  # (a piece at a time: a huge answer costs little memory)
                part = flat[start:start + CHUNK].astype(float)
                finite = np.where(np.isfinite(part), part, 0.0)
                k = np.arange(start, start + part.size, dtype=float)
                projections += [finite @ np.cos(0.7 * k + j) for j in range(4)]
                stats += [finite.sum(), np.abs(finite).sum(), np.isnan(part).sum(), np.isinf(part).sum()]
    except (TypeError, ValueError):
        return None
    return {"shape": list(a.shape), "stats": [float(v) for v in (*stats, *projections)]}


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else str(x)


def signatures_match(a, b, rtol=1e-6):
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(signatures_match(x, y, rtol) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict) and "shape" not in a:
        return a.keys() == b.keys() and all(signatures_match(a[k], b[k], rtol) for k in a)
    if a is None or b is None:
        return a is None and b is None
    if not (isinstance(a, dict) and isinstance(b, dict)) or a.get("shape") != b.get("shape"):
        return False
    key = "values" if "values" in a else "stats"
    if key not in b:
        return False
    x = np.array([float(v) for v in a[key]])
    y = np.array([float(v) for v in b[key]])
    with np.errstate(all="ignore"):
        scale = np.nanmax(np.abs(y[np.isfinite(y)])) if np.isfinite(y).any() else 1.0
        ok = (np.isnan(x) & np.isnan(y)) | (x == y) | (np.abs(x - y) <= rtol * scale + 1e-12)
    return bool(ok.all())
