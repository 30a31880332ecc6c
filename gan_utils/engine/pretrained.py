"""Generators without training: rebuild one from a run's checkpoint, or load a shipped pretrained one.

Introduced in notebook 03 (saving, resuming, loading); notebook 05 starts from ``gu.load_pretrained``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .paths import atomic_write, shipped_path
from .checkpoints import CHECKPOINT_FORMAT, read_checkpoint

#: the kinds of model data/pretrained/ ships, as manifest entries name them ("kind"; absent means "generator")
KINDS = ("generator", "vae", "diffusion")

if TYPE_CHECKING:  # Keras loads only where a model is built, so listing the shipped names stays light
    import keras


def pretrained_dir() -> Path:
    """Return the folder of shipped generators (data/pretrained/ in a checkout, inside the installed package otherwise).

    Introduced in notebook 03.
    """
    return shipped_path("pretrained")


def generator_from_arrays(arrays: dict, meta: dict, path: Path, ema: bool = True) -> keras.Model:
    """Rebuild a named model's generator and load its weights (the EMA copy when present and ema=True).

    Introduced in notebook 03.
    """
    from . import models as M

    config = dict(meta["config"])
    if config.get("model") not in M.MODELS:
        raise ValueError(f"{path} holds a {config.get('model')!r} model; only {M.MODELS} can be rebuilt by name")
    generator, _ = M.build_gan(**config)
    group = "ema" if ema and any(k.startswith("ema/") for k in arrays) else "generator"
    stored = sorted(k for k in arrays if k.startswith(group + "/"))
    if [arrays[k].shape for k in stored] != [tuple(v.shape) for v in generator.variables]:
        raise ValueError(f"{path}: its {group} weights do not fit a {config['model']!r} generator "
                         f"built from its own config {config}")
    for variable, key in zip(generator.variables, stored):
        variable.assign(arrays[key].astype(np.float32))
    return generator


def load_generator(run: str | Path, ema: bool = True) -> keras.Model:
    """Return the generator saved in a run folder (or checkpoint file), ready to sample.

    Not used in a notebook: the command line's sample and evaluate load a run's generator with it.
    """
    arrays, meta = read_checkpoint(run)
    return generator_from_arrays(arrays, meta, Path(run), ema)


def pretrained_names(kind: str | None = "generator", directory: Path | None = None) -> list[str]:
    """Names of the models of one kind shipped in data/pretrained/ (generators by default; kind=None: all).

    Introduced in notebook 03. A file's kind is its manifest entry's "kind": absent or "generator" for a
    GAN's generator, "vae" for gu.vae.VAE, "diffusion" for gu.diffusion.DiffusionModel. ``directory``
    lists another folder laid out the same way.
    """
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS} or None (every kind), got {kind!r}")
    directory = Path(directory or pretrained_dir())
    manifest = pretrained_manifest(directory)
    names = sorted(p.stem for p in directory.glob("*.npz"))
    return [name for name in names if kind is None or _kind(manifest.get(name)) == kind]


def _kind(entry) -> str:
    """The kind a manifest entry records: "generator" when it names none (or there is no entry)."""
    return (entry.get("kind") if isinstance(entry, dict) else None) or "generator"


def write_manifest_entry(name: str, entry: dict, directory: Path | None = None) -> dict:
    """Set (or replace) one model's entry in a pretrained folder's manifest.json, read and written at once; return it.

    Not used in a notebook: gu.vae.VAE.export writes the shipped VAE's entry with it.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must use letters, digits and underscores, got {name!r}")
    manifest_path = Path(directory or pretrained_dir()) / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[name] = entry
    text = json.dumps(manifest, indent=2) + "\n"
    atomic_write(manifest_path, lambda f: f.write(text.encode("utf-8")))
    return entry


def pretrained_manifest(directory: Path | None = None) -> dict:
    """Return data/pretrained/manifest.json (or directory's): per model, its data, steps, seconds and metrics.

    Introduced in notebook 03.
    """
    path = Path(directory or pretrained_dir()) / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def load_pretrained(name: str = "dcgan") -> keras.Model:
    """Return a shipped pretrained generator by name (offline, no training). Introduced in notebook 03."""
    names = pretrained_names()
    if name not in names:
        other = _kind(pretrained_manifest().get(name)) if name in pretrained_names(None) else None
        loader = {"vae": "gu.vae.load_vae", "diffusion": "gu.diffusion.load_diffusion"}.get(other)
        hint = f"; {name!r} is a shipped {other} model: load it with {loader}({name!r})" if loader else ""
        raise ValueError(f"no pretrained generator {name!r}; available: {names} (make pretrained builds them)"
                         + hint)
    path = pretrained_dir() / f"{name}.npz"
    arrays, meta = read_checkpoint(path)
    entry = pretrained_manifest().get(name)
    if entry is not None and entry.get("config") != meta["config"]:
        raise ValueError(f"{path} does not match data/pretrained/manifest.json: "
                         f"file says {meta['config']}, manifest says {entry.get('config')}")
    return generator_from_arrays(arrays, meta, path)


def generate(generator: keras.Model, n: int, seed: int = 0, labels=None) -> np.ndarray:
    """Draw n images (float32 in [-1, 1]) from a generator with z ~ N(0, I); labels for a conditional one.

    Introduced in notebook 03.
    """
    from . import models as M

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    latent_dim = int(generator.inputs[0].shape[-1])
    z = np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)
    conditional = M.is_conditional(generator)
    if conditional:
        labels = np.arange(n) % 10 if labels is None else np.broadcast_to(np.asarray(labels), (n,))
        labels = labels.astype(np.int32)
    elif labels is not None:
        raise ValueError("labels only apply to a conditional generator (model 'cdcgan')")
    out = []
    for i in range(0, n, 1000):
        inputs = [z[i:i + 1000], labels[i:i + 1000]] if conditional else z[i:i + 1000]
        out.append(np.asarray(generator(inputs, training=False)))
    return np.concatenate(out).astype(np.float32)


def export_pretrained(run: str | Path, name: str, info: dict, directory: Path | None = None) -> Path:
    """Write a run's generator (EMA weights if any, float16) to data/pretrained/NAME.npz and record it in the manifest.

    Not used in a notebook: the command line's export (make pretrained) writes the shipped generators with it.
    """
    directory = Path(directory or pretrained_dir())
    arrays, meta = read_checkpoint(run)
    group = "ema" if any(k.startswith("ema/") for k in arrays) else "generator"
    kept = {f"generator/{k.split('/')[1]}": arrays[k].astype(np.float16) if arrays[k].dtype == np.float32 else arrays[k]
            for k in sorted(arrays) if k.startswith(group + "/")}
    small_meta = {"format": CHECKPOINT_FORMAT, "config": meta["config"], "step": meta["step"]}
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.npz"
    np.savez_compressed(path, meta=np.array(json.dumps(small_meta)), **kept)
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[name] = {"config": meta["config"], "weights": path.name, "bytes": path.stat().st_size,
                      "source_run": str(run), **info}
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return path


def record_in_manifest(name: str, fields: dict, directory: Path | None = None) -> dict:
    """Add fields (e.g. a benchmark's figure) to a shipped generator's manifest entry and return the entry.

    Not used in a notebook: the benchmarks (benchmarks/parzen_paper.py) record their figures with it.
    """
    manifest_path = Path(directory or pretrained_dir()) / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if name not in manifest:
        raise ValueError(f"no manifest entry {name!r} in {manifest_path}; entries: {sorted(manifest)}")
    manifest[name].update(fields)
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest[name]
