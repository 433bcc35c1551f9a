"""Theano's ``T.extra_ops``: cumulative sums and products, ``diff``, ``repeat``, ``tile``,
``squeeze``, ``to_one_hot``, ``nonzero``. The cumulative ops and ``Nonzero`` are ops of their
own; the rest are built from existing ones, so their gradients come for free."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import config
from ..graph import Apply, Variable
from ..missing import module_getattr
from ..op import Op
from .basic import alloc, arange, zeros, zeros_like
from .shape import dimshuffle, flatten, reshape, shape
from .sort import AlongAxis
from .static_values import get_vector_length
from .subtensor import inc_subtensor, set_subtensor
from .type import DISCRETE_DTYPES, INT_DTYPES, TensorType, as_tensor_variable


@dataclass(frozen=True)
class CumOp(AlongAxis):
    """Cumulative ``add`` or ``mul`` along ``axis`` (``None``: of the flattened input)."""

    mode: str = "add"  # add | mul

    def __str__(self) -> str:
        return f"Cum{self.mode}{{axis={self.axis}}}"

    def perform(self, xp, x):
        fn = xp.cumsum if self.mode == "add" else xp.cumprod
        return fn(x, axis=self.axis, dtype=x.dtype)

    def grad(self, inputs, outputs, output_grads):
        (x,), (out,), (gz,) = inputs, outputs, output_grads
        if x.dtype in DISCRETE_DTYPES:
            return [None]
        flat = self.axis is None
        axis = 0 if flat else self.axis % x.ndim
        reverse = tuple(
            slice(None, None, -1) if a == axis else slice(None) for a in range(gz.ndim)
        )
        # d out_j / d x_i sums over j >= i: a cumulative sum of the reversed gradient, reversed
        if self.mode == "add":
            g = CumOp(axis, "add")(gz[reverse])[reverse]
        else:  # out_j / x_i for j >= i (zeros in x give nan, as in Theano)
            g = CumOp(axis, "add")((gz * out)[reverse])[reverse] / (flatten(x) if flat else x)
        return [reshape(g, shape(x), ndim=x.ndim) if flat else g]


def cumsum(x, axis=None):
    """Cumulative sum along ``axis`` (of the flattened tensor when ``axis`` is None)."""
    return CumOp(axis, "add")(x)


def cumprod(x, axis=None):
    """Cumulative product along ``axis`` (of the flattened tensor when ``axis`` is None)."""
    return CumOp(axis, "mul")(x)


def diff(x, n=1, axis=-1):
    """The ``n``-th differences along ``axis``, as ``numpy.diff``."""
    x = as_tensor_variable(x)
    axis %= x.ndim
    for _ in range(n):
        head = tuple(slice(1, None) if a == axis else slice(None) for a in range(x.ndim))
        tail = tuple(slice(None, -1) if a == axis else slice(None) for a in range(x.ndim))
        x = x[head] - x[tail]
    return x


def repeat(x, repeats, axis=None):
    """Each element repeated ``repeats`` times along ``axis`` (flattened when None), as
    ``numpy.repeat``: ``repeats`` is an int, a symbolic int scalar, or an int vector giving
    each element its own count."""
    x = as_tensor_variable(x)
    if axis is None:
        x, axis = flatten(x), 0
    axis %= x.ndim
    if isinstance(repeats, int):
        if repeats < 0:
            raise ValueError(f"repeat: repeats must be non-negative, got {repeats}")
    else:
        repeats = as_tensor_variable(repeats)
        if repeats.dtype not in INT_DTYPES or repeats.ndim > 1:
            raise TypeError(f"repeat: repeats must be an int scalar or vector, got {repeats.type}")
        if repeats.ndim == 1 and repeats.broadcastable[0]:
            repeats = repeats[0]
        if repeats.ndim == 1:
            return RepeatOp(axis)(x, repeats)
    # the same count for every element: broadcast along a new axis, then merge it
    order = list(range(axis + 1)) + ["x"] + list(range(axis + 1, x.ndim))
    sizes = [shape(x)[a] for a in range(x.ndim)]
    tiled = alloc(dimshuffle(x, order), *sizes[: axis + 1], repeats, *sizes[axis + 1 :])
    merged = sizes[:axis] + [sizes[axis] * repeats] + sizes[axis + 1 :]
    return reshape(tiled, merged, ndim=x.ndim)


@dataclass(frozen=True)
class RepeatOp(Op):
    """``numpy.repeat(x, repeats, axis)`` with a vector ``repeats`` (one count per element)."""

    axis: int

    def make_node(self, x, repeats) -> Apply:
        x, repeats = as_tensor_variable(x), as_tensor_variable(repeats)
        bcast = tuple(False if a == self.axis else b for a, b in enumerate(x.broadcastable))
        return Apply(self, [x, repeats], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x, repeats):
        if repeats.shape[0] != x.shape[self.axis]:
            raise ValueError(
                f"{self}: {repeats.shape[0]} repeats for {x.shape[self.axis]} elements along "
                f"axis {self.axis} of an input of shape {x.shape}"
            )
        return xp.repeat(x, repeats, axis=self.axis)

    def infer_shape(self, node, input_shapes):
        from .reduce import sum as sum_

        out = list(input_shapes[0])
        out[self.axis] = sum_(node.inputs[1], dtype="int64")
        return [tuple(out)]

    def grad(self, inputs, outputs, output_grads):
        # each input element receives the sum of the gradients of its copies (a scatter-add)
        (x, repeats), (gz,) = inputs, output_grads
        if x.dtype in DISCRETE_DTYPES:
            return [None, None]
        source = RepeatOp(0)(arange(shape(x)[self.axis]), repeats)
        index = (slice(None),) * self.axis + (source,)
        return [inc_subtensor(zeros_like(x)[index], gz), None]


def tile(x, reps, ndim=None):
    """``x`` repeated ``reps[i]`` times along each axis ``i``, as ``numpy.tile``; ``reps`` is an
    int, a list of ints and symbolic int scalars, or a symbolic int vector of known length."""
    x = as_tensor_variable(x)
    if isinstance(reps, Variable) and reps.ndim == 1:
        try:
            n = get_vector_length(reps)
        except ValueError:
            if ndim is None:
                raise ValueError("tile: reps is a vector of unknown length; pass ndim") from None
            n = ndim
        reps = [reps[i] for i in range(n)]
    elif isinstance(reps, Variable):
        reps = [reps]
    reps = [reps] if isinstance(reps, int) else list(reps)
    for r in reps:
        if isinstance(r, int) and r < 0 or isinstance(r, Variable) and r.dtype not in INT_DTYPES:
            raise ValueError(f"tile: reps must be non-negative ints or int scalars, got {r!r}")
    ndim = max(x.ndim, len(reps)) if ndim is None else ndim
    if ndim < max(x.ndim, len(reps)):
        raise ValueError(f"tile: ndim={ndim} is less than x's {x.ndim} dims or len(reps)")
    reps = [1] * (ndim - len(reps)) + reps
    x = dimshuffle(x, ["x"] * (ndim - x.ndim) + list(range(x.ndim)))
    sizes = [shape(x)[a] for a in range(ndim)]
    order, alloc_shape = [], []
    for a in range(ndim):  # a new axis of size reps[a] in front of each axis
        order += ["x", a]
        alloc_shape += [reps[a], sizes[a]]
    tiled = alloc(dimshuffle(x, order), *alloc_shape)
    return reshape(tiled, [r * size for r, size in zip(reps, sizes)], ndim=ndim)


@dataclass(frozen=True)
class Nonzero(Op):
    """The indices of the non-zero elements: an int64 matrix with one row per axis of ``x``."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.ndim == 0:
            raise TypeError(f"nonzero: needs at least one dim, got {x.type}")
        return Apply(self, [x], [TensorType("int64", (x.ndim == 1, False))()])

    def perform(self, xp, x):
        return xp.stack(xp.nonzero(x)).astype("int64")

    def infer_shape(self, node, input_shapes):
        from .elemwise import neq
        from .reduce import sum as sum_

        (x,) = node.inputs
        return [(x.ndim, sum_(neq(x, 0), dtype="int64"))]  # the count depends on the values

    def grad(self, inputs, outputs, output_grads):
        return [None]


def nonzero(a, return_matrix=False):
    """The indices of the non-zero elements of ``a``: a tuple with one int64 vector per axis,
    or, with ``return_matrix``, the matrix of them (one row per axis)."""
    a = as_tensor_variable(a)
    matrix = Nonzero()(a)
    return matrix if return_matrix else tuple(matrix[i] for i in range(a.ndim))


def flatnonzero(a):
    """The indices of the non-zero elements of the flattened ``a``."""
    return nonzero(flatten(a))[0]


def nonzero_values(a):
    """The non-zero elements of ``a``, flattened."""
    return flatten(a)[flatnonzero(a)]


def squeeze(x):
    """``x`` without its broadcastable dims."""
    x = as_tensor_variable(x)
    return dimshuffle(x, [a for a, b in enumerate(x.broadcastable) if not b])


def to_one_hot(y, nb_class, dtype=None):
    """One row per label of the int vector ``y``: 1 at the label's column, 0 elsewhere."""
    y = as_tensor_variable(y)
    n = shape(y)[0]
    one_hot = zeros((n, nb_class), dtype=dtype or config.floatX)
    return set_subtensor(one_hot[arange(n), y], 1)


__getattr__ = module_getattr(__name__)  # Theano names not provided: say so (missing.py)
