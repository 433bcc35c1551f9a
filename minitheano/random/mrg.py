"""``MRG_RandomStreams``: Theano's MRG31k3p random streams, giving Theano's numbers.

    srng = MRG_RandomStreams(seed=234)
    mask = srng.binomial(size=h.shape, p=0.5, dtype=floatX)   # a new draw at every call
    f = function([x], h * mask)

Each draw gets its own state: a shared int32 matrix with one MRG31k3p stream per row, the
streams ``2**72`` steps apart, and the next draw's streams ``2**134`` further on. The state's
``default_update`` is the draw's new state, so every compiled function using the draw
advances it (unless compiled with ``no_default_updates``, or given another update).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ..config import config
from ..graph import Constant, Variable
from ..shared import shared
from ..tensor.basic import concatenate
from ..tensor.elemwise import cast, cos, log, sin, sqrt
from ..tensor.extra_ops import nonzero
from ..tensor.reduce import prod
from ..tensor.shape import as_shape_vector, reshape
from ..tensor.static_values import get_vector_length
from ..tensor.type import FLOAT_DTYPES, INT_DTYPES, as_tensor_variable, constant, upcast
from .mrg_core import M1, M2, next_stream_start, substream_states
from .mrg_ops import ChoiceFromUniform, MRGUniform, MultinomialFromUniform

#: streams used when the size is symbolic (Theano's guess, sized for GPUs of its day)
DEFAULT_N_STREAMS = 60 * 256

#: scipy.stats.truncnorm.std(a=-2, b=2): the std of a normal truncated at 2 std's
_TRUNCATED_STD = 0.87962566103423978


def guess_n_streams(size, warn: bool = False) -> int:
    """Theano's number of streams for a draw of ``size``: a sixth of the samples (at most
    60 * 256), or 60 * 256 when the size is symbolic."""
    if isinstance(size, (tuple, list)) and all(_is_int(s) for s in size):
        n = int(np.prod([int(s) for s in size], dtype=np.int64))
        if n > 6:
            n //= 6
        return min(n, DEFAULT_N_STREAMS)
    if warn:
        warnings.warn(
            f"MRG_RandomStreams cannot count the samples of size {size}; using "
            f"{DEFAULT_N_STREAMS} streams",
            stacklevel=3,
        )
    return DEFAULT_N_STREAMS


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _size_vector(what: str, size, ndim):
    """``size`` (ints and integer scalars, or an integer vector) as ``(int64 vector, ndim,
    size as a tuple or vector)``."""
    if _is_int(size) or (isinstance(size, Variable) and size.ndim == 0):
        size = (size,)
    if isinstance(size, Variable):
        if size.ndim != 1 or size.dtype not in INT_DTYPES:
            raise TypeError(f"{what}: a symbolic size must be an integer vector, got {size.type}")
        try:
            length = get_vector_length(size)
        except ValueError:
            if ndim is None:
                raise ValueError(
                    f"{what}: the length of the size vector {size} is not known; pass ndim"
                ) from None
            length = ndim
    elif isinstance(size, (tuple, list)):
        for s in size:
            if isinstance(s, Variable):
                if s.ndim != 0 or s.dtype not in INT_DTYPES:
                    raise TypeError(
                        f"{what}: size entries must be ints or integer scalars, got {s.type}"
                    )
            elif not _is_int(s):
                raise TypeError(
                    f"{what}: size entries must be ints or integer scalars, got {s!r} "
                    f"({type(s).__name__}) in size={size!r}"
                )
            elif s <= 0:
                raise ValueError(f"{what}: size={size!r} has an entry <= 0")
        size, length = tuple(size), len(size)
    else:
        raise TypeError(
            f"{what}: size must be a tuple of ints or an integer vector, got {size!r} "
            f"({type(size).__name__})"
        )
    if ndim is not None and ndim != length:
        raise ValueError(f"{what}: ndim={ndim} does not match size={size!r} ({length} entries)")
    return as_shape_vector(size), length, size


def _float_dtype(what: str, dtype, *params):
    if dtype is None:
        dtype = upcast(config.floatX, *[p.dtype for p in params])
    if dtype not in FLOAT_DTYPES:
        raise TypeError(f"{what}: dtype must be one of {FLOAT_DTYPES}, got {dtype!r}")
    for p in params:
        if p.dtype.startswith("complex"):
            raise TypeError(f"{what}: parameters must be real, got {p} of type {p.type}")
    return dtype


def _is_constant(var, value) -> bool:
    return isinstance(var, Constant) and var.data.size == 1 and float(var.data) == value


def _check_param_fits(what, name, param, ndim, size):
    """A parameter must broadcast to the sample's shape (checked here when both are known)."""
    if param.ndim > ndim:
        raise ValueError(
            f"{what}: {name} has ndim {param.ndim} ({param.type}) but the sample has "
            f"ndim {ndim}; give a size with as many dims as {name}"
        )
    if isinstance(param, Constant) and isinstance(size, tuple) and all(map(_is_int, size)):
        shape = param.data.shape
        if any(p not in (1, s) for p, s in zip(shape[::-1], size[::-1])):
            raise ValueError(f"{what}: {name} of shape {shape} does not broadcast to size={size}")


class MRG_RandomStreams:
    """Random streams with MRG31k3p generators, like ``numpy.random.RandomState``'s methods.

    ``seed`` is an int in [1, M2) (used for all six state numbers) or six ints (three below
    M1, not all 0; three below M2, not all 0).
    """

    def __init__(self, seed=12345):
        #: one ``(state, new_state, size, n_streams)`` per draw, in the order drawn
        self.state_updates = []
        self.default_instance_seed = seed
        self.set_rstate(seed)

    def updates(self) -> list:
        """``(state, new_state)`` pairs for every draw made so far."""
        return [(old, new) for old, new, *_ in self.state_updates]

    def set_rstate(self, seed) -> None:
        """Set the state from which the next draw's streams start."""
        if _is_int(seed):
            if seed == 0:
                raise ValueError("MRG_RandomStreams: seed should not be 0")
            if not 0 < seed < M2:
                raise ValueError(f"MRG_RandomStreams: seed should be in [1, {M2}), got {seed}")
            self.rstate = np.asarray([seed] * 6, dtype="int32")
            return
        if not isinstance(seed, (tuple, list, np.ndarray)) or len(seed) != 6:
            raise TypeError(f"MRG_RandomStreams: seed should be 1 integer or 6 integers: {seed!r}")
        seed = [int(s) for s in seed]
        for part, m in ((seed[:3], M1), (seed[3:], M2)):
            if all(s == 0 for s in part):
                raise ValueError(f"MRG_RandomStreams: seed {seed} has three 0s in a component")
            if any(not 0 <= s < m for s in part):
                raise ValueError(f"MRG_RandomStreams: seed {seed} needs values in [0, {m})")
        self.rstate = np.asarray(seed, dtype="int32")

    def seed(self, seed=None) -> None:
        """Restart every draw made so far from ``seed`` (default: the constructor's seed).

        The draws get the states a new ``MRG_RandomStreams(seed)`` would give them when
        making the same draws in the same order.
        """
        self.set_rstate(self.default_instance_seed if seed is None else seed)
        for old, new, _size, n_streams in self.state_updates:
            old.set_value(self.get_substream_rstates(n_streams, new.dtype), borrow=True)

    def inc_rstate(self) -> None:
        """Jump the state 2**134 steps on: the start of the next draw's streams."""
        self.rstate = next_stream_start(self.rstate)

    def get_substream_rstates(self, n_streams: int, dtype, inc_rstate: bool = True):
        """An int32 matrix of ``n_streams`` states, 2**72 steps apart, from the current state
        (which then jumps 2**134 steps on, unless ``inc_rstate`` is False)."""
        if not _is_int(n_streams) or n_streams < 1:
            raise ValueError(
                f"get_substream_rstates: n_streams must be a positive int, got {n_streams!r}"
            )
        rval = substream_states(self.rstate, int(n_streams))
        if inc_rstate:
            self.inc_rstate()
        return rval

    def n_streams(self, size) -> int:
        return guess_n_streams(size)

    # --- distributions ---------------------------------------------------------------------

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None):
        """Uniform numbers in (low, high) of shape ``size``; the dtype follows low and high,
        at least ``floatX``: ``srng.uniform((3, 4), low=-1.0, high=1.0)``."""
        low, high = as_tensor_variable(low), as_tensor_variable(high)
        dtype = _float_dtype("uniform", dtype, low, high)
        size_vec, ndim, size = _size_vector("uniform", size, ndim)
        for name, param in (("low", low), ("high", high)):
            _check_param_fits("uniform", name, param, ndim, size)
        n_streams = self.n_streams(size) if nstreams is None else nstreams
        rstate = shared(self.get_substream_rstates(n_streams, dtype))
        new_rstate, sample = MRGUniform(dtype, ndim)(rstate, size_vec)
        rstate.default_update = new_rstate
        sample.rstate, sample.update = rstate, (rstate, new_rstate)
        self.state_updates.append((rstate, new_rstate, size, n_streams))
        if _is_constant(low, 0.0) and _is_constant(high, 1.0):
            return sample  # u * 1 + 0 is u exactly
        low, high = cast(low, dtype), cast(high, dtype)
        return sample * (high - low) + low

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None):
        """0/1 draws that are 1 with probability ``p`` (``n`` must be 1): ``uniform < p``."""
        if n != 1:
            raise NotImplementedError("MRG_RandomStreams.binomial with n > 1")
        if size is None:
            raise TypeError("binomial: size must be given (ints, or a shape such as x.shape)")
        p = as_tensor_variable(p)
        _, ndim, size = _size_vector("binomial", size, ndim)
        _check_param_fits("binomial", "p", p, ndim, size)
        sample = self.uniform(size=size, ndim=ndim, nstreams=nstreams)
        return cast(sample < p, dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None):
        """Counts of ``n`` draws per row of the probability matrix ``pvals`` (same shape)."""
        if pvals is None:
            raise TypeError("multinomial: pvals must be given")
        if size is not None or ndim is not None:
            raise ValueError("multinomial: size and ndim are not used (the shape is pvals')")
        pvals = as_tensor_variable(pvals)
        if pvals.ndim != 2:
            raise ValueError(f"multinomial: pvals must be a matrix, got {pvals.type}")
        unis = self.uniform(size=(pvals.shape[0] * n,), ndim=1, nstreams=nstreams)
        return MultinomialFromUniform(dtype)(pvals, unis, as_tensor_variable(n))

    def choice(
        self, size=1, a=None, replace=True, p=None, ndim=None, dtype="int64", nstreams=None
    ):
        """``size`` column indices per row of the probability matrix ``p``: (rows, size).

        ``replace=False`` draws without replacement, as Theano (which implements only that;
        ``replace=True`` is this package's addition).
        """
        if a is not None:
            raise TypeError("choice: a must be None (indices run over the columns of p)")
        if p is None:
            raise TypeError("choice: p must be given")
        if ndim is not None:
            raise ValueError("choice: ndim is not used")
        p = as_tensor_variable(p)
        if p.ndim != 2:
            raise ValueError(f"choice: p must be a matrix, got {p.type}")
        unis = self.uniform(size=(p.shape[0] * size,), ndim=1, nstreams=nstreams)
        return ChoiceFromUniform(dtype, bool(replace))(p, unis, as_tensor_variable(size))

    def multinomial_wo_replacement(
        self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None
    ):
        """Deprecated in Theano: ``choice(size=n, replace=False, p=pvals)``."""
        warnings.warn(
            "MRG_RandomStreams.multinomial_wo_replacement is deprecated; use choice()",
            DeprecationWarning,
            stacklevel=2,
        )
        if size is not None:
            raise ValueError("multinomial_wo_replacement: size is not used; give n")
        return self.choice(
            size=n, replace=False, p=pvals, ndim=ndim, dtype=dtype, nstreams=nstreams
        )

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None, truncate=False):
        """Normal numbers by Box-Muller on an even number of uniforms; with ``truncate``,
        those beyond 2 std's are drawn again (with the same angle)."""
        avg, std = as_tensor_variable(avg), as_tensor_variable(std)
        dtype = _float_dtype("normal", dtype, avg, std)
        size_vec, ndim, size = _size_vector("normal", size, ndim)
        for name, param in (("avg", avg), ("std", std)):
            _check_param_fits("normal", name, param, ndim, size)
        if isinstance(size_vec, Constant):
            n_odd = int(np.prod(size_vec.data, dtype=np.int64))
        else:
            n_odd = prod(size_vec, dtype="int64")
        n_even = n_odd + n_odd % 2
        if nstreams is None:
            nstreams = DEFAULT_N_STREAMS  # Theano sizes this draw symbolically: no guess
        uniform = self.uniform((n_even,), ndim=1, dtype=dtype, nstreams=nstreams)
        half = n_even // 2

        def typed(value):
            return constant(np.asarray(value, dtype=dtype))

        u1, u2 = uniform[:half], uniform[half:]
        radius = sqrt(typed(-2.0) * log(u1))
        theta = typed(2.0 * np.pi) * u2
        cos_theta, sin_theta = cos(theta), sin(theta)
        z0, z1 = radius * cos_theta, radius * sin_theta
        if truncate:
            parts = self._redraw_beyond_2(z0, z1, cos_theta, sin_theta, dtype, nstreams, typed)
        else:
            parts = [z0, z1]
        samples = concatenate(parts)
        if not isinstance(n_odd, int) or n_odd % 2:
            samples = samples[:n_odd]
        samples = reshape(samples, size_vec, ndim=ndim)
        if not _is_constant(std, 1.0):
            samples = samples * cast(std, dtype)
        if not _is_constant(avg, 0.0):
            samples = samples + cast(avg, dtype)
        return samples

    def _redraw_beyond_2(self, z0, z1, cos_theta, sin_theta, dtype, nstreams, typed):
        """Theano's truncation: keep |z| <= 2, redraw the radius of the others from uniforms
        in [e**-2, 1) (so the new radius is at most 2) and reuse their angles."""
        out0, out1 = (z0 < typed(-2.0)) | (z0 > typed(2.0)), (z1 < typed(-2.0)) | (z1 > typed(2.0))
        keep0, keep1 = z0[nonzero(~out0)], z1[nonzero(~out1)]
        redo0, redo1 = nonzero(out0)[0], nonzero(out1)[0]
        n0 = redo0.shape[0]
        u_fix = self.uniform(
            (n0 + redo1.shape[0],),
            low=typed(1.0 / np.e**2),
            high=1.0,
            ndim=1,
            dtype=dtype,
            nstreams=nstreams,
        )
        r_fix = sqrt(typed(-2.0) * log(u_fix))
        return [keep0, r_fix[:n0] * cos_theta[redo0], keep1, r_fix[n0:] * sin_theta[redo1]]

    def truncated_normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None):
        """Normal numbers truncated at 2 std's, scaled so that their std is ``std``."""
        std = as_tensor_variable(std) / constant(_TRUNCATED_STD)
        return self.normal(
            size=size, avg=avg, std=std, truncate=True, ndim=ndim, dtype=dtype, nstreams=nstreams
        )
