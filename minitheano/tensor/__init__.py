"""``minitheano.tensor`` (imported as ``T``): tensor types, constructors and operations."""

from ..graph import Apply, Constant, Variable  # Theano's T.Variable ...
from ..missing import missing_attribute as _missing_attribute
from ..op import Op
from . import basic as _basic
from . import extra_ops, nlinalg, nnet, opt, signal, slinalg  # noqa: F401  (T.extra_ops ...)
from . import type as _type
from .basic import (
    Alloc,
    ARange,
    Join,
    alloc,
    arange,
    col,
    concatenate,
    fill,
    horizontal_stack,
    join,
    matrix,
    ones,
    ones_like,
    row,
    scalar,
    second,
    stack,
    tensor,
    tensor3,
    tensor4,
    tensor5,
    typed_constructors,
    vector,
    vertical_stack,
    zeros,
    zeros_like,
)
from .diag import AllocDiag, ExtractDiag, diag, diagonal, tri, tril, triu
from .elemwise import (
    Elemwise,
    abs,
    abs_,
    add,
    and_,
    arccos,
    arcsin,
    arctan,
    cast,
    ceil,
    clip,
    cos,
    cosh,
    eq,
    exp,
    exp2,
    expm1,
    floor,
    floor_div,
    ge,
    gt,
    int_div,
    inv,
    invert,
    isinf,
    isnan,
    largest,
    le,
    log,
    log1p,
    log2,
    log10,
    lt,
    maximum,
    minimum,
    mod,
    mul,
    neg,
    neq,
    or_,
    pow,
    relu,
    round,
    sgn,
    sigmoid,
    sign,
    sin,
    sinh,
    smallest,
    softplus,
    sqr,
    sqrt,
    sub,
    switch,
    tan,
    tanh,
    true_div,
    where,
    xor,
)
from .elemwise import sqr as square
from .extra_ops import (
    cumprod,
    cumsum,
    diff,
    flatnonzero,
    nonzero,
    nonzero_values,
    repeat,
    squeeze,
    tile,
    to_one_hot,
)
from .linalg import (
    BatchedDot,
    Dot,
    batched_dot,
    dot,
    eye,
    identity_like,
    outer,
    tensordot,
)
from .rearrange import mgrid, ogrid, roll, stacklists, swapaxes, take, tensor_copy
from .reduce import (
    all,
    any,
    argmax,
    argmin,
    max,
    max_and_argmax,
    mean,
    min,
    prod,
    ptp,
    std,
    sum,
    var,
)
from .shape import (
    DimShuffle,
    Flatten,
    Reshape,
    Shape,
    addbroadcast,
    dimshuffle,
    flatten,
    patternbroadcast,
    reshape,
    shape,
    shape_padaxis,
    shape_padleft,
    shape_padright,
    transpose,
    unbroadcast,
)
from .sort import argsort, sort
from .static_values import (
    EmptyConstantError,
    NotScalarConstantError,
    extract_constant,
    get_scalar_constant_value,
    get_vector_length,
)
from .subtensor import IncSubtensor, Subtensor, inc_subtensor, set_subtensor, subtensor
from .type import TensorType, as_tensor_variable, constant
from .variable import TensorConstant, TensorVariable

# the typed constructors: bscalar ... lvector, fmatrix, dtensor4 ...
globals().update({_name: getattr(_basic, _name) for _name in typed_constructors()})
as_tensor = as_tensor_variable
# Theano's dtype lists (`x.dtype in T.float_dtypes`)
float_dtypes = list(_type.FLOAT_DTYPES)
int_dtypes = [d for d in _type.INT_DTYPES if d.startswith("int")]
uint_dtypes = [d for d in _type.INT_DTYPES if d.startswith("uint")]
discrete_dtypes = list(_type.DISCRETE_DTYPES)
complex_dtypes = ["complex64", "complex128"]
continuous_dtypes = float_dtypes + complex_dtypes
_tensor_py_operators = TensorVariable


def grad(cost, wrt, consider_constant=None, disconnected_inputs="raise", **kwargs):
    """``T.grad``: see ``minitheano.gradient.grad``."""
    from ..gradient import grad as grad_

    return grad_(
        cost,
        wrt,
        consider_constant=consider_constant,
        disconnected_inputs=disconnected_inputs,
        **kwargs,
    )


_FROM_GRADIENT = (
    "verify_grad Lop Rop consider_constant grad_not_implemented grad_undefined numeric_grad"
).split()


def __getattr__(name):
    # T.shared_randomstreams and T.raw_random are legacy paths into minitheano.random, a layer
    # above this package: imported on first use, so that importing tensor/ imports no random/
    if name in ("shared_randomstreams", "raw_random"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name in ("permute_row_elements", "PermuteRowElements"):  # random/ is a layer above
        import importlib

        return getattr(importlib.import_module("minitheano.random.permute_rows"), name)
    if name in _FROM_GRADIENT:  # T.verify_grad ...: gradient/ is a layer above
        import importlib

        gradient = importlib.import_module(f"{__package__.rpartition('.')[0]}.gradient")
        if name in vars(gradient):
            return vars(gradient)[name]
    if name in ("jacobian", "hessian"):  # built with scan, a layer above: T.jacobian re-exports
        import importlib

        return getattr(importlib.import_module(f"{__package__.rpartition('.')[0]}.scan"), name)
    raise _missing_attribute(__name__, name)
