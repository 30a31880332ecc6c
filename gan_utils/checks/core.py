"""The machinery every exercise check shares: the verdict, the comparison, and the never-raise helpers.

`check_function` runs a learner's function on several cases and compares with a reference; the
notebook modules (nb00, nb01, ...) build their checks on it and on the helpers here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


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


def _report(result: CheckResult, verbose: bool = True) -> CheckResult:
    if verbose:
        print(result)
    return result


def _run_safely(name: str, hint: str, fn, *args):
    """Call a learner's function; return (value, None) or (None, a failed CheckResult)."""
    if not callable(fn):
        return None, CheckResult(name, False, f"expected a function, got {fn!r}. Hint: {hint}")
    try:
        value = fn(*args)
    except Exception as err:  # a learner's bug is reported, never raised
        return None, CheckResult(name, False, f"raised {type(err).__name__}: {err}. Hint: {hint}")
    if value is None:
        return None, CheckResult(name, False, f"returned None: the exercise is not written yet (or lacks a return). Hint: {hint}")
    return value, None


def _known_mistake(learner: Callable | None, cases: Sequence[tuple], mistakes: Sequence[tuple]) -> str | None:
    """Return the message of the first known wrong formula that `learner` reproduces on every case."""
    if not callable(learner):
        return None
    outputs = []
    for args in cases:
        try:
            got = learner(*args)
            outputs.append(None if got is None else np.asarray(got, dtype=np.float64).ravel())
        except Exception:  # the check itself reports the exception
            return None
    for wrong, message in mistakes:
        if all(got is not None and got.shape == np.ravel(wrong(*args)).shape
               and np.allclose(got, np.ravel(wrong(*args)), atol=1e-6) for got, args in zip(outputs, cases)):
            return message
    return None


def _gan_diagnosis(cases: Sequence[tuple], mistakes: Sequence[tuple[Callable, str]]) -> Callable:
    """A diagnose(got, expected) that names the first known mistake whose value on any case matches `got`."""
    known = [(np.asarray(wrong(*args), dtype=np.float64), message) for wrong, message in mistakes for args in cases]

    def diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
        if np.any(~np.isfinite(got)):
            return ("Got NaN or infinity: you probably took log of a logit or of 0. Turn logits into probabilities "
                    "first, D = 1 / (1 + exp(-logit)), or use log D = -log(1 + exp(-logit)).")
        for value, message in known:
            if value.shape == got.shape and np.allclose(got, value, atol=1e-4):
                return message
        return None

    return diagnose
