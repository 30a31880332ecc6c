"""`make student`: every notebook without its solutions, and every one still runs to the end."""
from __future__ import annotations

import json
import os
import re
import subprocess

import nbformat
import pytest

from conftest import REPO, load_tool

nbtool = load_tool("notebooks")

NAMES = sorted(p.stem for p in (REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return {name: nbtool.student(name, out) for name in NAMES}


def _solution_lines(name: str) -> set[str]:
    """Lines of the solution cells that appear nowhere else in the source (stubs share their def lines)."""
    source = nbtool.read_source(name)
    elsewhere = {line.strip() for c in source.cells if not nbtool.is_solution(c) for line in c.source.splitlines()}
    return {line.strip() for c in source.cells if nbtool.is_solution(c) for line in c.source.splitlines()
            if len(line.strip()) > 12 and line.strip() not in elsewhere}


def test_make_student_writes_every_notebook_into_the_ignored_folder():
    proc = subprocess.run(["make", "-s", "student"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.stem for p in (REPO / "student").glob("*.ipynb")) == NAMES
    ignored = subprocess.run(["git", "check-ignore", "-q", "student/00_start_here.ipynb"], cwd=REPO)
    assert ignored.returncode == 0, "student/ must be git-ignored (it is generated)"


@pytest.mark.parametrize("name", NAMES)
def test_no_reference_solution_survives(edition, name):
    nb = json.loads(edition[name].read_text())
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    secret = _solution_lines(name)
    assert secret, f"{name} has no solution text to hide"
    leaked = sorted(line for line in secret if line in text)
    assert not leaked, f"solution lines in the student edition: {leaked[:3]}"
    assert not any("solution" in c["metadata"].get("tags", []) for c in nb["cells"])
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), "outputs must be cleared"
    assert "Student edition" in text and "## Exercises" in text
    # an exercise's stub is a function returning None or an answer left as `name = None  # ...`
    stubs = sum("return None" in "".join(c["source"]) or bool(re.search(r"^\w+ = None  #", "".join(c["source"]), re.M))
                for c in nb["cells"])
    assert stubs >= 1, "the exercises' stubs stay"


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_student_notebook_runs_to_the_end_with_not_yet_verdicts(edition, name):
    from nbclient import NotebookClient

    nb = nbformat.read(edition[name], as_version=4)
    client = NotebookClient(nb, timeout=900, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(REPO / "notebooks")}})
    assert os.environ.get("GAN_UTILS_FAST") == "1", "conftest runs the notebooks in fast mode"
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    printed = "".join(o.get("text", "") for o in outputs)
    assert "NOT YET" in printed, "the stubs' first verdicts appear"
    assert "Traceback" not in printed
