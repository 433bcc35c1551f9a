"""``theano.gpuarray`` as on a machine without pygpu: it imports, ``pygpu_activated`` is False
and ``dnn.dnn_present()`` is False, so libraries fall back to their CPU code paths.

minitheano's GPU backend is CuPy (``device=cuda``), behind the same ops as the CPU one; it
needs none of Theano's GPU-specific ops, so this stays False on a GPU too.
"""

from . import dnn

pygpu = None
pygpu_activated = False

__all__ = ["dnn", "pygpu", "pygpu_activated"]
