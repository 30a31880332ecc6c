"""Every committed notebook is executed, error-free, small, free of widget state, and matches its source.

nbval (run by `make test` over notebooks/) executes them; these tests guard what is committed.
"""
from __future__ import annotations

import importlib.util
import json

import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 2_000_000

spec = importlib.util.spec_from_file_location("nbtool", REPO / "tools" / "notebooks.py")
nbtool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nbtool)


def test_there_are_notebooks():
    assert [p.name for p in NOTEBOOKS][:1] == ["00_start_here.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_clean(path):
    nb = json.loads(path.read_text())
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size / 1e6:.1f} MB"
    assert nb["metadata"].get("kernelspec", {}).get("name") == "python3", "kernelspec missing"
    assert "widgets" not in nb["metadata"], "saved widget state: execute with tools/notebooks.py"
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code and all(c["execution_count"] is not None for c in code), "unexecuted code cells"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"error outputs: {[e['ename'] for e in errors]}"
    stderr = [o for c in code for o in c["outputs"] if o.get("name") == "stderr" and "Traceback" in o["text"]]
    assert not stderr, "a traceback was printed to stderr"
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()]
    assert any(h.startswith("## Summary") for h in headings) and any(h.startswith("## Exercises") for h in headings)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_source(path):
    source = REPO / "notebooks" / "src" / f"{path.stem}.py"
    assert source.exists(), f"{source.name} missing: notebooks are built from notebooks/src/"
    expected = [(c.cell_type, c.source) for c in nbtool.parse_source(source.read_text())]
    nb = json.loads(path.read_text())
    actual = [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]
    assert actual == expected, "notebook differs from its source: run `make notebooks`"
