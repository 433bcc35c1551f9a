"""Benchmark: the tutorial LeNet's train and eval steps, minitheano against PyTorch, same run.

Both frameworks get the same weights (the tutorial's ``RandomState(23455)`` init) and the same
minibatches (batch 500, float32); minibatch ``i`` is a slice of a shared dataset, as with
``givens``. Each step is timed after warm-up, the two frameworks alternating in blocks of 5
calls; the median of ``--reps`` steps is reported with the ratio minitheano / PyTorch (below
1.0 means minitheano is faster).

    python bench/lenet.py [--reps 40] [--device cpu|cuda] [--data DIR] [--no-torch]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))

import numpy as np  # noqa: E402

import minitheano as theano  # noqa: E402
import minitheano.tensor as T  # noqa: E402

BATCH = 500


def load_batches(data_dir, n=20000):
    """Real MNIST training images if found, else synthetic MNIST-shaped data."""
    from minitheano.datasets import DatasetNotFoundError, load_mnist

    try:
        (x, y), _, _ = load_mnist(data_dir)
        return x[:n].astype("float32"), y[:n].astype("int32"), "MNIST"
    except DatasetNotFoundError:
        r = np.random.RandomState(1234)
        return r.rand(n, 784).astype("float32"), r.randint(0, 10, n).astype("int32"), "synthetic"


def build_minitheano(xs, ys):
    import convolutional_mlp as lenet

    rng = np.random.RandomState(23455)
    x, y, index = T.matrix("x"), T.ivector("y"), T.lscalar("index")
    data_x, data_y = theano.shared(xs, borrow=True), theano.shared(ys, borrow=True)
    layers, cost = lenet.build_lenet(rng, x, y, BATCH, [20, 50])
    params = layers[3].params + layers[2].params + layers[1].params + layers[0].params
    grads = T.grad(cost, params)
    givens = {
        x: data_x[index * BATCH : (index + 1) * BATCH],
        y: data_y[index * BATCH : (index + 1) * BATCH],
    }
    start = time.perf_counter()
    train = theano.function(
        [index], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)], givens=givens
    )
    compile_s = time.perf_counter() - start
    test = theano.function([index], layers[3].errors(y), givens=givens)
    weights = [
        p.get_value()
        for p in (
            layers[0].W,
            layers[0].b,
            layers[1].W,
            layers[1].b,
            layers[2].W,
            layers[2].b,
            layers[3].W,
            layers[3].b,
        )
    ]
    return train, test, compile_s, weights


def build_torch(xs, ys, weights, device):
    import torch
    import torch.nn.functional as F

    data_x = torch.from_numpy(xs).to(device)
    data_y = torch.from_numpy(ys.astype("int64")).to(device)
    params = [torch.tensor(w, requires_grad=True, device=device) for w in weights]
    W0, b0, W1, b1, W2, b2, W3, b3 = params
    # Theano's conv2d flips the kernels (true convolution); torch correlates: flip once here
    with torch.no_grad():
        W0.copy_(torch.flip(W0, (2, 3)))
        W1.copy_(torch.flip(W1, (2, 3)))
    opt = torch.optim.SGD(params, lr=0.1)

    def forward(x):
        h = x.reshape(-1, 1, 28, 28)
        h = torch.tanh(F.max_pool2d(F.conv2d(h, W0), 2) + b0.view(1, -1, 1, 1))
        h = torch.tanh(F.max_pool2d(F.conv2d(h, W1), 2) + b1.view(1, -1, 1, 1))
        h = torch.tanh(h.flatten(1) @ W2 + b2)
        return h @ W3 + b3

    def sync():
        if device != "cpu":
            torch.cuda.synchronize()

    def train(i):
        x, y = data_x[i * BATCH : (i + 1) * BATCH], data_y[i * BATCH : (i + 1) * BATCH]
        loss = F.cross_entropy(forward(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss.item()

    @torch.no_grad()
    def test(i):
        x, y = data_x[i * BATCH : (i + 1) * BATCH], data_y[i * BATCH : (i + 1) * BATCH]
        return (forward(x).argmax(1) != y).float().mean().item()

    return train, test, torch


def time_interleaved(steps, n_batches, reps, block=5, warmup=2):
    """Median and best seconds per call of each step function, in alternating blocks.

    Each function runs ``block`` calls in a row (its caches and allocator stay warm, as in a
    training loop), then the next one does; alternating keeps slow drifts of a shared machine
    (other tenants, clock changes) out of the ratio. ``reps`` calls of each are timed.
    """
    for step in steps:
        for i in range(warmup):
            step(i % n_batches)
    times = [[] for _ in steps]
    for first in range(0, reps, block):
        for step, record in zip(steps, times):
            for i in range(first, min(first + block, reps)):
                start = time.perf_counter()
                step((i + warmup) % n_batches)
                record.append(time.perf_counter() - start)
    return [(statistics.median(t), min(t)) for t in times]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--data", default=None)
    parser.add_argument("--no-torch", action="store_true")
    args = parser.parse_args(argv)
    theano.config.floatX = "float32"
    theano.config.device = args.device
    xs, ys, source = load_batches(args.data)
    n_batches = len(xs) // BATCH
    train, test, compile_s, weights = build_minitheano(xs, ys)
    first = float(train(0))
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
        f"numpy {np.__version__}, data: {source}, batch {BATCH}, float32, device {args.device}"
    )
    print(f"# train_model compile: {compile_s:.3f} s; first cost {first:.4f}")
    names, trains, tests = ["minitheano"], [train], [test]
    if not args.no_torch:
        try:
            peer_train, peer_test, torch = build_torch(xs, ys, weights, args.device)
            peer_first = peer_train(0)
            print(
                f"# torch {torch.__version__}, {torch.get_num_threads()} threads; first cost "
                f"{peer_first:.4f}"
            )
            names.append("pytorch eager")
            trains.append(peer_train)
            tests.append(peer_test)
        except ImportError:
            print("# PyTorch not installed (pip install torch==2.13.0): no peer")
    rows = list(
        zip(
            names,
            time_interleaved(trains, n_batches, args.reps),
            time_interleaved(tests, n_batches, args.reps),
        )
    )
    print(f"{'':16}{'train s/step':>14}{'(best)':>9}{'eval s/step':>13}{'(best)':>9}")
    for name, (tr, tr_min), (ev, ev_min) in rows:
        print(f"{name:16}{tr:14.4f}{tr_min:9.4f}{ev:13.4f}{ev_min:9.4f}")
    if len(rows) == 2:
        (_, (tr, _), (ev, _)), (_, (ptr, _), (pev, _)) = rows
        print(f"ratio minitheano/pytorch: train {tr / ptr:.2f}x, eval {ev / pev:.2f}x")
        print(
            f"RESULT train_ratio={tr / ptr:.3f} eval_ratio={ev / pev:.3f} train_s={tr:.4f} "
            f"eval_s={ev:.4f} torch_train_s={ptr:.4f} torch_eval_s={pev:.4f} "
            f"compile_s={compile_s:.3f}"
        )


if __name__ == "__main__":
    main()
