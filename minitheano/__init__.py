"""minitheano: Theano's symbolic tensor framework, small and fast, on NumPy or CuPy.

import minitheano as theano
import minitheano.tensor as T
"""

import os as _os
import sys as _sys

if "numpy" not in _sys.modules:
    # OpenBLAS's worker threads spin for a while after each GEMM, holding the core that our
    # threaded NumPy work (im2col, pooling, fused elementwise) needs next: let them sleep at
    # once. Only effective before NumPy loads OpenBLAS, so import minitheano first.
    _os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "4")
from . import (  # noqa: F401
    gradient,
    printing,  # noqa: F401,E402
    tensor,
)
from .compile import Function, In, Mode, Param, function  # noqa: F401
from .config import config  # noqa: F401
from .gradient import grad  # noqa: F401
from .graph import Apply, Constant, Variable  # noqa: F401
from .op import Op  # noqa: F401
from .shared import SharedVariable, shared  # noqa: F401

__version__ = "0.1.0"
