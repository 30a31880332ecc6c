"""gan_utils as a package: the wheel works outside the repository, its ranges admit the lock, and the
notebooks' first cell installs it where it is missing (a cloud notebook)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from conftest import REPO, load_tool, python_without_gan_utils

PY = sys.executable
# requirements.txt locks the CPU build of TensorFlow on x86-64 Linux; the package asks for plain "tensorflow".
LOCK_ALIASES = {"tensorflow-cpu": "tensorflow"}


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def locked_versions() -> dict[str, list[str]]:
    """Every version the developer's lock (which holds the learner's) pins, by package name."""
    found: dict[str, list[str]] = {}
    for line in (REPO / "requirements-dev.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            version = next(iter(req.specifier)).version
            found.setdefault(LOCK_ALIASES.get(req.name.lower(), req.name.lower()), []).append(version)
    return found


def declared() -> list[Requirement]:
    project = pyproject()["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in project["dependencies"] + extras]


def test_every_locked_version_satisfies_the_declared_range():
    locked = locked_versions()
    reqs = declared()
    assert {r.name for r in reqs} >= {"tensorflow", "keras", "numpy", "scipy", "matplotlib", "ipywidgets", "tqdm",
                                      "mlxtend"}
    for req in reqs:
        assert req.specifier, f"{req.name} has no version range in pyproject.toml"
        assert req.name in locked, f"{req.name} is declared in pyproject.toml but not locked in requirements-dev.txt"
        for version in locked[req.name]:
            assert req.specifier.contains(version), f"locked {req.name}=={version} is outside {req}"


def test_runtime_dependencies_ask_for_tensorflow_not_the_cpu_build():
    names = [Requirement(r).name for r in pyproject()["project"]["dependencies"]]
    assert "tensorflow" in names and "tensorflow-cpu" not in names


def test_the_version_is_defined_once_and_printed_by_the_cli():
    import gan_utils

    assert pyproject()["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "gan_utils.__version__"}
    assert "version" not in pyproject()["project"]
    proc = subprocess.run([PY, "-m", "gan_utils", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == f"gan_utils {gan_utils.__version__}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([PY, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(out),
                           str(REPO)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("gan_utils-*.whl")
    return path


def test_the_wheel_carries_every_module_and_the_shipped_files(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "gan_utils").rglob("*.py")}
    assert modules <= names, f"missing from the wheel: {sorted(modules - names)}"
    shipped = {"gan_utils/_shipped/" + p.relative_to(REPO / "data").as_posix()
               for pattern in ("classifier/*", "pretrained/*", "results/*.json") for p in (REPO / "data").glob(pattern)}
    assert shipped and shipped <= names, f"missing from the wheel: {sorted(shipped - names)}"
    assert not [n for n in names if "cache/" in n or n.endswith("mnist.npz")], "user data must not ship"


def test_the_wheel_carries_the_notebooks_and_the_glossary_they_link_to(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    course = {f"gan_utils/_notebooks/{p.name}" for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    sources = {f"gan_utils/_notebooks/{p.stem}.ipynb" for p in (REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py")}
    assert course == sources and len(course) >= 7, f"notebooks without a source or not built: {sorted(course ^ sources)}"
    assert course <= names, f"missing from the wheel: {sorted(course - names)}"
    assert "gan_utils/_docs/glossary.md" in names
    extra = {n for n in names if n.startswith(("gan_utils/_notebooks/", "gan_utils/_docs/"))} - course
    assert extra == {"gan_utils/_docs/glossary.md"}, f"only the executed notebooks and the glossary: {sorted(extra)}"
    assert wheel.stat().st_size < 15e6, f"the wheel grew to {wheel.stat().st_size / 1e6:.1f} MB"


def test_the_notebooks_extra_holds_what_gan_utils_lab_needs():
    extras = pyproject()["project"]["optional-dependencies"]
    assert {"jupyterlab", "ipykernel"} <= {Requirement(r).name for r in extras["notebooks"]}
    assert "ipywidgets" in {Requirement(r).name for r in pyproject()["project"]["dependencies"]}
    assert {"nbclient", "nbformat"} <= {Requirement(r).name for r in extras["test"]}, "tools/wheel_check.py runs with them"


def _installed_elsewhere(wheel: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Install the wheel alone into tmp_path/site; return that folder and an empty working folder beside it."""
    target = tmp_path / "site"
    proc = subprocess.run([PY, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    return target, work


def test_the_installed_wheel_copies_its_own_notebooks(wheel, tmp_path):
    target, work = _installed_elsewhere(wheel, tmp_path)
    proc = subprocess.run([PY, "-m", "gan_utils", "notebooks", "course"], cwd=work, env=_outside_env(tmp_path, target),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    copied = sorted(p.name for p in (work / "course").iterdir())
    course = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert copied == sorted(course + ["glossary.md", "jupytext.toml"]), copied
    assert "](glossary.md" in (work / "course" / "00_start_here.ipynb").read_text()
    assert "copied into course/: 00_start_here.ipynb" in proc.stdout


# -- tools/wheel_check.py: the wheel on a second Python (CI runs it; tests check only its cheap paths) --------

def _wheel_check(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PY, str(REPO / "tools" / "wheel_check.py"), *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_wheel_check_explains_itself_and_refuses_a_missing_python():
    proc = _wheel_check("--help")
    assert proc.returncode == 0 and "--python PATH" in proc.stdout and "second Python" in proc.stdout
    proc = _wheel_check("--python", "/nonexistent/python3.12")
    assert proc.returncode == 2 and "--python /nonexistent/python3.12: not an interpreter that runs" in proc.stderr
    assert [r.split(">")[0] for r in load_tool("wheel_check").runner_requirements()] == ["nbclient", "nbformat"]


def test_wheel_check_skips_saying_so_where_there_is_no_second_python(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "PYENV_ROOT": str(tmp_path / "pyenv"), "HOME": str(tmp_path)}
    proc = _wheel_check(env=env)
    versions = load_tool("wheel_check").second_versions()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"skipped: no second Python ({', '.join(versions[:-1])} or {versions[-1]}) found")
    if sys.version_info[:2] == (3, 11):
        assert proc.stdout.startswith("skipped: no second Python (3.12 or 3.13) found")


def _outside_env(tmp_path: Path, pythonpath: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAN_UTILS_")}
    env.update(GAN_UTILS_OFFLINE="1", GAN_UTILS_FAST="1", XDG_DATA_HOME=str(tmp_path / "xdg"),
               KERAS_HOME=str(tmp_path / "keras"), TF_CPP_MIN_LOG_LEVEL="3")
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return env


@pytest.mark.slow
def test_the_installed_wheel_works_outside_the_repository(wheel, tmp_path):
    target, work = _installed_elsewhere(wheel, tmp_path)
    env = _outside_env(tmp_path, target)
    script = (
        "import json, numpy as np, gan_utils as gu\n"
        "from gan_utils import metrics, paths\n"
        "images = gu.pretrained.generate(gu.load_pretrained('cdcgan'), 20, labels=7)\n"
        "pred = np.argmax(metrics.classify(images), axis=1)\n"
        "print(json.dumps({'file': gu.__file__, 'checkout': paths.in_checkout(), 'shape': list(images.shape),\n"
        "                  'sevens': float(np.mean(pred == 7)), 'runs': str(gu.runs_dir()),\n"
        "                  'data': str(gu.data_dir())}))\n"
    )
    proc = subprocess.run([PY, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert Path(info["file"]).resolve().is_relative_to(target.resolve()), info["file"]
    assert info["checkout"] is False and info["shape"] == [20, 28, 28, 1]
    assert info["sevens"] >= 0.8, "the shipped conditional generator, judged by the shipped classifier"
    assert info["runs"] == str(work / "runs") and info["data"] == str(tmp_path / "xdg" / "gan-classroom")
    run = tmp_path / "run"
    proc = subprocess.run([PY, "-m", "gan_utils", "train", "--steps", "3", "--samples", "100", "--out", str(run)],
                          cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert {"checkpoint.npz", "config.json", "metrics.json", "samples.png"} <= {p.name for p in run.iterdir()}
    assert "put Keras' mnist.npz in " in proc.stdout and "gan-classroom/" in proc.stdout, "name the user data folder"


# -- the notebooks' install cell --------------------------------------------------------------

def _nbtool():
    return load_tool("notebooks")


def test_every_notebook_starts_with_the_same_install_cell():
    nbtool = _nbtool()
    for path in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        first = json.loads(path.read_text())["cells"][0]
        assert first["cell_type"] == "code" and "".join(first["source"]) == nbtool.INSTALL_CELL, path.name
    urls = pyproject()["project"].get("urls", {})
    if nbtool.REPOSITORY:
        assert urls.get("Repository") == nbtool.REPOSITORY, "the install cell and pyproject.toml name different repositories"
        assert f'"git+{nbtool.REPOSITORY}"' in nbtool.INSTALL_CELL
    else:  # no published home yet: nothing may name one (tests/test_learner_copy.py checks the cell without a source)
        assert "Repository" not in urls, "pyproject.toml names a repository that the install cell does not"
        assert 'os.environ.get("GAN_UTILS_SOURCE", "")' in nbtool.INSTALL_CELL, "no default source while there is none"




@pytest.mark.slow
def test_the_install_cell_installs_gan_utils_where_it_is_missing(wheel, tmp_path):
    python = python_without_gan_utils(tmp_path)
    env = _outside_env(tmp_path)
    env.update(GAN_UTILS_SOURCE=str(wheel), PIP_NO_DEPS="1", PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    cell = _nbtool().INSTALL_CELL
    script = (
        "import importlib.util, json\n"
        "before = importlib.util.find_spec('gan_utils') is not None\n"
        f"exec({cell!r})\n"
        "import gan_utils as gu\n"
        "print(json.dumps({'before': before, 'file': gu.__file__, 'names': gu.pretrained.pretrained_names()}))\n"
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    proc = subprocess.run([python, "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["before"] is False, "the test venv's gan_utils leaked into the cloud environment"
    assert Path(info["file"]).resolve().is_relative_to((tmp_path / "cloud").resolve())
    assert {"cdcgan", "dcgan"} <= set(info["names"])
    again = subprocess.run([python, "-c", cell + "\nprint('ok')"], cwd=work, env={**env, "GAN_UTILS_SOURCE": "/nope"},
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stdout.strip() == "ok", "a second run must not reinstall"


def test_the_install_cell_does_nothing_in_a_checkout():
    proc = subprocess.run([PY, "-c", _nbtool().INSTALL_CELL], env={**os.environ, "GAN_UTILS_SOURCE": "/nope"},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and not re.search(r"pip|install", proc.stdout + proc.stderr, re.I)


def test_every_third_party_module_the_package_imports_is_declared():
    """gan_utils' own imports (read from its source) each name a distribution pyproject.toml depends on."""
    import ast

    module_to_distribution = {"PIL": "pillow", "IPython": "ipython", "dp_accounting": "dp-accounting"}
    imported = set()
    for path in (REPO / "gan_utils").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {m for m in imported if m not in sys.stdlib_module_names and m != "gan_utils"}
    names = {Requirement(r).name.lower() for r in pyproject()["project"]["dependencies"]}
    missing = sorted(m for m in third_party if module_to_distribution.get(m, m).lower() not in names)
    assert missing == [], f"gan_utils imports {missing} but pyproject.toml does not depend on them"
