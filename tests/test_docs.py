"""Every ```python block of the README and of docs/*.md runs as written.

The blocks of one page run in order in one namespace (a page builds on its earlier blocks),
in a fresh folder. A block that cannot run here says so on the line before its fence:
``<!-- docs-test: skip (why) -->``, or ``<!-- docs-test: needs dot -->`` for Graphviz's
program; the test reports it as skipped, with the reason.
"""

import os
import re
import shutil

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
PAGES = ["README.md"] + sorted(
    os.path.join("docs", name)
    for name in os.listdir(os.path.join(ROOT, "docs"))
    if name.endswith(".md")
)
FENCE = re.compile(
    r"^(?:<!-- docs-test: (?P<marker>[^>]*?) -->\n)?```python\n(?P<code>.*?)^```", re.M | re.S
)


def _blocks(page):
    text = open(os.path.join(ROOT, page), encoding="utf-8").read()
    for m in FENCE.finditer(text):
        yield text.count("\n", 0, m.start("code")) + 1, m.group("marker"), m.group("code")


BLOCKS = [(page, *block) for page in PAGES for block in _blocks(page)]
_namespaces: dict = {}  # page -> (namespace, folder) shared by its blocks, run in order


@pytest.mark.parametrize(
    "page, line, marker, code", BLOCKS, ids=[f"{b[0]}:{b[1]}" for b in BLOCKS]
)
def test_snippet_runs(page, line, marker, code, tmp_path_factory, monkeypatch):
    if marker and marker.startswith("skip"):
        pytest.skip(f"{page}:{line}: {marker}")
    if marker == "needs dot" and shutil.which("dot") is None:
        pytest.skip(f"{page}:{line}: needs Graphviz's dot (apt-get install graphviz)")
    assert marker in (None, "needs dot"), f"{page}:{line}: unknown marker {marker!r}"
    if page not in _namespaces:
        _namespaces[page] = ({"__name__": "__docs__"}, tmp_path_factory.mktemp("docs"))
    namespace, folder = _namespaces[page]
    monkeypatch.chdir(folder)  # files the snippets write land here
    exec(compile(code, f"{page}:{line}", "exec"), namespace)


def test_every_page_has_a_tested_snippet_or_none_at_all():
    markers = [b[2] for b in BLOCKS if b[2] is not None]
    assert markers and all(m == "needs dot" or m.startswith("skip (") for m in markers)


def test_readme_links_work_on_pypi():
    """PyPI shows the README without the repository around it: links must be absolute."""
    pyproject = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    repository = re.search(r'^Repository = "([^"]+)"', pyproject, re.M).group(1)
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links and all(link.startswith("https://") for link in links), links
    to_repository = [link for link in links if "minitheano" in link]
    assert all(link.startswith(repository + "/") for link in to_repository)


def test_no_insider_wording_in_the_docs():
    words = re.compile(r"\bsessions?\b|the issue|\.\./shared|peers'|workspace", re.I)
    found = [
        f"{page}: {m.group(0)}"
        for page in PAGES
        for m in words.finditer(open(os.path.join(ROOT, page), encoding="utf-8").read())
    ]
    assert found == []
