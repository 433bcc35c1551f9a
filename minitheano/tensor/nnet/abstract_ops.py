"""The convolution ops under Theano's names, built with Theano's constructor arguments:
``AbstractConv2d(imshp=None, kshp=None, border_mode='valid', subsample=(1, 1), filter_flip=True,
filter_dilation=(1, 1), num_groups=1, unshared=False)`` and its gradients, and the 3-D ones.

They are the ``Conv2d`` / ``Conv3d`` trios (their gradients are built of those); the gradient
ops take the spatial part of the shape they compute, as Theano's do (or all of it).
"""

from __future__ import annotations

from .conv2d_ops import Conv2d, Conv2dGradInputs, Conv2dGradWeights
from .conv_nd import Conv3d, Conv3dGradInputs, Conv3dGradWeights


def _theano_constructor(base):
    """An ``__init__`` with Theano's arguments (``imshp``, ``kshp`` first) for a subclass of
    the op ``base``; ``subsample`` and ``filter_dilation`` default to ones."""

    def __init__(
        self,
        imshp=None,
        kshp=None,
        border_mode="valid",
        subsample=None,
        filter_flip=True,
        filter_dilation=None,
        num_groups=1,
        unshared=False,
    ):
        base.__init__(
            self,
            border_mode=border_mode,
            subsample=subsample,
            filter_flip=filter_flip,
            filter_dilation=filter_dilation,
            input_shape=imshp,
            filter_shape=kshp,
            num_groups=num_groups,
            unshared=unshared,
        )

    return __init__


class AbstractConv2d(Conv2d):
    """Theano's forward 2-D convolution op: ``AbstractConv2d(...)(input, filters)``."""

    __init__ = _theano_constructor(Conv2d)


class AbstractConv2d_gradWeights(Conv2dGradWeights):  # noqa: N801  (Theano's name)
    """Theano's op for the filters' gradient: ``op(input, output_grad, filter_shape[-2:])``."""

    __init__ = _theano_constructor(Conv2dGradWeights)


class AbstractConv2d_gradInputs(Conv2dGradInputs):  # noqa: N801
    """Theano's op for the input's gradient (the transposed convolution):
    ``op(filters, output_grad, input_shape[-2:])``."""

    __init__ = _theano_constructor(Conv2dGradInputs)


class AbstractConv3d(Conv3d):
    """Theano's forward 3-D convolution op: ``AbstractConv3d(...)(input, filters)``."""

    __init__ = _theano_constructor(Conv3d)


class AbstractConv3d_gradWeights(Conv3dGradWeights):  # noqa: N801
    """Theano's op for the 3-D filters' gradient: ``op(input, output_grad, filter_shape[-3:])``."""

    __init__ = _theano_constructor(Conv3dGradWeights)


class AbstractConv3d_gradInputs(Conv3dGradInputs):  # noqa: N801
    """Theano's op for the 3-D input's gradient: ``op(filters, output_grad, input_shape[-3:])``."""

    __init__ = _theano_constructor(Conv3dGradInputs)
