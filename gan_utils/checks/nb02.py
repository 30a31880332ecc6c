"""Notebook 02's exercise checks: the GAN objective."""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..engine import densities
from .core import CheckResult, check_function, check_prediction, gan_diagnosis, report

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "gan_d_loss": (
        "D plays to make the value function large: a high probability of real on real images and a low one "
        "on fakes. A loss is something to make small, so D's loss is the value with its sign flipped. "
        "Work from logits, in a way that stays finite for confident logits.",
        r"$L_D = -\mathbb{E}_x[\log D(x)] - \mathbb{E}_z[\log(1 - D(G(z)))]$ with $D = \sigma(\ell)$. "
        r"Stable forms: $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$ and "
        r"$\log(1-\sigma(\ell)) = -\mathrm{softplus}(\ell)$, where $\mathrm{softplus}(u) = \log(1+e^u)$.",
        "```python\nreturn np.mean(np.logaddexp(0, -real_logits)) + np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_minimax": (
        "In the original game G minimises the very same value that D maximises, and only the fake term "
        "depends on G. Keep that term with its sign as it stands in the value function.",
        r"$L_G^{\mathrm{minimax}} = \mathbb{E}_z[\log(1 - D(G(z)))] = -\mathbb{E}[\mathrm{softplus}(\ell_{fake})]$.",
        "```python\nreturn -np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_non_saturating": (
        "Instead of making D's job harder, G asks D to call its fakes real: the same surprise D would "
        "feel at a real image, computed on the fakes.",
        r"$L_G^{\mathrm{NS}} = -\mathbb{E}_z[\log D(G(z))] = \mathbb{E}[\mathrm{softplus}(-\ell_{fake})]$.",
        "```python\nreturn np.mean(np.logaddexp(0, -fake_logits))\n```",
    ),
    "optimal_discriminator": (
        "For a fixed G, D's best answer at each point x is the share of all the probability mass there "
        "that comes from the real data.",
        r"Pointwise, D maximises $f(D) = p_{data}\log D + p_g \log(1-D)$. Setting "
        r"$f'(D) = p_{data}/D - p_g/(1-D) = 0$ gives $D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$.",
        "```python\nreturn p_data / (p_data + p_g)\n```",
    ),
    "predict_gradient": (
        "Look at the slopes of the two generator costs in the plot above, at the far left where D is "
        "sure the fakes are fake.",
        r"$\frac{d}{d\ell}\log(1-\sigma(\ell)) = -\sigma(\ell) \to 0$ as $D(G(z)) = \sigma(\ell) \to 0$, while "
        r"$\frac{d}{d\ell}[-\log\sigma(\ell)] = -(1-\sigma(\ell)) \to -1$.",
        "```python\nprediction = 'non-saturating'\n```",
    ),
}


def _np_sigmoid(logits) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def _gan_logit_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    return [
        (np.array([2.0, -1.0, 0.5], np.float32), np.array([-3.0, 0.0, 1.5], np.float32)),
        (rng.normal(0.5, 2.0, 16).astype(np.float32), rng.normal(-1.0, 2.0, 16).astype(np.float32)),
        (np.array([4.0, 3.0], np.float32), np.array([-4.0, -2.5], np.float32)),
        # confident logits: a sigmoid rounds to exactly 0 or 1 in float32, so a naive logarithm overflows
        (np.array([-40.0, 40.0, 3.0], np.float32), np.array([40.0, -40.0, -3.0], np.float32)),
    ]


def check_gan_d_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D's loss (minus the value function) from logits. Introduced in notebook 02."""
    from ..engine import losses

    def reference(real, fake):
        return float(losses.discriminator_loss(real, fake, "minimax"))

    def log_d(logits):
        return np.log(_np_sigmoid(logits))

    def log_1md(logits):
        return np.log(_np_sigmoid(-np.asarray(logits, dtype=np.float64)))

    cases = _gan_logit_cases()
    mistakes = [
        (lambda r, f: -reference(r, f), "the sign is flipped: D maximises the value, so the loss it minimises is "
                                        "the value with the opposite sign."),
        (lambda r, f: reference(f, r), "the labels are swapped: the real logits belong with the probability of "
                                       "real, the fake logits with the probability of fake."),
        (lambda r, f: -np.sum(log_d(r)) - np.sum(log_1md(f)), "you summed over the batch; the expectations are "
                                                             "averages."),
        (lambda r, f: -np.mean(log_d(r)), "only the real images' term is there: the fakes' term is missing."),
        (lambda r, f: -np.mean(log_1md(f)), "only the fakes' term is there: the real images' term is missing."),
    ]
    return check_function(
        "discriminator_loss", discriminator_loss, reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["real_logits", "fake_logits"],
        exercise="gan_d_loss",
    )


def check_gan_g_loss(generator_loss: Callable | None, kind: str = "minimax") -> CheckResult:
    """Check notebook 02's exercise: G's 'minimax' loss mean(log(1 - D(G(z)))) or 'non_saturating' -mean(log D(G(z))). Introduced in notebook 02."""
    from ..engine import losses

    if kind not in losses.BCE_LOSSES:
        return report(CheckResult("generator_loss", False, f"kind={kind!r} is not one of {losses.BCE_LOSSES}."))
    other = "non_saturating" if kind == "minimax" else "minimax"

    def reference(fake, which=kind):
        return float(losses.generator_loss(fake, which))

    cases = [(fake,) for _, fake in _gan_logit_cases()]
    goal = {"minimax": "the value function's fake term, with its own sign (the term D maximises)",
            "non_saturating": "the surprise D would feel if the fakes were real"}
    mistakes = [
        (lambda f: reference(f, other), f"that is the {other.replace('_', '-')} loss; the "
                                        f"{kind.replace('_', '-')} generator minimises {goal[kind]}."),
        (lambda f: -reference(f), f"the sign is flipped: G minimises {goal[kind]}."),
        (lambda f: -reference(f, other), f"the sign is flipped and it is the other loss: G minimises {goal[kind]}."),
        (lambda f: len(f) * reference(f), "you summed over the batch; use an average."),
    ]
    return check_function(
        f"generator_loss ({kind})", generator_loss, reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["fake_logits"],
        exercise=f"gan_g_loss_{kind}",
    )


def check_optimal_discriminator(optimal_discriminator: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D*(x) = p_data(x) / (p_data(x) + p_g(x)) elementwise. Introduced in notebook 02."""

    x = np.linspace(-3.0, 3.0, 7)
    cases = [
        (densities.gaussian_pdf(x, 0.0, 1.0), densities.gaussian_pdf(x, 1.0, 0.7)),
        (np.array([0.2, 0.5, 1.0]), np.array([0.2, 0.1, 3.0])),
        (np.array([0.4]), np.array([0.4])),
    ]
    mistakes = [
        (lambda p, q: q / (p + q), "you gave the generator's share of the mass, one minus the answer: D(x) is the "
                                   "probability that x is REAL."),
        (lambda p, q: p / q, "that is a ratio of the two densities, which can exceed 1; a probability must stay "
                             "between 0 and 1, so compare with the total mass."),
        (lambda p, q: p / (p + q + 1.0), "the denominator holds something extra: only the two densities belong there."),
        (lambda p, q: np.full_like(p, 0.5), "one half is the best answer only where the two densities are equal."),
    ]
    return check_function(
        "optimal_discriminator", optimal_discriminator, densities.optimal_discriminator, cases,
        diagnose=gan_diagnosis(cases, mistakes), arg_names=["p_data", "p_g"],
    )


GRADIENT_CHOICES = ("minimax", "non-saturating", "the same")


def generator_gradients(d_fake: float = 0.01) -> dict:
    """|d loss / d logit| for both generator losses where D(G(z)) = d_fake, computed with tf.GradientTape.

    Introduced in notebook 02.
    """
    import tensorflow as tf

    from ..engine import losses

    logit = tf.Variable([[float(np.log(d_fake / (1 - d_fake)))]])
    out = {}
    for kind in ("minimax", "non_saturating"):
        with tf.GradientTape() as tape:
            loss = losses.generator_loss(logit, kind)
        out[kind.replace("_", "-")] = float(tf.abs(tape.gradient(loss, logit))[0, 0])
    return out


def check_predict_gradient(prediction, gradients: dict | None = None, d_fake: float = 0.01) -> CheckResult:
    """Check notebook 02's predict-then-run exercise: which generator loss pushes G harder where D(G(z)) = 0.01.

    Introduced in notebook 02.
    """

    def outcome() -> tuple[str, str]:
        g = gradients or generator_gradients(d_fake)
        ratio = g["non-saturating"] / max(g["minimax"], 1e-30)
        what = (f"where D(G(z)) = {d_fake:g}, the minimax loss's gradient on the logit is {g['minimax']:.4f} and the "
                f"non-saturating loss's is {g['non-saturating']:.4f}, {ratio:.0f} times larger. The minimax cost is "
                f"flat exactly where G is worst, so a G that D easily beats hardly learns from it.")
        return "non-saturating" if ratio > 1.1 else "minimax" if ratio < 1 / 1.1 else "the same", what

    return check_prediction("predict_gradient", prediction, GRADIENT_CHOICES, "measures", outcome,
                            normalise=lambda text: text.lower().replace("_", "-"))
