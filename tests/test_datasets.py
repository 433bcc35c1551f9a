"""The MNIST loaders: both formats agree, tampered pickles are refused, errors say where."""

import gzip
import os
import pickle

import numpy as np
import pytest

from minitheano import datasets


def test_pickle_and_idx_give_the_same_splits(mnist_dir):
    a = datasets.load_mnist_pickle(mnist_dir)
    b = datasets.load_mnist_idx(mnist_dir)
    assert [len(s[0]) for s in a] == [50000, 10000, 10000]
    for (ax, ay), (bx, by) in zip(a, b):
        np.testing.assert_array_equal(ax, bx)
        np.testing.assert_array_equal(ay, by)
    assert list(a[0][1][:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(a[2][1][:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert a[0][0].dtype == np.float32 and a[0][0].max() < 1


def test_environment_variable_points_at_the_data(mnist_dir, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV, mnist_dir)
    assert datasets.find_file("mnist.pkl.gz").startswith(mnist_dir)


def test_missing_file_says_where_it_looked_and_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(datasets.DatasetNotFoundError) as info:
        datasets.load_mnist_pickle()
    message = str(info.value)
    assert str(tmp_path) in message and datasets.DATA_ENV in message and "download" in message


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_tampered_pickle_cannot_run_code(tmp_path):
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(
            ((np.zeros(2), _Evil()), (np.zeros(1), np.zeros(1)), (np.zeros(1), np.zeros(1))),
            f,
            protocol=2,
        )
    with pytest.raises(pickle.UnpicklingError, match="refusing"):
        datasets.load_mnist_pickle(str(path))


def test_small_pickle_round_trip(tmp_path):
    data = tuple((np.random.rand(3, 784).astype("float32"), np.arange(3)) for _ in range(3))
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:
        pickle.dump(data, f, protocol=2)
    loaded = datasets.load_mnist_pickle(str(tmp_path))
    np.testing.assert_array_equal(loaded[1][0], data[1][0])


def test_download_mnist_fetches_the_file(tmp_path, monkeypatch):
    source = tmp_path / "source.pkl.gz"
    data = tuple((np.zeros((2, 784), dtype="float32"), np.arange(2)) for _ in range(3))
    with gzip.open(source, "wb") as f:
        pickle.dump(data, f, protocol=2)
    monkeypatch.setattr(datasets, "PICKLE_URL", source.as_uri())  # no network in tests
    path = datasets.download_mnist(str(tmp_path / "data"))
    assert path.endswith("mnist.pkl.gz")
    assert datasets.load_mnist(str(tmp_path / "data"))[2][1].tolist() == [0, 1]
