"""A neuron (or a tiny two-layer network) in NumPy, trained by hand-written gradient descent.

Introduced in notebook 01. The pieces (``sigmoid``, ``bce``, ``gradients``) are the same formulas
the notebook derives, and the reference the exercise checks compare a learner's code with: each is
marked ``@course_answer``, so a learner's answer that calls it does not pass its check. The
widget that watches it learn is ``gan_utils.widgets.gradient_descent``.
"""
from __future__ import annotations

import math

import numpy as np

from .answers import course_answer

DIVERGE_FACTOR = 10.0  # the loss rising this many times above its starting value means "diverged"
MAX_HIDDEN = 64


@course_answer("sigmoid")
def sigmoid(a) -> np.ndarray:
    """The logistic function 1 / (1 + exp(-a)) of a pre-activation a, computed without overflow. Introduced in notebook 01."""
    a = np.asarray(a, dtype=np.float64)
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    ea = np.exp(a[~pos])
    out[~pos] = ea / (1.0 + ea)
    return out


@course_answer("sigmoid_derivative")
def sigmoid_derivative(a) -> np.ndarray:
    """The derivative of the sigmoid, sigma(a) * (1 - sigma(a)). Introduced in notebook 01."""
    p = sigmoid(a)
    return p * (1.0 - p)


@course_answer("bce_loss")
def bce(y, p, eps: float = 1e-12) -> float:
    """Mean binary cross-entropy -[y log p + (1 - y) log(1 - p)] of probabilities p for labels y. Introduced in notebook 01."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError(f"y and p must have the same shape, got {y.shape} and {p.shape}")
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def bce_with_logits(y, logits) -> float:
    """Mean binary cross-entropy computed from logits, stable for any logit size. Introduced in notebook 01."""
    y, logits = np.asarray(y, dtype=np.float64), np.asarray(logits, dtype=np.float64)
    if y.shape != logits.shape:
        raise ValueError(f"y and logits must have the same shape, got {y.shape} and {logits.shape}")
    # log(1 + exp(l)) - y l, written so that exp never overflows
    return float(np.mean(np.maximum(logits, 0) - y * logits + np.log1p(np.exp(-np.abs(logits)))))


def make_two_blobs(n: int = 200, seed: int = 0, spread: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Two overlapping Gaussian clouds in 2-D: x of shape (n, 2), labels y in {0, 1}. Introduced in notebook 01."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or n % 2:
        raise ValueError(f"n must be an even integer >= 2, got {n!r}")
    if not spread > 0:
        raise ValueError(f"spread must be > 0, got {spread!r}")
    rng = np.random.default_rng(seed)
    half = n // 2
    x0 = rng.normal([1.0, 1.5], spread, (half, 2))  # not centred on 0, as raw features rarely are
    x1 = rng.normal([3.0, 2.7], spread, (half, 2))
    x = np.concatenate([x0, x1])
    y = np.concatenate([np.zeros(half), np.ones(half)])
    order = rng.permutation(n)
    return x[order], y[order]


def init_params(width: int = 0, seed: int = 0) -> dict[str, np.ndarray]:
    """Starting weights: one neuron (w, b) when width == 0, else a tanh hidden layer of m = width units (W1, b1, w2, b2). Introduced in notebook 01."""
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or not 0 <= width <= MAX_HIDDEN:
        raise ValueError(f"width (the number of hidden units m) must be an integer in 0..{MAX_HIDDEN} (0 = a single neuron), got {width!r}")
    rng = np.random.default_rng(seed)
    if width == 0:
        return {"w": np.array([-1.0, 1.5]), "b": np.array(0.5)}  # a deliberately poor first guess
    return {"W1": rng.normal(0, 1.0, (2, width)), "b1": np.zeros(width),
            "w2": rng.normal(0, 1.0 / math.sqrt(width), width), "b2": np.array(0.0)}


def logits(params: dict, x: np.ndarray) -> np.ndarray:
    """The model's logit for every row of x (before the sigmoid). Introduced in notebook 01."""
    if "w" in params:
        return x @ params["w"] + params["b"]
    return np.tanh(x @ params["W1"] + params["b1"]) @ params["w2"] + params["b2"]


@course_answer("gradient_step", "two_layer_backward")
def gradients(params: dict, x: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """The BCE loss and its gradient with respect to every parameter, by backpropagation. Introduced in notebook 01."""
    n = len(x)
    if "w" in params:
        a = x @ params["w"] + params["b"]  # the pre-activation (a logit), one per example
        delta_a = (sigmoid(a) - y) / n  # dL/da for sigmoid + BCE
        return bce_with_logits(y, a), {"w": x.T @ delta_a, "b": np.array(delta_a.sum())}
    u = np.tanh(x @ params["W1"] + params["b1"])  # the hidden layer's values, one row per example
    a = u @ params["w2"] + params["b2"]
    delta_a = (sigmoid(a) - y) / n
    delta_u = np.outer(delta_a, params["w2"]) * (1.0 - u ** 2)  # back through tanh
    grads = {"W1": x.T @ delta_u, "b1": delta_u.sum(0), "w2": u.T @ delta_a, "b2": np.array(delta_a.sum())}
    return bce_with_logits(y, a), grads


@course_answer("gradient_step")
def gradient_step(params: dict, x: np.ndarray, y: np.ndarray, lr: float) -> tuple[float, dict[str, np.ndarray]]:
    """One step of gradient descent, theta <- theta - lr * dL/dtheta; returns (loss before the step, new params). Introduced in notebook 01."""
    if not (isinstance(lr, (int, float, np.floating)) and lr > 0 and math.isfinite(lr)):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    loss, grads = gradients(params, x, y)
    return loss, {k: params[k] - lr * grads[k] for k in params}
