"""Measuring a generator with a reference digit classifier: class coverage, MNIST score,
Fréchet distance, and memorisation of training digits.

The classifier is introduced in notebook 04 (class histograms of collapsed generators); the
scores and the copying checks in notebook 05. Every function takes images as uint8 (N, 28, 28)
pixels 0..255 or floats in [-1, 1], with or without a channel axis; the dtype decides which.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import time
import warnings
import weakref
from pathlib import Path

import numpy as np
import scipy.linalg
from scipy.special import xlogy

from .config import runs_dir, set_seed, shipped_path
from .data import MnistData, load_mnist, to_float

NUM_CLASSES = 10
FEATURE_LAYER = "features"
WEIGHTS_FILE = "classifier.weights.npz"
MANIFEST_FILE = "manifest.json"
BATCH = 1000
EMBEDDED_NOTE = (
    "the reference classifier was trained on all 60,000 MNIST training digits, which include the "
    "embedded 5,000; its held-out figures (accuracy, Fréchet floor) come from the official 10,000 "
    "test digits, see gu.metrics.classifier_manifest()"
)

_models: dict = {}
_probes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_feature_cache: dict = {}
_nn_cache: dict = {}


def default_classifier_dir() -> Path:
    """Return the folder of the shipped reference classifier (data/classifier/ in a checkout; notebook 04)."""
    return shipped_path("classifier")


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


# -- the reference classifier ---------------------------------------------------------------

def build_classifier():
    """Return the untrained reference CNN: three convolutions, a 128-d feature layer, softmax (notebook 04)."""
    import keras
    from keras import layers

    inputs = keras.Input((28, 28, 1), name="image")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.25)(x)
    features = layers.Dense(128, activation="relu", name=FEATURE_LAYER)(x)
    x = layers.Dropout(0.5)(features)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="digit_classifier")


def _forward(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run float images through the classifier; return (features, probs) as float64."""
    import keras

    if model not in _probes:
        _probes[model] = keras.Model(model.inputs[0], [model.get_layer(FEATURE_LAYER).output, model.outputs[0]])
    probe = _probes[model]
    feats, probs = [], []
    for start in range(0, len(x), BATCH):
        f, p = probe(x[start:start + BATCH], training=False)
        feats.append(np.asarray(f))
        probs.append(np.asarray(p))
    return np.concatenate(feats).astype(np.float64), np.concatenate(probs).astype(np.float64)


def save_classifier(model, out_dir: str | Path) -> Path:
    """Write the classifier's weights as a plain .npz (no pickle) into out_dir (notebook 05)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / WEIGHTS_FILE
    np.savez_compressed(path, **{f"w{i:02d}": w for i, w in enumerate(model.get_weights())})
    _models.pop(str(path.resolve()), None)
    return path


def load_classifier(path: str | Path | None = None):
    """Load the reference classifier from a folder or .npz (default data/classifier/), cached (notebook 04)."""
    path = Path(path) if path is not None else default_classifier_dir()
    if path.is_dir():
        path = path / WEIGHTS_FILE
    key = str(path.resolve())
    if key in _models:
        return _models[key]
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no classifier weights; the shipped ones live in data/classifier/, "
            "or make your own with gu.metrics.train_classifier(data, out_dir=...)"
        )
    model = build_classifier()
    with np.load(path, allow_pickle=False) as npz:
        weights = [npz[f"w{i:02d}"] for i in range(len(npz.files))]
    expected = [tuple(w.shape) for w in model.get_weights()]
    if [tuple(w.shape) for w in weights] != expected:
        raise ValueError(f"{path}: weight shapes {[w.shape for w in weights]} do not match build_classifier() {expected}")
    model.set_weights(weights)
    _models[key] = model
    return model


def classifier_manifest(path: str | Path | None = None) -> dict:
    """Return the classifier's manifest.json: data, accuracy, Fréchet floor (notebook 05)."""
    folder = Path(path) if path is not None else default_classifier_dir()
    if folder.is_file():
        folder = folder.parent
    return json.loads((folder / MANIFEST_FILE).read_text())


def train_classifier(data: MnistData, epochs: int = 4, out_dir: str | Path | None = None,
                     batch_size: int = 128, augment: bool = True, seed: int = 0,
                     data_source: str | None = None, verbose: int = 2) -> dict:
    """Train the reference classifier, save weights + manifest.json to out_dir (default runs/classifier) (notebook 05)."""
    import keras
    import tensorflow as tf

    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs={epochs!r} must be a positive integer")
    out_dir = Path(out_dir) if out_dir is not None else runs_dir() / "classifier"
    set_seed(seed)
    x, y = to_float(data.x_train), np.asarray(data.y_train, np.int64)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).batch(batch_size)
    if augment:
        shift = keras.Sequential([
            keras.layers.RandomRotation(0.03, fill_mode="constant", fill_value=-1.0, seed=seed),
            keras.layers.RandomTranslation(0.08, 0.08, fill_mode="constant", fill_value=-1.0, seed=seed),
        ])
        ds = ds.map(lambda a, b: (shift(a, training=True), b), num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.prefetch(tf.data.AUTOTUNE)
    model = build_classifier()
    steps = epochs * int(np.ceil(len(x) / batch_size))
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(ds, epochs=epochs, shuffle=False, verbose=verbose)
    seconds = time.perf_counter() - start
    _, probs = _forward(model, to_float(data.x_test))
    accuracy = float(np.mean(probs.argmax(1) == np.asarray(data.y_test)))
    weights = save_classifier(model, out_dir)
    manifest = {
        "model": "Conv32-pool-Conv64-pool-Conv64-Dense128(features)-Dense10, dropout 0.25/0.5",
        "weights_file": WEIGHTS_FILE,
        "weights_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        "weights_bytes": weights.stat().st_size,
        "data_source": data_source or f"{data.origin}, {len(x)} train digits",
        "epochs": epochs,
        "batch_size": batch_size,
        "augmentation": "random rotation ±0.03 turn, shift ±8%" if augment else "none",
        "train_seconds": round(seconds, 1),
        "test_accuracy": round(accuracy, 4),
        "test_digits": len(data.x_test),
        "params": int(model.count_params()),
        "feature_dim": int(model.get_layer(FEATURE_LAYER).units),
        "seed": seed,
        "keras_version": keras.__version__,
        "date": datetime.date.today().isoformat(),
        **_frechet_floor(model, data.x_test, seed),
    }
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


def _frechet_floor(model, x_test: np.ndarray, seed: int) -> dict:
    """FD between two disjoint random halves of the test digits: what real-vs-real scores."""
    order = np.random.default_rng(seed).permutation(len(x_test))
    half = len(x_test) // 2
    feats, _ = _forward(model, to_float(x_test[order[:2 * half]]))
    return {
        "frechet_floor": round(frechet_from_features(feats[:half], feats[half:]), 3),
        "frechet_floor_note": f"FD between two disjoint random halves of the test digits, {half} vs {half}",
    }


# -- class predictions and the MNIST score --------------------------------------------------

def classify(images) -> np.ndarray:
    """Return the reference classifier's class probabilities, shape (N, 10) (notebook 04)."""
    return _forward(load_classifier(), _images(images))[1]


def features(images) -> np.ndarray:
    """Return the classifier's 128-d penultimate features, shape (N, 128) (notebook 05)."""
    return _forward(load_classifier(), _images(images))[0]


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
    """Return exp(E_x[KL(p(y|x) || p(y))]) for a table of class probabilities (notebook 05)."""
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
    """Return the MNIST score (Inception Score with our classifier): 1 (worst) to 10 (notebook 05)."""
    return score_from_probs(classify(images))


# -- Fréchet distance -----------------------------------------------------------------------

def _sqrtm_product(s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        root = scipy.linalg.sqrtm(s1 @ s2)
    return np.asarray(root)


def frechet_from_features(f1, f2) -> float:
    """Return the Fréchet distance between Gaussian fits of two feature sets (N, d) (notebook 05)."""
    f1, f2 = np.asarray(f1, dtype=np.float64), np.asarray(f2, dtype=np.float64)
    for name, f in (("f1", f1), ("f2", f2)):
        if f.ndim != 2 or len(f) < 2:
            raise ValueError(f"{name} has shape {f.shape}; expected (N, d) with N >= 2")
        if not np.all(np.isfinite(f)):
            raise ValueError(f"{name} holds NaN or inf")
    if f1.shape[1] != f2.shape[1]:
        raise ValueError(f"feature sizes differ: f1 has {f1.shape[1]}, f2 has {f2.shape[1]}")
    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.cov(f1, rowvar=False, ddof=1), np.cov(f2, rowvar=False, ddof=1)
    s1, s2 = np.atleast_2d(s1), np.atleast_2d(s2)
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


def _reference_features(reference_images) -> np.ndarray:
    key = _digest(reference_images)
    if key not in _feature_cache:
        if len(_feature_cache) >= 8:
            _feature_cache.clear()
        _feature_cache[key] = _forward(load_classifier(), _images(reference_images, "reference_images"))[0]
    return _feature_cache[key]


def frechet_distance(images, reference_images) -> float:
    """Return the Fréchet distance between classifier features of images and real reference digits (notebook 05)."""
    return frechet_from_features(features(images), _reference_features(reference_images))


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


def nearest_neighbours(samples, train_images, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return (indices, distances), each (N, k), of each sample's nearest training images, L2 on [0, 1] pixels (notebook 05)."""
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
    """Return the `quantile` of held-out real digits' distances to their nearest training image (notebook 05)."""
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile={quantile!r} must be in (0, 1)")
    return float(np.quantile(_reference_nn_distances(train_images, reference_images), quantile))


def memorisation_rate(samples, train_images, reference_images, quantile: float = 0.01) -> float:
    """Return the share of samples closer to a training image than all but `quantile` of held-out real digits (notebook 05)."""
    threshold = memorisation_threshold(train_images, reference_images, quantile)
    _, dist = nearest_neighbours(samples, train_images)
    return float(np.mean(dist[:, 0] < threshold))


# -- everything at once ---------------------------------------------------------------------

def evaluate(samples, data: MnistData | None = None, min_share: float = 0.02, quantile: float = 0.01) -> dict:
    """Return every score for a batch of generated digits, against data's test and train digits (notebook 05)."""
    _check_share(min_share)
    if data is None:
        data = load_mnist(verbose=False)
    x = _images(samples, "samples")
    if len(x) < 2:
        raise ValueError(f"samples holds {len(x)} image; evaluate needs at least 2 to fit a Gaussian for the Fréchet distance")
    feats, probs = _forward(load_classifier(), x)
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
