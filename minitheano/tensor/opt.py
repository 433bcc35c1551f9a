"""``theano.tensor.opt``: the names legacy code imports from Theano's tensor optimizer module.

minitheano's rewrites are plain functions in an explicit pipeline (``tensor/rewrites.py``).
Theano-style local optimizers registered with ``register_canonicalize`` and friends are
accepted, so that code defining them imports and runs, but they are not added to that
pipeline: rewrites never change results, so graphs still compute the same values.
"""

from __future__ import annotations

from .shape import MakeVector

__all__ = [
    "MakeVector",
    "make_vector",
    "register_canonicalize",
    "register_specialize",
    "register_specialize_device",
    "register_stabilize",
    "register_uncanonicalize",
]

make_vector = MakeVector()


def _accept(lopt=None, *tags, **kwargs):
    # used as @register_x, @register_x('name', ...) or register_x(lopt, 'name', ...)
    if isinstance(lopt, str) or lopt is None:
        return lambda inner: inner
    return lopt


register_canonicalize = _accept
register_specialize = _accept
register_specialize_device = _accept
register_stabilize = _accept
register_uncanonicalize = _accept
