"""Keep OpenBLAS's idle worker threads from holding the cores that our NumPy threads need.

OpenBLAS worker threads spin (busy-wait) for a while after each GEMM before sleeping. Our
threaded NumPy work (im2col, pooling, fused elementwise) runs right after GEMMs and then finds
its second core taken: the tutorial LeNet's train step measured 0.105 s against 0.114 s with
``OPENBLAS_THREAD_TIMEOUT=4`` (spin 2^4 cycles). OpenBLAS reads that variable when it loads;
when NumPy is already loaded we ask its OpenBLAS to read the environment again and restart its
thread pool. Set ``MINITHEANO_FLAGS=blas_thread_timeout=0`` to leave OpenBLAS alone.
"""

from __future__ import annotations

import ctypes
import os
import sys


def _loaded_openblas() -> str | None:
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if "/" in line else ""
                if (
                    "openblas" in os.path.basename(path).lower()
                    and path.endswith(".so")
                    or "openblas" in os.path.basename(path).lower()
                    and ".so." in path
                ):
                    return path
    except OSError:  # not Linux
        return None
    return None


def tune(timeout_exponent: int) -> bool:
    """Make OpenBLAS threads sleep after 2**timeout_exponent cycles; True if it took effect."""
    if timeout_exponent <= 0:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(timeout_exponent)
    if "numpy" not in sys.modules:
        return True  # OpenBLAS will read the variable when NumPy loads it
    import numpy  # noqa: F401  (make sure its OpenBLAS is loaded)

    path = _loaded_openblas()
    if path is None:
        return False
    try:
        lib = ctypes.CDLL(path)
        read_env, shutdown = lib.openblas_read_env, lib.blas_thread_shutdown_
    except (OSError, AttributeError):
        return False
    read_env()
    shutdown()  # the pool restarts on the next BLAS call, with the new timeout
    return True
