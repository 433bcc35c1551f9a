"""Theano's ``theano.tensor.raw_random``: re-exports of ``minitheano.random.raw_random``."""

from ..random.numpy_streams import RandomStreamsBase  # noqa: F401
from ..random.permute_rows import PermuteRowElements, permute_row_elements  # noqa: F401
from ..random.raw_random import (  # noqa: F401
    RandomFunction,
    RandomStateType,
    binomial,
    choice,
    multinomial,
    normal,
    permutation,
    poisson,
    random_integers,
    random_state_type,
    shuffle_row_elements,
    uniform,
)
