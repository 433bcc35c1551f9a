"""What the convolution ops share, whatever their number of spatial dims: props, geometry
(padding, output shape), checks of the shapes against each other, grouped convolution, and the
forward / grad-wrt-weights / grad-wrt-inputs trio whose gradients are written with each other.

Concrete ops (``Conv2d`` ..., ``Conv3d`` ...) add ``compute``: the array code for one group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ...graph import Apply, Constant
from ...op import Op
from ..elemwise import cast
from ..shape import shape
from ..static_values import get_vector_length
from ..type import FLOAT_DTYPES, TensorType, as_tensor_variable, upcast
from ..windows import out_size

SPATIAL = {2: "rows, columns", 3: "depth, rows, columns"}


def normalize_border_mode(border_mode, convdim=2, name="conv2d"):
    """``'valid' | 'full' | 'half'``, an int, or one entry per spatial axis: an int (both sides)
    or a pair ``(before, after)``; all zeros is ``'valid'``."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(
                f"{name}: border_mode must be 'valid', 'full', 'half', an int or a tuple of "
                f"{convdim} ints (or of pairs), got {border_mode!r}"
            )
        return border_mode
    if isinstance(border_mode, int):
        border_mode = (border_mode,) * convdim
    try:
        entries = tuple(
            tuple(int(p) for p in b) if isinstance(b, (tuple, list)) else int(b)
            for b in border_mode
        )
    except TypeError:
        raise ValueError(f"{name}: invalid border_mode {border_mode!r}") from None
    flat = [p for e in entries for p in (e if isinstance(e, tuple) else (e,))]
    if (
        len(entries) != convdim
        or min(flat, default=0) < 0
        or any(isinstance(e, tuple) and len(e) != 2 for e in entries)
    ):
        raise ValueError(
            f"{name}: border_mode must have {convdim} non-negative entries (ints or pairs), "
            f"got {border_mode!r}"
        )
    entries = tuple(e[0] if isinstance(e, tuple) and e[0] == e[1] else e for e in entries)
    return "valid" if not any(flat) else entries


def normalize_ints(value, convdim, what, name):
    """A tuple of ``convdim`` positive ints (one int means all of them)."""
    values = (value,) * convdim if isinstance(value, int) else tuple(value)
    if len(values) != convdim or any(int(v) != v or v < 1 for v in values):
        raise ValueError(f"{name}: {what} must be {convdim} positive ints, got {value!r}")
    return tuple(int(v) for v in values)


def declared_shape(shape_, length, what, name):
    """A declared shape (ints, constants or None per entry), or None."""
    if shape_ is None:
        return None
    shape_ = tuple(
        None if s is None else int(s.data if isinstance(s, Constant) else s) for s in shape_
    )
    if len(shape_) != length:
        raise ValueError(f"{name}: {what} must have {length} entries, got {shape_}")
    return shape_


def _vector_length(v):
    """The length of a shape given as a tuple or a symbolic vector, or None if unknown."""
    if isinstance(v, (tuple, list)):
        return len(v)
    try:
        return get_vector_length(v)
    except ValueError:
        return None


@dataclass(frozen=True)
class BaseConv(Op):
    """Props and geometry shared by the convolution ops (``convdim`` spatial dims)."""

    border_mode: object = "valid"
    subsample: tuple | None = None
    filter_flip: bool = True
    filter_dilation: tuple | None = None
    input_shape: tuple | None = None
    filter_shape: tuple | None = None
    num_groups: int = 1
    unshared: bool = False

    convdim: ClassVar[int] = 2
    name: ClassVar[str] = "conv2d"
    #: (forward, grad wrt weights, grad wrt inputs) classes of this family
    trio: ClassVar[tuple] = ()

    def __post_init__(self):
        n, name = self.convdim, self.name
        ones = (1,) * n
        subsample = ones if self.subsample is None else self.subsample
        dilation = ones if self.filter_dilation is None else self.filter_dilation
        fields = {
            "border_mode": normalize_border_mode(self.border_mode, n, name),
            "subsample": normalize_ints(subsample, n, "subsample", name),
            "filter_dilation": normalize_ints(dilation, n, "filter_dilation", name),
            "input_shape": declared_shape(self.input_shape, 2 + n, "input_shape", name),
            "filter_shape": declared_shape(
                self.filter_shape, 2 + n * (2 if self.unshared else 1), "filter_shape", name
            ),
            "filter_flip": bool(self.filter_flip),
            "unshared": bool(self.unshared),
        }
        for key, value in fields.items():
            object.__setattr__(self, key, value)
        if int(self.num_groups) != self.num_groups or self.num_groups < 1:
            raise ValueError(f"{name}: num_groups must be a positive int, got {self.num_groups}")
        shapes = (self.input_shape, self.filter_shape)
        if all(shapes) and None not in (shapes[0][1], shapes[1][-n - 1]):
            if shapes[0][1] != shapes[1][-n - 1] * self.num_groups:
                raise ValueError(
                    f"{name}: input_shape {shapes[0]} has {shapes[0][1]} channels but "
                    f"filter_shape {shapes[1]} expects {self._expected_channels(shapes[1])}"
                )

    def __str__(self) -> str:
        extra = "" if self.filter_flip else ", no flip"
        extra += f", num_groups={self.num_groups}" if self.num_groups > 1 else ""
        extra += ", unshared" if self.unshared else ""
        return f"{type(self).__name__}{{{self.border_mode}, subsample={self.subsample}{extra}}}"

    @property
    def imshp(self):
        """Theano's name of ``input_shape`` (None entries where unknown)."""
        return self.input_shape or (None,) * (2 + self.convdim)

    @property
    def kshp(self):
        """Theano's name of ``filter_shape`` (None entries where unknown)."""
        return self.filter_shape or (None,) * (2 + self.convdim * (2 if self.unshared else 1))

    def pads(self, kernel):
        """``(before, after)`` padding per spatial axis (ints or symbolic scalars)."""
        n = self.convdim
        dilated = [(k - 1) * d + 1 for k, d in zip(kernel, self.filter_dilation)]
        if self.border_mode == "valid":
            return ((0, 0),) * n
        if self.border_mode == "full":
            return tuple((k - 1, k - 1) for k in dilated)
        if self.border_mode == "half":
            return tuple((k // 2, k // 2) for k in dilated)
        return tuple(b if isinstance(b, tuple) else (b, b) for b in self.border_mode)

    def output_spatial(self, spatial, kernel):
        """The output's spatial shape for an input's and a kernel's (ints or symbolic)."""
        return tuple(
            out_size(s, k, st, before, after, d)
            for s, k, st, (before, after), d in zip(
                spatial, kernel, self.subsample, self.pads(kernel), self.filter_dilation
            )
        )

    def _expected_channels(self, w_shape):
        channels = w_shape[-self.convdim - 1]
        groups = self.num_groups
        return channels if groups == 1 else f"{channels} x {groups} groups = {channels * groups}"

    def check_shapes(self, x_shape, w_shape):
        """Run-time check of the real shapes against each other and the declared ones; returns
        the output's spatial shape."""
        n, name = self.convdim, self.name
        for declared, real, what in (
            (self.input_shape, x_shape, "input_shape"),
            (self.filter_shape, w_shape, "filter_shape"),
        ):
            if declared is not None and any(
                d is not None and d != r for d, r in zip(declared, real)
            ):
                raise ValueError(
                    f"{name}: the {what.split('_')[0]} has shape {tuple(real)} "
                    f"but {what}={declared} was declared"
                )
        if x_shape[1] != w_shape[-n - 1] * self.num_groups or w_shape[0] % self.num_groups:
            raise ValueError(
                f"{name}: the input has {x_shape[1]} channels (shape {tuple(x_shape)}) but the "
                f"filters expect {self._expected_channels(w_shape)} (filter shape "
                f"{tuple(w_shape)}"
                + (f", {w_shape[0]} filters" if self.num_groups > 1 else "")
                + ")"
            )
        out = self.output_spatial(x_shape[2:], w_shape[-n:])
        if min(out) < 1:
            raise ValueError(
                f"{name}: filters {tuple(w_shape)} do not fit the input "
                f"{tuple(x_shape)} with border_mode={self.border_mode!r} "
                f"(output would be {'x'.join(map(str, out))})"
            )
        if self.unshared and tuple(w_shape[1 : 1 + n]) != out:
            raise ValueError(
                f"{name}: unshared filters {tuple(w_shape)} must have one kernel per output "
                f"position, {out}"
            )
        return out

    def _check_tensor(self, var, what, ndim):
        if var.ndim != ndim:
            lead = "filters, " if what == "the filters" else "batch, "
            axes = (
                f" ({lead}channels, {SPATIAL[self.convdim]})" if ndim == 2 + self.convdim else ""
            )
            raise TypeError(f"{self.name}: {what} must be a {ndim}-d tensor{axes}, got {var.type}")
        if var.dtype not in FLOAT_DTYPES:
            raise TypeError(f"{self.name}: {what} must be float, got {var.type}")

    @property
    def filter_ndim(self):
        return 2 + self.convdim * (2 if self.unshared else 1)

    def oriented(self, w):
        """The filters as they slide (flipped on their spatial axes for a true convolution)."""
        n = self.convdim
        return w[(Ellipsis,) + (slice(None, None, -1),) * n] if self.filter_flip else w

    def _check_output_gradient(self, gz, expected):
        if gz.shape != tuple(expected):
            raise ValueError(
                f"{self}: the output gradient has shape {gz.shape} ({gz.dtype}), "
                f"expected {tuple(expected)}"
            )

    def _gradient_node(self, tensor, what, tensor_ndim, gz, shape_, out_ndim) -> Apply:
        """The node of a gradient op: ``tensor`` (the input or the filters), the output
        gradient ``gz`` and the shape of what it computes (``out_ndim`` dims); both tensors in
        their upcast dtype."""
        self._check_tensor(tensor, what, tensor_ndim)
        self._check_tensor(gz, "the output gradient", 2 + self.convdim)
        dtype = upcast(tensor.dtype, gz.dtype)
        return Apply(
            self,
            [cast(tensor, dtype), cast(gz, dtype), as_tensor_variable(shape_)],
            [TensorType(dtype, (False,) * out_ndim)()],
        )

    def _groups(self, xp, compute, a, a_axis, b, b_axis, out_axis, *rest):
        """``compute(xp, a_g, b_g, *rest)`` per group (slices of ``a`` and ``b`` along their
        group axes), concatenated along ``out_axis``."""
        g = self.num_groups
        if g == 1:
            return compute(xp, a, b, *rest)
        na, nb = a.shape[a_axis] // g, b.shape[b_axis] // g

        def part(array, axis, size, i):
            return array[(slice(None),) * axis + (slice(i * size, (i + 1) * size),)]

        parts = [
            compute(xp, part(a, a_axis, na, i), part(b, b_axis, nb, i), *rest) for i in range(g)
        ]
        return xp.concatenate(parts, axis=out_axis)


@dataclass(frozen=True)
class ConvForward(BaseConv):
    """``conv(x, w)``: ``(B, C, *spatial)`` input, ``(K, C // num_groups, *kernel)`` filters
    (``(K, *output, C // num_groups, *kernel)`` when unshared)."""

    def make_node(self, x, w) -> Apply:
        x, w = as_tensor_variable(x), as_tensor_variable(w)
        self._check_tensor(x, "the input", 2 + self.convdim)
        self._check_tensor(w, "the filters", self.filter_ndim)
        dtype = upcast(x.dtype, w.dtype)
        bcast = (x.broadcastable[0], w.broadcastable[0]) + (False,) * self.convdim
        return Apply(self, [cast(x, dtype), cast(w, dtype)], [TensorType(dtype, bcast)()])

    def perform(self, xp, x, w):
        out = self.check_shapes(x.shape, w.shape)
        return self._groups(xp, self.compute, x, 1, w, 0, 1, out)

    def infer_shape(self, node, input_shapes):
        x_shape, w_shape = input_shapes
        out = self.output_spatial(x_shape[2:], w_shape[-self.convdim :])
        return [(x_shape[0], w_shape[0]) + out]

    def grad(self, inputs, outputs, output_grads):
        (x, w), (gz,) = inputs, output_grads
        _, grad_weights, grad_inputs = self.trio
        props = self.props()
        return [grad_inputs(**props)(w, gz, shape(x)), grad_weights(**props)(x, gz, shape(w))]


@dataclass(frozen=True)
class ConvGradWeights(BaseConv):
    """Gradient of the convolution with respect to the filters: ``(x, gz, filter_shape) -> gw``.

    ``filter_shape`` is the whole shape, or (as in Theano) only its spatial part.
    """

    def make_node(self, x, gz, w_shape) -> Apply:
        x, gz = as_tensor_variable(x), as_tensor_variable(gz)
        n = self.convdim
        if _vector_length(w_shape) in (None, n):  # Theano's form: the kernel's spatial shape
            lead = [gz.shape[1]]
            lead += [gz.shape[2 + i] for i in range(n)] if self.unshared else []
            w_shape = lead + [x.shape[1] // self.num_groups] + [w_shape[i] for i in range(n)]
        return self._gradient_node(x, "the input", 2 + n, gz, w_shape, self.filter_ndim)

    def perform(self, xp, x, gz, w_shape):
        w_shape = tuple(int(s) for s in w_shape)
        out = self.check_shapes(x.shape, w_shape)
        self._check_output_gradient(gz, (x.shape[0], w_shape[0]) + out)
        group_shape = (w_shape[0] // self.num_groups,) + w_shape[1:]
        return self._groups(xp, self.compute, x, 1, gz, 1, 0, group_shape, out)

    def infer_shape(self, node, input_shapes):
        w_shape = node.inputs[2]
        return [tuple(w_shape[i] for i in range(self.filter_ndim))]

    def grad(self, inputs, outputs, output_grads):
        (x, gz, _), (g,) = inputs, output_grads
        forward, _, grad_inputs = self.trio
        props = self.props()
        return [grad_inputs(**props)(g, gz, shape(x)), forward(**props)(x, g), None]


@dataclass(frozen=True)
class ConvGradInputs(BaseConv):
    """Gradient of the convolution with respect to its input: ``(w, gz, input_shape) -> gx``.

    ``input_shape`` is the whole shape, or (as in Theano) only its spatial part. Applied to
    any ``gz`` this is the transposed convolution.
    """

    def make_node(self, w, gz, x_shape) -> Apply:
        w, gz = as_tensor_variable(w), as_tensor_variable(gz)
        n = self.convdim
        if _vector_length(x_shape) in (None, n):  # Theano's form: the input's spatial shape
            channels = w.shape[w.ndim - n - 1] * self.num_groups
            x_shape = [gz.shape[0], channels] + [x_shape[i] for i in range(n)]
        return self._gradient_node(w, "the filters", self.filter_ndim, gz, x_shape, 2 + n)

    def perform(self, xp, w, gz, x_shape):
        x_shape = tuple(int(s) for s in x_shape)
        out = self.check_shapes(x_shape, w.shape)
        self._check_output_gradient(gz, (x_shape[0], w.shape[0]) + out)
        group_shape = (x_shape[0], x_shape[1] // self.num_groups) + x_shape[2:]
        return self._groups(xp, self.compute, w, 0, gz, 1, 1, group_shape, out)

    def infer_shape(self, node, input_shapes):
        x_shape = node.inputs[2]
        return [tuple(x_shape[i] for i in range(2 + self.convdim))]

    def grad(self, inputs, outputs, output_grads):
        (w, gz, _), (g,) = inputs, output_grads
        forward, grad_weights, _ = self.trio
        props = self.props()
        return [grad_weights(**props)(g, gz, shape(w)), forward(**props)(g, w), None]
