"""Diagonals and triangles: ``ExtractDiag``, ``AllocDiag``, ``diag``, ``diagonal``, ``tri``,
``tril``, ``triu``."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import config
from ..graph import Apply
from ..op import Op
from .basic import arange, zeros_like
from .elemwise import cast, ge, maximum, minimum
from .shape import dimshuffle, shape
from .subtensor import set_subtensor
from .type import TensorType, as_tensor_variable


def _diagonal_positions(n, offset):
    """Row and column indices of the ``n`` elements of diagonal ``offset``."""
    steps = arange(n)
    return steps + max(0, -offset), steps + max(0, offset)


@dataclass(frozen=True)
class ExtractDiag(Op):
    """The diagonal ``offset`` of the planes ``(axis1, axis2)``, as a last axis (NumPy's
    ``diagonal``)."""

    offset: int = 0
    axis1: int = 0
    axis2: int = 1

    def _axes(self, ndim):
        a1, a2 = self.axis1 % ndim, self.axis2 % ndim
        if a1 == a2:
            raise ValueError(f"{self}: axis1 and axis2 must differ")
        return a1, a2

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim < 2:
            raise ValueError(f"{self}: needs a tensor with 2 or more dims, got {x.type}")
        a1, a2 = self._axes(x.ndim)
        bcast = tuple(b for i, b in enumerate(x.broadcastable) if i not in (a1, a2)) + (False,)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x):
        return xp.diagonal(x, self.offset, self.axis1, self.axis2).copy()

    def infer_shape(self, node, input_shapes):
        (in_shape,) = input_shapes
        a1, a2 = self._axes(len(in_shape))
        rows, cols = in_shape[a1], in_shape[a2]
        k = self.offset
        n = minimum(rows, cols - k) if k >= 0 else minimum(rows + k, cols)
        rest = [s for i, s in enumerate(in_shape) if i not in (a1, a2)]
        return [tuple(rest) + (maximum(n, 0),)]

    def grad(self, inputs, outputs, output_grads):
        # scatter the diagonal's gradient back into zeros; the planes' axes moved last
        (x,), (gz,) = inputs, output_grads
        a1, a2 = self._axes(x.ndim)
        order = [i for i in range(x.ndim) if i not in (a1, a2)] + [a1, a2]
        moved = dimshuffle(zeros_like(x), order)
        rows, cols = _diagonal_positions(shape(gz)[gz.ndim - 1], self.offset)
        index = (Ellipsis, rows, cols)
        gx = set_subtensor(moved[index], gz)
        return [dimshuffle(gx, [order.index(i) for i in range(x.ndim)])]


@dataclass(frozen=True)
class AllocDiag(Op):
    """The square matrix with the vector ``x`` on diagonal ``offset`` and zeros elsewhere."""

    offset: int = 0

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim != 1:
            raise TypeError(f"{self}: needs a vector, got {x.type}")
        return Apply(self, [x], [TensorType(x.dtype, (False, False))()])

    def perform(self, xp, x):
        return xp.diag(x, self.offset)

    def infer_shape(self, node, input_shapes):
        n = input_shapes[0][0] + abs(self.offset)
        return [(n, n)]

    def grad(self, inputs, outputs, output_grads):
        return [ExtractDiag(self.offset)(output_grads[0])]


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal ``offset`` of ``a`` over ``(axis1, axis2)``, as ``numpy.diagonal``."""
    return ExtractDiag(offset, axis1, axis2)(a)


def diag(v, k=0):
    """The diagonal ``k`` of a matrix (or of each plane of a tensor), or the square matrix with
    the vector ``v`` on diagonal ``k``, as ``numpy.diag``.

    >>> T.diag(T.vector(), k=1)  # (n,) -> (n + 1, n + 1)
    """
    v = as_tensor_variable(v)
    if v.ndim == 1:
        return AllocDiag(k)(v)
    if v.ndim >= 2:
        return diagonal(v, offset=k)
    raise ValueError(f"diag: needs a vector or a matrix, got {v.type}")


def tri(N, M=None, k=0, dtype=None):
    """An ``N x M`` matrix with ones at and below diagonal ``k``, zeros above."""
    M = N if M is None else M
    below = ge(dimshuffle(arange(N), (0, "x")) + k, dimshuffle(arange(M), ("x", 0)))
    return cast(below, dtype or config.floatX)


def tril(m, k=0):
    """``m`` with the elements above diagonal ``k`` zeroed."""
    m = as_tensor_variable(m)
    return m * tri(shape(m)[0], shape(m)[1], k=k, dtype=m.dtype)


def triu(m, k=0):
    """``m`` with the elements below diagonal ``k`` zeroed."""
    m = as_tensor_variable(m)
    return m * (1 - tri(shape(m)[0], shape(m)[1], k=k - 1, dtype=m.dtype))
