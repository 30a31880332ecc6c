"""Notebook 05's exercise checks: measuring a generator."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _gan_diagnosis, check_function


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


def _frechet_reference(mu1, sigma1, mu2, sigma2) -> float:
    import scipy.linalg

    root = np.real(scipy.linalg.sqrtm(np.asarray(sigma1) @ np.asarray(sigma2)))
    diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(root))


def check_frechet_gaussian(frechet_gaussian: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: the Fréchet distance between N(mu1, S1) and N(mu2, S2). Introduced in notebook 05."""
    import scipy.linalg

    rng = np.random.default_rng(5)
    s3a, s3b = _spd(rng, 3), _spd(rng, 3)
    cases = [
        (np.array([0.0]), np.array([[1.0]]), np.array([3.0]), np.array([[4.0]])),
        (np.array([1.0, -1.0]), np.diag([1.0, 2.0]), np.array([0.0, 0.5]), np.diag([3.0, 0.5])),
        (rng.normal(size=3), s3a, rng.normal(size=3), s3b),
        (np.zeros(3), s3a, np.zeros(3), s3a),
    ]

    def sqrt_each(m1, s1, m2, s2):
        r1, r2 = np.real(scipy.linalg.sqrtm(s1)), np.real(scipy.linalg.sqrtm(s2))
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(r1 @ r2))

    def no_two(m1, s1, m2, s2):
        return _frechet_reference(m1, s1, m2, s2) + float(np.trace(np.real(scipy.linalg.sqrtm(s1 @ s2))))

    mistakes = [
        (lambda m1, s1, m2, s2: _frechet_reference(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2),
         "The mean term is the SQUARED distance ||mu1 - mu2||^2, not the distance itself."),
        (no_two, "The cross term is 2 Tr((S1 S2)^(1/2)): you left out the factor 2."),
        (sqrt_each, "Take the square root of the product S1 @ S2, not of each matrix separately: "
                    "they agree only when the two covariances commute (e.g. both diagonal)."),
        (lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)),
         "Only the mean term: add Tr(S1 + S2 - 2 (S1 S2)^(1/2)), which compares the spreads."),
    ]
    return check_function(
        "frechet_gaussian", frechet_gaussian, _frechet_reference, cases,
        hint="return ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr(sqrtm(S1 @ S2)), with scipy.linalg.sqrtm "
             "and its .real part.",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )


def _nearest_reference(samples, train) -> np.ndarray:
    s, t = np.asarray(samples, np.float64), np.asarray(train, np.float64)
    return np.sqrt(((s[:, None, :] - t[None, :, :]) ** 2).sum(-1)).min(axis=1)


def check_nearest_distance(nearest_distance: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: each sample's Euclidean distance to its nearest training row. Introduced in notebook 05."""
    rng = np.random.default_rng(7)
    train = rng.random((12, 6))
    cases = [
        (np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [3.0, 0.0], [10.0, 10.0]])),
        (rng.random((5, 6)), train),
        (train[[3, 8]] + 0.001, train),
    ]

    def all_d(s, t):
        s, t = np.asarray(s, np.float64), np.asarray(t, np.float64)
        return np.sqrt(((s[:, None, :] - t[None, :, :]) ** 2).sum(-1))

    mistakes = [
        (lambda s, t: _nearest_reference(s, t) ** 2, "Those are squared distances: take the square root."),
        (lambda s, t: all_d(s, t).mean(axis=1), "That is the mean distance to all training rows; the check needs "
                                                "the distance to the NEAREST one (min)."),
        (lambda s, t: all_d(s, t).max(axis=1), "That is the farthest training row: use min, not max."),
        (lambda s, t: all_d(s, t).argmin(axis=1), "That is the index of the nearest row; return its distance."),
        (lambda s, t: all_d(t, s).min(axis=1), "Wrong way round: one distance per SAMPLE, the minimum over training rows."),
    ]
    return check_function(
        "nearest_distance", nearest_distance, _nearest_reference, cases,
        hint="for each sample row, compute its distance to every training row, sqrt(sum((s - t)^2)), "
             "and keep the smallest; broadcasting s[:, None, :] - t[None, :, :] does all pairs at once.",
        diagnose=_gan_diagnosis(cases, mistakes),
    )


def check_parzen_log_density(parzen_log_density: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: log of (1/n) sum_i N(x; c_i, sigma^2 I) for each row of x. Introduced in notebook 05."""
    from ..parzen import log_density

    rng = np.random.default_rng(9)
    cases = [
        (np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0),
        (rng.random((4, 3)), rng.random((6, 3)), 0.3),
        (rng.random((3, 20)), rng.random((5, 20)), 0.02),  # exp underflows to 0 unless you use log-sum-exp
    ]

    def variant(x, c, s, mean=True, norm=True, square=True):
        x, c = np.asarray(x, np.float64), np.asarray(c, np.float64)
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        a = -d2 / (2 * (s ** 2 if square else s))
        m = a.max(axis=1, keepdims=True)
        out = m[:, 0] + np.log(np.exp(a - m).sum(axis=1)) - (np.log(len(c)) if mean else 0.0)
        return out - (0.5 * x.shape[1] * np.log(2 * np.pi * s ** 2) if norm else 0.0)

    mistakes = [
        (lambda x, c, s: variant(x, c, s, mean=False), "You summed the n Gaussians: the mixture AVERAGES them, "
                                                       "so subtract log n."),
        (lambda x, c, s: variant(x, c, s, norm=False), "The Gaussian's normaliser is missing: subtract "
                                                       "(D / 2) log(2 pi sigma^2)."),
        (lambda x, c, s: variant(x, c, s, square=False), "The exponent is -||x - c||^2 / (2 sigma^2): square sigma."),
    ]
    diagnose = _gan_diagnosis(cases, mistakes)

    def diagnose_underflow(got, expected):
        if np.any(np.isneginf(got)) or np.any(np.isnan(got)):
            return ("Got -inf or NaN: exp(-||x - c||^2 / (2 sigma^2)) underflows to 0 for a small sigma. Use the "
                    "log-sum-exp trick: log sum exp(a) = max(a) + log sum exp(a - max(a)) (scipy.special.logsumexp).")
        return diagnose(got, expected)

    return check_function(
        "parzen_log_density", parzen_log_density, log_density, cases,
        hint="with a_i = -||x - c_i||^2 / (2 sigma^2): log p(x) = logsumexp_i(a_i) - log n - (D/2) log(2 pi sigma^2).",
        diagnose=diagnose_underflow, atol=1e-4,
    )
