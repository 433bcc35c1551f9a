"""Pictures of graphs: DOT text built here, rendered by Graphviz."""

from .compare import compare_rewrites
from .dot import DotOptions, graph_to_dot, model_to_dot
from .model import GraphModel, graph_model, inner_graph
from .render import GraphvizMissingError, pydotprint, render

__all__ = [
    "DotOptions",
    "graph_to_dot",
    "graph_model",
    "model_to_dot",
    "GraphModel",
    "inner_graph",
    "pydotprint",
    "render",
    "compare_rewrites",
    "GraphvizMissingError",
]
