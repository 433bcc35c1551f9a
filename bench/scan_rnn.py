"""Benchmark: an Elman RNN and an LSTM written with ``scan``, against PyTorch eager, same run.

Both sides compute, for a (steps, batch, hidden) float32 input, the recurrence of the cell
(``tanh(x W + h U + b)``, or the LSTM's four gates), a loss (the mean square of all hidden
states) and its gradient with respect to every parameter: forward + backward through time.
PyTorch runs a Python loop over ``torch.nn.RNNCell`` / ``torch.nn.LSTMCell``; minitheano runs
one compiled function (one ``Scan`` forward, one ``Scan`` backward). Calls alternate between
the two sides so that machine noise hits both alike. Prints the median time per call, the
ratio minitheano / PyTorch, the compile time of the training function (gradients and SGD
updates) and the per-step overhead of ``Scan`` (a loop whose body is one scalar addition).

    python bench/scan_rnn.py [--steps 100] [--batch 16] [--hidden 128] [--reps 10]
                             [--single-thread]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import minitheano as theano
import minitheano.tensor as T


def _params(rng, hidden, gates):
    scale = 1.0 / np.sqrt(hidden)
    return {
        "W": rng.uniform(-scale, scale, (hidden, gates * hidden)).astype("float32"),
        "U": rng.uniform(-scale, scale, (hidden, gates * hidden)).astype("float32"),
        "b": np.zeros(gates * hidden, dtype="float32"),
    }


def _elman_step(x_t, h, W, U, b):
    return T.tanh(T.dot(x_t, W) + T.dot(h, U) + b)


def _lstm_step(x_t, h, c, W, U, b):
    n = h.shape[1]
    z = T.dot(x_t, W) + T.dot(h, U) + b
    i, f = T.nnet.sigmoid(z[:, :n]), T.nnet.sigmoid(z[:, n : 2 * n])
    g, o = T.tanh(z[:, 2 * n : 3 * n]), T.nnet.sigmoid(z[:, 3 * n :])
    c_new = f * c + i * g
    return o * T.tanh(c_new), c_new


def build(kind, values, batch, hidden):
    """The gradient function, the SGD training function and its compile time."""
    params = {k: theano.shared(v, name=k) for k, v in values.items()}
    x = T.tensor3("x")
    h0 = T.zeros((batch, hidden), dtype="float32")
    W, U, b = params["W"], params["U"], params["b"]
    if kind == "elman":
        h, _ = theano.scan(_elman_step, sequences=x, outputs_info=h0, non_sequences=[W, U, b])
    else:
        (h, _c), _ = theano.scan(
            _lstm_step, sequences=x, outputs_info=[h0, h0], non_sequences=[W, U, b]
        )
    loss = T.mean(h**2)
    grads = theano.grad(loss, [W, U, b])
    f_grad = theano.function([x], [loss] + grads)
    start = time.perf_counter()
    lr = np.float32(0.1)
    train = theano.function([x], loss, updates=[(p, p - lr * g) for p, g in zip([W, U, b], grads)])
    str(train.program)  # the loops' bodies compile on first use: count them in
    return f_grad, time.perf_counter() - start


def torch_side(kind, values, hidden):
    import torch

    cell_type = torch.nn.RNNCell if kind == "elman" else torch.nn.LSTMCell
    cell = cell_type(hidden, hidden)
    with torch.no_grad():  # the same weights (PyTorch keeps them transposed, biases split)
        cell.weight_ih.copy_(torch.from_numpy(values["W"].T.copy()))
        cell.weight_hh.copy_(torch.from_numpy(values["U"].T.copy()))
        cell.bias_ih.copy_(torch.from_numpy(values["b"]))
        cell.bias_hh.zero_()

    def run(xv):
        x = torch.from_numpy(xv)
        h = torch.zeros(x.shape[1], hidden)
        state = h if kind == "elman" else (h, torch.zeros_like(h))
        hs = []
        for t in range(x.shape[0]):
            state = cell(x[t], state)
            hs.append(state if kind == "elman" else state[0])
        loss = torch.stack(hs).pow(2).mean()
        cell.zero_grad()
        loss.backward()
        return float(loss.detach())

    return run


def step_overhead(n=20000) -> float:
    """Microseconds per step of a scan whose body is one scalar addition, minus the addition."""
    count = T.lscalar("n")
    out, _ = theano.scan(lambda a: a + 1.0, outputs_info=T.constant(np.float64(0)), n_steps=count)
    f = theano.function([count], out[-1])
    f(10)
    start = time.perf_counter()
    f(n)
    per_step = (time.perf_counter() - start) / n
    a = np.float64(0)
    start = time.perf_counter()
    for _ in range(n):
        np.add(a, 1.0)
    return (per_step - (time.perf_counter() - start) / n) * 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument(
        "--single-thread", action="store_true", help="one BLAS thread on both sides"
    )
    args = parser.parse_args(argv)
    if args.single_thread:
        import torch

        from minitheano.blas_threads import single_threaded

        torch.set_num_threads(1)
        with single_threaded():
            return run(args)
    return run(args)


def run(args):
    """Time both sides and print the figures."""
    theano.config.floatX = "float32"
    rng = np.random.RandomState(0)
    xv = rng.randn(args.steps, args.batch, args.hidden).astype("float32")
    print(f"# {args.steps} steps, batch {args.batch}, hidden {args.hidden}, float32")
    results = {}
    for kind, gates in (("elman", 1), ("lstm", 4)):
        values = _params(rng, args.hidden, gates)
        f_grad, compile_s = build(kind, values, args.batch, args.hidden)
        run_torch = torch_side(kind, values, args.hidden)
        ours, theirs = f_grad(xv)[0], run_torch(xv)
        assert abs(float(ours) - theirs) <= 1e-4 * max(1.0, abs(theirs)), (ours, theirs)
        times = {"minitheano": [], "torch": []}
        for _ in range(args.reps):
            for name, call in (
                ("minitheano", lambda f=f_grad: f(xv)),
                ("torch", lambda f=run_torch: f(xv)),
            ):
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
        med = {k: statistics.median(v) for k, v in times.items()}
        ratio = med["minitheano"] / med["torch"]
        results[kind] = (ratio, compile_s)
        print(
            f"{kind:6} forward+backward: minitheano {med['minitheano'] * 1e3:8.2f} ms   "
            f"torch {med['torch'] * 1e3:8.2f} ms   ratio {ratio:5.2f}   "
            f"compile (train fn) {compile_s:.2f} s"
        )
    overhead = step_overhead()
    print(f"scan per-step overhead: {overhead:.2f} us")
    print(
        "RESULT "
        + " ".join(f"{k}_ratio={r:.2f} {k}_compile_s={c:.2f}" for k, (r, c) in results.items())
        + f" step_overhead_us={overhead:.2f}"
    )


if __name__ == "__main__":
    main()
