"""Before/after view of a compiled function: the graph as written next to the rewritten one."""

from __future__ import annotations

from .dot import DotOptions, graph_to_dot, html_text
from .render import render, write_atomically


def _as_written(fct):
    maker = fct.maker
    return list(maker.original_outputs) + [v for _, v in maker.original_updates]


def compare_dot(fct) -> str:
    """DOT text: two clusters (user graph, compiled graph) and the list of rewrites that fired."""
    report = fct.maker.rewrite_report
    written = graph_to_dot(
        _as_written(fct), DotOptions(), name="written", cluster_prefix="a", as_subgraph=True
    )
    compiled = graph_to_dot(
        fct, DotOptions(), name="compiled", cluster_prefix="b", as_subgraph=True
    )
    written = written.replace(
        "rankdir=TB;", f'label="as written: {report.nodes_before} nodes";', 1
    )
    compiled = compiled.replace("rankdir=TB;", f'label="compiled: {report.nodes_after} nodes";', 1)
    rows = "".join(
        f"<tr><td align='left'>{html_text(name)}</td><td>{count}x</td>"
        f"<td>{report.removed[name]:+d}</td></tr>"
        for name, count in report.fired.most_common()
    )
    table = (
        f"<<table border='0' cellborder='1' cellspacing='0'><tr><td><b>rewrite</b></td>"
        f"<td><b>fired</b></td><td><b>nodes removed</b></td></tr>{rows}</table>>"
    )
    return "\n".join(
        [
            "digraph rewrites {",
            "  rankdir=TB; compound=true;",
            '  node [fontname="Helvetica", fontsize=11];',
            written,
            compiled,
            f"  rewrites [shape=plaintext, label={table}];",
            "}",
        ]
    )


def compare_rewrites(fct, outfile=None, format="svg"):
    """Draw ``fct`` as written and as compiled side by side, with the rewrites that fired.

    Writes ``outfile`` when given, else returns the image bytes.
    """
    image = render(compare_dot(fct), format=format)
    if outfile is None:
        return image
    write_atomically(outfile, image)
    return outfile
