"""Notebook 01's exercise checks: a right answer passes, wrong ones get a specific hint, stubs and crashes never raise."""
from __future__ import annotations

import numpy as np
import pytest

from gan_utils import checks


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


def right_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


def right_bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def right_step(w, b, x, y, lr):
    p = sigmoid(x @ w + b)
    return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)


CHECKS = {
    "sigmoid_derivative": (checks.check_sigmoid_derivative, right_derivative),
    "bce_loss": (checks.check_bce_loss, right_bce),
    "gradient_step": (checks.check_gradient_step, right_step),
}


@pytest.mark.parametrize("name", CHECKS)
def test_right_answer_passes(name, capsys):
    check, right = CHECKS[name]
    result = check(right)
    assert result and "PASSED" in capsys.readouterr().out


@pytest.mark.parametrize("name", CHECKS)
def test_stub_returning_none_gets_a_hint(name):
    check, _ = CHECKS[name]
    result = check(lambda *args: None)
    assert not result and "not written yet" in result.message and "Idea:" in str(result)


@pytest.mark.parametrize("name", CHECKS)
def test_exception_is_reported_not_raised(name):
    check, _ = CHECKS[name]

    def broken(*args):
        raise ZeroDivisionError("oops")

    result = check(broken)
    assert not result and "ZeroDivisionError: oops" in result.message and "Idea:" in str(result)


@pytest.mark.parametrize("name", CHECKS)
def test_not_a_function(name):
    check, _ = CHECKS[name]
    result = check(None)
    assert not result and "expected a function" in result.message


@pytest.mark.parametrize("wrong, words", [
    (sigmoid, "the sigmoid itself"),
    (lambda z: np.asarray(z) * (1 - np.asarray(z)), "used the input a"),
    (lambda z: sigmoid(z) * (1 + sigmoid(z)), "sign"),
    (lambda z: np.zeros_like(np.asarray(z, dtype=float)) + 0.3, "expected 0.25, got 0.3"),  # unknown mistake
])
def test_wrong_derivatives_get_specific_hints(wrong, words):
    result = checks.check_sigmoid_derivative(wrong)
    assert not result and words in result.message and "Idea:" in str(result)


@pytest.mark.parametrize("wrong, words", [
    (lambda y, p: -right_bce(y, p), "negative"),
    (lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)), "instead of averaging"),
    (lambda y, p: -np.mean(y * np.log(p)), "only the real examples count"),
    (lambda y, p: -np.log(np.mean(y * p + (1 - y) * (1 - p))), "averaged over the batch before taking the logarithm"),
    (lambda y, p: right_bce(1 - y, p), "swapped"),
])
def test_wrong_bce_gets_specific_hints(wrong, words):
    result = checks.check_bce_loss(wrong)
    assert not result and words in result.message


def test_wrong_steps_get_specific_hints():
    def uphill(w, b, x, y, lr):
        p = sigmoid(x @ w + b)
        return w + lr * x.T @ (p - y) / len(x), b + lr * np.mean(p - y)

    def no_lr(w, b, x, y, lr):
        return right_step(w, b, x, y, 1.0)

    assert "uphill" in checks.check_gradient_step(uphill).message
    assert "ignores the learning rate" in checks.check_gradient_step(no_lr).message
    assert "nothing changed" in checks.check_gradient_step(lambda w, b, x, y, lr: (w, b)).message
    partial = checks.check_gradient_step(lambda w, b, x, y, lr: (w, None))
    assert not partial and "not written yet" in partial.message


def test_step_accepts_a_list_or_array_pair():
    assert checks.check_gradient_step(lambda *a: list(right_step(*a)))


def test_mse_gradient_derive_it():
    assert checks.check_mse_gradient(lambda y, p: (p - y) * p * (1 - p))
    assert "cross-entropy's slope" in checks.check_mse_gradient(lambda y, p: p - y).message
    assert "sign is flipped" in checks.check_mse_gradient(lambda y, p: (y - p) * p * (1 - p)).message
    assert "twice too large" in checks.check_mse_gradient(lambda y, p: 2 * (p - y) * p * (1 - p)).message
