"""``theano.gof.opt``: the local-optimizer decorator (its rules run in a ``Pass``)."""

from ..compile.rewrite import local_optimizer

__all__ = ["local_optimizer"]
