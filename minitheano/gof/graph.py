"""``theano.gof.graph``: the graph classes and walks over them."""

from ..graph import Apply, Constant, Variable, ancestors, clone_replace, is_same_graph, toposort

__all__ = [
    "Apply",
    "Constant",
    "Variable",
    "ancestors",
    "clone_replace",
    "inputs",
    "io_toposort",
    "is_same_graph",
    "toposort",
]


def inputs(variable_list, blockers=None):
    """The variables without owner that ``variable_list`` depends on (Theano's order)."""
    return [v for v in ancestors(variable_list, blockers) if v.owner is None]


def io_toposort(inputs, outputs, orderings=None, clients=None):
    """The nodes between ``inputs`` and ``outputs``, each after those it depends on."""
    return toposort(outputs, blockers=inputs)
