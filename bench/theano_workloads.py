"""Workloads timed against real Theano 1.0.5: the same script runs under either library.

    python bench/theano_workloads.py --lib minitheano|theano WORKLOAD [--n N]

Workloads: ``call`` (``x + 1`` on a 10-vector), ``logreg`` (the tutorial's logistic_sgd.py
step, batch 600), ``da`` (its dA.py step, batch 20, 30 % corruption), ``mlp`` (the tutorial MLP
784-500-10, batch 20, one SGD step with L1/L2 terms as in mlp.py), ``ca`` (the tutorial's
contractive autoencoder cA.py, float64, batch 10, one step), ``unrolled`` (compile ``h =
tanh(dot(h, W) + b)`` unrolled N times) and ``unrolled_grad`` (compile its gradient).
Prints one line
``RESULT workload=... lib=... seconds=...`` (median per call or step; compile seconds).
``bench/vs_theano.py`` runs it in interleaved processes under both libraries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np


def median_seconds(fn, reps, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def call(theano, T, n):
    x = T.dvector("x")
    f = theano.function([x], x + 1)
    v = np.ones(10)

    def many():
        for _ in range(1000):
            f(v)

    return median_seconds(many, 15) / 1000


def logreg(theano, T, n):
    # the tutorial's logistic_sgd.py step: batch 600, givens slicing of a shared dataset
    rng = np.random.RandomState(1234)
    floatX = theano.config.floatX
    data_x = theano.shared(rng.rand(6000, 784).astype(floatX))
    data_y = theano.shared(rng.randint(0, 10, 6000).astype("int32"))
    index, x, y = T.lscalar(), T.matrix("x"), T.ivector("y")
    W = theano.shared(np.zeros((784, 10), floatX))
    b = theano.shared(np.zeros(10, floatX))
    p_y = T.nnet.softmax(T.dot(x, W) + b)
    cost = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    g_W, g_b = T.grad(cost, [W, b])
    train = theano.function(
        [index],
        cost,
        updates=[(W, W - 0.13 * g_W), (b, b - 0.13 * g_b)],
        givens={
            x: data_x[index * 600 : (index + 1) * 600],
            y: data_y[index * 600 : (index + 1) * 600],
        },
    )
    step = iter(range(10**9))
    return median_seconds(lambda: train(next(step) % 10), 100)


def da(theano, T, n):
    # the tutorial's dA.py step: batch 20, 784-500 tied weights, 30 % corruption
    from theano.tensor.shared_randomstreams import RandomStreams

    rng = np.random.RandomState(123)
    floatX = theano.config.floatX
    x = T.matrix("x")
    bound = 4 * np.sqrt(6.0 / (500 + 784))
    W = theano.shared(rng.uniform(-bound, bound, (784, 500)).astype(floatX))
    b_hid = theano.shared(np.zeros(500, floatX))
    b_vis = theano.shared(np.zeros(784, floatX))
    streams = RandomStreams(rng.randint(2**30))
    corrupted = streams.binomial(size=x.shape, n=1, p=0.7, dtype=floatX) * x
    y = T.nnet.sigmoid(T.dot(corrupted, W) + b_hid)
    z = T.nnet.sigmoid(T.dot(y, W.T) + b_vis)
    cost = T.mean(-T.sum(x * T.log(z) + (1 - x) * T.log(1 - z), axis=1))
    params = [W, b_hid, b_vis]
    grads = T.grad(cost, params)
    train = theano.function([x], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)])
    data = rng.rand(20, 784).astype(floatX)
    return median_seconds(lambda: train(data), 100)


def mlp(theano, T, n):
    rng = np.random.RandomState(1234)
    floatX = theano.config.floatX
    x, y = T.matrix("x"), T.ivector("y")
    bound = np.sqrt(6.0 / (784 + 500))
    W1 = theano.shared(rng.uniform(-bound, bound, (784, 500)).astype(floatX))
    b1 = theano.shared(np.zeros(500, floatX))
    W2 = theano.shared(np.zeros((500, 10), floatX))
    b2 = theano.shared(np.zeros(10, floatX))
    hidden = T.tanh(T.dot(x, W1) + b1)
    p_y = T.nnet.softmax(T.dot(hidden, W2) + b2)
    nll = -T.mean(T.log(p_y)[T.arange(y.shape[0]), y])
    L1 = abs(W1).sum() + abs(W2).sum()
    L2 = (W1**2).sum() + (W2**2).sum()
    cost = nll + 0.00 * L1 + 0.0001 * L2  # the tutorial's L1_reg=0.00, L2_reg=0.0001
    params = [W1, b1, W2, b2]
    grads = T.grad(cost, params)
    train = theano.function(
        [x, y], cost, updates=[(p, p - 0.01 * g) for p, g in zip(params, grads)]
    )
    data = rng.rand(20, 784).astype(floatX)
    labels = rng.randint(0, 10, 20).astype("int32")
    return median_seconds(lambda: train(data, labels), 200)


def ca(theano, T, n):
    # the tutorial's cA.py (contractive autoencoder): sigmoid encoder, tied decoder,
    # cross-entropy reconstruction + contraction level * mean Jacobian norm
    rng = np.random.RandomState(123)
    batch, n_visible, n_hidden, contraction = 10, 784, 500, 0.1
    x = T.dmatrix("x")
    bound = 4 * np.sqrt(6.0 / (n_hidden + n_visible))
    W = theano.shared(rng.uniform(-bound, bound, (n_visible, n_hidden)))
    b = theano.shared(np.zeros(n_hidden))
    b_prime = theano.shared(np.zeros(n_visible))
    y = T.nnet.sigmoid(T.dot(x, W) + b)
    z = T.nnet.sigmoid(T.dot(y, W.T) + b_prime)
    J = T.reshape(y * (1 - y), (batch, 1, n_hidden)) * T.reshape(W, (1, n_visible, n_hidden))
    L_rec = -T.sum(x * T.log(z) + (1 - x) * T.log(1 - z), axis=1)
    L_jacob = T.sum(J**2) // batch
    cost = T.mean(L_rec) + contraction * T.mean(L_jacob)
    params = [W, b, b_prime]
    grads = T.grad(cost, params)
    train = theano.function([x], cost, updates=[(p, p - 0.01 * g) for p, g in zip(params, grads)])
    data = rng.rand(batch, n_visible)
    return median_seconds(lambda: train(data), 40)


def _unrolled_graph(theano, T, n, gradient):
    x = T.dmatrix("x")
    W = theano.shared(np.random.RandomState(0).rand(10, 10) * 0.1, name="W")
    b = theano.shared(np.zeros(10), name="b")
    h = x
    for _ in range(n):
        h = T.tanh(T.dot(h, W) + b)
    out = h.sum()
    return x, (T.grad(out, W) if gradient else out)


def unrolled(theano, T, n, gradient=False):
    x, out = _unrolled_graph(theano, T, n, gradient)
    start = time.perf_counter()
    theano.function([x], out)
    return time.perf_counter() - start


def unrolled_grad(theano, T, n):
    return unrolled(theano, T, n, gradient=True)


WORKLOADS = {
    "call": call,
    "logreg": logreg,
    "mlp": mlp,
    "da": da,
    "ca": ca,
    "unrolled": unrolled,
    "unrolled_grad": unrolled_grad,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", choices=["minitheano", "theano"], required=True)
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--n", type=int, default=100, help="unrolled length")
    args = parser.parse_args(argv)
    if args.lib == "theano":
        import theano
        import theano.tensor as T
    else:
        import minitheano as theano
        import minitheano.tensor as T

        # the workloads import Theano's module paths: point them at minitheano's
        sys.modules["theano"] = theano
        sys.modules["theano.tensor"] = T
        sys.modules["theano.tensor.shared_randomstreams"] = T.shared_randomstreams
    # Theano's graph walks recurse once per node: deep unrolled graphs need a higher limit
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20 * args.n + 1000))
    seconds = WORKLOADS[args.workload](theano, T, args.n)
    print(f"RESULT workload={args.workload} lib={args.lib} n={args.n} seconds={seconds:.6g}")


if __name__ == "__main__":
    main()
