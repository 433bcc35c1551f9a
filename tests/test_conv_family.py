"""conv3d, grouped and unshared convolution, the transposed convolution, Theano's abstract conv
ops, the shape helpers and bilinear upsampling, against SciPy, NumPy loops and conv2d itself."""

import itertools

import numpy as np
import pytest
from scipy.signal import convolve, correlate

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor.nnet import abstract_conv as ac
from minitheano.tensor.shape_inference import symbolic_shape

from .nnet_references import conv_reference

RNG = np.random.RandomState(11)


def scipy_conv3d(x, w, pads, subsample, flip):
    """Per image, filter and channel, SciPy's N-d convolution (or correlation), summed over the
    channels, then subsampled."""
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in pads))
    op = convolve if flip else correlate
    out = np.array(
        [
            [
                sum(op(xp[b, c], w[k, c], mode="valid") for c in range(w.shape[1]))
                for k in range(len(w))
            ]
            for b in range(len(x))
        ]
    )
    return out[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in subsample)]


@pytest.mark.parametrize(
    "border_mode,pads,subsample,flip",
    [
        ("valid", (0, 0, 0), (1, 1, 1), True),
        ("full", (2, 1, 2), (1, 2, 1), False),
        ("half", (1, 1, 1), (2, 1, 3), True),
        ((1, 0, 2), (1, 0, 2), (1, 1, 2), False),
    ],
)
def test_conv3d_matches_scipy(border_mode, pads, subsample, flip):
    x, w = RNG.rand(2, 3, 5, 6, 4), RNG.rand(4, 3, 3, 2, 3)
    xs, ws = T.dtensor5(), T.dtensor5()
    out = T.nnet.conv3d(xs, ws, border_mode=border_mode, subsample=subsample, filter_flip=flip)
    got = theano.function([xs, ws], out)(x, w)
    np.testing.assert_allclose(got, scipy_conv3d(x, w, pads, subsample, flip), rtol=1e-12)


def test_conv3d_gradients_and_second_derivatives():
    x, w = RNG.rand(2, 2, 4, 5, 3), RNG.rand(3, 2, 2, 3, 2)
    verify_grad(
        lambda a, b: ac.conv3d(
            a, b, border_mode="half", subsample=(2, 1, 1), filter_dilation=(1, 2, 1)
        ),
        [x, w],
        rng=np.random.RandomState(1),
    )
    verify_grad(
        lambda a, b: T.grad((ac.conv3d(a, b, border_mode="full") ** 2).sum(), b),
        [x, w],
        rng=np.random.RandomState(2),
    )


@pytest.mark.parametrize("conv,ndim", [(ac.conv2d, 2), (ac.conv3d, 3)])
def test_grouped_convolution_is_conv_per_group(conv, ndim):
    groups = 3
    x = RNG.rand(2, 6, *(5,) * ndim)
    w = RNG.rand(9, 2, *(2,) * ndim)
    xs, ws = (
        T.TensorType("float64", (False,) * (ndim + 2))(),
        T.TensorType("float64", (False,) * (ndim + 2))(),
    )
    kw = dict(border_mode="half", subsample=(2,) * ndim)
    got = theano.function([xs, ws], conv(xs, ws, num_groups=groups, **kw))(x, w)
    single = theano.function([xs, ws], conv(xs, ws, **kw))
    expected = np.concatenate(
        [single(x[:, 2 * g : 2 * g + 2], w[3 * g : 3 * g + 3]) for g in range(groups)], 1
    )
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    verify_grad(
        lambda a, b: conv(a, b, num_groups=groups, **kw), [x[:1], w], rng=np.random.RandomState(3)
    )


def test_grouped_convolution_second_derivatives_and_thread_split(monkeypatch):
    from minitheano import parallel

    x, w = RNG.rand(5, 4, 6, 5), RNG.rand(6, 2, 3, 2)
    verify_grad(
        lambda a, b: T.grad((ac.conv2d(a, b, num_groups=2) ** 2).sum(), a),
        [x[:2], w],
        rng=np.random.RandomState(4),
    )
    xs, ws = T.dtensor4(), T.dtensor4()
    out = ac.conv2d(xs, ws, num_groups=2, border_mode="full")
    f = lambda: theano.function([xs, ws], [out] + T.grad((out**2).sum(), [xs, ws]))(x, w)  # noqa: E731
    whole = f()
    monkeypatch.setattr(parallel, "MIN_ELEMENTS", 0)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)
    with theano.config.change_flags(threads=2):
        split = f()
    for a, b in zip(split, whole):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def unshared_reference(x, w, subsample, flip):
    """Locally connected: output ``(b, k, i, j)`` uses its own kernel ``w[k, i, j]``."""
    K, oh, ow, C, kh, kw = w.shape
    if flip:
        w = w[..., ::-1, ::-1]
    out = np.zeros((len(x), K, oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        r, c = i * subsample[0], j * subsample[1]
        out[:, :, i, j] = np.einsum("bchw,kchw->bk", x[:, :, r : r + kh, c : c + kw], w[:, i, j])
    return out


@pytest.mark.parametrize("subsample,flip", [((1, 1), True), ((2, 1), False)])
def test_unshared_convolution(subsample, flip):
    x = RNG.rand(2, 3, 6, 5)
    oh, ow = (6 - 3) // subsample[0] + 1, (5 - 2) // subsample[1] + 1
    w = RNG.rand(4, oh, ow, 3, 3, 2)
    xs, ws = T.dtensor4(), T.TensorType("float64", (False,) * 6)()
    out = ac.conv2d(xs, ws, subsample=subsample, filter_flip=flip, unshared=True)
    got = theano.function([xs, ws], out)(x, w)
    np.testing.assert_allclose(got, unshared_reference(x, w, subsample, flip), rtol=1e-12)
    verify_grad(
        lambda a, b: ac.conv2d(a, b, subsample=subsample, filter_flip=flip, unshared=True),
        [x, w],
        rng=np.random.RandomState(5),
    )
    with pytest.raises(ValueError, match="one kernel per output position"):
        theano.function([xs, ws], out)(x, w[:, :-1])


@pytest.mark.parametrize(
    "border_mode,subsample,dilation,groups",
    [("valid", (2, 2), (1, 1), 1), ("half", (1, 2), (2, 1), 2), ((2, 1), (3, 1), (1, 1), 1)],
)
def test_transposed_convolution_is_the_gradient_of_conv2d(
    border_mode, subsample, dilation, groups
):
    x, w = RNG.rand(2, 4, 9, 8), RNG.rand(6, 4 // groups, 3, 2)
    xs, ws, gzs = T.dtensor4(), T.dtensor4(), T.dtensor4()
    kw = dict(
        border_mode=border_mode, subsample=subsample, filter_dilation=dilation, num_groups=groups
    )
    out = ac.conv2d(xs, ws, **kw)
    gz = RNG.rand(*theano.function([xs, ws], out)(x, w).shape)
    grads = theano.function([xs, ws, gzs], T.grad((out * gzs).sum(), [xs, ws]))(x, w, gz)
    rows = T.lscalar()  # a symbolic spatial size, as Theano allows
    transposed = ac.conv2d_grad_wrt_inputs(gzs, ws, (None, None, rows, 8), **kw)
    gx = theano.function([gzs, ws, rows], transposed)(gz, w, 9)
    gw = theano.function(
        [xs, gzs], ac.conv2d_grad_wrt_weights(xs, gzs, (6, 4 // groups, 3, 2), **kw)
    )(x, gz)
    np.testing.assert_allclose(gx, grads[0], rtol=1e-12)
    np.testing.assert_allclose(gw, grads[1], rtol=1e-12)
    up = ac.conv2d_transpose(
        gzs,
        ws,
        (2, 4, 9, 8),
        input_dilation=subsample,
        **{k: v for k, v in kw.items() if k != "subsample"},
    )
    np.testing.assert_allclose(theano.function([gzs, ws], up)(gz, w), grads[0], rtol=1e-12)


def test_conv3d_transposed_and_filter_gradient_functions():
    x, w = RNG.rand(2, 2, 5, 4, 4), RNG.rand(3, 2, 2, 2, 3)
    xs, ws, gzs = T.dtensor5(), T.dtensor5(), T.dtensor5()
    out = ac.conv3d(xs, ws, subsample=(2, 1, 1), border_mode=1)
    gz = RNG.rand(*theano.function([xs, ws], out)(x, w).shape)
    gx, gw = theano.function([xs, ws, gzs], T.grad((out * gzs).sum(), [xs, ws]))(x, w, gz)
    kw = dict(subsample=(2, 1, 1), border_mode=1)
    got_gx = theano.function([gzs, ws], ac.conv3d_grad_wrt_inputs(gzs, ws, x.shape, **kw))(gz, w)
    got_gw = theano.function([xs, gzs], ac.conv3d_grad_wrt_weights(xs, gzs, w.shape, **kw))(x, gz)
    np.testing.assert_allclose(got_gx, gx, rtol=1e-12)
    np.testing.assert_allclose(got_gw, gw, rtol=1e-12)


def test_abstract_conv_ops_take_theanos_arguments():
    """As Lasagne's TransposedConv2DLayer uses them: the gradient op built with imshp/kshp and
    called with the spatial output size only."""
    from minitheano.tensor.nnet.abstract_conv import (
        AbstractConv2d,
        AbstractConv2d_gradInputs,
        AbstractConv2d_gradWeights,
        AbstractConv3d,
    )

    x, w = RNG.rand(2, 3, 7, 6), RNG.rand(4, 3, 3, 3)
    xs, ws, gzs = T.dtensor4(), T.dtensor4(), T.dtensor4()
    op = AbstractConv2d(
        imshp=(None, 3, 7, 6), kshp=(4, 3, 3, 3), border_mode="half", subsample=(2, 1)
    )
    assert op.imshp == (None, 3, 7, 6) and op.kshp == (4, 3, 3, 3) and op.num_groups == 1
    assert isinstance(op, ac.Conv2d) and str(op).startswith("AbstractConv2d{half")
    out = theano.function([xs, ws], op(xs, ws))(x, w)
    np.testing.assert_allclose(out, conv_reference(x, w, ((1, 1), (1, 1)), (2, 1)), rtol=1e-12)
    deconv = AbstractConv2d_gradInputs(
        imshp=(None, 3, 7, 6), kshp=(4, 3, 3, 3), subsample=(2, 1), border_mode="half"
    )
    size = T.as_tensor_variable([xs.shape[2], 6])
    gx = theano.function([xs, ws, gzs], deconv(ws, gzs, size), on_unused_input="ignore")
    gz = RNG.rand(*out.shape)
    expected = theano.function([xs, ws, gzs], T.grad((op(xs, ws) * gzs).sum(), xs))(x, w, gz)
    np.testing.assert_allclose(gx(x, w, gz), expected, rtol=1e-12)
    gw_op = AbstractConv2d_gradWeights(border_mode="half", subsample=(2, 1))
    gw = theano.function([xs, gzs], gw_op(xs, gzs, (3, 3)))(x, gz)
    expected = theano.function([xs, ws, gzs], T.grad((op(xs, ws) * gzs).sum(), ws))(x, w, gz)
    np.testing.assert_allclose(gw, expected, rtol=1e-12)
    assert AbstractConv3d(border_mode=1).subsample == (1, 1, 1)


def test_conv_shape_helpers():
    assert ac.get_conv_output_shape((8, 3, 28, 28), (16, 3, 5, 5), "valid", (1, 1)) == (
        8,
        16,
        24,
        24,
    )
    assert ac.get_conv_output_shape(
        (None, 3, 9, 9, 9), (4, 3, 3, 3, 3), "half", (2, 2, 1), (1, 2, 1)
    ) == (None, 4, 5, 5, 9)
    assert ac.get_conv_output_shape((2, 3, None, 7), (4, 3, 3, 2), ((1, 2), 0), (1, 1))[2:] == (
        None,
        6,
    )
    assert ac.get_conv_shape_1axis(7, 3, "full", 2) == 5
    assert ac.get_conv_gradinputs_shape((4, 3, 3, 2), (2, 4, 5, 6), "valid", (1, 1)) == (
        2,
        3,
        7,
        7,
    )
    assert ac.get_conv_gradinputs_shape((4, 3, 3, 2), (2, 4, 5, 6), "valid", (2, 1))[2] is None
    assert ac.get_conv_gradweights_shape((2, 3, 7, 7), (2, 4, 5, 6), "valid", (1, 1)) == (
        4,
        3,
        3,
        2,
    )
    assert ac.check_conv_gradinputs_shape(
        (2, 3, 7, 7), (4, 3, 3, 2), (2, 4, 5, 6), "valid", (1, 1)
    )
    assert not ac.check_conv_gradinputs_shape(
        (2, 3, 7, 7), (4, 3, 3, 2), (2, 4, 5, 5), "valid", (1, 1)
    )
    rows = T.lscalar()
    symbolic = ac.get_conv_output_shape((2, 3, rows, 7), (4, 3, 3, 2), "half", (2, 1))
    assert theano.function([rows], symbolic[2])(9) == 5


def test_inferred_shapes_of_conv3d_and_grouped_gradients():
    xs, ws = T.dtensor5(), T.dtensor5()
    out = ac.conv3d(xs, ws, border_mode=(1, 0, 2), subsample=(2, 1, 3), num_groups=2)
    cost = (out**2).sum()
    x, w = np.zeros((2, 4, 5, 7, 3)), np.zeros((6, 2, 3, 2, 2))
    for var in [out] + T.grad(cost, [xs, ws]):
        shape = symbolic_shape(var)
        f = theano.function(
            [xs, ws], [s for s in shape if not isinstance(s, int)], on_unused_input="ignore"
        )
        values = iter(f(x, w))
        inferred = tuple(s if isinstance(s, int) else int(next(values)) for s in shape)
        assert inferred == theano.function([xs, ws], var)(x, w).shape


def test_bilinear_upsampling():
    xs = T.dtensor4()
    x = RNG.rand(2, 3, 4, 5)
    one_d = theano.function([xs], ac.bilinear_upsampling(xs, 3))(x)
    two_d = theano.function([xs], ac.bilinear_upsampling(xs, 3, use_1D_kernel=False))(x)
    assert one_d.shape == (2, 3, 12, 15)
    np.testing.assert_allclose(one_d, two_d, rtol=1e-12)
    flat = theano.function([xs], ac.bilinear_upsampling(xs, 2))(np.full((1, 2, 3, 3), 0.7))
    np.testing.assert_allclose(flat, 0.7, rtol=1e-12)  # a constant image stays constant
    ramp = np.arange(4.0)[None, None, None, :].repeat(2, axis=2)
    up = theano.function([xs], ac.bilinear_upsampling(xs, 2))(ramp)[0, 0, 0]
    np.testing.assert_allclose(np.diff(up[1:-1]), 0.5)  # linear inside the borders
    with pytest.raises(ValueError, match="not both"):
        ac.bilinear_upsampling(xs, 2, frac_ratio=(3, 2))


def test_separable_conv2d_is_depthwise_then_pointwise():
    x, dw, pw = RNG.rand(2, 3, 6, 6), RNG.rand(6, 1, 3, 3), RNG.rand(4, 6, 1, 1)
    xs, dws, pws = T.dtensor4(), T.dtensor4(), T.dtensor4()
    got = theano.function(
        [xs, dws, pws], ac.separable_conv2d(xs, dws, pws, 3, border_mode="half")
    )(x, dw, pw)
    depthwise = conv_reference(x, dw, ((1, 1), (1, 1)), groups=3)
    np.testing.assert_allclose(got, conv_reference(depthwise, pw, ((0, 0), (0, 0))), rtol=1e-12)


def test_errors_name_the_op_shapes_and_groups():
    xs, ws = T.dtensor4(), T.dtensor4()
    f = theano.function([xs, ws], ac.conv2d(xs, ws, num_groups=2))
    with pytest.raises(ValueError, match=r"input has 4 channels.*expect 3 x 2 groups = 6"):
        f(np.zeros((1, 4, 5, 5)), np.zeros((4, 3, 2, 2)))
    with pytest.raises(ValueError, match="5 filters"):
        f(np.zeros((1, 4, 5, 5)), np.zeros((5, 2, 2, 2)))
    with pytest.raises(
        TypeError, match=r"conv3d: the input must be a 5-d tensor \(batch, channels, depth"
    ):
        ac.conv3d(xs, T.dtensor5())
    with pytest.raises(ValueError, match="border_mode must have 3"):
        ac.conv3d(T.dtensor5(), T.dtensor5(), border_mode=(1, 1))
    with pytest.raises(ValueError, match="num_groups"):
        ac.conv2d(xs, ws, num_groups=0)
    with pytest.raises(ValueError, match="input_shape must have 4 entries"):
        ac.conv2d_grad_wrt_inputs(xs, ws, (3, 7, 7))
