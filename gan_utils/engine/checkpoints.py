"""The checkpoint file format: one .npz written atomically, read back bit for bit.

Introduced in notebook 03. A trainer hands over its state (``GANTrainer.state()``: weights,
optimiser slots, the random generator's state, EMA weights, fixed noise, step, history) and this
module writes it to a temporary file that is swapped into place, so a crash mid-save leaves the
previous checkpoint intact. Beside it go config.json (readable settings) and history.csv.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .paths import NPZ_ERRORS, atomic_write, load_npz

CHECKPOINT_FILE = "checkpoint.npz"
CHECKPOINT_FORMAT = "gan_utils.GANTrainer/1"
HISTORY_KEYS = ("step", "d_loss", "g_loss", "d_real", "d_fake", "lr_g", "lr_d", "time")


def _write_arrays(file, arrays: dict) -> None:
    np.savez(file, **arrays)


def checkpoint_path(directory) -> Path:
    """Return the checkpoint file for a run folder (directory/checkpoint.npz), or the path itself if it names a .npz.

    Introduced in notebook 03.
    """
    path = Path(directory)
    return path if path.suffix == ".npz" else path / CHECKPOINT_FILE


def write_history_csv(path, history: dict) -> Path:
    """Write a training history (a list per HISTORY_KEYS entry) to a CSV file, atomically; return its path.

    Introduced in notebook 03.
    """
    path = Path(path)
    text = f"{','.join(HISTORY_KEYS)}\n" + "".join(
        ",".join(repr(history[k][i]) for k in HISTORY_KEYS) + "\n" for i in range(len(history["step"])))
    atomic_write(path, lambda f: f.write(text.encode()))
    return path


def write_checkpoint(directory, arrays: dict, meta: dict, info: dict | None = None) -> Path:
    """Write arrays and meta to directory/checkpoint.npz (atomic), plus config.json and history.csv; return the .npz path.

    Introduced in notebook 03.

    ``meta`` needs "config", "settings", "step" and "history"; ``info`` adds readable fields to config.json
    (the command line puts the data set and source there).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stored = {**arrays, "meta": np.array(json.dumps({"format": CHECKPOINT_FORMAT, **meta}))}
    path = directory / CHECKPOINT_FILE
    atomic_write(path, lambda f: _write_arrays(f, stored))
    readable = json.dumps({"config": meta["config"], "settings": meta["settings"], "step": meta["step"],
                           **(info or {})}, indent=2)
    atomic_write(directory / "config.json", lambda f: f.write(readable.encode()))
    write_history_csv(directory / "history.csv", meta["history"])
    return path


def read_checkpoint(path) -> tuple[dict, dict]:
    """Return (arrays, meta) of a checkpoint file; ValueError naming the file if it is corrupt. Introduced in notebook 03."""
    path = checkpoint_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        arrays = load_npz(path)
        meta = json.loads(str(arrays.pop("meta")))
    except NPZ_ERRORS as err:
        raise ValueError(f"{path} is not a readable GAN checkpoint (truncated or corrupt?): {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a {CHECKPOINT_FORMAT} checkpoint")
    return arrays, meta
