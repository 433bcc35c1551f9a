"""The rewrite engine: an explicit, ordered tuple of passes run on a ``FunctionGraph``.

A local rule is a plain function ``rule(fgraph, node)`` returning replacement variables for
``node.outputs``, a dict ``{old variable: new variable}``, or ``None``. A pass applies its
rules over the graph until nothing changes.
The rules themselves live next to the ops they concern (``tensor/rewrites.py``).
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..config import config
from ..graph import Constant
from .fgraph import FunctionGraph

MAX_SWEEPS = 30


@dataclass
class RewriteReport:
    """Which rewrites fired, how often, and how many nodes they removed."""

    fired: Counter = field(default_factory=Counter)
    removed: Counter = field(default_factory=Counter)
    nodes_before: int = 0
    nodes_after: int = 0

    def record(self, name: str, removed: int) -> None:
        self.fired[name] += 1
        self.removed[name] += removed

    def __str__(self) -> str:
        lines = [f"rewrites: {self.nodes_before} nodes -> {self.nodes_after} nodes"]
        for name, count in self.fired.most_common():
            lines.append(f"  {name:<32} fired {count:>4}x  removed {self.removed[name]:>4} nodes")
        return "\n".join(lines)


@dataclass(frozen=True)
class Pass:
    """A named group of local rules, or one global function ``run(fgraph, report)``."""

    name: str
    rules: tuple = ()
    run: Callable | None = None


def apply_local_rules(fgraph: FunctionGraph, rules, report: RewriteReport) -> None:
    """Sweep the graph applying ``rules`` until a sweep changes nothing."""
    for _ in range(MAX_SWEEPS):
        changed = False
        for node in fgraph.toposort():
            if not fgraph.has_node(node):  # replaced earlier in this sweep
                continue
            for rule in rules:
                replacements = rule(fgraph, node)
                if replacements is None:
                    continue
                before = len(fgraph)
                if not isinstance(replacements, dict):  # a list for node.outputs
                    replacements = dict(zip(node.outputs, replacements))
                for old, new in replacements.items():
                    if new is not None and new is not old:
                        fgraph.replace(old, new)
                report.record(rule.__name__, before - len(fgraph))
                changed = True
                break
        if not changed:
            return


def merge(fgraph: FunctionGraph, report: RewriteReport) -> None:
    """Merge equal constants and nodes computing the same op on the same inputs."""
    before = len(fgraph)
    constants: dict = {}
    seen: dict = {}
    for node in fgraph.toposort():
        if not fgraph.has_node(node):  # merged away earlier in this pass
            continue
        for inp in node.inputs:
            if isinstance(inp, Constant):
                canonical = constants.setdefault(inp.signature(), inp)
                if canonical is not inp:
                    fgraph.replace(inp, canonical)
        key = (node.op, tuple(id(i) for i in node.inputs))
        other = seen.setdefault(key, node)
        if other is not node:
            for old, new in zip(node.outputs, other.outputs):
                fgraph.replace(old, new)
    removed = before - len(fgraph)
    if removed:
        report.record("merge", removed)


def run_passes(fgraph: FunctionGraph, passes) -> RewriteReport:
    """Run ``passes`` in order on ``fgraph``; return what fired."""
    report = RewriteReport(nodes_before=len(fgraph))
    # nodes that rewrites build have no test values to compute from (Theano: the
    # compute_test_value_opt flag)
    with config.change_flags(compute_test_value=config.compute_test_value_opt):
        for p in passes:
            if p.run is not None:
                p.run(fgraph, report)
            else:
                apply_local_rules(fgraph, p.rules, report)
    report.nodes_after = len(fgraph)
    return report


def local_optimizer(tracks, inplace: bool = False, requirements=()):
    """Theano's decorator for a local optimizer ``fn(node)`` (returning replacements for the
    node's outputs, a dict, or False): the result is a rule ``rule(fgraph, node)`` that a
    ``Pass`` can run, tried on the nodes whose op is one of ``tracks`` (op classes or ops;
    None: every node)."""
    classes = tuple(t for t in tracks or () if isinstance(t, type))
    ops = [t for t in tracks or () if not isinstance(t, type)]

    def decorate(fn):
        @functools.wraps(fn)
        def rule(fgraph, node):
            if tracks and not (isinstance(node.op, classes) or node.op in ops):
                return None
            return fn(node) or None

        rule.transform = fn
        return rule

    return decorate
