"""Sliding windows over the last two axes, shared by convolution and pooling.

Everything here is strided views plus vectorised array calls (no per-pixel Python loop), and it
runs unchanged on NumPy and CuPy: ``xp`` is passed in.
"""

from __future__ import annotations


def out_size(
    size: int, window: int, stride: int, pad_before: int, pad_after: int, dilation: int = 1
) -> int:
    """Number of window positions along an axis of ``size`` (after padding)."""
    extent = (window - 1) * dilation + 1
    return (size + pad_before + pad_after - extent) // stride + 1


def pad_last2(xp, x, pads, value=0):
    """``x`` padded on its last two axes by ``pads = (top, bottom, left, right)``.

    The result keeps ``x``'s memory layout (channels-last arrays stay channels-last).
    """
    top, bottom, left, right = pads
    if not any(pads):
        return x
    shape = x.shape[:-2] + (x.shape[-2] + top + bottom, x.shape[-1] + left + right)
    out = xp.empty_like(x, shape=shape)
    out[...] = value
    out[..., top : top + x.shape[-2], left : left + x.shape[-1]] = x
    return out


def shifted_view(x, i, j, oh, ow, stride, dilation=(1, 1)):
    """The view of ``x`` that window offset ``(i, j)`` sees at every output position."""
    sh, sw = stride
    dh, dw = dilation
    return x[
        ..., i * dh : i * dh + sh * (oh - 1) + 1 : sh, j * dw : j * dw + sw * (ow - 1) + 1 : sw
    ]


def channels_last(x) -> bool:
    """True when ``x`` (logically NCHW) has its channels innermost in memory (NHWC storage)."""
    return x.ndim == 4 and x.shape[1] > 1 and x.strides[1] < x.strides[3]


def im2col(xp, x, kh, kw, oh, ow, stride, dilation):
    """``(B, C, H, W)`` -> a ``(B * oh * ow, kh * kw * C)`` matrix, columns ordered ``(i, j, c)``.

    The copy follows ``x``'s memory: channels-last storage (what our conv outputs are) is read
    with one strided copy whose inner runs are the channels; channels-first storage (an input
    batch) is copied per window offset with rows as inner runs, into the transposed matrix,
    which is returned as a (free) transposed view. Either way GEMMs use it without a copy.
    """
    from ..parallel import over_rows

    B, C = x.shape[:2]
    sh, sw = stride
    dh, dw = dilation
    if channels_last(x):
        sB, sC, sH, sW = x.strides
        view = xp.lib.stride_tricks.as_strided(
            x, shape=(B, oh, ow, kh, kw, C), strides=(sB, sH * sh, sW * sw, sH * dh, sW * dw, sC)
        )
        cols = xp.empty(view.shape, dtype=x.dtype)

        def copy(lo, hi):
            cols[lo:hi] = view[lo:hi]

        over_rows(xp, B, cols.size, copy)
        return cols.reshape(B * oh * ow, kh * kw * C)
    cols_t = xp.empty((kh, kw, C, B, oh, ow), dtype=x.dtype)

    def copy_t(lo, hi):
        part = x[lo:hi]
        for i in range(kh):
            for j in range(kw):
                cols_t[i, j, :, lo:hi] = shifted_view(
                    part, i, j, oh, ow, stride, dilation
                ).transpose(1, 0, 2, 3)

    over_rows(xp, B, cols_t.size, copy_t)
    return cols_t.reshape(kh * kw * C, B * oh * ow).T


def split_windows(x, ws, stride, pad):
    """``x`` viewed as ``(..., oh, wh, ow, ww)`` when windows tile it exactly, else None.

    Splitting an axis never copies, whatever the memory layout, so non-overlapping pooling
    and its gradient become plain broadcasting over this view.
    """
    if tuple(stride) != tuple(ws) or any(pad):
        return None
    (wh, ww), (h, w) = ws, x.shape[-2:]
    oh, ow = h // wh, w // ww
    if oh * wh != h or ow * ww != w:
        return None
    return x.reshape(x.shape[:-2] + (oh, wh, ow, ww))
