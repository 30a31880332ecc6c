"""gan_utils: the tested helpers behind the GAN Classroom notebooks.

Use it as ``import gan_utils as gu``: every public module, class and function a notebook uses is
``gu.NAME`` (the lazy map below), so notebooks never spell a folder. Light modules (paths,
switches, data) load at once; the ones that need TensorFlow load on first use, so
``gu.load_mnist()`` and the command line's argument checks answer without a TensorFlow import.

Where things live (each folder's ``__init__`` says more):

- ``engine/``: what trains and measures GANs, with no user interface: data, models, layers,
  losses, the trainers (``training`` for MNIST, ``toy`` for 1-D and 2-D), checkpoints, metrics,
  the maths of notebooks 01, 02 and 05 (``neuron``, ``densities``, ``frechet``, ``parzen``,
  ``latent``), pictures (``plotting``) and plumbing (``paths``, ``switches``, ``runtime``,
  ``names``, ``validate``). It imports nothing from the folders below.
- ``widgets/``: the ipywidgets dashboards and explorers a lesson shows, and the large-font
  display mode. They drive the engine; the engine never calls them.
- ``studies/``: experiments that run the engine many times and read their committed results:
  notebook 03's bug reproductions (``bugs``), notebook 04's variant runner, study, pairs and
  ablation, notebook 06's results (``at_work``) and notebook 07's modern-loss study (``after_gan``).
- ``checks/``: the exercise checks, one module per notebook (``nb00`` ... ``nb06``) holding that
  notebook's checks and hints; ``core`` and ``hints`` are the shared machinery.
- ``cli.py``: the command line, ``python -m gan_utils`` (engine only).

Adding something: a new loss goes in ``engine/losses.py`` with its name in ``engine/names.py``;
a new model in ``engine/models.py``, named there too; a widget in ``widgets/``; a study in
``studies/``; an exercise check and its hints in ``checks/nbNN.py`` for the notebook that asks it.
Then add its public names to ``_LAZY`` below, and say in each public docstring which notebook
introduces it (tests/test_layout.py checks the folders' import directions and private names).
"""
from __future__ import annotations

import importlib
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from .engine.data import (
    MnistData,
    load_fashion_mnist,
    load_mnist,
    make_dataset,
    read_idx,
    to_float,
    to_uint8,
)
from .engine.paths import cache_dir, data_dir, repo_root, runs_dir
from .engine.runtime import import_tensorflow_quietly, set_seed
from .engine.switches import classroom, classroom_note, classroom_replaces, fast, is_classroom, is_fast, is_offline

__version__ = "0.1.0"

if "ipykernel" in sys.modules:
    import_tensorflow_quietly()

_ENGINE = ("answers", "augment", "checkpoints", "classifier", "data", "densities", "diffusion", "frechet", "kid", "latent", "layers",
           "losses", "metrics", "models", "names", "neuron", "parzen", "paths", "plotting", "pretrained",
           "privacy", "recipes", "replicas", "runtime", "switches", "toy", "training", "usefulness", "vae", "validate")
_WIDGETS = ("break_it", "controls", "dashboard", "display_mode", "gradient_descent", "latent_explorer",
            "toy_dashboard", "truncation")
_STUDIES = ("ablation", "after_gan", "at_work", "bugs", "pairs", "study", "variants")

# name -> module that defines it (relative to gan_utils); imported lazily (PEP 562).
_LAZY = {
    **{name: f"engine.{name}" for name in _ENGINE},
    **{name: f"widgets.{name}" for name in _WIDGETS},
    **{name: f"studies.{name}" for name in _STUDIES},
    "engine": "engine", "widgets": "widgets", "studies": "studies", "checks": "checks", "cli": "cli",
    "GANTrainer": "engine.training",
    "load_pretrained": "engine.pretrained",
    "show_images": "engine.plotting", "image_grid": "engine.plotting", "plot_history": "engine.plotting",
    "display": "widgets.display_mode",
    "TrainingDashboard": "widgets.dashboard",
    "ToyDashboard": "widgets.toy_dashboard",
    "GradientDescentExplorer": "widgets.gradient_descent",
    "LatentExplorer": "widgets.latent_explorer", "InterpolationSlider": "widgets.latent_explorer",
    "BreakItPanel": "widgets.break_it",
    "TruncationExplorer": "widgets.truncation",
}


def __getattr__(name: str):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'gan_utils' has no attribute {name!r}")
    module = importlib.import_module(f".{module_name}", __name__)
    value = module if module_name.split(".")[-1] == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "MnistData", "cache_dir", "classroom", "classroom_note", "classroom_replaces", "data_dir", "fast",
    "import_tensorflow_quietly", "is_classroom", "is_fast", "is_offline", "load_fashion_mnist",
    "load_mnist", "make_dataset", "read_idx", "repo_root", "runs_dir", "set_seed", "to_float",
    "to_uint8", *_LAZY,
]
