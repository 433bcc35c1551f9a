"""``jacobian`` and ``hessian``: one gradient per row, computed by a ``scan``."""

from __future__ import annotations

from ..gradient import grad
from ..tensor.basic import arange
from ..tensor.type import as_tensor_variable
from .builder import scan


def _as_list(wrt):
    return list(wrt) if isinstance(wrt, (list, tuple)) else [wrt]


def _like(wrt, values):
    if isinstance(wrt, list):
        return list(values)
    if isinstance(wrt, tuple):
        return tuple(values)
    return values[0]


def jacobian(expression, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Jacobian of the vector ``expression`` with respect to ``wrt`` (a variable or a
    list): for each ``w``, a tensor of shape ``expression.shape + w.shape``.

    ``J = T.jacobian(T.tanh(T.dot(W, x)), x)``
    """
    expression = as_tensor_variable(expression)
    if expression.ndim > 1:
        raise TypeError(
            f"jacobian: expression must be a vector (flatten it first), got {expression.type}"
        )
    wrts = _as_list(wrt)
    if expression.ndim == 0:
        grads = grad(
            expression,
            wrts,
            consider_constant=consider_constant,
            disconnected_inputs=disconnected_inputs,
        )
        return _like(wrt, grads)

    def row(i, y, *xs):
        return [
            grad(
                y[i],
                x,
                consider_constant=consider_constant,
                disconnected_inputs=disconnected_inputs,
            )
            for x in xs
        ]

    rows, _ = scan(
        row,
        sequences=arange(expression.shape[0]),
        non_sequences=[expression] + wrts,
        return_list=True,
    )
    return _like(wrt, rows)


def hessian(cost, wrt, consider_constant=None, disconnected_inputs="raise"):
    """The Hessian of the scalar ``cost`` with respect to each vector in ``wrt``."""
    cost = as_tensor_variable(cost)
    if cost.ndim != 0:
        raise TypeError(f"hessian: cost must be a scalar, got {cost.type}")
    results = []
    for x in _as_list(wrt):
        if x.ndim != 1:
            raise TypeError(f"hessian: wrt must be vectors, got {x} ({x.type})")
        g = grad(
            cost, x, consider_constant=consider_constant, disconnected_inputs=disconnected_inputs
        )
        rows, _ = scan(
            lambda i, y, x: grad(
                y[i], x, consider_constant=consider_constant, disconnected_inputs="ignore"
            ),
            sequences=arange(g.shape[0]),
            non_sequences=[g, x],
        )
        results.append(rows)
    return _like(wrt, results)
