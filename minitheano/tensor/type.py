"""``TensorType``, dtype rules and the conversion of Python/NumPy values to graph variables."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ..config import config

ALL_DTYPES = (
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "float32",
    "float64",
    "complex64",
    "complex128",
)
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
FLOAT_DTYPES = ("float16", "float32", "float64")
DISCRETE_DTYPES = ("bool",) + INT_DTYPES

_NDIM_NAMES = {0: "scalar", 1: "vector", 2: "matrix", 3: "tensor3", 4: "tensor4", 5: "tensor5"}


def upcast(*dtypes: str) -> str:
    """The dtype NumPy gives when combining arrays of these dtypes (int32 x float32 -> float64)."""
    return str(np.result_type(*[np.dtype(d) for d in dtypes]))


def upcast_to_float(*dtypes: str) -> str:
    """The float dtype of a transcendental function of these dtypes (Theano's rule)."""
    dtype = upcast(*dtypes)
    if dtype in FLOAT_DTYPES or dtype.startswith("complex"):
        return dtype
    if dtype in ("bool", "int8", "uint8", "int16", "uint16"):
        return "float32"
    return "float64"


@dataclass(frozen=True)
class TensorType:
    """The type of a tensor: its ``dtype`` and which dims are ``broadcastable`` (known size 1).

    ``name`` only labels the type when printed (two types with equal dtype and pattern are equal).
    """

    dtype: str
    broadcastable: tuple
    name: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        dtype = str(np.dtype(self.dtype))
        if dtype not in ALL_DTYPES:
            raise TypeError(f"TensorType: unsupported dtype {self.dtype!r}")
        object.__setattr__(self, "dtype", dtype)
        object.__setattr__(self, "broadcastable", tuple(bool(b) for b in self.broadcastable))

    @property
    def ndim(self) -> int:
        return len(self.broadcastable)

    def __call__(self, name=None):
        """A new input variable of this type."""
        from .variable import TensorVariable

        return TensorVariable(self, name=name)

    make_variable = __call__

    def filter_variable(self, other):
        """``other`` as a variable of this type: the same dtype and ndim, and broadcastable dims
        where this type has them (a ``row`` passes for a ``matrix``); else TypeError."""
        from .shape import patternbroadcast

        other = as_tensor_variable(other)
        if other.type == self:
            return other
        if other.dtype == self.dtype and other.ndim == self.ndim:
            if all(o or not b for o, b in zip(other.broadcastable, self.broadcastable)):
                return patternbroadcast(other, self.broadcastable)
        raise TypeError(f"cannot convert {other} ({other.type}) to {self}: dtypes or dims differ")

    def is_valid_value(self, value) -> bool:
        """Whether ``value`` is an array of exactly this type (dtype, ndim, size-1 dims)."""
        return (
            isinstance(value, np.ndarray)
            and value.dtype == self.dtype
            and value.ndim == self.ndim
            and all(n == 1 for b, n in zip(self.broadcastable, value.shape) if b)
        )

    def value_zeros(self, shape) -> np.ndarray:
        """A zero array of this dtype and the given shape."""
        return np.zeros(shape, dtype=self.dtype)

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        kind = _NDIM_NAMES.get(self.ndim, f"{self.ndim}d")
        pattern = (
            ""
            if all(not b for b in self.broadcastable) or self.ndim == 0
            else "(" + ", ".join("True" if b else "False" for b in self.broadcastable) + ")"
        )
        if pattern:
            return f"TensorType({self.dtype}, {pattern})"
        return f"TensorType({self.dtype}, {kind})"

    __repr__ = __str__

    def filter(self, value, allow_downcast=None, what="input"):
        """Convert ``value`` to a NumPy array of this type, or raise TypeError.

        Follows Theano: same dtype passes; a safe upcast is done; Python scalars and lists are
        converted when no value changes (Python floats may always become ``floatX``); anything
        else lossy needs ``allow_downcast=True``.
        """
        from ..backend import to_host

        is_array = hasattr(value, "dtype") and hasattr(value, "shape") and not np.isscalar(value)
        if is_array:
            arr = to_host(value) if not isinstance(value, np.ndarray) else value
            _check_numeric(arr, value, self, what)
            if arr.dtype != self.dtype:
                if allow_downcast or upcast(arr.dtype.name, self.dtype) == self.dtype:
                    arr = arr.astype(self.dtype)
                else:
                    raise TypeError(
                        f"{what}: cannot convert a {arr.dtype} array to {self} without loss "
                        f"(cast it, e.g. numpy.asarray(value, dtype='{self.dtype}'), or pass "
                        f"allow_input_downcast=True)"
                    )
        else:
            try:
                raw = np.asarray(value)
            except (ValueError, TypeError) as exc:  # ragged nested lists
                raise TypeError(
                    f"{what}: cannot convert {type(value).__name__} {_short(value)} to "
                    f"{self}: {exc}"
                ) from None
            _check_numeric(raw, value, self, what)
            arr = raw.astype(self.dtype) if raw.dtype != self.dtype else raw
            lossless = raw.dtype == self.dtype or _values_equal(raw, arr)
            pyfloat_to_floatx = raw.dtype.kind == "f" and self.dtype == config.floatX
            if not (lossless or allow_downcast or (allow_downcast is None and pyfloat_to_floatx)):
                raise TypeError(
                    f"{what}: value {value!r} cannot be represented exactly as {self.dtype} "
                    f"(for {self}); pass allow_input_downcast=True to allow the cast"
                )
        if arr.ndim != self.ndim:
            raise TypeError(
                f"{what}: expected {self} (ndim {self.ndim}), got an array with "
                f"ndim {arr.ndim} and shape {arr.shape}"
            )
        for axis, (b, n) in enumerate(zip(self.broadcastable, arr.shape)):
            if b and n != 1:
                raise TypeError(
                    f"{what}: {self} has a broadcastable dim {axis} (size 1), "
                    f"but got shape {arr.shape}"
                )
        return arr


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_numeric(arr, value, type_, what) -> None:
    """Refuse strings, objects and other non-numbers with a TypeError naming the value."""
    if arr.dtype.kind not in "biufc":
        raise TypeError(
            f"{what}: cannot convert {type(value).__name__} {_short(value)} (dtype {arr.dtype}) "
            f"to {type_}: it is not a number or an array of numbers"
        )


def _values_equal(a, b) -> bool:
    with np.errstate(invalid="ignore", over="ignore"):
        try:
            return bool(
                np.all(
                    (a == b)
                    | (
                        np.isnan(a.astype("float64", copy=False))
                        & np.isnan(b.astype("float64", copy=False))
                    )
                )
            )
        except TypeError:
            return bool(np.all(a == b))


def smallest_int_dtype(value: int) -> str:
    for dtype in ("int8", "int16", "int32", "int64"):
        info = np.iinfo(dtype)
        if info.min <= value <= info.max:
            return dtype
    return "uint64"


def python_scalar_dtype(value) -> str:
    """Theano's autocast: bool -> bool, int -> smallest int dtype, float -> floatX."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Integral):
        return smallest_int_dtype(int(value))
    if isinstance(value, numbers.Real):
        return config.floatX
    return "complex128"


def constant_array(value, dtype=None) -> np.ndarray:
    """The array a constant holds: NumPy values keep their dtype, Python scalars are autocast."""
    if dtype is not None:
        return np.asarray(value, dtype=dtype)
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, (bool, numbers.Number)):
        return np.asarray(value, dtype=python_scalar_dtype(value))
    arr = np.asarray(value)
    if arr.dtype == np.float64:
        arr = arr.astype(config.floatX)
    elif arr.dtype.kind == "i" and arr.size:
        arr = arr.astype(
            np.result_type(*[smallest_int_dtype(int(v)) for v in (arr.min(), arr.max())])
        )
    if arr.dtype == object:
        raise TypeError(f"cannot make a tensor constant from {value!r}")
    return arr


def constant(value, name=None, ndim=None, dtype=None):
    """A ``TensorConstant`` holding ``value`` (its dims of size 1 are broadcastable)."""
    from .variable import TensorConstant

    data = constant_array(value, dtype)
    if ndim is not None and data.ndim != ndim:
        if data.ndim > ndim:
            raise ValueError(f"constant {value!r} has more than {ndim} dims")
        data = data.reshape((1,) * (ndim - data.ndim) + data.shape)
    return TensorConstant(
        TensorType(data.dtype.name, tuple(s == 1 for s in data.shape)), data, name=name
    )


def as_tensor_variable(x, name=None, ndim=None):
    """``x`` as a graph variable: variables pass through; arrays and scalars become constants."""
    from ..graph import Variable
    from .variable import TensorOperators

    if isinstance(x, TensorOperators):
        if ndim is not None and x.ndim != ndim:
            raise TypeError(f"expected a variable with ndim {ndim}, got {x.type}")
        return x
    if isinstance(x, Variable):
        raise TypeError(f"cannot use {x} of type {x.type} as a tensor")
    if isinstance(x, (list, tuple)) and any(isinstance(e, Variable) for e in x):
        from .basic import stack

        return stack([as_tensor_variable(e) for e in x])
    return constant(x, name=name, ndim=ndim)
