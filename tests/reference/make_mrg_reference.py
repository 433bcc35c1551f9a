"""Reference numbers for ``MRG_RandomStreams``, drawn with real Theano 1.0.5.

Run it under Theano (kept out of this repository), with Theano's C code, the default when a
C++ compiler is present:

    THEANO_FLAGS=floatX=float32,device=cpu,blas.ldflags= \\
        /path/to/venv-theano/bin/python tests/reference/make_mrg_reference.py

It writes ``tests/reference/theano_mrg.npz``: per case, the outputs of two consecutive calls of
one compiled function, raveled and joined. ``tests/test_rng_mrg.py`` imports ``CASES`` from
this file and builds the same graphs with minitheano, so both sides run the same code.

Why the C code: Theano's C (and GPU) code scales a float32 sample as ``float(k) * NORM`` in
float32, while its pure-Python fallback (``cxx=``) multiplies in float64 and rounds, which is
one ulp off in about a quarter of float32 samples. float64 samples are the same either way.

What depends on the machine that ran this (an x86-64 CPU with AVX-512 and FMA, glibc 2.36):
Theano compiles with ``-march=native``, so ``u * (high - low) + low`` (and normal's
``* std + avg``) become fused multiply-adds, and Box-Muller's log, cos and sin are glibc's.
The test allows a few ulps there; all other numbers are exact integers or one rounding.
"""

from __future__ import annotations

import os

import numpy as np

SEEDS = (12345, 1, 2**30)
DTYPES = ("float32", "float64")
SIZES = ((7,), (3, 5), (2, 3, 4), (17, 3))
PVALS = [
    [0.1, 0.2, 0.3, 0.4],
    [0.25, 0.25, 0.25, 0.25],
    [0.7, 0.1, 0.1, 0.1],
    [0.0, 0.5, 0.0, 0.5],
    [0.05, 0.05, 0.45, 0.45],
]
CHOICE_P = [
    [0.1, 0.2, 0.05, 0.15, 0.3, 0.2],
    [0.3, 0.3, 0.1, 0.1, 0.1, 0.1],
    [1 / 6] * 6,
    [0.5, 0.0, 0.25, 0.0, 0.125, 0.125],
]
PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "theano_mrg.npz")


def _probabilities(dtype):
    p = np.linspace(0.05, 0.95, 24).reshape(4, 6)
    return p.astype(dtype)


# Each case: builder(srng, T, dtype) -> (inputs, outputs, argument values); all outputs of a
# case have one dtype. Names starting with "normal" hold Box-Muller numbers (see the test).
CASES = {
    "uniform": lambda srng, T, dt: ([], [srng.uniform(s, dtype=dt) for s in SIZES], []),
    "uniform_low_high": lambda srng, T, dt: (
        [],
        [
            srng.uniform((3, 5), low=-2.5, high=3.5, dtype=dt),
            srng.uniform((4, 6), low=-0.3, high=1.7, dtype=dt),
        ],
        [],
    ),
    "uniform_nstreams": lambda srng, T, dt: (
        [],
        [
            srng.uniform((100,), nstreams=7, dtype=dt),
            srng.uniform((4, 5), nstreams=1, dtype=dt),
            srng.uniform((6,), nstreams=40, dtype=dt),
        ],
        [],
    ),
    "normal": lambda srng, T, dt: (
        [],
        [
            srng.normal((7,), dtype=dt),
            srng.normal((17, 3), dtype=dt),
            srng.normal((3, 5), avg=1.5, std=2.5, dtype=dt),
            srng.normal((9,), nstreams=4, dtype=dt),
        ],
        [],
    ),
    "normal_truncate": lambda srng, T, dt: (
        [],
        [
            srng.normal((17, 3), truncate=True, dtype=dt),
            srng.truncated_normal((2, 3, 4), avg=-1.0, std=0.5, dtype=dt),
        ],
        [],
    ),
    "binomial": lambda srng, T, dt: (
        [],
        [
            srng.binomial((3, 5), p=0.3, dtype="int8"),
            srng.binomial((4, 6), p=_probabilities(dt), dtype="int8"),
        ],
        [],
    ),
    "multinomial": lambda srng, T, dt: (
        [],
        [
            srng.multinomial(pvals=np.asarray(PVALS, dtype=dt), dtype="int16"),
            srng.multinomial(n=3, pvals=np.asarray(PVALS, dtype=dt), dtype="int16"),
        ],
        [],
    ),
    "choice": lambda srng, T, dt: (
        [],
        [
            srng.choice(size=3, replace=False, p=np.asarray(CHOICE_P, dtype=dt), dtype="int16"),
            srng.choice(size=4, replace=False, p=np.asarray(CHOICE_P, dtype=dt), dtype="int16"),
        ],
        [],
    ),
}

# cases drawn for the first seed only
EXTRA_CASES = {
    "uniform_1000": lambda srng, T, dt: ([], [srng.uniform((1000,), dtype=dt)], []),
    "uniform_symbolic_size": lambda srng, T, dt: _symbolic_size(srng, T, dt),
}


def _symbolic_size(srng, T, dtype):
    x = T.matrix("x", dtype=dtype)
    return (
        [x],
        [srng.uniform(x.shape, dtype=dtype), srng.uniform((x.shape[1], 2), dtype=dtype)],
        [np.zeros((4, 5), dtype=dtype)],
    )


def key(seed, dtype, name) -> str:
    return f"{name}__{dtype}__{seed}"


def _pack(values):
    flat = np.concatenate([np.ravel(v) for v in values])
    return flat.astype("int16") if flat.dtype.kind in "iu" else flat


def main():
    import theano
    import theano.tensor as T
    from theano.sandbox.rng_mrg import MRG_RandomStreams

    assert theano.__version__.startswith("1.0.5"), theano.__version__
    assert theano.config.cxx, "run with Theano's C code (see the docstring)"
    data = {}
    todo = [(s, d, n, b) for s in SEEDS for d in DTYPES for n, b in CASES.items()]
    todo += [(SEEDS[0], d, n, b) for d in DTYPES for n, b in EXTRA_CASES.items()]
    for seed, dtype, name, build in todo:
        srng = MRG_RandomStreams(seed)
        inputs, outputs, args = build(srng, T, dtype)
        f = theano.function(inputs, outputs)
        data[key(seed, dtype, name)] = _pack([o for _ in range(2) for o in f(*args)])
    for seed in SEEDS:
        srng = MRG_RandomStreams(seed)
        first = srng.get_substream_rstates(5, "float32")
        second = srng.get_substream_rstates(3, "float64", inc_rstate=False)
        data[f"substreams__{seed}"] = np.concatenate([first, second, srng.rstate[None]])
    # seed(): draws made so far start again from the new seed's streams
    srng = MRG_RandomStreams(SEEDS[0])
    f = theano.function([], [srng.uniform((3, 5)), srng.normal((4,))])
    f()
    srng.seed(987)
    data["reseed__float32__987"] = _pack([o for _ in range(2) for o in f()])
    np.savez_compressed(PATH, **data)
    print(f"wrote {len(data)} arrays to {PATH} ({os.path.getsize(PATH)} bytes)")


if __name__ == "__main__":
    main()
