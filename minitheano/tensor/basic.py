"""Tensor constructors: typed inputs, ``alloc``/``zeros``/``ones``, ``arange``, ``concatenate``."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..config import config
from ..graph import Apply, Constant
from ..op import Op
from .elemwise import cast
from .shape import dimshuffle, shape
from .type import INT_DTYPES, TensorType, as_tensor_variable, constant, upcast

# --- typed input variables ------------------------------------------------------------------


def tensor(dtype=None, broadcastable=(), name=None, shape=None):
    """A new input variable; ``T.tensor('float32', (False, True))``."""
    if isinstance(dtype, (tuple, list)) and not isinstance(broadcastable, (tuple, list)):
        dtype, broadcastable = broadcastable, dtype
    dtype = dtype or config.floatX
    if shape is not None:
        broadcastable = tuple(s == 1 for s in shape)
    return TensorType(dtype, tuple(broadcastable))(name)


def _constructor(ndim, pattern=None, dtype=None):
    bcast = pattern if pattern is not None else (False,) * ndim

    def make(name=None, dtype=dtype):
        return TensorType(dtype or config.floatX, bcast)(name)

    return make


scalar, vector, matrix = _constructor(0), _constructor(1), _constructor(2)
row, col = _constructor(2, (True, False)), _constructor(2, (False, True))
tensor3, tensor4, tensor5 = _constructor(3), _constructor(4), _constructor(5)

_PREFIXES = {
    "b": "int8",
    "w": "int16",
    "i": "int32",
    "l": "int64",
    "f": "float32",
    "d": "float64",
    "c": "complex64",
    "z": "complex128",
}
_KINDS = {
    "scalar": (0, None),
    "vector": (1, None),
    "matrix": (2, None),
    "row": (2, (True, False)),
    "col": (2, (False, True)),
    "tensor3": (3, None),
    "tensor4": (4, None),
    "tensor5": (5, None),
}
for _p, _dtype in _PREFIXES.items():
    for _kind, (_ndim, _pattern) in _KINDS.items():
        globals()[_p + _kind] = _constructor(_ndim, _pattern, _dtype)
# e.g. lscalar, ivector, fmatrix, dtensor4 are now defined above


def _plural(make):
    """Theano's plural constructor for ``make``: one variable per name, or ``n`` unnamed ones.

    As in Theano, a single name gives one variable (not a list), and a single string of several
    letters gives one variable per letter: ``dscalars('xy')`` is ``[dscalar('x'),
    dscalar('y')]``.
    """

    def make_many(*names):
        if names and isinstance(names[0], int):
            return [make() for _ in range(names[0])]
        if len(names) == 1:
            names = names[0]
        if len(names) == 1:
            return make(names if isinstance(names, str) else names[0])
        return [make(name) for name in names]

    return make_many


# Theano's plural names: scalars, fmatrices, ivectors, dtensor4s ... (its prefixes f d i l only)
_PLURALS = {kind: "matrices" if kind == "matrix" else kind + "s" for kind in _KINDS}
for _kind, _plural_name in _PLURALS.items():
    globals()[_plural_name] = _plural(globals()[_kind])
    for _p in "fdil":
        globals()[_p + _plural_name] = _plural(globals()[_p + _kind])


def typed_constructors() -> list[str]:
    """The names of the typed constructors (``fmatrix``, ``ivector``...) and of their plural
    forms (``scalars``, ``fmatrices``, ``ivectors``...)."""
    singles = [p + k for p in _PREFIXES for k in _KINDS]
    plurals = [p + name for name in _PLURALS.values() for p in ("", "f", "d", "i", "l")]
    return singles + plurals


# --- helpers on shapes -------------------------------------------------------------------------


def prod_of(items):
    """The product of ints and symbolic scalars (1 for none)."""
    result = 1
    for item in items:
        result = item * result if not isinstance(result, int) or result != 1 else item
    return result


# --- alloc and friends ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alloc(Op):
    """A tensor of the given shape filled with ``value`` (broadcast along new leading dims)."""

    def make_node(self, value, *shape_scalars) -> Apply:
        value = as_tensor_variable(value)
        dims = [as_tensor_variable(s) for s in shape_scalars]
        for d in dims:
            if d.ndim != 0 or d.dtype not in INT_DTYPES:
                raise TypeError(f"Alloc: shape entries must be integer scalars, got {d.type}")
        if value.ndim > len(dims):
            raise ValueError(
                f"Alloc: the value has {value.ndim} dims, more than the {len(dims)} of the shape"
            )
        bcast = tuple(isinstance(d, Constant) and int(d.data) == 1 for d in dims)
        return Apply(self, [value] + dims, [TensorType(value.dtype, bcast)()])

    def perform(self, xp, value, *shape):
        out = xp.empty(tuple(int(s) for s in shape), dtype=value.dtype)
        out[...] = value
        return out

    def infer_shape(self, node, input_shapes):
        return [tuple(node.inputs[1:])]

    def grad(self, inputs, outputs, output_grads):
        value, (gz,) = inputs[0], output_grads
        n_new = gz.ndim - value.ndim
        g = gz.sum(axis=tuple(range(n_new))) if n_new else gz
        axes = tuple(a for a, b in enumerate(value.broadcastable) if b and not g.broadcastable[a])
        if axes:
            g = g.sum(axis=axes, keepdims=True)
        return [g] + [None] * (len(inputs) - 1)


def _shape_scalars(shape_arg):
    from ..graph import Variable
    from .static_values import get_vector_length  # (static_values builds on this module)

    if isinstance(shape_arg, Variable) and shape_arg.ndim == 1:
        try:
            n = get_vector_length(shape_arg)
        except ValueError:
            raise ValueError(
                f"the length of the symbolic shape vector {shape_arg} is not known; pass a "
                f"tuple of scalars"
            ) from None
        return [shape_arg[i] for i in range(n)]
    if isinstance(shape_arg, (int, np.integer)) or (
        isinstance(shape_arg, Variable) and shape_arg.ndim == 0
    ):
        shape_arg = (shape_arg,)
    return [constant(np.int64(s)) if isinstance(s, (int, np.integer)) else s for s in shape_arg]


def alloc(value, *shape):
    """A tensor of ``shape`` filled with ``value``: ``T.alloc(0.0, n, m)``."""
    if (
        len(shape) == 1
        and not isinstance(shape[0], (int, np.integer))
        and not (hasattr(shape[0], "ndim") and shape[0].ndim == 0)
    ):
        shape = tuple(_shape_scalars(shape[0]))
    return Alloc()(value, *_shape_scalars(shape))


def zeros(shape, dtype=None):
    """A tensor of zeros of ``shape`` (ints or symbolic scalars, or a shape vector)."""
    return alloc(np.zeros((), dtype=dtype or config.floatX), *_shape_scalars(shape))


def ones(shape, dtype=None):
    """A tensor of ones of ``shape``."""
    return alloc(np.ones((), dtype=dtype or config.floatX), *_shape_scalars(shape))


def _fill_like(x, value, dtype):
    x = as_tensor_variable(x)
    dtype = dtype or x.dtype
    scalars = [1 if b else shape(x)[i] for i, b in enumerate(x.broadcastable)]
    return alloc(np.asarray(value, dtype=dtype), *_shape_scalars(scalars))


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of ``x``."""
    return _fill_like(x, 0, dtype)


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype, unless given) of ``x``."""
    return _fill_like(x, 1, dtype)


def fill(model, value):
    """``value`` broadcast to the shape of ``model``."""
    value = as_tensor_variable(value)
    return alloc(
        value,
        *_shape_scalars([1 if b else shape(model)[i] for i, b in enumerate(model.broadcastable)]),
    )


second = fill


# --- arange ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ARange(Op):
    """``arange(start, stop, step)`` with a fixed output ``dtype``."""

    dtype: str

    def make_node(self, start, stop, step) -> Apply:
        inputs = [as_tensor_variable(v) for v in (start, stop, step)]
        for v in inputs:
            if v.ndim != 0:
                raise TypeError(f"arange: start, stop and step must be scalars, got {v.type}")
        return Apply(self, inputs, [TensorType(self.dtype, (False,))()])

    def perform(self, xp, start, stop, step):
        return xp.arange(start.item(), stop.item(), step.item(), dtype=self.dtype)

    def infer_shape(self, node, input_shapes):
        from .elemwise import ceil, maximum, true_div

        start, stop, step = node.inputs
        n = cast(ceil(true_div(cast(stop - start, "float64"), step)), "int64")
        return [(maximum(n, 0),)]

    def grad(self, inputs, outputs, output_grads):
        return [None, None, None]


def arange(start, stop=None, step=1, dtype=None):
    """Symbolic ``numpy.arange``; the dtype is the upcast of the arguments' dtypes."""
    if stop is None:
        start, stop = 0, start
    start, stop, step = (as_tensor_variable(v) for v in (start, stop, step))
    if dtype is None:
        dtype = upcast(start.dtype, stop.dtype, step.dtype)
        if dtype in INT_DTYPES:
            dtype = "int64"
    return ARange(dtype)(start, stop, step)


# --- join and stack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Join(Op):
    """Concatenate tensors of equal ndim along ``axis``."""

    axis: int

    def make_node(self, *tensors) -> Apply:
        tensors = [as_tensor_variable(t) for t in tensors]
        if not tensors:
            raise ValueError("concatenate: needs at least one tensor")
        ndim = tensors[0].ndim
        if any(t.ndim != ndim for t in tensors) or not 0 <= self.axis < ndim:
            raise TypeError(
                f"concatenate(axis={self.axis}): inputs must have the same ndim, with "
                f"the axis in range; got {', '.join(str(t.type) for t in tensors)}"
            )
        dtype = upcast(*[t.dtype for t in tensors])
        bcast = [all(bs) for bs in zip(*(t.broadcastable for t in tensors))]
        bcast[self.axis] = False
        return Apply(self, [cast(t, dtype) for t in tensors], [TensorType(dtype, tuple(bcast))()])

    def perform(self, xp, *tensors):
        try:
            return xp.concatenate(tensors, axis=self.axis)
        except ValueError:
            raise ValueError(
                f"concatenate(axis={self.axis}): shapes "
                f"{', '.join(str(t.shape) for t in tensors)} differ off the axis"
            ) from None

    def infer_shape(self, node, input_shapes):
        first = input_shapes[0]
        total = first[self.axis]
        for s in input_shapes[1:]:
            total = total + s[self.axis]
        return [tuple(total if a == self.axis else n for a, n in enumerate(first))]

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        grads, start = [], 0
        for t in inputs:
            stop = start + shape(t)[self.axis]
            index = [slice(None)] * gz.ndim
            index[self.axis] = slice(start, stop)
            g = gz[tuple(index)]
            from .shape import patternbroadcast

            grads.append(patternbroadcast(g, t.broadcastable) if t.dtype[0] in "fc" else None)
            start = stop
        return grads


def concatenate(tensor_list, axis=0):
    """Join tensors along an existing ``axis``."""
    tensor_list = [as_tensor_variable(t) for t in tensor_list]
    if axis < 0:
        axis += tensor_list[0].ndim
    return Join(axis)(*tensor_list)


def join(axis, *tensors_list):
    """Theano's ``T.join(axis, *tensors)``: ``concatenate(tensors, axis)``."""
    return concatenate(tensors_list, axis=axis)


def _stack_matrices(what, axis, args):
    args = [as_tensor_variable(a) for a in args]
    if any(a.ndim != 2 for a in args):
        raise TypeError(f"{what}: needs matrices, got {[str(a.type) for a in args]}")
    return concatenate(args, axis=axis)


def horizontal_stack(*args):
    """Matrices side by side (joined along their columns, axis 1)."""
    return _stack_matrices("horizontal_stack", 1, args)


def vertical_stack(*args):
    """Matrices one above the other (joined along their rows, axis 0)."""
    return _stack_matrices("vertical_stack", 0, args)


def stack(*tensors, **kwargs):
    """Join tensors along a new ``axis``: ``stack([a, b, c], axis=0)``, or Theano's older
    ``stack(a, b, c)`` (deprecated there too; warns)."""
    axis = kwargs.pop("axis", 0)
    if "tensors" in kwargs:
        tensors = (kwargs.pop("tensors"),)
    if kwargs or not tensors:
        raise TypeError(f"stack(tensors, axis=0): unexpected arguments {sorted(kwargs)}")
    if isinstance(tensors[0], (list, tuple)):
        if len(tensors) == 2:
            axis = tensors[1]
        elif len(tensors) > 2:
            raise TypeError("stack(tensors, axis=0): too many arguments")
        tensors = tensors[0]
    else:
        warnings.warn(
            "stack(*tensors) is deprecated (as in Theano); use stack(tensors, axis=0)",
            DeprecationWarning,
            stacklevel=2,
        )
    tensors = [as_tensor_variable(t) for t in tensors]
    ndim = tensors[0].ndim
    if axis < 0:
        axis += ndim + 1
    order = tuple(range(axis)) + ("x",) + tuple(range(axis, ndim))
    return concatenate([dimshuffle(t, order) for t in tensors], axis=axis)
