"""Notebook 01's checks: worked solutions pass, the course's own functions do not, known mistakes are named,
stubs and crashes never raise, and an unwritten build cell falls back to the course's version."""
from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import checks
from gan_utils.checks import nb01
from gan_utils.engine import neuron


def _quiet(fn, *args):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.asarray(a, dtype=np.float64)))


def right_derivative(a):
    s = sigmoid(a)
    return s * (1 - s)


def right_bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def right_step(w, b, x, y, lr):
    p = sigmoid(x @ w + b)
    return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)


def right_backward(params, x, y):
    u = np.tanh(x @ params["W1"] + params["b1"])
    p = sigmoid(u @ params["w2"] + params["b2"])
    delta_a = (p - y) / len(x)
    delta_u = np.outer(delta_a, params["w2"]) * (1 - u ** 2)
    return {"W1": x.T @ delta_u, "b1": delta_u.sum(axis=0), "w2": u.T @ delta_a, "b2": delta_a.sum()}


# (check, worked solution, a learner who calls the course's own function)
BUILDS = {
    "sigmoid": (checks.check_sigmoid, sigmoid, lambda a: gu.neuron.sigmoid(a)),
    "sigmoid_derivative": (checks.check_sigmoid_derivative, right_derivative,
                           lambda a: gu.neuron.sigmoid_derivative(a)),
    "bce_loss": (checks.check_bce_loss, right_bce, lambda y, p: gu.neuron.bce(y, p)),
    "gradient_step": (checks.check_gradient_step, right_step,
                      lambda w, b, x, y, lr: (lambda new: (new["w"], new["b"]))(
                          gu.neuron.gradient_step({"w": w, "b": np.asarray(b)}, x, y, lr)[1])),
    "two_layer_backward": (checks.check_two_layer_backward, right_backward,
                           lambda params, x, y: gu.neuron.gradients(params, x, y)[1]),
}
EXERCISES = {
    "softplus_derivative": (checks.check_softplus_derivative, sigmoid),
    "mse_gradient": (checks.check_mse_gradient, lambda y, p: (p - y) * p * (1 - p)),
}
ALL = {**{k: v[:2] for k, v in BUILDS.items()}, **EXERCISES}


@pytest.mark.parametrize("name", ALL)
def test_the_worked_solution_passes(name, capsys):
    check, right = ALL[name]
    assert check(right) and "PASSED" in capsys.readouterr().out


@pytest.mark.parametrize("name", BUILDS)
def test_calling_the_course_function_is_a_recognised_mistake(name):
    check, _, cheat = BUILDS[name]
    result = _quiet(check, cheat)
    assert not result and "Recognised mistake" in result.message and "WriteItYourself" in result.message


def test_the_gradient_step_cannot_lean_on_the_course_gradients_either():
    def cheat(w, b, x, y, lr):
        grads = gu.neuron.gradients({"w": w, "b": np.asarray(b)}, x, y)[1]
        return w - lr * grads["w"], b - lr * grads["b"]

    assert "WriteItYourself" in _quiet(checks.check_gradient_step, cheat).message


@pytest.mark.parametrize("name", BUILDS)
def test_yours_or_reference_falls_back_for_an_empty_body(name, capsys):
    def stub(*args):
        ...

    stub.__name__ = name
    chosen = checks.yours_or_reference(stub, exercise=name)
    assert chosen is not stub and callable(chosen)
    assert "using the course's version" in capsys.readouterr().out
    # and the course's version it hands back works outside a check
    check, right, _ = BUILDS[name]
    assert _quiet(check, right)


@pytest.mark.parametrize("name", BUILDS)
def test_yours_or_reference_keeps_a_passing_function(name, capsys):
    check, right, _ = BUILDS[name]

    def yours(*args):
        return right(*args)

    yours.__name__ = name
    _quiet(check, yours)
    assert checks.yours_or_reference(yours) is yours and "using yours" in capsys.readouterr().out


@pytest.mark.parametrize("name", ALL)
def test_stub_returning_none_gets_the_first_hint(name):
    check, _ = ALL[name]
    result = _quiet(check, lambda *args: None)
    assert not result and "not written yet" in result.message and "Hint 1/4:" in str(result)


@pytest.mark.parametrize("name", ALL)
def test_exception_is_reported_not_raised(name):
    check, _ = ALL[name]

    def broken(*args):
        raise ZeroDivisionError("oops")

    result = _quiet(check, broken)
    assert not result and "ZeroDivisionError: oops" in result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda a: sigmoid(-np.asarray(a)), "sign is flipped"),
    (np.tanh, "that is tanh"),
    (lambda a: 1 / (1 - np.exp(-np.asarray(a, dtype=float))), "subtracts the exponential"),
])
def test_wrong_sigmoids_are_named(wrong, words):
    with np.errstate(all="ignore"):
        result = _quiet(checks.check_sigmoid, wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("wrong, words", [
    (sigmoid, "the sigmoid itself"),
    (lambda a: np.asarray(a) * (1 - np.asarray(a)), "used the input a"),
    (lambda a: sigmoid(a) * (1 + sigmoid(a)), "sign"),
    (lambda a: np.zeros_like(np.asarray(a, dtype=float)) + 0.3, "expected 0.25, got 0.3"),  # unknown mistake
])
def test_wrong_derivatives_get_specific_hints(wrong, words):
    result = _quiet(checks.check_sigmoid_derivative, wrong)
    assert not result and words in result.message and "Hint 1/4:" in str(result)


@pytest.mark.parametrize("wrong, words", [
    (lambda y, p: -right_bce(y, p), "negative"),
    (lambda y, p: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)), "instead of averaging"),
    (lambda y, p: -np.mean(y * np.log(p)), "only the examples labelled 1 count"),
    (lambda y, p: -np.log(np.mean(y * p + (1 - y) * (1 - p))), "averaged over the batch before taking the logarithm"),
    (lambda y, p: right_bce(1 - y, p), "swapped"),
])
def test_wrong_bce_gets_specific_hints(wrong, words):
    result = _quiet(checks.check_bce_loss, wrong)
    assert not result and words in result.message


def test_wrong_steps_get_specific_hints():
    def uphill(w, b, x, y, lr):
        p = sigmoid(x @ w + b)
        return w + lr * x.T @ (p - y) / len(x), b + lr * np.mean(p - y)

    def summed(w, b, x, y, lr):
        p = sigmoid(x @ w + b)
        return w - lr * x.T @ (p - y), b - lr * np.sum(p - y)

    assert "uphill" in _quiet(checks.check_gradient_step, uphill).message
    assert "ignores the learning rate" in _quiet(checks.check_gradient_step,
                                                 lambda w, b, x, y, lr: right_step(w, b, x, y, 1.0)).message
    assert "sum over the examples" in _quiet(checks.check_gradient_step, summed).message
    assert "nothing changed" in _quiet(checks.check_gradient_step, lambda w, b, x, y, lr: (w, b)).message
    partial = _quiet(checks.check_gradient_step, lambda w, b, x, y, lr: (w, None))
    assert not partial and "not written yet" in partial.message
    assert _quiet(checks.check_gradient_step, lambda *a: list(right_step(*a)))


def test_wrong_backward_passes_are_named():
    def no_tanh_slope(params, x, y):
        grads = right_backward(params, x, y)
        u = np.tanh(x @ params["W1"] + params["b1"])
        delta_a = (sigmoid(u @ params["w2"] + params["b2"]) - y) / len(x)
        delta_u = np.outer(delta_a, params["w2"])
        return {**grads, "W1": x.T @ delta_u, "b1": delta_u.sum(0)}

    def summed(params, x, y):
        return {k: v * len(x) for k, v in right_backward(params, x, y).items()}

    assert "tanh's slope" in _quiet(checks.check_two_layer_backward, no_tanh_slope).message
    assert "sums over the examples" in _quiet(checks.check_two_layer_backward, summed).message
    missing = _quiet(checks.check_two_layer_backward, lambda params, x, y: {"W1": params["W1"]})
    assert not missing and "no gradient for" in missing.message
    assert "not written yet" in _quiet(checks.check_two_layer_backward,
                                       lambda params, x, y: {k: None for k in params}).message
    shapes = _quiet(checks.check_two_layer_backward,
                    lambda params, x, y: {**right_backward(params, x, y), "W1": np.zeros(3)})
    assert not shapes and "has shape" in shapes.message


def test_the_backward_pass_matches_finite_differences_of_the_course_loss():
    params = neuron.init_params(3, seed=2)
    x, y = neuron.make_two_blobs(10, seed=3)
    grads = right_backward(params, x, y)
    bumped = {k: v.copy() for k, v in params.items()}
    bumped["W1"][0, 1] += 1e-6
    slope = (neuron.gradients(bumped, x, y)[0] - neuron.gradients(params, x, y)[0]) / 1e-6
    assert abs(slope - grads["W1"][0, 1]) < 1e-5


@pytest.mark.parametrize("wrong, words", [
    (lambda a: np.logaddexp(0.0, a), "softplus itself"),
    (lambda a: sigmoid(-np.asarray(a)), "slope falls as a grows"),
    (lambda a: np.exp(np.asarray(a, dtype=float)), "outer factor is missing"),
    (right_derivative, "slope of the sigmoid"),
])
def test_wrong_softplus_slopes_are_named(wrong, words):
    result = _quiet(checks.check_softplus_derivative, wrong)
    assert not result and words in result.message


def test_mse_gradient_derive_it():
    assert _quiet(checks.check_mse_gradient, lambda y, p: (p - y) * p * (1 - p))
    assert "cross-entropy's slope" in _quiet(checks.check_mse_gradient, lambda y, p: p - y).message
    assert "sign is flipped" in _quiet(checks.check_mse_gradient, lambda y, p: (y - p) * p * (1 - p)).message
    assert "twice too large" in _quiet(checks.check_mse_gradient, lambda y, p: 2 * (p - y) * p * (1 - p)).message


def test_constant_guess():
    best = -(0.3 * np.log(0.3) + 0.7 * np.log(0.7))
    assert _quiet(checks.check_constant_guess, 0.3, best)
    assert "best_loss" in _quiet(checks.check_constant_guess, 0.3).message
    assert "equally common" in _quiet(checks.check_constant_guess, 0.5).message
    assert "share of class 0" in _quiet(checks.check_constant_guess, 0.7).message
    assert "infinitely wrong" in _quiet(checks.check_constant_guess, 1.0).message
    assert "not a probability" in _quiet(checks.check_constant_guess, 3.0).message
    assert "loss of the guess 0.5" in _quiet(checks.check_constant_guess, 0.3, np.log(2)).message
    assert "bits" in _quiet(checks.check_constant_guess, 0.3, best / np.log(2)).message
    assert not _quiet(checks.check_constant_guess, 0.25)


def test_run_outcome_reads_a_curve():
    assert nb01.run_outcome([1.0, 0.5, 0.3, 0.2571, 0.2570], False) == "settles"
    assert nb01.run_outcome([1.0, 0.3, 0.31, 0.30, 0.31, 0.30], False) == "zig-zags"
    assert nb01.run_outcome([1.0, 2.0], True) == "diverges"
    assert nb01.run_outcome([1.0, 0.9, 0.8], False) == "still falling"


def test_predict_centred_rate_on_the_real_run():
    x, y = neuron.make_two_blobs(200, seed=0)
    run = gu.GradientDescentExplorer(x - x.mean(axis=0), y, lr=10.0, grid=10, step=right_step, loss=right_bce)
    run.step(300)
    assert _quiet(checks.check_predict_centred_rate, "settles", run)
    wrong = _quiet(checks.check_predict_centred_rate, "diverges", run)
    assert not wrong and "the run says 'settles'" in wrong.message
    assert "record your prediction first" in _quiet(checks.check_predict_centred_rate, None, run).message
    assert "pass the explorer" in _quiet(checks.check_predict_centred_rate, "settles").message


def test_diagnosis_runs_show_what_their_answers_say():
    runs = nb01.diagnosis_runs()
    assert set(runs) == {"A", "B", "C"} and all(len(curve) == 100 for curve in runs.values())
    assert np.all(np.diff(runs["A"]) < 0) and runs["A"][-1] > 1.0  # falls smoothly, slowly
    assert np.all(np.diff(runs["B"]) > 0)  # climbs from the first step
    assert nb01.run_outcome(runs["C"], False) == "zig-zags" and runs["C"][-1] < runs["C"][0]


def test_diagnose_curves():
    right = {"A": "raise the learning rate", "B": "fix the sign", "C": "lower the learning rate"}
    assert _quiet(checks.check_diagnose_curves, right)
    one_off = {**right, "A": "lower the learning rate"}
    result = _quiet(checks.check_diagnose_curves, one_off)
    assert not result and "1 of the 3 runs misread" in result.message and "run A" not in result.message
    assert "keys 'A', 'B' and 'C'" in _quiet(checks.check_diagnose_curves, {"A": "fix the sign"}).message
    assert "is not one of" in _quiet(checks.check_diagnose_curves, {**right, "B": "train longer"}).message


def test_every_hint_has_four_levels_and_no_level_two_holds_code():
    for key, levels in nb01.HINTS.items():
        assert len(levels) == 4 and len(set(levels)) == 4, key
        assert "```" not in levels[0] + levels[1] and "```python" in levels[3], key
