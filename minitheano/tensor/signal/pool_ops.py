"""Pooling over the last ``ndim`` axes (2 or 3) and its gradients (Theano's semantics).

Modes: ``max``, ``sum``, ``average_inc_pad`` (padding counts in the average) and
``average_exc_pad`` (it does not). Every window offset is one strided view, so the work is
``prod(ws)`` vectorised array operations whatever the image size.

``ws``, ``stride`` and ``pad`` are props (tuples of ints), or, when they are symbolic, the ops'
last three inputs (int vectors) and the props are None: ``perform`` then binds their values
into an op with props and runs that.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from ...graph import Apply
from ...op import Op
from ...parallel import over_rows
from ..basic import zeros_like
from ..elemwise import ge, maximum, switch
from ..type import DISCRETE_DTYPES, FLOAT_DTYPES, TensorType, as_tensor_variable
from ..windows import out_size, pad_spatial, per_window, shifted_view, split_windows

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def pool_out_size(size, ws, st, pad, ignore_border):
    """Theano's output length along one axis (ints or symbolic scalars)."""
    static = all(isinstance(v, (int, np.integer)) for v in (size, ws, st, pad))
    if ignore_border:  # a window larger than the padded input: no output, as in Theano
        n = out_size(size, ws, st, pad, pad)
        return max(0, n) if static else maximum(0, n)
    steps = (size - 1 - ws + st) // st  # strides after the first window to reach the end
    if static:
        return (size - 1) // st + 1 if st >= ws else max(0, steps) + 1
    if isinstance(ws, int) and isinstance(st, int):
        return (size - 1) // st + 1 if st >= ws else maximum(0, steps) + 1
    return switch(ge(st, ws), (size - 1) // st + 1, maximum(0, steps) + 1)


def validate(ws, stride, pad, ignore_border, mode, ndim):
    """Check the pooling parameters (ints); errors name ``pool_<ndim>d``."""
    name = f"pool_{ndim}d"
    if mode not in MODES:
        raise ValueError(f"{name}: mode must be one of {MODES}, got {mode!r}")
    for what, values in (("ws", ws), ("stride", stride)):
        if len(values) != ndim or any(int(v) < 1 for v in values):
            raise ValueError(f"{name}: {what} must be {ndim} positive ints, got {tuple(values)}")
    if len(pad) != ndim or any(int(v) < 0 for v in pad):
        raise ValueError(f"{name}: pad must be {ndim} non-negative ints, got {tuple(pad)}")
    if any(pad) and not ignore_border:
        raise NotImplementedError(f"{name}: padding works only with ignore_border=True")
    if any(p >= w for p, w in zip(pad, ws)):
        raise ValueError(f"{name}: pad {tuple(pad)} must be smaller than the window {tuple(ws)}")


@dataclass(frozen=True)
class PoolBase(Op):
    """Props shared by the pooling ops."""

    ws: tuple | None
    stride: tuple | None
    pad: tuple | None
    ignore_border: bool
    mode: str
    ndim: int = 2

    def __post_init__(self):
        if self.ws is not None:
            object.__setattr__(self, "ndim", len(self.ws))

    def __str__(self) -> str:
        if self.ws is None:
            geometry = "symbolic ws"
        else:
            geometry = f"ws={self.ws}, stride={self.stride}" + (
                f", pad={self.pad}" if any(self.pad) else ""
            )
        return (
            f"{type(self).__name__}{{{self.mode}, {geometry}"
            + ("" if self.ignore_border else ", keep borders")
            + "}"
        )

    # --- symbolic ws / stride / pad --------------------------------------------------------------
    def _args(self):
        """The props, to build a sibling op (``MaxPoolGrad(*self._args())``)."""
        return self.ws, self.stride, self.pad, self.ignore_border, self.mode, self.ndim

    def _node(self, tensors, params, output_type) -> Apply:
        """The node of ``tensors`` followed, when this op is symbolic, by ``params``."""
        params = list(params)
        if (self.ws is None) != bool(params):
            raise TypeError(f"{self}: ws, stride and pad are inputs exactly when they are None")
        for i, p in enumerate(params):
            p = params[i] = as_tensor_variable(p)
            if p.ndim != 1 or p.dtype not in DISCRETE_DTYPES or p.dtype == "bool":
                raise TypeError(f"{self}: ws, stride and pad must be int vectors, got {p.type}")
        return Apply(self, list(tensors) + params, [output_type])

    def bound(self, params):
        """This op with the values of the symbolic ``params`` as props (itself if none)."""
        if not params:
            return self
        return _bind(type(self), *(tuple(int(v) for v in p) for p in params), *self._args()[3:])

    def param_values(self, node):
        """``ws, stride, pad``: the props, or entries of the node's symbolic inputs."""
        if self.ws is not None:
            return self.ws, self.stride, self.pad
        return [[p[i] for i in range(self.ndim)] for p in node.inputs[-3:]]

    # --- geometry (bound ops) --------------------------------------------------------------------
    def geometry(self, spatial):
        """Output shape, and the ``(before, after)`` padding per axis that makes every window
        fit (extra cells at the end for the partial windows kept when ignore_border=False)."""
        out = tuple(
            pool_out_size(s, w, st, p, self.ignore_border)
            for s, w, st, p in zip(spatial, self.ws, self.stride, self.pad)
        )
        pads = tuple(
            (p, p + max(0, (o - 1) * st + w - (s + 2 * p)))
            for s, o, w, st, p in zip(spatial, out, self.ws, self.stride, self.pad)
        )
        return out, pads

    def fill_value(self, dtype):
        if self.mode != "max":
            return 0
        return -np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).min

    def counts(self, xp, spatial, out, dtype):
        """How many elements each average window divides by, as an array of shape ``out``."""

        def along(size, ws, st, pad, n):
            starts = np.arange(n) * st
            if self.mode == "average_inc_pad":
                lo, hi = starts, np.minimum(starts + ws, size + 2 * pad)
            else:
                lo, hi = np.maximum(starts, pad), np.minimum(starts + ws, size + pad)
            return np.maximum(hi - lo, 0)

        axes = [along(*a) for a in zip(spatial, self.ws, self.stride, self.pad, out)]
        return xp.asarray(functools.reduce(np.multiply.outer, axes).astype(dtype))

    def views(self, x, out):
        """One strided view of ``x`` per window offset, each of shape ``(..., *out)``."""
        for offset in itertools.product(*(range(w) for w in self.ws)):
            yield shifted_view(x, offset, out, self.stride)

    def padded(self, xp, x, pads, value):
        return pad_spatial(xp, x, pads, value)

    def crop(self, gx, pads, spatial):
        return gx[(Ellipsis,) + tuple(slice(b, b + s) for (b, _), s in zip(pads, spatial))]

    def check_input(self, x):
        if x.ndim < self.ndim:
            raise ValueError(f"{self}: the input has shape {x.shape}, fewer than {self.ndim} dims")


@functools.lru_cache(maxsize=256)
def _bind(cls, ws, stride, pad, ignore_border, mode, ndim):
    validate(ws, stride, pad, ignore_border, mode, ndim)
    return cls(ws, stride, pad, ignore_border, mode, ndim)


@dataclass(frozen=True)
class Pool(PoolBase):
    """Pool the last ``ndim`` axes of a tensor with at least ``ndim`` dims."""

    def make_node(self, x, *params) -> Apply:
        x = as_tensor_variable(x)
        name = f"pool_{self.ndim}d"
        if x.ndim < self.ndim:
            raise TypeError(f"{name}: the input needs at least {self.ndim} dims, got {x.type}")
        if self.mode.startswith("average") and x.dtype not in FLOAT_DTYPES:
            raise TypeError(
                f"{name}: mode {self.mode!r} averages, so it needs a float input, got "
                f"{x.type} (cast it first, e.g. T.cast(x, 'float32'))"
            )
        bcast = x.broadcastable[: -self.ndim] + (False,) * self.ndim
        return self._node([x], params, TensorType(x.dtype, bcast)())

    def perform(self, xp, x, *params):
        return self.bound(params).pool(xp, x)

    def pool(self, xp, x):
        self.check_input(x)
        n = self.ndim
        out_shape, pads = self.geometry(x.shape[-n:])
        padded = self.padded(xp, x, pads, self.fill_value(x.dtype))
        if padded.ndim == n:  # pool a lone image as a batch of one, so rows can be split below
            padded = padded[None]
        views = list(self.views(padded, out_shape))
        out = xp.empty_like(views[0])  # same memory layout as x (channels-last stays)
        average = self.mode.startswith("average")
        counts = self.counts(xp, x.shape[-n:], out_shape, out.dtype) if average else None

        def pool(lo, hi):
            part = out[lo:hi]
            part[...] = views[0][lo:hi]
            for view in views[1:]:
                if self.mode == "max":
                    xp.maximum(part, view[lo:hi], out=part)
                else:
                    part += view[lo:hi]
            if average:
                part /= counts

        over_rows(xp, out.shape[0], out.size, pool)
        return out[0] if x.ndim == n else out

    def infer_shape(self, node, input_shapes):
        shp, n = input_shapes[0], self.ndim
        ws, stride, pad = self.param_values(node)
        spatial = tuple(
            pool_out_size(s, w, st, p, self.ignore_border)
            for s, w, st, p in zip(shp[-n:], ws, stride, pad)
        )
        return [tuple(shp[:-n]) + spatial]

    def grad(self, inputs, outputs, output_grads):
        (x, *params), (out,), (gz,) = inputs, outputs, output_grads
        none = [None] * len(params)
        if self.mode == "max":
            return [MaxPoolGrad(*self._args())(x, out, gz, *params)] + none
        return [AveragePoolGrad(*self._args())(x, gz, *params)] + none


@dataclass(frozen=True)
class MaxPoolGrad(PoolBase):
    """Gradient of max pooling: ``gz`` goes to every element equal to its window's max."""

    def make_node(self, x, out, gz, *params) -> Apply:
        x, out, gz = (as_tensor_variable(v) for v in (x, out, gz))
        return self._node([x, out, gz], params, x.type())

    def perform(self, xp, x, out, gz, *params):
        return self.bound(params).backward(xp, x, out, gz)

    def backward(self, xp, x, out, gz):
        n = self.ndim
        tiles = split_windows(x, self.ws, self.stride, self.pad)
        if tiles is not None:  # windows tile x: one comparison and one product, no scatter
            if gz.strides != out.strides:  # mixed memory layouts make the product crawl
                gz = _copy_in_layout_of(xp, gz, out)
            gx = xp.empty_like(tiles)
            out_w, gz_w = per_window(out, n), per_window(gz, n)
            if x.ndim == n:
                xp.multiply(tiles == out_w, gz_w, out=gx)
            else:
                over_rows(
                    xp,
                    x.shape[0],
                    x.size,
                    lambda lo, hi: xp.multiply(
                        tiles[lo:hi] == out_w[lo:hi], gz_w[lo:hi], out=gx[lo:hi]
                    ),
                )
            return gx.reshape(x.shape)
        spatial = x.shape[-n:]
        out_shape, pads = self.geometry(spatial)
        padded = self.padded(xp, x, pads, self.fill_value(x.dtype))
        gx = xp.zeros_like(padded)
        overlapping = any(s < k for s, k in zip(self.stride, self.ws))
        for view, gview in zip(self.views(padded, out_shape), self.views(gx, out_shape)):
            if overlapping:
                gview += (view == out) * gz
            else:  # windows do not overlap: each input element is written once
                xp.multiply(view == out, gz, out=gview)
        return self.crop(gx, pads, spatial)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        (x, out, _, *params), (g,) = inputs, output_grads
        gg = MaxPoolGradGrad(*self._args())(x, out, g, *params)
        return [zeros_like(x), zeros_like(out), gg] + [None] * len(params)


@dataclass(frozen=True)
class MaxPoolGradGrad(PoolBase):
    """Adjoint of ``MaxPoolGrad`` in ``gz``: per window, the sum of ``g`` at its max positions."""

    def make_node(self, x, out, g, *params) -> Apply:
        x, out, g = (as_tensor_variable(v) for v in (x, out, g))
        return self._node([x, out, g], params, out.type())

    def perform(self, xp, x, out, g, *params):
        return self.bound(params).backward(xp, x, out, g)

    def backward(self, xp, x, out, g):
        out_shape, pads = self.geometry(x.shape[-self.ndim :])
        padded = self.padded(xp, x, pads, self.fill_value(x.dtype))
        gpad = self.padded(xp, g, pads, 0)
        result = xp.zeros(out.shape, dtype=g.dtype)
        for view, gview in zip(self.views(padded, out_shape), self.views(gpad, out_shape)):
            result += (view == out) * gview
        return result

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, outputs, output_grads):
        (x, out, _, *params), (gg,) = inputs, output_grads
        g = MaxPoolGrad(*self._args())(x, out, gg, *params)
        return [zeros_like(x), zeros_like(out), g] + [None] * len(params)


@dataclass(frozen=True)
class AveragePoolGrad(PoolBase):
    """Gradient of sum and average pooling (spread ``gz`` over each window)."""

    def make_node(self, x, gz, *params) -> Apply:
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        return self._node([x, gz], params, x.type())

    def perform(self, xp, x, gz, *params):
        return self.bound(params).backward(xp, x, gz)

    def backward(self, xp, x, gz):
        spatial = x.shape[-self.ndim :]
        out_shape, pads = self.geometry(spatial)
        if self.mode.startswith("average"):
            gz = gz / self.counts(xp, spatial, out_shape, gz.dtype)
        padded = tuple(s + b + a for s, (b, a) in zip(spatial, pads))
        gx = xp.zeros(x.shape[: -self.ndim] + padded, dtype=gz.dtype)
        for gview in self.views(gx, out_shape):
            gview += gz
        return self.crop(gx, pads, spatial)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        (x, _, *params), (g,) = inputs, output_grads
        return [zeros_like(x), Pool(*self._args())(g, *params)] + [None] * len(params)


def _copy_in_layout_of(xp, a, ref):
    out = xp.empty_like(ref)
    out[...] = a
    return out
