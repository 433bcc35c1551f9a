"""Global configuration: ``floatX``, ``device`` and flags read from the environment.

Flags come from ``MINITHEANO_FLAGS`` (or Theano's ``THEANO_FLAGS``) as comma-separated
``name=value`` pairs, e.g. ``MINITHEANO_FLAGS="floatX=float32,device=cpu"``. Every flag can also be
set at run time: ``minitheano.config.floatX = 'float32'``. Theano's grouped flags are nested
namespaces: ``config.warn.round``, ``config.gpuarray.preallocate``, ``config.dnn.conv.algo_fwd``.
"""

from __future__ import annotations

import os

_FLOAT_DTYPES = ("float16", "float32", "float64")
_DEVICE_ALIASES = {"cpu": "cpu", "cuda": "cuda", "gpu": "cuda"}
_TEST_VALUE_MODES = ("off", "ignore", "warn", "raise", "pdb")
# flags whose value is one of a few strings, as in Theano 1.0
_CHOICES = {
    "compute_test_value": _TEST_VALUE_MODES,
    "compute_test_value_opt": _TEST_VALUE_MODES,
    "optimizer": ("o4", "o3", "o2", "o1", "unsafe", "fast_run", "fast_compile", "merge", "None"),
    "exception_verbosity": ("low", "high"),
    "on_unused_input": ("raise", "warn", "ignore"),
    "gpuarray.sched": ("default", "multi", "single"),
    "dnn.enabled": ("auto", "True", "False", "no_check"),
}


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
        # Theano's debugging and optimizer flags (``optimizer``: see ``compile.function.get_mode``)
        self.compute_test_value = "off"  # evaluate each node as it is built: off|warn|raise
        self.compute_test_value_opt = "off"
        self.print_test_value = False
        self.optimizer = "fast_run"
        self.optimizer_including = self.optimizer_excluding = self.optimizer_requiring = ""
        self.exception_verbosity = "low"
        self.linker = "cvm"  # accepted; minitheano has one executor
        self.allow_gc = True
        self.warn_float64 = "ignore"
        # Theano's grouped flags, accepted so that code setting or reading them runs
        self.warn = Section("warn", ignore_bug_before="0.9", round=False, **_WARN_FLAGS)
        self.traceback = Section("traceback", limit=8, compile_limit=0)
        self.gpuarray = Section(
            "gpuarray", preallocate=0.0, sched="default", single_stream=True, sync=False
        )
        self.dnn = Section(
            "dnn",
            enabled="auto",
            include_path="",
            library_path="",
            conv=Section(
                "dnn.conv",
                algo_fwd="small",
                algo_bwd_data="none",
                algo_bwd_filter="none",
                precision="as_input_f32",
            ),
        )
        for name, value in _parse_flags(os.environ).items():
            try:
                set_flag(self, name, value)
            except AttributeError:  # a flag minitheano does not know (blas.ldflags ...)
                pass

    def __setattr__(self, name: str, value) -> None:
        if name == "floatX" and value not in _FLOAT_DTYPES:
            raise ValueError(f"config.floatX must be one of {_FLOAT_DTYPES}, got {value!r}")
        if name == "device":
            value = normalize_device(value)
        if name in vars(self):
            value = _checked(name, value, getattr(self, name))
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str):  # only called for names that are not set
        raise AttributeError(f"config has no flag {name!r}")

    def change_flags(self, args=(), **flags):
        """Set flags (``name=value``; dotted names in ``args``, a dict) and restore them on exit;
        also a decorator."""
        return _ChangeFlags(self, {**dict(args), **flags})

    def __repr__(self) -> str:
        return "Config(" + ", ".join(f"{k}={v!r}" for k, v in vars(self).items()) + ")"


class Section:
    """A nested namespace of flags (``config.warn``, ``config.dnn.conv`` ...): plain attributes,
    checked when set; unknown names are refused."""

    def __init__(self, name: str, **flags) -> None:
        object.__setattr__(self, "_name", name)
        for key, value in flags.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value) -> None:
        if key not in vars(self) or isinstance(getattr(self, key), Section):
            raise AttributeError(f"config.{self._name} has no flag {key!r}")
        object.__setattr__(self, key, _checked(f"{self._name}.{key}", value, getattr(self, key)))

    def __getattr__(self, key: str):  # only called for names that are not set
        raise AttributeError(f"config.{self._name} has no flag {key!r}")

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if k != "_name")
        return f"Section({self._name}: {items})"


_WARN_FLAGS = {
    name: False
    for name in (
        "argmax_pushdown_bug",
        "gpusum_01_011_0111_bug",
        "sum_sum_bug",
        "sum_div_dimshuffle_bug",
        "subtensor_merge_bug",
        "gpu_set_subtensor1",
        "vm_gc_bug",
        "signal_conv2d_interface",
        "reduce_join",
        "inc_set_subtensor1",
    )
}
_WARN_FLAGS["inc_subtensor1_opt"] = True


def _checked(name: str, value, current):
    """``value`` for the flag ``name`` (dotted), converted to the type of ``current``."""
    if name == "floatX" and value not in _FLOAT_DTYPES:
        raise ValueError(f"config.floatX must be one of {_FLOAT_DTYPES}, got {value!r}")
    if name == "device":
        return normalize_device(value)
    if isinstance(current, bool) and isinstance(value, str):
        if value.lower() not in ("1", "true", "yes", "0", "false", "no"):
            raise ValueError(f"config.{name} must be True or False, got {value!r}")
        return value.lower() in ("1", "true", "yes")
    if isinstance(current, bool) or current is None:
        return value
    if isinstance(current, (int, float)) and isinstance(value, str):
        return type(current)(value)
    if name == "dnn.enabled" and isinstance(value, bool):
        value = str(value)
    if name in _CHOICES and value not in _CHOICES[name]:
        raise ValueError(f"config.{name} must be one of {_CHOICES[name]}, got {value!r}")
    return value


def _owner(config: Config, name: str):
    """The object holding the (dotted) flag ``name`` and its last part."""
    *path, last = name.split(".")
    owner = config
    for part in path:
        owner = getattr(owner, part)
        if not isinstance(owner, Section):
            raise AttributeError(f"config has no flag group {part!r}")
    return owner, last


def get_flag(config: Config, name: str):
    """The value of the flag ``name`` (dotted for grouped flags: ``'warn.round'``)."""
    owner, last = _owner(config, name)
    return getattr(owner, last)


def set_flag(config: Config, name: str, value) -> None:
    """Set the flag ``name`` (dotted for grouped flags), checked as an assignment is."""
    owner, last = _owner(config, name)
    if owner is config and last not in vars(config):
        raise AttributeError(f"config has no flag {name!r}")
    setattr(owner, last, value)


class _ChangeFlags:
    def __init__(self, config: Config, flags: dict) -> None:
        self.config, self.flags, self.saved = config, flags, []

    def __enter__(self):
        for name, value in self.flags.items():
            self.saved.append((name, get_flag(self.config, name)))
            set_flag(self.config, name, value)
        return self.config

    def __exit__(self, *exc):
        for name, value in reversed(self.saved):
            set_flag(self.config, name, value)
        self.saved = []

    def __call__(self, fn):
        """As a decorator: ``fn`` runs with the flags set."""
        import functools

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with _ChangeFlags(self.config, self.flags):
                return fn(*args, **kwargs)

        return wrapped


def _parse_flags(environ) -> dict:
    flags = {}
    # THEANO_FLAGS first so that MINITHEANO_FLAGS wins where both set a flag.
    for var in ("THEANO_FLAGS", "MINITHEANO_FLAGS"):
        for item in environ.get(var, "").split(","):
            if "=" in item:
                name, value = item.split("=", 1)
                flags[name.strip()] = value.strip()
    return flags


config = Config()


def change_flags(args=(), **flags):
    """``theano.change_flags``: set flags for a ``with`` block or a decorated function."""
    return config.change_flags(args, **flags)
