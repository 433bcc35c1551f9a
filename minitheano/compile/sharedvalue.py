"""``theano.compile.sharedvalue``: shared variables."""

from ..shared import SharedVariable, shared

__all__ = ["SharedVariable", "shared"]
