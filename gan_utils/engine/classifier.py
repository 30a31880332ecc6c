"""The reference digit classifier: its network, training, weights file and manifest.

Introduced in notebook 03, whose scores (``gu.metrics.evaluate``) come from it; in notebook 04 its
class histograms show collapsed generators, and notebook 05 explains the scores built on its features
(``gan_utils.engine.metrics``). The shipped weights live in data/classifier/ (inside the package
when installed), written by ``train_classifier``.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import time
import weakref
from pathlib import Path

import numpy as np

from .data import MnistData, to_float
from .frechet import frechet_from_features
from .paths import runs_dir, shipped_path
from .runtime import set_seed

NUM_CLASSES = 10
FEATURE_LAYER = "features"
WEIGHTS_FILE = "classifier.weights.npz"
MANIFEST_FILE = "manifest.json"
BATCH = 1000

_models: dict = {}
_probes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def default_classifier_dir() -> Path:
    """Return the folder of the shipped reference classifier (data/classifier/ in a checkout).

    Introduced in notebook 03.
    """
    return shipped_path("classifier")


# -- the reference classifier ---------------------------------------------------------------

def build_classifier():
    """Return the untrained reference CNN: three convolutions, a 128-d feature layer, softmax (notebook 03)."""
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


def forward(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run float images (N, 28, 28, 1) in [-1, 1] through the classifier; return (features, probs) as float64 (notebook 03)."""
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
    """Write the classifier's weights as a plain .npz (no pickle) into out_dir.

    Not used in a notebook: train_classifier (the command line's train-classifier) writes the shipped weights with it.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / WEIGHTS_FILE
    np.savez_compressed(path, **{f"w{i:02d}": w for i, w in enumerate(model.get_weights())})
    _models.pop(str(path.resolve()), None)
    return path


def load_classifier(path: str | Path | None = None):
    """Load the reference classifier from a folder or .npz (default data/classifier/), cached (notebook 03)."""
    path = Path(path) if path is not None else default_classifier_dir()
    if path.is_dir():
        path = path / WEIGHTS_FILE
    key = str(path.resolve())
    if key in _models:
        return _models[key]
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no classifier weights; the shipped ones live in data/classifier/, "
            "or make your own with gu.classifier.train_classifier(data, out_dir=...)"
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
    """Return the classifier's manifest.json: data, accuracy, Fréchet floor.

    Not used in a notebook: the shipped classifier's figures, for the tests and for readers of the note that
    gu.metrics.evaluate adds on the embedded digits.
    """
    folder = Path(path) if path is not None else default_classifier_dir()
    if folder.is_file():
        folder = folder.parent
    return json.loads((folder / MANIFEST_FILE).read_text())


def train_classifier(data: MnistData, epochs: int = 4, out_dir: str | Path | None = None,
                     batch_size: int = 128, augment: bool = True, seed: int = 0,
                     data_source: str | None = None, verbose: int = 2) -> dict:
    """Train the reference classifier, save weights + manifest.json to out_dir (default runs/classifier).

    Not used in a notebook: the command line's train-classifier makes the shipped classifier with it.
    """
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
    _, probs = forward(model, to_float(data.x_test))
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
    feats, _ = forward(model, to_float(x_test[order[:2 * half]]))
    return {
        "frechet_floor": round(frechet_from_features(feats[:half], feats[half:]), 3),
        "frechet_floor_note": f"FD between two disjoint random halves of the test digits, {half} vs {half}",
    }
