"""Theano's convolution shape helpers (``get_conv_output_shape`` ...): ints or symbolic scalars
in, the same out; None wherever an entry needed is None (unknown).

``border_mode`` is ``'valid' | 'full' | 'half'``, an int, or one entry per spatial axis (an int,
or a ``(before, after)`` pair).
"""

from __future__ import annotations

import numpy as np

from ...graph import Constant, Variable


def _axis_pad(border_mode, dilated_kernel):
    """``(before, after)`` padding of one axis."""
    if border_mode == "valid":
        return 0, 0
    if border_mode == "full":
        return dilated_kernel - 1, dilated_kernel - 1
    if border_mode == "half":
        return dilated_kernel // 2, dilated_kernel // 2
    before, after = border_mode if isinstance(border_mode, tuple) else (border_mode,) * 2
    if isinstance(before, int) and isinstance(after, int) and min(before, after) < 0:
        raise ValueError(f"border_mode must be >= 0, got {border_mode!r}")
    return before, after


def _per_axis(border_mode, n):
    return border_mode if isinstance(border_mode, tuple) else (border_mode,) * n


def get_conv_shape_1axis(image_shape, kernel_shape, border_mode, subsample, dilation=1):
    """The output length along one axis: ``(size + pads - dilated_kernel) // subsample + 1``."""
    if None in (image_shape, kernel_shape, border_mode, subsample, dilation):
        return None
    dilated = (kernel_shape - 1) * dilation + 1
    before, after = _axis_pad(border_mode, dilated)
    return (image_shape + before + after - dilated) // subsample + 1


def get_conv_output_shape(image_shape, kernel_shape, border_mode, subsample, filter_dilation=None):
    """The output shape ``(batch, n_filters, *spatial)`` of a convolution of an input of shape
    ``image_shape`` by filters of shape ``kernel_shape`` (4 or 5 entries; 6 for unshared 2-D
    filters, whose kernel is the last two).

    >>> get_conv_output_shape((8, 3, 28, 28), (16, 3, 5, 5), 'valid', (1, 1))
    (8, 16, 24, 24)
    """
    n = len(image_shape) - 2
    dilation = filter_dilation or (1,) * n
    modes = _per_axis(border_mode, n)
    spatial = tuple(
        get_conv_shape_1axis(s, k, m, st, d)
        for s, k, m, st, d in zip(image_shape[2:], kernel_shape[-n:], modes, subsample, dilation)
    )
    return (image_shape[0], kernel_shape[0]) + spatial


def get_conv_gradweights_shape_1axis(image_shape, top_shape, border_mode, subsample, dilation):
    """The kernel length along one axis given the input's and the output's; None where it is
    ambiguous (``subsample > 1`` or ``'half'``)."""
    if None in (image_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1 or border_mode == "half":
        return None
    if border_mode == "full":
        extent = top_shape - image_shape
    elif border_mode == "valid":
        extent = image_shape - top_shape
    else:
        before, after = _axis_pad(border_mode, None)
        extent = image_shape + before + after - top_shape
    return extent // dilation + 1 if dilation > 1 else extent + 1


def get_conv_gradweights_shape(
    image_shape, top_shape, border_mode, subsample, filter_dilation=None
):
    """The filters' shape ``(n_filters, channels, *kernel)`` from the input's and the output's
    shapes (None where ambiguous)."""
    n = len(image_shape) - 2
    dilation = filter_dilation or (1,) * n
    modes = _per_axis(border_mode, n)
    spatial = tuple(
        get_conv_gradweights_shape_1axis(s, t, m, st, d)
        for s, t, m, st, d in zip(image_shape[2:], top_shape[2:], modes, subsample, dilation)
    )
    return (top_shape[1], image_shape[1]) + spatial


def get_conv_gradinputs_shape_1axis(kernel_shape, top_shape, border_mode, subsample, dilation):
    """The input length along one axis given the kernel's and the output's; None where it is
    ambiguous (``subsample > 1``)."""
    if None in (kernel_shape, top_shape, border_mode, subsample, dilation):
        return None
    if subsample != 1:
        return None
    dilated = (kernel_shape - 1) * dilation + 1
    before, after = _axis_pad(border_mode, dilated)
    return top_shape - before - after + dilated - 1


def get_conv_gradinputs_shape(
    kernel_shape, top_shape, border_mode, subsample, filter_dilation=None
):
    """The input's shape ``(batch, channels, *spatial)`` from the filters' and the output's
    shapes (None where ambiguous)."""
    n = len(top_shape) - 2
    dilation = filter_dilation or (1,) * n
    modes = _per_axis(border_mode, n)
    spatial = tuple(
        get_conv_gradinputs_shape_1axis(k, t, m, st, d)
        for k, t, m, st, d in zip(kernel_shape[-n:], top_shape[2:], modes, subsample, dilation)
    )
    return (top_shape[0], kernel_shape[-n - 1]) + spatial


def check_conv_gradinputs_shape(
    image_shape, kernel_shape, output_shape, border_mode, subsample, filter_dilation=None
):
    """False when a convolution of ``image_shape`` by ``kernel_shape`` cannot give
    ``output_shape``; True otherwise (also when symbolic entries leave it open)."""
    n = len(subsample)
    if not len(image_shape) == len(kernel_shape) == len(output_shape) == n + 2:
        return False
    computed = get_conv_output_shape(
        image_shape, kernel_shape, border_mode, subsample, filter_dilation
    )
    for given, expected in zip(output_shape, computed):
        given, expected = _known(given), _known(expected)
        if None not in (given, expected) and given != expected:
            return False
    return True


def _known(value):
    """An int for an int or a constant scalar, None for anything only known at run time."""
    if isinstance(value, Variable):
        return (
            int(value.data) if isinstance(value, Constant) and np.ndim(value.data) == 0 else None
        )
    return None if value is None else int(value)
