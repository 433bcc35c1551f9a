"""scan's arguments, what ``fn`` may return (``until``, updates), and graph comparison."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from ..graph import Constant, Variable
from ..shared import SharedVariable
from ..tensor.type import as_tensor_variable


class until:
    """Returned by a scan's ``fn`` (last) to stop the loop after the step where ``condition``
    holds: ``return h, until(T.lt(h, eps))``."""

    def __init__(self, condition):
        self.condition = as_tensor_variable(condition)
        if self.condition.ndim != 0:
            raise TypeError(f"until: the condition must be a scalar, got {self.condition.type}")


class OrderedUpdates(OrderedDict):
    """The updates returned by ``scan``: an ordered dict ``shared variable -> new value``.

    ``function(..., updates=updates)`` takes it; ``a + b`` merges two of them (a shared
    variable updated in both raises).
    """

    def __setitem__(self, key, value):
        if not isinstance(key, SharedVariable):
            raise TypeError(f"OrderedUpdates: keys must be shared variables, got {key!r}")
        super().__setitem__(key, value)

    def update(self, other=None, **kwargs):
        if other is None:
            return
        pairs = other.items() if isinstance(other, dict) else other
        for key, value in pairs:
            if key in self and self[key] is not value:
                raise KeyError(f"OrderedUpdates: {key} would get two different updates")
            self[key] = value

    def __add__(self, other):
        merged = OrderedUpdates(self)
        merged.update(other)
        return merged

    def __radd__(self, other):
        merged = OrderedUpdates(other)
        merged.update(self)
        return merged


def split_fn_result(result):
    """``(condition or None, outputs list, updates OrderedDict)`` from what ``fn`` returned:
    outputs, updates, ``(outputs, updates)``, ``(outputs, until)``, ``(updates, until)`` or
    ``(outputs, updates, until)``."""

    def is_outputs(x):
        if isinstance(x, (list, tuple)):
            return all(isinstance(e, Variable) for e in x)
        return isinstance(x, Variable)

    def is_updates(x):
        if isinstance(x, dict):
            return True
        return isinstance(x, (list, tuple)) and all(
            isinstance(e, (list, tuple)) and len(e) == 2 for e in x
        )

    def as_list(x):
        return list(x) if isinstance(x, (list, tuple)) else [x]

    if is_outputs(result):
        return None, as_list(result), OrderedDict()
    if is_updates(result):
        return None, [], OrderedDict(result.items() if isinstance(result, dict) else result)
    parts = list(result) if isinstance(result, (list, tuple)) else [result]
    cond = parts.pop().condition if parts and isinstance(parts[-1], until) else None
    outputs, updates = [], OrderedDict()
    if len(parts) == 2 and is_outputs(parts[0]) and is_updates(parts[1]):
        outputs, updates = as_list(parts[0]), OrderedDict(parts[1])
    elif len(parts) == 1 and is_outputs(parts[0]):
        outputs = as_list(parts[0])
    elif len(parts) == 1 and is_updates(parts[0]):
        updates = OrderedDict(parts[0])
    elif parts or cond is None:
        raise ValueError(
            f"scan: cannot read what fn returned ({result!r}): return the outputs (a variable "
            f"or a list of them), then an updates dict if any, then an until(...) if any"
        )
    return cond, outputs, updates


def equal_computations(xs, ys, in_xs=None, in_ys=None) -> bool:
    """Whether the graphs of ``xs`` and ``ys`` compute the same thing: same ops applied in the
    same way, with ``in_xs[k]`` standing for ``in_ys[k]`` (other inputs must be identical or
    equal constants)."""
    if len(xs) != len(ys):
        return False
    pairs = {id(a): b for a, b in zip(in_xs or [], in_ys or [])}
    seen: dict = {}
    stack = list(zip(xs, ys))
    while stack:
        x, y = stack.pop()
        if id(x) in pairs:
            if pairs[id(x)] is not y:
                return False
            continue
        if (id(x), id(y)) in seen:
            continue
        seen[id(x), id(y)] = True
        if x.type != y.type:
            return False
        if isinstance(x, Constant) or isinstance(y, Constant):
            if not (isinstance(x, Constant) and isinstance(y, Constant)):
                return False
            if x.signature() != y.signature():
                return False
            continue
        if x.owner is None or y.owner is None:
            if x is not y:
                return False
            continue
        nx, ny = x.owner, y.owner
        if nx.op != ny.op or x.index != y.index or len(nx.inputs) != len(ny.inputs):
            return False
        stack.extend(zip(nx.inputs, ny.inputs))
    return True


# --- scan's arguments -------------------------------------------------------------------------


def as_list(x) -> list:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def sequence_entry(entry):
    """``(variable, taps)`` of a ``sequences`` entry."""
    if isinstance(entry, dict):
        x, taps = entry.get("input"), entry.get("taps")
        taps = [0] if taps is None else as_list(taps)
    else:
        x, taps = entry, [0]
    x = as_tensor_variable(x)
    if x.ndim == 0:
        raise ValueError(f"scan: the sequence {x} is a scalar ({x.type}); it needs a leading dim")
    return x, [int(t) for t in taps]


def output_entry(entry) -> dict:
    """An ``outputs_info`` entry as ``{}`` (not fed back) or ``{'initial', 'taps'}``."""
    if entry is None:
        return {}
    if not isinstance(entry, dict):
        return {"initial": entry, "taps": [-1]}
    if entry.get("return_steps") is not None:
        raise ValueError(
            "scan: return_steps is deprecated; select the entries you need with a subtensor"
        )
    initial, taps = entry.get("initial"), entry.get("taps")
    if initial is None:
        if taps is not None:
            raise ValueError(
                f"scan: outputs_info entry {entry} has taps but no initial value; slices of an "
                f"output need an initial state"
            )
        return {}
    taps = [-1] if taps is None else [int(t) for t in as_list(taps)]
    if len(set(taps)) != len(taps) or any(t >= 0 for t in taps):
        raise ValueError(
            f"scan: the taps of an output must be different negative ints, got {taps}"
        )
    return {"initial": initial, "taps": taps}


def fixed_steps(n_steps):
    """``n_steps`` as an int when it is known before compiling, else None."""
    if isinstance(n_steps, (int, float, np.integer)) and not isinstance(n_steps, bool):
        return int(n_steps)
    if isinstance(n_steps, Constant) and np.ndim(n_steps.data) == 0:
        return int(n_steps.data)
    return None
