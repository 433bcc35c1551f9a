"""Shared variables: graph inputs whose value lives between calls, on the active backend."""

from __future__ import annotations

import numbers

import numpy as np

from .backend import get_backend, to_host
from .graph import Variable
from .tensor.type import TensorType
from .tensor.variable import TensorOperators


class SharedVariable(Variable):
    """A variable with a persistent value that compiled functions read and ``updates`` write.

    ``default_update``, when set to an expression, is used as this variable's update by every
    function that uses it and does not give another one.
    """

    def __init__(self, type, value, name=None, borrow=False):
        super().__init__(type, name=name)
        self.default_update = None
        self._value = None
        self.set_value(value, borrow=borrow)

    def get_value(self, borrow: bool = False, return_internal_type: bool = False):
        """The value as a NumPy array (a copy unless ``borrow``); the device array on request."""
        if return_internal_type:
            return self._value if borrow else self._value.copy()
        host = to_host(self._value)  # from the GPU this is already a fresh copy
        return host.copy() if host is self._value and not borrow else host

    def set_value(self, value, borrow: bool = False) -> None:
        """Replace the value; a lossy dtype change or a wrong ndim raises TypeError."""
        arr = self.type.filter(
            value, allow_downcast=None, what=f"{self.name or 'shared'}.set_value"
        )
        backend = get_backend()
        if backend.is_native(arr):
            self._value = arr if borrow and arr is value else arr.copy()
        else:
            self._value = backend.asarray(arr)

    def clone(self):
        return self  # a shared variable is unique: graph copies keep referring to it

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_value"] = to_host(self._value)  # device arrays are pickled as NumPy
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._value = get_backend().asarray(self._value)

    def __deepcopy__(self, memo):
        import copy

        new = object.__new__(type(self))
        memo[id(self)] = new
        for key, val in self.__dict__.items():
            new.__dict__[key] = (
                to_host(val).copy() if key == "_value" else copy.deepcopy(val, memo)
            )
        new._value = get_backend().asarray(new._value)
        return new


class TensorSharedVariable(TensorOperators, SharedVariable):
    """A shared variable holding a tensor."""


#: value class -> constructor, for values that are not arrays: higher layers register theirs
#: (``minitheano.random`` registers numpy's ``RandomState``), like Theano's ``shared_constructor``
shared_constructors: dict = {}


def shared(value, name=None, strict=False, allow_downcast=None, borrow=False, broadcastable=None):
    """A shared variable holding ``value``.

    Arrays keep their dtype and have no broadcastable dims (unless ``broadcastable`` says so);
    Python ints and floats become 0-d int64 and float64 (NumPy scalars keep their dtype).
    """
    if isinstance(value, Variable):
        raise TypeError(
            f"shared: the value must be an array or a number, not the variable {value}"
        )
    for value_class, constructor in shared_constructors.items():
        if isinstance(value, value_class):
            return constructor(
                value, name=name, strict=strict, allow_downcast=allow_downcast, borrow=borrow
            )
    if isinstance(value, (bool, np.bool_)):
        arr = np.asarray(value, dtype="bool")
    elif isinstance(value, numbers.Integral) and not isinstance(value, np.integer):
        arr = np.asarray(value, dtype="int64")
    elif isinstance(value, float):
        arr = np.asarray(value, dtype="float64")
    elif isinstance(value, (np.ndarray, np.generic)):
        arr = value
    elif hasattr(value, "__cuda_array_interface__"):
        arr = value  # a CuPy array stays on the device
    else:
        arr = np.asarray(value)
        if arr.dtype == object:
            raise TypeError(f"shared: cannot hold a value of type {type(value).__name__}")
    if broadcastable is None:
        broadcastable = (False,) * arr.ndim
    type_ = TensorType(str(arr.dtype), tuple(broadcastable))
    return TensorSharedVariable(type_, arr, name=name, borrow=borrow)
