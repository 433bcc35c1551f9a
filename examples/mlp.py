"""The deeplearning.net tutorial's multilayer perceptron on MNIST, on minitheano.

Same classes (``HiddenLayer``, ``MLP``), hyper-parameters (learning rate 0.01, L1 0.00, L2
0.0001, 500 hidden units, batch 20), early stopping and printout as the tutorial's ``mlp.py``
(which reports 1.65 % test error after 1000 epochs).

    python examples/mlp.py [--data DIR_OR_FILE] [--epochs N] [--distributed]

``--distributed``: data-parallel over the processes ``mpiexec`` starts, each taking its share of
every minibatch (``mpiexec -n 2 python examples/mlp.py --distributed``; docs/distributed.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit

import numpy
from logistic_sgd import LogisticRegression, load_data

import minitheano as theano
import minitheano.distributed as dist
import minitheano.tensor as T


class HiddenLayer:
    """A fully connected layer ``activation(input . W + b)`` with the tutorial's initialisation."""

    def __init__(self, rng, input, n_in, n_out, W=None, b=None, activation=T.tanh):
        self.input = input
        if W is None:
            W_values = numpy.asarray(
                rng.uniform(
                    low=-numpy.sqrt(6.0 / (n_in + n_out)),
                    high=numpy.sqrt(6.0 / (n_in + n_out)),
                    size=(n_in, n_out),
                ),
                dtype=theano.config.floatX,
            )
            if activation == theano.tensor.nnet.sigmoid:
                W_values *= 4
            W = theano.shared(value=W_values, name="W", borrow=True)
        if b is None:
            b_values = numpy.zeros((n_out,), dtype=theano.config.floatX)
            b = theano.shared(value=b_values, name="b", borrow=True)
        self.W = W
        self.b = b
        lin_output = T.dot(input, self.W) + self.b
        self.output = lin_output if activation is None else activation(lin_output)
        self.params = [self.W, self.b]


class MLP:
    """One tanh hidden layer followed by logistic regression."""

    def __init__(self, rng, input, n_in, n_hidden, n_out):
        self.hiddenLayer = HiddenLayer(
            rng=rng, input=input, n_in=n_in, n_out=n_hidden, activation=T.tanh
        )
        self.logRegressionLayer = LogisticRegression(
            input=self.hiddenLayer.output, n_in=n_hidden, n_out=n_out
        )
        self.L1 = abs(self.hiddenLayer.W).sum() + abs(self.logRegressionLayer.W).sum()
        self.L2_sqr = (self.hiddenLayer.W**2).sum() + (self.logRegressionLayer.W**2).sum()
        self.negative_log_likelihood = self.logRegressionLayer.negative_log_likelihood
        self.errors = self.logRegressionLayer.errors
        self.params = self.hiddenLayer.params + self.logRegressionLayer.params
        self.input = input


def test_mlp(
    learning_rate=0.01,
    L1_reg=0.00,
    L2_reg=0.0001,
    n_epochs=1000,
    dataset="mnist.pkl.gz",
    batch_size=20,
    n_hidden=500,
    distributed=False,
):
    """Train the MLP with early stopping; return (best validation error, test error).

    ``distributed``: each rank takes its share of every minibatch and the gradients are
    averaged over the ranks (call ``minitheano.distributed.init()`` first).
    """
    datasets = load_data(dataset)
    train_set_x, train_set_y = datasets[0]
    valid_set_x, valid_set_y = datasets[1]
    test_set_x, test_set_y = datasets[2]
    n_train_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    n_valid_batches = valid_set_x.get_value(borrow=True).shape[0] // batch_size
    n_test_batches = test_set_x.get_value(borrow=True).shape[0] // batch_size

    print("... building the model")
    index = T.lscalar()
    x = T.matrix("x")
    y = T.ivector("y")

    def minibatch(data):
        if distributed:  # this rank's share of global minibatch `index`
            return dist.minibatch(data, index, batch_size)
        return data[index * batch_size : (index + 1) * batch_size]

    rng = numpy.random.RandomState(1234)
    classifier = MLP(rng=rng, input=x, n_in=28 * 28, n_hidden=n_hidden, n_out=10)
    cost = (
        classifier.negative_log_likelihood(y) + L1_reg * classifier.L1 + L2_reg * classifier.L2_sqr
    )
    errors = classifier.errors(y)
    if distributed:  # every rank reports the errors of the whole minibatch
        errors = dist.allreduce(errors, op="mean")
    test_model = theano.function(
        inputs=[index],
        outputs=errors,
        givens={x: minibatch(test_set_x), y: minibatch(test_set_y)},
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=errors,
        givens={x: minibatch(valid_set_x), y: minibatch(valid_set_y)},
    )
    gparams = [T.grad(cost, param) for param in classifier.params]
    if distributed:  # the same initial weights everywhere, the gradients averaged over ranks
        dist.broadcast(classifier.params)
        gparams = dist.allreduce(gparams, op="mean")
    updates = [
        (param, param - learning_rate * gparam)
        for param, gparam in zip(classifier.params, gparams)
    ]
    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={x: minibatch(train_set_x), y: minibatch(train_set_y)},
    )

    print("... training")
    patience = 10000
    patience_increase = 2
    improvement_threshold = 0.995
    validation_frequency = min(n_train_batches, patience // 2)
    best_validation_loss = numpy.inf
    best_iter = 0
    test_score = 0.0
    start_time = timeit.default_timer()
    epoch = 0
    done_looping = False
    while (epoch < n_epochs) and (not done_looping):
        epoch = epoch + 1
        for minibatch_index in range(n_train_batches):
            train_model(minibatch_index)
            iter = (epoch - 1) * n_train_batches + minibatch_index
            if (iter + 1) % validation_frequency == 0:
                validation_losses = [validate_model(i) for i in range(n_valid_batches)]
                this_validation_loss = numpy.mean(validation_losses)
                print(
                    "epoch %i, minibatch %i/%i, validation error %f %%"
                    % (epoch, minibatch_index + 1, n_train_batches, this_validation_loss * 100.0)
                )
                if this_validation_loss < best_validation_loss:
                    if this_validation_loss < best_validation_loss * improvement_threshold:
                        patience = max(patience, iter * patience_increase)
                    best_validation_loss = this_validation_loss
                    best_iter = iter
                    test_losses = [test_model(i) for i in range(n_test_batches)]
                    test_score = numpy.mean(test_losses)
                    print(
                        ("     epoch %i, minibatch %i/%i, test error of best model %f %%")
                        % (epoch, minibatch_index + 1, n_train_batches, test_score * 100.0)
                    )
            if patience <= iter:
                done_looping = True
                break
    end_time = timeit.default_timer()
    print(
        (
            "Optimization complete. Best validation score of %f %% obtained at iteration %i, "
            "with test performance %f %%"
        )
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
    return best_validation_loss, test_score


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder holding mnist.pkl.gz, or its path")
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=500)
    parser.add_argument(
        "--distributed", action="store_true", help="data-parallel over the ranks mpiexec starts"
    )
    args = parser.parse_args(argv)
    if args.distributed and dist.init().rank != 0:  # only rank 0 prints
        sys.stdout = sys.stderr = open(os.devnull, "w")  # (errors still stop every rank, loudly)
    test_mlp(
        n_epochs=args.epochs,
        dataset=args.data,
        batch_size=args.batch_size,
        n_hidden=args.hidden,
        distributed=args.distributed,
    )


if __name__ == "__main__":
    main()
