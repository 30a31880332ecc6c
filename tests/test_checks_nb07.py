"""Notebook 07's checks: worked solutions pass; the course's own functions, stubs, crashes and known mistakes do not."""
from __future__ import annotations

import contextlib
import io
import math
import re

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

import gan_utils as gu
from conftest import REPO
from gan_utils.checks import hints, nb07
from gan_utils.checks.core import GIVEAWAY


def relativistic_right(real_scores, fake_scores):
    real = tf.reshape(tf.cast(real_scores, tf.float32), [-1])
    fake = tf.reshape(tf.cast(fake_scores, tf.float32), [-1])
    return tf.reduce_mean(tf.nn.softplus(-(real - fake)))


def ddpm_step(how: str = ""):
    """DDPM's training step, right (how="") or with one mistake a learner makes, in TensorFlow operations."""
    def step(network, optimizer, schedule, x0, levels, noise):
        zeta = tf.reshape(tf.gather(tf.constant(schedule.signal_fractions, tf.float32), levels), [-1, 1, 1, 1])
        omega = tf.reshape(tf.gather(tf.constant(schedule.variances, tf.float32), levels), [-1, 1, 1, 1])
        x_j = tf.sqrt(zeta) * x0 + tf.sqrt(1.0 - zeta) * noise
        if how == "no_sqrt":
            x_j = zeta * x0 + (1.0 - zeta) * noise
        if how == "clean_input":
            x_j = x0
        if how == "variance_fraction":
            x_j = tf.sqrt(1.0 - omega) * x0 + tf.sqrt(omega) * noise
        with tf.GradientTape() as tape:
            squared = tf.square((x0 if how == "target_x0" else noise) - network([x_j, levels], training=True))
            if how == "summed":
                loss = tf.reduce_sum(squared) / tf.cast(tf.shape(x0)[0], tf.float32)
            else:
                loss = tf.reduce_mean(squared)
        if how == "no_update":
            return loss
        gradients = tape.gradient(loss, network.trainable_variables)
        optimizer.apply_gradients(zip(gradients, network.trainable_variables))
        if how == "twice":
            optimizer.apply_gradients(zip(gradients, network.trainable_variables))
        if how == "per_digit":
            return tf.reduce_mean(squared, axis=[1, 2, 3])
        return loss

    step.__name__ = "ddpm_train_step"
    return step


BUILDS = {  # exercise -> (check, worked solution, the course's own function a learner might call)
    "relativistic_loss": (gu.checks.check_relativistic_loss, relativistic_right,
                          lambda *a: gu.losses.relativistic_d_loss(*a)),
    "ddpm_train_step": (gu.checks.check_ddpm_train_step, ddpm_step(), lambda *a: gu.diffusion.ddpm_train_step(*a)),
}


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def _verdict(check, *answer, **kwargs) -> str:
    return str(_quiet(check, *answer, **kwargs))


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_the_worked_solution_passes_and_is_used(exercise, capsys):
    check, right, _ = BUILDS[exercise]
    result = _quiet(check, right)
    assert result, str(result)
    assert "eagerly and inside a compiled" in result.message
    assert gu.checks.yours_or_reference(right) is right
    assert "using yours" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_calling_the_course_function_is_a_recognised_mistake(exercise):
    check, _, course = BUILDS[exercise]
    result = _quiet(check, course)
    assert not result and "Recognised mistake" in str(result) and "WriteItYourself" in str(result)


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_an_empty_body_falls_back_to_the_course_version(exercise, capsys):
    def unwritten(*args):
        ...

    unwritten.__name__ = BUILDS[exercise][1].__name__
    chosen = gu.checks.yours_or_reference(unwritten, exercise=exercise)
    assert chosen is not unwritten and callable(chosen)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "not finished" in line and "using the course's version" in line


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_stubs_crashes_and_wrong_kinds_get_verdicts_not_exceptions(exercise):
    check = BUILDS[exercise][0]
    stub = _quiet(check, lambda *args: None)
    assert not stub and "not written yet" in stub.message and "Hint 1/4:" in str(stub)

    def crash(*args):
        raise IndexError("boom")

    crashed = _quiet(check, crash)
    assert not crashed and "raised IndexError" in crashed.message and "Hint 1/4:" in str(crashed)
    for not_a_function in (None, 3.0, "relativistic_d_loss"):
        result = _quiet(check, not_a_function)
        assert not result and "expected a function" in result.message, result.message
        assert "Recognised mistake" not in result.message and "nan" not in result.message, result.message


# --- build 1: the relativistic pairing loss -------------------------------------------------------

def test_the_far_case_overflows_a_naive_formula_and_not_the_reference():
    real, fake = nb07._relativistic_cases()[-1]
    difference = -(np.asarray(real) - np.asarray(fake))
    with np.errstate(over="ignore"):
        assert np.isinf(np.log1p(np.exp(difference.astype(np.float64)))).any()
        assert np.isinf(np.log1p(np.exp(difference.astype(np.float32)))).any()
    assert np.isfinite(float(gu.losses.relativistic_d_loss(real, fake)))
    assert float(relativistic_right(real, fake)) == pytest.approx(np.mean(np.logaddexp(0, difference)))


def test_relativistic_mistakes_are_named():
    check = gu.checks.check_relativistic_loss
    for mistake, why in nb07.RELATIVISTIC_MISTAKES:  # as the module writes them (NumPy)
        text = _verdict(check, mistake)
        assert "Recognised mistake" in text and why in text, text

    def flat(scores):
        return tf.reshape(tf.cast(scores, tf.float32), [-1])

    written = {  # the same mistakes as a learner writes them, in TensorFlow
        "the sign is flipped": lambda r, f: tf.reduce_mean(tf.nn.softplus(flat(r) - flat(f))),
        "notebook 02's non-saturating D loss": lambda r, f: tf.reduce_mean(tf.nn.softplus(-flat(r)))
        + tf.reduce_mean(tf.nn.softplus(flat(f))),
        "averaged before the softplus": lambda r, f: tf.nn.softplus(-(tf.reduce_mean(flat(r)) - tf.reduce_mean(flat(f)))),
        "a sigmoid of the difference": lambda r, f: tf.reduce_mean(tf.sigmoid(-(flat(r) - flat(f)))),
    }
    for words, learner in written.items():
        text = _verdict(check, learner)
        assert "Recognised mistake" in text and words in text, (words, text)
    assert "Recognised mistake" not in _verdict(check, lambda r, f: tf.reduce_mean(flat(r) - flat(f)))


def test_a_naive_softplus_overflows_and_is_named():
    check = gu.checks.check_relativistic_loss

    def naive_tf(real_scores, fake_scores):
        real = tf.reshape(tf.cast(real_scores, tf.float32), [-1])
        fake = tf.reshape(tf.cast(fake_scores, tf.float32), [-1])
        return tf.reduce_mean(tf.math.log(1.0 + tf.exp(-(real - fake))))

    def naive_numpy(real_scores, fake_scores):
        with np.errstate(over="ignore"):
            return np.mean(np.log(1.0 + np.exp(-(np.ravel(real_scores) - np.ravel(fake_scores)))))

    for naive in (naive_tf, naive_numpy):
        text = _verdict(check, naive)
        assert text.startswith("NOT YET") and "case 4 of 4" in text, text
        assert "overflows" in text and "softplus computes it safely" in text, text
        assert GIVEAWAY.search(text) is None, text


def test_the_relativistic_loss_must_run_inside_a_tf_function():
    def with_numpy(real_scores, fake_scores):
        return float(np.mean(np.logaddexp(0.0, -(np.ravel(real_scores) - np.ravel(fake_scores)))))

    text = _verdict(gu.checks.check_relativistic_loss, with_numpy)
    assert "it works on NumPy arrays, but inside a compiled TensorFlow function" in text, text
    assert "TensorFlow operations" in text and "in user code" not in text, text
    passed = _verdict(gu.checks.check_relativistic_loss, relativistic_right)
    assert "eagerly and inside a compiled TensorFlow function" in passed and "far from 0" in passed
    for case in nb07._relativistic_cases():  # the course's version gives the same compiled as eager
        assert np.allclose(nb07._compiled(gu.losses.relativistic_d_loss)(*case),
                           gu.losses.relativistic_d_loss(*case), atol=1e-6)


# --- build 2: DDPM's training step ------------------------------------------------------------------

def test_every_step_mistake_is_named():
    check = gu.checks.check_ddpm_train_step
    assert set(nb07.STEP_MISTAKES) == {"no_sqrt", "clean_input", "variance_fraction", "target_x0", "summed"}
    for how, why in nb07.STEP_MISTAKES.items():
        text = _verdict(check, ddpm_step(how))
        assert text.startswith("NOT YET") and "eagerly" in text, (how, text)
        assert f"Recognised mistake: {why}" in text, (how, text)


def test_step_mistakes_in_the_update_are_named():
    check = gu.checks.check_ddpm_train_step
    assert "no weight changed" in _verdict(check, ddpm_step("no_update"))
    assert "differ from one optimizer step" in _verdict(check, ddpm_step("twice"))
    per_digit = _verdict(check, ddpm_step("per_digit"))
    assert "one number" in per_digit and "(6,)" in per_digit
    for how in ("no_update", "twice", "per_digit"):
        assert "Recognised mistake" not in _verdict(check, ddpm_step(how))


def test_the_step_must_run_inside_a_tf_function():
    def with_numpy(network, optimizer, schedule, x0, levels, noise):
        zeta = schedule.signal_fractions[np.asarray(levels)].reshape(-1, 1, 1, 1).astype(np.float32)
        x_j = np.sqrt(zeta) * np.asarray(x0) + np.sqrt(1 - zeta) * np.asarray(noise)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(noise - network([x_j, levels], training=True)))
        optimizer.apply_gradients(zip(tape.gradient(loss, network.trainable_variables), network.trainable_variables))
        return loss

    text = _verdict(gu.checks.check_ddpm_train_step, with_numpy)
    assert "it works eagerly, but inside a compiled TensorFlow function" in text, text
    assert "symbolic tensors" in text and "in user code" not in text and "File " not in text, text
    assert GIVEAWAY.search(text.split("Hint 1/4")[0].replace("no .numpy()", "")) is None, text


# --- exercise 4: a distilled student's cost, from the learner's table ------------------------------------

def test_student_cost_is_read_from_the_table_it_is_given():
    check = gu.checks.check_student_cost
    for times in ([20.0, 15.0, 4000.0, 900.0], [90.0, 60.0, 20000.0, 4200.0]):
        table = _table(times)
        from_ddim10, from_ddim50 = times[3] * 4 / 10, times[2] * 4 / 50
        assert _quiet(check, from_ddim10, table=table) and _quiet(check, from_ddim50, table=table)
        assert not _quiet(check, times[0] * 4, table=table)
        assert "own time" in _verdict(check, times[3], table=table)
        assert "multiplies" in _verdict(check, times[3] * 4, table=table)
        assert "upside down" in _verdict(check, times[3] * 10 / 4, table=table)
    stub = _verdict(check, None, table=_table([20.0, 15.0, 4000.0, 900.0]))
    assert stub.startswith("NOT YET") and "set student_ms" in stub and "Hint 1/4:" in stub
    assert "pass the side-by-side table" in _verdict(check, 10.0)
    assert "is not what your table implies" in _verdict(check, 1e6, table=_table([20.0, 15.0, 4000.0, 900.0]))


# --- exercise 1: predict the relativistic loss ------------------------------------------------------

def test_predict_relativistic():
    check = gu.checks.check_predict_relativistic
    d, g = math.log(4 / 3), math.log(4)
    for pair in ((d, g), (0.2877, 1.3863), (0.29, 1.39), (np.float32(d), np.float32(g))):
        assert _quiet(check, *pair), pair
    assert "swapped" in _verdict(check, g, d)
    assert "EQUAL" in _verdict(check, math.log(2), math.log(2))
    assert "sigmoids of the difference" in _verdict(check, 0.25, 0.75)
    assert "loss_g is not right" in _verdict(check, d, 1.0) and "loss_d is not right" in _verdict(check, 1.0, g)
    assert "Recognised mistake" not in _verdict(check, 1.0, 2.0)
    assert "set loss_d to a number" in _verdict(check) and "set loss_d to a number" in _verdict(check, "0.29", g)
    assert "set loss_g to a number" in _verdict(check, d)
    for text in (_verdict(check, 1.0, 2.0), _verdict(check, g, d)):
        head = text.split("Hint 1/4")[0].split("(loss_d =")[0]
        assert "0.2877" not in head and "1.386" not in head and "log(4" not in head, text


def test_predict_relativistic_confirms_with_your_loss_only_after_both_are_right():
    check = gu.checks.check_predict_relativistic
    calls = []

    def spy(real, fake):
        calls.append(1)
        return relativistic_right(real, fake)

    for pair in ((None, None), (1.0, math.log(4)), (math.log(4 / 3), None)):
        assert not _quiet(check, *pair, confirm_with=spy)
    assert not calls, "the confirmation ran before both were right: the cell would show the answer"
    text = _verdict(check, math.log(4 / 3), math.log(4), confirm_with=spy)
    assert calls and "gives 0.2877 for D and 1.3863 with the pair swapped" in text
    crashed = _verdict(check, math.log(4 / 3), math.log(4), confirm_with=lambda r, f: 1 / 0)
    assert crashed.startswith("PASSED") and "raised ZeroDivisionError" in crashed


# --- exercise 2: half the signal ------------------------------------------------------------------------

def test_signal_half():
    check = gu.checks.check_signal_half
    answer = math.floor(math.log(2) / -math.log(0.99)) + 1  # the worked solution's line
    assert answer == nb07.signal_half_answer() == 69
    assert 0.99 ** 68 > 0.5 > 0.99 ** 69
    for value in (69, 69.0, np.int64(69)):
        assert _quiet(check, value), value
    assert "0.5049 at level 68 and 0.4998 at level 69" in _verdict(check, 69)
    assert "still above one half" in _verdict(check, 68)
    assert "fractions multiply" in _verdict(check, 51)  # 1 - 0.01 j below one half
    assert (0.99 ** 35) ** 2 < 0.5 < (0.99 ** 34) ** 2
    for squared in (34, 35):
        assert "zeta_j squared" in _verdict(check, squared), squared
    assert math.sqrt(0.99 ** 138) < 0.5 < math.sqrt(0.99 ** 137)
    assert "square root of zeta_j" in _verdict(check, 138)
    for other in (70, 100, 1):
        text = _verdict(check, other)
        assert text.startswith("NOT YET") and "Recognised mistake" not in text, text
    for not_whole in (None, 69.5, "69", True, [69]):
        assert "whole number" in _verdict(check, not_whole), not_whole
    for wrong in (68, 51, 35, 138, 70):
        assert "69" not in _verdict(check, wrong).split("Hint 1/4")[0].replace("0.", ""), wrong


# --- exercise 3: a loss stuck at 1 ----------------------------------------------------------------------

def test_diagnose_flat_loss():
    check = gu.checks.check_diagnose_flat_loss
    assert _quiet(check, "A") and _quiet(check, " a ")
    assert "still sees the noisy x_j" in _verdict(check, "B")
    assert "slows the fall" in _verdict(check, "C")
    for wrong in ("B", "C"):
        head = _verdict(check, wrong).split("Hint 1/4")[0]
        assert "'A'" not in head and "A:" not in head and "clean digit" not in head, head
    assert "is not one of" in _verdict(check, "D")
    assert "set bug to 'A', 'B' or 'C'" in _verdict(check, None)


# --- section 5: which rows are fast enough, from the learner's own table --------------------------------

ROWS = ["GAN (course recipe)", "VAE", "diffusion, DDIM 50", "diffusion, DDIM 10"]


def _table(times):
    return pd.DataFrame({"MNIST score ↑": [9.0, 8.0, 9.2, 8.7], "ms per 1,000 samples": times}, index=ROWS)


def test_fast_enough_computes_its_answer_from_the_table_it_is_given():
    check = gu.checks.check_fast_enough
    fast_machine = _table([20.0, 15.0, 450.0, 95.0])
    slow_machine = _table([90.0, 60.0, 2300.0, 610.0])
    assert nb07.fast_enough_answer(fast_machine) == set(ROWS)
    assert nb07.fast_enough_answer(slow_machine) == {"GAN (course recipe)", "VAE"}
    # the worked solution's line, on each table
    for table in (fast_machine, slow_machine):
        solution = set(table.index[table["ms per 1,000 samples"] <= 600])
        assert _quiet(check, solution, table=table)
        assert _quiet(check, sorted(solution), table=table)
    assert not _quiet(check, set(ROWS), table=slow_machine)
    assert not _quiet(check, {"GAN (course recipe)", "VAE"}, table=fast_machine)
    assert "600 ms per 1,000 samples" in _verdict(check, {"GAN (course recipe)", "VAE"}, table=slow_machine)
    exactly = _table([20.0, 15.0, 600.0, 601.0])  # "at most" the budget
    assert _quiet(check, {"GAN (course recipe)", "VAE", "diffusion, DDIM 50"}, table=exactly)


def test_fast_enough_names_what_is_wrong():
    check = gu.checks.check_fast_enough
    table = _table([90.0, 60.0, 2300.0, 610.0])
    assert "also fit the budget" in _verdict(check, {"VAE"}, table=table)
    assert "do not" in _verdict(check, {"VAE", "GAN (course recipe)", "diffusion, DDIM 10"}, table=table)
    assert "also fit the budget" in _verdict(check, "VAE", table=table)  # one name alone is a set of one
    assert "not rows of the table" in _verdict(check, {"GAN"}, table=table)
    assert "set fast_enough" in _verdict(check, None, table=table)
    assert "expected a set of row names" in _verdict(check, 3, table=table)
    for no_table in (None, pd.DataFrame({"seconds": [1.0]}), [1, 2]):
        assert "pass the side-by-side table" in _verdict(check, {"VAE"}, table=no_table)
    assert "pass the side-by-side table" in _verdict(check, {"VAE"})
    head = _verdict(check, {"VAE"}, table=table).split("Hint 1/4")[0]
    assert "600" not in head, "a wrong answer's verdict does not state the budget"


# --- the notebook's cells and the worked solutions -----------------------------------------------------

SOURCE = (REPO / "notebooks" / "src" / "07_after_the_gan.py").read_text(encoding="utf-8")


def test_the_notebook_calls_every_check_and_its_stubs_get_a_first_verdict():
    for name in ("check_relativistic_loss", "check_ddpm_train_step", "check_student_cost",
                 "check_predict_relativistic", "check_signal_half", "check_diagnose_flat_loss", "check_fast_enough"):
        assert f"gu.checks.{name}(" in SOURCE, name
    stubs = {  # the exercise cells as a learner first runs them
        gu.checks.check_predict_relativistic: (None, None),
        gu.checks.check_signal_half: (None,),
        gu.checks.check_diagnose_flat_loss: (None,),
    }
    for check, answer in stubs.items():
        text = _verdict(check, *answer, **({"confirm_with": relativistic_right}
                                            if check is gu.checks.check_predict_relativistic else {}))
        assert text.startswith("NOT YET") and "Hint 1/4:" in text and "set " in text, text
    assert "Hint 1/4:" in _verdict(gu.checks.check_fast_enough, None, table=_table([1.0, 1.0, 1.0, 1.0]))


def test_the_worked_solutions_answers_pass():
    assert 'student_ms = table.loc["diffusion, DDIM 10", "ms per 1,000 samples"] * 4 / 10' in SOURCE
    assert "loss_d, loss_g = math.log(1 + 1 / 3), math.log(1 + 3)" in SOURCE
    assert "first_level = math.floor(math.log(2) / -math.log(0.99)) + 1" in SOURCE
    assert 'bug = "A"' in SOURCE and nb07.FLAT_ANSWER == "A"
    assert 'table["ms per 1,000 samples"] <= 600' in SOURCE and nb07.BUDGET_MS_PER_1000 == 600
    assert nb07.TIME_COLUMN in SOURCE


# --- hints -----------------------------------------------------------------------------------------

def test_every_hint_has_four_levels_and_the_first_two_hold_no_formula_or_code():
    assert set(nb07.HINTS) == {"relativistic_loss", "ddpm_train_step", "student_cost", "predict_relativistic",
                               "signal_half", "diagnose_flat_loss", "fast_enough"}
    for name, levels in nb07.HINTS.items():
        assert len(levels) == 4 and all(levels) and len(set(levels)) == 4, name
        question, step, _, code = levels
        assert question.rstrip().endswith("?"), (name, question)
        assert GIVEAWAY.search(question) is None, (name, question)
        assert GIVEAWAY.search(step) is None, (name, step)
        assert "$" not in question and "$" not in step, (name, "no LaTeX before level 3")
        assert "```python" in code and "```python" not in question + step, name
        assert hints.all_hints()[name] == levels


def test_the_first_hints_state_no_answer():
    first = {name: levels[0] for name, levels in nb07.HINTS.items()}
    assert "softplus" not in first["relativistic_loss"] and "difference" not in first["relativistic_loss"]
    assert "square" not in first["ddpm_train_step"] and "zeta" not in first["ddpm_train_step"]
    assert "4" not in first["student_cost"] and "/" not in first["student_cost"]
    assert "log" not in first["predict_relativistic"] and "swap" not in first["predict_relativistic"]
    assert not any(ch.isdigit() for ch in first["signal_half"])
    assert not re.search(r"\b[BC]\b|\bA\b(?! loss)", first["diagnose_flat_loss"])  # names no bug ("A loss" is English)
    assert "clean" not in first["diagnose_flat_loss"]
    assert "600" not in first["fast_enough"]


def test_the_code_hints_pass_their_checks():
    def body_of(code: str) -> str:
        return code.strip().strip("`").removeprefix("python\n")

    for name, signature in (("relativistic_loss", "relativistic_d_loss(real_scores, fake_scores)"),
                            ("ddpm_train_step", "ddpm_train_step(network, optimizer, schedule, x0, levels, noise)")):
        namespace = {"tf": tf}
        exec(compile(f"def {signature}:\n" + "\n".join("    " + line for line in body_of(nb07.HINTS[name][3])
                                                       .splitlines()), "<hint>", "exec"), namespace)
        function = namespace[signature.split("(")[0]]
        assert _quiet(BUILDS[name][0], function), name
    answers: dict = {"math": math}
    for name in ("predict_relativistic", "signal_half", "diagnose_flat_loss"):
        exec(body_of(nb07.HINTS[name][3]), answers)
    assert _quiet(gu.checks.check_predict_relativistic, answers["loss_d"], answers["loss_g"])
    assert _quiet(gu.checks.check_signal_half, answers["j"])
    assert _quiet(gu.checks.check_diagnose_flat_loss, answers["bug"])
    table = _table([90.0, 60.0, 2300.0, 610.0])
    answers["table"] = table
    exec(body_of(nb07.HINTS["fast_enough"][3]), answers)
    assert _quiet(gu.checks.check_fast_enough, answers["fast_enough"], table=table)
    exec(body_of(nb07.HINTS["student_cost"][3]), answers)
    assert _quiet(gu.checks.check_student_cost, answers["student_ms"], table=table)


def test_the_hints_keep_the_course_notation():
    text = " ".join(" ".join(levels) for levels in nb07.HINTS.values())
    assert not re.search(r"\\(?:beta|alpha|epsilon)\b|\\bar\\alpha", text), "the papers' beta_t, alpha-bar_t, epsilon"
    assert not re.search(r"\bx_t\b|\bepsilon\b", text)
    assert r"\zeta_j" in nb07.HINTS["ddpm_train_step"][2] and r"\hat\xi(x_{j_i}, j_i)" in nb07.HINTS["ddpm_train_step"][2]
    assert r"\omega_i" in nb07.HINTS["signal_half"][2]
    assert "s(x^{(i)})" in nb07.HINTS["relativistic_loss"][2] and "D(x" not in nb07.HINTS["relativistic_loss"][2]


def test_every_check_is_registered():
    for name in ("check_relativistic_loss", "check_ddpm_train_step", "check_student_cost",
                 "check_predict_relativistic", "check_signal_half", "check_diagnose_flat_loss", "check_fast_enough"):
        assert name in gu.checks.__all__ and getattr(gu.checks, name).__module__ == "gan_utils.checks.nb07"
    assert "nb07" in hints.NOTEBOOKS
