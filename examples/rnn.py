"""A recurrent network written with ``theano.scan``: predict a wave's next value from its past.

Each sequence is the sum of two sines whose frequencies and phases are drawn at random, plus
a little noise. The network (an LSTM, or an Elman RNN with ``--cell elman``) reads a sequence
one value at a time and predicts the next value: it must infer the frequencies from what it
has seen so far. One ``scan`` runs the cell over time; ``T.grad`` through it is
back-propagation through time (another scan). Training uses Adam, with a tqdm progress bar;
the loss curve and a test sequence with its predictions go to ``--out``/rnn.png.

    python examples/rnn.py [--cell lstm|elman] [--iterations 400] [--hidden 32]
                           [--steps 60] [--batch 32] [--out out] [--no-progress]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import minitheano as theano
import minitheano.tensor as T


def make_batch(rng, batch, steps):
    """Inputs ``(steps, batch, 1)`` and targets (the inputs one step later), float32."""
    t = np.arange(steps + 1)[:, None]
    freq = rng.uniform(0.05, 0.25, size=(2, batch))
    phase = rng.uniform(0, 2 * np.pi, size=(2, batch))
    wave = 0.5 * (np.sin(freq[0] * t + phase[0]) + np.sin(freq[1] * t + phase[1]))
    wave += rng.normal(0, 0.02, size=wave.shape)
    wave = wave.astype("float32")[:, :, None]
    return wave[:-1], wave[1:]


class RNN:
    """A one-layer LSTM or Elman RNN with a linear read-out, parameters in shared variables."""

    def __init__(self, rng, cell, n_in, n_hidden, n_out):
        gates = 4 if cell == "lstm" else 1

        def weights(*shape):
            return theano.shared(
                (rng.uniform(-1, 1, shape) / np.sqrt(shape[0])).astype("float32"), borrow=True
            )

        self.cell, self.n_hidden = cell, n_hidden
        self.W, self.U = weights(n_in, gates * n_hidden), weights(n_hidden, gates * n_hidden)
        bias = np.zeros(gates * n_hidden, dtype="float32")
        if cell == "lstm":
            bias[n_hidden : 2 * n_hidden] = 1.0  # forget gates start open
        self.b = theano.shared(bias)
        self.V, self.c = weights(n_hidden, n_out), theano.shared(np.zeros(n_out, "float32"))
        self.params = [self.W, self.U, self.b, self.V, self.c]

    def lstm_step(self, x_t, h, c):
        n = self.n_hidden
        z = T.dot(x_t, self.W) + T.dot(h, self.U) + self.b
        i, f = T.nnet.sigmoid(z[:, :n]), T.nnet.sigmoid(z[:, n : 2 * n])
        g, o = T.tanh(z[:, 2 * n : 3 * n]), T.nnet.sigmoid(z[:, 3 * n :])
        c = f * c + i * g
        return o * T.tanh(c), c

    def elman_step(self, x_t, h):
        return T.tanh(T.dot(x_t, self.W) + T.dot(h, self.U) + self.b)

    def __call__(self, x):
        """Predictions ``(steps, batch, n_out)`` for inputs ``x`` ``(steps, batch, n_in)``."""
        h0 = T.zeros((x.shape[1], self.n_hidden), dtype="float32")
        if self.cell == "lstm":
            (h, _), _ = theano.scan(self.lstm_step, sequences=x, outputs_info=[h0, h0])
        else:
            h, _ = theano.scan(self.elman_step, sequences=x, outputs_info=h0)
        return T.tensordot(h, self.V, axes=1) + self.c


def adam(params, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Adam's updates, its moments in shared variables."""
    t = theano.shared(np.float32(0))
    t_new = t + 1
    scale = lr * T.sqrt(1 - b2**t_new) / (1 - b1**t_new)
    updates = [(t, t_new)]
    for p, g in zip(params, grads):
        m = theano.shared(np.zeros_like(p.get_value()))
        v = theano.shared(np.zeros_like(p.get_value()))
        m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g**2
        updates += [(m, m_new), (v, v_new), (p, p - scale * m_new / (T.sqrt(v_new) + eps))]
    return [(var, T.cast(value, var.dtype)) for var, value in updates]


def train(cell="lstm", iterations=400, hidden=32, steps=60, batch=32, progress=True, seed=1):
    """Train; return the per-iteration losses, a test batch, its predictions and timings."""
    rng = np.random.RandomState(seed)
    x, y = T.tensor3("x", dtype="float32"), T.tensor3("y", dtype="float32")
    model = RNN(rng, cell, 1, hidden, 1)
    prediction = model(x)
    loss = T.mean((prediction - y) ** 2)
    start = time.perf_counter()
    step = theano.function([x, y], loss, updates=adam(model.params, T.grad(loss, model.params)))
    predict = theano.function([x], prediction)
    compile_s = time.perf_counter() - start
    bar = _progress(iterations, progress)
    losses = []
    start = time.perf_counter()
    for _ in range(iterations):
        losses.append(float(step(*make_batch(rng, batch, steps))))
        if bar is not None:
            bar.set_postfix(loss=f"{losses[-1]:.4f}")
            bar.update()
    if bar is not None:
        bar.close()
    train_s = time.perf_counter() - start
    test_x, test_y = make_batch(np.random.RandomState(seed + 1), 4, steps)
    return losses, test_x, test_y, predict(test_x), compile_s, train_s


def _progress(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="batch", leave=False, file=sys.stderr)


def plot(losses, test_x, test_y, predicted, path, cell):
    """The loss curve and one test sequence with the one-step predictions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.semilogy(losses, lw=1)
    left.set(title=f"{cell.upper()} training loss (MSE)", xlabel="iteration", ylabel="loss")
    steps = np.arange(1, len(test_y) + 1)
    right.plot(steps, test_y[:, 0, 0], label="next value (target)", lw=2, color="0.6")
    right.plot(steps, predicted[:, 0, 0], label="prediction", lw=1.2, color="C3")
    right.set(title="a test sequence, one step ahead", xlabel="time step")
    right.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", choices=("lstm", "elman"), default="lstm")
    parser.add_argument("--iterations", type=int, default=400)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--out", default="out")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    theano.config.floatX = "float32"
    losses, test_x, test_y, predicted, compile_s, train_s = train(
        args.cell, args.iterations, args.hidden, args.steps, args.batch, not args.no_progress
    )
    test_mse = float(np.mean((predicted - test_y) ** 2))
    print(
        f"{args.cell}: loss {losses[0]:.4f} -> {np.mean(losses[-20:]):.4f} in "
        f"{args.iterations} iterations ({train_s:.1f} s; compiled in {compile_s:.2f} s); "
        f"test MSE {test_mse:.4f}"
    )
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "rnn.png")
    plot(losses, test_x, test_y, predicted, path, args.cell)
    print(f"saved {path}")
    return losses, test_mse


if __name__ == "__main__":
    main()
