"""``minitheano.tensor`` (imported as ``T``): tensor types, constructors and operations."""

from . import basic as _basic
from . import extra_ops, nnet, signal  # noqa: F401  (T.extra_ops, T.nnet, T.signal)
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
    diag,
    dot,
    eye,
    identity_like,
    outer,
    tensordot,
)
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
from .subtensor import IncSubtensor, Subtensor, inc_subtensor, set_subtensor, subtensor
from .type import TensorType, as_tensor_variable, constant
from .variable import TensorConstant, TensorVariable

# the typed constructors: bscalar ... lvector, fmatrix, dtensor4 ...
globals().update({_name: getattr(_basic, _name) for _name in typed_constructors()})
as_tensor = as_tensor_variable
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


def __getattr__(name):
    # T.shared_randomstreams and T.raw_random are legacy paths into minitheano.random, a layer
    # above this package: imported on first use, so that importing tensor/ imports no random/
    if name in ("shared_randomstreams", "raw_random"):
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    if name in ("jacobian", "hessian"):  # built with scan, a layer above: T.jacobian re-exports
        import importlib

        return getattr(importlib.import_module(f"{__package__.rpartition('.')[0]}.scan"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
