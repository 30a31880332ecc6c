"""Broken GANs on purpose: small, safe reproductions of classic bugs, for notebook 03's "debug a broken GAN".

Introduced in notebook 03. Bugs 1-6, 9 and 10 of its table come from the article this course
grew from (its code does not run); 7 and 8 are classics, mistakes learners make every year. Each
function builds a tiny model, shows the bug's symptom and returns it as plain data (an error
message, a few steps of losses, some samples); none of them raises, so a notebook cell always
runs to the end.
"""
from __future__ import annotations

from ..engine import runtime

import warnings

import numpy as np

from ..engine.answers import course_answer
from ..engine.validate import check_int

BUGS = (
    "no_flatten", "overwritten_data", "too_many_d_steps", "generator_alone", "generator_step_trains_d",
    "swapped_labels", "sigmoid_then_logits", "pixels_0_255",
)


def _message(err: BaseException) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {text}"


def _demo_images(n: int = 256, seed: int = 0) -> np.ndarray:
    """Real digits in [-1, 1] when available offline, else random images (only shapes matter here)."""
    from ..engine.data import load_mnist, to_float

    try:
        return to_float(load_mnist(verbose=False).x_train[:n])
    except Exception:  # noqa: BLE001 - the shape demos work with any images
        rng = np.random.default_rng(seed)
        return rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32)


@course_answer("listing_discriminator")
def mlp_pair(latent_dim: int = 100, hidden: int = 256, sigmoid_output: bool = False, flatten: bool = True,
             seed: int = 0):
    """Return (generator, discriminator) in the seed's MLP shape; the switches reintroduce bugs. Introduced in notebook 03."""
    import keras
    from keras import layers

    from ..engine.runtime import set_seed

    set_seed(seed)
    generator = keras.Sequential([
        keras.Input((latent_dim,)), layers.Dense(hidden), layers.LeakyReLU(0.2),
        layers.Dense(784, activation="tanh"), layers.Reshape((28, 28, 1)),
    ], name="generator")
    body = [layers.Flatten()] if flatten else []
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)), *body, layers.Dense(hidden), layers.LeakyReLU(0.2),
        layers.Dense(1, activation="sigmoid" if sigmoid_output else None),
    ], name="discriminator")
    return generator, discriminator


# ----- bug 1: no Flatten before the discriminator's Dense layers ------------------------------
def no_flatten(batch: int = 8) -> dict:
    """Train a discriminator that lacks Flatten for one step; return its output shape and the caught error. Introduced in notebook 03."""
    import keras

    batch = check_int("batch", batch)
    _, discriminator = mlp_pair(flatten=False)
    x = _demo_images(batch)
    out_shape = tuple(discriminator(x).shape)
    discriminator.compile(optimizer=keras.optimizers.Adam(2e-4), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    try:
        discriminator.train_on_batch(x, np.ones(batch, np.float32))
        error = None
    except Exception as err:  # noqa: BLE001 - the error is the symptom we show
        error = _message(err)
    return {"output_shape": out_shape, "error": error}


# ----- bug 2: the real images overwritten by their own batch ----------------------------------
def overwritten_data(n_images: int = 4500, batch_size: int = 128, steps: int = 6, seed: int = 0) -> list[int]:
    """Repeat `real = real[random batch]` as the seed's loop does; return how many distinct images are left after each step. Introduced in notebook 03."""
    n_images, batch_size, steps = (check_int(k, v) for k, v in
                                   (("n_images", n_images), ("batch_size", batch_size), ("steps", steps)))
    rng = np.random.default_rng(seed)
    real = np.arange(n_images)  # stands for the images: each number is one digit's index
    left = [len(np.unique(real))]
    for _ in range(steps):
        real = real[rng.integers(0, len(real), batch_size)]  # the bug: the batch replaces the data set
        left.append(len(np.unique(real)))
    return left


# ----- a tiny MLP GAN whose loss can be broken in several ways --------------------------------
def train_mlp_gan(images=None, steps: int = 100, d_steps: int = 1, swap_labels: bool = False,
                  sigmoid_then_logits: bool = False, batch_size: int = 64, lr: float = 2e-4,
                  hidden: int = 128, seed: int = 0) -> dict:
    """Train a small MLP GAN with optional bugs; return per-step d_loss, g_loss, D(x), D(G(z)) and 16 samples. Introduced in notebook 03.

    ``swap_labels`` trains D with real = 0, fake = 1; ``sigmoid_then_logits`` ends D in a sigmoid
    but still feeds its output to a loss that expects logits. D(x) is reported as the loss reads
    it: sigmoid of whatever D outputs.
    """
    import keras
    import tensorflow as tf

    steps, d_steps, batch_size = (check_int(k, v) for k, v in
                                  (("steps", steps), ("d_steps", d_steps), ("batch_size", batch_size)))
    x_all = _demo_images(1000) if images is None else np.asarray(images, dtype=np.float32)
    if x_all.ndim != 4 or x_all.shape[1:] != (28, 28, 1):
        raise ValueError(f"images must have shape (N, 28, 28, 1), got {x_all.shape}")
    generator, discriminator = mlp_pair(hidden=hidden, sigmoid_output=sigmoid_then_logits, seed=seed)
    opt_g = keras.optimizers.Adam(lr, beta_1=0.5)
    opt_d = keras.optimizers.Adam(lr, beta_1=0.5)
    real_label, fake_label = (0.0, 1.0) if swap_labels else (1.0, 0.0)

    def bce(labels, logits):  # binary cross-entropy on logits, as gu.losses computes it
        return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels, logits))

    data = tf.constant(x_all)
    rng = tf.random.Generator.from_seed(seed)

    @tf.function
    def step():
        for _ in tf.range(d_steps):
            x = tf.gather(data, rng.uniform([batch_size], 0, len(x_all), dtype=tf.int32))
            z = rng.normal([batch_size, 100])
            with tf.GradientTape() as tape:
                real_out, fake_out = discriminator(x), discriminator(generator(z))
                d_loss = (bce(tf.fill(tf.shape(real_out), real_label), real_out)
                          + bce(tf.fill(tf.shape(fake_out), fake_label), fake_out))
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_out = discriminator(generator(rng.normal([batch_size, 100])))
            g_loss = bce(tf.ones_like(fake_out), fake_out)  # the generator wants D to say "real" (1)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return tf.stack([d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_out)), tf.reduce_mean(tf.sigmoid(fake_out))])

    rows = np.array([step().numpy() for _ in range(steps)], dtype=np.float64)
    samples = generator(np.random.default_rng(seed).standard_normal((16, 100)).astype(np.float32)).numpy()
    return {"d_loss": rows[:, 0].tolist(), "g_loss": rows[:, 1].tolist(), "d_real": rows[:, 2].tolist(),
            "d_fake": rows[:, 3].tolist(), "samples": samples}


# Which run of d_steps_quiz used how many D steps per G step (the check of notebook 03 reads it).
QUIZ_ORDER = {"A": 2, "B": 5, "C": 1}


def d_steps_quiz(images=None, steps: int = 200, order: dict | None = None) -> dict:
    """Train one small MLP GAN per label of `order` (label -> D steps per G step); return label -> history. Introduced in notebook 03."""
    order = dict(QUIZ_ORDER if order is None else order)
    return {label: train_mlp_gan(images, steps=steps, d_steps=k) for label, k in sorted(order.items())}


# ----- bug 4 and 5: the seed's "generator step" ------------------------------------------------
def _changed(before: list, model) -> bool:
    return any(not np.array_equal(a, v.numpy()) for a, v in zip(before, model.weights))


def seed_generator_step(batch: int = 16) -> dict:
    """Run the seed's two "generator" updates on tiny models; return which weights each one changed. Introduced in notebook 03.

    Update A: the discriminator is set ``trainable = False`` and trained on fakes labelled real
    (G never sees a gradient). Update B: the generator is trained on its own towards an all-zero
    target (D never takes part). Any error is caught and returned as a message.
    """
    batch = check_int("batch", batch)
    with warnings.catch_warnings():
        return _seed_generator_step(batch)


def _seed_generator_step(batch: int) -> dict:
    import keras

    generator, discriminator = mlp_pair(hidden=32, sigmoid_output=True)
    generator.compile(optimizer="adam", loss="binary_crossentropy")
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    z = np.random.default_rng(0).standard_normal((batch, 100)).astype(np.float32)
    result = {}
    warnings.simplefilter("ignore")  # Keras warns that a frozen model has nothing to train: that is the point
    g0, d0 = [w.numpy() for w in generator.weights], [w.numpy() for w in discriminator.weights]
    discriminator.trainable = False
    try:
        discriminator.train_on_batch(generator.predict(z, verbose=0), np.ones((batch, 1), np.float32))
        result["A_error"] = None
    except Exception as err:  # noqa: BLE001
        result["A_error"] = _message(err)
    result["A_generator_changed"] = _changed(g0, generator)
    result["A_discriminator_changed"] = _changed(d0, discriminator)
    try:  # the seed's own call: a (batch,) target for (batch, 28, 28, 1) images
        generator.train_on_batch(z, np.zeros(batch, np.float32))
        result["B_error"] = None
    except Exception as err:  # noqa: BLE001
        result["B_error"] = _message(err)
    g1 = [w.numpy() for w in generator.weights]
    target = np.zeros((batch, 28, 28, 1), np.float32)  # what it would do with matching shapes
    generator.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    for _ in range(30):
        generator.train_on_batch(z, target)
    result["B_generator_changed"] = _changed(g1, generator)
    result["B_discriminator_changed"] = _changed(d0, discriminator)
    result["B_samples"] = generator.predict(z, verbose=0)
    return result


# ----- bug 8: pixels left in [0, 255] ---------------------------------------------------------
def pixels_0_255(n: int = 256) -> dict:
    """Hand raw 0..255 pixels to gu.GANTrainer and to a discriminator; return the caught error and what D sees. Introduced in notebook 03."""
    from ..engine.data import load_mnist

    n = check_int("n", n, 2)
    try:
        raw = load_mnist(verbose=False).x_train[:n]
    except Exception:  # noqa: BLE001
        raw = np.random.default_rng(0).integers(0, 256, (n, 28, 28), dtype=np.uint8)
    x = raw[..., None].astype(np.float32)  # floats, but still 0..255
    from ..engine.training import GANTrainer

    try:
        GANTrainer("mlp", x, batch_size=min(64, n))
        error = None
    except ValueError as err:
        error = _message(err)
    return {"real_range": (float(x.min()), float(x.max())), "fake_range": (-1.0, 1.0), "trainer_error": error}


# ----- bugs 5 and 6 as the article orders them: D trained, then "frozen" without recompiling -----
def frozen_without_recompile(batch: int = 16) -> dict:
    """Run the article's D step and "generator step" in its order on tiny models; return which weights each changed. Introduced in notebook 03.

    Both models are compiled first. D's step sets ``trainable = True`` and trains on ``batch`` fakes
    followed by ``batch`` reals, the first half (the fakes) labelled 1. The "generator step" sets
    ``trainable = False`` and trains D on fresh fakes labelled 1. Keras reads the flag only when it
    traces D's training function: at the first ``train_on_batch`` and again for each new input
    shape. With the article's sizes (``batch`` fakes after ``2 * batch`` images) the "generator
    step" gets a trace of its own and the flag happens to hold; with the D step's size it reuses the
    D step's trace and D still moves. Recompiling after setting the flag makes it hold in both
    cases. ``Flatten`` is added so the code runs (bug 1).
    """
    batch = check_int("batch", batch)
    with runtime.quiet_retracing(), warnings.catch_warnings():  # new shapes retrace on purpose here
        warnings.simplefilter("ignore")  # Keras may warn that a frozen model has nothing to train: that is the point
        return _frozen_without_recompile(batch)


def _article_d_then_frozen(batch: int, frozen_batch: int, rng) -> tuple[dict, object, object]:
    """Fresh compiled pair; D step on 2 * batch images (trainable), then the frozen call on frozen_batch fakes."""
    generator, discriminator = mlp_pair(hidden=32, sigmoid_output=True)
    generator.compile(optimizer="adam", loss="binary_crossentropy")
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")

    def fakes(n):
        return generator.predict(rng.standard_normal((n, 100)).astype(np.float32), verbose=0)

    images = np.concatenate([fakes(batch), _demo_images(batch)])  # fakes first, as in the article
    labels = np.zeros(2 * batch, np.float32)
    labels[:batch] = 1.0  # the first half, the fakes, labelled 1
    out = {"d_step_fake_labels": float(labels[:batch].mean()), "d_step_real_labels": float(labels[batch:].mean())}
    d0 = [w.numpy() for w in discriminator.weights]
    discriminator.trainable = True
    discriminator.train_on_batch(images, labels)
    out["d_step_changed_D"] = _changed(d0, discriminator)
    discriminator.trainable = False  # the article's freeze, with no compile after it
    out["trainable_weights_after_freeze"] = len(discriminator.trainable_weights)
    g1, d1 = [w.numpy() for w in generator.weights], [w.numpy() for w in discriminator.weights]
    discriminator.train_on_batch(fakes(frozen_batch), np.ones(frozen_batch, np.float32))
    out["frozen_changed_D"], out["frozen_changed_G"] = _changed(d1, discriminator), _changed(g1, generator)
    return out, discriminator, fakes


def _frozen_without_recompile(batch: int) -> dict:
    rng = np.random.default_rng(0)
    article, _, _ = _article_d_then_frozen(batch, batch, rng)  # the article's sizes: a new input shape
    same, discriminator, fakes = _article_d_then_frozen(batch, 2 * batch, rng)  # the D step's size: no new trace
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")  # the contrast: recompile after the flag
    d2 = [w.numpy() for w in discriminator.weights]
    discriminator.train_on_batch(fakes(2 * batch), np.ones(2 * batch, np.float32))
    return {"d_step_fake_labels": article["d_step_fake_labels"], "d_step_real_labels": article["d_step_real_labels"],
            "d_step_changed_D": article["d_step_changed_D"] and same["d_step_changed_D"],
            "trainable_weights_after_freeze": same["trainable_weights_after_freeze"],
            "article_sizes_changed_D": article["frozen_changed_D"], "same_size_changed_D": same["frozen_changed_D"],
            "frozen_changed_G": article["frozen_changed_G"] or same["frozen_changed_G"],
            "recompiled_changed_D": _changed(d2, discriminator)}


# ----- the broken listing of notebook 03, run under watch ----------------------------------------
class WatchedImages(np.ndarray):
    """A data set of images that records the size of the array each indexed batch was drawn from. Introduced in notebook 03.

    A batch drawn by indexing (``images[idx]`` or ``images[a:b]``) comes back as a plain array, so a
    loop that overwrites its data set with its own batch draws from the watched array once only.
    """

    def __new__(cls, images, log: list):
        obj = np.asarray(images).view(cls)
        obj.log = log
        return obj

    def __array_finalize__(self, obj) -> None:
        self.log = None  # arrays derived by arithmetic are not watched: only the data set passed in is

    def __getitem__(self, index):
        out = super().__getitem__(index)
        log = getattr(self, "log", None)
        if log is not None and isinstance(out, np.ndarray) and out.ndim == self.ndim:
            log.append(len(self))
            return np.asarray(out).copy()
        return out


def coded_images(n: int = 300) -> np.ndarray:
    """n real-looking images in [0, 1], image i uniform grey of its own value, so a watcher can tell reals from fakes.

    Introduced in notebook 03.
    """
    n = check_int("n", n, 2)
    values = np.linspace(0.05, 0.95, n, dtype=np.float32)
    return np.broadcast_to(values[:, None, None, None], (n, 28, 28, 1)).copy()


def _real_rows(x, known: set) -> np.ndarray:
    """Which images of a batch are images of the data set (exact copies of one of its rows)."""
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
    return np.array([row.tobytes() in known for row in x], dtype=bool)


def watch_listing(train, generator, discriminator, images=None, steps: int = 2, batch_size: int = 8) -> dict:
    """Run a listing's train(generator, discriminator, real_images, steps, batch_size) under watch; return what it did.

    Introduced in notebook 03. Never raises: an error is returned as one line. The result counts the
    batches drawn from the data set passed in (``draws``) and the sizes they were drawn from, D's
    ``train_on_batch`` calls with real images in them and those on fakes alone while D was frozen
    (the listing's "generator step"), G's own ``train_on_batch`` calls (not run: G fitted on its own),
    and whether G's and D's weights changed.
    """
    import time

    steps, batch_size = check_int("steps", steps), check_int("batch_size", batch_size)
    codes_source = coded_images() if images is None else np.asarray(images, dtype=np.float32)
    known = {row.tobytes() for row in codes_source.reshape(len(codes_source), -1)}
    log: list[int] = []
    watched = WatchedImages(codes_source, log)
    d_calls, g_calls = [], []
    d_original = discriminator.train_on_batch

    def d_spy(x, y, *args, **kwargs):
        reals = _real_rows(x, known)
        d_calls.append({"n": len(x), "reals": int(reals.sum()), "trainable": bool(discriminator.trainable),
                        "fakes_labelled_1": float(np.mean(np.asarray(y, np.float32).reshape(len(x), -1)[~reals]))
                        if (~reals).any() else None})
        return d_original(x, y, *args, **kwargs)

    def g_spy(*args, **kwargs):
        g_calls.append(1)
        return 0.0  # not run: the call is the symptom

    discriminator.train_on_batch, generator.train_on_batch = d_spy, g_spy
    g0 = [w.numpy().copy() for w in generator.trainable_weights]
    d0 = [w.numpy().copy() for w in discriminator.trainable_weights]
    start, error = time.perf_counter(), None
    try:
        with runtime.quiet_retracing(), warnings.catch_warnings():  # the listing retraces Keras' functions often
            warnings.simplefilter("ignore")
            train(generator, discriminator, watched, steps, batch_size)
    except Exception as err:  # noqa: BLE001 - the error is the symptom we show
        error = _message(err)
    finally:
        del discriminator.train_on_batch, generator.train_on_batch
    return {
        "error": error, "steps": steps, "batch_size": batch_size, "n_images": len(codes_source),
        "draws": len(log), "drawn_from": sorted(set(log)),
        "d_updates_with_reals": sum(1 for c in d_calls if c["reals"]),
        "frozen_calls_on_fakes": sum(1 for c in d_calls if not c["reals"]),
        "fakes_labelled_real": any(c["reals"] and c["fakes_labelled_1"] is not None and c["fakes_labelled_1"] > 0.5
                                   for c in d_calls),
        "g_fitted_alone": len(g_calls),
        "g_changed": any(not np.array_equal(a, w.numpy()) for a, w in zip(g0, generator.trainable_weights)),
        "d_changed": any(not np.array_equal(a, w.numpy()) for a, w in zip(d0, discriminator.trainable_weights)),
        "seconds": time.perf_counter() - start,
    }


def listing_symptoms(watch: dict) -> list[str]:
    """What a watched run of the listing shows, one line per symptom (empty when it behaved). Introduced in notebook 03."""
    if watch["error"]:
        return [f"stopped with {watch['error']}"]
    steps, lines = watch["steps"], []
    if watch["draws"] == 0:
        lines.append("no batch was drawn from real_images by indexing it")
    elif watch["draws"] < max(steps, watch["d_updates_with_reals"]) or min(watch["drawn_from"]) < watch["n_images"]:
        lines.append(f"the data set shrank: {watch['n_images']} images at first, later batches drawn from "
                     f"{min(watch['drawn_from']) if min(watch['drawn_from']) < watch['n_images'] else 'a single earlier batch'}")
    d_updates = watch["d_updates_with_reals"] or (watch["draws"] if watch["draws"] >= steps else 0)
    if d_updates > steps:
        lines.append(f"{d_updates / steps:g} D updates per G update (k = {d_updates / steps:g})")
    if watch["fakes_labelled_real"]:
        lines.append("D's step labels the fakes 1, the label our convention keeps for real images")
    if watch["frozen_calls_on_fakes"]:
        lines.append(f"{watch['frozen_calls_on_fakes']} call(s) of D's train_on_batch on fakes alone: the 'generator "
                     f"step' trains D (or nothing), never G")
    if watch["g_fitted_alone"]:
        lines.append(f"G fitted on its own {watch['g_fitted_alone']} time(s), towards a target of zeros, never "
                     f"through D")
    if not watch["g_changed"]:
        lines.append("G's weights never changed")
    return lines


def run_listing(train, build_generator, build_discriminator, images, steps: int = 2, batch_size: int = 128) -> dict:
    """Build the listing's models with its own builders and run its train under watch; print its symptoms. Introduced in notebook 03."""
    try:
        generator, discriminator = build_generator(), build_discriminator()
    except Exception as err:  # noqa: BLE001 - the learner's listing is reported, never raised
        print(f"building the models stopped with {_message(err)}")
        return {"error": _message(err)}
    watch = watch_listing(train, generator, discriminator, images, steps, batch_size)
    lines = listing_symptoms(watch)
    print(f"{steps} step(s) of batch {batch_size} in {watch['seconds']:.1f} s:")
    for line in lines or ["no symptom seen: one D update per G update, every batch drawn from the whole data set, "
                          "G trained through D"]:
        print("  -", line)
    watch["generator"], watch["discriminator"] = generator, discriminator
    return watch
