"""Benchmark: MRG_RandomStreams against NumPy's default generator, same run.

Draws ``--n`` float32 uniforms and normals with a compiled ``MRG_RandomStreams`` function and
with ``np.random.default_rng()`` (``Generator.random`` / ``standard_normal``, float32), then
times a dropout mask (``x * binomial(x.shape, p=0.5)``) on a (500, 800) float32 matrix against
the same in NumPy. Calls alternate between the two sides so that machine noise hits both alike.
Prints the median time per call of each and the ratio MRG / NumPy.

    python bench/random_streams.py [--n 10000000] [--reps 5] [--dropout-reps 50]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.random import MRG_RandomStreams


def _median_times(pairs, reps):
    times = {name: [] for name, _ in pairs}
    for _ in range(reps):
        for name, call in pairs:
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def _report(what, med):
    mrg, ref = med["mrg"], med["numpy"]
    print(
        f"{what:28} mrg {mrg * 1e3:9.3f} ms   numpy {ref * 1e3:9.3f} ms   ratio {mrg / ref:5.2f}"
    )
    return mrg / ref


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--dropout-reps", type=int, default=50)
    args = parser.parse_args(argv)
    theano.config.floatX = "float32"
    srng = MRG_RandomStreams(1234)
    rng = np.random.default_rng(1234)
    n = args.n
    uniform = theano.function([], srng.uniform((n,)))
    normal = theano.function([], srng.normal((n,)))
    x = T.matrix("x")
    dropout = theano.function([x], x * srng.binomial(size=x.shape, p=0.5, dtype="float32"))
    xv = np.random.default_rng(0).random((500, 800), dtype=np.float32)

    def numpy_dropout():
        return xv * (rng.random(xv.shape, dtype=np.float32) < 0.5)

    for f in (uniform, normal):
        f()  # the first call records shapes
    dropout(xv)
    print(f"# {n} float32 numbers per draw; dropout on {xv.shape} float32")
    ratios = {
        "uniform": _report(
            "uniform",
            _median_times(
                [("mrg", uniform), ("numpy", lambda: rng.random(n, dtype=np.float32))], args.reps
            ),
        ),
        "normal": _report(
            "normal",
            _median_times(
                [("mrg", normal), ("numpy", lambda: rng.standard_normal(n, dtype=np.float32))],
                args.reps,
            ),
        ),
        "dropout": _report(
            "dropout mask (500x800)",
            _median_times(
                [("mrg", lambda: dropout(xv)), ("numpy", numpy_dropout)], args.dropout_reps
            ),
        ),
    }
    print("RESULT " + " ".join(f"{k}_ratio={v:.2f}" for k, v in ratios.items()))


if __name__ == "__main__":
    main()
