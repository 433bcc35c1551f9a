"""``minitheano.tensor`` (imported as ``T``): tensor types, constructors and operations."""

from . import basic as _basic
from . import nnet, signal  # noqa: F401  (T.nnet, T.signal)
from .basic import (
    Alloc,
    ARange,
    Join,
    alloc,
    arange,
    col,
    concatenate,
    fill,
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
    zeros,
    zeros_like,
)
from .elemwise import (
    Elemwise,
    abs,
    abs_,
    add,
    and_,
    cast,
    ceil,
    clip,
    cos,
    eq,
    exp,
    expm1,
    floor,
    floor_div,
    ge,
    gt,
    int_div,
    invert,
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
    softplus,
    sqr,
    sqrt,
    sub,
    switch,
    tanh,
    true_div,
    xor,
)
from .linalg import Dot, dot, outer
from .reduce import argmax, argmin, max, max_and_argmax, mean, min, prod, std, sum, var
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
    unbroadcast,
)
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
