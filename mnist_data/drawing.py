"""Turn a drawing into an MNIST-style digit the way MNIST itself was made, in NumPy only.

>>> from mnist_data.drawing import to_mnist
>>> x = to_mnist(canvas)          # canvas: (H, W) in [0, 1], ink high; x: (784, 1), or None if blank
>>> x, info = to_mnist(canvas, return_info=True)   # info["status"]: "ok", "tiny" or "empty"

MNIST's recipe (LeCun, Cortes and Burges): "The original black and white images from NIST were size
normalized to fit in a 20x20 pixel box while preserving their aspect ratio. The resulting images
contain grey levels as a result of the anti-aliasing technique used by the normalization algorithm. The
images were centered in a 28x28 image by computing the center of mass of the pixels, and translating
the image so as to position this point at the center of the 28x28 field."

``to_mnist`` does exactly that (crop to the ink, fit 20x20 by area averaging, centre of mass at (14, 14),
values in [0, 1]) and one thing more: a drawing whose strokes are much fatter or thinner than MNIST's
is eroded or dilated towards MNIST's stroke width, 2 px at 28x28 scale (the course's drawing pad goes
further with its own strokes: it redraws them with a pen scaled to the digit). Measured on the 10,000
test digits: the centre of mass sits at row 14.0, column 14.0 (standard deviation 0.29 px); the box,
grey fringe included, is 20 px on its longer side for 95% of them.
``python benchmarks/bench_drawing.py`` measures what this buys a trained network.

A provided tool, not graded: it lives beside the data because it is the data's own recipe, run
backwards on new images, and it needs nothing but NumPy.
"""
import numpy as np

SIZE, BOX, CENTRE = 28, 20, 14.0
# Stroke widths at 28x28 scale, in pixels (see stroke_width). MNIST's own: median 2.0 by this measure
# after to_mnist (1.8 on the raw files), 5-95% 1.3-3.1. Outside STROKE_RANGE a drawing's strokes are
# eroded or dilated towards PEN_WIDTH (normalise_strokes); SLACK is the rounding of that radius (see
# benchmarks/bench_drawing.py for how these were chosen).
STROKE_RANGE = (1.0, 2.6)
PEN_WIDTH = 2.0
SLACK = 0.2


def area_weights(n_in, n_out):
    """(n_out, n_in) matrix resampling a line of n_in pixels to n_out pixels by area averaging.

    Output pixel i covers the input interval [i n_in / n_out, (i + 1) n_in / n_out) and takes the mean
    of the input there, each input pixel weighted by how much of it lies inside: a box filter that
    anti-aliases when shrinking. Rows sum to 1.
    """
    edges = np.arange(n_out + 1) * (n_in / n_out)
    lo, hi = edges[:-1, None], edges[1:, None]
    j = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, j + 1) - np.maximum(lo, j), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def resize_area(img, shape):
    """Resample a 2-D array to ``shape`` by area averaging along both axes (MNIST's anti-aliased fit)."""
    return area_weights(img.shape[0], shape[0]) @ img @ area_weights(img.shape[1], shape[1]).T


def centre_of_mass(img):
    """(row, col) of the intensity-weighted centre of a 2-D array with a positive sum."""
    total = img.sum()
    return ((img.sum(axis=1) @ np.arange(img.shape[0])) / total,
            (img.sum(axis=0) @ np.arange(img.shape[1])) / total)


def paste(small, size, top, left):
    """A (size, size) zero frame with ``small`` placed at (top, left), clipped at the frame's edges."""
    frame = np.zeros((size, size))
    h, w = small.shape
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, size), min(left + w, size)
    if r1 > r0 and c1 > c0:
        frame[r0:r1, c0:c1] = small[r0 - top:r1 - top, c0 - left:c1 - left]
    return frame


def crop_to_ink(img, threshold):
    """The bounding box (r0, r1, c0, c1) of the pixels above ``threshold``, or None."""
    ink = img > threshold
    if not ink.any():
        return None
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def stroke_width(img, level=0.5):
    """Estimated pen width, in pixels of ``img``: 2 x ink area / outline length (ink above ``level`` x max).

    A stroke of width w and length L has area w L and an outline of about 2 L.
    """
    if img.max() <= 0:
        return 0.0
    b = img > level * img.max()
    outline = (np.count_nonzero(b[1:] != b[:-1]) + np.count_nonzero(b[:, 1:] != b[:, :-1])
               + b[0].sum() + b[-1].sum() + b[:, 0].sum() + b[:, -1].sum())
    return 2.0 * b.sum() / outline if outline else 0.0


def _square_filter(img, r, reduce):
    h, w = img.shape
    padded = np.pad(img, r)
    rows = reduce([padded[i:i + h, :] for i in range(2 * r + 1)], axis=0)   # separable: rows, then columns
    return reduce([rows[:, j:j + w] for j in range(2 * r + 1)], axis=0)


def erode(img, r):
    """Grey erosion by a (2r+1)x(2r+1) square (a min filter): strokes 2r px thinner."""
    return _square_filter(img, r, np.min) if r > 0 else img


def dilate(img, r):
    """Grey dilation by a (2r+1)x(2r+1) square (a max filter): strokes 2r px fatter."""
    return _square_filter(img, r, np.max) if r > 0 else img


def normalise_strokes(crop, strokes=STROKE_RANGE, pen=PEN_WIDTH):
    """``crop`` (cropped to its ink) with strokes made thinner or fatter when, at 28x28 scale, they are
    outside ``strokes`` = (thinnest, fattest) px: eroded or dilated towards ``pen`` px, in the crop's own
    pixels. Returns (image, width found at 28x28 scale, pixels taken off (-) or added (+) on each side).

    The radius is rounded down (with a little slack, SLACK): a digit that has lost its holes to a fat
    pen cannot get them back, and eroding it further only breaks its strokes.
    """
    scale = BOX / max(crop.shape)
    width = stroke_width(crop) * scale
    if strokes[0] <= width <= strokes[1]:
        return crop, width, 0
    r = int(np.floor(abs(width - pen) / 2 / scale + SLACK))
    if r <= 0:
        return crop, width, 0
    if width > strokes[1]:
        return erode(np.pad(crop, r), r), width, -r
    return dilate(np.pad(crop, r), r), width, r


def to_mnist(canvas, threshold=0.05, min_extent=0.1, strokes=STROKE_RANGE, pen=PEN_WIDTH, column=True,
             return_info=False):
    """A drawing (H, W) in [0, 1], ink high, as a network's input: (784, 1) (``column=False``: (784,)), or
    None when there is no ink.

    1. crop to the bounding box of the pixels above ``threshold``;
    2. pad the box to a square of at least ``min_extent`` x the canvas's shorter side (a fraction) or that
       many pixels (an int), so that a dot or a tiny scribble stays small instead of filling the box;
    3. ``strokes=(thinnest, fattest)``: if the strokes would be thinner or fatter than that at 28x28 scale
       (px), erode or dilate them towards ``pen`` px (``strokes=None``: MNIST's recipe alone);
    4. fit the longer side to 20 px keeping the aspect ratio, by area averaging (anti-aliased);
    5. stretch the grey levels so the brightest pixel is 1.0, as in MNIST;
    6. put it in a 28x28 frame, translated by whole pixels so its centre of mass is at (14, 14).

    With ``return_info=True`` returns ``(x, info)``: ``info["status"]`` is "empty" (x is None), "tiny" (all
    the ink fits in the min_extent square) or "ok"; also the box, the stroke width found (px at 28x28
    scale), the pixels taken off (-) or added (+) to each side of the strokes, the scale and the shift.
    """
    img = np.asarray(canvas, dtype=float)
    if img.ndim == 3:                                   # (H, W, channels): average the colours
        img = img.mean(axis=2)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image (H, W), got shape {img.shape}")
    img = np.clip(np.nan_to_num(img), 0.0, 1.0)
    info = {"status": "empty", "box": None, "stroke": None, "thickened": 0, "scale": None, "shift": None}
    box = crop_to_ink(img, threshold)
    if box is None:
        return (None, info) if return_info else None
    r0, r1, c0, c1 = info["box"] = box
    crop = img[r0:r1, c0:c1]

    floor = min_extent if isinstance(min_extent, (int, np.integer)) else min_extent * min(img.shape)
    floor = max(1, int(round(floor)))
    tiny = max(crop.shape) < floor
    info["status"] = "tiny" if tiny else "ok"
    if tiny:                                            # a dot or a speck: keep it small
        pad_r, pad_c = floor - crop.shape[0], floor - crop.shape[1]
        crop = np.pad(crop, ((pad_r // 2, pad_r - pad_r // 2), (pad_c // 2, pad_c - pad_c // 2)))
    elif strokes:
        normalised, width, info["thickened"] = normalise_strokes(crop, strokes, pen)
        info["stroke"] = float(width)
        inner = crop_to_ink(normalised, threshold)     # eroding moves the ink's edges in: crop again
        if inner is not None:
            crop = normalised[inner[0]:inner[1], inner[2]:inner[3]]

    h, w = crop.shape
    scale = BOX / max(h, w)
    small = resize_area(crop, (max(1, int(round(h * scale))), max(1, int(round(w * scale)))))
    if small.max() > 0:
        small = small / small.max()
    info["scale"] = float(scale)
    cy, cx = centre_of_mass(small)
    top, left = int(round(CENTRE - cy)), int(round(CENTRE - cx))
    info["shift"] = (top, left)
    digit = paste(small, SIZE, top, left)
    x = digit.reshape(784, 1) if column else digit.reshape(784)
    return (x, info) if return_info else x


def to_mnist_batch(images, **options):
    """Many drawings (n, H, W) as X (784, n); a blank drawing gives a column of zeros."""
    X = np.zeros((784, len(images)))
    for i, img in enumerate(images):
        x = to_mnist(img, column=False, **options)
        if x is not None:
            X[:, i] = x
    return X
