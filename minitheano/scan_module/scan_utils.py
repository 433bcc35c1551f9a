"""Theano's legacy path ``theano.scan_module.scan_utils``: re-exports."""

from ..scan.utils import OrderedUpdates, equal_computations, until

__all__ = ["equal_computations", "until", "OrderedUpdates"]
