"""Intra-op threads and the OpenBLAS thread tuning."""

import os

import numpy as np

from minitheano import blas_threads
from minitheano.parallel import MIN_ELEMENTS, over_rows


def test_over_rows_covers_every_row_once():
    seen = np.zeros(1001, dtype=int)

    def work(lo, hi):
        seen[lo:hi] += 1

    over_rows(np, len(seen), MIN_ELEMENTS * 2, work)
    assert (seen == 1).all()
    calls = []
    over_rows(np, 10, 10, lambda lo, hi: calls.append((lo, hi)))  # small: no split
    assert calls == [(0, 10)]


def test_openblas_tuning_applies_after_numpy_was_loaded(monkeypatch):
    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    assert blas_threads.tune(0) is False and "OPENBLAS_THREAD_TIMEOUT" not in os.environ
    applied = blas_threads.tune(4)
    assert os.environ["OPENBLAS_THREAD_TIMEOUT"] == "4"
    if blas_threads._loaded_openblas() is not None:  # NumPy built with OpenBLAS (wheels are)
        assert applied
    a = np.random.rand(64, 64)
    np.testing.assert_allclose(a @ a, np.dot(a, a))  # BLAS still works after the restart
