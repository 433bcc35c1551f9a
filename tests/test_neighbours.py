"""images2neibs / neibs2images against a NumPy loop, their gradients (all modes), errors."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import verify_grad
from minitheano.tensor.nnet.neighbours import images2neibs, neibs2images
from minitheano.tensor.shape_inference import symbolic_shape

from .nnet_references import neibs_reference

RNG = np.random.RandomState(3)

CASES = [
    ("valid", (2, 3), None, (2, 3, 6, 9)),
    ("valid", (3, 2), (2, 1), (2, 3, 7, 5)),
    ("ignore_borders", (3, 2), None, (2, 3, 7, 5)),
    ("ignore_borders", (2, 3), (3, 2), (1, 2, 6, 8)),
    ("wrap_centered", (3, 5), (2, 3), (2, 3, 7, 6)),
    ("wrap_centered", (1, 3), (1, 1), (1, 2, 3, 4)),
    ("half", (3, 2), (1, 1), (2, 2, 5, 4)),
    ("half", (3, 3), (2, 2), (1, 2, 5, 7)),
    ("full", (2, 3), (1, 2), (2, 2, 4, 5)),
]


def reference(x, shape, step, mode):
    step = step or shape
    if mode == "ignore_borders":  # the complete windows only
        h = (x.shape[2] - shape[0]) // step[0] * step[0] + shape[0]
        w = (x.shape[3] - shape[1]) // step[1] * step[1] + shape[1]
        return neibs_reference(x[:, :, :h, :w], shape, step, "valid")
    return neibs_reference(x, shape, step, mode)


@pytest.mark.parametrize("mode,shape,step,x_shape", CASES)
def test_images2neibs_matches_a_loop_and_finite_differences(mode, shape, step, x_shape):
    x = RNG.rand(*x_shape)
    xs = T.dtensor4()
    out = images2neibs(xs, shape, step, mode=mode)
    got = theano.function([xs], out)(x)
    np.testing.assert_array_equal(got, reference(x, shape, step, mode))
    inferred = theano.function([xs], list(symbolic_shape(out)))(x)
    assert tuple(int(v) for v in inferred) == got.shape
    verify_grad(
        lambda a: images2neibs(a, shape, step, mode=mode), [x], rng=np.random.RandomState(1)
    )


def test_gradient_is_the_adjoint_and_has_second_derivatives():
    x, xs, gs = RNG.rand(2, 2, 5, 7), T.dtensor4(), T.dmatrix()
    out = images2neibs(xs, (3, 3), (1, 2), mode="half")
    g = RNG.rand(*theano.function([xs], out)(x).shape)
    gx = theano.function([xs, gs], T.grad((out * gs).sum(), xs))(x, g)
    # <images2neibs(x), g> == <x, adjoint(g)>
    np.testing.assert_allclose((theano.function([xs], out)(x) * g).sum(), (x * gx).sum())
    verify_grad(
        lambda a: T.grad((images2neibs(a, (3, 1), (1, 2), "wrap_centered") ** 3).sum(), a),
        [x],
        rng=np.random.RandomState(2),
    )


@pytest.mark.parametrize("mode", ["valid", "ignore_borders"])
def test_neibs2images_inverts_disjoint_windows(mode):
    x = RNG.rand(2, 3, 7, 9) if mode == "ignore_borders" else RNG.rand(2, 3, 6, 9)
    xs, neibs = T.dtensor4(), T.dmatrix()
    windows = theano.function([xs], images2neibs(xs, (2, 3), mode=mode))(x)
    back = theano.function([neibs, xs], neibs2images(neibs, (2, 3), xs.shape, mode))(windows, x)
    expected = x.copy()
    expected[:, :, 6:] = 0  # the incomplete row of windows ignore_borders dropped
    np.testing.assert_array_equal(back, expected)
    verify_grad(
        lambda n: neibs2images(n, (2, 3), x.shape, mode), [windows], rng=np.random.RandomState(3)
    )


def test_symbolic_window_shapes_and_errors():
    xs, shape = T.dtensor4(), T.ivector()
    f = theano.function([xs, shape], images2neibs(xs, shape))
    x = RNG.rand(1, 2, 4, 6)
    np.testing.assert_array_equal(f(x, [2, 3]), neibs_reference(x, (2, 3), (2, 3), "valid"))
    with pytest.raises(ValueError, match=r"neib_shape\[1\]=4, neib_step\[1\]=4 and image size 6"):
        f(x, [2, 4])
    g = theano.function([xs], images2neibs(xs, (2, 2), mode="wrap_centered"))
    with pytest.raises(ValueError, match="odd windows"):
        g(x)
    with pytest.raises(NotImplementedError, match="mode must be one of"):
        images2neibs(xs, (2, 2), mode="same")
    with pytest.raises(NotImplementedError, match="only 'valid' and 'ignore_borders'"):
        neibs2images(T.dmatrix(), (2, 2), (1, 1, 4, 4), mode="half")
    with pytest.raises(TypeError, match="4-d"):
        images2neibs(T.dmatrix(), (2, 2))
    neibs = T.dmatrix()
    h = theano.function([neibs], neibs2images(neibs, (2, 2), (1, 1, 4, 4)))
    with pytest.raises(ValueError, match="do not match the image shape"):
        h(np.zeros((3, 4)))
