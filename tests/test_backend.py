"""Backend selection: cpu by default, cuda with one flag, a one-line error without a GPU."""

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano import backend
from minitheano.backend import DeviceUnavailableError

from .backends import BACKENDS, gpu_skip_reason


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
def test_shared_dataset_and_givens_slicing_stay_on_the_device(device):
    theano.config.device = device
    data = theano.shared(np.arange(20.0).reshape(10, 2), name="data")
    w = theano.shared(np.ones(2), name="w")
    i = T.lscalar()
    batch = data[i * 5 : (i + 1) * 5]
    f = theano.function([i], T.dot(batch, w).sum(), updates=[(w, w * 2)])
    assert float(f(1)) == sum(range(10, 20))
    host = data.get_value()
    assert isinstance(host, np.ndarray)
    internal = data.get_value(return_internal_type=True, borrow=True)
    assert type(internal).__module__.split(".")[0] == ("numpy" if device == "cpu" else "cupy")
    f.return_internal_type = True
    out = f(0)
    assert type(out).__module__.split(".")[0] == ("numpy" if device == "cpu" else "cupy")
