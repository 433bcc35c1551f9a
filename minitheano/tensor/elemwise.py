"""Elementwise operations: one ``Elemwise`` op driven by a table of scalar operations.

Each entry of the table (``scalar_table.py``) gives the NumPy/CuPy implementation, the output
dtype rule, the gradient and the symbol used by ``pp``. Broadcasting follows Theano: inputs of
lower ndim are padded on the left with broadcastable dims, and a dim of size 1 broadcasts only
when its type says it may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..config import config
from ..graph import Apply
from ..op import Op
from .type import (
    DISCRETE_DTYPES,
    TensorType,
    as_tensor_variable,
    upcast,
    upcast_to_float,
)


@dataclass(frozen=True)
class ScalarOp:
    """One row of the scalar-op table."""

    name: str
    nin: int
    impl: Callable  # impl(xp, *arrays) -> array
    dtype_rule: str  # upcast | nobool | min8 | float | bool | true_div | switch | bitwise | cast
    grad: Callable | None  # grad(inputs, output, gz) -> list of full-shape gradients (or None)
    symbol: str | None = None  # infix symbol for pp


# scalar ops that are exactly one ufunc: fused chains call them with out= buffers
UFUNCS = {
    "add": "add",
    "sub": "subtract",
    "mul": "multiply",
    "true_div": "true_divide",
    "neg": "negative",
    "abs": "absolute",
    "exp": "exp",
    "expm1": "expm1",
    "log": "log",
    "log1p": "log1p",
    "sqrt": "sqrt",
    "sqr": "square",
    "tanh": "tanh",
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "sinh": "sinh",
    "cosh": "cosh",
    "arcsin": "arcsin",
    "arccos": "arccos",
    "arctan": "arctan",
    "exp2": "exp2",
    "maximum": "maximum",
    "minimum": "minimum",
    "pow": "power",
    "floor": "floor",
    "ceil": "ceil",
    "sgn": "sign",
}


SCALAR_OPS: dict[str, ScalarOp] = {}


def _register(name, nin, impl, dtype_rule, grad=None, symbol=None):
    SCALAR_OPS[name] = ScalarOp(name, nin, impl, dtype_rule, grad, symbol)


def _out_dtype(rule: str, dtypes: list[str], cast_dtype: str | None) -> str:
    if rule == "cast":
        return cast_dtype
    if rule == "bool":
        return "bool"
    if rule == "float":
        return upcast_to_float(*dtypes)
    if rule == "true_div":
        return config.floatX if all(d in DISCRETE_DTYPES for d in dtypes) else upcast(*dtypes)
    if rule == "switch":
        return upcast(*dtypes[1:])
    if rule == "min8" and upcast(*dtypes) == "bool":  # Theano's pow of bools is int8
        return "int8"
    return upcast(*dtypes)  # upcast, nobool, bitwise


@dataclass(frozen=True)
class Elemwise(Op):
    """Apply the scalar operation ``scalar_op`` elementwise (``dtype`` only for ``cast``)."""

    scalar_op: str
    dtype: str | None = None

    def __post_init__(self):
        if self.scalar_op not in SCALAR_OPS:
            raise ValueError(f"Elemwise: unknown scalar op {self.scalar_op!r}")

    @property
    def spec(self) -> ScalarOp:
        return SCALAR_OPS[self.scalar_op]

    def __str__(self) -> str:
        return (
            f"Elemwise{{cast{{{self.dtype}}}}}" if self.dtype else f"Elemwise{{{self.scalar_op}}}"
        )

    def make_node(self, *inputs) -> Apply:
        spec = self.spec
        if len(inputs) != spec.nin:
            raise TypeError(f"{self}: takes {spec.nin} inputs, got {len(inputs)}")
        inputs = [as_tensor_variable(x) for x in inputs]
        if spec.dtype_rule == "bitwise" and any(x.dtype not in DISCRETE_DTYPES for x in inputs):
            raise TypeError(
                f"{self}: needs integer or bool inputs, got "
                f"{', '.join(str(x.type) for x in inputs)}"
            )
        if spec.dtype_rule == "nobool" and all(x.dtype == "bool" for x in inputs):
            raise TypeError(
                f"{self}: not defined for bool inputs (got "
                f"{', '.join(str(x.type) for x in inputs)}); cast them to an integer dtype "
                f"first, or use the logical ops (T.xor, T.invert)"
            )
        ndim = max(x.ndim for x in inputs)
        dtype = _out_dtype(spec.dtype_rule, [x.dtype for x in inputs], self.dtype)
        inputs = [
            _pad_left(x, ndim, dtype if spec.dtype_rule in _ARITHMETIC else None) for x in inputs
        ]
        if spec.dtype_rule in ("float", "true_div"):
            # NumPy computes exp(int8) in float16 (and sigmoid kept the int dtype): convert
            # integer and bool inputs first, so the result is computed in the output's dtype
            inputs = [cast(x, dtype) if x.dtype in DISCRETE_DTYPES else x for x in inputs]
        broadcastable = tuple(all(bs) for bs in zip(*(x.broadcastable for x in inputs)))
        return Apply(self, inputs, [TensorType(dtype, broadcastable)()])

    def perform(self, xp, *inputs):
        return self.spec.impl(xp, *inputs)

    def make_thunk(self, node: Apply, xp):
        impl, dtype = self.spec.impl, node.outputs[0].dtype
        check_broadcast = broadcast_checker(self, node)

        def thunk(*args):
            if check_broadcast is not None:
                check_broadcast(args)
            out = impl(xp, *args)
            if out.dtype != dtype:
                out = out.astype(dtype)
            return out

        return thunk

    def infer_shape(self, node, input_shapes):
        out = []
        for axis, b in enumerate(node.outputs[0].broadcastable):
            if b:
                out.append(1)
                continue
            sizes = [
                s[axis] for s, x in zip(input_shapes, node.inputs) if not x.broadcastable[axis]
            ]
            out.append(sizes[0])
        return [tuple(out)]

    def grad(self, inputs, outputs, output_grads):
        spec, (gz,) = self.spec, output_grads
        if spec.grad is None:
            return [None] * len(inputs)
        grads = spec.grad(inputs, outputs[0], gz)
        return [
            None
            if g is None or x.dtype in DISCRETE_DTYPES
            else cast(unbroadcast(g, x.broadcastable), x.dtype)
            if g.dtype != x.dtype
            else unbroadcast(g, x.broadcastable)
            for x, g in zip(inputs, grads)
        ]


_ARITHMETIC = ("upcast", "nobool", "min8", "float", "true_div")


def _pad_left(x, ndim, dtype):
    """``x`` with broadcastable dims added on the left up to ``ndim``.

    Constants are reshaped (and converted to ``dtype`` when that loses nothing) instead of
    getting a DimShuffle node: equal constants then merge, and arithmetic does not mix dtypes.
    """
    from ..graph import Constant

    if isinstance(x, Constant):
        data = x.data
        if dtype is not None and data.dtype != dtype and np.all(data.astype(dtype) == data):
            data = data.astype(dtype)
        if data is x.data and x.ndim == ndim:
            return x
        from .type import constant

        return constant(data.reshape((1,) * (ndim - data.ndim) + data.shape))
    if x.ndim == ndim:
        return x
    from .shape import dimshuffle

    return dimshuffle(x, ("x",) * (ndim - x.ndim) + tuple(range(x.ndim)))


def broadcast_checker(op, node):
    """A run-time check that no size-1 dim broadcasts where its input's type forbids it, as a
    function of the input arrays; None when nothing can go wrong (one input, or no such dim).

    Made once per compiled node, so a call only compares the sizes it must.
    """
    if len(node.inputs) < 2:  # a single input cannot be broadcast wrongly
        return None
    # (input index, axis) pairs whose type forbids broadcasting a size-1 dim
    strict = [
        (i, a) for i, x in enumerate(node.inputs) for a, b in enumerate(x.broadcastable) if not b
    ]
    if not strict:
        return None
    ndim = len(node.outputs[0].broadcastable)

    def check(args):
        shapes = [getattr(a, "shape", ()) for a in args]
        for i, axis in strict:
            if shapes[i][axis] == 1 and any(s[axis] != 1 for s in shapes if len(s) == ndim):
                raise ValueError(
                    f"{op}: input dimension mismatch: input {i} has size 1 in dim {axis} but "
                    f"its type {node.inputs[i].type} does not allow broadcasting there (input "
                    f"shapes {', '.join(str(s) for s in shapes)}); make the dim broadcastable "
                    f"with dimshuffle('x', ...) or T.addbroadcast"
                )

    return check


def unbroadcast(g, broadcastable: tuple):
    """Sum the gradient ``g`` over the dims an input was broadcast along, keeping them."""
    axes = tuple(
        a for a, (b, gb) in enumerate(zip(broadcastable, g.broadcastable)) if b and not gb
    )
    if not axes:
        return g
    from .reduce import sum as sum_

    return sum_(g, axis=axes, keepdims=True)


def _elemwise(name):
    op = Elemwise(name)

    def apply(*inputs):
        return op(*inputs)

    apply.__name__ = name
    apply.__doc__ = f"Elementwise ``{name}`` of the inputs (Theano's broadcasting rules)."
    return apply


def cast(x, dtype: str):
    """``x`` converted to ``dtype`` (no node when it already has it)."""
    x = as_tensor_variable(x)
    dtype = config.floatX if dtype == "floatX" else str(np.dtype(dtype))
    if x.dtype == dtype:
        return x
    return Elemwise("cast", dtype)(x)


def const_like(value, var):
    """A constant with ``var``'s dtype, so that gradient formulas keep float32 float32."""
    from .type import constant

    return constant(np.asarray(value, dtype=var.dtype))


# The table (``scalar_table.py``) registers every scalar op; the public functions follow.
from . import scalar_table  # noqa: E402, F401

add, sub, mul, true_div, int_div, mod, pow = (
    _elemwise(n) for n in ("add", "sub", "mul", "true_div", "int_div", "mod", "pow")
)
maximum, minimum, neg, abs_, sgn, exp, expm1, log, log2, log10, log1p = (
    _elemwise(n)
    for n in (
        "maximum",
        "minimum",
        "neg",
        "abs",
        "sgn",
        "exp",
        "expm1",
        "log",
        "log2",
        "log10",
        "log1p",
    )
)
sqrt, sqr, tanh, sin, cos, sigmoid, softplus, floor, ceil = (
    _elemwise(n)
    for n in ("sqrt", "sqr", "tanh", "sin", "cos", "sigmoid", "softplus", "floor", "ceil")
)
tan, sinh, cosh, arcsin, arccos, arctan, exp2, inv, isnan, isinf = (
    _elemwise(n)
    for n in ("tan", "sinh", "cosh", "arcsin", "arccos", "arctan", "exp2", "inv", "isnan", "isinf")
)
lt, gt, le, ge, eq, neq, and_, or_, xor, invert, switch = (
    _elemwise(n)
    for n in ("lt", "gt", "le", "ge", "eq", "neq", "and_", "or_", "xor", "invert", "switch")
)
abs = abs_  # noqa: A001 - Theano's T.abs_ and T.abs are the same function
sign = sgn
where = switch  # Theano's T.where
floor_div = int_div


def clip(x, min, max):  # noqa: A002 - Theano's argument names
    """``x`` limited to ``[min, max]`` elementwise."""
    return Elemwise("clip")(x, min, max)


def round(a, mode: str = "half_to_even"):  # noqa: A001
    """Round to the nearest integer, ties to even (NumPy's default) or ``half_away_from_zero``."""
    if mode not in ("half_to_even", "half_away_from_zero"):
        raise ValueError(
            f"round: mode must be 'half_to_even' or 'half_away_from_zero', got {mode!r}"
        )
    return Elemwise(f"round_{mode}")(a)


def _fold(name, combine, args):
    if not args:
        raise TypeError(f"{name}: needs at least one tensor")
    result = as_tensor_variable(args[0])
    for arg in args[1:]:
        result = combine(result, arg)
    return result


def largest(*args):
    """The elementwise largest of any number of tensors (Theano's ``T.largest``)."""
    return _fold("largest", maximum, args)


def smallest(*args):
    """The elementwise smallest of any number of tensors (Theano's ``T.smallest``)."""
    return _fold("smallest", minimum, args)


def relu(x, alpha=0):
    """Rectified linear unit ``max(x, 0)`` (leaky with slope ``alpha`` below 0)."""
    x = as_tensor_variable(x)
    if alpha == 0:
        return maximum(x, const_like(0, x))
    return switch(gt(x, const_like(0, x)), x, mul(x, const_like(alpha, x)))
