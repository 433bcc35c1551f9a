"""The array backends: NumPy on the CPU, CuPy on an NVIDIA GPU.

This is the only module that imports CuPy, and it does so lazily, the first time the ``cuda``
device is asked for. Ops receive the array module ``xp`` from the executor and never guess it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from .config import config


class DeviceUnavailableError(RuntimeError):
    """Raised when ``device=cuda`` is asked for but CuPy or a GPU is missing."""


@dataclass(frozen=True)
class Backend:
    """An array module and its name (``cpu`` or ``cuda``)."""

    name: str
    xp: ModuleType

    def asarray(self, value, dtype=None):
        """Put ``value`` on this backend (no copy when it is already there with that dtype)."""
        return self.xp.asarray(value, dtype=dtype)

    def is_native(self, value) -> bool:
        return isinstance(value, self.xp.ndarray)


CPU = Backend("cpu", np)
_cuda_backend: Backend | None = None


def _load_cuda() -> Backend:
    global _cuda_backend
    if _cuda_backend is None:
        try:
            import cupy  # noqa: PLC0415 (the one lazy import of CuPy)
        except ImportError as exc:
            raise DeviceUnavailableError(
                "device=cuda needs CuPy, which is not installed (pip install 'minitheano[cuda]'); "
                "set MINITHEANO_FLAGS=device=cpu to run on the CPU"
            ) from exc
        try:
            n = cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # CUDA driver missing or broken
            raise DeviceUnavailableError(
                f"device=cuda: CuPy found no usable GPU ({exc}); "
                "set MINITHEANO_FLAGS=device=cpu to run on the CPU"
            ) from exc
        if n == 0:
            raise DeviceUnavailableError(
                "device=cuda: no GPU is visible; set MINITHEANO_FLAGS=device=cpu to run on the CPU"
            )
        _cuda_backend = Backend("cuda", cupy)
    return _cuda_backend


def get_backend(device: str | None = None) -> Backend:
    """The backend for ``device`` (default: ``config.device``)."""
    device = device or config.device
    return CPU if device == "cpu" else _load_cuda()


def cuda_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    try:
        _load_cuda()
        return True
    except DeviceUnavailableError:
        return False


def to_host(value):
    """A NumPy array for ``value``, copying from the GPU when needed."""
    if isinstance(value, np.ndarray):
        return value
    get = getattr(value, "get", None)  # cupy.ndarray.get() copies to the host
    return get() if get is not None else np.asarray(value)


def scatter_add(xp, out, index, values) -> None:
    """``out[index] += values`` where repeated indices accumulate (NumPy and CuPy differ here)."""
    if xp is np or isinstance(out, np.ndarray):
        np.add.at(out, index, values)
    else:
        import cupyx  # noqa: PLC0415 (only reached with CuPy arrays)

        cupyx.scatter_add(out, index, values)


# --- collectives: which communicator moves arrays between processes ---------------------------
# ``minitheano.distributed.init`` registers the host communicator (MPI, or the one-process
# stand-in) and a factory for the device one (NCCL over CuPy); the distributed ops' ``perform``
# asks here with its ``xp``, so this is the one place where MPI or NCCL is chosen.
_collectives: dict = {}


def set_collectives(host, make_device) -> None:
    """Register the host communicator and ``make_device(xp, host)`` (``distributed.init``)."""
    _collectives.clear()
    _collectives.update(host=host, make_device=make_device)


def collectives(xp):
    """The communicator for arrays of ``xp``: MPI for NumPy's, NCCL for CuPy's (made once)."""
    if "host" not in _collectives:
        raise RuntimeError(
            "distributed ops need minitheano.distributed.init() first (it also runs without "
            "mpiexec, as one process)"
        )
    if xp is np:
        return _collectives["host"]
    if "device" not in _collectives:
        _collectives["device"] = _collectives["make_device"](xp, _collectives["host"])
    return _collectives["device"]


def use_local_gpu(local_rank: int) -> int:
    """Make GPU ``local_rank`` (modulo the GPUs visible) current: one GPU per process on a node."""
    cuda = _load_cuda().xp.cuda
    device = local_rank % cuda.runtime.getDeviceCount()
    cuda.Device(device).use()
    return device
