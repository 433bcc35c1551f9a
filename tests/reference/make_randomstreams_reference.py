"""Reference numbers for ``RandomStreams`` / ``raw_random``, made with real Theano 1.0.5.

Run it under Theano (pure Python is enough, the numbers are NumPy's RandomState's)::

    THEANO_FLAGS=cxx=,blas.ldflags=,floatX=float64,device=cpu \\
        /work/venv-theano/bin/python tests/reference/make_randomstreams_reference.py

It writes ``theano_randomstreams.npz`` next to itself: for every case of ``CASES`` and every seed
of ``SEEDS``, the outputs of two consecutive calls of the compiled function. The test
(``tests/test_shared_randomstreams.py``) builds the same cases with minitheano, from this same
table, and compares the numbers exactly. The table only uses the API the two libraries share.
"""

import os
import sys

import numpy as np

SEEDS = (234, 1, 2**29)
N_CALLS = 2
X_VALUE = np.arange(12.0).reshape(3, 4)  # the value of the matrix input ``x`` where a case has it


def _plain(build):
    """A case without inputs: ``build(lib, rs)`` returns its output(s)."""

    def case(lib, rs):
        out = build(lib, rs)
        return [], list(out) if isinstance(out, (list, tuple)) else [out], []

    return case


def _with_x(build):
    """A case taking the float64 matrix ``x`` (value ``X_VALUE``)."""

    def case(lib, rs):
        x = lib.T.matrix("x")
        return [x], [build(lib, rs, x)], [X_VALUE]

    return case


def _raw(build):
    """A raw_random draw from an explicit RandomState shared variable, updated explicitly."""

    def case(lib, rs):
        seed = int(rs.gen_seedgen.randint(2**30))
        rng = lib.shared(np.random.RandomState(seed))
        new_rng, out = build(lib.raw_random, rng)
        return [], [out], [], [(rng, new_rng)]

    return case


CASES = {
    "uniform_f64": _plain(lambda lib, rs: rs.uniform((2, 3), low=-1.0, high=3.0)),
    "uniform_f32": _plain(lambda lib, rs: rs.uniform((2, 3), low=-1.0, high=3.0, dtype="float32")),
    "uniform_default": _plain(lambda lib, rs: rs.uniform((4,))),
    "uniform_low_vector": _plain(
        lambda lib, rs: rs.uniform(low=np.array([0.0, 1.0, 2.0]), high=5.0)
    ),
    "uniform_auto_dim": _plain(lambda lib, rs: rs.uniform((2, -1), low=np.zeros(3), high=1.0)),
    "normal_f64": _plain(lambda lib, rs: rs.normal((3, 2), avg=1.0, std=2.0)),
    "normal_f32": _plain(lambda lib, rs: rs.normal((3, 2), avg=1.0, std=2.0, dtype="float32")),
    "normal_avg_matrix": _plain(
        lambda lib, rs: rs.normal((2, 3), avg=np.arange(6.0).reshape(2, 3), std=0.5)
    ),
    "binomial": _plain(lambda lib, rs: rs.binomial((5,), n=5, p=0.3)),
    "binomial_default": _plain(lambda lib, rs: rs.binomial((2, 3))),
    "binomial_f32": _plain(lambda lib, rs: rs.binomial((2, 3), n=1, p=0.8, dtype="float32")),
    "random_integers": _plain(lambda lib, rs: rs.random_integers((4, 3), low=-2, high=5)),
    "random_integers_i32": _plain(
        lambda lib, rs: rs.random_integers((3,), low=0, high=1000, dtype="int32")
    ),
    "random_integers_vectors": _plain(
        lambda lib, rs: rs.random_integers(
            (2, 3), low=np.array([0, 10, 20]), high=np.array([5, 15, 10**10])
        )
    ),
    "permutation": _plain(lambda lib, rs: rs.permutation(n=6)),
    "permutation_size": _plain(lambda lib, rs: rs.permutation((2,), n=4)),
    "choice": _plain(lambda lib, rs: rs.choice((5,), a=10)),
    "choice_no_replace": _plain(lambda lib, rs: rs.choice((4,), a=10, replace=False)),
    "choice_p": _plain(lambda lib, rs: rs.choice((6,), a=3, p=[0.2, 0.5, 0.3])),
    "choice_vector": _plain(
        lambda lib, rs: rs.choice((1, 2), a=np.array([5, 7, 9]), replace=False)
    ),
    "poisson": _plain(lambda lib, rs: rs.poisson((3, 3), lam=2.5)),
    "multinomial": _plain(lambda lib, rs: rs.multinomial((3,), n=4, pvals=[0.2, 0.3, 0.5])),
    "multinomial_default": _plain(lambda lib, rs: rs.multinomial((2,))),
    "multinomial_rows": _plain(
        lambda lib, rs: rs.multinomial(
            n=np.array([3, 10]), pvals=np.array([[0.1, 0.9], [0.6, 0.4]], dtype="float32")
        )
    ),
    "two_streams": _plain(lambda lib, rs: [rs.uniform((2,)), rs.normal((2,)), rs.uniform((2,))]),
    "shuffle_row_elements": _with_x(lambda lib, rs, x: rs.shuffle_row_elements(x)),
    "symbolic_size": _with_x(lambda lib, rs, x: rs.uniform(x.shape, low=-1.0)),
    "dropout": _with_x(lambda lib, rs, x: x * rs.binomial(x.shape, p=0.5, dtype="float64")),
    "raw_uniform": _raw(lambda raw, rng: raw.uniform(rng, (2, 3), low=-1.0, high=1.0)),
    "raw_normal_f32": _raw(lambda raw, rng: raw.normal(rng, (3,), std=3.0, dtype="float32")),
    "raw_permutation": _raw(lambda raw, rng: raw.permutation(rng, (2,), n=5)),
}


def reseed_case(lib, rs, seed):
    """Two streams, then ``rs.seed(seed)``: used for the numbers after reseeding."""
    return [rs.uniform((3,)), rs.normal((2, 2))]


def reseed_value(seed: int) -> int:
    return (seed * 7 + 3) % 2**30


def key(case: str, seed: int, call: int, out: int) -> str:
    return f"{case}/{seed}/{call}/{out}"


def run_case(lib, case, seed):
    """The outputs of ``N_CALLS`` calls of the case's function: a list (per call) of lists."""
    rs = lib.RandomStreams(seed)
    built = CASES[case](lib, rs)
    inputs, outputs, args = built[:3]
    updates = built[3] if len(built) > 3 else None
    f = lib.function(inputs, outputs, updates=updates)
    return [[np.asarray(v) for v in f(*args)] for _ in range(N_CALLS)]


def run_reseed(lib, seed):
    """Two calls, ``rs.seed(reseed_value(seed))``, two more calls."""
    rs = lib.RandomStreams(seed)
    f = lib.function([], reseed_case(lib, rs, seed))
    results = [f() for _ in range(N_CALLS)]
    rs.seed(reseed_value(seed))
    results += [f() for _ in range(N_CALLS)]
    return [[np.asarray(v) for v in r] for r in results]


def _theano_lib():
    import types

    import theano
    import theano.tensor as T
    from theano.tensor import raw_random
    from theano.tensor.shared_randomstreams import RandomStreams

    return types.SimpleNamespace(
        T=T,
        shared=theano.shared,
        function=theano.function,
        raw_random=raw_random,
        RandomStreams=RandomStreams,
    )


def main() -> None:
    os.environ.setdefault("THEANO_FLAGS", "cxx=,blas.ldflags=,floatX=float64,device=cpu")
    lib = _theano_lib()
    arrays = {}
    for seed in SEEDS:
        for case in CASES:
            for call, outs in enumerate(run_case(lib, case, seed)):
                for j, value in enumerate(outs):
                    arrays[key(case, seed, call, j)] = value
        for call, outs in enumerate(run_reseed(lib, seed)):
            for j, value in enumerate(outs):
                arrays[key("reseed", seed, call, j)] = value
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "theano_randomstreams.npz")
    np.savez_compressed(path, **arrays)
    import theano

    print(f"wrote {len(arrays)} arrays to {path} (Theano {theano.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
