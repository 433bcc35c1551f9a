"""Sliding windows over the trailing axes, shared by convolution, pooling and neighbours.

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


def pad_spatial(xp, x, pads, value=0):
    """``x`` padded on its last ``len(pads)`` axes by ``pads = ((before, after), ...)``.

    The result keeps ``x``'s memory layout (channels-last arrays stay channels-last).
    """
    if not any(before or after for before, after in pads):
        return x
    n = len(pads)
    spatial = x.shape[-n:]
    shape = x.shape[:-n] + tuple(s + b + a for s, (b, a) in zip(spatial, pads))
    out = xp.empty_like(x, shape=shape)
    out[...] = value
    out[(Ellipsis,) + tuple(slice(b, b + s) for s, (b, _) in zip(spatial, pads))] = x
    return out


def shifted_view(x, start, out_shape, stride):
    """The view of ``x`` that the window offset ``start`` (an index per trailing axis) sees at
    every one of the ``out_shape`` output positions, windows ``stride`` apart."""
    # stops past the last window, never negative (an empty output must give an empty view)
    return x[
        (Ellipsis,) + tuple(slice(i, i + s * n, s) for i, n, s in zip(start, out_shape, stride))
    ]


def window_view(xp, x, kernel, out_shape, stride, dilation):
    """``x`` (``(B, C, *spatial)``) viewed as ``(B, *out_shape, C, *kernel)`` without a copy:
    entry ``(b, *o, c, *k)`` is what kernel tap ``k`` of output position ``o`` sees."""
    strides = x.strides[2:]
    return xp.lib.stride_tricks.as_strided(
        x,
        (x.shape[0], *out_shape, x.shape[1], *kernel),
        (
            x.strides[0],
            *(st * s for st, s in zip(strides, stride)),
            x.strides[1],
            *(st * d for st, d in zip(strides, dilation)),
        ),
    )


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
    """``x`` viewed as ``(..., o1, w1, o2, w2, ...)`` when windows tile its last ``len(ws)`` axes
    exactly, else None.

    Splitting an axis never copies, whatever the memory layout, so non-overlapping pooling
    and its gradient become plain broadcasting over this view.
    """
    if tuple(stride) != tuple(ws) or any(pad):
        return None
    n = len(ws)
    counts = tuple(size // w for size, w in zip(x.shape[-n:], ws))
    if any(c * w != size for c, w, size in zip(counts, ws, x.shape[-n:])):
        return None
    return x.reshape(x.shape[:-n] + sum(((c, w) for c, w in zip(counts, ws)), ()))


def per_window(y, n):
    """``y`` (``(..., o1, ..., on)``) as ``(..., o1, 1, ..., on, 1)``: broadcasts against the
    ``split_windows`` view."""
    return y[(Ellipsis,) + (slice(None), None) * n]
