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
    assert "one vector first" in checks.check_discriminator(lambda: mlp_d(flatten=False)).message
    for bounded in ("sigmoid", "relu", "softplus", "tanh"):
        result = checks.check_discriminator(lambda: mlp_d(activation=bounded))
        assert not result and f"your last layer ends in {bounded}" in result.message
    relu_layer = lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(8),  # noqa: E731
                                           layers.LeakyReLU(0.2), layers.Dense(1), layers.ReLU()])
    assert "ends in relu" in checks.check_discriminator(relu_layer).message
    linear = lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(1)])  # noqa: E731
    assert "no hidden layer" in checks.check_discriminator(linear).message


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

    def unseeded(images, batch_size, steps, seed):
        return good_batches(images, batch_size, steps, np.random.randint(1 << 30))

    def ignores_seed(images, batch_size, steps, seed):
        return good_batches(images, batch_size, steps, 0)

    assert "same seed (0) gave different batches" in checks.check_real_batches(unseeded).message
    assert "seed 0 and seed 1 gave the same batches" in checks.check_real_batches(ignores_seed).message


def test_check_d_steps():
    from gan_utils.studies.bugs import QUIZ_ORDER

    five = next(label for label, k in QUIZ_ORDER.items() if k == 5)
    assert checks.check_d_steps(five) and checks.check_d_steps(five.lower())
    wrong = next(label for label in QUIZ_ORDER if label != five)
    result = checks.check_d_steps(wrong)
    assert not result and f"run {wrong} used k = {QUIZ_ORDER[wrong]}, not 5" in result.message
    assert "k = 5" not in result.message.replace("not 5", ""), "a wrong answer must not reveal the right one"
    assert not checks.check_d_steps(1) and not checks.check_d_steps(None)
    runs = {label: {"d_loss": [1.0 / k] * 20, "d_fake": [0.5 / k] * 20} for label, k in QUIZ_ORDER.items()}
    assert "D loss 0.20" in checks.check_d_steps(five, runs=runs).message


def test_check_predict_swap_reads_the_run():
    history = {"d_fake": [0.95] * 10, "d_real": [0.1] * 10}
    assert checks.check_predict_swap("near 1", history=history)
    wrong = checks.check_predict_swap("near 0", history=history)
    assert not wrong and "the run says 'near 1'" in wrong.message and "0.950" in wrong.message
    assert "prediction first" in checks.check_predict_swap(None).message
    assert "training cell first" in checks.check_predict_swap("near 1").message


def test_check_generator_loss():
    assert checks.check_generator_loss(lambda l: tf.reduce_mean(tf.nn.softplus(-l)))
    assert "labelling the fakes fake" in checks.check_generator_loss(lambda l: tf.reduce_mean(tf.nn.softplus(l))).message
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


def test_check_generator_step_rejects_gradient_ascent_and_a_second_step():
    def ascent(generator, discriminator, optimizer, z):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.softplus(-discriminator(generator(z))))
            ascent_loss = -loss
        grads = tape.gradient(ascent_loss, generator.trainable_variables)
        optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return loss

    def twice(generator, discriminator, optimizer, z):
        g_step()(generator, discriminator, optimizer, z)
        return g_step()(generator, discriminator, optimizer, z)

    def minimax(generator, discriminator, optimizer, z):
        with tf.GradientTape() as tape:
            loss = -tf.reduce_mean(tf.nn.softplus(discriminator(generator(z))))
        grads = tape.gradient(loss, generator.trainable_variables)
        optimizer.apply_gradients(zip(grads, generator.trainable_variables))
        return tf.reduce_mean(tf.nn.softplus(-discriminator(generator(z))))

    assert "gradient ascent" in checks.check_generator_step(ascent).message
    assert "differ from one reference Adam step" in checks.check_generator_step(twice).message
    assert not checks.check_generator_step(minimax)


def test_check_prepare_images():
    assert checks.check_prepare_images(lambda x: (x.astype(np.float32) / 127.5 - 1)[..., None])
    assert "channel" in checks.check_prepare_images(lambda x: x.astype(np.float32) / 127.5 - 1).message
    assert "0 to 255 scale" in checks.check_prepare_images(lambda x: x.astype(np.float32)[..., None]).message


def test_check_mean_d_outputs():
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    assert checks.check_mean_d_outputs(lambda r, f: (sig(r).mean(), sig(f).mean()))
    assert "average logits" in checks.check_mean_d_outputs(lambda r, f: (r.mean(), f.mean())).message
    assert "averaged the logits, then took the sigmoid" in checks.check_mean_d_outputs(lambda r, f: (sig(r.mean()), sig(f.mean()))).message


def test_check_discriminator_sees_a_trailing_activation_layer():
    tail = lambda act: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(8),  # noqa: E731
                                         layers.LeakyReLU(0.2), layers.Dense(1), layers.Activation(act)])
    assert "ends in tanh" in checks.check_discriminator(lambda: tail("tanh")).message
    assert "ends in sigmoid" in checks.check_discriminator(lambda: tail("sigmoid")).message
    assert checks.check_discriminator(lambda: tail("linear"))
    leaky_end = lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(8),  # noqa: E731
                                          layers.LeakyReLU(0.2), layers.Dense(1), layers.LeakyReLU(0.2)])
    assert "ends in relu" not in checks.check_discriminator(leaky_end).message
