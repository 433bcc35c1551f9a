"""What tests/test_distributed.py runs under mpiexec: ``python tests/mpi_worker.py SCENARIO``.

``checks`` runs every check and prints ``rank R ok NAME`` after each; the other scenarios make a
rank fail on purpose (``raise``, ``die``, ``leave``) to see that all ranks stop.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "examples")]

import minitheano as theano  # noqa: E402
import minitheano.distributed as dist  # noqa: E402
import minitheano.tensor as T  # noqa: E402
from minitheano import backend  # noqa: E402


def ok(name: str) -> None:
    print(f"rank {dist.rank()} ok {name}", flush=True)


def per_rank(shape, dtype="float64", seed=0):
    """Distinct values on each rank (and a copy of every rank's, to compute expectations)."""
    values = [
        np.random.RandomState(seed * 100 + r).uniform(-2, 2, shape).astype(dtype)
        for r in range(dist.size())
    ]
    return values[dist.rank()], values


# --- collectives --------------------------------------------------------------------------------


def check_allreduce_values():
    for dtype in ("float64", "float32", "float16", "int32", "int64"):
        mine, every = per_rank((3, 4), dtype if dtype.startswith("float") else "float64", seed=1)
        mine, every = mine.astype(dtype), [v.astype(dtype) for v in every]
        x = T.tensor(dtype, (False, False), name="x")
        ops = ("sum", "max", "mean") if dtype.startswith("float") else ("sum", "max")
        f = theano.function([x], [dist.allreduce(x, op) for op in ops])
        expected = {"sum": np.sum(every, 0), "max": np.max(every, 0), "mean": np.mean(every, 0)}
        for op, got in zip(ops, f(mine)):
            assert got.dtype == dtype, (op, got.dtype)
            rtol = 1e-3 if dtype == "float16" else 1e-6
            np.testing.assert_allclose(got, expected[op].astype(dtype), rtol=rtol, err_msg=op)
    # several inputs of two dtypes: one op, one message per dtype
    a, b, c = T.dmatrix("a"), T.fvector("b"), T.dscalar("c")
    outs = dist.allreduce([a, b, c], op="sum")
    f = theano.function([a, b, c], outs)
    assert sum(str(s.node.op) == "AllReduce{sum}" for s in f.program.steps) == 1
    (va, ea), (vb, eb), (vc, ec) = (
        per_rank((2, 3), seed=2),
        per_rank(5, "float32", seed=3),
        per_rank((), seed=4),
    )
    for got, every in zip(f(va, vb, vc), (ea, eb, ec)):
        np.testing.assert_allclose(got, np.sum(every, 0), rtol=1e-6)
    ok("allreduce_values")


def check_allgather_values():
    for shape in ((), (2,), (3, 2)):
        mine, every = per_rank(shape, seed=5)
        x = T.tensor("float64", (False,) * len(shape), name="x")
        y = dist.allgather(x)
        f = theano.function([x], [y, y.shape])
        got, got_shape = f(mine)
        expected = np.stack(every) if shape == () else np.concatenate(every)
        np.testing.assert_array_equal(got, expected)
        assert tuple(got_shape) == expected.shape
    ok("allgather_values")


def cross_rank_gradient_check(build, shape, seed, out_shape=None):
    """T.grad of each rank's cost is the gradient of the sum of every rank's cost: compare it
    with finite differences of that sum, all ranks moving along random directions at once."""
    world = dist.world()
    x = T.dvector("x")
    weights, _ = per_rank(out_shape or shape, seed=seed + 1)
    cost = (T.constant(weights) * T.tanh(build(x))).sum()
    f = theano.function([x], [cost, T.grad(cost, x)])
    x0, _ = per_rank(shape, seed=seed)
    direction, _ = per_rank(shape, seed=seed + 2)

    def total(v):
        return float(world.allreduce(np.asarray(f(v)[0]), "sum"))

    eps = 1e-6
    numeric = (total(x0 + eps * direction) - total(x0 - eps * direction)) / (2 * eps)
    analytic = float(world.allreduce(np.asarray(f(x0)[1] @ direction), "sum"))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)


def check_gradients():
    cross_rank_gradient_check(lambda x: dist.allreduce(x * x, "sum"), 4, seed=10)
    cross_rank_gradient_check(lambda x: dist.allreduce(T.sin(x), "mean"), 4, seed=20)
    cross_rank_gradient_check(lambda x: dist.allreduce(x, "max") * 2, 4, seed=30)
    cross_rank_gradient_check(lambda x: dist.allgather(x * 3)[1:], 3, seed=40, out_shape=5)
    cross_rank_gradient_check(
        lambda x: T.concatenate(dist.allreduce([x, x[:2] ** 2], "mean")), 3, seed=50, out_shape=5
    )
    ok("gradients")


def check_broadcast():
    w = theano.shared(np.full((3, 4), float(dist.rank())), name="W")
    b = theano.shared(np.arange(2, dtype="int32") + dist.rank(), name="b")
    dist.broadcast([w, b])
    np.testing.assert_array_equal(w.get_value(), np.zeros((3, 4)))
    np.testing.assert_array_equal(b.get_value(), np.arange(2))
    bad = theano.shared(np.zeros((3, 4 + dist.rank())), name="W_bad")
    try:
        dist.broadcast([b, bad])
    except ValueError as exc:
        print(f"rank {dist.rank()} broadcast error: {exc}", flush=True)
    else:
        raise AssertionError("broadcast accepted different shapes")
    ok("broadcast")


def check_shape_mismatch_at_run_time():
    x = T.dvector("x")
    f = theano.function([x], dist.allreduce(x))
    try:
        f(np.zeros(3 + dist.rank()))
    except ValueError as exc:
        print(f"rank {dist.rank()} allreduce error: {exc}".splitlines()[0], flush=True)
    else:
        raise AssertionError("allreduce accepted different shapes")
    ok("shape_mismatch")


def check_different_collectives():
    x = T.dvector("x")
    f = theano.function([x], dist.allreduce(x, "mean") if dist.rank() == 0 else dist.allgather(x))
    try:
        f(np.zeros(3))
    except dist.DistributedError as exc:
        print(f"rank {dist.rank()} order error: {exc}".splitlines()[0], flush=True)
    else:
        raise AssertionError("ranks ran different collectives unnoticed")
    ok("different_collectives")


# --- data parallelism ---------------------------------------------------------------------------


def sgd_run(build, data_x, data_y, batch, steps, distributed):
    """Costs and final parameters of ``steps`` SGD steps of the model ``build`` makes."""
    index = T.lscalar("index")
    x, y = T.matrix("x"), T.ivector("y")
    params, cost = build(x, y, dist.local_batch_size(batch) if distributed else batch)
    grads = T.grad(cost, params)
    if distributed:
        dist.broadcast(params)
        grads = dist.allreduce(grads, op="mean")
        cost = dist.allreduce(cost, op="mean")
        givens = {
            x: dist.minibatch(data_x, index, batch),
            y: dist.minibatch(data_y, index, batch),
        }
    else:
        givens = {
            x: data_x[index * batch : (index + 1) * batch],
            y: data_y[index * batch : (index + 1) * batch],
        }
    train = theano.function(
        [index], cost, updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)], givens=givens
    )
    costs = [float(train(i)) for i in range(steps)]
    return costs, [p.get_value() for p in params]


def build_mlp(x, y, batch):
    from mlp import MLP

    model = MLP(np.random.RandomState(1234), x, 784, 30, 10)
    return model.params, model.negative_log_likelihood(y) + 1e-4 * model.L2_sqr


def build_small_lenet(x, y, batch):
    import convolutional_mlp

    layers, cost = convolutional_mlp.build_lenet(np.random.RandomState(23455), x, y, batch, [4, 6])
    layers[3].W.set_value(
        np.random.RandomState(0).uniform(-0.1, 0.1, (500, 10)).astype(theano.config.floatX)
    )
    return layers[3].params + layers[2].params + layers[1].params + layers[0].params, cost


def check_sgd_matches_one_process(name, build, floatX, batch, steps, rtol):
    theano.config.floatX = floatX
    rng = np.random.RandomState(7)
    data_x = theano.shared(rng.rand(batch * steps, 784).astype(floatX))
    data_y = theano.shared(rng.randint(0, 10, batch * steps).astype("int32"))
    # every rank also runs the single-process reference (whole minibatches, no collective)
    alone, alone_params = sgd_run(build, data_x, data_y, batch, steps, distributed=False)
    together, together_params = sgd_run(build, data_x, data_y, batch, steps, distributed=True)
    np.testing.assert_allclose(together, alone, rtol=rtol)
    assert len(set(together)) == steps  # (different minibatches, parameters that move)
    for a, b in zip(together_params, alone_params):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    print(f"rank {dist.rank()} {name} costs {together}", flush=True)
    ok(name)


# --- the GPU code path, with NumPy standing in for CuPy and MPI for NCCL ------------------------


class _DeviceArray(np.ndarray):
    """A NumPy array with CuPy's ``.data.ptr``."""

    @property
    def data(self):
        return types.SimpleNamespace(ptr=self.ctypes.data)


def _at(ptr, count, dtype):
    dtype = np.dtype(dtype)
    return np.frombuffer((ctypes.c_char * (count * dtype.itemsize)).from_address(ptr), dtype)


def fake_cupy(mpi_comm):
    """NumPy under another name (as tests/backends.py) plus ``cuda.nccl`` done with MPI."""
    from mpi4py import MPI

    from tests.backends import _NumpyAsDevice

    types_ = {1: "int8", 2: "uint8", 5: "int32", 6: "uint32", 7: "int64", 8: "uint64"}
    types_.update({3: "float16", 9: "float32", 10: "float64"})
    ops = {0: MPI.SUM, 1: MPI.MAX}
    used = []

    class Communicator:
        def __init__(self, ndev, unique_id, rank):
            assert (ndev, rank, unique_id) == (mpi_comm.size, mpi_comm.rank, tuple(range(128)))

        def allReduce(self, send, recv, count, datatype, op, stream):
            assert stream == 1234
            used.append("allReduce")
            dtype = types_[datatype]
            mpi_comm.Allreduce(_at(send, count, dtype), _at(recv, count, dtype), ops[op])

        def allGather(self, send, recv, count, datatype, stream):
            used.append("allGather")
            n = count * mpi_comm.size
            mpi_comm.Allgather(_at(send, count, types_[datatype]), _at(recv, n, types_[datatype]))

        def broadcast(self, send, recv, count, datatype, root, stream):
            used.append("broadcast")
            out = _at(recv, count, types_[datatype])
            out[:] = _at(send, count, types_[datatype])
            mpi_comm.Bcast(out, root)

        def abort(self):
            pass

    nccl = types.SimpleNamespace(
        get_unique_id=lambda: tuple(range(128)), NcclCommunicator=Communicator, NCCL_SUM=0
    )
    nccl.NCCL_MAX = 1
    for code, dtype in types_.items():
        setattr(nccl, "NCCL_" + dtype.upper(), code)
    stream = types.SimpleNamespace(ptr=1234, done=True)
    devices = []
    cuda = types.SimpleNamespace(
        nccl=nccl,
        get_current_stream=lambda: stream,
        runtime=types.SimpleNamespace(getDeviceCount=lambda: 1),
        Device=lambda i: types.SimpleNamespace(use=lambda: devices.append(i)),
    )

    class FakeCupy(_NumpyAsDevice):
        def ascontiguousarray(self, a, dtype=None):
            return np.ascontiguousarray(a, dtype).view(_DeviceArray)

        def empty(self, shape, dtype=float):
            return np.empty(shape, dtype).view(_DeviceArray)

        def empty_like(self, a):
            return np.empty_like(a).view(_DeviceArray)

    xp = FakeCupy("fake_cupy")
    xp.cuda, xp.used, xp.devices = cuda, used, devices
    return xp


def check_device_path():
    world = dist.world()
    xp = fake_cupy(world.data)
    backend._cuda_backend = backend.Backend("cuda", xp)
    theano.config.device = "cuda"
    try:
        assert backend.use_local_gpu(world.local_rank) == 0 and xp.devices == [0]
        x = T.fmatrix("x")
        f = theano.function(
            [x],
            [dist.allreduce(x, "sum"), dist.allreduce(x, "mean"), dist.allreduce(x, "max")]
            + [dist.allgather(x)],
        )
        mine, every = per_rank((2, 3), "float32", seed=60)
        got = f(mine)
        for value, expected in zip(
            got, (np.sum(every, 0), np.mean(every, 0), np.max(every, 0), np.concatenate(every))
        ):
            np.testing.assert_allclose(value, expected, rtol=1e-6)
        assert backend.collectives(xp).kind == "nccl"
        w = theano.shared(np.full(3, float(dist.rank())), name="w")
        dist.broadcast(w)
        assert (w.get_value() == 0).all()
        assert {"allReduce", "allGather"} <= set(xp.used)
        np.testing.assert_array_equal(world.allreduce(np.array([1.0]), "sum"), [world.size])
        bcast = backend.collectives(xp).bcast(np.arange(4.0) + dist.rank(), root=1)
        np.testing.assert_array_equal(bcast, np.arange(4.0) + 1)
        calls = len(xp.used)
        check_sgd_matches_one_process(
            "device_path_sgd", build_mlp, "float64", batch=20, steps=3, rtol=1e-10
        )
        assert len(xp.used) >= calls + 2 * 3  # the cost's and the gradients' allreduce per step
    finally:
        theano.config.device = "cpu"
    ok("device_path")


# --- scenarios ----------------------------------------------------------------------------------


def checks():
    world = dist.init(timeout=60)
    assert world.size == 2 and world.rank in (0, 1) and world.kind == "mpi", world
    ok("world")
    check_allreduce_values()
    check_allgather_values()
    check_gradients()
    check_broadcast()
    check_shape_mismatch_at_run_time()
    check_different_collectives()
    check_sgd_matches_one_process("sgd_mlp", build_mlp, "float64", batch=20, steps=5, rtol=1e-10)
    check_sgd_matches_one_process(
        "sgd_lenet", build_small_lenet, "float32", batch=20, steps=3, rtol=2e-4
    )
    check_device_path()


def failing(how: str):
    dist.init(timeout=2 if how == "leave" else 60)
    x = T.dvector("x")
    f = theano.function([x], dist.allreduce(x))
    f(np.ones(2))  # everyone is up
    if dist.rank() == 1:
        print(f"rank 1 is about to {how}", flush=True)
        if how == "raise":
            raise ValueError("rank 1 fails on purpose")
        if how == "die":
            os._exit(3)
        if how == "leave":
            sys.exit(0)  # leaves early and quietly: rank 0 would wait for it forever
    start = time.monotonic()
    f(np.ones(2))
    print(f"rank {dist.rank()} should not get here ({time.monotonic() - start:.1f} s)")


if __name__ == "__main__":
    scenario = sys.argv[1]
    checks() if scenario == "checks" else failing(scenario)
