"""Theano's legacy path ``theano.scan_module``: re-exports of ``minitheano.scan``."""

from ..scan import Scan, foldl, foldr, map, reduce, scan, until
from . import scan_utils

__all__ = ["scan", "map", "reduce", "foldl", "foldr", "until", "Scan", "scan_utils"]
