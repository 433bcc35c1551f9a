"""minitheano: Theano's symbolic tensor framework, small and fast, on NumPy or CuPy.

import minitheano as theano
import minitheano.tensor as T
"""

from . import blas_threads as _blas_threads
from . import gradient, printing, tensor
from .compile import Function, In, Mode, Out, Param, function
from .config import config
from .gradient import grad
from .graph import Apply, Constant, Variable
from .op import Op
from .shared import SharedVariable, shared

__version__ = "0.1.0"

_blas_threads.tune(config.blas_thread_timeout)
