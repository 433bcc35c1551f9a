"""Shared variables: values, copies, borrow, casts and default updates."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T


def test_shared_from_arrays_and_python_numbers():
    a = theano.shared(np.zeros((2, 3), dtype="float32"), name="a")
    assert a.type == T.TensorType("float32", (False, False)) and a.name == "a"
    assert theano.shared(3).dtype == "int64" and theano.shared(3).ndim == 0
    assert theano.shared(0.5).dtype == "float64"
    assert theano.shared(np.float32(0.5)).dtype == "float32"
    assert theano.shared(np.ones((1, 3))).broadcastable == (False, False)


def test_get_value_copies_unless_borrow():
    value = np.arange(3.0)
    s = theano.shared(value)
    value[0] = 99  # shared() copied the value
    assert s.get_value()[0] == 0
    got = s.get_value()
    got[1] = 42
    assert s.get_value()[1] == 1
    assert s.get_value(borrow=True) is s.get_value(borrow=True)


def test_set_value_checks_dtype_and_ndim():
    s = theano.shared(np.zeros(3, dtype="float32"))
    s.set_value(np.ones(3, dtype="float32"))
    with pytest.raises(TypeError, match="float64"):
        s.set_value(np.ones(3))  # float64 -> float32 loses precision
    with pytest.raises(TypeError, match="ndim"):
        s.set_value(np.ones((3, 1), dtype="float32"))
    i = theano.shared(np.zeros(2, dtype="int64"))
    i.set_value([1, 2])
    with pytest.raises(TypeError):
        i.set_value([1.5, 2])


def test_default_update_is_applied():
    counter = theano.shared(0)
    counter.default_update = counter + 1
    f = theano.function([], counter)
    assert [int(f()) for _ in range(3)] == [0, 1, 2]
    g = theano.function([], counter, no_default_updates=True)
    g()
    assert int(counter.get_value()) == 3
