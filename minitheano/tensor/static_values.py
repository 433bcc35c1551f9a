"""What a graph tells before it runs: ``get_scalar_constant_value`` and ``get_vector_length``."""

from __future__ import annotations

import numpy as np

from ..graph import Constant, Variable
from .basic import Alloc
from .elemwise import Elemwise
from .shape import DimShuffle, MakeVector, Rebroadcast, Shape
from .subtensor import Subtensor
from .type import as_tensor_variable


class NotScalarConstantError(Exception):
    """The variable is not a constant scalar (or its value is not known before it runs)."""


class EmptyConstantError(NotScalarConstantError):
    """The constant holds no element."""


def get_scalar_constant_value(orig_v, elemwise=True, only_process_constants=False, max_recur=10):
    """The constant scalar underlying ``orig_v``, as a 0-d NumPy array.

    Looks through dimshuffles, rebroadcasts, allocs, casts and (with ``elemwise``) elementwise
    ops of constants, and ``x.shape[i]`` where dim ``i`` is broadcastable or the shape is a
    ``MakeVector`` of constants. Raises ``NotScalarConstantError`` otherwise.

    >>> T.get_scalar_constant_value(T.constant(3) * 2)
    array(6, dtype=int8)
    """
    v = orig_v
    if not isinstance(v, Variable):
        return _scalar_of(np.asarray(v), orig_v)
    viewing = (DimShuffle, Rebroadcast, Alloc)  # ops that keep a constant scalar's value
    while not only_process_constants and v.owner is not None and isinstance(v.owner.op, viewing):
        v = v.owner.inputs[0]
    if isinstance(v, Constant):
        return _scalar_of(np.asarray(v.data), orig_v)
    if v.owner is not None and not only_process_constants and max_recur > 0:
        op, inputs = v.owner.op, v.owner.inputs
        if isinstance(op, Elemwise) and (elemwise or op.scalar_op == "cast"):
            values = [
                get_scalar_constant_value(i, elemwise, max_recur=max_recur - 1) for i in inputs
            ]
            return np.asarray(op.perform(np, *values), dtype=v.dtype)
        if isinstance(op, Subtensor) and len(op.idx_list) == 1 and op.idx_list[0][0] == "int":
            return _indexed_shape_value(v, op, inputs, orig_v)
    raise NotScalarConstantError(f"{orig_v} is not a constant scalar")


def _scalar_of(data: np.ndarray, orig_v):
    if data.size == 0:
        raise EmptyConstantError(f"{orig_v} is an empty constant")
    if data.ndim > 0 and not np.all(data == data.flat[0]):
        raise NotScalarConstantError(f"{orig_v} holds several different values")
    return np.asarray(data.flat[0], dtype=data.dtype)


def _indexed_shape_value(v, op, inputs, orig_v):
    """``vec[i]`` for a constant ``i`` where ``vec`` is ``x.shape`` or a ``MakeVector``."""
    i = op.idx_list[0][1]
    if not isinstance(i, int):
        i = int(get_scalar_constant_value(inputs[1]))
    vec = inputs[0]
    if vec.owner is not None and isinstance(vec.owner.op, Shape):
        x = vec.owner.inputs[0]
        if -x.ndim <= i < x.ndim and x.broadcastable[i]:
            return np.asarray(1, dtype="int64")
    if vec.owner is not None and isinstance(vec.owner.op, MakeVector):
        if -len(vec.owner.inputs) <= i < len(vec.owner.inputs):
            value = get_scalar_constant_value(vec.owner.inputs[i])
            return np.asarray(value, dtype=v.dtype)
    raise NotScalarConstantError(f"{orig_v} is not a constant scalar")


def extract_constant(x, elemwise=True, only_process_constants=False):
    """``x``'s constant scalar value if it has one, else ``x`` itself."""
    try:
        return get_scalar_constant_value(
            x, elemwise=elemwise, only_process_constants=only_process_constants
        )
    except NotScalarConstantError:
        return x


def get_vector_length(v) -> int:
    """The length of the symbolic vector ``v`` when the graph tells it: a constant, a
    ``MakeVector``, ``x.shape``, a constant slice of it (``x.shape[2:]``), a broadcastable
    vector. Raises TypeError for a non-vector and ValueError when the length is unknown."""
    v = as_tensor_variable(v)
    if v.ndim != 1:
        raise TypeError(f"get_vector_length: needs a vector, got {v.type}")
    if v.broadcastable[0]:
        return 1
    if isinstance(v, Constant):
        return len(v.data)
    node = v.owner
    if node is not None and isinstance(node.op, MakeVector):
        return len(node.inputs)
    if node is not None and isinstance(node.op, Shape):
        return node.inputs[0].ndim
    if node is not None and isinstance(node.op, Subtensor) and len(node.op.idx_list) == 1:
        entry, source = node.op.idx_list[0], node.inputs[0]
        known = entry[0] == "slice" and all(isinstance(b, int) or b is None for b in entry[1:])
        if known and source.owner is not None and isinstance(source.owner.op, Shape):
            return len(range(source.owner.inputs[0].ndim)[slice(*entry[1:])])
    raise ValueError(f"length not known: {v}")
