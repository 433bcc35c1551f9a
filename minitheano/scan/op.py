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

from dataclasses import dataclass

from ..compile.fgraph import FunctionGraph
from ..compile.mode import get_mode, passes_for
from ..compile.program import Program
from ..compile.rewrite import run_passes
from ..graph import Apply, Variable, clone_replace, toposort
from ..op import Op
from ..tensor.type import INT_DTYPES, TensorType, as_tensor_variable
from .saving import per_step_shapes, saved_intermediates
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
    n_saved: int = 0  # the last n_saved per-step outputs are intermediates kept for the gradient

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

    def shown_inner_outputs(self) -> list:
        """The body's outputs less the intermediates kept for the gradient (for printing)."""
        states, nit, shared, cond = self.split_inner_outputs()
        shown = list(states) + list(nit[: len(nit) - self.n_saved]) + list(shared)
        return shown + ([cond] if cond is not None else [])

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
        from .run import ScanStep

        return ScanStep(self, xp)

    def perform(self, xp, *inputs):
        from .run import ScanThunk

        return ScanThunk(self, self.inner.program(xp, self.mode), xp)(*inputs)

    def infer_shape(self, node, input_shapes):
        if self.as_while:  # how many steps run is known only by running them
            raise NotImplementedError(f"{self}: output shapes are known only at run time")
        n_steps = node.inputs[0]
        _, _, init_shapes, shared_shapes, _ = self.split_outer_inputs(input_shapes)
        shapes = []
        for shape, m, keep_last in zip(init_shapes, self.mins, self.last_only):
            shapes.append((m if keep_last else n_steps + m,) + tuple(shape[1:]))
        shapes += [(n_steps,) + dims for dims in per_step_shapes(self, input_shapes)]
        return shapes + list(shared_shapes)

    def grad(self, inputs, outputs, output_grads):
        from .grad import scan_grad  # the gradient is itself built as a scan

        return scan_grad(self, inputs, outputs, output_grads)


def _check_fits(op, what, outer, inner, leading: bool) -> None:
    """``outer`` (with one more leading dim when ``leading``) must carry values of ``inner``'s
    type: same dtype and ndim, and broadcastable wherever ``inner`` is."""
    if not isinstance(inner.type, TensorType):  # a random generator, say
        if outer.type != inner.type:
            raise TypeError(f"{op}: the {what} {outer} is {outer.type}, not {inner.type}")
        return
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
    """Apply a new ``Scan`` to outer inputs; returns the node's outputs (raw buffers), less
    the intermediates it keeps for its gradient (``saving.py``)."""
    step_inputs = inner_inputs[: len(inner_inputs) - len(non_seqs)]
    saved = saved_intermediates(step_inputs, inner_outputs)
    end = len(state_taps) + n_nit_sot  # the per-step outputs end here
    op = Scan(
        InnerGraph(inner_inputs, inner_outputs[:end] + saved + inner_outputs[end:]),
        len(seqs),
        tuple(tuple(t) for t in state_taps),
        n_nit_sot + len(saved),
        len(shared),
        len(non_seqs),
        as_while,
        tuple(last_only),
        truncate_gradient,
        name or "scan_fn",
        mode,
        len(saved),
    )
    node = op.make_node(n_steps, *seqs, *inits, *shared, *non_seqs)
    return node.outputs[:end] + node.outputs[end + len(saved) :]
