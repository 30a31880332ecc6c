"""Notebook 05's checks: worked solutions pass; the course's own functions, stubs, crashes and known mistakes do not."""
from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg

import gan_utils as gu
from gan_utils.checks import hints, nb05
from gan_utils.checks.core import GIVEAWAY


def frechet_right(mu1, cov1, mu2, cov2):
    root = np.real(scipy.linalg.sqrtm(cov1 @ cov2))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root))


def nearest_right(samples, train):
    squared = (samples ** 2).sum(1)[:, None] + (train ** 2).sum(1)[None, :] - 2 * samples @ train.T
    return np.sqrt(np.maximum(squared, 0).min(axis=1))


def parzen_right(x, centres, h):
    a = -((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1) / (2 * h ** 2)
    M = a.max(axis=1, keepdims=True)
    return M[:, 0] + np.log(np.exp(a - M).sum(1)) - np.log(len(centres)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)


def slerp_right(z0, z1, tau):
    omega = np.arccos(np.clip(np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1)), -1, 1))
    return (np.sin((1 - tau) * omega) * z0 + np.sin(tau * omega) * z1) / np.sin(omega)


def samples_right(fd_few, n_few, fd_many, n_many, gap):
    c = (fd_few - fd_many) / (1 / n_few - 1 / n_many)
    return math.ceil(c / gap - 1e-9)


BUILDS = {  # exercise -> (check, worked solution, the course's own function a learner might call)
    "frechet_gaussian": (gu.checks.check_frechet_gaussian, frechet_right, lambda *a: gu.frechet.frechet_gaussian(*a)),
    "nearest_distance": (gu.checks.check_nearest_distance, nearest_right, lambda *a: gu.metrics.nearest_distance(*a)),
    "parzen_log_density": (gu.checks.check_parzen_log_density, parzen_right, lambda *a: gu.parzen.log_density(*a)),
    "slerp": (gu.checks.check_slerp, slerp_right, lambda *a: gu.latent.slerp(*a)),
}


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def _verdict(check, answer, **kwargs) -> str:
    return str(_quiet(check, answer, **kwargs))


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_the_worked_solution_passes_and_is_used(exercise, capsys):
    check, right, _ = BUILDS[exercise]
    assert _quiet(check, right)
    assert gu.checks.yours_or_reference(right) is right
    assert "using yours" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_calling_the_course_function_is_a_recognised_mistake(exercise):
    check, _, course = BUILDS[exercise]
    result = _quiet(check, course)
    assert not result and "Recognised mistake" in str(result) and "WriteItYourself" in str(result)


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_an_empty_body_falls_back_to_the_course_version(exercise, capsys):
    def unwritten(*args):
        ...

    unwritten.__name__ = exercise
    chosen = gu.checks.yours_or_reference(unwritten, exercise=exercise)
    assert chosen is not unwritten and callable(chosen)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "not finished" in line and "using the course's version" in line


def test_stubs_and_crashes_get_hints():
    for check, _, _ in BUILDS.values():
        stub = _quiet(check, lambda *args: None)
        assert not stub and "not written yet" in stub.message and "Hint 1/4:" in str(stub)

        def crash(*args):
            raise IndexError("boom")

        crashed = _quiet(check, crash)
        assert not crashed and "raised IndexError" in crashed.message
        assert not _quiet(check, None) and "expected a function" in _quiet(check, None).message


def test_frechet_mistakes_are_named():
    def sqrt_each(m1, s1, m2, s2):
        r1, r2 = np.real(scipy.linalg.sqrtm(s1)), np.real(scipy.linalg.sqrtm(s2))
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1 + s2 - 2 * r1 @ r2))

    def no_two(m1, s1, m2, s2):
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1 + s2 - np.real(scipy.linalg.sqrtm(s1 @ s2))))

    def unsquared(m1, s1, m2, s2):
        return frechet_right(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2)

    check = gu.checks.check_frechet_gaussian
    assert "separately" in _verdict(check, sqrt_each)
    assert "factor of two" in _verdict(check, no_two)
    assert "SQUARED" in _verdict(check, unsquared)
    assert "only the mean term" in _verdict(check, lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)))


def test_nearest_distance_mistakes_are_named():
    check = gu.checks.check_nearest_distance
    all_d = lambda s, t: np.sqrt(((s[:, None] - t[None]) ** 2).sum(-1))  # noqa: E731
    assert "squared distances" in _verdict(check, lambda s, t: nearest_right(s, t) ** 2)
    assert "NEAREST" in _verdict(check, lambda s, t: all_d(s, t).mean(1))
    assert "farthest" in _verdict(check, lambda s, t: all_d(s, t).max(1))
    assert "position of the nearest row" in _verdict(check, lambda s, t: all_d(s, t).argmin(1))
    assert "shape" in _verdict(check, lambda s, t: all_d(t, s).min(1))  # one distance per training row instead


def test_parzen_mistakes_are_named():
    check = gu.checks.check_parzen_log_density

    def naive(x, c, h):  # exp underflows for the small-width case
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        with np.errstate(divide="ignore"):
            return np.log(np.exp(-d2 / (2 * h ** 2)).mean(1)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)

    assert "log-sum-exp" in _verdict(check, naive)
    assert "AVERAGES them" in _verdict(check, lambda x, c, h: parzen_right(x, c, h) + np.log(len(c)))
    no_norm = lambda x, c, h: parzen_right(x, c, h) + 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)  # noqa: E731
    assert "normalising constant" in _verdict(check, no_norm)


def test_slerp_mistakes_are_named():
    check = gu.checks.check_slerp

    def angle(a, b):
        return np.arccos(np.clip(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))

    assert "straight line" in _verdict(check, lambda a, b, tau: (1 - tau) * a + tau * b)
    swapped = lambda a, b, tau: (np.sin(tau * angle(a, b)) * a + np.sin((1 - tau) * angle(a, b)) * b) / np.sin(angle(a, b))  # noqa: E731
    assert "swapped" in _verdict(check, swapped)
    undivided = lambda a, b, tau: np.sin((1 - tau) * angle(a, b)) * a + np.sin(tau * angle(a, b)) * b  # noqa: E731
    assert "sine of the angle" in _verdict(check, undivided)


def test_fd_by_hand():
    check = gu.checks.check_fd_by_hand
    assert _quiet(check, 7) and _quiet(check, 7.0)
    assert frechet_right(np.zeros(2), np.diag([1.0, 4.0]), np.array([1.0, 2.0]), np.diag([4.0, 9.0])) == pytest.approx(7)
    assert "only the mean term" in _verdict(check, 5)
    assert "standard deviations" in _verdict(check, 9)
    assert "not the distance" in _verdict(check, 8)
    assert "set fd_by_hand" in _verdict(check, None)
    assert "one number" in _verdict(check, "7")


def test_fd_by_hand_confirms_with_your_function_only_after_a_right_answer():
    check = gu.checks.check_fd_by_hand
    calls = []

    def spy(*args):
        calls.append(args)
        return frechet_right(*args)

    for wrong in (None, 5, 8, "7"):
        assert not _quiet(check, wrong, confirm_with=spy)
    assert not calls, "the confirmation ran before a right answer: the cell would show the answer"
    right = _verdict(check, 7, confirm_with=spy)
    assert len(calls) == 1 and "gives 7.0000" in right
    assert "raised ZeroDivisionError" in _verdict(check, 7, confirm_with=lambda *a: 1 / 0)
    assert "Run your frechet_gaussian" in _verdict(check, 7)


def test_the_exercise_cell_does_not_compute_the_answer():
    source = (Path(__file__).resolve().parents[1] / "notebooks" / "src" / "05_evaluate_and_explore.py").read_text()
    exercises = source[source.index("# ## Exercises"):source.index("# ## Solutions")]
    assert "np.diag([1.0, 4.0])" not in exercises and "frechet_gaussian(" not in exercises


def test_copy_diagnosis():
    check = gu.checks.check_copy_diagnosis
    assert _quiet(check, "G3") and _quiet(check, "g3")
    assert "FARTHER" in _verdict(check, "G2")
    assert "Quality says nothing" in _verdict(check, "G1")
    assert "noise" in _verdict(check, "G4")
    assert "not one of" in _verdict(check, "G5") and "not one of" in _verdict(check, "C")
    assert "set diagnosis to 'G1'" in _verdict(check, None)


def test_samples_needed():
    check = gu.checks.check_samples_needed
    assert _quiet(check, samples_right)
    assert "round up" in _verdict(check, lambda a, na, b, nb, g: (a - b) / (1 / na - 1 / nb) / g)
    assert "bias-free value" in _verdict(check, lambda a, na, b, nb, g: math.ceil((a - b) * na / g - 1e-9))
    assert "standard error" in _verdict(
        check, lambda a, na, b, nb, g: math.ceil(((a - b) / (na ** -0.5 - nb ** -0.5) / g) ** 2 - 1e-9))
    assert "single sample" in _verdict(check, lambda a, na, b, nb, g: math.ceil((a - b) / (1 / na - 1 / nb) - 1e-9))
    assert "not written yet" in _verdict(check, lambda a, na, b, nb, g: None)
    # section 2's printed numbers: mean FD 21.88 over draws of 100, 10.07 from 5,000; a gap of 0.5
    assert samples_right(21.88, 100, 10.07, 5000, 0.5) == 2411


def test_predictions_read_the_measurement():
    measured = {500: 12.0, 5000: 6.0}
    assert _quiet(gu.checks.check_predict_fid_samples, "higher", measured=measured)
    wrong = _quiet(gu.checks.check_predict_fid_samples, "lower", measured=measured)
    assert not wrong and "the run says 'higher'" in wrong.message and "12.00 from 500" in wrong.message
    assert "measuring cell first" in _quiet(gu.checks.check_predict_fid_samples, "higher").message
    truncation = {"ordinary z": 10.0, "shrunk z": 25.0}
    assert _quiet(gu.checks.check_predict_truncation, "higher", measured=truncation)
    assert "the run says 'higher'" in _verdict(gu.checks.check_predict_truncation, "about the same", measured=truncation)
    assert "measuring cell first" in _verdict(gu.checks.check_predict_truncation, "higher")


def test_every_hint_has_four_levels_and_the_first_two_hold_no_formula_or_code():
    assert set(nb05.HINTS) == {"frechet_gaussian", "nearest_distance", "parzen_log_density", "slerp",
                               "predict_fid_samples", "fd_by_hand", "predict_truncation", "copy_diagnosis",
                               "samples_needed"}
    for name, levels in nb05.HINTS.items():
        assert len(levels) == 4 and all(levels), name
        question, step, _, code = levels
        assert GIVEAWAY.search(question) is None, (name, question)
        assert GIVEAWAY.search(step) is None, (name, step)
        assert "```python" in code and "```python" not in question + step, name
        assert hints.all_hints()[name] == levels


def test_the_exercises_second_hints_are_partial_steps():
    steps = {name: nb05.HINTS[name][1] for name in ("fd_by_hand", "samples_needed", "predict_truncation",
                                                      "copy_diagnosis")}
    assert not any(ch.isdigit() for ch in steps["fd_by_hand"]), "no term of the answer worked out"
    assert "ubtract" not in steps["samples_needed"] and "cancel" not in steps["samples_needed"]
    assert "trace" not in steps["predict_truncation"].lower()
    assert "Quality" not in steps["copy_diagnosis"] and "G3" not in steps["copy_diagnosis"]
