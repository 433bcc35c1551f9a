"""Compilation: graphs to programs (``function``), rewrites and profiling."""

from .function import Function, In, MissingInputError, Mode, Param, UnusedInputError, function

__all__ = ["Function", "In", "Param", "Mode", "function", "MissingInputError", "UnusedInputError"]
