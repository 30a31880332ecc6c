"""R3GAN's relativistic pairing loss and zero-centred penalties (gu.losses), and GANTrainer(loss="relativistic")."""
from __future__ import annotations

import math

import numpy as np
import pytest
import tensorflow as tf

from gan_utils import losses as L
from gan_utils.engine.training import GANTrainer

REAL = np.array([2.0, -1.0, 0.5, 30.0], np.float32)
FAKE = np.array([-3.0, 0.0, 1.5, -40.0], np.float32)


def _softplus(v: np.ndarray) -> np.ndarray:
    v = v.astype(np.float64)
    return np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))


def test_equal_outputs_give_log_2_for_both_players():
    same = np.array([-3.0, 0.0, 7.5], np.float32)
    assert float(L.relativistic_d_loss(same, same)) == pytest.approx(math.log(2), rel=1e-6)
    assert float(L.relativistic_g_loss(same, same)) == pytest.approx(math.log(2), rel=1e-6)


def test_known_logits_pair_each_real_with_its_fake():
    assert float(L.relativistic_d_loss(REAL, FAKE)) == pytest.approx(np.mean(_softplus(-(REAL - FAKE))), rel=1e-6)
    assert float(L.relativistic_g_loss(REAL, FAKE)) == pytest.approx(np.mean(_softplus(-(FAKE - REAL))), rel=1e-6)
    # a shift of every output changes nothing: only the differences D(x) - D(G(z)) count
    assert float(L.relativistic_d_loss(REAL + 5, FAKE + 5)) == pytest.approx(float(L.relativistic_d_loss(REAL, FAKE)))


def test_the_loss_names_route_to_the_same_functions():
    assert float(L.discriminator_loss(REAL, FAKE, "relativistic")) == pytest.approx(
        float(L.relativistic_d_loss(REAL, FAKE)), rel=1e-6)
    assert float(L.generator_loss(FAKE, "relativistic", real_logits=REAL)) == pytest.approx(
        float(L.relativistic_g_loss(REAL, FAKE)), rel=1e-6)
    assert np.isfinite(float(L.relativistic_d_loss([1e4, -1e4], [-1e4, 1e4])))


def test_gradients_match_finite_differences():
    real, fake = tf.Variable(REAL[:3].astype(np.float64)), tf.Variable(FAKE[:3].astype(np.float64))
    for loss in (L.relativistic_d_loss, L.relativistic_g_loss):
        with tf.GradientTape() as tape:
            value = loss(tf.cast(real, tf.float32), tf.cast(fake, tf.float32))
        grad_real, grad_fake = (g.numpy() for g in tape.gradient(value, [real, fake]))
        h = 1e-3
        for i in range(3):
            for variable, grad in ((real, grad_real), (fake, grad_fake)):
                base = variable.numpy().copy()
                up, down = base.copy(), base.copy()
                up[i] += h
                down[i] -= h
                variable.assign(up)
                plus = float(loss(tf.cast(real, tf.float32), tf.cast(fake, tf.float32)))
                variable.assign(down)
                minus = float(loss(tf.cast(real, tf.float32), tf.cast(fake, tf.float32)))
                variable.assign(base)
                assert grad[i] == pytest.approx((plus - minus) / (2 * h), abs=2e-4)


def test_zero_centred_penalty_of_a_linear_critic_is_its_weights_squared_norm():
    w = np.random.default_rng(0).normal(size=(28 * 28,)).astype(np.float32)

    def critic(x):
        return tf.reshape(x, [tf.shape(x)[0], -1]) @ w[:, None] + 0.3

    images = np.random.default_rng(1).uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32)
    assert float(L.zero_centred_penalty(critic, images)) == pytest.approx(float(np.sum(w.astype(np.float64) ** 2)),
                                                                          rel=1e-5)


def test_zero_centred_penalty_of_a_quadratic_critic_matches_its_gradient():
    """D(x) = sum x^2 has gradient 2x, so the penalty is the mean of 4 ||x||^2."""
    images = np.random.default_rng(2).uniform(-1, 1, (4, 3, 3, 1)).astype(np.float32)
    expected = np.mean(4 * np.sum(images.astype(np.float64) ** 2, axis=(1, 2, 3)))
    value = L.zero_centred_penalty(lambda x: tf.reduce_sum(tf.square(x), axis=[1, 2, 3]), images)
    assert float(value) == pytest.approx(expected, rel=1e-5)


def test_bad_inputs_raise_value_errors_naming_them():
    with pytest.raises(ValueError, match="3 and 2"):
        L.relativistic_d_loss([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="real_logits"):
        L.generator_loss(FAKE, "relativistic")
    with pytest.raises(ValueError, match="real_logits.*'non_saturating'"):
        L.generator_loss(FAKE, "non_saturating", real_logits=REAL)
    with pytest.raises(ValueError, match="label_smoothing"):
        L.discriminator_loss(REAL, FAKE, "relativistic", label_smoothing=0.1)
    with pytest.raises(ValueError, match="r2_weight"):
        GANTrainer("mlp", np.zeros((8, 28, 28, 1), np.float32), hidden=4, batch_size=4, r2_weight=-1.0)


@pytest.mark.parametrize("simultaneous", [False, True])
def test_gan_trainer_trains_with_the_relativistic_loss_and_both_penalties(simultaneous):
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    trainer = GANTrainer("dcgan", images, loss="relativistic", r1_weight=1.0, r2_weight=1.0, batch_size=8,
                         g_filters=8, d_filters=4, n_fixed=4, simultaneous=simultaneous)
    row = trainer.step(3)
    assert trainer.step_count == 3 and trainer.settings()["r2_weight"] == 1.0
    assert all(np.isfinite(trainer.history[key]).all() for key in ("d_loss", "g_loss", "d_real", "d_fake"))
    assert np.isfinite(trainer.step(1, mode="g")["d_loss"]) and np.isfinite(row["g_loss"])
    assert "relativistic" in L.CRITIC_LOSSES


def test_penalties_raise_the_reported_d_loss_by_their_weighted_squared_gradients():
    """One D update from the same state: with r1 = r2 = lambda the reported loss adds (lambda/2)(R1 + R2) > 0."""
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)

    def d_loss(**weights) -> float:
        trainer = GANTrainer("mlp", images, loss="relativistic", hidden=8, batch_size=8, n_fixed=4, **weights)
        return trainer.step(1, mode="d")["d_loss"]

    plain, penalised = d_loss(), d_loss(r1_weight=2.0, r2_weight=2.0)
    assert penalised > plain + 1e-4
