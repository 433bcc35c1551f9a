"""minitheano: Theano's symbolic tensor framework, small and fast, on NumPy or CuPy.

import minitheano as theano
import minitheano.tensor as T
"""

# random/ and sandbox.rng_mrg are imported here, as Theano does, so that right after `import
# minitheano`, theano.shared(numpy.random.RandomState(1)) works (random/ registers it with
# shared()) and theano.sandbox.rng_mrg is there
from . import blas_threads as _blas_threads
from . import gradient, ifelse, printing, random, sandbox, scan_module, tensor
from .compile import Function, In, Mode, Out, Param, function
from .config import config
from .gradient import Lop, Rop, grad
from .graph import Apply, Constant, Variable
from .op import Op
from .sandbox import rng_mrg as _rng_mrg
from .scan import foldl, foldr, map, reduce, scan
from .shared import SharedVariable, shared

__version__ = "0.1.0"

del _rng_mrg  # imported for its binding as sandbox.rng_mrg
_blas_threads.tune(config.blas_thread_timeout)

# Theano's other top-level names, and its legacy module paths (theano.gof, theano.compat ...)
from . import compat, gof, gpuarray, scalar  # noqa: E402
from .config import change_flags  # noqa: E402
from .graph import clone  # noqa: E402
from .missing import module_getattr as _module_getattr  # noqa: E402
from .printing import pp  # noqa: E402
from .tensor import dot, get_scalar_constant_value  # noqa: E402

__getattr__ = _module_getattr(__name__)  # a Theano name minitheano lacks: say so
