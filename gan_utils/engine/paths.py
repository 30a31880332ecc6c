"""Where things live (the repository or the installed package, the user's data, runs, caches); safe file reads and writes.

Introduced in notebook 00. In a checkout everything lives under the repository root; from an
installed wheel the shipped files come from inside the package and a user's own files go to a
per-user folder (or the current folder for runs).
"""
from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Callable

import numpy as np

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # gan_utils/
REPO_ROOT = PACKAGE_DIR.parent
APP_NAME = "gan-classroom"


def in_checkout() -> bool:
    """Return True when gan_utils is imported from a clone of the repository (not an installed wheel).

    Not used in a notebook: the path functions ask it whether files live in a checkout or an installed package.
    """
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "notebooks").is_dir()


def repo_root() -> Path:
    """Return the repository root, whatever the current folder (JupyterLab starts in notebooks/).

    Not used in a notebook: the tests and tools find the checkout with it.
    """
    return REPO_ROOT


def shipped_path(*parts: str) -> Path:
    """Return a file the package ships (classifier, pretrained generators, results): data/ in a checkout, inside the wheel otherwise.

    Introduced in notebook 05.
    """
    base = REPO_ROOT / "data" if in_checkout() else PACKAGE_DIR / "_shipped"
    return base.joinpath(*parts)


def user_data_home() -> Path:
    """Return the per-user data folder used outside a checkout (XDG on Linux, Application Support on macOS).

    Not used in a notebook: data_dir's folder outside a checkout.
    """
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_NAME


def data_dir() -> Path:
    """Return where a user's own data goes (mnist.npz, caches): data/ in a checkout, else the per-user data folder.

    Not used in a notebook: load_mnist looks for data/mnist.npz here.
    """
    if os.environ.get("GAN_UTILS_DATA_DIR"):
        return Path(os.environ["GAN_UTILS_DATA_DIR"])
    return REPO_ROOT / "data" if in_checkout() else user_data_home()


def runs_dir() -> Path:
    """Return where training runs are written: runs/ at the repository root in a checkout, else runs/ in the current folder.

    Introduced in notebook 03.
    """
    if os.environ.get("GAN_UTILS_RUNS_DIR"):
        return Path(os.environ["GAN_UTILS_RUNS_DIR"])
    return REPO_ROOT / "runs" if in_checkout() else Path.cwd() / "runs"


def cache_dir() -> Path:
    """Return a writable cache folder for parsed data sets (kept out of git).

    Not used in a notebook: for one's own caches of parsed data; the tests check it.
    """
    return Path(os.environ.get("GAN_UTILS_CACHE_DIR") or data_dir() / "cache")


def command_line(script: str, argv) -> str:
    """The command that ran `script` with `argv`, as a results file records it: files named by display_path, shell-quoted.

    Not used in a notebook: the benchmarks write it into data/results/.
    """
    import shlex

    def shown(arg: str) -> str:
        return display_path(arg) if os.path.isfile(arg) else arg

    return " ".join(["python", script, *(shlex.quote(shown(str(a))) for a in argv)])


def display_path(path) -> str:
    """Name a path as a user would see it: relative to the repository (in a checkout) or the current folder, or with ~ for home.

    Introduced in notebook 03. In a checkout, a file in a folder beside the repository (such as a
    shared data folder) is named from the repository too, as ../folder/file.
    """
    path = Path(path).expanduser().absolute()
    bases = ([REPO_ROOT] if in_checkout() else []) + [Path.cwd()]
    beside = [(REPO_ROOT.absolute().parent, "../")] if in_checkout() else []
    for base, prefix in [(b, "") for b in bases] + [(Path.home(), "~/")] + beside:
        try:
            return prefix + str(path.relative_to(base.absolute()))
        except ValueError:
            continue
    return str(path)


def atomic_write(path: Path, write: Callable) -> None:
    """Call write(file) on a temporary file beside `path`, then swap it into place; on any error keep the old file.

    Not used in a notebook: checkpoints, history files and downloads are written with it.
    """
    path = Path(path)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # mkstemp's 0600 would hide a shipped file
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


NPZ_ERRORS = (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError)  # what a truncated or pickled .npz raises


def load_npz(path) -> dict:
    """Return every array of an .npz file as a dict, never unpickling (a pickled array raises ValueError).

    Not used in a notebook: checkpoints and mnist.npz files are read with it.
    """
    with np.load(path, allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}
