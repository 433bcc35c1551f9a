"""T.grad, disconnected inputs, consider_constant, gradient blocks and verify_grad."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.gradient import (
    DisconnectedInputError,
    GradientError,
    disconnected_grad,
    verify_grad,
    zero_grad,
)


def _eval(expr, inputs, values):
    return theano.function(inputs, expr, on_unused_input="ignore")(*values)


def test_grad_of_one_variable_and_of_a_list():
    x = T.dvector("x")
    W = theano.shared(np.array([[1.0, 2.0], [3.0, 4.0]]), name="W")
    cost = T.dot(x, W).sum() + (x**2).sum()
    gx = T.grad(cost, x)
    gx2, gW = T.grad(cost, [x, W])
    value = np.array([1.0, -1.0])
    np.testing.assert_allclose(_eval(gx, [x], [value]), W.get_value().sum(1) + 2 * value)
    np.testing.assert_allclose(_eval(gW, [x], [value]), np.outer(value, [1, 1]))
    assert gx2.type == x.type and gW.type == W.type


def test_non_scalar_cost_raises_type_error():
    x = T.dvector()
    with pytest.raises(TypeError, match="scalar"):
        T.grad(x * 2, x)


def test_disconnected_inputs():
    x, y = T.dvector("x"), T.dvector("y")
    cost = (x**2).sum()
    with pytest.raises(DisconnectedInputError, match="y"):
        T.grad(cost, y)
    assert issubclass(DisconnectedInputError, ValueError)
    with pytest.warns(UserWarning, match="does not depend"):
        g = T.grad(cost, y, disconnected_inputs="warn")
    np.testing.assert_array_equal(_eval(g, [y], [np.ones(3)]), np.zeros(3))
    g = T.grad(cost, y, disconnected_inputs="ignore")
    np.testing.assert_array_equal(_eval(g, [y], [np.ones(2)]), np.zeros(2))


def test_integer_inputs_get_no_gradient():
    x = T.dvector("x")
    i = T.ivector("i")
    cost = (x * i).sum()
    gi = T.grad(cost, i)
    np.testing.assert_array_equal(
        _eval(gi, [x, i], [np.ones(2), np.array([1, 2], "int32")]), [0.0, 0.0]
    )


def test_consider_constant_and_gradient_blocks():
    x = T.dscalar("x")
    y = x**2
    cost = y * x  # x**3
    assert _eval(T.grad(cost, x), [x], [2.0]) == 12.0
    assert _eval(T.grad(cost, x, consider_constant=[y]), [x], [2.0]) == 4.0  # y treated as const
    assert _eval(T.grad(disconnected_grad(y) * x, x), [x], [2.0]) == 4.0
    assert _eval(T.grad(zero_grad(y) * x, x), [x], [2.0]) == 4.0
    assert _eval(zero_grad(y), [x], [3.0]) == 9.0


def test_gradient_accumulates_over_repeated_indices():
    W = theano.shared(np.zeros((4, 2)), name="W")
    idx = T.lvector("idx")
    cost = W[idx].sum()
    g = _eval(T.grad(cost, W), [idx], [np.array([1, 1, 3])])
    np.testing.assert_array_equal(g[:, 0], [0, 2, 0, 1])


def test_second_derivative():
    x = T.dscalar("x")
    g = T.grad(T.tanh(x), x)
    gg = T.grad(g, x)
    t = np.tanh(0.3)
    np.testing.assert_allclose(_eval(gg, [x], [0.3]), -2 * t * (1 - t**2))


def test_verify_grad_raises_on_a_wrong_gradient():
    from dataclasses import dataclass

    from minitheano.graph import Apply
    from minitheano.op import Op

    @dataclass(frozen=True)
    class WrongSquare(Op):
        def make_node(self, x):
            x = T.as_tensor_variable(x)
            return Apply(self, [x], [x.type()])

        def perform(self, xp, x):
            return x * x

        def grad(self, inputs, outputs, output_grads):
            return [output_grads[0] * inputs[0]]  # should be 2 * x * gz

    verify_grad(lambda x: x * x, [np.array([1.0, 2.0])])
    with pytest.raises(GradientError, match="finite differences"):
        verify_grad(WrongSquare(), [np.array([1.0, 2.0])], rng=np.random.RandomState(0))
    assert verify_grad.E_grad is GradientError


def test_float32_gradients_stay_float32():
    x = T.fmatrix()
    W = theano.shared(np.ones((3, 2), dtype="float32"))
    gW = T.grad(T.nnet.sigmoid(T.dot(x, W)).mean(), W)
    assert gW.dtype == "float32"
    assert _eval(gW, [x], [np.ones((4, 3), dtype="float32")]).dtype == "float32"


def test_a_float64_gradient_reaching_a_float32_subtensor_is_cast():
    x = T.fvector("x")
    gz = T.dvector("gz")
    g = T.grad(None, x, known_grads={x[1:]: gz})
    assert g.dtype == "float32"
    out = theano.function([x, gz], g)(np.ones(3, "float32"), np.array([2.0, 3.0]))
    np.testing.assert_array_equal(out, [0, 2, 3])
