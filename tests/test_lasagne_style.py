"""examples/lasagne_style.py: a Lasagne-style layer library (conv, batch norm, dropout, dense)
trained with Adam: a few minibatches of synthetic data here, one epoch of MNIST in the slow
run."""

import os
import sys

import numpy as np
import pytest

import minitheano as theano

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))

import lasagne_style as L  # noqa: E402


def bars(n, seed):
    """Two classes of 12x12 images: a bright bar in the top half or in the bottom half."""
    rng = np.random.RandomState(seed)
    x, y = rng.rand(n, 1, 12, 12) * 0.5, rng.randint(0, 2, n)
    for i in range(n):
        top = 1 if y[i] == 0 else 7
        x[i, 0, top : top + 4, rng.randint(0, 4) :][:, :6] += 1.0
    return x.reshape(n, -1).astype("float32"), y


def test_layers_train_on_a_few_synthetic_minibatches():
    with theano.config.change_flags(floatX="float32"):
        net = L.build_cnn((None, 1, 12, 12), filters=(4, 6), hidden=16, n_classes=2)
        layers = L.get_all_layers(net)
        assert [type(layer).__name__ for layer in layers[:4]] == [
            "InputLayer",
            "Conv2DLayer",
            "BatchNormLayer",
            "NonlinearityLayer",
        ]
        assert [layer.output_shape for layer in layers[1:5]] == [(None, 4, 8, 8)] * 3 + [
            (None, 4, 4, 4)
        ]
        trainable = L.get_all_params(net, trainable=True)
        running = L.get_all_params(net, trainable=False)
        assert len(trainable) == (1 + 2) * 2 + 2 * 2 and len(running) == 4  # conv W, bn, dense
        bn = layers[2]
        lines = []
        data = (bars(96, 0), bars(64, 1), bars(64, 2))
        history = L.run(data, 3, 16, net, learning_rate=1e-2, log=lines.append)
    assert len(lines) == 3 and lines[0].startswith("epoch 1: training loss")
    assert history[-1]["loss"] < history[0]["first_loss"]
    assert history[-1]["valid_error"] < 0.2
    assert np.any(bn.mean.get_value() != 0) and np.any(bn.var.get_value() != 1)
    # the network's symbolic outputs have the shapes its layers announce
    x = data[0][0][:5].reshape(5, 1, 12, 12)
    for layer in layers[1:]:
        with theano.config.change_flags(floatX="float32"):
            f = theano.function([layers[0].input_var], L.get_output(layer, deterministic=True))
        announced = layer.output_shape
        assert f(x).shape == (5,) + tuple(announced[1:])


@pytest.mark.slow
def test_one_epoch_of_mnist(mnist_dir, capsys):
    history = L.main(["--data", mnist_dir, "--epochs", "1"])
    assert "epoch 1: training loss" in capsys.readouterr().out
    assert history[0]["valid_error"] < 0.04 and history[0]["test_error"] < 0.04
    assert history[0]["loss"] < 0.5 < history[0]["first_loss"]
