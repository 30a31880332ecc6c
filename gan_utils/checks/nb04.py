"""Notebook 04's exercise checks: the WGAN-GP gradient penalty and one-sided label smoothing."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, check_function, gan_diagnosis, known_mistake

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "gradient_penalty": (
        "Pick points on the straight lines between real and fake images, ask how steep the critic is at "
        "each one, and penalise each point's steepness for being different from 1, in either direction.",
        r"$\hat x = \alpha x + (1-\alpha)\tilde x$, $g = \nabla_{\hat x} s(\hat x)$ per sample, "
        r"$\mathrm{GP} = \mathbb{E}\big[(\lVert g\rVert_2 - 1)^2\big]$ (Gulrajani et al. 2017).",
        "```python\nmixed = alpha * real + (1 - alpha) * fake\nwith tf.GradientTape() as tape:\n"
        "    tape.watch(mixed)\n    scores = critic(mixed)\ngrads = tape.gradient(scores, mixed)\n"
        "norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))\n"
        "return tf.reduce_mean(tf.square(norms - 1.0))\n```",
    ),
    "label_smoothing": (
        "Only the real images' target moves, from 1 down a little. With a target between 0 and 1, the "
        "cross-entropy mixes both surprises, weighted by the target.",
        r"With $t = 1 - \varepsilon$: $L_D = \mathbb{E}[t\,\mathrm{softplus}(-\ell_r) + (1-t)\,\mathrm{softplus}(\ell_r)] "
        r"+ \mathbb{E}[\mathrm{softplus}(\ell_f)]$.",
        "```python\nt = 1.0 - smoothing\nsp = lambda u: np.logaddexp(0.0, u)\n"
        "return np.mean(t * sp(-real_logits) + (1 - t) * sp(real_logits)) + np.mean(sp(fake_logits))\n```",
    ),
    "minimax_gradient": (
        "Differentiate G's minimax cost with respect to the logit D gives a fake. Then ask what happens to "
        "that slope when D is sure the fake is fake, that is when D(G(z)) is close to zero.",
        r"$\frac{d}{d\ell}\log(1-\sigma(\ell)) = \frac{-\sigma(\ell)(1-\sigma(\ell))}{1-\sigma(\ell)} = -\sigma(\ell) "
        r"= -D(G(z))$: it vanishes as $D(G(z)) \to 0$. The non-saturating cost's slope is "
        r"$-(1 - D(G(z))) \to -1$ there.",
        "```python\nreturn -1.0 / (1.0 + np.exp(-logit))\n```",
    ),
}


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
         "the smoothing argument changes nothing in your loss: the real images' target should move below 1."),
        (two_sided, "you smoothed the fake targets too. Only the REAL targets are smoothed (one-sided): moving the "
                    "fakes' target up rewards D for calling fakes a bit real, which Salimans et al. warn against."),
        (lambda r, f, s: _smoothed_reference(r, f, 1.0 - s),
         "the real target came out as the smoothing amount itself (0.1), where it should be one minus it (0.9)."),
        (lambda r, f, s: float(np.mean((1 - s) * _softplus(-r)) + np.mean(_softplus(f))),
         "you scaled the real images' term down but dropped its partner: a target between 0 and 1 keeps both "
         "surprises, the one for real weighted by the target and the one for fake by the rest."),
    ]
    return check_function(
        "smoothed_d_loss", smoothed_d_loss, _smoothed_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4,
        arg_names=["real_logits", "fake_logits", "smoothing"], exercise="label_smoothing",
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
    from ..engine.losses import gradient_penalty

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
         "you penalised the squared length of the gradient; the penalty uses its length (the norm) itself."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, squared, whole_batch=True),
         "you took one norm for the whole batch; each sample gets its own norm (over its pixels only), and the "
         "penalties are then averaged."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, lambda n: tf.reduce_mean(tf.abs(n - 1.0))),
         "you penalised the absolute gap to 1; WGAN-GP squares that gap."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, lambda n: tf.reduce_mean(tf.square(tf.nn.relu(n - 1.0)))),
         "your penalty is one-sided: WGAN-GP's is two-sided, so gradients shorter than 1 are penalised too."),
        (lambda c, r, f, a: _gp_variant(c, r, f, a, squared, swap=True),
         "your mix puts alpha on the fakes. Either order is a valid interpolation, but this check fixes alpha "
         "and hands it to you, so it can only compare if alpha weighs the REAL images."),
    ]
    return check_function(
        "gradient_penalty", gradient_penalty, _gp_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["critic", "real", "fake", "alpha"],
    )


def _logit_grid() -> list[tuple]:
    return [(np.array([0.0]),), (np.linspace(-8.0, 8.0, 9),), (np.array([-40.0, -5.0, 2.0]),)]


def _sigmoid(logit) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(logit, np.float64)))


def check_minimax_gradient(minimax_gradient: Callable | None) -> CheckResult:
    """Check notebook 04's derive-it exercise: the slope of G's minimax cost with respect to the fake's logit. Introduced in notebook 04."""
    cases = _logit_grid()
    mistake = known_mistake(minimax_gradient, cases, [
        (lambda l: _sigmoid(l), "the sign is flipped: raising the fake's logit makes D more fooled, which lowers "
                                "G's minimax cost, so the slope is negative."),
        (lambda l: -(1.0 - _sigmoid(l)), "that is the slope of the NON-saturating cost; the exercise asks for the "
                                         "minimax one, which behaves the opposite way when D wins."),
        (lambda l: -_sigmoid(l) * (1.0 - _sigmoid(l)), "you kept the sigmoid's slope, but it cancels against the "
                                                       "derivative of the logarithm: one factor too many."),
        (lambda l: -1.0 / (1.0 - _sigmoid(l)), "that is the derivative with respect to D(G(z)), not to the logit: "
                                               "one chain-rule factor is missing."),
    ])
    return check_function("minimax_gradient", minimax_gradient, lambda l: -_sigmoid(l), cases,
                          diagnose=lambda got, expected: mistake, atol=1e-6, arg_names=["logit"])
