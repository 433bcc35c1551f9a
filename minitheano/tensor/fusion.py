"""Elementwise fusion: a chain of ``Elemwise`` nodes becomes one ``FusedElemwise`` step.

The fused step splits the output's rows over threads; each thread evaluates the whole chain
block by cache-sized block of rows (``parallel.cache_chunks``: ~1 MiB of output, so the
block's intermediates stay in the core's cache), with ufunc ``out=`` buffers reused from one
instruction to the next, writing straight into the output. On CuPy the whole chain runs at
once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..graph import Apply, toposort
from ..op import Op
from ..parallel import cache_chunks, over_rows
from .elemwise import SCALAR_OPS, UFUNCS, Elemwise, broadcast_checker
from .type import TensorType

#: below this many elements a fused chain runs as plain NumPy calls, freeing each temporary
#: at its last use: measured on a 9-op chain (bench/fusion.py's), 0.37 against 0.94 ms at 40k
#: elements, 1.6 against 2.5 ms at 160k; the blocked evaluation wins from ~500k (3.2 against
#: 6.8 ms) and at 4M (20 against 30 ms)
SMALL_ELEMENTS = 1 << 18


@dataclass(frozen=True)
class FusedElemwise(Op):
    """Run ``program`` elementwise: instructions ``(scalar_op, dtype, cast_dtype, args)`` whose
    args are ``('in', k)`` (input k) or ``('tmp', m)`` (instruction m); the last is the output."""

    program: tuple
    n_inputs: int

    def __str__(self) -> str:
        return f"FusedElemwise{{{self.expression()}}}"

    def expression(self) -> str:
        texts: list[str] = []
        for scalar_op, _, cast_dtype, args in self.program:
            parts = [f"i{a[1]}" if a[0] == "in" else texts[a[1]] for a in args]
            name = f"cast{{{cast_dtype}}}" if cast_dtype else scalar_op
            texts.append(f"{name}({', '.join(parts)})")
        return texts[-1]

    def make_node(self, *inputs, broadcastable=None) -> Apply:
        dtype = self.program[-1][1]
        if broadcastable is None:
            broadcastable = tuple(all(bs) for bs in zip(*(i.broadcastable for i in inputs)))
        return Apply(self, list(inputs), [TensorType(dtype, broadcastable)()])

    def last_uses(self) -> dict:
        """For each intermediate, the index of the last instruction that reads it."""
        last_use = {}
        for k, (_, _, _, refs) in enumerate(self.program):
            for r in refs:
                if r[0] == "tmp":
                    last_use[r[1]] = k
        return last_use

    def _evaluate_into(self, xp, args, out, last_use):
        """Evaluate into ``out``, reusing the buffers of dead intermediates (ufunc ``out=``)."""
        values, free = [], []
        last = len(self.program) - 1
        for k, (scalar_op, dtype, _, refs) in enumerate(self.program):
            operands = [args[r[1]] if r[0] == "in" else values[r[1]] for r in refs]
            shape = np.broadcast_shapes(*[getattr(o, "shape", ()) for o in operands])
            ufunc = UFUNCS.get(scalar_op)
            # found by position: ``free.remove(buffer)`` would compare arrays with ``==``
            reuse = (
                None
                if k == last
                else next(
                    (i for i, b in enumerate(free) if b.dtype == dtype and b.shape == shape), None
                )
            )
            target = out if k == last else None if reuse is None else free[reuse]
            if ufunc is not None and target is not None and shape == target.shape:
                if target is not out:
                    del free[reuse]
                value = getattr(xp, ufunc)(*operands, out=target, casting="unsafe")
            else:
                value = SCALAR_OPS[scalar_op].impl(xp, *operands)
                if value.dtype != dtype:
                    value = value.astype(dtype)
                if k == last:
                    out[...] = value
                    value = out
            values.append(value)
            for r in refs:  # an intermediate used for the last time gives its buffer back
                dead = values[r[1]] if r[0] == "tmp" and last_use[r[1]] == k else None
                # (NumPy's 0-d results are scalars, not buffers)
                if isinstance(dead, xp.ndarray) and dead is not out:
                    free.append(dead)
        return out

    def _straight_line(self, xp):
        """The chain as plain calls, one fresh array each: on small arrays the blocking and
        buffer reuse of ``_evaluate_into`` cost more than they save (~20 us per call).
        Intermediates are dropped at their last use: a dozen live 80 kB temporaries push
        glibc into returning memory to the system and faulting it back in (10x slower)."""
        last_use = self.last_uses()
        steps = []
        for k, (scalar_op, dtype, _, refs) in enumerate(self.program):
            ufunc = UFUNCS.get(scalar_op)
            impl = getattr(xp, ufunc) if ufunc else SCALAR_OPS[scalar_op].impl
            operands = tuple((r[0] == "in", r[1]) for r in refs)
            dead = tuple(r[1] for r in refs if r[0] == "tmp" and last_use[r[1]] == k)
            steps.append((impl, ufunc is None, operands, dead, np.dtype(dtype)))

        def run(args):
            values = []
            for impl, pass_xp, operands, dead, dtype in steps:
                ins = [args[k] if is_input else values[k] for is_input, k in operands]
                value = impl(xp, *ins) if pass_xp else impl(*ins)
                if value.dtype != dtype:
                    value = value.astype(dtype)
                values.append(value)
                for k in dead:
                    values[k] = None
            return xp.asarray(values[-1])  # (NumPy's 0-d results are scalars)

        return run

    def make_thunk(self, node: Apply, xp):
        out_type = node.outputs[0].type
        last_use = self.last_uses()  # once per compiled node, not per block of every call
        check_broadcast = broadcast_checker(self, node)

        straight = []  # built on the first small call: most graphs' big chains never need it

        def thunk(*args):
            if check_broadcast is not None:
                check_broadcast(args)
            if xp is np and max(a.size for a in args) < SMALL_ELEMENTS:
                if not straight:
                    straight.append(self._straight_line(xp))
                return straight[0](args)
            shape = np.broadcast_shapes(*[a.shape for a in args])
            if xp is not np or len(shape) == 0:  # the whole chain at once (a GPU, or scalars)
                return self._evaluate_into(
                    xp, args, xp.empty(shape, dtype=out_type.dtype), last_use
                )
            size = int(np.prod(shape))
            # output in the memory layout of the largest input (channels-last stays)
            model = max(args, key=lambda a: a.size)
            out = (
                xp.empty_like(model, dtype=out_type.dtype)
                if model.shape == shape
                else xp.empty(shape, dtype=out_type.dtype)
            )
            rows = shape[0]
            sliced = [a.ndim == len(shape) and a.shape[0] == rows for a in args]

            row_bytes = (size // max(rows, 1)) * out.dtype.itemsize

            def run(lo, hi):
                for start, stop in cache_chunks(xp, lo, hi, row_bytes):
                    part = [a[start:stop] if s else a for a, s in zip(args, sliced)]
                    self._evaluate_into(xp, part, out[start:stop], last_use)

            over_rows(xp, rows, size, run)
            return out

        return thunk

    def infer_shape(self, node, input_shapes):
        return Elemwise.infer_shape(self, node, input_shapes)


def _fusable(var, fgraph, pattern) -> bool:
    node = var.owner
    return (
        node is not None
        and isinstance(node.op, Elemwise)
        and var.broadcastable == pattern
        and fgraph.client_count(var) == 1
    )


def fuse_elemwise(fgraph, report) -> None:
    """Replace each maximal single-use chain of Elemwise nodes by one FusedElemwise.

    One pass from the outputs back: a root is met before the nodes it absorbs, so its group
    is maximal, and the nodes a fusion removes are skipped when the pass reaches them.
    """
    for root in reversed(fgraph.toposort()):
        if not isinstance(root.op, Elemwise) or not fgraph.has_node(root):
            continue
        pattern = root.outputs[0].broadcastable
        group, members, stack = [], {id(root)}, [root]
        while stack:  # the nodes whose only use is (transitively) the root
            node = stack.pop()
            group.append(node)
            for i in node.inputs:
                if _fusable(i, fgraph, pattern) and id(i.owner) not in members:
                    members.add(id(i.owner))
                    stack.append(i.owner)
        if len(group) < 2:
            continue
        before = len(fgraph)
        fgraph.replace(root.outputs[0], _build(group, root))
        report.record("fuse_elemwise", before - len(fgraph))


def _build(group, root):
    members = {id(n) for n in group}
    # the group's own inputs block the walk, so it costs the group's size, not the graph's
    outside = [v for n in group for v in n.inputs if v.owner is None or id(v.owner) not in members]
    order = toposort(root.outputs, blockers=outside)
    inputs, input_index, program, temp_index = [], {}, [], {}
    for node in order:
        refs = []
        for var in node.inputs:
            if var.owner is not None and id(var.owner) in members:
                refs.append(("tmp", temp_index[id(var)]))
            else:
                if id(var) not in input_index:
                    input_index[id(var)] = len(inputs)
                    inputs.append(var)
                refs.append(("in", input_index[id(var)]))
        out = node.outputs[0]
        program.append((node.op.scalar_op, out.dtype, node.op.dtype, tuple(refs)))
        temp_index[id(out)] = len(program) - 1
    op = FusedElemwise(tuple(program), len(inputs))
    fused = op.make_node(*inputs, broadcastable=root.outputs[0].broadcastable)
    fused.source = root.source
    return fused.outputs[0]
