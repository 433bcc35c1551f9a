"""``python -m minitheano``: what this installation runs on, for bug reports.

Prints the version, the configuration flags (and the environment variables they came from),
the backend, the BLAS library NumPy uses with its thread count, and whether CuPy sees a GPU.
"""

from __future__ import annotations

import os
import platform
import sys

import numpy

from . import __version__, backend, parallel
from .config import config


def _blas_lines() -> list[str]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        return [
            f"{p['internal_api']} {p.get('version') or ''} ({p.get('architecture') or '?'}), "
            f"{p['num_threads']} threads, {p['filepath']}"
            for p in pools
        ] or ["none loaded"]
    try:  # NumPy's build record: the library it was built against, not its live threads
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return [
            f"{blas.get('name')} {blas.get('version', '')} (pip install threadpoolctl "
            f"for the threads in use)"
        ]
    except Exception:  # NumPy < 1.25 has no mode="dicts"
        return ["unknown (pip install threadpoolctl to see it)"]


def _gpu_line() -> str:
    try:
        cuda = backend.get_backend("cuda")
    except backend.DeviceUnavailableError as exc:
        return f"not available: {exc}"
    runtime = cuda.xp.cuda.runtime
    names = [
        runtime.getDeviceProperties(k)["name"].decode() for k in range(runtime.getDeviceCount())
    ]
    return f"CuPy {cuda.xp.__version__}, {len(names)} GPU(s): {', '.join(names)}"


def info() -> str:
    """The report that ``python -m minitheano`` prints."""
    flags = ", ".join(f"{k}={v}" for k, v in vars(config).items())
    env = [
        f"{v}={os.environ[v]!r}" for v in ("MINITHEANO_FLAGS", "THEANO_FLAGS") if v in os.environ
    ]
    lines = [
        f"minitheano {__version__}",
        f"python     {sys.version.split()[0]} on {platform.platform()}",
        f"numpy      {numpy.__version__}",
        f"flags      {flags}",
        f"from env   {', '.join(env) or '(no MINITHEANO_FLAGS or THEANO_FLAGS set)'}",
        f"backend    {config.device} ({'CuPy' if config.device == 'cuda' else 'NumPy'}), "
        f"{parallel.n_threads()} threads for split work",
    ]
    lines += [f"BLAS       {line}" for line in _blas_lines()]
    lines.append(f"GPU        {_gpu_line()}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(info())
