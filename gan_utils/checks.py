"""Exercise checks: run a learner's function on several inputs, compare with the reference, give a hint.

Introduced in notebook 00; every notebook's Exercises section calls a check from here. A check
never raises: an unfinished exercise (a stub returning None) or one that crashes gets a message
and a hint, so the notebook still runs top to bottom.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .data import to_float


@dataclass
class CheckResult:
    """Outcome of one exercise check; truthy when passed, prints as a short verdict."""

    name: str
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return f"{'PASSED' if self.passed else 'NOT YET'} {self.name}: {self.message}"

    __repr__ = __str__


def _describe(args: tuple) -> str:
    parts = []
    for arg in args:
        arr = np.asarray(arg)
        parts.append(f"array{arr.shape} {arr.dtype}" if arr.ndim else repr(arg))
    return "(" + ", ".join(parts) + ")"


def check_function(
    name: str,
    learner: Callable | None,
    reference: Callable,
    cases: Sequence[tuple],
    hint: str,
    diagnose: Callable[[np.ndarray, np.ndarray], str | None] | None = None,
    atol: float = 1e-5,
    verbose: bool = True,
) -> CheckResult:
    """Compare learner(*case) with reference(*case) on every case; return (and print) a verdict with a hint."""
    result = _compare(name, learner, reference, cases, hint, diagnose, atol)
    if verbose:
        print(result)
    return result


def _compare(name, learner, reference, cases, hint, diagnose, atol) -> CheckResult:
    if not callable(learner):
        return CheckResult(name, False, f"expected a function, got {learner!r}. Hint: {hint}")
    for i, args in enumerate(cases, 1):
        expected = np.asarray(reference(*args))
        try:
            got = learner(*args)
        except Exception as err:  # a learner's bug is reported, never raised
            return CheckResult(name, False, f"case {i} {_describe(args)} raised {type(err).__name__}: {err}. Hint: {hint}")
        if got is None:
            return CheckResult(name, False, f"returned None: the exercise is not written yet (or lacks a return). Hint: {hint}")
        try:
            got = np.asarray(got, dtype=np.float64)
        except (TypeError, ValueError):
            return CheckResult(name, False, f"case {i} returned {type(got).__name__}, not numbers. Hint: {hint}")
        if got.shape != expected.shape and got.size == expected.size:
            got = got.reshape(expected.shape)
        if got.shape != expected.shape:
            return CheckResult(name, False, f"case {i} {_describe(args)}: shape {got.shape}, expected {expected.shape}. Hint: {hint}")
        if not np.allclose(got, expected, atol=atol, equal_nan=True):
            detail = diagnose(got, expected) if diagnose else None
            worst = float(np.nanmax(np.abs(got - expected)))
            return CheckResult(name, False, f"case {i} {_describe(args)}: values differ by up to {worst:.3g}. "
                               f"{detail or 'Hint: ' + hint}")
    return CheckResult(name, True, f"correct on all {len(cases)} cases.")


def _scale_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    return [
        (np.array([[[0, 255], [128, 64]]], dtype=np.uint8),),
        (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),),
        (np.full((2, 28, 28), 255, dtype=np.uint8),),
    ]


def _diagnose_scale(got: np.ndarray, expected: np.ndarray) -> str | None:
    if got.min() >= 0 and got.max() <= 1.0 + 1e-6:
        return "Your values lie in [0, 1]; the generator's tanh outputs [-1, 1], so map 0 -> -1 and 255 -> 1."
    if got.max() > 1.5:
        return "Values above 1: divide by 127.5 (not 255) after converting to float, then subtract 1."
    return None


def check_scale_images(scale_images: Callable | None) -> CheckResult:
    """Check notebook 00's exercise: uint8 pixels 0..255 -> float32 in [-1, 1] (channel axis optional)."""
    return check_function(
        "scale_images", scale_images, lambda x: to_float(x)[..., 0], _scale_cases(),
        hint="convert to float first (uint8 arithmetic wraps around), then x / 127.5 - 1.",
        diagnose=_diagnose_scale,
    )


# ----- notebook 01: a neuron, a loss, a gradient step ---------------------------------------------

def _known_mistake(learner: Callable | None, cases: Sequence[tuple], mistakes: Sequence[tuple]) -> str | None:
    """Return the message of the first known wrong formula that `learner` reproduces on every case."""
    if not callable(learner):
        return None
    outputs = []
    for args in cases:
        try:
            got = learner(*args)
            outputs.append(None if got is None else np.asarray(got, dtype=np.float64).ravel())
        except Exception:  # the check itself reports the exception
            return None
    for wrong, message in mistakes:
        if all(got is not None and got.shape == np.ravel(wrong(*args)).shape
               and np.allclose(got, np.ravel(wrong(*args)), atol=1e-6) for got, args in zip(outputs, cases)):
            return message
    return None


def _sigmoid_cases() -> list[tuple]:
    return [(np.array(0.0),), (np.linspace(-6.0, 6.0, 13),), (np.array([[-30.0, 0.5], [2.0, 30.0]]),)]


def check_sigmoid_derivative(sigmoid_derivative: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: the derivative of the sigmoid, sigma(z) * (1 - sigma(z)). Introduced in notebook 01."""
    from .explorer import sigmoid
    from .explorer import sigmoid_derivative as reference

    cases = _sigmoid_cases()
    mistake = _known_mistake(sigmoid_derivative, cases, [
        (lambda z: sigmoid(z), "You returned sigma(z) itself; the derivative is sigma(z) * (1 - sigma(z))."),
        (lambda z: np.asarray(z) * (1 - np.asarray(z)),
         "You computed z * (1 - z): apply the formula to s = sigma(z), not to z."),
        (lambda z: sigmoid(z) * (1 + sigmoid(z)), "Check the sign: it is 1 - sigma(z), not 1 + sigma(z)."),
    ])
    return check_function(
        "sigmoid_derivative", sigmoid_derivative, reference, cases,
        hint="compute s = 1 / (1 + np.exp(-z)) first, then return s * (1 - s); it peaks at 0.25 for z = 0.",
        diagnose=lambda got, expected: mistake,
    )


def _bce_cases() -> list[tuple]:
    rng = np.random.default_rng(1)
    return [
        (np.array([1.0, 0.0]), np.array([0.5, 0.5])),
        (np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.1, 0.2, 0.7])),
        (rng.integers(0, 2, 50).astype(np.float64), rng.uniform(0.01, 0.99, 50)),
    ]


def check_bce_loss(bce_loss: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: mean binary cross-entropy bce_loss(y, p) for labels y and probabilities p. Introduced in notebook 01."""
    from .explorer import bce

    def summed(y, p):
        return bce(y, p) * len(np.atleast_1d(y))

    cases = _bce_cases()
    mistake = _known_mistake(bce_loss, cases, [
        (lambda y, p: -bce(y, p), "Your loss is negative: put a minus sign in front, -[y log p + (1 - y) log(1 - p)]."),
        (summed, "You summed over the examples; take the mean (np.mean), so the loss does not grow with the batch size."),
        (lambda y, p: -np.mean(y * np.log(p)),
         "You kept only the y log p term; fake examples (y = 0) need (1 - y) log(1 - p) too."),
        (lambda y, p: bce(1 - y, p), "The labels are swapped: y multiplies log p, and (1 - y) multiplies log(1 - p)."),
    ])
    return check_function(
        "bce_loss", bce_loss, bce, cases,
        hint="return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)); for p = 0.5 everywhere it is log 2 = 0.693.",
        diagnose=lambda got, expected: mistake,
    )


def _step_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(20, 2))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float64)
    return [
        (np.array([0.0, 0.0]), 0.0, np.array([[1.0, 2.0], [-1.0, 0.5]]), np.array([1.0, 0.0]), 0.1),
        (np.array([0.5, -1.0]), 0.2, x, y, 0.5),
        (np.array([2.0, 1.0]), -0.3, x, y, 0.01),
    ]


def _step_reference(w, b, x, y, lr, sign: float = -1.0, use_lr: bool = True, mean: bool = True):
    from .explorer import gradients

    _, grads = gradients({"w": np.asarray(w, np.float64), "b": np.asarray(b, np.float64)}, x, y)
    scale = (lr if use_lr else 1.0) * (1.0 if mean else len(x))
    return np.concatenate([w + sign * scale * grads["w"], [b + sign * scale * grads["b"]]])


def _as_step_output(learner: Callable | None) -> Callable | None:
    """Wrap a learner's gradient_step so that its (new_w, new_b) pair compares as one vector."""
    if not callable(learner):
        return learner

    def wrapped(*args):
        out = learner(*args)
        if isinstance(out, (tuple, list)) and len(out) == 2:
            if out[0] is None or out[1] is None:
                return None
            return np.concatenate([np.ravel(np.asarray(out[0], np.float64)), np.ravel(np.asarray(out[1], np.float64))])
        return out

    return wrapped


def check_gradient_step(gradient_step: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: gradient_step(w, b, x, y, lr) -> (new_w, new_b) for one sigmoid neuron with BCE. Introduced in notebook 01."""
    learner = _as_step_output(gradient_step)
    cases = _step_cases()
    mistake = _known_mistake(learner, cases, [
        (lambda *a: _step_reference(*a, sign=1.0), "You moved uphill: subtract lr * gradient, do not add it."),
        (lambda *a: _step_reference(*a, use_lr=False), "The step ignores lr: multiply the gradient by the learning rate."),
        (lambda *a: _step_reference(*a, mean=False), "Your gradient is a sum over examples; divide by n (the loss is a mean)."),
        (lambda w, b, x, y, lr: np.concatenate([w, [b]]), "Nothing changed: return the updated w and b."),
    ])
    return check_function(
        "gradient_step", learner, _step_reference, cases,
        hint="p = sigmoid(x @ w + b); grad_w = x.T @ (p - y) / n; grad_b = mean(p - y); "
             "return w - lr * grad_w, b - lr * grad_b.",
        diagnose=lambda got, expected: mistake,
    )


# --------------------------------------------------------------------------- notebook 02: the GAN objective

def _np_sigmoid(logits) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def _gan_diagnosis(cases: Sequence[tuple], mistakes: Sequence[tuple[Callable, str]]) -> Callable:
    """A diagnose(got, expected) that names the first known mistake whose value on any case matches `got`."""
    known = [(np.asarray(wrong(*args), dtype=np.float64), message) for wrong, message in mistakes for args in cases]

    def diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
        if np.any(~np.isfinite(got)):
            return ("Got NaN or infinity: you probably took log of a logit or of 0. Turn logits into probabilities "
                    "first, D = 1 / (1 + exp(-logit)), or use log D = -log(1 + exp(-logit)).")
        for value, message in known:
            if value.shape == got.shape and np.allclose(got, value, atol=1e-4):
                return message
        return None

    return diagnose


def _gan_logit_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    return [
        (np.array([2.0, -1.0, 0.5], np.float32), np.array([-3.0, 0.0, 1.5], np.float32)),
        (rng.normal(0.5, 2.0, 16).astype(np.float32), rng.normal(-1.0, 2.0, 16).astype(np.float32)),
        (np.array([4.0, 3.0], np.float32), np.array([-4.0, -2.5], np.float32)),
    ]


def check_gan_d_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D's loss -V = -mean(log D(x)) - mean(log(1 - D(G(z)))) from logits. Introduced in notebook 02."""
    from . import losses

    def reference(real, fake):
        return float(losses.discriminator_loss(real, fake, "minimax"))

    def log_d(logits):
        return np.log(_np_sigmoid(logits))

    def log_1md(logits):
        return np.log(_np_sigmoid(-np.asarray(logits, dtype=np.float64)))

    cases = _gan_logit_cases()
    mistakes = [
        (lambda r, f: -reference(r, f), "Sign error: D maximises V, so the loss it minimises is -V = "
                                        "-mean(log D(x)) - mean(log(1 - D(G(z))))."),
        (lambda r, f: reference(f, r), "Swapped labels: real = 1 and fake = 0, so log D(.) goes with the real "
                                       "logits and log(1 - D(.)) with the fake ones."),
        (lambda r, f: -np.sum(log_d(r)) - np.sum(log_1md(f)), "Use means (expectations over the batch), not sums."),
        (lambda r, f: -np.mean(log_d(r)), "Only the real term: add the fake term -mean(log(1 - D(G(z))))."),
        (lambda r, f: -np.mean(log_1md(f)), "Only the fake term: add the real term -mean(log D(x))."),
    ]
    return check_function(
        "discriminator_loss", discriminator_loss, reference, cases,
        hint="D = sigmoid(logit); return -(mean(log D(real)) + mean(log(1 - D(fake)))).",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )


def check_gan_g_loss(generator_loss: Callable | None, kind: str = "minimax") -> CheckResult:
    """Check notebook 02's exercise: G's 'minimax' loss mean(log(1 - D(G(z)))) or 'non_saturating' -mean(log D(G(z))). Introduced in notebook 02."""
    from . import losses

    if kind not in losses.BCE_LOSSES:
        raise ValueError(f"kind must be one of {losses.BCE_LOSSES}, got {kind!r}")
    other = "non_saturating" if kind == "minimax" else "minimax"

    def reference(fake, which=kind):
        return float(losses.generator_loss(fake, which))

    cases = [(fake,) for _, fake in _gan_logit_cases()]
    formula = {"minimax": "mean(log(1 - D(G(z))))", "non_saturating": "-mean(log D(G(z)))"}
    mistakes = [
        (lambda f: reference(f, other), f"That is the {other.replace('_', '-')} loss; the {kind.replace('_', '-')} "
                                        f"generator minimises {formula[kind]}."),
        (lambda f: -reference(f), f"Sign error: G minimises {formula[kind]}"
                                  + (" (V's second term, which D maximises)." if kind == "minimax" else
                                     " (it wants D(G(z)) close to 1).")),
        (lambda f: -reference(f, other), f"Sign error, and the other loss: G minimises {formula[kind]}."),
        (lambda f: len(f) * reference(f), "Use a mean over the batch, not a sum."),
    ]
    return check_function(
        f"generator_loss ({kind})", generator_loss, reference, cases,
        hint=f"D = sigmoid(logit); return {formula[kind]}.",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )


def check_optimal_discriminator(optimal_discriminator: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D*(x) = p_data(x) / (p_data(x) + p_g(x)) elementwise. Introduced in notebook 02."""
    from . import toy

    x = np.linspace(-3.0, 3.0, 7)
    cases = [
        (toy.gaussian_pdf(x, 0.0, 1.0), toy.gaussian_pdf(x, 1.0, 0.7)),
        (np.array([0.2, 0.5, 1.0]), np.array([0.2, 0.1, 3.0])),
        (np.array([0.4]), np.array([0.4])),
    ]
    mistakes = [
        (lambda p, q: q / (p + q), "You returned p_g / (p_data + p_g) = 1 - D*: D(x) is the probability that x is "
                                   "REAL, so p_data goes on top."),
        (lambda p, q: p / q, "Divide by the sum p_data + p_g, not by p_g alone (a probability must stay in [0, 1])."),
        (lambda p, q: p / (p + q + 1.0), "Divide by p_data + p_g exactly."),
        (lambda p, q: np.full_like(p, 0.5), "1/2 is D* only where p_g = p_data; in general D* = p_data / (p_data + p_g)."),
    ]
    return check_function(
        "optimal_discriminator", optimal_discriminator, toy.optimal_discriminator, cases,
        hint="maximise p_data log D + p_g log(1 - D) pointwise: the derivative is zero at D = p_data / (p_data + p_g).",
        diagnose=_gan_diagnosis(cases, mistakes),
    )


# ----- notebook 03: fix the broken GAN (the bugs themselves live in gan_utils/broken.py) --------

def _report(result: CheckResult, verbose: bool = True) -> CheckResult:
    if verbose:
        print(result)
    return result


def _run_safely(name: str, hint: str, fn, *args):
    """Call a learner's function; return (value, None) or (None, a failed CheckResult)."""
    if not callable(fn):
        return None, CheckResult(name, False, f"expected a function, got {fn!r}. Hint: {hint}")
    try:
        value = fn(*args)
    except Exception as err:  # a learner's bug is reported, never raised
        return None, CheckResult(name, False, f"raised {type(err).__name__}: {err}. Hint: {hint}")
    if value is None:
        return None, CheckResult(name, False, f"returned None: the exercise is not written yet (or lacks a return). Hint: {hint}")
    return value, None


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
    from .losses import generator_loss

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
    from .losses import discriminator_loss

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

    from .broken import mlp_pair

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


# ----- notebook 05: measuring a generator ---------------------------------------------------------

def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


def _frechet_reference(mu1, sigma1, mu2, sigma2) -> float:
    import scipy.linalg

    root = np.real(scipy.linalg.sqrtm(np.asarray(sigma1) @ np.asarray(sigma2)))
    diff = np.asarray(mu1, np.float64) - np.asarray(mu2, np.float64)
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(root))


def check_frechet_gaussian(frechet_gaussian: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: the Fréchet distance between N(mu1, S1) and N(mu2, S2). Introduced in notebook 05."""
    import scipy.linalg

    rng = np.random.default_rng(5)
    s3a, s3b = _spd(rng, 3), _spd(rng, 3)
    cases = [
        (np.array([0.0]), np.array([[1.0]]), np.array([3.0]), np.array([[4.0]])),
        (np.array([1.0, -1.0]), np.diag([1.0, 2.0]), np.array([0.0, 0.5]), np.diag([3.0, 0.5])),
        (rng.normal(size=3), s3a, rng.normal(size=3), s3b),
        (np.zeros(3), s3a, np.zeros(3), s3a),
    ]

    def sqrt_each(m1, s1, m2, s2):
        r1, r2 = np.real(scipy.linalg.sqrtm(s1)), np.real(scipy.linalg.sqrtm(s2))
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(r1 @ r2))

    def no_two(m1, s1, m2, s2):
        return _frechet_reference(m1, s1, m2, s2) + float(np.trace(np.real(scipy.linalg.sqrtm(s1 @ s2))))

    mistakes = [
        (lambda m1, s1, m2, s2: _frechet_reference(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2),
         "The mean term is the SQUARED distance ||mu1 - mu2||^2, not the distance itself."),
        (no_two, "The cross term is 2 Tr((S1 S2)^(1/2)): you left out the factor 2."),
        (sqrt_each, "Take the square root of the product S1 @ S2, not of each matrix separately: "
                    "they agree only when the two covariances commute (e.g. both diagonal)."),
        (lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)),
         "Only the mean term: add Tr(S1 + S2 - 2 (S1 S2)^(1/2)), which compares the spreads."),
    ]
    return check_function(
        "frechet_gaussian", frechet_gaussian, _frechet_reference, cases,
        hint="return ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr(sqrtm(S1 @ S2)), with scipy.linalg.sqrtm "
             "and its .real part.",
        diagnose=_gan_diagnosis(cases, mistakes), atol=1e-4,
    )


def _nearest_reference(samples, train) -> np.ndarray:
    s, t = np.asarray(samples, np.float64), np.asarray(train, np.float64)
    return np.sqrt(((s[:, None, :] - t[None, :, :]) ** 2).sum(-1)).min(axis=1)


def check_nearest_distance(nearest_distance: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: each sample's Euclidean distance to its nearest training row. Introduced in notebook 05."""
    rng = np.random.default_rng(7)
    train = rng.random((12, 6))
    cases = [
        (np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [3.0, 0.0], [10.0, 10.0]])),
        (rng.random((5, 6)), train),
        (train[[3, 8]] + 0.001, train),
    ]

    def all_d(s, t):
        s, t = np.asarray(s, np.float64), np.asarray(t, np.float64)
        return np.sqrt(((s[:, None, :] - t[None, :, :]) ** 2).sum(-1))

    mistakes = [
        (lambda s, t: _nearest_reference(s, t) ** 2, "Those are squared distances: take the square root."),
        (lambda s, t: all_d(s, t).mean(axis=1), "That is the mean distance to all training rows; the check needs "
                                                "the distance to the NEAREST one (min)."),
        (lambda s, t: all_d(s, t).max(axis=1), "That is the farthest training row: use min, not max."),
        (lambda s, t: all_d(s, t).argmin(axis=1), "That is the index of the nearest row; return its distance."),
        (lambda s, t: all_d(t, s).min(axis=1), "Wrong way round: one distance per SAMPLE, the minimum over training rows."),
    ]
    return check_function(
        "nearest_distance", nearest_distance, _nearest_reference, cases,
        hint="for each sample row, compute its distance to every training row, sqrt(sum((s - t)^2)), "
             "and keep the smallest; broadcasting s[:, None, :] - t[None, :, :] does all pairs at once.",
        diagnose=_gan_diagnosis(cases, mistakes),
    )


def check_parzen_log_density(parzen_log_density: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: log of (1/n) sum_i N(x; c_i, sigma^2 I) for each row of x. Introduced in notebook 05."""
    from .parzen import log_density

    rng = np.random.default_rng(9)
    cases = [
        (np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0),
        (rng.random((4, 3)), rng.random((6, 3)), 0.3),
        (rng.random((3, 20)), rng.random((5, 20)), 0.02),  # exp underflows to 0 unless you use log-sum-exp
    ]

    def variant(x, c, s, mean=True, norm=True, square=True):
        x, c = np.asarray(x, np.float64), np.asarray(c, np.float64)
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        a = -d2 / (2 * (s ** 2 if square else s))
        m = a.max(axis=1, keepdims=True)
        out = m[:, 0] + np.log(np.exp(a - m).sum(axis=1)) - (np.log(len(c)) if mean else 0.0)
        return out - (0.5 * x.shape[1] * np.log(2 * np.pi * s ** 2) if norm else 0.0)

    mistakes = [
        (lambda x, c, s: variant(x, c, s, mean=False), "You summed the n Gaussians: the mixture AVERAGES them, "
                                                       "so subtract log n."),
        (lambda x, c, s: variant(x, c, s, norm=False), "The Gaussian's normaliser is missing: subtract "
                                                       "(D / 2) log(2 pi sigma^2)."),
        (lambda x, c, s: variant(x, c, s, square=False), "The exponent is -||x - c||^2 / (2 sigma^2): square sigma."),
    ]
    diagnose = _gan_diagnosis(cases, mistakes)

    def diagnose_underflow(got, expected):
        if np.any(np.isneginf(got)) or np.any(np.isnan(got)):
            return ("Got -inf or NaN: exp(-||x - c||^2 / (2 sigma^2)) underflows to 0 for a small sigma. Use the "
                    "log-sum-exp trick: log sum exp(a) = max(a) + log sum exp(a - max(a)) (scipy.special.logsumexp).")
        return diagnose(got, expected)

    return check_function(
        "parzen_log_density", parzen_log_density, log_density, cases,
        hint="with a_i = -||x - c_i||^2 / (2 sigma^2): log p(x) = logsumexp_i(a_i) - log n - (D/2) log(2 pi sigma^2).",
        diagnose=diagnose_underflow, atol=1e-4,
    )
