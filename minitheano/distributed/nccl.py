"""Collectives on CuPy arrays through NCCL (``cupy.cuda.nccl``), set up over the host world.

The array module comes from the executor (``xp``), so CuPy is never imported here. Each
collective is queued on the current stream and then waited for with the world's timeout (NCCL
itself would wait forever for a rank that died).
"""

from __future__ import annotations

from .comm import DistributedTimeoutError, wait_for

# NCCL's names for the dtypes it reduces (int16 and bool have none; the ops refuse bool)
_TYPES = {
    "int8": "NCCL_INT8",
    "uint8": "NCCL_UINT8",
    "int32": "NCCL_INT32",
    "uint32": "NCCL_UINT32",
    "int64": "NCCL_INT64",
    "uint64": "NCCL_UINT64",
    "float16": "NCCL_FLOAT16",
    "float32": "NCCL_FLOAT32",
    "float64": "NCCL_FLOAT64",
}
_OPS = {"sum": "NCCL_SUM", "mean": "NCCL_SUM", "max": "NCCL_MAX"}  # mean: a sum, then / size


class NcclCommunicator:
    """NCCL over the processes of ``host`` (an MPI communicator, which carries NCCL's id)."""

    kind = "nccl"

    def __init__(self, xp, host) -> None:
        self.xp, self.host = xp, host
        self.rank, self.size = host.rank, host.size
        self.local_rank, self.local_size = host.local_rank, host.local_size
        self.nccl = xp.cuda.nccl
        first = self.nccl.get_unique_id() if host.rank == 0 else None
        unique_id = host.allgather_object(first, "setting up NCCL")[0]
        self.comm = self.nccl.NcclCommunicator(host.size, unique_id, host.rank)

    @property
    def timeout(self) -> float:
        return self.host.timeout

    def allreduce(self, x, op: str):
        xp = self.xp
        wide = x if x.dtype.name in _TYPES else x.astype("int32")
        send = xp.ascontiguousarray(wide).reshape(x.shape)  # (it makes 0-d arrays 1-d)
        out = xp.empty_like(send)
        kind, nccl_op = getattr(self.nccl, _TYPES[send.dtype.name]), getattr(self.nccl, _OPS[op])
        stream = xp.cuda.get_current_stream()
        self.comm.allReduce(send.data.ptr, out.data.ptr, send.size, kind, nccl_op, stream.ptr)
        self._wait(stream, f"allreduce(op={op!r}) of {x.dtype} {x.shape}")
        if op == "mean":
            out /= self.size
        return out.astype(x.dtype, copy=False)

    def allgather(self, x):
        xp = self.xp
        send = xp.ascontiguousarray(x)
        out = xp.empty((self.size * send.shape[0],) + send.shape[1:], send.dtype)
        stream = xp.cuda.get_current_stream()
        # as bytes, so that every dtype goes through
        self.comm.allGather(
            send.data.ptr, out.data.ptr, send.nbytes, self.nccl.NCCL_UINT8, stream.ptr
        )
        self._wait(stream, f"allgather of {x.dtype} {x.shape}")
        return out

    def bcast(self, x, root: int = 0):
        xp = self.xp
        send = xp.ascontiguousarray(x).reshape(x.shape)
        out = xp.empty_like(send)
        stream = xp.cuda.get_current_stream()
        self.comm.broadcast(
            send.data.ptr, out.data.ptr, send.nbytes, self.nccl.NCCL_UINT8, root, stream.ptr
        )
        self._wait(stream, f"broadcast of {x.dtype} {x.shape} from rank {root}")
        return out

    def allgather_object(self, obj, what: str = "allgather_object") -> list:
        return self.host.allgather_object(obj, what)

    def barrier(self, what: str = "barrier") -> None:
        self.host.barrier(what)

    def abort(self, code: int = 1) -> None:
        self.comm.abort()
        self.host.abort(code)

    def _wait(self, stream, what: str) -> None:
        try:
            wait_for(lambda: stream.done, what, self)
        except DistributedTimeoutError:
            self.comm.abort()  # frees the GPU from the kernel that waits for the lost rank
            raise

    def __repr__(self) -> str:
        return f"NcclCommunicator(rank={self.rank}, size={self.size})"
