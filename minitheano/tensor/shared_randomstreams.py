"""Theano's ``theano.tensor.shared_randomstreams``: re-exports of ``minitheano.random``."""

from ..random.numpy_streams import (  # noqa: F401
    RandomStateSharedVariable,
    RandomStreams,
    randomstate_constructor,
)
