"""The ``Scan`` op: a loop whose body is an inner graph, compiled once into a ``Program``.

Outer inputs: ``[n_steps, *sequences, *initial states, *shared states, *non_sequences]``.
Outer outputs: ``[*state buffers, *per-step outputs, *final shared states]``.

- A sequence is read at row ``i`` at step ``i`` (``scan`` slices each tap into a sequence of
  its own and reverses it for ``go_backwards``).
- A state with taps ``(-3, -1)`` keeps ``m = 3`` values before the first step: its initial
  input holds them (``init[:m]``). Its output is one buffer ``(m + n_steps, ...)`` whose
  first ``m`` rows are the initial values; step ``i`` reads rows ``i + m + tap`` and writes
  row ``i + m``. With ``last_only`` the buffer keeps just the last ``m`` values (no copy, O(1)
  memory): used where only the final value is wanted (accumulated gradients, ``reduce``).
- A per-step output (``outputs_info=None``) is stacked into ``(n_steps, ...)``.
- A shared state (a random generator) is carried from step to step; only its final value is
  output.
- ``as_while``: the body's last output is a condition; the loop stops after the first step
  where it is true, and the outputs keep only the steps that ran.

Inner inputs: ``[*sequence rows, *state taps (per state, in its tap order), *shared states,
*non_sequences]``; inner outputs: ``[*new states, *per-step outputs, *new shared states,
(condition)]``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..compile.fgraph import FunctionGraph
from ..compile.function import get_mode, passes_for
from ..compile.program import Program
from ..compile.rewrite import run_passes
from ..graph import Apply, Variable, clone_replace, toposort
from ..op import Op
from ..tensor.type import INT_DTYPES, TensorType, as_tensor_variable
from .utils import equal_computations


class InnerGraph:
    """The body of a loop (``inputs`` -> ``outputs``, a private graph) and its programs.

    Programs are compiled on first use, once per backend and mode, by the same path as
    ``function`` (rewrites included); they are not pickled.
    """

    def __init__(self, inputs, outputs):
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self._programs: dict = {}
        self._hash = None

    def program(self, xp, mode) -> Program:
        # A step works on one time step's arrays, usually small: there the fused elementwise
        # op's fixed cost per call (tens of microseconds on NumPy) outweighs what fusing saves
        # (an Elman RNN with hidden 128 and batch 16 ran 3x faster without it).
        mode = get_mode(mode).excluding("fuse")
        key = (xp.__name__, mode)
        if key not in self._programs:
            fgraph = FunctionGraph(self.inputs, clone_replace(self.outputs))
            run_passes(fgraph, passes_for(mode))
            self._programs[key] = Program.build(
                fgraph.toposort(), self.inputs, (), fgraph.outputs, xp
            )
        return self._programs[key]

    def __eq__(self, other) -> bool:
        """Two bodies are equal when they compute the same thing (so equal loops merge)."""
        if other is self:
            return True
        if not isinstance(other, InnerGraph) or hash(self) != hash(other):
            return False
        if [v.type for v in self.inputs] != [v.type for v in other.inputs]:
            return False
        return equal_computations(self.outputs, other.outputs, self.inputs, other.inputs)

    def __hash__(self) -> int:
        if self._hash is None:
            ops = tuple(str(node.op) for node in toposort(self.outputs))
            self._hash = hash((tuple(str(v.type) for v in self.inputs), ops, len(self.outputs)))
        return self._hash

    def __getstate__(self):
        return {"inputs": self.inputs, "outputs": self.outputs}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._programs, self._hash = {}, None


@dataclass(frozen=True)
class Scan(Op):
    """A loop over an inner graph (see the module docstring for the inputs and outputs)."""

    inner: InnerGraph
    n_seqs: int
    state_taps: tuple  # per state: its taps, negative ints, in the order fn receives them
    n_nit_sot: int
    n_shared: int
    n_non_seqs: int
    as_while: bool = False
    last_only: tuple = ()  # per state: keep only its last -min(taps) values
    truncate_gradient: int = -1
    name: str = "scan_fn"
    mode: object = None

    # running the loop at compile time would hide it from profiles for little gain
    constant_foldable = False

    def __post_init__(self):
        if not self.last_only:
            object.__setattr__(self, "last_only", (False,) * len(self.state_taps))

    def __str__(self) -> str:
        return f"{'while' if self.as_while else 'for'}{{{self.name}}}"

    # --- layout ---------------------------------------------------------------------------
    @property
    def n_states(self) -> int:
        return len(self.state_taps)

    @property
    def mins(self) -> tuple:
        """Per state, how many past values it keeps (``-min(taps)``)."""
        return tuple(-min(taps) for taps in self.state_taps)

    def split_outer_inputs(self, inputs):
        """``(n_steps, seqs, inits, shared, non_seqs)`` of a node's inputs."""
        a = 1 + self.n_seqs
        b = a + self.n_states
        c = b + self.n_shared
        return inputs[0], inputs[1:a], inputs[a:b], inputs[b:c], inputs[c:]

    def split_inner_inputs(self):
        """``(seqs, taps per state, shared, non_seqs)`` of the inner inputs."""
        inputs = self.inner.inputs
        seqs, pos = inputs[: self.n_seqs], self.n_seqs
        taps = []
        for state in self.state_taps:
            taps.append(inputs[pos : pos + len(state)])
            pos += len(state)
        return seqs, taps, inputs[pos : pos + self.n_shared], inputs[pos + self.n_shared :]

    def split_inner_outputs(self):
        """``(states, per-step outputs, shared, condition or None)`` of the inner outputs."""
        outs = self.inner.outputs
        a, b = self.n_states, self.n_states + self.n_nit_sot
        c = b + self.n_shared
        return outs[:a], outs[a:b], outs[b:c], (outs[c] if self.as_while else None)

    def inner_to_outer(self, node) -> list:
        """``(inner input, outer input)`` pairs: what each inner input is read from."""
        _, seqs, inits, shared, non_seqs = self.split_outer_inputs(node.inputs)
        in_seqs, in_taps, in_shared, in_non_seqs = self.split_inner_inputs()
        pairs = list(zip(in_seqs, seqs)) + list(zip(in_shared, shared))
        pairs += [(v, init) for taps, init in zip(in_taps, inits) for v in taps]
        return pairs + list(zip(in_non_seqs, non_seqs))

    # --- the Op contract ------------------------------------------------------------------
    def make_node(self, n_steps, *inputs) -> Apply:
        n_steps = as_tensor_variable(n_steps)
        if n_steps.ndim != 0 or n_steps.dtype not in INT_DTYPES:
            raise TypeError(f"{self}: n_steps must be an integer scalar, got {n_steps.type}")
        expected = self.n_seqs + self.n_states + self.n_shared + self.n_non_seqs
        if len(inputs) != expected:
            raise ValueError(
                f"{self}: expected {expected} inputs after n_steps, got {len(inputs)}"
            )
        _, seqs, inits, shared, non_seqs = self.split_outer_inputs((n_steps, *inputs))
        in_seqs, in_taps, in_shared, in_non_seqs = self.split_inner_inputs()
        for outer, inner in zip(seqs, in_seqs):
            _check_fits(self, "sequence", outer, inner, leading=True)
        for outer, taps in zip(inits, in_taps):
            _check_fits(self, "initial state", outer, taps[0], leading=True)
        for outer, inner in zip(shared, in_shared):
            if outer.type != inner.type:
                raise TypeError(f"{self}: shared state {outer} is {outer.type}, not {inner.type}")
        for outer, inner in zip(non_seqs, in_non_seqs):
            _check_fits(self, "non-sequence", outer, inner, leading=False)
        out_nit = self.split_inner_outputs()[1]
        outputs = [TensorType(t[0].dtype, (False,) + t[0].broadcastable)() for t in in_taps]
        for out in out_nit:
            outputs.append(TensorType(out.dtype, (False,) + out.broadcastable)())
        outputs.extend(v.type() for v in in_shared)
        return Apply(self, [n_steps, *inputs], outputs)

    def make_thunk(self, node, xp):
        return ScanStep(self, xp)

    def perform(self, xp, *inputs):
        return ScanThunk(self, self.inner.program(xp, self.mode), xp)(*inputs)

    def infer_shape(self, node, input_shapes):
        if self.as_while or self.n_nit_sot:
            # the steps a while loop runs, and the shapes of per-step outputs, are only known
            # by running the body
            raise NotImplementedError(f"{self}: output shapes are known only at run time")
        n_steps = node.inputs[0]
        _, _, init_shapes, shared_shapes, _ = self.split_outer_inputs(input_shapes)
        shapes = []
        for shape, m, keep_last in zip(init_shapes, self.mins, self.last_only):
            shapes.append((m if keep_last else n_steps + m,) + tuple(shape[1:]))
        return shapes + list(shared_shapes)

    def grad(self, inputs, outputs, output_grads):
        from .grad import scan_grad  # the gradient is itself built as a scan

        return scan_grad(self, inputs, outputs, output_grads)


def _check_fits(op, what, outer, inner, leading: bool) -> None:
    """``outer`` (with one more leading dim when ``leading``) must carry values of ``inner``'s
    type: same dtype and ndim, and broadcastable wherever ``inner`` is."""
    ndim = inner.ndim + (1 if leading else 0)
    bcast = outer.broadcastable[1:] if leading else outer.broadcastable
    if (
        outer.dtype != inner.dtype
        or outer.ndim != ndim
        or any(b_in and not b_out for b_in, b_out in zip(inner.broadcastable, bcast))
    ):
        rows = "rows of type " if leading else ""
        raise TypeError(
            f"{op}: the {what} {outer} ({outer.type}) does not hold {rows}{inner.type}, the "
            f"type of the inner variable {inner}"
        )


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
        pruned = dataclasses.replace(op, inner=inner, n_nit_sot=len(kept), last_only=last_only)
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
        if n == 0 and op.n_nit_sot:
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


def scan_node(
    inner_inputs,
    inner_outputs,
    n_steps,
    seqs,
    inits,
    shared,
    non_seqs,
    state_taps,
    n_nit_sot,
    as_while=False,
    last_only=(),
    truncate_gradient=-1,
    name="scan_fn",
    mode=None,
) -> list[Variable]:
    """Apply a new ``Scan`` to outer inputs; returns the node's outputs (raw buffers)."""
    op = Scan(
        InnerGraph(inner_inputs, inner_outputs),
        len(seqs),
        tuple(tuple(t) for t in state_taps),
        n_nit_sot,
        len(shared),
        len(non_seqs),
        as_while,
        tuple(last_only),
        truncate_gradient,
        name or "scan_fn",
        mode,
    )
    node = op.make_node(n_steps, *seqs, *inits, *shared, *non_seqs)
    return node.outputs
