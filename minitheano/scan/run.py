"""Running a ``Scan`` node: buffers, the per-step loop over the body's program, and the thunk
that leaves out results nothing reads."""

from __future__ import annotations

import dataclasses

from ..compile.program import Program
from .op import InnerGraph, Scan


def _same_kind(exc: Exception, message: str) -> Exception:
    """An exception of ``exc``'s kind (or its nearest base that takes a message)."""
    for cls in type(exc).__mro__:
        try:
            new = cls(message)
        except Exception:
            continue
        new.node = getattr(exc, "node", None)
        return new
    return RuntimeError(message)


class ScanStep:
    """The thunk of a Scan node in a program; compiles the body when first needed.

    ``without_outputs`` gives a loop that leaves out the results no later step reads:
    per-step outputs are not computed (e.g. the gradient of a sequence that is data), and
    fed-back values keep no history; those results are None.
    """

    def __init__(self, op: Scan, xp, positions=None, n_results=None):
        self.op, self.xp = op, xp
        self.positions = positions  # where each of op's results goes in the node's results
        self.n_results = n_results
        self._loop = None

    @property
    def loop(self) -> "ScanThunk":
        if self._loop is None:
            self._loop = ScanThunk(self.op, self.op.inner.program(self.xp, self.op.mode), self.xp)
        return self._loop

    @property
    def inner_programs(self) -> list:
        return [(f"{self.op} step", self.loop.program)]

    def __call__(self, *args):
        results = self.loop(*args)
        if self.positions is None:
            return results
        if len(self.positions) == 1:
            results = (results,)
        full = [None] * self.n_results
        for position, value in zip(self.positions, results):
            full[position] = value
        return tuple(full) if self.n_results > 1 else full[0]

    def without_outputs(self, unread) -> "ScanStep":
        op, unread = self.op, set(unread)
        if self.positions is not None:
            return self
        n_st, n_nit = op.n_states, op.n_nit_sot
        kept = [q for q in range(n_nit) if n_st + q not in unread]
        last_only = tuple(keep or j in unread for j, keep in enumerate(op.last_only))
        if len(kept) == n_nit and last_only == op.last_only:
            return self
        states, nit, shared, cond = op.split_inner_outputs()
        outputs = list(states) + [nit[q] for q in kept] + list(shared)
        inner = InnerGraph(op.inner.inputs, outputs + ([cond] if cond is not None else []))
        n_saved = sum(q >= n_nit - op.n_saved for q in kept)
        pruned = dataclasses.replace(
            op, inner=inner, n_nit_sot=len(kept), last_only=last_only, n_saved=n_saved
        )
        positions = list(range(n_st)) + [n_st + q for q in kept]
        positions += range(n_st + n_nit, n_st + n_nit + op.n_shared)
        return ScanStep(pruned, self.xp, positions, n_st + n_nit + op.n_shared)


class ScanThunk:
    """Runs a ``Scan`` node: allocates the buffers, then runs the inner program per step."""

    def __init__(self, op: Scan, program: Program, xp):
        self.op, self.program, self.xp = op, program, xp
        slots = program.input_slots
        ns, mins = op.n_seqs, op.mins
        self.seq_slots = slots[:ns]
        pos = ns
        self.full_reads, self.ring_reads = [], []  # (slot, state, row offset)
        for j, taps in enumerate(op.state_taps):
            reads = self.ring_reads if op.last_only[j] else self.full_reads
            for tap in taps:
                reads.append((slots[pos], j, mins[j] + tap))
                pos += 1
        self.shared_slots = slots[pos : pos + op.n_shared]
        self.non_seq_slots = slots[pos + op.n_shared :]
        outs = program.output_slots
        n_st, n_nit = op.n_states, op.n_nit_sot
        self.state_out = outs[:n_st]
        self.nit_out = outs[n_st : n_st + n_nit]
        self.shared_out = outs[n_st + n_nit : n_st + n_nit + op.n_shared]
        self.cond_slot = outs[-1] if op.as_while else None

    def __call__(self, n_steps, *args):
        op, xp = self.op, self.xp
        n = int(n_steps)
        _, seqs, inits, shared, non_seqs = op.split_outer_inputs((n, *args))
        if n < 0:
            raise IndexError(f"scan {op.name}: asked to run a negative number of steps ({n})")
        for k, seq in enumerate(seqs):
            if seq.shape[0] < n:
                raise ValueError(
                    f"scan {op.name}: sequence {k} has {seq.shape[0]} rows, fewer than the "
                    f"{n} steps asked for"
                )
        if n == 0 and op.n_nit_sot > op.n_saved:
            raise ValueError(
                f"scan {op.name}: cannot run 0 steps: the shapes of the outputs that are not fed "
                f"back are only known by running a step"
            )
        storage = self.program.new_storage()
        for slot, value in zip(self.non_seq_slots, non_seqs):
            storage[slot] = value
        for slot, value in zip(self.shared_slots, shared):
            storage[slot] = value
        buffers, shapes = [], []
        for j, (init, m) in enumerate(zip(inits, op.mins)):
            if init.shape[0] < m:
                raise ValueError(
                    f"scan {op.name}: the initial value of state {j} has {init.shape[0]} rows; "
                    f"its taps {op.state_taps[j]} need {m}"
                )
            shapes.append(init.shape[1:])
            if op.last_only[j]:
                buffers.append([init[k] for k in range(m)])
            else:
                buf = xp.empty((m + n,) + init.shape[1:], dtype=init.dtype)
                buf[:m] = init[:m]
                buffers.append(buf)
        ys = [None] * op.n_nit_sot
        if n == 0:  # kept intermediates of no step (nothing reads them)
            ys = [xp.empty((0,) * (v.ndim + 1), v.dtype) for v in op.split_inner_outputs()[1]]
        done = self._loop(n, seqs, buffers, shapes, ys, storage)
        results = []
        for j, m in enumerate(op.mins):
            buf = buffers[j]
            if op.last_only[j]:
                results.append(xp.stack([xp.asarray(v) for v in buf]))
            else:
                results.append(buf if done == n else buf[: m + done])
        results.extend(y if done == n else y[:done] for y in ys)
        results.extend(storage[s] for s in self.shared_slots)
        return results[0] if len(results) == 1 else tuple(results)

    def _loop(self, n, seqs, buffers, shapes, ys, storage) -> int:
        """Run the steps; return how many ran."""
        op, xp, run = self.op, self.xp, self.program.run
        seq_reads = list(zip(self.seq_slots, seqs))
        full_reads, ring_reads = self.full_reads, self.ring_reads
        state_writes = [
            (slot, buffers[j], op.mins[j], shapes[j], op.last_only[j])
            for j, slot in enumerate(self.state_out)
        ]
        carries = list(zip(self.shared_out, self.shared_slots))
        cond_slot = self.cond_slot
        for i in range(n):
            for slot, seq in seq_reads:
                storage[slot] = seq[i]
            for slot, j, row in full_reads:
                storage[slot] = buffers[j][i + row]
            for slot, j, row in ring_reads:
                storage[slot] = buffers[j][row]
            try:
                run(storage)
            except Exception as exc:
                raise _same_kind(exc, f"scan {op.name}, step {i} of {n}: {exc}") from exc
            for slot, buf, m, shape, ring in state_writes:
                value = storage[slot]
                if value.shape != shape:
                    raise ValueError(self._shape_error(i, "state", slot, value, shape))
                if ring:
                    buf.pop(0)
                    buf.append(value)
                else:
                    buf[i + m] = value
            for k, slot in enumerate(self.nit_out):
                value = storage[slot]
                if i == 0:
                    dtype = op.split_inner_outputs()[1][k].dtype
                    ys[k] = xp.empty((n,) + value.shape, dtype=dtype)
                elif value.shape != ys[k].shape[1:]:
                    raise ValueError(self._shape_error(i, "output", slot, value, ys[k].shape[1:]))
                ys[k][i] = value
            for out_slot, in_slot in carries:
                storage[in_slot] = storage[out_slot]
            if cond_slot is not None and storage[cond_slot]:
                return i + 1
        return n

    def _shape_error(self, i, what, slot, value, shape) -> str:
        var = self.program.variables[slot]
        where = f" (built at {var.owner.source})" if var.owner is not None else ""
        return (
            f"scan {self.op.name}, step {i}: the {what} {var}{where} has shape "
            f"{tuple(value.shape)}, but earlier steps (or the initial value) have shape "
            f"{tuple(shape)}; every step must give the same shape"
        )
