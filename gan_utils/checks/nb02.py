"""Notebook 02's exercise checks: the GAN objective."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _gan_diagnosis, check_function


def _np_sigmoid(logits) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def _gan_logit_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    return [
        (np.array([2.0, -1.0, 0.5], np.float32), np.array([-3.0, 0.0, 1.5], np.float32)),
        (rng.normal(0.5, 2.0, 16).astype(np.float32), rng.normal(-1.0, 2.0, 16).astype(np.float32)),
        (np.array([4.0, 3.0], np.float32), np.array([-4.0, -2.5], np.float32)),
    ]


def check_gan_d_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D's loss -V = -mean(log D(x)) - mean(log(1 - D(G(z)))) from logits. Introduced in notebook 02."""
    from .. import losses

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
    from .. import losses

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
    from .. import toy

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
