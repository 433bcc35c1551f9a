"""Backend selection: cpu by default, cuda with one flag, a one-line error without a GPU."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano import backend
from minitheano.backend import DeviceUnavailableError

from .backends import BACKENDS, gpu_skip_reason, select_device


def test_cpu_is_numpy():
    assert backend.get_backend("cpu").xp is np
    assert backend.get_backend().name == "cpu"


def test_importing_the_package_does_not_import_cupy():
    import subprocess
    import sys

    code = "import minitheano, minitheano.tensor, sys; print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip() == "False"


@pytest.mark.skipif(gpu_skip_reason() is None, reason="a GPU is available here")
def test_cuda_without_a_gpu_says_what_is_missing_and_how_to_fall_back():
    theano.config.device = "cuda"
    with pytest.raises(DeviceUnavailableError, match="device=cpu") as info:
        theano.shared(np.zeros(3))
    assert len(str(info.value).splitlines()) == 1
    x = T.dvector()
    with pytest.raises(DeviceUnavailableError, match="CuPy|GPU"):
        theano.function([x], x * 2)


@pytest.mark.parametrize("device", BACKENDS)
def test_shared_dataset_and_givens_slicing_stay_on_the_device(device, monkeypatch):
    select_device(device, monkeypatch)
    data = theano.shared(np.arange(20.0).reshape(10, 2), name="data")
    w = theano.shared(np.ones(2), name="w")
    i = T.lscalar()
    batch = data[i * 5 : (i + 1) * 5]
    f = theano.function([i], T.dot(batch, w).sum(), updates=[(w, w * 2)])
    assert float(f(1)) == sum(range(10, 20))
    host = data.get_value()
    assert isinstance(host, np.ndarray)
    internal = data.get_value(return_internal_type=True, borrow=True)
    native = "cupy" if device == "cuda" else "numpy"
    assert type(internal).__module__.split(".")[0] == native
    f.return_internal_type = True
    out = f(0)
    assert type(out).__module__.split(".")[0] == native


def test_a_small_lenet_trains_the_same_on_the_device_code_path(monkeypatch):
    """Three SGD steps of a small LeNet: the CuPy code path (run on NumPy) against the CPU's."""
    import os
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
    import convolutional_mlp

    rng = np.random.RandomState(5)
    batches = [
        (rng.rand(50, 784).astype("float32"), rng.randint(0, 10, 50).astype("int32"))
        for _ in range(3)
    ]
    results = {}
    for device in ("cpu", "device-path"):
        select_device(device, monkeypatch)
        theano.config.floatX = "float32"
        x, y = T.matrix("x"), T.ivector("y")
        layers, cost = convolutional_mlp.build_lenet(
            np.random.RandomState(23455), x, y, 50, [4, 6]
        )
        params = layers[3].params + layers[2].params + layers[1].params + layers[0].params
        grads = T.grad(cost, params)
        train = theano.function(
            [x, y], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)]
        )
        assert (train.backend.xp is np) == (device == "cpu")
        costs = [float(train(*batch)) for batch in batches]
        results[device] = costs, [p.get_value() for p in params]
    (cpu_costs, cpu_params), (dev_costs, dev_params) = results["cpu"], results["device-path"]
    np.testing.assert_allclose(dev_costs, cpu_costs, rtol=1e-5)
    for a, b in zip(dev_params, cpu_params):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
