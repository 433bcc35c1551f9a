"""``sum(f(x, y, ...))`` over all axes in one step, without the full-size array ``f`` makes.

A fused elementwise chain (``FusedElemwise``) followed by a sum of all its elements is common
in costs (``T.sum(J ** 2)``, L2 penalties). Computing the chain first writes and then reads
an array as large as its inputs; ``FusedSum`` evaluates the chain block by cache-sized block
into one reused buffer and sums each block, so nothing large is allocated or written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..graph import Apply
from ..op import Op
from ..parallel import CHUNK_BYTES, cache_chunks, map_rows
from .elemwise import Elemwise, broadcast_checker
from .fusion import FusedElemwise, _build
from .reduce import Reduce
from .type import TensorType


@dataclass(frozen=True)
class FusedSum(Op):
    """The sum of all elements of ``chain(*inputs)``, accumulated in ``acc_dtype``."""

    chain: FusedElemwise
    acc_dtype: str
    dtype: str

    def __str__(self) -> str:
        return f"FusedSum{{{self.chain.expression()}}}"

    def make_node(self, *inputs) -> Apply:
        return Apply(self, list(inputs), [TensorType(self.dtype, ())()])

    def infer_shape(self, node, input_shapes):
        return [()]

    def make_thunk(self, node: Apply, xp):
        chain, acc = self.chain, np.dtype(self.acc_dtype)
        last_use = chain.last_uses()
        check_broadcast = broadcast_checker(chain, chain.make_node(*node.inputs))
        chain_dtype = chain.program[-1][1]
        itemsize = np.dtype(chain_dtype).itemsize

        def thunk(*args):
            if check_broadcast is not None:
                check_broadcast(args)
            shape = np.broadcast_shapes(*[a.shape for a in args])
            if xp is not np or len(shape) == 0:  # a GPU sums the whole chain at once
                whole = chain._evaluate_into(xp, args, xp.empty(shape, chain_dtype), last_use)
                return xp.asarray(whole.sum(dtype=acc), dtype=self.dtype)

            def run(lo, hi):  # rows [lo, hi) of the first axis, on one thread
                total, buffer = acc.type(0), None
                for index in _blocks(shape, lo, hi, itemsize):
                    part = [_block_of(a, index, shape) for a in args]
                    block_shape = np.broadcast_shapes(*[p.shape for p in part])
                    if buffer is None or buffer.shape != block_shape:
                        buffer = np.empty(block_shape, chain_dtype)
                    chain._evaluate_into(xp, part, buffer, last_use)
                    total += buffer.sum(dtype=acc)
                return total

            parts = map_rows(xp, shape[0], math.prod(shape), run)
            return np.asarray(sum(parts[1:], parts[0]), dtype=self.dtype)

        return thunk


def _blocks(shape, lo, hi, itemsize):
    """Index tuples (slices over the first one or two axes) of cache-sized blocks."""
    row_bytes = math.prod(shape[1:]) * itemsize
    if len(shape) == 1 or row_bytes <= CHUNK_BYTES:
        for start, stop in cache_chunks(np, lo, hi, row_bytes):
            yield (slice(start, stop),)
        return
    inner_bytes = math.prod(shape[2:]) * itemsize  # a row is too large: split its next axis
    for row in range(lo, hi):
        for start, stop in cache_chunks(np, 0, shape[1], inner_bytes):
            yield (slice(row, row + 1), slice(start, stop))


def _block_of(array, index, shape):
    """``array``'s part for the block ``index``; broadcast (size-1) axes are not sliced."""
    key = tuple(
        s if axis < array.ndim and array.shape[axis] == shape[axis] else slice(None)
        for axis, s in enumerate(index)
    )
    return array[key]


def fuse_sum_of_elemwise(fgraph, report) -> None:
    """``Sum`` over all axes of an elementwise result used only there -> one ``FusedSum``."""
    for node in fgraph.toposort():
        op = node.op
        if not (isinstance(op, Reduce) and op.kind == "sum") or not fgraph.has_node(node):
            continue
        (x,) = node.inputs
        producer = x.owner
        if (
            producer is None
            or x.ndim == 0
            or op.axis != tuple(range(x.ndim))
            or fgraph.client_count(x) != 1
        ):
            continue
        if isinstance(producer.op, Elemwise):
            x = _build([producer], producer)  # one instruction, as a fused chain
            producer = x.owner
        if not isinstance(producer.op, FusedElemwise):
            continue
        summed = FusedSum(producer.op, op.acc_dtype, op.dtype)(*producer.inputs)
        before = len(fgraph)
        fgraph.replace(node.outputs[0], summed)
        report.record("fuse_sum_of_elemwise", before - len(fgraph))
