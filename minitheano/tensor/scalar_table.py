"""The scalar-op table behind ``Elemwise``: for each elementwise operation, its NumPy/CuPy
implementation, output dtype rule, gradient and ``pp`` symbol.

Gradients are written with the public elementwise functions (``E.mul``, ``E.cos``...), looked up
when a gradient is built, so this table and ``elemwise.py`` can refer to each other.
"""

from __future__ import annotations

import numpy as np

from . import elemwise as E
from .elemwise import _register, const_like


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
    "sub", 2, lambda xp, a, b: xp.subtract(a, b), "nobool", lambda i, o, gz: [gz, E.neg(gz)], "-"
)
_register(
    "mul",
    2,
    lambda xp, a, b: xp.multiply(a, b),
    "upcast",
    lambda i, o, gz: [E.mul(gz, i[1]), E.mul(gz, i[0])],
    "*",
)
_register(
    "true_div",
    2,
    lambda xp, a, b: xp.true_divide(a, b),
    "true_div",
    lambda i, o, gz: [E.true_div(gz, i[1]), E.neg(E.mul(gz, E.true_div(o, i[1])))],
    "/",
)
_register("int_div", 2, lambda xp, a, b: xp.floor_divide(a, b), "upcast", _zero_grads, "//")
_register(
    "mod",
    2,
    lambda xp, a, b: xp.mod(a, b),
    "upcast",
    lambda i, o, gz: [gz, E.neg(E.mul(gz, E.int_div(i[0], i[1])))],
    "%",
)
_register(
    "pow",
    2,
    lambda xp, a, b: xp.power(a, b),
    "min8",
    lambda i, o, gz: [
        E.mul(gz, E.mul(i[1], E.pow(i[0], E.sub(i[1], const_like(1, i[1]))))),
        E.mul(gz, E.mul(o, E.log(i[0]))),
    ],
    "**",
)
_register(
    "maximum",
    2,
    lambda xp, a, b: xp.maximum(a, b),
    "upcast",
    lambda i, o, gz: [E.mul(gz, E.eq(o, i[0])), E.mul(gz, E.eq(o, i[1]))],
)
_register(
    "minimum",
    2,
    lambda xp, a, b: xp.minimum(a, b),
    "upcast",
    lambda i, o, gz: [E.mul(gz, E.eq(o, i[0])), E.mul(gz, E.eq(o, i[1]))],
)
_register("neg", 1, lambda xp, a: xp.negative(a), "nobool", lambda i, o, gz: [E.neg(gz)], "-")
_register("abs", 1, lambda xp, a: xp.abs(a), "upcast", lambda i, o, gz: [E.mul(gz, E.sgn(i[0]))])
_register("sgn", 1, lambda xp, a: xp.sign(a), "nobool", _zero_grads)
_register("exp", 1, lambda xp, a: xp.exp(a), "float", lambda i, o, gz: [E.mul(gz, o)])
_register(
    "expm1",
    1,
    lambda xp, a: xp.expm1(a),
    "float",
    lambda i, o, gz: [E.mul(gz, E.add(o, const_like(1, o)))],
)
_register("log", 1, lambda xp, a: xp.log(a), "float", lambda i, o, gz: [E.true_div(gz, i[0])])
_register(
    "log2",
    1,
    lambda xp, a: xp.log2(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.mul(i[0], const_like(np.log(2.0), o)))],
)
_register(
    "log10",
    1,
    lambda xp, a: xp.log10(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.mul(i[0], const_like(np.log(10.0), o)))],
)
_register(
    "log1p",
    1,
    lambda xp, a: xp.log1p(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.add(i[0], const_like(1, o)))],
)
_register(
    "sqrt",
    1,
    lambda xp, a: xp.sqrt(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.mul(o, const_like(2, o)))],
)
_register(
    "sqr",
    1,
    lambda xp, a: xp.square(a),
    "upcast",
    lambda i, o, gz: [E.mul(gz, E.mul(i[0], const_like(2, i[0])))],
)
_register(
    "tanh",
    1,
    lambda xp, a: xp.tanh(a),
    "float",
    lambda i, o, gz: [E.mul(gz, E.sub(const_like(1, o), E.sqr(o)))],
)
_register("sin", 1, lambda xp, a: xp.sin(a), "float", lambda i, o, gz: [E.mul(gz, E.cos(i[0]))])
_register(
    "cos", 1, lambda xp, a: xp.cos(a), "float", lambda i, o, gz: [E.neg(E.mul(gz, E.sin(i[0])))]
)
_register(
    "tan",
    1,
    lambda xp, a: xp.tan(a),
    "float",
    lambda i, o, gz: [E.mul(gz, E.add(const_like(1, o), E.sqr(o)))],
)
_register("sinh", 1, lambda xp, a: xp.sinh(a), "float", lambda i, o, gz: [E.mul(gz, E.cosh(i[0]))])
_register("cosh", 1, lambda xp, a: xp.cosh(a), "float", lambda i, o, gz: [E.mul(gz, E.sinh(i[0]))])
_register(
    "arcsin",
    1,
    lambda xp, a: xp.arcsin(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.sqrt(E.sub(const_like(1, o), E.sqr(i[0]))))],
)
_register(
    "arccos",
    1,
    lambda xp, a: xp.arccos(a),
    "float",
    lambda i, o, gz: [E.neg(E.true_div(gz, E.sqrt(E.sub(const_like(1, o), E.sqr(i[0])))))],
)
_register(
    "arctan",
    1,
    lambda xp, a: xp.arctan(a),
    "float",
    lambda i, o, gz: [E.true_div(gz, E.add(const_like(1, o), E.sqr(i[0])))],
)
_register(
    "exp2",
    1,
    lambda xp, a: xp.exp2(a),
    "float",
    lambda i, o, gz: [E.mul(gz, E.mul(o, const_like(np.log(2.0), o)))],
)
_register(
    "inv",
    1,
    lambda xp, a: xp.true_divide(1, a),  # integer inputs give floats, as in Theano
    "float",
    lambda i, o, gz: [E.neg(E.mul(gz, E.sqr(o)))],
)
_register("isnan", 1, lambda xp, a: xp.isnan(a), "bool")
_register("isinf", 1, lambda xp, a: xp.isinf(a), "bool")
_register(
    "sigmoid",
    1,
    _sigmoid_impl,
    "float",
    # (gz * s) * (1 - s): this order lets the canonicalizer cancel a preceding gz / s
    lambda i, o, gz: [E.mul(E.mul(gz, o), E.sub(const_like(1, o), o))],
)
_register("softplus", 1, _softplus_impl, "float", lambda i, o, gz: [E.mul(gz, E.sigmoid(i[0]))])
# floor and ceil of integers are floats in Theano 1.0 (int8 -> float32, int32 -> float64)
_register("floor", 1, lambda xp, a: xp.floor(a), "float", _zero_grads)
_register("ceil", 1, lambda xp, a: xp.ceil(a), "float", _zero_grads)
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
        E.switch(i[0], gz, _zeros_like(gz)),
        E.switch(i[0], _zeros_like(gz), gz),
    ],
)
_register(
    "clip",
    3,
    # Theano's order: below min gives min, else above max gives max (np.clip gives max when
    # the bounds cross)
    lambda xp, x, lo, hi: xp.where(x < lo, lo, xp.where(x > hi, hi, x)),
    "upcast",
    lambda i, o, gz: [
        E.mul(gz, E.and_(E.ge(i[0], i[1]), E.le(i[0], i[2]))),
        E.mul(gz, E.lt(i[0], i[1])),
        E.mul(gz, E.and_(E.gt(i[0], i[2]), E.ge(i[0], i[1]))),
    ],
)
