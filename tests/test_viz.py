"""Pictures (pydotprint, before/after, profile overlay) and the offline HTML viewer."""

import importlib
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import minitheano as theano
import minitheano.tensor as T
from minitheano.d3viz import d3viz
from minitheano.viz import GraphvizMissingError, compare_rewrites, graph_to_dot

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None,
    reason="Graphviz's dot is not installed (apt-get install graphviz)",
)


def _function(profile=False):
    x = T.dmatrix("x")
    W = theano.shared(np.ones((3, 2)), name="layer0.W")
    b = theano.shared(np.zeros(2), name="layer0.b")
    cost = T.tanh(T.dot(x, W) + b).sum()
    f = theano.function([x], cost, updates=[(W, W - 0.1 * T.grad(cost, W))], profile=profile)
    f(np.ones((4, 3)))
    return f


def test_dot_text_tells_kinds_apart_and_labels_edges_with_dtype_and_shape():
    text = graph_to_dot(_function())
    assert 'fillcolor="green"' in text and 'fillcolor="cyan"' in text  # input, shared
    assert 'fillcolor="dodgerblue"' in text and 'fillcolor="grey80"' in text  # output, const
    assert "style=dashed" in text and 'label="update"' in text
    assert "float64 (4, 3)" in text  # the shape seen at run time
    assert "layer0.W" in text and "subgraph cluster_" in text  # named layer grouped


def test_static_shapes_before_any_call():
    x = T.dmatrix("x")
    text = graph_to_dot(T.exp(x).sum())
    assert "float64 (?, ?)" in text


@needs_dot
def test_pydotprint_writes_valid_svg_and_png(tmp_path, capsys):
    f = _function()
    svg_path, png_path = tmp_path / "g.svg", tmp_path / "g.png"
    theano.printing.pydotprint(f, outfile=str(svg_path), format="svg")
    assert "The output file is available at" in capsys.readouterr().out
    root = ET.parse(svg_path).getroot()
    assert root.tag.endswith("svg")
    texts = "".join(root.itertext())
    assert "Dot" in texts and "layer0.W" in texts
    theano.printing.pydotprint(f, outfile=str(png_path), print_output_file=False)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = theano.printing.pydotprint(f, format="svg", return_image=True)
    assert image.startswith(b"<?xml")


@needs_dot
def test_profile_overlay_and_before_after_view(tmp_path):
    f = _function(profile=True)
    text = graph_to_dot(f)
    assert re.search(r"\d+\.\d\d ms \(\d+\.\d%\)", text) and "#ff" in text  # heat colours
    path = compare_rewrites(f, str(tmp_path / "cmp.svg"))
    texts = "".join(ET.parse(path).getroot().itertext())
    assert "as written:" in texts and "compiled:" in texts and "fuse_elemwise" in texts


def test_missing_dot_gives_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(GraphvizMissingError, match="apt-get install graphviz"):
        theano.printing.pydotprint(_function(), return_image=True)


@needs_dot
def test_d3viz_page_is_self_contained(tmp_path):
    path = d3viz(_function(), str(tmp_path / "graph.html"))
    page = open(path, encoding="utf-8").read()
    assert "<svg" in page and 'id="meta"' in page
    # the only URL is the SVG namespace name, which is never fetched
    assert set(re.findall(r"https?://[^\"' )>]+", page)) <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


@pytest.mark.browser
@needs_dot
@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_d3viz_page_loads_in_a_real_browser(tmp_path):
    path = d3viz(_function(), str(tmp_path / "graph.html"))
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--virtual-time-budget=3000",
    ]
    dom = subprocess.run(
        [_chromium(), *flags, "--dump-dom", f"file://{path}"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-status="ok"' in body  # the script ran without any error
    n_nodes = int(re.search(r'data-nodes="(\d+)"', body).group(1))
    assert n_nodes >= 10
    shot = tmp_path / "shot.png"
    subprocess.run(
        [_chromium(), *flags, "--window-size=1000,700", f"--screenshot={shot}", f"file://{path}"],
        capture_output=True,
        timeout=120,
    )
    assert os.path.getsize(shot) > 10_000


def _failing_render(*args, **kwargs):
    raise RuntimeError("dot crashed")


@pytest.mark.parametrize("existing", [None, "the previous page"])
def test_d3viz_failure_leaves_no_file_or_the_previous_one(tmp_path, monkeypatch, existing):
    import minitheano.d3viz

    path = tmp_path / "graph.html"
    if existing is not None:
        path.write_text(existing)
    monkeypatch.setattr(minitheano.d3viz, "render", _failing_render)
    with pytest.raises(RuntimeError, match="dot crashed"):
        d3viz(_function(), str(path))
    assert (path.read_text() if path.exists() else None) == existing
    assert [p.name for p in tmp_path.iterdir()] == ([] if existing is None else ["graph.html"])


@pytest.mark.parametrize("writer", ["pydotprint", "compare_rewrites", "d3viz"])
def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path, monkeypatch, writer
):
    for name in ("minitheano.d3viz", "minitheano.viz.compare", "minitheano.viz.render"):
        # (the package's ``render`` function hides its module of that name: import by path)
        module = importlib.import_module(name)
        monkeypatch.setattr(module, "render", lambda *a, **k: b"<svg>new</svg>")
    path = tmp_path / "graph.out"
    path.write_text("old")

    def failing_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    write = {
        "pydotprint": lambda: theano.printing.pydotprint(
            _function(), outfile=str(path), print_output_file=False
        ),
        "compare_rewrites": lambda: compare_rewrites(_function(), str(path)),
        "d3viz": lambda: d3viz(_function(), str(path)),
    }[writer]
    with pytest.raises(OSError, match="disk full"):
        write()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.out"]
