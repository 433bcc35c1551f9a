"""Reference numbers for ``scan`` (values, gradients, random draws), from real Theano 1.0.5.

Run it under Theano (kept out of this repository); the pure-Python scan gives the same
numbers as the C one:

    THEANO_FLAGS=cxx=,blas.ldflags=,device=cpu,floatX=float64 \\
        /path/to/venv-theano/bin/python tests/reference/make_scan_reference.py

It writes ``tests/reference/theano_scan.npz``: per case, the outputs of two consecutive calls
of one compiled function (its updates applied in between). ``tests/test_scan.py`` imports
``CASES`` from this file and builds the same graphs with minitheano, so both sides run the
same code. Each case is ``build(ns) -> (inputs, outputs, updates, values)``; ``ns`` holds the
framework's modules (``theano``, ``T``, ``until``, ``RandomStreams``, ``MRG_RandomStreams``).
"""

from __future__ import annotations

import os

import numpy as np

_RNG = np.random.RandomState(42)
X5 = np.round(_RNG.randn(5), 3)
X64 = np.round(_RNG.randn(6, 4), 3)
W44 = np.round(_RNG.randn(4, 4) * 0.4, 3)


def truncated_bptt(ns):
    T, theano = ns.T, ns.theano
    x, h0, w = T.dvector("x"), T.dscalar("h0"), T.dscalar("w")
    out, _ = theano.scan(
        lambda xt, h, w: T.tanh(xt + w * h),
        sequences=x,
        outputs_info=h0,
        non_sequences=w,
        truncate_gradient=2,
    )
    return [x, h0, w], T.grad(out.sum(), [x, h0, w]), None, [X5, 0.5, 0.7]


def taps_backwards_and_maps(ns):
    """Sequence taps, two fed-back taps, an output not fed back, read backwards."""
    T, theano = ns.T, ns.theano
    x, init, W = T.dmatrix("x"), T.dmatrix("init"), T.dmatrix("W")

    def step(x_m1, x_p1, h_m2, h_m1, W):
        h = T.tanh(T.dot(h_m1, W) + 0.5 * h_m2 + x_m1 - x_p1)
        return h, (h**2).sum()

    (h, energy), _ = theano.scan(
        step,
        sequences=dict(input=x, taps=[-1, 1]),
        outputs_info=[dict(initial=init, taps=[-2, -1]), None],
        non_sequences=W,
        go_backwards=True,
    )
    cost = h.sum() + energy.sum()
    grads = T.grad(cost, [x, init, W])
    init_v = np.round(_RNG.randn(3, 4) * 0.5, 3)
    return [x, init, W], [h, energy] + grads, None, [X64, init_v, W44]


def while_loop(ns):
    T, theano = ns.T, ns.theano
    a = T.dscalar("a")
    v, _ = theano.scan(
        lambda prev, a: (prev * a, ns.until(prev * a > 50.0)),
        outputs_info=T.constant(np.float64(1.0)),
        non_sequences=a,
        n_steps=40,
    )
    return [a], [v, T.grad(v.sum(), a)], None, [1.7]


def random_streams_inside(ns):
    T, theano = ns.T, ns.theano
    srng = ns.RandomStreams(seed=3)
    vals, updates = theano.scan(
        lambda acc: acc + srng.uniform(()), outputs_info=T.constant(np.float64(0.0)), n_steps=4
    )
    return [], [vals], updates, []


def mrg_inside(ns):
    T, theano = ns.T, ns.theano
    srng = ns.MRG_RandomStreams(seed=5)
    vals, updates = theano.scan(
        lambda acc: acc + srng.normal((2,), dtype="float64"),
        outputs_info=T.zeros((2,), dtype="float64"),
        n_steps=3,
    )
    return [], [vals], updates, []


CASES = {
    "truncated_bptt": truncated_bptt,
    "taps_backwards_and_maps": taps_backwards_and_maps,
    "while_loop": while_loop,
    "random_streams_inside": random_streams_inside,
    "mrg_inside": mrg_inside,
}


def run_case(ns, build):
    """The outputs of two consecutive calls, each raveled, in one list."""
    inputs, outputs, updates, values = build(ns)
    f = ns.theano.function(inputs, outputs, updates=updates)
    return [np.ravel(np.asarray(out)) for _ in range(2) for out in f(*values)]


def main():
    import types

    import theano
    import theano.tensor as T
    from theano.sandbox.rng_mrg import MRG_RandomStreams
    from theano.scan_module import until
    from theano.tensor.shared_randomstreams import RandomStreams

    ns = types.SimpleNamespace(
        theano=theano,
        T=T,
        until=until,
        RandomStreams=RandomStreams,
        MRG_RandomStreams=MRG_RandomStreams,
    )
    arrays = {}
    for name, build in CASES.items():
        for k, out in enumerate(run_case(ns, build)):
            arrays[f"{name}/{k}"] = out
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "theano_scan.npz")
    np.savez_compressed(path, **arrays)
    print(f"wrote {len(arrays)} arrays to {path}")


if __name__ == "__main__":
    main()
