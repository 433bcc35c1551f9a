"""DOT text for graphs: built here by hand (no pydot), rendered by Graphviz.

Conventions follow Theano's pydotprint: variables are boxes (inputs green, outputs blue,
shared variables cyan, constants grey), Apply nodes are ellipses coloured by op family, and
edges carry the dtype and shape of the value they carry. Updates are dashed edges from the
update expression back to its shared variable.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from ..graph import Constant, Variable, toposort
from ..shared import SharedVariable

OP_COLORS = {
    "Elemwise": "#FFAABB",
    "FusedElemwise": "#FF8899",
    "Subtensor": "#FFAAFF",
    "IncSubtensor": "#EEAAFF",
    "Alloc": "#FFAA22",
    "Shape": "#CC9966",
    "Dot": "#AADDFF",
    "Conv2d": "#99CCFF",
    "Conv2dGradWeights": "#77BBEE",
    "Conv2dGradInputs": "#77BBEE",
    "Pool": "#BBEEAA",
    "MaxPoolGrad": "#99DD88",
    "Reduce": "#FFEE99",
}
VAR_COLORS = {
    "input": "green",
    "output": "dodgerblue",
    "shared": "cyan",
    "constant": "grey80",
    "update": "cyan3",
}


@dataclass
class DotOptions:
    compact: bool = True  # hide unnamed intermediate variables (edges join ops)
    with_ids: bool = False  # number the nodes
    high_contrast: bool = True  # filled shapes
    var_with_name_simple: bool = False  # named variables show only their name
    shapes: dict = field(default_factory=dict)  # id(variable) -> shape seen at run time
    node_times: dict = field(default_factory=dict)  # id(apply) -> seconds (profile overlay)
    rankdir: str = "TB"


def _targets(obj):
    """(outputs, updates, explicit inputs, shapes, node times) for a function or variables."""
    from ..compile.function import Function

    if isinstance(obj, Function):
        fgraph = obj.maker.fgraph
        n_out = len(obj.maker.original_outputs)
        outputs = fgraph.outputs[:n_out]
        updates = list(zip(obj.shared_updated, fgraph.outputs[n_out:]))
        program = obj.program
        shapes = {id(program.variables[s]): shape for s, shape in program.last_shapes.items()}
        times = {}
        if obj.profile is not None:
            for k, t in obj.profile.node_time.items():
                times[id(obj.profile.steps[k].node)] = t
        return outputs, updates, [i.variable for i in obj.ins], shapes, times
    if isinstance(obj, Variable):
        obj = [obj]
    outputs = list(obj)
    return outputs, [], [], {}, {}


def _label(text: str) -> str:
    """``text`` as the inside of a double-quoted DOT string (newlines become line breaks)."""
    return str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def html_text(text: str) -> str:
    """``text`` escaped for a Graphviz HTML-like label."""
    return html.escape(str(text), quote=True)


def _var_kind(var, outputs) -> str:
    if any(var is o for o in outputs):
        return "output"
    if isinstance(var, SharedVariable):
        return "shared"
    if isinstance(var, Constant):
        return "constant"
    if var.owner is None:
        return "input"
    return "intermediate"


def _shape_text(var, opts: DotOptions) -> str:
    shape = opts.shapes.get(id(var))
    if shape is not None:
        return str(tuple(shape))
    return (
        "("
        + ", ".join("1" if b else "?" for b in var.broadcastable)
        + ("," if var.ndim == 1 else "")
        + ")"
    )


def _group_of(node) -> str | None:
    """A cluster name for a node: the prefix of a dotted name ('layer0.W' -> 'layer0')."""
    for var in node.outputs + node.inputs:
        name = var.name or ""
        for sep in (".", "/"):
            if sep in name:
                return name.split(sep, 1)[0]
    return None


def heat_color(fraction: float) -> str:
    """White (0) to red (1), for the profile overlay."""
    f = max(0.0, min(1.0, fraction))
    g = int(255 * (1 - f))
    return f"#ff{g:02x}{g:02x}"


def graph_to_dot(
    obj,
    opts: DotOptions | None = None,
    name: str = "G",
    cluster_prefix: str = "",
    as_subgraph: bool = False,
    meta: dict | None = None,
) -> str:
    """The DOT text of a variable, a list of variables or a compiled function.

    ``meta``, when given, is filled with one record per drawn node (op, type, shape, source
    line, group), keyed by the node's DOT id.
    """
    meta = {} if meta is None else meta
    opts = opts or DotOptions()
    outputs, updates, inputs, shapes, times = _targets(obj)
    if shapes and not opts.shapes:
        opts.shapes = shapes
    if times and not opts.node_times:
        opts.node_times = times
    roots = outputs + [v for _, v in updates]
    nodes = toposort(roots)
    total_time = sum(opts.node_times.values()) or None
    ids: dict[int, str] = {}
    lines = []

    def node_id(obj_) -> str:
        key = id(obj_)
        if key not in ids:
            ids[key] = f"{cluster_prefix}n{len(ids)}"
        return ids[key]

    def show_var(var) -> bool:
        if not opts.compact or var.owner is None:
            return True
        return var.name is not None or any(var is r for r in roots)

    style = "filled" if opts.high_contrast else "solid"
    shown: set[int] = set()

    def emit_var(var) -> None:
        if id(var) in shown:
            return
        shown.add(id(var))
        kind = _var_kind(var, outputs)
        text = str(var) if var.name or isinstance(var, Constant) else str(var.type)
        if not (opts.var_with_name_simple and var.name):
            text = f"{text}\n{var.type}" if var.name else text
        if opts.with_ids:
            text = f"{node_id(var)}: {text}"
        color = VAR_COLORS.get(kind, "white")
        tooltip = f"{kind} {var.type} shape {_shape_text(var, opts)}"
        meta[node_id(var)] = {
            "kind": kind,
            "name": str(var),
            "type": str(var.type),
            "shape": _shape_text(var, opts),
            "group": None,
        }
        lines.append(
            f'  {node_id(var)} [id="{node_id(var)}", shape=box, style={style}, '
            f'fillcolor="{color}", label="{_label(text)}", tooltip="{_label(tooltip)}", '
            f'class="var {kind}"];'
        )

    groups: dict[str, list[str]] = {}
    for k, node in enumerate(nodes):
        op_name = type(node.op).__name__
        label = str(node.op)
        if opts.with_ids:
            label = f"{k}: {label}"
        color = OP_COLORS.get(op_name, "white")
        seconds = opts.node_times.get(id(node))
        if seconds is not None and total_time:
            color = heat_color(seconds / max(opts.node_times.values()))
            label += f"\n{seconds * 1e3:.2f} ms ({100 * seconds / total_time:.1f}%)"
        tooltip = f"{node.op} built at {node.source}"
        group = _group_of(node)
        meta[node_id(node)] = {
            "kind": "apply",
            "op": str(node.op),
            "source": node.source,
            "group": group,
            "outputs": [f"{o.type} {_shape_text(o, opts)}" for o in node.outputs],
            "time_ms": None if seconds is None else round(seconds * 1e3, 3),
        }
        entry = (
            f'  {node_id(node)} [id="{node_id(node)}", shape=ellipse, style={style}, '
            f'fillcolor="{color}", label="{_label(label)}", tooltip="{_label(tooltip)}", '
            f'class="apply"];'
        )
        if group:
            groups.setdefault(group, []).append(entry)
        else:
            lines.append(entry)

    def source_of(var) -> str:
        if show_var(var):
            emit_var(var)
            return node_id(var)
        return node_id(var.owner)

    for node in nodes:
        for pos, inp in enumerate(node.inputs):
            src = source_of(inp)
            edge = f"{inp.dtype} {_shape_text(inp, opts)}"
            if len(node.inputs) > 1:
                edge = f"{pos} {edge}"
            lines.append(f'  {src} -> {node_id(node)} [label="{_label(edge)}", fontsize=9];')
        for out in node.outputs:
            if show_var(out) and out.owner is node:
                emit_var(out)
                lines.append(f"  {node_id(node)} -> {node_id(out)};")
    for shared_var, value in updates:
        src = source_of(value)
        emit_var(shared_var)
        lines.append(
            f'  {src} -> {node_id(shared_var)} [style=dashed, color="red", '
            f'label="update", fontsize=9, constraint=false];'
        )
    for out in outputs:
        if out.owner is None:
            emit_var(out)
    for k, (group, entries) in enumerate(sorted(groups.items())):
        lines.append(
            f'  subgraph cluster_{cluster_prefix}{k} {{ label="{_label(group)}"; '
            f'id="cluster_{_label(group)}"; style=rounded; color=grey50;'
        )
        lines.extend("  " + e for e in entries)
        lines.append("  }")
    head = (
        (f"subgraph cluster_{name} {{" if as_subgraph else f"digraph {name} {{")
        + f'\n  rankdir={opts.rankdir}; node [fontname="Helvetica", fontsize=11]; '
        f'edge [fontname="Helvetica"];'
    )
    return "\n".join([head] + lines + ["}"])
