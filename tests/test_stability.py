"""Stabilizing rewrites keep saturated softmax and sigmoid costs and gradients finite."""

import numpy as np

import minitheano as theano
import minitheano.tensor as T


def test_saturated_softmax_nll_cost_and_gradient_are_finite():
    x = T.dmatrix("x")
    y = T.ivector("y")
    p = T.nnet.softmax(x)
    cost = -T.mean(T.log(p)[T.arange(y.shape[0]), y])
    f = theano.function([x, y], [cost, T.grad(cost, x)])
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 800.0, 0.0]])
    c, g = f(z, np.array([2, 0], dtype="int32"))
    assert np.isfinite(c) and np.all(np.isfinite(g))
    np.testing.assert_allclose(c, (2000 + 800) / 2)
    # gradient of the mean NLL: (softmax - onehot) / n
    sm = np.exp(z - z.max(1, keepdims=True))
    sm /= sm.sum(1, keepdims=True)
    onehot = np.eye(3)[[2, 0]]
    np.testing.assert_allclose(g, (sm - onehot) / 2, atol=1e-12)
    ops = [type(n.op).__name__ for n in f.maker.fgraph.toposort()]
    assert "LogSoftmax" in ops


def test_log_sigmoid_and_log_one_minus_sigmoid_become_softplus():
    x = T.dvector("x")
    a = T.log(T.nnet.sigmoid(x)).sum()
    b = T.log(1 - T.nnet.sigmoid(x)).sum()
    f = theano.function([x], [a, b, T.grad(a, x), T.grad(b, x)])
    v = np.array([-800.0, 0.0, 800.0])
    fa, fb, ga, gb = f(v)
    np.testing.assert_allclose(fa, -800 - np.log(2))
    np.testing.assert_allclose(fb, -800 - np.log(2))
    np.testing.assert_allclose(ga, [1.0, 0.5, 0.0])
    np.testing.assert_allclose(gb, [0.0, -0.5, -1.0])


def test_unstabilized_mode_shows_the_problem_the_rewrites_solve():
    x = T.dmatrix("x")
    cost = -T.log(T.nnet.softmax(x))[0, 2]
    with np.errstate(divide="ignore"):
        raw = theano.function([x], cost, mode="FAST_COMPILE")(np.array([[1000.0, 0, -1000]]))
    assert np.isinf(raw)
    fixed = theano.function([x], cost)(np.array([[1000.0, 0, -1000]]))
    np.testing.assert_allclose(fixed, 2000)
