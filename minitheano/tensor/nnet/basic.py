"""Neural-network functions: softmax, log-softmax, the cross-entropies, hierarchical softmax."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...graph import Apply, Variable, toposort
from ...op import Op
from ..basic import arange
from ..elemwise import exp, gt, log, sigmoid, softplus, switch
from ..linalg import batched_dot, dot, tensordot
from ..type import DISCRETE_DTYPES, FLOAT_DTYPES, as_tensor_variable


def _as_matrix(x, what):
    x = as_tensor_variable(x)
    if x.ndim == 1:  # Theano: a vector is treated as one row
        x = x.dimshuffle("x", 0)
    if x.ndim != 2:
        raise TypeError(f"{what}: expects a matrix (or a vector), got {x.type}")
    if x.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{what}: expects floats, got {x.type}")
    return x


@dataclass(frozen=True)
class Softmax(Op):
    """Row-wise softmax of a matrix, computed as exp(x - max) / sum."""

    def make_node(self, x) -> Apply:
        x = _as_matrix(x, "softmax")
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        e = xp.exp(x - x.max(axis=1, keepdims=True))
        e /= e.sum(axis=1, keepdims=True)
        return e

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        return [SoftmaxGrad()(output_grads[0], outputs[0])]


@dataclass(frozen=True)
class SoftmaxGrad(Op):
    """Gradient of softmax: ``(dy - sum(dy * sm, axis=1)) * sm``."""

    def make_node(self, dy, sm) -> Apply:
        dy, sm = as_tensor_variable(dy), as_tensor_variable(sm)
        return Apply(self, [dy, sm], [sm.type()])

    def perform(self, xp, dy, sm):
        dx = dy * sm
        dx -= dx.sum(axis=1, keepdims=True) * sm
        return dx

    def infer_shape(self, node, input_shapes):
        return [input_shapes[1]]

    def grad(self, inputs, outputs, output_grads):
        # differentiate the same formula written with elementwise ops (gives 2nd derivatives)
        def formula(dy, sm):
            return [(dy - (dy * sm).sum(axis=1, keepdims=True)) * sm]

        return formula_grad(formula, inputs, output_grads)


def formula_grad(formula, inputs, output_grads):
    """For an op's ``grad``: the partial derivatives of ``formula(*inputs)`` (the op's outputs
    written with elementwise ops and reductions), given its output gradients.

    The formula is differentiated on stand-ins of the inputs, then the inputs are put back: the
    real inputs may depend on one another (a softmax's gradient on the softmax, statistics on
    the data), and the output gradients on the op's outputs, yet neither may be followed here.
    """
    from ...gradient import grad

    standins = [v.type() for v in inputs]
    given = [g for g in output_grads if g is not None]
    outs = formula(*standins)
    cost = sum((o * g).sum() for o, g in zip(outs, output_grads) if g is not None)
    grads = grad(cost, standins, disconnected_inputs="ignore")
    memo = {id(s): v for s, v in zip(standins, inputs)}
    for node in toposort(grads, blockers=given):
        new_inputs = [memo.get(id(i), i) for i in node.inputs]
        if any(a is not b for a, b in zip(new_inputs, node.inputs)):
            for old, new in zip(node.outputs, node.op.make_node(*new_inputs).outputs):
                memo[id(old)] = new
    return [memo.get(id(g), g) for g in grads]


@dataclass(frozen=True)
class LogSoftmax(Op):
    """Row-wise log-softmax: ``x - max - log(sum(exp(x - max)))``, finite where softmax is 0."""

    def make_node(self, x) -> Apply:
        x = _as_matrix(x, "logsoftmax")
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        shifted = x - x.max(axis=1, keepdims=True)
        shifted -= xp.log(xp.exp(shifted).sum(axis=1, keepdims=True))
        return shifted

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        (gz,), (out,) = output_grads, outputs
        return [gz - gz.sum(axis=1, keepdims=True) * exp(out)]


def softmax(x, axis=None):
    """Row-wise softmax; a vector ``x`` gives a ``(1, n)`` matrix, as in Theano."""
    return Softmax()(x)


def logsoftmax(x, axis=None):
    """Row-wise log of the softmax, computed stably."""
    return LogSoftmax()(x)


log_softmax = logsoftmax


def categorical_crossentropy(coding_dist, true_dist):
    """Cross-entropy per row: ``-log(coding_dist[i, true_dist[i]])`` for integer labels, or
    ``-sum(true_dist * log(coding_dist), axis=1)`` for a matrix of target distributions."""
    coding_dist, true_dist = as_tensor_variable(coding_dist), as_tensor_variable(true_dist)
    if true_dist.ndim == coding_dist.ndim:
        return -(true_dist * log(coding_dist)).sum(axis=coding_dist.ndim - 1)
    if true_dist.ndim == coding_dist.ndim - 1 and true_dist.dtype in DISCRETE_DTYPES:
        from ..basic import arange

        rows = arange(coding_dist.shape[0])
        return -log(coding_dist[rows, true_dist])
    raise TypeError(
        f"categorical_crossentropy: true_dist must be integer labels (ndim "
        f"{coding_dist.ndim - 1}) or a distribution (ndim {coding_dist.ndim}); got "
        f"{true_dist.type} for coding_dist {coding_dist.type}"
    )


def binary_crossentropy(output, target):
    """Elementwise ``-(target * log(output) + (1 - target) * log(1 - output))``."""
    output, target = as_tensor_variable(output), as_tensor_variable(target)
    return -(target * log(output) + (1 - target) * log(1 - output))


def sigmoid_binary_crossentropy(logits, target):
    """``binary_crossentropy(sigmoid(logits), target)`` computed stably from the logits."""
    logits, target = as_tensor_variable(logits), as_tensor_variable(target)
    return target * softplus(-logits) + (1 - target) * softplus(logits)


def relu(x, alpha=0):
    """Rectified linear unit, ``max(x, 0)``; leaky with slope ``alpha`` below 0, a number or a
    tensor broadcast against ``x`` (a learned slope per unit, say).

    >>> y = relu(x, alpha=T.vector())
    """
    from ..elemwise import relu as relu_

    if isinstance(alpha, Variable) or np.ndim(alpha) > 0:
        x, alpha = as_tensor_variable(x), as_tensor_variable(alpha)
        return switch(gt(x, 0), x, x * alpha)
    return relu_(x, alpha)


def h_softmax(
    x, batch_size, n_outputs, n_classes, n_outputs_per_class, W1, b1, W2, b2, target=None
):
    """Two-level hierarchical softmax (Theano's ``nnet.h_softmax``): the ``n_outputs`` outputs
    are grouped in ``n_classes`` classes of ``n_outputs_per_class`` consecutive outputs;
    ``p(output) = p(class) * p(output | class)``.

    ``x`` is ``(batch_size, n_in)``; ``W1``/``b1`` (``(n_in, n_classes)``/``(n_classes,)``)
    score the classes, ``W2``/``b2`` (``(n_classes, n_in, n_outputs_per_class)``/``(n_classes,
    n_outputs_per_class)``) the outputs within each class. Without ``target`` returns all the
    probabilities, ``(batch_size, n_outputs)``; with integer ``target`` (``(batch_size,)`` or
    ``(batch_size, 1)``) only the targets', ``(batch_size,)``, computing one class's outputs
    per row.

    >>> probs = h_softmax(x, 32, 100, 10, 10, W1, b1, W2, b2, target=y)
    """
    x = as_tensor_variable(x)
    class_probs = softmax(dot(x, W1) + b1)
    if target is None:
        activations = tensordot(x, W2, (1, 1)) + b2  # (batch, n_classes, n_outputs_per_class)
        probs = softmax(activations.reshape((-1, n_outputs_per_class)))
        probs = class_probs.dimshuffle(0, 1, "x") * probs.reshape((batch_size, n_classes, -1))
        return probs.reshape((batch_size, -1))[:, :n_outputs]
    target = as_tensor_variable(target).flatten()
    classes, within = target // n_outputs_per_class, target % n_outputs_per_class
    W2, b2 = as_tensor_variable(W2), as_tensor_variable(b2)
    probs = softmax(batched_dot(x, W2[classes]) + b2[classes])
    rows = arange(batch_size)
    return class_probs[rows, classes] * probs[rows, within]


def ultra_fast_sigmoid(x):
    """Theano's fast sigmoid approximation; here the exact sigmoid (NumPy's is fast enough)."""
    return sigmoid(x)


def hard_sigmoid(x):
    """Theano's piecewise-linear sigmoid: ``clip(0.2 * x + 0.5, 0, 1)``, in x's float dtype."""
    from ..elemwise import clip, const_like
    from ..type import upcast_to_float

    x = as_tensor_variable(x)
    dtype = upcast_to_float(x.dtype)
    out = x * _const(0.2, dtype) + _const(0.5, dtype)
    return clip(out, const_like(0, out), const_like(1, out))


def softsign(x):
    """``x / (1 + |x|)``."""
    from ..elemwise import abs_

    x = as_tensor_variable(x)
    return x / (1 + abs_(x))


def elu(x, alpha=1):
    """Exponential linear unit: ``x`` above 0, ``alpha * (exp(x) - 1)`` below."""
    from ..elemwise import expm1, gt, switch

    x = as_tensor_variable(x)
    return switch(gt(x, 0), x, alpha * expm1(x))


# the self-normalizing constants of Klambauer et al. (2017), as in Theano
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(x):
    """Scaled exponential linear unit: ``SELU_SCALE * elu(x, SELU_ALPHA)``."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def _const(value, dtype):
    from ..type import constant

    return constant(np.asarray(value, dtype=dtype))
