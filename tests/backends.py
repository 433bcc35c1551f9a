"""The backends a test can run on: NumPy always, CuPy when a GPU is usable, and the CuPy code
path run on NumPy (``device-path``), so that what only the GPU runs is tested without one."""

import types

import numpy as np
import pytest

import minitheano as theano
from minitheano import backend
from minitheano.backend import Backend, cuda_available


def gpu_skip_reason():
    try:
        import cupy  # noqa: F401
    except ImportError:
        return "CuPy is not installed (pip install 'minitheano[cuda]'); GPU tests need it"
    return None if cuda_available() else "CuPy found no usable CUDA GPU"


class _NumpyAsDevice(types.ModuleType):
    """NumPy under another name. ``xp is not np``, so ops take the path they take on CuPy (no
    splitting over CPU threads, whole-batch im2col and GEMMs, fused chains in one go) while
    the arrays are NumPy's; only a real GPU can check CuPy itself."""

    def __getattr__(self, name):
        return getattr(np, name)


NUMPY_AS_DEVICE = _NumpyAsDevice("numpy_as_device")


def select_device(device, monkeypatch):
    """Make ``device`` current: ``cpu``, ``cuda`` (CuPy), or ``device-path``."""
    if device == "device-path":
        monkeypatch.setattr(backend, "_cuda_backend", Backend("cuda", NUMPY_AS_DEVICE))
        device = "cuda"
    theano.config.device = device


GPU = pytest.mark.gpu
BACKENDS = [
    "cpu",
    "device-path",
    pytest.param(
        "cuda",
        marks=[
            GPU,
            pytest.mark.skipif(gpu_skip_reason() is not None, reason=str(gpu_skip_reason())),
        ],
    ),
]
