"""The symbolic graph: ``Variable``, ``Constant``, ``Apply`` and the walks over them."""

from __future__ import annotations

import os
import sys
from typing import Iterable, Sequence

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_source_line() -> str:
    """``file:line`` of the first stack frame outside minitheano: where the user built a node."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not os.path.abspath(filename).startswith(_PACKAGE_DIR):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "<unknown>"


class Scratchpad:
    """A bag of attributes attached to a variable: ``var.tag`` (``var.tag.test_value``)."""

    def __repr__(self) -> str:
        return f"scratchpad{vars(self)}"


class Variable:
    """A symbolic value of type ``type``: a graph input (``owner is None``) or an op's output."""

    def __init__(self, type, owner: "Apply | None" = None, index: int | None = None, name=None):
        self.type = type
        self.owner = owner
        self.index = index
        self.name = name

    @property
    def tag(self) -> Scratchpad:
        """Free-form annotations, e.g. ``tag.test_value`` (made on first use: most variables
        never need one)."""
        tag = self.__dict__.get("_tag")
        if tag is None:
            tag = self._tag = Scratchpad()
        return tag

    @tag.setter
    def tag(self, value) -> None:
        self._tag = value

    def get_test_value(self):
        """The value this variable has for ``config.compute_test_value``, or AttributeError."""
        from .op import get_test_value

        return get_test_value(self)

    def clone(self) -> "Variable":
        """A new variable of the same type and name (and a copy of its tag), with no owner."""
        new = type(self)(self.type, name=self.name)
        _copy_tag(self, new)
        return new

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        if self.owner is not None:
            op = str(self.owner.op)
            return op + ".out" if len(self.owner.outputs) == 1 else f"{op}.{self.index}"
        return f"<{self.type}>"

    def __repr__(self) -> str:
        return str(self)


class Constant(Variable):
    """A graph input with a fixed value, ``data``."""

    def __init__(self, type, data, name=None):
        super().__init__(type, name=name)
        self.data = data

    def clone(self) -> "Constant":
        new = type(self)(self.type, self.data, name=self.name)
        _copy_tag(self, new)
        return new

    def signature(self):
        """A hashable key: two constants with equal signatures hold the same value."""
        data = self.data
        return (self.type, data.shape, data.tobytes())

    def __str__(self) -> str:
        if self.name is not None:
            return self.name
        data = self.data
        if data.size <= 8:
            text = str(data.tolist())
        else:
            text = f"{{{data.dtype} {data.shape}}}"
        return text


def _copy_tag(old: Variable, new: Variable) -> None:
    tag = old.__dict__.get("_tag")
    if tag is not None:
        new._tag = Scratchpad()
        vars(new._tag).update(vars(tag))


class Apply:
    """One application of an ``op`` to ``inputs``, producing ``outputs``.

    ``source`` records the file:line of the user's code that built it, so that errors (at build
    time or at run time) point at the user's script.
    """

    def __init__(self, op, inputs: Sequence[Variable], outputs: Sequence[Variable], source=None):
        self.op = op
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.source = source or user_source_line()
        for i, out in enumerate(self.outputs):
            out.owner, out.index = self, i

    @property
    def out(self) -> Variable:
        """The single output of a one-output node."""
        if len(self.outputs) != 1:
            raise ValueError(f"{self.op} has {len(self.outputs)} outputs")
        return self.outputs[0]

    def clone_with_new_inputs(self, inputs: Sequence[Variable]) -> "Apply":
        """A copy of this node applied to ``inputs`` (types re-checked by ``make_node``)."""
        node = self.op.make_node(*inputs)
        node.source = self.source
        for old, new in zip(self.outputs, node.outputs):
            new.name = old.name
        return node

    def __str__(self) -> str:
        return f"{self.op}({', '.join(map(str, self.inputs))})"

    __repr__ = __str__


def ancestors(outputs: Iterable[Variable], blockers: Iterable[Variable] = ()) -> list[Variable]:
    """All variables that ``outputs`` depend on (themselves included), stopping at ``blockers``,
    in Theano's order: depth first, each node's inputs left to right."""
    blocked = {id(b) for b in blockers or ()}
    seen, order, stack = set(), [], list(outputs)
    while stack:
        var = stack.pop()
        if id(var) in seen:
            continue
        seen.add(id(var))
        order.append(var)
        if var.owner is not None and id(var) not in blocked:
            stack.extend(reversed(var.owner.inputs))
    return order


def graph_inputs(outputs: Iterable[Variable], blockers: Iterable[Variable] = ()) -> list[Variable]:
    """The variables without owner (or in ``blockers``) that ``outputs`` depend on."""
    blocked = {id(b) for b in blockers or ()}
    return [v for v in ancestors(outputs, blockers) if v.owner is None or id(v) in blocked]


def toposort(outputs: Iterable[Variable], blockers: Iterable[Variable] = ()) -> list[Apply]:
    """The Apply nodes that compute ``outputs``, each after the nodes it depends on."""
    blocked = {id(b) for b in blockers}
    order: list[Apply] = []
    done: set[int] = set()
    for root in outputs:
        # Iterative DFS (graphs of deep nets are deeper than Python's recursion limit allows).
        stack = [(root, False)]
        while stack:
            var, expanded = stack.pop()
            node = var.owner
            if node is None or id(var) in blocked or id(node) in done:
                continue
            if expanded:
                done.add(id(node))
                order.append(node)
                continue
            stack.append((var, True))
            for inp in reversed(node.inputs):
                if inp.owner is not None and id(inp.owner) not in done:
                    stack.append((inp, False))
    return order


def clone_replace(outputs: Sequence[Variable], replace=None):
    """Copies of ``outputs`` where each key of ``replace`` is swapped for its value.

    ``replace`` is a dict or a list of ``(old, new)`` pairs. Every Apply on the way is copied
    (the replacement values' graphs too), so the result shares no node with the original graph
    and rewrites may change it in place. Graph inputs are kept. Returns the new outputs.
    """
    pairs = list(replace.items()) if isinstance(replace, dict) else list(replace or [])
    memo: dict[int, Variable] = {}
    new_values = _clone_into(memo, [new for _, new in pairs])
    for (old, _), new in zip(pairs, new_values):
        memo[id(old)] = new
    return _clone_into(memo, list(outputs))


def _clone_into(memo: dict, outputs: list) -> list:
    blockers = [v for v in ancestors(outputs) if id(v) in memo]
    for node in toposort(outputs, blockers=blockers):
        new_inputs = [memo.get(id(i), i) for i in node.inputs]
        new_node = Apply(
            node.op, new_inputs, [o.clone() for o in node.outputs], source=node.source
        )
        for old, new in zip(node.outputs, new_node.outputs):
            new.name = old.name
            memo[id(old)] = new
    return [memo.get(id(o), o) for o in outputs]


def clone(output, replace=None, strict: bool = True, share_inputs: bool = True):
    """``theano.clone``: a copy of the graph of ``output`` (a variable or a list) with the
    substitutions ``replace`` (a dict or pairs ``old -> new``).

    With ``strict``, a replacement must have its variable's type (or one it converts to, as
    a ``row`` for a ``matrix``); without it, nodes are rebuilt and their types inferred again.
    With ``share_inputs=False`` the graph inputs are cloned too (shared variables and constants
    are kept).
    """
    outputs = list(output) if isinstance(output, (list, tuple)) else [output]
    pairs = list(replace.items()) if isinstance(replace, dict) else list(replace or [])
    memo: dict[int, Variable] = {}
    for old, new in pairs:
        if not isinstance(old, Variable) or not isinstance(new, Variable):
            raise TypeError(
                f"clone: replace must map variables to variables, got {old!r}: {new!r}"
            )
        if strict and new.type != old.type:
            filter_variable = getattr(old.type, "filter_variable", None)
            if filter_variable is None:
                raise TypeError(f"clone: cannot replace {old} ({old.type}) by {new} ({new.type})")
            new = filter_variable(new)
        memo[id(old)] = new
    if not share_inputs:
        for var in graph_inputs(outputs):
            if id(var) not in memo and not isinstance(var, Constant):
                if not hasattr(var, "get_value"):  # shared variables stay shared
                    memo[id(var)] = var.clone()
    blockers = [v for v in ancestors(outputs) if id(v) in memo]
    for node in toposort(outputs, blockers=blockers):
        new_inputs = [memo.get(id(i), i) for i in node.inputs]
        if all(new.type == old.type for new, old in zip(new_inputs, node.inputs)):
            new_node = Apply(node.op, new_inputs, [o.clone() for o in node.outputs], node.source)
        else:  # types changed (strict=False): let make_node infer the output types again
            new_node = node.clone_with_new_inputs(new_inputs)
        for old, new in zip(node.outputs, new_node.outputs):
            new.name = old.name
            memo[id(old)] = new
    cloned = [memo.get(id(o), o) for o in outputs]
    return type(output)(cloned) if isinstance(output, (list, tuple)) else cloned[0]


def is_same_graph(var1: Variable, var2: Variable, givens=None, debug: bool = False) -> bool:
    """Whether ``var1`` and ``var2`` compute the same thing with the same graph (equal ops on
    the same inputs or equal constants), after the substitutions ``givens`` (pairs or a dict
    ``old -> new``, applied to both graphs). ``x * (y * z)`` and ``(x * y) * z`` differ."""
    pairs = givens.items() if isinstance(givens, dict) else givens or []
    subst = {id(old): new for old, new in pairs}
    table: dict = {}  # hash-consing: one number per distinct computation
    number: dict[int, int] = {}

    def deps(var):
        if id(var) in subst:
            return [subst[id(var)]]
        return var.owner.inputs if var.owner is not None else []

    for root in (var1, var2):
        stack = [(root, False)]
        while stack:
            var, ready = stack.pop()
            if id(var) in number:
                continue
            if not ready:
                stack.append((var, True))
                stack.extend((d, False) for d in deps(var) if id(d) not in number)
                continue
            if id(var) in subst:
                number[id(var)] = number[id(subst[id(var)])]
                continue
            if var.owner is not None:
                inputs = tuple(number[id(i)] for i in var.owner.inputs)
                key = ("apply", var.owner.op, inputs, var.index)
            elif isinstance(var, Constant):
                key = ("constant", var.signature())
            else:
                key = ("input", id(var))
            number[id(var)] = table.setdefault(key, len(table))
    return number[id(var1)] == number[id(var2)]
