"""Theano's ``theano.tensor.nnet.bn``: batch normalization.

``batch_normalization`` is the elementwise formula with given statistics.
``batch_normalization_train`` / ``_test`` are ops over chosen ``axes`` with closed-form
gradients (Theano's names): ``AbstractBatchNormTrain`` (outputs, batch mean, inverse std, new
running averages), ``AbstractBatchNormTrainGrad`` (its gradient, whose own gradient comes from
differentiating the same formula written with elementwise ops) and
``AbstractBatchNormInference``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...config import config
from ...graph import Apply
from ...op import Op
from ..elemwise import cast, sqrt
from ..shape import addbroadcast
from ..type import FLOAT_DTYPES, as_tensor_variable, upcast
from .basic import formula_grad


def batch_normalization(inputs, gamma, beta, mean, std, mode="low_mem"):
    """``(inputs - mean) / std * gamma + beta``, all broadcastable against ``inputs``
    (``mode`` 'low_mem' or 'high_mem': Theano's two implementations, the same numbers here).

    >>> m, s = x.mean(0, keepdims=True), x.std(0, keepdims=True)
    >>> out = batch_normalization(x, gamma, beta, m, s)
    """
    if mode not in ("low_mem", "high_mem"):
        raise ValueError(
            f"batch_normalization: mode must be 'low_mem' or 'high_mem', got {mode!r}"
        )
    inputs, gamma, beta, mean, std = (
        as_tensor_variable(v) for v in (inputs, gamma, beta, mean, std)
    )
    return (inputs - mean) * (gamma / std) + beta


def _axes(axes, ndim):
    """Theano's ``axes``: 'per-activation' (0,), 'spatial' (0, 2, 3, ...), or ints; and the
    others."""
    if axes == "per-activation":
        axes = (0,)
    elif axes == "spatial":
        axes = (0,) + tuple(range(2, ndim))
    elif isinstance(axes, (tuple, list, np.ndarray)):
        axes = tuple(sorted(int(a) for a in axes))
    else:
        raise ValueError(f"batch normalization: invalid axes {axes!r}")
    if not axes or min(axes) < 0 or max(axes) >= ndim:
        raise ValueError(f"batch normalization: axes {axes} for a {ndim}-d input")
    return axes, tuple(i for i in range(ndim) if i not in axes)


def _as_params(params, axes, kept, ndim, what):
    """Parameters shaped like ``gamma``: full rank with size-1 ``axes`` (made broadcastable),
    or with those axes left out (inserted back)."""
    params = [as_tensor_variable(p) for p in params]
    full = params[0].ndim == ndim
    for p in params:
        if p.ndim != (ndim if full else len(kept)):
            raise ValueError(
                f"batch normalization: {what} must have {len(kept)} dims (the axes not "
                f"normalized) or {ndim} (like the inputs), got {p.type}"
            )
    if full:
        return [addbroadcast(p, *axes) for p in params], full
    pattern = ["x"] * ndim
    for i, axis in enumerate(kept):
        pattern[axis] = i
    return [p.dimshuffle(*pattern) for p in params], full


def _epsilon(epsilon):
    if np.asarray(epsilon, dtype=config.floatX) < 1e-5:
        raise ValueError(f"batch normalization: epsilon must be at least 1e-5, got {epsilon}")
    return epsilon


def batch_normalization_train(
    inputs,
    gamma,
    beta,
    axes="per-activation",
    epsilon=1e-4,
    running_average_factor=0.1,
    running_mean=None,
    running_var=None,
):
    """Normalize ``inputs`` with its own mean and variance over ``axes``; returns ``(out, mean,
    invstd)`` and, when ``running_mean`` and ``running_var`` are given, their new values
    ``running * (1 - factor) + batch * factor`` (the variance made unbiased: ``m / (m - 1)``).

    ``gamma``, ``beta`` (and the statistics returned) have the inputs' dims with size 1 on
    ``axes``, or leave those axes out.

    >>> out, mean, invstd = batch_normalization_train(x, gamma, beta, axes='spatial')
    """
    inputs = as_tensor_variable(inputs)
    axes, kept = _axes(axes, inputs.ndim)
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_normalization_train: give both running_mean and running_var")
    running = () if running_mean is None else (running_mean, running_var)
    params, full = _as_params((gamma, beta) + running, axes, kept, inputs.ndim, "gamma, beta")
    op = AbstractBatchNormTrain(axes)
    results = op(inputs, *params[:2], _epsilon(epsilon), running_average_factor, *params[2:])
    if full:
        return tuple(results)
    return (results[0],) + tuple(r.dimshuffle(*kept) for r in results[1:])


def batch_normalization_test(inputs, gamma, beta, mean, var, axes="per-activation", epsilon=1e-4):
    """Normalize ``inputs`` with given statistics (usually running averages):
    ``(inputs - mean) * gamma / sqrt(var + epsilon) + beta``; parameters shaped as in
    ``batch_normalization_train``."""
    inputs = as_tensor_variable(inputs)
    axes, kept = _axes(axes, inputs.ndim)
    params, _ = _as_params((gamma, beta, mean, var), axes, kept, inputs.ndim, "the parameters")
    return AbstractBatchNormInference(axes)(inputs, *params, _epsilon(epsilon))


def _common(tensors, scalars, what):
    """The tensors cast to their common float dtype, and the scalars as tensors."""
    tensors = [as_tensor_variable(t) for t in tensors]
    dtype = upcast(*(t.dtype for t in tensors))
    if dtype not in FLOAT_DTYPES:
        raise TypeError(f"{what}: expects float tensors, got {[str(t.type) for t in tensors]}")
    ndims = {t.ndim for t in tensors}
    if len(ndims) != 1:
        raise TypeError(
            f"{what}: all tensors need the same dims, got {[str(t.type) for t in tensors]}"
        )
    return [cast(t, dtype) for t in tensors] + [as_tensor_variable(s) for s in scalars]


@dataclass(frozen=True)
class AbstractBatchNormTrain(Op):
    """``(x, gamma, beta, epsilon, factor[, running_mean, running_var])`` -> ``(out, mean,
    invstd[, new running mean, new running var])``, statistics over ``axes``."""

    axes: tuple = (0,)

    def make_node(self, x, gamma, beta, epsilon=1e-4, factor=0.1, *running) -> Apply:
        x, gamma, beta, *rest = _common(
            (x, gamma, beta) + tuple(running), (epsilon, factor), "batch_normalization_train"
        )
        running, (epsilon, factor) = rest[:-2], rest[-2:]
        outputs = [x.type(), gamma.type(), gamma.type()] + [r.type() for r in running]
        return Apply(self, [x, gamma, beta, epsilon, factor] + running, outputs)

    def perform(self, xp, x, gamma, beta, epsilon, factor, *running):
        mean = x.mean(axis=self.axes, keepdims=True)
        var = x.var(axis=self.axes, keepdims=True)
        invstd = 1 / xp.sqrt(var + float(epsilon))
        out = (x - mean) * (gamma * invstd) + beta
        if not running:
            return out, mean, invstd
        factor = float(factor)
        m = x.size / mean.size
        new_mean = running[0] * (1 - factor) + mean * factor
        new_var = running[1] * (1 - factor) + var * (m / (m - 1) * factor)
        return out, mean, invstd, new_mean.astype(x.dtype), new_var.astype(x.dtype)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]] + [input_shapes[1]] * (len(node.outputs) - 1)

    def grad(self, inputs, outputs, output_grads):
        from ...gradient import _is_zero

        x, gamma = inputs[:2]
        mean, invstd = outputs[1:3]
        gz, gmean, ginvstd, *grunning = output_grads
        if any(not _is_zero(g) for g in grunning):
            raise NotImplementedError(
                "batch_normalization_train: no gradient through the new running averages "
                "(they are meant for updates)"
            )
        gx, ggamma, gbeta = AbstractBatchNormTrainGrad(self.axes)(x, gz, gamma, mean, invstd)
        # mean = sum(x) / m and invstd = (var + eps) ** -0.5 with var = sum((x - mean)**2) / m
        m = cast(_prod([x.shape[a] for a in self.axes]), x.dtype)
        if not _is_zero(gmean):
            gx = gx + gmean / m
        if not _is_zero(ginvstd):
            gx = gx - ginvstd * invstd**3 * (x - mean) / m
        return [gx, ggamma, gbeta] + [None] * (len(inputs) - 3)


def _prod(values):
    result = values[0]
    for v in values[1:]:
        result = result * v
    return result


@dataclass(frozen=True)
class AbstractBatchNormTrainGrad(Op):
    """``(x, gz, gamma, mean, invstd)`` -> gradients of ``AbstractBatchNormTrain``'s output with
    respect to ``x``, ``gamma`` and ``beta``.

    With ``xhat = (x - mean) * invstd`` and means over ``axes``:
    ``gx = gamma * invstd * (gz - mean(gz) - xhat * mean(gz * xhat))``,
    ``ggamma = sum(gz * xhat)``, ``gbeta = sum(gz)``.
    """

    axes: tuple = (0,)

    def make_node(self, x, gz, gamma, mean, invstd) -> Apply:
        x, gz, gamma, mean, invstd = _common((x, gz, gamma, mean, invstd), (), "batch norm grad")
        return Apply(self, [x, gz, gamma, mean, invstd], [x.type(), gamma.type(), gamma.type()])

    def perform(self, xp, x, gz, gamma, mean, invstd):
        axes = self.axes
        xhat = (x - mean) * invstd
        gz_xhat = gz * xhat
        gx = gz - gz.mean(axis=axes, keepdims=True)
        gx -= xhat * gz_xhat.mean(axis=axes, keepdims=True)
        gx *= gamma * invstd
        return gx, gz_xhat.sum(axis=axes, keepdims=True), gz.sum(axis=axes, keepdims=True)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0], input_shapes[2], input_shapes[2]]

    def grad(self, inputs, outputs, output_grads):
        # differentiate the same formulas written with elementwise ops (second derivatives)
        axes = self.axes

        def formula(x, gz, gamma, mean, invstd):
            xhat = (x - mean) * invstd
            gz_xhat = gz * xhat
            gx = gz - gz.mean(axis=axes, keepdims=True)
            gx = gamma * invstd * (gx - xhat * gz_xhat.mean(axis=axes, keepdims=True))
            return [gx, gz_xhat.sum(axis=axes, keepdims=True), gz.sum(axis=axes, keepdims=True)]

        return formula_grad(formula, inputs, output_grads)


@dataclass(frozen=True)
class AbstractBatchNormInference(Op):
    """``(x, gamma, beta, mean, var, epsilon)`` -> ``(x - mean) * gamma / sqrt(var + epsilon)
    + beta`` with given statistics."""

    axes: tuple = (0,)

    def make_node(self, x, gamma, beta, mean, var, epsilon=1e-4) -> Apply:
        tensors = _common((x, gamma, beta, mean, var), (epsilon,), "batch_normalization_test")
        return Apply(self, tensors, [tensors[0].type()])

    def perform(self, xp, x, gamma, beta, mean, var, epsilon):
        return (x - mean) * (gamma / xp.sqrt(var + float(epsilon))) + beta

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        x, gamma, beta, mean, var, epsilon = inputs
        (gz,), axes = output_grads, self.axes
        std = sqrt(var + cast(epsilon, var.dtype))
        gz_sum = gz.sum(axis=axes, keepdims=True)
        gz_xc = (gz * (x - mean)).sum(axis=axes, keepdims=True)
        gx = gz * (gamma / std)
        ggamma = gz_xc / std
        gmean = -gz_sum * (gamma / std)
        gvar = -gz_xc * gamma / (2 * (var + cast(epsilon, var.dtype)) * std)
        return [gx, ggamma, gz_sum, gmean, gvar, None]
