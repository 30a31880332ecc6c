"""Every committed notebook is executed, error-free, small, free of widget state, and matches its source.

nbval (run by `make test` over notebooks/) executes them; these tests guard what is committed.
"""
from __future__ import annotations

import math
import json
from pathlib import Path

import pytest

from conftest import REPO, load_tool

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_BYTES = 2_000_000

nbtool = load_tool("notebooks")


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
    assert source.exists(), f"{source.name} missing: each notebook is paired with notebooks/src/"
    problem = nbtool.differs(path.stem)
    assert problem is None, f"{problem}: run `make notebooks` (or save the notebook in JupyterLab)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercises_show_a_first_verdict_and_solutions_keep_no_output(path):
    """A reader of the committed notebook sees each stub's NOT YET verdict with its idea, never a solution's output."""
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
    assert all(c["execution_count"] is not None and not c["outputs"] for c in solutions), \
        "solution cells are executed (their asserts run) but store no output"
    assert any("assert gu.checks.check_" in "".join(c["source"]) for c in solutions)
    after_build = {id(cells[i + 1]) for i, c in enumerate(cells[:-1]) if "build" in c["metadata"].get("tags", [])}
    checked = [c for c in cells if c not in solutions and "gu.checks.check_" in "".join(c["source"])]
    assert checked, "every notebook has checked exercises"
    for cell in checked:
        printed = "".join("".join(o.get("text", "")) for o in cell["outputs"])
        if id(cell) in after_build:  # the full edition's worked solution passes, and the notebook uses it
            assert "PASSED" in printed and "using yours" in printed, f"a build cell's check: {cell['source'][:2]}"
            continue
        assert "NOT YET" in printed and "Hint 1/4:" in printed, f"no first verdict stored for {cell['source'][:2]}"
        assert "PASSED" not in printed, "a stub passed its check"


def test_a_changed_cell_is_reported(tmp_path, demo_source):
    demo_source("# %% [markdown]\n# Hello\n\n# %%\nprint(1)\n")
    assert nbtool.differs("99_demo") is None
    text = (tmp_path / "src" / "99_demo.py").read_text()
    assert text.startswith("# %%\n" + nbtool.INSTALL_CELL), "build puts the install cell first"
    (tmp_path / "src" / "99_demo.py").write_text(text.replace("print(1)", "print(2)"))
    assert "cell 2 differs" in nbtool.differs("99_demo")


def test_a_jupytext_header_gives_way_to_the_install_cell(tmp_path, demo_source):
    """A source saved with a jupytext header keeps one install cell, first, and loses the header (jupytext.toml pairs)."""
    header = "# ---\n# jupyter:\n#   jupytext:\n#     formats: py:percent,ipynb\n# ---\n\n"
    demo_source(header + "# %%\n" + nbtool.INSTALL_CELL + "\n\n\n# %% [markdown]\n# Hello\n")
    text = (tmp_path / "src" / "99_demo.py").read_text()
    assert text.startswith("# %%\n" + nbtool.INSTALL_CELL) and "# ---" not in text
    assert text.count(nbtool.INSTALL_MARK) == 1
    assert nbtool.differs("99_demo") is None
    assert not nbtool.ensure_install_cell("99_demo"), "a second build leaves the source as it is"


def test_solution_cells_stay_collapsed_and_tagged():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        solutions = [c for c in cells if "solution" in c["metadata"].get("tags", [])]
        assert all(c["metadata"].get("jupyter", {}).get("source_hidden") for c in solutions), path.name
        assert solutions, f"{path.name} has no solution cells"


def test_build_keeps_outputs_of_unchanged_cells(tmp_path, demo_source):
    import nbformat

    path = demo_source("# %%\nprint(1)\n\n# %%\nprint(2)\n")
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[1].source == "print(1)"
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    nb.cells[1].execution_count = 1
    nbformat.write(nb, path)
    source = tmp_path / "src" / "99_demo.py"
    source.write_text(source.read_text().replace("print(2)", "print(3)"))
    nb = nbformat.read(nbtool.build("99_demo"), as_version=4)
    assert nb.cells[1].outputs[0]["text"] == "1\n" and nb.cells[2].source == "print(3)"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_an_edit_saved_in_jupyterlab_reaches_the_source(tmp_path):
    """JupyterLab saves through jupytext's contents manager (server extension jupyterlab_jupytext)."""
    import asyncio
    import shutil

    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    (tmp_path / "src").mkdir()
    shutil.copy(REPO / "notebooks" / "jupytext.toml", tmp_path)
    shutil.copy(REPO / "notebooks" / "00_start_here.ipynb", tmp_path)
    shutil.copy(REPO / "notebooks" / "src" / "00_start_here.py", tmp_path / "src")
    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(tmp_path))

    async def edit_and_save():
        model = await manager.get("00_start_here.ipynb")
        model["content"]["cells"][1]["source"] += "\n\nAn instructor added this line."
        await manager.save(model, "00_start_here.ipynb")

    asyncio.run(edit_and_save())
    text = (tmp_path / "src" / "00_start_here.py").read_text()
    assert "# An instructor added this line." in text
    assert text.startswith("# %%\n") and "# ---" not in text.split("\n# %%", 1)[0], \
        "the source gained a YAML header: check notebooks/jupytext.toml"


def test_jupyterlab_opens_every_notebook_when_it_is_newer_than_its_source(tmp_path):
    """A fresh clone or `make notebooks` can leave a notebook newer than its source: JupyterLab must still open it.

    The notebooks carry slide types (tools/slides.py) that their sources do not, so jupytext must leave
    that metadata out when it compares the two (notebooks/jupytext.toml), or it refuses to open them.
    """
    import asyncio
    import os
    import shutil
    import time

    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    shutil.copytree(REPO / "notebooks", tmp_path / "nb", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    later = time.time() + 60
    for path in NOTEBOOKS:
        os.utime(tmp_path / "nb" / path.name, (later, later))
    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(tmp_path / "nb"))

    async def open_all():
        return [await manager.get(path.name) for path in NOTEBOOKS]

    models = asyncio.run(open_all())
    assert [m["name"] for m in models] == [p.name for p in NOTEBOOKS]
    assert any("slideshow" in c["metadata"] for c in models[0]["content"]["cells"]), "the slide types are kept"


def test_jupyterlab_loads_the_jupytext_server_extension():
    import jupyter_core.paths

    configs = [Path(d) / "jupyter_server_config.d" / "jupytext.json" for d in jupyter_core.paths.jupyter_config_path()]
    found = [json.loads(p.read_text()) for p in configs if p.is_file()]
    assert any(c["ServerApp"]["jpserver_extensions"].get("jupyterlab_jupytext") for c in found)


def test_reference_step_time_is_measured_for_the_course_recipe():
    ms = nbtool.reference_step_ms(steps=2, warm_up=1)
    assert math.isfinite(ms) and ms > 0
