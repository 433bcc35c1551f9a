"""Theano's ``theano.tensor.nnet.neighbours``: ``images2neibs`` (sliding windows of the last two
axes as the rows of a matrix) and ``neibs2images`` (its inverse for disjoint windows).

Both are one pair of ops, each the other's adjoint: ``Images2Neibs`` gathers the windows with
one index per window row and column, ``Images2NeibsGrad`` adds each window tap back where it
came from (for one tap, distinct windows touch distinct pixels, so no scatter is needed). So
gradients exist in every mode, with second derivatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...graph import Apply
from ...op import Op
from ..shape import shape
from ..type import DISCRETE_DTYPES, TensorType, as_tensor_variable

MODES = ("valid", "ignore_borders", "wrap_centered", "half", "full")


def _int_vector(v, what):
    v = as_tensor_variable(v)
    if v.ndim != 1 or v.dtype not in DISCRETE_DTYPES or v.dtype == "bool":
        raise TypeError(f"images2neibs: {what} must be a vector of 2 ints, got {v.type}")
    return v


def _grid(mode, size, patch, step):
    """Number of windows along an axis (ints or symbolic scalars)."""
    if mode == "wrap_centered":
        return (size + step - 1) // step
    extent = {"half": size - patch % 2, "full": size + patch - 2}.get(mode, size - patch)
    return extent // step + 1


@dataclass(frozen=True)
class NeibsBase(Op):
    """Window geometry of ``images2neibs``'s modes, shared by the op and its adjoint."""

    mode: str = "valid"

    def __post_init__(self):
        if self.mode not in MODES:
            raise NotImplementedError(
                f"images2neibs: mode must be one of {MODES}, got {self.mode!r}"
            )

    def __str__(self) -> str:
        return f"{type(self).__name__}{{{self.mode}}}"

    def axis_indices(self, size, patch, step, axis):
        """``(index, before, after)``: for every window and tap along one axis, the position it
        reads in the image padded by ``before``/``after`` zeros (``(grid, patch)`` ints)."""
        name = (
            f"{self}: neib_shape[{axis}]={patch}, neib_step[{axis}]={step} and image size {size}"
        )
        if patch < 1 or step < 1:
            raise ValueError(f"{name}: window sizes and steps must be positive")
        if self.mode == "wrap_centered":
            if patch % 2 != 1 or size < patch:
                raise ValueError(
                    f"{name}: wrap_centered needs odd windows no larger than the image"
                )
        elif self.mode != "ignore_borders":
            extent = {"half": size - patch % 2, "full": size + patch - 2}.get(
                self.mode, size - patch
            )
            if size < patch or extent % step:
                raise ValueError(f"{name} are not consistent in mode {self.mode!r}")
        grid = max(0, _grid(self.mode, size, patch, step))
        index = np.arange(grid)[:, None] * step + np.arange(patch)[None, :]
        before = {"half": patch // 2, "full": patch - 1}.get(self.mode, 0)
        if self.mode == "wrap_centered":
            return (index - patch // 2) % size, 0, 0
        after = max(0, int(index.max(initial=0)) + 1 - size - before) if grid else 0
        return index, before, after

    def geometry(self, image_shape, neib_shape, neib_step):
        (c, d), (sr, sc) = (int(v) for v in neib_shape), (int(v) for v in neib_step)
        rows = self.axis_indices(int(image_shape[2]), c, sr, 0)
        cols = self.axis_indices(int(image_shape[3]), d, sc, 1)
        return rows, cols


@dataclass(frozen=True)
class Images2Neibs(NeibsBase):
    """``(B, C, H, W)`` -> ``(B * C * grid_rows * grid_cols, rows * cols)``: one row per window,
    in the order (image, channel, window row, window column)."""

    def make_node(self, ten4, neib_shape, neib_step=None) -> Apply:
        ten4 = as_tensor_variable(ten4)
        if ten4.ndim != 4:
            raise TypeError(f"images2neibs: ten4 must be a 4-d tensor, got {ten4.type}")
        neib_shape = _int_vector(neib_shape, "neib_shape")
        neib_step = neib_shape if neib_step is None else _int_vector(neib_step, "neib_step")
        return Apply(
            self, [ten4, neib_shape, neib_step], [TensorType(ten4.dtype, (False, False))()]
        )

    def perform(self, xp, ten4, neib_shape, neib_step):
        (rows, top, bottom), (cols, left, right) = self.geometry(ten4.shape, neib_shape, neib_step)
        padded = xp.zeros(
            ten4.shape[:2] + (ten4.shape[2] + top + bottom, ten4.shape[3] + left + right),
            dtype=ten4.dtype,
        )
        padded[:, :, top : top + ten4.shape[2], left : left + ten4.shape[3]] = ten4
        r, c = xp.asarray(rows), xp.asarray(cols)
        windows = padded[:, :, r[:, None, :, None], c[None, :, None, :]]  # (B, C, gr, gc, c, d)
        return windows.reshape(-1, rows.shape[1] * cols.shape[1])

    def infer_shape(self, node, input_shapes):
        b, ch, h, w = input_shapes[0]
        patch, step = node.inputs[1], node.inputs[2]
        grid_rows = _grid(self.mode, h, patch[0], step[0])
        grid_cols = _grid(self.mode, w, patch[1], step[1])
        return [(b * ch * grid_rows * grid_cols, patch[0] * patch[1])]

    def grad(self, inputs, outputs, output_grads):
        (x, neib_shape, neib_step), (gz,) = inputs, output_grads
        return [Images2NeibsGrad(self.mode)(gz, shape(x), neib_shape, neib_step), None, None]


@dataclass(frozen=True)
class Images2NeibsGrad(NeibsBase):
    """The adjoint of ``Images2Neibs``: ``(neibs, image_shape, neib_shape, neib_step)`` -> the
    image where every pixel sums the window entries that read it."""

    def make_node(self, neibs, image_shape, neib_shape, neib_step) -> Apply:
        neibs = as_tensor_variable(neibs)
        if neibs.ndim != 2:
            raise TypeError(f"neibs2images: neibs must be a matrix, got {neibs.type}")
        image_shape = _int_vector(image_shape, "the image shape")
        inputs = [neibs, image_shape, _int_vector(neib_shape, "neib_shape")]
        inputs.append(_int_vector(neib_step, "neib_step"))
        return Apply(self, inputs, [TensorType(neibs.dtype, (False,) * 4)()])

    def perform(self, xp, neibs, image_shape, neib_shape, neib_step):
        image_shape = tuple(int(s) for s in image_shape)
        (rows, top, bottom), (cols, left, right) = self.geometry(
            image_shape, neib_shape, neib_step
        )
        (gr, c), (gc, d) = rows.shape, cols.shape
        expected = (image_shape[0] * image_shape[1] * gr * gc, c * d)
        if neibs.shape != expected:
            raise ValueError(
                f"{self}: neibs of shape {neibs.shape} do not match the image shape "
                f"{image_shape} with windows {c}x{d} (expected {expected})"
            )
        B, C, H, W = image_shape
        gx = xp.zeros((B, C, H + top + bottom, W + left + right), dtype=neibs.dtype)
        taps = neibs.reshape(B, C, gr, gc, c, d)
        r, cc = xp.asarray(rows), xp.asarray(cols)
        for i in range(c):
            for j in range(d):
                gx[:, :, r[:, i][:, None], cc[:, j][None, :]] += taps[:, :, :, :, i, j]
        return gx[:, :, top : top + H, left : left + W]

    def infer_shape(self, node, input_shapes):
        image_shape = node.inputs[1]
        return [tuple(image_shape[i] for i in range(4))]

    def grad(self, inputs, outputs, output_grads):
        (_, _, neib_shape, neib_step), (g,) = inputs, output_grads
        return [Images2Neibs(self.mode)(g, neib_shape, neib_step), None, None, None]


def images2neibs(ten4, neib_shape, neib_step=None, mode="valid"):
    """The ``neib_shape`` windows of the last two axes of ``ten4``, ``neib_step`` apart (default:
    disjoint), as the rows of a matrix: row ``(b, c, i, j)`` is window ``(i, j)`` of
    ``ten4[b, c]`` flattened.

    Modes: ``'valid'`` (the windows must tile the image exactly), ``'ignore_borders'`` (drop the
    incomplete ones), ``'half'`` / ``'full'`` (zero padding of ``neib_shape // 2`` /
    ``neib_shape - 1`` first), ``'wrap_centered'`` (odd windows centred on each position
    ``neib_step`` apart, wrapping around the borders).

    >>> patches = images2neibs(T.tensor4(), neib_shape=(5, 5))
    """
    return Images2Neibs(mode)(ten4, neib_shape, neib_step)


def neibs2images(neibs, neib_shape, original_shape, mode="valid"):
    """The inverse of ``images2neibs`` with disjoint windows (``neib_step == neib_shape``):
    the image of shape ``original_shape`` (the border pixels ``'ignore_borders'`` dropped
    are zeros).

    >>> image = neibs2images(T.matrix(), (5, 5), (1, 1, 10, 10))
    """
    if mode not in ("valid", "ignore_borders"):
        raise NotImplementedError(
            f"neibs2images: mode {mode!r} (only 'valid' and 'ignore_borders')"
        )
    return Images2NeibsGrad(mode)(neibs, original_shape, neib_shape, neib_shape)
