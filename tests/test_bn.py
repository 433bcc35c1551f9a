"""Batch normalization against its formula (values, gradients from differentiating the
formula, finite differences, second derivatives), running averages, errors; hierarchical
softmax and relu with a tensor slope."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor.nnet import bn

from .nnet_references import h_softmax_reference

RNG = np.random.RandomState(9)


def formula(x, gamma, beta, axes, epsilon):
    """The training-mode output written with elementwise ops and reductions."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) * (gamma / T.sqrt(var + epsilon)) + beta


@pytest.mark.parametrize(
    "axes,param_shape",
    [("per-activation", (3, 4, 2)), ("spatial", (3,)), ((0, 2), (1, 3, 1, 2)), ((1, 3), (5, 4))],
)
def test_train_matches_the_formula_with_its_gradients(axes, param_shape):
    x = RNG.rand(5, 3, 4, 2) * 3 + 1
    gamma, beta = RNG.rand(*param_shape) + 0.5, RNG.rand(*param_shape)
    xs = T.dtensor4()
    gs, bs = (T.TensorType("float64", tuple(s == 1 for s in param_shape))() for _ in "gb")
    out, mean, invstd = bn.batch_normalization_train(xs, gs, bs, axes, epsilon=1e-3)
    axes_t, kept = bn._axes(axes, 4)
    full = len(param_shape) == 4
    pattern = [kept.index(i) if i in kept else "x" for i in range(4)]
    g4, b4 = (gs, bs) if full else (gs.dimshuffle(*pattern), bs.dimshuffle(*pattern))
    expected = formula(xs, g4, b4, axes_t, 1e-3)
    weights = T.constant(RNG.rand(5, 3, 4, 2))
    got = theano.function(
        [xs, gs, bs], [out, mean, invstd] + T.grad((out * weights).sum(), [xs, gs, bs])
    )
    ref = theano.function(
        [xs, gs, bs], [expected] + T.grad((expected * weights).sum(), [xs, gs, bs])
    )
    values, refs = got(x, gamma, beta), ref(x, gamma, beta)
    for v, r in zip(values[:1] + values[3:], refs):
        np.testing.assert_allclose(v, r, rtol=1e-10, atol=1e-12)
    mean_np = x.mean(axis=axes_t, keepdims=True)
    invstd_np = 1 / np.sqrt(x.var(axis=axes_t, keepdims=True) + 1e-3)
    np.testing.assert_allclose(values[1], mean_np.reshape(param_shape), rtol=1e-12)
    np.testing.assert_allclose(values[2], invstd_np.reshape(param_shape), rtol=1e-12)
    verify_grad(
        lambda a, g, b: bn.batch_normalization_train(a, g, b, axes, 1e-3)[0],
        [x, gamma, beta],
        rng=np.random.RandomState(1),
    )


def test_train_second_derivatives_and_gradients_through_the_statistics():
    x, gamma, beta = RNG.rand(6, 3) * 2, RNG.rand(3) + 0.5, RNG.rand(3)

    def double(a, g, b):
        out = bn.batch_normalization_train(a, g, b)[0]
        return T.grad((T.sin(out) * a).sum(), [a, g])[0]

    verify_grad(double, [x, gamma, beta], rng=np.random.RandomState(2))
    verify_grad(
        lambda a, g, b: sum(r.sum() for r in bn.batch_normalization_train(a, g, b)),
        [x, gamma, beta],
        rng=np.random.RandomState(3),
    )


def test_running_averages():
    x = RNG.rand(8, 2, 3) * 4
    xs, rm, rv = T.dtensor3(), T.dvector(), T.dvector()
    g, b = T.constant(np.ones(2)), T.constant(np.zeros(2))
    _, mean, _, new_mean, new_var = bn.batch_normalization_train(
        xs, g, b, "spatial", 1e-4, 0.25, rm, rv
    )
    old_mean, old_var = RNG.rand(2), RNG.rand(2)
    got_mean, got_new_mean, got_new_var = theano.function([xs, rm, rv], [mean, new_mean, new_var])(
        x, old_mean, old_var
    )
    m = 8 * 3
    np.testing.assert_allclose(got_mean, x.mean(axis=(0, 2)))
    np.testing.assert_allclose(got_new_mean, 0.75 * old_mean + 0.25 * x.mean(axis=(0, 2)))
    np.testing.assert_allclose(
        got_new_var, 0.75 * old_var + 0.25 * x.var(axis=(0, 2)) * m / (m - 1)
    )
    with pytest.raises(ValueError, match="both running_mean and running_var"):
        bn.batch_normalization_train(xs, g, b, "spatial", running_mean=rm)
    with pytest.raises(NotImplementedError, match="running averages"):
        T.grad(new_mean.sum(), xs)


def test_inference_and_the_elementwise_formula():
    x = RNG.rand(4, 3, 5)
    params = [RNG.rand(3) + 0.5, RNG.rand(3), RNG.rand(3), RNG.rand(3) + 0.5]
    xs, *ps = T.dtensor3(), T.dvector(), T.dvector(), T.dvector(), T.dvector()
    out = bn.batch_normalization_test(xs, *ps, axes=(0, 2), epsilon=1e-3)
    g, b, m, v = (p[None, :, None] for p in params)
    expected = (x - m) * g / np.sqrt(v + 1e-3) + b
    np.testing.assert_allclose(theano.function([xs] + ps, out)(x, *params), expected)
    verify_grad(
        lambda *a: bn.batch_normalization_test(*a, axes=(0, 2), epsilon=1e-3),
        [x] + params,
        rng=np.random.RandomState(4),
    )
    for mode in ("low_mem", "high_mem"):
        f = bn.batch_normalization(xs, ps[0].dimshuffle("x", 0, "x"), 0.5, 1.0, 2.0, mode=mode)
        np.testing.assert_allclose(
            theano.function([xs, ps[0]], f)(x, params[0]), (x - 1) / 2 * params[0][:, None] + 0.5
        )
    with pytest.raises(ValueError, match="low_mem"):
        bn.batch_normalization(xs, 1, 0, 0, 1, mode="fast")
    with pytest.raises(ValueError, match="epsilon must be at least 1e-5"):
        bn.batch_normalization_test(xs, *ps, axes=(0, 2), epsilon=1e-6)
    with pytest.raises(ValueError, match="must have 2 dims"):
        bn.batch_normalization_train(xs, ps[0], ps[1])


def test_h_softmax():
    x, W1, b1 = RNG.rand(3, 4), RNG.rand(4, 2), RNG.rand(2)
    W2, b2 = RNG.rand(2, 4, 5), RNG.rand(2, 5)
    target = np.array([[6], [0], [3]], dtype="int32")  # (batch, 1) is flattened, as in Theano
    args = [T.dmatrix(), T.dmatrix(), T.dvector(), T.dtensor3(), T.dmatrix()]
    ys = T.imatrix()
    every = T.nnet.h_softmax(args[0], 3, 7, 2, 5, *args[1:])
    some = T.nnet.h_softmax(args[0], 3, 7, 2, 5, *args[1:], target=ys)
    f = theano.function(args + [ys], [every, some])
    got_every, got_some = f(x, W1, b1, W2, b2, target)
    np.testing.assert_allclose(got_every, h_softmax_reference(x, W1, b1, W2, b2))
    np.testing.assert_allclose(got_some, got_every[np.arange(3), target[:, 0]])
    full = h_softmax_reference(x, W1, b1, W2, b2)
    assert np.all(full.sum(axis=1) <= 1 + 1e-12)


def test_relu_with_a_tensor_slope():
    x, alpha = RNG.randn(4, 5), RNG.rand(5) * 0.2
    xs, alphas = T.dmatrix(), T.dvector()
    out = theano.function([xs, alphas], T.nnet.relu(xs, alphas))(x, alpha)
    np.testing.assert_allclose(out, np.where(x > 0, x, alpha * x))
    gx, ga = theano.function([xs, alphas], T.grad(T.nnet.relu(xs, alphas).sum(), [xs, alphas]))(
        x, alpha
    )
    np.testing.assert_allclose(gx, np.where(x > 0, 1.0, alpha))
    np.testing.assert_allclose(ga, np.where(x > 0, 0.0, x).sum(axis=0))
    assert T.nnet.relu(xs, np.float64(0.1)).dtype == "float64"
    assert theano.function([xs], T.nnet.relu(xs, np.array([0.1] * 5)))(x).shape == (4, 5)
