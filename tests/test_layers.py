"""Spectral normalisation and the minibatch standard-deviation layer (notebook 04)."""
from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.engine.layers import MinibatchStdDev, SpectralNorm, largest_singular_value


@pytest.mark.parametrize("layer, shape", [
    (lambda: keras.layers.Dense(16), (4, 32)),
    (lambda: keras.layers.Conv2D(8, 4, strides=2, padding="same"), (2, 28, 28, 3)),
])
def test_spectral_norm_makes_the_largest_singular_value_one(layer, shape):
    keras.utils.set_random_seed(0)
    wrapped = SpectralNorm(layer())
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    wrapped(x)
    raw = largest_singular_value(wrapped.layer.kernel.numpy())
    for _ in range(20):
        wrapped(x, training=True)
    assert abs(raw - 1.0) > 0.05, "the test needs a raw kernel whose sigma is not already 1"
    assert largest_singular_value(wrapped.normalized_kernel().numpy()) == pytest.approx(1.0, abs=0.01)
    assert float(wrapped.sigma()) == pytest.approx(raw, rel=0.01)


def test_spectral_norm_applies_the_normalised_kernel_and_passes_gradients_through_sigma():
    keras.utils.set_random_seed(1)
    dense = keras.layers.Dense(3, activation="relu")
    wrapped = SpectralNorm(dense)
    x = np.random.default_rng(1).standard_normal((5, 7)).astype(np.float32)
    for _ in range(30):
        wrapped(x, training=True)
    with tf.GradientTape() as tape:
        y = wrapped(x, training=True)
        total = tf.reduce_sum(y)
    sigma = float(wrapped.sigma())
    expected = np.maximum(x @ (dense.kernel.numpy() / sigma) + dense.bias.numpy(), 0)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)
    grad = tape.gradient(total, dense.kernel)
    naive = x.T @ (expected > 0).astype(np.float32) / sigma
    assert grad is not None and not np.allclose(grad.numpy(), naive, atol=1e-4), \
        "the gradient must include the path through sigma, not only 1/sigma"


def test_inference_does_not_move_the_power_iteration_vector():
    wrapped = SpectralNorm(keras.layers.Dense(4))
    x = np.ones((2, 3), np.float32)
    wrapped(x)
    before = wrapped.u.numpy().copy()
    wrapped(x, training=False)
    np.testing.assert_array_equal(wrapped.u.numpy(), before)
    wrapped(x, training=True)
    assert not np.array_equal(wrapped.u.numpy(), before)


@pytest.mark.parametrize("bad", [lambda: keras.layers.BatchNormalization(), lambda: keras.layers.Conv2DTranspose(2, 3)])
def test_spectral_norm_rejects_layers_it_cannot_wrap(bad):
    with pytest.raises(ValueError, match="SpectralNorm wraps one of"):
        SpectralNorm(bad())


@pytest.mark.parametrize("power_iterations", [0, -1, 1.5, True])
def test_spectral_norm_rejects_bad_power_iterations(power_iterations):
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNorm(keras.layers.Dense(2), power_iterations=power_iterations)


def test_minibatch_std_adds_the_batch_spread_as_a_channel():
    x = np.random.default_rng(2).standard_normal((6, 4, 4, 3)).astype(np.float32)
    out = MinibatchStdDev()(x).numpy()
    assert out.shape == (6, 4, 4, 4)
    np.testing.assert_array_equal(out[..., :3], x)
    np.testing.assert_allclose(out[..., 3], np.sqrt(x.var(axis=0) + 1e-8).mean(), rtol=1e-5)
    collapsed = MinibatchStdDev()(np.repeat(x[:1], 6, axis=0)).numpy()
    assert collapsed[..., 3].max() < 1e-3


@pytest.mark.parametrize("model", ["dcgan", "cdcgan"])
def test_named_models_take_spectral_norm_and_minibatch_std(model):
    _, d = gu.models.build_gan(model, spectral_norm=True, minibatch_std=True)
    wrapped = [layer for layer in d.layers if isinstance(layer, SpectralNorm)]
    assert len(wrapped) == 3
    assert any(isinstance(layer, MinibatchStdDev) for layer in d.layers)
    _, plain = gu.models.build_gan(model)
    assert not any(isinstance(layer, (SpectralNorm, MinibatchStdDev)) for layer in plain.layers)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_switches_must_be_booleans(value):
    with pytest.raises(ValueError, match="spectral_norm must be True or False"):
        gu.models.model_config("dcgan", spectral_norm=value)


def test_spectral_norm_trainer_trains_saves_and_restores(tmp_path):
    images = np.random.default_rng(3).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, loss="hinge", batch_size=8, g_filters=8, d_filters=4,
                            spectral_norm=True)
    trainer.step(3)
    d = trainer.discriminator
    kernels = [layer.normalized_kernel().numpy() for layer in d.layers if isinstance(layer, SpectralNorm)]
    trainer.save(tmp_path)
    again = gu.GANTrainer.restore(tmp_path, images)
    assert again.config["spectral_norm"] is True
    restored = [layer.normalized_kernel().numpy() for layer in again.discriminator.layers
                if isinstance(layer, SpectralNorm)]
    for a, b in zip(kernels, restored):
        np.testing.assert_array_equal(a, b)


def test_checkpoint_written_before_the_switches_existed_still_restores(tmp_path):
    images = np.random.default_rng(4).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, batch_size=8, g_filters=8, d_filters=4)
    trainer.step(1)
    trainer.config = {k: v for k, v in trainer.config.items() if k not in ("spectral_norm", "minibatch_std")}
    trainer.save(tmp_path)
    again = gu.GANTrainer.restore(tmp_path, images)
    assert again.step_count == 1 and again.config["spectral_norm"] is False
