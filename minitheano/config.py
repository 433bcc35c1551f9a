"""Global configuration: ``floatX``, ``device`` and flags read from the environment.

Flags come from ``MINITHEANO_FLAGS`` (or Theano's ``THEANO_FLAGS``) as comma-separated
``name=value`` pairs, e.g. ``MINITHEANO_FLAGS="floatX=float32,device=cpu"``. Every flag can also be
set at run time: ``minitheano.config.floatX = 'float32'``.
"""

from __future__ import annotations

import os

_FLOAT_DTYPES = ("float16", "float32", "float64")
_DEVICE_ALIASES = {"cpu": "cpu", "cuda": "cuda", "gpu": "cuda"}


def normalize_device(name: str) -> str:
    """Map Theano's device spellings (``cpu``, ``cuda``, ``cuda0``, ``gpu``...) to cpu|cuda."""
    base = name.strip().lower().rstrip("0123456789")
    if base not in _DEVICE_ALIASES:
        raise ValueError(
            f"config.device: unknown device {name!r}; use 'cpu' or 'cuda' (also cuda0, gpu)"
        )
    return _DEVICE_ALIASES[base]


class Config:
    """The process-wide settings object, exposed as ``minitheano.config``.

    Flags are ordinary instance attributes (validated when set), so ``vars(config)`` lists
    them and tools that save and restore attributes (``monkeypatch.setattr``) work as usual.
    """

    def __init__(self) -> None:
        self.floatX = "float64"
        self.device = "cpu"
        self.mode = "FAST_RUN"
        self.on_unused_input = "raise"
        self.profile = False
        self.threads = 0  # 0: one per CPU (intra-op parallelism of NumPy work)
        self.blas_thread_timeout = 4  # OpenBLAS idle threads spin 2**4 cycles; 0: untouched
        for name, value in _parse_flags(os.environ).items():
            setattr(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        if name == "floatX" and value not in _FLOAT_DTYPES:
            raise ValueError(f"config.floatX must be one of {_FLOAT_DTYPES}, got {value!r}")
        if name == "device":
            value = normalize_device(value)
        if name == "profile" and isinstance(value, str):
            value = value.lower() in ("1", "true", "yes")
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str):  # only called for names that are not set
        raise AttributeError(f"config has no flag {name!r}")

    def change_flags(self, **flags):
        """Context manager that sets flags and restores them on exit."""
        return _ChangeFlags(self, flags)

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


class _ChangeFlags:
    def __init__(self, config: Config, flags: dict) -> None:
        self.config, self.flags, self.saved = config, flags, {}

    def __enter__(self):
        for name, value in self.flags.items():
            self.saved[name] = getattr(self.config, name)
            setattr(self.config, name, value)
        return self.config

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            setattr(self.config, name, value)


def _parse_flags(environ) -> dict:
    flags = {}
    # THEANO_FLAGS first so that MINITHEANO_FLAGS wins where both set a flag.
    for var in ("THEANO_FLAGS", "MINITHEANO_FLAGS"):
        for item in environ.get(var, "").split(","):
            if "=" in item:
                name, value = item.split("=", 1)
                name = name.strip()
                if name in ("floatX", "device", "mode", "profile"):
                    flags[name] = value.strip()
                elif name in ("threads", "blas_thread_timeout"):
                    flags[name] = int(value)
    return flags


config = Config()
