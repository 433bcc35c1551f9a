"""Symbolic shapes from the ops' ``infer_shape``: the shape of a variable without computing it."""

from __future__ import annotations

from .shape import shape


def symbolic_shape(var, memo=None) -> tuple:
    """A tuple of ints and symbolic int scalars equal to ``var``'s shape at run time.

    Built from ``infer_shape`` of the nodes on the way, so it does not need ``var``'s value,
    only its inputs' shapes (and, for some ops, small index inputs).
    """
    memo = {} if memo is None else memo
    key = id(var)
    if key in memo:
        return memo[key]
    node = var.owner
    if node is None:
        result = tuple(1 if b else shape(var)[i] for i, b in enumerate(var.broadcastable))
    else:
        input_shapes = [symbolic_shape(i, memo) for i in node.inputs]
        result = tuple(node.op.infer_shape(node, input_shapes)[var.index])
    memo[key] = result
    return result
