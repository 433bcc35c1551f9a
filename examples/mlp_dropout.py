"""A multilayer perceptron with dropout on MNIST, on minitheano: masks from MRG_RandomStreams.

Two rectifier hidden layers of 500 units; during training each input pixel is dropped with
probability 0.2 and each hidden unit with probability 0.5 (Srivastava et al., 2014), by
multiplying with a ``MRG_RandomStreams.binomial`` mask. The kept units are scaled by
``1 / (1 - p)``, so the network is used as it is at test time: the validation function
builds the same layers without masks, on the same shared weights. Each call of the training
function draws new masks (the masks' generator state is a shared variable with a default
update). Trained by minibatch SGD with momentum; the validation error after each epoch is
printed and plotted to ``--out``.

    python examples/mlp_dropout.py [--data DIR_OR_FILE] [--epochs N] [--out DIR]

(``MINITHEANO_FLAGS=floatX=float32`` in front runs it in float32, several times faster; 3
epochs reach about 4.4 % validation error.)
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit

import numpy
from logistic_sgd import load_data

import minitheano as theano
import minitheano.tensor as T
from minitheano.sandbox.rng_mrg import MRG_RandomStreams

#: the repository's out/ folder (git-ignored), wherever the script is run from
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "out")


def dropout(srng, x, p_drop):
    """``x`` with each unit zeroed with probability ``p_drop`` and the others scaled by
    ``1 / (1 - p_drop)``, so that the expected value of every unit is unchanged."""
    if p_drop == 0:
        return x
    keep = 1.0 - p_drop
    mask = srng.binomial(size=x.shape, p=keep, dtype=x.dtype)
    return x * mask * numpy.asarray(1.0 / keep, dtype=x.dtype)


class DropoutMLP:
    """Rectifier layers and a softmax output over shared weights, seen twice: ``p_y_train``
    with dropout masks (for the training cost) and ``p_y`` without (for predictions)."""

    def __init__(self, rng, srng, input, n_in, hidden_sizes, n_out, p_input=0.2, p_hidden=0.5):
        floatX = theano.config.floatX
        self.params = []
        sizes = [n_in, *hidden_sizes, n_out]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = numpy.sqrt(6.0 / (fan_in + fan_out))
            W = theano.shared(
                numpy.asarray(rng.uniform(-bound, bound, (fan_in, fan_out)), dtype=floatX),
                name="W",
                borrow=True,
            )
            b = theano.shared(numpy.zeros(fan_out, dtype=floatX), name="b", borrow=True)
            self.params += [W, b]
        train_h = dropout(srng, input, p_input)
        test_h = input
        for W, b in zip(self.params[:-2:2], self.params[1:-2:2]):
            train_h = dropout(srng, T.nnet.relu(T.dot(train_h, W) + b), p_hidden)
            test_h = T.nnet.relu(T.dot(test_h, W) + b)
        W_out, b_out = self.params[-2:]
        self.p_y_train = T.nnet.softmax(T.dot(train_h, W_out) + b_out)
        self.p_y = T.nnet.softmax(T.dot(test_h, W_out) + b_out)
        self.y_pred = T.argmax(self.p_y, axis=1)

    def negative_log_likelihood(self, y):
        """The mean negative log-likelihood of the labels ``y`` under the dropout network."""
        return -T.mean(T.log(self.p_y_train)[T.arange(y.shape[0]), y])

    def errors(self, y):
        """The fraction of the minibatch the network without dropout gets wrong."""
        return T.mean(T.neq(self.y_pred, y))


def _progress(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="batch", leave=False, file=sys.stderr)


def train_dropout_mlp(
    learning_rate=0.1,
    momentum=0.9,
    n_epochs=20,
    dataset="mnist.pkl.gz",
    batch_size=100,
    hidden_sizes=(500, 500),
    p_input=0.2,
    p_hidden=0.5,
    n_train_batches=None,
    seed=1234,
    progress=True,
):
    """Train the dropout MLP; return ``{"valid": [error after each epoch], "cost": [mean
    training cost of each epoch], "test": test error of the best validation epoch}``."""
    datasets = load_data(dataset)
    train_set_x, train_set_y = datasets[0]
    valid_set_x, valid_set_y = datasets[1]
    test_set_x, test_set_y = datasets[2]
    n_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    if n_train_batches is not None:
        n_batches = min(n_batches, n_train_batches)

    print("... building the model")
    index = T.lscalar("index")
    x = T.matrix("x")
    y = T.ivector("y")
    rng = numpy.random.RandomState(seed)
    srng = MRG_RandomStreams(seed)
    model = DropoutMLP(rng, srng, x, 28 * 28, list(hidden_sizes), 10, p_input, p_hidden)
    cost = model.negative_log_likelihood(y)
    updates = []
    for param, gparam in zip(model.params, T.grad(cost, model.params)):
        velocity = theano.shared(numpy.zeros_like(param.get_value()), borrow=True)
        new_velocity = momentum * velocity - learning_rate * gparam
        updates += [(velocity, new_velocity), (param, param + new_velocity)]
    batch = slice(index * batch_size, (index + 1) * batch_size)
    train_model = theano.function(
        [index], cost, updates=updates, givens={x: train_set_x[batch], y: train_set_y[batch]}
    )
    # a whole split at a time, without masks: it draws nothing, so its calls change no state
    valid_error = theano.function([], model.errors(y), givens={x: valid_set_x, y: valid_set_y})
    test_error = theano.function([], model.errors(y), givens={x: test_set_x, y: test_set_y})

    print("... training")
    history = {"valid": [], "cost": [], "test": None}
    best = numpy.inf
    start_time = timeit.default_timer()
    bar = _progress(n_epochs * n_batches, progress)
    for epoch in range(1, n_epochs + 1):
        costs = []
        for minibatch_index in range(n_batches):
            costs.append(train_model(minibatch_index))
            if bar is not None:
                bar.update()
        history["cost"].append(float(numpy.mean(costs, dtype="float64")))
        history["valid"].append(float(valid_error()))
        print(
            "epoch %i, training cost %f, validation error %f %%"
            % (epoch, history["cost"][-1], history["valid"][-1] * 100.0)
        )
        if history["valid"][-1] < best:
            best = history["valid"][-1]
            history["test"] = float(test_error())
    if bar is not None:
        bar.close()
    print(
        "Best validation error %f %%, with test error %f %%; ran for %.2fm"
        % (best * 100.0, history["test"] * 100.0, (timeit.default_timer() - start_time) / 60.0)
    )
    return history


def plot_history(history, path):
    """The validation error (and the training cost) after each epoch, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = numpy.arange(1, len(history["valid"]) + 1)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(epochs, numpy.asarray(history["valid"]) * 100, "o-", label="validation error")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("validation error (%)")
    ax.set_title("MLP with dropout on MNIST")
    cost_ax = ax.twinx()
    cost_ax.plot(epochs, history["cost"], "s--", color="tab:orange", label="training cost")
    cost_ax.set_ylabel("training cost (with dropout)")
    lines = ax.get_lines() + cost_ax.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder holding mnist.pkl.gz, or its path")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--hidden", type=int, nargs="+", default=[500, 500])
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--batches", type=int, default=None, help="minibatches per epoch")
    parser.add_argument("--out", default=OUT, help="folder for the plot (default: out/)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    history = train_dropout_mlp(
        learning_rate=args.lr,
        n_epochs=args.epochs,
        dataset=args.data,
        batch_size=args.batch_size,
        hidden_sizes=args.hidden,
        n_train_batches=args.batches,
        progress=not args.no_progress,
    )
    os.makedirs(args.out, exist_ok=True)
    print("wrote", plot_history(history, os.path.join(args.out, "mlp_dropout_validation.png")))
    return history


if __name__ == "__main__":
    main()
