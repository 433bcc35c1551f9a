"""``d3viz``: an interactive HTML view of a graph that works offline (Theano's ``theano.d3viz``).

The page holds the graph's model (``minitheano.viz.graph_model``) and lays it out in the
browser with Viz.js, Graphviz compiled to WebAssembly, vendored in ``vendor/`` with its
licences: no Graphviz installation and no network are needed. Drag or scroll to move,
Ctrl+wheel to zoom, search nodes by name, click a node for its op, type, shape, source line and
time, click a group (a layer, an inner graph) to collapse it.

    from minitheano.d3viz import d3viz
    d3viz(f, "out/graph.html")      # writes out/graph.html and out/js/viz-global.js
"""

from __future__ import annotations

import html
import json
import os
import pathlib
import re

from ..viz.dot import graph_to_dot
from ..viz.model import DotOptions, graph_model
from ..viz.render import write_atomically

VIZ_JS_VERSION = "3.31.0"  # @viz-js/viz; see vendor/README.md
_HERE = os.path.dirname(os.path.abspath(__file__))
VIZ_JS = os.path.join(_HERE, "vendor", "viz-global.js")
DEPS_FOLDER = "js"  # copy_deps=True puts viz-global.js in this folder beside the page


def _asset(name: str) -> str:
    with open(os.path.join(_HERE, name), encoding="utf-8") as f:
        return f.read()


def viewer_page(fct, title: str, viz_js_src: str, compact: bool = True) -> str:
    """The viewer's HTML for ``fct``, loading Viz.js from ``viz_js_src`` (a URL)."""
    from .. import __version__

    model = graph_model(fct, DotOptions(compact=compact, light=True))
    n_apply = sum(1 for n in model.nodes if n["kind"] == "apply")
    summary = f"{n_apply} apply nodes, {len(model.nodes) - n_apply} variables."
    if model.profiled:
        summary += " Times from the function's profile."
    values = {
        "VERSION": __version__,
        "TITLE": html.escape(title),
        "STYLE": _asset("viewer.css"),
        "SUMMARY": html.escape(summary),
        # '<' escaped so that no name in the graph can close the script element
        "MODEL": json.dumps(model.to_json()).replace("<", "\\u003c"),
        "VIZ_JS": html.escape(viz_js_src, quote=True),
        "SCRIPT": _asset("viewer.js"),
    }
    return re.sub(r"%%(\w+)%%", lambda m: values[m.group(1)], _asset("viewer.html"))


def _copy_viz_js(folder: str) -> None:
    target = os.path.join(folder, DEPS_FOLDER, "viz-global.js")
    with open(VIZ_JS, "rb") as f:
        data = f.read()
    if os.path.isfile(target):
        with open(target, "rb") as f:
            if f.read() == data:
                return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    write_atomically(target, data)


def d3viz(
    fct,
    outfile: str,
    copy_deps: bool = True,
    *,
    match_version: bool = False,
    title: str | None = None,
    compact: bool = True,
) -> str:
    """Write an interactive HTML view of ``fct`` (a function or variables) to ``outfile``.

    ``copy_deps=True`` copies the viewer's Graphviz (``viz-global.js``, 1.3 MB) into a ``js``
    folder beside the page, so the folder can be moved or shared as a whole; ``False`` makes
    the page load it from the installed package. ``match_version`` is accepted for
    compatibility and changes nothing. Returns ``outfile``.

    >>> d3viz(f, "out/graph.html")  # doctest: +SKIP
    """
    del match_version
    folder = os.path.dirname(os.path.abspath(outfile))
    if copy_deps:
        src = f"{DEPS_FOLDER}/viz-global.js"
    else:
        src = pathlib.Path(VIZ_JS).as_uri()
    # build the page first: a failure must not leave an empty or partial page behind
    page = viewer_page(fct, title or "minitheano graph", src, compact=compact)
    os.makedirs(folder, exist_ok=True)
    if copy_deps:
        _copy_viz_js(folder)
    write_atomically(outfile, page.encode("utf-8"))
    return outfile


def d3write(fct, path: str) -> str:
    """Write the DOT text of ``fct`` to ``path`` (Theano's ``d3write``); returns ``path``."""
    write_atomically(path, graph_to_dot(fct).encode("utf-8"))
    return path
