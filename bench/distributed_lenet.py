"""Benchmark: the tutorial LeNet data-parallel over 2 MPI ranks against one process, same cores.

One process with 2 threads (``threads=2``, OpenBLAS 2 threads) against ``mpiexec -n 2`` with 1
thread each (bound to one core each), on the same global minibatch of 500 synthetic MNIST-shaped
digits (float32): seconds per training step (median) and per epoch (100 steps, measured), their
ratio, and the share of the step spent in the allreduce ops (gradients, and the cost; this
includes waiting for the slower rank). Then allreduce alone, at 2 ranks: the LeNet's 431,080
float32 gradients and 10M / 100M float32 vectors, through ``minitheano.distributed``'s
communicator (the path the ops take).

    python bench/distributed_lenet.py [--steps 100] [--rounds 1] [--no-sizes]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "examples")]

BATCH = 500
N_PARAMS = 431_080  # the tutorial LeNet's parameters (nkerns 20, 50)


def worker(steps: int, sizes: bool) -> None:
    """One training run (and the allreduce timings); rank 0 prints one JSON line."""
    import numpy as np
    from convolutional_mlp import build_lenet

    import minitheano as theano
    import minitheano.distributed as dist
    import minitheano.tensor as T

    theano.config.floatX = "float32"
    world = dist.init(timeout=600)
    rng = np.random.RandomState(1234)
    n = BATCH * min(steps, 100)  # one epoch of MNIST is 100 minibatches of 500
    data_x = theano.shared(rng.rand(n, 784).astype("float32"), borrow=True)
    data_y = theano.shared(rng.randint(0, 10, n).astype("int32"), borrow=True)
    index, x, y = T.lscalar("index"), T.matrix("x"), T.ivector("y")
    layers, cost = build_lenet(
        np.random.RandomState(23455), x, y, dist.local_batch_size(BATCH), [20, 50]
    )
    params = [p for layer in layers[::-1] for p in layer.params]
    assert sum(p.get_value().size for p in params) == N_PARAMS
    dist.broadcast(params)
    grads = dist.allreduce(T.grad(cost, params), op="mean")
    train = theano.function(
        [index],
        dist.allreduce(cost, op="mean"),
        updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
        givens={x: dist.minibatch(data_x, index, BATCH), y: dist.minibatch(data_y, index, BATCH)},
        profile=True,
    )
    n_batches = n // BATCH
    for i in range(2):  # warm-up
        train(i)
    world.barrier()
    times = []
    start = time.perf_counter()
    for i in range(steps):
        t = time.perf_counter()
        train(i % n_batches)
        times.append(time.perf_counter() - t)
    epoch = (time.perf_counter() - start) * 100 / steps
    profile = train.profile
    allreduce = profile.op_time().get("AllReduce", 0.0) / profile.calls
    node_total = sum(profile.node_time.values()) / profile.calls
    result = {
        "ranks": world.size,
        "threads": theano.config.threads,
        "step_s": statistics.median(times),
        "epoch_s": epoch,
        "allreduce_in_step_s": allreduce,
        "nodes_s": node_total,
        "final_cost": float(train(0)),
    }
    if sizes and world.size > 1:
        result["allreduce_alone_s"] = {
            str(size): time_allreduce(world, size) for size in (N_PARAMS, 10**7, 10**8)
        }
    if world.rank == 0:
        print("RESULT " + json.dumps(result), flush=True)


def time_allreduce(world, size: int) -> float:
    """Median seconds of one float32 sum-allreduce of ``size`` elements (ranks in step)."""
    import numpy as np

    x = np.random.RandomState(world.rank).rand(size).astype("float32")
    reps = 20 if size < 10**6 else (6 if size < 10**8 else 3)
    times = []
    for _ in range(reps + 1):
        world.barrier()
        start = time.perf_counter()
        world.allreduce(x, "sum")
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:])


def run(command, env_threads: int, steps: int, sizes: bool) -> dict:
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS=str(env_threads),
        OMP_NUM_THREADS=str(env_threads),
        MINITHEANO_FLAGS=f"threads={env_threads}",
    )
    args = [sys.executable, os.path.abspath(__file__), "--worker", "--steps", str(steps)]
    out = subprocess.run(
        command + args + ([] if sizes else ["--no-sizes"]),
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"no result from {command}:\n{out.stdout}\n{out.stderr}")


def mpiexec() -> list:
    path = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    path = path if os.access(path, os.X_OK) else shutil.which("mpiexec")
    if path is None:
        sys.exit("no mpiexec: pip install 'minitheano[distributed]'")
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    return [path, "-n", "2", "--bind-to", "core", *root]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="timed steps per run")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds of both runs")
    parser.add_argument("--no-sizes", action="store_true", help="skip the 10M/100M allreduces")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.steps, not args.no_sizes)
    print(f"LeNet, global minibatch {BATCH}, float32, synthetic digits; {os.cpu_count()} cores")
    print("| run | s/step (median) | s/epoch (100 steps) | allreduce in step | final cost |")
    print("|---|---|---|---|---|")
    for r in range(args.rounds):
        one = run([], 2, args.steps, sizes=False)
        two = run(mpiexec(), 1, args.steps, sizes=not args.no_sizes and r == 0)
        for name, res in (("1 process x 2 threads", one), ("2 ranks x 1 thread", two)):
            share = res["allreduce_in_step_s"] / res["step_s"]
            print(
                f"| {name} | {res['step_s']:.4f} | {res['epoch_s']:.2f} | "
                f"{res['allreduce_in_step_s'] * 1e3:.2f} ms ({share:.1%}) | "
                f"{res['final_cost']:.6f} |"
            )
        print(f"ratio 2 ranks / 1 process (step): {two['step_s'] / one['step_s']:.2f}")
        for size, seconds in two.get("allreduce_alone_s", {}).items():
            mb = int(size) * 4 / 1e6
            print(
                f"allreduce alone, 2 ranks, {int(size):,} float32 ({mb:.1f} MB): "
                f"{seconds * 1e3:.2f} ms"
            )


if __name__ == "__main__":
    main()
