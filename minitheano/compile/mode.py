"""``theano.compile.mode``: how ``function`` compiles (``Mode``) and the named modes."""

from __future__ import annotations

from dataclasses import dataclass

from ..config import config

__all__ = ["FAST_COMPILE", "FAST_RUN", "Mode", "get_default_mode", "get_mode", "predefined_modes"]


@dataclass(frozen=True)
class Mode:
    """How to compile: ``optimizer`` is ``'fast_run'`` (all rewrites), ``'fast_compile'``
    (merge only) or ``None`` (no rewrite); ``excluding`` names passes to skip."""

    linker: str | None = "py"
    optimizer: str | None = "fast_run"
    excluding_passes: tuple = ()

    def excluding(self, *names: str) -> "Mode":
        """This mode without the named passes (e.g. ``'fuse'``, ``'stabilize'``)."""
        return Mode(self.linker, self.optimizer, self.excluding_passes + tuple(names))

    def including(self, *tags: str) -> "Mode":
        """Theano's request for optional rewrites: the passes of this mode already run."""
        return self

    requiring = including


_MODES = {
    "FAST_RUN": Mode(optimizer="fast_run"),
    "FAST_COMPILE": Mode(optimizer="fast_compile"),
    "NONE": Mode(optimizer=None),
}


#: Theano's ``config.optimizer`` values -> this package's optimizer levels
_OPTIMIZERS = {"None": None, "merge": "fast_compile", "fast_compile": "fast_compile"}


def get_mode(mode) -> Mode:
    """The ``Mode`` for ``mode`` (None: ``config.mode``; Theano's default mode ``'Mode'``, and
    ``FAST_RUN`` when ``config.optimizer`` was changed, follow ``config.optimizer``)."""
    if mode is None:
        mode = config.mode
    if isinstance(mode, Mode):
        return mode
    if isinstance(mode, str) and (
        mode == "Mode" or (mode.upper() == "FAST_RUN" and config.optimizer != "fast_run")
    ):
        return Mode(optimizer=_OPTIMIZERS.get(config.optimizer, "fast_run"))
    if isinstance(mode, str) and mode.upper() in _MODES:
        return _MODES[mode.upper()]
    raise ValueError(f"function: unknown mode {mode!r}; use 'FAST_RUN', 'FAST_COMPILE' or a Mode")


def get_default_mode() -> Mode:
    """The mode ``function`` uses when given none."""
    return get_mode(None)


def passes_for(mode: Mode):
    from ..tensor.rewrites import FAST_COMPILE_PASSES, FAST_RUN_PASSES

    passes = {"fast_run": FAST_RUN_PASSES, "fast_compile": FAST_COMPILE_PASSES, None: ()}[
        mode.optimizer
    ]
    return tuple(p for p in passes if p.name not in mode.excluding_passes)


FAST_RUN = _MODES["FAST_RUN"]
FAST_COMPILE = _MODES["FAST_COMPILE"]
predefined_modes = dict(_MODES)
