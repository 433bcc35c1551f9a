"""The 2-D convolution trio (forward, grad wrt weights, grad wrt inputs), tuned for the CPU.

Layout: NCHW inputs, ``(K, C, kh, kw)`` filters. All three are im2col + GEMM, run per core on
cache-sized chunks of the batch (``parallel.over_batch``). Outputs are NCHW views of
channels-last memory, which the next elementwise ops, pooling and convolution keep (NumPy
preserves memory order), so no transposes are copied. Unshared (locally connected) filters take
the generic N-d code of ``conv_nd``; grouped convolutions run this code once per group.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...parallel import cache_chunks, over_batch
from ..windows import Im2col, pad_spatial
from . import conv_nd
from .conv_base import ConvForward, ConvGradInputs, ConvGradWeights


def _im2col(op, xp, x, kh, kw, oh, ow):
    """The (chunked) im2col matrix of ``x`` after padding."""
    x = pad_spatial(xp, x, op.pads((kh, kw)))
    return Im2col(xp, x, kh, kw, oh, ow, op.subsample, op.filter_dilation)


@dataclass(frozen=True)
class Conv2d(ConvForward):
    """``conv2d(x, w)``: NCHW input, ``(K, C, kh, kw)`` filters, summed over C."""

    def compute(self, xp, x, w, out):
        """The convolution of one group, returned as an NCHW view of channels-last memory.

        Each core takes a slice of the batch and, chunk by cache-sized chunk, copies the
        windows into an im2col matrix and multiplies it by the filters (one GEMM per chunk).
        """
        if self.unshared:
            return conv_nd.forward(self, xp, x, w, out)
        K, C, kh, kw = w.shape
        oh, ow = out
        windows = _im2col(self, xp, x, kh, kw, oh, ow)
        wmat = xp.ascontiguousarray(self.oriented(w).transpose(2, 3, 1, 0)).reshape(-1, K)
        result = xp.empty((x.shape[0], oh, ow, K), dtype=x.dtype)
        out_rows = result.reshape(-1, K)

        def work(lo, hi):
            for a, b, cols in windows.chunks(lo, hi):
                xp.matmul(cols, wmat, out=out_rows[a * oh * ow : b * oh * ow])

        over_batch(xp, x.shape[0], result.size * kh * kw * C, work)
        return result.transpose(0, 3, 1, 2)


@dataclass(frozen=True)
class Conv2dGradWeights(ConvGradWeights):
    """Gradient of ``conv2d`` with respect to the filters: ``(x, gz, filter_shape) -> gw``."""

    def compute(self, xp, x, gz, w_shape, out):
        if self.unshared:
            return conv_nd.grad_weights(self, xp, x, gz, w_shape, out)
        K, C, kh, kw = w_shape
        oh, ow = out
        windows = _im2col(self, xp, x, kh, kw, oh, ow)
        gz_rows = gz.transpose(0, 2, 3, 1)  # channels-last view: one row per output pixel

        def work(lo, hi):  # this slice's share of cols^T . gz, chunk by chunk
            partial = xp.zeros((kh * kw * C, K), dtype=x.dtype)
            for a, b, cols in windows.chunks(lo, hi):
                # dot, not matmul: NumPy's matmul holds the GIL for this long-K shape
                partial += xp.dot(cols.T, gz_rows[a:b].reshape(-1, K))
            return partial

        gw = sum(over_batch(xp, x.shape[0], gz.size * kh * kw * C, work))
        gw = gw.reshape(kh, kw, C, K).transpose(3, 2, 0, 1)
        return xp.ascontiguousarray(self.oriented(gw))


@dataclass(frozen=True)
class Conv2dGradInputs(ConvGradInputs):
    """Gradient of ``conv2d`` with respect to the input: ``(w, gz, input_shape) -> gx``."""

    def compute(self, xp, w, gz, x_shape, out):
        if self.unshared:
            return conv_nd.grad_inputs(self, xp, w, gz, x_shape, out)
        B, C, H, W = x_shape
        K, _, kh, kw = w.shape
        oh, ow = out
        (top, bottom), (left, right) = self.pads((kh, kw))
        (sh, sw), (dh, dw) = self.subsample, self.filter_dilation
        # (kh, kw, K, C): the matrix that maps output-gradient rows to one window offset
        w_offsets = xp.ascontiguousarray(self.oriented(w).transpose(2, 3, 0, 1))
        gz_rows = gz.transpose(0, 2, 3, 1)
        gx = xp.empty((B, H + top + bottom, W + left + right, C), dtype=gz.dtype)
        bytes_per_image = (oh * ow * (K + C) + gx[0].size) * gz.dtype.itemsize

        # col2im fused with the GEMMs: per window offset, one GEMM of the chunk's output
        # gradient (N = C, so its result is a contiguous (b, oh, ow, C) block) added into the
        # shifted input window; all of it stays in cache (measured faster than one wide GEMM
        # followed by strided adds, and than grouping offsets into wider GEMMs)
        def work(lo, hi):
            buffer = None
            for a, b in cache_chunks(xp, lo, hi, bytes_per_image):
                rows = gz_rows[a:b].reshape(-1, K)
                if buffer is None:  # the first chunk is the largest
                    buffer = xp.empty(rows.shape[0] * C, dtype=gz.dtype)
                block = buffer[: rows.shape[0] * C].reshape(-1, C)
                image_block = block.reshape(b - a, oh, ow, C)
                target = gx[a:b]
                target[...] = 0
                for i in range(kh):
                    for j in range(kw):
                        xp.matmul(rows, w_offsets[i, j], out=block)
                        window = target[
                            :,
                            i * dh : i * dh + sh * (oh - 1) + 1 : sh,
                            j * dw : j * dw + sw * (ow - 1) + 1 : sw,
                        ]
                        xp.add(window, image_block, out=window)

        over_batch(xp, B, gz.size * kh * kw * C, work)
        return gx[:, top : top + H, left : left + W, :].transpose(0, 3, 1, 2)


Conv2d.trio = Conv2dGradWeights.trio = Conv2dGradInputs.trio = (
    Conv2d,
    Conv2dGradWeights,
    Conv2dGradInputs,
)
