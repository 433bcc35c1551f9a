"""Data-parallel training over MPI (``mpi4py``; NCCL through CuPy on GPUs).

Launch with ``mpiexec -n 4 python train.py`` (or ``srun --mpi=pmix``); without a launcher the
same script runs as one process. ``pip install 'minitheano[distributed]'`` gives mpi4py and
Open MPI. See docs/distributed.md.

>>> import minitheano.distributed as dist
>>> world = dist.init()                      # rank, size; one process without mpiexec
>>> dist.broadcast(params)                   # rank 0's initial values everywhere
>>> grads = dist.allreduce(T.grad(cost, params), op="mean")
>>> train = theano.function([index], dist.allreduce(cost, op="mean"), updates=...,
...                         givens={x: dist.minibatch(train_set_x, index, batch_size), ...})
"""

from .comm import DistributedError, DistributedTimeoutError
from .data import broadcast, local_batch_size, minibatch
from .ops import AllGather, AllReduce, allgather, allreduce
from .runtime import init, rank, rank_variable, size, world

__all__ = [
    "AllGather",
    "AllReduce",
    "DistributedError",
    "DistributedTimeoutError",
    "allgather",
    "allreduce",
    "broadcast",
    "init",
    "local_batch_size",
    "minibatch",
    "rank",
    "rank_variable",
    "size",
    "world",
]
