"""A small layer library written the way Lasagne is, on minitheano, and a CNN trained with it on
MNIST.

Each layer holds its incoming layer and its parameters (shared variables tagged
``trainable`` / ``regularizable``) and says what it computes in ``get_output_for(input,
**kwargs)`` and ``get_output_shape_for(input_shape)``; ``get_output(layer, deterministic=...)``
walks the network from its input and ``get_all_params(layer, trainable=True)`` gathers what to
train. The layers are built from minitheano's Theano APIs: ``T.nnet.conv2d`` (output shapes from
``abstract_conv.get_conv_output_shape``), ``pool.pool_2d``, ``T.nnet.bn.batch_normalization_train``
/ ``_test`` (the training output also gives the running averages' new values, which the
training function's updates include), dropout masks from ``MRG_RandomStreams`` (a default
update advances their generator at every call) and ``T.nnet.relu``.

The network: conv 5x5 (16) - batch norm - relu - max-pool 2 - conv 3x3 (32) - batch norm - relu
- max-pool 2 - dropout - dense 128 relu - dropout - dense 10 softmax, trained with Adam.

    python examples/lasagne_style.py [--data DIR_OR_FILE] [--epochs 1] [--batch-size 100]

(float32; one epoch takes about 30 s on two cores and reaches about 2.5 % validation error.)
"""

from __future__ import annotations

import argparse
import math
import time
from collections import OrderedDict

import numpy as np

import minitheano as theano
import minitheano.tensor as T
from minitheano.sandbox.rng_mrg import MRG_RandomStreams
from minitheano.tensor.nnet import abstract_conv, bn
from minitheano.tensor.signal import pool

_srng = MRG_RandomStreams(seed=1234)


def glorot_uniform(rng, shape, gain=1.0):
    """Glorot & Bengio's uniform initialisation (receptive fields count for conv filters)."""
    field = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    fan_in, fan_out = (shape[1] * field, shape[0] * field) if len(shape) > 2 else shape
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=shape)


class Layer:
    """A layer: its incoming layer (or an input shape), its parameters, what it computes."""

    def __init__(self, incoming, name=None):
        if isinstance(incoming, tuple):
            self.input_layer, self.input_shape = None, incoming
        else:
            self.input_layer, self.input_shape = incoming, incoming.output_shape
        self.name = name
        self.params = OrderedDict()  # shared variable -> set of tags
        self.updates = []  # (shared variable, new value) pairs the last training output needs

    @property
    def output_shape(self):
        return self.get_output_shape_for(self.input_shape)

    def get_output_shape_for(self, input_shape):
        return input_shape

    def get_output_for(self, input, **kwargs):
        raise NotImplementedError(type(self).__name__)

    def add_param(self, value, name, trainable=True, regularizable=True):
        """A shared variable of ``value`` (floatX), registered with its tags."""
        var = theano.shared(np.asarray(value, dtype=theano.config.floatX), name=name)
        tags = {"trainable"} if trainable else set()
        self.params[var] = tags | ({"regularizable"} if regularizable else set())
        return var

    def get_params(self, **tags):
        """The parameters carrying every tag given True and none given False."""
        return [
            p
            for p, have in self.params.items()
            if all((tag in have) == wanted for tag, wanted in tags.items())
        ]


class InputLayer(Layer):
    """Where the network starts: ``input_var`` (a new tensor if None) of ``shape`` (None for
    sizes known only at run time)."""

    def __init__(self, shape, input_var=None, name=None):
        super().__init__(tuple(shape), name)
        if input_var is None:
            input_var = T.TensorType(theano.config.floatX, (False,) * len(shape))()
        self.input_var = input_var


class DenseLayer(Layer):
    """``nonlinearity(dot(flatten(input), W) + b)``."""

    def __init__(self, incoming, num_units, rng, nonlinearity=T.nnet.relu, name=None):
        super().__init__(incoming, name)
        num_inputs = int(np.prod(self.input_shape[1:]))
        self.num_units, self.nonlinearity = num_units, nonlinearity
        self.W = self.add_param(glorot_uniform(rng, (num_inputs, num_units)), "W")
        self.b = self.add_param(np.zeros(num_units), "b", regularizable=False)

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.num_units)

    def get_output_for(self, input, **kwargs):
        if input.ndim > 2:
            input = input.flatten(2)
        return self.nonlinearity(T.dot(input, self.W) + self.b)


class Conv2DLayer(Layer):
    """``nonlinearity(conv2d(input, W) + b)``; ``pad`` is an int, ``'same'``, ``'valid'`` or
    ``'full'``; ``b=False`` leaves the bias out (before batch normalization)."""

    def __init__(self, incoming, num_filters, filter_size, rng, stride=1, pad=0, b=True,
                 nonlinearity=T.nnet.relu, name=None):  # fmt: skip
        super().__init__(incoming, name)
        self.filter_shape = (num_filters, self.input_shape[1], filter_size, filter_size)
        self.stride = (stride, stride)
        self.border_mode = "half" if pad == "same" else pad
        self.nonlinearity = nonlinearity
        self.W = self.add_param(glorot_uniform(rng, self.filter_shape, math.sqrt(2)), "W")
        self.b = self.add_param(np.zeros(num_filters), "b", regularizable=False) if b else None

    def get_output_shape_for(self, input_shape):
        return abstract_conv.get_conv_output_shape(
            input_shape, self.filter_shape, self.border_mode, self.stride
        )

    def get_output_for(self, input, **kwargs):
        out = T.nnet.conv2d(
            input,
            self.W,
            input_shape=self.input_shape,
            filter_shape=self.filter_shape,
            border_mode=self.border_mode,
            subsample=self.stride,
        )
        if self.b is not None:
            out = out + self.b.dimshuffle("x", 0, "x", "x")
        return self.nonlinearity(out)


class MaxPool2DLayer(Layer):
    """Max-pooling of the last two axes over ``pool_size`` windows (borders ignored)."""

    def __init__(self, incoming, pool_size, name=None):
        super().__init__(incoming, name)
        self.pool_size = (pool_size, pool_size)

    def get_output_shape_for(self, input_shape):
        rows, cols = (
            None if s is None else s // p for s, p in zip(input_shape[2:], self.pool_size)
        )
        return tuple(input_shape[:2]) + (rows, cols)

    def get_output_for(self, input, **kwargs):
        return pool.pool_2d(input, ws=self.pool_size, ignore_border=True, mode="max")


class BatchNormLayer(Layer):
    """Batch normalization over the batch and spatial axes (Ioffe & Szegedy, 2015).

    Training outputs use the minibatch's statistics and give the running averages' new values
    (``get_updates``); ``deterministic=True`` uses the running averages.
    """

    def __init__(self, incoming, epsilon=1e-4, alpha=0.1, name=None):
        super().__init__(incoming, name)
        self.axes = (0,) + tuple(range(2, len(self.input_shape)))
        self.epsilon, self.alpha = epsilon, alpha
        n = self.input_shape[1]
        self.beta = self.add_param(np.zeros(n), "beta", regularizable=False)
        self.gamma = self.add_param(np.ones(n), "gamma")
        self.mean = self.add_param(np.zeros(n), "mean", trainable=False, regularizable=False)
        self.var = self.add_param(np.ones(n), "var", trainable=False, regularizable=False)

    def get_output_for(self, input, deterministic=False, **kwargs):
        if deterministic:
            return bn.batch_normalization_test(
                input, self.gamma, self.beta, self.mean, self.var, self.axes, self.epsilon
            )
        out, _, _, new_mean, new_var = bn.batch_normalization_train(
            input, self.gamma, self.beta, self.axes, self.epsilon, self.alpha, self.mean, self.var
        )
        self.updates = [(self.mean, new_mean), (self.var, new_var)]
        return out


class DropoutLayer(Layer):
    """Zero each unit with probability ``p`` and scale the others by ``1 / (1 - p)`` (identity
    when ``deterministic``)."""

    def __init__(self, incoming, p=0.5, name=None):
        super().__init__(incoming, name)
        self.p = p

    def get_output_for(self, input, deterministic=False, **kwargs):
        if deterministic or self.p == 0:
            return input
        keep = 1 - self.p
        mask = _srng.binomial(size=input.shape, p=keep, dtype=input.dtype)
        return input * mask / np.asarray(keep, dtype=input.dtype)


class NonlinearityLayer(Layer):
    """``nonlinearity(input)``."""

    def __init__(self, incoming, nonlinearity=T.nnet.relu, name=None):
        super().__init__(incoming, name)
        self.nonlinearity = nonlinearity

    def get_output_for(self, input, **kwargs):
        return self.nonlinearity(input)


def get_all_layers(layer):
    """The layers from the input to ``layer``, in order."""
    layers = [layer]
    while layers[0].input_layer is not None:
        layers.insert(0, layers[0].input_layer)
    return layers


def get_output(layer, inputs=None, **kwargs):
    """The symbolic output of ``layer`` for ``inputs`` (default: the input layer's variable);
    ``kwargs`` (``deterministic=True``) go to every ``get_output_for``."""
    layers = get_all_layers(layer)
    out = layers[0].input_var if inputs is None else inputs
    for each in layers[1:]:
        out = each.get_output_for(out, **kwargs)
    return out


def get_updates(layer):
    """The layers' own updates for the last training output built (running averages)."""
    return [pair for each in get_all_layers(layer) for pair in each.updates]


def get_all_params(layer, **tags):
    return [p for each in get_all_layers(layer) for p in each.get_params(**tags)]


def adam(loss, params, learning_rate=1e-3, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam's updates (Kingma & Ba, 2015) as an ``OrderedDict`` for ``theano.function``."""
    floatX = theano.config.floatX
    t = theano.shared(np.asarray(0, dtype=floatX), name="t")
    t_new = t + 1
    step = learning_rate * T.sqrt(1 - beta2**t_new) / (1 - beta1**t_new)
    updates = OrderedDict()
    for param, grad in zip(params, T.grad(loss, params)):
        value = param.get_value(borrow=True)
        m = theano.shared(np.zeros(value.shape, dtype=value.dtype))
        v = theano.shared(np.zeros(value.shape, dtype=value.dtype))
        m_new = beta1 * m + (1 - beta1) * grad
        v_new = beta2 * v + (1 - beta2) * grad**2
        updates[m], updates[v] = m_new, v_new
        updates[param] = param - T.cast(step, value.dtype) * m_new / (T.sqrt(v_new) + epsilon)
    updates[t] = t_new
    return updates


def build_cnn(input_shape=(None, 1, 28, 28), filters=(16, 32), hidden=128, n_classes=10, seed=0):
    """The network of the module docstring; returns its output layer."""
    rng = np.random.RandomState(seed)
    net = InputLayer(input_shape)
    for n, size in zip(filters, (5, 3)):
        net = Conv2DLayer(net, n, size, rng, b=False, nonlinearity=lambda x: x)
        net = NonlinearityLayer(BatchNormLayer(net))
        net = MaxPool2DLayer(net, 2)
    net = DenseLayer(DropoutLayer(net, 0.5), hidden, rng)
    return DenseLayer(DropoutLayer(net, 0.5), n_classes, rng, nonlinearity=T.nnet.softmax)


def compile_functions(network, learning_rate=1e-3):
    """``train(x, y) -> loss`` (Adam step, running averages advanced) and ``error(x, y)``."""
    input_var, target = get_all_layers(network)[0].input_var, T.ivector("y")
    loss = T.nnet.categorical_crossentropy(get_output(network), target).mean()
    updates = adam(loss, get_all_params(network, trainable=True), learning_rate)
    updates.update(get_updates(network))
    train = theano.function([input_var, target], loss, updates=updates)
    prediction = T.argmax(get_output(network, deterministic=True), axis=1)
    error = theano.function([input_var, target], T.mean(T.neq(prediction, target)))
    return train, error


def run(data, epochs=1, batch_size=100, network=None, learning_rate=1e-3, log=print):
    """Train on ``data`` (``((train_x, train_y), (valid_x, valid_y), (test_x, test_y))``,
    images flattened or not) and return the per-epoch history."""
    network = network or build_cnn()
    shape = network_input_shape(network)
    (tx, ty), (vx, vy), (sx, sy) = [
        (np.asarray(x, theano.config.floatX).reshape((-1,) + shape), np.asarray(y, "int32"))
        for x, y in data
    ]
    train, error = compile_functions(network, learning_rate)

    def mean_error(x, y):
        sizes = range(0, len(x), 500)
        return sum(
            error(x[i : i + 500], y[i : i + 500]) * len(x[i : i + 500]) for i in sizes
        ) / len(x)

    history = []
    for epoch in range(1, epochs + 1):
        start, order = time.perf_counter(), np.random.RandomState(epoch).permutation(len(tx))
        losses = [
            float(train(tx[order[i : i + batch_size]], ty[order[i : i + batch_size]]))
            for i in range(0, len(tx) - batch_size + 1, batch_size)
        ]
        seconds = time.perf_counter() - start
        record = dict(epoch=epoch, first_loss=losses[0], loss=float(np.mean(losses[-50:])),
                      valid_error=mean_error(vx, vy), test_error=mean_error(sx, sy),
                      seconds=seconds)  # fmt: skip
        log(
            "epoch {epoch}: training loss {loss:.4f} (first minibatch {first_loss:.4f}), "
            "validation error {valid_error:.2%}, test error {test_error:.2%}, "
            "{seconds:.1f} s".format(**record)
        )
        history.append(record)
    return history


def network_input_shape(network):
    return tuple(get_all_layers(network)[0].input_shape[1:])


def main(argv=None):
    from minitheano.datasets import load_mnist

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder or file of MNIST (else downloaded)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args(argv)
    with theano.config.change_flags(floatX="float32"):
        return run(load_mnist(args.data), args.epochs, args.batch_size)


if __name__ == "__main__":
    main()
