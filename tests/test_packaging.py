"""What a fresh install shows: the wheel's licences and assets, ``python -m minitheano``, and
Theano's profile summaries at exit."""

import os
import runpy
import shutil
import subprocess
import sys
import zipfile

import numpy as np

import minitheano
import minitheano as theano
import minitheano.tensor as T
from minitheano.compile import profiling

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _run(code, env_flags=None):
    env = dict(os.environ)
    env.pop("THEANO_FLAGS", None)
    env["MINITHEANO_FLAGS"] = env_flags or ""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


def test_python_m_minitheano_reports_version_flags_blas_and_gpu(monkeypatch, capsys):
    monkeypatch.setenv("MINITHEANO_FLAGS", "floatX=float32")
    monkeypatch.setattr(minitheano.config, "floatX", "float32")
    runpy.run_module("minitheano", run_name="__main__")  # what python -m minitheano runs
    out = capsys.readouterr().out
    assert f"minitheano {minitheano.__version__}" in out
    assert "floatX=float32" in out and "MINITHEANO_FLAGS='floatX=float32'" in out
    assert "backend    cpu (NumPy)" in out
    assert "BLAS       " in out and "GPU        " in out


_PROFILED_SCRIPT = """
import numpy as np
import minitheano as theano
import minitheano.tensor as T
x = T.dvector("x")
f = theano.function([x], T.exp(x).sum(), name="f_called")
g = theano.function([x], 2 * x, name="g_never_called")
f(np.ones(3)); f(np.ones(3))
print("script done")
"""


def test_profile_flag_prints_every_called_function_at_exit():
    result = _run(_PROFILED_SCRIPT, env_flags="profile=True")
    assert result.returncode == 0, result.stderr
    assert "Function profiling: f_called" in result.stderr
    assert "calls: 2" in result.stderr
    assert "g_never_called" not in result.stderr  # as Theano: only functions that ran


def test_without_the_flag_profiles_are_not_kept_for_the_exit(monkeypatch):
    monkeypatch.setattr(profiling, "_profiles", [])
    x = T.dvector("x")
    theano.function([x], 2 * x, profile=True)(np.ones(2))
    assert profiling._profiles == []
    with theano.config.change_flags(profile=True):
        f = theano.function([x], 2 * x)
    assert profiling._profiles == [f.profile]


def test_wheel_ships_the_licences_and_the_viewer(tmp_path):
    source = tmp_path / "src"  # build from a copy: no build/ folder in the work tree
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(os.path.join(ROOT, "minitheano"), source / "minitheano", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(os.path.join(ROOT, name), source / name)
    build = "from setuptools import build_meta; print(build_meta.build_wheel(r'%s'))"
    result = subprocess.run(
        [sys.executable, "-c", build % (tmp_path / "dist")],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = zipfile.ZipFile(tmp_path / "dist" / result.stdout.strip().splitlines()[-1])
    names = set(wheel.namelist())
    info = f"minitheano-{minitheano.__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    assert f"{info}/licenses/minitheano/d3viz/vendor/LICENSE-graphviz-EPL-1.0.txt" in names
    for asset in ("viewer.html", "viewer.js", "viewer.css", "vendor/viz-global.js"):
        assert f"minitheano/d3viz/{asset}" in names
    metadata = wheel.read(f"{info}/METADATA").decode()
    assert "License-Expression: BSD-3-Clause" in metadata
