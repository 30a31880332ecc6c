"""Notebook 02's exercise checks: right answers pass; sign errors, swapped labels, stubs and crashes get hints."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu


def sigmoid(logits):
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def d_loss(real, fake):
    return -np.mean(np.log(sigmoid(real))) - np.mean(np.log(1.0 - sigmoid(fake)))


def g_minimax(fake):
    return np.mean(np.log(1.0 - sigmoid(fake)))


def g_non_saturating(fake):
    return -np.mean(np.log(sigmoid(fake)))


def d_star(p_data, p_g):
    return p_data / (p_data + p_g)


def test_right_answers_pass(capsys):
    assert gu.checks.check_gan_d_loss(d_loss)
    assert gu.checks.check_gan_g_loss(g_minimax, "minimax")
    assert gu.checks.check_gan_g_loss(g_non_saturating, "non_saturating")
    assert gu.checks.check_optimal_discriminator(d_star)
    assert capsys.readouterr().out.count("PASSED") == 4


@pytest.mark.parametrize("wrong, words", [
    (lambda r, f: -d_loss(r, f), "Sign error"),
    (lambda r, f: d_loss(f, r), "Swapped labels"),
    (lambda r, f: -np.sum(np.log(sigmoid(r))) - np.sum(np.log(1 - sigmoid(f))), "means"),
    (lambda r, f: -np.mean(np.log(sigmoid(r))), "Only the real term"),
    (lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "NaN"),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_discriminator_loss_mistakes_get_named(wrong, words):
    result = gu.checks.check_gan_d_loss(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("kind, wrong, words", [
    ("minimax", g_non_saturating, "non-saturating loss"),
    ("minimax", lambda f: -g_minimax(f), "Sign error"),
    ("non_saturating", g_minimax, "minimax loss"),
    ("non_saturating", lambda f: np.mean(np.log(sigmoid(f))), "Sign error"),
    ("non_saturating", lambda f: -np.sum(np.log(sigmoid(f))), "mean"),
])
def test_generator_loss_mistakes_get_named(kind, wrong, words):
    result = gu.checks.check_gan_g_loss(wrong, kind)
    assert not result and words in result.message


def test_generator_loss_rejects_unknown_kind():
    with pytest.raises(ValueError, match="'wgan'"):
        gu.checks.check_gan_g_loss(g_minimax, "wgan")


@pytest.mark.parametrize("wrong, words", [
    (lambda p, q: q / (p + q), "REAL"),
    (lambda p, q: p / q, "sum"),
    (lambda p, q: np.full_like(p, 0.5), "only where"),
])
def test_optimal_discriminator_mistakes_get_named(wrong, words):
    result = gu.checks.check_optimal_discriminator(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("check", [
    gu.checks.check_gan_d_loss,
    lambda f: gu.checks.check_gan_g_loss(f, "minimax"),
    lambda f: gu.checks.check_gan_g_loss(f, "non_saturating"),
    gu.checks.check_optimal_discriminator,
])
def test_stub_and_exception_get_hints_not_errors(check):
    stub = check(lambda *args: None)
    assert not stub and "not written yet" in stub.message and "Hint" in stub.message

    def broken(*args):
        raise ZeroDivisionError("oops")

    crashed = check(broken)
    assert not crashed and "raised ZeroDivisionError" in crashed.message and "Hint" in crashed.message
    assert "expected a function" in check(None).message
