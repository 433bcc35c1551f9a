"""``theano.compat``: the Python 2/3 names legacy code imports (Python 3 only here)."""

import collections.abc
import io
from collections import OrderedDict

PY3 = True
izip = zip
imap = map
ifilter = filter
BytesIO = io.BytesIO
Callable = collections.abc.Callable
Iterable = collections.abc.Iterable
Mapping = collections.abc.Mapping

__all__ = [
    "PY3",
    "BytesIO",
    "Callable",
    "Iterable",
    "Mapping",
    "OrderedDict",
    "ifilter",
    "imap",
    "izip",
]
