"""Runs the op-spec table: forward vs NumPy, gradients by finite differences, inferred shapes."""

import numpy as np
import pytest

import minitheano as theano
from minitheano.gradient import verify_grad
from minitheano.tensor.shape_inference import symbolic_shape
from minitheano.tensor.type import TensorType

from .backends import BACKENDS, select_device
from .op_specs import SPECS


def _symbolic_inputs(spec):
    return [
        TensorType(x.dtype.name, (False,) * x.ndim)(f"in{i}") for i, x in enumerate(spec.inputs)
    ]


@pytest.mark.parametrize("device", BACKENDS)
@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_forward_matches_numpy(spec, device, monkeypatch):
    """On every backend available (CuPy on a GPU), each op against its NumPy reference."""
    select_device(device, monkeypatch)
    inputs = _symbolic_inputs(spec)
    f = theano.function(inputs, spec.build(*inputs))
    got = f(*spec.inputs)
    assert isinstance(got, np.ndarray)  # results come back to the host
    expected = np.asarray(spec.reference(*spec.inputs))
    assert got.shape == expected.shape
    if expected.dtype.kind in "biu":
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=spec.rtol, atol=1e-12)


@pytest.mark.parametrize("device", ["cpu", "device-path"])
@pytest.mark.parametrize("spec", [s for s in SPECS if s.grad], ids=str)
def test_gradient_matches_finite_differences(spec, device, monkeypatch):
    select_device(device, monkeypatch)
    floats = [i for i, x in enumerate(spec.inputs) if x.dtype.kind == "f"]

    def fun(*float_vars):
        args = [theano.tensor.constant(x) for x in spec.inputs]
        for i, v in zip(floats, float_vars):
            args[i] = v
        return spec.build(*args)

    verify_grad(fun, [spec.inputs[i] for i in floats], n_tests=3, rng=np.random.RandomState(0))


@pytest.mark.parametrize("spec", SPECS, ids=str)
def test_inferred_shape_matches_runtime_shape(spec):
    inputs = _symbolic_inputs(spec)
    out = spec.build(*inputs)
    shape = symbolic_shape(out)
    symbolic_entries = [s for s in shape if not isinstance(s, int)]
    f = theano.function(inputs, symbolic_entries, on_unused_input="ignore")
    values = iter(f(*spec.inputs))
    inferred = tuple(s if isinstance(s, int) else int(next(values)) for s in shape)
    actual = theano.function(inputs, out)(*spec.inputs).shape
    assert inferred == actual
