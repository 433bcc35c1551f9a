"""Collectives on NumPy arrays over MPI (``mpi4py``), each bounded by the world's timeout.

Non-blocking MPI calls polled by ``wait_for``, so that a rank whose peer died or went another
way raises ``DistributedTimeoutError`` instead of hanging. Data and control messages (checks,
pickled objects, the exit barrier) use two duplicates of the world communicator, so a rank that
is one collective ahead can never have its control message matched with another's data.
"""

from __future__ import annotations

import pickle

import numpy as np

from .comm import wait_for


class MPICommunicator:
    """Collectives over an ``mpi4py`` communicator; see ``comm.py`` for the interface."""

    kind = "mpi"

    def __init__(self, MPI, comm, timeout: float) -> None:
        self.MPI = MPI
        self.data = comm.Dup()
        self.control = comm.Dup()
        self.rank, self.size = comm.Get_rank(), comm.Get_size()
        node = comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.local_rank, self.local_size = node.Get_rank(), node.Get_size()
        node.Free()
        self.timeout = timeout
        self._ops = {"sum": MPI.SUM, "mean": MPI.SUM, "max": MPI.MAX}

    def allreduce(self, x, op: str):
        # MPI has no standard half-precision reduction: float16 is reduced in float32
        wide = np.float32 if x.dtype == np.float16 else x.dtype
        send = np.ascontiguousarray(x, dtype=wide).reshape(x.shape)  # (it makes 0-d 1-d)
        out = np.empty_like(send)
        request = self.data.Iallreduce(send, out, self._ops[op])
        wait_for(request.Test, f"allreduce(op={op!r}) of {x.dtype} {x.shape}", self)
        if op == "mean":
            out /= self.size
        return out.astype(x.dtype, copy=False)

    def allgather(self, x):
        send = np.ascontiguousarray(x)
        out = np.empty((self.size * send.shape[0],) + send.shape[1:], send.dtype)
        byte = self.MPI.BYTE  # a copy of bytes: any dtype
        request = self.data.Iallgather([send, byte], [out, byte])
        wait_for(request.Test, f"allgather of {x.dtype} {x.shape}", self)
        return out

    def bcast(self, x, root: int = 0):
        buf = np.array(x, order="C")
        request = self.data.Ibcast([buf, self.MPI.BYTE], root=root)
        wait_for(request.Test, f"broadcast of {x.dtype} {x.shape} from rank {root}", self)
        return buf

    def allgather_object(self, obj, what: str = "allgather_object") -> list:
        data = np.frombuffer(pickle.dumps(obj), np.uint8)
        sizes = np.empty(self.size, np.int64)
        wait_for(self.control.Iallgather(np.array([data.size]), sizes).Test, what, self)
        offsets = np.concatenate([[0], np.cumsum(sizes)])
        out = np.empty(int(offsets[-1]), np.uint8)
        spec = [out, (sizes, offsets[:-1]), self.MPI.BYTE]
        wait_for(self.control.Iallgatherv([data, self.MPI.BYTE], spec).Test, what, self)
        # the peers are this job's own processes
        return [pickle.loads(out[a:b].tobytes()) for a, b in zip(offsets[:-1], offsets[1:])]

    def barrier(self, what: str = "barrier") -> None:
        wait_for(self.control.Ibarrier().Test, what, self)

    def abort(self, code: int = 1) -> None:
        self.MPI.COMM_WORLD.Abort(code)

    def __repr__(self) -> str:
        return f"MPICommunicator(rank={self.rank}, size={self.size})"
