"""The deeplearning.net tutorials that draw random numbers, on minitheano, against real Theano.

The denoising autoencoder (``examples/dA.py``: ``RandomStreams`` masks), the stacked dA in
the shape of the tutorial's ``SdA.py`` (``MRG_RandomStreams`` masks of symbolic ``p``,
``In`` inputs with defaults, keyword calls) and the ``hmc.py`` sampler on its test's 5-d
Gaussian (``RandomStreams`` normal and uniform draws, ``switch``/``clip`` updates): each run
here is compared with the numbers the same code gives on Theano 1.0.5
(``tests/reference/theano_tutorials.npz``, made by ``tests/reference/make_tutorials_reference.py``,
which runs ``examples/dA.py`` itself on Theano and holds the SdA and HMC code both runs use).

The random numbers are Theano's bit for bit; the costs then agree to the last bits (float32
to ~1 ulp, float64 to ~2 ulps after 20 SGD steps): the tolerances below leave room for
another BLAS's summation order, far below what one different mask would change.

Also here: the examples' smoke tests (``examples/dA.py``, ``examples/mlp_dropout.py``) on a
tiny fake MNIST, and (slow) the tutorial's printed first-epoch cost of the dA.
"""

import gzip
import importlib.util
import os
import pickle
import sys
import types

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.datasets import load_mnist
from minitheano.sandbox.rng_mrg import MRG_RandomStreams
from minitheano.tensor.shared_randomstreams import RandomStreams

from .conftest import MNIST_DIR

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import dA  # noqa: E402
import mlp_dropout  # noqa: E402

_HERE = os.path.join(os.path.dirname(__file__), "reference")
_spec = importlib.util.spec_from_file_location(
    "make_tutorials_reference", os.path.join(_HERE, "make_tutorials_reference.py")
)
REF = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(REF)
LIB = types.SimpleNamespace(
    theano=theano, T=T, RandomStreams=RandomStreams, MRG_RandomStreams=MRG_RandomStreams, dA=dA
)
RTOL = {"float32": 1e-5, "float64": 1e-10}


@pytest.fixture(scope="module")
def theano_numbers():
    with np.load(REF.PATH) as data:
        return dict(data)


@pytest.fixture(scope="module")
def mnist_train():
    """MNIST's training split (x float32, y int64), loaded once for this file."""
    if not os.path.isfile(os.path.join(MNIST_DIR, "mnist.pkl.gz")):
        pytest.skip(f"MNIST not found in {MNIST_DIR}: set MINITHEANO_DATA to its folder")
    return load_mnist(MNIST_DIR)[0]


# --- against Theano ----------------------------------------------------------------------------


@pytest.mark.parametrize("floatX, corruption, n_batches", REF.DA_CASES)
def test_dA_minibatch_costs_match_theano(
    theano_numbers, mnist_train, floatX, corruption, n_batches, capsys
):
    got = REF.dA_costs(LIB, mnist_train[0], floatX, corruption, n_batches)
    want = theano_numbers[REF.key("dA", floatX, corruption, n_batches)]
    assert got.shape == want.shape == (n_batches,)
    np.testing.assert_allclose(got, want, rtol=RTOL[floatX])
    assert np.isfinite(got).all() and got[-1] < got[0] / 5  # it learns
    assert "Training epoch 0, cost  " in capsys.readouterr().out  # the tutorial's printout


def test_corruption_changes_the_costs_from_the_first_minibatch(theano_numbers):
    # the masks matter: with 30 % of the pixels zeroed, the first cost is not the clean one
    clean = theano_numbers[REF.key("dA", "float64", 0.0, 10)]
    noisy = theano_numbers[REF.key("dA", "float64", 0.3, 10)]
    assert abs(noisy[0] / clean[0] - 1) > 1e-6 and np.abs(noisy / clean - 1).max() > 0.05


@pytest.mark.parametrize("floatX", REF.SDA_FLOATX)
def test_stacked_dA_pretraining_and_finetuning_match_theano(theano_numbers, mnist_train, floatX):
    got = REF.stacked_dA_costs(LIB, mnist_train[0], mnist_train[1], floatX)
    want = theano_numbers[REF.key("SdA", floatX)]
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=RTOL[floatX])


@pytest.fixture(scope="module")
def hmc_chains():
    """The hmc tutorial's test run (3 chains on its 5-d Gaussian), 800 draws in float64."""
    with theano.config.change_flags(floatX="float64"):
        return REF.hmc_run(LIB, "float64", REF.HMC_DRAWS)


def test_hmc_draws_match_theano(theano_numbers, hmc_chains):
    draws, stepsize, rate = hmc_chains
    want = theano_numbers[REF.key("hmc", "float64", "draws")]
    assert draws.shape == (REF.HMC_DRAWS, 3, 5)
    np.testing.assert_allclose(
        draws[REF.HMC_EVERY - 1 :: REF.HMC_EVERY], want, rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(stepsize, theano_numbers[REF.key("hmc", "float64", "stepsize")])
    np.testing.assert_allclose(rate, theano_numbers[REF.key("hmc", "float64", "rate")])
    moved = (draws[1:] != draws[:-1]).any(axis=2)
    assert moved.mean() > 0.5 and not moved.all()  # both branches of the accept switch ran


@pytest.mark.skipif(not hasattr(theano, "scan"), reason="minitheano has no scan yet")
def test_hmc_with_the_tutorials_scan_matches_theano(theano_numbers):
    # the tutorial runs the leapfrog steps with scan; Theano's reference run unrolls them
    # (Theano 1.0.5's scan C code does not build on Python 3.11; its Python scan gives the
    # unrolled numbers within 1e-14 here)
    n = 100
    with theano.config.change_flags(floatX="float64"):
        draws, stepsize, rate = REF.hmc_run(LIB, "float64", n, use_scan=True)
    want = theano_numbers[REF.key("hmc", "float64", "draws")][: n // REF.HMC_EVERY]
    np.testing.assert_allclose(
        draws[REF.HMC_EVERY - 1 :: REF.HMC_EVERY], want, rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(stepsize, theano_numbers[REF.key("hmc", "float64", "stepsize")][:n])
    np.testing.assert_allclose(rate, theano_numbers[REF.key("hmc", "float64", "rate")][:n])


def test_hmc_samples_the_tutorials_gaussian(hmc_chains):
    # the tutorial's test_hmc (burn-in 1000 draws, then 1000) with 400 and 400: the step size
    # starts at 0.001 and grows by 2 % a draw while the acceptance rate is above 0.9
    draws, stepsize, rate = hmc_chains
    mu, cov, _, _ = REF.gaussian_target("float64")
    samples = draws[400:].reshape(-1, 5)
    assert np.abs(samples.mean(axis=0) - mu).max() < 0.2  # mu is in [0, 10)
    assert np.abs(np.cov(samples.T) - cov).max() < 0.15  # unit variances
    assert abs(rate[-1] - 0.9) < 0.1  # the tutorial's own check
    assert 0.001 <= stepsize.min() and stepsize.max() <= 0.5


@pytest.mark.slow
@pytest.mark.parametrize("floatX, corruption", REF.DA_EPOCHS)
def test_dA_first_epoch_cost_is_the_tutorials(theano_numbers, mnist_train, floatX, corruption):
    costs = REF.dA_costs(LIB, mnist_train[0], floatX, corruption, None)
    epoch_cost = costs.mean(dtype="float64")
    want = float(theano_numbers[REF.key("dA_epoch", floatX, corruption)])
    assert abs(epoch_cost / want - 1) < RTOL[floatX]
    if (floatX, corruption) == ("float64", 0.0):
        # the tutorial's "Training epoch 0, cost  63.2891694201" (Python 2 prints 12 digits)
        assert "%.12g" % epoch_cost == "63.2891694201"


# --- the examples ------------------------------------------------------------------------------


@pytest.fixture
def tiny_mnist(tmp_path):
    """A fake mnist.pkl.gz: 200/100/100 random 28x28 'images' in [0, 1) with labels 0-9."""
    rng = np.random.RandomState(0)

    def split(n):
        return rng.rand(n, 784).astype("float32"), rng.randint(0, 10, n).astype("int64")

    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump((split(200), split(100), split(100)), f)
    return str(tmp_path)


def test_dA_example_trains_and_saves_its_filters(tiny_mnist, tmp_path, capsys):
    theano.config.floatX = "float32"
    out = tmp_path / "plots"
    results = dA.main(
        ["--data", tiny_mnist, "--epochs", "2", "--hidden", "100", "--out", str(out)]
    )
    assert sorted(results) == [0.0, 0.3]
    for costs in results.values():
        assert len(costs) == 2 and np.isfinite(costs).all() and costs[1] < costs[0]
    assert results[0.3][0] != results[0.0][0]
    from PIL import Image

    for name in ("filters_corruption_0.png", "filters_corruption_30.png"):
        with Image.open(out / name) as image:
            assert image.size == (10 * 29 - 1, 10 * 29 - 1)
    assert capsys.readouterr().out.count("Training epoch") == 4


def test_tile_raster_images_lays_out_scaled_rows():
    X = np.arange(2 * 6, dtype="float64").reshape(2, 6)  # two 2x3 images
    tiles = dA.tile_raster_images(X, img_shape=(2, 3), tile_shape=(1, 3), tile_spacing=(1, 1))
    assert tiles.dtype == np.uint8 and tiles.shape == (2, 3 * 3 + 2)
    np.testing.assert_array_equal(tiles[:, 3], 0)  # the spacing
    np.testing.assert_array_equal(tiles[:, 8:], 0)  # the third tile has no row: left black
    assert tiles[0, 0] == 0 and tiles[1, 2] == 254  # each row scaled to [0, 1] on its own
    np.testing.assert_array_equal(tiles[:, :3], tiles[:, 4:7])


def test_mlp_dropout_example_trains_and_plots(tiny_mnist, tmp_path, capsys):
    theano.config.floatX = "float32"
    argv = ["--data", tiny_mnist, "--epochs", "3", "--batch-size", "20", "--hidden", "30", "20"]
    history = mlp_dropout.main([*argv, "--out", str(tmp_path), "--no-progress", "--lr", "0.05"])
    assert len(history["valid"]) == 3 and len(history["cost"]) == 3
    assert np.isfinite(history["cost"]).all() and 0 <= history["test"] <= 1
    assert (tmp_path / "mlp_dropout_validation.png").stat().st_size > 1000
    assert "validation error" in capsys.readouterr().out


def test_dropout_masks_are_new_at_every_call_and_scaled():
    theano.config.floatX = "float32"
    srng = MRG_RandomStreams(3)
    x = T.matrix("x")
    f = theano.function([x], mlp_dropout.dropout(srng, x, 0.25))
    ones = np.ones((50, 40), dtype="float32")
    a, b = f(ones), f(ones)
    assert a.dtype == np.float32 and set(np.unique(a)) == {0.0, np.float32(1 / 0.75)}
    assert not np.array_equal(a, b)
    assert abs((a == 0).mean() - 0.25) < 0.03 and abs(a.mean() - 1) < 0.05
    assert mlp_dropout.dropout(srng, x, 0) is x
