"""Run-time storage rules of a compiled function: which arguments are used as they are, and
which results must be copied because their memory belongs to something else."""

from __future__ import annotations

import numpy as np


def accepts_as_is(type_, xp):
    """A test that a call argument can be used unchanged: a NumPy array of exactly the input's
    dtype, ndim and broadcastable sizes (anything else goes through ``TensorType.filter``)."""
    if xp is not np:
        return lambda value: False  # host values are moved to the device by filter's caller
    dtype, ndim = np.dtype(type_.dtype), type_.ndim
    ones = [a for a, b in enumerate(type_.broadcastable) if b]

    def accepts(value) -> bool:
        return (
            type(value) is np.ndarray
            and value.dtype == dtype
            and value.ndim == ndim
            and all(value.shape[a] == 1 for a in ones)
        )

    return accepts


def root(value):
    """The object that owns ``value``'s memory (arrays that are views have a ``base``)."""
    base = getattr(value, "base", None)
    while base is not None:
        value, base = base, getattr(base, "base", None)
    return value


def unshared(value, taken: set):
    """``value``, or a copy of it when its memory is in ``taken``; its memory is then taken."""
    owner = id(root(value))
    if owner in taken and hasattr(value, "copy"):
        value = value.copy()
        owner = id(value)
    taken.add(owner)
    return value
