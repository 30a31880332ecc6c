"""Notebook 04's exercise checks: the WGAN-GP gradient penalty and one-sided label smoothing."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _gan_diagnosis, check_function


def _softplus(x) -> np.ndarray:
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _smoothed_reference(real_logits, fake_logits, smoothing) -> float:
    target = 1.0 - smoothing
    real = target * _softplus(-real_logits) + (1.0 - target) * _softplus(real_logits)
    return float(np.mean(real) + np.mean(_softplus(fake_logits)))


def check_label_smoothing(smoothed_d_loss: Callable | None) -> CheckResult:
    """Check notebook 04's exercise: D's BCE loss with real targets 1 - smoothing and fake targets 0. Introduced in notebook 04."""
    rng = np.random.default_rng(4)
    cases = [
        (np.array([2.0, -1.0, 0.5]), np.array([-3.0, 0.0, 1.0]), 0.1),
        (rng.normal(0, 3, 16), rng.normal(0, 3, 16), 0.2),
        (rng.normal(0, 3, 8), rng.normal(0, 3, 8), 0.0),
        (np.array([40.0, -40.0]), np.array([40.0, -40.0]), 0.1),
    ]

    def two_sided(r, f, s):
        return _smoothed_reference(r, f, s) + s * float(np.mean(_softplus(-f) - _softplus(f)))

    mistakes = [
        (lambda r, f, s: _smoothed_reference(r, f, 0.0),
         "The smoothing argument changes nothing in your loss: the real images' target should be 1 - smoothing."),
        (two_sided, "Only the REAL targets are smoothed (one-sided). Smoothing the fake targets towards "
                    "`smoothing` rewards D for calling fakes a bit real, which Salimans et al. warn against."),
        (lambda r, f, s: _smoothed_reference(r, f, 1.0 - s),
         "The real target is 1 - smoothing (e.g. 0.9), not smoothing itself (0.1)."),
        (lambda r, f, s: float(np.mean((1 - s) * _softplus(-r)) + np.mean(_softplus(f))),
         "With target t the BCE is t*(-log D) + (1 - t)*(-log(1 - D)): the (1 - t) term on the real images is missing."),
    ]
    return check_function(
        "smoothed_d_loss", smoothed_d_loss, _smoothed_reference, cases,
        hint="with t = 1 - smoothing: mean(t*softplus(-real) + (1-t)*softplus(real)) + mean(softplus(fake)); "
             "softplus(-l) = -log D when D = sigmoid(l).",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )


def _critics():
    import tensorflow as tf

    w = tf.constant(np.random.default_rng(1).normal(size=(1, 4, 4, 1)), tf.float32)

    def linear(x):
        return tf.reduce_sum(x * w, axis=[1, 2, 3])

    def bumpy(x):
        return tf.reduce_sum(tf.tanh(2.0 * x * w) + 0.3 * tf.square(x), axis=[1, 2, 3])

    def gentle(x):
        return 0.1 * linear(x)

    return linear, bumpy, gentle


def _gp_reference(critic, real, fake, alpha):
    from ..losses import gradient_penalty

    return gradient_penalty(critic, real, fake, alpha)


def _gp_variant(critic, real, fake, alpha, norms_to_penalty, swap: bool = False, whole_batch: bool = False):
    import tensorflow as tf

    mixed = alpha * fake + (1 - alpha) * real if swap else alpha * real + (1 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = critic(mixed)
    grads = tape.gradient(scores, mixed)
    if whole_batch:
        return norms_to_penalty(tf.sqrt(tf.reduce_sum(tf.square(grads))))
    return norms_to_penalty(tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])))


def check_gradient_penalty(gradient_penalty: Callable | None) -> CheckResult:
    """Check notebook 04's exercise: WGAN-GP's mean (||grad critic(x_hat)|| - 1)^2 at x_hat = a*real + (1-a)*fake. Introduced in notebook 04."""
    import tensorflow as tf

    rng = np.random.default_rng(2)
    linear, bumpy, gentle = _critics()

    def batch(n):
        real = tf.constant(rng.uniform(-1, 1, (n, 4, 4, 1)), tf.float32)
        fake = tf.constant(rng.uniform(-1, 1, (n, 4, 4, 1)), tf.float32)
        return real, fake, tf.constant(rng.uniform(0, 1, (n, 1, 1, 1)), tf.float32)

    cases = [(linear, *batch(3)), (bumpy, *batch(5)), (gentle, *batch(4)), (bumpy, *batch(2))]

    def squared(n):
        return tf.reduce_mean(tf.square(n - 1.0))

    mistakes = [
        (lambda c, r, f, a: _gp_variant(c, r, f, a, lambda n: tf.reduce_mean(tf.square(tf.square(n) - 1.0))),
         "Take the square root: the penalty uses the gradient's norm ||g|| = sqrt(sum g^2), not sum g^2."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, squared, whole_batch=True),
         "Compute one norm PER SAMPLE (sum over axes 1, 2, 3 only), then average the penalties over the batch."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, lambda n: tf.reduce_mean(tf.abs(n - 1.0))),
         "Square the difference: the penalty is (||g|| - 1)^2."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, lambda n: tf.reduce_mean(tf.square(tf.nn.relu(n - 1.0)))),
         "WGAN-GP's penalty is two-sided: gradients smaller than 1 are penalised too, (||g|| - 1)^2."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, squared, swap=True),
         "Mix in this order: x_hat = alpha * real + (1 - alpha) * fake."),
    ]
    return check_function(
        "gradient_penalty", gradient_penalty, _gp_reference, cases,
        hint="x_hat = alpha*real + (1-alpha)*fake; with tf.GradientTape() as tape: tape.watch(x_hat); "
             "s = critic(x_hat); g = tape.gradient(s, x_hat); norms = sqrt(sum of g^2 over axes 1, 2, 3); "
             "return mean((norms - 1)^2).",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )
