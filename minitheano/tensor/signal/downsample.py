"""Theano's legacy ``theano.tensor.signal.downsample`` module."""

from __future__ import annotations

from .pool import pool_2d


def max_pool_2d(input, ds, ignore_border=None, st=None, padding=(0, 0), mode="max"):
    """Legacy max pooling: ``pool_2d(input, ws=ds, stride=st, pad=padding, ...)``."""
    return pool_2d(input, ws=ds, ignore_border=ignore_border, stride=st, pad=padding, mode=mode)
