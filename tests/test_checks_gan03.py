"""Notebook 03's exercise checks: a right answer passes, a stub or a classic mistake gets a hint."""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from gan_utils import checks


def mlp_d(flatten=True, activation=None):
    return keras.Sequential([keras.Input((28, 28, 1)), *([layers.Flatten()] if flatten else []), layers.Dense(8),
                             layers.LeakyReLU(0.2), layers.Dense(1, activation=activation)])


def test_check_discriminator():
    assert checks.check_discriminator(lambda: mlp_d())
    assert not checks.check_discriminator(lambda: None)
    assert "Flatten" in checks.check_discriminator(lambda: mlp_d(flatten=False)).message
    assert "logits" in checks.check_discriminator(lambda: mlp_d(activation="sigmoid")).message


def good_batches(images, batch_size, steps, seed):
    rng = np.random.default_rng(seed)
    return np.stack([images[rng.integers(0, len(images), batch_size)] for _ in range(steps)])


def seed_bug_batches(images, batch_size, steps, seed):
    rng, out = np.random.default_rng(seed), []
    for _ in range(steps):
        images = images[rng.integers(0, len(images), batch_size)]
        out.append(images)
    return np.stack(out)


def test_check_real_batches():
    assert checks.check_real_batches(good_batches)
    assert "seed's bug" in checks.check_real_batches(seed_bug_batches).message
    assert "not written" in checks.check_real_batches(lambda *a: None).message


def test_check_d_steps():
    assert checks.check_d_steps(1) and not checks.check_d_steps(128) and not checks.check_d_steps("1")


def test_check_generator_loss():
    assert checks.check_generator_loss(lambda l: tf.reduce_mean(tf.nn.softplus(-l)))
    assert "labelling the fakes 0" in checks.check_generator_loss(lambda l: tf.reduce_mean(tf.nn.softplus(l))).message
    assert "minimax" in checks.check_generator_loss(lambda l: -tf.reduce_mean(tf.nn.softplus(l))).message


def test_check_discriminator_loss():
    right = lambda r, f: tf.reduce_mean(tf.nn.softplus(-r)) + tf.reduce_mean(tf.nn.softplus(f))  # noqa: E731
    assert checks.check_discriminator_loss(right)
    assert "swapped" in checks.check_discriminator_loss(lambda r, f: right(f, r)).message
    assert "sigmoid" in checks.check_discriminator_loss(lambda r, f: right(tf.sigmoid(r), tf.sigmoid(f))).message


def g_step(update_d=False):
    def step(generator, discriminator, optimizer, z):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.softplus(-discriminator(generator(z))))
        variables = generator.trainable_variables + (discriminator.trainable_variables if update_d else [])
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss
    return step


def test_check_generator_step():
    assert checks.check_generator_step(g_step())
    assert "discriminator's weights changed" in checks.check_generator_step(g_step(update_d=True)).message
    assert "did not change" in checks.check_generator_step(lambda g, d, o, z: 0.0).message


def test_check_prepare_images():
    assert checks.check_prepare_images(lambda x: (x.astype(np.float32) / 127.5 - 1)[..., None])
    assert "channel" in checks.check_prepare_images(lambda x: x.astype(np.float32) / 127.5 - 1).message
    assert "0..255" in checks.check_prepare_images(lambda x: x.astype(np.float32)[..., None]).message


def test_check_mean_d_outputs():
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    assert checks.check_mean_d_outputs(lambda r, f: (sig(r).mean(), sig(f).mean()))
    assert "mean logits" in checks.check_mean_d_outputs(lambda r, f: (r.mean(), f.mean())).message
    assert "Sigmoid of the mean" in checks.check_mean_d_outputs(lambda r, f: (sig(r.mean()), sig(f.mean()))).message
