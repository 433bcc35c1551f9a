"""Plain NumPy references (loops over kernel taps, windows, rows) for the nnet op specs and
tests."""

from __future__ import annotations

import itertools

import numpy as np


def conv_reference(x, w, pads, stride=None, flip=True, dilation=None, groups=1):
    """``x`` (``(B, C, *S)``) convolved by ``w`` (``(K, C // groups, *k)``): a loop over kernel
    taps of the zero-padded input; ``pads`` is ``(before, after)`` per spatial axis."""
    n = x.ndim - 2
    stride, dilation = stride or (1,) * n, dilation or (1,) * n
    if flip:
        w = w[(Ellipsis,) + (slice(None, None, -1),) * n]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple(pads))
    kernel = w.shape[2:]
    out = [
        (size - (k - 1) * d - 1) // s + 1
        for size, k, d, s in zip(xp.shape[2:], kernel, dilation, stride)
    ]
    cg, kg = x.shape[1] // groups, w.shape[0] // groups
    result = np.zeros((x.shape[0], w.shape[0]) + tuple(out))
    for g in range(groups):
        for tap in itertools.product(*(range(k) for k in kernel)):
            window = xp[
                (slice(None), slice(g * cg, (g + 1) * cg))
                + tuple(
                    slice(t * d, t * d + s * (o - 1) + 1, s)
                    for t, d, s, o in zip(tap, dilation, stride, out)
                )
            ]
            taps = w[(slice(g * kg, (g + 1) * kg), slice(None)) + tap]
            result[:, g * kg : (g + 1) * kg] += np.einsum("bc...,kc->bk...", window, taps)
    return result


def transposed_reference(gz, w, x_shape, pads, stride):
    """The adjoint of ``conv_reference`` in ``x``: each output gradient entry scattered back."""
    n = gz.ndim - 2
    w = w[(Ellipsis,) + (slice(None, None, -1),) * n]
    padded = tuple(s + b + a for s, (b, a) in zip(x_shape[2:], pads))
    gx = np.zeros(tuple(x_shape[:2]) + padded)
    for tap in itertools.product(*(range(k) for k in w.shape[2:])):
        index = tuple(
            slice(t, t + s * (o - 1) + 1, s) for t, s, o in zip(tap, stride, gz.shape[2:])
        )
        gx[(slice(None), slice(None)) + index] += np.einsum(
            "bk...,kc->bc...", gz, w[(slice(None), slice(None)) + tap]
        )
    return gx[
        (slice(None), slice(None)) + tuple(slice(b, b + s) for s, (b, _) in zip(x_shape[2:], pads))
    ]


def pool_reference(x, ws, stride, mode):
    """Pooling of the last ``len(ws)`` axes by a loop over output positions (no padding)."""
    n = len(ws)
    out = [(s - w) // st + 1 for s, w, st in zip(x.shape[-n:], ws, stride)]
    result = np.zeros(x.shape[:-n] + tuple(out))
    reduce = {"max": np.max, "sum": np.sum}.get(mode, np.mean)
    for pos in itertools.product(*(range(o) for o in out)):
        window = x[
            (Ellipsis,) + tuple(slice(p * s, p * s + w) for p, s, w in zip(pos, stride, ws))
        ]
        result[(Ellipsis,) + pos] = reduce(window, axis=tuple(range(-n, 0)))
    return result


def neibs_reference(x, shape, step, mode):
    """``images2neibs`` as Theano documents it: per image, channel, window row and column, the
    window flattened (zero padding for 'half' and 'full', wrapping for 'wrap_centered')."""
    (c, d), (sr, sc) = shape, step
    h, w = x.shape[2:]
    shift = {"half": (c // 2, d // 2), "full": (c - 1, d - 1), "wrap_centered": (c // 2, d // 2)}
    top, left = shift.get(mode, (0, 0))
    if mode == "wrap_centered":
        grid = (-(-h // sr), -(-w // sc))
    else:
        grid = ((h + 2 * top - c) // sr + 1, (w + 2 * left - d) // sc + 1)
    rows = []
    for b, ch, i, j in itertools.product(range(x.shape[0]), range(x.shape[1]), *map(range, grid)):
        row = []
        for a, e in itertools.product(range(c), range(d)):
            r, q = i * sr + a - top, j * sc + e - left
            if mode == "wrap_centered":
                r, q = r % h, q % w
            row.append(x[b, ch, r, q] if 0 <= r < h and 0 <= q < w else 0.0)
        rows.append(row)
    return np.array(rows)


def bn_train_reference(x, gamma, beta, axes):
    mean = x.mean(axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axes, keepdims=True) + 1e-4) * gamma + beta


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def h_softmax_reference(x, W1, b1, W2, b2, target=None):
    classes = softmax(x @ W1 + b1)
    within = softmax(np.einsum("bi,cio->bco", x, W2) + b2)
    probs = (classes[:, :, None] * within).reshape(len(x), -1)
    if target is None:
        return probs[:, :7]
    return probs[np.arange(len(x)), target]
