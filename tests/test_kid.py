"""gu.kid: the Kernel Inception Distance is unbiased where the Fréchet distance is not (notebook 05)."""
from __future__ import annotations

import numpy as np
import pytest

import gan_utils as gu


def _gaussian(n: int, shift: float = 0.0, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(shift, 1.0, (n, 8))


def test_mmd_matches_its_definition_on_a_tiny_case() -> None:
    a, b = _gaussian(4, seed=1), _gaussian(5, 0.5, seed=2)
    k = lambda x, y: (x @ y / 8 + 1) ** 3  # noqa: E731
    within_a = np.mean([k(a[i], a[j]) for i in range(4) for j in range(4) if i != j])
    within_b = np.mean([k(b[i], b[j]) for i in range(5) for j in range(5) if i != j])
    across = np.mean([k(x, y) for x in a for y in b])
    assert gu.kid.polynomial_mmd2(a, b) == pytest.approx(within_a + within_b - 2 * across)


def test_kid_is_unbiased_where_fd_is_not() -> None:
    kids, fds = [], []
    for seed in range(40):
        a, b = _gaussian(50, seed=2 * seed), _gaussian(50, seed=2 * seed + 1)
        kids.append(gu.kid.polynomial_mmd2(a, b))
        fds.append(gu.metrics.frechet_from_features(a, b))
    assert min(fds) > 0.3  # every small-sample FD of one distribution with itself is well above 0
    assert abs(np.mean(kids)) < 3 * np.std(kids) / np.sqrt(len(kids))  # KID averages to 0


def test_kid_grows_with_the_shift_and_checks_its_input() -> None:
    same = gu.kid.kid_from_features(_gaussian(400), _gaussian(400, seed=1), subsets=10, subset_size=200)[0]
    near = gu.kid.kid_from_features(_gaussian(400), _gaussian(400, 0.3, seed=1), subsets=10, subset_size=200)[0]
    far = gu.kid.kid_from_features(_gaussian(400), _gaussian(400, 1.0, seed=1), subsets=10, subset_size=200)[0]
    assert abs(same) < near < far
    with pytest.raises(ValueError, match="different widths"):
        gu.kid.kid_from_features(_gaussian(10), np.zeros((10, 3)))
    with pytest.raises(ValueError, match="subsets must be"):
        gu.kid.kid_from_features(_gaussian(10), _gaussian(10), subsets=0)


def test_kid_on_digits_ranks_real_above_noise() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    real, real_spread = gu.kid.kernel_inception_distance(data.x_train[:300], data.x_test[:300], subsets=5,
                                                         subset_size=200)
    noise = np.random.default_rng(0).integers(0, 256, (300, 28, 28), dtype=np.uint8)
    fake, _ = gu.kid.kernel_inception_distance(noise, data.x_test[:300], subsets=5, subset_size=200)
    assert abs(real) < 3 * real_spread + 0.05  # real digits against real digits: 0 within the subsets' spread
    assert fake > 100 * max(abs(real), real_spread)
