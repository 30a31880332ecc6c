"""Measuring a generator with a reference digit classifier: class coverage, MNIST score,
Fréchet distance, precision and recall, and memorisation of training digits.

Notebook 03 first reports the scores (``evaluate``, and its dashboard's MNIST score); notebook 04
draws class histograms of collapsed generators; notebook 05 explains every score and the copying
checks; notebook 06 splits quality from coverage with precision and recall. Every function takes
images as uint8 (N, 28, 28) pixels 0..255 or floats in [-1, 1], with or without a channel axis; the
dtype decides which.
"""
from __future__ import annotations

import hashlib

import numpy as np
from scipy.special import xlogy

from .answers import course_answer
from .classifier import NUM_CLASSES, forward, load_classifier
from .data import MnistData, load_mnist, to_float
from .frechet import frechet_from_features

EMBEDDED_NOTE = (
    "the reference classifier was trained on all 60,000 MNIST training digits, which include the "
    "embedded 5,000; its held-out figures (accuracy, Fréchet floor) come from the official 10,000 "
    "test digits, see gu.classifier.classifier_manifest()"
)

_feature_cache: dict = {}
_nn_cache: dict = {}


# -- images ---------------------------------------------------------------------------------

def _images(images, name: str = "images") -> np.ndarray:
    """Validate images and return them as float32 (N, 28, 28, 1) in [-1, 1]."""
    x = np.asarray(images)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    if x.ndim != 3 or x.shape[1:] != (28, 28):
        raise ValueError(f"{name} has shape {np.shape(images)}; expected (N, 28, 28) or (N, 28, 28, 1)")
    if len(x) == 0:
        raise ValueError(f"{name} is empty; expected at least one image")
    if x.dtype == np.uint8:
        return to_float(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{name} has dtype {x.dtype}; expected uint8 pixels 0..255 or floats in [-1, 1]")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds NaN or inf; expected floats in [-1, 1]")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1.001 or hi > 1.001:
        raise ValueError(
            f"{name} has float values in [{lo:.3g}, {hi:.3g}]; expected [-1, 1] "
            "(pass uint8 pixels 0..255, or scale with gu.to_float)"
        )
    return np.clip(x, -1.0, 1.0).astype(np.float32)[..., None]


def _unit_flat(images, name: str) -> np.ndarray:
    """Return images as float32 (N, 784) rows in [0, 1], the scale for pixel distances."""
    return ((_images(images, name) + 1.0) / 2.0).reshape(-1, 28 * 28)


def _digest(images) -> str:
    x = np.ascontiguousarray(images)
    return hashlib.blake2b(x.view(np.uint8).reshape(-1), digest_size=16).hexdigest() + str(x.dtype) + str(x.shape)


# -- class predictions and the MNIST score --------------------------------------------------

def classify(images) -> np.ndarray:
    """Return the reference classifier's class probabilities, shape (N, 10) (notebook 03)."""
    return forward(load_classifier(), _images(images))[1]


def features(images) -> np.ndarray:
    """Return the classifier's 128-d penultimate features, shape (N, 128) (notebook 05)."""
    return forward(load_classifier(), _images(images))[0]


def _histogram(probs: np.ndarray) -> np.ndarray:
    return np.bincount(probs.argmax(1), minlength=NUM_CLASSES) / len(probs)


def _check_share(min_share: float) -> None:
    if not 0.0 < min_share <= 1.0:
        raise ValueError(f"min_share={min_share!r} must be in (0, 1]")


def class_histogram(images) -> np.ndarray:
    """Return the share of images predicted as each digit 0..9, shape (10,) (notebook 04)."""
    return _histogram(classify(images))


def classes_covered(images, min_share: float = 0.02) -> int:
    """Return how many digits get at least `min_share` of the predictions (notebook 04)."""
    _check_share(min_share)
    return int(np.sum(class_histogram(images) >= min_share))


def score_from_probs(probs) -> float:
    """Return exp(E_x[KL(p(y|x) || p(y))]) for a table of class probabilities (notebook 03; used in 05)."""
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or len(p) == 0 or p.shape[1] < 2:
        raise ValueError(f"probs has shape {p.shape}; expected (N, classes) with N >= 1 and classes >= 2")
    if not np.all(np.isfinite(p)) or p.min() < 0:
        raise ValueError("probs must be finite and non-negative")
    sums = p.sum(1)
    if not np.allclose(sums, 1.0, atol=1e-3):
        raise ValueError(f"each row of probs must sum to 1; got row sums in [{sums.min():.4g}, {sums.max():.4g}]")
    marginal = p.mean(0, keepdims=True)
    kl = (xlogy(p, p) - xlogy(p, marginal)).sum(1)
    return float(np.exp(kl.mean()))


def mnist_score(images) -> float:
    """Return the MNIST score (Inception Score with our classifier): 1 (worst) to 10 (notebook 03)."""
    return score_from_probs(classify(images))


# -- Fréchet distance -----------------------------------------------------------------------

def _reference_features(reference_images) -> np.ndarray:
    key = _digest(reference_images)
    if key not in _feature_cache:
        if len(_feature_cache) >= 8:
            _feature_cache.clear()
        _feature_cache[key] = forward(load_classifier(), _images(reference_images, "reference_images"))[0]
    return _feature_cache[key]


def frechet_distance(images, reference_images) -> float:
    """Return the Fréchet distance between classifier features of images and real reference digits (notebook 05)."""
    return frechet_from_features(features(images), _reference_features(reference_images))


# -- precision and recall (Kynkäänniemi et al. 2019) ---------------------------------------

def _feature_rows(rows, name: str) -> np.ndarray:
    x = np.asarray(rows, dtype=np.float64)
    if x.ndim != 2 or len(x) == 0 or x.shape[1] == 0:
        raise ValueError(f"{name} has shape {np.shape(rows)}; expected feature rows (N, d) with N >= 1 and d >= 1")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} holds NaN or inf; expected finite feature vectors")
    return x


def _squared_distances(a: np.ndarray, b: np.ndarray, b_sq: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between the rows of a and of b, (len(a), len(b)), never below 0."""
    d2 = np.einsum("ij,ij->i", a, a)[:, None] + b_sq[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def _kth_neighbour_radii(x: np.ndarray, k: int, chunk: int) -> np.ndarray:
    """Squared distance from each row of x to its k-th nearest other row."""
    sq = np.einsum("ij,ij->i", x, x)
    out = np.empty(len(x))
    for start in range(0, len(x), chunk):
        d2 = _squared_distances(x[start:start + chunk], x, sq)
        rows = np.arange(len(d2))
        d2[rows, start + rows] = np.inf  # a vector is not its own neighbour
        out[start:start + chunk] = np.partition(d2, k - 1, axis=1)[:, k - 1]
    return out


def _share_inside(queries: np.ndarray, centres: np.ndarray, radii_sq: np.ndarray, chunk: int) -> float:
    """Share of query rows within distance radius_i of at least one centre i (boundary included)."""
    sq = np.einsum("ij,ij->i", centres, centres)
    inside = 0
    for start in range(0, len(queries), chunk):
        d2 = _squared_distances(queries[start:start + chunk], centres, sq)
        inside += int(np.count_nonzero((d2 <= radii_sq[None, :] * (1 + 1e-9) + 1e-12).any(axis=1)))
    return inside / len(queries)


@course_answer("precision_recall")
def precision_recall_features(real_features, fake_features, k: int = 3) -> tuple[float, float]:
    """Return (precision, recall) of fake feature vectors against real ones, k-NN balls (Kynkäänniemi et al. 2019). Introduced in notebook 06.

    Each real vector gets a ball reaching its k-th nearest other real vector; precision is the share
    of fake vectors inside at least one real ball (are the fakes realistic?). Recall swaps the roles:
    balls around the fakes, share of real vectors inside one (is all of the real data covered?).
    Euclidean distance, computed in chunks so 10,000 x 10,000 vectors fit in well under 1 GB.
    """
    real = _feature_rows(real_features, "real_features")
    fake = _feature_rows(fake_features, "fake_features")
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real_features has {real.shape[1]} columns but fake_features has {fake.shape[1]}; "
                         "both must be feature vectors of one size")
    limit = min(len(real), len(fake)) - 1
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= limit:
        allowed = f"an integer in 1..{limit}" if limit >= 1 else "impossible: each set needs at least 2 vectors"
        raise ValueError(f"k={k!r} must be {allowed} (each vector's k-th nearest other vector in its own set)")
    chunk = max(1, min(1000, 10_000_000 // max(len(real), len(fake))))
    k = int(k)
    precision = _share_inside(fake, real, _kth_neighbour_radii(real, k, chunk), chunk)
    recall = _share_inside(real, fake, _kth_neighbour_radii(fake, k, chunk), chunk)
    return float(precision), float(recall)


def precision_recall(images, reference_images, k: int = 3) -> tuple[float, float]:
    """Return (precision, recall) of images against real reference digits, on the classifier's 128-d features. Introduced in notebook 06."""
    return precision_recall_features(_reference_features(reference_images), features(images), k)


# -- nearest neighbours and memorisation ----------------------------------------------------

def _nearest(queries: np.ndarray, base: np.ndarray, k: int, chunk: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """k nearest base rows for each query row (both (N, 784) in [0, 1]): indices, L2 distances."""
    base_sq = np.einsum("ij,ij->i", base, base)
    idx_out = np.empty((len(queries), k), dtype=np.int64)
    dist_out = np.empty((len(queries), k), dtype=np.float64)
    for start in range(0, len(queries), chunk):
        q = queries[start:start + chunk]
        d2 = base_sq[None, :] - 2.0 * (q @ base.T)
        if k == 1:
            idx = d2.argmin(1)[:, None]
        else:
            idx = np.argpartition(d2, k - 1, axis=1)[:, :k]
        exact = np.sqrt(((q[:, None, :].astype(np.float64) - base[idx]) ** 2).sum(-1))
        order = np.argsort(exact, axis=1)
        idx_out[start:start + chunk] = np.take_along_axis(idx, order, 1)
        dist_out[start:start + chunk] = np.take_along_axis(exact, order, 1)
    return idx_out, dist_out


@course_answer("nearest_distance")
def nearest_distance(samples, train) -> np.ndarray:
    """Return each row of samples' Euclidean distance to its nearest row of train, shape (N,). Introduced in notebook 05."""
    s, t = np.asarray(samples, dtype=np.float64), np.asarray(train, dtype=np.float64)
    if s.ndim != 2 or t.ndim != 2 or len(t) == 0 or s.shape[1] != t.shape[1]:
        raise ValueError(f"samples {s.shape} and train {t.shape} must be rows (N, d) and (M, d) with one d and M >= 1")
    return _nearest(s, t, 1)[1][:, 0]


@course_answer("nearest_distance")
def nearest_neighbours(samples, train_images, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return (indices, distances), each (N, k), of each sample's nearest training images, L2 on [0, 1] pixels (notebook 03)."""
    base = _unit_flat(train_images, "train_images")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 1 <= k <= len(base):
        raise ValueError(f"k={k!r} must be an integer in 1..{len(base)} (the number of training images)")
    return _nearest(_unit_flat(samples, "samples"), base, int(k))


def _reference_nn_distances(train_images, reference_images) -> np.ndarray:
    key = (_digest(train_images), _digest(reference_images))
    if key not in _nn_cache:
        if len(_nn_cache) >= 8:
            _nn_cache.clear()
        _nn_cache[key] = nearest_neighbours(reference_images, train_images)[1][:, 0]
    return _nn_cache[key]


def memorisation_threshold(train_images, reference_images, quantile: float = 0.01) -> float:
    """Return the `quantile` of held-out real digits' distances to their nearest training image (notebook 03)."""
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile={quantile!r} must be in (0, 1)")
    return float(np.quantile(_reference_nn_distances(train_images, reference_images), quantile))


def memorisation_rate(samples, train_images, reference_images, quantile: float = 0.01) -> float:
    """Return the share of samples closer to a training image than all but `quantile` of held-out real digits (notebook 03)."""
    threshold = memorisation_threshold(train_images, reference_images, quantile)
    _, dist = nearest_neighbours(samples, train_images)
    return float(np.mean(dist[:, 0] < threshold))


# -- everything at once ---------------------------------------------------------------------

def evaluate(samples, data: MnistData | None = None, min_share: float = 0.02, quantile: float = 0.01) -> dict:
    """Return every score for a batch of generated digits, against data's test and train digits (notebook 03)."""
    _check_share(min_share)
    if data is None:
        data = load_mnist(verbose=False)
    x = _images(samples, "samples")
    if len(x) < 2:
        raise ValueError(f"samples holds {len(x)} image; evaluate needs at least 2 to fit a Gaussian for the Fréchet distance")
    feats, probs = forward(load_classifier(), x)
    hist = _histogram(probs)
    result = {
        "n_samples": len(x),
        "mnist_score": score_from_probs(probs),
        "frechet_distance": frechet_from_features(feats, _reference_features(data.x_test)),
        "classes_covered": int(np.sum(hist >= min_share)),
        "class_histogram": hist.tolist(),
        "min_class_share": float(hist.min()),
        "memorisation_rate": memorisation_rate(x, data.x_train, data.x_test, quantile),
        "data_source": data.source,
    }
    if data.source == "embedded":
        result["classifier_note"] = EMBEDDED_NOTE
    return result
