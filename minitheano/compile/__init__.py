"""Compilation: graphs to programs (``function``), rewrites and profiling."""

from ..shared import SharedVariable, shared
from . import io, mode, pfunc, sharedvalue  # Theano's module paths
from .function import Function, MissingInputError, UnusedInputError, function
from .io import In, Out, Param
from .mode import Mode, get_default_mode, get_mode

__all__ = [
    "Function",
    "In",
    "Out",
    "Param",
    "Mode",
    "function",
    "MissingInputError",
    "UnusedInputError",
    "SharedVariable",
    "shared",
    "get_mode",
    "get_default_mode",
]
