"""Data parallelism: the same parameters everywhere, and each rank's share of every minibatch."""

from __future__ import annotations

from .runtime import rank_variable, size, world


def broadcast(shared_vars, root: int = 0) -> None:
    """Give every rank ``root``'s values of ``shared_vars`` (a shared variable or a list).

    Every rank must pass the same variables (same dtypes and shapes, in the same order); if not,
    every rank raises the same ``ValueError`` naming the variable and both shapes.
    """
    if not isinstance(shared_vars, (list, tuple)):
        shared_vars = [shared_vars]
    comm = world()
    mine = [
        (v.name or f"shared variable #{i}", str(v.type.dtype), v.get_value(borrow=True).shape)
        for i, v in enumerate(shared_vars)
    ]
    everyone = comm.allgather_object(mine, "broadcast (comparing the shared variables)")
    expected = everyone[root]
    for r, theirs in enumerate(everyone):
        if len(theirs) != len(expected):
            raise ValueError(
                f"broadcast: rank {root} (the root) passes {len(expected)} shared variables but "
                f"rank {r} passes {len(theirs)}"
            )
        for i, ((name, dtype, shape), (_, their_dtype, their_shape)) in enumerate(
            zip(expected, theirs)
        ):
            if (dtype, shape) != (their_dtype, their_shape):
                raise ValueError(
                    f"broadcast: shared variable {i} ({name}) is {dtype} {shape} on rank "
                    f"{root} (the root) but {their_dtype} {their_shape} on rank {r}: every "
                    f"rank must build the same model"
                )
    for v in shared_vars:
        v.set_value(comm.bcast(v.get_value(borrow=True), root), borrow=True)


def local_batch_size(batch_size: int) -> int:
    """This rank's share of a global minibatch of ``batch_size`` rows."""
    n = size()
    if batch_size % n:
        raise ValueError(
            f"a global minibatch of {batch_size} rows does not split evenly over {n} ranks; "
            f"use a multiple of {n}"
        )
    return batch_size // n


def minibatch(data, index, batch_size: int):
    """This rank's rows of global minibatch ``index`` of ``data``, for ``givens``.

    Rank ``r`` of ``N`` takes rows ``index * batch_size + r * b`` up to the next ``b``, with
    ``b = batch_size // N``; with one process this is ``data[index * batch_size : ...]``.

    >>> train = theano.function([index], cost, updates=updates,
    ...                         givens={x: minibatch(train_set_x, index, 500),
    ...                                 y: minibatch(train_set_y, index, 500)})
    """
    b = local_batch_size(batch_size)
    start = index * batch_size + rank_variable() * b
    return data[start : start + b]
