"""What every communicator shares: the errors, the one-process world, and waiting with a limit.

A communicator has ``rank``, ``size``, ``local_rank`` and ``local_size`` (among the processes
on its node), ``timeout`` (seconds) and these collectives, each returning fresh arrays:
``allreduce(x, op)`` (``op``: sum, mean, max; same shape everywhere), ``allgather(x)``
(concatenated along axis 0, ``x.ndim >= 1``), ``bcast(x, root)``, ``allgather_object(obj)``
(a list, one entry per rank), ``barrier(what)`` and ``abort(code)``.
"""

from __future__ import annotations

import os
import sys
import time

#: a collective that has not finished after this long is a rank waiting for a slower one, not
#: data in flight: it stops spinning and polls, leaving the core to processes that compute
SPIN_SECONDS = 0.01
POLL_SECONDS = 2e-4


class DistributedError(RuntimeError):
    """A collective failed, or the ranks disagree about what they are doing."""

    __module__ = "minitheano.distributed"  # the name users import it by, in tracebacks


class DistributedTimeoutError(DistributedError):
    """A collective waited longer than the world's ``timeout`` for the other ranks."""

    __module__ = "minitheano.distributed"


def wait_for(done, what: str, comm) -> None:
    """Poll ``done()`` until true; ``DistributedTimeoutError`` after ``comm.timeout`` seconds."""
    start = time.monotonic()
    polls = 0
    while not done():
        polls += 1
        if polls % 64:
            continue
        waited = time.monotonic() - start
        if waited > comm.timeout:
            raise DistributedTimeoutError(
                f"rank {comm.rank} of {comm.size}: {what} waited {comm.timeout:g} s for the "
                f"other ranks: one of them has died, raised an error, or runs a different "
                f"collective (every rank must call the same functions in the same order). "
                f"If a rank is slow on purpose (rank 0 evaluating or saving), raise the limit: "
                f"minitheano.distributed.init(timeout=...)"
            )
        if waited > SPIN_SECONDS:
            time.sleep(POLL_SECONDS)


class SingleProcess:
    """The world of a process that no MPI launcher started: collectives are copies."""

    kind = "single"
    rank, size, local_rank, local_size = 0, 1, 0, 1

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    # ``x.copy()`` is NumPy's and CuPy's, so this also serves as the device communicator
    def allreduce(self, x, op: str):
        return x.copy()

    def allgather(self, x):
        return x.copy()

    def bcast(self, x, root: int = 0):
        return x.copy()

    def allgather_object(self, obj, what: str = "allgather_object") -> list:
        return [obj]

    def barrier(self, what: str = "barrier") -> None:
        pass

    def abort(self, code: int = 1) -> None:
        sys.stderr.flush()
        os._exit(code)

    def __repr__(self) -> str:
        return "SingleProcess(rank=0, size=1)"
