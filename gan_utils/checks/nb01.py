"""Notebook 01's checks: the five pieces the learner builds (the sigmoid, its slope, BCE, a gradient step, a
two-layer backward pass) and the end-of-notebook exercises that transfer them to new cases."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import CheckResult, build_exercise, check_function, check_prediction, known_mistake, read_choice, read_number, report

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# A question never holds a formula or code (a failing verdict shows it); no step lets you write the answer alone.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "sigmoid": (
        "The formula in the text has a single exponential in it. Which sign must its exponent carry so that "
        "a large positive pre-activation gives an output near 1 and a large negative one an output near 0?",
        "Compute the exponential of minus a for the whole array at once (NumPy works element by element), then "
        "build the fraction from it. Test your function at a = 0 first: it must give 0.5.",
        r"$\sigma(a) = \dfrac{1}{1+e^{-a}}$, so $\sigma(0) = \tfrac12$, $\sigma(a) \to 1$ as $a \to \infty$ "
        r"and $\sigma(a) \to 0$ as $a \to -\infty$.",
        "```python\nreturn 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=float)))\n```",
    ),
    "sigmoid_derivative": (
        "The sigmoid is one over an expression in a. Which rule differentiates that, and once you have the "
        "result, can you write it with the sigmoid's own output instead of exponentials?",
        r"First line of the derivation: $\frac{d}{da}(1+e^{-a})^{-1} = -(1+e^{-a})^{-2}\cdot(-e^{-a})$. "
        r"Now split what you got into a product of two fractions, one of which is the sigmoid itself.",
        r"$\sigma'(a) = \frac{e^{-a}}{(1+e^{-a})^2} = \frac{1}{1+e^{-a}}\cdot\frac{e^{-a}}{1+e^{-a}} "
        r"= \sigma(a)\,(1-\sigma(a))$, which is $0.25$ at $a = 0$.",
        "```python\ns = sigmoid(a)  # your sigmoid from the cell before\nreturn s * (1.0 - s)\n```",
    ),
    "bce_loss": (
        "For an example labelled 1, which probability did the model give to the right answer? For one "
        "labelled 0? How should a loss treat a right answer given a tiny probability?",
        "Write one example's loss as two terms, one that counts only when its label is 1 and one that counts "
        "only when its label is 0: the label itself, and one minus it, can act as those switches. Then "
        "combine the examples so that the batch size does not change the loss's scale.",
        r"$\mathrm{BCE}(\mathbf{y}, \mathbf{p}) = -\frac{1}{n}\sum_i \big[y_i \log p_i + (1-y_i)\log(1-p_i)\big]$; "
        r"for $p = 0.5$ everywhere it equals $\log 2 \approx 0.693$.",
        "```python\nreturn -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n```",
    ),
    "gradient_step": (
        "Before you can move the weights, what must you know about every example: what the neuron says now, "
        "and how far that is from the label?",
        "Start with the forward pass for the whole batch at once: the examples are the rows of x, so one "
        "matrix product gives every pre-activation. The derivation above then builds both gradients from "
        "the errors, prediction minus label.",
        r"$\mathbf{p} = \sigma(X\mathbf{w} + b)$; $\nabla_{\mathbf{w}} L = \frac{1}{n} X^\top (\mathbf{p} - \mathbf{y})$, "
        r"$\partial L / \partial b = \frac{1}{n}\sum_i (p_i - y_i)$; then $\mathbf{w} \leftarrow \mathbf{w} - "
        r"\eta\,\nabla_{\mathbf{w}} L$ and $b \leftarrow b - \eta\,\partial L/\partial b$.",
        "```python\np = sigmoid(x @ w + b)\n"
        "return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)\n```",
    ),
    "two_layer_backward": (
        "Backpropagation runs from the loss towards the input. Which quantity do you need first, before any "
        "weight's gradient can be written, and which values of the forward pass must you keep for later?",
        "Run the forward pass and keep the hidden values U. The first backward line is the output error per "
        "example, divided by n. What must it be multiplied by to give the output weights' gradient, and what "
        "carries it back through tanh?",
        r"$\boldsymbol\delta_a = \frac{1}{n}(\mathbf{p}-\mathbf{y})$, $\nabla_{\mathbf{w}_2} = U^\top\boldsymbol\delta_a$, "
        r"$\partial L/\partial b_2 = \sum_i \delta_{a,i}$, $\boldsymbol\delta_U = (\boldsymbol\delta_a \mathbf{w}_2^\top)"
        r"\odot(1-U^2)$, $\nabla_{W_1} = X^\top\boldsymbol\delta_U$, $\nabla_{\mathbf{b}_1}$ = column sums of "
        r"$\boldsymbol\delta_U$.",
        "```python\nu = np.tanh(x @ params['W1'] + params['b1'])\n"
        "p = sigmoid(u @ params['w2'] + params['b2'])\n"
        "delta_a = (p - y) / len(x)\n"
        "delta_u = np.outer(delta_a, params['w2']) * (1 - u ** 2)\n"
        "return {'W1': x.T @ delta_u, 'b1': delta_u.sum(axis=0), 'w2': u.T @ delta_a, 'b2': delta_a.sum()}\n```",
    ),
    "softplus_derivative": (
        "Softplus is the logarithm of an expression in a. Which rule differentiates a logarithm of something, "
        "and what is the derivative of the something?",
        r"First step: name the inside, $g(a) = 1 + e^{a}$, so that softplus is the logarithm of $g(a)$, and "
        r"differentiate $g$ on its own. What is left is how the logarithm's own slope combines with it.",
        r"$\frac{d}{da}\log(1+e^{a}) = \frac{e^{a}}{1+e^{a}} = \frac{1}{1+e^{-a}} = \sigma(a)$: it tends to 1 for "
        r"large $a$ (no saturation on the right) and to 0 for very negative $a$.",
        "```python\nreturn sigmoid(a)  # your sigmoid: softplus' slope is the sigmoid itself\n```",
    ),
    "mse_gradient": (
        "How fast does the squared error change when p moves, and how fast does p change when a moves? What "
        "does the chain rule do with two such rates?",
        r"First line: $\frac{\partial L}{\partial a} = \frac{\partial L}{\partial p}\cdot\frac{dp}{da}$. Work "
        r"out each factor by itself, and write the second from $p$ alone: `mse_gradient` gets $p$, not $a$.",
        r"$\frac{\partial L}{\partial p} = p - y$ and $\frac{dp}{da} = p(1-p)$, so "
        r"$\frac{\partial L}{\partial a} = (p-y)\,p\,(1-p)$. At $y = 1$, $p = 0.01$ that is about $-0.0098$, "
        r"against the cross-entropy's $p - y = -0.99$.",
        "```python\nreturn (p - y) * p * (1 - p)\n```",
    ),
    "constant_guess": (
        "If the model must give every example the same probability q, the mean loss is a function of q alone. "
        "Where is a smooth function of one variable smallest?",
        r"First line: with every $p_i = q$, each example of class 1 costs $-\log q$. Write what each example of "
        r"class 0 costs, then the mean over a data set in which 30% of the labels are 1: a function of $q$ alone.",
        r"$-\frac{0.3}{q} + \frac{0.7}{1-q} = 0 \Rightarrow q = 0.3$, the share of class 1. The loss there is "
        r"$-(0.3\log 0.3 + 0.7\log 0.7) \approx 0.611$, below the $\log 2 \approx 0.693$ of $q = 0.5$.",
        "```python\nbest_q = 0.3\nbest_loss = -(0.3 * np.log(0.3) + 0.7 * np.log(0.7))\n```",
    ),
    "predict_centred_rate": (
        "What made the long, narrow valley of section 3, and what does subtracting the mean do to it?",
        "On the raw clouds the bias and the weights pull against each other, so one rate is too big for one "
        "direction of the valley while still small for the other. Ask whether that is still so once the "
        "inputs are centred on the origin.",
        "Centring removes the coupling between the bias and the weights: the valley becomes nearly round, and "
        "a rate that overshoots the narrow direction of the raw valley fits the round one.",
        "```python\nprediction = \"settles\"\n```",
    ),
    "diagnose_curves": (
        "For each curve, ask: does the loss go down at all? If it does, is it going down smoothly, and how "
        "fast compared with the 0.3 run of section 3?",
        "For each curve, imagine the same run with a smaller step, a larger one, and one taken the other way. "
        "Which of the three would turn that curve into a smooth, steady fall like section 3's?",
        "Slow steady fall: the steps are too small. A smooth climb at every step: the update goes uphill (a "
        "sign). Up and down from step to step: each step overshoots the valley floor (too large a rate).",
        "```python\ndiagnosis = {\"A\": \"raise the learning rate\", \"B\": \"fix the sign\", "
        "\"C\": \"lower the learning rate\"}\n```",
    ),
}


# --- build exercises: the course's versions with the learner's signatures ----------------------------

def _course_sigmoid() -> Callable:
    from ..engine.neuron import sigmoid

    return sigmoid


def _course_gradient_step(w, b, x, y, lr):
    """The course's gradient step with the learner's signature: (w, b, x, y, lr) -> (new_w, new_b)."""
    from ..engine.neuron import gradient_step

    _, new = gradient_step({"w": np.asarray(w, np.float64), "b": np.asarray(b, np.float64)}, x, y, lr)
    return new["w"], new["b"]


def _course_two_layer_backward(params, x, y):
    """The course's backward pass with the learner's signature: (params, x, y) -> gradients (a dict like params)."""
    from ..engine.neuron import gradients

    return gradients(params, x, y)[1]


def _sigmoid_cases() -> list[tuple]:
    return [(np.array(0.0),), (np.linspace(-6.0, 6.0, 13),), (np.array([[-30.0, 0.5], [2.0, 30.0]]),)]


def _minus_in_denominator(a):
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return 1.0 / (1.0 - np.exp(-np.asarray(a, dtype=float)))


@build_exercise("sigmoid", reference=_course_sigmoid, names=("sigmoid",))
def check_sigmoid(sigmoid: Callable | None) -> CheckResult:
    """Check notebook 01's build cell: the sigmoid of an array of pre-activations a. Introduced in notebook 01."""
    from ..engine.neuron import sigmoid as reference

    cases = _sigmoid_cases()
    mistake = known_mistake(sigmoid, cases, [
        (lambda a: reference(-np.asarray(a, dtype=float)), "the exponent's sign is flipped: your output falls from 1 "
                                                           "to 0 as a grows, so large pre-activations mean class 0."),
        (lambda a: np.tanh(a), "that is tanh, whose outputs reach from -1 to 1; a probability must stay in 0..1."),
        (_minus_in_denominator,
         "the denominator subtracts the exponential: it must add it, or the output leaves 0..1."),
    ])
    return check_function("sigmoid", sigmoid, reference, cases, diagnose=lambda got, expected: mistake,
                          arg_names=["a"])


@build_exercise("sigmoid_derivative", names=("sigmoid_derivative",))
def check_sigmoid_derivative(sigmoid_derivative: Callable | None) -> CheckResult:
    """Check notebook 01's build cell: the derivative of the sigmoid with respect to its pre-activation a. Introduced in notebook 01."""
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


@build_exercise("bce_loss", names=("bce_loss",))
def check_bce_loss(bce_loss: Callable | None) -> CheckResult:
    """Check notebook 01's build cell: mean binary cross-entropy bce_loss(y, p) for labels y and probabilities p. Introduced in notebook 01."""
    from ..engine.neuron import bce

    def summed(y, p):
        return bce(y, p) * len(np.atleast_1d(y))

    cases = _label_cases(seed=1, n=50, low=0.01, high=0.99)
    mistake = known_mistake(bce_loss, cases, [
        (lambda y, p: -bce(y, p), "your loss comes out negative: the logarithm of a probability is negative, "
                                  "so the loss needs a minus sign in front to be a positive surprise."),
        (summed, "you summed over the examples instead of averaging: the loss would then grow with the batch size."),
        (lambda y, p: -np.mean(y * np.log(p)),
         "only the examples labelled 1 count in your loss: those labelled 0 need their own term, the surprise "
         "at the probability of class 0."),
        (lambda y, p: bce(1 - y, p), "the labels are swapped: the probability p belongs with the examples labelled 1."),
        (lambda y, p: -np.log(np.mean(y * p + (1 - y) * (1 - p))),
         "you averaged over the batch before taking the logarithm: take the logarithm per example, then average."),
    ])
    return check_function(
        "bce_loss", bce_loss, bce, cases,
        diagnose=lambda got, expected: mistake, arg_names=["y", "p"],
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


@build_exercise("gradient_step", reference=lambda: _course_gradient_step, names=("gradient_step",))
def check_gradient_step(gradient_step: Callable | None) -> CheckResult:
    """Check notebook 01's build cell: gradient_step(w, b, x, y, lr) -> (new_w, new_b) for one sigmoid neuron with BCE. Introduced in notebook 01."""
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
        diagnose=lambda got, expected: mistake, arg_names=["w", "b", "x", "y", "lr"], exercise="gradient_step",
    )


# --- the two-layer backward pass -------------------------------------------------------------------------

PARAM_NAMES = ("W1", "b1", "w2", "b2")


def _backward_cases() -> list[tuple]:
    from ..engine.neuron import init_params, make_two_blobs

    x, y = make_two_blobs(12, seed=4)
    x = x - x.mean(axis=0)
    small = {"W1": np.array([[1.0, -0.5], [0.3, 0.8]]), "b1": np.array([0.1, -0.2]),
             "w2": np.array([0.7, -1.2]), "b2": np.array(0.05)}
    return [
        (small, np.array([[1.0, 2.0], [-1.0, 0.5], [0.2, -0.3]]), np.array([1.0, 0.0, 1.0])),
        (init_params(3, seed=5), x, y),
        ({k: v * 1.5 for k, v in init_params(8, seed=6).items()}, x, y),
    ]


def _flat_backward(fn: Callable, sign_w2: float = 1.0, through_tanh: bool = True, mean: bool = True) -> Callable:
    """The course's backward pass, flattened to one vector in PARAM_NAMES order (and its known wrong variants)."""
    from ..engine.neuron import sigmoid

    def flat(params, x, y):
        if fn is not None:
            grads = fn(params, x, y)
        else:
            u = np.tanh(x @ params["W1"] + params["b1"])
            delta_a = (sigmoid(u @ params["w2"] + params["b2"]) - y) / (len(x) if mean else 1.0)
            delta_u = np.outer(delta_a, sign_w2 * params["w2"]) * ((1.0 - u ** 2) if through_tanh else 1.0)
            grads = {"W1": x.T @ delta_u, "b1": delta_u.sum(0), "w2": u.T @ delta_a, "b2": delta_a.sum()}
        return np.concatenate([np.ravel(np.asarray(grads[k], np.float64)) for k in PARAM_NAMES])

    return flat


def _as_backward_output(learner: Callable | None) -> Callable | None:
    """Wrap a learner's two_layer_backward so that its dict of gradients compares as one vector (None if unwritten)."""
    if not callable(learner):
        return learner

    def wrapped(params, x, y):
        out = learner({k: np.array(v, copy=True) for k, v in params.items()}, x, y)
        if out is None:
            return None
        if not isinstance(out, dict):
            raise TypeError(f"expected a dict of gradients with keys {list(PARAM_NAMES)}, got a {type(out).__name__}")
        missing = [k for k in PARAM_NAMES if out.get(k) is None]
        if len(missing) == len(PARAM_NAMES):
            return None
        if missing:
            raise KeyError(f"your dict has no gradient for {missing}")
        parts = []
        for k in PARAM_NAMES:
            value = np.asarray(out[k], np.float64)
            if value.size != np.size(params[k]):
                raise ValueError(f"the gradient of {k} has shape {value.shape}; {k} has shape {np.shape(params[k])}")
            parts.append(value.ravel())
        return np.concatenate(parts)

    return wrapped


@build_exercise("two_layer_backward", reference=lambda: _course_two_layer_backward, names=("two_layer_backward",))
def check_two_layer_backward(two_layer_backward: Callable | None) -> CheckResult:
    """Check notebook 01's build cell: the two-layer network's gradients two_layer_backward(params, x, y) -> dict.

    Introduced in notebook 01. The dict holds one gradient per parameter, with the parameter's shape.
    """
    learner = _as_backward_output(two_layer_backward)
    cases = _backward_cases()
    mistake = known_mistake(learner, cases, [
        (_flat_backward(None, through_tanh=False), "the hidden layer's gradient skips tanh's slope: going back "
                                                   "through tanh multiplies by its derivative, element by element."),
        (_flat_backward(None, mean=False), "your gradients are sums over the examples; the loss is an average, so "
                                           "divide the output error by the number of examples."),
        (_flat_backward(None, sign_w2=-1.0), "the hidden layer's gradients have the wrong sign: the error reaches "
                                             "the hidden layer through the output weights as they are."),
    ])
    return check_function(
        "two_layer_backward", learner, _flat_backward(_course_two_layer_backward), cases,
        diagnose=lambda got, expected: mistake, arg_names=["params", "x", "y"], exercise="two_layer_backward",
    )


# --- exercises at the end ----------------------------------------------------------------------------------

def check_softplus_derivative(softplus_derivative: Callable | None) -> CheckResult:
    """Check notebook 01's exercise: the slope of softplus(a) = log(1 + e^a) for an array of a. Introduced in notebook 01."""
    from ..engine.neuron import sigmoid

    cases = [(np.array(0.0),), (np.linspace(-8.0, 8.0, 17),), (np.array([[-40.0, 1.5], [3.0, 40.0]]),)]
    mistake = known_mistake(softplus_derivative, cases, [
        (lambda a: np.logaddexp(0.0, a), "you gave back softplus itself, not its slope: at 0 the slope is 0.5, "
                                         "softplus is about 0.69."),
        (lambda a: sigmoid(-np.asarray(a, dtype=float)), "your slope falls as a grows: softplus gets steeper to "
                                                         "the right, so its slope must rise towards 1."),
        (lambda a: np.exp(a), "the chain rule's outer factor is missing: the logarithm's derivative divides by "
                              "what is inside it."),
        (lambda a: sigmoid(a) * (1 - sigmoid(a)), "that is the slope of the sigmoid; softplus is a different "
                                                  "function, whose slope you find with the chain rule."),
    ])
    return check_function("softplus_derivative", softplus_derivative, sigmoid, cases,
                          diagnose=lambda got, expected: mistake, arg_names=["a"])


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




def check_constant_guess(best_q: Any = None, best_loss: Any = None) -> CheckResult:
    """Check notebook 01's exercise: the one probability that minimises BCE when 30% of labels are 1, and that loss.

    Introduced in notebook 01.
    """
    name = "constant_guess"
    share = 0.3
    q = read_number(best_q)
    if q is None:
        return report(CheckResult(name, False, "set best_q to one number between 0 and 1: the probability of class 1 "
                                               "that your model gives every example."))
    if not 0.0 <= q <= 1.0:
        return report(CheckResult(name, False, f"best_q = {q:.4g} is not a probability: it must lie between 0 and 1."))
    if not abs(q - share) < 1e-3:
        known = {0.5: "Recognised mistake: 0.5 is the best constant only when the two classes are equally common; "
                      "here they are not.",
                 0.7: "Recognised mistake: 0.7 is the share of class 0, but the model's output is the probability "
                      "of class 1.",
                 1.0: "Recognised mistake: a sure answer is infinitely wrong on every example of the other class.",
                 0.0: "Recognised mistake: a sure answer is infinitely wrong on every example of the other class."}
        for value, text in known.items():
            if abs(q - value) < 1e-6:
                return report(CheckResult(name, False, f"best_q = {q:.4g}. {text}"))
        return report(CheckResult(name, False, f"best_q = {q:.4g} is not where the mean loss is smallest: the loss "
                                               f"at your value is {_constant_loss(share, q):.4f}, and a nearby "
                                               f"value does better."))
    loss = read_number(best_loss)
    if loss is None:
        return report(CheckResult(name, False, "best_q is right. Now set best_loss to the mean loss at that "
                                               "probability (one number, in the same units as the lesson's BCE)."))
    expected = _constant_loss(share, share)
    if not abs(loss - expected) < 1e-3:
        detail = ""
        if abs(loss - np.log(2.0)) < 1e-3:
            detail = " Recognised mistake: that is the loss of the guess 0.5, not of your best_q."
        elif abs(loss - expected / np.log(2.0)) < 1e-3:
            detail = " Recognised mistake: that is in bits (logarithm base 2); the lesson's loss uses the natural logarithm."
        return report(CheckResult(name, False, f"best_q is right, but best_loss = {loss:.4f} is not the loss there.{detail}"))
    return report(CheckResult(name, True, f"the best constant is the share of class 1, and its loss is {expected:.4f}."))


def _constant_loss(share: float, q: float) -> float:
    with np.errstate(divide="ignore"):
        return float(-(share * np.log(q) + (1 - share) * np.log(1 - q)))


OUTCOMES = ("settles", "zig-zags", "diverges")


def run_outcome(losses, diverged: bool) -> str:
    """How a gradient-descent run ended: 'diverges', 'zig-zags' (up and down at every step) or 'settles'.

    Introduced in notebook 01.
    """
    if diverged:
        return "diverges"
    changes = np.diff(np.asarray(losses, dtype=np.float64)[-11:])
    if len(changes) and abs(changes[-1]) < 1e-3:
        return "settles"
    if len(changes) >= 2 and np.all(np.sign(changes[1:]) == -np.sign(changes[:-1])):
        return "zig-zags"
    return "still falling"


def check_predict_centred_rate(prediction: Any = None, run: Any = None) -> CheckResult:
    """Check notebook 01's predict-then-run exercise: what learning rate 10 does on the centred clouds.

    Introduced in notebook 01. `run` is the explorer (or anything with .losses and .diverged) after its steps.
    """
    missing = "" if run is not None and hasattr(run, "losses") and hasattr(run, "diverged") else \
        "pass the explorer you ran as the second argument, after its 300 steps."

    def outcome() -> tuple[str, str]:
        happened = run_outcome(run.losses, run.diverged)
        what = (f"after {len(run.losses) - 1} steps at learning rate 10 on the centred clouds the run {happened}"
                f" (last loss {run.losses[-1]:.4f}).")
        return happened, what

    return check_prediction("predict_centred_rate", prediction, OUTCOMES, "runs the explorer at learning rate 10",
                            outcome, run_missing=missing)


DIAGNOSES = ("lower the learning rate", "raise the learning rate", "fix the sign")
_DIAGNOSIS_ANSWERS = {"A": "raise the learning rate", "B": "fix the sign", "C": "lower the learning rate"}
_WHY = {
    "A": "run A's loss falls smoothly but slowly: a bigger step would get there sooner.",
    "B": "run B's loss climbs smoothly at every step: the update goes uphill, whatever the rate.",
    "C": "run C's loss jumps up and down from one step to the next: each step overshoots.",
}


def diagnosis_runs(steps: int = 100) -> dict[str, np.ndarray]:
    """Three loss curves of the notebook's neuron on the two clouds, labelled A, B, C, to diagnose.

    Introduced in notebook 01. Each starts from the same poor guess; what went wrong in each is the exercise.
    """
    from ..engine.neuron import gradients, init_params, make_two_blobs

    x, y = make_two_blobs(200, seed=0)
    settings = {"A": (0.01, -1.0), "B": (0.3, 1.0), "C": (5.0, -1.0)}
    curves = {}
    for label, (lr, sign) in settings.items():
        params, losses = init_params(0), []
        for _ in range(steps):
            loss, grads = gradients(params, x, y)
            losses.append(loss)
            params = {k: params[k] + sign * lr * grads[k] for k in params}
        curves[label] = np.array(losses)
    return curves


def check_diagnose_curves(diagnosis: Any = None) -> CheckResult:
    """Check notebook 01's diagnosis exercise: the first thing to change in each of the runs A, B and C.

    Introduced in notebook 01. `diagnosis` maps "A", "B", "C" to one of DIAGNOSES.
    """
    name = "diagnose_curves"
    if not isinstance(diagnosis, dict) or set(diagnosis) != set(_DIAGNOSIS_ANSWERS):
        return report(CheckResult(name, False, f"set diagnosis to a dict with the keys 'A', 'B' and 'C', each one of "
                                               f"{list(DIAGNOSES)}."))
    wrong = 0
    for label in sorted(_DIAGNOSIS_ANSWERS):
        choice, failed = read_choice(name, diagnosis[label], DIAGNOSES, "")
        if failed is not None:
            return report(CheckResult(name, False, f"run {label}: {failed.message}"))
        wrong += choice != _DIAGNOSIS_ANSWERS[label]
    if wrong:  # how many, not which: three guesses must not be enough to pass
        return report(CheckResult(name, False, f"{wrong} of the 3 runs misread. Look again at how each curve starts "
                                               f"and how it moves from one step to the next."))
    return report(CheckResult(name, True, " ".join(_WHY[label] for label in sorted(_WHY))))
