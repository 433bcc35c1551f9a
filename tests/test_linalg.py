"""``T.nlinalg`` and ``T.slinalg``: values against NumPy/SciPy, gradients by finite differences,
shapes and dtypes as in Theano."""

import numpy as np
import pytest
import scipy.linalg

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor import nlinalg, slinalg


@pytest.fixture
def rng():
    return np.random.RandomState(42)


def _spd(rng, n):
    a = rng.randn(n, n)
    return a @ a.T + n * np.eye(n)


def _evaluate(out, x, value):
    return theano.function([x], out)(value)


def test_inverse_det_pinv_trace_match_numpy(rng):
    x = T.matrix("x")
    a, wide = rng.randn(4, 4), rng.randn(3, 5)
    f = theano.function([x], [nlinalg.matrix_inverse(x), nlinalg.det(x), nlinalg.trace(x)])
    inv, det, trace = f(a)
    assert np.allclose(inv, np.linalg.inv(a)) and np.isclose(det, np.linalg.det(a))
    assert np.isclose(trace, np.trace(a)) and det.shape == () and det.dtype == "float64"
    assert np.allclose(_evaluate(nlinalg.pinv(x), x, wide), np.linalg.pinv(wide))
    assert np.allclose(_evaluate(nlinalg.matrix_dot(x, x.T, x), x, wide), wide @ wide.T @ wide)
    assert np.allclose(_evaluate(nlinalg.matrix_power(x, 3), x, a), np.linalg.matrix_power(a, 3))
    assert nlinalg.matrix_inverse(T.fmatrix()).dtype == "float32"


def test_inverse_det_pinv_gradients(rng):
    a = rng.randn(3, 3) + 3 * np.eye(3)
    verify_grad(nlinalg.matrix_inverse, [a], rng=rng)
    verify_grad(nlinalg.det, [a], rng=rng)
    verify_grad(nlinalg.pinv, [rng.randn(3, 4)], rng=rng)
    verify_grad(nlinalg.trace, [a], rng=rng)


def test_svd_and_qr(rng):
    x = T.matrix("x")
    a = rng.randn(4, 3)
    u, s, vt = theano.function([x], nlinalg.svd(x))(a)
    assert u.shape == (4, 4) and vt.shape == (3, 3)
    assert np.allclose(s, np.linalg.svd(a, compute_uv=False))
    u, s, vt = theano.function([x], nlinalg.svd(x, full_matrices=False))(a)
    assert np.allclose(u * s @ vt, a)
    assert np.allclose(_evaluate(nlinalg.svd(x, compute_uv=False), x, a), s)
    q, r = theano.function([x], nlinalg.qr(x))(a)
    assert np.allclose(q @ r, a) and r.shape == (3, 3)


def test_eigh_values_vectors_and_gradients(rng):
    x = T.matrix("x")
    a = _spd(rng, 4)
    for uplo in ("L", "U"):
        w, v = theano.function([x], nlinalg.eigh(x, uplo))(a)
        ref_w, ref_v = np.linalg.eigh(a, uplo)
        assert np.allclose(w, ref_w) and np.allclose(np.abs(v), np.abs(ref_v))
        # eigh reads one triangle only: the gradient lives on that triangle
        verify_grad(lambda m, u=uplo: nlinalg.eigh(m, u)[0], [a], rng=rng)
        verify_grad(lambda m, u=uplo: nlinalg.eigh(m, u)[1], [a], rng=rng)
    g = theano.function([x], T.grad(nlinalg.eigh(x)[0].sum(), x))(a)
    assert np.allclose(np.triu(g, 1), 0)  # 'L' reads the lower triangle
    assert nlinalg.eigh(T.fmatrix())[0].dtype == "float32"


def test_diag_helpers_of_nlinalg(rng):
    x, v = T.matrix("x"), T.vector("v")
    a, b = rng.randn(3, 3), rng.randn(3)
    assert np.allclose(_evaluate(nlinalg.extract_diag(x), x, a), np.diag(a))
    assert np.allclose(_evaluate(nlinalg.alloc_diag(v), v, b), np.diag(b))
    assert np.allclose(_evaluate(nlinalg.diag(v), v, b), np.diag(b))
    verify_grad(nlinalg.alloc_diag, [b], rng=rng)
    verify_grad(nlinalg.extract_diag, [a], rng=rng)


def test_cholesky_matches_scipy_and_its_gradient(rng):
    x = T.matrix("x")
    a = _spd(rng, 4)
    low, up = theano.function([x], [slinalg.cholesky(x), slinalg.Cholesky(lower=False)(x)])(a)
    assert np.allclose(low, scipy.linalg.cholesky(a, lower=True))
    assert np.allclose(up, scipy.linalg.cholesky(a, lower=False))
    # symmetrise first, as Theano's tests do: the factor reads one triangle
    verify_grad(lambda m: slinalg.cholesky(m.dot(m.T)), [rng.randn(3, 3)], rng=rng)
    verify_grad(lambda m: slinalg.Cholesky(lower=False)(m.dot(m.T)), [rng.randn(3, 3)], rng=rng)
    with pytest.raises(np.linalg.LinAlgError):
        _evaluate(slinalg.cholesky(x), x, -np.eye(2))
    assert np.all(np.isnan(_evaluate(slinalg.Cholesky(on_error="nan")(x), x, -np.eye(2))))


def test_solves_match_scipy(rng):
    A, b, B = T.matrix("A"), T.vector("b"), T.matrix("B")
    a = rng.randn(4, 4) + 4 * np.eye(4)
    bv, bm = rng.randn(4), rng.randn(4, 2)
    f = theano.function(
        [A, b, B],
        [
            slinalg.solve(A, b),
            slinalg.solve(A, B),
            slinalg.solve_lower_triangular(A, b),
            slinalg.solve_upper_triangular(A, B),
            slinalg.solve_symmetric(A + A.T, b),
        ],
    )
    got = f(a, bv, bm)
    expected = [
        scipy.linalg.solve(a, bv),
        scipy.linalg.solve(a, bm),
        scipy.linalg.solve_triangular(a, bv, lower=True),
        scipy.linalg.solve_triangular(a, bm, lower=False),
        scipy.linalg.solve(a + a.T, bv),
    ]
    for g, e in zip(got, expected):
        assert np.allclose(g, e)
    assert slinalg.solve(T.fmatrix(), T.dvector()).dtype == "float64"
    assert slinalg.solve(T.fmatrix(), T.fmatrix()).dtype == "float32"
    assert slinalg.solve(A, b).ndim == 1 and slinalg.solve(A, T.row()).broadcastable == (
        True,
        False,
    )


def test_solve_gradients(rng):
    a = rng.randn(3, 3) + 3 * np.eye(3)
    for op in (slinalg.solve, slinalg.solve_lower_triangular, slinalg.solve_upper_triangular):
        verify_grad(op, [a, rng.randn(3)], rng=rng)
        verify_grad(op, [a, rng.randn(3, 2)], rng=rng)


def test_shapes_are_inferred(rng):
    x = T.matrix("x")
    a = rng.randn(5, 3)
    outs = [nlinalg.pinv(x), nlinalg.svd(x)[0], nlinalg.svd(x, 0)[2], T.diag(x, 1), T.diag(x, -2)]
    f = theano.function([x], [o.shape for o in outs])
    values = theano.function([x], outs)(a)
    for shape, value in zip(f(a), values):
        assert tuple(shape) == value.shape
