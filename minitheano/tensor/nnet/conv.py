"""Theano's legacy ``theano.tensor.nnet.conv.conv2d`` (true convolution, valid or full)."""

from __future__ import annotations

from .abstract_conv import conv2d as _conv2d


def conv2d(
    input,
    filters,
    filter_shape=None,
    image_shape=None,
    border_mode="valid",
    subsample=(1, 1),
    **kargs,
):
    """Legacy conv2d: ``border_mode`` is ``'valid'`` or ``'full'``; filters are flipped."""
    if border_mode not in ("valid", "full"):
        raise ValueError(
            f"conv.conv2d: border_mode must be 'valid' or 'full', got {border_mode!r}"
        )
    return _conv2d(
        input,
        filters,
        input_shape=image_shape,
        filter_shape=filter_shape,
        border_mode=border_mode,
        subsample=subsample,
    )
