"""Kernel Inception Distance (Binkowski et al. 2018, arXiv:1801.01401) on the shipped classifier's features (notebook 05).

The Fréchet distance fits one Gaussian to each set of features and is **biased**: two samples of
the same distribution give a positive distance that shrinks as the samples grow, so FDs computed
from different sample counts cannot be compared. KID is the squared maximum mean discrepancy with
the cubic polynomial kernel k(a, b) = (a.b / d + 1)^3, estimated without bias: its expected value
is 0 for two samples of one distribution, whatever their size. It is averaged over random subsets,
which also gives its spread.
"""
from __future__ import annotations

from . import metrics

import numpy as np



def _check_features(name: str, f) -> np.ndarray:
    f = np.asarray(f, dtype=np.float64)
    if f.ndim != 2 or len(f) < 2:
        raise ValueError(f"{name} must be a 2-D array (N, d) of features with N >= 2, got shape {f.shape}")
    return f


def polynomial_mmd2(f1: np.ndarray, f2: np.ndarray) -> float:
    """Unbiased squared MMD between two feature sets with the kernel (a.b / d + 1)^3. Introduced in notebook 05."""
    d = f1.shape[1]
    k11, k22, k12 = (f1 @ f1.T / d + 1) ** 3, (f2 @ f2.T / d + 1) ** 3, (f1 @ f2.T / d + 1) ** 3
    m, n = len(f1), len(f2)
    within1 = (k11.sum() - np.trace(k11)) / (m * (m - 1))
    within2 = (k22.sum() - np.trace(k22)) / (n * (n - 1))
    return float(within1 + within2 - 2 * k12.mean())


def kid_from_features(f1, f2, subsets: int = 50, subset_size: int = 500, seed: int = 0) -> tuple[float, float]:
    """Return (mean, std) of the unbiased polynomial-kernel MMD^2 over random subsets of two feature sets.

    Introduced in notebook 05.
    """
    f1, f2 = _check_features("f1", f1), _check_features("f2", f2)
    if f1.shape[1] != f2.shape[1]:
        raise ValueError(f"the feature sets have different widths: {f1.shape[1]} and {f2.shape[1]}")
    if isinstance(subsets, bool) or not isinstance(subsets, int) or subsets < 1:
        raise ValueError(f"subsets must be an integer >= 1, got {subsets!r}")
    if isinstance(subset_size, bool) or not isinstance(subset_size, int) or subset_size < 2:
        raise ValueError(f"subset_size must be an integer >= 2, got {subset_size!r}")
    size = min(subset_size, len(f1), len(f2))
    rng = np.random.default_rng(seed)
    values = [polynomial_mmd2(f1[rng.choice(len(f1), size, replace=False)],
                              f2[rng.choice(len(f2), size, replace=False)]) for _ in range(subsets)]
    return float(np.mean(values)), float(np.std(values))


def kernel_inception_distance(images, reference_images, subsets: int = 50, subset_size: int = 500,
                              seed: int = 0) -> tuple[float, float]:
    """Return KID (mean, std over subsets) between images and real reference digits, on the classifier's features.

    Introduced in notebook 05.
    """
    return kid_from_features(metrics.features(images), metrics.features(reference_images), subsets, subset_size, seed)
