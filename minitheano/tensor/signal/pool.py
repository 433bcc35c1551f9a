"""2-D pooling over the last two axes: ``pool_2d`` and its gradient ops (Theano's semantics).

Modes: ``max``, ``sum``, ``average_inc_pad`` (padding counts in the average) and
``average_exc_pad`` (it does not). Every window offset is one strided view, so the work is
``ws[0] * ws[1]`` vectorised array operations whatever the image size.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ...graph import Apply
from ...op import Op
from ...parallel import over_rows
from ..type import FLOAT_DTYPES, TensorType, as_tensor_variable
from ..windows import out_size, pad_last2, shifted_view, split_windows

MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def pool_out_size(size, ws, st, pad, ignore_border):
    """Theano's output length along one axis (ints or symbolic scalars)."""
    from ..elemwise import maximum

    if ignore_border:  # a window larger than the padded input: no output, as in Theano
        n = out_size(size, ws, st, pad, pad)
        return max(0, n) if isinstance(n, int) else maximum(0, n)
    if st >= ws:
        return (size - 1) // st + 1

    steps = (size - 1 - ws + st) // st  # strides after the first window to reach the end
    return (max(0, steps) if isinstance(size, int) else maximum(0, steps)) + 1


@dataclass(frozen=True)
class PoolBase(Op):
    """Props shared by the pooling ops."""

    ws: tuple
    stride: tuple
    pad: tuple
    ignore_border: bool
    mode: str

    def __str__(self) -> str:
        return (
            f"{type(self).__name__}{{{self.mode}, ws={self.ws}, stride={self.stride}"
            + (f", pad={self.pad}" if any(self.pad) else "")
            + ("" if self.ignore_border else ", keep borders")
            + "}"
        )

    def geometry(self, h, w):
        """Output size, and the padding (top, bottom, left, right) that makes every window fit."""
        (wh, ww), (sh, sw), (ph, pw) = self.ws, self.stride, self.pad
        oh = pool_out_size(h, wh, sh, ph, self.ignore_border)
        ow = pool_out_size(w, ww, sw, pw, self.ignore_border)
        # extra rows/cols at the end for the partial windows kept when ignore_border=False
        extra_h = max(0, (oh - 1) * sh + wh - (h + 2 * ph))
        extra_w = max(0, (ow - 1) * sw + ww - (w + 2 * pw))
        return oh, ow, (ph, ph + extra_h, pw, pw + extra_w)

    def fill_value(self, dtype):
        if self.mode != "max":
            return 0
        return -np.inf if np.dtype(dtype).kind == "f" else np.iinfo(dtype).min

    def counts(self, xp, h, w, oh, ow, dtype):
        """How many elements each average window divides by, as an ``(oh, ow)`` array."""

        def along(size, ws, st, pad, n):
            starts = np.arange(n) * st
            if self.mode == "average_inc_pad":
                lo, hi = starts, np.minimum(starts + ws, size + 2 * pad)
            else:
                lo, hi = np.maximum(starts, pad), np.minimum(starts + ws, size + pad)
            return np.maximum(hi - lo, 0)

        rows = along(h, self.ws[0], self.stride[0], self.pad[0], oh)
        cols = along(w, self.ws[1], self.stride[1], self.pad[1], ow)
        return xp.asarray(np.outer(rows, cols).astype(dtype))

    def views(self, x, oh, ow):
        for i in range(self.ws[0]):
            for j in range(self.ws[1]):
                yield shifted_view(x, i, j, oh, ow, self.stride)

    def _args(self):
        """The props, to build a sibling op (``MaxPoolGrad(*self._args())``)."""
        return self.ws, self.stride, self.pad, self.ignore_border, self.mode

    def check_input(self, x):
        if x.shape[-2] + 2 * self.pad[0] < 1 or x.shape[-1] + 2 * self.pad[1] < 1:
            raise ValueError(f"{self}: input shape {x.shape} is empty")


def _validate(ws, stride, pad, ignore_border, mode):
    if mode not in MODES:
        raise ValueError(f"pool_2d: mode must be one of {MODES}, got {mode!r}")
    for name, pair in (("ws", ws), ("stride", stride)):
        if len(pair) != 2 or any(int(v) < 1 for v in pair):
            raise ValueError(f"pool_2d: {name} must be two positive ints, got {pair}")
    if len(pad) != 2 or any(int(v) < 0 for v in pad):
        raise ValueError(f"pool_2d: pad must be two non-negative ints, got {pad}")
    if any(pad) and not ignore_border:
        raise NotImplementedError("pool_2d: padding works only with ignore_border=True")
    if pad[0] >= ws[0] or pad[1] >= ws[1]:
        raise ValueError(f"pool_2d: pad {pad} must be smaller than the window {ws}")


@dataclass(frozen=True)
class Pool(PoolBase):
    """Pool the last two axes of a tensor with at least 2 dims."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise TypeError(f"pool_2d: the input needs at least 2 dims, got {x.type}")
        if self.mode.startswith("average") and x.dtype not in FLOAT_DTYPES:
            raise TypeError(
                f"pool_2d: mode {self.mode!r} averages, so it needs a float input, got "
                f"{x.type} (cast it first, e.g. T.cast(x, 'float32'))"
            )
        bcast = x.broadcastable[:-2] + (False, False)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x):
        self.check_input(x)
        h, w = x.shape[-2:]
        oh, ow, pads = self.geometry(h, w)
        padded = pad_last2(xp, x, pads, self.fill_value(x.dtype))
        if padded.ndim == 2:  # pool a matrix as a batch of one, so rows can be split below
            padded = padded[None]
        views = list(self.views(padded, oh, ow))
        out = xp.empty_like(views[0])  # same memory layout as x (channels-last stays)
        average = self.mode.startswith("average")
        counts = self.counts(xp, h, w, oh, ow, out.dtype) if average else None

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
        return out.reshape(out.shape[-2:]) if x.ndim == 2 else out

    def infer_shape(self, node, input_shapes):
        shp = input_shapes[0]
        (wh, ww), (sh, sw), (ph, pw) = self.ws, self.stride, self.pad
        return [
            tuple(shp[:-2])
            + (
                pool_out_size(shp[-2], wh, sh, ph, self.ignore_border),
                pool_out_size(shp[-1], ww, sw, pw, self.ignore_border),
            )
        ]

    def grad(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if self.mode == "max":
            return [MaxPoolGrad(*self._args())(x, out, gz)]
        return [AveragePoolGrad(*self._args())(x, gz)]


@dataclass(frozen=True)
class MaxPoolGrad(PoolBase):
    """Gradient of max pooling: ``gz`` goes to every element equal to its window's max."""

    def make_node(self, x, out, gz) -> Apply:
        x, out, gz = (as_tensor_variable(v) for v in (x, out, gz))
        return Apply(self, [x, out, gz], [x.type()])

    def perform(self, xp, x, out, gz):
        tiles = split_windows(x, self.ws, self.stride, self.pad)
        if tiles is not None:  # windows tile x: one comparison and one product, no scatter
            if gz.strides != out.strides:  # mixed memory layouts make the product crawl
                gz = _copy_in_layout_of(xp, gz, out)
            gx = xp.empty_like(tiles)
            out6, gz6 = out[..., :, None, :, None], gz[..., :, None, :, None]
            if x.ndim == 2:
                xp.multiply(tiles == out6, gz6, out=gx)
            else:
                over_rows(
                    xp,
                    x.shape[0],
                    x.size,
                    lambda lo, hi: xp.multiply(
                        tiles[lo:hi] == out6[lo:hi], gz6[lo:hi], out=gx[lo:hi]
                    ),
                )
            return gx.reshape(x.shape)
        h, w = x.shape[-2:]
        oh, ow, pads = self.geometry(h, w)
        padded = pad_last2(xp, x, pads, self.fill_value(x.dtype))
        gx = xp.zeros_like(padded)
        overlapping = any(s < k for s, k in zip(self.stride, self.ws))
        for view, gview in zip(self.views(padded, oh, ow), self.views(gx, oh, ow)):
            if overlapping:
                gview += (view == out) * gz
            else:  # windows do not overlap: each input element is written once
                xp.multiply(view == out, gz, out=gview)
        top, _, left, _ = pads
        return gx[..., top : top + h, left : left + w]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        from ..basic import zeros_like

        (x, out, _), (g,) = inputs, output_grads
        return [zeros_like(x), zeros_like(out), MaxPoolGradGrad(*self._args())(x, out, g)]


@dataclass(frozen=True)
class MaxPoolGradGrad(PoolBase):
    """Adjoint of ``MaxPoolGrad`` in ``gz``: per window, the sum of ``g`` at its max positions."""

    def make_node(self, x, out, g) -> Apply:
        x, out, g = (as_tensor_variable(v) for v in (x, out, g))
        return Apply(self, [x, out, g], [out.type()])

    def perform(self, xp, x, out, g):
        h, w = x.shape[-2:]
        oh, ow, pads = self.geometry(h, w)
        padded = pad_last2(xp, x, pads, self.fill_value(x.dtype))
        gpad = pad_last2(xp, g, pads, 0)
        result = xp.zeros(out.shape, dtype=g.dtype)
        for view, gview in zip(self.views(padded, oh, ow), self.views(gpad, oh, ow)):
            result += (view == out) * gview
        return result

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, outputs, output_grads):
        from ..basic import zeros_like

        (x, out, _), (gg,) = inputs, output_grads
        return [zeros_like(x), zeros_like(out), MaxPoolGrad(*self._args())(x, out, gg)]


@dataclass(frozen=True)
class AveragePoolGrad(PoolBase):
    """Gradient of sum and average pooling (spread ``gz`` over each window)."""

    def make_node(self, x, gz) -> Apply:
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        return Apply(self, [x, gz], [x.type()])

    def perform(self, xp, x, gz):
        h, w = x.shape[-2:]
        oh, ow, pads = self.geometry(h, w)
        if self.mode.startswith("average"):
            gz = gz / self.counts(xp, h, w, oh, ow, gz.dtype)
        shape = x.shape[:-2] + (h + pads[0] + pads[1], w + pads[2] + pads[3])
        gx = xp.zeros(shape, dtype=gz.dtype)
        for gview in self.views(gx, oh, ow):
            gview += gz
        return gx[..., pads[0] : pads[0] + h, pads[2] : pads[2] + w]

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        from ..basic import zeros_like

        (x, _), (g,) = inputs, output_grads
        return [zeros_like(x), Pool(*self._args())(g)]


def _copy_in_layout_of(xp, a, ref):
    out = xp.empty_like(ref)
    out[...] = a
    return out


def _deprecated_alias(new, old, new_name, old_name):
    if old is None:
        return new
    if new is not None:
        raise ValueError(f"pool_2d: give {new_name} or its deprecated name {old_name}, not both")
    warnings.warn(
        f"pool_2d: {old_name} is deprecated, use {new_name}", DeprecationWarning, stacklevel=3
    )
    return old


def pool_2d(
    input,
    ws=None,
    ignore_border=None,
    stride=None,
    pad=(0, 0),
    mode="max",
    ds=None,
    st=None,
    padding=None,
):
    """Pool the last two axes of ``input`` with windows ``ws`` (Theano's ``pool.pool_2d``).

    ``stride`` defaults to ``ws``. With ``ignore_border=False`` partial windows at the borders
    are kept; ``None`` warns and means False, as in Theano. ``ds``, ``st`` and ``padding`` are
    the deprecated names of ``ws``, ``stride`` and ``pad``.

    >>> pooled = pool_2d(T.tensor4(), ws=(2, 2), ignore_border=True)
    """
    ws = _deprecated_alias(ws, ds, "ws", "ds")
    stride = _deprecated_alias(stride, st, "stride", "st")
    if padding is not None:
        if pad not in (None, (0, 0)):
            raise ValueError("pool_2d: give pad or its deprecated name padding, not both")
        warnings.warn("pool_2d: padding is deprecated, use pad", DeprecationWarning, stacklevel=2)
        pad = padding
    if ws is None:
        raise ValueError("pool_2d: the window size ws is required")
    if ignore_border is None:
        warnings.warn(
            "pool_2d: ignore_border was not given; it defaults to False as in Theano "
            "(pass ignore_border=True for the usual non-overlapping pooling)",
            stacklevel=2,
        )
        ignore_border = False
    ws = tuple(int(v) for v in ws)
    stride = ws if stride is None else tuple(int(v) for v in stride)
    pad = tuple(int(v) for v in (pad or (0, 0)))
    _validate(ws, stride, pad, bool(ignore_border), mode)
    return Pool(ws, stride, pad, bool(ignore_border), mode)(input)


def max_pool_2d_same_size(input, patch_size):
    """Keep each patch's maximum in place and zero the rest (Theano's helper)."""
    output = pool_2d(input, ws=patch_size, ignore_border=True)
    return MaxPoolGrad(tuple(patch_size), tuple(patch_size), (0, 0), True, "max")(
        input, output, output
    )
