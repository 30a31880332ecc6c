"""Notebook 00's exercise check: scaling uint8 pixels to [-1, 1]."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.data import to_float
from .core import CheckResult, check_function, report, run_safely

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "scale_images": (
        "Stretch the pixel range so that black lands on -1 and white on +1, the range of the generator's "
        "tanh. Watch the type: arithmetic on uint8 wraps around at 256.",
        r"A linear map $v \mapsto v / 127.5 - 1$ sends $0 \to -1$, $127.5 \to 0$ and $255 \to 1$. "
        r"Convert to `float32` before dividing.",
        "```python\nreturn images.astype(np.float32) / 127.5 - 1.0\n```",
    ),
}


def scale_cases() -> list[tuple]:
    """The uint8 image batches both pixel-scaling checks (notebooks 00 and 03) try an answer on."""
    rng = np.random.default_rng(0)
    return [
        (np.array([[[0, 255], [128, 64]]], dtype=np.uint8),),
        (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),),
        (np.full((2, 28, 28), 255, dtype=np.uint8),),
    ]


def diagnose_scale(got: np.ndarray, expected: np.ndarray) -> str | None:
    """Name the known pixel-scaling mistake that `got` shows: a 0..1 range, or pixels still on 0..255.

    Introduced in notebook 00; used in 03.
    """
    if got.min() >= 0 and got.max() <= 1.0 + 1e-6:
        return ("Recognised mistake: your values lie between 0 and 1, but the generator's tanh reaches from -1 "
                "to 1, so black must land on -1.")
    if got.max() > 1.5:
        return "Recognised mistake: some values are above 1: the pixels are still on the 0 to 255 scale."
    return None


def float32_problem(name: str, fn: Callable, cases: list[tuple]) -> CheckResult | None:
    """A failed verdict if fn does not give back float32 arrays on every case (None if it does).

    Introduced in notebook 00; used in 03.
    """
    for args in cases:
        got, failed = run_safely(name, fn, *args)
        if failed is not None:
            return failed
        dtype = getattr(got, "dtype", type(got).__name__)
        if dtype != np.float32:
            return CheckResult(name, False, f"your images come back as {dtype}; the models and the trainer expect "
                                            f"float32 (half the memory of float64, and what Keras computes in).")
    return None


def check_scale_images(scale_images: Callable | None) -> CheckResult:
    """Check notebook 00's exercise: uint8 pixels 0..255 -> float32 in [-1, 1] (channel axis optional).

    Introduced in notebook 00.
    """
    cases = scale_cases()
    result = check_function("scale_images", scale_images, lambda x: to_float(x)[..., 0], cases,
                            diagnose=diagnose_scale, verbose=False, arg_names=["images"])
    if result.passed:
        problem = float32_problem("scale_images", scale_images, cases)
        if problem is not None:
            problem.exercise = "scale_images"
            result = problem
    return report(result)
