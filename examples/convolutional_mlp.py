"""The deeplearning.net tutorial's LeNet (``convolutional_mlp.py``) on minitheano.

Exactly the tutorial's model: two ``LeNetConvPoolLayer`` (5x5 convolutions with 20 and 50
kernels, 2x2 max-pooling, tanh), a 500-unit tanh ``HiddenLayer`` and ``LogisticRegression``;
initialisation from ``RandomState(23455)``; SGD with learning rate 0.1 and batch 500; early
stopping (patience 10000, increase 2, threshold 0.995); float32 like the tutorial's published
run (0.92 % test error).

    python examples/convolutional_mlp.py [--data DIR] [--epochs 200] [--nkerns 20 50]
                                         [--batch-size 500] [--out out] [--plot [lenet.png]]
                                         [--no-progress]

Outputs (the plot) go to ``--out`` (default ``out/``). Messages go through ``tqdm.write`` while
the progress bar runs, so the bar stays on its line. Without MNIST on the machine the loader
downloads the tutorial's ``mnist.pkl.gz`` once (``minitheano.datasets``).

``--distributed`` trains data-parallel over the processes ``mpiexec`` starts, each taking its
share of every minibatch (``mpiexec -n 2 python examples/convolutional_mlp.py --distributed``;
docs/distributed.md); rank 0 prints and plots.
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit

import numpy

import minitheano as theano
import minitheano.distributed as dist
import minitheano.tensor as T
from minitheano.tensor.nnet import conv2d
from minitheano.tensor.signal import pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from logistic_sgd import LogisticRegression, load_data  # noqa: E402
from mlp import HiddenLayer  # noqa: E402


class LeNetConvPoolLayer:
    """Convolution, 2x2 max-pooling, bias and tanh."""

    def __init__(self, rng, input, filter_shape, image_shape, poolsize=(2, 2)):
        assert image_shape[1] == filter_shape[1]
        self.input = input
        # each hidden unit sees num input feature maps * filter height * filter width inputs
        fan_in = numpy.prod(filter_shape[1:])
        # each lower unit gets gradients from num output maps * filter area / pooling size
        fan_out = filter_shape[0] * numpy.prod(filter_shape[2:]) // numpy.prod(poolsize)
        W_bound = numpy.sqrt(6.0 / (fan_in + fan_out))
        self.W = theano.shared(
            numpy.asarray(
                rng.uniform(low=-W_bound, high=W_bound, size=filter_shape),
                dtype=theano.config.floatX,
            ),
            borrow=True,
        )
        b_values = numpy.zeros((filter_shape[0],), dtype=theano.config.floatX)
        self.b = theano.shared(value=b_values, borrow=True)
        conv_out = conv2d(
            input=input, filters=self.W, filter_shape=filter_shape, input_shape=image_shape
        )
        pooled_out = pool.pool_2d(input=conv_out, ws=poolsize, ignore_border=True)
        self.output = T.tanh(pooled_out + self.b.dimshuffle("x", 0, "x", "x"))
        self.params = [self.W, self.b]
        self.input = input


def build_lenet(rng, x, y, batch_size, nkerns):
    """The tutorial's four layers on the symbolic minibatch ``x``; returns (layers, cost)."""
    layer0_input = x.reshape((batch_size, 1, 28, 28))
    layer0 = LeNetConvPoolLayer(
        rng,
        input=layer0_input,
        image_shape=(batch_size, 1, 28, 28),
        filter_shape=(nkerns[0], 1, 5, 5),
        poolsize=(2, 2),
    )
    layer1 = LeNetConvPoolLayer(
        rng,
        input=layer0.output,
        image_shape=(batch_size, nkerns[0], 12, 12),
        filter_shape=(nkerns[1], nkerns[0], 5, 5),
        poolsize=(2, 2),
    )
    layer2_input = layer1.output.flatten(2)
    layer2 = HiddenLayer(
        rng, input=layer2_input, n_in=nkerns[1] * 4 * 4, n_out=500, activation=T.tanh
    )
    layer3 = LogisticRegression(input=layer2.output, n_in=500, n_out=10)
    cost = layer3.negative_log_likelihood(y)
    return (layer0, layer1, layer2, layer3), cost


def log(message):
    """Print ``message`` above the progress bar (tqdm.write), or plainly without tqdm."""
    try:
        from tqdm import tqdm
    except ImportError:
        print(message)
        return
    tqdm.write(message, file=sys.stdout)


def _progress(total, enabled):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="batch", leave=False, file=sys.stderr)


def evaluate_lenet5(
    learning_rate=0.1,
    n_epochs=200,
    dataset="mnist.pkl.gz",
    nkerns=[20, 50],
    batch_size=500,
    progress=False,
    history=None,
    distributed=False,
):
    """Train the tutorial LeNet; return (best validation error, best iteration, test error).

    ``distributed``: each rank of ``minitheano.distributed`` takes its share of every minibatch
    of ``batch_size`` and the gradients are averaged over the ranks (call ``dist.init()`` first).
    """
    rng = numpy.random.RandomState(23455)
    datasets = load_data(dataset)
    train_set_x, train_set_y = datasets[0]
    valid_set_x, valid_set_y = datasets[1]
    test_set_x, test_set_y = datasets[2]

    n_train_batches = train_set_x.get_value(borrow=True).shape[0]
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0]
    n_test_batches = test_set_x.get_value(borrow=True).shape[0]
    n_train_batches //= batch_size
    n_valid_batches //= batch_size
    n_test_batches //= batch_size

    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")

    def minibatch(data):
        if distributed:  # this rank's share of global minibatch `index`
            return dist.minibatch(data, index, batch_size)
        return data[index * batch_size : (index + 1) * batch_size]

    print("... building the model")
    local_batch_size = dist.local_batch_size(batch_size) if distributed else batch_size
    (layer0, layer1, layer2, layer3), cost = build_lenet(rng, x, y, local_batch_size, nkerns)
    errors = layer3.errors(y)
    if distributed:  # every rank reports the errors and cost of the whole minibatch
        errors, cost = dist.allreduce(errors, op="mean"), dist.allreduce(cost, op="mean")
    test_model = theano.function(
        [index],
        errors,
        givens={x: minibatch(test_set_x), y: minibatch(test_set_y)},
    )
    validate_model = theano.function(
        [index],
        errors,
        givens={x: minibatch(valid_set_x), y: minibatch(valid_set_y)},
    )
    params = layer3.params + layer2.params + layer1.params + layer0.params
    grads = T.grad(cost, params)
    if distributed:  # the same initial weights everywhere, the gradients averaged over ranks
        dist.broadcast(params)
        grads = dist.allreduce(grads, op="mean")
    updates = [
        (param_i, param_i - learning_rate * grad_i) for param_i, grad_i in zip(params, grads)
    ]
    train_model = theano.function(
        [index],
        cost,
        updates=updates,
        givens={x: minibatch(train_set_x), y: minibatch(train_set_y)},
    )

    print("... training")
    patience = 10000  # look at this many examples regardless
    patience_increase = 2  # wait this much longer when a new best is found
    improvement_threshold = 0.995  # a relative improvement of this much is significant
    validation_frequency = min(n_train_batches, patience // 2)
    best_validation_loss = numpy.inf
    best_iter = 0
    test_score = 0.0
    start_time = timeit.default_timer()

    epoch = 0
    done_looping = False
    bar = _progress(n_epochs * n_train_batches, progress)
    while (epoch < n_epochs) and (not done_looping):
        epoch = epoch + 1
        for minibatch_index in range(n_train_batches):
            iter = (epoch - 1) * n_train_batches + minibatch_index
            if iter % 100 == 0:
                log(f"training @ iter =  {iter}")
            cost_ij = train_model(minibatch_index)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(epoch=epoch, cost=f"{float(cost_ij):.4f}")
            if (iter + 1) % validation_frequency == 0:
                validation_losses = [validate_model(i) for i in range(n_valid_batches)]
                this_validation_loss = numpy.mean(validation_losses)
                log(
                    "epoch %i, minibatch %i/%i, validation error %f %%"
                    % (epoch, minibatch_index + 1, n_train_batches, this_validation_loss * 100.0)
                )
                if history is not None:
                    history.append((epoch, iter + 1, float(this_validation_loss)))
                if this_validation_loss < best_validation_loss:
                    if this_validation_loss < best_validation_loss * improvement_threshold:
                        patience = max(patience, iter * patience_increase)
                    best_validation_loss = this_validation_loss
                    best_iter = iter
                    test_losses = [test_model(i) for i in range(n_test_batches)]
                    test_score = numpy.mean(test_losses)
                    log(
                        ("     epoch %i, minibatch %i/%i, test error of best model %f %%")
                        % (epoch, minibatch_index + 1, n_train_batches, test_score * 100.0)
                    )
            if patience <= iter:
                done_looping = True
                break
    if bar is not None:
        bar.close()
    end_time = timeit.default_timer()
    print("Optimization complete.")
    print(
        "Best validation score of %f %% obtained at iteration %i, with test performance %f %%"
        % (best_validation_loss * 100.0, best_iter + 1, test_score * 100.0)
    )
    print(
        (
            "The code for file "
            + os.path.split(__file__)[1]
            + " ran for %.2fm" % ((end_time - start_time) / 60.0)
        ),
        file=sys.stderr,
    )
    evaluate_lenet5.layers = (layer0, layer1, layer2, layer3)
    return best_validation_loss, best_iter + 1, test_score


def save_plots(path, history, layer0):
    """Validation curve and the first layer's filters, side by side (needs matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "(matplotlib is not installed: no plot; pip install 'minitheano[examples]')",
            file=sys.stderr,
        )
        return
    filters = layer0.W.get_value()[:, 0]
    cols = 10
    rows = -(-len(filters) // cols)
    fig = plt.figure(figsize=(12, 4))
    ax = fig.add_subplot(1, 2, 1)
    if history:
        iters, errors = [h[1] for h in history], [100 * h[2] for h in history]
        ax.plot(iters, errors, marker=".")
    ax.set_xlabel("iteration")
    ax.set_ylabel("validation error (%)")
    ax.set_title("LeNet validation error")
    grid = fig.add_gridspec(rows, cols, left=0.55, right=0.98)
    for k, f in enumerate(filters):
        a = fig.add_subplot(grid[k // cols, k % cols])
        a.imshow(f, cmap="gray")
        a.axis("off")
    fig.suptitle("first-layer filters (right)")
    fig.savefig(path, dpi=100)
    print(f"saved {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=None,
        help="folder holding mnist.pkl.gz (or the IDX "
        "files), or its path; default: $MINITHEANO_DATA",
    )
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--nkerns", type=int, nargs=2, default=[20, 50])
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--floatX", default="float32", help="float32 as the tutorial's run")
    parser.add_argument("--out", default="out", help="folder for outputs (default: out)")
    parser.add_argument(
        "--plot",
        nargs="?",
        const="lenet.png",
        default=None,
        help="save the validation curve and filters as this file in --out (default lenet.png)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--distributed", action="store_true", help="data-parallel over the ranks mpiexec starts"
    )
    args = parser.parse_args(argv)
    theano.config.floatX = args.floatX
    if args.distributed and dist.init().rank != 0:  # only rank 0 prints and plots
        sys.stdout = sys.stderr = open(os.devnull, "w")  # (errors still stop every rank, loudly)
        args.plot, args.no_progress = None, True
    history = []
    try:
        evaluate_lenet5(
            args.learning_rate,
            args.epochs,
            args.data,
            args.nkerns,
            args.batch_size,
            progress=not args.no_progress,
            history=history,
            distributed=args.distributed,
        )
    except FileNotFoundError as exc:
        sys.exit(f"error: {exc}")
    if args.plot:
        os.makedirs(args.out, exist_ok=True)
        save_plots(os.path.join(args.out, args.plot), history, evaluate_lenet5.layers[0])


if __name__ == "__main__":
    main()
