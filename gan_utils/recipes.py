"""Default training settings per model, chosen by measurement (benchmarks/bench_train.py; README, Performance).

Introduced in notebook 03. The command line, `make train`, `make pretrained` and the notebooks
start from these; every value can be overridden.
"""
from __future__ import annotations

import copy

from .config import MODEL_NAMES

# Measured on the embedded digits, 2 CPU cores, 1,500 steps (~60 s): hinge loss, lr 8e-4 with
# beta_1 = 0, a 128-filter generator, one shared forward pass per step (simultaneous) and an EMA of
# G's weights took the unconditional DCGAN's MNIST score from 4.5 (non-saturating, 2e-4) to 6.8,
# and the conditional one to 9.7 (FD 3.0, real-vs-real floor 1.5). benchmarks/bench_train.py.
_FAST_RECIPE = {"loss": "hinge", "lr_g": 8e-4, "lr_d": 8e-4, "beta_1": 0.0, "batch_size": 64,
                "simultaneous": True, "ema_decay": 0.99}

RECIPES: dict[str, dict] = {
    "mlp": {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5, "batch_size": 64,
            "sizes": {}},
    # Search of 2026-12-01/02 (benchmarks/search_unconditional.py, seed 0, 4,000 steps): spectral norm
    # with a dense 256 layer in D took the score from 7.38 to 8.08 and FD from 28.1 to 13.4 at
    # 39.2 ms/step against 28.6 (timed side by side); table in the README, Performance.
    "dcgan": {**_FAST_RECIPE, "sizes": {"g_filters": 128, "spectral_norm": True, "d_dense": 256}},
    "cdcgan": {**_FAST_RECIPE, "sizes": {"g_filters": 128}},
}
DEFAULT_MODEL = "cdcgan"


def recipe(model: str) -> dict:
    """Return a copy of the measured default settings for a model name (trainer options plus "sizes")."""
    if model not in MODEL_NAMES:
        raise ValueError(f"model must be one of {MODEL_NAMES}, got {model!r}")
    return copy.deepcopy(RECIPES[model])
