"""The gradient of ``Scan``: back-propagation through time, built as another scan.

The backward loop visits the forward steps from the last to the first. At the step for
forward step ``i`` it recomputes the body on that step's inputs (the forward values it needs
come in as reversed sequences; the body's outputs are replaced by their known values, so a
``tanh`` is not computed again) and back-propagates into it:

- the adjoint of state ``j``'s new value ``B[i + m]`` is its outer gradient plus what the
  later steps sent back. Those later contributions are carried as ``m`` states ("pending"):
  pending ``d`` holds what has been sent so far to ``B[i + m - d]``. The body's gradient
  with respect to tap ``t`` goes to ``B[i + m + t]``, so the new pending ``d`` is the old
  pending ``d + 1`` plus the gradient of tap ``-(d + 1)``. After the first forward step the
  pendings are the gradients of the ``m`` initial values.
- non-sequence gradients are summed in accumulator states (only their final value is kept);
- sequence gradients are per-step outputs, reversed back into place.

``truncate_gradient = k`` runs only the last ``k`` forward steps backwards: earlier sequence
rows and the initial states get no gradient (Theano's truncated BPTT).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..gradient import grad
from ..graph import Constant, ancestors, clone_replace, graph_inputs
from ..tensor.basic import Alloc, stack, zeros_like
from ..tensor.elemwise import cast, le, minimum, switch
from ..tensor.shape import DimShuffle, patternbroadcast, shape_padleft
from ..tensor.subtensor import set_subtensor
from ..tensor.type import FLOAT_DTYPES, constant
from .op import scan_node


def scan_grad(op, inputs, outputs, output_grads):
    """The gradients of a Scan node's inputs (``None``: no gradient)."""
    n_steps, seqs, inits, shared, non_seqs = op.split_outer_inputs(inputs)
    n_st, n_nit = op.n_states, op.n_nit_sot
    buffers, ys = list(outputs[:n_st]), list(outputs[n_st : n_st + n_nit])
    g_buffers = [_nonzero(g) for g in output_grads[:n_st]]
    g_ys = [_nonzero(g) for g in output_grads[n_st : n_st + n_nit]]
    if any(op.last_only):
        buffers, g_buffers = _full_buffers(op, inputs, buffers, g_buffers)
    in_seqs, in_taps, in_shared, in_non_seqs = op.split_inner_inputs()
    out_states, out_nit, _, _ = op.split_inner_outputs()
    mins = op.mins

    active_nit = [g is not None and o.dtype in FLOAT_DTYPES for g, o in zip(g_ys, out_nit)]
    active = _active_states(op, out_states, out_nit, g_buffers, active_nit, in_taps)
    targets = [o for o, a in zip(out_states, active) if a]
    targets += [o for o, a in zip(out_nit, active_nit) if a]
    none = [None] * len(inputs)
    if not targets:
        return none
    reached = {id(v) for v in ancestors(targets)}

    def wanted(var):
        return var.dtype in FLOAT_DTYPES and id(var) in reached

    # the backward body's inputs: the forward step's inputs, known outputs, adjoints, carries
    b_seqs = [v.type(v.name) for v in in_seqs]
    b_taps = [[v.type(v.name) for v in taps] for taps in in_taps]
    b_shared = [v.type(v.name) for v in in_shared]
    b_non_seqs = [v.type(v.name) for v in in_non_seqs]
    forward = list(zip(in_seqs, b_seqs)) + list(zip(in_shared, b_shared))
    forward += [(v, b) for taps, bs in zip(in_taps, b_taps) for v, b in zip(taps, bs)]
    forward += list(zip(in_non_seqs, b_non_seqs))
    saved = list(range(n_nit - op.n_saved, n_nit))  # intermediates the forward loop keeps
    clones = clone_replace(targets + [out_nit[q] for q in saved], forward)
    saved_clones = dict(zip(saved, clones[len(targets) :]))
    clones = clones[: len(targets)]
    state_clones = dict(zip([j for j in range(n_st) if active[j]], clones))
    nit_clones = dict(zip([q for q in range(n_nit) if active_nit[q]], clones[len(state_clones) :]))

    known_in, known_outer, known_pairs = [], [], []
    adjoint_in, adjoint_outer, adjoints = [], [], {}
    pending = {j: [out_states[j].type() for _ in range(mins[j])] for j in state_clones}

    def add_adjoint(var, g):
        adjoints[id(var)] = (var, g if id(var) not in adjoints else adjoints[id(var)][1] + g)

    n = _steps_run(op, n_steps, buffers, ys)
    for j, clone in state_clones.items():
        m = mins[j]
        if clone.owner is not None:
            known_pairs.append((clone, clone.type()))
            known_in.append(known_pairs[-1][1])
            known_outer.append(buffers[j][m : m + n][::-1])
        a = pending[j][0]
        if g_buffers[j] is not None:
            adjoint_in.append(clone.type())
            adjoint_outer.append(_rows_of(g_buffers[j][m : m + n][::-1], clone))
            a = a + adjoint_in[-1]
        add_adjoint(clone, a)
    for q, clone in nit_clones.items():
        if clone.owner is not None:
            known_pairs.append((clone, clone.type()))
            known_in.append(known_pairs[-1][1])
            known_outer.append(ys[q][::-1])
        adjoint_in.append(clone.type())
        adjoint_outer.append(_rows_of(g_ys[q][::-1], clone))
        add_adjoint(clone, adjoint_in[-1])

    seq_idx = [s for s, v in enumerate(in_seqs) if wanted(v)]
    tap_idx = [(j, t) for j in state_clones for t in range(len(in_taps[j]))]
    tap_idx = [(j, t) for j, t in tap_idx if wanted(in_taps[j][t])]
    ns_idx = [k for k, v in enumerate(in_non_seqs) if wanted(v)]
    wrt = [b_seqs[s] for s in seq_idx] + [b_taps[j][t] for j, t in tap_idx]
    wrt += [b_non_seqs[k] for k in ns_idx]
    grads = grad(None, wrt, known_grads=dict(adjoints.values()), disconnected_inputs="ignore")
    # the body's outputs, and the intermediates the forward loop kept, are not computed again
    saved_pairs = {q: (c, c.type()) for q, c in saved_clones.items() if c.owner is not None}
    grads = clone_replace(grads, known_pairs + list(saved_pairs.values()))
    leaves = {id(v) for v in graph_inputs(grads)}
    for q, (_, known) in saved_pairs.items():
        if id(known) in leaves:
            known_in.append(known)
            known_outer.append(ys[q][::-1])
    g_seq = grads[: len(seq_idx)]
    g_tap = dict(zip(tap_idx, grads[len(seq_idx) : len(seq_idx) + len(tap_idx)]))
    g_ns = grads[len(seq_idx) + len(tap_idx) :]

    # the carried states: pendings (per active state, m of them), then accumulators
    carry_in, carry_out, carry_init = [], [], []
    for j in state_clones:
        taps, m = op.state_taps[j], mins[j]
        for d in range(m):
            parts = [pending[j][d + 1]] if d + 1 < m else []
            if -(d + 1) in taps and (j, taps.index(-(d + 1))) in g_tap:
                parts.append(g_tap[j, taps.index(-(d + 1))])
            new = parts[0] if parts else zeros_like(pending[j][0])
            for p in parts[1:]:
                new = new + p
            carry_in.append(pending[j][d])
            carry_out.append(patternbroadcast(new, pending[j][d].broadcastable))
            carry_init.append(shape_padleft(zeros_like(buffers[j][0])))
    accumulators = [b_non_seqs[k].type() for k in ns_idx]
    carry_in += accumulators
    carry_out += [acc + g for acc, g in zip(accumulators, g_ns)]
    carry_init += [shape_padleft(zeros_like(non_seqs[k])) for k in ns_idx]

    k_steps = n
    if op.truncate_gradient != -1:
        k_steps = minimum(n, constant(np.int64(op.truncate_gradient)))
    outer_seqs = [s[:n][::-1] for s in seqs]
    outer_seqs += [
        buffers[j][mins[j] + t : mins[j] + t + n][::-1]
        for j, taps in enumerate(op.state_taps)
        for t in taps
    ]
    outs = scan_node(
        b_seqs
        + [b for bs in b_taps for b in bs]
        + known_in
        + adjoint_in
        + carry_in
        + b_shared
        + b_non_seqs,
        carry_out + g_seq,
        k_steps,
        outer_seqs + known_outer + adjoint_outer,
        carry_init,
        [],
        list(shared) + list(non_seqs),
        [[-1]] * len(carry_in),
        len(g_seq),
        last_only=[True] * len(carry_in),
        truncate_gradient=op.truncate_gradient,
        name=f"grad_of_{op.name}",
        mode=op.mode,
    )
    finals = [out[0] for out in outs[: len(carry_in)]]
    result = none
    for s, g in zip(seq_idx, outs[len(carry_in) :]):
        result[1 + s] = set_subtensor(zeros_like(seqs[s])[n - k_steps : n], g[::-1])
    pos = 0
    for j in state_clones:
        m = mins[j]
        first = _initial_grad(finals[pos : pos + m], op, n)
        pos += m
        if g_buffers[j] is not None:
            first = first + g_buffers[j][:m]
        init = inits[j]
        if m == 1 and init.broadcastable[0]:
            result[1 + op.n_seqs + j] = patternbroadcast(first, init.broadcastable)
        else:
            result[1 + op.n_seqs + j] = set_subtensor(zeros_like(init)[:m], first)
    offset = 1 + op.n_seqs + n_st + op.n_shared
    for k, final in zip(ns_idx, finals[pos:]):
        result[offset + k] = final
    return result


def _initial_grad(pendings, op, n):
    """The gradients of a state's ``m`` initial values from the final pendings."""
    m = len(pendings)
    rows = pendings[::-1]  # pending d belongs to row m - 1 - d
    first = shape_padleft(rows[0]) if m == 1 else stack(rows)
    if op.truncate_gradient != -1:  # the loop back stopped before the first step
        reached = le(n, constant(np.int64(op.truncate_gradient)))
        first = switch(reached, first, zeros_like(first))
    return first


def _active_states(op, out_states, out_nit, g_buffers, active_nit, in_taps) -> list:
    """Per state, whether an adjoint flows into it: its outer gradient is not zero, or one of
    its taps feeds (through the steps) an output with an adjoint."""
    active = [g is not None and o.dtype in FLOAT_DTYPES for g, o in zip(g_buffers, out_states)]
    reach = {id(o): {id(v) for v in ancestors([o])} for o in list(out_states) + list(out_nit)}
    changed = True
    while changed:
        changed = False
        live = [o for o, a in zip(out_states, active) if a]
        live += [o for o, a in zip(out_nit, active_nit) if a]
        for j, out in enumerate(out_states):
            if active[j] or out.dtype not in FLOAT_DTYPES:
                continue
            if any(id(t) in reach[id(o)] for o in live for t in in_taps[j]):
                active[j] = changed = True
    return active


def _steps_run(op, n_steps, buffers, ys):
    """How many steps the forward loop ran (a while loop may stop early)."""
    if not op.as_while:
        return n_steps
    if ys:
        return ys[0].shape[0]
    if buffers:
        return buffers[0].shape[0] - op.mins[0]
    return n_steps


def _full_buffers(op, inputs, buffers, g_buffers):
    """States kept as ``last_only`` have no history to go back through: the same loop, run
    again with full buffers, gives it (their gradients move to the buffers' last rows)."""
    full = dataclasses.replace(op, last_only=(False,) * op.n_states)
    outs = full.make_node(*inputs).outputs
    buffers, g_buffers = list(buffers), list(g_buffers)
    for j, (keep_last, m) in enumerate(zip(op.last_only, op.mins)):
        if not keep_last:
            continue
        buffers[j] = outs[j]
        if g_buffers[j] is not None:
            g_buffers[j] = set_subtensor(zeros_like(outs[j])[-m:], g_buffers[j])
    return buffers, g_buffers


def _rows_of(seq, var):
    """``seq`` as a sequence of values of ``var``'s type (a gradient may come in another
    dtype, or less broadcastable)."""
    if seq.dtype != var.dtype:
        seq = cast(seq, var.dtype)
    return patternbroadcast(seq, (False,) + var.broadcastable)


def _nonzero(g):
    """``g``, or None when it is zeros by construction (the default for unused outputs)."""
    var = g
    while var is not None:
        if isinstance(var, Constant):
            return None if not np.any(var.data) else g
        node = var.owner
        if node is None or not isinstance(node.op, (Alloc, DimShuffle)):
            return g
        var = node.inputs[0]
    return None
