"""``theano.compile.io``: function inputs and outputs with options (``In``, ``Out``)."""

from ..shared import SharedVariable
from .function import In, Out

__all__ = ["In", "Out", "SharedVariable"]
