"""Print each notebook's cells, prose words and longest markdown cell (issue #31's limits).

Usage: python tools/prose_stats.py [NAME ...]   (default: every notebook in notebooks/src)
Counts from the jupytext sources; a word is a whitespace-separated token of a markdown cell.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMITS = {"cells": 80, "words": 3500, "longest": 150}


def stats(path: Path) -> dict:
    """Cells, prose words, longest markdown cell and markdown cells over 150 words of one source."""
    cells = re.split(r"^# %%", path.read_text(), flags=re.M)[1:]
    words = []
    for cell in cells:
        header, _, body = cell.partition("\n")
        if "[markdown]" in header:
            text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.splitlines())
            words.append(len(text.split()))
    return {"cells": len(cells), "words": sum(words), "longest": max(words, default=0),
            "over": sum(w > LIMITS["longest"] for w in words)}


def main(names: list[str]) -> int:
    paths = sorted((ROOT / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    if names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in names)]
    print(f"{'notebook':32} {'cells':>5} {'words':>6} {'longest':>7} {'>150':>5}")
    for path in paths:
        s = stats(path)
        flag = " !" if s["cells"] > LIMITS["cells"] or s["words"] > LIMITS["words"] or s["over"] else ""
        print(f"{path.stem:32} {s['cells']:5d} {s['words']:6d} {s['longest']:7d} {s['over']:5d}{flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
