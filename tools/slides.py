"""Slide types for every cell, and reveal.js decks of the notebooks that work offline (`make slides`).

    python tools/slides.py [--out DIR] [NAME ...]   notebooks/NN_topic.ipynb -> docs/slides/NN_topic.slides.html

Each cell's `metadata.slideshow.slide_type` (nbconvert's slideshow metadata) follows from its source:

    markdown opening with a `#` or `##` heading                               "slide"
    markdown opening with a deeper heading or a bold lead (`**Idea.**`),
      or right after a code cell on the slides (the next idea after a result) "subslide"
    plumbing: `# extra code` cells, cells of imports and seeds only,
      solution cells and the `## Solutions` heading                           "skip"
    anything else                                                             "-" (joins the slide above)

A marker in the source overrides the rules: jupytext cell metadata on the cell's `# %%` line, e.g.
`# %% [markdown] slideshow={"slide_type": "skip"}` or `# %% slideshow={"slide_type": "subslide"}`
(also "fragment" and "notes"). `tools/notebooks.py build` writes the types into the notebooks.

The decks load reveal.js 4, MathJax 2, require.js and jQuery (what nbconvert's reveal template
expects) from docs/slides/vendor/, which tools/install_web_assets.sh fills from the npm registry, by
a relative path: open a deck from disk or from any local web server, with no network.
"""
from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DECKS = ROOT / "docs" / "slides"
VENDOR = DECKS / "vendor"
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
PLUMBING_MARK = "# extra code"
SETUP_CALLS = {"set_seed"}
SLIDE_HEADING = re.compile(r"#{1,2}\s")
SUBSLIDE_OPENING = re.compile(r"(#{3,6}\s|\*\*\S)")
# Relative to VENDOR; tools/install_web_assets.sh installs these exact packages.
ASSETS = {
    "reveal_url_prefix": "node_modules/reveal.js",
    "mathjax_url": "node_modules/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": "node_modules/requirejs/require.js",
    "jquery_url": "node_modules/jquery/dist/jquery.min.js",
}
# The reveal template always imports Mermaid (from a CDN); the notebooks have no diagrams, so an empty module.
MERMAID_STUB = "data:text/javascript,export default {initialize() {}};"


def _is_setup(source: str) -> bool:
    """True for code made only of imports, seed calls and lines marked `# extra code`."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    lines = source.splitlines()

    def plumbing(node: ast.stmt) -> bool:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            return True
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            func = node.value.func
            if getattr(func, "attr", getattr(func, "id", None)) in SETUP_CALLS:
                return True
        return PLUMBING_MARK in lines[node.lineno - 1]

    return bool(body) and all(map(plumbing, body))


def rule_slide_type(cell, after_code: bool = False) -> str:
    """The rules' slide type for a cell (after_code: a shown code cell comes just before it), ignoring any marker."""
    text = cell.get("source", "")
    text = (text if isinstance(text, str) else "".join(text)).lstrip()
    if cell.get("cell_type") == "markdown":
        if text.startswith("## Solutions"):
            return "skip"
        if SLIDE_HEADING.match(text):
            return "slide"
        return "subslide" if after_code or SUBSLIDE_OPENING.match(text) else "-"
    if cell.get("cell_type") == "code":
        tags = cell.get("metadata", {}).get("tags", [])
        if text.startswith(PLUMBING_MARK) or "solution" in tags or _is_setup(text):
            return "skip"
        return "-"
    return "skip"


def slide_type(cell, after_code: bool = False) -> str:
    """A cell's slide type: its marker (metadata.slideshow.slide_type) when it has one, else the rules'."""
    marked = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
    if marked is not None and marked not in SLIDE_TYPES:
        raise ValueError(f"unknown slide_type {marked!r}: use one of {', '.join(SLIDE_TYPES)}")
    return marked or rule_slide_type(cell, after_code)


def mark(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Set metadata.slideshow.slide_type on every cell of nb (in place) and return nb."""
    after_code = False
    for cell in nb.cells:
        kind = slide_type(cell, after_code)
        cell.metadata["slideshow"] = nbformat.from_dict({**cell.metadata.get("slideshow", {}), "slide_type": kind})
        if kind != "skip":
            after_code = cell.cell_type == "code"
    return nb


def missing_assets(vendor: Path = VENDOR) -> list[Path]:
    """The vendored files a deck loads that are not installed."""
    return [p for p in (vendor / url.split("?")[0] for url in ASSETS.values())
            if not (p / "dist" / "reveal.js" if p.name == "reveal.js" else p).is_file()]


def title(nb: nbformat.NotebookNode, default: str) -> str:
    """The text of the notebook's first `#` heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.match(r"#\s", cell.source.lstrip()):
            return cell.source.lstrip()[1:].splitlines()[0].strip()
    return default


def export(name: str, out_dir: Path = DECKS, vendor: Path = VENDOR) -> Path:
    """Write out_dir/NAME.slides.html from notebooks/NAME.ipynb, loading its scripts from vendor by a relative path."""
    from nbconvert import SlidesExporter

    if missing := missing_assets(vendor):
        raise SystemExit(f"missing {', '.join(map(str, missing))}: run `make slides` "
                         "(or bash tools/install_web_assets.sh) first")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = Path(os.path.relpath(vendor, out_dir)).as_posix()
    nb = mark(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4))
    nb.metadata["title"] = title(nb, name)
    exporter = SlidesExporter(**{key: f"{prefix}/{url}" for key, url in ASSETS.items()},
                              mermaid_js_url=MERMAID_STUB, reveal_theme="white", reveal_scroll=True,
                              reveal_number="c/t", exclude_input_prompt=True, exclude_output_prompt=True)
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    path = out_dir / f"{name}.slides.html"
    path.write_text(html, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="notebooks to convert (default: all)")
    parser.add_argument("--out", type=Path, default=DECKS, help="folder for the decks (default: docs/slides); they load docs/slides/vendor/ by a relative path")
    args = parser.parse_args(argv)
    names = args.names or sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for name in names:
        path = export(name, args.out).resolve()
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
