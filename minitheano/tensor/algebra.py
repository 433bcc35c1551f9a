"""Theano's algebraic simplifications, as canonicalization rules (``tensor/rewrites.py`` runs
them): products with zero, powers with a constant exponent, ``x * x``, and broadcasts
(``Alloc``) that an elementwise operation would do anyway.
"""

from __future__ import annotations

import numpy as np

from ..graph import Constant
from .basic import Alloc, alloc
from .elemwise import Elemwise, cast, inv, sqr, sqrt
from .shape import DimShuffle
from .shape_inference import symbolic_shape
from .type import constant


def _elemwise_is(node, scalar_op) -> bool:
    return isinstance(node.op, Elemwise) and node.op.scalar_op == scalar_op


def constant_scalar(var):
    """The value of a constant whose elements are all equal (through dimshuffles), or None."""
    if isinstance(var, Constant):
        data = np.asarray(var.data)
        if data.size and np.all(data == data.flat[0]):
            return data.flat[0]
    if var.owner is not None and isinstance(var.owner.op, DimShuffle):
        return constant_scalar(var.owner.inputs[0])
    return None


def _as_output(new, out):
    """``new`` converted to ``out``'s type, or None when its broadcast pattern differs."""
    if new.dtype != out.dtype:
        new = cast(new, out.dtype)
    return [new] if new.type == out.type else None


def multiply_by_zero(fgraph, node):
    """``x * 0`` -> zeros of the product's shape, computed from the inputs' shapes.

    As in Theano (``local_mul_zero``), ``nan * 0`` and ``inf * 0`` then give 0: this is what
    lets ``cost + 0.0 * L1`` skip computing ``L1``.
    """
    if not _elemwise_is(node, "mul"):
        return None
    if not any(constant_scalar(i) == 0 for i in node.inputs):
        return None
    out = node.outputs[0]
    zero = constant(np.zeros((), dtype=out.dtype))
    if out.ndim == 0:
        return [zero]
    try:
        dims = symbolic_shape(out)
    except NotImplementedError:
        return None
    return _as_output(alloc(zero, *dims), out)


def simplify_pow(fgraph, node):
    """``x ** 1`` -> ``x``, ``x ** 2`` -> ``sqr(x)``, ``x ** 0.5`` -> ``sqrt(x)``, ``x ** -1``
    -> ``inv(x)``: one cheap ufunc instead of ``power`` (and the exact result)."""
    if not _elemwise_is(node, "pow"):
        return None
    base, exponent = node.inputs
    e = constant_scalar(exponent)
    if e is None:
        return None
    simpler = {1: lambda x: x, 2: sqr, 0.5: sqrt, -1: inv}.get(float(e))
    if simpler is None:
        return None
    if float(e) in (0.5, -1) and base.dtype != node.outputs[0].dtype:
        base = cast(base, node.outputs[0].dtype)  # sqrt and inv of an int are floats
    return _as_output(simpler(base), node.outputs[0])


def square_of_product(fgraph, node):
    """``x * x`` -> ``sqr(x)``."""
    if _elemwise_is(node, "mul") and node.inputs[0] is node.inputs[1]:
        return _as_output(sqr(node.inputs[0]), node.outputs[0])
    return None


def remove_alloc_in_elemwise(fgraph, node):
    """``f(Alloc(v, *shape), y)`` -> ``f(v, y)`` when ``v`` is a broadcastable value (a scalar,
    say) and the other inputs fix the output's shape: the elementwise op broadcasts ``v``
    itself, without a full-size array (gradients of ``sum`` are such allocs)."""
    if not isinstance(node.op, Elemwise) or len(node.inputs) < 2:
        return None
    out = node.outputs[0]
    for k, inp in enumerate(node.inputs):
        if inp.owner is None or not isinstance(inp.owner.op, Alloc):
            continue
        value = inp.owner.inputs[0]
        if not all(value.broadcastable):
            continue
        others = node.inputs[:k] + node.inputs[k + 1 :]
        fixed = all(
            b or any(o.ndim == out.ndim and not o.broadcastable[a] for o in others)
            for a, b in enumerate(out.broadcastable)
        )
        if fixed:
            inputs = list(node.inputs)
            inputs[k] = value
            return _as_output(node.op.make_node(*inputs).outputs[0], out)
    return None


RULES = (multiply_by_zero, simplify_pow, square_of_product, remove_alloc_in_elemwise)
