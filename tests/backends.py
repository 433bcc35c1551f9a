"""The backends a test can run on: NumPy always, CuPy when a GPU is usable."""

import pytest

from minitheano.backend import cuda_available


def gpu_skip_reason():
    try:
        import cupy  # noqa: F401
    except ImportError:
        return "CuPy is not installed (pip install 'minitheano[cuda]'); GPU tests need it"
    return None if cuda_available() else "CuPy found no usable CUDA GPU"


GPU = pytest.mark.gpu
BACKENDS = [
    "cpu",
    pytest.param(
        "cuda",
        marks=[
            GPU,
            pytest.mark.skipif(gpu_skip_reason() is not None, reason=str(gpu_skip_reason())),
        ],
    ),
]
