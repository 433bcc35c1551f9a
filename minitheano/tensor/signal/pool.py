"""Theano's ``theano.tensor.signal.pool``: ``pool_2d``, ``pool_3d``, ``max_pool_2d_same_size``
and the pooling ops (in ``pool_ops``)."""

from __future__ import annotations

import warnings

from ...graph import Variable
from ..type import as_tensor_variable
from .pool_ops import (  # noqa: F401  (Theano's names in this module)
    MODES,
    AveragePoolGrad,
    MaxPoolGrad,
    MaxPoolGradGrad,
    Pool,
    pool_out_size,
    validate,
)


def _deprecated_alias(new, old, new_name, old_name, name):
    if old is None:
        return new
    if new is not None:
        raise ValueError(f"{name}: give {new_name} or its deprecated name {old_name}, not both")
    warnings.warn(
        f"{name}: {old_name} is deprecated, use {new_name}", DeprecationWarning, stacklevel=4
    )
    return old


def _static(value, ndim):
    """``value`` as a tuple of ints if it is known now (ints, constants), else None."""
    if isinstance(value, Variable):
        data = getattr(value, "data", None)
        return None if data is None else tuple(int(v) for v in data)
    if any(isinstance(v, Variable) for v in value):
        if all(getattr(v, "data", None) is not None for v in value):
            return tuple(int(v.data) for v in value)
        return None
    return tuple(int(v) for v in value)


def _pool(input, ws, ignore_border, stride, pad, mode, ds, st, padding, ndim):
    name = f"pool_{ndim}d"
    ws = _deprecated_alias(ws, ds, "ws", "ds", name)
    stride = _deprecated_alias(stride, st, "stride", "st", name)
    if padding is not None:
        if pad not in (None, (0,) * ndim):
            raise ValueError(f"{name}: give pad or its deprecated name padding, not both")
        warnings.warn(f"{name}: padding is deprecated, use pad", DeprecationWarning, stacklevel=3)
        pad = padding
    if ws is None:
        raise ValueError(f"{name}: the window size ws is required")
    if ignore_border is None:
        warnings.warn(
            f"{name}: ignore_border was not given; it defaults to False as in Theano "
            f"(pass ignore_border=True for the usual non-overlapping pooling)",
            stacklevel=3,
        )
        ignore_border = False
    stride = ws if stride is None else stride
    pad = (0,) * ndim if pad is None else pad
    static = [_static(v, ndim) for v in (ws, stride, pad)]
    if None not in static:
        validate(*static, bool(ignore_border), mode, ndim)
        return Pool(*static, bool(ignore_border), mode)(input)
    # symbolic: checked at run time; what is known now is checked now
    if mode not in MODES:
        raise ValueError(f"{name}: mode must be one of {MODES}, got {mode!r}")
    if static[2] is not None and any(static[2]) and not ignore_border:
        raise NotImplementedError(f"{name}: padding works only with ignore_border=True")
    params = [as_tensor_variable(v) for v in (ws, stride, pad)]
    return Pool(None, None, None, bool(ignore_border), mode, ndim)(input, *params)


def pool_2d(
    input,
    ws=None,
    ignore_border=None,
    stride=None,
    pad=(0, 0),
    mode="max",
    ds=None,
    st=None,
    padding=None,
):
    """Pool the last two axes of ``input`` with windows ``ws`` (Theano's ``pool.pool_2d``).

    ``stride`` defaults to ``ws``. With ``ignore_border=False`` partial windows at the borders
    are kept; ``None`` warns and means False, as in Theano. ``ws``, ``stride`` and ``pad`` are
    tuples of ints, or symbolic (int vectors, or tuples holding symbolic scalars). ``ds``,
    ``st`` and ``padding`` are the deprecated names of ``ws``, ``stride`` and ``pad``.

    >>> pooled = pool_2d(T.tensor4(), ws=(2, 2), ignore_border=True)
    """
    return _pool(input, ws, ignore_border, stride, pad, mode, ds, st, padding, 2)


def pool_3d(
    input,
    ws=None,
    ignore_border=None,
    stride=None,
    pad=(0, 0, 0),
    mode="max",
    ds=None,
    st=None,
    padding=None,
):
    """Pool the last three axes of ``input`` (Theano's ``pool.pool_3d``); the arguments are
    ``pool_2d``'s with three entries.

    >>> pooled = pool_3d(T.tensor5(), ws=(2, 2, 2), ignore_border=True)
    """
    return _pool(input, ws, ignore_border, stride, pad, mode, ds, st, padding, 3)


def max_pool_2d_same_size(input, patch_size):
    """Keep each patch's maximum in place and zero the rest (Theano's helper)."""
    patch_size = tuple(patch_size)
    output = pool_2d(input, ws=patch_size, ignore_border=True)
    return MaxPoolGrad(patch_size, patch_size, (0, 0), True, "max")(input, output, output)
