"""Build notebooks from their percent-format sources and execute them in place at full size.

    python tools/notebooks.py build [NAME ...]     notebooks/src/NN_topic.py -> notebooks/NN_topic.ipynb
    python tools/notebooks.py execute [NAME ...]   run each notebook top to bottom, store outputs

Sources use `# %%` for a code cell, `# %% [markdown]` for a markdown cell (each line starting
with "# "), and `# %% [solution]` for a code cell shown collapsed (exercise solutions).
"""
from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MARKER = re.compile(r"^# %%(?: \[(markdown|solution)\])?\s*$")


def parse_source(text: str) -> list:
    """Split a percent-format script into notebook cells."""
    cells, kind, lines = [], None, []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind is None or not body:
            return
        if kind == "markdown":
            body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(body))
        else:
            cell = nbformat.v4.new_code_cell(body)
            if kind == "solution":
                cell.metadata["jupyter"] = {"source_hidden": True}
                cell.metadata["tags"] = ["solution"]
            cells.append(cell)

    for line in text.splitlines():
        match = MARKER.match(line)
        if match:
            flush()
            kind, lines = match.group(1) or "code", []
        else:
            lines.append(line)
    flush()
    return cells


def build(name: str) -> Path:
    """Write notebooks/NAME.ipynb from notebooks/src/NAME.py (outputs cleared)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = parse_source((SOURCES / f"{name}.py").read_text())
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    path = NOTEBOOKS / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def execute(name: str, timeout: int = 3600) -> Path:
    """Execute notebooks/NAME.ipynb in place from its own folder, keeping no widget state."""
    from nbclient import NotebookClient

    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.monotonic()
    client.execute()
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"{path.relative_to(ROOT)}: executed in {time.monotonic() - start:.0f} s, "
          f"{path.stat().st_size / 1e6:.2f} MB")
    return path


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"build", "execute"}:
        print(__doc__)
        return 2
    names = argv[1:] or sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for name in names:
        print(build(name) if argv[0] == "build" else execute(name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
