"""``pydotprint``: draw a graph to an image with Graphviz (Python ``graphviz`` + ``dot``)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil

from .dot import DotOptions, graph_to_dot


class GraphvizMissingError(RuntimeError):
    """The ``graphviz`` Python package or Graphviz's ``dot`` program is not installed."""


def render(dot_text: str, format: str = "png") -> bytes:
    """Graphviz's rendering of ``dot_text`` in ``format`` (png, svg, pdf...)."""
    try:
        import graphviz
    except ImportError as exc:
        raise GraphvizMissingError(
            "drawing graphs needs the graphviz Python package: pip install 'minitheano[viz]' "
            "(and Graphviz's dot program: apt-get install graphviz)"
        ) from exc
    if shutil.which("dot") is None:
        raise GraphvizMissingError(
            "Graphviz's dot program was not found on PATH: install it "
            "(apt-get install graphviz, brew install graphviz)"
        )
    return graphviz.Source(dot_text).pipe(format=format)


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a failure leaves the old file, or none.

    The bytes go to a new file in the same folder, which then replaces ``path`` (``os.replace``
    is atomic within a file system), so a failed render or a full disk never leaves half a page.
    """
    folder, name = os.path.split(os.path.abspath(path))
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never write through someone else's file; mode 0o666 lets the umask apply, as open()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def pydotprint(
    fct,
    outfile=None,
    compact=True,
    format="png",
    with_ids=False,
    high_contrast=True,
    cond_highlight=None,
    colorCodes=None,
    max_label_size=70,
    scan_graphs=False,
    var_with_name_simple=False,
    print_output_file=True,
    return_image=False,
):
    """Draw a compiled function or variables as an image (Theano's signature).

    Variables are boxes (inputs green, outputs blue, shared variables cyan, constants grey),
    Apply nodes are ellipses; edges carry dtype and shape (the shapes of the function's first
    call, or of its last call when profiling). After calls with ``profile=True`` each node
    shows its time, coloured from white to red. ``scan_graphs=True`` draws the inner graph of
    each op that holds one (scan's step) in a box beside it. Writes ``outfile`` (default
    ``minitheano.pydotprint.<format>``) or, with ``return_image``, returns the image bytes.
    """
    opts = DotOptions(
        compact=compact,
        with_ids=with_ids,
        high_contrast=high_contrast,
        var_with_name_simple=var_with_name_simple,
        inner_graphs=scan_graphs,
    )
    image = render(graph_to_dot(fct, opts), format=format)
    if return_image:
        return image
    outfile = outfile or f"minitheano.pydotprint.{format}"
    write_atomically(outfile, image)
    if print_output_file:
        print("The output file is available at", outfile)
    return None
