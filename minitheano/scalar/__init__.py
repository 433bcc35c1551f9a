"""``theano.scalar``: dtype upcasting and scalar types. Scalars are 0-d tensors here, so the
scalar types are 0-d ``TensorType``s (``theano.scalar.float32()`` makes a 0-d variable)."""

from ..tensor.type import ALL_DTYPES, TensorType, as_tensor_variable, upcast


def get_scalar_type(dtype: str) -> TensorType:
    """The (0-d tensor) type of scalars of ``dtype``."""
    return TensorType(dtype, ())


def as_scalar(x, name=None):
    """``x`` as a 0-d variable (TypeError if it has dims)."""
    return as_tensor_variable(x, name=name, ndim=0)


bool = get_scalar_type("bool")  # noqa: A001 - Theano's names
int8, int16, int32, int64 = (get_scalar_type(d) for d in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (
    get_scalar_type(d) for d in ("uint8", "uint16", "uint32", "uint64")
)
float16, float32, float64 = (get_scalar_type(d) for d in ("float16", "float32", "float64"))
complex64, complex128 = get_scalar_type("complex64"), get_scalar_type("complex128")
int_types = int8, int16, int32, int64
uint_types = uint8, uint16, uint32, uint64
float_types = float16, float32, float64
complex_types = complex64, complex128
discrete_types = (bool,) + int_types + uint_types
continuous_types = float_types + complex_types
all_types = tuple(get_scalar_type(d) for d in ALL_DTYPES)

__all__ = ["as_scalar", "get_scalar_type", "upcast"]
