"""Sorting: ``sort`` and ``argsort`` along an axis (``None``: of the flattened tensor).

Both use a stable sort whatever ``kind`` says: the sorted values are the same for every
algorithm, and a stable ``argsort`` gives the same ties order on NumPy and CuPy.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph import Apply
from ..op import Op
from .shape import flatten, reshape, shape
from .type import DISCRETE_DTYPES, TensorType, as_tensor_variable


def _check_axis(op, x, axis):
    if axis is not None and not -x.ndim <= axis < x.ndim:
        raise ValueError(f"{op}: axis {axis} is out of range for {x.type}")


def _sorted_type(x, axis, dtype):
    return TensorType(dtype, (False,) if axis is None else x.broadcastable)


def _sorted_shape(node, input_shapes, axis):
    if axis is None:
        from .basic import prod_of

        return [(prod_of(input_shapes[0]),)]
    return [input_shapes[0]]


@dataclass(frozen=True)
class Sort(Op):
    """The values of ``x`` sorted along ``axis``."""

    axis: int | None

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        _check_axis("sort", x, self.axis)
        return Apply(self, [x], [_sorted_type(x, self.axis, x.dtype)()])

    def perform(self, xp, x):
        return xp.sort(x, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        return _sorted_shape(node, input_shapes, self.axis)

    def grad(self, inputs, outputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        if x.dtype in DISCRETE_DTYPES:
            return [None]
        if self.axis is None:  # sorting the flattened x: un-sort, then give back x's shape
            return [reshape(UnsortGrad(0)(flatten(x), gz), shape(x), ndim=x.ndim)]
        return [UnsortGrad(self.axis)(x, gz)]


@dataclass(frozen=True)
class UnsortGrad(Op):
    """Gradient of ``Sort``: ``gz`` put back where each sorted value came from in ``x``."""

    axis: int

    def make_node(self, x, gz) -> Apply:
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        return Apply(self, [x, gz], [TensorType(gz.dtype, x.broadcastable)()])

    def perform(self, xp, x, gz):
        order = xp.argsort(x, axis=self.axis, kind="stable")
        # position j of the sorted array came from order[j]: gx[order[j]] = gz[j], i.e. gx is
        # gz gathered with the inverse permutation
        inverse = xp.argsort(order, axis=self.axis, kind="stable")
        return xp.take_along_axis(gz, inverse, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        return [input_shapes[0]]


@dataclass(frozen=True)
class ArgSort(Op):
    """The int64 indices that sort ``x`` along ``axis`` (ties keep their order)."""

    axis: int | None

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        _check_axis("argsort", x, self.axis)
        return Apply(self, [x], [_sorted_type(x, self.axis, "int64")()])

    def perform(self, xp, x):
        return xp.argsort(x, axis=self.axis, kind="stable").astype("int64")

    def infer_shape(self, node, input_shapes):
        return _sorted_shape(node, input_shapes, self.axis)

    def grad(self, inputs, outputs, output_grads):
        return [None]


def _check_order(what, order):
    if order is not None:
        raise NotImplementedError(f"{what}: order= (structured arrays) is not supported")


def sort(a, axis=-1, kind="quicksort", order=None):
    """``a`` sorted along ``axis`` (``None``: flattened first), as ``numpy.sort``."""
    _check_order("sort", order)
    return Sort(axis)(a)


def argsort(a, axis=-1, kind="quicksort", order=None):
    """The indices that sort ``a`` along ``axis`` (``None``: flattened first)."""
    _check_order("argsort", order)
    return ArgSort(axis)(a)
