"""Theano's ``theano.sandbox.rng_mrg`` path: re-exports of ``minitheano.random.mrg``."""

from ..random.mrg import DEFAULT_N_STREAMS, MRG_RandomStreams, guess_n_streams  # noqa: F401
from ..random.mrg_core import M1, M2  # noqa: F401
from ..random.mrg_ops import (  # noqa: F401
    ChoiceFromUniform,
    MRGUniform,
    MultinomialFromUniform,
)

mrg_uniform = MRGUniform
