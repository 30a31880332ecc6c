"""Checkpoints of a GANTrainer: one .npz written atomically, restored bit for bit.

Introduced in notebook 03. Everything training changes (weights, optimiser slots, the random
generator's state, EMA weights, step, history) goes into one file, written to a temporary file
and swapped into place, so a crash mid-save leaves the previous checkpoint intact.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .paths import atomic_write

if TYPE_CHECKING:
    from .training import GANTrainer

CHECKPOINT_FILE = "checkpoint.npz"
CHECKPOINT_FORMAT = "gan_utils.GANTrainer/1"
HISTORY_KEYS = ("step", "d_loss", "g_loss", "d_real", "d_fake", "lr_g", "lr_d", "time")


def _write_arrays(file, arrays: dict) -> None:
    np.savez(file, **arrays)


def _checkpoint_path(directory) -> Path:
    path = Path(directory)
    return path if path.suffix == ".npz" else path / CHECKPOINT_FILE


def _with_defaults(config: dict) -> dict:
    """Fill in size arguments added since a checkpoint was written (e.g. spectral_norm=False)."""
    from .models import _SIZES

    return {**_SIZES.get(config.get("model"), {}), **config}


def read_checkpoint(path) -> tuple[dict, dict]:
    """Return (arrays, meta) of a checkpoint file; ValueError naming the file if it is corrupt. Introduced in notebook 03."""
    path = _checkpoint_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        meta = json.loads(str(arrays.pop("meta")))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError) as err:
        raise ValueError(f"{path} is not a readable GAN checkpoint (truncated or corrupt?): {err}") from None
    if not isinstance(meta, dict) or meta.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} is not a {CHECKPOINT_FORMAT} checkpoint")
    return arrays, meta


class CheckpointMixin:
    """save / load / restore / history_csv for GANTrainer (kept apart so each module reads in one sitting)."""

    def history_csv(self, path) -> Path:
        """Write the history to a CSV file (atomically) and return its path."""
        path = Path(path)

        def write(f):
            text = f"{','.join(HISTORY_KEYS)}\n" + "".join(
                ",".join(repr(self.history[k][i]) for k in HISTORY_KEYS) + "\n"
                for i in range(len(self.history["step"])))
            f.write(text.encode())

        atomic_write(path, write)
        return path

    # ----- checkpoints -----------------------------------------------------------------------
    def save(self, directory) -> Path:
        """Save everything needed to resume exactly into directory/checkpoint.npz (atomic), plus config.json and history.csv.

        config.json also records ``self.run_info`` (the command line puts the data set and source there).
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        meta = {"format": CHECKPOINT_FORMAT, "config": self.config, "settings": self.settings(),
                "step": self.step_count, "train_time": self.train_time, "history": self.history,
                "conditional": self.conditional}
        arrays = self._state_arrays()
        arrays["fixed_z"] = self.fixed_z
        if self.conditional:
            arrays["fixed_labels"] = self.fixed_labels
        arrays["meta"] = np.array(json.dumps(meta))
        path = directory / CHECKPOINT_FILE
        atomic_write(path, lambda f: _write_arrays(f, arrays))
        readable = json.dumps({"config": self.config, "settings": self.settings(), "step": self.step_count,
                               **getattr(self, "run_info", {})}, indent=2)
        atomic_write(directory / "config.json", lambda f: f.write(readable.encode()))
        self.history_csv(directory / "history.csv")
        return path

    def load(self, directory) -> "GANTrainer":
        """Load a checkpoint saved by save() into this trainer; ValueError if it holds a different model."""
        path = _checkpoint_path(directory)
        arrays, meta = read_checkpoint(path)
        self._load_arrays(path, arrays, meta)
        return self

    @classmethod
    def restore(cls, directory, images, labels=None, model=None, jit_compile: bool | None = None,
                strategy=None) -> "GANTrainer":
        """Build a trainer from a checkpoint and the same images (a custom pair must be passed as model), on `strategy` if given."""
        path = _checkpoint_path(directory)
        arrays, meta = read_checkpoint(path)
        config, settings = dict(meta["config"]), dict(meta["settings"])
        if jit_compile is not None:
            settings["jit_compile"] = jit_compile
        name = config.pop("model")
        if name == "custom":
            if model is None:
                raise ValueError(f"{path} holds a custom model: pass model=(generator, discriminator)")
            config = {}
        else:
            model = name
        config.pop("image_shape", None)
        trainer = cls(model, images, labels, **settings, **config, strategy=strategy)
        trainer._load_arrays(path, arrays, meta)
        return trainer

    def _load_arrays(self, path: Path, arrays: dict, meta: dict) -> None:
        missing = [key for key in ("config", "settings", "step", "train_time", "history") if key not in meta]
        if missing or "fixed_z" not in arrays:
            raise ValueError(f"{path} is not a full trainer checkpoint: it lacks {missing or ['fixed_z']}")
        theirs, ours, settings = _with_defaults(meta["config"]), self.config, meta["settings"]
        diff = [f"{k}: checkpoint {theirs.get(k)!r}, trainer {ours.get(k)!r}"
                for k in sorted(set(theirs) | set(ours)) if theirs.get(k) != ours.get(k)]
        if (settings["ema_decay"] is None) != (self.ema_decay is None):
            diff.append(f"ema_decay: checkpoint {settings['ema_decay']!r}, trainer {self.ema_decay!r}")
        if settings["batch_size"] > self._n_images:
            diff.append(f"batch_size: checkpoint {settings['batch_size']}, but only {self._n_images} images")
        for group, variables in self._state().items():
            stored = sorted(k for k in arrays if k.startswith(group + "/"))
            shapes = [tuple(arrays[k].shape) for k in stored]
            if shapes != [tuple(v.shape) for v in variables] and not diff:
                diff.append(f"{group} variables: checkpoint has {len(shapes)}, trainer has {len(variables)} "
                            f"(or their shapes differ)")
        if diff:
            raise ValueError(f"{path} does not match this trainer: " + "; ".join(diff))
        self.label_smoothing = 0.0
        self.loss = settings["loss"]
        for key in ("lr_g", "lr_d", "batch_size", "d_steps", "label_smoothing", "gp_weight"):
            setattr(self, key, settings[key])
        if self.ema_decay is not None:
            self.ema_decay = settings["ema_decay"]
        self.ema_warmup = bool(settings.get("ema_warmup", False))
        self.beta_1, self.beta_2, self.seed = settings["beta_1"], settings["beta_2"], settings["seed"]
        self._set_d_regularisers(settings.get("augment"), settings.get("r1_weight", 0.0))
        for optimizer in (self._opt_g, self._opt_d):
            optimizer.beta_1, optimizer.beta_2 = self.beta_1, self.beta_2
        self._build_steps()
        self._assign_state(arrays)
        self.fixed_z = arrays["fixed_z"]
        self.fixed_labels = arrays.get("fixed_labels")
        self.n_fixed = len(self.fixed_z)
        self.history = {key: list(meta["history"][key]) for key in HISTORY_KEYS}
        self.step_count, self.train_time = int(meta["step"]), float(meta["train_time"])
        self._snapshot()
