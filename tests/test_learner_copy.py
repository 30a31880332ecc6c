"""Where learners run the course: their own copies of the notebooks (`make lab`), which no save can turn
into a change to a tracked file, and, outside a checkout, an install cell that says what to set
instead of failing inside pip. No file names a repository that does not exist."""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import REPO, load_tool, python_without_gan_utils

PY = sys.executable
INVENTED = "gan-classroom" + "/gan-classroom"  # written in two halves, so this file does not name it either
needs_git = pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(),
                               reason="needs git and a checkout")


def _nbtool():
    return load_tool("notebooks")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
                          timeout=60).stdout


# -- no invented URL -------------------------------------------------------------------------------

@needs_git
def test_no_file_in_the_repository_names_the_invented_repository():
    found = subprocess.run(["git", "-C", str(REPO), "grep", "--untracked", "-I", "-l", "-F", "-e", INVENTED],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode in (0, 1), found.stderr
    assert found.stdout == "", f"{INVENTED} does not exist, yet these files name it:\n{found.stdout}"


# -- the install cell without a source ---------------------------------------------------------------



def _cloud_env(tmp_path: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GAN_UTILS_", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", XDG_DATA_HOME=str(tmp_path / "xdg"), **extra)
    return env


@pytest.fixture(scope="module")
def cloud_python(tmp_path_factory) -> Path:
    python = python_without_gan_utils(tmp_path_factory.mktemp("cloud"))
    probe = subprocess.run([python, "-c", "import importlib.util; print(importlib.util.find_spec('gan_utils'))"],
                           cwd=python.parent, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == "None", "the test venv's gan_utils leaked into the cloud environment"
    return python


RECORD_PIP = """\
import json, subprocess
calls, done = [], subprocess.CompletedProcess
subprocess.run = lambda *args, **kwargs: calls.append([str(a) for a in args[0]]) or done(args[0], 0)
try:
    exec(CELL)
    error = None
except RuntimeError as e:
    error = str(e)
print(json.dumps({"calls": calls, "error": error}))
"""


@pytest.mark.parametrize("source", [None, ""], ids=["unset", "empty"])
def test_the_install_cell_without_a_source_says_what_to_set_and_never_calls_pip(cloud_python, tmp_path, source):
    cell = _nbtool().INSTALL_CELL
    env = _cloud_env(tmp_path, **({} if source is None else {"GAN_UTILS_SOURCE": source}))
    proc = subprocess.run([cloud_python, "-c", cell + "\nprint('the next cell ran')"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "the next cell ran" not in proc.stdout, "Run all must stop at the install cell"
    for needed in ("GAN_UTILS_SOURCE", "make wheel", "%env GAN_UTILS_SOURCE=", "pip install /path/to/the/clone"):
        assert needed in proc.stdout, f"the instructions do not say {needed!r}:\n{proc.stdout}"
    assert proc.stderr.strip().splitlines()[-1].startswith("RuntimeError: gan_utils is missing: set GAN_UTILS_SOURCE")
    assert "pip" not in proc.stderr and len(proc.stderr.splitlines()) <= 6, f"a short error, no pip:\n{proc.stderr}"
    recorded = subprocess.run([cloud_python, "-c", RECORD_PIP.replace("CELL", repr(cell))], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    info = json.loads(recorded.stdout.strip().splitlines()[-1])
    assert info["calls"] == [] and info["error"].startswith("gan_utils is missing"), info


def test_the_install_cell_stops_with_one_line_when_pip_fails(cloud_python, tmp_path):
    missing = tmp_path / "gan_utils-0.1.0-py3-none-any.whl"  # never written: pip cannot install it
    proc = subprocess.run([cloud_python, "-c", _nbtool().INSTALL_CELL], cwd=tmp_path,
                          env=_cloud_env(tmp_path, GAN_UTILS_SOURCE=str(missing)),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0 and f"installing gan_utils from {missing}" in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: pip could not install gan_utils from") and str(missing) in last
    assert "CalledProcessError" not in proc.stderr


# -- the learner's working copy ----------------------------------------------------------------------

@pytest.fixture
def clone(tmp_path) -> Path:
    """A clone of this repository (objects shared, so it takes a moment) with this checkout's .gitignore."""
    path = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(REPO), str(path)], check=True, timeout=120)
    shutil.copy(REPO / ".gitignore", path / ".gitignore")
    return path


def _save_with_an_edit(root: Path, name: str, line: str) -> None:
    """Open work/NAME in jupytext's contents manager rooted at `root`, as JupyterLab does, add a line to a code cell, save."""
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))

    async def edit_and_save():
        model = await manager.get(name)
        cell = next(c for c in model["content"]["cells"][1:] if c["cell_type"] == "code")
        cell["source"] += "\n" + line
        await manager.save(model, name)

    asyncio.run(edit_and_save())


@needs_git
def test_saving_a_learner_copy_leaves_git_status_clean(clone, monkeypatch):
    nbtool = _nbtool()
    monkeypatch.setattr(nbtool, "NOTEBOOKS", clone / "notebooks")
    work = clone / "work"
    before = _git(clone, "status", "--porcelain", "--untracked-files=all")

    written = nbtool.learner_copy(work)
    course = sorted(p.name for p in (clone / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in written) == course and course
    import jupytext.config

    assert jupytext.config.find_jupytext_configuration_file(work) == str(work / "jupytext.toml")
    assert "jupytext" not in nbformat.read(work / course[0], as_version=4).metadata

    _save_with_an_edit(work, course[0], "print('my own line')")
    assert "print('my own line')" in (work / course[0]).read_text()
    assert sorted(p.name for p in work.iterdir() if p.name != ".ipynb_checkpoints") == sorted(course + ["jupytext.toml"])
    assert not list(work.rglob("*.py")), "saving wrote a paired text file next to the copy"
    assert _git(clone, "status", "--porcelain", "--untracked-files=all") == before, "a tracked file changed"
    assert "!! work/" in _git(clone, "status", "--porcelain", "--ignored").splitlines()
    assert _git(clone, "diff", "--stat", "HEAD", "--", "notebooks") == ""

    assert nbtool.learner_copy(work) == [], "a second copy must not overwrite the learner's"
    assert "print('my own line')" in (work / course[0]).read_text()

    source = nbformat.read(clone / "notebooks" / course[0], as_version=4)
    source.cells[-1].source += "\nA line the course added later."
    nbformat.write(source, clone / "notebooks" / course[0])
    with contextlib.redirect_stdout(io.StringIO()) as said:
        nbtool.learner_copy(work)
    said = said.getvalue()
    assert f"fresh-copy NAME={Path(course[0]).stem}" in said, "tell the learner that the course's notebook changed"

    (fresh,) = nbtool.learner_copy(work, fresh=(Path(course[0]).stem,))
    assert "print('my own line')" not in fresh.read_text() and "A line the course added later." in fresh.read_text()
    (old,) = (work / "old").iterdir()
    assert "print('my own line')" in old.read_text(), "a fresh copy keeps the learner's old one"


def test_the_learner_copy_command_copies_into_a_folder_and_names_what_it_did(tmp_path):
    dest = tmp_path / "mine"
    proc = subprocess.run([PY, "tools/notebooks.py", "learner-copy", str(dest)], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in dest.glob("*.ipynb")) == names and "copied 00_start_here.ipynb" in proc.stdout
    with pytest.raises(SystemExit, match="no notebook named 99_nothing"):
        _nbtool().learner_copy(dest, fresh=("99_nothing",))


@needs_git
def test_the_learners_folder_and_the_wheels_are_git_ignored():
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "--no-index", "work/00_start_here.ipynb",
                              "work/jupytext.toml", "dist/gan_utils-0.1.0-py3-none-any.whl"],
                             capture_output=True, text=True, timeout=60).stdout.split()
    assert ignored == ["work/00_start_here.ipynb", "work/jupytext.toml", "dist/gan_utils-0.1.0-py3-none-any.whl"]


def test_make_lab_opens_the_learners_copy_and_author_lab_the_paired_notebooks():
    makefile = (REPO / "Makefile").read_text()
    lab = makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
    author = makefile.split("\nauthor-lab:", 1)[1].split("\n\n", 1)[0]
    assert "learner-copy work" in lab and "--notebook-dir=work" in lab and "--notebook-dir=notebooks" not in lab
    assert "--notebook-dir=notebooks" in author
