"""gu.diffusion: the noise schedule and closed-form forward process, the DDPM training step, the samplers, files."""
from __future__ import annotations

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from gan_utils.engine import diffusion as Df
from gan_utils.engine.answers import ANSWERS, WriteItYourself, learner_code

T = 20
TINY = {"widths": (8, 16), "embedding_dim": 8}


@pytest.fixture(scope="module")
def schedule() -> Df.NoiseSchedule:
    return Df.NoiseSchedule(T)


@pytest.fixture(scope="module")
def digits() -> np.ndarray:
    return np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)


@pytest.fixture(scope="module")
def network() -> keras.Model:
    keras.utils.set_random_seed(0)
    return Df.build_noise_predictor(**TINY)


class _Oracle(keras.layers.Layer):
    """The exact noise predictor when the data is one image x_star: (x_j - sqrt(zeta_j) x_star) / sqrt(1 - zeta_j)."""

    def __init__(self, x_star, schedule):
        super().__init__()
        self.x_star = tf.constant(x_star[None])
        self.signal = tf.constant(schedule.signal_fractions, tf.float32)

    def call(self, inputs):
        x, t = inputs
        zeta = tf.reshape(tf.gather(self.signal, t), [-1, 1, 1, 1])
        return (x - tf.sqrt(zeta) * self.x_star) / tf.sqrt(1.0 - zeta)


def _oracle_model(x_star, schedule) -> keras.Model:
    x, t = keras.Input((28, 28, 1)), keras.Input((), dtype="int32")
    return keras.Model([x, t], _Oracle(x_star, schedule)([x, t]))


# ----- the schedule and the forward process ------------------------------------------------------
def test_the_default_schedule_is_ho_et_al_s():
    s = Df.NoiseSchedule()
    assert s.T == 1000 and len(s.variances) == len(s.signal_fractions) == 1001
    assert s.variances[0] == 0 and s.signal_fractions[0] == 1
    assert s.variances[1] == pytest.approx(1e-4) and s.variances[-1] == pytest.approx(0.02)
    assert np.all(np.diff(s.variances[1:]) > 0) and np.all(np.diff(s.signal_fractions) < 0)
    assert s.signal_fractions[-1] < 1e-4  # the last level is noise, whatever the digit


def test_a_short_schedule_is_scaled_so_its_last_level_is_noise_too(schedule):
    assert schedule.variances[1] == pytest.approx(1e-4 * 1000 / T)
    assert schedule.signal_fractions[-1] < 1e-3


def test_forward_noising_matches_its_closed_form(schedule, digits):
    noise = np.random.default_rng(1).standard_normal(digits.shape).astype(np.float32)
    t = np.arange(len(digits)) % (T + 1)
    x_t = Df.noise_images(digits, t, noise, schedule).numpy()
    for i, level in enumerate(t):
        zeta = np.prod(1.0 - schedule.variances[1:level + 1])  # the product of the per-level keep fractions
        expected = np.sqrt(zeta) * digits[i] + np.sqrt(1.0 - zeta) * noise[i]
        np.testing.assert_allclose(x_t[i], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(Df.noise_images(digits, 0, noise, schedule).numpy(), digits)  # level 0 is clean
    one_level = Df.noise_images(digits, 5, noise, schedule).numpy()
    np.testing.assert_allclose(one_level, Df.noise_images(digits, np.full(16, 5), noise, schedule).numpy())


def test_the_marginal_at_level_T_is_a_unit_gaussian(schedule):
    x0 = np.sign(np.random.default_rng(2).uniform(-1, 1, (400, 28, 28, 1))).astype(np.float32)  # pixels at +-1
    noise = np.random.default_rng(3).standard_normal(x0.shape).astype(np.float32)
    x_T = Df.noise_images(x0, np.full(400, T), noise, schedule).numpy()
    assert abs(x_T.mean()) < 0.01 and x_T.var() == pytest.approx(1.0, abs=0.01)
    x_1 = Df.noise_images(x0, np.full(400, 1), noise, schedule).numpy()
    assert np.corrcoef(x_1.ravel(), x0.ravel())[0, 1] > 0.99  # the first level barely touches the digit


# ----- the network and the training step ---------------------------------------------------------
def test_the_network_maps_images_and_levels_to_noise_of_the_same_shape(network):
    out = network([np.zeros((3, 28, 28, 1), np.float32), np.array([1, 7, T], np.int32)])
    assert tuple(out.shape) == (3, 28, 28, 1)
    assert np.all(np.asarray(out) == 0)  # the last convolution starts at zero, so the first guess is "no noise"
    default = Df.build_noise_predictor()
    assert default.count_params() < 1_500_000
    embedding = Df.LevelEmbedding(8)(tf.constant([0, 1, 500]))
    assert tuple(embedding.shape) == (3, 8) and np.allclose(embedding[0], [0, 0, 0, 0, 1, 1, 1, 1])


def test_repeated_steps_on_a_fixed_batch_lower_the_loss(schedule, digits):
    keras.utils.set_random_seed(0)
    model = Df.build_noise_predictor(**TINY)
    step = Df.make_ddpm_train_step(model, keras.optimizers.Adam(3e-3), schedule)
    t = np.arange(1, 17, dtype=np.int32)
    noise = np.random.default_rng(4).standard_normal(digits.shape).astype(np.float32)
    losses = [float(step(digits, t, noise)) for _ in range(8)]
    assert losses[0] == pytest.approx(float(np.mean(noise ** 2)), rel=1e-5)  # the zero network's loss
    assert all(later < earlier for earlier, later in zip(losses, losses[1:])) and losses[-1] < 0.95 * losses[0], losses
    drawn = float(step(digits))  # t and the noise drawn by the step itself
    assert np.isfinite(drawn)


def test_the_train_step_is_the_course_answer_and_refuses_inside_its_check(schedule, network):
    assert ANSWERS["ddpm_train_step"] is Df.ddpm_train_step
    x0 = np.zeros((2, 28, 28, 1), np.float32)
    with learner_code("ddpm_train_step"), pytest.raises(WriteItYourself):
        Df.ddpm_train_step(network, keras.optimizers.Adam(), schedule, x0, np.array([1, 2], np.int32), x0)



# ----- the samplers ------------------------------------------------------------------------------
def test_ddpm_sampling_gives_clipped_digits_and_its_path(schedule, network):
    images, path = Df.sample_ddpm(network, 3, schedule, seed=0, return_path=True)
    assert images.shape == (3, 28, 28, 1) and images.dtype == np.float32
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert path.shape == (T + 1, 3, 28, 28, 1) and path.dtype == np.float32
    np.testing.assert_array_equal(images, np.clip(path[-1], -1, 1))
    np.testing.assert_array_equal(images, Df.sample_ddpm(network, 3, schedule, seed=0))
    assert not np.array_equal(images, Df.sample_ddpm(network, 3, schedule, seed=1))


def test_ddim_with_few_steps_is_deterministic_and_starts_where_ddpm_starts(schedule, network):
    levels = Df.ddim_levels(schedule, 5)
    assert len(levels) == 5 and levels[0] == T and levels[-1] == 1 and np.all(np.diff(levels) < 0)
    images, path = Df.sample_ddim(network, 4, schedule, steps=5, seed=0, return_path=True)
    assert images.shape == (4, 28, 28, 1) and images.min() >= -1.0 and images.max() <= 1.0
    assert path.shape == (6, 4, 28, 28, 1)
    _, ddpm_path = Df.sample_ddpm(network, 4, schedule, seed=0, return_path=True)
    np.testing.assert_array_equal(path[0], ddpm_path[0])
    np.testing.assert_array_equal(images, Df.sample_ddim(network, 4, schedule, steps=5, seed=0))
    assert Df.sample_ddim(network, 2, schedule, steps=1).shape == (2, 28, 28, 1)


@pytest.mark.parametrize("clip_x0", [True, False])
def test_with_the_exact_noise_predictor_both_samplers_return_the_one_training_image(schedule, clip_x0):
    x_star = np.random.default_rng(5).uniform(-0.9, 0.9, (28, 28, 1)).astype(np.float32)
    oracle = _oracle_model(x_star, schedule)
    for images in (Df.sample_ddpm(oracle, 2, schedule, seed=3, clip_x0=clip_x0),
                   Df.sample_ddim(oracle, 2, schedule, steps=4, seed=3, clip_x0=clip_x0)):
        np.testing.assert_allclose(images, np.broadcast_to(x_star, images.shape), atol=2e-3)


def test_evaluations_per_sample(schedule):
    assert Df.evaluations_per_sample("ddpm", schedule) == T
    assert Df.evaluations_per_sample("ddim", schedule, steps=5) == 5
    assert Df.evaluations_per_sample("gan") == Df.evaluations_per_sample("vae") == 1


# ----- the wrapper, its files and the refusals ---------------------------------------------------
def test_the_model_trains_samples_saves_and_loads(digits, tmp_path):
    model = Df.DiffusionModel(digits, T=T, batch_size=8, **TINY).fit(steps=3)
    assert model.step_count == 3 and len(model.history["loss"]) == 3 and np.all(np.isfinite(model.history["loss"]))
    assert model.sample(2, "ddim", steps=3).shape == (2, 28, 28, 1)
    assert model.evaluations_per_sample("ddpm") == T
    path = model.export("tiny_ddpm", {"note": "test"}, directory=tmp_path)
    entry = json.loads((tmp_path / "manifest.json").read_text())["tiny_ddpm"]
    assert entry["kind"] == "diffusion" and entry["config"] == model.config() and entry["note"] == "test"
    loaded = Df.load_diffusion("tiny_ddpm", directory=tmp_path)
    assert loaded.config() == model.config() and loaded.step_count == 3 and path.name == "tiny_ddpm.npz"
    x, t = np.random.default_rng(6).standard_normal((2, 28, 28, 1)).astype(np.float32), np.array([3, 17], np.int32)
    np.testing.assert_allclose(loaded.sampling_network([x, t]), model.sampling_network([x, t]), atol=2e-2)
    with pytest.raises(ValueError, match="no training images"):
        loaded.fit(steps=1)


def test_bad_inputs_raise_value_errors_naming_them(schedule, digits, network, tmp_path):
    noise = np.zeros_like(digits)
    cases = [
        (lambda: Df.noise_images(digits, np.full(16, T + 1), noise, schedule), rf"\[0, {T}\].*21"),
        (lambda: Df.noise_images(digits, np.full(16, 0.5), noise, schedule), "integer"),
        (lambda: Df.noise_images(digits, np.arange(3), noise, schedule), "3 levels"),
        (lambda: Df.noise_images(digits, 1, noise[:2], schedule), "noise has shape"),
        (lambda: Df.noise_images(digits, 1, noise, "linear"), "'linear'"),
        (lambda: Df.NoiseSchedule(1), "T must be"),
        (lambda: Df.NoiseSchedule(10, first_variance=0.5, last_variance=0.1), "last_variance=0.1"),
        (lambda: Df.NoiseSchedule(10, last_variance=1.0), "last_variance"),
        (lambda: Df.sample_ddpm(network, 0, schedule), "n must"),
        (lambda: Df.sample_ddim(network, 2, schedule, steps=T + 1), rf"steps must be an integer in \[1, {T}\], got 21"),
        (lambda: Df.evaluations_per_sample("euler", schedule), "'euler'"),
        (lambda: Df.build_noise_predictor(widths=(8, 16, 32)), r"\(8, 16, 32\)"),
        (lambda: Df.DiffusionModel(digits * 2, T=T, **TINY), r"\[-1, 1\]"),
        (lambda: Df.DiffusionModel(digits, T=T, batch_size=64, **TINY), "batch_size=64"),
        (lambda: Df.load_diffusion("nothing", directory=tmp_path), "'nothing'"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
