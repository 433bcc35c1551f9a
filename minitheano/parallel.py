"""Intra-op parallelism for memory-bound NumPy work (copies, pooling, elementwise).

NumPy releases the GIL inside copies and ufunc loops, so splitting a large array operation
along its first axis over a few threads uses the other cores, as BLAS already does for GEMMs.
The number of threads is ``config.threads`` (default: the CPU count; ``threads=1`` disables).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .config import config

# below this many elements a split costs more (thread hand-off ~20 us) than it saves
MIN_ELEMENTS = 1 << 17
_executor: ThreadPoolExecutor | None = None


def n_threads() -> int:
    value = getattr(config, "threads", None)
    return max(1, int(value)) if value else (os.cpu_count() or 1)


def _pool(workers: int) -> ThreadPoolExecutor:
    global _executor
    if _executor is None or _executor._max_workers < workers:
        _executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="minitheano")
    return _executor


def over_rows(xp, n_rows: int, n_elements: int, work) -> None:
    """Call ``work(start, stop)`` on contiguous row ranges covering ``[0, n_rows)``.

    Splits only for NumPy arrays of at least ``MIN_ELEMENTS`` elements; ``work`` must write
    disjoint parts of its outputs for disjoint row ranges.
    """
    threads = min(n_threads(), n_rows)
    if xp is not np or threads < 2 or n_elements < MIN_ELEMENTS:
        work(0, n_rows)
        return
    bounds = [n_rows * k // threads for k in range(threads + 1)]
    futures = [
        _pool(threads - 1).submit(work, bounds[k], bounds[k + 1]) for k in range(1, threads)
    ]
    work(bounds[0], bounds[1])  # the calling thread takes the first range
    for future in futures:
        future.result()
