"""GAN losses against hand-computed values, the optimal discriminator and the gradient penalty."""
from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from gan_utils import losses as L

REAL = np.array([2.0, -1.0, 0.5, 30.0], np.float32)
FAKE = np.array([-3.0, 0.0, 1.5, -40.0], np.float32)


def _sigmoid(l):
    return 1.0 / (1.0 + np.exp(-l.astype(np.float64)))


def _log(p):
    """log of a probability; 1 - sigmoid(l) is computed as sigmoid(-l) so float64 keeps every digit."""
    return np.log(np.clip(p, 1e-300, None))


def test_bce_discriminator_loss_is_minus_the_value_function():
    d_real = _sigmoid(REAL)
    expected = -(np.mean(_log(d_real)) + np.mean(_log(_sigmoid(-FAKE))))
    for kind in L.BCE_LOSSES:
        assert float(L.discriminator_loss(REAL, FAKE, kind)) == pytest.approx(expected, rel=1e-5)


def test_one_sided_label_smoothing_changes_only_the_real_targets():
    d_real = _sigmoid(REAL)
    t = 0.9
    expected = -np.mean(t * _log(d_real) + (1 - t) * _log(_sigmoid(-REAL))) - np.mean(_log(_sigmoid(-FAKE)))
    assert float(L.discriminator_loss(REAL, FAKE, label_smoothing=0.1)) == pytest.approx(expected, rel=1e-5)


def test_generator_losses():
    d_fake = _sigmoid(FAKE)
    assert float(L.generator_loss(FAKE, "minimax")) == pytest.approx(np.mean(_log(_sigmoid(-FAKE))), rel=1e-5)
    assert float(L.generator_loss(FAKE, "non_saturating")) == pytest.approx(-np.mean(_log(d_fake)), rel=1e-5)
    for kind in ("wgan_gp", "hinge"):
        assert float(L.generator_loss(FAKE, kind)) == pytest.approx(-np.mean(FAKE), rel=1e-6)


def test_wgan_and_hinge_discriminator_losses():
    assert float(L.discriminator_loss(REAL, FAKE, "wgan_gp")) == pytest.approx(FAKE.mean() - REAL.mean(), rel=1e-6)
    hinge = np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE))
    assert float(L.discriminator_loss(REAL, FAKE, "hinge")) == pytest.approx(hinge, rel=1e-6)


def test_losses_stay_finite_for_extreme_logits():
    extreme = np.array([-1e4, 1e4], np.float32)
    for kind in L.LOSSES:
        assert np.isfinite(float(L.discriminator_loss(extreme, extreme, kind)))
        paired = extreme[::-1] if kind in L.PAIRED_LOSSES else None  # the relativistic loss also reads D(x)
        assert np.isfinite(float(L.generator_loss(extreme, kind, real_logits=paired)))
    assert float(L.generator_loss(np.array([-200.0], np.float32))) == pytest.approx(200.0)


def test_log_4_when_the_discriminator_says_one_half_everywhere():
    zeros = np.zeros(8, np.float32)
    assert float(L.discriminator_loss(zeros, zeros, "minimax")) == pytest.approx(math.log(4), rel=1e-6)


@pytest.mark.parametrize("p, q", [(0.7, 0.2), (0.1, 0.4), (0.5, 0.5)])
def test_the_optimal_discriminator_is_p_over_p_plus_q(p, q):
    """At one point x with data density p and generator density q, minimise over a single logit."""
    logit = tf.Variable(0.0)
    opt = tf.keras.optimizers.SGD(learning_rate=2.0)
    for _ in range(500):
        with tf.GradientTape() as tape:
            real = L.discriminator_loss(tf.reshape(logit, [1]), tf.constant([-1e4]), "minimax")
            fake = L.discriminator_loss(tf.constant([1e4]), tf.reshape(logit, [1]), "minimax")
            loss = p * real + q * fake
        opt.apply_gradients([(tape.gradient(loss, logit), logit)])
    assert float(tf.sigmoid(logit)) == pytest.approx(p / (p + q), abs=1e-3)


def test_gradient_penalty_of_a_linear_critic_is_norm_minus_one_squared():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((28 * 28, 1)).astype(np.float32)

    def critic(x):
        return tf.reshape(x, [-1, 28 * 28]) @ w

    real = rng.uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    fake = rng.uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    expected = (np.linalg.norm(w.astype(np.float64)) - 1.0) ** 2
    for alpha in (None, np.linspace(0, 1, 5).astype(np.float32)):
        assert float(L.gradient_penalty(critic, real, fake, alpha)) == pytest.approx(expected, rel=1e-4)


def test_gradient_penalty_uses_the_interpolates():
    """f(x) = 0.5 * sum(x^2) has gradient x; with alpha = 1 the penalty sees the real batch only."""
    real = np.full((2, 2, 2, 1), 0.25, np.float32)
    fake = np.zeros((2, 2, 2, 1), np.float32)
    penalty = L.gradient_penalty(lambda x: 0.5 * tf.reduce_sum(x ** 2, axis=[1, 2, 3]), real, fake,
                                 alpha=np.ones(2, np.float32))
    assert float(penalty) == pytest.approx((0.5 - 1.0) ** 2, rel=1e-5)


def test_gradient_penalty_draws_one_uniform_weight_per_sample():
    """With f(x) = 0.5 * sum(x^2), fake = 0 and ||real|| = 0.5 the penalty is (0.5 a - 1)^2 per sample.

    a ~ U(0, 1) drawn per sample averages to 1 - 1/2 + 1/12 = 0.5833; one weight for the whole batch
    would give (0.5 a - 1)^2 for a single a, and a constant a = 1/2 gives 0.5625.
    """
    tf.random.set_seed(0)
    n = 20_000
    real = np.full((n, 2, 2, 1), 0.25, np.float32)
    critic = lambda x: 0.5 * tf.reduce_sum(x ** 2, axis=[1, 2, 3])  # noqa: E731
    values = [float(L.gradient_penalty(critic, real, np.zeros_like(real))) for _ in range(3)]
    assert values == pytest.approx([1 - 0.5 + 1 / 12] * 3, abs=0.006)
    assert len(set(values)) == 3, "each call draws new weights"


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "least_squares"}, r"minimax.*hinge.*'least_squares'"),
    ({"label_smoothing": 0.5}, r"label_smoothing.*\[0, 0.5\).*0.5"),
    ({"label_smoothing": -0.1}, r"label_smoothing.*-0.1"),
    ({"kind": "hinge", "label_smoothing": 0.1}, r"only applies.*'hinge'"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        L.discriminator_loss(REAL, FAKE, **kwargs)


def test_generator_loss_rejects_unknown_kind():
    with pytest.raises(ValueError, match="'wgan'"):
        L.generator_loss(FAKE, "wgan")
