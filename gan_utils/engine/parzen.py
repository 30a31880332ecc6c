"""The 2014 GAN paper's own metric: a Gaussian Parzen-window log-likelihood of held-out digits.

Introduced in notebook 05. Put a Gaussian of width h on each generated sample, giving the
density p(x) = 1/n * sum_i N(x; g_i, h^2 I), and report the mean log p(x) over test digits in
nats, with the pixels scaled to [0, 1] as in the paper. The width h is chosen on a validation split from
the paper's grid, numpy.logspace(-1, 0, 10), exactly as its ``parzen_ll.py`` did (10,000 samples,
1,000 validation digits: training digits 50,000-50,999, which its G, trained on 0-49,999, never saw;
``paper_split`` cuts them). Distances are computed in chunks and summed with the log-sum-exp trick, so nothing
underflows and memory stays small. Theis et al. (2016) show why the estimate is unreliable.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .answers import course_answer

#: the window widths the 2014 paper's parzen_ll.py tried (pixels in [0, 1])
WIDTHS = np.logspace(-1, 0, 10)

#: Goodfellow et al. (2014), Table 1, MNIST column: mean test log-likelihood (nats) and standard error
PAPER_TABLE_1 = {
    "DBN": (138.0, 2.0),
    "Stacked CAE": (121.0, 1.6),
    "Deep GSN": (214.0, 1.1),
    "Adversarial nets": (225.0, 2.0),
}

#: the 2014 paper's split of MNIST's 60,000 training digits: its G trained on digits 0-49,999 and its
#: parzen_ll.py chose the width h on the next 1,000, digits 50,000-50,999
PAPER_TRAIN_DIGITS, PAPER_VALIDATION_DIGITS = 50_000, 1_000

CHUNK = 1000


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer (a number of digits), got {value!r}")
    return int(value)


def paper_split(x_train, train_digits: int = PAPER_TRAIN_DIGITS,
                n_validation: int = PAPER_VALIDATION_DIGITS) -> tuple[np.ndarray, np.ndarray]:
    """Return (training digits 0 .. train_digits-1, the n_validation digits after them): the 2014 paper's split.

    Not used in a notebook: benchmarks/parzen_paper.py and benchmarks/parzen_steps.py cut full MNIST with it.
    """
    train_digits, n_validation = _count(train_digits, "train_digits"), _count(n_validation, "n_validation")
    x = np.asarray(x_train)
    if x.ndim == 0 or len(x) < train_digits + n_validation:
        raise ValueError(f"x_train holds {len(x) if x.ndim else 0:,} digits; the split needs at least "
                         f"train_digits + n_validation = {train_digits + n_validation:,} (full MNIST has 60,000)")
    return x[:train_digits], x[train_digits:train_digits + n_validation]


def unit_rows(images, name: str = "images") -> np.ndarray:
    """Return images as float64 rows (N, H*W) in [0, 1], the paper's pixel scale. Introduced in notebook 05.

    Accepts uint8 pixels 0..255 or floats in [-1, 1] (the GAN scale), shape (N, H, W) or (N, H, W, 1).
    """
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or len(x) == 0:
        raise ValueError(f"{name} has shape {x.shape}; expected images (N, H, W) or (N, H, W, 1) with N >= 1")
    if x.dtype == np.uint8:
        return x.reshape(len(x), -1).astype(np.float64) / 255.0
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} has dtype {x.dtype}; expected uint8 pixels 0..255 or floats in [-1, 1]")
    lo, hi = float(np.min(x)), float(np.max(x))
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo < -1.001 or hi > 1.001:
        raise ValueError(f"{name} has float values in [{lo:.4g}, {hi:.4g}]; expected [-1, 1] (or uint8 pixels)")
    return np.clip((x.reshape(len(x), -1).astype(np.float64) + 1.0) / 2.0, 0.0, 1.0)


def _rows(a, name: str) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or len(a) == 0 or a.shape[1] == 0:
        raise ValueError(f"{name} has shape {a.shape}; expected rows (N, D) with N >= 1 "
                         "(images: convert with gu.parzen.unit_rows)")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} holds NaN or inf")
    return a


def _widths(widths) -> np.ndarray:
    s = np.atleast_1d(np.asarray(widths, dtype=np.float64))
    if s.ndim != 1 or len(s) == 0 or not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"the width h must be one or more finite numbers > 0, got {widths!r}")
    return s


def _check_chunk(chunk) -> int:
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer (rows per block), got {chunk!r}")
    return int(chunk)


@course_answer("parzen_log_density")
def log_density_grid(x, centres, widths, chunk: int = CHUNK) -> np.ndarray:
    """Return log p(x) for every row of x and every width h, shape (len(widths), N), in nats. Introduced in notebook 05.

    p(x) = 1/n sum_i N(x; centres_i, h^2 I); the squared distances are computed once per block.
    """
    x, centres, s, chunk = _rows(x, "x"), _rows(centres, "centres"), _widths(widths), _check_chunk(chunk)
    if x.shape[1] != centres.shape[1]:
        raise ValueError(f"x has {x.shape[1]} columns but centres have {centres.shape[1]}; they must match")
    n, d = centres.shape
    centre_sq = np.einsum("ij,ij->i", centres, centres)
    norm = np.log(n) + 0.5 * d * np.log(2.0 * np.pi * s ** 2)  # log n + log of the Gaussian's normaliser
    out = np.empty((len(s), len(x)))
    for start in range(0, len(x), chunk):
        block = x[start:start + chunk]
        d2 = np.einsum("ij,ij->i", block, block)[:, None] + centre_sq[None, :] - 2.0 * (block @ centres.T)
        np.maximum(d2, 0.0, out=d2)  # rounding can make a zero distance slightly negative
        nearest = d2.min(axis=1)
        d2 -= nearest[:, None]  # logsumexp by hand: the largest term becomes exp(0) = 1
        for k, h in enumerate(s):
            scale = -1.0 / (2.0 * h ** 2)
            out[k, start:start + chunk] = nearest * scale + np.log(np.exp(d2 * scale).sum(axis=1)) - norm[k]
    return out


@course_answer("parzen_log_density")
def log_density(x, centres, h: float, chunk: int = CHUNK) -> np.ndarray:
    """Return the Parzen-window log-density log p(x) of each row of x (N,), in nats. Introduced in notebook 05."""
    if np.ndim(h) != 0:
        raise ValueError(f"the width h must be one number > 0, got {h!r}; for several use log_density_grid")
    return log_density_grid(x, centres, [h], chunk)[0]


def select_width(centres, validation, widths=WIDTHS, chunk: int = CHUNK) -> tuple[float, np.ndarray]:
    """Return (the width h with the highest mean validation log-likelihood, the mean for every width). Introduced in notebook 05."""
    s = _widths(widths)
    means = log_density_grid(validation, centres, s, chunk).mean(axis=1)
    return float(s[int(np.argmax(means))]), means


@dataclass(frozen=True)
class ParzenResult:
    """A Parzen-window estimate: mean test log-likelihood (nats) ± standard error, and how it was made.

    Introduced in notebook 05.
    """

    mean: float
    sem: float
    h: float
    n_samples: int
    n_test: int
    n_validation: int
    widths: tuple
    validation_means: tuple

    def __str__(self) -> str:
        return (f"{self.mean:.0f} ± {self.sem:.1f} nats (h {self.h:.3f}, {self.n_samples:,} samples, "
                f"{self.n_test:,} test digits)")

    @property
    def at_grid_edge(self) -> bool:
        """True when the chosen width is the smallest or largest tried: widen the grid to be sure."""
        return self.h in (min(self.widths), max(self.widths))


def parzen_log_likelihood(samples, test, validation, widths=WIDTHS, chunk: int = CHUNK) -> ParzenResult:
    """Fit the window on samples, choose h on validation, return the test log-likelihood ± s.e. Introduced in notebook 05.

    All three are images (uint8 or floats in [-1, 1]); they are scaled to [0, 1] as in the 2014 paper.
    The standard error is std / sqrt(n_test), as the paper's code reported it.
    """
    centres = unit_rows(samples, "samples")
    val, tst = unit_rows(validation, "validation"), unit_rows(test, "test")
    for name, rows in (("validation", val), ("test", tst)):
        if rows.shape[1] != centres.shape[1]:
            raise ValueError(f"{name} images have {rows.shape[1]} pixels but samples have {centres.shape[1]}")
    if len(tst) < 2:
        raise ValueError(f"test holds {len(tst)} image; need at least 2 for a standard error")
    s = _widths(widths)
    h, means = select_width(centres, val, s, chunk)
    ll = log_density(tst, centres, h, chunk)
    return ParzenResult(mean=float(ll.mean()), sem=float(ll.std() / np.sqrt(len(ll))), h=h,
                        n_samples=len(centres), n_test=len(tst), n_validation=len(val),
                        widths=tuple(float(v) for v in s), validation_means=tuple(float(v) for v in means))
