"""Notebook 03's checks: the worked solutions pass, the course's own functions do not, each known mistake is named,
and every build exercise falls back to the course's version for an unfinished stub."""
from __future__ import annotations

import contextlib
import io

import keras
import matplotlib
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

import gan_utils as gu
from gan_utils.checks import nb03

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def quiet(check, *args, **kwargs):
    """Run a check without its printed verdict; return the verdict."""
    with contextlib.redirect_stdout(io.StringIO()):
        return check(*args, **kwargs)


# ----- worked solutions (as in the notebook's build cells and Solutions) ----------------------------
def discriminator_loss(real_logits, fake_logits):
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss(fake_logits):
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def make_step(order="right", eager=False):
    """A step factory: the worked solution, or one of the known wrong orders."""

    def make_train_step(generator, discriminator, opt_d, opt_g):
        latent_dim = generator.inputs[0].shape[-1]

        def step(x_batch):
            n = tf.shape(x_batch)[0]
            z = tf.random.normal([n, latent_dim])
            if order in ("simultaneous", "g_moves_d_all"):
                with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
                    real, fake = discriminator(x_batch), discriminator(generator(z))
                    d_loss, g_loss = discriminator_loss(real, fake), generator_loss(fake)
                opt_d.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                                          discriminator.trainable_variables))
                opt_g.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                                          generator.trainable_variables))
                return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real)), tf.reduce_mean(tf.sigmoid(fake))
            if order == "g_first":
                with tf.GradientTape() as tape:
                    g_loss = generator_loss(discriminator(generator(z)))
                opt_g.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                          generator.trainable_variables))
            with tf.GradientTape() as tape:
                real, fake = discriminator(x_batch), discriminator(generator(z))
                d_loss = (discriminator_loss(fake, real) if order == "swapped" else discriminator_loss(real, fake))
            opt_d.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                      discriminator.trainable_variables))
            if order != "g_first":
                variables = generator.trainable_variables + (
                    discriminator.trainable_variables if order == "g_moves_d" else [])
                with tf.GradientTape() as tape:
                    fake = discriminator(generator(tf.random.normal([n, latent_dim])))
                    g_loss = (-tf.reduce_mean(tf.nn.softplus(fake)) if order == "minimax" else
                              -generator_loss(fake) if order == "ascent" else generator_loss(fake))
                opt_g.apply_gradients(zip(tape.gradient(g_loss, variables), variables))
            return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real)), tf.reduce_mean(tf.sigmoid(fake))

        return step if eager else tf.function(step)

    return make_train_step


def make_step_k(mistake="right"):
    """Exercise 4's step factory: the worked solution, or one of the known mistakes."""

    def make_train_step_k(generator, discriminator, opt_d, opt_g, k):
        latent_dim = generator.inputs[0].shape[-1]

        def d_update(x_batch, n):
            with tf.GradientTape() as tape:
                real = discriminator(x_batch, training=True)
                fake = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
                d_loss = discriminator_loss(real, fake)
            opt_d.apply_gradients(zip(tape.gradient(d_loss, discriminator.trainable_variables),
                                      discriminator.trainable_variables))
            return d_loss, real

        def g_update(n):
            with tf.GradientTape() as tape:
                fake = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
                g_loss = generator_loss(fake)
            opt_g.apply_gradients(zip(tape.gradient(g_loss, generator.trainable_variables),
                                      generator.trainable_variables))
            return g_loss, fake

        @tf.function
        def step(x_batches):
            n = tf.shape(x_batches)[1]
            if mistake == "g_first":
                g_loss, fake = g_update(n)
            for i in range(1 if mistake == "d_once" else k):
                d_loss, real = d_update(x_batches[0 if mistake == "same_batch" else i], n)
                if mistake == "g_k_times":
                    g_loss, fake = g_update(n)
            if mistake not in ("g_first", "g_k_times"):
                g_loss, fake = g_update(n)
            return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real)), tf.reduce_mean(tf.sigmoid(fake))

        return step

    return make_train_step_k


def build_dcgan_discriminator():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 4, strides=2, padding="same"),
                             layers.LeakyReLU(0.2), layers.Conv2D(64, 4, strides=2, padding="same"),
                             layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(1)])


# ----- the listing, broken and fixed ----------------------------------------------------------
def broken_discriminator():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def fixed_discriminator():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(16, activation="relu"),
                              layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def listing_generator():
    model = keras.Sequential([keras.Input((100,)), layers.Dense(16, activation="relu"),
                              layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28, 1))])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def broken_batch(fakes, reals):
    images = np.concatenate([fakes, reals])
    labels = np.zeros(len(images))
    labels[:len(fakes)] = 1
    return images, labels


def fixed_batch(fakes, reals):
    images = np.concatenate([fakes, reals])
    labels = np.zeros(len(images))
    labels[len(fakes):] = 1
    return images, labels


def broken_train(generator, discriminator, real_images, steps, batch_size=128):
    for _ in range(steps):
        for _ in range(batch_size):
            idx = np.random.randint(0, real_images.shape[0], batch_size)
            real_images = real_images[idx]
            fakes = generator.predict(np.random.normal(0, 1, (batch_size, 100)), verbose=0)
            images, labels = broken_batch(fakes, real_images)
            discriminator.trainable = True
            discriminator.train_on_batch(images, labels)
        noise = np.random.normal(0, 1, (batch_size, 100))
        discriminator.trainable = False
        discriminator.train_on_batch(generator.predict(noise, verbose=0), np.ones(batch_size))
        generator.train_on_batch(noise, np.zeros(batch_size))


def fixed_train(generator, discriminator, real_images, steps, batch_size=128):
    g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    for _ in range(steps):
        idx = np.random.randint(0, real_images.shape[0], batch_size)
        reals = real_images[idx]
        fakes = generator.predict(np.random.normal(0, 1, (batch_size, 100)), verbose=0)
        images, labels = fixed_batch(fakes, reals)
        discriminator.train_on_batch(images, labels)
        noise = np.random.normal(0, 1, (batch_size, 100)).astype(np.float32)
        with tf.GradientTape() as tape:
            verdict = discriminator(generator(noise, training=True), training=True)
            g_loss = tf.reduce_mean(keras.losses.binary_crossentropy(np.ones((batch_size, 1)), verdict))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))


def show_broken(generator):
    plt.imshow(generator.predict(np.random.normal(0, 1, (1, 100)), verbose=0)[0, :, :, 0])


def show_unpinned(generator):
    plt.imshow(generator.predict(np.random.normal(0, 1, (1, 100)), verbose=0)[0, :, :, 0], cmap="gray")


def show_fixed(generator):
    plt.imshow(generator.predict(np.random.normal(0, 1, (1, 100)), verbose=0)[0, :, :, 0], cmap="gray", vmin=0, vmax=1)


# ----- (a) the worked solutions pass ----------------------------------------------------------
def test_the_worked_solutions_pass():
    assert quiet(gu.checks.check_discriminator_loss, discriminator_loss)
    assert quiet(gu.checks.check_generator_loss, generator_loss)
    assert quiet(gu.checks.check_train_step, make_step())
    assert quiet(gu.checks.check_dcgan_discriminator, build_dcgan_discriminator)
    assert quiet(gu.checks.check_listing_discriminator, fixed_discriminator)
    assert quiet(gu.checks.check_listing_labels, fixed_batch)
    assert quiet(gu.checks.check_listing_loop, fixed_train)
    assert quiet(gu.checks.check_listing_show, show_fixed)
    assert quiet(gu.checks.check_train_step_k, make_step_k())
    assert quiet(gu.checks.check_seeds_needed, 5, spread=0.074, gap=0.1)
    assert quiet(gu.checks.check_first_change, "fewer D steps")
    assert quiet(gu.checks.check_d_steps, dict(gu.bugs.QUIZ_ORDER))


def test_the_course_step_trains_like_a_learner_step_and_passes_outside_the_window():
    assert quiet(gu.checks.check_train_step, gu.training.make_train_step.__wrapped__)


# ----- (b) calling the course's own function is a recognised mistake ---------------------------
@pytest.mark.parametrize("check, answer", [
    (gu.checks.check_discriminator_loss, lambda r, f: gu.losses.discriminator_loss(r, f)),
    (gu.checks.check_generator_loss, lambda f: gu.losses.generator_loss(f)),
    (gu.checks.check_train_step, lambda g, d, a, b: gu.training.make_train_step(g, d, a, b)),
    (gu.checks.check_train_step_k, lambda g, d, a, b, k: gu.training.make_train_step(g, d, a, b)),
    (gu.checks.check_dcgan_discriminator, lambda: gu.models.dcgan_discriminator()),
    (gu.checks.check_dcgan_discriminator, lambda: gu.models.build_gan("dcgan")[1]),
    (gu.checks.check_listing_discriminator, lambda: gu.models.mlp_discriminator()),
    (gu.checks.check_listing_discriminator, lambda: gu.bugs.mlp_pair()[1]),
    (gu.checks.check_listing_show, lambda g: gu.show_images(g.predict(np.zeros((1, 100)), verbose=0))),
])
def test_calling_the_course_function_is_a_recognised_mistake(check, answer):
    result = quiet(check, answer)
    assert not result and "Recognised mistake" in result.message and "WriteItYourself" in result.message


# ----- (c) each known mistake is named ---------------------------------------------------------
@pytest.mark.parametrize("order, words", [
    ("simultaneous", "before D's update"), ("g_first", "G was updated first"), ("swapped", "labels are swapped"),
    ("minimax", "minimax"), ("g_moves_d", "also moved D"), ("ascent", "uphill"),
])
def test_train_step_names_each_wrong_order(order, words):
    result = quiet(gu.checks.check_train_step, make_step(order))
    assert not result and words in result.message, result.message


@pytest.mark.parametrize("mistake, words", [
    ("g_k_times", "G was updated 3 times"), ("d_once", "D was updated once"),
    ("same_batch", "the same real batch"), ("g_first", "G was updated first"),
])
def test_train_step_k_names_each_known_mistake(mistake, words):
    result = quiet(gu.checks.check_train_step_k, make_step_k(mistake))
    assert not result and "Recognised mistake" in result.message and words in result.message, result.message


def test_train_step_k_refuses_the_course_step_run_k_times():
    def calls_the_course(g, d, a, b, k):
        one = gu.training.make_train_step(g, d, a, b)
        return lambda xs: [one(xs[i]) for i in range(k)][-1]

    result = quiet(gu.checks.check_train_step_k, calls_the_course)
    assert not result and "WriteItYourself" in result.message
    assert quiet(gu.checks.check_train_step_k, lambda g, d, a, b, k: None).message.startswith("your function gave")


def test_train_step_asks_for_a_compiled_graph():
    result = quiet(gu.checks.check_train_step, make_step(eager=True))
    assert not result and "function decorator" in result.message


@pytest.mark.parametrize("build, words", [
    (lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(256), layers.Dense(1)]),
     "no non-linearity"),
    (lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 4, strides=2, padding="same"),
                               layers.LeakyReLU(0.2), layers.Conv2D(8, 4, strides=2, padding="same"),
                               layers.LeakyReLU(0.2), layers.Flatten(), layers.Dense(1, activation="sigmoid")]),
     "sigmoid"),
    (lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 4, padding="same"), layers.LeakyReLU(0.2),
                               layers.Conv2D(8, 4, padding="same"), layers.LeakyReLU(0.2), layers.Flatten(),
                               layers.Dense(1)]), "stride"),
    (lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(8, 4, strides=2, padding="same"),
                               layers.LeakyReLU(0.2), layers.Dense(1)]), "one vector per image"),
    (lambda: keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(16), layers.LeakyReLU(0.2),
                               layers.Dense(1)]), "convolution"),
])
def test_dcgan_discriminator_names_each_mistake(build, words):
    result = quiet(gu.checks.check_dcgan_discriminator, build)
    assert not result and words in result.message, result.message


def test_the_listing_as_written_fails_every_check_with_its_bugs_named():
    result = quiet(gu.checks.check_listing_discriminator, broken_discriminator)
    assert not result and "last axis only" in result.message
    linear = quiet(gu.checks.check_listing_discriminator, lambda: keras.Sequential(
        [keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(16), layers.Dense(1, activation="sigmoid")]))
    assert not linear and "no non-linearity" in linear.message
    result = quiet(gu.checks.check_listing_labels, broken_batch)
    assert not result and "fakes are labelled 1" in result.message
    result = quiet(gu.checks.check_listing_loop, broken_train)
    assert not result
    for words in ("data set shrank", "8 D updates per G update", "'generator step' still calls D", "fitted on its own",
                  "never changed"):
        assert words in result.message, (words, result.message)
    result = quiet(gu.checks.check_listing_show, show_broken)
    assert not result and "viridis" in result.message
    result = quiet(gu.checks.check_listing_show, show_unpinned)
    assert not result and "Pin it" in result.message


def test_run_listing_reports_the_error_then_the_symptoms():
    images = gu.bugs.coded_images(200)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        first = gu.bugs.run_listing(broken_train, listing_generator, broken_discriminator, images, steps=1, batch_size=4)
        second = gu.bugs.run_listing(broken_train, listing_generator, fixed_discriminator, images, steps=2, batch_size=4)
        fixed = gu.bugs.run_listing(fixed_train, listing_generator, fixed_discriminator, images, steps=2, batch_size=4)
    assert "same rank" in first["error"]
    lines = gu.bugs.listing_symptoms(second)
    assert any("shrank" in line for line in lines) and any("k = 4" in line for line in lines)
    assert any("fitted on its own" in line for line in lines) and any("fakes 1" in line for line in lines)
    assert gu.bugs.listing_symptoms(fixed) == [] and fixed["g_changed"] and fixed["draws"] == 2
    assert "no symptom seen" in out.getvalue()


def test_the_labels_of_both_batches_are_checked():
    result = quiet(gu.checks.check_listing_labels, lambda f, r: (np.concatenate([f, r]), np.ones(len(f) + len(r))))
    assert not result and "expected 1 for every real and 0 for every fake" in result.message


@pytest.mark.parametrize("check, answer, words", [
    (gu.checks.check_discriminator_loss, lambda r, f: discriminator_loss(f, r), "swapped"),
    (gu.checks.check_discriminator_loss, lambda r, f: discriminator_loss(tf.sigmoid(r), tf.sigmoid(f)), "sigmoid"),
    (gu.checks.check_generator_loss, lambda f: tf.reduce_mean(tf.nn.softplus(f)), "labelling the fakes fake"),
    (gu.checks.check_generator_loss, lambda f: -tf.reduce_mean(tf.nn.softplus(f)), "minimax"),
])
def test_loss_checks_name_each_mistake(check, answer, words):
    result = quiet(check, answer)
    assert not result and words in result.message, result.message


def test_d_steps_wants_all_three_and_never_tells_which_k_a_run_used():
    right = dict(gu.bugs.QUIZ_ORDER)
    for wrong in ({"A": 1, "B": 2, "C": 5}, {"A": 5, "B": 1, "C": 2}):
        if wrong == right:
            continue
        result = quiet(gu.checks.check_d_steps, wrong)
        assert not result and "k = " not in result.message and "used" not in result.message
    assert not quiet(gu.checks.check_d_steps, "B") and not quiet(gu.checks.check_d_steps, {"A": 5, "B": 5, "C": 1})


@pytest.mark.parametrize("choice", ["train longer", "sigmoid in D", "minimax loss"])
def test_first_change_explains_each_distractor(choice):
    result = quiet(gu.checks.check_first_change, choice)
    assert not result and result.message.startswith("not that one: ")


@pytest.mark.parametrize("n, words", [(3, "two averages"), (2, "Recognised mistake"), (4, "too few"), (9, "more than")])
def test_seeds_needed_names_the_usual_slips(n, words):
    result = quiet(gu.checks.check_seeds_needed, n, spread=0.074, gap=0.1)
    assert not result and words in result.message, result.message


def test_predict_swap_reads_the_run():
    history = {"d_fake": [0.99] * 10, "d_real": [0.01] * 10}
    assert quiet(gu.checks.check_predict_swap, "near 1", history=history)
    assert not quiet(gu.checks.check_predict_swap, "near 0", history=history)
    assert not quiet(gu.checks.check_predict_swap, "near 1")


# ----- (d) a stub falls back to the course's version -------------------------------------------
@pytest.mark.parametrize("exercise, stub", [
    ("discriminator_loss", lambda r, f: None), ("generator_loss", lambda f: None),
    ("train_step", lambda g, d, a, b: None), ("dcgan_discriminator", lambda: None),
])
def test_an_unfinished_stub_falls_back_to_the_course_version(exercise, stub):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        chosen = gu.checks.yours_or_reference(stub, exercise=exercise)
    assert chosen is not stub and callable(chosen)
    assert "yours is not finished" in out.getvalue() and "using the course's version" in out.getvalue()


def test_the_course_versions_work_in_the_notebook():
    with contextlib.redirect_stdout(io.StringIO()):
        d_loss = gu.checks.yours_or_reference(lambda r, f: None, exercise="discriminator_loss")
        build = gu.checks.yours_or_reference(lambda: None, exercise="dcgan_discriminator")
        make = gu.checks.yours_or_reference(lambda g, d, a, b: None, exercise="train_step")
    assert np.isclose(float(d_loss(np.zeros((2, 1), np.float32), np.zeros((2, 1), np.float32))), 2 * np.log(2), atol=1e-5)
    generator, discriminator = gu.models.dcgan_generator(base_filters=8), build()
    step = make(generator, discriminator, keras.optimizers.Adam(2e-4), keras.optimizers.Adam(2e-4))
    values = [float(v) for v in step(tf.zeros([4, 28, 28, 1]))]
    assert len(values) == 4 and all(np.isfinite(values))


def test_every_hint_has_four_levels():
    assert all(len(levels) == 4 and all(levels) for levels in nb03.HINTS.values())


def test_the_fixed_noise_gif_has_one_frame_per_moment(tmp_path):
    from PIL import Image

    frames = [np.full((16, 28, 28, 1), value, np.float32) for value in (-1.0, 0.0, 1.0)]
    path = gu.plotting.save_gif(frames, tmp_path / "strip.gif", nrow=16, scale=2)
    with Image.open(path) as gif:
        assert gif.n_frames == 3 and gif.size[0] == 2 * gu.image_grid(frames[0], nrow=16).shape[1]
    with pytest.raises(ValueError, match="frames"):
        gu.plotting.save_gif([], tmp_path / "none.gif")
