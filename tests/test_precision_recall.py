"""Notebook 06's precision and recall (Kynkäänniemi et al. 2019) on known point clouds, and the truncation trick."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu
from gan_utils.engine.answers import WriteItYourself, learner_code
from gan_utils.engine.latent import truncate
from gan_utils.engine.metrics import precision_recall, precision_recall_features


def brute_force(real, fake, k):
    """The definition written out with full distance matrices."""
    def radii(x):
        d = np.linalg.norm(x[:, None] - x[None], axis=-1)
        np.fill_diagonal(d, np.inf)
        return np.sort(d, axis=1)[:, k - 1]

    def share(queries, centres, r):
        d = np.linalg.norm(queries[:, None] - centres[None], axis=-1)
        return float(np.mean((d <= r[None]).any(axis=1)))

    return share(fake, real, radii(real)), share(real, fake, radii(fake))


def test_identical_clouds_have_precision_and_recall_one():
    x = np.random.default_rng(0).standard_normal((300, 16))
    assert precision_recall_features(x, x) == (1.0, 1.0)
    assert precision_recall_features(x, x.copy(), k=1) == (1.0, 1.0)


def test_a_fake_cloud_on_half_the_real_one_has_full_precision_and_half_recall():
    rng = np.random.default_rng(1)
    blob_a = rng.standard_normal((500, 2))
    blob_b = rng.standard_normal((500, 2)) + [20.0, 0.0]
    fake = rng.standard_normal((500, 2))  # a fresh draw from blob A only
    precision, recall = precision_recall_features(np.concatenate([blob_a, blob_b]), fake)
    assert precision > 0.95
    assert 0.45 < recall <= 0.5


def test_a_fake_cloud_far_away_has_neither():
    rng = np.random.default_rng(2)
    real = rng.standard_normal((200, 8))
    fake = rng.standard_normal((200, 8)) + 100.0
    assert precision_recall_features(real, fake) == (0.0, 0.0)


def test_tiny_cases_by_hand():
    real, fake = np.array([[0.0], [1.0], [3.0]]), np.array([[0.5], [5.0], [10.0]])
    # k = 1: real radii 1, 1, 2 -> 0.5 inside, 5 on the edge of 3's ball (counts), 10 outside;
    # fake radii 4.5, 4.5, 5 -> every real point is inside 0.5's ball
    assert precision_recall_features(real, fake, k=1) == pytest.approx((2 / 3, 1.0))
    assert precision_recall_features(fake, real, k=1) == pytest.approx((1.0, 2 / 3))  # the roles swap
    # a collapsed fake cloud: realistic (precision 1) but covering almost nothing (recall 0)
    collapsed = np.array([[0.5], [0.6], [0.7]])
    assert precision_recall_features(real, collapsed, k=1) == pytest.approx((1.0, 0.0))


def test_chunked_answer_matches_the_definition():
    rng = np.random.default_rng(3)
    real = rng.standard_normal((1500, 6))
    fake = 1.3 * rng.standard_normal((1200, 6)) + 0.4
    for k in (1, 3, 5):
        assert precision_recall_features(real, fake, k) == pytest.approx(brute_force(real, fake, k))


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "3", 5])
def test_bad_k_is_refused(k):
    x = np.zeros((5, 2)) + np.arange(5)[:, None]
    with pytest.raises(ValueError, match="k="):
        precision_recall_features(x, x, k=k)


@pytest.mark.parametrize("real, fake", [
    (np.zeros((10, 3)), np.zeros((10, 4))),   # different feature sizes
    (np.zeros(10), np.zeros((10, 1))),        # not rows
    (np.zeros((0, 3)), np.zeros((10, 3))),    # empty
    (np.full((10, 3), np.nan), np.zeros((10, 3))),
])
def test_bad_shapes_are_refused(real, fake):
    with pytest.raises(ValueError):
        precision_recall_features(real, fake)


def test_it_is_the_course_answer_to_the_exercise():
    x = np.random.default_rng(4).standard_normal((20, 3))
    with learner_code("precision_recall"), pytest.raises(WriteItYourself):
        precision_recall_features(x, x)
    assert gu.answers.ANSWERS["precision_recall"] is precision_recall_features


def test_precision_recall_on_images_uses_the_classifier_features():
    digits = gu.load_mnist(source="embedded", verbose=False).x_test[:200]
    assert precision_recall(digits, digits) == (1.0, 1.0)
    assert precision_recall(gu.to_float(digits), digits) == (1.0, 1.0)  # [-1, 1] floats or uint8 alike
    noise = np.random.default_rng(5).uniform(-1, 1, (200, 28, 28, 1)).astype(np.float32)
    # noise covers none of the digits; its precision is NOT low (0.82 here, blank images get 1.0):
    # in the classifier's feature space it lands inside the large balls of a few atypical real digits
    assert precision_recall(noise, digits)[1] == 0.0
    with pytest.raises(ValueError):
        precision_recall(digits[:, :20], digits)


def test_truncate_scales_towards_the_mean():
    z = np.random.default_rng(6).standard_normal((4, 100)).astype(np.float32)
    assert np.array_equal(truncate(z, 1.0), z)
    half = truncate(z, 0.5)
    assert half.dtype == np.float32 and np.allclose(half, z / 2)
    assert np.allclose(truncate(z[0], 0.5), z[0] / 2)
    assert gu.latent.truncate is truncate


@pytest.mark.parametrize("psi", [0, 0.0, -0.5, 1.5, float("nan"), True, "0.5"])
def test_truncate_refuses_psi_outside_0_1(psi):
    with pytest.raises(ValueError, match="psi"):
        truncate(np.zeros((2, 100)), psi)
