"""Notebook 06's TruncationExplorer: a ψ slider over fixed noise, the digits it makes, and ψ's place on precision-recall."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import latent
from gan_utils.widgets import truncation

# made-up numbers in the shape of the notebook's sweep: precision rises and recall falls as ψ shrinks
SWEEP = [
    {"psi": 1.0, "precision": 0.70, "recall": 0.80, "frechet_distance": 3.1, "mnist_score": 9.2},
    {"psi": 0.8, "precision": 0.80, "recall": 0.70, "frechet_distance": 2.9, "mnist_score": 9.4},
    {"psi": 0.6, "precision": 0.90, "recall": 0.50},
    {"psi": 0.4, "precision": 0.95, "recall": 0.30},
    {"psi": 0.2, "precision": 0.98, "recall": 0.10},
]


@pytest.fixture(scope="module")
def generator():
    return gu.load_pretrained("dcgan_embedded")


@pytest.fixture(scope="module")
def explorer(generator):
    return truncation.TruncationExplorer(generator, SWEEP, seed=0, n=16)


def test_builds_at_psi_one_and_shows_the_measured_row(explorer):
    assert explorer.psi == 1.0 and explorer.slider.description == "ψ"
    assert (explorer.slider.min, explorer.slider.max, explorer.slider.step) == (0.05, 1.0, 0.05)
    assert explorer.image.value[:4] == b"\x89PNG" and explorer.plot.value[:4] == b"\x89PNG"
    assert explorer.images.shape == (16, 28, 28, 1)
    assert "ψ = 1.00: precision 0.70, recall 0.80" in explorer.status.value
    assert "FD 3.10, MNIST score 9.20 (measured at ψ = 1)" in explorer.status.value
    assert explorer.marker_position == pytest.approx((0.80, 0.70))
    assert gu.TruncationExplorer is truncation.TruncationExplorer


def test_moving_psi_redraws_from_the_same_noise(explorer, generator):
    digits, plot = bytes(explorer.image.value), bytes(explorer.plot.value)
    explorer.psi = 0.6
    assert bytes(explorer.image.value) != digits and bytes(explorer.plot.value) != plot
    np.testing.assert_allclose(explorer.images, latent.render(generator, 0.6 * latent.sample_z(16, 100, 0)), atol=1e-5)
    assert "ψ = 0.60: precision 0.90, recall 0.50 (measured at ψ = 0.6)" in explorer.status.value
    assert explorer.marker_position == pytest.approx((0.50, 0.90))
    explorer.slider.value = 1.0  # the slider itself, as a person moves it
    assert bytes(explorer.image.value) == digits  # same z, same ψ: the same picture


def test_the_marker_follows_linear_interpolation_and_stops_at_the_ends(explorer):
    explorer.psi = 0.7
    assert "precision 0.85, recall 0.60 (between measured ψ = 0.6 and 0.8)" in explorer.status.value
    assert explorer.marker_position == pytest.approx((0.60, 0.85))
    explorer.psi = 0.25
    assert explorer.marker_position == pytest.approx((0.10 + 0.25 * 0.20, 0.98 - 0.25 * 0.03))
    explorer.psi = 0.05  # below the smallest measured ψ: held at ψ = 0.2
    assert explorer.marker_position == pytest.approx((0.10, 0.98))
    assert "nearest measured ψ = 0.2" in explorer.status.value
    e = explorer.estimate(0.9)
    assert e["between"] == (0.8, 1.0) and not e["clamped"] and e["recall"] == pytest.approx(0.75)
    with pytest.raises(ValueError, match="psi"):
        explorer.psi = 0.0
    with pytest.raises(ValueError, match="psi"):
        explorer.psi = 1.5
    explorer.psi = 1.0


def test_bundle_and_benchmark(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle and bundle["text/plain"].startswith("TruncationExplorer: ψ = 1.00")
    assert explorer.png()[:4] == b"\x89PNG"
    ms = explorer.benchmark(5)
    assert 0 < ms < 2000 and explorer.psi == 1.0


@pytest.mark.parametrize("sweep, match", [
    ([], "non-empty list"),
    ({"psi": 1.0, "precision": 0.5, "recall": 0.5}, "non-empty list"),
    ([{"psi": 1.0, "precision": 0.5}], r"misses the key\(s\) \['recall'\]"),
    ([{"precision": 0.5, "recall": 0.5}], r"sweep\[0\] misses the key\(s\) \['psi'\]"),
    ([{"psi": 1.0, "precision": 0.5, "recall": 0.5}, {"psi": 0.0, "precision": 0.5, "recall": 0.5}],
     r"sweep\[1\]\['psi'\] must be a number in \(0, 1\]"),
    ([{"psi": 1.2, "precision": 0.5, "recall": 0.5}], r"\(0, 1\]"),
    ([{"psi": 0.5, "precision": 1.5, "recall": 0.5}], r"'precision'\] must be a number in \[0, 1\]"),
    ([{"psi": 0.5, "precision": 0.5, "recall": 0.5}, {"psi": 0.5, "precision": 0.6, "recall": 0.4}], "more than once"),
    ([{"psi": 0.5, "precision": 0.5, "recall": 0.5, "mnist_score": "high"}], "mnist_score"),
    (["psi=1"], r"sweep\[0\] must be a dict"),
])
def test_bad_sweeps_raise_value_error(sweep, match):
    with pytest.raises(ValueError, match=match):
        truncation.check_sweep(sweep)


def test_bad_arguments_raise_before_drawing(generator):
    with pytest.raises(ValueError, match="misses"):
        truncation.TruncationExplorer(generator, [{"psi": 1.0}])
    with pytest.raises(ValueError, match="n must be"):
        truncation.TruncationExplorer(generator, SWEEP, n=0)
    with pytest.raises(ValueError, match="scale"):
        truncation.TruncationExplorer(generator, SWEEP, scale=0)


def test_errors_in_a_callback_are_shown_not_raised(generator):
    ex = truncation.TruncationExplorer(generator, SWEEP[:2], n=4)
    ex.generator = None  # a broken state: the callback reports it in the error box
    ex.slider.value = 0.5
    assert ex.errors.last_error is not None and "&#9888;" in ex.errors.widget.value


def test_a_conditional_generator_draws_the_digits_in_turn():
    conditional = gu.load_pretrained("cdcgan_embedded")
    ex = truncation.TruncationExplorer(conditional, SWEEP, n=12, seed=3)
    z = latent.sample_z(12, latent.latent_size(conditional), 3)
    np.testing.assert_allclose(ex.images, latent.render(conditional, z, np.arange(12) % 10), atol=1e-5)
    ones = bytes(ex.image.value)
    ex.psi = 0.4
    assert bytes(ex.image.value) != ones
    np.testing.assert_allclose(ex.images, latent.render(conditional, 0.4 * z, np.arange(12) % 10), atol=1e-5)
