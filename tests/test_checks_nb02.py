"""Notebook 02's checks: worked solutions pass; calling the course's own function, sign errors, swapped labels,
stubs and crashes get named; an unwritten build cell falls back to the course's version in one line."""
from __future__ import annotations

import math

import numpy as np
import pytest

import gan_utils as gu
from gan_utils.engine import answers, densities, losses


def softplus(u):
    return np.logaddexp(0.0, np.asarray(u, dtype=np.float64))


def kl(p, q):
    p, q = np.asarray(p, float), np.asarray(q, float)
    seen = p > 0
    if np.any(q[seen] == 0):
        return np.inf
    return float(np.sum(p[seen] * np.log(p[seen] / q[seen])))


def jsd(p, q):
    m = 0.5 * (np.asarray(p, float) + np.asarray(q, float))
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def d_loss(real, fake):
    return np.mean(softplus(-real)) + np.mean(softplus(fake))


def g_minimax(fake):
    return -np.mean(softplus(fake))


def g_non_saturating(fake):
    return np.mean(softplus(-fake))


def naive_d_loss(real, fake):
    real, fake = np.asarray(real, np.float32), np.asarray(fake, np.float32)
    return -np.mean(np.log(1 / (1 + np.exp(-real)))) - np.mean(np.log(1 - 1 / (1 + np.exp(-fake))))


def d_star(p_data, p_g):
    return p_data / (p_data + p_g)


def lsgan(real, fake):
    return 0.5 * np.mean((real - 1) ** 2) + 0.5 * np.mean((fake + 1) ** 2), 0.5 * np.mean(fake ** 2)


def logit(x, mean_data, std_data, mean_g, std_g):
    return np.log(std_g / std_data) - (x - mean_data) ** 2 / (2 * std_data ** 2) + (x - mean_g) ** 2 / (2 * std_g ** 2)


def diracs(theta):
    return (0.0, 0.0) if theta == 0 else (jsd([1.0, 0.0], [0.0, 1.0]), abs(theta))


def test_worked_solutions_pass(capsys):
    assert gu.checks.check_kl_divergence(kl)
    assert gu.checks.check_js_divergence(jsd)
    assert gu.checks.check_optimal_discriminator(d_star)
    assert gu.checks.check_gan_d_loss(d_loss)
    assert gu.checks.check_gan_g_loss(g_minimax, "minimax")
    assert gu.checks.check_gan_g_loss_non_saturating(g_non_saturating)
    assert gu.checks.check_lsgan_losses(lsgan)
    assert gu.checks.check_lsgan_optimal_d(lambda p, q: (p - q) / (p + q))
    assert gu.checks.check_gaussian_d_star_logit(logit)
    assert gu.checks.check_box_criterion(-math.log(2))
    assert gu.checks.check_dirac_distances(diracs)
    assert capsys.readouterr().out.count("PASSED") == 11


@pytest.mark.parametrize("check, course", [
    (gu.checks.check_kl_divergence, lambda p, q: densities.kl_divergence(p, q)),
    (gu.checks.check_js_divergence, lambda p, q: densities.js_divergence(p, q)),
    (gu.checks.check_optimal_discriminator, lambda p, q: densities.optimal_discriminator(p, q)),
    (gu.checks.check_gan_d_loss, lambda r, f: losses.discriminator_loss(r, f, "minimax")),
    (gu.checks.check_gan_d_loss, lambda r, f: losses.discriminator_loss_per_example(r, f, "minimax").numpy().mean()),
    (gu.checks.check_gan_g_loss_minimax, lambda f: losses.generator_loss(f, "minimax")),
    (gu.checks.check_gan_g_loss_non_saturating, lambda f: losses.generator_loss(f, "non_saturating")),
    (gu.checks.check_gan_g_loss_non_saturating,
     lambda f: losses.generator_loss_per_example(f, "non_saturating").numpy().mean()),
])
def test_calling_the_courses_own_function_is_a_recognised_mistake(check, course, capsys):
    result = check(course)
    assert not result and "Recognised mistake" in result.message and "WriteItYourself" in result.message


def test_the_engine_marks_its_answers_and_refuses_them_only_inside_their_window():
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    for exercise, call in [("kl_divergence", lambda: densities.kl_divergence(p, q)),
                           ("js_divergence", lambda: densities.js_divergence(p, q)),
                           ("optimal_discriminator", lambda: densities.optimal_discriminator(p, q)),
                           ("gan_d_loss", lambda: losses.discriminator_loss(p, q)),
                           ("gan_g_loss_minimax", lambda: losses.generator_loss(q, "minimax")),
                           ("gan_g_loss_non_saturating", lambda: losses.generator_loss(q))]:
        call()
        with answers.learner_code(exercise):
            with pytest.raises(answers.WriteItYourself):
                call()
        with answers.learner_code("some_other_exercise"):
            call()


@pytest.mark.parametrize("wrong, words", [
    (lambda p, q: kl(q, p), "swapped"),
    (lambda p, q: kl(p, q) / math.log(2), "bits"),
    (lambda p, q: float(np.sum(np.asarray(p) * np.log(np.asarray(p) / np.asarray(q)))), "NaN"),
    (lambda p, q: float(np.sum(np.where(np.asarray(q) > 0, np.asarray(p) * np.log(np.maximum(p, 1e-300) / np.maximum(q, 1e-300)), 0))), "infinite"),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_kl_mistakes_get_named(wrong, words):
    result = gu.checks.check_kl_divergence(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda p, q: 2 * jsd(p, q), "twice"),
    (lambda p, q: 0.5 * (kl(p, q) + kl(q, p)), "average of the two KL"),
    (lambda p, q: 0.5 * kl(p, np.add(p, q)) + 0.5 * kl(q, np.add(p, q)), "must be their average"),
])
def test_jsd_mistakes_get_named(wrong, words):
    result = gu.checks.check_js_divergence(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda r, f: -d_loss(r, f), "the sign is flipped"),
    (lambda r, f: d_loss(f, r), "the labels are swapped"),
    (lambda r, f: np.sum(softplus(-r)) + np.sum(softplus(f)), "you summed over the batch"),
    (lambda r, f: np.mean(softplus(-r)), "only the real images' term"),
    (lambda r, f: -np.mean(np.log(r)) - np.mean(np.log(1 - f)), "NaN"),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_discriminator_loss_mistakes_get_named(wrong, words):
    result = gu.checks.check_gan_d_loss(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("kind, wrong, words", [
    ("minimax", g_non_saturating, "non-saturating loss"),
    ("minimax", lambda f: -g_minimax(f), "the sign is flipped"),
    ("non_saturating", g_minimax, "minimax loss"),
    ("non_saturating", lambda f: -g_non_saturating(f), "the sign is flipped"),
    ("non_saturating", lambda f: np.sum(softplus(-f)), "summed"),
])
def test_generator_loss_mistakes_get_named(kind, wrong, words):
    result = gu.checks.check_gan_g_loss(wrong, kind)
    assert not result and words in result.message


def test_generator_loss_names_an_unknown_kind_without_raising():
    result = gu.checks.check_gan_g_loss(g_minimax, "wgan")
    assert not result and "'wgan'" in result.message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_naive_log_of_a_sigmoid_fails_on_confident_logits_with_the_overflow_explained():
    result = gu.checks.check_gan_d_loss(naive_d_loss)
    assert not result and "case 4 of 4" in result.message and "logit of 40" in result.message
    assert "NaN or infinity" in result.message


@pytest.mark.parametrize("wrong, words", [
    (lambda p, q: q / (p + q), "REAL"),
    (lambda p, q: p / q, "can exceed 1"),
    (lambda p, q: np.full_like(p, 0.5), "only where"),
])
def test_optimal_discriminator_mistakes_get_named(wrong, words):
    result = gu.checks.check_optimal_discriminator(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("check, wrong, words", [
    (gu.checks.check_lsgan_losses, lambda r, f: (lsgan(r, f)[0], 0.5 * np.mean((f - 1) ** 2)), "real target 1"),
    (gu.checks.check_lsgan_losses, lambda r, f: (2 * lsgan(r, f)[0], 2 * lsgan(r, f)[1]), "one half"),
    (gu.checks.check_lsgan_optimal_d, d_star, "section 3's D*"),
    (gu.checks.check_gaussian_d_star_logit, lambda *a: -logit(*a), "sign is flipped"),
    (gu.checks.check_gaussian_d_star_logit, lambda x, md, sd, mg, sg: logit(x, md, sd, mg, sg) - np.log(sg / sd),
     "normalising constants"),
    (gu.checks.check_gaussian_d_star_logit,
     lambda x, md, sd, mg, sg: np.log(densities.gaussian_pdf(x, md, sd) / densities.gaussian_pdf(x, mg, sg)), "underflow"),
    (gu.checks.check_dirac_distances, lambda t: (jsd([1.0, 0.0], [0.0, 1.0]), abs(t)), "same distribution"),
    (gu.checks.check_dirac_distances, lambda t: (kl([1.0, 0.0], [0.0, 1.0]), abs(t)), "KL divergence"),
])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_exercise_mistakes_get_named(check, wrong, words):
    result = check(wrong)
    assert not result and words in result.message


@pytest.mark.parametrize("value, words", [(-math.log(4), "coincide"), (0.0, "do not overlap"),
                                          (math.log(2), "sign"), (math.log(2) / 2, "the JSD"), (1.0, "not C(G)")])
def test_box_criterion_names_the_usual_wrong_numbers(value, words):
    result = gu.checks.check_box_criterion(value)
    assert not result and words in result.message


@pytest.mark.parametrize("check", [
    gu.checks.check_kl_divergence, gu.checks.check_js_divergence, gu.checks.check_gan_d_loss,
    lambda f: gu.checks.check_gan_g_loss(f, "minimax"),
    lambda f: gu.checks.check_gan_g_loss(f, "non_saturating"),
    gu.checks.check_optimal_discriminator, gu.checks.check_lsgan_losses, gu.checks.check_lsgan_optimal_d,
    gu.checks.check_gaussian_d_star_logit, gu.checks.check_dirac_distances,
])
def test_stub_and_exception_get_hints_not_errors(check):
    stub = check(lambda *args: None)
    assert not stub and "not written yet" in stub.message and "Hint 1/4:" in str(stub)

    def broken(*args):
        raise ZeroDivisionError("oops")

    crashed = check(broken)
    assert not crashed and "raised ZeroDivisionError" in crashed.message and "Hint 1/4:" in str(crashed)
    assert "expected a function" in check(None).message


@pytest.mark.parametrize("exercise, name, worked", [
    ("kl_divergence", "kl_divergence", kl), ("js_divergence", "js_divergence", jsd),
    ("optimal_discriminator", "optimal_discriminator", d_star), ("gan_d_loss", "discriminator_loss", d_loss),
    ("gan_g_loss_minimax", "generator_loss_minimax", g_minimax),
    ("gan_g_loss_non_saturating", "generator_loss_non_saturating", g_non_saturating),
])
def test_yours_or_reference_keeps_a_passing_build_and_falls_back_for_a_stub(exercise, name, worked, capsys):
    def stub(*args):
        ...

    stub.__name__ = name
    chosen = gu.checks.yours_or_reference(stub)
    assert chosen is not stub and "using the course's version" in capsys.readouterr().out
    assert gu.checks.yours_or_reference(worked, exercise=exercise) is worked
    assert "using yours" in capsys.readouterr().out


def test_predict_gradient_explains_what_the_run_showed():
    assert not gu.checks.check_predict_gradient(None)
    right = gu.checks.check_predict_gradient("non-saturating")
    assert right and "99 times larger" in right.message
    wrong = gu.checks.check_predict_gradient("minimax")
    assert not wrong and "you predicted 'minimax'" in wrong.message and "0.0100" in wrong.message


def test_predict_fast_generator_reads_the_run():
    assert "no run to compare" in gu.checks.check_predict_fast_generator("swings").message
    swinging = [0.3, 0.1, 0.01, 0.2, 0.4, 0.03]
    assert gu.checks.check_predict_fast_generator("swings", swinging)
    assert not gu.checks.check_predict_fast_generator("settles", swinging)
    assert gu.checks.check_predict_fast_generator("settles", [0.3, 0.02, 0.01, 0.004])
    assert gu.checks.check_predict_fast_generator("diverges", [0.3, float("nan")])


def test_every_hint_of_notebook_02_has_four_levels_and_the_first_two_hold_no_code():
    for name, levels in gu.checks.nb02.HINTS.items():
        assert len(levels) == 4 and all(levels), name
        assert "```" not in levels[0] + levels[1] and "```python" in levels[3], name
