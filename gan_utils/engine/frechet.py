"""The Fréchet distance between two Gaussians, and between Gaussian fits of two feature sets.

Introduced in notebook 03 (its scores); notebook 05 explains it. One formula for the whole course:
FD = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)). ``metrics.frechet_distance`` applies it
to the reference classifier's features; the exercise check of notebook 05 compares a learner's
version with it.
"""
from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg

from .answers import course_answer


def _sqrtm_product(s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        root = scipy.linalg.sqrtm(s1 @ s2)
    return np.asarray(root)


def frechet_from_features(f1, f2, gaussian=None) -> float:
    """Return the Fréchet distance between Gaussian fits of two feature sets (N, d) (notebook 03; used in 05).

    ``gaussian(mu1, s1, mu2, s2)`` computes the distance between the two fitted Gaussians: by default
    the course's ``frechet_gaussian``; notebook 05 passes the learner's own.
    """
    f1, f2 = np.asarray(f1, dtype=np.float64), np.asarray(f2, dtype=np.float64)
    for name, f in (("f1", f1), ("f2", f2)):
        if f.ndim != 2 or len(f) < 2:
            raise ValueError(f"{name} has shape {f.shape}; expected (N, d) with N >= 2")
        if not np.all(np.isfinite(f)):
            raise ValueError(f"{name} holds NaN or inf")
    if f1.shape[1] != f2.shape[1]:
        raise ValueError(f"feature sizes differ: f1 has {f1.shape[1]}, f2 has {f2.shape[1]}")
    s1, s2 = np.cov(f1, rowvar=False, ddof=1), np.cov(f2, rowvar=False, ddof=1)
    return float((gaussian or frechet_gaussian)(f1.mean(0), s1, f2.mean(0), s2))


@course_answer("frechet_gaussian")
def frechet_gaussian(mu1, s1, mu2, s2) -> float:
    """Return the Fréchet distance between N(mu1, s1) and N(mu2, s2) (notebook 03; used in 05)."""
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    s1, s2 = np.atleast_2d(np.asarray(s1, np.float64)), np.atleast_2d(np.asarray(s2, np.float64))
    if mu1.shape != mu2.shape or s1.shape != s2.shape or s1.shape != (len(mu1), len(mu1)):
        raise ValueError(f"means {mu1.shape}, {mu2.shape} and covariances {s1.shape}, {s2.shape} must be "
                         f"(d,) and (d, d) for one d")
    root = _sqrtm_product(s1, s2)
    scale = max(1.0, float(np.abs(s1).max()), float(np.abs(s2).max()))
    if not np.all(np.isfinite(root)) or np.abs(np.imag(root)).max() > 1e-3 * scale:
        # as in pytorch-fid: a near-singular product gets a tiny ridge on the diagonal
        ridge = 1e-6 * scale * np.eye(len(s1))
        root = _sqrtm_product(s1 + ridge, s2 + ridge)
        if not np.all(np.isfinite(root)) or np.abs(np.imag(root)).max() > 1e-3 * scale:
            raise ArithmeticError("sqrtm of the covariance product failed even with a ridge; check the features")
    fd = np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(np.real(root))
    return float(max(fd, 0.0))
