"""``FunctionGraph``: a graph owned by a compiled function, which rewrites may change in place."""

from __future__ import annotations

from ..graph import Apply, Variable, toposort


class FunctionGraph:
    """The outputs of a function with, for each variable, the nodes that use it (its clients).

    The graph is a private copy (``clone_replace``), so ``replace`` may mutate its nodes.
    """

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.clients: dict[int, list[tuple[Apply, int]]] = {}
        self._order: list[Apply] | None = None  # cached toposort, reset by replace
        self._live: set[int] = set()
        for node in self.toposort():
            self._register(node)

    def _register(self, node: Apply) -> None:
        for i, inp in enumerate(node.inputs):
            self.clients.setdefault(id(inp), []).append((node, i))

    def toposort(self) -> list[Apply]:
        """The nodes that compute the outputs, in an order that respects dependencies."""
        if self._order is None:
            self._order = toposort(self.outputs)
            self._live = {id(n) for n in self._order}
        return self._order

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
        self.toposort()
        used = sum(1 for node, _ in self.clients.get(id(var), ()) if id(node) in self._live)
        return used + sum(1 for o in self.outputs if o is var)

    def replace(self, old: Variable, new: Variable) -> None:
        """Make every user of ``old`` (and the outputs) use ``new`` instead."""
        if old is new:
            return
        if old.type != new.type:
            raise TypeError(
                f"FunctionGraph.replace: {old} has type {old.type} but its "
                f"replacement {new} has type {new.type}"
            )
        for node in toposort([new], blockers=[v for v in self._known_vars()]):
            self._register(node)
        for node, i in self.clients.pop(id(old), []):
            node.inputs[i] = new
            self.clients.setdefault(id(new), []).append((node, i))
        self.outputs = [new if o is old else o for o in self.outputs]
        self._order = None

    def _known_vars(self):
        # variables of the graph already: a new subgraph is registered down to them only
        return [v for node in self.toposort() for v in node.inputs + node.outputs]

    def __str__(self) -> str:
        return "\n".join(str(node) for node in self.toposort())
