"""Notebook 04's checks: the two build cells pass a right answer, refuse the course's own, name each known mistake."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.checks import nb04


# ----- build cell 1: the gradient penalty -------------------------------------------------------------

def good_gradient_penalty(critic, real, fake, epsilon):
    x_hat = epsilon * real + (1 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(grads ** 2, axis=[1, 2, 3]))
    return tf.reduce_mean((norms - 1) ** 2)


def _penalty(transform, per_sample=True, swap=False):
    def gp(critic, real, fake, epsilon):
        x_hat = epsilon * fake + (1 - epsilon) * real if swap else epsilon * real + (1 - epsilon) * fake
        with tf.GradientTape() as tape:
            tape.watch(x_hat)
            scores = critic(x_hat)
        g = tape.gradient(scores, x_hat)
        norms = tf.sqrt(tf.reduce_sum(g ** 2, axis=[1, 2, 3] if per_sample else None))
        return transform(norms)
    return gp


def test_gradient_penalty_check_passes_the_worked_solution():
    assert gu.checks.check_gradient_penalty(good_gradient_penalty)


@pytest.mark.parametrize("course", [
    lambda c, r, f, e: gu.losses.gradient_penalty(c, r, f, e),
    lambda c, r, f, e: tf.reduce_mean(gu.losses.gradient_penalty_per_example(c, r, f, e)),
])
def test_gradient_penalty_check_refuses_the_course_function(course):
    result = gu.checks.check_gradient_penalty(course)
    assert not result and "Recognised mistake" in result.message and "Write the steps yourself" in result.message


def test_the_course_penalty_still_works_outside_a_check():
    real, fake = tf.ones((2, 2, 2, 1)), tf.zeros((2, 2, 2, 1))
    assert np.isfinite(float(gu.losses.gradient_penalty(lambda x: tf.reduce_sum(x, axis=[1, 2, 3]), real, fake)))


@pytest.mark.parametrize("wrong, message", [
    (_penalty(lambda n: tf.reduce_mean((n ** 2 - 1) ** 2)), "squared length"),
    (_penalty(lambda n: (n - 1) ** 2, per_sample=False), "one norm for the whole batch"),
    (_penalty(lambda n: tf.reduce_mean(tf.abs(n - 1))), "absolute gap"),
    (_penalty(lambda n: tf.reduce_mean(tf.nn.relu(n - 1) ** 2)), "two-sided"),
    (_penalty(lambda n: tf.reduce_mean((n - 1) ** 2), swap=True), "this check fixes epsilon"),
])
def test_gradient_penalty_check_names_the_mistake(wrong, message):
    result = gu.checks.check_gradient_penalty(wrong)
    assert not result
    assert message in result.message


@pytest.mark.parametrize("stub", [None, lambda c, r, f, e: None, lambda c, r, f, e: 1 / 0])
def test_gradient_penalty_check_never_raises(stub):
    assert not gu.checks.check_gradient_penalty(stub)


def test_yours_or_reference_keeps_a_passing_penalty_and_falls_back_for_a_stub(capsys):
    assert gu.checks.check_gradient_penalty(good_gradient_penalty)
    assert gu.checks.yours_or_reference(good_gradient_penalty) is good_gradient_penalty
    assert "using yours" in capsys.readouterr().out

    def gradient_penalty(critic, real, fake, epsilon):
        """The student edition's empty body."""
        ...

    fallback = gu.checks.yours_or_reference(gradient_penalty)
    assert fallback is not gradient_penalty and "using the course's version" in capsys.readouterr().out
    real, fake = tf.ones((2, 2, 2, 1)), tf.zeros((2, 2, 2, 1))
    epsilon = tf.fill((2, 1, 1, 1), 0.5)
    critic = lambda x: tf.reduce_sum(x, axis=[1, 2, 3])  # noqa: E731
    assert float(fallback(critic, real, fake, epsilon)) == pytest.approx(float(good_gradient_penalty(critic, real, fake, epsilon)), rel=1e-4)


# ----- build cell 2: one step of power iteration -------------------------------------------------------

def good_power_iteration_step(W, r):
    r = W.T @ (W @ r)
    r = r / np.linalg.norm(r)
    return r, np.linalg.norm(W @ r)


def test_power_iteration_check_passes_the_worked_solution_and_refuses_the_course_function():
    assert gu.checks.check_power_iteration_step(good_power_iteration_step)
    result = gu.checks.check_power_iteration_step(lambda W, r: gu.layers.power_iteration_step(W, r))
    assert not result and "Recognised mistake" in result.message


def test_the_course_power_iteration_converges_to_the_svd():
    W = np.random.default_rng(0).normal(size=(40, 12))
    r = np.ones(12) / np.sqrt(12)
    for _ in range(200):
        r, sigma = gu.layers.power_iteration_step(W, r)
    assert sigma == pytest.approx(np.linalg.svd(W, compute_uv=False)[0], rel=1e-6)
    assert np.linalg.norm(r) == pytest.approx(1.0)


def _unnormalised(W, r):
    r = W.T @ (W @ r)
    return r, np.linalg.norm(W @ r)


def _old_vector(W, r):
    new = W.T @ (W @ r)
    return new / np.linalg.norm(new), np.linalg.norm(W @ r)


def _squared(W, r):
    new = W.T @ (W @ r)
    return new / np.linalg.norm(new), np.linalg.norm(new)


@pytest.mark.parametrize("wrong, message", [
    (_unnormalised, "not scaled back to length 1"),
    (_old_vector, "OLD vector"),
    (_squared, "SQUARE of the largest singular value"),
])
def test_power_iteration_check_names_the_mistake(wrong, message):
    result = gu.checks.check_power_iteration_step(wrong)
    assert not result and message in result.message


@pytest.mark.parametrize("stub", [None, lambda W, r: None, lambda W, r: (None, None), lambda W, r: 3.0,
                                  lambda W, r: 1 / 0])
def test_power_iteration_check_never_raises(stub):
    assert not gu.checks.check_power_iteration_step(stub)


def test_yours_or_reference_falls_back_for_an_empty_power_iteration(capsys):
    def power_iteration_step(W, r):
        """The student edition's empty body."""
        ...

    fallback = gu.checks.yours_or_reference(power_iteration_step)
    assert "using the course's version" in capsys.readouterr().out
    W = np.random.default_rng(1).normal(size=(6, 4))
    r = np.ones(4) / 2
    np.testing.assert_allclose(fallback(W, r)[0], good_power_iteration_step(W, r)[0])


# ----- exercises -----------------------------------------------------------------------------------------

def test_diagnosis_passes_d_wins_and_explains_each_distractor():
    assert gu.checks.check_diagnosis("d_wins")
    for choice in ("collapse", "divergence", "slow_g"):
        result = gu.checks.check_diagnosis(choice)
        assert not result and result.message.startswith("Recognised mistake: Not")
    assert not gu.checks.check_diagnosis(None)


def test_the_mystery_run_is_the_recipe_without_spectral_norm_with_its_name_hidden():
    study = gu.study.load()
    runs = gu.variants.mystery_runs(study)
    assert len(runs) == len(study["seeds"]) and all("variant" not in run for run in runs)
    d_losses = [[p["d_loss"] for p in run["metrics"]] for run in runs]
    assert all(losses[-1] < losses[0] for losses in d_losses), "the exercise's answer: D's loss falls"
    assert all(min(p["classes_covered"] for p in run["metrics"]) == 10 for run in runs)


def test_design_check_needs_six_seeds_and_the_studys_step():
    study = gu.study.load()
    assert nb04.seeds_for_agreement() == 6
    steps = nb04.steps_until_held(study, "recipe without spectral norm", gu.variants.RECIPE_NAME)
    assert steps == 3500
    assert gu.checks.check_design(6, steps)
    assert "two ways" in gu.checks.check_design(5, steps).message
    assert "too early" in gu.checks.check_design(6, 2500).message
    assert "later than needed" in gu.checks.check_design(6, 4000).message
    assert not gu.checks.check_design(None, None)


class _Run:
    def __init__(self, score, variant="yours: hinge, lr 2e-04/2e-03, k 1"):
        self.scores, self.variant, self.steps = {"mnist_score": score}, variant, 300


def test_predict_hinge_lead_compares_the_prediction_with_the_run():
    assert gu.checks.check_predict_hinge_lead("learns", _Run(2.4))
    assert not gu.checks.check_predict_hinge_lead("stalls", _Run(2.4))
    assert gu.checks.check_predict_hinge_lead("stalls", _Run(1.01))
    assert "record your prediction first" in gu.checks.check_predict_hinge_lead(None, _Run(2.0)).message
    assert "train the panel first" in gu.checks.check_predict_hinge_lead("learns", None).message
    assert "not a hinge-loss run" in gu.checks.check_predict_hinge_lead(
        "learns", _Run(2.0, "yours: minimax, lr 2e-04/2e-03, k 1")).message
    assert "ten times faster" in gu.checks.check_predict_hinge_lead(
        "learns", _Run(2.0, "yours: hinge, lr 2e-04/2e-04, k 1")).message


def test_linear_critic_penalty():
    assert gu.checks.check_linear_critic_penalty(lambda w: (np.linalg.norm(w) - 1) ** 2)
    assert "squared length" in gu.checks.check_linear_critic_penalty(lambda w: (np.sum(w ** 2) - 1) ** 2).message
    assert "squared in the penalty" in gu.checks.check_linear_critic_penalty(lambda w: np.linalg.norm(w) - 1).message
    assert "each weight on its own" in gu.checks.check_linear_critic_penalty(
        lambda w: np.mean((np.abs(w) - 1) ** 2)).message


def test_linear_critic_penalty_agrees_with_the_course_penalty():
    w = np.random.default_rng(3).normal(size=(1, 4, 4, 1)).astype(np.float32)
    critic = lambda x: tf.reduce_sum(x * w, axis=[1, 2, 3]) + 0.7  # noqa: E731
    rng = np.random.default_rng(4)
    real, fake = (tf.constant(rng.uniform(-1, 1, (5, 4, 4, 1)), tf.float32) for _ in range(2))
    assert float(gu.losses.gradient_penalty(critic, real, fake)) == pytest.approx((np.linalg.norm(w) - 1) ** 2, rel=1e-4)


def test_smoothed_optimal_d():
    good = lambda p, q, a: (1 - a) * p / (p + q)  # noqa: E731
    assert gu.checks.check_smoothed_optimal_d(good)
    assert "two-sided" in gu.checks.check_smoothed_optimal_d(lambda p, q, a: ((1 - a) * p + a * q) / (p + q)).message
    assert "weighted the real data by alpha" in gu.checks.check_smoothed_optimal_d(lambda p, q, a: a * p / (p + q)).message
    assert "changes nothing" in gu.checks.check_smoothed_optimal_d(lambda p, q, a: p / (p + q)).message
    assert "denominator" in gu.checks.check_smoothed_optimal_d(lambda p, q, a: (1 - a) * p / ((1 - a) * p + q)).message


def test_every_hint_has_four_levels_and_no_old_notation():
    assert set(nb04.HINTS) == {"gradient_penalty", "power_iteration_step", "diagnose_run", "design_experiment",
                               "predict_hinge_lead", "linear_critic_penalty", "smoothed_optimal_d"}
    for name, levels in nb04.HINTS.items():
        assert len(levels) == 4 and all(levels), name
        assert "t = 1" not in "".join(levels) and "s = sigma" not in "".join(levels) and "\\alpha x" not in levels[2]
