"""Paths, the GAN_UTILS_FAST workload knob and seeding, shared by every notebook (introduced in 00)."""
from __future__ import annotations

import os
import random
import tempfile
import sys
from pathlib import Path
from typing import Callable

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent


def repo_root() -> Path:
    """Return the repository root, whatever the current folder (JupyterLab starts in notebooks/)."""
    return REPO_ROOT


def data_dir() -> Path:
    """Return the project's data/ folder (user-provided mnist.npz, shipped weights)."""
    return Path(os.environ.get("GAN_UTILS_DATA_DIR", REPO_ROOT / "data"))


def runs_dir() -> Path:
    """Return the folder where training runs are written (runs/ at the repository root)."""
    return Path(os.environ.get("GAN_UTILS_RUNS_DIR", REPO_ROOT / "runs"))


def cache_dir() -> Path:
    """Return a writable cache folder for parsed data sets (kept out of git)."""
    return Path(os.environ.get("GAN_UTILS_CACHE_DIR", data_dir() / "cache"))


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
