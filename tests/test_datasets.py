"""The MNIST loaders: both formats agree, tampered pickles are refused, errors say where."""

import gzip
import hashlib
import io
import os
import pickle
import struct
import tracemalloc

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


def _published(tmp_path, monkeypatch, data=None):
    """A small mnist.pkl.gz served at a file:// URL as the published file (URL and md5)."""
    source = tmp_path / "server" / "mnist.pkl.gz"
    source.parent.mkdir()
    data = data or tuple((np.zeros((2, 784), dtype="float32"), np.arange(2)) for _ in range(3))
    with gzip.open(source, "wb") as f:
        pickle.dump(data, f, protocol=2)
    monkeypatch.setattr(datasets, "PICKLE_URL", source.as_uri())  # no network in tests
    monkeypatch.setattr(datasets, "PICKLE_MD5", hashlib.md5(source.read_bytes()).hexdigest())
    monkeypatch.chdir(tmp_path)
    return source


def test_download_mnist_fetches_the_file(tmp_path, monkeypatch):
    _published(tmp_path, monkeypatch)
    path = datasets.download_mnist(str(tmp_path / "data"))
    assert path == str(tmp_path / "data" / "mnist.pkl.gz")
    assert datasets.load_mnist(str(tmp_path / "data"))[2][1].tolist() == [0, 1]
    assert os.listdir(tmp_path / "data") == ["mnist.pkl.gz"]  # no temporary left


def test_load_mnist_downloads_into_the_data_folder_once(tmp_path, monkeypatch):
    source = _published(tmp_path, monkeypatch)
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "cache"))
    assert datasets.load_mnist()[0][1].tolist() == [0, 1]
    assert os.listdir(tmp_path / "cache") == ["mnist.pkl.gz"]
    source.unlink()  # the next load finds the downloaded copy
    assert datasets.load_mnist()[1][1].tolist() == [0, 1]


def test_without_the_variable_downloads_go_to_the_user_cache(tmp_path, monkeypatch):
    _published(tmp_path, monkeypatch)
    monkeypatch.delenv(datasets.DATA_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    datasets.load_mnist()
    assert (tmp_path / "home" / ".cache" / "minitheano" / "mnist.pkl.gz").is_file()


def test_a_corrupt_download_is_deleted_not_used(tmp_path, monkeypatch):
    _published(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "PICKLE_MD5", "0" * 32)
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "cache"))
    with pytest.raises(ValueError, match="md5") as info:
        datasets.load_mnist()
    assert datasets.PICKLE_URL in str(info.value)
    assert os.listdir(tmp_path / "cache") == []


class _CutResponse(io.BytesIO):
    """A response that promises more bytes than it delivers, then breaks."""

    headers = {"Content-Length": "100000"}

    def read(self, size=-1):
        if self.tell() > 0:
            raise ConnectionResetError("connection reset by peer")
        return super().read(size)


@pytest.mark.parametrize("broken", ["reset", "short"])
def test_a_cut_download_is_deleted_and_the_old_file_kept(tmp_path, monkeypatch, broken):
    _published(tmp_path, monkeypatch)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "mnist.pkl.gz").write_bytes(b"the previous file")
    response = _CutResponse(bytes(5000))
    if broken == "short":
        response = io.BytesIO(bytes(5000))
        response.headers = {"Content-Length": "100000"}
    monkeypatch.setattr(datasets.urllib.request, "urlopen", lambda url, timeout: response)
    with pytest.raises((ValueError, datasets.DatasetNotFoundError), match="cut short|reset"):
        datasets.download_mnist(str(cache))
    assert os.listdir(cache) == ["mnist.pkl.gz"]
    assert (cache / "mnist.pkl.gz").read_bytes() == b"the previous file"


def test_offline_the_error_names_the_url_the_folder_and_the_variable(tmp_path, monkeypatch):
    _published(tmp_path, monkeypatch)
    monkeypatch.setattr(datasets, "PICKLE_URL", (tmp_path / "nowhere.pkl.gz").as_uri())
    monkeypatch.setenv(datasets.DATA_ENV, str(tmp_path / "cache"))
    with pytest.raises(datasets.DatasetNotFoundError) as info:
        datasets.load_mnist()
    message = str(info.value)
    assert datasets.PICKLE_URL in message and str(tmp_path / "cache") in message
    assert datasets.DATA_ENV in message
    assert os.listdir(tmp_path / "cache") == []


def _splits(labels=None):
    labels = np.arange(3) if labels is None else labels
    return tuple((np.random.rand(3, 784).astype("float32"), labels) for _ in range(3))


def _write_pickle(path, data, protocol):
    with gzip.open(path, "wb", compresslevel=1) as f:
        pickle.dump(data, f, protocol=protocol)
    return str(path)


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_pickles_of_every_protocol_load(tmp_path, protocol):
    data = _splits()
    loaded = datasets.load_mnist_pickle(_write_pickle(tmp_path / "mnist.pkl.gz", data, protocol))
    for (x, y), (lx, ly) in zip(data, loaded):
        np.testing.assert_array_equal(lx, x)
        np.testing.assert_array_equal(ly, y)


def test_object_arrays_are_refused(tmp_path):
    path = _write_pickle(tmp_path / "mnist.pkl.gz", _splits(np.array([1, "a", 2], object)), 2)
    with pytest.raises(ValueError, match="object") as info:
        datasets.load_mnist_pickle(path)
    assert path in str(info.value)


def _peak_bytes(call):
    """Peak traced memory (bytes) while ``call()`` runs; its exception is re-raised."""
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        _peak_bytes.last = peak


def test_pickle_that_inflates_past_the_cap_is_refused_early(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MAX_BYTES", 1 << 20)
    many_small = [np.zeros(16 << 10, "uint8") for _ in range(1024)]  # 16 MiB of zeros
    path = _write_pickle(tmp_path / "mnist.pkl.gz", ((many_small, np.arange(3)),) * 3, 4)
    with pytest.raises(ValueError, match="MAX_BYTES") as info:
        _peak_bytes(lambda: datasets.load_mnist_pickle(path))
    assert path in str(info.value)
    assert _peak_bytes.last < 4 << 20  # it stopped reading near the cap, not at 16 MiB


@pytest.mark.parametrize("declared", [64 << 20, 1 << 40])
def test_pickle_declaring_a_huge_object_is_refused(tmp_path, monkeypatch, declared):
    monkeypatch.setattr(datasets, "MAX_BYTES", 1 << 20)
    path = tmp_path / "mnist.pkl.gz"
    with gzip.open(path, "wb") as f:  # PROTO 5, BYTEARRAY8 of ``declared`` bytes, a few given
        f.write(b"\x80\x05\x96" + struct.pack("<Q", declared) + bytes(1000))
    with pytest.raises(ValueError, match="MAX_BYTES|too large") as info:
        datasets.load_mnist_pickle(str(path))
    assert str(path) in str(info.value)


def _write_idx(path, header: bytes, payload: bytes = b""):
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(header + payload)
    return str(path)


def test_idx_round_trip(tmp_path):
    values = np.arange(24, dtype=">i4").reshape(2, 3, 4)
    path = _write_idx(
        tmp_path / "a.gz", b"\0\0\x0c\x03" + struct.pack(">3I", 2, 3, 4), values.tobytes()
    )
    np.testing.assert_array_equal(datasets.read_idx(path), values)


@pytest.mark.parametrize("header", [b"\0\0", b"\0\0\x08\x03" + struct.pack(">2I", 2, 3)])
def test_idx_truncated_header_names_the_file(tmp_path, header):
    path = _write_idx(tmp_path / "short.gz", header)
    with pytest.raises(ValueError, match="truncated") as info:
        datasets.read_idx(path)
    assert path in str(info.value)


def test_idx_absurd_shape_is_refused_before_reading(tmp_path):
    path = _write_idx(tmp_path / "huge.gz", b"\0\0\x08\x03" + struct.pack(">3I", 2**31, 2**31, 64))
    with pytest.raises(ValueError, match="MAX_BYTES") as info:
        datasets.read_idx(path)
    assert path in str(info.value) and "(2147483648, 2147483648, 64)" in str(info.value)


def test_idx_with_more_data_than_declared_stops_reading_early(tmp_path):
    path = _write_idx(
        tmp_path / "bomb.gz", b"\0\0\x08\x01" + struct.pack(">I", 16), bytes(16 << 20)
    )
    with pytest.raises(ValueError, match="more data") as info:
        _peak_bytes(lambda: datasets.read_idx(path))
    assert path in str(info.value)
    assert _peak_bytes.last < 2 << 20  # the 16 MiB after the declared 16 bytes were not read


def test_idx_with_less_data_than_declared_names_the_file(tmp_path):
    path = _write_idx(tmp_path / "cut.gz", b"\0\0\x08\x01" + struct.pack(">I", 16), bytes(10))
    with pytest.raises(ValueError, match="truncated") as info:
        datasets.read_idx(path)
    assert path in str(info.value)


def test_cut_gzip_names_the_file(tmp_path):
    whole = tmp_path / "whole.gz"
    _write_idx(whole, b"\0\0\x08\x01" + struct.pack(">I", 4096), bytes(range(256)) * 16)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(whole.read_bytes()[:-12])
    with pytest.raises(ValueError, match="truncated") as info:
        datasets.read_idx(str(cut))
    assert str(cut) in str(info.value)
