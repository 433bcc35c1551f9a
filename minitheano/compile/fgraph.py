"""``FunctionGraph``: a graph owned by a compiled function, which rewrites may change in place."""

from __future__ import annotations

from collections import Counter

from ..graph import Apply, Variable, toposort


class FunctionGraph:
    """The outputs of a function with, for each variable, the nodes that use it (its clients).

    The graph is a private copy (``clone_replace``), so ``replace`` may mutate its nodes. It is
    kept up to date incrementally: ``replace`` costs what it touches (the new subgraph, the
    clients of the replaced variable, the nodes that die), never a walk of the whole graph, so
    that rewriting a graph of N nodes takes time near-linear in N. Only ``toposort`` walks the
    graph, and its result is cached until the next change.
    """

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        # id(variable) -> {(id(node), input index): (node, input index)}: O(1) removal
        self.clients: dict[int, dict[tuple[int, int], tuple[Apply, int]]] = {}
        self._nodes: dict[int, Apply] = {}  # id -> node, for the nodes of the graph
        self._output_uses = Counter(id(o) for o in self.outputs)
        self._order: list[Apply] | None = None  # cached toposort, reset by replace
        for node in toposort(self.outputs):
            self._add_node(node)

    # --- queries ---------------------------------------------------------------------------
    def toposort(self) -> list[Apply]:
        """The nodes that compute the outputs, in an order that respects dependencies."""
        if self._order is None:
            self._order = toposort(self.outputs)
        return self._order

    def __len__(self) -> int:
        """How many nodes the graph has."""
        return len(self._nodes)

    def has_node(self, node: Apply) -> bool:
        """Whether ``node`` is (still) part of the graph."""
        return id(node) in self._nodes

    def variables(self) -> list[Variable]:
        seen, out = set(), []
        for node in self.toposort():
            for v in node.inputs + node.outputs:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def client_count(self, var: Variable) -> int:
        """How many times ``var`` is used: by nodes of the graph, and as one of its outputs."""
        return len(self.clients.get(id(var), ())) + self._output_uses[id(var)]

    # --- changes ---------------------------------------------------------------------------
    def replace(self, old: Variable, new: Variable) -> None:
        """Make every user of ``old`` (and the outputs) use ``new`` instead."""
        if old is new:
            return
        if old.type != new.type:
            raise TypeError(
                f"FunctionGraph.replace: {old} has type {old.type} but its "
                f"replacement {new} has type {new.type}"
            )
        self._import(new)
        moved = self.clients.pop(id(old), {})
        for node, i in moved.values():
            node.inputs[i] = new
        if moved:
            self.clients.setdefault(id(new), {}).update(moved)
        uses = self._output_uses.pop(id(old), 0)
        if uses:
            self.outputs = [new if o is old else o for o in self.outputs]
            self._output_uses[id(new)] += uses
        self._prune(old)
        self._order = None

    def _import(self, var: Variable) -> None:
        """Add the nodes computing ``var`` that the graph does not have yet."""
        stack = [var]
        while stack:
            node = stack.pop().owner
            if node is None or id(node) in self._nodes:
                continue
            self._add_node(node)
            stack.extend(node.inputs)

    def _add_node(self, node: Apply) -> None:
        self._nodes[id(node)] = node
        for i, inp in enumerate(node.inputs):
            self.clients.setdefault(id(inp), {})[id(node), i] = (node, i)

    def _prune(self, var: Variable) -> None:
        """Remove the nodes that nothing uses any more, starting from ``var``'s owner."""
        stack = [var]
        while stack:
            node = stack.pop().owner
            if node is None or id(node) not in self._nodes:
                continue
            if any(self.client_count(o) for o in node.outputs):
                continue
            del self._nodes[id(node)]
            for i, inp in enumerate(node.inputs):
                uses = self.clients.get(id(inp))
                if uses is not None:
                    uses.pop((id(node), i), None)
                    if not uses:
                        del self.clients[id(inp)]
                stack.append(inp)

    def __str__(self) -> str:
        return "\n".join(str(node) for node in self.toposort())
