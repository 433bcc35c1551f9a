import os

import numpy as np
import pytest

import minitheano

MNIST_DIR = os.environ.get("MINITHEANO_DATA") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data", "mnist"
)


@pytest.fixture(autouse=True)
def _restore_config():
    """Each test starts from the default flags (floatX float64, device cpu)."""
    saved = dict(vars(minitheano.config))
    yield
    vars(minitheano.config).clear()
    vars(minitheano.config).update(saved)


@pytest.fixture
def rng():
    return np.random.RandomState(1234)


@pytest.fixture
def mnist_dir():
    if not os.path.isfile(os.path.join(MNIST_DIR, "mnist.pkl.gz")):
        pytest.skip(
            f"MNIST not found in {MNIST_DIR}: set MINITHEANO_DATA to the folder holding "
            f"mnist.pkl.gz and the IDX files"
        )
    return MNIST_DIR
