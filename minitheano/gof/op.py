"""``theano.gof.op``: the Op base class and test values."""

from ..op import Op, compute_test_values, get_test_value

__all__ = ["Op", "compute_test_values", "get_test_value"]
