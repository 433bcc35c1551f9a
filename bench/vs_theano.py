"""minitheano against real Theano 1.0.5: each workload of ``theano_workloads.py`` in
interleaved processes (minitheano, Theano, minitheano, ...) so machine drift hits both.

    python bench/vs_theano.py [--rounds 3] [--workloads call mlp ca unrolled unrolled_grad]
        [--theano-python PATH]

Theano 1.0.5 lives in its own virtual environment (``theano==1.0.5 numpy==1.23.5
'scipy<1.12' six``, Debian's ``libopenblas-dev`` and ``g++``); its interpreter is
``--theano-python`` or ``$THEANO_PYTHON``. It runs with its C backend and
``blas.ldflags=-lopenblas`` (its compile cache warmed by an untimed first run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = {"unrolled": [1000, 2000], "unrolled_grad": [300]}


def run(python, lib, workload, n, env):
    out = subprocess.run(
        [python, os.path.join(HERE, "theano_workloads.py"), "--lib", lib, workload, "--n", str(n)],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
    )
    line = [x for x in out.stdout.splitlines() if x.startswith("RESULT")]
    if out.returncode or not line:
        raise RuntimeError(f"{lib} {workload} failed:\n{out.stderr[-2000:]}")
    return float(line[-1].split("seconds=")[1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workloads",
        nargs="+",
        default=["call", "logreg", "mlp", "da", "ca", "unrolled", "unrolled_grad"],
    )
    parser.add_argument("--theano-python", default=os.environ.get("THEANO_PYTHON"))
    args = parser.parse_args(argv)
    if not args.theano_python:
        sys.exit("give --theano-python or THEANO_PYTHON: the interpreter of a Theano 1.0.5 venv")
    theano_env = dict(os.environ)
    theano_env["THEANO_FLAGS"] = "blas.ldflags=-lopenblas," + theano_env.get("THEANO_FLAGS", "")
    ours_env = dict(os.environ)
    print("| workload | Theano 1.0.5 | minitheano | ratio (median; range) |")
    print("|---|---|---|---|")
    for workload in args.workloads:
        for n in SIZES.get(workload, [0]):
            # compiles cost minutes under Theano: one round; and warm its cache first
            rounds = 1 if workload.startswith("unrolled") else args.rounds
            if not workload.startswith("unrolled"):
                run(args.theano_python, "theano", workload, n, theano_env)
            theirs, ours = [], []
            for _ in range(rounds):
                ours.append(run(sys.executable, "minitheano", workload, n, ours_env))
                theirs.append(run(args.theano_python, "theano", workload, n, theano_env))
            ratios = [o / t for o, t in zip(ours, theirs)]
            label = f"{workload} N={n}" if n else workload
            print(
                f"| {label} | {_fmt(statistics.median(theirs))} | {_fmt(statistics.median(ours))} "
                f"| {statistics.median(ratios):.3g}x ({min(ratios):.3g}-{max(ratios):.3g}) |",
                flush=True,
            )


def _fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
