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


@dataclass(frozen=True)
class AlongAxis(Op):
    """An op along ``axis`` (``None``: along the flattened input) whose output has the input's
    shape (a vector when flattened): props, node and shape of ``Sort``, ``ArgSort`` and
    ``extra_ops.CumOp``."""

    axis: int | None
    out_dtype = None  # None: the input's dtype

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if self.axis is not None and not -x.ndim <= self.axis < x.ndim:
            raise ValueError(f"{self}: axis {self.axis} is out of range for {x.type}")
        bcast = (False,) if self.axis is None else x.broadcastable
        return Apply(self, [x], [TensorType(self.out_dtype or x.dtype, bcast)()])

    def infer_shape(self, node, input_shapes):
        if self.axis is None:
            from .basic import prod_of

            return [(prod_of(input_shapes[0]),)]
        return [input_shapes[0]]


@dataclass(frozen=True)
class Sort(AlongAxis):
    """The values of ``x`` sorted along ``axis``."""

    def perform(self, xp, x):
        return xp.sort(x, axis=self.axis)

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
class ArgSort(AlongAxis):
    """The int64 indices that sort ``x`` along ``axis`` (ties keep their order)."""

    out_dtype = "int64"

    def perform(self, xp, x):
        return xp.argsort(x, axis=self.axis, kind="stable").astype("int64")

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
