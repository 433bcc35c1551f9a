"""The deeplearning.net tutorial's logistic regression on MNIST, on minitheano.

Same classes (``LogisticRegression``, ``load_data``), hyper-parameters (learning rate 0.13,
batch 600), early stopping and printout as the tutorial's ``logistic_sgd.py``; the tutorial
reports a test error of 7.489583 %.

    python examples/logistic_sgd.py [--data DIR_OR_FILE] [--epochs N] [--out out]

The best model is pickled to ``--out``/best_model.pkl (default ``out/``).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import timeit

import numpy

import minitheano as theano
import minitheano.tensor as T
from minitheano.datasets import load_mnist


class LogisticRegression:
    """Multi-class logistic regression: ``P(Y=i|x) = softmax(x W + b)_i``."""

    def __init__(self, input, n_in, n_out):
        self.W = theano.shared(
            value=numpy.zeros((n_in, n_out), dtype=theano.config.floatX), name="W", borrow=True
        )
        self.b = theano.shared(
            value=numpy.zeros((n_out,), dtype=theano.config.floatX), name="b", borrow=True
        )
        self.p_y_given_x = T.nnet.softmax(T.dot(input, self.W) + self.b)
        self.y_pred = T.argmax(self.p_y_given_x, axis=1)
        self.params = [self.W, self.b]
        self.input = input

    def negative_log_likelihood(self, y):
        """Mean negative log-likelihood of the labels ``y`` under the model."""
        return -T.mean(T.log(self.p_y_given_x)[T.arange(y.shape[0]), y])

    def errors(self, y):
        """Fraction of the minibatch that the model gets wrong."""
        if y.ndim != self.y_pred.ndim:
            raise TypeError(
                "y should have the same shape as self.y_pred",
                ("y", y.type, "y_pred", self.y_pred.type),
            )
        if y.dtype.startswith("int"):
            return T.mean(T.neq(self.y_pred, y))
        raise NotImplementedError()


def load_data(dataset):
    """The three MNIST splits as shared variables (labels as int32 views, as in the tutorial)."""
    print("... loading data")
    train_set, valid_set, test_set = load_mnist(dataset)

    def shared_dataset(data_xy, borrow=True):
        # Keep the data in shared variables so that minibatches are slices taken by givens
        # (on the GPU they stay on the device); labels are stored as floatX and cast, like the
        # tutorial does.
        data_x, data_y = data_xy
        shared_x = theano.shared(numpy.asarray(data_x, dtype=theano.config.floatX), borrow=borrow)
        shared_y = theano.shared(numpy.asarray(data_y, dtype=theano.config.floatX), borrow=borrow)
        return shared_x, T.cast(shared_y, "int32")

    test_set_x, test_set_y = shared_dataset(test_set)
    valid_set_x, valid_set_y = shared_dataset(valid_set)
    train_set_x, train_set_y = shared_dataset(train_set)
    return [(train_set_x, train_set_y), (valid_set_x, valid_set_y), (test_set_x, test_set_y)]


def sgd_optimization_mnist(
    learning_rate=0.13,
    n_epochs=1000,
    dataset="mnist.pkl.gz",
    batch_size=600,
    model_file="best_model.pkl",
):
    """Train with minibatch SGD and early stopping; return (best valid, test) errors and times."""
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
    classifier = LogisticRegression(input=x, n_in=28 * 28, n_out=10)
    cost = classifier.negative_log_likelihood(y)

    compile_start = timeit.default_timer()
    test_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: test_set_x[index * batch_size : (index + 1) * batch_size],
            y: test_set_y[index * batch_size : (index + 1) * batch_size],
        },
    )
    validate_model = theano.function(
        inputs=[index],
        outputs=classifier.errors(y),
        givens={
            x: valid_set_x[index * batch_size : (index + 1) * batch_size],
            y: valid_set_y[index * batch_size : (index + 1) * batch_size],
        },
    )
    g_W = T.grad(cost=cost, wrt=classifier.W)
    g_b = T.grad(cost=cost, wrt=classifier.b)
    updates = [
        (classifier.W, classifier.W - learning_rate * g_W),
        (classifier.b, classifier.b - learning_rate * g_b),
    ]
    train_start = timeit.default_timer()
    train_model = theano.function(
        inputs=[index],
        outputs=cost,
        updates=updates,
        givens={
            x: train_set_x[index * batch_size : (index + 1) * batch_size],
            y: train_set_y[index * batch_size : (index + 1) * batch_size],
        },
    )
    train_compile = timeit.default_timer() - train_start
    compile_time = timeit.default_timer() - compile_start
    print(f"... compiled in {compile_time:.3f}s (train_model {train_compile:.3f}s)")

    print("... training the model")
    patience = 5000  # look at this many examples regardless
    patience_increase = 2  # wait this much longer when a new best is found
    improvement_threshold = 0.995  # a relative improvement of this much is significant
    validation_frequency = min(n_train_batches, patience // 2)
    best_validation_loss = numpy.inf
    test_score = 0.0
    start_time = timeit.default_timer()

    done_looping = False
    epoch = 0
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
                    test_losses = [test_model(i) for i in range(n_test_batches)]
                    test_score = numpy.mean(test_losses)
                    print(
                        ("     epoch %i, minibatch %i/%i, test error of best model %f %%")
                        % (epoch, minibatch_index + 1, n_train_batches, test_score * 100.0)
                    )
                    if model_file:
                        with open(model_file, "wb") as f:
                            pickle.dump(classifier, f)
            if patience <= iter:
                done_looping = True
                break

    end_time = timeit.default_timer()
    print(
        ("Optimization complete with best validation score of %f %%, with test performance %f %%")
        % (best_validation_loss * 100.0, test_score * 100.0)
    )
    print(
        "The code run for %d epochs, with %f epochs/sec"
        % (epoch, 1.0 * epoch / (end_time - start_time))
    )
    print(
        "The code for file "
        + os.path.split(__file__)[1]
        + " ran for %.1fs" % (end_time - start_time),
        file=sys.stderr,
    )
    return best_validation_loss, test_score, end_time - start_time, train_compile


def predict(model_file="best_model.pkl", dataset="mnist.pkl.gz"):
    """Load the saved model and predict the first ten test digits."""
    with open(model_file, "rb") as f:
        classifier = pickle.load(f)
    predict_model = theano.function(inputs=[classifier.input], outputs=classifier.y_pred)
    test_set_x, _ = load_data(dataset)[2]
    predicted_values = predict_model(test_set_x.get_value()[:10])
    print("Predicted values for the first 10 examples in test set:")
    print(predicted_values)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        default=None,
        help="folder holding mnist.pkl.gz, or its path (default: $MINITHEANO_DATA)",
    )
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=600)
    parser.add_argument("--learning-rate", type=float, default=0.13)
    parser.add_argument("--out", default="out", help="folder for outputs (default: out)")
    parser.add_argument("--model-file", default="best_model.pkl", help="file name in --out")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    sgd_optimization_mnist(
        args.learning_rate,
        args.epochs,
        args.data,
        args.batch_size,
        os.path.join(args.out, args.model_file),
    )


if __name__ == "__main__":
    main()
