"""Intra-op threads and the OpenBLAS thread tuning."""

import multiprocessing
import os

import numpy as np
import pytest

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


def test_over_batch_returns_partial_results_in_order_with_blas_single_threaded():
    from minitheano import config, parallel

    config.threads = 2  # (restored by the conftest fixture)
    api = blas_threads._thread_count_functions()
    before = api[1]() if api else None
    seen_counts = []

    def work(lo, hi):
        if api:
            seen_counts.append(api[1]())
        return (lo, hi)

    ranges = parallel.over_batch(np, 9, MIN_ELEMENTS, work)
    assert ranges == [(0, 4), (4, 9)]
    if api:  # OpenBLAS: one thread per call inside, the old count restored after
        assert seen_counts == [1, 1] and api[1]() == before


def test_split_work_is_not_split_again():
    from minitheano import parallel

    inner = []

    def work(lo, hi):
        over_rows(np, 100, MIN_ELEMENTS * 2, lambda a, b: inner.append((a, b)))
        return hi - lo

    assert sum(parallel.over_batch(np, 10, MIN_ELEMENTS, work)) == 10
    assert sorted(inner) == [(0, 100)] * len(inner)  # ran inline, in each outer range


def test_cache_chunks_cover_the_range_in_cache_sized_pieces(monkeypatch):
    from minitheano import parallel

    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1000)
    assert list(parallel.cache_chunks(np, 3, 10, 300)) == [(3, 6), (6, 9), (9, 10)]
    assert list(parallel.cache_chunks(np, 0, 2, 5000)) == [(0, 1), (1, 2)]  # at least one
    assert list(parallel.cache_chunks(object(), 0, 7, 300)) == [(0, 7)]  # GPU: all at once


def test_reductions_over_the_first_axis_split_over_threads_match_numpy(monkeypatch):
    import minitheano as theano
    import minitheano.tensor as T
    from minitheano import config, parallel

    monkeypatch.setattr(parallel, "MIN_ELEMENTS", 0)
    config.threads = 2  # (restored by the conftest fixture)
    rng = np.random.RandomState(3)
    data = (rng.rand(7, 4, 5) + 0.5).astype("float32")
    t = T.ftensor3()
    cases = [
        (t.sum(axis=(0, 2)), data.sum(axis=(0, 2), dtype="float64")),
        (t.sum(), data.sum(dtype="float64")),
        (t.prod(axis=0), data.prod(axis=0, dtype="float64")),
        (t.max(axis=(0, 1)), data.max(axis=(0, 1))),
        (t.min(axis=0), data.min(axis=0)),
    ]
    splits = []
    real = parallel.map_rows
    monkeypatch.setattr(parallel, "map_rows", lambda *a, **k: splits.append(a[1]) or real(*a, **k))
    f = theano.function([t], [expr for expr, _ in cases])
    for got, (_, expected) in zip(f(data), cases):
        np.testing.assert_allclose(got, expected.astype("float32"), rtol=1e-6)
    assert splits.count(7) == len(cases)
    ints = T.imatrix()
    int_data = rng.randint(-5, 5, (9, 3)).astype("int32")
    np.testing.assert_array_equal(
        theano.function([ints], ints.sum(axis=0))(int_data), int_data.sum(0)
    )


def _split_job_in_child(results):
    from minitheano import parallel

    results.put(parallel.over_batch(np, 8, MIN_ELEMENTS, lambda lo, hi: (lo, hi)))


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this platform"
)
def test_forked_child_runs_split_work_after_the_parent_did():
    from minitheano import config, parallel

    config.threads = 2  # (restored by the conftest fixture)
    # the parent's split starts the pool's worker thread, which a forked child does not inherit
    assert parallel.over_batch(np, 8, MIN_ELEMENTS, lambda lo, hi: (lo, hi)) == [(0, 4), (4, 8)]
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=_split_job_in_child, args=(results,))
    child.start()
    child.join(20)
    if child.is_alive():
        child.kill()
        child.join()
        raise AssertionError("the forked child hung in its first split job")
    assert child.exitcode == 0 and results.get(timeout=5) == [(0, 4), (4, 8)]
