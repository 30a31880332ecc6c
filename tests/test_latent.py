"""Latent-space helpers of notebook 05: interpolation, directions, the explorer and slider driven from code."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import latent, latent_explorer


@pytest.fixture(scope="module")
def generator():
    gu.set_seed(0)
    return gu.models.build_gan("dcgan", g_filters=16)[0]


@pytest.fixture(scope="module")
def conditional():
    gu.set_seed(0)
    return gu.models.build_gan("cdcgan", g_filters=16)[0]


def test_lerp_and_slerp_end_points_and_shapes():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(100), rng.standard_normal(100)
    for fn in (latent.lerp, latent.slerp):
        assert np.allclose(fn(a, b, 0.0), a) and np.allclose(fn(a, b, 1.0), b)
        assert fn(a, b, 0.3).shape == (100,) and fn(a, b, [0, 0.5, 1]).shape == (3, 100)
    assert np.allclose(latent.lerp(a, b, 0.5), (a + b) / 2)


def test_slerp_by_hand_and_keeps_the_norm():
    # a quarter circle in 2-D: halfway is at 45 degrees
    assert np.allclose(latent.slerp([1.0, 0.0], [0.0, 1.0], 0.5), [np.sqrt(0.5), np.sqrt(0.5)])
    assert np.allclose(latent.slerp([2.0, 0.0], [0.0, 2.0], 1 / 3), [2 * np.cos(np.pi / 6), 2 * np.sin(np.pi / 6)])
    rng = np.random.default_rng(1)
    a = rng.standard_normal(100)
    b = rng.standard_normal(100)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    path = latent.interpolate(a, b, 11, "spherical")
    assert np.allclose(np.linalg.norm(path, axis=1), np.linalg.norm(a))
    # the linear midpoint of two independent N(0, I) vectors is about 1/sqrt(2) as long
    mid = np.linalg.norm(latent.interpolate(a, b, 11, "linear")[5]) / np.linalg.norm(a)
    assert 0.6 < mid < 0.8


def test_slerp_parallel_and_opposite():
    a = np.array([1.0, 2.0])
    assert np.allclose(latent.slerp(a, 2 * a, 0.5), 1.5 * a)  # limit: lerp
    with pytest.raises(ValueError, match="opposite"):
        latent.slerp(a, -a, 0.5)


def test_interpolation_bad_values_are_named():
    with pytest.raises(ValueError, match="t must be"):
        latent.lerp([0.0], [1.0], 1.5)
    with pytest.raises(ValueError, match="method"):
        latent.interpolate([0.0], [1.0], 5, "slerp")
    with pytest.raises(ValueError, match="steps"):
        latent.interpolate([0.0], [1.0], 1)
    with pytest.raises(ValueError, match="shape"):
        latent.lerp([0.0, 1.0], [1.0], 0.5)


def test_directions_are_unit_and_change_the_image_more_than_random(generator):
    d = latent.find_directions(generator, 3, n_samples=300, seed=0)
    assert d.vectors.shape == (3, 100) and np.allclose(np.linalg.norm(d.vectors, axis=1), 1, atol=1e-5)
    assert np.all(np.diff(d.explained) <= 1e-12) and d.explained.sum() < 1
    ours = latent.direction_effect(generator, d, n=50)
    random = latent.direction_effect(generator, np.random.default_rng(3).standard_normal((3, 100)), n=50)
    assert ours.mean() > random.mean()


def test_directions_of_a_linear_generator_are_recovered():
    # G(z) = z @ W: the top principal component of the outputs comes from W's strongest input direction
    import keras

    w = np.zeros((100, 784), np.float32)
    w[7, :] = 0.01  # z_7 moves every pixel a lot
    w[3, :392], w[3, 392:] = 0.002, -0.002  # z_3 moves the top half up and the bottom half down, a little
    z_in = keras.Input((100,))
    out = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, use_bias=False, trainable=False)(z_in))
    g = keras.Model(z_in, out)
    g.layers[1].set_weights([w])
    d = latent.find_directions(g, 2, n_samples=400)
    assert abs(d.vectors[0, 7]) > 0.99 and abs(d.vectors[1, 3]) > 0.99
    assert d.vectors[0, 7] > 0  # + adds ink


def test_explorer_driven_from_code(generator):
    ex = latent_explorer.LatentExplorer(generator, n_directions=3, n_images=4, n_samples=200)
    before = ex.images.copy()
    png = ex.png()
    ex.sliders[0].value = 3.0
    assert not np.allclose(ex.images, before) and ex.png() != png and ex.png()[:4] == b"\x89PNG"
    assert "+3.0" in ex.status.value
    ex.set_offsets([0.0, 0.0, 0.0])
    assert np.allclose(ex.images, before, atol=1e-5)
    ex.new_z()
    assert ex.seed == 1 and not np.allclose(ex.images, before)
    assert ex.strip(values=[-2, 0, 2]).shape == (9, 28, 28, 1)
    ms = ex.benchmark(10)
    assert 0 < ms < 250, f"redraw took {ms:.0f} ms"
    bundle = ex._repr_mimebundle_()
    assert "image/png" in bundle and "LatentExplorer" in bundle["text/plain"]


def test_explorer_errors_are_shown_not_raised(generator):
    ex = latent_explorer.LatentExplorer(generator, directions=np.eye(100)[:2], n_images=2)
    ex.generator = None  # a broken state: the callback reports it in the error box
    ex.sliders[0].value = 1.0
    assert ex.errors.last_error is not None and "&#9888;" in ex.errors.widget.value


def test_conditional_explorer_holds_style_across_digits(conditional):
    ex = latent_explorer.LatentExplorer(conditional, n_directions=2, n_images=3, n_samples=200, label=3)
    assert ex.label == 3 and "digit 3" in ex.status.value
    three = ex.images.copy()
    ex.label = 8
    assert not np.allclose(ex.images, three) and "digit 8" in ex.status.value
    assert np.array_equal(ex.base_z, latent.sample_z(3, 100, 0))  # same z: only the digit changed
    with pytest.raises(ValueError, match="digit"):
        ex.label = 10


def test_interpolation_slider_driven_from_code(generator):
    s = latent_explorer.InterpolationSlider(generator, seed=4)
    assert s.images.shape == (3, 28, 28, 1)
    start = s.images.copy()
    s.t = 0.0
    assert np.allclose(s.images[1], s.images[0], atol=1e-5)
    s.t = 1.0
    assert np.allclose(s.images[1], s.images[2], atol=1e-5)
    s.t = 0.5
    spherical = s.images[1].copy()
    s.method = "linear"
    assert not np.allclose(s.images[1], spherical) and "linear" in s.status.value
    assert np.allclose(s.images[0], start[0])
    frames = s.frames(5, "spherical")
    assert frames.shape == (5, 28, 28, 1) and np.allclose(frames[2], spherical, atol=1e-5)
    assert 0 < s.benchmark(10) < 250
    with pytest.raises(ValueError, match="t must be"):
        s.t = 2.0


def test_conditional_accuracy_with_a_stand_in_classifier(conditional):
    def always_three(images):
        probs = np.zeros((len(images), 10))
        probs[:, 3] = 1.0
        return probs

    acc = latent.conditional_accuracy(conditional, 4, classify=always_three)
    assert acc.shape == (10,) and acc[3] == 1.0 and acc.sum() == 1.0
    real = latent.conditional_accuracy(conditional, 2)  # the shipped reference classifier
    assert real.shape == (10,) and np.all((0 <= real) & (real <= 1))
    with pytest.raises(ValueError, match="shape"):
        latent.conditional_accuracy(conditional, 2, classify=lambda x: np.zeros((len(x), 3)))


def test_conditional_accuracy_needs_a_conditional_generator(generator):
    with pytest.raises(ValueError, match="conditional"):
        latent.conditional_accuracy(generator)
    with pytest.raises(ValueError, match="label only applies"):
        latent_explorer.LatentExplorer(generator, label=3)


def test_attribute_direction():
    z = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 5.0], [0.0, 7.0]])
    v = latent.attribute_direction(z, scores=[1, 2, 3, 4], quantile=0.5)
    assert np.allclose(v, [-1.5, 6.0])
    with pytest.raises(ValueError, match="quantile"):
        latent.attribute_direction(z, [1, 2, 3, 4], quantile=0.9)


def test_lazy_names():
    assert gu.latent is latent and gu.LatentExplorer is latent_explorer.LatentExplorer and gu.parzen.WIDTHS.shape == (10,)


def test_interpolation_slider_tau_is_t():
    import keras

    z_in = keras.Input((4,))
    out = keras.layers.Reshape((28, 28, 1))(keras.layers.Dense(784, activation="tanh")(z_in))
    s = gu.InterpolationSlider(keras.Model(z_in, out), seed=0)
    s.tau = 0.25
    assert s.t == pytest.approx(0.25) and s.tau == pytest.approx(0.25) and "τ = 0.25" in s.status.value
