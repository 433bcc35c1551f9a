"""Sliding windows over the last two axes, shared by convolution and pooling.

Everything here is strided views plus vectorised array calls (no per-pixel Python loop), and it
runs unchanged on NumPy and CuPy: ``xp`` is passed in.
"""

from __future__ import annotations

from ..parallel import cache_chunks


def out_size(
    size: int, window: int, stride: int, pad_before: int, pad_after: int, dilation: int = 1
) -> int:
    """Number of window positions along an axis of ``size`` (after padding); works on ints and
    on symbolic scalars alike."""
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


def shifted_view(x, i, j, oh, ow, stride):
    """The view of ``x`` that window offset ``(i, j)`` sees at every output position."""
    sh, sw = stride
    # stops past the last window, never negative (an empty output must give an empty view)
    return x[..., i : i + sh * oh : sh, j : j + sw * ow : sw]


def channels_last(x) -> bool:
    """True when ``x`` (logically NCHW) has its channels innermost in memory (NHWC storage)."""
    return x.ndim == 4 and x.shape[1] > 1 and x.strides[1] < x.strides[3]


class Im2col:
    """The im2col matrix of ``x`` (``(B, C, H, W)``), made chunk by chunk of images.

    Row ``(n, y, x)``, column ``(i, j, c)`` holds what window offset ``(i, j)`` of output pixel
    ``(y, x)`` of image ``n`` sees in channel ``c``. The windows are one strided view built
    once; a chunk is one copy of it that follows ``x``'s memory: channels-last storage (what
    our conv outputs are) is copied with the channels as inner runs; channels-first storage (an
    input batch) is copied into the transposed matrix with image rows as inner runs, and
    returned as a (free) transposed view. Either way GEMMs use it without a copy.
    """

    def __init__(self, xp, x, kh, kw, oh, ow, stride, dilation):
        B, C = x.shape[:2]
        sB, sC, sH, sW = x.strides
        (sh, sw), (dh, dw) = stride, dilation
        strided = xp.lib.stride_tricks.as_strided
        self.transposed = not channels_last(x)
        if self.transposed:  # (kh, kw, C, B, oh, ow)
            self.windows = strided(
                x, (kh, kw, C, B, oh, ow), (sH * dh, sW * dw, sC, sB, sH * sh, sW * sw)
            )
        else:  # (B, oh, ow, kh, kw, C)
            self.windows = strided(
                x, (B, oh, ow, kh, kw, C), (sB, sH * sh, sW * sw, sH * dh, sW * dw, sC)
            )
        self.xp, self.dtype = xp, x.dtype
        self.row_length, self.rows_per_image = kh * kw * C, oh * ow
        self.bytes_per_image = self.row_length * self.rows_per_image * x.dtype.itemsize

    def chunks(self, start: int, stop: int):
        """``(lo, hi, rows)`` for images ``[start, stop)`` in cache-sized chunks.

        Every chunk is copied into the same buffer, which stays in the core's cache: use
        ``rows`` before taking the next chunk. ``rows`` is ``((hi - lo) * oh * ow, kh * kw *
        C)``, a transposed view when ``x`` is channels-first.
        """
        buffer = None
        for lo, hi in cache_chunks(self.xp, start, stop, self.bytes_per_image):
            if buffer is None:  # the first chunk is the largest
                buffer = self.xp.empty(
                    (hi - lo) * self.rows_per_image * self.row_length, dtype=self.dtype
                )
            yield lo, hi, self._copy_rows(lo, hi, buffer)

    def _copy_rows(self, lo: int, hi: int, buffer):
        n = (hi - lo) * self.rows_per_image * self.row_length
        if self.transposed:
            windows = self.windows[:, :, :, lo:hi]
            cols_t = buffer[:n].reshape(windows.shape)
            cols_t[...] = windows
            return cols_t.reshape(self.row_length, -1).T
        windows = self.windows[lo:hi]
        cols = buffer[:n].reshape(windows.shape)
        cols[...] = windows
        return cols.reshape(-1, self.row_length)


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
