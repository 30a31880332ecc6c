"""The Parzen-window estimator of notebook 05 against hand-computed values and SciPy."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gan_utils import parzen


def test_hand_computed_one_dimensional_case():
    # Two centres at 0 and 2, h = 1, x = 1: both Gaussians give N(1; 0, 1), so p(1) = exp(-1/2) / sqrt(2 pi).
    got = parzen.log_density(np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0)
    assert got.shape == (1,)
    assert got[0] == pytest.approx(-0.5 - 0.5 * np.log(2 * np.pi), abs=1e-12)


def test_hand_computed_two_dimensional_case():
    # One centre at the origin, h = 2, x = (3, 4): log N = -25 / 8 - log(2 pi 4).
    got = parzen.log_density(np.array([[3.0, 4.0]]), np.array([[0.0, 0.0]]), 2.0)
    assert got[0] == pytest.approx(-25 / 8 - np.log(8 * np.pi), abs=1e-12)


@pytest.mark.parametrize("h", [0.05, 0.3, 2.0])
def test_matches_scipy_mixture_of_gaussians(h):
    rng = np.random.default_rng(0)
    x, centres = rng.random((7, 5)), rng.random((11, 5))
    expected = [logsumexp([multivariate_normal(c, h ** 2 * np.eye(5)).logpdf(xi) for c in centres]) - np.log(11)
                for xi in x]
    assert np.allclose(parzen.log_density(x, centres, h, chunk=3), expected, atol=1e-9)


def test_chunks_do_not_change_the_result_and_tiny_width_does_not_underflow():
    rng = np.random.default_rng(1)
    x, centres = rng.random((50, 784)), rng.random((40, 784))
    whole = parzen.log_density_grid(x, centres, [0.01, 0.1, 1.0], chunk=1000)
    pieces = parzen.log_density_grid(x, centres, [0.01, 0.1, 1.0], chunk=7)
    assert np.allclose(whole, pieces) and np.all(np.isfinite(whole))
    # h = 0.01 in 784 dimensions: every exp() would underflow to 0 without the log-sum-exp trick
    # the mean of n terms lies between (largest term) / n and the largest term
    nearest = ((x[:, None] - centres[None]) ** 2).sum(-1).min(1)
    largest = -nearest / (2 * 0.01 ** 2) - 0.5 * 784 * np.log(2 * np.pi * 0.01 ** 2)
    assert np.all(whole[0] <= largest + 1e-6) and np.all(whole[0] >= largest - np.log(40) - 1e-6)


def test_select_width_picks_the_validation_maximum():
    rng = np.random.default_rng(2)
    centres = rng.normal(0, 0.3, (200, 2))
    validation = rng.normal(0, 0.3, (100, 2))
    h, means = parzen.select_width(centres, validation)
    assert len(means) == len(parzen.WIDTHS) and h == parzen.WIDTHS[int(np.argmax(means))]
    assert 0.05 < h < 0.5  # the data's own scale is 0.3; the best window is a fraction of it


def test_parzen_log_likelihood_on_images():
    rng = np.random.default_rng(3)
    real = rng.integers(0, 256, (60, 28, 28), dtype=np.uint8)
    samples = real[:30].astype(np.float32) / 127.5 - 1.0  # floats in [-1, 1], the GAN scale
    result = parzen.parzen_log_likelihood(samples, real[40:], real[30:40])
    assert result.n_samples == 30 and result.n_test == 20 and result.n_validation == 10
    assert result.h in parzen.WIDTHS and np.isfinite(result.mean) and result.sem > 0
    # copying the test digits themselves wins: the estimate rewards samples that sit on top of test points
    copied = parzen.parzen_log_likelihood(real[40:], real[40:], real[30:40])
    assert copied.mean > result.mean
    assert "nats" in str(result)


def test_unit_rows_scales():
    u8 = np.array([[[0, 255]]], dtype=np.uint8).repeat(2, 0)
    assert np.allclose(parzen.unit_rows(u8), [[0, 1], [0, 1]])
    assert np.allclose(parzen.unit_rows(np.array([[[-1.0, 1.0]]])[..., None]), [[0, 1]])


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="width h"):
        parzen.log_density(np.zeros((1, 2)), np.zeros((1, 2)), 0.0)
    with pytest.raises(ValueError, match="columns"):
        parzen.log_density(np.zeros((1, 2)), np.zeros((1, 3)), 1.0)
    with pytest.raises(ValueError, match="rows"):
        parzen.log_density(np.zeros(3), np.zeros((1, 3)), 1.0)
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        parzen.unit_rows(np.full((1, 28, 28), 3.0))
    with pytest.raises(ValueError, match="chunk"):
        parzen.log_density(np.zeros((1, 2)), np.zeros((1, 2)), 1.0, chunk=0)
    with pytest.raises(ValueError, match="test holds 1"):
        parzen.parzen_log_likelihood(np.zeros((3, 28, 28), np.uint8), np.zeros((1, 28, 28), np.uint8),
                                     np.zeros((2, 28, 28), np.uint8))


def test_paper_table_is_the_2014_mnist_column():
    assert parzen.PAPER_TABLE_1["Adversarial nets"] == (225.0, 2.0)
    assert np.allclose(parzen.WIDTHS[[0, -1]], [0.1, 1.0]) and len(parzen.WIDTHS) == 10
