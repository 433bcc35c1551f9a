"""Benchmark: what elementwise fusion saves on an elementwise-heavy graph, same run.

The same expression is compiled twice, with all rewrites and with the fusion pass excluded;
calls alternate between the two so that machine noise hits both alike. Prints the median time
per call of each and the ratio.

    python bench/fusion.py [--size 2000] [--reps 30] [--dtype float32]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.compile.mode import Mode


def build(dtype):
    x, y, z = (T.matrix(n, dtype=dtype) for n in "xyz")
    # a typical activation + gradient chain: 9 elementwise ops
    out = T.tanh(x * y + z) * T.exp(-x) + 0.5 * y**2 - T.nnet.sigmoid(z) / (1 + x * x)
    return [x, y, z], out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--dtype", default="float32")
    args = parser.parse_args(argv)
    theano.config.floatX = args.dtype  # so that Python constants keep the chain in one dtype
    inputs, out = build(args.dtype)
    fused = theano.function(inputs, out)
    unfused = theano.function(inputs, out, mode=Mode().excluding("fuse"))
    rng = np.random.RandomState(0)
    values = [rng.rand(args.size, args.size).astype(args.dtype) for _ in inputs]
    np.testing.assert_allclose(fused(*values), unfused(*values), rtol=1e-5)
    times = {"fused": [], "unfused": []}
    for _ in range(args.reps):
        for name, f in (("fused", fused), ("unfused", unfused)):
            start = time.perf_counter()
            f(*values)
            times[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(
        f"# {args.size}x{args.size} {args.dtype}, {len(fused.program.steps)} fused step(s) vs "
        f"{len(unfused.program.steps)} steps unfused"
    )
    for name in ("fused", "unfused"):
        print(f"{name:8} {med[name] * 1e3:8.2f} ms/call")
    print(
        f"RESULT fused_ms={med['fused'] * 1e3:.2f} unfused_ms={med['unfused'] * 1e3:.2f} "
        f"speedup={med['unfused'] / med['fused']:.2f}"
    )


if __name__ == "__main__":
    main()
