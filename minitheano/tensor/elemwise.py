"""Elementwise operations: one ``Elemwise`` op driven by a table of scalar operations.

Each table entry gives the NumPy/CuPy implementation, the output dtype rule, the gradient and the
symbol used by ``pp``. Broadcasting follows Theano: inputs of lower ndim are padded on the left
with broadcastable dims, and a dim of size 1 broadcasts only when its type says it may.
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
    dtype_rule: str  # upcast | float | bool | same | true_div | switch
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
    return upcast(*dtypes)  # upcast, same, bitwise


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
        ndim = max(x.ndim for x in inputs)
        dtype = _out_dtype(spec.dtype_rule, [x.dtype for x in inputs], self.dtype)
        inputs = [
            _pad_left(x, ndim, dtype if spec.dtype_rule in _ARITHMETIC else None) for x in inputs
        ]
        broadcastable = tuple(all(bs) for bs in zip(*(x.broadcastable for x in inputs)))
        return Apply(self, inputs, [TensorType(dtype, broadcastable)()])

    def perform(self, xp, *inputs):
        return self.spec.impl(xp, *inputs)

    def make_thunk(self, node: Apply, xp):
        impl, dtype = self.spec.impl, node.outputs[0].dtype
        # (input index, axis) pairs whose type forbids broadcasting a size-1 dim
        strict = [
            (i, a)
            for i, x in enumerate(node.inputs)
            for a, b in enumerate(x.broadcastable)
            if not b
        ]

        def thunk(*args):
            if strict and len(args) > 1:  # a single input cannot be broadcast wrongly
                _check_broadcast(self, node, args, strict)
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


_ARITHMETIC = ("upcast", "float", "true_div")


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


def _check_broadcast(op, node, args, strict):
    shapes = [getattr(a, "shape", ()) for a in args]
    ndim = len(node.outputs[0].broadcastable)
    for i, axis in strict:
        size = shapes[i][axis]
        if size == 1 and any(s[axis] != 1 for s in shapes if len(s) == ndim):
            raise ValueError(
                f"{op}: input dimension mismatch: input {i} has size 1 in dim {axis} but its type "
                f"{node.inputs[i].type} does not allow broadcasting there (input shapes "
                f"{', '.join(str(s) for s in shapes)}); make the dim broadcastable with "
                f"dimshuffle('x', ...) or T.addbroadcast"
            )


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


# ---------------------------------------------------------------------------------------------
# The table. Gradients use the public functions defined below (resolved when called).


def _zero_grads(inputs, out, gz):
    return [_zeros_like(x) for x in inputs]


def _zeros_like(x):
    from .basic import zeros_like

    return zeros_like(x)


def _sigmoid_impl(xp, x):
    # exp of -|x| never overflows; two branches give full relative precision on both tails
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def _softplus_impl(xp, x):
    return xp.logaddexp(xp.zeros((), dtype=x.dtype), x)


def _round_half_away(xp, x):
    return xp.sign(x) * xp.floor(xp.abs(x) + xp.asarray(0.5, dtype=x.dtype))


_register("add", 2, lambda xp, a, b: xp.add(a, b), "upcast", lambda i, o, gz: [gz, gz], "+")
_register(
    "sub", 2, lambda xp, a, b: xp.subtract(a, b), "upcast", lambda i, o, gz: [gz, neg(gz)], "-"
)
_register(
    "mul",
    2,
    lambda xp, a, b: xp.multiply(a, b),
    "upcast",
    lambda i, o, gz: [mul(gz, i[1]), mul(gz, i[0])],
    "*",
)
_register(
    "true_div",
    2,
    lambda xp, a, b: xp.true_divide(a, b),
    "true_div",
    lambda i, o, gz: [true_div(gz, i[1]), neg(mul(gz, true_div(o, i[1])))],
    "/",
)
_register("int_div", 2, lambda xp, a, b: xp.floor_divide(a, b), "upcast", _zero_grads, "//")
_register(
    "mod",
    2,
    lambda xp, a, b: xp.mod(a, b),
    "upcast",
    lambda i, o, gz: [gz, neg(mul(gz, int_div(i[0], i[1])))],
    "%",
)
_register(
    "pow",
    2,
    lambda xp, a, b: xp.power(a, b),
    "upcast",
    lambda i, o, gz: [
        mul(gz, mul(i[1], pow(i[0], sub(i[1], const_like(1, i[1]))))),
        mul(gz, mul(o, log(i[0]))),
    ],
    "**",
)
_register(
    "maximum",
    2,
    lambda xp, a, b: xp.maximum(a, b),
    "upcast",
    lambda i, o, gz: [mul(gz, eq(o, i[0])), mul(gz, eq(o, i[1]))],
)
_register(
    "minimum",
    2,
    lambda xp, a, b: xp.minimum(a, b),
    "upcast",
    lambda i, o, gz: [mul(gz, eq(o, i[0])), mul(gz, eq(o, i[1]))],
)
_register("neg", 1, lambda xp, a: xp.negative(a), "upcast", lambda i, o, gz: [neg(gz)], "-")
_register("abs", 1, lambda xp, a: xp.abs(a), "upcast", lambda i, o, gz: [mul(gz, sgn(i[0]))])
_register("sgn", 1, lambda xp, a: xp.sign(a), "upcast", _zero_grads)
_register("exp", 1, lambda xp, a: xp.exp(a), "float", lambda i, o, gz: [mul(gz, o)])
_register(
    "expm1",
    1,
    lambda xp, a: xp.expm1(a),
    "float",
    lambda i, o, gz: [mul(gz, add(o, const_like(1, o)))],
)
_register("log", 1, lambda xp, a: xp.log(a), "float", lambda i, o, gz: [true_div(gz, i[0])])
_register(
    "log2",
    1,
    lambda xp, a: xp.log2(a),
    "float",
    lambda i, o, gz: [true_div(gz, mul(i[0], const_like(np.log(2.0), o)))],
)
_register(
    "log10",
    1,
    lambda xp, a: xp.log10(a),
    "float",
    lambda i, o, gz: [true_div(gz, mul(i[0], const_like(np.log(10.0), o)))],
)
_register(
    "log1p",
    1,
    lambda xp, a: xp.log1p(a),
    "float",
    lambda i, o, gz: [true_div(gz, add(i[0], const_like(1, o)))],
)
_register(
    "sqrt",
    1,
    lambda xp, a: xp.sqrt(a),
    "float",
    lambda i, o, gz: [true_div(gz, mul(o, const_like(2, o)))],
)
_register(
    "sqr",
    1,
    lambda xp, a: xp.square(a),
    "upcast",
    lambda i, o, gz: [mul(gz, mul(i[0], const_like(2, i[0])))],
)
_register(
    "tanh",
    1,
    lambda xp, a: xp.tanh(a),
    "float",
    lambda i, o, gz: [mul(gz, sub(const_like(1, o), sqr(o)))],
)
_register("sin", 1, lambda xp, a: xp.sin(a), "float", lambda i, o, gz: [mul(gz, cos(i[0]))])
_register("cos", 1, lambda xp, a: xp.cos(a), "float", lambda i, o, gz: [neg(mul(gz, sin(i[0])))])
_register(
    "tan",
    1,
    lambda xp, a: xp.tan(a),
    "float",
    lambda i, o, gz: [mul(gz, add(const_like(1, o), sqr(o)))],
)
_register("sinh", 1, lambda xp, a: xp.sinh(a), "float", lambda i, o, gz: [mul(gz, cosh(i[0]))])
_register("cosh", 1, lambda xp, a: xp.cosh(a), "float", lambda i, o, gz: [mul(gz, sinh(i[0]))])
_register(
    "arcsin",
    1,
    lambda xp, a: xp.arcsin(a),
    "float",
    lambda i, o, gz: [true_div(gz, sqrt(sub(const_like(1, o), sqr(i[0]))))],
)
_register(
    "arccos",
    1,
    lambda xp, a: xp.arccos(a),
    "float",
    lambda i, o, gz: [neg(true_div(gz, sqrt(sub(const_like(1, o), sqr(i[0])))))],
)
_register(
    "arctan",
    1,
    lambda xp, a: xp.arctan(a),
    "float",
    lambda i, o, gz: [true_div(gz, add(const_like(1, o), sqr(i[0])))],
)
_register(
    "exp2",
    1,
    lambda xp, a: xp.exp2(a),
    "float",
    lambda i, o, gz: [mul(gz, mul(o, const_like(np.log(2.0), o)))],
)
_register(
    "inv",
    1,
    lambda xp, a: xp.true_divide(1, a),  # integer inputs give floats, as in Theano
    "float",
    lambda i, o, gz: [neg(mul(gz, sqr(o)))],
)
_register("isnan", 1, lambda xp, a: xp.isnan(a), "bool")
_register("isinf", 1, lambda xp, a: xp.isinf(a), "bool")
_register(
    "sigmoid",
    1,
    _sigmoid_impl,
    "float",
    # (gz * s) * (1 - s): this order lets the canonicalizer cancel a preceding gz / s
    lambda i, o, gz: [mul(mul(gz, o), sub(const_like(1, o), o))],
)
_register("softplus", 1, _softplus_impl, "float", lambda i, o, gz: [mul(gz, sigmoid(i[0]))])
_register("floor", 1, lambda xp, a: xp.floor(a), "upcast", _zero_grads)
_register("ceil", 1, lambda xp, a: xp.ceil(a), "upcast", _zero_grads)
_register("round_half_to_even", 1, lambda xp, a: xp.round(a), "upcast", _zero_grads)
_register("round_half_away_from_zero", 1, _round_half_away, "upcast", _zero_grads)
_register("cast", 1, lambda xp, a: a, "cast", lambda i, o, gz: [gz])
for _name, _impl, _sym in (
    ("lt", "less", "<"),
    ("gt", "greater", ">"),
    ("le", "less_equal", "<="),
    ("ge", "greater_equal", ">="),
    ("eq", "equal", "=="),
    ("neq", "not_equal", "!="),
):
    _register(
        _name, 2, (lambda f: lambda xp, a, b: getattr(xp, f)(a, b))(_impl), "bool", None, _sym
    )
_register("and_", 2, lambda xp, a, b: xp.bitwise_and(a, b), "bitwise", None, "&")
_register("or_", 2, lambda xp, a, b: xp.bitwise_or(a, b), "bitwise", None, "|")
_register("xor", 2, lambda xp, a, b: xp.bitwise_xor(a, b), "bitwise", None, "^")
_register("invert", 1, lambda xp, a: xp.invert(a), "bitwise", None, "~")
_register(
    "switch",
    3,
    lambda xp, c, a, b: xp.where(c, a, b),
    "switch",
    lambda i, o, gz: [
        None,
        switch(i[0], gz, _zeros_like(gz)),
        switch(i[0], _zeros_like(gz), gz),
    ],
)
_register(
    "clip",
    3,
    lambda xp, x, lo, hi: xp.minimum(xp.maximum(x, lo), hi),
    "upcast",
    lambda i, o, gz: [
        mul(gz, and_(ge(i[0], i[1]), le(i[0], i[2]))),
        mul(gz, lt(i[0], i[1])),
        mul(gz, gt(i[0], i[2])),
    ],
)

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
