"""Notebook 01's exercise checks: a neuron, a loss, a gradient step."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .core import CheckResult, _known_mistake, check_function


def _sigmoid_cases() -> list[tuple]:
    return [(np.array(0.0),), (np.linspace(-6.0, 6.0, 13),), (np.array([[-30.0, 0.5], [2.0, 30.0]]),)]


def check_sigmoid_derivative(sigmoid_derivative: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: the derivative of the sigmoid, sigma(z) * (1 - sigma(z)). Introduced in notebook 01."""
    from ..explorer import sigmoid
    from ..explorer import sigmoid_derivative as reference

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
    from ..explorer import bce

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
    from ..explorer import gradients

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
