"""``theano.gof``: graph classes, walks and the optimizer decorator legacy code imports
(re-exported from minitheano's own modules)."""

from ..compile.fgraph import FunctionGraph
from ..compile.function import MissingInputError
from ..compile.rewrite import local_optimizer
from ..graph import Apply, Constant, Variable, toposort
from ..op import Op
from . import graph, op, opt  # noqa: E402  (theano.gof.graph ...)

__all__ = [
    "Apply",
    "Constant",
    "FunctionGraph",
    "MissingInputError",
    "Op",
    "Variable",
    "graph",
    "local_optimizer",
    "op",
    "opt",
    "toposort",
]
