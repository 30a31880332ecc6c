"""gu.vae: the reparameterisation trick, the ELBO's two terms, shapes, training and input checks (notebook 05)."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils import vae


def test_reparameterisation_has_the_right_mean_and_variance() -> None:
    mean = np.array([[1.0, -2.0, 0.0]], np.float32).repeat(200_000, axis=0)
    log_var = np.log(np.array([[4.0, 0.25, 1.0]], np.float32)).repeat(200_000, axis=0)
    xi = np.random.default_rng(0).standard_normal(mean.shape).astype(np.float32)
    z = np.asarray(vae.reparameterise(mean, log_var, xi))
    assert np.allclose(z.mean(0), [1.0, -2.0, 0.0], atol=0.02)
    assert np.allclose(z.var(0), [4.0, 0.25, 1.0], rtol=0.02)


def test_reparameterisation_passes_gradients_to_mean_and_log_var() -> None:
    mean, log_var = tf.Variable([[0.5, -1.0]]), tf.Variable([[0.0, np.log(9.0)]])
    xi = tf.constant([[2.0, -1.0]])
    with tf.GradientTape() as tape:
        z = vae.reparameterise(mean, log_var, xi)
        total = tf.reduce_sum(z)
    d_mean, d_log_var = tape.gradient(total, [mean, log_var])
    assert np.allclose(d_mean, [[1.0, 1.0]])
    # dz/dlog_var = xi * exp(log_var / 2) / 2: 2 * 1 / 2 and -1 * 3 / 2
    assert np.allclose(d_log_var, [[1.0, -1.5]], atol=1e-6)


def test_kl_is_zero_at_the_prior_and_matches_the_closed_form() -> None:
    assert np.allclose(vae.kl_to_prior(np.zeros((2, 5)), np.zeros((2, 5))), 0.0)
    # one dimension with mean 3 and variance 1: KL = 3^2 / 2 = 4.5
    assert float(vae.kl_to_prior([[3.0]], [[0.0]])[0]) == pytest.approx(4.5)
    # variance 4, mean 0: (4 - 1 - log 4) / 2; dimensions add up
    one = 0.5 * (4.0 - 1.0 - np.log(4.0))
    assert float(vae.kl_to_prior([[0.0, 0.0]], [[np.log(4.0)] * 2])[0]) == pytest.approx(2 * one, rel=1e-6)


def test_kl_matches_a_monte_carlo_estimate() -> None:
    mu, var = 0.7, 0.3
    x = np.random.default_rng(1).normal(mu, np.sqrt(var), 400_000)
    log_q = -0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var)
    log_p = -0.5 * np.log(2 * np.pi) - x ** 2 / 2
    exact = float(vae.kl_to_prior([[mu]], [[np.log(var)]])[0])
    assert exact == pytest.approx(np.mean(log_q - log_p), abs=0.01)


def test_reconstruction_term_on_known_cases() -> None:
    half = np.full((2, 28, 28, 1), 0.5, np.float32)
    assert np.allclose(vae.reconstruction_nats(half, half), 784 * np.log(2.0), rtol=1e-5)
    binary = (np.random.default_rng(2).random((3, 28, 28, 1)) > 0.5).astype(np.float32)
    assert np.all(np.asarray(vae.reconstruction_nats(binary, binary)) < 784 * 2e-7)
    x_hat = np.full((1, 28, 28, 1), 0.9, np.float32)
    ones = np.ones((1, 28, 28, 1), np.float32)
    assert float(vae.reconstruction_nats(ones, x_hat)[0]) == pytest.approx(-784 * np.log(0.9), rel=1e-5)


def test_negative_elbo_is_reconstruction_plus_kl() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((4, 28, 28, 1)).astype(np.float32)
    x_hat = rng.uniform(0.05, 0.95, (4, 28, 28, 1)).astype(np.float32)
    mean, log_var = rng.normal(size=(4, 6)).astype(np.float32), rng.normal(size=(4, 6)).astype(np.float32)
    expected = vae.reconstruction_nats(x, x_hat) + vae.kl_to_prior(mean, log_var)
    assert np.allclose(vae.negative_elbo(x, x_hat, mean, log_var), expected)


def test_shapes_and_scales() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    model = vae.VAE(data.x_train[:128], latent_dim=8, batch_size=32, seed=0)
    mean, log_var = model.encode(data.x_train[:5])
    assert mean.shape == log_var.shape == (5, 8)
    samples = model.sample(7, seed=1)
    assert samples.shape == (7, 28, 28, 1) and samples.dtype == np.float32
    assert samples.min() >= -1.0 and samples.max() <= 1.0
    assert model.reconstruct(gu.to_float(data.x_train[:3])).shape == (3, 28, 28, 1)
    assert np.allclose(vae.unit_images(gu.to_float(data.x_train[:2])), vae.unit_images(data.x_train[:2]), atol=1e-6)
    assert np.array_equal(model.sample(3, seed=4), model.sample(3, seed=4))


def test_a_few_training_steps_lower_the_loss_and_raise_the_elbo() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    model = vae.VAE(data.x_train[:512], latent_dim=8, batch_size=64, seed=0)
    before = model.elbo(data.x_test[:200])
    model.fit(60)
    loss = model.history["loss"]
    assert len(loss) == model.step_count == 60 and model.train_time > 0
    assert np.mean(loss[-10:]) < 0.8 * np.mean(loss[:3])
    assert model.elbo(data.x_test[:200]) > before
    assert set(model.history) == {"loss", "reconstruction", "kl"}


def test_bad_inputs_raise_clear_errors() -> None:
    digits = gu.load_mnist("embedded", verbose=False).x_train[:16]
    with pytest.raises(ValueError, match="latent_dim must be an integer"):
        vae.build_encoder(0)
    with pytest.raises(ValueError, match="expected \\(N, 28, 28\\)"):
        vae.unit_images(np.zeros((4, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="expected \\[-1, 1\\]"):
        vae.unit_images(np.full((2, 28, 28), 3.0, np.float32))
    with pytest.raises(ValueError, match="dtype int64"):
        vae.unit_images(np.zeros((2, 28, 28), np.int64))
    with pytest.raises(ValueError, match="larger than the 16 training images"):
        vae.VAE(digits, batch_size=64)
    with pytest.raises(ValueError, match="lr must be"):
        vae.VAE(digits, batch_size=8, lr=0.0)
    with pytest.raises(ValueError, match="they must match"):
        vae.reparameterise(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="xi has shape"):
        vae.reparameterise(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((1, 3)))
    model = vae.VAE(digits, latent_dim=4, batch_size=8)
    with pytest.raises(ValueError, match="steps must be an integer"):
        model.fit(0)
    with pytest.raises(ValueError, match="z must have shape"):
        model.decode(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="n must be an integer"):
        model.sample(0)
