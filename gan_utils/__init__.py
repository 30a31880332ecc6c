"""gan_utils: the tested helpers behind the GAN Classroom notebooks.

Use it as ``import gan_utils as gu``. Light modules (config, data) load at once; the ones that
need TensorFlow load on first use, so ``gu.load_mnist()`` and the command line's argument checks
answer without paying for a TensorFlow import.
"""
from __future__ import annotations

import importlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from .config import (
    cache_dir,
    classroom,
    classroom_note,
    classroom_replaces,
    data_dir,
    fast,
    import_tensorflow_quietly,
    is_classroom,
    is_fast,
    is_offline,
    repo_root,
    runs_dir,
    set_seed,
)
from .data import (
    MnistData,
    load_fashion_mnist,
    load_mnist,
    make_dataset,
    read_idx,
    to_float,
    to_uint8,
)

__version__ = "0.1.0"

if "ipykernel" in sys.modules:
    import_tensorflow_quietly()

# name -> module that defines it; imported lazily (PEP 562).
_LAZY = {
    "models": "models",
    "losses": "losses",
    "training": "training",
    "metrics": "metrics",
    "plotting": "plotting",
    "widgets": "widgets",
    "checks": "checks",
    "toy": "toy",
    "toy_dashboard": "toy_dashboard",
    "explorer": "explorer",
    "recipes": "recipes",
    "cli": "cli",
    "pretrained": "pretrained",
    "parzen": "parzen", "latent": "latent", "LatentExplorer": "latent",
    "augment": "augment",
    "ablation": "ablation",
    "replicas": "replicas", "study": "study", "pairs": "pairs", "kid": "kid", "vae": "vae",
    "projector": "projector", "display": "projector",
    "layers": "layers", "stability": "stability", "break_it": "break_it", "BreakItPanel": "break_it",
    "GANTrainer": "training",
    "TrainingDashboard": "dashboard", "dashboard": "dashboard",
    "load_pretrained": "pretrained",
    "show_images": "plotting",
    "image_grid": "plotting",
    "plot_history": "plotting",
}


def __getattr__(name: str):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'gan_utils' has no attribute {name!r}")
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if name == module_name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "MnistData", "cache_dir", "classroom", "classroom_note", "classroom_replaces", "data_dir", "fast",
    "is_classroom", "is_fast", "is_offline", "load_fashion_mnist",
    "load_mnist", "make_dataset", "read_idx", "repo_root", "runs_dir", "set_seed", "to_float",
    "to_uint8", *_LAZY,
]
