"""Tensor variables: Python operators, methods and properties shared by every tensor variable."""

from __future__ import annotations

import importlib

import numpy as np

from ..graph import Constant, Variable
from ..missing import missing_attribute


def _T():
    # The operators live in minitheano.tensor, which imports this module: resolve lazily.
    return importlib.import_module("minitheano.tensor")


class TensorOperators:
    """Arithmetic, comparison, indexing and method sugar for tensor variables."""

    # Results of < <= > >= raise in a boolean context (so `a < b < c` cannot silently misbehave).
    _is_nonzero = True
    # `ndarray + variable` must give a variable: NumPy defers to our reflected operators
    __array_priority__ = 1000
    __array_ufunc__ = None

    def __bool__(self):
        if self._is_nonzero:
            return True
        raise TypeError(
            "Variables do not support boolean operations: the result of < <= > >= "
            "is symbolic; use T.and_/T.or_ or evaluate it first"
        )

    # arithmetic
    def __add__(self, other):
        return _T().add(self, other)

    def __radd__(self, other):
        return _T().add(other, self)

    def __sub__(self, other):
        return _T().sub(self, other)

    def __rsub__(self, other):
        return _T().sub(other, self)

    def __mul__(self, other):
        return _T().mul(self, other)

    def __rmul__(self, other):
        return _T().mul(other, self)

    def __truediv__(self, other):
        return _T().true_div(self, other)

    def __rtruediv__(self, other):
        return _T().true_div(other, self)

    def __floordiv__(self, other):
        return _T().int_div(self, other)

    def __rfloordiv__(self, other):
        return _T().int_div(other, self)

    def __mod__(self, other):
        return _T().mod(self, other)

    def __rmod__(self, other):
        return _T().mod(other, self)

    def __pow__(self, other):
        return _T().pow(self, other)

    def __rpow__(self, other):
        return _T().pow(other, self)

    def __neg__(self):
        return _T().neg(self)

    def __abs__(self):
        return _T().abs_(self)

    def __and__(self, other):
        return _T().and_(self, other)

    def __rand__(self, other):
        return _T().and_(other, self)

    def __or__(self, other):
        return _T().or_(self, other)

    def __ror__(self, other):
        return _T().or_(other, self)

    def __xor__(self, other):
        return _T().xor(self, other)

    def __rxor__(self, other):
        return _T().xor(other, self)

    def __divmod__(self, other):
        return _T().int_div(self, other), _T().mod(self, other)

    def __rdivmod__(self, other):
        return _T().int_div(other, self), _T().mod(other, self)

    def __ceil__(self):
        return _T().ceil(self)

    def __floor__(self):
        return _T().floor(self)

    def __invert__(self):
        return _T().invert(self)

    # comparisons (== and != stay identity, as in Theano: use T.eq / T.neq)
    def __lt__(self, other):
        return _nonbool(_T().lt(self, other))

    def __le__(self, other):
        return _nonbool(_T().le(self, other))

    def __gt__(self, other):
        return _nonbool(_T().gt(self, other))

    def __ge__(self, other):
        return _nonbool(_T().ge(self, other))

    __hash__ = Variable.__hash__

    # properties
    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def broadcastable(self) -> tuple:
        return self.type.broadcastable

    @property
    def shape(self):
        return _T().shape(self)

    @property
    def size(self):
        return self.shape[0] if self.ndim == 1 else _T().prod(self.shape)

    @property
    def T(self):
        return self.transpose()

    def __len__(self):
        # known for vectors such as x.shape (so `a, b = x.shape` and zip(..., x.shape) work)
        try:
            return _T().get_vector_length(self)
        except (TypeError, ValueError):
            raise TypeError(
                f"len() of {self} ({self.type}) is not known before it runs; use x.shape[0]"
            ) from None

    def __iter__(self):
        try:
            n = _T().get_vector_length(self)
        except TypeError:
            raise TypeError(
                f"{self} ({self.type}) is not iterable: only vectors of known length are (is "
                f"this Python's sum or max instead of T.sum or T.max?)"
            ) from None
        return (self[i] for i in range(n))

    def __getattr__(self, name):  # only called for names not found: say if Theano has it
        raise missing_attribute(
            "minitheano.tensor.TensorVariable", name, f"{type(self).__name__} object"
        )

    # methods
    def __getitem__(self, index):
        if isinstance(index, list) and any(isinstance(i, slice) for i in index):
            index = tuple(index)  # NumPy's old rule, kept by Theano: x[[slice(2), 0]] is x[:2, 0]
        return _T().subtensor(self, index)

    def dimshuffle(self, *pattern):
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = tuple(pattern[0])
        return _T().dimshuffle(self, pattern)

    def transpose(self, *axes):
        if not axes:
            axes = tuple(range(self.ndim - 1, -1, -1))
        elif len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = tuple(axes[0])
        return self.dimshuffle(axes)

    def reshape(self, shape, ndim=None):
        return _T().reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1, outdim=None):
        return _T().flatten(self, ndim if outdim is None else outdim)

    def ravel(self):
        return _T().flatten(self)

    def swapaxes(self, axis1, axis2):
        return _T().swapaxes(self, axis1, axis2)

    def squeeze(self):
        return _T().squeeze(self)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return _T().diagonal(self, offset, axis1, axis2)

    def trace(self):
        return _T().nlinalg.trace(self)

    def take(self, indices, axis=None, mode="raise"):
        return _T().take(self, indices, axis, mode)

    def repeat(self, repeats, axis=None):
        return _T().repeat(self, repeats, axis)

    def copy(self, name=None):
        """A symbolic copy of this variable, named ``name`` (the tag is not copied)."""
        copied = _T().tensor_copy(self)
        copied.name = name
        return copied

    def transfer(self, target):
        """Theano's move to a device: the one backend holds every value, so this variable."""
        return self

    def fill(self, value):
        return _T().fill(self, value)

    def astype(self, dtype):
        return _T().cast(self, dtype)

    def sum(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().sum(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def mean(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().mean(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def prod(self, axis=None, dtype=None, keepdims=False, acc_dtype=None):
        return _T().prod(self, axis=axis, dtype=dtype, keepdims=keepdims, acc_dtype=acc_dtype)

    def max(self, axis=None, keepdims=False):
        return _T().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return _T().min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False):
        return _T().argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False):
        return _T().argmin(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return _T().var(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def std(self, axis=None, ddof=0, keepdims=False, corrected=False):
        return _T().std(self, axis=axis, ddof=ddof, keepdims=keepdims, corrected=corrected)

    def any(self, axis=None, keepdims=False):
        return _T().any(self, axis=axis, keepdims=keepdims)

    def all(self, axis=None, keepdims=False):
        return _T().all(self, axis=axis, keepdims=keepdims)

    def ptp(self, axis=None):
        return _T().ptp(self, axis)

    def cumsum(self, axis=None):
        return _T().cumsum(self, axis)

    def cumprod(self, axis=None):
        return _T().cumprod(self, axis)

    def norm(self, L=2, axis=None, keepdims=False):
        """The ``L``-norm over ``axis``: ``sum(|x| ** L) ** (1 / L)``."""
        if L == 0 or np.isinf(L):
            raise NotImplementedError(f"norm: L={L} is not supported (as in Theano)")
        if L == 2:
            return _T().sqrt(_T().sum(self * self, axis=axis, keepdims=keepdims))
        return _T().sum(abs(self) ** L, axis=axis, keepdims=keepdims) ** (1.0 / L)

    def clip(self, a_min, a_max):
        return _T().clip(self, a_min, a_max)

    def round(self, mode=None):
        return _T().round(self) if mode is None else _T().round(self, mode)

    def nonzero(self, return_matrix=False):
        return _T().nonzero(self, return_matrix=return_matrix)

    def nonzero_values(self):
        return _T().nonzero_values(self)

    def sort(self, axis=-1, kind="quicksort", order=None):
        return _T().sort(self, axis, kind, order)

    def argsort(self, axis=-1, kind="quicksort", order=None):
        return _T().argsort(self, axis, kind, order)

    def get_scalar_constant_value(self):
        return _T().get_scalar_constant_value(self)

    def dot(self, other):
        return _T().dot(self, other)

    __dot__ = dot

    def __rdot__(self, other):
        return _T().dot(other, self)

    def __matmul__(self, other):
        return _T().dot(self, other)

    def __rmatmul__(self, other):
        return _T().dot(other, self)

    def zeros_like(self, dtype=None):
        return _T().zeros_like(self, dtype=dtype)

    def ones_like(self, dtype=None):
        return _T().ones_like(self, dtype=dtype)

    def eval(self, inputs_to_values=None):
        """Compile and run a function computing this variable (convenient in tests and demos)."""
        from ..compile.function import function

        inputs_to_values = inputs_to_values or {}
        inputs = list(inputs_to_values)
        return function(inputs, self, on_unused_input="ignore")(
            *[inputs_to_values[i] for i in inputs]
        )


def _unary_method(name):
    def method(self):
        return getattr(_T(), name)(self)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"``T.{name}`` of this variable."
    return method


# elementwise functions Theano also has as methods (x.exp(), x.tanh() ...)
for _name in (
    "arccos arcsin arctan ceil cos cosh exp exp2 expm1 floor log log10 log1p log2 sin sinh "
    "sqrt tan tanh"
).split():
    setattr(TensorOperators, _name, _unary_method(_name))


def _nonbool(var):
    var._is_nonzero = False
    return var


class TensorVariable(TensorOperators, Variable):
    """A symbolic tensor: a graph input or the output of an op."""


class TensorConstant(TensorOperators, Constant):
    """A tensor with a fixed value (``.data``, also ``.value``)."""

    @property
    def value(self) -> np.ndarray:
        return self.data
