"""``permute_row_elements``: reorder the last axis of a tensor with integer permutations.

This is the op behind ``RandomStreams.shuffle_row_elements`` (Theano's
``theano.tensor.permute_row_elements``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Apply
from ..op import Op
from ..tensor.elemwise import unbroadcast
from ..tensor.shape import shape_padleft
from ..tensor.type import INT_DTYPES, TensorType, as_tensor_variable


@dataclass(frozen=True)
class PermuteRowElements(Op):
    """``out[..., j] = x[..., y[..., j]]`` (``inverse``: ``out[..., y[..., j]] = x[..., j]``).

    The leading dims of ``x`` and ``y`` broadcast; their last dims must have the same length.
    """

    inverse: bool = False

    def make_node(self, x, y) -> Apply:
        x, y = as_tensor_variable(x), as_tensor_variable(y)
        if y.dtype not in INT_DTYPES or y.ndim == 0:
            raise TypeError(f"{self}: y must be an integer tensor with ndim >= 1, got {y.type}")
        if x.ndim == 0:
            raise TypeError(f"{self}: x must have at least one dim, got {x.type}")
        ndim = max(x.ndim, y.ndim)
        x, y = shape_padleft(x, ndim - x.ndim), shape_padleft(y, ndim - y.ndim)
        bcast = tuple(a and b for a, b in zip(x.broadcastable, y.broadcastable))
        return Apply(self, [x, y], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x, y):
        if x.shape[-1] != y.shape[-1]:
            raise ValueError(
                f"{self}: the rows of x (shape {x.shape}) and of y (shape {y.shape}) differ "
                f"in length"
            )
        lead = _broadcast_lead(x.shape, y.shape)
        x = xp.broadcast_to(x, lead + x.shape[-1:])
        y = xp.broadcast_to(y, lead + y.shape[-1:])
        if self.inverse:  # out[y[j]] = x[j], i.e. out = x gathered by the inverse permutation
            y = xp.argsort(y, axis=-1, kind="stable")
        return xp.take_along_axis(x, y, axis=-1)

    def infer_shape(self, node, input_shapes):
        x, _ = node.inputs
        xs, ys = input_shapes
        lead = [y_dim if b else x_dim for x_dim, y_dim, b in zip(xs, ys, x.broadcastable[:-1])]
        return [tuple(lead) + (xs[-1],)]

    def grad(self, inputs, outputs, output_grads):
        x, y = inputs
        (gz,) = output_grads
        # out gathers x by y, so x's gradient scatters gz back: the inverse permutation
        gx = PermuteRowElements(not self.inverse)(gz, y)
        return [unbroadcast(gx, x.broadcastable), None]


def _broadcast_lead(x_shape, y_shape) -> tuple:
    lead = []
    for a, b in zip(x_shape[:-1], y_shape[:-1]):
        if a != b and 1 not in (a, b):
            raise ValueError(
                f"permute_row_elements: the leading dims of x {x_shape} and y {y_shape} do not "
                f"broadcast"
            )
        lead.append(max(a, b) if 0 not in (a, b) else 0)
    return tuple(lead)


def permute_row_elements(x, y, inverse=False):
    """``x`` with each row (last axis) reordered by the permutations in ``y``.

    >>> permute_row_elements(x, perm)  # out[i, j] == x[i, perm[i, j]]
    """
    return PermuteRowElements(bool(inverse))(x, y)
