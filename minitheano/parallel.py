"""Intra-op parallelism on the CPU: split work along its first axis over a few threads.

NumPy releases the GIL inside copies, ufunc loops and BLAS calls, so splitting a large array
operation along its batch axis over threads uses every core. Two flavours:

- ``over_rows`` (and ``map_rows``, which returns each range's result) for memory-bound work
  (copies, pooling, elementwise, reductions) next to BLAS's own threads;
- ``over_batch`` for work that mixes copies and many GEMMs (convolutions): each thread takes a
  slice of the batch and calls BLAS single-threaded, in cache-sized chunks (``cache_chunks``),
  so im2col buffers never leave the core's L2 cache and no GEMM waits for the other core.

The number of threads is ``config.threads`` (default: the CPU count; ``threads=1`` disables).
Work that is already running on one of our threads is never split again (it runs inline).
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .blas_threads import single_threaded
from .config import config

# below this many elements a split costs more (a thread hand-off takes 20-60 us) than it saves
MIN_ELEMENTS = 1 << 17
# bytes of working set per chunk in ``cache_chunks``: about half of a core's L2 (2 MiB here);
# the LeNet's convolutions measured fastest between 0.5 and 1 MiB
CHUNK_BYTES = 1 << 20
_executor: ThreadPoolExecutor | None = None
_inside = threading.local()  # .active is True on a thread running split work


def n_threads() -> int:
    value = getattr(config, "threads", None)
    return max(1, int(value)) if value else (os.cpu_count() or 1)


def _pool(workers: int) -> ThreadPoolExecutor:
    global _executor
    if _executor is None or _executor._max_workers < workers:
        _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="minitheano")
    return _executor


def _forget_pool_in_child() -> None:
    # a forked child inherits the pool object but not its worker threads: work submitted to it
    # would wait forever, so the child makes its own pool on first use
    global _executor
    _executor = None


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere processes are spawned, not forked
    os.register_at_fork(after_in_child=_forget_pool_in_child)


def _marked(work):
    """``work`` run with this thread marked as busy with split work (so it does not split)."""

    def run(lo, hi):
        _inside.active = True
        try:
            return work(lo, hi)
        finally:
            _inside.active = False

    return run


def map_rows(xp, n_rows: int, n_elements: int, work, own_blas: bool = False) -> list:
    """``work(lo, hi)`` over contiguous ranges covering ``[0, n_rows)``; their results in order.

    Splits only NumPy work of at least ``MIN_ELEMENTS`` elements. With ``own_blas``, BLAS is
    single-threaded while the ranges run (not when nothing splits).
    """
    threads = min(n_threads(), n_rows)
    if (
        xp is not np
        or threads < 2
        or n_elements < MIN_ELEMENTS
        or getattr(_inside, "active", False)
    ):
        return [work(0, n_rows)]
    bounds = [n_rows * k // threads for k in range(threads + 1)]
    run = _marked(work)
    with single_threaded() if own_blas else contextlib.nullcontext():
        futures = [
            _pool(threads - 1).submit(run, bounds[k], bounds[k + 1]) for k in range(1, threads)
        ]
        first = run(bounds[0], bounds[1])  # the calling thread takes the first range
        return [first] + [future.result() for future in futures]


def over_rows(xp, n_rows: int, n_elements: int, work) -> None:
    """Call ``work(start, stop)`` on contiguous row ranges covering ``[0, n_rows)``.

    Splits only NumPy work of at least ``MIN_ELEMENTS`` elements; ``work`` must write disjoint
    parts of its outputs for disjoint row ranges.
    """
    map_rows(xp, n_rows, n_elements, work)


def over_batch(xp, n_items: int, n_elements: int, work) -> list:
    """``over_rows`` for GEMM-heavy work: BLAS runs single-threaded inside; returns the results.

    ``work(start, stop)`` handles items ``[start, stop)`` of the batch (usually chunk by chunk,
    see ``cache_chunks``) and may return a partial result (a partial sum, say).
    """
    return map_rows(xp, n_items, n_elements, work, own_blas=True)


def cache_chunks(xp, start: int, stop: int, bytes_per_item: int):
    """``(lo, hi)`` ranges covering ``[start, stop)`` whose working set fits ``CHUNK_BYTES``.

    On a GPU the whole range is one chunk: big kernels are what a GPU wants.
    """
    size = stop - start if xp is not np else max(1, CHUNK_BYTES // max(1, bytes_per_item))
    for lo in range(start, stop, max(1, size)):
        yield lo, min(stop, lo + size)
