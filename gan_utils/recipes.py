"""Default training settings per model, chosen by measurement (benchmarks/bench_train.py; README, Performance).

Introduced in notebook 03. The command line, `make train`, `make pretrained` and the notebooks
start from these; every value can be overridden.
"""
from __future__ import annotations

import copy

from .config import MODEL_NAMES

RECIPES: dict[str, dict] = {
    "mlp": {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5, "batch_size": 64,
            "sizes": {}},
    "dcgan": {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5, "batch_size": 64,
              "sizes": {}},
    "cdcgan": {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5, "batch_size": 64,
               "sizes": {}},
}


def recipe(model: str) -> dict:
    """Return a copy of the measured default settings for a model name (trainer options plus "sizes")."""
    if model not in MODEL_NAMES:
        raise ValueError(f"model must be one of {MODEL_NAMES}, got {model!r}")
    return copy.deepcopy(RECIPES[model])
