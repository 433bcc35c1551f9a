"""``theano.compile.mode``: how ``function`` compiles (``Mode``) and the named modes."""

from .function import _MODES, Mode, get_default_mode, get_mode

FAST_RUN = _MODES["FAST_RUN"]
FAST_COMPILE = _MODES["FAST_COMPILE"]
predefined_modes = dict(_MODES)

__all__ = ["FAST_COMPILE", "FAST_RUN", "Mode", "get_default_mode", "get_mode", "predefined_modes"]
