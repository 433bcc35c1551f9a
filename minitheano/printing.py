"""Text views of graphs: ``debugprint`` (a tree with ids) and ``pp`` (math-like)."""

from __future__ import annotations

import string
import sys

from .graph import Constant, Variable
from .print_op import Print  # noqa: F401  (theano.printing.Print)


def _id_maker(ids: str):
    table: dict[int, str] = {}

    def name(obj) -> str:
        key = id(obj)
        if key not in table:
            n = len(table)
            if ids == "CHAR":
                letters, label = string.ascii_uppercase, ""
                n += 1
                while n:
                    n, r = divmod(n - 1, 26)
                    label = letters[r] + label
                table[key] = label
            elif ids == "int":
                table[key] = str(n)
            elif ids == "id":
                table[key] = str(key)
            else:
                table[key] = ""
        return table[key]

    return name


def _targets(obj):
    """(label, variable) pairs to print for a variable, list of variables or compiled function."""
    from .compile.function import Function

    if isinstance(obj, Function):
        fgraph = obj.maker.fgraph
        n_out = len(obj.maker.original_outputs)
        pairs = [(None, v) for v in fgraph.outputs[:n_out]]
        for shared_var, value in zip(obj.shared_updated, fgraph.outputs[n_out:]):
            pairs.append((f"update of {shared_var}", value))
        return pairs
    if isinstance(obj, Variable):
        return [(None, obj)]
    if isinstance(obj, (list, tuple)):
        return [pair for item in obj for pair in _targets(item)]
    from .graph import Apply

    if isinstance(obj, Apply):
        return [(None, o) for o in obj.outputs]
    raise TypeError(f"debugprint: cannot print a {type(obj).__name__}")


def debugprint(
    obj,
    depth=-1,
    print_type=False,
    file=None,
    ids="CHAR",
    stop_on_name=False,
    done=None,
    print_storage=False,
    used_ids=None,
):
    """Print the graph of a variable, a list of them or a compiled function as an indented tree.

    Each node shows its op, an id (``[id A]``; a node seen before is not expanded again) and its
    output name. ``file='str'`` returns the text instead of printing; ``file=None`` prints to
    stdout.
    """
    name_of = _id_maker(ids)
    lines: list[str] = []
    done = set()

    def describe(var) -> str:
        ident = f" [id {name_of(var.owner if var.owner is not None else var)}]" if ids else ""
        type_text = f" <{var.type}>" if print_type else ""
        if var.owner is None:
            label = str(var) if not isinstance(var, Constant) else f"{var}"
            outer = links.get(id(var))  # an inner graph's input: the outer value it stands for
            link = f" -> [id {name_of(outer.owner or outer)}]" if outer is not None and ids else ""
            return f"{label}{ident}{type_text}{link}"
        node = var.owner
        index = f".{var.index}" if len(node.outputs) > 1 else ""
        return f"{node.op}{index}{ident} '{var.name or ''}'{type_text}"

    def walk(var, prefix: str, level: int) -> None:
        if depth != -1 and level >= depth:
            return
        lines.append(prefix + describe(var))
        node = var.owner
        if node is None:
            return
        if id(node) in done:
            return
        if stop_on_name and var.name is not None and level > 0:
            return
        done.add(id(node))
        if hasattr(node.op, "inner_to_outer"):
            loops.append(node)
        for inp in node.inputs:
            walk(inp, prefix + " |", level + 1)

    links: dict = {}
    loops: list = []  # nodes with an inner graph (scan): printed below the outer graph
    for label, var in _targets(obj):
        if label:
            lines.append(f"{label}:")
        walk(var, "", 0)
    if loops:
        lines += ["", "Inner graphs of the scan ops:"]
    for node in loops:  # grows while inner graphs show nested loops
        lines += ["", describe(node.outputs[0])]
        links.update((id(i), o) for i, o in node.op.inner_to_outer(node))
        for out in node.op.shown_inner_outputs():
            walk(out, " >", 1)
    text = "\n".join(lines)
    if file == "str":
        return text
    print(text, file=file or sys.stdout)
    return file


_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "//": 2, "%": 2, "**": 3}


def pp(var) -> str:
    """A math-like one-line rendering of ``var``'s expression: ``((x * W) + b)``."""
    from .tensor.elemwise import Elemwise
    from .tensor.shape import DimShuffle

    def show(v) -> str:
        node = v.owner
        if node is None:
            return str(v)
        if v.name is not None and v is not var:
            return v.name
        op = node.op
        args = [show(i) for i in node.inputs]
        if isinstance(op, Elemwise):
            spec = op.spec
            if spec.symbol and len(args) == 2:
                return f"({args[0]} {spec.symbol} {args[1]})"
            if spec.symbol and len(args) == 1:
                return f"{spec.symbol}{args[0]}"
            name = f"cast{{{op.dtype}}}" if op.dtype else spec.name
            return f"{name}({', '.join(args)})"
        if isinstance(op, DimShuffle):
            return f"{args[0]}.dimshuffle({', '.join(repr(a) for a in op.new_order)})"
        return f"{op}({', '.join(args)})"

    return show(var)


def pydotprint(*args, **kwargs):
    """Draw a graph as an image; see ``minitheano.viz.pydotprint`` (Theano's signature)."""
    from .viz import pydotprint as draw

    return draw(*args, **kwargs)


from .missing import module_getattr  # noqa: E402

__getattr__ = module_getattr(__name__)  # Theano names not provided: say so (missing.py)
