"""MNIST loaders: the deeplearning.net tutorial's ``mnist.pkl.gz`` and the four IDX files.

The path comes from an argument or the ``MINITHEANO_DATA`` environment variable (a folder
holding the files, or the path of ``mnist.pkl.gz`` itself). When the files are nowhere to be
found, ``load_mnist`` downloads the tutorial's ``mnist.pkl.gz`` (16 MB) into the data folder:
``$MINITHEANO_DATA``, else ``~/.cache/minitheano`` (see ``download_mnist``).

Files are read defensively, as they may come from anywhere: the pickle may only hold numeric
NumPy arrays in tuples and lists, and no file may inflate past ``MAX_BYTES`` (an IDX file past
what its header declares), so a small gzip bomb fails early instead of filling memory.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import math
import os
import pickle
import struct
import sys
import tempfile
import urllib.error
import urllib.request
import zlib

import numpy as np

DATA_ENV = "MINITHEANO_DATA"
PICKLE_NAME = "mnist.pkl.gz"
PICKLE_URL = "http://www.iro.umontreal.ca/~lisa/deep/data/mnist/mnist.pkl.gz"
PICKLE_MD5 = "a02cd19f81d51c426d7ca14024243ce9"  # the tutorial's file, as published
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte.gz",
    "train_labels": "train-labels-idx1-ubyte.gz",
    "test_images": "t10k-images-idx3-ubyte.gz",
    "test_labels": "t10k-labels-idx1-ubyte.gz",
}
# the most a dataset file may inflate to: the tutorial's mnist.pkl.gz holds 212 MiB; raise it
# (minitheano.datasets.MAX_BYTES = ...) for a bigger trusted file
MAX_BYTES = 256 << 20


class DatasetNotFoundError(FileNotFoundError):
    """The dataset file is not where we looked; the message says where and how to get it."""


def data_home() -> str:
    """The folder downloads go to: ``$MINITHEANO_DATA``, else ``~/.cache/minitheano``."""
    folder = os.environ.get(DATA_ENV)
    if not folder:
        return os.path.join(os.path.expanduser("~"), ".cache", "minitheano")
    if os.path.basename(folder) == PICKLE_NAME:  # the variable names the file itself
        return os.path.dirname(folder) or "."
    return folder


def _candidates(name: str, path: str | None) -> list[str]:
    places = []
    for base in [path, os.environ.get(DATA_ENV) or data_home()]:
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
        f"holds it (or pass its path), or call minitheano.datasets.download_mnist() to "
        f"fetch the tutorial's copy from {PICKLE_URL} into {data_home()}"
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
        ("numpy.core.numeric", "_frombuffer"),  # protocol 5 spells contiguous arrays this way
        ("numpy._core.numeric", "_frombuffer"),
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


class _CappedReader:
    """A binary file that refuses to deliver more than ``MAX_BYTES`` bytes in all.

    Each request is checked before anything is read, so a gzip bomb is refused after at most
    ``MAX_BYTES`` of real data, and a pickle that declares a huge object right away.
    """

    def __init__(self, f, file: str) -> None:
        self._f, self._file, self._left = f, file, MAX_BYTES

    def _claim(self, size: int) -> int:
        if size > self._left:
            raise ValueError(
                f"{self._file}: inflates to more than MAX_BYTES = {MAX_BYTES} bytes; if the "
                f"file is trusted, raise minitheano.datasets.MAX_BYTES"
            )
        self._left -= size
        return size

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:  # the unpickler always asks for a size; stay capped anyway
            size = self._left
        return self._f.read(self._claim(size))

    def readinto(self, buffer) -> int:
        return self._f.readinto(memoryview(buffer)[: self._claim(len(buffer))])

    def readline(self, size: int = -1) -> bytes:
        line = self._f.readline(self._left + 1 if size is None or size < 0 else size)
        self._claim(len(line))
        return line


@contextlib.contextmanager
def _reading(file: str):
    """Open ``file`` (gunzipped if it ends in .gz); a damaged or cut file names the file."""
    opener = gzip.open if file.endswith(".gz") else open
    try:
        with opener(file, "rb") as f:
            yield f
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{file}: truncated or damaged ({exc})") from exc


def load_mnist_pickle(path: str | None = None):
    """``((train_x, train_y), (valid_x, valid_y), (test_x, test_y))`` from ``mnist.pkl.gz``."""
    file = find_file(PICKLE_NAME, path)
    with _reading(file) as f:
        try:
            data = _ArrayOnlyUnpickler(_CappedReader(f, file), encoding="latin1").load()
        except pickle.UnpicklingError as exc:
            raise pickle.UnpicklingError(f"{file}: {exc}") from None
        except MemoryError:  # the unpickler allocates an object's declared size before reading
            raise ValueError(f"{file}: declares an object too large for memory") from None
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
    for split in data:
        for array in split:
            # object arrays hold arbitrary Python objects, not data a model can train on
            if array.dtype.kind not in "biuf":
                raise ValueError(
                    f"{file}: refusing an array of dtype {array.dtype} (object or structured "
                    f"arrays are not allowed): a dataset holds numeric arrays only"
                )


_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _read_exactly(f, n: int, file: str, what: str) -> bytes:
    data = f.read(n)
    if len(data) < n:
        raise ValueError(f"{file}: truncated IDX file: {what} needs {n} bytes, found {len(data)}")
    return data


def read_idx(file: str) -> np.ndarray:
    """An array from an IDX file (gzip-compressed or not)."""
    with _reading(file) as f:
        zero, dtype_code, ndim = struct.unpack(">HBB", _read_exactly(f, 4, file, "the header"))
        if zero != 0 or dtype_code not in _IDX_DTYPES:
            raise ValueError(f"{file}: not an IDX file (bad magic number)")
        dims = _read_exactly(f, 4 * ndim, file, f"the header's {ndim} dimensions")
        shape = struct.unpack(f">{ndim}I", dims)
        dtype = np.dtype(_IDX_DTYPES[dtype_code])
        n_bytes = math.prod(shape) * dtype.itemsize  # Python ints: no overflow
        if n_bytes > MAX_BYTES:
            raise ValueError(
                f"{file}: header declares shape {shape} of {dtype.name}, {n_bytes} bytes, more "
                f"than MAX_BYTES = {MAX_BYTES}; if the file is trusted, raise "
                f"minitheano.datasets.MAX_BYTES"
            )
        raw = _read_exactly(f, n_bytes, file, f"shape {shape} of {dtype.name}")
        if f.read(1):  # read no further: the rest may be a gzip bomb
            raise ValueError(f"{file}: holds more data than its header's shape {shape} declares")
    data = np.frombuffer(raw, dtype=dtype).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def load_mnist_idx(path: str | None = None, n_valid: int = 10000):
    """The IDX files as the tutorial's three splits: pixels/256 as float32, labels int64."""
    arrays = {k: read_idx(find_file(name, path)) for k, name in IDX_FILES.items()}
    train_x = (arrays["train_images"].reshape(-1, 784) / 256.0).astype("float32")
    test_x = (arrays["test_images"].reshape(-1, 784) / 256.0).astype("float32")
    train_y = arrays["train_labels"].astype("int64")
    test_y = arrays["test_labels"].astype("int64")
    n = len(train_x) - n_valid
    return ((train_x[:n], train_y[:n]), (train_x[n:], train_y[n:]), (test_x, test_y))


def load_mnist(path: str | None = None, download: bool = True):
    """The tutorial's splits: from ``mnist.pkl.gz`` if found, else from the IDX files; if
    neither is found and ``download``, fetch ``mnist.pkl.gz`` first (``download_mnist``) into
    ``path`` when it is a folder, else into ``data_home()``."""
    try:
        return load_mnist_pickle(path)
    except DatasetNotFoundError as pickle_missing:
        try:
            return load_mnist_idx(path)
        except DatasetNotFoundError:
            if not download:
                raise pickle_missing from None
    folder = path if path and os.path.isdir(path) else None
    return load_mnist_pickle(download_mnist(folder))


class _NoBar:
    def update(self, n: int) -> None:
        pass


def _progress_bar(total: int | None, name: str):
    """A tqdm bar on stderr when tqdm is installed, else a stand-in that says nothing."""
    try:
        from tqdm import tqdm
    except ImportError:
        return contextlib.nullcontext(_NoBar())
    return tqdm(total=total, unit="B", unit_scale=True, desc=name, file=sys.stderr, leave=False)


def _fetch(url: str, file, name: str) -> str:
    """Copy ``url`` into the open binary ``file``; return the md5 of what was written."""
    digest = hashlib.md5(usedforsecurity=False)  # an integrity check, as published: not a MAC
    with urllib.request.urlopen(url, timeout=60) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        received = 0
        with _progress_bar(total, name) as bar:
            while chunk := response.read(1 << 16):
                file.write(chunk)
                digest.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise ValueError(f"{url}: download cut short ({received} of {total} bytes)")
    return digest.hexdigest()


def download_mnist(folder: str | None = None) -> str:
    """Fetch the tutorial's ``mnist.pkl.gz`` into ``folder`` (default ``data_home()``), check
    its md5 and return its path.

    The bytes go to a temporary file in ``folder`` that replaces ``mnist.pkl.gz`` only once
    complete and verified: a cut or corrupt download is deleted, never used.
    """
    folder = folder or data_home()
    target = os.path.join(folder, PICKLE_NAME)
    print(f"downloading {PICKLE_URL} into {folder}", file=sys.stderr)
    try:
        os.makedirs(folder, exist_ok=True)
        part = tempfile.NamedTemporaryFile(dir=folder, prefix=f".{PICKLE_NAME}.", delete=False)
    except OSError as exc:
        raise DatasetNotFoundError(
            f"cannot write the MNIST download into {folder} ({exc}); set {DATA_ENV} to a "
            f"folder you can write, or that holds {PICKLE_NAME}"
        ) from None
    try:
        with part:
            md5 = _fetch(PICKLE_URL, part, PICKLE_NAME)
        if md5 != PICKLE_MD5:
            raise ValueError(
                f"{PICKLE_URL}: the download's md5 is {md5}, not the published {PICKLE_MD5}; "
                f"it was deleted"
            )
        os.replace(part.name, target)
    except (urllib.error.URLError, OSError) as exc:
        raise DatasetNotFoundError(
            f"MNIST is not on this machine and downloading {PICKLE_URL} into {folder} failed "
            f"({exc}). Offline, copy {PICKLE_NAME} (or the four IDX files) into a folder and "
            f"set {DATA_ENV} to it"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(part.name)
    return target
