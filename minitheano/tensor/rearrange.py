"""Rearranging elements: ``roll``, ``swapaxes``, ``take``, ``mgrid``/``ogrid``, ``stacklists``
and ``tensor_copy``, built from indexing, joins and dimshuffles (their gradients come free)."""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Apply
from ..op import Op
from .basic import arange, join, ones_like, stack
from .elemwise import clip
from .shape import dimshuffle, flatten, reshape, shape
from .type import as_tensor_variable


def swapaxes(y, axis1, axis2):
    """``y`` with the axes ``axis1`` and ``axis2`` exchanged."""
    y = as_tensor_variable(y)
    order = list(range(y.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return dimshuffle(y, order)


def roll(x, shift, axis=None):
    """``x`` shifted by ``shift`` (an int or a symbolic int) along ``axis``, elements that fall
    off one end coming back at the other, as ``numpy.roll`` (``axis=None``: the flattened
    ``x``, reshaped back)."""
    x = as_tensor_variable(x)
    if axis is None:
        if x.ndim > 1:
            return reshape(roll(flatten(x), shift, axis=0), shape(x), ndim=x.ndim)
        axis = 0
    axis %= x.ndim
    shift = shift % shape(x)[axis]  # a cyclic shift: only the remainder matters
    front = (slice(None),) * axis + (slice(-shift, None),)
    back = (slice(None),) * axis + (slice(0, -shift),)
    return join(axis, x[front], x[back])


def take(a, indices, axis=None, mode="raise"):
    """The elements of ``a`` at ``indices`` along ``axis`` (of the flattened ``a`` when
    ``None``), as ``numpy.take``; ``mode`` ``'wrap'`` or ``'clip'`` bring indices in range."""
    a = as_tensor_variable(a)
    indices = as_tensor_variable(indices)
    if axis is None:
        return take(flatten(a), indices, 0, mode)
    axis %= a.ndim
    if mode == "wrap":
        indices = indices % shape(a)[axis]
    elif mode == "clip":
        indices = clip(indices, 0, shape(a)[axis] - 1)
    elif mode != "raise":
        raise ValueError(f"take: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    if indices.ndim == 1:
        return a[(slice(None),) * axis + (indices,)]
    picked = a[(slice(None),) * axis + (flatten(indices),)]
    out_shape = [shape(a)[i] for i in range(axis)] + [
        shape(indices)[i] for i in range(indices.ndim)
    ]
    out_shape += [shape(a)[i] for i in range(axis + 1, a.ndim)]
    return reshape(picked, out_shape, ndim=len(out_shape))


class _Grid:
    """``mgrid[0:5, 0:3]`` (dense coordinate grids) or ``ogrid[...]`` (open, broadcastable)."""

    def __init__(self, sparse: bool):
        self.sparse = sparse

    def __getitem__(self, slices):
        slices = slices if isinstance(slices, tuple) else (slices,)
        ndim = len(slices)
        ranges = [arange(s.start or 0, s.stop, s.step or 1) for s in slices]
        ranges = [
            dimshuffle(r, ["x"] * j + [0] + ["x"] * (ndim - 1 - j)) for j, r in enumerate(ranges)
        ]
        if self.sparse:
            return ranges
        grids = []
        for i in range(ndim):
            grid = ranges[i]
            for j in range(ndim):
                if j != i:
                    grid = grid * ones_like(ranges[j])
            grids.append(grid)
        return grids


mgrid = _Grid(sparse=False)
ogrid = _Grid(sparse=True)


def stacklists(arg):
    """Nested lists of scalars (or tensors) stacked into one tensor of matching dims."""
    if isinstance(arg, (tuple, list)):
        return stack([stacklists(a) for a in arg])
    return arg


@dataclass(frozen=True)
class TensorCopy(Op):
    """A copy of its input (``x.copy()``)."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [x.type()])

    def perform(self, xp, x):
        return x.copy()

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]

    def grad(self, inputs, outputs, output_grads):
        return [output_grads[0]]


def tensor_copy(x):
    """A symbolic copy of ``x``."""
    return TensorCopy()(x)
