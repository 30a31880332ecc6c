"""Pair, build and execute the notebooks through jupytext (notebooks/jupytext.toml holds the pairing).

    python tools/notebooks.py build [NAME ...]     notebooks/src/NN_topic.py -> notebooks/NN_topic.ipynb (outputs kept)
    python tools/notebooks.py execute [NAME ...]   run each notebook top to bottom, store outputs
    python tools/notebooks.py check [NAME ...]     exit 1 if a notebook's cells differ from its source
    python tools/notebooks.py student [NAME ...]   write student/NN_topic.ipynb: no solutions, no outputs
    python tools/notebooks.py learner-copy [DEST] [--fresh NAME ...]
                                                   copy each notebook DEST (default work/) lacks, unpaired

Each `notebooks/NN_topic.ipynb` is paired with `notebooks/src/NN_topic.py` (jupytext's percent
format): JupyterLab, with jupytext installed, writes an edit made in the notebook back to the
source. In a source, `# %% [markdown]` starts a markdown cell and a solution cell is written
`# %% jupyter={"source_hidden": true} tags=["solution"]` (shown collapsed).

A learner works in copies instead (`learner-copy`, which `make lab` runs): work/NN_topic.ipynb,
git-ignored and paired with nothing, so saving one changes no tracked file and `git pull` cannot
conflict with it. `make author-lab` opens the paired notebooks for editing the course.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
import time
from pathlib import Path

import jupytext
import jupytext.cli
import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/slides.py, also when this file is loaded by path
import slides  # noqa: E402
from gan_utils.cli import BUILD_TAG, empty_build_bodies, learner_cells  # noqa: E402
from gan_utils.engine.switches import SNAPSHOT_ENV  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
COMPARED_METADATA = ("tags", "jupyter", "slideshow")
# Where gan_utils installs from, kept here once. The course's published git repository, once it has
# one ("https://github.com/OWNER/NAME"): the install cell's default source, and pyproject.toml's
# [project.urls] should then name it too (tests/test_packaging.py checks both). Empty while the
# course has no published home: the cell then installs only from GAN_UTILS_SOURCE (a wheel that
# `make wheel` builds, a clone's folder or a git URL) and, without it, says what to set.
REPOSITORY = ""
DEFAULT_SOURCE = f"git+{REPOSITORY}" if REPOSITORY else ""
# The first cell of every notebook, kept here once; `build` writes it into each source.
INSTALL_CELL = f"""\
# extra code – on Colab, Kaggle or a JupyterHub without the course, install gan_utils first (nothing happens in a checkout)
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("gan_utils") is None:
    GAN_UTILS_SOURCE = os.environ.get("GAN_UTILS_SOURCE", "{DEFAULT_SOURCE}")  # a wheel, a clone's folder or a git+https URL
    if not GAN_UTILS_SOURCE:
        print("gan_utils is not installed here, and GAN_UTILS_SOURCE does not say where to install it from.\\n"
              "Get the course's wheel from your teacher, or build it in a clone of the course: `make wheel`\\n"
              "writes dist/gan_utils-VERSION-py3-none-any.whl. Upload it where this notebook runs (Colab: the\\n"
              "Files panel), run this line in a new cell above this one, with the uploaded file's name:\\n"
              "    %env GAN_UTILS_SOURCE=gan_utils-VERSION-py3-none-any.whl\\n"
              "then run this cell again. GAN_UTILS_SOURCE may also be a clone's folder or a git+https:// URL.\\n"
              "On your own machine, install from a clone instead: pip install /path/to/the/clone")
        raise RuntimeError("gan_utils is missing: set GAN_UTILS_SOURCE as explained above, then run this cell again")
    print("installing gan_utils from", GAN_UTILS_SOURCE)
    if subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GAN_UTILS_SOURCE]).returncode:
        raise RuntimeError(f"pip could not install gan_utils from {{GAN_UTILS_SOURCE!r}}: its message is above")
    importlib.invalidate_caches()"""
INSTALL_MARK = INSTALL_CELL.splitlines()[0]


def read_source(name: str) -> nbformat.NotebookNode:
    """Read notebooks/src/NAME.py (percent format) as a notebook without outputs."""
    return slides.mark(jupytext.read(SOURCES / f"{name}.py", fmt="py:percent"))


def cell_inputs(nb) -> list[tuple]:
    """What a source holds of each cell: type, text and the metadata that the pairing keeps."""
    return [(c["cell_type"], "".join(c["source"]),
             {k: c["metadata"][k] for k in COMPARED_METADATA if k in c["metadata"]}) for c in nb["cells"]]


def is_solution(cell) -> bool:
    """True for an exercise's solution cell (tagged "solution" in the source)."""
    return "solution" in cell.get("metadata", {}).get("tags", [])


def _print_slow_cells(nb, at_least: float = 2.0) -> None:
    """Print each code cell that took at least `at_least` seconds (from nbclient's timing), to see where the time goes."""
    from datetime import datetime

    for i, cell in enumerate(nb.cells):
        timing = cell.metadata.get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type != "code" or not begin or not end:
            continue
        seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                   - datetime.fromisoformat(begin.replace("Z", "+00:00"))).total_seconds()
        if seconds >= at_least:
            first = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")), "")
            print(f"  cell {i:3d}: {seconds:6.1f} s  {first[:70]}")


def _tidy(nb) -> None:
    """Keep what a reader needs: no widget state, no timing metadata, and no stored output of a solution cell."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code" and is_solution(cell):
            cell.outputs = []


# A jupytext header ("# ---" ... "# ---") at the top of a source: notebooks/jupytext.toml holds the pairing's
# settings, so the course's sources carry none, and the install cell must come first.
JUPYTEXT_HEADER = re.compile(r"\A# ---\n(?:#.*\n)*?# ---\n\s*")


def ensure_install_cell(name: str) -> bool:
    """Make INSTALL_CELL the first cell of notebooks/src/NAME.py (an older one replaced, a header dropped); True if changed."""
    source = SOURCES / f"{name}.py"
    original = source.read_text()
    text = JUPYTEXT_HEADER.sub("", original, count=1)
    wanted = f"# %%\n{INSTALL_CELL}\n\n"
    if not text.startswith(wanted):
        if text.startswith(f"# %%\n{INSTALL_MARK}"):
            text = text[text.index("\n# %%", 1) + 1:]
        text = wanted + text.lstrip("\n")
    if text == original:
        return False
    source.write_text(text)
    return True


def build(name: str) -> Path:
    """Update notebooks/NAME.ipynb from its source, keeping the outputs of cells whose code is unchanged."""
    path = NOTEBOOKS / f"{name}.ipynb"
    if ensure_install_cell(name):
        print(f"{name}: wrote the install cell into its source")
    keep_outputs = ["--update"] if path.exists() else []
    jupytext.cli.jupytext(["--quiet", *keep_outputs, "--to", "ipynb", str(SOURCES / f"{name}.py"), "-o", str(path)])
    nb = nbformat.read(path, as_version=4)
    _tidy(nb)
    slides.mark(nb)
    nbformat.write(nb, path)
    return path


def reference_step_ms(steps: int = 100, warm_up: int = 10) -> float:
    """Milliseconds per training step of the course recipe ("dcgan") on the embedded digits, timed now on this machine."""
    import gan_utils as gu

    settings = gu.recipes.recipe("dcgan")
    sizes = settings.pop("sizes")
    trainer = gu.GANTrainer("dcgan", gu.to_float(gu.load_mnist("embedded", verbose=False).x_train), **settings, **sizes)
    trainer.step(warm_up)
    start = trainer.train_time
    trainer.step(steps)
    return 1000 * (trainer.train_time - start) / steps


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_REPR = re.compile(r"^[A-Z]\w*\(")  # ipywidgets' text/plain: "VBox(children=(..."


def with_snapshots(nb: dict) -> tuple[dict, list[str]]:
    """A copy of `nb` with each widget output replaced by its image/png, and a warning for each widget output without one."""
    nb = copy.deepcopy(nb)
    warnings = []
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            if "image/png" not in data:
                first = next((line for line in "".join(cell["source"]).splitlines() if line.strip()), "")
                warnings.append(f"cell {i} ({first[:60]!r}): a widget output has no image/png, left as a widget")
                continue
            text = "".join(data.get("text/plain", ""))
            output["data"] = {"image/png": data["image/png"],
                              **({"text/plain": data["text/plain"]} if text and not WIDGET_REPR.match(text) else {})}
            output["metadata"] = {k: v for k, v in output.get("metadata", {}).items() if k in output["data"]}
    return nb, warnings


def execute(name: str, timeout: int = 3600) -> Path:
    """Execute notebooks/NAME.ipynb in place from its own folder, storing each dashboard as its picture, keeping no widget state."""
    from nbclient import NotebookClient

    path = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    if os.environ.get("GAN_UTILS_STEP_TIME", "1") != "0":
        print(f"{name}: a course-recipe step takes {reference_step_ms():.0f} ms on this machine now "
              "(100 steps; report it beside the notebook's time; GAN_UTILS_STEP_TIME=0 skips this)")
    start = time.monotonic()
    snapshots = os.environ.get(SNAPSHOT_ENV)
    os.environ[SNAPSHOT_ENV] = "1"  # the kernel inherits it: each displayed dashboard also carries its picture
    try:
        client.execute()
    finally:
        if snapshots is None:
            os.environ.pop(SNAPSHOT_ENV)
        else:
            os.environ[SNAPSHOT_ENV] = snapshots
    _print_slow_cells(nb)
    nb, warnings = with_snapshots(nb)
    for warning in warnings:
        print(f"{name}: warning: {warning}")
    _tidy(nb)
    nbformat.write(nb, path)
    print(f"{path.relative_to(ROOT)}: executed in {time.monotonic() - start:.0f} s, "
          f"{path.stat().st_size / 1e6:.2f} MB")
    return path


def differs(name: str) -> str | None:
    """Return why notebooks/NAME.ipynb differs from its source, or None when they agree."""
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        return f"{path.relative_to(ROOT)} is missing"
    ours, theirs = cell_inputs(slides.mark(nbformat.read(path, as_version=4))), cell_inputs(read_source(name))
    if len(ours) != len(theirs):
        return f"{name}: the notebook has {len(ours)} cells, its source {len(theirs)}"
    for i, (a, b) in enumerate(zip(ours, theirs)):
        if a != b:
            return f"{name}: cell {i} differs from its source ({a[1][:60]!r} vs {b[1][:60]!r})"
    return None


STUDENT = ROOT / "student"
STUDENT_HEADER = """\
**Student edition.** The solutions are removed from this copy, and each build cell's function
body is yours to write: the cell after it checks your version, and the notebook runs on yours once
it passes (on the course's version until then, so every cell still runs). A check names the case
that failed and any known mistake; `gu.checks.hint("name")` climbs one level of help per call
(a question, a first step, the maths, the code). Instructors: `gu.checks.max_hint_level(2)` in a
cell, or `GAN_UTILS_MAX_HINT=2` set before Jupyter starts, caps the help for graded work."""
SOLUTIONS_NOTE = """\
## Solutions

Not in the student edition: ask your instructor, or compare with the full notebook once you have
tried every exercise."""


def is_build(cell) -> bool:
    """A build cell: the learner writes the function bodies in it; the student edition empties them."""
    return cell.get("cell_type") == "code" and BUILD_TAG in cell.get("metadata", {}).get("tags", [])


empty_bodies = empty_build_bodies  # the one implementation lives in gan_utils.cli (the wheel's copies use it too)


def student_notebook(name: str) -> nbformat.NotebookNode:
    """The student edition of one notebook: its source without solution cells or outputs, with a header."""
    nb = read_source(name)
    cells = []
    for cell in nb.cells:
        if is_solution(cell):
            continue
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("## Solutions"):
            cell = nbformat.v4.new_markdown_cell(SOLUTIONS_NOTE)
        cells.append(cell)
    learner_cells(cells)
    first_markdown = next(i for i, c in enumerate(cells) if c.cell_type == "markdown")
    cells.insert(first_markdown + 1, nbformat.v4.new_markdown_cell(STUDENT_HEADER))
    nb.cells = cells
    _tidy(nb)
    return nb


def student(name: str, out_dir: Path = STUDENT) -> Path:
    """Write student/NAME.ipynb (generated, git-ignored) for handing out."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.ipynb"
    nbformat.write(student_notebook(name), path)
    return path


WORK = ROOT / "work"
# Written into the learner's folder: jupytext takes the nearest configuration file, so this one,
# not a user-wide one, decides that a copy pairs with nothing.
LEARNER_JUPYTEXT = """\
# Written by `python tools/notebooks.py learner-copy`. These are a learner's own copies: saving one
# writes only its .ipynb, never a paired text file (notebooks/jupytext.toml pairs the course's notebooks).
formats = "ipynb"
"""
COPY_KEY = "gan_classroom"  # notebook metadata of a copy: which notebook it came from, and a digest of its cells


def inputs_digest(nb) -> str:
    """A short digest of a notebook's cells (type, text, kept metadata): tells whether the course's notebook changed."""
    return hashlib.sha256(json.dumps(cell_inputs(nb), sort_keys=True).encode()).hexdigest()[:16]


def learner_copy(dest: Path = WORK, names: list[str] | None = None, fresh: tuple[str, ...] = ()) -> list[Path]:
    """Copy each notebooks/NAME.ipynb that `dest` lacks into it, paired with nothing; return the copies written.

    A copy that exists is the learner's work and is never overwritten: it is reported when the
    course's notebook has changed since it was copied. A NAME in `fresh` is copied anew, the
    learner's copy first moved to dest/old/NAME-YYYYmmdd-HHMMSS.ipynb.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    config = dest / "jupytext.toml"
    if not config.exists() or config.read_text() != LEARNER_JUPYTEXT:
        config.write_text(LEARNER_JUPYTEXT)
    unknown = sorted(set(fresh) - {p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")})
    if unknown:
        raise SystemExit(f"no notebook named {', '.join(unknown)} in {NOTEBOOKS}")
    written = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if names and path.stem not in names:
            continue
        nb = nbformat.read(path, as_version=4)
        target = dest / path.name
        if target.exists() and path.stem in fresh:
            old = dest / "old" / f"{path.stem}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
            old.parent.mkdir(exist_ok=True)
            target.rename(old)
            print(f"{target}: your copy is now {old}")
        if target.exists():
            copied = nbformat.read(target, as_version=4).metadata.get(COPY_KEY, {}).get("digest")
            if copied and copied != inputs_digest(nb):
                print(f"{target}: kept your copy; the course's notebook has changed since you copied it "
                      f"(`make fresh-copy NAME={path.stem}` copies it again, keeping yours in {dest / 'old'}/)")
            continue
        nb.metadata.pop("jupytext", None)  # a copy pairs with nothing (the course's notebooks carry no such key either)
        nb.metadata[COPY_KEY] = {"copied_from": f"notebooks/{path.name}", "digest": inputs_digest(nb)}
        learner_cells(nb.cells)  # the learner writes each build cell's bodies (the full edition's are the answer key)
        nbformat.write(nb, target)
        written.append(target)
    return written


def _learner_copy_main(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tools/notebooks.py learner-copy",
                                     description="Copy the notebooks a learner's folder lacks; never overwrite one.")
    parser.add_argument("dest", nargs="?", default=str(WORK), help="the learner's folder (default: work/)")
    parser.add_argument("--fresh", nargs="+", default=[], metavar="NAME",
                        help="copy these notebooks anew, keeping the learner's copies in DEST/old/")
    options = parser.parse_args(args)
    written = learner_copy(Path(options.dest), fresh=tuple(Path(n).stem for n in options.fresh))
    dest = Path(options.dest).resolve()
    shown = dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest
    print(f"{shown}/: copied {', '.join(p.name for p in written)}" if written
          else f"{shown}/: every notebook is there already (yours are never overwritten)")
    return 0


def main(argv: list[str]) -> int:
    if argv and argv[0] == "learner-copy":
        return _learner_copy_main(argv[1:])
    if not argv or argv[0] not in {"build", "execute", "check", "student"}:
        print(__doc__)
        return 2
    names = argv[1:] or sorted(p.stem for p in SOURCES.glob("[0-9][0-9]_*.py"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if argv[0] == "check":
        problems = [p for p in map(differs, names) if p]
        print("\n".join(problems) or "every notebook matches its source")
        return 1 if problems else 0
    action = {"build": build, "execute": execute, "student": student}[argv[0]]
    for name in names:
        path = action(name)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
