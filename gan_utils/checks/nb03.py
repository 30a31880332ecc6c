"""Notebook 03's exercise checks: fix the broken GAN (the bugs themselves live in gan_utils/broken.py)."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..data import to_float
from .core import CheckResult, _report, _run_safely, check_function
from .nb00 import _scale_cases


def check_discriminator(build_discriminator: Callable | None) -> CheckResult:
    """Check notebook 03's fix: an MLP discriminator giving one logit (no sigmoid) per (28, 28, 1) image."""
    name, hint = "build_discriminator", "start with keras.layers.Flatten(), end with Dense(1) and no activation."
    model, failed = _run_safely(name, hint, build_discriminator)
    if failed is not None:
        return _report(failed)
    x = np.random.default_rng(0).normal(0, 3, (16, 28, 28, 1)).astype(np.float32)
    try:
        out = np.asarray(model(x))
    except Exception as err:
        return _report(CheckResult(name, False, f"calling it on a batch (16, 28, 28, 1) raised {type(err).__name__}: {err}. Hint: {hint}"))
    if out.shape != (16, 1):
        extra = " The Dense layers act on the last axis only: Flatten the image first." if out.ndim > 2 else ""
        return _report(CheckResult(name, False, f"output shape {out.shape} for 16 images, expected (16, 1).{extra} Hint: {hint}"))
    last = getattr(getattr(model, "layers", [None])[-1], "activation", None)
    if getattr(last, "__name__", "") == "sigmoid" or (out.min() >= 0 and out.max() <= 1):
        return _report(CheckResult(name, False, "the outputs all lie in [0, 1]: a sigmoid is applied, but our losses "
                                   "expect logits (they apply the sigmoid themselves). Hint: " + hint))
    return _report(CheckResult(name, True, f"one logit per image, {model.count_params():,} parameters."))


def check_real_batches(real_batches: Callable | None) -> CheckResult:
    """Check notebook 03's fix: real_batches(images, batch_size, steps, seed) draws every batch from the whole, untouched data set."""
    name = "real_batches"
    hint = "draw fresh indices from range(len(images)) at every step and keep the batch in a new variable."
    images = np.random.default_rng(1).uniform(-1, 1, (200, 28, 28, 1)).astype(np.float32)
    original = images.copy()
    batches, failed = _run_safely(name, hint, real_batches, images, 32, 20, 0)
    if failed is not None:
        return _report(failed)
    batches = np.asarray(batches)
    if batches.shape != (20, 32, 28, 28, 1):
        return _report(CheckResult(name, False, f"shape {batches.shape}, expected (steps, batch_size, 28, 28, 1) = (20, 32, 28, 28, 1). Hint: {hint}"))
    if not np.array_equal(images, original):
        return _report(CheckResult(name, False, f"the images passed in were changed in place. Hint: {hint}"))
    flat = original.reshape(len(original), -1)
    index = {row.tobytes(): i for i, row in enumerate(flat)}
    drawn = [index.get(row.tobytes()) for row in batches.reshape(-1, flat.shape[1])]
    if None in drawn:
        return _report(CheckResult(name, False, f"some batch images are not images of the data set. Hint: {hint}"))
    distinct = len(set(drawn))
    if distinct < 150:
        return _report(CheckResult(name, False, f"20 batches of 32 saw only {distinct} of the 200 images (about 190 "
                                   f"expected): later batches are drawn from earlier ones, the seed's bug. Hint: {hint}"))
    return _report(CheckResult(name, True, f"20 batches drew from {distinct} of the 200 images; the data set is untouched."))


def check_d_steps(d_steps) -> CheckResult:
    """Check notebook 03's fix: a small number of discriminator updates per generator update."""
    name, hint = "d_steps", "the usual choice is 1 (Goodfellow et al. used k = 1); up to 5 can help the WGAN critic."
    if isinstance(d_steps, bool) or not isinstance(d_steps, (int, np.integer)):
        return _report(CheckResult(name, False, f"expected an integer, got {d_steps!r}. Hint: {hint}"))
    if d_steps == 128:
        return _report(CheckResult(name, False, "128 is the seed's loop over batch_size: D wins outright and G's "
                                   f"gradient vanishes. Hint: {hint}"))
    if not 1 <= d_steps <= 5:
        return _report(CheckResult(name, False, f"{d_steps} D updates per G update is outside 1..5. Hint: {hint}"))
    return _report(CheckResult(name, True, f"{d_steps} D update(s) per G update keeps the two players in step."))


def _ns_generator_loss(logits):
    from ..losses import generator_loss

    return float(generator_loss(np.asarray(logits, np.float32), "non_saturating"))


def _logit_cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    return [(np.array([[0.0], [2.0], [-3.0]], np.float32),), (rng.normal(0, 4, (64, 1)).astype(np.float32),),
            (np.array([[30.0], [-30.0]], np.float32),)]


def check_generator_loss(generator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's fix: the non-saturating generator loss -mean log D(G(z)) from D's logits."""
    def diagnose(got, expected):
        logits = _logit_cases()[0][0]
        if np.isclose(got, np.mean(np.logaddexp(0, logits)), atol=1e-4):
            return "That is the loss for labelling the fakes 0 (fake): G must want D to say 1 (real)."
        if np.isclose(got, -np.mean(np.logaddexp(0, logits)), atol=1e-4):
            return "That is the minimax form log(1 - D(G(z))), which saturates; use -log D(G(z))."
        return None

    return check_function(
        "generator_loss", generator_loss, _ns_generator_loss, _logit_cases(),
        hint="with logits l, -log sigmoid(l) = softplus(-l): return tf.reduce_mean(tf.nn.softplus(-fake_logits)).",
        diagnose=diagnose, atol=1e-4)


def _reference_d_loss(real, fake):
    from ..losses import discriminator_loss

    return float(discriminator_loss(np.asarray(real, np.float32), np.asarray(fake, np.float32), "non_saturating"))


def check_discriminator_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's fix: D's loss with real = 1 and fake = 0, from logits."""
    rng = np.random.default_rng(4)
    cases = [(np.array([[2.0], [1.0]], np.float32), np.array([[-1.0], [0.5]], np.float32)),
             (rng.normal(1, 2, (32, 1)).astype(np.float32), rng.normal(-1, 2, (32, 1)).astype(np.float32))]

    def diagnose(got, expected):
        real, fake = cases[0]
        if np.isclose(got, _reference_d_loss(fake, real), atol=1e-4):
            return "Labels swapped: real images must be labelled 1 and fakes 0."
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        if np.isclose(got, _reference_d_loss(sig(real), sig(fake)), atol=1e-4):
            return "A sigmoid is applied before a loss that expects logits: pass the logits straight in."
        return None

    return check_function(
        "discriminator_loss", discriminator_loss, _reference_d_loss, cases,
        hint="mean softplus(-real_logits) + mean softplus(fake_logits): real = 1, fake = 0.",
        diagnose=diagnose, atol=1e-4)


def check_generator_step(generator_step: Callable | None) -> CheckResult:
    """Check notebook 03's fix: generator_step(generator, discriminator, optimizer, z) updates G only, through D."""
    import keras
    import tensorflow as tf

    from ..broken import mlp_pair

    name = "generator_step"
    hint = ("inside a tf.GradientTape compute the loss on discriminator(generator(z)), then apply "
            "tape.gradient(loss, generator.trainable_variables) to those variables only; return the loss.")
    generator, discriminator = mlp_pair(hidden=16, seed=5)
    optimizer = keras.optimizers.Adam(1e-3)
    z = tf.constant(np.random.default_rng(5).standard_normal((8, 100)).astype(np.float32))
    expected = _ns_generator_loss(discriminator(generator(z)))
    g0, d0 = [v.numpy() for v in generator.variables], [v.numpy() for v in discriminator.variables]
    loss, failed = _run_safely(name, hint, generator_step, generator, discriminator, optimizer, z)
    if failed is not None:
        return _report(failed)
    if any(not np.array_equal(a, v.numpy()) for a, v in zip(d0, discriminator.variables)):
        return _report(CheckResult(name, False, "the discriminator's weights changed: the generator step must "
                                   f"update G only (no trainable flags needed, choose the variables). Hint: {hint}"))
    if all(np.array_equal(a, v.numpy()) for a, v in zip(g0, generator.variables)):
        return _report(CheckResult(name, False, f"the generator's weights did not change. Hint: {hint}"))
    try:
        got = float(np.asarray(loss))
    except (TypeError, ValueError):
        return _report(CheckResult(name, False, f"returned {type(loss).__name__}, not the loss. Hint: {hint}"))
    if not np.isclose(got, expected, atol=1e-4):
        return _report(CheckResult(name, False, f"returned loss {got:.4f}, expected the non-saturating loss "
                                   f"{expected:.4f} before the update. Hint: {hint}"))
    return _report(CheckResult(name, True, "G was updated through D with the non-saturating loss; D was left alone."))


def check_prepare_images(prepare_images: Callable | None) -> CheckResult:
    """Check notebook 03's fix: uint8 (N, 28, 28) pixels -> float32 (N, 28, 28, 1) in [-1, 1]."""
    def diagnose(got, expected):
        if got.max() > 1.5:
            return "Values above 1: the pixels are still 0..255. Divide by 127.5 and subtract 1."
        if got.min() >= 0:
            return "Values in [0, 1]: the generator's tanh gives [-1, 1]; map 0 -> -1 and 255 -> 1."
        return None

    cases = _scale_cases()
    name, hint = "prepare_images", "images.astype('float32') / 127.5 - 1, then add a channel axis with [..., None]."
    for args in cases:
        got, failed = _run_safely(name, hint, prepare_images, *args)
        if failed is not None:
            return _report(failed)
        expected_shape = to_float(args[0]).shape
        if np.shape(got) != expected_shape:
            return _report(CheckResult(name, False, f"shape {np.shape(got)}, expected {expected_shape}: "
                                       f"add the channel axis. Hint: {hint}"))
        if np.asarray(got).dtype != np.float32:
            return _report(CheckResult(name, False, f"dtype {np.asarray(got).dtype}, expected float32. Hint: {hint}"))
    return check_function(name, prepare_images, to_float, cases, hint=hint, diagnose=diagnose)


def check_mean_d_outputs(mean_d_outputs: Callable | None) -> CheckResult:
    """Check notebook 03's exercise: (mean D(x), mean D(G(z))) from the two batches of logits."""
    rng = np.random.default_rng(6)
    cases = [(np.array([[0.0], [0.0]]), np.array([[0.0], [0.0]])),
             (rng.normal(1, 2, (16, 1)), rng.normal(-2, 2, (16, 1)))]
    sig = lambda v: 1 / (1 + np.exp(-np.asarray(v, np.float64)))  # noqa: E731

    def diagnose(got, expected):
        for real, fake in cases:
            if np.allclose(got, [np.mean(real), np.mean(fake)], atol=1e-4):
                return "Those are mean logits: apply the sigmoid first, D(x) = sigmoid(logit)."
            if np.allclose(got, [sig(np.mean(real)), sig(np.mean(fake))], atol=1e-4):
                return "Sigmoid of the mean logit is not the mean probability: apply the sigmoid, then average."
        return None

    return check_function(
        "mean_d_outputs", mean_d_outputs, lambda r, f: np.array([sig(r).mean(), sig(f).mean()]), cases,
        hint="return (mean of sigmoid(real_logits), mean of sigmoid(fake_logits)).", diagnose=diagnose)
