"""Walking a generator's latent space: interpolation and directions that change the image (the maths).

Introduced in notebook 05. z ~ N(0, I) is isotropic, so the principal directions of z itself mean
nothing. ``find_directions`` finds them from what the generator makes, in the spirit of GANSpace
(Härkönen et al. 2020): principal components of G(z) (pixels, or the reference classifier's
features), mapped back to z by least squares. The sliders that walk these directions are in
``gan_utils.widgets.latent_explorer``. Notebook 06 adds ``truncate``, the truncation trick.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .answers import course_answer
from .models import is_conditional

METHODS = ("spherical", "linear")
NUM_DIGITS = 10


# ----- interpolation ---------------------------------------------------------------------------

def _vector(z, name: str) -> np.ndarray:
    v = np.asarray(z, dtype=np.float64)
    if v.ndim != 1 or len(v) == 0 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be one finite latent vector of shape (latent_dim,), got shape {v.shape}")
    return v


def as_latent_pair(z0, z1) -> tuple[np.ndarray, np.ndarray]:
    """Return z0 and z1 as float64 vectors of one shape; ValueError naming the one that is not. Introduced in notebook 05."""
    a, b = _vector(z0, "z0"), _vector(z1, "z1")
    if a.shape != b.shape:
        raise ValueError(f"z0 has shape {a.shape} but z1 has shape {b.shape}; they must match")
    return a, b


def _fractions(t) -> tuple[np.ndarray, bool]:
    scalar = np.ndim(t) == 0
    arr = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if arr.ndim != 1 or not np.all(np.isfinite(arr)) or arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1], got {t!r}")
    return arr, scalar


def lerp(z0, z1, t) -> np.ndarray:
    """Linear interpolation (1 - t) z0 + t z1: shape (d,) for a number t, (len(t), d) for an array. Introduced in notebook 05."""
    a, b = as_latent_pair(z0, z1)
    ts, scalar = _fractions(t)
    out = (1.0 - ts)[:, None] * a + ts[:, None] * b
    return out[0] if scalar else out


@course_answer("slerp")
def slerp(z0, z1, t) -> np.ndarray:
    """Spherical interpolation along the great circle from z0 to z1 (Shoemake 1985; White 2016). Introduced in notebook 05.

    slerp = sin((1 - t) W) / sin W * z0 + sin(t W) / sin W * z1, with W the angle between z0 and z1.
    Parallel vectors (W = 0) give the limit of that formula, which is lerp; opposite ones have no
    unique great circle and raise ValueError.
    """
    a, b = as_latent_pair(z0, z1)
    ts, scalar = _fractions(t)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0.0 or nb == 0.0:
        raise ValueError("slerp needs non-zero z0 and z1 (a zero vector has no direction); use lerp")
    cos = float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))
    omega = np.arccos(cos)
    if np.sin(omega) < 1e-6:
        if cos < 0:
            raise ValueError("z0 and z1 point in opposite directions: no unique great circle; use lerp or another z1")
        return lerp(a, b, t)
    out = (np.sin((1.0 - ts) * omega)[:, None] * a + np.sin(ts * omega)[:, None] * b) / np.sin(omega)
    return out[0] if scalar else out


def interpolate(z0, z1, steps: int = 9, method: str = "spherical") -> np.ndarray:
    """Return `steps` latent vectors from z0 to z1 inclusive, shape (steps, d), by 'spherical' or 'linear'. Introduced in notebook 05."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2 (both ends included), got {steps!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    ts = np.linspace(0.0, 1.0, int(steps))
    return slerp(z0, z1, ts) if method == "spherical" else lerp(z0, z1, ts)


# ----- sampling a generator ---------------------------------------------------------------------

def latent_size(generator) -> int:
    """Return the size of the generator's latent input z. Introduced in notebook 05."""
    return int(generator.inputs[0].shape[-1])


def _labels_for(generator, labels, n: int) -> np.ndarray | None:
    if not is_conditional(generator):
        if labels is not None:
            raise ValueError("labels only apply to a conditional generator (model 'cdcgan'); pass labels=None")
        return None
    if labels is None:
        return (np.arange(n) % NUM_DIGITS).astype(np.int32)
    arr = np.asarray(labels)
    if not np.issubdtype(arr.dtype, np.integer) or arr.ndim > 1 or np.any(arr < 0) or np.any(arr >= NUM_DIGITS):
        raise ValueError(f"labels must be digits 0..{NUM_DIGITS - 1} (one number or one per z), got {labels!r}")
    try:
        return np.broadcast_to(arr, (n,)).astype(np.int32)
    except ValueError:
        raise ValueError(f"labels holds {arr.size} values for {n} latent vectors; give one or {n}") from None


def render(generator, z, labels=None, batch: int = 500) -> np.ndarray:
    """Return G(z) as float32 (n, 28, 28, 1) in [-1, 1]; labels (digits) for a conditional generator. Introduced in notebook 05."""
    z = np.asarray(z, dtype=np.float32)
    if z.ndim == 1:
        z = z[None]
    d = latent_size(generator)
    if z.ndim != 2 or z.shape[1] != d or len(z) == 0:
        raise ValueError(f"z must have shape (n, {d}) with n >= 1, got {np.shape(z)}")
    y = _labels_for(generator, labels, len(z))
    out = []
    for i in range(0, len(z), batch):
        inputs = z[i:i + batch] if y is None else [z[i:i + batch], y[i:i + batch]]
        out.append(np.asarray(generator(inputs, training=False)))
    return np.concatenate(out).astype(np.float32)


def sample_z(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """Return n latent vectors z ~ N(0, I), float32 (n, latent_dim), the same for the same seed. Introduced in notebook 05."""
    for name, value in (("n", n), ("latent_dim", latent_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return np.random.default_rng(seed).standard_normal((int(n), int(latent_dim))).astype(np.float32)


def truncate(z, psi: float) -> np.ndarray:
    """Return psi * z, the truncation trick as a scaling of z towards the mean of p_z (0); psi in (0, 1]. Introduced in notebook 06.

    ψ (psi) = 1 is no truncation; smaller ψ trades variety for typical, cleaner images (BigGAN,
    Brock et al. 2018, truncates by redrawing; StyleGAN, Karras et al. 2019, scales towards the
    mean like this). Notebook 05's exercise used ψ = 0.5.
    """
    if isinstance(psi, bool) or not isinstance(psi, (int, float, np.integer, np.floating)) \
            or not np.isfinite(psi) or not 0.0 < psi <= 1.0:
        raise ValueError(f"psi must be a number in (0, 1] (1 = no truncation), got {psi!r}")
    v = np.asarray(z)
    if v.ndim not in (1, 2) or v.size == 0 or not np.issubdtype(v.dtype, np.number) or not np.all(np.isfinite(v)):
        raise ValueError(f"z must be finite latent vectors of shape (latent_dim,) or (n, latent_dim), got shape {v.shape}")
    dtype = v.dtype if np.issubdtype(v.dtype, np.floating) else np.float64
    return (float(psi) * v).astype(dtype)


# ----- directions that change the image ---------------------------------------------------------

@dataclass(frozen=True)
class Directions:
    """Unit latent directions (k, d), each moving G(z) along one principal component of the outputs.

    Introduced in notebook 05.
    """

    vectors: np.ndarray
    explained: np.ndarray
    space: str

    def __len__(self) -> int:
        return len(self.vectors)


SPACES = ("pixels", "features")


def find_directions(generator, n_directions: int = 4, n_samples: int = 2000, seed: int = 0,
                    labels=None, space: str = "pixels") -> Directions:
    """Return latent directions from PCA of G(z), mapped back to z by least squares. Introduced in notebook 05.

    With S (n, k) the scores of the top-k principal components of G(z) and Z (n, d) the latent
    vectors, fit S ~ Z W by least squares; column j of W is the direction in z along which the fitted
    score j rises fastest, scaled to unit length. ``space='features'`` runs the PCA on the reference
    classifier's 128-d features instead of the pixels. Each direction's sign is chosen so that moving
    along it adds ink.
    """
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}, got {space!r}")
    if isinstance(n_directions, bool) or not isinstance(n_directions, (int, np.integer)) or n_directions < 1:
        raise ValueError(f"n_directions must be a positive integer, got {n_directions!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 2 * n_directions + 2:
        raise ValueError(f"n_samples must be an integer >= {2 * n_directions + 2} for {n_directions} directions, got {n_samples!r}")
    z = sample_z(int(n_samples), latent_size(generator), seed)
    images = render(generator, z, labels)
    pixels = images.reshape(len(images), -1).astype(np.float64)
    if space == "features":
        from .metrics import features

        outputs = features(images)
    else:
        outputs = pixels
    centred = outputs - outputs.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    k = int(min(n_directions, len(s)))
    scores = centred @ vt[:k].T  # (n, k), uncorrelated columns
    zc = z.astype(np.float64) - z.mean(axis=0)
    coef, *_ = np.linalg.lstsq(zc, scores, rcond=None)  # (d, k): scores ~ z @ coef
    norms = np.linalg.norm(coef, axis=0)
    if np.any(norms == 0):
        raise ValueError("a principal component does not depend on z at all: does the generator ignore its input?")
    vectors = (coef / norms).T
    # sign: + adds ink (the score rises along +v; flip where a higher score means less ink)
    ink = (pixels - pixels.mean(axis=0)).sum(axis=1)
    signs = np.sign((scores * ink[:, None]).sum(axis=0))
    vectors *= np.where(signs == 0, 1.0, signs)[:, None]
    explained = s[:k] ** 2 / np.sum(s ** 2)
    return Directions(vectors=vectors.astype(np.float32), explained=explained, space=space)


def direction_effect(generator, vectors, amount: float = 3.0, n: int = 100, seed: int = 1,
                     labels=None) -> np.ndarray:
    """Return, per direction, the mean absolute pixel change (grey levels 0..255) when z moves by ±amount. Introduced in notebook 05."""
    v = np.asarray(getattr(vectors, "vectors", vectors), dtype=np.float32)
    d = latent_size(generator)
    if v.ndim != 2 or v.shape[1] != d:
        raise ValueError(f"vectors must have shape (k, {d}), got {v.shape}")
    if not amount > 0:
        raise ValueError(f"amount must be > 0, got {amount!r}")
    z = sample_z(n, d, seed)
    effects = []
    for direction in v:
        unit = direction / np.linalg.norm(direction)
        up = render(generator, z + amount * unit, labels)
        down = render(generator, z - amount * unit, labels)
        effects.append(float(np.mean(np.abs(up - down))) * 127.5)
    return np.array(effects)


def attribute_direction(z, scores, quantile: float = 0.25) -> np.ndarray:
    """Return mean z of the top `quantile` by score minus mean z of the bottom `quantile` (Radford et al. 2015). Introduced in notebook 05."""
    z = np.asarray(z, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if z.ndim != 2 or scores.shape != (len(z),):
        raise ValueError(f"z must be (n, d) and scores (n,), got {z.shape} and {scores.shape}")
    if not 0.0 < quantile <= 0.5:
        raise ValueError(f"quantile must be in (0, 0.5], got {quantile!r}")
    k = max(1, int(round(quantile * len(z))))
    if 2 * k > len(z):
        raise ValueError(f"need at least 2 latent vectors, got {len(z)}")
    order = np.argsort(scores)
    return z[order[-k:]].mean(axis=0) - z[order[:k]].mean(axis=0)


def conditional_accuracy(generator, n_per_class: int = 100, seed: int = 0,
                         classify: Callable | None = None) -> np.ndarray:
    """Return, for each digit 0..9, the share of its conditional samples the reference classifier calls that digit. Introduced in notebook 05."""
    if not is_conditional(generator):
        raise ValueError("conditional_accuracy needs a conditional generator (model 'cdcgan') taking [z, label]")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    if classify is None:
        from .metrics import classify
    labels = np.repeat(np.arange(NUM_DIGITS), int(n_per_class)).astype(np.int32)
    images = render(generator, sample_z(len(labels), latent_size(generator), seed), labels)
    probs = np.asarray(classify(images))
    if probs.shape != (len(labels), NUM_DIGITS):
        raise ValueError(f"classify returned shape {probs.shape}; expected ({len(labels)}, {NUM_DIGITS}) probabilities")
    hits = probs.argmax(axis=1) == labels
    return hits.reshape(NUM_DIGITS, int(n_per_class)).mean(axis=1)
