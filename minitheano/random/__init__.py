"""Random streams: Theano's ``MRG_RandomStreams`` and ``RandomStreams``, number for number.

Each stream keeps its generator state in shared variables with a default update, so every
compiled function that draws advances the state (``function(..., no_default_updates=True)``
does not).
"""

from .mrg import MRG_RandomStreams  # noqa: E402,F401
from .numpy_streams import RandomStreams  # noqa: E402,F401
