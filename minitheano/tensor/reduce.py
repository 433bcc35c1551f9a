"""Reductions: ``sum prod max min`` (one ``Reduce`` op), ``argmax argmin``, ``mean var std``."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .. import parallel
from ..graph import Apply
from ..op import Op
from .elemwise import cast, eq, mul, true_div
from .shape import dimshuffle, shape
from .type import DISCRETE_DTYPES, INT_DTYPES, TensorType, as_tensor_variable


def _normalize_axis(axis, ndim, what):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"{what}: axis {a} is out of range for a tensor with {ndim} dims")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"{what}: repeated axis in {axis}")
    return tuple(sorted(out))


_COMBINE = {
    "sum": "add",
    "prod": "multiply",
    "max": "maximum",
    "min": "minimum",
    "all": "logical_and",
    "any": "logical_or",
}


def _acc_dtype(kind, dtype):
    # Theano accumulates float16/float32 sums and products in float64, ints in int64
    if kind in ("all", "any"):
        return "bool"
    if kind in ("max", "min"):
        return dtype
    if dtype in ("float16", "float32"):
        return "float64"
    if dtype in INT_DTYPES or dtype == "bool":
        return "uint64" if dtype.startswith("uint") else "int64"
    return dtype


def _out_dtype(kind, dtype):
    if kind in ("all", "any"):
        return "bool"
    if kind in ("max", "min"):
        return dtype
    if dtype in ("bool", "int8", "int16", "int32"):
        return "int64"
    if dtype in ("uint8", "uint16", "uint32"):
        return "uint64"
    return dtype


@dataclass(frozen=True)
class Reduce(Op):
    """Reduce ``axis`` with ``kind`` (sum|prod|max|min|all|any), accumulating in ``acc_dtype``."""

    kind: str
    axis: tuple
    dtype: str
    acc_dtype: str

    def __str__(self) -> str:
        return f"{self.kind.capitalize()}{{axis={list(self.axis)}}}"

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if self.kind in ("max", "min") and x.dtype.startswith("complex"):
            raise TypeError(f"{self}: complex inputs have no order ({x.type})")
        bcast = tuple(b for a, b in enumerate(x.broadcastable) if a not in self.axis)
        return Apply(self, [x], [TensorType(self.dtype, bcast)()])

    def perform(self, xp, x):
        if self.kind in ("max", "min") and 0 in [x.shape[a] for a in self.axis]:
            raise ValueError(f"{self}: cannot reduce an empty axis (input shape {x.shape})")
        reduce = getattr(xp, self.kind)  # sum, prod, max, min, all, any
        kwargs = {"dtype": self.acc_dtype} if self.kind in ("sum", "prod") else {}
        if 0 in self.axis and x.ndim:
            # the first axis is reduced: each core reduces a slice of it, then the partial
            # results are combined (NumPy reductions run on one core)
            parts = parallel.map_rows(
                xp, x.shape[0], x.size, lambda lo, hi: reduce(x[lo:hi], axis=self.axis, **kwargs)
            )
            out = functools.reduce(getattr(xp, _COMBINE[self.kind]), parts)
        else:
            out = reduce(x, axis=self.axis, **kwargs)
        return xp.asarray(out, dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        return [tuple(s for a, s in enumerate(input_shapes[0]) if a not in self.axis)]

    def grad(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if x.dtype in DISCRETE_DTYPES or self.kind in ("all", "any"):
            return [None]
        # put the reduced axes back as broadcastable dims, so gz broadcasts over x
        order, kept = [], iter(range(out.ndim))
        for a in range(x.ndim):
            order.append("x" if a in self.axis else next(kept))
        gz_b, out_b = dimshuffle(gz, order), dimshuffle(out, order)
        if self.kind == "sum":
            from .basic import alloc

            g = alloc(gz_b, *[1 if b else shape(x)[a] for a, b in enumerate(x.broadcastable)])
        elif self.kind == "prod":
            # d prod / d x_i = prod / x_i (zeros in x give nan here, as in Theano's default)
            g = mul(gz_b, true_div(out_b, x))
        else:  # every element equal to the max (or min) of its reduction gets gz
            g = mul(gz_b, eq(x, out_b))
        return [cast(g, x.dtype)]


def _reduce(kind, x, axis, dtype, keepdims, acc_dtype):
    x = as_tensor_variable(x)
    axes = _normalize_axis(axis, x.ndim, kind)
    out_dtype = dtype or _out_dtype(kind, x.dtype)
    if kind == "sum" and x.dtype == "bool" and dtype is None:
        out_dtype = "int64"
    acc = acc_dtype or _acc_dtype(kind, x.dtype)
    out = Reduce(kind, axes, str(np.dtype(out_dtype)), str(np.dtype(acc)))(x) if axes else x
    if out_dtype != out.dtype and kind != "max" and kind != "min":
        # also with no axis to reduce (a 0-d input): Theano's sum of an int8 scalar is int64,
        # all/any of one element is its truth value
        out = cast(out, out_dtype)
    return _keepdims(out, x.ndim, axes) if keepdims else out


def _keepdims(out, ndim, axes):
    order, kept = [], iter(range(out.ndim))
    for a in range(ndim):
        order.append("x" if a in axes else next(kept))
    return dimshuffle(out, order)


def sum(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):  # noqa: A001
    """Sum over ``axis`` (all by default); float32 accumulates in float64."""
    return _reduce("sum", x, axis, dtype, keepdims, acc_dtype)


def prod(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Product over ``axis``."""
    return _reduce("prod", x, axis, dtype, keepdims, acc_dtype)


def max(x, axis=None, keepdims=False):  # noqa: A001
    """Maximum over ``axis``; its gradient goes to every element equal to the max."""
    return _reduce("max", x, axis, None, keepdims, None)


def min(x, axis=None, keepdims=False):  # noqa: A001
    """Minimum over ``axis``."""
    return _reduce("min", x, axis, None, keepdims, None)


def all(x, axis=None, keepdims=False):  # noqa: A001
    """True where every element over ``axis`` is non-zero (a bool tensor)."""
    return _reduce("all", x, axis, None, keepdims, None)


def any(x, axis=None, keepdims=False):  # noqa: A001
    """True where some element over ``axis`` is non-zero (a bool tensor)."""
    return _reduce("any", x, axis, None, keepdims, None)


def ptp(a, axis=None):
    """Range of values (maximum - minimum) over ``axis``."""
    return max(a, axis=axis) - min(a, axis=axis)


def mean(x, axis=None, dtype=None, keepdims=False, acc_dtype=None):
    """Mean over ``axis``; integer inputs give float64 (Theano's rule)."""
    x = as_tensor_variable(x)
    axes = _normalize_axis(axis, x.ndim, "mean")
    total = sum(x, axis=axes, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)
    if total.dtype in DISCRETE_DTYPES:
        total = cast(total, "float64")
    from .basic import prod_of

    count = prod_of([shape(x)[a] for a in axes])
    if isinstance(count, int):  # no axis: nothing to divide by
        return total
    return true_div(total, cast(count, total.dtype))


def var(x, axis=None, ddof=0, keepdims=False, corrected=False):
    """Variance over ``axis``, divided by ``n - ddof``; ``corrected`` subtracts the rounding
    error of the two-pass algorithm (Theano's 'corrected two pass')."""
    if isinstance(ddof, bool):
        raise ValueError("var: ddof is the third argument now: (x, axis, ddof=0, keepdims=False)")
    x = as_tensor_variable(x)
    axes = _normalize_axis(axis, x.ndim, "var")
    centered = x - mean(x, axis=axes, keepdims=True)
    if ddof == 0:
        v = mean(centered * centered, axis=axes, keepdims=keepdims)
        error = mean(centered, axis=axes, keepdims=keepdims) ** 2 if corrected else None
    else:
        v = sum(centered * centered, axis=axes, keepdims=keepdims)
        error = sum(centered, axis=axes, keepdims=keepdims) ** 2 if corrected else None
        for a in axes:
            v = true_div(v, shape(x)[a] - ddof)
            if corrected:
                error = true_div(error, (shape(x)[a] - ddof) * shape(x)[a])
    return v if error is None else v - error


def std(x, axis=None, ddof=0, keepdims=False, corrected=False):
    """Standard deviation over ``axis`` (the square root of ``var``, same arguments)."""
    from .elemwise import sqrt

    return sqrt(var(x, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected))


@dataclass(frozen=True)
class Argmax(Op):
    """Index of the maximum (``kind='max'``) or minimum along one axis (all axes: flat index)."""

    kind: str
    axis: int | None

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if self.axis is None:
            bcast = ()
        else:
            bcast = tuple(b for a, b in enumerate(x.broadcastable) if a != self.axis)
        return Apply(self, [x], [TensorType("int64", bcast)()])

    def perform(self, xp, x):
        fn = xp.argmax if self.kind == "max" else xp.argmin
        return xp.asarray(fn(x, axis=self.axis), dtype="int64")

    def infer_shape(self, node, input_shapes):
        if self.axis is None:
            return [()]
        return [tuple(s for a, s in enumerate(input_shapes[0]) if a != self.axis)]

    def grad(self, inputs, outputs, output_grads):
        return [None]


def _arg(kind, x, axis, keepdims):
    x = as_tensor_variable(x)
    if axis is not None and not isinstance(axis, (int, np.integer)):
        axis = tuple(axis)
        if len(axis) != 1:
            if sorted(a % x.ndim for a in axis) == list(range(x.ndim)):
                axis = None
            else:
                raise NotImplementedError(f"arg{kind}: several axes {axis} (one, or all)")
        else:
            axis = axis[0]
    if axis is not None:
        axis = _normalize_axis(axis, x.ndim, f"arg{kind}")[0]
    out = Argmax(kind, axis)(x)
    if keepdims:
        out = _keepdims(out, x.ndim, tuple(range(x.ndim)) if axis is None else (axis,))
    return out


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along ``axis`` (int64)."""
    return _arg("max", x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along ``axis`` (int64)."""
    return _arg("min", x, axis, keepdims)


def max_and_argmax(x, axis=None):
    """``(max(x, axis), argmax(x, axis))``."""
    return max(x, axis), argmax(x, axis)
