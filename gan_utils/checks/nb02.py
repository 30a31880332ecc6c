"""Notebook 02's exercise checks: the GAN objective (build cells, then exercises that transfer)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..engine import densities
from .core import (CheckResult, OVERFLOW_NOTE, build_exercise, check_function, check_prediction, gan_diagnosis,
                   report, show_value)

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is shown in a failing verdict: a question, never a formula or code.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "kl_divergence": (
        "What should an outcome that P never produces add to the sum, and what happens to the sum when Q never "
        "produces an outcome that P does?",
        r"Start with a mask of the outcomes where $P(x) > 0$: every other term is 0, by the convention "
        r"$0 \log 0 = 0$. Before you sum, decide what a zero of $Q$ under that mask means.",
        r"$\mathrm{KL}(P\|Q) = \sum_{x:\,P(x)>0} P(x)\log\frac{P(x)}{Q(x)}$, and $+\infty$ if $Q(x) = 0 < P(x)$ "
        r"for some $x$.",
        "```python\np, q = np.asarray(p, float), np.asarray(q, float)\nseen = p > 0\nif np.any(q[seen] == 0):\n"
        "    return np.inf\nreturn float(np.sum(p[seen] * np.log(p[seen] / q[seen])))\n```",
    ),
    "js_divergence": (
        "The JSD compares each distribution with a third one made from both. Which one is it, and which function "
        "that you already wrote measures each comparison?",
        r"First line: the mixture $A = \frac{1}{2}(P + Q)$. What is left is two calls of your `kl_divergence` "
        r"and how to weigh them.",
        r"$\mathrm{JSD}(P\|Q) = \tfrac{1}{2}\mathrm{KL}(P\|A) + \tfrac{1}{2}\mathrm{KL}(Q\|A)$, "
        r"$A = \tfrac{1}{2}(P+Q)$.",
        "```python\nm = 0.5 * (np.asarray(p, float) + np.asarray(q, float))\n"
        "return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)\n```",
    ),
    "optimal_discriminator": (
        "At one point x the integrand of V depends on a single number, the value D gives to x. For which value of "
        "that number is the integrand largest?",
        r"At one $x$ the two densities $p_{data}(x)$ and $p_g(x)$ are fixed numbers. Differentiate $f$ term by "
        r"term (the chain rule for $\log(1-t)$), set $f'(t) = 0$, then multiply through by $t(1-t)$ so that no "
        r"fraction is left.",
        r"$p_{data}(x)(1-t) = p_g(x)\,t$ gives $D^*(x) = t^* = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$, a maximum "
        r"since $f''(t) = -\frac{p_{data}(x)}{t^2} - \frac{p_g(x)}{(1-t)^2} < 0$.",
        "```python\nreturn p_data / (p_data + p_g)\n```",
    ),
    "gan_d_loss": (
        "D wants V large, and a loss is something made small: how are the two related? And what does the "
        "logarithm of a sigmoid do in float32 when the logit is 40?",
        r"Write $\log\sigma(\ell)$ from the logit alone: $\sigma(\ell) = \frac{1}{1+e^{-\ell}}$, so "
        r"$\log\sigma(\ell) = -\log(1 + e^{-\ell})$. Do the same for $\log(1 - \sigma(\ell))$.",
        r"$L_D = -V = \mathbb{E}_x[\mathrm{softplus}(-\ell_{real})] + \mathbb{E}_z[\mathrm{softplus}(\ell_{fake})]$, "
        r"with $\mathrm{softplus}(\ell) = \log(1 + e^{\ell})$, computed stably by `np.logaddexp(0, ell)`.",
        "```python\nreturn np.mean(np.logaddexp(0, -real_logits)) + np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_minimax": (
        "Which of V's two terms can G change, does G want V larger or smaller, and how do you take the logarithm "
        "of one minus a sigmoid without rounding it to 0 first?",
        r"$1 - \sigma(\ell) = \frac{e^{-\ell}}{1 + e^{-\ell}} = \frac{1}{1 + e^{\ell}}$. Take its logarithm and "
        r"keep the sign that the term has in $V$.",
        r"$L_G^{\mathrm{minimax}} = \mathbb{E}_z[\log(1 - D(G(z)))] = -\mathbb{E}[\mathrm{softplus}(\ell_{fake})]$.",
        "```python\nreturn -np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_non_saturating": (
        "This loss is the one D would pay on a real image, paid instead on G's fakes. Which label does it use, "
        "and how does the logarithm of a sigmoid stay finite for a logit of minus 40?",
        r"First line: with $\ell_i$ D's logit on fake $i$, the loss is $-\frac{1}{n}\sum_i \log\sigma(\ell_i)$. "
        r"A typical first try computes $\sigma(\ell_i)$ and then its logarithm, which gives $\log 0$ once a logit "
        r"is very negative. What must replace that logarithm?",
        r"$L_G^{\mathrm{NS}} = -\mathbb{E}_z[\log D(G(z))] = \mathbb{E}[\mathrm{softplus}(-\ell_{fake})]$.",
        "```python\nreturn np.mean(np.logaddexp(0, -fake_logits))\n```",
    ),
    "predict_gradient": (
        "You wrote both losses as functions of the logit. How steep is each where D is almost sure that the fakes "
        "are fake?",
        r"A typical wrong answer compares the two losses' values: near $D(G(z)) = 0$ the minimax loss is close to "
        r"0 and the non-saturating one is large. The question is about slopes. Start from the softplus forms "
        r"you wrote in section 4.",
        r"Minimax: $|{-\sigma(\ell)}| = 0.01$. Non-saturating: $\frac{d}{d\ell}\mathrm{softplus}(-\ell) = "
        r"-(1 - \sigma(\ell))$, size $0.99$: about 100 times larger.",
        "```python\nprediction = 'non-saturating'\n```",
    ),
    "lsgan_losses": (
        "Each player's loss is a squared distance between a score and a target. Which target does each player "
        "want, for which batch?",
        r"First line: a real sample adds $\frac{1}{2}(s(x) - 1)^2$ to D's loss, the squared distance from its "
        r"score to D's target for real data, averaged over the real batch. Now write D's part for the fakes, and "
        r"G's loss, each with its own target.",
        r"$L_D = \tfrac{1}{2}\mathbb{E}_x[(s(x) - 1)^2] + \tfrac{1}{2}\mathbb{E}_z[(s(G(z)) + 1)^2]$, "
        r"$L_G = \tfrac{1}{2}\mathbb{E}_z[s(G(z))^2]$.",
        "```python\nd_loss = 0.5 * np.mean((real_scores - 1) ** 2) + 0.5 * np.mean((fake_scores + 1) ** 2)\n"
        "g_loss = 0.5 * np.mean(fake_scores ** 2)\nreturn d_loss, g_loss\n```",
    ),
    "lsgan_optimal_d": (
        "As in section 3, fix one point x: D's loss there depends on the single number s(x). Where is a weighted "
        "sum of two squared distances smallest?",
        r"At one $x$, write D's loss as a function of the single number $s = s(x)$: each density weighs the squared "
        r"distance from $s$ to its own target, with its $\frac{1}{2}$. Differentiate it and set the derivative to 0.",
        r"$p_{data}(s - 1) + p_g(s + 1) = 0$ gives $s^*(x) = \frac{p_{data}(x) - p_g(x)}{p_{data}(x) + p_g(x)}$ "
        r"($g'' = p_{data} + p_g > 0$: a minimum).",
        "```python\nreturn (p_data - p_g) / (p_data + p_g)\n```",
    ),
    "gaussian_d_star_logit": (
        "Which single number, fed to the sigmoid, gives D*? Say it with the two densities, then ask what their "
        "logarithms look like for Gaussians.",
        r"First line: divide the top and the bottom of $D^*$ by $p_{data}(x)$, so that its numerator is 1. For "
        r"the closed form, write the logarithm of a Gaussian density before anything else, and keep everything "
        r"in logarithms: at $x = \pm 40$ the densities themselves are 0.",
        r"$\log \mathcal{N}(x; \mu, \mathrm{std}^2) = -\log \mathrm{std} - \frac{1}{2}\log 2\pi - \frac{(x-\mu)^2}{2\,\mathrm{std}^2}$, "
        r"so $\ell^*(x) = \log\frac{\mathrm{std}_g}{\mathrm{std}_{data}} - \frac{(x-\mu_{data})^2}{2\,\mathrm{std}_{data}^2} "
        r"+ \frac{(x-\mu_g)^2}{2\,\mathrm{std}_g^2}$.",
        "```python\nreturn (np.log(std_g / std_data) - (x - mean_data) ** 2 / (2 * std_data ** 2)\n"
        "        + (x - mean_g) ** 2 / (2 * std_g ** 2))\n```",
    ),
    "box_criterion": (
        "Split the line into the stretches where one box, or both, put mass. What is D* on each stretch?",
        r"First step: 1 and 2 cut the line into three stretches. On each, write the two densities' values, then "
        r"$D^*$ from section 3's formula. A common slip: where one density is 0, a logarithm looks infinite, but "
        r"the 0 in front of it makes that term 0.",
        r"$C(G) = \tfrac{1}{2}\log 1 + \tfrac{1}{2}\log\tfrac{1}{2} + \tfrac{1}{2}\log\tfrac{1}{2} + \tfrac{1}{2}\log 1 "
        r"= -\log 2$, so $\mathrm{JSD} = \frac{1}{2}\log 2$.",
        "```python\nc_boxes = -math.log(2)\n```",
    ),
    "dirac_distances": (
        "Which property of two distributions gives the JSD its largest value, and do the two Diracs have it? "
        "For the distance: how much mass moves, and how far?",
        r"First step: list the points where either Dirac puts mass, and write each distribution as a vector of "
        r"probabilities over that list. How long is the list, and does its length depend on $\theta$?",
        r"$\mathrm{JSD} = \log 2$ for every $\theta \ne 0$ and $0$ at $\theta = 0$; the earth-mover distance is "
        r"$|\theta|$ (all the mass travels $|\theta|$).",
        "```python\nif theta == 0:\n    return 0.0, 0.0\n"
        "return js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])), abs(theta)\n```",
    ),
    "predict_fast_generator": (
        "In section 5, what did one D step per G step do to the toy? Does a tenfold lr G make D relatively "
        "stronger or weaker than in the settled run?",
        r"Count how far $G$ moves per $D$ update: in section 5 it took $k$ D updates at lr D per G update at lr G. "
        r"Work out that balance for section 5's two runs and for this one.",
        r"Per G update, $k \cdot \eta_D / \eta_G$ drops from $5 \cdot 3\times10^{-3} / 10^{-3} = 15$ to $1.5$: "
        r"closer to the $k = 1$ run's 3 than to 15.",
        "```python\nprediction_fast_g = 'swings'\n```",
    ),
}


def _np_sigmoid(logits) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


# --- build exercise 1 and 2: KL and JSD of two discrete distributions -----------------------------------

def _kl_cases() -> list[tuple]:
    rng = np.random.default_rng(4)
    a, b = rng.random(5) + 0.1, rng.random(5) + 0.1
    return [
        (np.array([0.5, 0.5]), np.array([0.9, 0.1])),
        (a / a.sum(), b / b.sum()),
        (np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.25, 0.5])),  # P never produces the third outcome
        (np.array([0.5, 0.5]), np.array([1.0, 0.0])),  # Q never produces an outcome P does: infinite
    ]


def _zero_aware(mistakes: list) -> Callable[[np.ndarray, np.ndarray], str | None]:
    known = gan_diagnosis(_kl_cases()[:2], mistakes)

    def diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
        if np.any(np.isnan(got)):
            return ("Recognised mistake: you got NaN. An outcome with probability 0 under the first distribution "
                    "adds 0 to the sum (0 times the logarithm of 0 counts as 0), but NumPy computes it as 0 times "
                    "minus infinity. Leave those outcomes out.")
        if np.all(np.isinf(expected)) and np.all(np.isfinite(got)):
            return ("The second distribution gives probability 0 to an outcome the first one produces: "
                    "the divergence is infinite there, not a finite number.")
        return known(got, expected)

    return diagnose


@build_exercise("kl_divergence", names=("kl_divergence",))
def check_kl_divergence(kl_divergence: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: KL(P || Q) in nats of two probability vectors. Introduced in notebook 02."""
    reference = densities.kl_divergence.__wrapped__
    mistakes = [
        (lambda p, q: reference(q, p), "the two distributions are swapped: KL(P || Q) averages over P, with Q "
                                       "in the denominator of the ratio, and KL is not symmetric."),
        (lambda p, q: reference(p, q) / math.log(2), "that is in bits (base-2 logarithm); the course measures "
                                                     "in nats, with the natural logarithm."),
        (lambda p, q: -reference(p, q), "the sign is flipped: the ratio is P over Q."),
    ]
    return check_function("kl_divergence", kl_divergence, reference, _kl_cases(), diagnose=_zero_aware(mistakes),
                           arg_names=["p", "q"], exercise="kl_divergence")


def _js_cases() -> list[tuple]:
    return [*_kl_cases()[:3], (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
            (np.array([0.0, 0.3, 0.7]), np.array([0.6, 0.4, 0.0]))]


@build_exercise("js_divergence", names=("js_divergence",))
def check_js_divergence(js_divergence: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: JSD(P || Q) in nats of two probability vectors. Introduced in notebook 02."""
    reference = densities.js_divergence.__wrapped__
    kl = densities.kl_divergence.__wrapped__
    mistakes = [
        (lambda p, q: 2 * reference(p, q), "twice the answer: the two comparisons with the mixture are averaged, "
                                           "not added."),
        (lambda p, q: 0.5 * (kl(p, q) + kl(q, p)), "that is the average of the two KL divergences between P and Q; "
                                                   "the JSD compares each of them with their mixture instead."),
        (lambda p, q: reference(p, q) - math.log(2), "the mixture is the sum of the two distributions, which is "
                                                     "not a probability distribution: it must be their average."),
        (lambda p, q: reference(p, q) / math.log(2), "that is in bits; the course measures in nats."),
    ]
    diagnose = gan_diagnosis(_js_cases(), mistakes)

    def nan_aware(got, expected):
        if np.any(~np.isfinite(got)):
            return ("Recognised mistake: you got NaN or infinity, but the JSD is always finite: an outcome that one "
                    "distribution never produces adds 0 to its comparison with the mixture.")
        return diagnose(got, expected)

    return check_function("js_divergence", js_divergence, reference, _js_cases(), diagnose=nan_aware,
                          arg_names=["p", "q"], exercise="js_divergence")


# --- build exercise 3: the optimal discriminator --------------------------------------------------------

@build_exercise("optimal_discriminator", names=("optimal_discriminator",))
def check_optimal_discriminator(optimal_discriminator: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: D*(x) elementwise from the two densities at x. Introduced in notebook 02."""
    x = np.linspace(-3.0, 3.0, 7)
    cases = [
        (densities.gaussian_pdf(x, 0.0, 1.0), densities.gaussian_pdf(x, 1.0, 0.7)),
        (np.array([0.2, 0.5, 1.0]), np.array([0.2, 0.1, 3.0])),
        (np.array([0.4]), np.array([0.4])),
    ]
    mistakes = [
        (lambda p, q: q / (p + q), "you gave the generator's share, one minus the answer: D(x) is the probability "
                                   "that x is REAL."),
        (lambda p, q: p / q, "that is a ratio of the two densities, which can exceed 1; a probability must stay "
                             "between 0 and 1."),
        (lambda p, q: p / (p + q + 1.0), "the denominator holds something extra: only the two densities belong there."),
        (lambda p, q: np.full_like(p, 0.5), "one half is the best answer only where the two densities are equal."),
    ]
    return check_function(
        "optimal_discriminator", optimal_discriminator, densities.optimal_discriminator.__wrapped__, cases,
        diagnose=gan_diagnosis(cases, mistakes), arg_names=["p_data", "p_g"], exercise="optimal_discriminator",
    )


# --- build exercises 4-6: the losses from logits ------------------------------------------------------

def _gan_logit_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    return [
        (np.array([2.0, -1.0, 0.5], np.float32), np.array([-3.0, 0.0, 1.5], np.float32)),
        (rng.normal(0.5, 2.0, 16).astype(np.float32), rng.normal(-1.0, 2.0, 16).astype(np.float32)),
        (np.array([4.0, 3.0], np.float32), np.array([-4.0, -2.5], np.float32)),
        # confident logits: a sigmoid rounds to exactly 0 or 1 in float32, so a naive logarithm overflows
        (np.array([-40.0, 40.0, 3.0], np.float32), np.array([40.0, -40.0, -3.0], np.float32)),
    ]


def _course_d_loss() -> Callable:
    from ..engine import losses

    return losses.discriminator_loss


@build_exercise("gan_d_loss", reference=_course_d_loss, names=("discriminator_loss",))
def check_gan_d_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: D's loss (minus the value function) from logits. Introduced in notebook 02."""
    from ..engine import losses

    def reference(real, fake):
        return float(losses.discriminator_loss.__wrapped__(real, fake, "minimax"))

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


def _course_g_loss(kind: str) -> Callable:
    from ..engine import losses

    def generator_loss(fake_logits):
        return losses.generator_loss(fake_logits, kind)

    return generator_loss


def _check_g_loss(generator_loss: Callable | None, kind: str) -> CheckResult:
    from ..engine import losses

    other = "non_saturating" if kind == "minimax" else "minimax"

    def reference(fake, which=kind):
        return float(losses.generator_loss.__wrapped__(fake, which))

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


@build_exercise("gan_g_loss_minimax", reference=lambda: _course_g_loss("minimax"), names=("generator_loss_minimax",))
def check_gan_g_loss_minimax(generator_loss_minimax: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: G's minimax loss mean(log(1 - D(G(z)))) from logits. Introduced in notebook 02."""
    return _check_g_loss(generator_loss_minimax, "minimax")


@build_exercise("gan_g_loss_non_saturating", reference=lambda: _course_g_loss("non_saturating"),
                names=("generator_loss_non_saturating",))
def check_gan_g_loss_non_saturating(generator_loss_non_saturating: Callable | None) -> CheckResult:
    """Check notebook 02's build cell: G's non-saturating loss -mean(log D(G(z))) from logits. Introduced in notebook 02."""
    return _check_g_loss(generator_loss_non_saturating, "non_saturating")


def check_gan_g_loss(generator_loss: Callable | None, kind: str = "minimax") -> CheckResult:
    """Check G's 'minimax' or 'non_saturating' loss from logits (either build cell). Introduced in notebook 02."""
    if kind == "minimax":
        return check_gan_g_loss_minimax(generator_loss)
    if kind == "non_saturating":
        return check_gan_g_loss_non_saturating(generator_loss)
    return report(CheckResult("generator_loss", False,
                              f"kind={kind!r} is not one of ('minimax', 'non_saturating')."))


# --- section 4's predict-then-run -----------------------------------------------------------------------

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


# --- the exercises at the end ---------------------------------------------------------------------------

def _lsgan_reference(real, fake):
    real, fake = np.asarray(real, np.float64), np.asarray(fake, np.float64)
    return (0.5 * np.mean((real - 1.0) ** 2) + 0.5 * np.mean((fake + 1.0) ** 2), 0.5 * np.mean(fake ** 2))


def check_lsgan_losses(lsgan_losses: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: the least-squares GAN's (D loss, G loss) from scores, targets 1, -1 and 0.

    Introduced in notebook 02.
    """
    rng = np.random.default_rng(7)
    cases = [
        (np.array([1.0, 0.5, 2.0]), np.array([-1.0, 0.0, 0.5])),
        (rng.normal(0.8, 1.0, 12), rng.normal(-0.6, 1.0, 12)),
        (np.array([3.0, -2.0]), np.array([1.5, -3.5])),
    ]
    ref = _lsgan_reference
    mistakes = [
        (lambda r, f: (ref(r, f)[0], 0.5 * np.mean((np.asarray(f) - 1.0) ** 2)),
         "D's loss is right, but G's is measured from the real target 1; the exercise gives G a target of its own."),
        (lambda r, f: (0.5 * np.mean((np.asarray(r) - 1.0) ** 2) + 0.5 * np.mean(np.asarray(f) ** 2), ref(r, f)[1]),
         "D aims its fakes' scores at 0; in this game D's target for fakes is minus 1."),
        (lambda r, f: (2 * ref(r, f)[0], 2 * ref(r, f)[1]), "both are twice the answer: each average carries a "
                                                           "factor of one half."),
        (lambda r, f: (ref(r, f)[1], ref(r, f)[0]), "the two losses are swapped: give D's loss first, then G's."),
    ]
    return check_function("lsgan_losses", lsgan_losses, ref, cases, diagnose=gan_diagnosis(cases, mistakes),
                          arg_names=["real_scores", "fake_scores"], exercise="lsgan_losses")


def check_lsgan_optimal_d(lsgan_optimal_d: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: the least-squares GAN's optimal score s*(x) from the two densities at x.

    Introduced in notebook 02.
    """
    x = np.linspace(-3.0, 3.0, 7)
    cases = [
        (densities.gaussian_pdf(x, 0.0, 1.0), densities.gaussian_pdf(x, 1.0, 0.7)),
        (np.array([0.2, 0.5, 1.0]), np.array([0.2, 0.1, 3.0])),
        (np.array([0.4, 0.9]), np.array([0.4, 0.1])),
    ]

    def reference(p, q):
        return (p - q) / (p + q)

    mistakes = [
        (lambda p, q: p / (p + q), "that is section 3's D*, the best D of the cross-entropy game; with targets 1 "
                                   "and minus 1 and squared errors, the best score is a different weighted average."),
        (lambda p, q: (q - p) / (p + q), "the sign is flipped: real data pull the score towards 1."),
        (lambda p, q: (p - q) / 2, "the two densities must be compared with their sum, not halved: the score is a "
                                   "weighted average of the two targets."),
    ]
    return check_function("lsgan_optimal_d", lsgan_optimal_d, reference, cases,
                          diagnose=gan_diagnosis(cases, mistakes), arg_names=["p_data", "p_g"],
                          exercise="lsgan_optimal_d")


def _gaussian_logit(x, mean_data, std_data, mean_g, std_g):
    x = np.asarray(x, dtype=np.float64)
    return np.log(std_g / std_data) - (x - mean_data) ** 2 / (2 * std_data ** 2) + (x - mean_g) ** 2 / (2 * std_g ** 2)


def check_gaussian_d_star_logit(d_star_logit: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: D*'s logit for two Gaussians in closed form, finite where densities underflow.

    Introduced in notebook 02.
    """
    x = np.array([-3.0, -1.0, 0.0, 0.75, 2.0, 4.0])
    far = np.array([-40.0, 40.0])
    cases = [(x, 0.0, 1.0, 1.5, 0.7), (x, 0.0, 1.0, 2.0, 1.0), (x, 1.0, 0.5, -1.0, 2.0), (far, 0.0, 1.0, 1.5, 0.7)]

    def drop_std(x, md, sd, mg, sg):
        return _gaussian_logit(x, md, sd, mg, sg) - np.log(sg / sd)

    def std_not_variance(x, md, sd, mg, sg):
        x = np.asarray(x, dtype=np.float64)
        return np.log(sg / sd) - (x - md) ** 2 / (2 * sd) + (x - mg) ** 2 / (2 * sg)

    mistakes = [
        (lambda *a: -_gaussian_logit(*a), "the sign is flipped: the logit is large where the DATA are dense."),
        (drop_std, "the two Gaussians' normalising constants differ when their widths differ: their ratio is "
                   "missing (the equal-width case of the second check hides it)."),
        (std_not_variance, "the squared distance is divided by twice the standard deviation; a Gaussian divides it "
                           "by twice the VARIANCE."),
    ]
    known = gan_diagnosis(cases[:3], mistakes)

    def diagnose(got, expected):
        if np.any(~np.isfinite(got)):
            return ("Recognised mistake: NaN or infinity far out, at x of plus or minus 40, where both densities "
                    "underflow to 0 in float64. Work with the logarithms of the densities in closed form, never "
                    "with the densities themselves.")
        return known(got, expected)

    return check_function("d_star_logit", d_star_logit, _gaussian_logit, cases, diagnose=diagnose, atol=1e-6,
                          arg_names=["x", "mean_data", "std_data", "mean_g", "std_g"],
                          exercise="gaussian_d_star_logit")


def check_box_criterion(c_boxes: Any) -> CheckResult:
    """Check notebook 02's exercise: C(G) for p_data uniform on [0, 2] and p_g uniform on [1, 3], worked by hand.

    Introduced in notebook 02.
    """
    name = "box_criterion"
    if c_boxes is None:
        return report(CheckResult(name, False, "c_boxes is still None: work out C(G) by hand and set it to "
                                               "that number.", exercise=name))
    if isinstance(c_boxes, bool) or not isinstance(c_boxes, (int, float, np.floating, np.integer)):
        return report(CheckResult(name, False, f"c_boxes should be one number (in nats), got "
                                               f"{show_value(c_boxes)}.", exercise=name))
    value, answer = float(c_boxes), -math.log(2.0)
    if abs(value - answer) < 1e-3:
        return report(CheckResult(name, True, f"C(G) = {value:.4f} nats, so JSD = (C(G) + log 4) / 2 = "
                                              f"{(value + math.log(4)) / 2:.4f}.", exercise=name))
    known = {-math.log(4.0): "that is C(G) when the two boxes coincide; here they overlap only on [1, 2].",
             0.0: "that is C(G) when the boxes do not overlap at all (JSD at its ceiling); here they share [1, 2].",
             math.log(2.0): "the sign is flipped: every logarithm of a probability is at most 0.",
             math.log(2.0) / 2: "that is the JSD; the exercise asks for C(G)."}
    for wrong, message in known.items():
        if abs(value - wrong) < 1e-3:
            return report(CheckResult(name, False, f"got {value:.4f}. Recognised mistake: {message}", exercise=name))
    return report(CheckResult(name, False, f"got {value:.4f}, which is not C(G) for these two boxes.", exercise=name))


def _dirac_reference(theta):
    theta = float(theta)
    return (0.0, 0.0) if theta == 0 else (math.log(2.0), abs(theta))


def check_dirac_distances(dirac_distances: Callable | None) -> CheckResult:
    """Check notebook 02's exercise: (JSD, earth-mover distance) between Diracs at 0 and at theta.

    Introduced in notebook 02.
    """
    cases = [(0.5,), (-2.0,), (1e-3,), (10.0,), (0.0,)]
    mistakes = [
        (lambda t: (_dirac_reference(t)[0], float(t)), "the earth-mover distance is a distance: for a negative "
                                                       "theta it is still positive."),
        (lambda t: (0.0, _dirac_reference(t)[1]), "the two Diracs share no point unless theta is 0, so their JSD "
                                                  "cannot be 0."),
        (lambda t: (math.log(2.0), abs(float(t))), "at theta of 0 the two Diracs are the same distribution."),
        (lambda t: (_dirac_reference(t)[1], _dirac_reference(t)[0]), "the two numbers are swapped: give the JSD "
                                                                     "first, then the earth-mover distance."),
    ]
    diagnose = gan_diagnosis(cases, mistakes)

    def infinite_aware(got, expected):
        if np.any(~np.isfinite(got)):
            return ("Recognised mistake: infinity or NaN. That is what the KL divergence gives for two Diracs; "
                    "the JSD compares each with their mixture and stays finite.")
        return diagnose(got, expected)

    return check_function("dirac_distances", dirac_distances, _dirac_reference, cases, diagnose=infinite_aware,
                          arg_names=["theta"], exercise="dirac_distances")


FAST_GENERATOR_CHOICES = ("settles", "swings", "diverges")


def check_predict_fast_generator(prediction, jsd_history=None, settled: float = 0.05) -> CheckResult:
    """Check notebook 02's predict-then-run exercise: the 1-D toy with lr G ten times larger (k = 5).

    Introduced in notebook 02. ``jsd_history`` holds the run's JSD estimates, NaN if it diverged.
    """

    def outcome() -> tuple[str, str]:
        history = np.asarray(jsd_history, dtype=np.float64).ravel()
        if not np.all(np.isfinite(history)):
            return "diverges", "the run diverged."
        late = history[len(history) // 2:]
        what = (f"over the second half of the run the JSD estimate went from {late.min():.3f} to {late.max():.3f} "
                f"nats (settled means staying below {settled}).")
        return ("settles" if late.max() < settled else "swings"), what

    missing = "" if jsd_history is not None and len(np.ravel(jsd_history)) else \
        "no run to compare with yet: run the exercise's cell, which trains the toy and passes its JSD history."
    return check_prediction("predict_fast_generator", prediction, FAST_GENERATOR_CHOICES, "trains the toy",
                            outcome, run_missing=missing)
