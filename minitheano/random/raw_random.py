"""Random draws from a NumPy ``RandomState`` held in the graph: Theano 1.0's ``raw_random``.

``RandomFunction`` is the draw op: its inputs are a random state, an int64 ``size`` vector and
the distribution's parameters; its outputs are the advanced state and the sample. The functions
(``uniform``, ``normal``, ``binomial``...) build one and return ``(new_state, sample)``::

    rng = shared(numpy.random.RandomState(234))
    new_rng, u = uniform(rng, (2, 3), low=-1.0, high=1.0)
    f = function([], u, updates=[(rng, new_rng)])

The numbers are those of Theano 1.0.5 for the same state (see ``numpy_draws``).
"""

from __future__ import annotations

import copy
import numbers
import warnings
from dataclasses import dataclass
from functools import reduce

import numpy as np

from ..backend import to_host
from ..config import config
from ..graph import Apply, Constant, Variable
from ..op import Op
from ..tensor.elemwise import cast
from ..tensor.shape import as_shape_vector, shape
from ..tensor.static_values import get_vector_length
from ..tensor.type import INT_DTYPES, TensorType, as_tensor_variable, upcast
from .numpy_draws import DRAWS, check_broadcast
from .permute_rows import permute_row_elements


@dataclass(frozen=True)
class RandomStateType:
    """The type of a variable holding a ``numpy.random.RandomState``."""

    def __call__(self, name=None) -> "RandomStateVariable":
        """A new variable of this type."""
        return RandomStateVariable(self, name=name)

    def filter(self, value, allow_downcast=None, what="input"):
        """``value`` itself when it is a ``RandomState``; TypeError otherwise."""
        if not self.is_valid_value(value):
            raise TypeError(
                f"{what}: expected a numpy.random.RandomState for {self}, got "
                f"{type(value).__name__}"
            )
        return value

    @staticmethod
    def is_valid_value(value) -> bool:
        return type(value) is np.random.RandomState

    @staticmethod
    def values_eq(a, b) -> bool:
        """True when the two generators will produce the same numbers."""
        sa, sb = a.get_state(), b.get_state()
        return (
            sa[0] == sb[0]
            and bool(np.all(sa[1] == sb[1]))
            and sa[2:4] == sb[2:4]
            and (sa[3] == 0 or sa[4] == sb[4])
        )

    def __str__(self) -> str:
        return "RandomStateType"

    __repr__ = __str__


class RandomStateVariable(Variable):
    """A symbolic random state (an opaque value: no dims, no dtype)."""

    ndim = 0
    broadcastable = ()  # shape inference walking through a draw sees an empty shape


random_state_type = RandomStateType()


@dataclass(frozen=True)
class RandomFunction(Op):
    """Draw ``outtype`` samples with the NumPy function ``fn`` (a key of ``DRAWS``).

    ``make_node(random_state, size, *params)``; ``perform`` returns ``(new_state, sample)``
    where ``new_state`` is an advanced copy (the input state is never changed). ``size`` of
    length 0 means "the shape of the parameters"; the sample has ``len(size) + ndim_added`` dims.
    """

    fn: str
    outtype: TensorType
    ndim_added: int = 0

    n_outputs = 2
    constant_foldable = False  # each run must advance the state

    def __post_init__(self):
        if self.fn not in DRAWS:
            raise ValueError(f"RandomFunction: unknown draw {self.fn!r}; one of {list(DRAWS)}")

    def __str__(self) -> str:
        return f"RandomFunction{{{self.fn}}}"

    def make_node(self, random_state, size, *params) -> Apply:
        if not isinstance(getattr(random_state, "type", None), RandomStateType):
            raise TypeError(
                f"{self}: the random state must be a variable of RandomStateType (e.g. "
                f"shared(numpy.random.RandomState(seed))), got {random_state!r}"
            )
        size = _size_vector(self, size)
        if isinstance(size, Constant) and len(size.data) not in (
            0,
            self.outtype.ndim - self.ndim_added,
        ):
            raise ValueError(
                f"{self}: a size of length {len(size.data)} ({tuple(size.data)}) does not fit "
                f"the output type {self.outtype} ({self.ndim_added} dims added)"
            )
        params = [as_tensor_variable(p) for p in params]
        return Apply(self, [random_state, size] + params, [random_state_type(), self.outtype()])

    def perform(self, xp, random_state, size, *params):
        size = tuple(int(s) for s in to_host(size)) or None
        ndim = self.outtype.ndim
        if size is not None and ndim != len(size) + self.ndim_added:
            raise ValueError(
                f"{self}: the size {size} has {len(size)} dims, but the output type "
                f"{self.outtype} needs {ndim - self.ndim_added}"
            )
        new_state = copy.deepcopy(random_state)
        sample = DRAWS[self.fn](new_state, *[to_host(p) for p in params], size)
        sample = np.asarray(sample, dtype=self.outtype.dtype)
        if size is None and sample.ndim == 0 and ndim > 0:
            sample = sample.reshape((1,) * ndim)
        wanted = "" if size is None else f" starting with {size}"
        if sample.ndim != ndim or (size is not None and sample.shape[: len(size)] != size):
            raise ValueError(
                f"{self}: drew a sample of shape {sample.shape}, but the output type "
                f"{self.outtype} needs {ndim} dims{wanted}"
            )
        return new_state, (sample if xp is np else xp.asarray(sample))

    def infer_shape(self, node, input_shapes):
        size = node.inputs[1]
        if self.ndim_added or (isinstance(size, Constant) and len(size.data) == 0):
            raise NotImplementedError(f"{self}: the sample's shape depends on the parameters")
        return [(), tuple(size[i] for i in range(self.outtype.ndim))]

    def grad(self, inputs, outputs, output_grads):
        return [None] * len(inputs)  # no gradient through a random draw


def _size_vector(op, size):
    if isinstance(size, (tuple, list)) and not any(isinstance(s, Variable) for s in size):
        return as_tensor_variable(np.asarray(size, dtype="int64").reshape(len(size)))
    size = as_shape_vector(size) if isinstance(size, (tuple, list)) else as_tensor_variable(size)
    if size.ndim != 1 or size.dtype not in INT_DTYPES:
        raise TypeError(f"{op}: the size must be an integer vector, got {size.type}")
    return cast(size, "int64")


# --- size, ndim and parameters -----------------------------------------------------------------


def _vector_length(vector) -> int | None:
    """The static length of a symbolic int vector, or None when unknown."""
    try:
        return get_vector_length(vector)
    except ValueError:
        return None


def _auto_dim(fn, axis, ndim, params):
    """Size entry -1 at ``axis``: the dim of the first parameter that is not broadcast there."""
    overlapping = [p for p in params if axis >= ndim - p.ndim]
    for p in overlapping:
        p_axis = axis + p.ndim - ndim
        if not p.broadcastable[p_axis]:
            return shape(p)[p_axis], False
    if not overlapping:
        raise ValueError(
            f"{fn}: the size entry -1 at axis {axis} must line up with a dim of a parameter "
            f"(parameters: {', '.join(str(p.type) for p in params) or 'none'})"
        )
    return 1, True


def _check_constant_params(fn, size, params) -> None:
    """Build-time check that constant parameters broadcast to a fully known ``size``."""
    check_broadcast(fn, size, *[p.data for p in params if isinstance(p, Constant)])


def infer_size(fn: str, ndim, size, *params):
    """``(ndim, size, broadcastable)`` of a draw: Theano's rules for ``size`` and ``ndim``.

    ``size`` may be None (the broadcast shape of ``params``), a tuple of ints and symbolic
    scalars (-1: the dim of a parameter), or a symbolic int vector. Returns the sample's ndim,
    an int64 size vector and the broadcastable flags (dims of constant size 1).
    """
    params_ndim = max((p.ndim for p in params), default=0)
    static_size = None  # the size when it is all ints
    if isinstance(size, (tuple, list)):
        if ndim is not None and ndim != len(size):
            raise ValueError(
                f"{fn}: ndim={ndim} disagrees with the size {tuple(size)} of length {len(size)}"
            )
        ndim = len(size)
        dims, bcast = [], []
        for axis, s in enumerate(size):
            if isinstance(s, Variable):
                if s.ndim != 0 or s.dtype not in INT_DTYPES:
                    raise TypeError(f"{fn}: size entries must be integer scalars, got {s.type}")
                dims.append(s)
                bcast.append(False)
            elif not isinstance(s, numbers.Integral) or isinstance(s, bool):
                raise TypeError(f"{fn}: size entries must be integers, got {s!r} in {size}")
            elif s >= 0:
                dims.append(int(s))
                bcast.append(s == 1)
            elif s == -1:
                dim, flag = _auto_dim(fn, axis, ndim, params)
                dims.append(dim)
                bcast.append(flag)
            else:
                raise ValueError(f"{fn}: negative size entry {s} in {tuple(size)}")
        if all(isinstance(d, int) for d in dims):
            static_size = tuple(dims)
        vector = as_shape_vector(dims) if dims else as_tensor_variable(np.zeros(0, "int64"))
    elif size is None:
        if not params:
            raise TypeError(f"{fn}: give a size (there are no parameters to take a shape from)")
        template = reduce(lambda a, b: a + b, params)
        if ndim is not None and ndim != template.ndim:
            raise ValueError(
                f"{fn}: ndim={ndim} disagrees with the parameters' broadcast ndim "
                f"{template.ndim} (size=None takes the shape of the parameters)"
            )
        vector, bcast, ndim = shape(template), template.broadcastable, template.ndim
    else:
        vector = as_tensor_variable(size)
        if vector.ndim != 1:
            raise TypeError(
                f"{fn}: the size must be a tuple or an integer vector, got {vector.type} "
                f"(for one dim, write ({size!r},))"
            )
        length = _vector_length(vector)
        if ndim is None:
            if length is None:
                raise ValueError(f"{fn}: the length of the symbolic size is unknown; pass ndim=")
            ndim = length
        elif length is not None and length != ndim:
            raise ValueError(f"{fn}: ndim={ndim} disagrees with the size's length {length}")
        bcast = (False,) * ndim
    if vector.dtype not in INT_DTYPES:
        raise TypeError(f"{fn}: the size must be an integer vector, got {vector.type}")
    if params_ndim > ndim:
        raise ValueError(
            f"{fn}: the parameters have {params_ndim} dims, more than the {ndim} dims of the "
            f"size; parameters: {', '.join(str(p.type) for p in params)}"
        )
    _check_constant_params(fn, static_size, params)
    return ndim, cast(vector, "int64"), tuple(bcast)


def _float_dtype(dtype, *params) -> str:
    if dtype is None:
        return upcast(config.floatX, *[p.dtype for p in params])
    return config.floatX if dtype == "floatX" else str(np.dtype(dtype))


def _int_dtype(dtype) -> str:
    return config.floatX if dtype == "floatX" else str(np.dtype(dtype))


def _draw(fn, random_state, ndim, size, dtype, params, shape_params=None, ndim_added=0):
    """``RandomFunction(fn)`` on ``params``; the size is checked against ``shape_params``."""
    params = [as_tensor_variable(p) for p in params]
    shape_params = params if shape_params is None else shape_params
    ndim, size, bcast = infer_size(fn, ndim, size, *shape_params)
    if fn == "binomial":  # Theano's binomial never marks a dim broadcastable
        bcast = (False,) * ndim
    outtype = TensorType(dtype, bcast + (False,) * ndim_added)
    return RandomFunction(fn, outtype, ndim_added)(random_state, size, *params)


# --- the distributions -------------------------------------------------------------------------


def uniform(random_state, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
    """Uniform samples in ``[low, high)`` (dtype at least ``floatX``): ``(new_state, x)``."""
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    return _draw("uniform", random_state, ndim, size, _float_dtype(dtype, low, high), [low, high])


def normal(random_state, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
    """Normal samples of mean ``avg`` and standard deviation ``std``: ``(new_state, x)``."""
    avg, std = as_tensor_variable(avg), as_tensor_variable(std)
    return _draw("normal", random_state, ndim, size, _float_dtype(dtype, avg, std), [avg, std])


def binomial(random_state, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
    """Numbers of successes in ``n`` trials of probability ``p``: ``(new_state, x)``."""
    if prob is not None:
        warnings.warn("binomial: prob= is deprecated, use p=", DeprecationWarning, stacklevel=2)
        p = prob
    return _draw("binomial", random_state, ndim, size, _int_dtype(dtype), [n, p])


def random_integers(random_state, size=None, low=0, high=1, ndim=None, dtype="int64"):
    """Integers in ``[low, high]``, both included: ``(new_state, x)``."""
    low, high = as_tensor_variable(low), as_tensor_variable(high)
    for name, bound in (("low", low), ("high", high)):
        if bound.dtype not in INT_DTYPES:
            raise TypeError(f"random_integers: {name} must be integers, got {bound.type}")
    return _draw("random_integers", random_state, ndim, size, _int_dtype(dtype), [low, high])


def choice(random_state, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
    """Samples of ``a`` (a vector, or ``range(a)`` for a scalar), with or without replacement.

    ``p`` gives the probability of each entry (None: uniform). Returns ``(new_state, x)``.
    """
    a = as_tensor_variable(a)
    replace = (
        as_tensor_variable(np.int8(replace))
        if isinstance(replace, bool)
        else as_tensor_variable(replace)
    )
    p = as_tensor_variable(np.zeros(0) if p is None else p)
    return _draw("choice", random_state, ndim, size, _int_dtype(dtype), [a, replace, p], [])


def poisson(random_state, size=None, lam=1.0, ndim=None, dtype="int64"):
    """Poisson samples of expectation ``lam``; ``size`` (or ``ndim``) is required."""
    if lam is None:
        raise TypeError("poisson: lam is required")
    lam = as_tensor_variable(lam)
    return _draw("poisson", random_state, ndim, size, _int_dtype(dtype), [lam], [])


def permutation(random_state, size=None, n=1, ndim=None, dtype="int64"):
    """Permutations of ``range(n)``, one per element of ``size``: shape ``size + (n,)``."""
    if size is None or (isinstance(size, (tuple, list)) and len(size) == 0):
        if ndim not in (None, 1):
            raise TypeError(f"permutation: one permutation (size=None) has 1 dim, not ndim={ndim}")
        size, ndim = (), 0
    return _draw("permutation", random_state, ndim, size, _int_dtype(dtype), [n], [], ndim_added=1)


def multinomial(random_state, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
    """Counts of ``n`` draws from the distributions in the last axis of ``pvals``.

    The sample has shape ``size + (pvals.shape[-1],)``; ``size`` defaults to the broadcast of
    ``n`` and ``pvals``' leading dims (-1 in ``size`` borrows the dim of ``pvals``).
    """
    n, pvals = as_tensor_variable(n), as_tensor_variable(pvals)
    if pvals.ndim == 0:
        raise TypeError(f"multinomial: pvals must have at least one dim, got {pvals.type}")
    leading = pvals[(slice(None),) * (pvals.ndim - 1) + (0,)]
    ndim, size, bcast = infer_size("multinomial", ndim, size, n, leading)
    outtype = TensorType(_int_dtype(dtype), bcast + (pvals.broadcastable[-1],))
    return RandomFunction("multinomial", outtype, 1)(random_state, size, n, pvals)


def shuffle_row_elements(random_state, input):
    """``input`` with each row (last axis) shuffled: ``(new_state, shuffled)``.

    ``shuffled.permutation`` is the permutation variable used.
    """
    input = as_tensor_variable(input)
    new_state, perm = permutation(
        random_state, size=input.shape[:-1], n=input.shape[-1], ndim=input.ndim - 1
    )
    shuffled = permute_row_elements(input, perm)
    shuffled.permutation = perm
    return new_state, shuffled
