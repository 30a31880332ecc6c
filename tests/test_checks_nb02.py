"""Notebook 02's exercise checks: right answers pass; sign errors, swapped labels, stubs and crashes get hints."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu


def sigmoid(logits):
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def softplus(u):
    return np.logaddexp(0.0, np.asarray(u, dtype=np.float64))


def d_loss(real, fake):
    return np.mean(softplus(-real)) + np.mean(softplus(fake))


def g_minimax(fake):
    return -np.mean(softplus(fake))


def g_non_saturating(fake):
    return np.mean(softplus(-fake))


def naive_d_loss(real, fake):
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    return -np.mean(np.log(1 / (1 + np.exp(-real)))) - np.mean(np.log(1 - 1 / (1 + np.exp(-fake))))


def d_star(p_data, p_g):
    return p_data / (p_data + p_g)


def test_right_answers_pass(capsys):
    assert gu.checks.check_gan_d_loss(d_loss)
    assert gu.checks.check_gan_g_loss(g_minimax, "minimax")
    assert gu.checks.check_gan_g_loss(g_non_saturating, "non_saturating")
    assert gu.checks.check_optimal_discriminator(d_star)
    assert capsys.readouterr().out.count("PASSED") == 4


@pytest.mark.parametrize("wrong, words", [
    (lambda r, f: -d_loss(r, f), "the sign is flipped"),
    (lambda r, f: d_loss(f, r), "the labels are swapped"),
    (lambda r, f: np.sum(softplus(-r)) + np.sum(softplus(f)), "you summed over the batch"),
    (lambda r, f: np.mean(softplus(-r)), "only the real images' term"),
    (lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "NaN"),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_discriminator_loss_mistakes_get_named(wrong, words):
    result = gu.checks.check_gan_d_loss(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("kind, wrong, words", [
    ("minimax", g_non_saturating, "non-saturating loss"),
    ("minimax", lambda f: -g_minimax(f), "the sign is flipped"),
    ("non_saturating", g_minimax, "minimax loss"),
    ("non_saturating", lambda f: -g_non_saturating(f), "the sign is flipped"),
    ("non_saturating", lambda f: np.sum(softplus(-f)), "summed"),
])
def test_generator_loss_mistakes_get_named(kind, wrong, words):
    result = gu.checks.check_gan_g_loss(wrong, kind)
    assert not result and words in result.message


def test_generator_loss_names_an_unknown_kind_without_raising():
    result = gu.checks.check_gan_g_loss(g_minimax, "wgan")
    assert not result and "'wgan'" in result.message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_naive_log_of_a_sigmoid_fails_on_confident_logits_with_the_overflow_explained():
    result = gu.checks.check_gan_d_loss(naive_d_loss)
    assert not result and "case 4 of 4" in result.message and "logit of 40" in result.message
    assert "NaN or infinity" in result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda p, q: q / (p + q), "REAL"),
    (lambda p, q: p / q, "can exceed 1"),
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
    assert not stub and "not written yet" in stub.message and "Idea:" in str(stub)

    def broken(*args):
        raise ZeroDivisionError("oops")

    crashed = check(broken)
    assert not crashed and "raised ZeroDivisionError" in crashed.message and "Idea:" in str(crashed)
    assert "expected a function" in check(None).message


def test_predict_gradient_explains_what_the_run_showed():
    assert not gu.checks.check_predict_gradient(None)
    right = gu.checks.check_predict_gradient("non-saturating")
    assert right and "99 times larger" in right.message
    wrong = gu.checks.check_predict_gradient("minimax")
    assert not wrong and "you predicted 'minimax'" in wrong.message and "0.0100" in wrong.message
