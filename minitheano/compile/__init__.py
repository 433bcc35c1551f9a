"""Compilation: graphs to programs (``function``), rewrites and profiling."""

from .function import (
    Function,
    In,
    MissingInputError,
    Mode,
    Out,
    Param,
    UnusedInputError,
    function,
)

__all__ = [
    "Function",
    "In",
    "Out",
    "Param",
    "Mode",
    "function",
    "MissingInputError",
    "UnusedInputError",
]
