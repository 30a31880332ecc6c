"""Paths, the GAN_UTILS_FAST workload knob, the GAN_UTILS_CLASSROOM switch and seeding, shared by every notebook (introduced in 00)."""
from __future__ import annotations

import contextlib
import os
import random
import tempfile
import sys
from pathlib import Path
from typing import Callable

import numpy as np

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent
APP_NAME = "gan-classroom"


def in_checkout() -> bool:
    """Return True when gan_utils is imported from a clone of the repository (not an installed wheel)."""
    return (REPO_ROOT / "pyproject.toml").is_file() and (REPO_ROOT / "notebooks").is_dir()


def repo_root() -> Path:
    """Return the repository root, whatever the current folder (JupyterLab starts in notebooks/)."""
    return REPO_ROOT


def shipped_path(*parts: str) -> Path:
    """Return a file the package ships (classifier, pretrained generators, results): data/ in a checkout, inside the wheel otherwise."""
    base = REPO_ROOT / "data" if in_checkout() else PACKAGE_DIR / "_shipped"
    return base.joinpath(*parts)


def user_data_home() -> Path:
    """Return the per-user data folder used outside a checkout (XDG on Linux, Application Support on macOS)."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / APP_NAME
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / APP_NAME


def data_dir() -> Path:
    """Return where a user's own data goes (mnist.npz, caches): data/ in a checkout, else the per-user data folder."""
    if os.environ.get("GAN_UTILS_DATA_DIR"):
        return Path(os.environ["GAN_UTILS_DATA_DIR"])
    return REPO_ROOT / "data" if in_checkout() else user_data_home()


def runs_dir() -> Path:
    """Return where training runs are written: runs/ at the repository root in a checkout, else runs/ in the current folder."""
    if os.environ.get("GAN_UTILS_RUNS_DIR"):
        return Path(os.environ["GAN_UTILS_RUNS_DIR"])
    return REPO_ROOT / "runs" if in_checkout() else Path.cwd() / "runs"


def cache_dir() -> Path:
    """Return a writable cache folder for parsed data sets (kept out of git)."""
    return Path(os.environ.get("GAN_UTILS_CACHE_DIR") or data_dir() / "cache")


def display_path(path) -> str:
    """Name a path as a user would see it: relative to the repository (in a checkout) or the current folder, or with ~ for home."""
    path = Path(path).expanduser().absolute()
    bases = ([REPO_ROOT] if in_checkout() else []) + [Path.cwd()]
    for base, prefix in [(b, "") for b in bases] + [(Path.home(), "~/")]:
        try:
            return prefix + str(path.relative_to(base.absolute()))
        except ValueError:
            continue
    return str(path)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def is_fast() -> bool:
    """Return True when GAN_UTILS_FAST is set (tests and CI shrink every workload)."""
    return _env_flag("GAN_UTILS_FAST")


def is_offline() -> bool:
    """Return True when GAN_UTILS_OFFLINE is set: no download is ever attempted."""
    return _env_flag("GAN_UTILS_OFFLINE")


def fast(full, fast_value):
    """Return `fast_value` under GAN_UTILS_FAST=1, else `full` (the one workload knob)."""
    return fast_value if is_fast() else full


CLASSROOM_ENV = "GAN_UTILS_CLASSROOM"
CLASSROOM_PREFIX = "Classroom mode:"
_ON, _OFF = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def is_classroom() -> bool:
    """Return True when GAN_UTILS_CLASSROOM is on: notebooks load shipped results instead of their long training."""
    value = os.environ.get(CLASSROOM_ENV, "").strip().lower()
    if value not in _ON | _OFF:
        raise ValueError(f"{CLASSROOM_ENV}={os.environ[CLASSROOM_ENV]!r} is neither on (1, true, yes, on) "
                         f"nor off (0, false, no, off, empty)")
    return value in _ON


def classroom(on: bool | None = None) -> bool:
    """Switch classroom mode on (True) or off (False) for this kernel and what it starts; return whether it is on."""
    if on is not None:
        if not isinstance(on, bool):
            raise ValueError(f"gu.classroom takes True, False or nothing, got {on!r}")
        os.environ[CLASSROOM_ENV] = "1" if on else "0"
    return is_classroom()


def classroom_note(done: str, skipped: str, rerun: str = "run it for real") -> str:
    """Print and return a classroom-mode cell's one line: what it did instead of what, and how to run it for real."""
    line = f"{CLASSROOM_PREFIX} {done} instead of {skipped}; gu.classroom(False) and rerun this cell to {rerun}."
    print(line)
    return line


def classroom_replaces(done: str, skipped: str, rerun: str = "run it for real") -> bool:
    """In classroom mode print the cell's note (gu.classroom_note) and return True; otherwise return False and print nothing."""
    if not is_classroom():
        return False
    classroom_note(done, skipped, rerun)
    return True


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and (if already imported or importable) TensorFlow/Keras, for repeatable runs."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed))
    try:
        import keras
    except ImportError:  # pragma: no cover - TensorFlow is a pinned requirement
        return
    keras.utils.set_random_seed(int(seed))


def import_tensorflow_quietly():
    """Import TensorFlow with its start-up log lines (written straight to stderr by C++) silenced."""
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow


MODEL_NAMES = ("mlp", "dcgan", "cdcgan")
LOSS_NAMES = ("minimax", "non_saturating", "wgan_gp", "hinge")
DATA_NAMES = ("mnist", "fashion")


def atomic_write(path: Path, write: Callable) -> None:
    """Call write(file) on a temporary file beside `path`, then swap it into place; on any error keep the old file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


@contextlib.contextmanager
def quiet_retracing():
    """Silence TensorFlow's Python warnings (the retracing one) for a block that retraces on purpose."""
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)
