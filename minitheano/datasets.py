"""MNIST loaders: the deeplearning.net tutorial's ``mnist.pkl.gz`` and the four IDX files.

The path comes from an argument or the ``MINITHEANO_DATA`` environment variable (a folder
holding the files, or the path of ``mnist.pkl.gz`` itself). Nothing is downloaded unless asked.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import struct
import urllib.request

import numpy as np

DATA_ENV = "MINITHEANO_DATA"
PICKLE_NAME = "mnist.pkl.gz"
PICKLE_URL = "http://www.iro.umontreal.ca/~lisa/deep/data/mnist/mnist.pkl.gz"
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}


class DatasetNotFoundError(FileNotFoundError):
    """The dataset file is not where we looked; the message says where and how to get it."""


def _candidates(name: str, path: str | None) -> list[str]:
    places = []
    for base in [path, os.environ.get(DATA_ENV)]:
        if not base:
            continue
        if os.path.basename(base) == name or (os.path.isfile(base) and name == PICKLE_NAME):
            places.append(base)
        else:
            places.append(os.path.join(base, name))
    places.append(os.path.join(os.getcwd(), name))
    places.append(os.path.join(os.getcwd(), "data", name))
    return places


def find_file(name: str, path: str | None = None) -> str:
    """The first existing location of ``name``, or ``DatasetNotFoundError`` listing the places."""
    places = _candidates(name, path)
    for place in places:
        if os.path.isfile(place):
            return place
    raise DatasetNotFoundError(
        f"{name} not found; looked in: {', '.join(places)}. Set {DATA_ENV} to the folder that "
        f"holds it (or pass its path), or call minitheano.datasets.download_mnist(folder) to "
        f"fetch the tutorial's copy from {PICKLE_URL}"
    )


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Admits NumPy arrays, dtypes, tuples and lists only: a tampered file cannot run code."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "scalar"),
        ("numpy._core.multiarray", "scalar"),
        ("copy_reg", "_reconstructor"),
        ("copyreg", "_reconstructor"),
        ("_codecs", "encode"),
    }  # protocol-2 pickles spell bytes this way (no side effects)

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"mnist pickle: refusing to load {module}.{name}: only "
            f"NumPy arrays, tuples and lists are allowed in a dataset"
        )


def load_mnist_pickle(path: str | None = None):
    """``((train_x, train_y), (valid_x, valid_y), (test_x, test_y))`` from ``mnist.pkl.gz``."""
    file = find_file(PICKLE_NAME, path)
    with gzip.open(file, "rb") as f:
        data = _ArrayOnlyUnpickler(io.BytesIO(f.read()), encoding="latin1").load()
    _check_splits(data, file)
    return data


def _check_splits(data, file):
    ok = (
        isinstance(data, (tuple, list))
        and len(data) == 3
        and all(
            isinstance(s, (tuple, list))
            and len(s) == 2
            and all(isinstance(a, np.ndarray) for a in s)
            for s in data
        )
    )
    if not ok:
        raise ValueError(
            f"{file}: expected ((train_x, train_y), (valid_x, valid_y), "
            f"(test_x, test_y)) of arrays"
        )


def read_idx(file: str) -> np.ndarray:
    """An array from an IDX file (gzip-compressed or not)."""
    opener = gzip.open if file.endswith(".gz") else open
    with opener(file, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    dtypes = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
    if zero != 0 or dtype_code not in dtypes:
        raise ValueError(f"{file}: not an IDX file (bad magic number)")
    shape = struct.unpack(">" + "I" * ndim, raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=dtypes[dtype_code], offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{file}: header says shape {shape} but holds {data.size} values")
    return data.reshape(shape).astype(data.dtype.newbyteorder("="))


def load_mnist_idx(path: str | None = None, n_valid: int = 10000):
    """The IDX files as the tutorial's three splits: pixels/256 as float32, labels int64."""
    arrays = {k: read_idx(find_file(name, path)) for k, name in IDX_FILES.items()}
    train_x = (arrays["train_images"].reshape(-1, 784) / 256.0).astype("float32")
    test_x = (arrays["test_images"].reshape(-1, 784) / 256.0).astype("float32")
    train_y = arrays["train_labels"].astype("int64")
    test_y = arrays["test_labels"].astype("int64")
    n = len(train_x) - n_valid
    return ((train_x[:n], train_y[:n]), (train_x[n:], train_y[n:]), (test_x, test_y))


def load_mnist(path: str | None = None):
    """The tutorial's splits: from ``mnist.pkl.gz`` if found, else from the IDX files."""
    try:
        return load_mnist_pickle(path)
    except DatasetNotFoundError as pickle_missing:
        try:
            return load_mnist_idx(path)
        except DatasetNotFoundError:
            raise pickle_missing from None


def download_mnist(folder: str = ".") -> str:
    """Fetch the tutorial's ``mnist.pkl.gz`` into ``folder``; return its path."""
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, PICKLE_NAME)
    urllib.request.urlretrieve(PICKLE_URL, target)
    return target
