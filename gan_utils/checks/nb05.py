"""Notebook 05's exercise checks: measuring a generator."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.frechet import frechet_gaussian as frechet_reference
from .core import CheckResult, check_function, check_prediction, gan_diagnosis

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "frechet_gaussian": (
        "Two parts: how far apart the two centres are (squared), plus how different the two spreads are, "
        "where the spreads are compared through the square root of their product, not each on its own.",
        r"$\mathrm{FD} = \lVert\mu_1-\mu_2\rVert^2 + \mathrm{Tr}\big(\Sigma_1 + \Sigma_2 - 2(\Sigma_1\Sigma_2)^{1/2}\big)$.",
        "```python\nroot = scipy.linalg.sqrtm(s1 @ s2).real\n"
        "return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))\n```",
    ),
    "nearest_distance": (
        "For each generated image, find the training image closest to it and report how far away it is; "
        "one number per generated image.",
        r"$d_i = \min_j \lVert s_i - t_j\rVert_2$; broadcasting gives all pairs at once.",
        "```python\nd2 = ((samples[:, None, :] - train[None, :, :]) ** 2).sum(-1)\nreturn np.sqrt(d2.min(axis=1))\n```",
    ),
    "parzen_log_density": (
        "The density is an average of small Gaussian bumps, one on each centre. Work in log space from the "
        "start: with a narrow width, every bump's value underflows to zero in floating point.",
        r"$\log p(x) = \mathrm{logsumexp}_i\big(-\lVert x-c_i\rVert^2/(2h^2)\big) - \log n - \frac{d}{2}\log(2\pi h^2)$.",
        "```python\na = -((x[:, None, :] - c[None, :, :]) ** 2).sum(-1) / (2 * h ** 2)\n"
        "return scipy.special.logsumexp(a, axis=1) - np.log(len(c)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)\n```",
    ),
    "predict_fid_samples": (
        "A Fréchet distance is computed from means and covariances estimated from samples. With fewer "
        "samples, the estimates are noisier. Does noise make two sets look more alike or less alike?",
        r"The estimate of $\mathrm{Tr}(\Sigma)$ terms is biased: with $N$ samples the FD is inflated by "
        r"roughly a term proportional to $1/N$ (Binkowski et al. 2018), so fewer samples read higher.",
        "```python\nprediction = 'higher'\n```",
    ),
}


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


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
        return frechet_reference(m1, s1, m2, s2) + float(np.trace(np.real(scipy.linalg.sqrtm(s1 @ s2))))

    mistakes = [
        (lambda m1, s1, m2, s2: frechet_reference(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2),
         "the mean term is the SQUARED distance between the centres; you used the distance itself."),
        (no_two, "the cross term between the two covariances needs a factor of two."),
        (sqrt_each, "you took the square root of each covariance separately; the formula takes the root of their "
                    "product. The two agree only when the covariances commute (for example, both diagonal)."),
        (lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)),
         "only the mean term is there; the trace term, which compares the two spreads, is missing."),
    ]
    return check_function(
        "frechet_gaussian", frechet_gaussian, frechet_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["mu1", "cov1", "mu2", "cov2"],
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
        (lambda s, t: _nearest_reference(s, t) ** 2, "those are squared distances; the check wants distances."),
        (lambda s, t: all_d(s, t).mean(axis=1), "that is the average distance to all training rows; the check needs "
                                                "the distance to the NEAREST one."),
        (lambda s, t: all_d(s, t).max(axis=1), "that is the distance to the farthest training row, not the nearest."),
        (lambda s, t: all_d(s, t).argmin(axis=1), "that is the position of the nearest row; give its distance instead."),
        (lambda s, t: all_d(t, s).min(axis=1), "the roles are swapped: one distance per SAMPLE, the smallest over "
                                               "the training rows."),
    ]
    return check_function(
        "nearest_distance", nearest_distance, _nearest_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), arg_names=["samples", "train"],
    )


def check_parzen_log_density(parzen_log_density: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: log of (1/n) sum_i N(x; c_i, sigma^2 I) for each row of x. Introduced in notebook 05."""
    from ..engine.parzen import log_density

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
        (lambda x, c, s: variant(x, c, s, mean=False), "you summed the n bumps; the mixture AVERAGES them, so the "
                                                       "number of centres must appear."),
        (lambda x, c, s: variant(x, c, s, norm=False), "the Gaussian's normalising constant is missing; it depends "
                                                       "on the width and on the dimension d."),
        (lambda x, c, s: variant(x, c, s, square=False), "the width appears unsquared in the exponent; the exponent "
                                                         "divides the squared distance by twice the width squared."),
    ]
    diagnose = gan_diagnosis(cases, mistakes)

    def diagnose_underflow(got, expected):
        if np.any(np.isneginf(got)) or np.any(np.isnan(got)):
            return ("Recognised mistake: you got minus infinity or NaN. With a narrow width every bump's value "
                    "underflows to 0 before you take the logarithm. Stay in log space: the largest exponent can be "
                    "taken out of the sum before exponentiating (the log-sum-exp trick).")
        return diagnose(got, expected)

    return check_function(
        "parzen_log_density", parzen_log_density, log_density, cases,
        diagnose=diagnose_underflow, atol=1e-4, arg_names=["x", "centres", "h"],
    )


FID_CHOICES = ("higher", "lower", "about the same")


def check_predict_fid_samples(prediction, measured: dict | None = None) -> CheckResult:
    """Check notebook 05's predict-then-run exercise: is the Fréchet distance from few samples higher, lower or the same?

    Introduced in notebook 05.
    """

    def outcome() -> tuple[str, str]:
        (n_small, fd_small), (n_large, fd_large) = sorted(measured.items())[0], sorted(measured.items())[-1]
        gap = (fd_small - fd_large) / max(abs(fd_large), 1e-9)
        what = (f"the same generator scored {fd_small:.2f} from {n_small:,} samples and {fd_large:.2f} from "
                f"{n_large:,} ({100 * gap:+.0f}%; within 10% counts as about the same). The distance is estimated "
                f"from sample means and covariances; with few samples the covariance estimate is noisy and the noise "
                f"adds to the distance, so the Fréchet distance is biased upwards by an amount that shrinks with the "
                f"sample count. Compare FIDs only at equal sample counts, or use the kernel distance (KID), which is "
                f"unbiased.")
        return "higher" if gap > 0.1 else "lower" if gap < -0.1 else "about the same", what

    missing = "" if measured and len(measured) >= 2 else (
        "run the measuring cell first and pass what it measured (a dict from sample count to Fréchet distance) as "
        "the keyword measured.")
    return check_prediction("predict_fid_samples", prediction, FID_CHOICES, "measures", outcome, run_missing=missing)
