"""The tutorial LeNet: a smoke run of the example and a numerics cross-check."""

import gzip
import os
import pickle
import sys

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.datasets import load_mnist_pickle

from .reference_lenet import ReferenceLeNet

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))


@pytest.fixture
def small_mnist(mnist_dir, tmp_path):
    """A slice of the real MNIST in the tutorial's format (5000 / 1000 / 1000 digits)."""
    (tx, ty), (vx, vy), (sx, sy) = load_mnist_pickle(mnist_dir)
    data = ((tx[:5000], ty[:5000]), (vx[:1000], vy[:1000]), (sx[:1000], sy[:1000]))
    with gzip.open(tmp_path / "mnist.pkl.gz", "wb") as f:
        pickle.dump(data, f, protocol=2)
    return str(tmp_path)


def test_evaluate_lenet5_smoke(small_mnist, capsys):
    import convolutional_mlp

    theano.config.floatX = "float32"
    best_valid, best_iter, test_error = convolutional_mlp.evaluate_lenet5(
        n_epochs=1, nkerns=[5, 5], dataset=small_mnist
    )
    out = capsys.readouterr().out
    assert "... building the model" in out and "training @ iter =  0" in out
    assert "epoch 1, minibatch 10/10, validation error" in out
    assert "Optimization complete." in out and "with test performance" in out
    assert best_iter == 10
    # 10 SGD steps on 5000 digits already beat chance (90 % error) by far
    assert best_valid < 0.6 and test_error < 0.6


def test_main_saves_the_validation_curve_and_filters(small_mnist, tmp_path, capsys):
    import convolutional_mlp

    pytest.importorskip("matplotlib", reason="matplotlib draws the plot (the examples extra)")
    out = tmp_path / "lenet.png"
    convolutional_mlp.main(
        [
            "--data",
            small_mnist,
            "--epochs",
            "1",
            "--nkerns",
            "5",
            "5",
            "--plot",
            str(out),
            "--no-progress",
        ]
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert f"saved {out}" in capsys.readouterr().out


def test_main_reports_missing_data_clearly(tmp_path, monkeypatch, capsys):
    import convolutional_mlp

    from minitheano import datasets

    monkeypatch.setenv("MINITHEANO_DATA", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    # the data is nowhere, and the download fails as it does offline (no network in tests)
    monkeypatch.setattr(datasets, "PICKLE_URL", (tmp_path / "offline" / "mnist.pkl.gz").as_uri())
    with pytest.raises(SystemExit) as info:
        convolutional_mlp.main(["--epochs", "1", "--no-progress"])
    message = str(info.value)
    assert datasets.PICKLE_URL in message and str(tmp_path) in message
    assert "MINITHEANO_DATA" in message


def test_ten_sgd_steps_match_a_float64_reference(mnist_dir):
    """minitheano (float32) and an independent float64 NumPy LeNet give the same costs."""
    import convolutional_mlp

    theano.config.floatX = "float32"
    (tx, ty), _, _ = load_mnist_pickle(mnist_dir)
    batch = 500
    x, y, index = T.matrix("x"), T.ivector("y"), T.lscalar()
    data_x = theano.shared(tx[: 10 * batch])
    data_y = theano.shared(ty[: 10 * batch].astype("int32"))
    layers, cost = convolutional_mlp.build_lenet(
        np.random.RandomState(23455), x, y, batch, [20, 50]
    )
    # the output layer starts at zero; give it weights so that every gradient path is exercised
    layers[3].W.set_value(np.random.RandomState(0).uniform(-0.1, 0.1, (500, 10)).astype("float32"))
    params = layers[3].params + layers[2].params + layers[1].params + layers[0].params
    names = ["W3", "b3", "W2", "b2", "W1", "b1", "W0", "b0"]
    reference = ReferenceLeNet({n: p.get_value() for n, p in zip(names, params)})
    grads = T.grad(cost, params)
    train = theano.function(
        [index],
        cost,
        updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
        givens={
            x: data_x[index * batch : (index + 1) * batch],
            y: data_y[index * batch : (index + 1) * batch],
        },
    )
    # Every step starts the reference from our parameters, and each parameter's change is compared
    # with the size of that change. Max-pool gradients go to every tied maximum (as in Theano), and
    # float32 ties differ from float64 ones with the BLAS kernel's summation order: measured here,
    # one step's change differs by up to 0.9 % of its size with OpenBLAS's Haswell kernel (0.07 %
    # with SkylakeX), and ten chained steps by 1.4 %. A wrong gradient would be off by ~100 %.
    ours, theirs = [], []
    for i in range(10):
        reference.p = {n: p.get_value().astype("float64") for n, p in zip(names, params)}
        before = {n: v.copy() for n, v in reference.p.items()}
        theirs.append(
            reference.step(tx[i * batch : (i + 1) * batch], ty[i * batch : (i + 1) * batch])
        )
        ours.append(float(train(i)))
        for name, p in zip(names, params):
            change = np.abs(reference.p[name] - before[name]).max()
            np.testing.assert_allclose(
                p.get_value(), reference.p[name], rtol=0, atol=0.02 * change, err_msg=name
            )
    np.testing.assert_allclose(ours, theirs, rtol=2e-5)
    assert theirs[-1] < theirs[0] - 0.5  # it really trained


def _small_lenet_train(mode):
    import convolutional_mlp

    theano.config.floatX = "float32"
    x, y = T.matrix("x"), T.ivector("y")
    layers, cost = convolutional_mlp.build_lenet(np.random.RandomState(23455), x, y, 50, [4, 6])
    layers[3].W.set_value(np.random.RandomState(0).uniform(-0.1, 0.1, (500, 10)).astype("float32"))
    params = layers[3].params + layers[2].params + layers[1].params + layers[0].params
    grads = T.grad(cost, params)
    train = theano.function(
        [x, y], cost, mode=mode, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)]
    )
    return train, params


def test_rewrites_shrink_the_lenet_program_without_changing_its_numbers():
    from minitheano.compile.mode import Mode

    fast, fast_params = _small_lenet_train(None)
    plain, plain_params = _small_lenet_train(Mode(optimizer=None))
    report = fast.maker.rewrite_report
    assert report.nodes_after < 0.85 * report.nodes_before  # 104 -> 81 for the full LeNet
    assert len(fast.program.steps) < len(plain.program.steps)
    rng = np.random.RandomState(1)
    for _ in range(3):
        batch = rng.rand(50, 784).astype("float32"), rng.randint(0, 10, 50).astype("int32")
        np.testing.assert_allclose(fast(*batch), plain(*batch), rtol=1e-5)
    for a, b in zip(fast_params, plain_params):
        np.testing.assert_allclose(a.get_value(), b.get_value(), rtol=1e-4, atol=1e-6)
