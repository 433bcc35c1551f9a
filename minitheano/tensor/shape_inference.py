"""Symbolic shapes from the ops' ``infer_shape``: the shape of a variable without computing it."""

from __future__ import annotations

from .shape import shape


def symbolic_shape(var, memo=None) -> tuple:
    """A tuple of ints and symbolic int scalars equal to ``var``'s shape at run time.

    Built from ``infer_shape`` of the nodes on the way, so it does not need ``var``'s value,
    only its inputs' shapes (and, for some ops, small index inputs).
    """
    memo = {} if memo is None else memo
    # iterative, not recursive: the graphs of unrolled loops are deeper than the recursion limit
    stack = [(var, False)]
    while stack:
        v, inputs_done = stack.pop()
        if id(v) in memo:
            continue
        node = v.owner
        if node is None:
            memo[id(v)] = tuple(1 if b else shape(v)[i] for i, b in enumerate(v.broadcastable))
        elif inputs_done:
            shapes = node.op.infer_shape(node, [memo[id(i)] for i in node.inputs])
            for out, out_shape in zip(node.outputs, shapes):
                memo[id(out)] = tuple(out_shape)
        else:
            stack.append((v, True))
            stack.extend((i, False) for i in node.inputs if id(i) not in memo)
    return memo[id(var)]
