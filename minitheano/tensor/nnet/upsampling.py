"""Bilinear upsampling as transposed convolutions by fixed triangular kernels (Theano's
``bilinear_upsampling``, ``frac_bilinear_upsampling``, ``bilinear_kernel_1D/2D``)."""

from __future__ import annotations

from math import gcd

from ...config import config
from ..basic import arange, concatenate, zeros
from ..elemwise import cast
from ..type import as_tensor_variable
from .conv2d_ops import Conv2d, Conv2dGradInputs


def bilinear_kernel_1D(ratio, normalize=True):  # noqa: N802  (Theano's name)
    """The triangle ``1, 2, ..., ratio, ..., 2, 1`` (divided by ``ratio`` when ``normalize``):
    upsampling by ``ratio`` along one axis with linear interpolation."""
    half = arange(1, ratio + 1, dtype=config.floatX)
    kernel = concatenate([half, half[-2::-1]])
    return kernel / cast(ratio, config.floatX) if normalize else kernel


def bilinear_kernel_2D(ratio, normalize=True):  # noqa: N802
    """The outer product of the 1-D kernels; ``ratio`` is an int or ``(rows, columns)``."""
    rows, cols = ratio if isinstance(ratio, tuple) else (ratio, ratio)
    vertical = bilinear_kernel_1D(rows, normalize).dimshuffle(0, "x")
    horizontal = bilinear_kernel_1D(cols, normalize).dimshuffle("x", 0)
    return vertical * horizontal


def _edge_padded(input):
    """``input`` as ``(batch * channels, 1, rows + 2, cols + 2)``: its first and last rows and
    columns repeated once (the borders interpolate towards themselves)."""
    rows, cols = input.shape[2], input.shape[3]
    x = input.reshape((-1, 1, rows, cols))
    x = concatenate([x[:, :, :1, :], x, x[:, :, -1:, :]], axis=2)
    return concatenate([x[:, :, :, :1], x, x[:, :, :, -1:]], axis=3)


def bilinear_upsampling(
    input,
    ratio=None,
    frac_ratio=None,
    batch_size=None,
    num_input_channels=None,
    use_1D_kernel=True,  # noqa: N803
):
    """Upsample the rows and columns of a 4-d ``input`` by the int ``ratio`` with bilinear
    interpolation: ``(batch, channels, rows * ratio, cols * ratio)``. With ``frac_ratio`` (a
    ``(numerator, denominator)`` pair, or one per axis) the ratio is a fraction (2-D kernel
    only). ``use_1D_kernel`` upsamples rows then columns (same result, faster for large
    ratios).

    >>> up = bilinear_upsampling(T.tensor4(), ratio=2)
    """
    if ratio and frac_ratio:
        raise ValueError("bilinear_upsampling: give ratio or frac_ratio, not both")
    if not (ratio or frac_ratio):
        raise ValueError("bilinear_upsampling: a ratio (or frac_ratio) is required")
    input = as_tensor_variable(input)
    if frac_ratio:
        if use_1D_kernel:
            raise ValueError(
                "bilinear_upsampling: fractional ratios need the 2-D kernel (use_1D_kernel=False)"
            )
        return frac_bilinear_upsampling(input, frac_ratio)
    ratio = int(ratio)
    batch = (
        batch_size * num_input_channels if None not in (batch_size, num_input_channels) else None
    )
    rows, cols = input.shape[2], input.shape[3]
    padded = _edge_padded(input)
    # the transposed convolution by a (2 ratio - 1)-long kernel, stride ratio, this padding maps
    # rows + 2 edge-padded rows onto rows * ratio
    pad = 2 * ratio - (ratio - 1) // 2 - 1
    declared = (batch, 1, None, None)
    if use_1D_kernel:
        kernel = bilinear_kernel_1D(ratio)
        along_rows = Conv2dGradInputs((pad, 0), (ratio, 1), input_shape=declared)
        upsampled = along_rows(
            kernel.dimshuffle("x", "x", 0, "x"), padded, [rows * ratio, cols + 2]
        )
        along_cols = Conv2dGradInputs((0, pad), (1, ratio), input_shape=declared)
        upsampled = along_cols(
            kernel.dimshuffle("x", "x", "x", 0), upsampled, [rows * ratio, cols * ratio]
        )
    else:
        both = Conv2dGradInputs((pad, pad), (ratio, ratio), input_shape=declared)
        kernel = bilinear_kernel_2D(ratio).dimshuffle("x", "x", 0, 1)
        upsampled = both(kernel, padded, [rows * ratio, cols * ratio])
    return upsampled.reshape((input.shape[0], input.shape[1], rows * ratio, cols * ratio))


def frac_bilinear_upsampling(input, frac_ratio):
    """Bilinear upsampling by a fractional ratio ``(numerator, denominator)`` (or one such pair
    per axis): the edge-padded images, dilated by the numerators, slide over a zero-padded
    bilinear kernel with strides of the denominators."""
    if not isinstance(frac_ratio, tuple):
        raise ValueError("frac_bilinear_upsampling: frac_ratio must be a tuple")
    pairs = frac_ratio if isinstance(frac_ratio[0], tuple) else (frac_ratio, frac_ratio)
    pairs = [(p // gcd(p, q), q // gcd(p, q)) for p, q in pairs]
    ratio = tuple(int(p) for p, _ in pairs)
    subsample = tuple(int(q) for _, q in pairs)
    input = as_tensor_variable(input)
    rows, cols = input.shape[2], input.shape[3]
    padded = _edge_padded(input)
    # the kernel, zero-padded so that every dilated image position finds its weights
    double_pad = [(2 * size - 1) * r + 1 for size, r in zip((rows, cols), ratio)]
    pad = [d // 2 for d in double_pad]
    kernel = bilinear_kernel_2D(ratio).dimshuffle("x", "x", 0, 1)
    dtype = config.floatX
    kernel = concatenate(
        [
            zeros((1, 1, pad[0], kernel.shape[3]), dtype=dtype),
            kernel,
            zeros((1, 1, double_pad[0] - pad[0], kernel.shape[3]), dtype=dtype),
        ],
        axis=2,
    )
    kernel = concatenate(
        [
            zeros((1, 1, kernel.shape[2], pad[1]), dtype=dtype),
            kernel,
            zeros((1, 1, kernel.shape[2], double_pad[1] - pad[1]), dtype=dtype),
        ],
        axis=3,
    )
    out = Conv2d(subsample=subsample, filter_dilation=ratio)(kernel, padded)
    return out.reshape((input.shape[0], input.shape[1], out.shape[2], out.shape[3]))
