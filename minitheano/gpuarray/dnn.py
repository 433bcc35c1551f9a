"""``theano.gpuarray.dnn`` without pygpu: cuDNN is reported absent (``msg`` says why)."""

_WHY = "PyGPU not available (minitheano's GPU backend is CuPy; see docs/gpu.md)"


def dnn_present() -> bool:
    """Whether Theano's cuDNN ops can be used: never (no pygpu)."""
    return False


def dnn_available(context_name=None) -> bool:
    """Whether Theano's cuDNN ops can be used on ``context_name``: never (no pygpu)."""
    return False


dnn_present.msg = dnn_available.msg = _WHY

__all__ = ["dnn_available", "dnn_present"]
