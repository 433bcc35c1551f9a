"""The rewrite rules for tensor graphs, and the ordered pipelines that ``function`` runs.

Order matters: merging first lets later rules see shared subexpressions; canonical forms come
before stabilization patterns; constant folding and elementwise fusion come last.
"""

from __future__ import annotations

import numpy as np

from ..compile.rewrite import Pass, merge
from ..graph import Constant
from . import algebra
from .algebra import constant_scalar
from .elemwise import Elemwise, mul, neg, true_div
from .shape import DimShuffle, MakeVector, Reshape, Shape
from .shape_inference import symbolic_shape
from .subtensor import Subtensor
from .type import constant
from .variable import TensorConstant

# --- helpers -----------------------------------------------------------------------------------


def _op_is(var, op_type, scalar_op=None):
    node = var.owner
    if node is None or not isinstance(node.op, op_type):
        return False
    return scalar_op is None or getattr(node.op, "scalar_op", None) == scalar_op


def _same_type_or_none(new, old):
    return [new] if new.type == old.type else None


# --- canonicalization --------------------------------------------------------------------------


def remove_neutral_elements(fgraph, node):
    """``x * 1``, ``1 * x``, ``x + 0``, ``0 + x``, ``x - 0``, ``x / 1`` -> ``x``."""
    op = node.op
    if not isinstance(op, Elemwise) or op.scalar_op not in ("mul", "add", "sub", "true_div"):
        return None
    a, b = node.inputs
    out = node.outputs[0]
    neutral = 1 if op.scalar_op in ("mul", "true_div") else 0
    if constant_scalar(b) == neutral and b.dtype != "bool":
        return _same_type_or_none(a, out)
    if op.scalar_op in ("mul", "add") and constant_scalar(a) == neutral and a.dtype != "bool":
        return _same_type_or_none(b, out)
    return None


def remove_double_negation(fgraph, node):
    """``-(-x)`` -> ``x``."""
    if _op_is(node.outputs[0], Elemwise, "neg") and _op_is(node.inputs[0], Elemwise, "neg"):
        return _same_type_or_none(node.inputs[0].owner.inputs[0], node.outputs[0])
    return None


def remove_useless_cast(fgraph, node):
    """A cast to the dtype the input already has, or a cast of a cast that loses nothing."""
    op = node.op
    if not isinstance(op, Elemwise) or op.scalar_op != "cast":
        return None
    x = node.inputs[0]
    if x.dtype == op.dtype:
        return _same_type_or_none(x, node.outputs[0])
    return None


def fold_dimshuffles(fgraph, node):
    """``dimshuffle(dimshuffle(x))`` -> one dimshuffle; the identity dimshuffle -> ``x``."""
    if not isinstance(node.op, DimShuffle):
        return None
    x = node.inputs[0]
    order = node.op.new_order
    if order == tuple(range(x.ndim)):
        return _same_type_or_none(x, node.outputs[0])
    if _op_is(x, DimShuffle):
        inner = x.owner.op
        composed = tuple("x" if a == "x" else inner.new_order[a] for a in order)
        base = x.owner.inputs[0]
        new = (
            DimShuffle(base.broadcastable, composed)(base)
            if composed != tuple(range(base.ndim))
            else base
        )
        return _same_type_or_none(new, node.outputs[0])
    return None


def remove_full_slices(fgraph, node):
    """``x[:]``, ``x[:, :]``, ``x[...]`` -> ``x``."""
    if isinstance(node.op, Subtensor) and all(
        e == ("slice", None, None, None) for e in node.op.idx_list
    ):
        return _same_type_or_none(node.inputs[0], node.outputs[0])
    return None


def fold_reshapes(fgraph, node):
    """``reshape(reshape(x, s1), s2)`` -> ``reshape(x, s2)``."""
    if isinstance(node.op, Reshape) and _op_is(node.inputs[0], Reshape):
        inner_x = node.inputs[0].owner.inputs[0]
        new = (
            Reshape(node.op.ndim)
            .make_node(inner_x, node.inputs[1], node.outputs[0].broadcastable)
            .outputs[0]
        )
        return _same_type_or_none(new, node.outputs[0])
    return None


def _mul_terms(var, fgraph, num, den, sign, depth=0):
    """Split a tree of mul, true_div and neg into numerator and denominator factors.

    Inner nodes are only opened when nothing else uses them; returns the sign (+1 or -1).
    """
    node = var.owner
    opened = depth == 0 or fgraph.client_count(var) == 1
    if depth < 8 and opened and node is not None and isinstance(node.op, Elemwise):
        kind = node.op.scalar_op
        if kind == "neg":
            return _mul_terms(node.inputs[0], fgraph, num, den, -sign, depth + 1)
        if kind in ("mul", "true_div"):
            a, b = node.inputs
            sign = _mul_terms(a, fgraph, num, den, sign, depth + 1)
            if kind == "mul":
                return _mul_terms(b, fgraph, num, den, sign, depth + 1)
            return _mul_terms(b, fgraph, den, num, sign, depth + 1)
    num.append(var)
    return sign


def cancel_division(fgraph, node):
    """``(a / s) * s * c`` -> ``a * c``: cancel a factor that is both multiplied and divided.

    This is what keeps the gradients of ``log(sigmoid(x))`` and ``log(1 - sigmoid(x))`` finite
    where the sigmoid saturates.
    """
    if not isinstance(node.op, Elemwise) or node.op.scalar_op != "mul":
        return None
    num, den = [], []
    sign = _mul_terms(node.outputs[0], fgraph, num, den, 1)
    common = [v for v in den if any(v is n for n in num)]
    if not common:
        return None
    for v in common:
        den.remove(v)
        num.remove(next(n for n in num if n is v))

    result = num[0] if num else constant(np.asarray(1, dtype=node.outputs[0].dtype))
    for v in num[1:]:
        result = mul(result, v)
    for v in den:
        result = true_div(result, v)
    if sign < 0:
        result = neg(result)
    return _same_type_or_none(result, node.outputs[0])


def shape_from_inputs(fgraph, node):
    """``Shape(f(x))`` -> the shape inferred from ``x``: no need to compute ``f(x)`` for it."""

    if not isinstance(node.op, Shape) or node.inputs[0].owner is None:
        return None
    try:
        dims = symbolic_shape(node.inputs[0])
    except NotImplementedError:
        return None
    if not dims:
        return None
    same = _whole_shape_of(dims)
    if same is not None:  # the shape is exactly some input's shape: Shape(exp(x)) -> Shape(x)
        return [Shape()(same)]
    return [MakeVector("int64")(*dims)]


def _whole_shape_of(dims):
    """``y`` when ``dims`` are ``Shape(y)[0], Shape(y)[1], ...`` in order, else None."""

    sources = set()
    for axis, d in enumerate(dims):
        node = getattr(d, "owner", None)
        if (
            node is None
            or not isinstance(node.op, Subtensor)
            or node.op.idx_list != (("int", axis),)
            or not _op_is(node.inputs[0], Shape)
        ):
            return None
        sources.add(node.inputs[0].owner.inputs[0])
    if len(sources) != 1:
        return None
    (source,) = sources
    return source if source.ndim == len(dims) else None


def index_make_vector(fgraph, node):
    """``MakeVector(a, b, c)[1]`` -> ``b``."""

    if not isinstance(node.op, Subtensor) or len(node.op.idx_list) != 1:
        return None
    (entry,) = node.op.idx_list
    vec = node.inputs[0]
    if entry[0] != "int" or entry[1] == "?" or not _op_is(vec, MakeVector):
        return None
    return _same_type_or_none(vec.owner.inputs[entry[1]], node.outputs[0])


# --- constant folding ------------------------------------------------------------------------


def constant_fold(fgraph, node):
    """Compute at compile time a node whose inputs are all constants."""
    if not node.op.constant_foldable or not all(isinstance(i, Constant) for i in node.inputs):
        return None
    if len(node.outputs) != 1:
        return None
    out = node.outputs[0]
    value = node.op.make_thunk(node, np)(*[np.asarray(i.data) for i in node.inputs])
    value = np.asarray(value, dtype=out.dtype)
    if value.size > 1_000_000:
        return None

    return [TensorConstant(out.type, value)]


# constant folding comes first, so that rules see folded constants (the exponent of
# pow(x, 2 - 1) in the gradient of x ** 2 is then 1)
CANONICALIZE = (
    constant_fold,
    remove_neutral_elements,
    remove_double_negation,
    remove_useless_cast,
    fold_dimshuffles,
    remove_full_slices,
    fold_reshapes,
    cancel_division,
    shape_from_inputs,
    index_make_vector,
    *algebra.RULES,
)


def _stabilize_rules():
    from .nnet.rewrites import STABILIZE

    return STABILIZE


def _fuse(fgraph, report):
    from .fused_sum import fuse_sum_of_elemwise
    from .fusion import fuse_elemwise

    fuse_elemwise(fgraph, report)
    fuse_sum_of_elemwise(fgraph, report)


FAST_COMPILE_PASSES = (Pass("merge", run=merge),)
FAST_RUN_PASSES = (
    Pass("merge", run=merge),
    Pass("canonicalize", CANONICALIZE),
    Pass("merge", run=merge),
    Pass("stabilize", _stabilize_rules()),
    Pass("constant_fold", (constant_fold,)),
    Pass("merge", run=merge),
    Pass("fuse", run=_fuse),
)
