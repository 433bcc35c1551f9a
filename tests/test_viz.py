"""Pictures (pydotprint, before/after, profile overlay) and the offline HTML viewer."""

import importlib
import json
import os
import re
import shutil
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import numpy as np
import pytest

import minitheano as theano
import minitheano.d3viz
import minitheano.tensor as T
from minitheano.d3viz import d3viz
from minitheano.graph import Apply
from minitheano.op import Op
from minitheano.viz import (
    DotOptions,
    GraphvizMissingError,
    compare_rewrites,
    graph_model,
    graph_to_dot,
)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import headless_chromium  # noqa: E402

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
    assert graph_to_dot(T.exp(x).owner) == graph_to_dot(T.exp(x))  # an Apply, as Theano's


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


def _page_model(page: str) -> dict:
    text = re.search(r'<script type="application/json" id="model">(.*?)</script>', page, re.S)
    return json.loads(text.group(1))


def test_d3viz_needs_no_dot_and_loads_only_the_graphviz_beside_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no Graphviz program anywhere
    path = d3viz(_function(profile=True), str(tmp_path / "graph.html"))
    page = open(path, encoding="utf-8").read()
    copied = tmp_path / "js" / "viz-global.js"
    assert copied.read_bytes() == open(minitheano.d3viz.VIZ_JS, "rb").read()
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", page) == ["js/viz-global.js"]
    assert not re.findall(r"https?://", page) and "<link" not in page
    model = _page_model(page)
    assert model["profiled"] and any(n["info"].get("time_ms") for n in model["nodes"])
    assert {g["label"] for g in model["groups"]} == {"layer0"}


def test_d3viz_without_copy_deps_references_the_installed_file(tmp_path):
    path = d3viz(_function(), str(tmp_path / "graph.html"), copy_deps=False)
    src = re.search(r"<script[^>]*src=\"([^\"]+)\"", open(path).read()).group(1)
    assert src.startswith("file://") and os.path.isfile(src[len("file://") :])
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_vendored_graphviz_keeps_its_licences_and_version():
    folder = os.path.dirname(minitheano.d3viz.VIZ_JS)
    readme = open(os.path.join(folder, "README.md")).read()
    assert minitheano.d3viz.VIZ_JS_VERSION in readme
    assert (
        open(minitheano.d3viz.VIZ_JS)
        .read(200)
        .startswith(f"/*!\nViz.js {minitheano.d3viz.VIZ_JS_VERSION}")
    )
    for name in ("viz-js-MIT", "graphviz-EPL-1.0", "expat-MIT"):
        assert os.path.getsize(os.path.join(folder, f"LICENSE-{name}.txt")) > 500


@dataclass(frozen=True)
class _Loop(Op):
    """A stand-in for scan: an op that holds an inner graph."""

    inner_inputs: tuple
    inner_outputs: tuple

    def make_node(self, x):
        return Apply(self, [x], [x.type()])


@dataclass(frozen=True)
class _Body:
    inputs: tuple
    outputs: tuple


@dataclass(frozen=True)
class _Scan(Op):
    """The other spelling: an ``inner`` object with ``inputs`` and ``outputs``, as Scan's."""

    inner: _Body

    def make_node(self, x):
        return Apply(self, [x], [x.type()])


@pytest.mark.parametrize("spelling", ["inner_inputs", "inner"])
def test_ops_with_an_inner_graph_get_a_box_of_their_own(spelling):
    h = T.dvector("h")
    step = T.tanh(h * 2)
    x = T.dvector("x")
    op = _Loop((h,), (step,)) if spelling == "inner_inputs" else _Scan(_Body((h,), (step,)))
    out = op(x)
    model = graph_model(out.sum())
    (inner,) = [g for g in model.groups if g["kind"] == "inner"]
    assert inner["label"] == f"inner graph of {type(op).__name__}"
    members = [n for n in model.nodes if n["group"] == inner["id"]]
    assert {n["kind"] for n in members} >= {"inner input", "apply"}
    assert any(e.get("label") == "inner" and e.get("style") == "dotted" for e in model.edges)
    assert "style=dashed" in graph_to_dot(out.sum())  # the inner box in pictures too
    assert "inner graph" not in graph_to_dot(out.sum(), DotOptions(inner_graphs=False))


_chromium = headless_chromium.find_chromium


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_d3viz_page_draws_every_node_readably_in_a_real_browser(tmp_path, monkeypatch):
    with monkeypatch.context() as m:  # the page lays itself out: no dot on PATH, ever
        m.setenv("PATH", str(tmp_path / "empty"))
        path = d3viz(_function(profile=True), str(tmp_path / "graph.html"))
    assert shutil.which("dot", path=str(tmp_path / "empty")) is None
    shot = tmp_path / "shot.png"
    search = "document.body.dataset.matches"
    typing = (  # type "Dot" in the search box, as a reader would
        "(function (box) { box.value = 'Dot'; box.dispatchEvent(new Event('input')); "
        "return document.querySelectorAll('g.node.match').length; })"
        "(document.getElementById('search'))"
    )
    click = (
        "document.querySelector('{}').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))"
    )
    drawn = "document.querySelectorAll('#canvas g.node').length"
    toggles = [click.format("g.cluster"), drawn, click.format("g.node[id^=g]"), drawn]
    page = headless_chromium.load_page(
        path,
        screenshot=str(shot),
        width=1000,
        height=700,
        then=[search, typing, search, *toggles],
    )
    assert page.status == "ok" and page.errors == []
    assert int(page.dataset["nodes"]) == int(page.dataset["expected"]) >= 15
    assert float(page.dataset["fontPx"]) >= 9  # labels readable at the first zoom
    assert int(page.dataset["profileRows"]) >= 5
    image = pytest.importorskip("matplotlib.image").imread(str(shot))[
        :, :600, :3
    ]  # the graph's side of the page
    assert image.shape[0] == 700 and (image.mean(axis=2) < 0.3).mean() > 0.005  # dark text
    before, marked, after, _, collapsed, _, expanded = page.results
    assert before == "0" and marked == int(after) >= 2  # the two Dot nodes, marked
    n_nodes = int(page.dataset["nodes"])
    assert collapsed < n_nodes and expanded == n_nodes  # the layer0 box folds into one node


@pytest.mark.browser
@pytest.mark.skipif(_chromium() is None, reason="no headless Chromium (apt-get install chromium)")
def test_d3viz_page_says_when_its_graphviz_is_missing(tmp_path):
    path = d3viz(_function(), str(tmp_path / "graph.html"))
    os.remove(tmp_path / "js" / "viz-global.js")
    page = headless_chromium.load_page(path)
    assert page.status.startswith("error: the Graphviz script js/viz-global.js did not load")


def _failing_model(*args, **kwargs):
    raise RuntimeError("model crashed")


@pytest.mark.parametrize("existing", [None, "the previous page"])
def test_d3viz_failure_leaves_no_file_or_the_previous_one(tmp_path, monkeypatch, existing):
    import minitheano.d3viz

    path = tmp_path / "graph.html"
    if existing is not None:
        path.write_text(existing)
    monkeypatch.setattr(minitheano.d3viz, "graph_model", _failing_model)
    with pytest.raises(RuntimeError, match="model crashed"):
        d3viz(_function(), str(path))
    assert (path.read_text() if path.exists() else None) == existing
    assert [p.name for p in tmp_path.iterdir()] == ([] if existing is None else ["graph.html"])


@pytest.mark.parametrize("writer", ["pydotprint", "compare_rewrites", "d3viz"])
def test_failed_write_keeps_the_previous_file_and_leaves_no_temporary(
    tmp_path, monkeypatch, writer
):
    for name in ("minitheano.viz.compare", "minitheano.viz.render"):
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
        "d3viz": lambda: d3viz(_function(), str(path), copy_deps=False),
    }[writer]
    with pytest.raises(OSError, match="disk full"):
        write()
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.out"]
