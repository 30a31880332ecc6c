"""Notebook 01's exercise checks: a neuron, a loss, a gradient step."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, check_function, known_mistake

# This notebook's graded help (hints.py gathers it): exercise -> (idea, maths, code).
# Ideas never hold a formula or code: a failing verdict shows them.
HINTS: dict[str, tuple[str, str, str]] = {
    "sigmoid_derivative": (
        "The sigmoid's slope can be written using the sigmoid's own output: it is largest in the middle, "
        "where the output is one half, and vanishes at both ends where the output is near 0 or 1.",
        r"With $s = \sigma(a) = 1/(1+e^{-a})$: $\frac{ds}{da} = \frac{e^{-a}}{(1+e^{-a})^2} = s\,(1-s)$, "
        r"which is $0.25$ at $a = 0$.",
        "```python\ns = 1.0 / (1.0 + np.exp(-a))\nreturn s * (1.0 - s)\n```",
    ),
    "bce_loss": (
        "Each example contributes the surprise of the probability the model gave to the TRUE label: "
        "the probability of real for a real example, of fake for a fake one. Average that surprise over "
        "the batch; a sure, correct model scores 0.",
        r"$\mathrm{BCE}(y, p) = -\frac{1}{n}\sum_i \big[y_i \log p_i + (1-y_i)\log(1-p_i)\big]$; "
        r"for $p = 0.5$ everywhere it equals $\log 2 \approx 0.693$.",
        "```python\nreturn -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n```",
    ),
    "mse_gradient": (
        "Chain the two slopes: how the squared error changes with the probability, times how the probability "
        "changes with the pre-activation. Unlike section 2, nothing cancels this time.",
        r"$L = \tfrac12(p-y)^2$: $\frac{\partial L}{\partial p} = p - y$ and $\frac{dp}{da} = p(1-p)$, so "
        r"$\frac{\partial L}{\partial a} = (p-y)\,p\,(1-p)$. At $y = 1$, $p = 0.01$ that is about $-0.0098$, "
        r"against the cross-entropy's $p - y = -0.99$.",
        "```python\nreturn (p - y) * p * (1 - p)\n```",
    ),
    "gradient_step": (
        "Compute the neuron's predictions for the whole batch, see how far each is from its label, and move "
        "the weights a small step (scaled by the learning rate) against the average gradient.",
        r"$p = \sigma(Xw + b)$; $\nabla_w L = \frac{1}{n} X^\top (p - y)$, "
        r"$\partial L / \partial b = \frac{1}{n}\sum_i (p_i - y_i)$; then $w \leftarrow w - \eta\,\nabla_w L$ "
        r"and $b \leftarrow b - \eta\,\partial L/\partial b$.",
        "```python\np = 1 / (1 + np.exp(-(x @ w + b)))\n"
        "return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)\n```",
    ),
}


def _sigmoid_cases() -> list[tuple]:
    return [(np.array(0.0),), (np.linspace(-6.0, 6.0, 13),), (np.array([[-30.0, 0.5], [2.0, 30.0]]),)]


def check_sigmoid_derivative(sigmoid_derivative: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: the derivative of the sigmoid with respect to its pre-activation a. Introduced in notebook 01."""
    from ..engine.neuron import sigmoid
    from ..engine.neuron import sigmoid_derivative as reference

    cases = _sigmoid_cases()
    mistake = known_mistake(sigmoid_derivative, cases, [
        (lambda a: sigmoid(a), "you gave back the sigmoid itself, not its slope: at 0 the slope is 0.25, "
                               "while the sigmoid is 0.5."),
        (lambda a: np.asarray(a) * (1 - np.asarray(a)),
         "you used the input a where the sigmoid's output belongs: compute the sigmoid first, then its slope."),
        (lambda a: sigmoid(a) * (1 + sigmoid(a)), "one factor has the wrong sign: the slope must fall to 0 as the "
                                                  "sigmoid's output approaches 1."),
    ])
    return check_function(
        "sigmoid_derivative", sigmoid_derivative, reference, cases,
        diagnose=lambda got, expected: mistake, arg_names=["a"],
    )


def _label_cases(seed: int, n: int, low: float, high: float) -> list[tuple]:
    """Labels y and probabilities p: two small batches by hand, then n random labels with p in [low, high)."""
    rng = np.random.default_rng(seed)
    return [
        (np.array([1.0, 0.0]), np.array([0.5, 0.5])),
        (np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.1, 0.2, 0.7])),
        (rng.integers(0, 2, n).astype(np.float64), rng.uniform(low, high, n)),
    ]


def check_bce_loss(bce_loss: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: mean binary cross-entropy bce_loss(y, p) for labels y and probabilities p. Introduced in notebook 01."""
    from ..engine.neuron import bce

    def summed(y, p):
        return bce(y, p) * len(np.atleast_1d(y))

    cases = _label_cases(seed=1, n=50, low=0.01, high=0.99)
    mistake = known_mistake(bce_loss, cases, [
        (lambda y, p: -bce(y, p), "your loss comes out negative: the logarithm of a probability is negative, "
                                  "so the loss needs a minus sign in front to be a positive surprise."),
        (summed, "you summed over the examples instead of averaging: the loss would then grow with the batch size."),
        (lambda y, p: -np.mean(y * np.log(p)),
         "only the real examples count in your loss: the fake ones (label 0) need their own term, the surprise "
         "at the probability of fake."),
        (lambda y, p: bce(1 - y, p), "the labels are swapped: the probability p belongs with the examples labelled 1."),
        (lambda y, p: -np.log(np.mean(y * p + (1 - y) * (1 - p))),
         "you averaged over the batch before taking the logarithm: take the logarithm per example, then average."),
    ])
    return check_function(
        "bce_loss", bce_loss, bce, cases,
        diagnose=lambda got, expected: mistake, arg_names=["y", "p"],
    )


def check_mse_gradient(mse_gradient: Callable | None) -> CheckResult:
    """Check notebook 01's derive-it exercise: dL/da of one example's squared error (p - y)^2 / 2 through the sigmoid.

    Introduced in notebook 01.
    """
    cases = _label_cases(seed=3, n=20, low=0.02, high=0.98)
    mistake = known_mistake(mse_gradient, cases, [
        (lambda y, p: p - y, "that is the cross-entropy's slope: with the squared error the sigmoid's own slope "
                             "does not cancel, so one chain-rule factor is missing."),
        (lambda y, p: (y - p) * p * (1 - p), "the sign is flipped: when p is above the label the loss grows with a, "
                                              "so the derivative must be positive there."),
        (lambda y, p: 2 * (p - y) * p * (1 - p), "the factor one half in front of the square cancels the 2 from "
                                                  "differentiating it; your result is twice too large."),
        (lambda y, p: (p - y) * p, "the sigmoid's slope is incomplete: it is the output times one minus the output."),
        (lambda y, p: np.full_like(p, np.mean((p - y) * p * (1 - p))), "you averaged over the examples; the exercise "
                                                                          "asks for one derivative per example."),
    ])
    return check_function("mse_gradient", mse_gradient, lambda y, p: (p - y) * p * (1 - p), cases,
                          diagnose=lambda got, expected: mistake, arg_names=["y", "p"])


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
    from ..engine.neuron import gradients

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
    mistake = known_mistake(learner, cases, [
        (lambda *a: _step_reference(*a, sign=1.0), "you moved uphill: the step must go against the gradient."),
        (lambda *a: _step_reference(*a, use_lr=False), "the step ignores the learning rate: scale the gradient by it."),
        (lambda *a: _step_reference(*a, mean=False), "your gradient is a sum over the examples; the loss is an "
                                                     "average, so its gradient is an average too."),
        (lambda w, b, x, y, lr: np.concatenate([w, [b]]), "nothing changed: hand back the updated weights and bias."),
    ])
    return check_function(
        "gradient_step", learner, _step_reference, cases,
        diagnose=lambda got, expected: mistake, arg_names=["w", "b", "x", "y", "lr"],
    )
