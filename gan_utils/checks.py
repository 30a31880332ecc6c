"""Exercise checks: run a learner's function on several inputs, compare with the reference, give a hint.

Introduced in notebook 00; every notebook's Exercises section calls a check from here. A check
never raises: an unfinished exercise (a stub returning None) or one that crashes gets a message
and a hint, so the notebook still runs top to bottom.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .data import to_float


@dataclass
class CheckResult:
    """Outcome of one exercise check; truthy when passed, prints as a short verdict."""

    name: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{'PASSED' if self.passed else 'NOT YET'} {self.name}: {self.message}"

    __repr__ = __str__


def _describe(args: tuple) -> str:
    parts = []
    for arg in args:
        arr = np.asarray(arg)
        parts.append(f"array{arr.shape} {arr.dtype}" if arr.ndim else repr(arg))
    return "(" + ", ".join(parts) + ")"


def check_function(
    name: str,
    learner: Callable | None,
    reference: Callable,
    cases: Sequence[tuple],
    hint: str,
    diagnose: Callable[[np.ndarray, np.ndarray], str | None] | None = None,
    atol: float = 1e-5,
    verbose: bool = True,
) -> CheckResult:
    """Compare learner(*case) with reference(*case) on every case; return (and print) a verdict with a hint."""
    result = _compare(name, learner, reference, cases, hint, diagnose, atol)
    if verbose:
        print(result)
    return result


def _compare(name, learner, reference, cases, hint, diagnose, atol) -> CheckResult:
    if not callable(learner):
        return CheckResult(name, False, f"expected a function, got {learner!r}. Hint: {hint}")
    for i, args in enumerate(cases, 1):
        expected = np.asarray(reference(*args))
        try:
            got = learner(*args)
        except Exception as err:  # a learner's bug is reported, never raised
            return CheckResult(name, False, f"case {i} {_describe(args)} raised {type(err).__name__}: {err}. Hint: {hint}")
        if got is None:
            return CheckResult(name, False, f"returned None: the exercise is not written yet (or lacks a return). Hint: {hint}")
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return CheckResult(name, False, f"case {i} returned {type(got).__name__}, not numbers. Hint: {hint}")
        if got.shape != expected.shape and got.size == expected.size:
            got = got.reshape(expected.shape)
        if got.shape != expected.shape:
            return CheckResult(name, False, f"case {i} {_describe(args)}: shape {got.shape}, expected {expected.shape}. Hint: {hint}")
        if not np.allclose(got, expected, atol=atol, equal_nan=True):
            detail = diagnose(got, expected) if diagnose else None
            worst = float(np.nanmax(np.abs(got - expected)))
            return CheckResult(name, False, f"case {i} {_describe(args)}: values differ by up to {worst:.3g}. "
                               f"{detail or 'Hint: ' + hint}")
    return CheckResult(name, True, f"correct on all {len(cases)} cases.")


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
