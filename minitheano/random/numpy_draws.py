"""The draws behind ``RandomFunction``: NumPy ``RandomState`` calls, in Theano 1.0's order.

Each function is ``draw(random_state, *params, size)`` on host NumPy arrays, with ``size`` a
tuple of ints or ``None`` (the shape then comes from the parameters). They consume the
generator exactly as Theano 1.0.5 does, so the same seed gives the same numbers.
"""

from __future__ import annotations

import numpy as np


def check_broadcast(fn: str, size, *params) -> None:
    """Raise a ValueError naming the shapes when the parameters do not broadcast to ``size``."""
    shapes = [np.shape(p) for p in params]
    try:
        shape = np.broadcast_shapes(*shapes)
        if size is not None and np.broadcast_shapes(shape, size) != tuple(size):
            raise ValueError
    except ValueError:
        wanted = f" to the size {tuple(size)}" if size is not None else ""
        raise ValueError(
            f"{fn}: the parameter shapes {', '.join(map(str, shapes))} do not broadcast{wanted}"
        ) from None


def _scalar_distribution(name: str):
    method = getattr(np.random.RandomState, name)

    def draw(random_state, *args):
        *params, size = args
        check_broadcast(name, size, *params)
        return method(random_state, *params, size)

    draw.__name__ = name
    draw.__doc__ = f"``RandomState.{name}(*params, size)`` after a broadcast check."
    return draw


def random_integers(random_state, low, high, size):
    """Integers in ``[low, high]`` (both included), one ``randint`` per output element.

    Theano loops over the broadcast output calling ``randint(low[i], high[i] + 1)``; NumPy's
    ``randint`` with broadcast bound arrays draws element by element in the same (C) order,
    with the same rejection sampling, so one vectorised call gives the same numbers.
    """
    check_broadcast("random_integers", size, low, high)
    shape = np.broadcast_shapes(np.shape(low), np.shape(high), *(() if size is None else (size,)))
    low = np.broadcast_to(np.asarray(low, dtype="int64"), shape)
    high = np.broadcast_to(np.asarray(high, dtype="int64"), shape)
    if np.any(low > high):
        raise ValueError(f"random_integers: low > high somewhere (low {low}, high {high})")
    return np.asarray(random_state.randint(low, high + 1), dtype="int64").reshape(shape)


def choice(random_state, a, replace, p, size):
    """``RandomState.choice(a, size, replace, p)``; an empty ``p`` means uniform (``None``)."""
    if a.ndim > 1:
        raise ValueError(f"choice: a must be a scalar or a vector, got ndim {a.ndim}")
    if p.ndim != 1:
        raise ValueError(f"choice: p must be a vector, got ndim {p.ndim}")
    return random_state.choice(a, size, bool(replace), p if p.size else None)


def permutation(random_state, n, size):
    """One ``RandomState.permutation(n)`` per element of ``size``: shape ``size + (n,)``."""
    if np.ndim(n) != 0:
        raise ValueError(f"permutation: n must be a scalar, got shape {np.shape(n)}")
    n = int(n)
    size = () if size is None else tuple(size)
    out = np.empty(size + (n,), dtype="int64")
    for index in np.ndindex(*size):
        out[index] = random_state.permutation(n)
    return out


def multinomial(random_state, n, pvals, size):
    """One ``RandomState.multinomial`` per row of ``pvals`` (rows broadcast with ``n``).

    The output has shape ``size + (pvals.shape[-1],)``; ``size`` defaults to the broadcast of
    ``n`` and the leading dims of ``pvals``.
    """
    n, pvals = np.asarray(n), np.asarray(pvals)
    if pvals.ndim == 0:
        raise ValueError("multinomial: pvals must have at least one dim")
    ndim = len(size) if size is not None else max(n.ndim, pvals.ndim - 1)
    if n.ndim > ndim or pvals.ndim - 1 > ndim:
        raise ValueError(
            f"multinomial: n (shape {n.shape}) and pvals' leading dims (shape "
            f"{pvals.shape[:-1]}) have more dims than the size {size}"
        )
    check_broadcast("multinomial", size, n, pvals[..., 0])
    lead = np.broadcast_shapes(n.shape, pvals.shape[:-1], *(() if size is None else (size,)))
    if np.any(pvals < 0):
        raise ValueError("multinomial: pvals must be >= 0")
    n = np.broadcast_to(n, lead)
    rows = np.broadcast_to(pvals, lead + pvals.shape[-1:])
    out = np.empty(lead + pvals.shape[-1:], dtype="int64")
    for index in np.ndindex(*lead):
        out[index] = random_state.multinomial(n[index], _usable_pvals(rows[index]))
    return out


def _usable_pvals(row):
    # NumPy rejects probabilities that sum past 1 by a rounding error; Theano shrinks such a
    # row (and one whose last entry is tiny) by 5e-5 first. The comparisons are in float64,
    # as NumPy 1.x did them for float32 scalars.
    total = float(np.sum(row))
    if 1.0 < total < 1.0 + 1e-5 or float(row[-1]) < 5e-5:
        row = row * (1.0 - 5e-5)
        total = float(np.sum(row))
    if total > 1.0:
        raise ValueError(f"multinomial: the probabilities {row} sum to {total} > 1")
    return row.astype("float64")


DRAWS = {
    "uniform": _scalar_distribution("uniform"),
    "normal": _scalar_distribution("normal"),
    "binomial": _scalar_distribution("binomial"),
    "poisson": _scalar_distribution("poisson"),
    "random_integers": random_integers,
    "choice": choice,
    "permutation": permutation,
    "multinomial": multinomial,
}
