"""2-D convolution: ``conv2d`` and Theano's trio of ops (forward, grad wrt weights, grad wrt
inputs), whose gradients are written with each other so that second derivatives work.

Layout: NCHW inputs, ``(K, C, kh, kw)`` filters. All three are im2col + GEMM, run per core on
cache-sized chunks of the batch (``parallel.over_batch``). Outputs are NCHW views of
channels-last memory, which the next elementwise ops, pooling and convolution keep (NumPy
preserves memory order), so no transposes are copied.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...graph import Apply
from ...op import Op
from ...parallel import cache_chunks, over_batch
from ..elemwise import cast
from ..shape import shape
from ..type import FLOAT_DTYPES, TensorType, as_tensor_variable, upcast
from ..windows import Im2col, out_size, pad_last2


def normalize_border_mode(border_mode):
    """``'valid' | 'full' | 'half'`` or a pair of non-negative ints (an int means both)."""
    if isinstance(border_mode, str):
        if border_mode not in ("valid", "full", "half"):
            raise ValueError(
                f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a "
                f"pair of ints, got {border_mode!r}"
            )
        return border_mode
    if isinstance(border_mode, int):
        border_mode = (border_mode, border_mode)
    try:
        pads = tuple(int(b) for b in border_mode)
    except TypeError:
        raise ValueError(f"conv2d: invalid border_mode {border_mode!r}") from None
    if len(pads) != 2 or min(pads) < 0:
        raise ValueError(
            f"conv2d: border_mode pads must be two non-negative ints, got {border_mode!r}"
        )
    return pads


def _pair(value, what):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or any(not isinstance(v, int) or v < 1 for v in pair):
        raise ValueError(f"conv2d: {what} must be a pair of positive ints, got {value!r}")
    return pair


def _declared(shape_, what):
    if shape_ is None:
        return None
    shape_ = tuple(None if s is None else int(s) for s in shape_)
    if len(shape_) != 4:
        raise ValueError(f"conv2d: {what} must have 4 entries, got {shape_}")
    return shape_


@dataclass(frozen=True)
class BaseConv(Op):
    """Props shared by the three convolution ops."""

    border_mode: object = "valid"
    subsample: tuple = (1, 1)
    filter_flip: bool = True
    filter_dilation: tuple = (1, 1)
    input_shape: tuple | None = None
    filter_shape: tuple | None = None

    def __str__(self) -> str:
        flip = "" if self.filter_flip else ", no flip"
        return f"{type(self).__name__}{{{self.border_mode}, subsample={self.subsample}{flip}}}"

    def pads(self, kh, kw):
        """Padding of the input's rows and columns (works on ints and symbolic scalars)."""
        dh, dw = self.filter_dilation
        if self.border_mode == "valid":
            return 0, 0
        if self.border_mode == "full":
            return (kh - 1) * dh, (kw - 1) * dw
        if self.border_mode == "half":
            return ((kh - 1) * dh + 1) // 2, ((kw - 1) * dw + 1) // 2
        return self.border_mode

    def output_hw(self, h, w, kh, kw):
        ph, pw = self.pads(kh, kw)
        (sh, sw), (dh, dw) = self.subsample, self.filter_dilation
        return out_size(h, kh, sh, ph, ph, dh), out_size(w, kw, sw, pw, pw, dw)

    def check_shapes(self, x_shape, w_shape):
        """Run-time check of the real shapes against each other and the declared ones."""
        for declared, real, what in (
            (self.input_shape, x_shape, "input_shape"),
            (self.filter_shape, w_shape, "filter_shape"),
        ):
            if declared is not None and any(
                d is not None and d != r for d, r in zip(declared, real)
            ):
                raise ValueError(
                    f"conv2d: the {what.split('_')[0]} has shape {tuple(real)} "
                    f"but {what}={declared} was declared"
                )
        if x_shape[1] != w_shape[1]:
            raise ValueError(
                f"conv2d: the input has {x_shape[1]} channels (shape "
                f"{tuple(x_shape)}) but the filters expect {w_shape[1]} (filter "
                f"shape {tuple(w_shape)})"
            )
        oh, ow = self.output_hw(x_shape[2], x_shape[3], w_shape[2], w_shape[3])
        if oh < 1 or ow < 1:
            raise ValueError(
                f"conv2d: filters {tuple(w_shape)} do not fit the input "
                f"{tuple(x_shape)} with border_mode={self.border_mode!r} "
                f"(output would be {oh}x{ow})"
            )
        return oh, ow

    def _gradient_node(self, tensor, what, gz, shape_) -> Apply:
        """The node of a gradient op: ``tensor`` (the input or the filters), the output
        gradient ``gz`` and the shape of what it computes; both tensors in their upcast dtype."""
        tensor, gz, shape_ = (as_tensor_variable(v) for v in (tensor, gz, shape_))
        _check_tensor4(tensor, what, str(self))
        _check_tensor4(gz, "the output gradient", str(self))
        dtype = upcast(tensor.dtype, gz.dtype)
        return Apply(
            self,
            [cast(tensor, dtype), cast(gz, dtype), shape_],
            [TensorType(dtype, (False,) * 4)()],
        )

    def _check_output_gradient(self, gz, expected):
        if gz.shape != expected:
            raise ValueError(
                f"{self}: the output gradient has shape {gz.shape} ({gz.dtype}), "
                f"expected {expected}"
            )

    def _prepare(self, xp, x, kh, kw):
        ph, pw = self.pads(kh, kw)
        return pad_last2(xp, x, (ph, ph, pw, pw))

    def _oriented(self, w):
        return w[:, :, ::-1, ::-1] if self.filter_flip else w

    def forward(self, xp, x, w):
        """The convolution, returned as an NCHW view of channels-last memory.

        Each core takes a slice of the batch and, chunk by cache-sized chunk, copies the
        windows into an im2col matrix and multiplies it by the filters (one GEMM per chunk).
        """
        K, C, kh, kw = w.shape
        oh, ow = self.check_shapes(x.shape, w.shape)
        windows = self._im2col(xp, x, kh, kw, oh, ow)
        wmat = xp.ascontiguousarray(self._oriented(w).transpose(2, 3, 1, 0)).reshape(-1, K)
        out = xp.empty((x.shape[0], oh, ow, K), dtype=x.dtype)
        out_rows = out.reshape(-1, K)

        def work(lo, hi):
            for a, b, cols in windows.chunks(lo, hi):
                xp.matmul(cols, wmat, out=out_rows[a * oh * ow : b * oh * ow])

        over_batch(xp, x.shape[0], out.size * kh * kw * C, work)
        return out.transpose(0, 3, 1, 2)

    def _im2col(self, xp, x, kh, kw, oh, ow):
        """The (chunked) im2col matrix of ``x`` after padding."""
        x = self._prepare(xp, x, kh, kw)
        return Im2col(xp, x, kh, kw, oh, ow, self.subsample, self.filter_dilation)


def _check_tensor4(var, what, op):
    if var.ndim != 4:
        raise TypeError(
            f"{op}: {what} must be a 4-d tensor (batch, channels, rows, columns), got {var.type}"
        )
    if var.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{op}: {what} must be float, got {var.type}")


@dataclass(frozen=True)
class Conv2d(BaseConv):
    """``conv2d(x, w)``: NCHW input, ``(K, C, kh, kw)`` filters, summed over C."""

    def make_node(self, x, w) -> Apply:
        x, w = as_tensor_variable(x), as_tensor_variable(w)
        _check_tensor4(x, "the input", "conv2d")
        _check_tensor4(w, "the filters", "conv2d")
        dtype = upcast(x.dtype, w.dtype)
        bcast = (x.broadcastable[0], w.broadcastable[0], False, False)
        return Apply(self, [cast(x, dtype), cast(w, dtype)], [TensorType(dtype, bcast)()])

    def perform(self, xp, x, w):
        return self.forward(xp, x, w)

    def infer_shape(self, node, input_shapes):
        (b, _, h, w_), (k, _, kh, kw) = input_shapes
        return [(b, k) + self.output_hw(h, w_, kh, kw)]

    def grad(self, inputs, outputs, output_grads):
        (x, w), (gz,) = inputs, output_grads
        props = self.props()
        gx = Conv2dGradInputs(**props)(w, gz, shape(x))
        gw = Conv2dGradWeights(**props)(x, gz, shape(w))
        return [gx, gw]


@dataclass(frozen=True)
class Conv2dGradWeights(BaseConv):
    """Gradient of ``conv2d`` with respect to the filters: ``(x, gz, filter_shape) -> gw``."""

    def make_node(self, x, gz, w_shape) -> Apply:
        return self._gradient_node(x, "the input", gz, w_shape)

    def perform(self, xp, x, gz, w_shape):
        K, C, kh, kw = (int(s) for s in w_shape)
        oh, ow = self.check_shapes(x.shape, (K, C, kh, kw))
        self._check_output_gradient(gz, (x.shape[0], K, oh, ow))
        windows = self._im2col(xp, x, kh, kw, oh, ow)
        gz_rows = gz.transpose(0, 2, 3, 1)  # channels-last view: one row per output pixel

        def work(lo, hi):  # this slice's share of cols^T . gz, chunk by chunk
            partial = xp.zeros((kh * kw * C, K), dtype=x.dtype)
            for a, b, cols in windows.chunks(lo, hi):
                # dot, not matmul: NumPy's matmul holds the GIL for this long-K shape
                partial += xp.dot(cols.T, gz_rows[a:b].reshape(-1, K))
            return partial

        gw = sum(over_batch(xp, x.shape[0], gz.size * kh * kw * C, work))
        gw = gw.reshape(kh, kw, C, K).transpose(3, 2, 0, 1)
        return xp.ascontiguousarray(self._oriented(gw))

    def infer_shape(self, node, input_shapes):
        w_shape = node.inputs[2]
        return [tuple(w_shape[i] for i in range(4))]

    def grad(self, inputs, outputs, output_grads):
        (x, gz, _), (g,) = inputs, output_grads
        props = self.props()
        return [Conv2dGradInputs(**props)(g, gz, shape(x)), Conv2d(**props)(x, g), None]


@dataclass(frozen=True)
class Conv2dGradInputs(BaseConv):
    """Gradient of ``conv2d`` with respect to the input: ``(w, gz, input_shape) -> gx``."""

    def make_node(self, w, gz, x_shape) -> Apply:
        return self._gradient_node(w, "the filters", gz, x_shape)

    def perform(self, xp, w, gz, x_shape):
        B, C, H, W = (int(s) for s in x_shape)
        K, _, kh, kw = w.shape
        oh, ow = self.check_shapes((B, C, H, W), w.shape)
        self._check_output_gradient(gz, (B, K, oh, ow))
        ph, pw = self.pads(kh, kw)
        (sh, sw), (dh, dw) = self.subsample, self.filter_dilation
        # (kh, kw, K, C): the matrix that maps output-gradient rows to one window offset
        w_offsets = xp.ascontiguousarray(self._oriented(w).transpose(2, 3, 0, 1))
        gz_rows = gz.transpose(0, 2, 3, 1)
        gx = xp.empty((B, H + 2 * ph, W + 2 * pw, C), dtype=gz.dtype)
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
        return gx[:, ph : ph + H, pw : pw + W, :].transpose(0, 3, 1, 2)

    def infer_shape(self, node, input_shapes):
        x_shape = node.inputs[2]
        return [tuple(x_shape[i] for i in range(4))]

    def grad(self, inputs, outputs, output_grads):
        (w, gz, _), (g,) = inputs, output_grads
        props = self.props()
        return [Conv2dGradWeights(**props)(g, gz, shape(w)), Conv2d(**props)(g, w), None]


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

    ``input`` is ``(batch, channels, rows, cols)``, ``filters`` is ``(n_filters, channels, rows,
    cols)``. A true convolution (kernels rotated 180 degrees) unless ``filter_flip=False``.
    ``input_shape`` and ``filter_shape`` (``image_shape`` is its deprecated alias) are checked
    against each other now and against the real arrays at run time.

    >>> out = conv2d(T.tensor4(), T.tensor4(), border_mode='half')
    """
    if image_shape is not None:
        import warnings

        warnings.warn(
            "conv2d: image_shape is deprecated, use input_shape", DeprecationWarning, stacklevel=2
        )
        if input_shape is not None:
            raise ValueError("conv2d: give input_shape or its old name image_shape, not both")
        input_shape = image_shape
    if num_groups != 1 or unshared:
        raise NotImplementedError("conv2d: grouped and unshared convolutions are not supported")
    input_shape = _declared(input_shape, "input_shape")
    filter_shape = _declared(filter_shape, "filter_shape")
    if (
        input_shape
        and filter_shape
        and None not in (input_shape[1], filter_shape[1])
        and input_shape[1] != filter_shape[1]
    ):
        raise ValueError(
            f"conv2d: input_shape {input_shape} has {input_shape[1]} channels but "
            f"filter_shape {filter_shape} expects {filter_shape[1]}"
        )
    op = Conv2d(
        normalize_border_mode(border_mode),
        _pair(subsample, "subsample"),
        bool(filter_flip),
        _pair(filter_dilation, "filter_dilation"),
        input_shape,
        filter_shape,
    )
    return op(input, filters)
