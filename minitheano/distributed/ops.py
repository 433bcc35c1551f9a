"""The collective ops ``allreduce`` and ``allgather``: graph nodes whose ``perform`` talks to the
other ranks through the communicator that ``backend.collectives`` chooses (MPI or NCCL).

Gradients: ``T.grad`` of a rank's cost through a collective is the gradient of the *sum of every
rank's cost* with respect to this rank's inputs. So the gradient of a sum is a sum over ranks
of the output gradients, that of a mean their mean, and that of an allgather this rank's block of
their sum. Replicated parameters are a different matter: average their gradients explicitly
(``allreduce(T.grad(cost, params), op='mean')``), as data-parallel training does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..backend import collectives
from ..graph import Apply
from ..op import Op
from ..tensor.elemwise import eq
from ..tensor.type import DISCRETE_DTYPES, FLOAT_DTYPES, TensorType, as_tensor_variable
from .comm import DistributedError
from .runtime import rank_variable, size

REDUCTIONS = ("sum", "mean", "max")


class _Collective(Op):
    """Runs on every rank at every call; checks on its first call that the ranks agree."""

    # never evaluated once at compile time: the other ranks wait for it at every call
    constant_foldable = False

    def make_thunk(self, node: Apply, xp):
        perform = self.perform
        checked = False

        def thunk(*args):
            nonlocal checked
            if not checked:
                check_ranks_agree(node, args, collectives(xp))
                checked = True
            return perform(xp, *args)

        return thunk


def check_ranks_agree(node: Apply, args, comm) -> None:
    """Raise the same error on every rank unless all run ``node``'s op on the same shapes.

    Done once per node: a rank that runs another collective, or passes another shape, would
    otherwise get someone else's data or wait forever.
    """
    if comm.size == 1:
        return
    mine = (str(node.op), node.source, [(str(a.dtype), tuple(a.shape)) for a in args])
    everyone = comm.allgather_object(mine, f"checking {node.op} (built at {node.source})")
    op0, source0, inputs0 = everyone[0]
    for r, (op, source, inputs) in enumerate(everyone):
        if op != op0:
            raise DistributedError(
                f"rank 0 runs {op0} (built at {source0}) while rank {r} runs {op} (built at "
                f"{source}): every rank must call the same functions in the same order"
            )
        for i, (theirs, first) in enumerate(zip(inputs, inputs0)):
            if theirs != first:
                raise ValueError(
                    f"{op} (built at {source0}): input {i} ({node.inputs[i]}) is {first[0]} "
                    f"{first[1]} on rank 0 but {theirs[0]} {theirs[1]} on rank {r}: every rank "
                    f"must give the same shapes and dtypes"
                )


@dataclass(frozen=True)
class AllReduce(_Collective):
    """Every rank gets the ``op`` (sum, mean or max) over all ranks of each of its inputs.

    Several inputs travel in one message per dtype (fewer latencies than one call each).
    """

    op: str = "sum"

    def __post_init__(self):
        if self.op not in REDUCTIONS:
            raise ValueError(f"allreduce: op must be one of {REDUCTIONS}, got {self.op!r}")

    def __str__(self) -> str:
        return f"AllReduce{{{self.op}}}"

    def make_node(self, *inputs) -> Apply:
        inputs = [as_tensor_variable(x) for x in inputs]
        if not inputs:
            raise TypeError("allreduce: no input to reduce")
        for x in inputs:
            if x.dtype == "bool" or x.dtype.startswith("complex"):
                raise TypeError(
                    f"allreduce(op={self.op!r}): cannot reduce {x} ({x.type}) over ranks; "
                    f"cast it to an integer or float dtype first"
                )
            if self.op == "mean" and x.dtype not in FLOAT_DTYPES:
                raise TypeError(
                    f"allreduce(op='mean'): {x} is {x.type}, whose mean over ranks is not an "
                    f"integer; cast it to a float dtype first, or use op='sum'"
                )
        return Apply(self, inputs, [x.type() for x in inputs])

    def perform(self, xp, *inputs):
        comm = collectives(xp)
        outs = [None] * len(inputs)
        groups: dict = {}
        for i, x in enumerate(inputs):
            groups.setdefault(x.dtype, []).append(i)
        for positions in groups.values():
            if len(positions) == 1:
                outs[positions[0]] = comm.allreduce(inputs[positions[0]], self.op)
                continue
            flat = comm.allreduce(xp.concatenate([inputs[i].ravel() for i in positions]), self.op)
            start = 0
            for i in positions:
                outs[i] = flat[start : start + inputs[i].size].reshape(inputs[i].shape)
                start += inputs[i].size
        return outs[0] if len(outs) == 1 else tuple(outs)

    def infer_shape(self, node: Apply, input_shapes):
        return list(input_shapes)

    def grad(self, inputs, outputs, output_grads):
        # every rank's cost depends on every rank's input: the output gradients are summed
        # (sum), averaged (mean: each rank's y is (1/N) sum_r x_r), or summed and given to the
        # ranks that hold the maximum (max; ties all get it, as in Theano's max)
        reduced = AllReduce("mean" if self.op == "mean" else "sum").make_node(*output_grads)
        grads = []
        for x, y, g in zip(inputs, outputs, reduced.outputs):
            if x.dtype in DISCRETE_DTYPES:
                grads.append(None)
            else:
                grads.append(g * eq(x, y) if self.op == "max" else g)
        return grads


@dataclass(frozen=True)
class AllGather(_Collective):
    """Every rank's ``x`` concatenated along axis 0 in rank order (from 0-d ``x``: a vector).

    ``size`` is the number of ranks, fixed when the node is built (the output's length).
    """

    size: int

    def make_node(self, x) -> Apply:
        x = as_tensor_variable(x)
        first = self.size == 1 and x.ndim > 0 and x.broadcastable[0]
        return Apply(self, [x], [TensorType(x.dtype, (first,) + x.broadcastable[1:])()])

    def perform(self, xp, x):
        return collectives(xp).allgather(x.reshape(1) if x.ndim == 0 else x)

    def infer_shape(self, node: Apply, input_shapes):
        shape = tuple(input_shapes[0])
        return [(self.size,) if not shape else (shape[0] * self.size,) + shape[1:]]

    def grad(self, inputs, outputs, output_grads):
        (x,) = inputs
        if x.dtype in DISCRETE_DTYPES:
            return [None]
        # block r of every rank's output is rank r's x: its gradient is block r of the sum
        total = AllReduce("sum")(output_grads[0])
        r = rank_variable()
        if x.ndim == 0:
            return [total[r]]
        n = x.shape[0]
        return [total[r * n : (r + 1) * n]]


def allreduce(x, op: str = "sum"):
    """The sum, mean or max of ``x`` over all ranks, on every rank; a list gives a list.

    >>> grads = allreduce(T.grad(cost, params), op="mean")  # one message for all of them
    """
    if isinstance(x, (list, tuple)):
        return AllReduce(op).make_node(*x).outputs
    return AllReduce(op)(x)


def allgather(x):
    """Every rank's ``x`` (same shape on all) concatenated along axis 0 in rank order."""
    return AllGather(size())(x)
