"""OpenBLAS's threads: keep idle ones off our cores, and switch them off inside our own threads.

Two jobs, both through OpenBLAS's C API (ctypes), doing nothing where NumPy uses another BLAS.

OpenBLAS worker threads spin (busy-wait) for a while after each GEMM before sleeping. Our
threaded NumPy work (im2col, pooling, fused elementwise) runs right after GEMMs and then finds
its second core taken: the tutorial LeNet's train step measured 0.105 s against 0.114 s with
``OPENBLAS_THREAD_TIMEOUT=4`` (spin 2^4 cycles). OpenBLAS reads that variable when it loads;
when NumPy is already loaded we ask its OpenBLAS to read the environment again and restart its
thread pool. Set ``MINITHEANO_FLAGS=blas_thread_timeout=0`` to leave OpenBLAS alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import sys
import threading


def _loaded_openblas() -> str | None:
    """The path of the OpenBLAS library this process has loaded (NumPy's), or None."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1] if "/" in line else ""
                name = os.path.basename(path).lower()
                if "openblas" in name and (path.endswith(".so") or ".so." in path):
                    return path
    except OSError:  # not Linux
        return None
    return None


@functools.lru_cache(maxsize=1)
def _openblas():
    """NumPy's OpenBLAS through ctypes, or None (another BLAS, or not Linux)."""
    import numpy  # noqa: F401  (make sure its BLAS is loaded)

    path = _loaded_openblas()
    try:
        return None if path is None else ctypes.CDLL(path)
    except OSError:
        return None


def tune(timeout_exponent: int) -> bool:
    """Make OpenBLAS threads sleep after 2**timeout_exponent cycles; True if it took effect."""
    if timeout_exponent <= 0:
        return False
    os.environ["OPENBLAS_THREAD_TIMEOUT"] = str(timeout_exponent)
    if "numpy" not in sys.modules:
        return True  # OpenBLAS will read the variable when NumPy loads it
    lib = _openblas()
    try:
        read_env, shutdown = lib.openblas_read_env, lib.blas_thread_shutdown_
    except AttributeError:  # (also when lib is None)
        return False
    read_env()
    shutdown()  # the pool restarts on the next BLAS call, with the new timeout
    return True


# (set, get) pairs: OpenBLAS's own names, and the prefixed ones of NumPy's bundled build
_THREAD_COUNT_SYMBOLS = (
    ("openblas_set_num_threads", "openblas_get_num_threads"),
    ("scipy_openblas_set_num_threads64_", "scipy_openblas_get_num_threads64_"),
    ("openblas_set_num_threads64_", "openblas_get_num_threads64_"),
)
_single_lock = threading.Lock()
_single_depth = 0
_saved_count = 0


@functools.lru_cache(maxsize=1)
def _thread_count_functions():
    """OpenBLAS's (set, get) thread-count functions, or None."""
    lib = _openblas()
    for set_name, get_name in _THREAD_COUNT_SYMBOLS if lib is not None else ():
        if hasattr(lib, set_name) and hasattr(lib, get_name):
            setter, getter = getattr(lib, set_name), getattr(lib, get_name)
            setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
            return setter, getter
    return None


@contextlib.contextmanager
def single_threaded():
    """Within this block every BLAS call runs on its calling thread only.

    For work that we split over cores ourselves (one batch slice per thread, each with its own
    small GEMMs): OpenBLAS threads on top would fight ours for the same cores. The setting is
    process-wide (OpenBLAS has no per-thread count), so nested and concurrent blocks share one
    counter and the last one out restores the previous count.
    """
    global _single_depth, _saved_count
    api = _thread_count_functions()
    if api is None:
        yield
        return
    setter, getter = api
    with _single_lock:
        if _single_depth == 0:
            _saved_count = getter()
            setter(1)
        _single_depth += 1
    try:
        yield
    finally:
        with _single_lock:
            _single_depth -= 1
            if _single_depth == 0:
                setter(_saved_count)
