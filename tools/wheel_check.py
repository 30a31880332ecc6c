"""The wheel on a second Python, outside the repository: build it, install it, run every notebook (CI, after `make test`).

    python tools/wheel_check.py [--python PATH] [--wheel FILE] [--venv DIR] [--only NAME ...] [--keep]

1. finds a second interpreter: Python 3.12, else 3.13 (else 3.11; never the version running this
   script), on PATH or among pyenv's versions; `--python PATH` names one. None found: prints
   "skipped: no second Python (3.12 or 3.13) found" and exits 0;
2. builds the wheel (what `make wheel` does) into a temporary folder outside the repository;
3. makes a fresh venv with that interpreter and installs `WHEEL[notebooks]` with the dependencies
   pyproject.toml declares (pip picks the newest versions in those ranges, not requirements.txt's
   lock: what a learner's `pip install` gets), plus nbclient and nbformat from the `test` extra;
4. copies the notebooks with the installed `gan-utils notebooks DIR` and executes each one with
   nbclient in that venv's `python3` kernel (checked: the kernel's sys.prefix is the venv's), in
   fast mode and offline (GAN_UTILS_FAST=1, GAN_UTILS_OFFLINE=1), in the temporary folder.

Exit 0 when every notebook ran without an error, 1 on any cell error (the notebook, the cell's
index and the error are printed) or a failed build or install, 2 on a bad argument. Standard
library only: the repository's venv runs it (`make wheel-check`), and the venv under test runs
it again with --execute (an internal option) to execute the notebooks.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Preferred in this order; the version running this script (3.11 in the repository's venv) is never "second".
SECOND_VERSIONS = ("3.12", "3.13", "3.11")
RUNNER_EXTRA = ("test", ("nbclient", "nbformat"))  # what executing the notebooks needs, with pyproject.toml's ranges
CELL_TIMEOUT = 900  # seconds, as `make test`'s nbval
RESULTS = "results.json"  # the executing venv's verdicts, read back by the parent
PROBE = ("import json, sys, gan_utils\n"
         "print(json.dumps({'executable': sys.executable, 'prefix': sys.prefix, 'version': sys.version.split()[0],\n"
         "                  'gan_utils': gan_utils.__file__}))")


def say(text: str) -> None:
    """Print a line of the check's own at once (pip's and the notebooks' output interleave with it)."""
    print(f"[wheel check] {text}", flush=True)


def python_version(python: str) -> str | None:
    """The full version ("3.12.1") of an interpreter that runs and can make a venv with pip, else None."""
    try:
        proc = subprocess.run([python, "-c", "import sys, venv, ensurepip; print('%d.%d.%d' % sys.version_info[:3])"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+", proc.stdout.strip()) else None


def _candidates(version: str) -> list[str]:
    """Where python{version} may be: on PATH (a pyenv shim there may refuse to run), then pyenv's versions, newest first."""
    found = [shutil.which(f"python{version}")]
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv")]
    for root in dict.fromkeys(r for r in roots if r):
        pattern = os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")
        found += sorted(glob.glob(pattern), key=lambda p: [int(n) for n in re.findall(r"\d+", Path(p).parts[-3])],
                        reverse=True)
    return [p for p in found if p]


def second_versions(current: str = "%d.%d" % sys.version_info[:2]) -> list[str]:
    """The versions a second Python may have, preferred first: SECOND_VERSIONS but `current`."""
    return [version for version in SECOND_VERSIONS if version != current]


def find_second_python() -> tuple[str, str] | None:
    """(path, full version) of the first working interpreter of second_versions(); None if there is none."""
    for version in second_versions():
        for candidate in _candidates(version):
            full = python_version(candidate)
            if full and full.startswith(version + "."):
                return candidate, full
    return None


def run(command: list, **kwargs) -> None:
    """Run a step with its output shown as it comes; a failure stops the check (exit 1)."""
    say("$ " + " ".join(str(c) for c in command))
    sys.stdout.flush()
    proc = subprocess.run([str(c) for c in command], **kwargs)
    if proc.returncode != 0:
        raise SystemExit(f"wheel check: FAILED: `{' '.join(str(c) for c in command)}` exited {proc.returncode}")


def build_wheel(out: Path) -> Path:
    """Build the wheel (as `make wheel`) into out with this interpreter; return its path."""
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)]
    say("$ " + " ".join(build + ["--no-build-isolation"]))
    if subprocess.run(build + ["--no-build-isolation"]).returncode != 0:  # no setuptools here: let pip fetch one
        run(build)
    (wheel,) = sorted(out.glob("gan_utils-*.whl"))
    return wheel


def runner_requirements() -> list[str]:
    """The requirements of pyproject.toml's `test` extra that executing notebooks needs (nbclient, nbformat), ranges kept."""
    extra, names = RUNNER_EXTRA
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"][extra]
    wanted = [r for r in declared if re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower() in names]
    if len(wanted) != len(names):
        raise SystemExit(f"wheel check: pyproject.toml's `{extra}` extra must declare {', '.join(names)}")
    return wanted


def venv_python(venv: Path) -> Path:
    """The interpreter of a venv (Scripts\\python.exe on Windows)."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def clean_env(work: Path, venv: Path) -> dict:
    """The environment of everything run in the venv: no repository on sys.path, no user's Jupyter, fast and offline."""
    (work / "home").mkdir(exist_ok=True)  # IPython and Jupyter make their folders in it
    drop = ("GAN_UTILS_", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER", "IPYTHONDIR", "CONDA_PREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(GAN_UTILS_FAST="1", GAN_UTILS_OFFLINE="1", TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1",
               VIRTUAL_ENV=str(venv), PATH=str(venv_python(venv).parent) + os.pathsep + env.get("PATH", ""),
               XDG_DATA_HOME=str(work / "home" / "data"), KERAS_HOME=str(work / "home" / "keras"),
               JUPYTER_DATA_DIR=str(work / "home" / "jupyter-data"),
               JUPYTER_CONFIG_DIR=str(work / "home" / "jupyter-config"), IPYTHONDIR=str(work / "home" / "ipython"),
               MPLCONFIGDIR=str(work / "home" / "matplotlib"))
    return env


def check(args: argparse.Namespace) -> int:
    """Build, install and execute (steps 2 to 4 of the module's docstring) with args.python; return the exit code."""
    started = time.monotonic()
    python, version = args.python
    work = Path(tempfile.mkdtemp(prefix="gan-utils-wheel-check-")).resolve()
    if work.is_relative_to(ROOT):
        raise SystemExit(f"wheel check: the temporary folder {work} is inside the repository; set TMPDIR elsewhere")
    say(f"Python {version} at {python}; working in {work} (outside the repository)")
    try:
        wheel = args.wheel.resolve() if args.wheel else build_wheel(work / "dist")
        say(f"wheel: {wheel.name}, {wheel.stat().st_size / 1e6:.1f} MB")
        venv = (args.venv or work / "venv").resolve()
        reuse = venv_python(venv).exists()
        env = clean_env(work, venv)
        if not reuse:
            run([python, "-m", "venv", venv], cwd=work)
        py = venv_python(venv)
        run([py, "-m", "pip", "install", "--upgrade", "pip"], cwd=work, env=env)
        run([py, "-m", "pip", "install", f"{wheel}[notebooks]", *runner_requirements()], cwd=work, env=env)
        if reuse:  # the same version number installed from an earlier wheel: replace it with this one
            run([py, "-m", "pip", "install", "--no-deps", "--force-reinstall", wheel], cwd=work, env=env)
        subprocess.run([py, "-c", "import importlib.metadata as m\nfor n in ('gan-utils', 'tensorflow', 'keras', "
                        "'numpy', 'scipy', 'matplotlib', 'ipywidgets', 'jupyterlab', 'ipykernel', 'nbclient'):\n"
                        "    print(f'[wheel check] installed {n}=={m.version(n)}')"], cwd=work, env=env)
        course = work / "course"
        run([py, "-m", "gan_utils", "notebooks", course], cwd=work, env=env)
        only = [f"--only={name}" for name in args.only]
        proc = subprocess.run([str(py), str(Path(__file__).resolve()), "--execute", str(course), *only],
                              cwd=work, env=env)
        results = json.loads((course / RESULTS).read_text()) if (course / RESULTS).exists() else []
    finally:
        if args.keep:
            say(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    failed = [r["notebook"] for r in results if not r["passed"]]
    if proc.returncode != 0 or failed or not results:
        print(f"wheel check: FAILED: {len(failed)} of {len(results)} notebooks failed"
              f"{' (' + ', '.join(failed) + ')' if failed else ''} on Python {version} from {wheel.name}"
              f" ({minutes} min {seconds} s)", flush=True)
        return 1
    print(f"wheel check: {len(results)} notebooks passed on Python {version} from {wheel.name}"
          f" ({minutes} min {seconds} s)", flush=True)
    return 0


def _probe_kernel(course: Path) -> dict:
    """Run PROBE in the `python3` kernel and return what it printed; exit 1 unless that kernel is this venv's Python."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    spec = KernelSpecManager().get_kernel_spec("python3")
    say(f"kernel python3: {spec.resource_dir}: {' '.join(spec.argv)}")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(course)}}).execute()
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")
    info = json.loads(text.strip().splitlines()[-1])
    prefix = Path(sys.prefix).resolve()
    say(f"kernel runs {info['executable']} (Python {info['version']}); gan_utils from {info['gan_utils']}")
    if Path(info["prefix"]).resolve() != prefix:
        raise SystemExit(f"wheel check: FAILED: the python3 kernel runs {info['executable']}, not this venv's Python "
                         f"({sys.executable})")
    if not Path(info["gan_utils"]).resolve().is_relative_to(prefix) or Path(info["gan_utils"]).resolve().is_relative_to(ROOT):
        raise SystemExit(f"wheel check: FAILED: the kernel imports gan_utils from {info['gan_utils']}, not the wheel "
                         f"installed in {prefix}")
    return info


def execute(course: Path, only: list[str]) -> int:
    """Execute every notebook in course (or those named in only) in this venv's kernel; 1 if any cell fails.

    Runs inside the venv under test (`--execute`); writes course/results.json for the parent.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    _probe_kernel(course)
    notebooks = sorted(p for p in course.glob("[0-9][0-9]_*.ipynb") if not only or p.stem in only)
    if not notebooks:
        raise SystemExit(f"wheel check: FAILED: no notebooks to run in {course}")
    results = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        where = {"index": None}
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(course)}},
                                on_cell_start=lambda cell, cell_index: where.update(index=cell_index))
        say(f"{path.name}: running ({sum(c.cell_type == 'code' for c in nb.cells)} code cells)")
        started = time.monotonic()
        error = None
        try:
            client.execute()
        except CellExecutionError as err:
            error = f"{err.ename}: {err.evalue}\n" + "\n".join(str(err).strip().splitlines()[-15:])
        except Exception as err:  # a timeout, a dead kernel: still name the notebook and the cell
            error = f"{type(err).__name__}: {err}"
        seconds = time.monotonic() - started
        nbformat.write(nb, path)
        results.append({"notebook": path.name, "passed": error is None, "seconds": round(seconds, 1),
                        "cell": where["index"] if error else None})
        if error:
            say(f"{path.name}: FAILED at cell {where['index']} after {seconds:.0f} s:\n{error}")
        else:
            say(f"{path.name}: passed in {seconds:.0f} s")
        (course / RESULTS).write_text(json.dumps(results, indent=1))
    return 1 if any(not r["passed"] for r in results) else 0


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The command line (exit 2 on a bad argument, e.g. a --python that does not run)."""
    parser = argparse.ArgumentParser(prog="tools/wheel_check.py", description=__doc__.split("\n\n")[0],
                                     epilog="The steps, in full, are in the script's docstring. "
                                            "`make wheel-check` runs it; CI runs it after `make test`.")
    parser.add_argument("--python", metavar="PATH",
                        help=f"the second interpreter (default: the first found of Python {', '.join(second_versions())}"
                             ", on PATH or among pyenv's versions)")
    parser.add_argument("--wheel", type=Path, metavar="FILE", help="install this wheel instead of building one")
    parser.add_argument("--venv", type=Path, metavar="DIR",
                        help="use (and keep) the venv in DIR, made if missing, so a rerun skips the downloads "
                             "(default: a fresh one in a temporary folder, removed afterwards)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this notebook (e.g. 00_start_here); repeat for more (default: every notebook)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (executed copies, the venv)")
    parser.add_argument("--execute", type=Path, metavar="COURSE", help=argparse.SUPPRESS)  # inside the venv
    args = parser.parse_args(argv)
    if args.wheel and not args.wheel.is_file():
        parser.error(f"--wheel {args.wheel}: no such file")
    if args.python is not None and args.execute is None:
        version = python_version(args.python)
        if version is None:
            parser.error(f"--python {args.python}: not an interpreter that runs and can make a venv with pip")
        args.python = (args.python, version)
    return args


def main(argv: list[str] | None = None) -> int:
    """Find the second Python (or skip), then check the wheel with it; return the exit code."""
    args = parse(argv)
    if args.execute is not None:
        return execute(args.execute.resolve(), args.only)
    if args.python is None:
        args.python = find_second_python()
        if args.python is None:
            versions = second_versions()
            print(f"skipped: no second Python ({', '.join(versions[:-1])} or {versions[-1]}) found "
                  "(install one, e.g. `pyenv install 3.12`, or give --python PATH)")
            return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
