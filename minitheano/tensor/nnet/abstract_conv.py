"""Theano's ``theano.tensor.nnet.abstract_conv``: ``conv2d``, ``conv3d``, their gradients as
functions (the transposed convolution), separable convolutions, and the ops under Theano's names
(``AbstractConv2d`` ..., built with Theano's constructor arguments ``imshp``, ``kshp`` ...).

The ops themselves are the trios of ``conv2d_ops`` (2-D, tuned for the CPU) and ``conv_nd``
(3-D), under Theano's names in ``abstract_ops``; the shape helpers are in ``conv_shapes``,
bilinear upsampling in ``upsampling``.
"""

from __future__ import annotations

import warnings

from ...graph import Constant, Variable
from .abstract_ops import (  # noqa: F401  (Theano's op names)
    AbstractConv2d,
    AbstractConv2d_gradInputs,
    AbstractConv2d_gradWeights,
    AbstractConv3d,
    AbstractConv3d_gradInputs,
    AbstractConv3d_gradWeights,
)
from .conv2d_ops import Conv2d, Conv2dGradInputs, Conv2dGradWeights  # noqa: F401
from .conv_nd import Conv3d, Conv3dGradInputs, Conv3dGradWeights  # noqa: F401
from .conv_shapes import (  # noqa: F401  (Theano's names in this module)
    check_conv_gradinputs_shape,
    get_conv_gradinputs_shape,
    get_conv_gradinputs_shape_1axis,
    get_conv_gradweights_shape,
    get_conv_gradweights_shape_1axis,
    get_conv_output_shape,
    get_conv_shape_1axis,
)
from .upsampling import (  # noqa: F401
    bilinear_kernel_1D,
    bilinear_kernel_2D,
    bilinear_upsampling,
    frac_bilinear_upsampling,
)


def conv2d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    image_shape=None,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
    **kwargs,
):
    """2-D convolution of a batch of images with a bank of filters (Theano's ``nnet.conv2d``).

    ``input`` is ``(batch, channels, rows, cols)``, ``filters`` is ``(n_filters, channels //
    num_groups, rows, cols)`` (``(n_filters, out_rows, out_cols, channels // num_groups, rows,
    cols)`` when ``unshared``: one kernel per output position). A true convolution (kernels
    rotated 180 degrees) unless ``filter_flip=False``. ``border_mode``: ``'valid'``, ``'full'``,
    ``'half'``, an int, or per axis an int or a ``(before, after)`` pair. ``input_shape`` and
    ``filter_shape`` (``image_shape`` is its deprecated alias) are checked against each other
    now and against the real arrays at run time. With ``num_groups`` the channels and the
    filters are split into that many groups convolved separately.

    >>> out = conv2d(T.tensor4(), T.tensor4(), border_mode='half')
    """
    if kwargs:
        warnings.warn(
            f"conv2d: {sorted(kwargs)} are deprecated arguments and are ignored", stacklevel=2
        )
    if image_shape is not None:
        warnings.warn(
            "conv2d: image_shape is deprecated, use input_shape", DeprecationWarning, stacklevel=2
        )
        if input_shape is not None:
            raise ValueError("conv2d: give input_shape or its old name image_shape, not both")
        input_shape = image_shape
    op = Conv2d(
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        input_shape,
        filter_shape,
        num_groups,
        unshared,
    )
    return op(input, filters)


def conv3d(
    input,
    filters,
    input_shape=None,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
):
    """3-D convolution (Theano's ``nnet.conv3d``): ``(batch, channels, depth, rows, cols)``
    input, ``(n_filters, channels // num_groups, depth, rows, cols)`` filters; the arguments
    are ``conv2d``'s with three entries per tuple.

    >>> out = conv3d(T.tensor5(), T.tensor5(), border_mode='half')
    """
    op = Conv3d(
        border_mode, subsample, filter_flip, filter_dilation, input_shape, filter_shape, num_groups
    )
    return op(input, filters)


def _numeric(shape_):
    """A declared shape for the op: symbolic entries become None."""
    return tuple(
        None if isinstance(s, Variable) and not isinstance(s, Constant) else s for s in shape_
    )


def _check_given_shape(shape_, what, length, name):
    if shape_ is None or len(shape_) != length:
        raise ValueError(
            f"{name}: {what} must have {length} entries (None allowed for the first two, "
            f"ints or symbolic scalars for the spatial ones), got {shape_!r}"
        )


def _grad_wrt_inputs(forward_op, output_grad, filters, input_shape, filter_shape, *props):
    n = forward_op.convdim
    _check_given_shape(input_shape, "input_shape", 2 + n, f"{forward_op.name}_grad_wrt_inputs")
    _, _, grad_inputs = forward_op.trio
    border_mode, subsample, flip, dilation, *groups_unshared = props
    op = grad_inputs(
        border_mode,
        subsample,
        flip,
        dilation,
        _numeric(input_shape),
        filter_shape,
        *groups_unshared,
    )
    return op(filters, output_grad, list(input_shape[-n:]))


def _grad_wrt_weights(forward_op, input, output_grad, filter_shape, input_shape, *props):
    n = forward_op.convdim
    border_mode, subsample, flip, dilation, *groups_unshared = props
    length = 2 + n * (2 if groups_unshared[1:] == [True] else 1)
    _check_given_shape(filter_shape, "filter_shape", length, f"{forward_op.name}_grad_wrt_weights")
    _, grad_weights, _ = forward_op.trio
    op = grad_weights(
        border_mode,
        subsample,
        flip,
        dilation,
        input_shape,
        _numeric(filter_shape),
        *groups_unshared,
    )
    return op(input, output_grad, list(filter_shape[-n:]))


def conv2d_grad_wrt_inputs(
    output_grad,
    filters,
    input_shape,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
):
    """The gradient of ``conv2d`` with respect to its input, given the output's gradient: the
    transposed convolution ("deconvolution") of ``output_grad`` by ``filters``, upsampled to
    ``input_shape`` (4 entries; the first two may be None, the spatial ones symbolic).

    >>> up = conv2d_grad_wrt_inputs(T.tensor4(), T.tensor4(), (None, 3, 16, 16), subsample=(2, 2))
    """
    return _grad_wrt_inputs(
        Conv2d,
        output_grad,
        filters,
        input_shape,
        filter_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        num_groups,
        unshared,
    )


def conv2d_grad_wrt_weights(
    input,
    output_grad,
    filter_shape,
    input_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
):
    """The gradient of ``conv2d`` with respect to its filters, of shape ``filter_shape`` (the
    first two entries may be None, the spatial ones symbolic), given the output's gradient.

    >>> gw = conv2d_grad_wrt_weights(T.tensor4(), T.tensor4(), (None, None, 3, 3))
    """
    return _grad_wrt_weights(
        Conv2d,
        input,
        output_grad,
        filter_shape,
        input_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        num_groups,
        unshared,
    )


def conv3d_grad_wrt_inputs(
    output_grad,
    filters,
    input_shape,
    filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
):
    """``conv2d_grad_wrt_inputs`` for ``conv3d`` (5 entries in ``input_shape``)."""
    return _grad_wrt_inputs(
        Conv3d,
        output_grad,
        filters,
        input_shape,
        filter_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        num_groups,
    )


def conv3d_grad_wrt_weights(
    input,
    output_grad,
    filter_shape,
    input_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
    num_groups=1,
):
    """``conv2d_grad_wrt_weights`` for ``conv3d`` (5 entries in ``filter_shape``)."""
    return _grad_wrt_weights(
        Conv3d,
        input,
        output_grad,
        filter_shape,
        input_shape,
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
        num_groups,
    )


def conv2d_transpose(
    input,
    filters,
    output_shape,
    filter_shape=None,
    border_mode="valid",
    input_dilation=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
    num_groups=1,
    unshared=False,
):
    """The transposed convolution of ``input`` (Theano's ``nnet.conv2d_transpose``): the
    ``conv2d`` whose output has the input's shape, run backwards to ``output_shape``;
    ``input_dilation`` is that convolution's ``subsample``."""
    return conv2d_grad_wrt_inputs(
        input,
        filters,
        output_shape,
        filter_shape,
        border_mode,
        input_dilation,
        filter_flip,
        filter_dilation,
        num_groups,
        unshared,
    )


def _separable(forward, input, depthwise, pointwise, num_channels, shapes, *props):
    input_shape, depthwise_shape, pointwise_shape = shapes
    border_mode, subsample, flip, dilation = props
    depthwise_out = forward(
        input,
        depthwise,
        input_shape,
        depthwise_shape,
        border_mode,
        subsample,
        flip,
        filter_dilation=dilation,
        num_groups=num_channels,
    )
    return forward(depthwise_out, pointwise, filter_shape=pointwise_shape, filter_flip=flip)


def separable_conv2d(
    input,
    depthwise_filters,
    pointwise_filters,
    num_channels,
    input_shape=None,
    depthwise_filter_shape=None,
    pointwise_filter_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    filter_flip=True,
    filter_dilation=(1, 1),
):
    """Depthwise convolution (``num_groups=num_channels``: ``depthwise_filters`` is
    ``(channels * multiplier, 1, rows, cols)``) followed by a pointwise (1x1) convolution that
    mixes the channels."""
    return _separable(
        conv2d,
        input,
        depthwise_filters,
        pointwise_filters,
        num_channels,
        (input_shape, depthwise_filter_shape, pointwise_filter_shape),
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
    )


def separable_conv3d(
    input,
    depthwise_filters,
    pointwise_filters,
    num_channels,
    input_shape=None,
    depthwise_filter_shape=None,
    pointwise_filter_shape=None,
    border_mode="valid",
    subsample=(1, 1, 1),
    filter_flip=True,
    filter_dilation=(1, 1, 1),
):
    """``separable_conv2d`` in 3-D."""
    return _separable(
        conv3d,
        input,
        depthwise_filters,
        pointwise_filters,
        num_channels,
        (input_shape, depthwise_filter_shape, pointwise_filter_shape),
        border_mode,
        subsample,
        filter_flip,
        filter_dilation,
    )
