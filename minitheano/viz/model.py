"""The drawable model of a graph: nodes, edges and groups, shared by the DOT writer and the
HTML viewer (which lays the same model out in the browser).

Conventions follow Theano's pydotprint: variables are boxes (inputs, outputs, shared variables
and constants each have a colour), Apply nodes are ellipses coloured by op family, and edges
carry the dtype and shape of the value they carry. Updates are dashed edges from the update
expression back to its shared variable. Variables named ``prefix.name`` group their nodes into
a box per prefix; an op that holds an inner graph (``scan``'s step) gets a box of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..graph import Apply, Constant, Variable, toposort
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
VAR_COLORS = {  # Theano's pydotprint colours
    "input": "green",
    "output": "dodgerblue",
    "shared": "cyan",
    "constant": "grey80",
    "update": "cyan3",
}
LIGHT_VAR_COLORS = {  # the viewer's: light fills under dark text
    "input": "#c9f2c9",
    "output": "#cfe2ff",
    "shared": "#cdf3f3",
    "constant": "#e6e6e6",
    "update": "#bfe9e9",
    "inner input": "#eeeeee",
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
    light: bool = False  # light fills (the HTML viewer) instead of Theano's colours
    inner_graphs: bool = True  # draw the inner graphs ops hold (pydotprint's scan_graphs)


@dataclass
class GraphModel:
    """Nodes, edges and groups of a drawing; ``to_json`` is what the HTML viewer reads.

    nodes: ``{"id", "label", "shape", "fill", "kind", "group", "tooltip", "info"}``;
    edges: ``{"src", "dst", "label", "style", "color", "constraint"}``;
    groups: ``{"id", "label", "parent", "kind"}`` (kind ``group`` or ``inner``).
    """

    nodes: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    profiled: bool = False
    start: str | None = None  # where a viewer opens: the first input's node
    calls: int = 0  # the profiled calls the node times add up

    def to_json(self) -> dict:
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "groups": self.groups,
            "profiled": self.profiled,
            "start": self.start,
            "calls": self.calls,
        }


def inner_graph(op):
    """``(inputs, outputs)`` of the inner graph an op holds (``scan``'s step), else None.

    An op opts in by exposing ``inner_inputs`` and ``inner_outputs`` (lists of variables), or
    an ``inner`` object with ``inputs`` and ``outputs`` (as ``Scan`` holds its step).
    """
    holder = op if hasattr(op, "inner_inputs") else getattr(op, "inner", None)
    names = ("inner_inputs", "inner_outputs") if holder is op else ("inputs", "outputs")
    inputs, outputs = (getattr(holder, name, None) for name in names)
    if inputs is None or outputs is None:
        return None
    return list(inputs), list(outputs)


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
    elif isinstance(obj, Apply):
        obj = obj.outputs
    return list(obj), [], [], {}, {}


def var_kind(var, outputs) -> str:
    if any(var is o for o in outputs):
        return "output"
    if isinstance(var, SharedVariable):
        return "shared"
    if isinstance(var, Constant):
        return "constant"
    if var.owner is None:
        return "input"
    return "intermediate"


def shape_text(var, opts: DotOptions) -> str:
    shape = opts.shapes.get(id(var))
    if shape is not None:
        return str(tuple(shape))
    return (
        "("
        + ", ".join("1" if b else "?" for b in var.broadcastable)
        + ("," if var.ndim == 1 else "")
        + ")"
    )


def group_of(node) -> str | None:
    """A group name for a node: the prefix of a dotted name ('layer0.W' -> 'layer0')."""
    for var in node.outputs + node.inputs:
        name = var.name or ""
        for sep in (".", "/"):
            if sep in name:
                return name.split(sep, 1)[0]
    return None


def heat_color(fraction: float, light: bool = False) -> str:
    """White (0) to red (1), for the profile overlay; ``light`` stops at a pale red."""
    f = max(0.0, min(1.0, fraction)) * (0.6 if light else 1.0)
    g = int(255 * (1 - f))
    return f"#ff{g:02x}{g:02x}"


class _Builder:
    """Walks one graph (and the inner graphs its ops hold) into a ``GraphModel``."""

    def __init__(self, opts: DotOptions, prefix: str) -> None:
        self.opts, self.prefix = opts, prefix
        self.model = GraphModel(profiled=bool(opts.node_times))
        self.ids: dict[int, str] = {}
        self.shown: set[int] = set()
        self.group_ids: dict[tuple, str] = {}
        self.max_time = max(opts.node_times.values(), default=0.0)
        self.total_time = sum(opts.node_times.values())

    def node_id(self, obj) -> str:
        if id(obj) not in self.ids:
            self.ids[id(obj)] = f"{self.prefix}n{len(self.ids)}"
        return self.ids[id(obj)]

    def group_id(self, label: str, parent: str | None, kind: str = "group") -> str:
        key = (label, parent, kind)
        if key not in self.group_ids:
            gid = f"{self.prefix}g{len(self.group_ids)}"
            self.group_ids[key] = gid
            self.model.groups.append({"id": gid, "label": label, "parent": parent, "kind": kind})
        return self.group_ids[key]

    def add_var(self, var, kind: str, group: str | None) -> None:
        if id(var) in self.shown:
            return
        self.shown.add(id(var))
        opts = self.opts
        text = str(var) if var.name or isinstance(var, Constant) else str(var.type)
        if not (opts.var_with_name_simple and var.name):
            text = f"{text}\n{var.type}" if var.name else text
        if opts.with_ids:
            text = f"{self.node_id(var)}: {text}"
        palette = LIGHT_VAR_COLORS if opts.light else VAR_COLORS
        shape = shape_text(var, opts)
        self.model.nodes.append(
            {
                "id": self.node_id(var),
                "label": text,
                "shape": "box",
                "fill": palette.get(kind, "white"),
                "kind": kind,
                "group": group,
                "tooltip": f"{kind} {var.type} shape {shape}",
                "info": {"kind": kind, "name": str(var), "type": str(var.type), "shape": shape},
            }
        )

    def add_graph(self, outputs, updates, group: str | None = None, inner_inputs=()) -> None:
        """Draw the graph that computes ``outputs`` and the ``updates``' new values."""
        opts, model = self.opts, self.model
        roots = list(outputs) + [v for _, v in updates]

        def show_var(var) -> bool:
            if not opts.compact or var.owner is None:
                return True
            return var.name is not None or any(var is r for r in roots)

        def kind_of(var) -> str:
            if any(var is i for i in inner_inputs):
                return "inner input"
            return var_kind(var, outputs)

        def source_of(var) -> str:
            if show_var(var):
                self.add_var(var, kind_of(var), group)
                return self.node_id(var)
            return self.node_id(var.owner)

        nodes = toposort(roots)
        for k, node in enumerate(nodes):
            self.add_apply(node, k, group)
        for node in nodes:
            for pos, inp in enumerate(node.inputs):
                label = f"{inp.dtype} {shape_text(inp, opts)}"
                if len(node.inputs) > 1:
                    label = f"{pos} {label}"
                model.edges.append(
                    {"src": source_of(inp), "dst": self.node_id(node), "label": label}
                )
            for out in node.outputs:
                if show_var(out) and out.owner is node:
                    self.add_var(out, kind_of(out), self.apply_group(node, group))
                    model.edges.append({"src": self.node_id(node), "dst": self.node_id(out)})
        for shared_var, value in updates:
            src = source_of(value)
            self.add_var(shared_var, "shared", group)
            model.edges.append(
                {
                    "src": src,
                    "dst": self.node_id(shared_var),
                    "label": "update",
                    "style": "dashed",
                    "color": "red",
                    "constraint": False,
                }
            )
        for out in outputs:
            if out.owner is None:
                self.add_var(out, kind_of(out), group)

    def apply_group(self, node, parent: str | None) -> str | None:
        name = group_of(node)
        return parent if name is None else self.group_id(name, parent)

    def add_apply(self, node, k: int, parent: str | None) -> None:
        opts = self.opts
        op_name = type(node.op).__name__
        label = f"{k}: {node.op}" if opts.with_ids else str(node.op)
        fill = OP_COLORS.get(op_name, "white")
        seconds = opts.node_times.get(id(node))
        if seconds is not None and self.total_time:
            fill = heat_color(seconds / self.max_time, opts.light)
            label += f"\n{seconds * 1e3:.2f} ms ({100 * seconds / self.total_time:.1f}%)"
        group = self.apply_group(node, parent)
        nid = self.node_id(node)
        self.model.nodes.append(
            {
                "id": nid,
                "label": label,
                "shape": "ellipse",
                "fill": fill,
                "kind": "apply",
                "group": group,
                "tooltip": f"{node.op} built at {node.source}",
                "info": {
                    "kind": "apply",
                    "op": str(node.op),
                    "source": node.source,
                    "outputs": [f"{o.type} {shape_text(o, opts)}" for o in node.outputs],
                    "time_ms": None if seconds is None else round(seconds * 1e3, 3),
                },
            }
        )
        inner = inner_graph(node.op) if opts.inner_graphs else None
        if inner is not None:
            inner_inputs, inner_outputs = inner
            box = self.group_id(f"inner graph of {op_name}", group, kind="inner")
            self.add_graph(inner_outputs, [], box, inner_inputs)
            for out in inner_outputs:
                self.model.edges.append(
                    {
                        "src": self.node_id(out),  # roots are always drawn
                        "dst": nid,
                        "label": "inner",
                        "style": "dotted",
                        "constraint": False,
                    }
                )


def graph_model(obj, opts: DotOptions | None = None, prefix: str = "") -> GraphModel:
    """The ``GraphModel`` of a variable, a list of variables or a compiled function."""
    opts = opts or DotOptions()
    outputs, updates, inputs, shapes, times = _targets(obj)
    if shapes and not opts.shapes:
        opts.shapes = shapes
    if times and not opts.node_times:
        opts.node_times = times
    builder = _Builder(opts, prefix)
    builder.add_graph(outputs, updates)
    model = builder.model
    drawn = [builder.ids[id(v)] for v in inputs if id(v) in builder.ids]
    first = [n["id"] for n in model.nodes if n["kind"] == "input"]
    model.start = (drawn or first or [None])[0]
    profile = getattr(obj, "profile", None)
    model.calls = profile.calls if profile is not None and times else 0
    return model
