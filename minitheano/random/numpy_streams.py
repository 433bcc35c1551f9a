"""``RandomStreams``: Theano 1.0's ``shared_randomstreams``, backed by NumPy ``RandomState``.

Each random variable gets its own shared ``RandomState``, seeded from the stream's seed
generator, with the draw's new state as its ``default_update``: every compiled function that
uses the variable advances its state. Same seed, same numbers as Theano 1.0.5::

    srng = RandomStreams(seed=234)
    rv_u = srng.uniform((2, 2))
    f = function([], rv_u)
    f(), f()  # two different draws
"""

from __future__ import annotations

import copy

import numpy as np

from ..shared import SharedVariable, shared_constructors
from ..tensor.type import as_tensor_variable
from . import raw_random
from .permute_rows import permute_row_elements
from .raw_random import RandomStateVariable, random_state_type


class RandomStateSharedVariable(RandomStateVariable, SharedVariable):
    """A shared variable holding a ``numpy.random.RandomState`` (kept on the host)."""

    def get_value(self, borrow: bool = False, return_internal_type: bool = False):
        """The generator (a copy unless ``borrow``)."""
        return self._value if borrow else copy.deepcopy(self._value)

    def set_value(self, value, borrow: bool = False) -> None:
        """Replace the generator (copied unless ``borrow``); not a RandomState: TypeError."""
        value = self.type.filter(value, what=f"{self.name or 'shared'}.set_value")
        self._value = value if borrow else copy.deepcopy(value)

    def __getstate__(self):
        return self.__dict__.copy()  # a RandomState pickles itself, with its state

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __deepcopy__(self, memo):
        new = object.__new__(type(self))
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            new.__dict__[key] = copy.deepcopy(value, memo)
        return new


def randomstate_constructor(value, name=None, strict=False, allow_downcast=None, borrow=False):
    """A ``RandomStateSharedVariable`` holding ``value`` (a copy unless ``borrow``)."""
    if not isinstance(value, np.random.RandomState):
        raise TypeError(
            f"randomstate_constructor: expected a numpy.random.RandomState, got "
            f"{type(value).__name__}"
        )
    return RandomStateSharedVariable(random_state_type, value, name=name, borrow=borrow)


class RandomStreamsBase:
    """The distributions of ``RandomStreams``, each built by ``self.gen(raw_random_fn, ...)``."""

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None):
        """Numbers of successes in ``n`` trials of probability ``p`` (int64 by default)."""
        if prob is not None:
            return self.gen(raw_random.binomial, size, n, p, ndim=ndim, dtype=dtype, prob=prob)
        return self.gen(raw_random.binomial, size, n, p, ndim=ndim, dtype=dtype)

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None):
        """Uniform samples in ``[low, high)`` (dtype at least ``floatX``)."""
        return self.gen(raw_random.uniform, size, low, high, ndim=ndim, dtype=dtype)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None):
        """Normal samples of mean ``avg`` and standard deviation ``std``."""
        return self.gen(raw_random.normal, size, avg, std, ndim=ndim, dtype=dtype)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64"):
        """Integers in ``[low, high]``, both included."""
        return self.gen(raw_random.random_integers, size, low, high, ndim=ndim, dtype=dtype)

    def choice(self, size=None, a=2, replace=True, p=None, ndim=None, dtype="int64"):
        """Samples of ``a`` (a vector, or ``range(a)`` for a scalar), with optional ``p``."""
        return self.gen(raw_random.choice, size, a, replace, p, ndim=ndim, dtype=dtype)

    def poisson(self, size=None, lam=None, ndim=None, dtype="int64"):
        """Poisson samples of expectation ``lam``."""
        return self.gen(raw_random.poisson, size, lam, ndim=ndim, dtype=dtype)

    def permutation(self, size=None, n=1, ndim=None, dtype="int64"):
        """Permutations of ``range(n)``, one per element of ``size``: shape ``size + (n,)``."""
        return self.gen(raw_random.permutation, size, n, ndim=ndim, dtype=dtype)

    def multinomial(self, size=None, n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64"):
        """Counts of ``n`` draws from the distributions in the last axis of ``pvals``."""
        return self.gen(raw_random.multinomial, size, n, pvals, ndim=ndim, dtype=dtype)

    def shuffle_row_elements(self, input):
        """``input`` with every row (last axis) shuffled; ``.permutation`` holds the order."""
        input = as_tensor_variable(input)
        perm = self.permutation(size=input.shape[:-1], n=input.shape[-1], ndim=input.ndim - 1)
        shuffled = permute_row_elements(input, perm)
        shuffled.permutation = perm
        return shuffled


class RandomStreams(RandomStreamsBase):
    """Random variables drawn from NumPy ``RandomState`` generators seeded from ``seed``.

    ``state_updates`` lists ``(shared state, new state)`` per random variable, in creation
    order; ``seed(s)`` reseeds them all from ``s``.
    """

    def __init__(self, seed=None):
        self.state_updates = []
        self.default_instance_seed = seed
        self.gen_seedgen = np.random.RandomState(seed)  # draws one seed per new variable

    def updates(self) -> list:
        """The ``(shared state, new state)`` pairs, to pass as ``updates``."""
        return list(self.state_updates)

    def seed(self, seed=None) -> None:
        """Reseed every random variable of this stream from ``seed`` (None: the first seed)."""
        if seed is None:
            seed = self.default_instance_seed
        seedgen = np.random.RandomState(seed)
        for state, _ in self.state_updates:
            state.set_value(np.random.RandomState(int(seedgen.randint(2**30))), borrow=True)

    def __getitem__(self, item):
        """The ``RandomState`` held by the shared state ``item``."""
        return item.get_value(borrow=True)

    def __setitem__(self, item, value) -> None:
        item.set_value(value, borrow=True)

    def gen(self, op, *args, **kwargs):
        """A new random variable ``op(new shared state, *args, **kwargs)``.

        ``op`` is a ``raw_random`` function returning ``(new_state, sample)``. The sample is
        returned, with ``.rng`` (its shared state) and ``.update`` (``(rng, new_state)``).
        """
        seed = int(self.gen_seedgen.randint(2**30))
        rng = randomstate_constructor(np.random.RandomState(seed), borrow=True)
        rng.is_rng = True
        new_state, out = op(rng, *args, **kwargs)
        out.rng = rng
        out.update = (rng, new_state)
        self.state_updates.append(out.update)
        rng.default_update = new_state
        return out


shared_constructors[np.random.RandomState] = randomstate_constructor
