"""Pictures of graphs: DOT text built here, rendered by Graphviz."""

from .compare import compare_rewrites
from .dot import DotOptions, graph_to_dot
from .render import GraphvizMissingError, pydotprint, render

__all__ = [
    "DotOptions",
    "graph_to_dot",
    "pydotprint",
    "render",
    "compare_rewrites",
    "GraphvizMissingError",
]
