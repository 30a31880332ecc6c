"""Densities and divergences of the toy problems, where every formula can be checked on a grid.

Introduced in notebook 02. Isotropic Gaussian mixtures (a 1-D Gaussian, the ring of 8
Gaussians), the optimal discriminator D*, the virtual training criterion C(G), the KL and
Jensen-Shannon divergences (exact on a grid, or the JSD estimated from samples) and mode coverage.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr

from .answers import course_answer
from .validate import check_int, check_positive, is_number

LOG4 = math.log(4.0)


def gaussian_pdf(x, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """Density of N(mean, std^2) at the points x (1-D). Introduced in notebook 02."""
    std = check_positive("std", std)
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2.0 * math.pi))


@dataclass(frozen=True)
class GaussianMixture:
    """Equal-weight mixture of isotropic Gaussians with one std: sample it, and in 1-D evaluate it. Introduced in notebook 02."""

    centres: np.ndarray
    std: float
    name: str = "mixture"

    def __post_init__(self):
        centres = np.asarray(self.centres, dtype=np.float64)
        if centres.ndim != 2 or centres.shape[0] < 1 or centres.shape[1] not in (1, 2):
            raise ValueError(f"centres must have shape (modes, 1) or (modes, 2), got {centres.shape}")
        object.__setattr__(self, "centres", centres)
        object.__setattr__(self, "std", check_positive("std", self.std))

    @property
    def dim(self) -> int:
        """1 or 2: the dimension of a sample."""
        return int(self.centres.shape[1])

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n samples as a float32 array of shape (n, dim)."""
        n = check_int("n", n)
        modes = rng.integers(0, len(self.centres), n)
        return (self.centres[modes] + self.std * rng.standard_normal((n, self.dim))).astype(np.float32)

    def pdf(self, x) -> np.ndarray:
        """Density at the 1-D points x (1-D mixtures only)."""
        if self.dim != 1:
            raise ValueError(f"pdf is defined here for 1-D mixtures only, this one has dim={self.dim}")
        return np.mean([gaussian_pdf(x, c, self.std) for c in self.centres[:, 0]], axis=0)

    def cdf(self, x) -> np.ndarray:
        """Cumulative distribution at the 1-D points x (1-D mixtures only)."""
        if self.dim != 1:
            raise ValueError(f"cdf is defined here for 1-D mixtures only, this one has dim={self.dim}")
        x = np.asarray(x, dtype=np.float64)
        return np.mean([ndtr((x - c) / self.std) for c in self.centres[:, 0]], axis=0)

    def support(self, margin: float = 4.0) -> tuple:
        """Per-axis (low, high) covering every mode +- margin standard deviations (and at least +-1)."""
        pad = max(margin * self.std, 1.0)
        return float(self.centres.min() - pad), float(self.centres.max() + pad)


def gaussian_1d(mean: float = 2.0, std: float = 0.5) -> GaussianMixture:
    """The 1-D toy's data distribution N(mean, std^2). Introduced in notebook 02."""
    if not is_number(mean) or not math.isfinite(mean):
        raise ValueError(f"mean must be a finite number, got {mean!r}")
    return GaussianMixture(np.array([[float(mean)]]), std, name=f"N({mean:g}, {std:g}^2)")


def ring_of_gaussians(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> GaussianMixture:
    """The ring of n_modes Gaussians on a circle (Metz et al. 2017; Srivastava et al. 2017). Introduced in notebook 02."""
    n_modes = check_int("n_modes", n_modes, 2)
    radius = check_positive("radius", radius)
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return GaussianMixture(centres, std, name=f"ring of {n_modes}")


def _check_densities(p_data, p_g) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p_data, dtype=np.float64)
    q = np.asarray(p_g, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p.shape} and {q.shape}")
    for name, arr in (("p_data", p), ("p_g", q)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(f"{name} must hold finite densities >= 0, got values in [{arr.min():.3g}, {arr.max():.3g}]")
    return p, q


@course_answer("optimal_discriminator")
def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise; 1/2 where both densities are 0. Introduced in notebook 02."""
    p, q = _check_densities(p_data, p_g)
    return _share(p, p + q)


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y) with 0 * log(0) = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, y, 1.0)), 0.0)


def _share(a: np.ndarray, total: np.ndarray) -> np.ndarray:
    """a / total, with 1/2 where total is 0 (so that 0 * log(share) stays 0)."""
    return np.where(total > 0, a / np.where(total > 0, total, 1.0), 0.5)


def _integrate(values: np.ndarray, x) -> float:
    if x is None:
        return float(np.sum(values))
    return float(np.trapezoid(values, np.asarray(x, dtype=np.float64)))


def virtual_criterion(p_data, p_g, x=None) -> float:
    """C(G) = V(D*, G) = E_data[log D*] + E_g[log(1 - D*)], on a grid x (densities) or for probability vectors. Introduced in notebook 02."""
    p, q = _check_densities(p_data, p_g)
    # D* = p / (p + q) and 1 - D* = q / (p + q), each computed as a ratio so a tiny q keeps its digits
    return _integrate(_xlogy(p, _share(p, p + q)) + _xlogy(q, _share(q, p + q)), x)


@course_answer("kl_divergence")
def kl_divergence(p, q, x=None) -> float:
    """KL(p || q) in nats: densities on the grid x, or probability vectors if x is None; inf where q = 0 < p. Introduced in notebook 02."""
    p, q = _check_densities(p, q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    return _integrate(_xlogy(p, _share(p, q)), x)


@course_answer("js_divergence")
def js_divergence(p, q, x=None) -> float:
    """Jensen-Shannon divergence in nats (0 to log 2): densities on the grid x, or probability vectors if x is None. Introduced in notebook 02."""
    p, q = _check_densities(p, q)
    m = 0.5 * (p + q)
    kl_pm = _integrate(_xlogy(p, _share(p, m)), x)  # KL(p || m), m the mixture
    kl_qm = _integrate(_xlogy(q, _share(q, m)), x)
    return 0.5 * (kl_pm + kl_qm)


def histogram_density(samples, edges: np.ndarray) -> np.ndarray:
    """Density of 1-D samples on the bins `edges` (mass outside the edges is dropped). Introduced in notebook 02."""
    samples = np.asarray(samples, dtype=np.float64).ravel()
    if samples.size == 0:
        raise ValueError("samples is empty: draw at least one sample")
    counts, _ = np.histogram(samples, bins=edges)
    return counts / (samples.size * np.diff(edges))


def js_estimate(samples, data: GaussianMixture, bins: int = 60) -> float:
    """Estimate JS(p_data, p_g) in nats from 1-D generator samples, on bins over data's support plus two tail bins. Introduced in notebook 02."""
    if data.dim != 1:
        raise ValueError(f"js_estimate needs 1-D data, got dim={data.dim}; use modes_covered in 2-D")
    bins = check_int("bins", bins, 2)
    samples = np.asarray(samples, dtype=np.float64).ravel()
    if samples.size == 0:
        raise ValueError("samples is empty: draw at least one sample")
    edges = np.linspace(*data.support(), bins + 1)
    full = np.concatenate([[-np.inf], edges, [np.inf]])
    p = np.diff(data.cdf(full))
    q = np.histogram(samples, bins=full)[0] / samples.size
    return js_divergence(p, q)


class ModeCoverage(NamedTuple):
    """How many modes the samples cover, and the share of samples near no mode. Introduced in notebook 02."""

    covered: int
    off_mode: float


def modes_covered(samples, centres, std: float, min_share: float = 0.01, radius: float = 3.0) -> ModeCoverage:
    """Count modes with >= min_share of samples within radius*std of their centre, and the share near no mode. Introduced in notebook 02."""
    samples = np.asarray(samples, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    if samples.ndim == 1:
        samples = samples[:, None]
    if centres.ndim == 1:
        centres = centres[:, None]
    if samples.ndim != 2 or samples.shape[0] == 0:
        raise ValueError(f"samples must have shape (n, dim) with n >= 1, got {samples.shape}")
    if centres.ndim != 2 or centres.shape[0] == 0 or centres.shape[1] != samples.shape[1]:
        raise ValueError(f"centres must have shape (modes, {samples.shape[1]}) to match samples, got {centres.shape}")
    std = check_positive("std", std)
    if not is_number(min_share) or not 0 < min_share <= 1:
        raise ValueError(f"min_share must be a number in (0, 1], got {min_share!r}")
    radius = check_positive("radius", radius)
    dist = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    near = dist <= radius * std
    share = near.mean(axis=0)
    return ModeCoverage(int(np.sum(share >= min_share)), float(np.mean(~near.any(axis=1))))


