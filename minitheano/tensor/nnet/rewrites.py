"""Stabilization rewrites for nnet expressions: log-softmax and log-sigmoid forms."""

from __future__ import annotations

from ..elemwise import Elemwise, neg, softplus
from .basic import LogSoftmax, Softmax, SoftmaxGrad


def _is(var, op_type, scalar_op=None):
    node = var.owner
    return (
        node is not None
        and isinstance(node.op, op_type)
        and (scalar_op is None or node.op.scalar_op == scalar_op)
    )


def _constant_one(var):
    from ..algebra import constant_scalar

    return constant_scalar(var) == 1


def log_softmax_to_logsoftmax(fgraph, node):
    """``log(softmax(x))`` -> ``logsoftmax(x)``: finite where the softmax underflows to 0."""
    if _is(node.outputs[0], Elemwise, "log") and _is(node.inputs[0], Softmax):
        return [LogSoftmax()(node.inputs[0].owner.inputs[0])]
    return None


def softmax_grad_of_log(fgraph, node):
    """``SoftmaxGrad(g / sm, sm)`` with ``sm = softmax(x)`` -> ``g - sum(g, 1) * sm``.

    That is the gradient of ``log(softmax(x))`` without the division by an underflowed sm.
    """
    if not isinstance(node.op, SoftmaxGrad):
        return None
    dy, sm = node.inputs
    if _is(dy, Elemwise, "true_div") and dy.owner.inputs[1] is sm and _is(sm, Softmax):
        g = dy.owner.inputs[0]
        if g.type != sm.type:
            return None
        return [g - g.sum(axis=1, keepdims=True) * sm]
    return None


def log_sigmoid_to_softplus(fgraph, node):
    """``log(sigmoid(x))`` -> ``-softplus(-x)``; ``log(1 - sigmoid(x))`` -> ``-softplus(x)``."""
    if not _is(node.outputs[0], Elemwise, "log"):
        return None
    arg = node.inputs[0]
    if _is(arg, Elemwise, "sigmoid"):
        x = arg.owner.inputs[0]
        return [neg(softplus(neg(x)))]
    if (
        _is(arg, Elemwise, "sub")
        and _constant_one(arg.owner.inputs[0])
        and _is(arg.owner.inputs[1], Elemwise, "sigmoid")
    ):
        x = arg.owner.inputs[1].owner.inputs[0]
        out = neg(softplus(x))
        return [out] if out.type == node.outputs[0].type else None
    return None


STABILIZE = (log_softmax_to_logsoftmax, softmax_grad_of_log, log_sigmoid_to_softplus)
