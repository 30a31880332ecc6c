"""Notebook 00's exercise check: scaling uint8 pixels to [-1, 1]."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..data import to_float
from .core import CheckResult, check_function


def _scale_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    return [
        (np.array([[[0, 255], [128, 64]]], dtype=np.uint8),),
        (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),),
        (np.full((2, 28, 28), 255, dtype=np.uint8),),
    ]


def _diagnose_scale(got: np.ndarray, expected: np.ndarray) -> str | None:
    if got.min() >= 0 and got.max() <= 1.0 + 1e-6:
        return "Your values lie in [0, 1]; the generator's tanh outputs [-1, 1], so map 0 -> -1 and 255 -> 1."
    if got.max() > 1.5:
        return "Values above 1: divide by 127.5 (not 255) after converting to float, then subtract 1."
    return None


def check_scale_images(scale_images: Callable | None) -> CheckResult:
    """Check notebook 00's exercise: uint8 pixels 0..255 -> float32 in [-1, 1] (channel axis optional)."""
    return check_function(
        "scale_images", scale_images, lambda x: to_float(x)[..., 0], _scale_cases(),
        hint="convert to float first (uint8 arithmetic wraps around), then x / 127.5 - 1.",
        diagnose=_diagnose_scale,
    )
