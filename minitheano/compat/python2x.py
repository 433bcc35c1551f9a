"""``theano.compat.python2x`` (older Theano versions): the same names as ``theano.compat``."""

from . import *  # noqa: F403
from . import OrderedDict, izip  # noqa: F401
