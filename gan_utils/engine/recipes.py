"""Default training settings per model, chosen by measurement (benchmarks/bench_train.py; README, Performance).

Introduced in notebook 03. The command line, `make train`, `make pretrained` and the notebooks
start from these; every value can be overridden.
"""
from __future__ import annotations

import copy

from .names import MODEL_NAMES

# What each ingredient of the unconditional recipe buys, measured (embedded digits, 2 CPU cores):
# the ablation of notebook 04 (data/results/stability.json, python benchmarks/bench_stability.py;
# 3 seeds x 4,000 G steps, median final MNIST score / Fréchet distance; full recipe 8.22 / 13.2).
#
# | ingredient removed              | score | FD   | held on all 3 seeds? | ms/step* |
# |---------------------------------|-------|------|----------------------|----------|
# | (none: the full recipe)         | 8.22  | 13.2 |                      | 52       |
# | spectral norm in D              | 7.66  | 23.9 | worse on all 3       | 50       |
# | dense 256 layer in D            | 7.17  | 38.3 | worse on all 3       | 45       |
# | EMA of G (decay 0.99)           | 8.05  | 16.8 | worse on all 3       | 54       |
# | hinge loss (non-saturating)     | 8.07  | 14.2 | worse on all 3       | 51       |
# | beta_1 = 0 (0.5)                | 7.27  | 33.7 | worse on all 3       | 51       |
# | lr 8e-4 (2e-4)                  | 7.58  | 24.7 | worse on all 3       | 57       |
# | shared forward pass (separate)  | 8.34  | 11.1 | better on all 3      | 69       |
# * under load (two study processes); quiet, side by side: 39.2 ms for the recipe, 28.6 ms without
#   spectral norm and the dense layer (python benchmarks/search_unconditional.py --timing 200).
# Tried and not kept (seed 0, benchmarks/search_unconditional.py, README "What the recipe search
# tried"): batch 128 (better FD at twice the cost per step), a wider D, R1, DiffAugment
# (translation, cutout), EMA 0.999 with warm-up, TTUR, learning rates 4e-4 and 1.2e-3, dense 512/1024.
_FAST_RECIPE = {"loss": "hinge", "lr_g": 8e-4, "lr_d": 8e-4, "beta_1": 0.0, "batch_size": 64,
                "simultaneous": True, "ema_decay": 0.99}

RECIPES: dict[str, dict] = {
    "mlp": {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5, "batch_size": 64,
            "sizes": {}},
    # spectral norm with a dense 256 layer in D: the search's one change beyond noise (seed 0,
    # 4,000 steps: score 7.38 -> 8.08, FD 28.1 -> 13.4), confirmed by the ablation above.
    "dcgan": {**_FAST_RECIPE, "sizes": {"g_filters": 128, "spectral_norm": True, "d_dense": 256}},
    # the shared recipe without SN or the dense layer: 9.7 at 1,500 steps (FD 3.0, real-vs-real floor
    # 1.5; benchmarks/bench_train.py), where the label does half the work.
    "cdcgan": {**_FAST_RECIPE, "sizes": {"g_filters": 128}},
}
DEFAULT_MODEL = "cdcgan"


def recipe(model: str) -> dict:
    """Return a copy of the measured default settings for a model name (trainer options plus "sizes").

    Introduced in notebook 03.
    """
    if model not in MODEL_NAMES:
        raise ValueError(f"model must be one of {MODEL_NAMES}, got {model!r}")
    return copy.deepcopy(RECIPES[model])
