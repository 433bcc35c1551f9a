"""Tensor variables: Python operators, methods and properties shared by every tensor variable."""

from __future__ import annotations

import importlib

import numpy as np

from ..graph import Constant, Variable


def _T():
    # The operators live in minitheano.tensor, which imports this module: resolve lazily.
    return importlib.import_module("minitheano.tensor")


class TensorOperators:
    """Arithmetic, comparison, indexing and method sugar for tensor variables."""

    # Results of < <= > >= raise in a boolean context (so `a < b < c` cannot silently misbehave).
    _is_nonzero = True

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
        return _T().prod(self.shape)

    @property
    def T(self):
        return self.transpose()

    def __len__(self):
        raise TypeError("len() of a symbolic variable is unknown; use x.shape[0]")

    def __iter__(self):
        raise TypeError("a symbolic variable is not iterable")

    # methods
    def __getitem__(self, index):
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

    def var(self, axis=None, keepdims=False):
        return _T().var(self, axis=axis, keepdims=keepdims)

    def std(self, axis=None, keepdims=False):
        return _T().std(self, axis=axis, keepdims=keepdims)

    def norm(self, L=2, axis=None):
        return (
            _T().sqrt(_T().sum(self**2, axis=axis))
            if L == 2
            else _T().sum(abs(self) ** L, axis=axis) ** (1.0 / L)
        )

    def clip(self, a_min, a_max):
        return _T().clip(self, a_min, a_max)

    def round(self, mode="half_to_even"):
        return _T().round(self, mode)

    def dot(self, other):
        return _T().dot(self, other)

    def __matmul__(self, other):
        return _T().dot(self, other)

    def __rmatmul__(self, other):
        return _T().dot(other, self)

    def exp(self):
        return _T().exp(self)

    def log(self):
        return _T().log(self)

    def sqrt(self):
        return _T().sqrt(self)

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
