"""T.jacobian, T.hessian, theano.Rop, theano.Lop and gradient.grad_clip."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import grad_clip

RNG = np.random.RandomState(3)


def test_jacobian_of_a_vector_with_respect_to_a_vector_and_a_matrix():
    x, W = T.dvector("x"), T.dmatrix("W")
    y = T.tanh(T.dot(W, x))
    Jx, JW = T.jacobian(y, [x, W])
    f = theano.function([x, W], [Jx, JW])
    xv, Wv = RNG.randn(2), RNG.randn(3, 2)
    jx, jw = f(xv, Wv)
    d = 1 - np.tanh(Wv @ xv) ** 2
    np.testing.assert_allclose(jx, d[:, None] * Wv)
    assert jw.shape == (3, 3, 2)
    np.testing.assert_allclose(jw, np.einsum("i,ij,k->ijk", d, np.eye(3), xv))
    assert theano.gradient.jacobian is T.jacobian


def test_jacobian_of_a_scalar_is_its_gradient_and_matrices_are_refused():
    x = T.dvector("x")
    g = T.jacobian((x**2).sum(), x)
    np.testing.assert_allclose(theano.function([x], g)([1.0, 2.0]), [2.0, 4.0])
    with pytest.raises(TypeError, match="vector"):
        T.jacobian(T.outer(x, x), x)


def test_hessian_against_the_closed_form():
    x = T.dvector("x")
    A = RNG.randn(3, 3)
    cost = T.dot(x, T.dot(A, x)) + T.sum(x**3)
    H = theano.function([x], T.hessian(cost, x))
    xv = RNG.randn(3)
    np.testing.assert_allclose(H(xv), A + A.T + np.diag(6 * xv), rtol=1e-12)


def test_hessian_through_a_scan():
    x = T.dvector("x")
    h, _ = theano.scan(
        lambda v, acc: acc * T.sin(v) + v**2, sequences=x, outputs_info=T.constant(1.0)
    )
    H = theano.function([x], T.hessian(h[-1], x))
    f = theano.function([x], h[-1])
    xv, eps = np.array([0.3, -0.5, 0.8]), 1e-4
    numeric = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            e_i, e_j = eps * np.eye(3)[i], eps * np.eye(3)[j]
            numeric[i, j] = (
                f(xv + e_i + e_j) - f(xv + e_i - e_j) - f(xv - e_i + e_j) + f(xv - e_i - e_j)
            ) / (4 * eps**2)
    np.testing.assert_allclose(H(xv), numeric, rtol=1e-5, atol=1e-7)


def test_rop_and_lop_are_jacobian_products():
    x, W, v = T.dvector("x"), T.dmatrix("W"), T.dvector("v")
    u = T.dvector("u")
    y = T.tanh(T.dot(W, x))
    f = theano.function([x, W, v, u], [theano.Rop(y, x, v), theano.Lop(y, x, u)])
    xv, Wv, vv, uv = RNG.randn(2), RNG.randn(3, 2), RNG.randn(2), RNG.randn(3)
    J = (1 - np.tanh(Wv @ xv) ** 2)[:, None] * Wv
    rop, lop = f(xv, Wv, vv, uv)
    np.testing.assert_allclose(rop, J @ vv)
    np.testing.assert_allclose(lop, uv @ J)
    (rop_list,) = theano.Rop([y], [x], [v])
    assert rop_list.type == y.type
    with pytest.raises(ValueError, match="does not depend"):
        theano.Rop(T.dvector("other") * 2, x, v)


def test_rop_through_a_scan():
    x, v = T.dvector("x"), T.dvector("v")
    h, _ = theano.scan(
        lambda x_t, acc: T.tanh(acc + x_t), sequences=x, outputs_info=T.constant(0.0)
    )
    f = theano.function([x, v], theano.Rop(h, x, v))
    g = theano.function([x], h)
    xv, vv, eps = RNG.randn(4), RNG.randn(4), 1e-6
    np.testing.assert_allclose(
        f(xv, vv), (g(xv + eps * vv) - g(xv - eps * vv)) / (2 * eps), rtol=1e-6
    )


def test_grad_clip_clips_only_the_gradient():
    x = T.dvector("x")
    y = grad_clip(x, -1.0, 1.0)
    f = theano.function([x], [y, T.grad((y**2).sum(), x)])
    value, g = f(np.array([0.25, 3.0, -2.0]))
    np.testing.assert_array_equal(value, [0.25, 3.0, -2.0])
    np.testing.assert_array_equal(g, [0.5, 1.0, -1.0])
    with pytest.raises(ValueError):
        grad_clip(x, 1.0, -1.0)
