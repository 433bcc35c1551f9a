"""``d3viz``: an offline, interactive HTML view of a graph (Theano's ``theano.d3viz`` name).

Graphviz lays the graph out as SVG; the page inlines that SVG, a table of node details and a
small script: drag to pan, wheel to zoom, click a node for its op, type, shape and source line,
click a group's label to collapse or expand it. The page references nothing outside itself.
"""

from __future__ import annotations

import html
import json
import re

from ..viz.dot import DotOptions, graph_to_dot
from ..viz.render import render, write_atomically

_SCRIPT = r"""
(function () {
  "use strict";
  var body = document.body;
  window.addEventListener("error", function (e) { body.dataset.status = "error: " + e.message; });
  var meta = JSON.parse(document.getElementById("meta").textContent);
  var svg = document.querySelector("#canvas svg");
  var info = document.getElementById("info");
  var view = {x: 0, y: 0, k: 1};
  var root = svg.querySelector("g");
  svg.removeAttribute("width"); svg.removeAttribute("height");
  function apply() {
    root.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" +
                      view.k + ") " +
                      root.dataset.base);
  }
  root.dataset.base = root.getAttribute("transform") || "";
  var drag = null;
  svg.addEventListener("mousedown", function (e) {
    drag = {x: e.clientX - view.x, y: e.clientY - view.y};
  });
  window.addEventListener("mouseup", function () { drag = null; });
  window.addEventListener("mousemove", function (e) {
    if (drag) { view.x = e.clientX - drag.x; view.y = e.clientY - drag.y; apply(); }
  });
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    view.k *= e.deltaY < 0 ? 1.15 : 1 / 1.15; apply();
  }, {passive: false});
  function show(id) {
    var m = meta[id]; if (!m) { return; }
    var rows = Object.keys(m).filter(function (k) { return m[k] !== null; }).map(function (k) {
      return "<tr><th>" + k + "</th><td>" + String(m[k]).replace(/</g, "&lt;") + "</td></tr>";
    });
    info.innerHTML = "<table>" + rows.join("") + "</table>";
  }
  var nodes = svg.querySelectorAll("g.node");
  nodes.forEach(function (g) {
    g.style.cursor = "pointer";
    g.addEventListener("click", function (e) { e.stopPropagation(); show(g.id); });
  });
  svg.querySelectorAll("g.cluster").forEach(function (c) {
    var name = c.id.replace(/^cluster_/, "");
    c.style.cursor = "pointer";
    c.addEventListener("click", function () {
      var hidden = c.classList.toggle("collapsed");
      nodes.forEach(function (g) {
        if (meta[g.id] && meta[g.id].group === name) { g.style.display = hidden ? "none" : ""; }
      });
    });
  });
  body.dataset.nodes = String(nodes.length);
  if (!body.dataset.status) { body.dataset.status = "ok"; }
})();
"""

_STYLE = """
body { margin: 0; font-family: Helvetica, Arial, sans-serif; display: flex; height: 100vh; }
#canvas { flex: 1; overflow: hidden; background: #fafafa; }
#canvas svg { width: 100%; height: 100%; }
#side { width: 320px; padding: 12px; border-left: 1px solid #ccc; overflow: auto;
        font-size: 13px; }
#side th { text-align: left; padding-right: 8px; vertical-align: top; }
g.cluster.collapsed polygon, g.cluster.collapsed path { fill: #ddd; }
"""


def d3viz_html(fct, title: str = "minitheano graph") -> str:
    """The self-contained HTML page for a compiled function or variables."""
    meta: dict = {}
    dot_text = graph_to_dot(fct, DotOptions(), meta=meta)
    svg = render(dot_text, format="svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]  # drop the XML prologue and DOCTYPE (no external DTD)
    svg = re.sub(r"xmlns:xlink=\"[^\"]*\"", "", svg)
    n_nodes = sum(1 for m in meta.values() if m["kind"] == "apply")
    meta_json = json.dumps(meta).replace("</", "<\\/")  # cannot close the script tag
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<div id="canvas">{svg}</div>
<div id="side"><h3>{html.escape(title)}</h3>
<p>{n_nodes} apply nodes. Drag to pan, scroll to zoom, click a node for details, click a
group to collapse it.</p><div id="info"></div></div>
<script type="application/json" id="meta">{meta_json}</script>
<script>{_SCRIPT}</script>
</body></html>
"""


def d3viz(fct, outfile: str, title: str | None = None) -> str:
    """Write an offline, interactive HTML view of ``fct`` (a function or variables) to
    ``outfile``; returns the path."""
    # render first: a failure must not leave an empty or partial page behind
    page = d3viz_html(fct, title or "minitheano graph")
    write_atomically(outfile, page.encode("utf-8"))
    return outfile
