"""DOT text for graphs: built here by hand (no pydot), rendered by Graphviz.

The drawing itself (nodes, colours, edges, groups) is the ``GraphModel`` of ``viz.model``; this
module writes it in Graphviz's language, one cluster per group.
"""

from __future__ import annotations

import html

from .model import DotOptions, GraphModel, graph_model, heat_color

__all__ = ["DotOptions", "graph_to_dot", "model_to_dot", "html_text", "heat_color"]


def _label(text: str) -> str:
    """``text`` as the inside of a double-quoted DOT string (newlines become line breaks)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def html_text(text: str) -> str:
    """``text`` escaped for a Graphviz HTML-like label."""
    return html.escape(str(text), quote=True)


def _node_line(node: dict, style: str) -> str:
    return (
        f'{node["id"]} [id="{node["id"]}", shape={node["shape"]}, style={style}, '
        f'fillcolor="{node["fill"]}", label="{_label(node["label"])}", '
        f'tooltip="{_label(node["tooltip"])}", class="{_label(node["kind"])}"];'
    )


def _edge_line(edge: dict) -> str:
    attrs = []
    if edge.get("label"):
        attrs.append(f'label="{_label(edge["label"])}", fontsize=9')
    if edge.get("style"):
        attrs.append(f"style={edge['style']}")
    if edge.get("color"):
        attrs.append(f'color="{edge["color"]}"')
    if edge.get("constraint") is False:
        attrs.append("constraint=false")
    tail = f" [{', '.join(attrs)}]" if attrs else ""
    return f"{edge['src']} -> {edge['dst']}{tail};"


def model_to_dot(
    model: GraphModel,
    opts: DotOptions | None = None,
    name: str = "G",
    as_subgraph: bool = False,
) -> str:
    """The DOT text of a ``GraphModel``: groups become nested clusters."""
    opts = opts or DotOptions()
    style = "filled" if opts.high_contrast else "solid"
    members: dict[str | None, list[str]] = {}
    for node in model.nodes:
        members.setdefault(node["group"], []).append(_node_line(node, style))
    children: dict[str | None, list[dict]] = {}
    for group in model.groups:
        children.setdefault(group["parent"], []).append(group)

    def emit(group_id: str | None, indent: str) -> list[str]:
        lines = [indent + line for line in members.get(group_id, [])]
        for group in children.get(group_id, []):
            border = "dashed" if group["kind"] == "inner" else "rounded"
            lines.append(
                f'{indent}subgraph cluster_{group["id"]} {{ label="{_label(group["label"])}"; '
                f'id="cluster_{_label(group["label"])}"; style={border}; color=grey50;'
            )
            lines += emit(group["id"], indent + "  ")
            lines.append(indent + "}")
        return lines

    head = (
        (f"subgraph cluster_{name} {{" if as_subgraph else f"digraph {name} {{")
        + f'\n  rankdir={opts.rankdir}; node [fontname="Helvetica", fontsize=11]; '
        f'edge [fontname="Helvetica"];'
    )
    body = emit(None, "  ") + ["  " + _edge_line(e) for e in model.edges]
    return "\n".join([head] + body + ["}"])


def graph_to_dot(
    obj,
    opts: DotOptions | None = None,
    name: str = "G",
    cluster_prefix: str = "",
    as_subgraph: bool = False,
) -> str:
    """The DOT text of a variable, a list of variables or a compiled function."""
    opts = opts or DotOptions()
    model = graph_model(obj, opts, prefix=cluster_prefix)
    return model_to_dot(model, opts, name=name, as_subgraph=as_subgraph)
