"""``T.signal``: pooling (``pool``) and its legacy module (``downsample``)."""

from . import downsample, pool  # noqa: F401
