"""pool_3d against a loop over windows, its gradients, and pooling with symbolic ws / stride /
pad (int vectors or tuples of symbolic scalars)."""

import itertools

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor.shape_inference import symbolic_shape
from minitheano.tensor.signal import pool

RNG = np.random.RandomState(5)
MODES = ["max", "sum", "average_inc_pad", "average_exc_pad"]


def pool_nd_reference(x, ws, stride, pad, ignore_border, mode):
    """Theano's pooling semantics over the last ``len(ws)`` axes, window by window."""
    n = len(ws)
    spatial = x.shape[-n:]
    padded = tuple(s + 2 * p for s, p in zip(spatial, pad))

    def n_out(size, padded_size, k, s):
        if ignore_border:
            return max(0, (padded_size - k) // s + 1)
        return (size - 1) // s + 1 if s >= k else max(0, (size - 1 - k + s) // s) + 1

    out = [n_out(*a) for a in zip(spatial, padded, ws, stride)]
    y = np.zeros(x.shape[:-n] + padded)
    y[(Ellipsis,) + tuple(slice(p, p + s) for p, s in zip(pad, spatial))] = x
    result = np.zeros(x.shape[:-n] + tuple(out))
    for pos in itertools.product(*(range(o) for o in out)):
        bounds = []
        for i, (o, s, k, p, size) in enumerate(zip(pos, stride, ws, pad, spatial)):
            lo, hi = o * s, min(o * s + k, padded[i])
            if mode != "average_inc_pad":
                lo, hi = max(lo, p), min(hi, size + p)
            bounds.append(slice(lo, hi))
        window = y[(Ellipsis,) + tuple(bounds)]
        axes = tuple(range(-n, 0))
        reduce = {"max": np.max, "sum": np.sum}.get(mode, np.mean)
        result[(Ellipsis,) + pos] = reduce(window, axis=axes)
    return result


CASES_3D = [
    ((2, 2, 2), None, (0, 0, 0), True),
    ((2, 2, 2), None, (0, 0, 0), False),
    ((3, 2, 2), (2, 1, 2), (1, 1, 0), True),
    ((2, 3, 2), (1, 2, 3), (0, 0, 0), False),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("ws,stride,pad,ignore_border", CASES_3D)
def test_pool_3d_matches_loop_reference_and_finite_differences(
    mode, ws, stride, pad, ignore_border
):
    x = RNG.permutation(2 * 2 * 5 * 4 * 5).reshape(2, 2, 5, 4, 5) / 10.0  # distinct: no ties
    xs = T.dtensor5()
    kw = dict(ws=ws, stride=stride, pad=pad, ignore_border=ignore_border, mode=mode)
    got = theano.function([xs], pool.pool_3d(xs, **kw))(x)
    expected = pool_nd_reference(x, ws, stride or ws, pad, ignore_border, mode)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    verify_grad(lambda a: pool.pool_3d(a, **kw), [x[:1]], rng=np.random.RandomState(1))


def test_pool_3d_max_second_derivative_and_lone_volume():
    x = RNG.permutation(4 * 4 * 6).reshape(1, 4, 4, 6) / 10.0
    verify_grad(
        lambda a: T.grad((pool.pool_3d(a, (2, 2, 3), True) ** 2).sum(), a),
        [x],
        rng=np.random.RandomState(2),
    )
    xs = T.dtensor3()
    volume = x[0]
    got = theano.function([xs], pool.pool_3d(xs, (2, 2, 2), ignore_border=True))(volume)
    np.testing.assert_allclose(
        got, pool_nd_reference(volume, (2, 2, 2), (2, 2, 2), (0, 0, 0), True, "max")
    )
    with pytest.raises(TypeError, match="pool_3d: the input needs at least 3 dims"):
        pool.pool_3d(T.dmatrix(), (2, 2, 2), True)


@pytest.mark.parametrize("mode", MODES)
def test_pool_2d_with_symbolic_ws_stride_pad(mode):
    x = RNG.rand(2, 3, 7, 6)
    xs, ws, stride, pad = T.dtensor4(), T.ivector(), T.ivector(), T.ivector()
    out = pool.pool_2d(xs, ws=ws, stride=stride, pad=pad, ignore_border=True, mode=mode)
    f = theano.function([xs, ws, stride, pad], [out, T.grad(T.sin(out).sum(), xs)])
    for w, s, p in [((3, 2), (2, 1), (1, 0)), ((2, 2), (2, 2), (0, 0)), ((1, 3), (1, 3), (0, 1))]:
        value, grad = f(x, w, s, p)
        np.testing.assert_allclose(value, pool_nd_reference(x, w, s, p, True, mode), rtol=1e-12)
        static = pool.pool_2d(xs, ws=w, stride=s, pad=p, ignore_border=True, mode=mode)
        expected = theano.function([xs], T.grad(T.sin(static).sum(), xs))(x)
        np.testing.assert_allclose(grad, expected, rtol=1e-12)
    verify_grad(
        lambda a: pool.pool_2d(a, ws=T.constant(np.array([3, 2])), ignore_border=False, mode=mode),
        [x[:1]],
        rng=np.random.RandomState(3),
    )


def test_pool_with_a_tuple_of_symbolic_scalars_and_its_inferred_shape():
    xs, k = T.dtensor5(), T.lscalar()
    out = pool.pool_3d(xs, ws=(k, 2, k), stride=(1, k, 2), ignore_border=False)
    x = RNG.rand(2, 3, 5, 7, 4)
    got = theano.function([xs, k], out)(x, 3)
    np.testing.assert_allclose(
        got, pool_nd_reference(x, (3, 2, 3), (1, 3, 2), (0, 0, 0), False, "max")
    )
    shape = symbolic_shape(out)
    f = theano.function(
        [xs, k], [s for s in shape if not isinstance(s, int)], on_unused_input="ignore"
    )
    values = iter(f(x, 3))
    assert tuple(s if isinstance(s, int) else int(next(values)) for s in shape) == got.shape


def test_symbolic_pool_parameters_are_checked_at_run_time():
    xs, ws = T.dtensor4(), T.ivector()
    f = theano.function([xs, ws], pool.pool_2d(xs, ws=ws, pad=(2, 0), ignore_border=True))
    with pytest.raises(
        ValueError, match=r"pool_2d: pad \(2, 0\) must be smaller than the window \(2, 2\)"
    ):
        f(np.zeros((1, 1, 4, 4)), [2, 2])
    with pytest.raises(ValueError, match="ws must be 2 positive ints"):
        f(np.zeros((1, 1, 4, 4)), [3, 3, 3])
    with pytest.raises(NotImplementedError, match="padding works only with ignore_border=True"):
        pool.pool_2d(xs, ws=ws, pad=(1, 1), ignore_border=False)
    with pytest.raises(TypeError, match="int vectors"):
        pool.pool_2d(xs, ws=T.dvector(), ignore_border=True)
    assert "symbolic ws" in str(pool.pool_2d(xs, ws=ws, ignore_border=True).owner.op)
