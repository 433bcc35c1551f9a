"""Matrices: ``dot``, ``outer``, ``batched_dot``, ``tensordot``, ``eye`` and ``identity_like``
(diagonals: ``diag.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import config
from ..graph import Apply
from ..op import Op
from .elemwise import cast
from .shape import dimshuffle
from .type import INT_DTYPES, TensorType, as_tensor_variable, upcast


@dataclass(frozen=True)
class Dot(Op):
    """``numpy.dot`` of two tensors with at most 2 dims each."""

    def make_node(self, x, y) -> Apply:
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim not in (1, 2) or y.ndim not in (1, 2):
            raise TypeError(
                f"Dot: needs vectors or matrices, got {x.type} and {y.type} "
                f"(use T.tensordot or reshape for more dims)"
            )
        dtype = upcast(x.dtype, y.dtype)
        x, y = cast(x, dtype), cast(y, dtype)
        bcast = x.broadcastable[:-1] + y.broadcastable[1:]
        return Apply(self, [x, y], [TensorType(dtype, bcast)()])

    def perform(self, xp, x, y):
        if x.shape[-1] != y.shape[0]:
            raise ValueError(
                f"Dot: shapes {x.shape} and {y.shape} are not aligned "
                f"({x.shape[-1]} != {y.shape[0]})"
            )
        return xp.dot(x, y)

    def infer_shape(self, node, input_shapes):
        xs, ys = input_shapes
        return [tuple(xs[:-1]) + tuple(ys[1:])]

    def grad(self, inputs, outputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        if x.ndim == 1 and y.ndim == 1:  # gz is a scalar
            return [gz * y, gz * x]
        if x.ndim == 1:  # (n,) . (n, m) -> (m,)
            return [dot(y, gz), outer(x, gz)]
        if y.ndim == 1:  # (k, n) . (n,) -> (k,)
            return [outer(gz, y), dot(gz, x)]
        return [dot(gz, y.T), dot(x.T, gz)]


def dot(a, b):
    """Matrix/vector product; scalars multiply. With more than 2 dims, Theano's rule: the last
    axis of ``a`` is summed against the second-to-last of ``b`` (its only one for a vector), as
    ``numpy.dot``.

    >>> T.dot(T.tensor3(), T.matrix())  # (k, m, n) . (n, p) -> (k, m, p)
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim > 2 or b.ndim > 2:
        return tensordot(a, b, [[a.ndim - 1], [max(0, b.ndim - 2)]])
    return Dot()(a, b)


def outer(x, y):
    """Outer product of two vectors."""
    x, y = as_tensor_variable(x), as_tensor_variable(y)
    return dimshuffle(x, (0, "x")) * dimshuffle(y, ("x", 0))


@dataclass(frozen=True)
class BatchedDot(Op):
    """``out[i] = dot(x[i], y[i])`` for two stacks of matrices, ``(B, n, m)`` and ``(B, m, p)``."""

    def make_node(self, x, y) -> Apply:
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if x.ndim != 3 or y.ndim != 3:
            raise TypeError(f"BatchedDot: needs two 3-d tensors, got {x.type} and {y.type}")
        dtype = upcast(x.dtype, y.dtype)
        bcast = (x.broadcastable[0] and y.broadcastable[0], x.broadcastable[1], y.broadcastable[2])
        return Apply(self, [cast(x, dtype), cast(y, dtype)], [TensorType(dtype, bcast)()])

    def perform(self, xp, x, y):
        if x.shape[0] != y.shape[0] or x.shape[2] != y.shape[1]:
            raise ValueError(
                f"BatchedDot: shapes {x.shape} and {y.shape} do not match (a batch of "
                f"(n, m) . (m, p) products needs equal batch sizes and inner dims)"
            )
        return xp.matmul(x, y)

    def infer_shape(self, node, input_shapes):
        xs, ys = input_shapes
        return [(xs[0], xs[1], ys[2])]

    def grad(self, inputs, outputs, output_grads):
        (x, y), (gz,) = inputs, output_grads
        return [
            BatchedDot()(gz, dimshuffle(y, (0, 2, 1))),
            BatchedDot()(dimshuffle(x, (0, 2, 1)), gz),
        ]


def batched_dot(a, b):
    """``out[i] = dot(a[i], b[i])`` over the first axis; ``a`` and ``b`` have 2 or 3 dims.

    >>> T.batched_dot(T.tensor3(), T.tensor3())  # (B, n, m), (B, m, p) -> (B, n, p)
    """
    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if a.ndim not in (2, 3) or b.ndim not in (2, 3):
        raise TypeError(f"batched_dot: needs 2- or 3-d tensors, got {a.type} and {b.type}")
    # vectors become (1, m) rows on the left, (m, 1) columns on the right, and go again after
    x = dimshuffle(a, (0, "x", 1)) if a.ndim == 2 else a
    y = dimshuffle(b, (0, 1, "x")) if b.ndim == 2 else b
    out = BatchedDot()(x, y)
    keep = [0] + ([1] if a.ndim == 3 else []) + ([2] if b.ndim == 3 else [])
    return dimshuffle(out, keep)


def tensordot(a, b, axes=2):
    """Sum products over the last ``axes`` dims of ``a`` and the first of ``b`` (an int), or
    over the axes listed in ``axes = (a_axes, b_axes)``, as ``numpy.tensordot``.

    Built from dimshuffles, reshapes and one matrix product, so gradients come for free.
    """
    from .basic import prod_of
    from .shape import reshape, shape

    a, b = as_tensor_variable(a), as_tensor_variable(b)
    if isinstance(axes, int):
        a_axes, b_axes = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        a_axes, b_axes = ([axs] if isinstance(axs, int) else list(axs) for axs in axes)
    a_axes = [ax % a.ndim for ax in a_axes]
    b_axes = [ax % b.ndim for ax in b_axes]
    if len(a_axes) != len(b_axes) or len(set(a_axes)) != len(a_axes) or a.ndim < len(a_axes):
        raise ValueError(
            f"tensordot: cannot sum {a.type} axes {a_axes} against {b.type} axes {b_axes}"
        )
    a_free = [i for i in range(a.ndim) if i not in a_axes]
    b_free = [i for i in range(b.ndim) if i not in b_axes]
    a_shape, b_shape = shape(a), shape(b)
    summed = prod_of([a_shape[i] for i in a_axes])
    a_mat = reshape(
        dimshuffle(a, a_free + a_axes), (prod_of([a_shape[i] for i in a_free]), summed)
    )
    b_mat = reshape(
        dimshuffle(b, b_axes + b_free), (summed, prod_of([b_shape[i] for i in b_free]))
    )
    out_shape = [a_shape[i] for i in a_free] + [b_shape[i] for i in b_free]
    return reshape(Dot()(a_mat, b_mat), out_shape, ndim=len(out_shape))


@dataclass(frozen=True)
class Eye(Op):
    """``eye(n, m, k)``: an ``n x m`` matrix of ``dtype`` with ones on the ``k``-th diagonal."""

    dtype: str

    def make_node(self, n, m, k) -> Apply:
        inputs = [as_tensor_variable(v) for v in (n, m, k)]
        for v in inputs:
            if v.ndim != 0 or v.dtype not in INT_DTYPES:
                raise TypeError(f"eye: n, m and k must be int scalars, got {v.type}")
        return Apply(self, inputs, [TensorType(self.dtype, (False, False))()])

    def perform(self, xp, n, m, k):
        return xp.eye(int(n), int(m), int(k), dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        n, m, _ = node.inputs
        return [(cast(n, "int64"), cast(m, "int64"))]

    def grad(self, inputs, outputs, output_grads):
        return [None, None, None]


def eye(n, m=None, k=0, dtype=None):
    """An ``n x m`` matrix (``m`` defaults to ``n``) with ones on diagonal ``k``, else zeros."""
    return Eye(dtype or config.floatX)(n, n if m is None else m, k)


def identity_like(x):
    """The identity matrix with the shape and dtype of the matrix ``x``."""
    from .shape import shape

    x = as_tensor_variable(x)
    return eye(shape(x)[0], shape(x)[1], 0, dtype=x.dtype)
