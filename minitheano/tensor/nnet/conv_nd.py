"""Convolution over any number of spatial dims: the array code of ``conv3d`` (and of unshared
2-D filters), and the 3-D trio of ops.

One strided view gives every window (``windows.window_view``); a copy of it is the im2col
matrix, with columns ordered ``(channel, *kernel)`` like the filters' memory, so the filters are
used as they are. Shared filters are one GEMM; unshared filters (one kernel per output position,
``(K, *output, C, *kernel)``) one batched product. The input gradient adds each kernel tap's
slice of the column gradient into a shifted view of the (padded) input: ``prod(kernel)``
vectorised adds.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ..windows import pad_spatial, shifted_view, window_view
from .conv_base import ConvForward, ConvGradInputs, ConvGradWeights


def _columns(op, xp, x, kernel, out):
    """The im2col matrix of ``x``: ``(B, P, C * prod(kernel))``, P output positions."""
    padded = pad_spatial(xp, x, op.pads(kernel))
    view = window_view(xp, padded, kernel, out, op.subsample, op.filter_dilation)
    return xp.ascontiguousarray(view).reshape(x.shape[0], math.prod(out), -1)


def forward(op, xp, x, w, out):
    """The convolution of ``x`` by ``w`` (one group), output spatial shape ``out``."""
    n, K = op.convdim, w.shape[0]
    cols = _columns(op, xp, x, w.shape[-n:], out)
    w = op.oriented(w)
    if op.unshared:
        result = xp.einsum("bpj,kpj->bkp", cols, w.reshape(K, cols.shape[1], -1))
    else:
        result = xp.matmul(cols, w.reshape(K, -1).T).transpose(0, 2, 1)
    return result.reshape((x.shape[0], K) + tuple(out))


def grad_weights(op, xp, x, gz, w_shape, out):
    """The gradient with respect to the filters of shape ``w_shape`` (one group)."""
    n, (B, K) = op.convdim, gz.shape[:2]
    cols = _columns(op, xp, x, w_shape[-n:], out)
    gz = gz.reshape(B, K, -1)
    if op.unshared:
        gw = xp.einsum("bkp,bpj->kpj", gz, cols)
    else:
        gw = xp.tensordot(gz, cols, axes=([0, 2], [0, 1]))
    return xp.ascontiguousarray(op.oriented(gw.reshape(w_shape)))


def grad_inputs(op, xp, w, gz, x_shape, out):
    """The gradient with respect to an input of shape ``x_shape`` (one group): the columns'
    gradient, each kernel tap's share added into the input positions it read."""
    n, (B, K), C = op.convdim, gz.shape[:2], x_shape[1]
    kernel = w.shape[-n:]
    gz = gz.reshape(B, K, -1)
    w = op.oriented(w)
    if op.unshared:
        gcols = xp.einsum("bkp,kpj->bpj", gz, w.reshape(K, gz.shape[2], -1))
    else:
        gcols = xp.matmul(gz.transpose(0, 2, 1), w.reshape(K, -1))
    # (B, *out, C, *kernel) -> (B, C, *kernel, *out): one tap's slice is a (B, C, *out) block
    order = (0, n + 1) + tuple(range(n + 2, 2 * n + 2)) + tuple(range(1, n + 1))
    gcols = gcols.reshape((B,) + tuple(out) + (C,) + tuple(kernel)).transpose(order)
    pads = op.pads(kernel)
    spatial = x_shape[2:]
    padded = tuple(s + before + after for s, (before, after) in zip(spatial, pads))
    gx = xp.zeros((B, C) + padded, dtype=gz.dtype)
    for tap in itertools.product(*(range(k) for k in kernel)):
        start = tuple(t * d for t, d in zip(tap, op.filter_dilation))
        view = shifted_view(gx, start, out, op.subsample)
        view += gcols[(slice(None), slice(None)) + tap]
    crop = tuple(slice(before, before + s) for s, (before, _) in zip(spatial, pads))
    return gx[(slice(None), slice(None)) + crop]


@dataclass(frozen=True)
class Conv3d(ConvForward):
    """``conv3d(x, w)``: NCDHW input, ``(K, C, kd, kh, kw)`` filters, summed over C."""

    convdim = 3
    name = "conv3d"

    def compute(self, xp, x, w, out):
        return forward(self, xp, x, w, out)


@dataclass(frozen=True)
class Conv3dGradWeights(ConvGradWeights):
    """Gradient of ``conv3d`` with respect to the filters: ``(x, gz, filter_shape) -> gw``."""

    convdim = 3
    name = "conv3d"

    def compute(self, xp, x, gz, w_shape, out):
        return grad_weights(self, xp, x, gz, w_shape, out)


@dataclass(frozen=True)
class Conv3dGradInputs(ConvGradInputs):
    """Gradient of ``conv3d`` with respect to the input: ``(w, gz, input_shape) -> gx``."""

    convdim = 3
    name = "conv3d"

    def compute(self, xp, w, gz, x_shape, out):
        return grad_inputs(self, xp, w, gz, x_shape, out)


Conv3d.trio = Conv3dGradWeights.trio = Conv3dGradInputs.trio = (
    Conv3d,
    Conv3dGradWeights,
    Conv3dGradInputs,
)
