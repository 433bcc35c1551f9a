"""Loops in graphs: ``scan`` and its views ``map``, ``reduce``, ``foldl``, ``foldr``.

One ``Scan`` op holds the loop body as an inner graph compiled once into a ``Program``; its
gradient is another scan (back-propagation through time), so second derivatives work.
``jacobian`` and ``hessian`` take one gradient per row with a scan.
"""

from .builder import scan
from .jacobian import hessian, jacobian
from .op import InnerGraph, Scan
from .run import ScanStep, ScanThunk
from .utils import OrderedUpdates, equal_computations, until
from .views import foldl, foldr, map, reduce

__all__ = [
    "scan",
    "map",
    "reduce",
    "foldl",
    "foldr",
    "until",
    "Scan",
    "InnerGraph",
    "ScanStep",
    "ScanThunk",
    "OrderedUpdates",
    "equal_computations",
    "jacobian",
    "hessian",
]
