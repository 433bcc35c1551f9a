"""What a loop keeps of each step for its gradient, and the shapes of its per-step outputs.

A loop's gradient runs the steps backwards and needs the forward step's intermediate values
(an LSTM's gate activations). Every loop offers them as extra per-step outputs ("saved"
outputs): when nothing reads them (no gradient is taken) the compiled program leaves them
out, so they cost nothing; when the backward loop reads them it does not compute them again.
"""

from __future__ import annotations

from ..graph import Variable, clone_replace, graph_inputs, toposort
from ..tensor.shape import DimShuffle, Rebroadcast, Reshape
from ..tensor.shape_inference import symbolic_shape
from ..tensor.subtensor import Subtensor
from ..tensor.type import FLOAT_DTYPES, TensorType

# cheap to compute again from a kept value: not worth a copy per step
_VIEWS = (DimShuffle, Subtensor, Reshape, Rebroadcast)


def saved_intermediates(step_inputs, outputs) -> list[Variable]:
    """The body's intermediate float values that change from step to step.

    ``step_inputs`` are the body's inputs that change per step (sequence rows, taps, shared
    states). Views, outputs already kept and values inside a lazy op's branches (which may
    not run) are left out.
    """
    nodes = toposort(outputs)
    if any(getattr(node.op, "lazy", False) for node in nodes):
        return []
    varying = {id(v) for v in step_inputs}
    kept = {id(v) for v in outputs}
    saved = []
    for node in nodes:
        if not any(id(i) in varying for i in node.inputs) and node.op.constant_foldable:
            continue
        varying.update(id(o) for o in node.outputs)
        if isinstance(node.op, _VIEWS):
            continue
        for out in node.outputs:
            if (
                isinstance(out.type, TensorType)
                and out.dtype in FLOAT_DTYPES
                and id(out) not in kept
            ):
                kept.add(id(out))
                saved.append(out)
    return saved


def per_step_shapes(op, input_shapes) -> list[tuple]:
    """The shapes of one step's per-step outputs, from the shapes of the node's inputs.

    Raises NotImplementedError when a shape depends on values computed in the step.
    """
    _, seq_shapes, init_shapes, shared_shapes, non_seq_shapes = op.split_outer_inputs(input_shapes)
    in_seqs, in_taps, in_shared, in_non_seqs = op.split_inner_inputs()
    memo = {}
    for var, shape in zip(in_seqs, seq_shapes):
        memo[id(var)] = tuple(shape[1:])
    for taps, shape in zip(in_taps, init_shapes):
        memo.update((id(var), tuple(shape[1:])) for var in taps)
    for var, shape in list(zip(in_shared, shared_shapes)) + list(zip(in_non_seqs, non_seq_shapes)):
        if isinstance(var.type, TensorType):
            memo[id(var)] = tuple(shape)
    inner = {id(v) for v in op.inner.inputs}
    shapes = []
    for out in op.split_inner_outputs()[1]:
        try:
            dims = symbolic_shape(out, memo)
        except (AttributeError, TypeError) as exc:  # a non-tensor input on the way
            raise NotImplementedError(f"{op}: {exc}") from None
        symbolic = [d for d in dims if isinstance(d, Variable)]
        if any(id(v) in inner for v in graph_inputs(symbolic)):
            raise NotImplementedError(f"{op}: a per-step output's shape depends on its values")
        # fresh nodes: the outer graph's rewrites must never touch the body's
        fresh = iter(clone_replace(symbolic))
        shapes.append(tuple(next(fresh) if isinstance(d, Variable) else d for d in dims))
    return shapes
