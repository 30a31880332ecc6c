"""What generated digits are good for: training notebook 01's classifier on them.

Introduced in notebook 06. Two uses of a conditional generator's digits, both measured as a
classifier's accuracy on real held-out digits: *augmentation* (a few real digits per class, plus
many generated ones) and the *classification accuracy score* (CAS, Ravuri & Vinyals 2019: train on
generated digits only). The classifier is notebook 01's MLP, trained for a fixed number of
gradient steps so that 10 and 450 digits per class cost the same.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .data import MnistData, to_float
from .models import is_conditional
from .pretrained import generate
from .runtime import set_seed

if TYPE_CHECKING:  # Keras loads only where a model is built
    import keras

NUM_DIGITS = 10


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _images(images, name: str) -> np.ndarray:
    """Return images as float32 (N, 28, 28, 1) in [-1, 1] (uint8 pixels are scaled)."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != (28, 28, 1) or len(x) == 0:
        raise ValueError(f"{name} has shape {np.shape(images)}; expected (N, 28, 28) or (N, 28, 28, 1) with N >= 1")
    if x.dtype == np.uint8:
        return to_float(x)
    if not np.issubdtype(x.dtype, np.floating) or not np.all(np.isfinite(x)) or x.min() < -1.001 or x.max() > 1.001:
        raise ValueError(f"{name} must be uint8 pixels 0..255 or finite floats in [-1, 1]")
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def _labels(labels, n: int, name: str) -> np.ndarray:
    y = np.asarray(labels)
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= NUM_DIGITS:
        raise ValueError(f"{name} must be {n} integer digits 0..{NUM_DIGITS - 1} (one per image), "
                         f"got shape {y.shape} and dtype {y.dtype}")
    return y.astype(np.int32)


def digit_classifier(seed: int = 0) -> keras.Model:
    """Return notebook 01's MLP digit classifier (784 -> 256 -> 128 -> 10 logits, dropout 0.3), weights seeded. Introduced in notebook 06."""
    import keras
    from keras import layers

    set_seed(seed)
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(NUM_DIGITS),  # logits: softmax is inside the loss
    ], name="mlp")


def train_and_test(x_train, y_train, x_test, y_test, steps: int = 1000, batch_size: int = 64, seed: int = 0) -> float:
    """Train digit_classifier(seed) for `steps` gradient steps and return its accuracy on the test digits, in [0, 1]. Introduced in notebook 06.

    Adam at 1e-3 with a cosine decay to 0 over the steps, cross-entropy on logits, batches drawn from
    the shuffled training digits over and over: the budget is steps, not epochs.
    """
    import keras
    import tensorflow as tf

    steps = _positive_int(steps, "steps")
    batch_size = _positive_int(batch_size, "batch_size")
    x_train = _images(x_train, "x_train")
    y_train = _labels(y_train, len(x_train), "y_train")
    x_test = _images(x_test, "x_test")
    y_test = _labels(y_test, len(x_test), "y_test")
    model = digit_classifier(seed)
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps)
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    batches = (tf.data.Dataset.from_tensor_slices((x_train, y_train))
               .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
               .repeat().batch(batch_size))
    model.fit(batches, epochs=1, steps_per_epoch=steps, shuffle=False, verbose=0)
    logits = np.concatenate([np.asarray(model(x_test[i:i + 1000], training=False))
                             for i in range(0, len(x_test), 1000)])  # a plain call: no retracing warning
    return float(np.mean(logits.argmax(axis=1) == y_test))


def real_subset(data: MnistData, n_per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return n_per_class real training digits of each class ([-1, 1] floats (N, 28, 28, 1)) and their labels, drawn by seed. Introduced in notebook 06."""
    n = _positive_int(n_per_class, "n_per_class")
    counts = np.bincount(np.asarray(data.y_train), minlength=NUM_DIGITS)
    if n > counts.min():
        raise ValueError(f"n_per_class={n_per_class!r} exceeds the smallest class of {data.name}'s training digits "
                         f"(digit {int(counts.argmin())}: {int(counts.min())}); allowed 1..{int(counts.min())}")
    rng = np.random.default_rng(seed)
    chosen = np.concatenate([rng.choice(np.flatnonzero(data.y_train == digit), n, replace=False)
                             for digit in range(NUM_DIGITS)])
    return to_float(data.x_train[chosen]), np.asarray(data.y_train[chosen]).astype(np.int32)


def generated_digits(generator, n_per_class: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Return n_per_class digits of each label from a conditional generator ([-1, 1] floats) and those labels. Introduced in notebook 06."""
    if not is_conditional(generator):
        raise ValueError(f"generator {getattr(generator, 'name', generator)!r} is not conditional (it takes z alone); "
                         "generated_digits needs one that takes [z, label], e.g. gu.load_pretrained('cdcgan_embedded')")
    n = _positive_int(n_per_class, "n_per_class")
    labels = np.repeat(np.arange(NUM_DIGITS), n).astype(np.int32)
    return generate(generator, len(labels), seed=seed, labels=labels), labels


def augmentation_trial(data: MnistData, generator, n_per_class: int, n_generated_per_class: int = 450,
                       steps: int = 1000, seed: int = 0) -> dict:
    """Return the classifier's test accuracy on n real digits per class, without and with generated ones added. Introduced in notebook 06.

    Both runs use the same real digits, the same seed and the same number of steps, and are tested
    on data's real test digits: {"n_per_class", "n_generated_per_class", "real_only", "augmented", "seed"}.
    """
    x_real, y_real = real_subset(data, n_per_class, seed)
    x_gen, y_gen = generated_digits(generator, n_generated_per_class, seed)
    real_only = train_and_test(x_real, y_real, data.x_test, data.y_test, steps=steps, seed=seed)
    augmented = train_and_test(np.concatenate([x_real, x_gen]), np.concatenate([y_real, y_gen]),
                               data.x_test, data.y_test, steps=steps, seed=seed)
    return {"n_per_class": int(n_per_class), "n_generated_per_class": int(n_generated_per_class),
            "real_only": real_only, "augmented": augmented, "seed": int(seed)}


def classification_accuracy_score(generator, data: MnistData, n_per_class: int = 450, steps: int = 1000,
                                  seed: int = 0) -> float:
    """Return the CAS: accuracy on data's real test digits of a classifier trained on generated digits only (Ravuri & Vinyals 2019). Introduced in notebook 06."""
    x_gen, y_gen = generated_digits(generator, n_per_class, seed)
    return train_and_test(x_gen, y_gen, data.x_test, data.y_test, steps=steps, seed=seed)
