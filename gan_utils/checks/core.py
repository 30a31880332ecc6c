"""The machinery every exercise check shares: the verdict, the comparison, and the never-raise helpers.

`check_function` runs a learner's function on several cases and compares with a reference; the
notebook modules (nb00, nb01, ...) build their checks on it and on the helpers here. A failing
verdict says which case failed (input, expected and received values) and which known mistake it
recognised, in words, followed by the exercise's first hint: an idea, never the formula or code.
More help comes from ``gu.checks.hint(name)`` (``hints.py``), one level at a time.
"""
from __future__ import annotations

import contextlib
import functools
import io
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from ..engine.answers import ANSWERS, WriteItYourself, learner_code
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
    learner: Any = field(default=None, repr=False, compare=False)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"PASSED {self.name}: {self.message}"
        key = self.exercise or self.name
        idea = first_hint(key)
        more = f"\n  More help, one level at a time: gu.checks.hint({key!r})" if idea else ""
        return f"NOT YET {self.name}: {self.message}" + (f"\n  Hint 1/4: {idea}" if idea else "") + more

    __repr__ = __str__


def show_value(value: Any, width: int = 6) -> str:
    """A short, readable rendering of a case's input or output (arrays abbreviated, functions named).

    Introduced in notebook 00.
    """
    if callable(value) and not hasattr(value, "shape"):
        return f"the function {getattr(value, '__name__', 'given')!s}"
    if value is None:
        return "None"
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
    result = _compare(name, learner, reference, cases, diagnose, atol, arg_names, exercise or name)
    result.exercise = exercise or name
    result.learner = learner
    if hint and not first_hint(result.exercise) and not result.passed:
        result.message += f" Hint: {hint}"
    if verbose:
        print(result)
    return result


def compiled_error_words(error: Exception) -> str:
    """An error raised inside a tf.function in its own words: its last line, without its type's name or autograph's listing.

    Introduced in notebook 06 (the checks that run a learner's function compiled).
    """
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    short = lines[-1] if lines else ""
    return re.sub(r"\btf\.", "TensorFlow ", short.removeprefix(f"{type(error).__name__}: ").rstrip("."))


def named_error(err: Exception) -> str:
    """How a verdict names an exception from the learner's code (calling the course's answer is a known mistake).

    Introduced in notebook 01.
    """
    if isinstance(err, WriteItYourself):
        return f"WriteItYourself. Recognised mistake: {err}"
    return f"{type(err).__name__}: {err}."


def _compare(name, learner, reference, cases, diagnose, atol, arg_names, exercise) -> CheckResult:
    if not callable(learner):
        return CheckResult(name, False, f"expected a function, got {show_value(learner)}.")
    for i, args in enumerate(cases, 1):
        expected = np.asarray(reference(*args), dtype=np.float64)
        where = f"case {i} of {len(cases)} ({show_case(args, arg_names)})"
        try:
            with learner_code(exercise):
                got = learner(*args)
        except Exception as err:  # a learner's bug is reported, never raised
            return CheckResult(name, False, f"{where} raised {named_error(err)}")
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


def read_number(value: Any) -> float | None:
    """A learner's answer as one finite float, or None if it is not a single finite number (bools never are).

    Introduced in notebook 00.
    """
    if isinstance(value, bool) or callable(value):
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(arr) if arr.ndim == 0 and np.isfinite(arr) else None


def run_safely(name: str, fn: Callable | None, *args: Any, exercise: str | None = None) -> tuple[Any, CheckResult | None]:
    """Call a learner's function; return (value, None) or (None, a failed CheckResult). Introduced in notebook 00.

    The call runs inside ``learner_code(exercise or name)``: the course's own answer to that exercise refuses.
    """
    if not callable(fn):
        return None, CheckResult(name, False, f"expected a function, got {show_value(fn)}.")
    try:
        with learner_code(exercise or name):
            value = fn(*args)
    except Exception as err:  # a learner's bug is reported, never raised
        return None, CheckResult(name, False, f"calling it raised {named_error(err)}")
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


# ---------------------------------------------------------------------------------------------
# Build, then use: a build cell's function is checked, then the notebook runs on it (or on ours).

@dataclass
class BuildExercise:
    """One build exercise: its check, the course's version with the learner's signature, the learner's names.

    Introduced in notebook 01.
    """

    exercise: str
    check: Callable[..., CheckResult]
    reference: Callable[[], Callable]
    names: tuple[str, ...] = ()


BUILDS: dict[str, BuildExercise] = {}
_LATEST: dict[str, CheckResult] = {}


def build_exercise(exercise: str, reference: Callable[[], Callable] | None = None,
                   names: Sequence[str] = ()) -> Callable[[Callable[..., CheckResult]], Callable[..., CheckResult]]:
    """Register a check as a build exercise's: `reference()` gives the course's version; `names` the learner's.

    Introduced in notebook 01. Without `reference`, the course's version is the engine function marked
    ``@course_answer(exercise)``. The check's verdict is remembered for ``yours_or_reference``.
    """
    def register(check: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(check)
        def remembered(learner: Any = None, *args: Any, **kwargs: Any) -> CheckResult:
            result = check(learner, *args, **kwargs)
            if isinstance(result, CheckResult):
                result.learner = learner
                _LATEST.pop(exercise, None)  # the most recently checked comes last
                _LATEST[exercise] = result
            return result

        def course_version() -> Callable:
            if reference is not None:
                return reference()
            if exercise not in ANSWERS:  # the engine module that marks it may not be imported yet
                _import_marked_engine_modules()
            if exercise not in ANSWERS:
                raise LookupError(f"no course version registered for {exercise!r}")
            return ANSWERS[exercise]

        BUILDS[exercise] = BuildExercise(exercise, remembered, course_version, tuple(names))
        return remembered

    return register


def _import_marked_engine_modules() -> None:
    """Import every engine module that marks a course answer (they load lazily elsewhere)."""
    import importlib
    from pathlib import Path

    engine = Path(__file__).resolve().parent.parent / "engine"
    for path in sorted(engine.glob("*.py")):
        if path.stem != "answers" and "@course_answer(" in path.read_text(encoding="utf-8"):
            importlib.import_module(f"{__package__.rsplit('.', 1)[0]}.engine.{path.stem}")


def _exercise_of(fn: Any, exercise: str | None) -> str:
    if exercise is not None:
        if exercise not in BUILDS:
            raise ValueError(f"exercise must be one of the build exercises {sorted(BUILDS)}, got {exercise!r}")
        return exercise
    for name, result in reversed(list(_LATEST.items())):
        if result.learner is fn and fn is not None:
            return name
    fn_name = getattr(fn, "__name__", None)
    matches = [b.exercise for b in BUILDS.values() if fn_name in b.names]
    if len(matches) == 1:
        return matches[0]
    checked = [name for name in _LATEST if name in matches]  # two notebooks' builds share a name
    if checked:
        return checked[-1]
    raise ValueError(f"cannot tell which build exercise {fn_name or fn!r} answers; pass exercise= one of {sorted(BUILDS)}")


def _one_line(text: str, width: int = 110) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def yours_or_reference(fn: Any, exercise: str | None = None, verbose: bool = True) -> Callable:
    """Your function if it passes its check, else the course's version; one printed line says which.

    Introduced in notebook 01. The verdict is the check's last one on this very function; if the
    function was redefined since (or never checked) the check runs again, quietly. The class never stalls.
    """
    name = _exercise_of(fn, exercise)
    build = BUILDS[name]
    label = getattr(fn, "__name__", None) or name
    result = _LATEST.get(name)
    if fn is None or not callable(fn):
        result = CheckResult(name, False, "there is no function to check yet.")
    elif result is None or result.learner is not fn:
        with contextlib.redirect_stdout(io.StringIO()):
            result = build.check(fn)
    if result.passed:
        line, chosen = f"{label}: using yours (it passed its check).", fn
    else:
        line = f"{label}: yours is not finished (NOT YET: {_one_line(result.message)}); using the course's version."
        chosen = build.reference()
    if verbose:
        print(line)
    return chosen
