"""The gradient-descent explorer of notebook 01: NumPy pieces, and buttons driven with click()."""
from __future__ import annotations

import asyncio
import base64

import numpy as np
import pytest

from gan_utils import neuron, gradient_descent


@pytest.fixture
def explorer():
    return gradient_descent.GradientDescentExplorer(lr=0.3, grid=20)


def test_sigmoid_is_stable_and_bce_forms_agree():
    z = np.array([-800.0, -5.0, 0.0, 5.0, 800.0])
    s = neuron.sigmoid(z)
    assert np.all(np.isfinite(s)) and s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    assert np.isclose(neuron.sigmoid_derivative(0.0), 0.25)
    y, logits = np.array([1.0, 0.0, 1.0]), np.array([0.3, -1.2, 2.0])
    assert np.isclose(neuron.bce(y, neuron.sigmoid(logits)), neuron.bce_with_logits(y, logits))
    assert np.isclose(neuron.bce(np.array([1.0, 0.0]), np.array([0.5, 0.5])), np.log(2))
    with pytest.raises(ValueError, match="same shape"):
        neuron.bce(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("width", [0, 3])
def test_gradients_match_finite_differences(width):
    x, y = neuron.make_two_blobs(20, seed=1)
    params = neuron.init_params(width, seed=1)
    _, grads = neuron.gradients(params, x, y)
    eps = 1e-6
    for name, value in params.items():
        flat = value.reshape(-1)
        for i in range(flat.size):
            bumped = {k: v.copy() for k, v in params.items()}
            up, down = (bumped[name].reshape(-1).copy() for _ in range(2))
            up[i] += eps
            down[i] -= eps
            bumped[name] = up.reshape(value.shape)
            loss_up = neuron.gradients(bumped, x, y)[0]
            bumped[name] = down.reshape(value.shape)
            loss_down = neuron.gradients(bumped, x, y)[0]
            assert abs((loss_up - loss_down) / (2 * eps) - grads[name].reshape(-1)[i]) < 1e-6


def test_bad_values_are_named():
    with pytest.raises(ValueError, match="width"):
        neuron.init_params(width=-1)
    with pytest.raises(ValueError, match="lr"):
        neuron.gradient_step(neuron.init_params(), np.zeros((2, 2)), np.zeros(2), lr=0.0)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        gradient_descent.GradientDescentExplorer(np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="0 or 1"):
        gradient_descent.GradientDescentExplorer(np.zeros((4, 2)), np.array([0, 1, 2, 1]))
    with pytest.raises(ValueError, match="even"):
        neuron.make_two_blobs(7)


def test_step_button_changes_weights_and_plot(explorer):
    w0, image0, loss0 = explorer.params["w"].copy(), explorer.image.value, explorer.losses[-1]
    explorer.step_button.click()
    assert explorer.steps == 1 and not np.allclose(explorer.params["w"], w0)
    assert explorer.image.value != image0 and explorer.image.value[:4] == b"\x89PNG"
    assert explorer.losses[-1] < loss0 and "step 1 " in explorer.status.value
    explorer.step10_button.click()
    assert explorer.steps == 11 and len(explorer.losses) == 12


def test_reset_restores_the_first_state(explorer):
    first = (explorer.params["w"].copy(), explorer.params["b"].copy(), explorer.image.value, list(explorer.losses))
    for _ in range(3):
        explorer.step10_button.click()
    explorer.reset_button.click()
    assert np.array_equal(explorer.params["w"], first[0]) and np.array_equal(explorer.params["b"], first[1])
    assert explorer.steps == 0 and explorer.losses == first[3] and explorer.image.value == first[2]


def test_too_large_learning_rate_says_diverged_and_draws_no_nans():
    explorer = gradient_descent.GradientDescentExplorer(lr=100.0, grid=20)
    explorer.step_button.click()
    explorer.step10_button.click()
    assert explorer.diverged and "Diverged" in explorer.status.value and "Lower the learning rate" in explorer.status_text
    assert all(np.all(np.isfinite(v)) for v in explorer.params.values()) and np.all(np.isfinite(explorer.losses))
    steps = explorer.steps
    explorer.step_button.click()
    assert explorer.steps == steps, "no more steps after divergence until Reset"
    assert explorer.play() is False and not explorer.play_button.value
    explorer.lr_slider.value = 0.1
    explorer.reset_button.click()
    assert not explorer.diverged and "Diverged" not in explorer.status.value


def test_hidden_layer_overflow_is_reported_not_drawn():
    explorer = gradient_descent.GradientDescentExplorer(lr=100.0, width=8, grid=20)
    explorer.step(10)
    assert explorer.diverged and all(np.all(np.isfinite(v)) for v in explorer.params.values())


def test_play_runs_in_the_event_loop_and_pause_stops_it():
    async def scenario():
        explorer = gradient_descent.GradientDescentExplorer(lr=0.3, grid=20, play_steps=1)
        explorer.play_button.value = True  # what clicking Play does
        assert explorer.loop.running and explorer.steps == 0, "Play must return at once, not block"
        for _ in range(50):
            await asyncio.sleep(0.001)
            if explorer.steps >= 3:
                break
        explorer.play_button.value = False  # Pause
        await explorer.loop.wait()
        return explorer

    explorer = asyncio.run(scenario())
    assert explorer.steps >= 3 and not explorer.loop.running and explorer.play_button.description == "Play"


def test_divergence_while_playing_stops_the_loop():
    async def scenario():
        explorer = gradient_descent.GradientDescentExplorer(lr=100.0, grid=20)
        assert explorer.play() is True
        await explorer.loop.wait()
        return explorer

    explorer = asyncio.run(scenario())
    assert explorer.diverged and not explorer.play_button.value and not explorer.loop.running


def test_play_without_an_event_loop_shows_an_error(explorer):
    explorer.play_button.value = True
    assert not explorer.play_button.value and "running event loop" in explorer.errors.widget.value


def test_display_bundle_has_a_static_picture(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG" and bundle["text/plain"].startswith("step 0")


def _learner_step(w, b, x, y, lr):
    p = 1 / (1 + np.exp(-(x @ w + b)))
    return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)


def _learner_bce(y, p):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def test_the_learners_step_and_loss_drive_the_explorer_like_the_course_versions():
    ours = gradient_descent.GradientDescentExplorer(lr=0.3, grid=10)
    theirs = gradient_descent.GradientDescentExplorer(lr=0.3, grid=10, step=_learner_step, loss=_learner_bce)
    ours.step(50)
    theirs.step(50)
    assert np.allclose(ours.params["w"], theirs.params["w"]) and np.allclose(ours.losses, theirs.losses)
    calls = []
    spy = gradient_descent.GradientDescentExplorer(lr=0.3, grid=10, step=lambda *a: calls.append(1) or _learner_step(*a))
    spy.step(3)
    assert len(calls) == 3


def test_the_learners_backward_pass_trains_the_hidden_layer():
    x, y = neuron.make_two_blobs(40, seed=2)
    ours = gradient_descent.GradientDescentExplorer(x, y, lr=1.0, width=4, grid=10)
    theirs = gradient_descent.GradientDescentExplorer(x, y, lr=1.0, width=4, grid=10,
                                                      backward=lambda params, x, y: neuron.gradients(params, x, y)[1])
    ours.step(20)
    theirs.step(20)
    assert np.allclose(ours.params["W1"], theirs.params["W1"])


def test_a_learners_saturating_loss_still_sees_divergence():
    x, y = neuron.make_two_blobs(200, seed=0)
    run = gradient_descent.GradientDescentExplorer(x, y, lr=10.0, grid=10, step=_learner_step, loss=_learner_bce)
    with np.errstate(over="ignore"):
        run.step(10)
    assert run.diverged and run.steps == 2 and all(np.isfinite(run.losses))


def test_learner_functions_are_validated():
    with pytest.raises(ValueError, match="single neuron"):
        gradient_descent.GradientDescentExplorer(width=3, step=_learner_step)
    with pytest.raises(ValueError, match="hidden layer"):
        gradient_descent.GradientDescentExplorer(backward=lambda params, x, y: params)
    with pytest.raises(ValueError, match="loss must be a function"):
        gradient_descent.GradientDescentExplorer(loss=3.0)
