"""``config.compute_test_value``: each node is evaluated on test values as it is built, so a shape
error shows at the line that builds the bad node."""

import warnings

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T


def test_test_values_flow_through_the_graph():
    with theano.config.change_flags(compute_test_value="raise"):
        x = T.matrix("x")
        x.tag.test_value = np.ones((3, 4))
        w = theano.shared(np.full((4, 5), 0.5), name="w")
        h = T.tanh(T.dot(x, w) + 1)
        a, b = h.shape
        y = h.reshape((b, a)).sum(axis=0)
    assert h.tag.test_value.shape == (3, 5) and y.tag.test_value.shape == (3,)
    assert np.allclose(y.tag.test_value, 5 * np.tanh(3.0))
    assert h.get_test_value().shape == (3, 5)


def test_a_shape_error_is_raised_where_the_node_is_built():
    with theano.config.change_flags(compute_test_value="raise"):
        x, b = T.matrix("x"), T.vector("b")
        x.tag.test_value = np.ones((3, 5))
        b.tag.test_value = np.ones(4)
        with pytest.raises(ValueError, match=r"Elemwise\{add\}.*\(3, 5\).*test_test_values.py:"):
            x + b  # the line of the error
        with pytest.raises(ValueError, match=r"Dot.*not aligned"):
            T.dot(x, b)


def test_missing_test_values_per_mode():
    x = T.vector("x")
    with theano.config.change_flags(compute_test_value="raise"):
        with pytest.raises(ValueError, match=r"Cannot compute test value: input 0 \(x\)"):
            T.exp(x)
    with theano.config.change_flags(compute_test_value="warn"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = T.exp(x)
        message = str(caught[0].message)
        assert "Cannot compute test value" in message and "x.tag.test_value" in message
        assert caught[0].filename == __file__  # points at the user's line
    with theano.config.change_flags(compute_test_value="ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = T.exp(x)
    assert not hasattr(y.tag, "test_value")


def test_off_by_default_and_test_values_are_checked_against_the_type():
    x = T.fvector("x")
    x.tag.test_value = np.ones(3)  # float64 for a float32 vector: refused when used
    y = T.exp(x)  # off: nothing evaluated
    assert not hasattr(y.tag, "test_value")
    with theano.config.change_flags(compute_test_value="raise"):
        with pytest.raises(TypeError, match="float64"):
            T.exp(x)
        x.tag.test_value = np.ones(3, dtype="float32")
        assert T.exp(x).tag.test_value.dtype == "float32"


def test_functions_and_gradients_compile_with_test_values_on():
    with theano.config.change_flags(compute_test_value="raise"):
        x = T.matrix("x")
        x.tag.test_value = np.random.RandomState(0).rand(2, 3)
        w = theano.shared(np.ones((3, 2)), name="w")
        cost = T.nnet.sigmoid(T.dot(x, w)).mean()
        g = T.grad(cost, w)
        assert g.tag.test_value.shape == (3, 2)
        f = theano.function([x], [cost, g], updates=[(w, w - 0.1 * g)])
        c, gv = f(x.tag.test_value)
    assert np.isclose(c, cost.tag.test_value) and np.allclose(gv, g.tag.test_value)


def test_clones_keep_the_tag():
    x = T.vector("x")
    x.tag.test_value = np.ones(2)
    x.tag.note = "mine"
    copy = x.clone()
    assert copy.tag.note == "mine" and copy.tag is not x.tag
    assert np.array_equal(copy.tag.test_value, x.tag.test_value)
