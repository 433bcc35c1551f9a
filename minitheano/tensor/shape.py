"""Shape operations: ``shape``, ``dimshuffle``, ``reshape``, ``flatten`` and broadcast flags."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..graph import Apply
from ..op import Op
from .type import INT_DTYPES, TensorType, as_tensor_variable, constant


@dataclass(frozen=True)
class Shape(Op):
    """The shape of a tensor, as an int64 vector."""

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        return Apply(self, [x], [TensorType("int64", (False,))()])

    def perform(self, xp, x):
        return xp.asarray(x.shape, dtype="int64")

    def infer_shape(self, node, input_shapes):
        return [(node.inputs[0].ndim,)]

    def grad(self, inputs, outputs, output_grads):
        return [None]


def shape(x):
    """``x.shape`` as a symbolic int64 vector (index it: ``x.shape[0]``)."""
    return Shape()(x)


@dataclass(frozen=True)
class DimShuffle(Op):
    """Permute dims, insert broadcastable dims (``'x'``) and drop broadcastable ones.

    ``new_order`` lists, for each output dim, an input axis or ``'x'``. Input axes not listed
    are dropped; only broadcastable axes may be dropped.
    """

    input_broadcastable: tuple
    new_order: tuple

    def __post_init__(self):
        ndim = len(self.input_broadcastable)
        axes = [a for a in self.new_order if a != "x"]
        for a in axes:
            if not isinstance(a, (int, np.integer)) or not 0 <= a < ndim:
                raise ValueError(
                    f"dimshuffle{self.new_order}: {a!r} is not an axis of an input "
                    f"with {ndim} dims (use ints in 0..{ndim - 1} or 'x')"
                )
        if len(set(axes)) != len(axes):
            raise ValueError(f"dimshuffle{self.new_order}: an axis appears twice")
        for a in range(ndim):
            if a not in axes and not self.input_broadcastable[a]:
                raise ValueError(
                    f"dimshuffle{self.new_order}: cannot drop dim {a} of an input with "
                    f"broadcastable={self.input_broadcastable}: only broadcastable dims "
                    f"(known size 1) may be dropped"
                )

    def __str__(self) -> str:
        return "DimShuffle{" + ",".join(str(a) for a in self.new_order) + "}"

    @property
    def kept(self) -> tuple:
        return tuple(a for a in self.new_order if a != "x")

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if x.broadcastable != self.input_broadcastable:
            if x.ndim != len(self.input_broadcastable):
                raise TypeError(
                    f"{self}: expected an input with {len(self.input_broadcastable)} "
                    f"dims, got {x.type}"
                )
        bcast = tuple(True if a == "x" else x.broadcastable[a] for a in self.new_order)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x):
        # every step below returns a view: squeeze, transpose, expand_dims
        kept = self.kept
        if len(kept) != x.ndim:
            x = xp.squeeze(x, axis=tuple(a for a in range(x.ndim) if a not in kept))
            rank = {a: i for i, a in enumerate(sorted(kept))}
            kept = tuple(rank[a] for a in kept)
        if kept != tuple(range(len(kept))):
            x = x.transpose(kept)
        if len(kept) != len(self.new_order):
            x = xp.expand_dims(x, tuple(i for i, a in enumerate(self.new_order) if a == "x"))
        return x

    def infer_shape(self, node, input_shapes):
        (shp,) = input_shapes
        return [tuple(1 if a == "x" else shp[a] for a in self.new_order)]

    def grad(self, inputs, outputs, output_grads):
        (x,), (gz,) = inputs, output_grads
        # drop the inserted axes, undo the permutation, re-insert the dropped axes
        kept_positions = [i for i, a in enumerate(self.new_order) if a != "x"]
        g = gz
        if len(kept_positions) != len(self.new_order):
            g = DimShuffle(gz.broadcastable, tuple(kept_positions))(
                _force_broadcastable(gz, [i for i, a in enumerate(self.new_order) if a == "x"])
            )
        order = [None] * x.ndim
        for pos, a in enumerate(self.kept):
            order[a] = pos
        order = tuple("x" if o is None else o for o in order)
        g = DimShuffle(g.broadcastable, order)(g)
        return [_match_broadcastable(g, x.broadcastable)]


def dimshuffle(x, new_order):
    """``x`` with dims reordered as ``new_order`` (ints and ``'x'``); see ``DimShuffle``."""
    x = as_tensor_variable(x)
    new_order = tuple(new_order)
    if new_order == tuple(range(x.ndim)):
        return x
    return DimShuffle(x.broadcastable, new_order)(x)


def transpose(x, axes=None):
    """``x`` with its dims in the order ``axes`` (reversed by default), as ``numpy.transpose``."""
    x = as_tensor_variable(x)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(axes)
    if sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise ValueError(f"transpose: axes {axes} are not a permutation of {x.ndim} dims")
    return dimshuffle(x, [a % x.ndim for a in axes])


def shape_padleft(t, n_ones=1):
    """``t`` with ``n_ones`` broadcastable dims added on the left."""
    t = as_tensor_variable(t)
    return dimshuffle(t, ["x"] * n_ones + list(range(t.ndim)))


def shape_padright(t, n_ones=1):
    """``t`` with ``n_ones`` broadcastable dims added on the right."""
    t = as_tensor_variable(t)
    return dimshuffle(t, list(range(t.ndim)) + ["x"] * n_ones)


def shape_padaxis(t, axis):
    """``t`` with a broadcastable dim inserted at ``axis`` (negative counts from the end)."""
    t = as_tensor_variable(t)
    if not -t.ndim - 1 <= axis <= t.ndim:
        raise IndexError(f"shape_padaxis: axis {axis} is out of range for {t.ndim} dims")
    axis = axis + t.ndim + 1 if axis < 0 else axis
    order = list(range(t.ndim))
    return dimshuffle(t, order[:axis] + ["x"] + order[axis:])


@dataclass(frozen=True)
class Rebroadcast(Op):
    """Set the broadcastable flags of some axes (checked at run time when set to True)."""

    axes: tuple  # ((axis, flag), ...)

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        bcast = list(x.broadcastable)
        for axis, flag in self.axes:
            if not 0 <= axis < x.ndim:
                raise ValueError(f"{self}: axis {axis} out of range for {x.type}")
            bcast[axis] = flag
        return Apply(self, [x], [TensorType(x.dtype, tuple(bcast))()])

    def perform(self, xp, x):
        for axis, flag in self.axes:
            if flag and x.shape[axis] != 1:
                raise ValueError(
                    f"{self}: dim {axis} was declared broadcastable (size 1) but "
                    f"the input has shape {x.shape}"
                )
        return x

    def infer_shape(self, node, input_shapes):
        return [
            tuple(
                1 if node.outputs[0].broadcastable[a] else s for a, s in enumerate(input_shapes[0])
            )
        ]

    def grad(self, inputs, outputs, output_grads):
        return [_match_broadcastable(output_grads[0], inputs[0].broadcastable)]


def _match_broadcastable(g, broadcastable):
    changes = tuple(
        (a, b) for a, (b, gb) in enumerate(zip(broadcastable, g.broadcastable)) if b != gb
    )
    return Rebroadcast(changes)(g) if changes else g


def _force_broadcastable(g, axes):
    changes = tuple((a, True) for a in axes if not g.broadcastable[a])
    return Rebroadcast(changes)(g) if changes else g


def addbroadcast(x, *axes):
    """``x`` with ``axes`` marked broadcastable (their size must be 1 at run time)."""
    x = as_tensor_variable(x)
    return _match_broadcastable(
        x, tuple(True if a in axes else b for a, b in enumerate(x.broadcastable))
    )


def unbroadcast(x, *axes):
    """``x`` with ``axes`` marked not broadcastable."""
    x = as_tensor_variable(x)
    return _match_broadcastable(
        x, tuple(False if a in axes else b for a, b in enumerate(x.broadcastable))
    )


def patternbroadcast(x, broadcastable):
    """``x`` with exactly the given broadcastable flags."""
    return _match_broadcastable(as_tensor_variable(x), tuple(broadcastable))


@dataclass(frozen=True)
class Reshape(Op):
    """``x`` reshaped to the int vector ``shape`` (of length ``ndim``; one entry may be -1)."""

    ndim: int

    def make_node(self, x, shp, broadcastable=None) -> Apply:
        x, shp = as_tensor_variable(x), as_tensor_variable(shp)
        if shp.ndim != 1 or shp.dtype not in INT_DTYPES:
            raise TypeError(f"{self}: the shape must be an integer vector, got {shp.type}")
        if broadcastable is None:
            broadcastable = (False,) * self.ndim
            if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
                from ..graph import Constant

                broadcastable = tuple(
                    isinstance(e, Constant) and int(e.data) == 1 for e in shp.owner.inputs
                )
            elif hasattr(shp, "data"):
                broadcastable = tuple(int(s) == 1 for s in shp.data)
        return Apply(self, [x, shp], [TensorType(x.dtype, broadcastable)()])

    def perform(self, xp, x, shp):
        if len(shp) != self.ndim:
            raise ValueError(f"{self}: shape {tuple(shp)} does not have {self.ndim} entries")
        try:
            return x.reshape(tuple(int(s) for s in shp))
        except ValueError:
            raise ValueError(
                f"Reshape: cannot reshape an array of shape {x.shape} "
                f"(size {x.size}) to {tuple(int(s) for s in shp)}"
            ) from None

    def infer_shape(self, node, input_shapes):
        from ..graph import Constant
        from .basic import prod_of

        xshp = input_shapes[0]
        shp = node.inputs[1]
        if isinstance(shp, Constant) and -1 not in shp.data.tolist():
            return [tuple(int(s) for s in shp.data)]
        entries = [shp[i] for i in range(self.ndim)]
        if shp.owner is not None and isinstance(shp.owner.op, MakeVector):
            entries = [int(e.data) if isinstance(e, Constant) else e for e in shp.owner.inputs]
            if all(isinstance(e, int) and e != -1 for e in entries):
                return [tuple(entries)]
        # a -1 entry is the input size over the product of the other entries
        from .elemwise import eq, int_div, switch

        total = prod_of(xshp)
        known = prod_of(entries)
        return [tuple(switch(eq(e, -1), int_div(total, -known), e) for e in entries)]

    def grad(self, inputs, outputs, output_grads):
        x, _ = inputs
        return [
            reshape(output_grads[0], shape(x), ndim=x.ndim, broadcastable=x.broadcastable),
            None,
        ]


@dataclass(frozen=True)
class MakeVector(Op):
    """A vector made of scalars (used for shapes given as tuples)."""

    dtype: str = "int64"

    def make_node(self, *scalars) -> Apply:
        scalars = [as_tensor_variable(s) for s in scalars]
        for s in scalars:
            if s.ndim != 0:
                raise TypeError(f"{self}: expected scalars, got {s.type}")
        from .elemwise import cast

        scalars = [cast(s, self.dtype) for s in scalars]
        return Apply(self, scalars, [TensorType(self.dtype, (False,))()])

    def perform(self, xp, *scalars):
        if not scalars:
            return xp.zeros(0, dtype=self.dtype)
        return xp.stack([xp.asarray(s, dtype=self.dtype) for s in scalars])

    def infer_shape(self, node, input_shapes):
        return [(len(node.inputs),)]

    def grad(self, inputs, outputs, output_grads):
        (gz,) = output_grads
        return [gz[i] if inputs[i].dtype not in INT_DTYPES else None for i in range(len(inputs))]


def as_shape_vector(shape):
    """A symbolic int64 vector for a shape given as ints and scalars, or as a vector."""
    from ..graph import Variable

    if isinstance(shape, Variable):
        if shape.ndim == 0:
            return MakeVector("int64")(shape)
        return shape
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = list(shape)
    if all(isinstance(s, (int, np.integer)) for s in shape):
        return constant(np.asarray(shape, dtype="int64"))
    return MakeVector("int64")(*shape)


def reshape(x, newshape, ndim=None, broadcastable=None):
    """``x`` with shape ``newshape`` (ints and symbolic scalars; one entry may be -1)."""
    x = as_tensor_variable(x)
    shp = as_shape_vector(newshape)
    if ndim is None:
        if shp.type.broadcastable == (True,) and not hasattr(shp, "data") and shp.owner is None:
            ndim = 1
        elif hasattr(shp, "data"):
            ndim = len(shp.data)
        elif shp.owner is not None and isinstance(shp.owner.op, MakeVector):
            ndim = len(shp.owner.inputs)
        elif shp.owner is not None and isinstance(shp.owner.op, Shape):
            ndim = shp.owner.inputs[0].ndim
        else:
            raise ValueError(
                "reshape: the new shape is a symbolic vector of unknown length; pass ndim="
            )
    return Reshape(ndim)(x, shp, broadcastable)


@dataclass(frozen=True)
class Flatten(Op):
    """Theano's flatten: keep the first ``outdim - 1`` dims, merge the rest into the last."""

    outdim: int = 1

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        if not 1 <= self.outdim <= max(x.ndim, 1):
            raise ValueError(f"flatten: ndim={self.outdim} must be in 1..{x.ndim} for {x.type}")
        bcast = x.broadcastable[: self.outdim - 1] + (all(x.broadcastable[self.outdim - 1 :]),)
        return Apply(self, [x], [TensorType(x.dtype, bcast)()])

    def perform(self, xp, x):
        # the merged size is given, not -1: NumPy cannot infer -1 next to a 0-size dim
        return x.reshape(x.shape[: self.outdim - 1] + (math.prod(x.shape[self.outdim - 1 :]),))

    def infer_shape(self, node, input_shapes):
        from .basic import prod_of

        shp = input_shapes[0]
        return [tuple(shp[: self.outdim - 1]) + (prod_of(shp[self.outdim - 1 :]),)]

    def grad(self, inputs, outputs, output_grads):
        x = inputs[0]
        return [reshape(output_grads[0], shape(x), ndim=x.ndim, broadcastable=x.broadcastable)]


def flatten(x, ndim=1, outdim=None):
    """``x`` with its trailing dims merged so that it has ``ndim`` dims (Theano's meaning)."""
    return Flatten(outdim if outdim is not None else ndim)(x)
