"""The machinery every exercise check shares: the verdict, the comparison, and the never-raise helpers.

`check_function` runs a learner's function on several cases and compares with a reference; the
notebook modules (nb00, nb01, ...) build their checks on it and on the helpers here. A failing
verdict says which case failed (input, expected and received values) and which known mistake it
recognised, in words, followed by the exercise's first hint: an idea, never the formula or code.
More help comes from ``gu.checks.hint(name)`` (``hints.py``), one level at a time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .hints import first_hint

# What a verdict may never contain: the answer as code or as a formula (tests/test_checks_verdicts.py).
GIVEAWAY = re.compile(
    r"\breturn\b|\b(?:np|tf|keras)\.|\b(?:log|exp|mean|sqrt)\(|\*\*|@|\.T\b|1 / \(1 \+"
    r"|\b[A-Za-z_]\w*\s*=\s*[A-Za-z_]\w*\s*(?:[-+*/%(]|\.\w+\()"
)


@dataclass
class CheckResult:
    """Outcome of one exercise check; truthy when passed, prints as a short verdict (with the first hint if not).

    Introduced in notebook 00.
    """

    name: str
    passed: bool
    message: str
    exercise: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"PASSED {self.name}: {self.message}"
        key = self.exercise or self.name
        idea = first_hint(key)
        more = f"\n  More help, one level at a time: gu.checks.hint({key!r})" if idea else ""
        return f"NOT YET {self.name}: {self.message}" + (f"\n  Idea: {idea}" if idea else "") + more

    __repr__ = __str__


def show_value(value: Any, width: int = 6) -> str:
    """A short, readable rendering of a case's input or output (arrays abbreviated, functions named).

    Introduced in notebook 00.
    """
    if callable(value) and not hasattr(value, "shape"):
        return f"the function {getattr(value, '__name__', 'given')!s}"
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return f"a {type(value).__name__}"
    if arr.ndim == 0:
        return f"{float(arr):.4g}"
    text = np.array2string(arr.ravel(), precision=4, threshold=width, edgeitems=width // 2, separator=", ",
                           max_line_width=10_000)
    return text if arr.ndim == 1 else f"{text} (shape {arr.shape})"


def show_case(args: tuple, names: Sequence[str] | None = None) -> str:
    """Name each input of a case with its value, e.g. 'y = [1, 0], p = [0.5, 0.5]'. Introduced in notebook 00."""
    names = list(names or [f"argument {i + 1}" for i in range(len(args))])
    return ", ".join(f"{name} = {show_value(arg)}" for name, arg in zip(names, args))


def check_function(
    name: str,
    learner: Callable | None,
    reference: Callable,
    cases: Sequence[tuple],
    hint: str = "",
    diagnose: Callable[[np.ndarray, np.ndarray], str | None] | None = None,
    atol: float = 1e-5,
    verbose: bool = True,
    arg_names: Sequence[str] | None = None,
    exercise: str | None = None,
) -> CheckResult:
    """Compare learner(*case) with reference(*case) on every case; return (and print) a verdict.

    Introduced in notebook 00.

    ``hint`` is shown only for an exercise without an entry in ``gu.checks.hints`` (the first-level idea).
    """
    result = _compare(name, learner, reference, cases, diagnose, atol, arg_names)
    result.exercise = exercise or name
    if hint and not first_hint(result.exercise) and not result.passed:
        result.message += f" Idea: {hint}"
    if verbose:
        print(result)
    return result


def _compare(name, learner, reference, cases, diagnose, atol, arg_names) -> CheckResult:
    if not callable(learner):
        return CheckResult(name, False, f"expected a function, got {show_value(learner)}.")
    for i, args in enumerate(cases, 1):
        expected = np.asarray(reference(*args), dtype=np.float64)
        where = f"case {i} of {len(cases)} ({show_case(args, arg_names)})"
        try:
            got = learner(*args)
        except Exception as err:  # a learner's bug is reported, never raised
            return CheckResult(name, False, f"{where} raised {type(err).__name__}: {err}.")
        if got is None:
            return CheckResult(name, False, "your function gave back None: the exercise is not written yet "
                                            "(or its last line does not hand the value back).")
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return CheckResult(name, False, f"{where}: got a {type(got).__name__}, not numbers.")
        if got.shape != expected.shape and got.size == expected.size:
            got = got.reshape(expected.shape)
        if got.shape != expected.shape:
            return CheckResult(name, False, f"{where}: got shape {got.shape}, expected shape {expected.shape}.")
        if not np.allclose(got, expected, atol=atol, equal_nan=True):
            detail = diagnose(got, expected) if diagnose else None
            message = f"{where}: expected {show_value(expected)}, got {show_value(got)}."
            return CheckResult(name, False, message + (f" {detail}" if detail else ""))
    return CheckResult(name, True, f"correct on all {len(cases)} cases.")


def report(result: CheckResult, verbose: bool = True) -> CheckResult:
    """Print a verdict (unless verbose is False) and hand it back: the last step of every check.

    Introduced in notebook 00.
    """
    if verbose:
        print(result)
    return result


def run_safely(name: str, fn: Callable | None, *args: Any) -> tuple[Any, CheckResult | None]:
    """Call a learner's function; return (value, None) or (None, a failed CheckResult). Introduced in notebook 00."""
    if not callable(fn):
        return None, CheckResult(name, False, f"expected a function, got {show_value(fn)}.")
    try:
        value = fn(*args)
    except Exception as err:  # a learner's bug is reported, never raised
        return None, CheckResult(name, False, f"calling it raised {type(err).__name__}: {err}.")
    if value is None:
        return None, CheckResult(name, False, "your function gave back None: the exercise is not written yet "
                                              "(or its last line does not hand the value back).")
    return value, None


def known_mistake(learner: Callable | None, cases: Sequence[tuple],
                  mistakes: Sequence[tuple[Callable, str]]) -> str | None:
    """Return the message of the first known wrong formula that `learner` reproduces on every case.

    Introduced in notebook 01.
    """
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
            return "Recognised mistake: " + message
    return None


def read_choice(name: str, answer: Any, choices: Sequence[str], missing: str,
                normalise: Callable[[str], str] = lambda text: text.lower()) -> tuple[str | None, CheckResult | None]:
    """Read a multiple-choice answer: (the normalised choice, None), or (None, a failed verdict saying what to set).

    Introduced in notebook 02.
    """
    if answer is None:
        return None, CheckResult(name, False, missing)
    text = normalise(str(answer).strip())
    if text not in choices:
        return None, CheckResult(name, False, f"{answer!r} is not one of {list(choices)}.")
    return text, None


def prediction_verdict(name: str, predicted: str, happened: str, what: str) -> CheckResult:
    """The verdict of a predict-then-run exercise: what the run showed, and whether the prediction matched it.

    Introduced in notebook 02.
    """
    if predicted == happened:
        return CheckResult(name, True, f"as you predicted: {what}")
    return CheckResult(name, False, f"you predicted {predicted!r}; the run says {happened!r}: {what}")


def record_first(choices: Sequence[str], then: str) -> str:
    """The message for a prediction not yet made. Introduced in notebook 02."""
    return f"record your prediction first: set prediction to one of {list(choices)}, then run the cell that {then}."


def check_prediction(name: str, prediction: Any, choices: Sequence[str], then: str,
                     outcome: Callable[[], tuple[str, str]], run_missing: str = "",
                     normalise: Callable[[str], str] = lambda text: text.lower()) -> CheckResult:
    """A whole predict-then-run check: read the prediction, ask for the run, compare with outcome() = (happened, what).

    Introduced in notebook 02.

    ``then`` ends the request for a prediction ("... then run the cell that {then}."); ``run_missing`` is the
    verdict's text when the run's result was not passed ('' when it was); outcome() is called only when both are there.
    """
    answer, failed = read_choice(name, prediction, choices, record_first(choices, then), normalise=normalise)
    if failed is None and run_missing:
        failed = CheckResult(name, False, run_missing)
    if failed is not None:
        return report(failed)
    happened, what = outcome()
    return report(prediction_verdict(name, answer, happened, what))


OVERFLOW_NOTE = (
    "Recognised mistake: you got NaN or infinity. A probability rounded to exactly 0 or 1 before its logarithm "
    "was taken: for a logit of 40 the sigmoid is 1 in float32, so one minus it is 0, whose logarithm is minus "
    "infinity. Work from the logit itself, with a form of the log-sigmoid that never rounds the probability first."
)


def gan_diagnosis(cases: Sequence[tuple],
                  mistakes: Sequence[tuple[Callable, str]]) -> Callable[[np.ndarray, np.ndarray], str | None]:
    """A diagnose(got, expected) that names the first known mistake whose value on any case matches `got`.

    Introduced in notebook 02.
    """
    known = [(np.asarray(wrong(*args), dtype=np.float64), message) for wrong, message in mistakes for args in cases]

    def diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
        if np.any(~np.isfinite(got)):
            return OVERFLOW_NOTE
        for value, message in known:
            if value.shape == got.shape and np.allclose(got, value, atol=1e-4):
                return "Recognised mistake: " + message
        return None

    return diagnose
