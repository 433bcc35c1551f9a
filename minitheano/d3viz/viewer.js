// The d3viz viewer: lays the graph model out with Viz.js (Graphviz in WebAssembly), then lets
// the reader zoom, pan, collapse groups, search nodes and read a node's details.
// When done, <body> carries data-status ("ok" or "error: ..."), data-nodes (nodes drawn),
// data-expected (nodes in the model), data-font-px (label size on screen), data-matches (of
// the search, which a "#search=text" URL fragment can fill in) and data-profile-rows.
(function () {
  "use strict";
  var body = document.body;
  var canvas = document.getElementById("canvas");
  var FONT_PT = 11; // the DOT font size of node labels, in SVG units
  var MIN_FONT_PX = 12; // the first view never shows labels smaller than this
  var MAX_FIT = 1.6; // nor blows a small graph up past this scale

  function fail(message) {
    body.dataset.status = "error: " + message;
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = "The graph could not be drawn: " + message;
    canvas.insertBefore(p, canvas.firstChild);
  }
  window.addEventListener("error", function (e) { fail(e.message); });
  window.addEventListener("unhandledrejection", function (e) { fail(String(e.reason)); });

  var model = JSON.parse(document.getElementById("model").textContent);
  var nodes = {}, groups = {}, members = {}, children = {};
  model.nodes.forEach(function (n) {
    nodes[n.id] = n;
    (members[n.group || ""] = members[n.group || ""] || []).push(n);
  });
  model.groups.forEach(function (g) {
    groups[g.id] = g;
    (children[g.parent || ""] = children[g.parent || ""] || []).push(g);
  });
  var collapsed = {};
  var scale = null; // screen px per SVG unit; chosen at the first drawing
  var viz = null, svg = null, box = null, selected = null, matches = [], current = -1;

  function quote(text) {
    return '"' + String(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"')
      .replace(/\n/g, "\\n") + '"';
  }
  function size(gid) { // nodes inside a group, nested groups included
    var n = (members[gid] || []).length;
    (children[gid] || []).forEach(function (g) { n += size(g.id); });
    return n;
  }
  function shownAs(gid) { // the outermost collapsed group around gid, if any
    var hit = null;
    for (var g = gid; g; g = groups[g].parent) { if (collapsed[g]) { hit = g; } }
    return hit;
  }
  function endpoint(id) { return shownAs(nodes[id].group) || id; }

  function toDot() {
    var lines = ["digraph G {", '  rankdir=TB; graph [fontname="Helvetica"]; ' +
      'node [fontname="Helvetica", fontsize=' + FONT_PT + ']; ' +
      'edge [fontname="Helvetica", fontsize=9];'];
    function emit(gid, indent) {
      (members[gid] || []).forEach(function (n) {
        lines.push(indent + quote(n.id) + " [id=" + quote(n.id) + ", shape=" + n.shape +
          ", style=filled, fillcolor=" + quote(n.fill) + ", label=" + quote(n.label) +
          ", tooltip=" + quote(n.tooltip) + "];");
      });
      (children[gid] || []).forEach(function (g) {
        if (collapsed[g.id]) {
          lines.push(indent + quote(g.id) + " [id=" + quote(g.id) + ", shape=folder, " +
            'style=filled, fillcolor="#f1f3f5", label=' +
            quote(g.label + "\n" + size(g.id) + " nodes (click to expand)") + "];");
          return;
        }
        lines.push(indent + "subgraph " + quote("cluster_" + g.id) + " {");
        lines.push(indent + "  id=" + quote("cluster_" + g.id) + "; label=" +
          quote(g.label + "  [collapse]") + "; style=" +
          (g.kind === "inner" ? "dashed" : "rounded") + '; color="#868e96"; fontsize=12;');
        emit(g.id, indent + "  ");
        lines.push(indent + "}");
      });
    }
    emit("", "  ");
    var seen = {};
    model.edges.forEach(function (e) {
      var src = endpoint(e.src), dst = endpoint(e.dst);
      if (src === dst) { return; }
      var merged = src !== e.src || dst !== e.dst;
      var key = src + "\u0000" + dst;
      if (merged && seen[key]) { return; }
      seen[key] = true;
      var attrs = [];
      if (e.label && !merged) { attrs.push("label=" + quote(e.label)); }
      if (e.style) { attrs.push("style=" + e.style); }
      if (e.color) { attrs.push("color=" + quote(e.color)); }
      if (e.constraint === false) { attrs.push("constraint=false"); }
      lines.push("  " + quote(src) + " -> " + quote(dst) +
        (attrs.length ? " [" + attrs.join(", ") + "]" : "") + ";");
    });
    lines.push("}");
    return lines.join("\n");
  }

  function fontPx() {
    var text = svg.querySelector("g.node text");
    if (!text) { return 0; }
    return parseFloat(text.getAttribute("font-size")) * svg.getScreenCTM().a;
  }
  function applyScale() {
    svg.setAttribute("width", (box.width * scale).toFixed(1));
    svg.setAttribute("height", (box.height * scale).toFixed(1));
    body.dataset.fontPx = fontPx().toFixed(1);
    document.getElementById("zoom-level").textContent = Math.round(100 * scale) + "%";
  }
  function zoom(factor, cx, cy) { // keep the point under (cx, cy) of the canvas in place
    var x = (canvas.scrollLeft + cx) / scale, y = (canvas.scrollTop + cy) / scale;
    scale = Math.min(8, Math.max(0.05, scale * factor));
    applyScale();
    canvas.scrollLeft = x * scale - cx;
    canvas.scrollTop = y * scale - cy;
  }

  function startView() { // open where the data comes in: at the first input
    var el = model.start && svg.querySelector('g.node[id="' + CSS.escape(model.start) + '"]');
    if (!el) { return; }
    var r = el.getBoundingClientRect(), c = canvas.getBoundingClientRect();
    canvas.scrollLeft += r.left + r.width / 2 - c.left - c.width / 3;
    canvas.scrollTop += r.top - c.top - 40;
  }

  function draw() {
    var drawn = viz.renderSVGElement(toDot());
    var vb = drawn.viewBox.baseVal;
    box = {width: vb.width, height: vb.height};
    canvas.replaceChildren(drawn);
    svg = drawn;
    var first = scale === null;
    if (first) { // fit the width, but never below a readable font size
      var fit = (canvas.clientWidth - 16) / box.width;
      scale = Math.max(Math.min(fit, MAX_FIT), MIN_FONT_PX / FONT_PT);
    }
    applyScale();
    if (first) { startView(); }
    svg.querySelectorAll("g.node").forEach(function (g) {
      g.addEventListener("click", function (e) {
        e.stopPropagation();
        if (groups[g.id]) { collapsed[g.id] = false; draw(); } else { select(g.id); }
      });
    });
    svg.querySelectorAll("g.cluster").forEach(function (c) {
      var gid = c.id.replace(/^cluster_/, "");
      c.addEventListener("click", function (e) {
        e.stopPropagation();
        collapsed[gid] = true;
        draw();
      });
    });
    if (selected) { select(selected); }
    search(document.getElementById("search").value, false);
    body.dataset.nodes = String(svg.querySelectorAll("g.node").length);
  }

  function element(id) { // the drawn element of a node: itself, or the group hiding it
    return svg.querySelector('g.node[id="' + CSS.escape(endpoint(id)) + '"]');
  }
  function reveal(el) {
    var r = el.getBoundingClientRect(), c = canvas.getBoundingClientRect();
    canvas.scrollLeft += r.left + r.width / 2 - c.left - c.width / 2;
    canvas.scrollTop += r.top + r.height / 2 - c.top - c.height / 2;
  }
  function select(id) {
    svg.querySelectorAll("g.selected").forEach(function (g) { g.classList.remove("selected"); });
    selected = id;
    var el = element(id);
    if (el) { el.classList.add("selected"); }
    var info = nodes[id].info, rows = [];
    Object.keys(info).forEach(function (k) {
      if (info[k] === null || info[k] === undefined) { return; }
      var th = document.createElement("th"), td = document.createElement("td");
      th.textContent = k === "time_ms" ? "time (ms)" : k;
      td.textContent = Array.isArray(info[k]) ? info[k].join("\n") : String(info[k]);
      var tr = document.createElement("tr");
      tr.append(th, td);
      rows.push(tr);
    });
    var table = document.createElement("table");
    table.append.apply(table, rows);
    document.getElementById("info").replaceChildren(table);
  }

  function search(text, jump) {
    svg.querySelectorAll("g.match").forEach(function (g) { g.classList.remove("match"); });
    var q = text.trim().toLowerCase();
    matches = !q ? [] : model.nodes.filter(function (n) {
      return (n.label + " " + JSON.stringify(n.info)).toLowerCase().indexOf(q) >= 0;
    }).map(function (n) { return n.id; });
    matches.forEach(function (id) { var el = element(id); if (el) { el.classList.add("match"); } });
    body.dataset.matches = String(matches.length);
    document.getElementById("matches").textContent = q ? matches.length + " found" : "";
    if (jump && matches.length) {
      current = (current + 1) % matches.length;
      var el = element(matches[current]);
      if (el) { reveal(el); }
      select(matches[current]);
    }
  }

  function profileTable() {
    if (!model.profiled) { return; }
    var timed = model.nodes.filter(function (n) { return n.info.time_ms != null; });
    timed.sort(function (a, b) { return b.info.time_ms - a.info.time_ms; });
    var total = timed.reduce(function (s, n) { return s + n.info.time_ms; }, 0);
    var head = document.createElement("h4");
    var calls = model.calls || 1;
    head.textContent = "Profile: " + model.calls + " calls, " + (total / calls).toFixed(2) +
      " ms per call in nodes; the slowest nodes, in ms over all calls:";
    var list = document.createElement("ol");
    timed.slice(0, 12).forEach(function (n) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#";
      a.textContent = n.info.time_ms.toFixed(2) + " ms  " + n.info.op;
      a.addEventListener("click", function (e) {
        e.preventDefault();
        var el = element(n.id);
        if (el) { reveal(el); }
        select(n.id);
      });
      li.append(a);
      list.append(li);
    });
    document.getElementById("profile").replaceChildren(head, list);
    body.dataset.profileRows = String(list.children.length);
  }

  function wireControls() {
    var input = document.getElementById("search");
    input.addEventListener("input", function () { current = -1; search(input.value, false); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { search(input.value, true); }
    });
    document.querySelectorAll("[data-zoom]").forEach(function (b) {
      b.addEventListener("click", function () {
        var w = canvas.clientWidth, h = canvas.clientHeight, how = b.dataset.zoom;
        if (how === "in") { zoom(1.25, w / 2, h / 2); }
        if (how === "out") { zoom(0.8, w / 2, h / 2); }
        if (how === "fit") {
          scale = Math.min((w - 16) / box.width, (h - 16) / box.height);
          applyScale();
        }
        if (how === "readable") { scale = MIN_FONT_PX / FONT_PT; applyScale(); }
      });
    });
    document.getElementById("collapse-all").addEventListener("click", function () {
      model.groups.forEach(function (g) { collapsed[g.id] = true; });
      draw();
    });
    document.getElementById("expand-all").addEventListener("click", function () {
      collapsed = {};
      draw();
    });
    canvas.addEventListener("wheel", function (e) {
      if (!(e.ctrlKey || e.metaKey) || !svg) { return; }
      e.preventDefault();
      var r = canvas.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});
    var drag = null;
    canvas.addEventListener("mousedown", function (e) {
      drag = {x: e.clientX, y: e.clientY, left: canvas.scrollLeft, top: canvas.scrollTop};
    });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) {
      if (!drag) { return; }
      canvas.scrollLeft = drag.left - (e.clientX - drag.x);
      canvas.scrollTop = drag.top - (e.clientY - drag.y);
    });
  }

  if (typeof Viz === "undefined") {
    fail("the Graphviz script " + document.getElementById("vizjs").getAttribute("src") +
      " did not load: keep it beside the page (d3viz copy_deps=True)");
    return;
  }
  Viz.instance().then(function (instance) {
    viz = instance;
    document.getElementById("status").remove();
    wireControls();
    var asked = /[#&]search=([^&]*)/.exec(location.hash);
    if (asked) { document.getElementById("search").value = decodeURIComponent(asked[1]); }
    draw();
    profileTable();
    body.dataset.expected = String(model.nodes.length);
    if (body.dataset.status === "loading") { body.dataset.status = "ok"; }
  });
})();
