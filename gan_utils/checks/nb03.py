"""Notebook 03's exercise checks: fix the broken GAN (the bugs themselves live in gan_utils/studies/bugs.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine.data import to_float
from .core import CheckResult, check_function, check_prediction, gan_diagnosis, read_choice, report, run_safely
from .nb00 import diagnose_scale, float32_problem, scale_cases

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "build_discriminator": (
        "Turn each image into one long vector first, give the network at least one hidden layer with a "
        "non-linearity, and let the last layer output one unbounded number per image: the loss turns it "
        "into a probability itself.",
        r"Flatten $(28, 28, 1) \to 784$, then Dense(256) with LeakyReLU(0.2), then Dense(1) with no "
        r"activation, so the logit $\ell \in \mathbb{R}$.",
        "```python\nreturn keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(256),\n"
        "                         layers.LeakyReLU(0.2), layers.Dense(1)])\n```",
    ),
    "real_batches": (
        "Every batch must be drawn from the full set of images, and the set itself must never change. "
        "Keep each batch in a new variable, and let the seed decide which images are drawn.",
        "Make one random generator from the seed; at each step draw batch_size indices from 0 to N - 1 "
        "and take those images; stack the steps into one array.",
        "```python\nrng = np.random.default_rng(seed)\n"
        "return np.stack([images[rng.integers(0, len(images), batch_size)] for _ in range(steps)])\n```",
    ),
    "d_steps": (
        "Think about who gets more practice when k is larger, and what a discriminator that practises more "
        "does to its own loss and to its opinion of the fakes.",
        r"With $k$ D steps per G step, D sees $k$ times as many updates; its loss falls, $D(x)$ rises and "
        r"$D(G(z))$ falls, so the $k = 5$ curve of D's loss is the lowest of the three.",
        "Compare the last values of `runs[label]['d_loss']` for each label and answer with the label of "
        "the lowest one.",
    ),
    "predict_k": (
        "Think about who gets more practice. If D trains five times for each G step, does it get better or "
        "worse at telling the fakes apart?",
        r"More D updates per G update means D approaches $D^*$ for the current G, so $D(G(z))$ drops.",
        "```python\nprediction = 'lower'\n```",
    ),
    "predict_swap": (
        "With the labels swapped, D is rewarded for calling the fakes real. What does G want D to say about "
        "the fakes? Do the two players still disagree?",
        r"D minimises $\mathrm{BCE}(0, D(x)) + \mathrm{BCE}(1, D(G(z)))$, so it pushes $D(G(z)) \to 1$, the "
        r"same direction as G's loss $-\log D(G(z))$.",
        "```python\nprediction = 'near 1'\n```",
    ),
    "generator_loss": (
        "The generator wants D to call its fakes real. Score the fakes' logits as if their label were "
        "real, in a form that stays finite for very confident logits.",
        r"$L_G = -\mathbb{E}[\log\sigma(\ell_{fake})] = \mathbb{E}[\mathrm{softplus}(-\ell_{fake})]$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-fake_logits))\n```",
    ),
    "generator_step": (
        "Record the forward pass from noise through G and then D on a tape, take the gradient of G's loss "
        "with respect to G's variables only, and apply it as a descent step with the optimiser.",
        r"$\theta_G \leftarrow \mathrm{Adam}(\theta_G, \nabla_{\theta_G} L_G)$ with "
        r"$L_G = \mathbb{E}[\mathrm{softplus}(-D(G(z)))]$; D's weights $\theta_D$ are read, never updated.",
        "```python\nwith tf.GradientTape() as tape:\n    loss = generator_loss(discriminator(generator(z, training=True), training=True))\n"
        "grads = tape.gradient(loss, generator.trainable_variables)\n"
        "optimizer.apply_gradients(zip(grads, generator.trainable_variables))\nreturn loss\n```",
    ),
    "discriminator_loss": (
        "Two batches, two targets: real images should be called real, fakes fake. Add the two batch-averaged "
        "surprises, working straight from the logits.",
        r"$L_D = \mathbb{E}[\mathrm{softplus}(-\ell_{real})] + \mathbb{E}[\mathrm{softplus}(\ell_{fake})]$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))\n```",
    ),
    "prepare_images": (
        "Three things: a float type, the generator's range of minus one to one, and a channel axis at the end.",
        r"$v \mapsto v/127.5 - 1$ on `float32` pixels, shape $(N, 28, 28) \to (N, 28, 28, 1)$.",
        "```python\nreturn (images.astype(np.float32) / 127.5 - 1.0)[..., None]\n```",
    ),
    "mean_d_outputs": (
        "The dashboard plots probabilities, not logits, and the order of the two operations (squashing "
        "and averaging) matters.",
        r"$\overline{D(x)} = \frac{1}{n}\sum_i \sigma(\ell_i^{real})$ and likewise for the fakes; note "
        r"$\sigma(\text{mean logit}) \ne \text{mean}\,\sigma(\ell)$.",
        "```python\nreturn float(tf.reduce_mean(tf.sigmoid(real_logits))), float(tf.reduce_mean(tf.sigmoid(fake_logits)))\n```",
    ),
}


BOUNDED = {"relu": "a ReLU clips every negative logit to 0, so D can never say 'surely fake'",
           "softplus": "a softplus keeps the logit positive, so D can never say 'surely fake'",
           "sigmoid": "a sigmoid squeezes the logit into 0..1, and our losses apply their own sigmoid on top",
           "tanh": "a tanh caps the logit between -1 and 1, so D can never be more than 73% sure"}


def _activation_name(layer) -> str:
    """The activation a layer applies: its activation function (Dense, Activation) or its own type (ReLU)."""
    act = getattr(layer, "activation", None)
    if act is not None:
        return getattr(act, "__name__", str(act)).lower()
    return type(layer).__name__.lower()


def _architecture_problem(model) -> str | None:
    """Name what is wrong with a discriminator's layers: a bounded last layer, or no hidden layer."""
    layers = [layer for layer in getattr(model, "layers", []) if type(layer).__name__ != "InputLayer"]
    if layers:
        name = _activation_name(layers[-1])
        if name in BOUNDED:
            return f"your last layer ends in {name}: {BOUNDED[name]}. A discriminator's last layer has no activation."
    if len([layer for layer in layers if layer.weights]) < 2:
        return ("your discriminator has no hidden layer: one Dense layer on the pixels is a linear classifier, "
                "which cannot tell a digit-like stroke pattern from its blurred average.")
    return None


def check_discriminator(build_discriminator: Callable | None) -> CheckResult:
    """Check notebook 03's fix: an MLP discriminator giving one unbounded logit per (28, 28, 1) image, with a hidden layer.

    Introduced in notebook 03.
    """
    name = "build_discriminator"
    model, failed = run_safely(name, build_discriminator)
    if failed is not None:
        return report(failed)
    x = np.random.default_rng(0).normal(0, 3, (16, 28, 28, 1)).astype(np.float32)
    try:
        out = np.asarray(model(x))
    except Exception as err:  # a learner's model is reported, never raised
        return report(CheckResult(name, False, f"calling it on a batch of shape (16, 28, 28, 1) raised "
                                               f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}."))
    if out.shape != (16, 1):
        extra = (" Recognised mistake: the Dense layers act on the last axis only, so the image must be turned "
                 "into one vector first.") if out.ndim > 2 else ""
        return report(CheckResult(name, False, f"16 images gave an output of shape {out.shape}, expected (16, 1).{extra}"))
    problem = _architecture_problem(model)
    if problem is None and (out.min() >= 0 or (out.min() >= -1 and out.max() <= 1)):
        problem = (f"its 16 outputs all lie between {out.min():.3f} and {out.max():.3f}: something bounds the logit, "
                   "so D cannot express a confident verdict.")
    if problem is not None:
        return report(CheckResult(name, False, "Recognised mistake: " + problem))
    return report(CheckResult(name, True, f"one unbounded logit per image, a hidden layer, {model.count_params():,} parameters."))


def check_real_batches(real_batches: Callable | None) -> CheckResult:
    """Check notebook 03's fix: real_batches(images, batch_size, steps, seed) draws every batch from the whole, untouched data set.

    Introduced in notebook 03.
    """
    name = "real_batches"
    images = np.random.default_rng(1).uniform(-1, 1, (200, 28, 28, 1)).astype(np.float32)
    original = images.copy()
    batches, failed = run_safely(name, real_batches, images, 32, 20, 0)
    if failed is not None:
        return report(failed)
    try:
        batches = np.asarray(batches, dtype=np.float32)
    except (TypeError, ValueError):
        return report(CheckResult(name, False, f"got a {type(batches).__name__}, not an array of images."))
    if batches.shape != (20, 32, 28, 28, 1):
        return report(CheckResult(name, False, f"images of shape (200, 28, 28, 1), batch_size 32, steps 20: got shape "
                                               f"{batches.shape}, expected (20, 32, 28, 28, 1)."))
    if not np.array_equal(images, original):
        return report(CheckResult(name, False, "the images passed in were changed in place: the data set must stay "
                                               "as it was."))
    flat = original.reshape(len(original), -1)
    index = {row.tobytes(): i for i, row in enumerate(flat)}
    drawn = [index.get(row.tobytes()) for row in batches.reshape(-1, flat.shape[1])]
    if None in drawn:
        return report(CheckResult(name, False, "some batch images are not images of the data set."))
    distinct = len(set(drawn))
    if distinct < 150:
        return report(CheckResult(name, False, f"20 batches of 32 saw only {distinct} of the 200 images (about 190 "
                                               f"expected). Recognised mistake: later batches are drawn from earlier "
                                               f"ones, the seed's bug."))
    again, failed = run_safely(name, real_batches, images, 32, 20, 0)
    other, failed_other = run_safely(name, real_batches, images, 32, 20, 1)
    if failed is not None or failed_other is not None:
        return report(failed or failed_other)
    if not np.array_equal(np.asarray(again), batches):
        return report(CheckResult(name, False, "the same seed (0) gave different batches on a second call: draw "
                                               "from a random generator made from the seed, so a run can be repeated."))
    if np.array_equal(np.asarray(other), batches):
        return report(CheckResult(name, False, "seed 0 and seed 1 gave the same batches: the seed must decide which "
                                               "images are drawn."))
    return report(CheckResult(name, True, f"20 batches drew from {distinct} of the 200 images; the data set is "
                                          f"untouched; the same seed repeats, a new seed changes the draw."))


def check_d_steps(answer, runs: dict | None = None, order: dict | None = None) -> CheckResult:
    """Check notebook 03's reasoning exercise: which of the quiz runs (A, B or C) used k = 5 D steps per G step.

    Introduced in notebook 03.
    """
    from ..studies.bugs import QUIZ_ORDER

    name = "d_steps"
    order = dict(QUIZ_ORDER if order is None else order)
    labels = sorted(order)
    label, failed = read_choice(name, answer, labels, f"no answer yet: set answer to the label ({', '.join(labels)}) "
                                                      f"of the run you think used 5 D steps per G step.",
                                normalise=str.upper)
    if failed is not None:
        return report(failed)
    correct = next(lab for lab, k in order.items() if k == 5)
    told = ""
    if runs:
        finals = ", ".join(f"{lab}: D loss {np.mean(runs[lab]['d_loss'][-20:]):.2f}, D(G(z)) "
                           f"{np.mean(runs[lab]['d_fake'][-20:]):.2f}" for lab in labels if lab in runs)
        told = f" Over the last 20 steps ({finals})."
    ks = ", ".join(f"{lab} used k = {order[lab]}" for lab in labels)
    why = (f"{ks}.{told} With more D updates per G update D pulls ahead: its loss sits lowest and it calls the fakes "
           f"fake most confidently. The seed's k = 128 is this effect taken to the extreme: D wins outright.")
    if label == correct:
        return report(CheckResult(name, True, why))
    return report(CheckResult(name, False, f"run {label} used k = {order[label]}, not 5. Look again at which curve of "
                                           f"D's loss sits lowest before you read the answer with gu.checks.hint."))


SWAP_CHOICES = ("near 0", "near 0.5", "near 1")


def check_predict_swap(prediction, history: dict | None = None) -> CheckResult:
    """Check notebook 03's predict-then-run exercise: where D(G(z)) ends when D's labels are swapped.

    Introduced in notebook 03.
    """

    def outcome() -> tuple[str, str]:
        d_fake, d_real = float(np.mean(history["d_fake"][-10:])), float(np.mean(history["d_real"][-10:]))
        what = (f"D(G(z)) ended at {d_fake:.3f} and D(x) at {d_real:.3f}. With the labels swapped D is trained to "
                f"call fakes real, which is exactly what G wants too: the two players agree, G's loss falls towards 0 "
                f"and G receives almost no signal about what real digits look like.")
        return "near 1" if d_fake > 0.75 else "near 0" if d_fake < 0.25 else "near 0.5", what

    missing = "" if history is not None else "run the training cell first and pass its history as the keyword history."
    return check_prediction("predict_swap", prediction, SWAP_CHOICES, "trains", outcome, run_missing=missing)


def _ns_generator_loss(logits):
    from ..engine.losses import generator_loss

    return float(generator_loss(np.asarray(logits, np.float32), "non_saturating"))


def _logit_cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    return [(np.array([[0.0], [2.0], [-3.0]], np.float32),), (rng.normal(0, 4, (64, 1)).astype(np.float32),),
            (np.array([[30.0], [-30.0]], np.float32),)]


def check_generator_loss(generator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's fix: the non-saturating generator loss -mean log D(G(z)) from D's logits.

    Introduced in notebook 03.
    """
    cases = _logit_cases()
    mistakes = [
        (lambda f: float(np.mean(np.logaddexp(0, np.asarray(f, np.float64)))),
         "that is the loss for labelling the fakes fake: G must want D to call them real."),
        (lambda f: -float(np.mean(np.logaddexp(0, np.asarray(f, np.float64)))),
         "that is the minimax form, which saturates when D wins; G should maximise D's belief that fakes are real."),
    ]
    return check_function(
        "generator_loss", generator_loss, _ns_generator_loss, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["fake_logits"])


def _reference_d_loss(real, fake):
    from ..engine.losses import discriminator_loss

    return float(discriminator_loss(np.asarray(real, np.float32), np.asarray(fake, np.float32), "non_saturating"))


def check_discriminator_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's fix: D's loss with real = 1 and fake = 0, from logits. Introduced in notebook 03."""
    rng = np.random.default_rng(4)
    cases = [(np.array([[2.0], [1.0]], np.float32), np.array([[-1.0], [0.5]], np.float32)),
             (rng.normal(1, 2, (32, 1)).astype(np.float32), rng.normal(-1, 2, (32, 1)).astype(np.float32))]

    sig = lambda v: 1 / (1 + np.exp(-np.asarray(v, np.float64)))  # noqa: E731
    mistakes = [
        (lambda r, f: _reference_d_loss(f, r), "the labels are swapped: real images are labelled 1 and fakes 0."),
        (lambda r, f: _reference_d_loss(sig(r), sig(f)), "a sigmoid is applied before a loss that expects logits: "
                                                         "the loss must see the raw logits."),
    ]
    return check_function(
        "discriminator_loss", discriminator_loss, _reference_d_loss, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["real_logits", "fake_logits"])


def _reference_generator_step(generator, discriminator, z, lr: float = 1e-3) -> list[np.ndarray]:
    """G's weights after one reference Adam step, taken on clones of the two models."""
    import keras
    import tensorflow as tf

    g, d = keras.models.clone_model(generator), keras.models.clone_model(discriminator)
    g.set_weights(generator.get_weights())
    d.set_weights(discriminator.get_weights())
    optimizer = keras.optimizers.Adam(lr)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.nn.softplus(-d(g(z, training=True), training=True)))
    grads = tape.gradient(loss, g.trainable_variables)
    optimizer.apply_gradients(zip(grads, g.trainable_variables))
    return [v.numpy() for v in g.trainable_variables]


def check_generator_step(generator_step: Callable | None) -> CheckResult:
    """Check notebook 03's fix: generator_step(generator, discriminator, optimizer, z) takes one descent step on G through D.

    Introduced in notebook 03.
    """
    import keras
    import tensorflow as tf

    from ..studies.bugs import mlp_pair

    name = "generator_step"
    generator, discriminator = mlp_pair(hidden=16, seed=5)
    optimizer = keras.optimizers.Adam(1e-3)
    z = tf.constant(np.random.default_rng(5).standard_normal((8, 100)).astype(np.float32))
    expected_loss = _ns_generator_loss(discriminator(generator(z)))
    g0 = [v.numpy() for v in generator.trainable_variables]
    d0 = [v.numpy() for v in discriminator.variables]
    reference = _reference_generator_step(generator, discriminator, z)
    loss, failed = run_safely(name, generator_step, generator, discriminator, optimizer, z)
    if failed is not None:
        return report(failed)
    if any(not np.array_equal(a, v.numpy()) for a, v in zip(d0, discriminator.variables)):
        return report(CheckResult(name, False, "Recognised mistake: the discriminator's weights changed. The "
                                               "generator step must update G only: choose G's variables when you "
                                               "take and apply the gradient (no trainable flags needed)."))
    after = [v.numpy() for v in generator.trainable_variables]
    if all(np.array_equal(a, b) for a, b in zip(g0, after)):
        return report(CheckResult(name, False, "the generator's weights did not change: the step never reached G."))
    moved = np.concatenate([(b - a).ravel() for a, b in zip(g0, after)])
    wanted = np.concatenate([(r - a).ravel() for a, r in zip(g0, reference)])
    agreement = float(moved @ wanted / (np.linalg.norm(moved) * np.linalg.norm(wanted) + 1e-12))
    if agreement < -0.5:
        return report(CheckResult(name, False, f"Recognised mistake: G moved the opposite way to a reference step "
                                               f"(agreement {agreement:.2f} of 1): that is gradient ascent on G's "
                                               f"loss. The optimiser already subtracts; hand it the plain gradient."))
    if not all(np.allclose(a, r, atol=1e-5) for a, r in zip(after, reference)):
        return report(CheckResult(name, False, f"G's new weights differ from one reference Adam step on the "
                                               f"non-saturating loss (agreement {agreement:.2f} of 1): check which "
                                               f"loss you differentiate, and that you step exactly once."))
    try:
        got = float(np.asarray(loss))
    except (TypeError, ValueError):
        return report(CheckResult(name, False, f"got a {type(loss).__name__}, not the loss as a number."))
    if not np.isclose(got, expected_loss, atol=1e-4):
        return report(CheckResult(name, False, f"the loss you gave back is {got:.4f}, expected the non-saturating "
                                               f"loss before the update, {expected_loss:.4f}."))
    return report(CheckResult(name, True, "one step on G through D, equal to a reference step taken on cloned "
                                          "weights; D was left alone."))


def check_prepare_images(prepare_images: Callable | None) -> CheckResult:
    """Check notebook 03's fix: uint8 (N, 28, 28) pixels -> float32 (N, 28, 28, 1) in [-1, 1].

    Introduced in notebook 03.
    """
    cases = scale_cases()
    name = "prepare_images"
    for args in cases:
        got, failed = run_safely(name, prepare_images, *args)
        if failed is not None:
            return report(failed)
        expected_shape = to_float(args[0]).shape
        if np.shape(got) != expected_shape:
            return report(CheckResult(name, False, f"images of shape {args[0].shape} gave shape {np.shape(got)}, "
                                                   f"expected {expected_shape}: the channel axis is missing."))
    problem = float32_problem(name, prepare_images, cases)
    if problem is not None:
        return report(problem)
    return check_function(name, prepare_images, to_float, cases, diagnose=diagnose_scale, arg_names=["images"])


def check_mean_d_outputs(mean_d_outputs: Callable | None) -> CheckResult:
    """Check notebook 03's exercise: (mean D(x), mean D(G(z))) from the two batches of logits.

    Introduced in notebook 03.
    """
    rng = np.random.default_rng(6)
    cases = [(np.array([[0.0], [0.0]]), np.array([[0.0], [0.0]])),
             (rng.normal(1, 2, (16, 1)), rng.normal(-2, 2, (16, 1)))]
    sig = lambda v: 1 / (1 + np.exp(-np.asarray(v, np.float64)))  # noqa: E731

    def diagnose(got, expected):
        for real, fake in cases:
            if np.allclose(got, [np.mean(real), np.mean(fake)], atol=1e-4):
                return "Recognised mistake: those are average logits; the dashboard plots probabilities."
            if np.allclose(got, [sig(np.mean(real)), sig(np.mean(fake))], atol=1e-4):
                return ("Recognised mistake: you averaged the logits, then took the sigmoid; the average probability "
                        "is a different number. Turn each logit into a probability first.")
        return None

    return check_function(
        "mean_d_outputs", mean_d_outputs, lambda r, f: np.array([sig(r).mean(), sig(f).mean()]), cases,
        diagnose=diagnose, arg_names=["real_logits", "fake_logits"])
