"""The deeplearning.net tutorial's denoising autoencoder (dA) on MNIST, on minitheano.

Same class (``dA``), hyper-parameters (learning rate 0.1, 500 hidden sigmoid units with tied
weights, batch 20, 15 epochs), seeds and printout as the tutorial's ``dA.py``: one dA trained
without corruption, then one with 30 % of the inputs zeroed (``RandomStreams.binomial``
masks, the same numbers as Theano's for the same seed), and the first 100 filters of each
saved as an image with ``tile_raster_images``. The tutorial prints
``Training epoch 0, cost  63.2891694201`` for the first run.

    python examples/dA.py [--data DIR_OR_FILE] [--epochs N] [--batches N] [--out DIR]

(The tutorial's figure is for float64, the default; ``MINITHEANO_FLAGS=floatX=float32`` in
front runs about five times faster and prints 63.2891690643 for that epoch, as Theano does.)
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit

import numpy

import minitheano as theano
import minitheano.tensor as T
from minitheano.tensor.shared_randomstreams import RandomStreams

#: the repository's out/ folder (git-ignored), wherever the script is run from
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "out")


class dA:
    """A denoising autoencoder with tied weights: corrupt ``x``, encode, decode, and score the
    reconstruction against the clean ``x`` by cross-entropy.

        x~ = x * binomial(1 - corruption_level)       (zero a random subset of the inputs)
        y  = sigmoid(x~ . W + b)
        z  = sigmoid(y . W^T + b')
        L  = -sum_k [x_k log z_k + (1 - x_k) log(1 - z_k)]
    """

    def __init__(
        self,
        numpy_rng,
        theano_rng=None,
        input=None,
        n_visible=784,
        n_hidden=500,
        W=None,
        bhid=None,
        bvis=None,
    ):
        self.n_visible = n_visible
        self.n_hidden = n_hidden
        if theano_rng is None:
            theano_rng = RandomStreams(numpy_rng.randint(2**30))
        if W is None:
            # uniform in +-4 sqrt(6 / (fan_in + fan_out)): the range suited to sigmoid units
            bound = 4 * numpy.sqrt(6.0 / (n_hidden + n_visible))
            initial_W = numpy.asarray(
                numpy_rng.uniform(low=-bound, high=bound, size=(n_visible, n_hidden)),
                dtype=theano.config.floatX,
            )
            W = theano.shared(value=initial_W, name="W", borrow=True)
        if bvis is None:
            bvis = theano.shared(
                value=numpy.zeros(n_visible, dtype=theano.config.floatX), borrow=True
            )
        if bhid is None:
            bhid = theano.shared(
                value=numpy.zeros(n_hidden, dtype=theano.config.floatX), name="b", borrow=True
            )
        self.W = W
        self.b = bhid  # bias of the hidden units
        self.b_prime = bvis  # bias of the visible units
        self.W_prime = self.W.T  # tied weights
        self.theano_rng = theano_rng
        # a minibatch: one example per row
        self.x = T.dmatrix(name="input") if input is None else input
        self.params = [self.W, self.b, self.b_prime]

    def get_corrupted_input(self, input, corruption_level):
        """``input`` with each entry zeroed with probability ``corruption_level``.

        The mask is drawn in floatX (binomial's default is int64, and int64 * float32 would
        be float64).
        """
        mask = self.theano_rng.binomial(
            size=input.shape, n=1, p=1 - corruption_level, dtype=theano.config.floatX
        )
        return mask * input

    def get_hidden_values(self, input):
        """The code ``sigmoid(input . W + b)``."""
        return T.nnet.sigmoid(T.dot(input, self.W) + self.b)

    def get_reconstructed_input(self, hidden):
        """The reconstruction ``sigmoid(hidden . W^T + b')``."""
        return T.nnet.sigmoid(T.dot(hidden, self.W_prime) + self.b_prime)

    def get_cost_updates(self, corruption_level, learning_rate):
        """The mean reconstruction cross-entropy of a minibatch and the SGD updates."""
        tilde_x = self.get_corrupted_input(self.x, corruption_level)
        y = self.get_hidden_values(tilde_x)
        z = self.get_reconstructed_input(y)
        L = -T.sum(self.x * T.log(z) + (1 - self.x) * T.log(1 - z), axis=1)
        cost = T.mean(L)
        gparams = T.grad(cost, self.params)
        updates = [
            (param, param - learning_rate * gparam) for param, gparam in zip(self.params, gparams)
        ]
        return cost, updates


def train_dA(
    train_set_x,
    corruption_level=0.0,
    learning_rate=0.1,
    training_epochs=15,
    batch_size=20,
    n_hidden=500,
    n_train_batches=None,
    batch_costs=None,
):
    """Train a dA as the tutorial does (seed 123 for the weights and the mask stream); print
    each epoch's mean cost and return ``(dA, [mean cost of each epoch])``.

    ``n_train_batches`` limits the minibatches of an epoch; ``batch_costs``, a list, receives
    every minibatch's cost.
    """
    n_batches = train_set_x.get_value(borrow=True).shape[0] // batch_size
    if n_train_batches is not None:
        n_batches = min(n_batches, n_train_batches)
    index = T.lscalar()
    x = T.matrix("x")
    rng = numpy.random.RandomState(123)
    theano_rng = RandomStreams(rng.randint(2**30))
    da = dA(numpy_rng=rng, theano_rng=theano_rng, input=x, n_visible=28 * 28, n_hidden=n_hidden)
    cost, updates = da.get_cost_updates(
        corruption_level=corruption_level, learning_rate=learning_rate
    )
    train_da = theano.function(
        [index],
        cost,
        updates=updates,
        givens={x: train_set_x[index * batch_size : (index + 1) * batch_size]},
    )
    epoch_costs = []
    for epoch in range(training_epochs):
        c = []
        for batch_index in range(n_batches):
            c.append(train_da(batch_index))
        if batch_costs is not None:
            batch_costs.extend(float(v) for v in c)
        epoch_costs.append(numpy.mean(c, dtype="float64"))
        print("Training epoch %d, cost " % epoch, epoch_costs[-1])
    return da, epoch_costs


def tile_raster_images(
    X, img_shape, tile_shape, tile_spacing=(0, 0), scale_rows_to_unit_interval=True
):
    """The rows of ``X`` as ``img_shape`` images laid out on a ``tile_shape`` grid: a uint8
    image (the tutorial's ``utils.tile_raster_images``, for a matrix ``X``).

    Each row is scaled to [0, 1] on its own (unless told not to), so filters of any scale
    show their pattern; tiles are ``tile_spacing`` pixels apart, on black.
    """
    img_h, img_w = img_shape
    rows, cols = tile_shape
    gap_h, gap_w = tile_spacing
    out = numpy.zeros(
        ((img_h + gap_h) * rows - gap_h, (img_w + gap_w) * cols - gap_w), dtype="uint8"
    )
    for k in range(min(rows * cols, X.shape[0])):
        tile = numpy.asarray(X[k], dtype="float64").reshape(img_shape)
        if scale_rows_to_unit_interval:
            tile = (tile - tile.min()) / (tile.max() - tile.min() + 1e-8)
        r, c = divmod(k, cols)
        top, left = r * (img_h + gap_h), c * (img_w + gap_w)
        out[top : top + img_h, left : left + img_w] = numpy.clip(tile * 255, 0, 255)
    return out


def save_filters(da, path):
    """The first 100 filters (columns of W) of ``da`` as a 10x10 grid of 28x28 images."""
    import PIL.Image

    image = PIL.Image.fromarray(
        tile_raster_images(
            X=da.W.get_value(borrow=True).T,
            img_shape=(28, 28),
            tile_shape=(10, 10),
            tile_spacing=(1, 1),
        )
    )
    image.save(path)
    return path


def test_dA(
    learning_rate=0.1,
    training_epochs=15,
    dataset="mnist.pkl.gz",
    batch_size=20,
    output_folder=None,
    n_hidden=500,
    n_train_batches=None,
):
    """The tutorial's run: a dA without corruption, then one with 30 %; the filters of each
    go to ``output_folder`` (default: out/). Returns ``{corruption level: [mean cost of each
    epoch]}``."""
    from logistic_sgd import load_data

    output_folder = OUT if output_folder is None else output_folder
    datasets = load_data(dataset)
    train_set_x, _ = datasets[0]
    os.makedirs(output_folder, exist_ok=True)
    results = {}
    for corruption_level, name in ((0.0, "no corruption"), (0.3, "30% corruption")):
        start_time = timeit.default_timer()
        da, costs = train_dA(
            train_set_x,
            corruption_level=corruption_level,
            learning_rate=learning_rate,
            training_epochs=training_epochs,
            batch_size=batch_size,
            n_hidden=n_hidden,
            n_train_batches=n_train_batches,
        )
        training_time = timeit.default_timer() - start_time
        print(
            "The %s code for file %s ran for %.2fm"
            % (name, os.path.split(__file__)[1], training_time / 60.0),
            file=sys.stderr,
        )
        image = "filters_corruption_%d.png" % round(corruption_level * 100)
        save_filters(da, os.path.join(output_folder, image))
        results[corruption_level] = costs
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder holding mnist.pkl.gz, or its path")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--batch-size", type=int, default=20)
    parser.add_argument("--hidden", type=int, default=500)
    parser.add_argument("--batches", type=int, default=None, help="minibatches per epoch")
    parser.add_argument("--out", default=OUT, help="folder for the filter images (default: out/)")
    args = parser.parse_args(argv)
    return test_dA(
        training_epochs=args.epochs,
        dataset=args.data,
        batch_size=args.batch_size,
        output_folder=args.out,
        n_hidden=args.hidden,
        n_train_batches=args.batches,
    )


if __name__ == "__main__":
    main()
