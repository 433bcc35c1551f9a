"""``scan``: build a ``Scan`` node from a Python step function, with Theano's semantics."""

from __future__ import annotations

import warnings
from collections import OrderedDict

import numpy as np

from ..graph import (
    Constant,
    Variable,
    clone_replace,
    graph_inputs,
    toposort,
    user_source_line,
)
from ..shared import SharedVariable
from ..tensor.elemwise import cast, minimum
from ..tensor.shape import patternbroadcast, shape_padleft, unbroadcast
from ..tensor.type import INT_DTYPES, TensorType, as_tensor_variable, constant
from .op import scan_node
from .utils import (
    OrderedUpdates,
    as_list,
    fixed_steps,
    output_entry,
    sequence_entry,
    split_fn_result,
)


def scan(
    fn,
    sequences=None,
    outputs_info=None,
    non_sequences=None,
    n_steps=None,
    truncate_gradient=-1,
    go_backwards=False,
    mode=None,
    name=None,
    profile=False,
    allow_gc=None,
    strict=False,
    return_list=False,
):
    """Run ``fn`` step after step: Theano's ``scan``. Returns ``(outputs, updates)``.

    ``fn`` gets, in order: a row of each sequence (one argument per tap), the previous
    values of each output fed back (one per tap), then the non-sequences. It returns the
    outputs, an updates dict, both, and optionally ``until(condition)`` last. Shared variables
    and other outer variables ``fn`` uses are found automatically; pass ``updates`` to
    ``function`` (random streams drawn inside ``fn`` advance through it)::

        def step(x_t, h_tm1, W):
            return T.tanh(x_t + T.dot(h_tm1, W))
        h, updates = theano.scan(step, sequences=x, outputs_info=h0, non_sequences=W)

    ``sequences``: variables or ``dict(input=x, taps=[-1, 0, 1])``. ``outputs_info``: per
    output an initial value (tap -1), ``dict(initial=x0, taps=[-2, -1])`` or ``None`` (not fed
    back). ``n_steps``: an int or integer scalar (at most the sequences' length).
    ``go_backwards``: read the sequences from the end. ``truncate_gradient``: back-propagate
    through at most that many steps (-1: all).
    """
    source = user_source_line()
    seqs = [sequence_entry(s) for s in as_list(sequences)]
    outs_info = [output_entry(o) for o in as_list(outputs_info)]
    non_seqs = [
        v if isinstance(v, Variable) else as_tensor_variable(v) for v in as_list(non_sequences)
    ]
    n_fixed = fixed_steps(n_steps)
    name = name or "scan_fn"

    outer_seqs, inner_seqs, first_rows = _sequences(seqs, go_backwards)
    steps = _n_steps(n_steps, n_fixed, outer_seqs)
    inits, state_taps, inner_taps, first_taps = _fed_back(outs_info, source)

    if n_fixed in (1, -1):
        return _single_step(fn, first_rows, first_taps, outs_info, non_seqs, return_list)
    args = inner_seqs + [v for taps in inner_taps for v in taps] + non_seqs
    cond, outputs, updates = split_fn_result(fn(*args))
    outputs = [o if isinstance(o, Variable) else as_tensor_variable(o) for o in outputs]
    if not outs_info:
        outs_info = [{} for _ in outputs]
    if len(outputs) != len(outs_info):
        raise ValueError(
            f"scan: fn returned {len(outputs)} outputs but outputs_info has {len(outs_info)} "
            f"entries; give None in outputs_info for each output that does not feed back into "
            f"scan (i.e. it behaves like a map) (scan called at {source})"
        )
    state_pos = [p for p, e in enumerate(outs_info) if "taps" in e]
    nit_pos = [p for p, e in enumerate(outs_info) if "taps" not in e]
    state_outs = [
        _check_state(outputs[p], taps[0], outs_info[p]["initial"], p, source)
        for p, taps in zip(state_pos, inner_taps)
    ]
    nit_outs = [outputs[p] for p in nit_pos]
    loop = _Loop(inner_seqs, inner_taps, non_seqs, source)
    loop.add_shared_states(state_outs, nit_outs, cond, updates)
    outs = loop.apply(steps, outer_seqs, inits, state_taps, strict, truncate_gradient, name, mode)

    n_states, n_nit = len(state_taps) + len(loop.shared_states), len(nit_outs)
    results = [None] * len(outs_info)
    for p, buf, taps in zip(state_pos, outs, state_taps):
        results[p] = buf[-min(taps) :]
    for p, y in zip(nit_pos, outs[n_states : n_states + n_nit]):
        results[p] = y
    new_updates = OrderedUpdates()
    for var, buf in zip(loop.shared_states, outs[len(state_pos) : n_states]):
        new_updates[var] = buf[-1]
    for var, final in zip(loop.carried, outs[n_states + n_nit :]):
        new_updates[var] = final
    if len(results) == 1 and not return_list:
        return results[0], new_updates
    return (results or None), new_updates


def _sequences(seqs, go_backwards):
    """Per tap of each sequence: the outer sequence read at row i at step i (sliced, maybe
    reversed), the inner variable for a row, and the row read at the first step."""
    outer_seqs, inner_seqs, first_rows = [], [], []
    for x, taps in seqs:
        lo, hi = min(min(taps), 0), max(max(taps), 0)
        for k in taps:
            start = k - lo
            sliced = x[start : -(hi - k)] if k != hi else x[start:] if start else x
            outer_seqs.append(sliced[::-1] if go_backwards else sliced)
            inner_seqs.append(_inner_var(x.type, 1, _tap_name(x, k)))
            first_rows.append(x[-1 - (hi - k)] if go_backwards else x[start])
    return outer_seqs, inner_seqs, first_rows


def _n_steps(n_steps, n_fixed, outer_seqs):
    """The number of steps as an int64 scalar: ``n_steps``, or the shortest sequence."""
    if n_steps is None:
        if not outer_seqs:
            raise ValueError(
                "scan: no information about the number of steps: give n_steps or a sequence"
            )
        steps = outer_seqs[0].shape[0]
        for s in outer_seqs[1:]:
            steps = minimum(steps, s.shape[0])
        return steps
    if n_fixed is not None and not isinstance(n_steps, Variable):
        n_steps = constant(np.int64(n_fixed))
    steps = as_tensor_variable(n_steps)
    if steps.ndim != 0 or steps.dtype not in INT_DTYPES:
        raise ValueError(f"scan: n_steps must be an integer scalar, got {steps.type}")
    return steps if steps.dtype == "int64" else cast(steps, "int64")


def _fed_back(outs_info, source):
    """Per output fed back: its initial values as the loop's input ``(m, ...)``, its taps,
    the inner variable per tap, and the values the taps read at the first step."""
    inits, state_taps, inner_taps, first_taps = [], [], [], []
    for pos, entry in enumerate(outs_info):
        if "taps" not in entry:
            continue
        init, taps = as_tensor_variable(entry["initial"]), entry["taps"]
        if taps == [-1]:
            inner_taps.append([_inner_var(init.type, 0, _tap_name(init, -1))])
            inits.append(shape_padleft(init))
            first_taps.append([init])
        else:
            if init.ndim == 0:
                raise ValueError(
                    f"scan: output {pos} has taps {taps}, so its initial value must have a "
                    f"leading dim holding the {-min(taps)} values before the first step; "
                    f"got the scalar {init} (at {source})"
                )
            m = -min(taps)
            inner_taps.append([_inner_var(init.type, 1, _tap_name(init, t)) for t in taps])
            inits.append(init)
            first_taps.append([init[t + m] for t in taps])
        state_taps.append(list(taps))
    return inits, state_taps, inner_taps, first_taps


class _Loop:
    """The body fn built, turned into a private inner graph with all its inputs known."""

    def __init__(self, inner_seqs, inner_taps, non_seqs, source):
        self.step_args = inner_seqs + [v for taps in inner_taps for v in taps]
        self.inner_taps = inner_taps
        self.non_seqs = [v for v in non_seqs if not isinstance(v, Constant)]
        self.source = source

    def add_shared_states(self, state_outs, nit_outs, cond, updates) -> None:
        """Shared variables updated in fn (explicitly or by their default update) are states:
        tensors are fed back like outputs, others (random generators) are carried along."""
        roots = state_outs + nit_outs + ([cond] if cond is not None else [])
        self.state_outs, self.nit_outs, self.cond = list(state_outs), nit_outs, cond
        self.shared_states, self.shared_taps = [], []
        self.carried, self.carried_outs = [], []
        for var, new in _all_updates(roots, updates, self.non_seqs).items():
            if isinstance(var.type, TensorType):
                self.state_outs.append(_check_update(var, new, self.source))
                self.shared_states.append(var)
                self.shared_taps.append(_inner_var(var.type, 0, _copy_name(var)))
            else:
                self.carried.append(var)
                self.carried_outs.append(new)
        self.inner_carried = [_inner_var(v.type, 0, _copy_name(v)) for v in self.carried]

    def apply(self, steps, outer_seqs, inits, state_taps, strict, truncate, name, mode):
        """The outputs of a new Scan node running this body."""
        cond = [self.cond] if self.cond is not None else []
        roots = self.state_outs + self.nit_outs + self.carried_outs + cond
        # outer variables fn used become non-sequences; parts of the body that do not change
        # from step to step are computed once, outside the loop
        step_vars = self.step_args + self.shared_states + self.carried
        hoisted = _loop_invariants(roots, step_vars, self.non_seqs)
        known = {id(v) for v in step_vars + hoisted}
        free = [
            v
            for v in graph_inputs(roots, blockers=hoisted + self.non_seqs)
            if id(v) not in known and not isinstance(v, Constant)
        ]
        _check_strict(strict, free, self.non_seqs)
        explicit = {id(v) for v in self.non_seqs}
        outer = [v for v in self.non_seqs if any(v is f for f in free)]
        outer += [v for v in free if id(v) not in explicit] + hoisted
        inner = [_inner_var(v.type, 0, _copy_name(v)) for v in outer]
        pairs = list(zip(self.shared_states, self.shared_taps))
        pairs += list(zip(self.carried, self.inner_carried)) + list(zip(outer, inner))
        return scan_node(
            self.step_args + self.shared_taps + self.inner_carried + inner,
            clone_replace(roots, pairs),
            steps,
            outer_seqs,
            inits + [shape_padleft(v) for v in self.shared_states],
            self.carried,
            outer,
            state_taps + [[-1]] * len(self.shared_states),
            len(self.nit_outs),
            as_while=self.cond is not None,
            truncate_gradient=truncate,
            name=name,
            mode=mode,
        )


def _inner_var(type_, drop: int, name):
    """A new variable for one row (``drop=1``) or one value (``drop=0``) of ``type_``."""
    if not drop:
        return type_(name)
    return TensorType(type_.dtype, type_.broadcastable[drop:])(name)


def _tap_name(x, k: int):
    if x.name is None:
        return None
    return f"{x.name}[t]" if k == 0 else f"{x.name}[t{k:+d}]"


def _copy_name(v):
    return None if v.name is None else f"{v.name}_copy"


# --- checks --------------------------------------------------------------------------------------


def _check_state(out, state, init, pos: int, source: str):
    """``out`` (what fn returned for a fed-back output) with the state's type, or an error."""
    built = f" (built at {out.owner.source})" if out.owner is not None else ""
    if out.dtype != state.dtype or out.ndim != state.ndim:
        if out.dtype != state.dtype:
            hint = (
                f"fn changed the dtype (an upcast or downcast): cast its result, "
                f"T.cast(..., '{state.dtype}'), or give the initial state the dtype "
                f"{out.dtype}"
            )
        else:
            hint = (
                "the initial value holds one step's value (with taps other than [-1], one "
                "more leading dim for the past values)"
            )
        raise ValueError(
            f"scan (called at {source}): output {pos} is fed back, so fn must return values "
            f"of its state type {state.type} (from the initial state {init}), but it returned "
            f"{out}{built} of type {out.type}; {hint}"
        )
    if out.broadcastable != state.broadcastable:
        if any(s and not o for s, o in zip(state.broadcastable, out.broadcastable)):
            raise TypeError(
                f"scan (called at {source}): output {pos} is fed back, but its broadcast "
                f"pattern {out.type}{built} does not match the initial state's {state.type}: a "
                f"dim of size 1 in one may grow in the other. Make them agree with "
                f"T.unbroadcast, T.addbroadcast or T.patternbroadcast"
            )
        out = patternbroadcast(out, state.broadcastable)
    return out


def _check_update(var, new, source: str):
    new = new if isinstance(new, Variable) else as_tensor_variable(new)
    if new.dtype != var.dtype or new.ndim != var.ndim:
        raise TypeError(
            f"scan (called at {source}): the update of the shared variable {var} "
            f"({var.type}) has the type {new.type}; it must keep the variable's type"
        )
    if any(v and not n for v, n in zip(var.broadcastable, new.broadcastable)):
        raise TypeError(
            f"scan (called at {source}): the update {new.type} of {var} ({var.type}) is not "
            f"broadcastable where the variable is; use T.addbroadcast"
        )
    return patternbroadcast(new, var.broadcastable)


def _check_strict(strict, free, non_seqs) -> None:
    if not strict:
        return
    for var in free:
        if isinstance(var, SharedVariable) and not any(var is v for v in non_seqs):
            raise ValueError(
                f"scan(strict=True): fn uses the shared variable {var} ({var.type}), which is "
                f"not in non_sequences; pass it there"
            )


# --- the inner graph ----------------------------------------------------------------------------


def _all_updates(roots, updates, non_seqs) -> OrderedDict:
    """fn's updates and the default updates of the shared variables its graph uses."""
    result = OrderedDict()
    for var, new in updates.items():
        if not isinstance(var, SharedVariable):
            raise TypeError(f"scan: fn returned an update for {var}, which is not shared")
        result[var] = new
    while True:
        graph = list(roots) + list(result.values())
        found = [
            v
            for v in graph_inputs(graph, blockers=non_seqs)
            if isinstance(v, SharedVariable) and v.default_update is not None and v not in result
        ]
        if not found:
            return result
        for var in found:
            result[var] = var.default_update


def _loop_invariants(roots, step_vars, non_seqs) -> list:
    """The largest parts of the body that depend on no per-step value: computed once.

    A node is per-step when it reads a per-step value or is not pure (a random draw, a print).
    Values folded from constants only stay inside (constant folding handles them), and nothing
    moves out of a body with a lazy op (a branch that is never taken must not run).
    """
    nodes = toposort(roots, blockers=non_seqs)
    if any(getattr(node.op, "lazy", False) for node in nodes):
        return []
    varying = {id(v) for v in step_vars}
    for node in nodes:
        if not node.op.constant_foldable or any(id(i) in varying for i in node.inputs):
            varying.update(id(o) for o in node.outputs)
    blocked = {id(v) for v in non_seqs}
    hoisted, seen = [], set()

    def consider(var):
        if id(var) in varying or id(var) in blocked or var.owner is None or id(var) in seen:
            return
        seen.add(id(var))
        if all(isinstance(v, Constant) for v in graph_inputs([var])):
            return
        hoisted.append(var)

    for node in nodes:
        if id(node.outputs[0]) in varying:
            for inp in node.inputs:
                consider(inp)
    for root in roots:
        consider(root)
    return hoisted


def _single_step(fn, rows, taps, outs_info, non_seqs, return_list):
    """``n_steps`` fixed to 1: no loop, fn applied once (Theano does the same)."""
    args = rows + [v for state in taps for v in state] + non_seqs
    cond, outputs, updates = split_fn_result(fn(*args))
    if cond is not None:
        warnings.warn("scan: n_steps is 1, so the stopping condition is ignored", stacklevel=3)
    outputs = [unbroadcast(shape_padleft(as_tensor_variable(o)), 0) for o in outputs]
    result = outputs[0] if len(outputs) == 1 and not return_list else (outputs or None)
    return result, OrderedUpdates(updates)
