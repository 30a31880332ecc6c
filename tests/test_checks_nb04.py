"""Notebook 04's exercise checks pass a right answer and name each known wrong one."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu


def good_gradient_penalty(critic, real, fake, alpha):
    x_hat = alpha * real + (1 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(grads ** 2, axis=[1, 2, 3]))
    return tf.reduce_mean((norms - 1) ** 2)


def _penalty(transform, per_sample=True, swap=False):
    def gp(critic, real, fake, alpha):
        x_hat = alpha * fake + (1 - alpha) * real if swap else alpha * real + (1 - alpha) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat)
        g = tape.gradient(scores, x_hat)
        norms = tf.sqrt(tf.reduce_sum(g ** 2, axis=[1, 2, 3] if per_sample else None))
        return transform(norms)
    return gp


def test_gradient_penalty_check_passes_the_solution_and_the_library_version():
    assert gu.checks.check_gradient_penalty(good_gradient_penalty)
    assert gu.checks.check_gradient_penalty(lambda c, r, f, a: gu.losses.gradient_penalty(c, r, f, a))


@pytest.mark.parametrize("wrong, message", [
    (_penalty(lambda n: tf.reduce_mean((n ** 2 - 1) ** 2)), "squared length"),
    (_penalty(lambda n: (n - 1) ** 2, per_sample=False), "one norm for the whole batch"),
    (_penalty(lambda n: tf.reduce_mean(tf.abs(n - 1))), "absolute gap"),
    (_penalty(lambda n: tf.reduce_mean(tf.nn.relu(n - 1) ** 2)), "two-sided"),
    (_penalty(lambda n: tf.reduce_mean((n - 1) ** 2), swap=True), "this check fixes alpha"),
])
def test_gradient_penalty_check_names_the_mistake(wrong, message):
    result = gu.checks.check_gradient_penalty(wrong)
    assert not result
    assert message.replace("\\", "") in result.message


@pytest.mark.parametrize("stub", [None, lambda c, r, f, a: None, lambda c, r, f, a: 1 / 0])
def test_gradient_penalty_check_never_raises(stub):
    assert not gu.checks.check_gradient_penalty(stub)


def good_smoothed_d_loss(real_logits, fake_logits, smoothing):
    t = 1 - smoothing
    sp = lambda x: np.logaddexp(0, x)  # noqa: E731
    return np.mean(t * sp(-real_logits) + (1 - t) * sp(real_logits)) + np.mean(sp(fake_logits))


def test_label_smoothing_check_passes_the_solution_and_the_library_version():
    assert gu.checks.check_label_smoothing(good_smoothed_d_loss)
    assert gu.checks.check_label_smoothing(
        lambda r, f, s: gu.losses.discriminator_loss(r, f, "non_saturating", label_smoothing=s))


def _sp(x):
    return np.logaddexp(0, x)


@pytest.mark.parametrize("wrong, message", [
    (lambda r, f, s: good_smoothed_d_loss(r, f, 0.0), "changes nothing"),
    (lambda r, f, s: np.mean((1 - s) * _sp(-r) + s * _sp(r)) + np.mean((1 - s) * _sp(f) + s * _sp(-f)), "one-sided"),
    (lambda r, f, s: good_smoothed_d_loss(r, f, 1 - s), "the smoothing amount itself"),
    (lambda r, f, s: np.mean((1 - s) * _sp(-r)) + np.mean(_sp(f)), "dropped its partner"),
])
def test_label_smoothing_check_names_the_mistake(wrong, message):
    result = gu.checks.check_label_smoothing(wrong)
    assert not result and message in result.message


def test_label_smoothing_check_reports_an_unstable_log():
    naive = lambda r, f, s: np.mean(-(1 - s) * np.log(1 / (1 + np.exp(-r))) - s * np.log(1 - 1 / (1 + np.exp(-r)))) \
        - np.mean(np.log(1 - 1 / (1 + np.exp(-f))))  # noqa: E731
    with np.errstate(all="ignore"):
        result = gu.checks.check_label_smoothing(naive)
    assert not result


def test_minimax_gradient_derive_it():
    sig = lambda l: 1 / (1 + np.exp(-l))  # noqa: E731
    assert gu.checks.check_minimax_gradient(lambda l: -sig(l))
    assert "sign is flipped" in gu.checks.check_minimax_gradient(sig).message
    assert "NON-saturating" in gu.checks.check_minimax_gradient(lambda l: -(1 - sig(l))).message
    assert "with respect to D(G(z))" in gu.checks.check_minimax_gradient(lambda l: -1 / (1 - sig(l))).message
