"""conv2d and pool_2d against obviously correct references, gradients and shape errors."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor.nnet import conv as legacy_conv
from minitheano.tensor.nnet import conv2d
from minitheano.tensor.shape_inference import symbolic_shape
from minitheano.tensor.signal import downsample, pool

RNG = np.random.RandomState(7)


def conv_reference(x, w, border_mode, subsample, flip, dilation=(1, 1)):
    """Loop reference: scipy 2-D convolution per (image, filter, channel), then subsample."""
    K, C, kh, kw = w.shape
    dh, dw = dilation
    # a dilated kernel is the kernel with zeros between its taps
    wd = np.zeros((K, C, (kh - 1) * dh + 1, (kw - 1) * dw + 1))
    wd[:, :, ::dh, ::dw] = w
    ekh, ekw = wd.shape[2:]
    if border_mode == "valid":
        pads = (0, 0)
    elif border_mode == "full":
        pads = (ekh - 1, ekw - 1)
    elif border_mode == "half":
        pads = (ekh // 2, ekw // 2)
    else:
        pads = (border_mode, border_mode) if isinstance(border_mode, int) else border_mode
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[0]), (pads[1], pads[1])))
    op = convolve2d if flip else correlate2d
    out = np.array(
        [
            [sum(op(xp[b, c], wd[k, c], mode="valid") for c in range(C)) for k in range(K)]
            for b in range(x.shape[0])
        ]
    )
    return out[:, :, :: subsample[0], :: subsample[1]]


CONV_CASES = list(
    itertools.product(["valid", "full", "half", (1, 2), 1], [(1, 1), (2, 3)], [True, False])
)


@pytest.mark.parametrize("border_mode,subsample,flip", CONV_CASES)
def test_conv2d_matches_scipy(border_mode, subsample, flip):
    x, w = RNG.rand(2, 3, 7, 8), RNG.rand(4, 3, 3, 2)
    xs, ws = T.dtensor4("x"), T.dtensor4("w")
    out = conv2d(xs, ws, border_mode=border_mode, subsample=subsample, filter_flip=flip)
    got = theano.function([xs, ws], out)(x, w)
    np.testing.assert_allclose(got, conv_reference(x, w, border_mode, subsample, flip), rtol=1e-10)


def test_conv2d_dilation_matches_reference():
    x, w = RNG.rand(2, 2, 9, 9), RNG.rand(3, 2, 3, 3)
    xs, ws = T.dtensor4(), T.dtensor4()
    for mode in ("valid", "half", "full"):
        out = conv2d(xs, ws, border_mode=mode, filter_dilation=(2, 2))
        got = theano.function([xs, ws], out)(x, w)
        np.testing.assert_allclose(
            got, conv_reference(x, w, mode, (1, 1), True, (2, 2)), rtol=1e-10
        )


@pytest.mark.parametrize(
    "border_mode,subsample,flip",
    [
        ("valid", (1, 1), True),
        ("full", (2, 1), False),
        ("half", (1, 2), True),
        ((2, 1), (2, 2), False),
    ],
)
def test_conv2d_gradients(border_mode, subsample, flip):
    x, w = RNG.rand(2, 2, 6, 5), RNG.rand(3, 2, 3, 2)
    verify_grad(
        lambda a, b: conv2d(a, b, border_mode=border_mode, subsample=subsample, filter_flip=flip),
        [x, w],
        rng=np.random.RandomState(1),
    )


def test_conv2d_second_derivatives():
    x, w = RNG.rand(2, 2, 5, 5), RNG.rand(2, 2, 3, 3)

    def grad_wrt_filters(a, b):
        cost = (conv2d(a, b) ** 2).sum()
        return T.grad(cost, b)

    def grad_wrt_input(a, b):
        return T.grad((conv2d(a, b, border_mode="full") ** 2).sum(), a)

    verify_grad(grad_wrt_filters, [x, w], rng=np.random.RandomState(2))
    verify_grad(grad_wrt_input, [x, w], rng=np.random.RandomState(3))


@pytest.mark.parametrize("channels_last", [False, True])
@pytest.mark.parametrize(
    "border_mode,subsample,dilation",
    [
        ("valid", (1, 1), (1, 1)),
        ("full", (2, 1), (1, 1)),
        (1, (1, 2), (1, 1)),
        ("half", (1, 1), (2, 2)),
    ],
)
def test_conv2d_split_over_threads_and_chunks_gives_the_same_results(
    monkeypatch, channels_last, border_mode, subsample, dilation
):
    from minitheano import parallel

    x = RNG.rand(5, 3, 7, 6)  # an odd batch: the two threads get 2 and 3 images
    if channels_last:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    w = RNG.rand(4, 3, 3, 2)
    xs, ws = T.dtensor4(), T.dtensor4()
    out = conv2d(xs, ws, border_mode=border_mode, subsample=subsample, filter_dilation=dilation)
    g = RNG.rand(*theano.function([xs, ws], out)(x, w).shape)
    cost = (out * g).sum()
    whole = theano.function([xs, ws], [out] + T.grad(cost, [xs, ws]))(x, w)
    splits = []
    real_split = parallel.map_rows
    monkeypatch.setattr(
        parallel, "map_rows", lambda *a, **k: splits.append(a[1]) or real_split(*a, **k)
    )
    monkeypatch.setattr(parallel, "MIN_ELEMENTS", 0)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)  # one image per chunk
    with theano.config.change_flags(threads=2):
        split = theano.function([xs, ws], [out] + T.grad(cost, [xs, ws]))(x, w)
    assert splits.count(5) >= 3  # forward, filter gradient and input gradient were split
    np.testing.assert_allclose(
        split[0], conv_reference(x, w, border_mode, subsample, True, dilation)
    )
    for got, expected in zip(split, whole):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_conv2d_on_channels_last_memory_and_float32():
    x = RNG.rand(3, 6, 6, 4).astype("float32").transpose(0, 3, 1, 2)  # NCHW view of NHWC
    w = RNG.rand(5, 4, 3, 3).astype("float32")
    xs, ws = T.ftensor4(), T.ftensor4()
    out = theano.function([xs, ws], conv2d(xs, ws))(x, w)
    assert out.dtype == np.float32
    np.testing.assert_allclose(
        out, conv_reference(x.astype("float64"), w, "valid", (1, 1), True), rtol=1e-5
    )


def test_conv2d_declared_shapes_are_checked():
    xs, ws = T.dtensor4(), T.dtensor4()
    with pytest.raises(ValueError, match="channels"):
        conv2d(xs, ws, input_shape=(2, 3, 7, 7), filter_shape=(4, 2, 3, 3))
    f = theano.function([xs, ws], conv2d(xs, ws, input_shape=(2, 3, 7, 7)))
    with pytest.raises(ValueError, match=r"input has shape \(2, 3, 6, 7\).*input_shape"):
        f(np.zeros((2, 3, 6, 7)), np.zeros((4, 3, 3, 3)))
    g = theano.function([xs, ws], conv2d(xs, ws))
    with pytest.raises(ValueError, match="3 channels.*expect 2") as info:
        g(np.zeros((2, 3, 6, 7)), np.zeros((4, 2, 3, 3)))
    assert "test_conv_pool.py" in str(info.value)  # points at the line that built the conv
    with pytest.raises(ValueError, match="do not fit"):
        g(np.zeros((1, 2, 2, 2)), np.zeros((1, 2, 3, 3)))
    with pytest.raises(TypeError, match="4-d"):
        conv2d(T.dmatrix(), ws)
    with pytest.raises(ValueError, match="border_mode"):
        conv2d(xs, ws, border_mode="same")


def test_conv2d_gradient_ops_check_the_output_gradient():
    from minitheano.tensor.nnet import Conv2dGradInputs, Conv2dGradWeights

    xs, ws, gz = T.dtensor4(), T.dtensor4(), T.dtensor4()
    grad_inputs = theano.function([ws, gz], Conv2dGradInputs()(ws, gz, (2, 3, 6, 7)))
    grad_filters = theano.function([xs, gz], Conv2dGradWeights()(xs, gz, (4, 3, 3, 3)))
    wrong = np.zeros((2, 4, 4, 4))  # the right one is (2, 4, 4, 5)
    for f, first in (
        (grad_inputs, np.zeros((4, 3, 3, 3))),
        (grad_filters, np.zeros((2, 3, 6, 7))),
    ):
        with pytest.raises(
            ValueError,
            match=r"output gradient has shape \(2, 4, 4, 4\) \(float64\)"
            r", expected \(2, 4, 4, 5\)",
        ) as info:
            f(first, wrong)
        assert "test_conv_pool.py" in str(info.value)
    with pytest.raises(TypeError, match="the filters must be a 4-d tensor"):
        Conv2dGradInputs()(T.dmatrix(), gz, (2, 3, 6, 7))


def test_image_shape_is_a_deprecated_alias_and_legacy_conv():
    xs, ws = T.dtensor4(), T.dtensor4()
    with pytest.warns(DeprecationWarning, match="image_shape"):
        out = conv2d(xs, ws, image_shape=(1, 1, 5, 5))
    assert out.owner.op.input_shape == (1, 1, 5, 5)
    x, w = RNG.rand(1, 1, 5, 5), RNG.rand(1, 1, 2, 2)
    got = theano.function([xs, ws], legacy_conv.conv2d(xs, ws, border_mode="full"))(x, w)
    np.testing.assert_allclose(got, conv_reference(x, w, "full", (1, 1), True))
    with pytest.raises(ValueError):
        legacy_conv.conv2d(xs, ws, border_mode="half")


def test_conv2d_inferred_shape():
    xs, ws = T.dtensor4(), T.dtensor4()
    out = conv2d(xs, ws, border_mode="half", subsample=(2, 1))
    shape = symbolic_shape(out)
    f = theano.function([xs, ws], [s for s in shape if not isinstance(s, int)])
    x, w = np.zeros((2, 3, 7, 5)), np.zeros((5, 3, 3, 3))
    assert tuple(int(v) for v in f(x, w)) == theano.function([xs, ws], out)(x, w).shape


# --- pooling ------------------------------------------------------------------------------------


def pool_reference(x, ws, stride, pad, ignore_border, mode):
    """Theano's Pool.perform semantics, as a plain loop over output positions."""
    h, w = x.shape[-2:]
    ph, pw = pad
    rows, cols = h + 2 * ph, w + 2 * pw

    def n_out(size, padded, k, s):
        if ignore_border:
            return (padded - k) // s + 1
        return (size - 1) // s + 1 if s >= k else max(0, (size - 1 - k + s) // s) + 1

    oh, ow = n_out(h, rows, ws[0], stride[0]), n_out(w, cols, ws[1], stride[1])
    y = np.zeros(x.shape[:-2] + (rows, cols))
    y[..., ph : ph + h, pw : pw + w] = x
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for r in range(oh):
        for c in range(ow):
            r0, c0 = r * stride[0], c * stride[1]
            r1, c1 = min(r0 + ws[0], rows), min(c0 + ws[1], cols)
            if mode != "average_inc_pad":
                r0, c0 = max(r0, ph), max(c0, pw)
                r1, c1 = min(r1, h + ph), min(c1, w + pw)
            window = y[..., r0:r1, c0:c1]
            if mode == "max":
                out[..., r, c] = window.max(axis=(-2, -1))
            elif mode == "sum":
                out[..., r, c] = window.sum(axis=(-2, -1))
            else:
                out[..., r, c] = window.mean(axis=(-2, -1))
    return out


POOL_CASES = [
    ((2, 2), None, (0, 0), True),
    ((2, 2), None, (0, 0), False),
    ((3, 2), (1, 2), (0, 0), True),
    ((3, 3), (2, 2), (0, 0), False),
    ((3, 3), (2, 2), (1, 1), True),
    ((2, 3), (3, 1), (1, 0), True),
]


@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize("ws,stride,pad,ignore_border", POOL_CASES)
def test_pool_2d_matches_loop_reference(mode, ws, stride, pad, ignore_border):
    x = RNG.rand(2, 3, 7, 6)
    xs = T.dtensor4()
    out = pool.pool_2d(xs, ws=ws, stride=stride, pad=pad, ignore_border=ignore_border, mode=mode)
    got = theano.function([xs], out)(x)
    expected = pool_reference(x, ws, stride or ws, pad, ignore_border, mode)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize("ws,stride,pad,ignore_border", POOL_CASES[:4] + POOL_CASES[5:])
def test_pool_2d_gradients(mode, ws, stride, pad, ignore_border):
    x = RNG.permutation(2 * 2 * 7 * 6).reshape(2, 2, 7, 6) / 10.0  # distinct: no ties
    verify_grad(
        lambda a: pool.pool_2d(
            a, ws=ws, stride=stride, pad=pad, ignore_border=ignore_border, mode=mode
        ),
        [x],
        rng=np.random.RandomState(4),
    )


def test_max_pool_gradient_goes_to_every_tied_maximum():
    xs = T.dmatrix()
    g = T.grad(pool.pool_2d(xs, ws=(2, 2), ignore_border=True).sum(), xs)
    got = theano.function([xs], g)(np.array([[1.0, 1.0], [0.0, 1.0]]))
    np.testing.assert_array_equal(got, [[1.0, 1.0], [0.0, 1.0]])


def test_max_pool_second_derivative():
    x = RNG.permutation(36).reshape(1, 1, 6, 6) / 10.0
    verify_grad(
        lambda a: T.grad((pool.pool_2d(a, ws=(2, 2), ignore_border=True) ** 2).sum(), a),
        [x],
        rng=np.random.RandomState(5),
    )
    verify_grad(
        lambda a: T.grad(
            (pool.pool_2d(a, ws=(3, 3), stride=(2, 2), ignore_border=False) ** 2).sum(), a
        ),
        [x],
        rng=np.random.RandomState(5),
    )


def test_pool_pools_the_last_two_axes_of_any_tensor():
    for ndim in (2, 3, 5):
        x = RNG.rand(*((2,) * (ndim - 2) + (4, 6)))
        xs = T.TensorType("float64", (False,) * ndim)()
        got = theano.function([xs], pool.pool_2d(xs, ws=(2, 3), ignore_border=True))(x)
        np.testing.assert_allclose(got, pool_reference(x, (2, 3), (2, 3), (0, 0), True, "max"))


def test_tutorial_maxpool_printout():
    """The tutorial's demo: RandomState(1).rand(3, 2, 5, 5) pooled 2x2."""
    invals = np.random.RandomState(1).rand(3, 2, 5, 5)
    xs = T.dtensor4("input")
    f = theano.function([xs], pool.pool_2d(xs, (2, 2), ignore_border=True))
    np.testing.assert_allclose(
        f(invals)[0, 0], [[0.72032449, 0.39676747], [0.6852195, 0.87811744]], rtol=1e-7
    )
    g = theano.function([xs], pool.pool_2d(xs, (2, 2), ignore_border=False))
    np.testing.assert_allclose(
        g(invals)[1, 0],
        [
            [0.67883553, 0.58930554, 0.69975836],
            [0.66379465, 0.94459476, 0.58655504],
            [0.90340192, 0.80739129, 0.39767684],
        ],
        rtol=1e-7,
    )


def test_max_pool_2d_same_size_keeps_each_patch_maximum_in_place():
    x = T.dtensor4()
    data = RNG.rand(2, 3, 4, 6)
    got = theano.function([x], pool.max_pool_2d_same_size(x, (2, 3)))(data)
    patches = data.reshape(2, 3, 2, 2, 2, 3)
    expected = np.where(patches == patches.max(axis=(3, 5), keepdims=True), patches, 0)
    np.testing.assert_array_equal(got, expected.reshape(data.shape))


def test_pool_arguments_follow_theano():
    xs = T.dtensor4()
    with pytest.warns(DeprecationWarning, match="ds"):
        a = pool.pool_2d(xs, ds=(2, 2), ignore_border=True)
    with pytest.warns(DeprecationWarning, match="st"):
        pool.pool_2d(xs, ws=(2, 2), st=(1, 1), ignore_border=True)
    with pytest.warns(DeprecationWarning, match="padding"):
        pool.pool_2d(xs, ws=(2, 2), padding=(1, 1), ignore_border=True)
    with pytest.raises(ValueError, match="not both"):
        pool.pool_2d(xs, ws=(2, 2), ds=(2, 2), ignore_border=True)
    with pytest.warns(UserWarning, match="ignore_border"):
        b = pool.pool_2d(xs, ws=(2, 2))
    assert a.owner.op.ignore_border and not b.owner.op.ignore_border
    assert a.owner.op.stride == (2, 2)
    with pytest.raises(NotImplementedError, match="padding"):
        pool.pool_2d(xs, ws=(3, 3), pad=(1, 1), ignore_border=False)
    with pytest.raises(ValueError, match="mode"):
        pool.pool_2d(xs, ws=(2, 2), ignore_border=True, mode="median")
    with pytest.raises(TypeError, match="at least 2 dims"):
        pool.pool_2d(T.dvector(), ws=(2, 2), ignore_border=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        legacy = downsample.max_pool_2d(xs, (2, 2), ignore_border=True)
    assert legacy.owner.op == a.owner.op


@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
def test_pool_window_larger_than_the_padded_input_gives_an_empty_output(mode):
    # Theano: max(0, (size + 2 * pad - ws) // stride + 1) positions; this crashed (a negative
    # size, or a view whose negative stop wrapped around)
    xs = T.dtensor4()
    for ws, stride, pad, shape, expected in [
        ((1, 3), (1, 2), (0, 0), (2, 3, 4, 2), (2, 3, 4, 0)),
        ((3, 3), (1, 1), (0, 0), (2, 3, 1, 1), (2, 3, 0, 0)),
        ((3, 3), (2, 2), (1, 0), (1, 1, 1, 2), (1, 1, 1, 0)),
    ]:
        out = pool.pool_2d(xs, ws=ws, stride=stride, pad=pad, ignore_border=True, mode=mode)
        f = theano.function([xs], [out, out.shape, T.grad(T.sum(out), xs)])
        value, out_shape, grad = f(np.random.RandomState(0).rand(*shape))
        assert value.shape == tuple(out_shape) == expected
        np.testing.assert_array_equal(grad, np.zeros(shape))


def test_pool_inferred_shape():
    xs = T.dtensor4()
    for args in [
        dict(ws=(3, 3), stride=(2, 2), ignore_border=False),
        dict(ws=(2, 3), stride=(1, 2), pad=(1, 1), ignore_border=True),
    ]:
        out = pool.pool_2d(xs, **args)
        f = theano.function([xs], [s for s in symbolic_shape(out) if not isinstance(s, int)])
        x = np.zeros((2, 3, 7, 6))
        assert tuple(int(v) for v in f(x)) == theano.function([xs], out)(x).shape
