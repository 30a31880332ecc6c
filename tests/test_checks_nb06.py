"""Notebook 06's checks: worked solutions pass; the course's own functions, stubs, crashes and known mistakes do not."""
from __future__ import annotations

import contextlib
import io
import json
import re
import tracemalloc

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.checks import hints, nb06
from gan_utils.checks.core import GIVEAWAY
from gan_utils.engine import metrics, privacy


def _distances(a, b):
    return np.sqrt(((np.asarray(a)[:, None] - np.asarray(b)[None]) ** 2).sum(-1))


def _radii(x, k):
    d = _distances(x, x)
    np.fill_diagonal(d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]


def precision_recall_right(real, fake, k=3):
    def share_inside(queries, centres, r):
        return float((_distances(queries, centres) <= r[None, :]).any(axis=1).mean())

    return share_inside(fake, real, _radii(real, k)), share_inside(real, fake, _radii(fake, k))


def attack_auc_right(member_scores, nonmember_scores):
    mem = np.asarray(member_scores, dtype=float)[:, None]
    non = np.asarray(nonmember_scores, dtype=float)[None, :]
    return float(((mem > non) + 0.5 * (mem == non)).mean())


def privatise_right(per_example, clip_norm, noise_multiplier, noise):
    norms = tf.norm(per_example, axis=1, keepdims=True)
    clipped = per_example * tf.minimum(1.0, clip_norm / tf.maximum(norms, 1e-12))
    total = tf.reduce_sum(clipped, axis=0) + noise_multiplier * clip_norm * noise
    return total / tf.cast(tf.shape(per_example)[0], tf.float32)


BUILDS = {  # exercise -> (check, worked solution, the course's own function a learner might call)
    "precision_recall": (gu.checks.check_precision_recall, precision_recall_right,
                         lambda *a: metrics.precision_recall_features(*a)),
    "attack_auc": (gu.checks.check_attack_auc, attack_auc_right, lambda *a: privacy.attack_auc(*a)),
    "privatise": (gu.checks.check_privatise, privatise_right, lambda *a: privacy.privatise(*a)),
}


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def _verdict(check, *answer, **kwargs) -> str:
    return str(_quiet(check, *answer, **kwargs))


@pytest.mark.parametrize("exercise", sorted(BUILDS))
def test_the_worked_solution_passes_and_is_used(exercise, capsys):
    check, right, _ = BUILDS[exercise]
    assert _quiet(check, right)
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

    unwritten.__name__ = exercise
    chosen = gu.checks.yours_or_reference(unwritten, exercise=exercise)
    assert chosen is not unwritten and callable(chosen)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "not finished" in line and "using the course's version" in line


def test_stubs_crashes_and_wrong_kinds_get_hints():
    for check, _, _ in BUILDS.values():
        stub = _quiet(check, lambda *args: None)
        assert not stub and "not written yet" in stub.message and "Hint 1/4:" in str(stub)

        def crash(*args):
            raise IndexError("boom")

        crashed = _quiet(check, crash)
        assert not crashed and "raised IndexError" in crashed.message
        assert not _quiet(check, None) and "expected a function" in _quiet(check, None).message
        assert not _quiet(check, lambda *a: {"a": 1}) and "not numbers" in _quiet(check, lambda *a: {"a": 1}).message


# --- build 1: precision and recall ------------------------------------------------------------------

def _pr_mistake(real, fake, k=3, *, with_self=False, swap=False, fake_balls=False, real_balls=False):
    d = _distances(fake, real)
    r_real = np.sort(_distances(real, real), axis=1)[:, k - 1] if with_self else _radii(real, k)
    r_fake = np.sort(_distances(fake, fake), axis=1)[:, k - 1] if with_self else _radii(fake, k)
    precision = (d <= r_fake[:, None]).any(1).mean() if fake_balls else (d <= r_real[None, :]).any(1).mean()
    recall = (d <= r_real[None, :]).any(0).mean() if real_balls else (d <= r_fake[:, None]).any(0).mean()
    return (recall, precision) if swap else (precision, recall)


def test_precision_recall_mistakes_are_named():
    check = gu.checks.check_precision_recall
    assert "swapped" in _verdict(check, lambda r, f, k=3: _pr_mistake(r, f, k, swap=True))
    assert "its own neighbours" in _verdict(check, lambda r, f, k=3: _pr_mistake(r, f, k, with_self=True))
    assert "precision was measured with the balls around the generated" in _verdict(
        check, lambda r, f, k=3: _pr_mistake(r, f, k, fake_balls=True))
    assert "recall was measured with the balls around the real" in _verdict(
        check, lambda r, f, k=3: _pr_mistake(r, f, k, real_balls=True))
    no_default = _verdict(check, lambda r, f, k: precision_recall_right(r, f, k))
    assert "raised TypeError" in no_default  # the default k = 3 is part of the signature


def test_a_strict_inequality_is_not_a_mistake_and_the_course_version_agrees():
    def strict(real, fake, k=3):
        def share(queries, centres, r):
            return float((_distances(queries, centres) < r[None, :]).any(axis=1).mean())

        return share(fake, real, _radii(real, k)), share(real, fake, _radii(fake, k))

    assert _quiet(gu.checks.check_precision_recall, strict)
    for case in nb06._pr_cases():
        assert np.allclose(metrics.precision_recall_features(*case), precision_recall_right(*case))


# --- build 2: the attack's AUC --------------------------------------------------------------------

def test_attack_auc_mistakes_are_named():
    check = gu.checks.check_attack_auc

    def auc(m, n, tie):
        m, n = np.asarray(m)[:, None], np.asarray(n)[None, :]
        return float(((m > n) + tie * (m == n)).mean())

    assert "counted as a loss" in _verdict(check, lambda m, n: auc(m, n, 0.0))
    assert "counted as a win" in _verdict(check, lambda m, n: auc(m, n, 1.0))
    assert "reversed" in _verdict(check, lambda m, n: 1 - auc(m, n, 0.5))
    assert "reversed" in _verdict(check, lambda m, n: auc(n, m, 0.5))
    accuracy = lambda m, n: float(((np.asarray(m) > 0.5).sum() + (np.asarray(n) <= 0.5).sum()) / (len(m) + len(n)))  # noqa: E731
    assert "threshold" in _verdict(check, accuracy)
    assert "divided by" in _verdict(check, lambda m, n: auc(m, n, 0.5) * len(m) * len(n))
    assert "Recognised mistake" not in _verdict(check, lambda m, n: 0.5)


# --- build 3: privatise, eagerly and compiled --------------------------------------------------------

def _clip(g, c):
    return g * np.minimum(1.0, c / np.linalg.norm(g, axis=1, keepdims=True))


def test_privatise_mistakes_are_named():
    check = gu.checks.check_privatise

    def np_args(g, c, s, n):
        return np.asarray(g, np.float64), float(c), float(s), np.asarray(n, np.float64)

    def wrong(how):
        def fn(*args):
            g, c, s, n = np_args(*args)
            b = len(g)
            if how == "sum":
                total = g.sum(0)
                return tf.constant((total * min(1, c / np.linalg.norm(total)) + s * c * n) / b)
            if how == "stretch":
                return tf.constant(((g * c / np.linalg.norm(g, axis=1, keepdims=True)).sum(0) + s * c * n) / b)
            if how == "sigma":
                return tf.constant((_clip(g, c).sum(0) + s * n) / b)
            if how == "noise":
                return tf.constant(_clip(g, c).sum(0) / b + s * c * n)
            return tf.constant(_clip(g, c).sum(0) + s * c * n)
        return fn

    assert "summed gradient was clipped" in _verdict(check, wrong("sum"))
    assert "stretched" in _verdict(check, wrong("stretch"))
    assert "clip_norm times as large" in _verdict(check, wrong("sigma"))
    assert "only the clipped sum was divided" in _verdict(check, wrong("noise"))
    assert "not an average" in _verdict(check, wrong("none"))


def test_privatise_must_run_inside_a_tf_function():
    def with_numpy(per_example, clip_norm, noise_multiplier, noise):
        g = np.asarray(per_example)
        norms = np.linalg.norm(g, axis=1, keepdims=True)
        return (g * np.minimum(1.0, clip_norm / norms)).sum(0) / len(g) + noise_multiplier * clip_norm * np.asarray(noise) / len(g)

    text = _verdict(gu.checks.check_privatise, with_numpy)
    assert "works eagerly, but inside a compiled TensorFlow function" in text and "TensorFlow operations" in text
    assert "in user code" not in text and GIVEAWAY.search(text) is None, text

    def with_np_sqrt(per_example, clip_norm, noise_multiplier, noise):  # NumPy on a symbolic tensor fails
        norms = np.sqrt(tf.reduce_sum(per_example * per_example, axis=1, keepdims=True))
        clipped = per_example * tf.minimum(1.0, clip_norm / tf.maximum(norms, 1e-12))
        return (tf.reduce_sum(clipped, axis=0) + noise_multiplier * clip_norm * noise) / per_example.shape[0]

    assert "works eagerly, but inside a compiled TensorFlow function" in _verdict(gu.checks.check_privatise, with_np_sqrt)

    def with_float(per_example, clip_norm, noise_multiplier, noise):  # autograph turns float() into a cast: fine
        return privatise_right(per_example, float(clip_norm), float(noise_multiplier), noise)

    assert _quiet(gu.checks.check_privatise, with_float)
    passed = _verdict(gu.checks.check_privatise, privatise_right)
    assert "eagerly and inside a compiled TensorFlow function" in passed
    # the course's version gives the same compiled as eager (train_small_gan runs it inside its tf.function step)
    for case in nb06._privatise_cases():
        assert np.allclose(nb06._compiled(privacy.privatise)(*case), privacy.privatise(*case), atol=1e-6)


# --- exercise 1: psi = 0 ---------------------------------------------------------------------------

def test_predict_psi_zero():
    check = gu.checks.check_predict_psi_zero
    assert "every sample is G(0) (the limit psi -> 0)" in _verdict(check)
    assert "psi = 0" not in _verdict(check) and "psi = 0" not in nb06.HINTS["predict_psi_zero"][0]
    for values in ({0, 1}, [0.0, 1.0], (1, 0), np.array([1.0, 0.0]), frozenset({0.0, 1.0})):
        assert _quiet(check, recall=0.0, precision_values=values), values
    assert _quiet(check, 0, {0.0, 1.0})
    one = _verdict(check, recall=1.0, precision_values={0, 1})
    assert "Recognised mistake" in one and "how large" in one
    assert "radius of the fakes' balls" in _verdict(check, recall=0.4, precision_values={0, 1})
    assert "not a share" in _verdict(check, recall=1.5, precision_values={0, 1})
    assert "one value" in _verdict(check, recall=0.0, precision_values={1})
    assert "in between" in _verdict(check, recall=0.0, precision_values={0, 0.5, 1})
    assert "set precision_values" in _verdict(check, recall=0.0)
    assert "set recall_at_zero" in _verdict(check)
    assert "one number" in _verdict(check, recall="0", precision_values={0, 1})
    assert "is not one of" in _verdict(check, recall=0.0, precision_values="0 or 1")
    assert "set of numbers" in _verdict(check, recall=0.0, precision_values=0.5)
    # the notebook's two words choices
    assert _quiet(check, recall=0.0, precision_values="only 0 or 1") and _quiet(check, 0.0, " Only 0 or 1")
    assert "in between" in _verdict(check, recall=0.0, precision_values="anything between 0 and 1")
    assert "recall 1" in _verdict(check, recall=1, precision_values="only 0 or 1")
    both = _verdict(check, recall=1.0, precision_values={0.3})
    assert "recall 1" in both and "one value" in both
    for wrong in (1.0, 0.4):
        text = _verdict(check, recall=wrong, precision_values={0.3})
        assert "radius zero" not in text and not re.search(r"\brecall (is )?0(\.0+)?(?![.\d])", text), text


# --- exercise 2: which augmenter ---------------------------------------------------------------------

def test_diagnose_augmenter():
    check = gu.checks.check_diagnose_augmenter
    assert nb06.AUGMENTERS == {"A": (2.1, 0.42), "B": (9.5, 0.91), "C": (2.4, 0.84)}
    assert _quiet(check, "B") and _quiet(check, "b")
    a = _verdict(check, "A")
    assert "wrong label" in a and "42%" in a
    c = _verdict(check, "C")
    assert "2.4 against 9.5" in c and "84%" in c and "91%" in c and "not what a classifier learns" in c
    assert "blurry" not in c  # a high FD is not "blurry": FD compares features' mean and spread
    for wrong in ("A", "C"):
        text = _verdict(check, wrong)
        assert "'B'" not in text and "B:" not in text and "pick B" not in text, text
    assert "not one of" in _verdict(check, "D")
    assert "set augmenter to 'A', 'B' or 'C'" in _verdict(check, None)


def test_the_augmenter_hints_teach_what_each_column_measures():
    question, step, maths, code = nb06.HINTS["diagnose_augmenter"]
    assert "which of the two is closer to the job" in question
    assert "CAS" in step and "FD" not in step, "level 2 stops at the CAS: that FD ignores labels is level 3's"
    assert not re.search(r"\b[ABC]\b", question + step), "the first two levels name no generator"
    assert "blurry" not in maths and "whatever labels" in maths and "trained only on" in maths
    assert "augmenter = 'B'" in code


# --- exercise 3: an AUC by hand ----------------------------------------------------------------------

REVERSED, CONSTANT = 2.5 / 12, 0.5


def test_auc_by_hand():
    check = gu.checks.check_auc_by_hand
    members, nonmembers = nb06.AUC_MEMBERS, nb06.AUC_NONMEMBERS
    assert attack_auc_right(members, nonmembers) == pytest.approx(9.5 / 12)
    assert privacy.attack_auc(members, nonmembers) == pytest.approx(9.5 / 12)
    assert attack_auc_right(-np.asarray(members), -np.asarray(nonmembers)) == pytest.approx(REVERSED)
    assert attack_auc_right(np.zeros(3), np.zeros(4)) == pytest.approx(CONSTANT)
    for right in (9.5 / 12, 0.7917, 0.79, 19 / 24, np.float32(0.7917)):
        assert _quiet(check, right, REVERSED, CONSTANT), right
    assert _quiet(check, 0.7917, reversed_auc=0.2083, constant_auc=0.5)
    # auc_answer is judged first, on its own
    assert "counted as a loss" in _verdict(check, 9 / 12, REVERSED, CONSTANT)
    assert "counted as a win" in _verdict(check, 10 / 12, REVERSED, CONSTANT)
    assert "NON-member" in _verdict(check, 2.5 / 12, REVERSED, CONSTANT)
    assert "count of pairs" in _verdict(check, 9.5)
    assert "threshold" in _verdict(check, 5 / 7)
    assert "not a probability" in _verdict(check, 9.5 / 7)
    assert "not the AUC" in _verdict(check, 0.6, REVERSED, CONSTANT)
    assert "reversed_auc" not in _verdict(check, 0.6, 0.3, 0.7).split("Hint 1/4")[0]
    assert "set auc_answer" in _verdict(check, None)
    assert "one number" in _verdict(check, "0.79") and "one number" in _verdict(check, [0.79])
    for wrong in (0.75, 0.6, 9.5):
        assert "0.79" not in _verdict(check, wrong) and "9.5" not in _verdict(check, wrong).replace("gave 9.5", "")


def test_auc_by_hand_reversed_and_constant():
    check = gu.checks.check_auc_by_hand
    right = 9.5 / 12
    missing = _verdict(check, right)
    assert "auc_answer is right" in missing and "Set reversed_auc" in missing and "Set constant_auc" in missing
    assert "Set constant_auc" in _verdict(check, right, REVERSED) and "reversed_auc" not in _verdict(
        check, right, REVERSED).split("Hint 1/4")[0]
    same = _verdict(check, right, right, CONSTANT)
    assert "Recognised mistake" in same and "AUC of the attack itself" in same
    for tie_as, value in (("loss", 2 / 12), ("win", 3 / 12)):
        text = _verdict(check, right, value, CONSTANT)
        assert f"counted as a {tie_as}" in text and "stays a tie" in text, text
    assert "count of pairs" in _verdict(check, right, 2.5, CONSTANT)
    assert "not a probability" in _verdict(check, right, 1.7, CONSTANT)
    assert "not the reversed attacker's AUC" in _verdict(check, right, 0.4, CONSTANT)
    assert "one number" in _verdict(check, right, "0.2", CONSTANT)
    for value in (0, 1, 0.0, 1.0):
        text = _verdict(check, right, REVERSED, value)
        assert "Recognised mistake" in text and "every pair is a tie" in text, text
    assert "which is not it" in _verdict(check, right, REVERSED, 0.25)
    assert "one number" in _verdict(check, right, REVERSED, [0.5])
    both = _verdict(check, right, right, 1)
    assert "AUC of the attack itself" in both and "every pair is a tie" in both
    for text in (same, both, _verdict(check, right, 0.4, 0.25)):
        head = text.split("Hint 1/4")[0]
        assert "0.2083" not in head and "2.5" not in head, text
        assert GIVEAWAY.search(text) is None, text


def test_auc_by_hand_confirms_with_your_function_only_after_a_right_answer():
    check = gu.checks.check_auc_by_hand
    calls = []

    def spy(*args):
        calls.append(args)
        return attack_auc_right(*args)

    for wrong in (None, 0.75, 0.6, "0.79"):
        assert not _quiet(check, wrong, REVERSED, CONSTANT, confirm_with=spy)
    for reversed_auc, constant_auc in ((None, None), (0.79, CONSTANT), (REVERSED, 1.0)):
        assert not _quiet(check, 0.7917, reversed_auc, constant_auc, confirm_with=spy)
    assert not calls, "the confirmation ran before all three were right: the cell would show the answer"
    right = _verdict(check, 0.7917, REVERSED, CONSTANT, confirm_with=spy)
    assert len(calls) == 1 and "gives 0.7917" in right
    assert "raised ZeroDivisionError" in _verdict(check, 0.7917, REVERSED, CONSTANT, confirm_with=lambda *a: 1 / 0)
    assert "Run your attack_auc" in _verdict(check, 0.7917, REVERSED, CONSTANT)


def test_the_auc_hints_use_the_course_symbols():
    for name in ("attack_auc", "auc_by_hand"):
        maths = nb06.HINTS[name][2]
        assert r"\mathrm{mem}_i" in maths and r"\mathrm{non}_j" in maths, name
        assert "s_i" not in maths and "t_j" not in maths and "{mn}" not in maths, name
    assert "0.9 beats" not in nb06.HINTS["auc_by_hand"][2]  # the maths level holds the formula, no worked numbers
    assert "minus the score" in nb06.HINTS["auc_by_hand"][2]
    code = nb06.HINTS["attack_auc"][3]
    assert "mem = " in code and "non = " in code and not re.search(r"\b[mn] = ", code)
    namespace = {"np": np}
    exec(compile("def attack_auc(member_scores, nonmember_scores):\n"
                 + "\n".join("    " + line for line in code.strip("`").removeprefix("python\n").splitlines()),
                 "<hint>", "exec"), namespace)
    assert _quiet(gu.checks.check_attack_auc, namespace["attack_auc"])
    answers = {}
    exec(nb06.HINTS["auc_by_hand"][3].strip("`").removeprefix("python\n"), answers)
    assert _quiet(gu.checks.check_auc_by_hand, answers["auc_answer"], answers["reversed_auc"], answers["constant_auc"])


# --- exercise 4: the least noise for the budget ----------------------------------------------------

@pytest.fixture(scope="module")
def noise_answer():
    q = 64 / 4500
    for sigma in nb06.NOISE_GRID:  # the exercise's scan, upwards (dp_epsilon is cached by the check's helper)
        if nb06._epsilon(sigma, q, 4000, 1e-5) <= 3:
            return sigma
    raise AssertionError("no noise on the grid keeps the budget")


def test_noise_for_budget(noise_answer):
    check = gu.checks.check_noise_for_budget
    assert nb06.smallest_noise(64 / 4500, 4000, 1e-5, 3.0) == noise_answer
    assert privacy.dp_epsilon(noise_answer, 64 / 4500, 4000, 1e-5) <= 3
    assert _quiet(check, noise_answer) and _quiet(check, np.float64(noise_answer))
    below = round(noise_answer - 0.1, 1)
    assert "over the budget" in _verdict(check, below)
    assert "least noise" in _verdict(check, round(noise_answer + 0.1, 1))
    assert "least noise" in _verdict(check, 5.0)
    wrong_rate = nb06.smallest_noise(1 / 4500, 4000, 1e-5, 3.0)
    assert wrong_rate != noise_answer and "ONE BATCH" in _verdict(check, wrong_rate)
    assert "not on the grid" in _verdict(check, noise_answer + 0.05)
    assert "set noise_needed" in _verdict(check, None)
    assert "one number" in _verdict(check, str(noise_answer))
    for wrong in (below, 5.0, 0.37):
        assert f"{noise_answer:g}" not in _verdict(check, wrong).split("Hint 1/4")[0]


# --- exercise 5: the under-represented classes --------------------------------------------------------

def _two_sd_rule(bias, sds=2.0, at="train"):
    """The exercise's rule, written out here: sample share more than `sds` standard deviations below the training share."""
    p, share, n = np.array(bias["train_shares"]), np.array(bias["sample_shares"]), bias["n_samples"]
    sd = np.sqrt((p if at == "train" else share) * (1 - (p if at == "train" else share)) / n)
    return {int(c) for c in np.flatnonzero(share < p - sds * sd)}


@pytest.fixture(scope="module")
def committed_bias():
    return json.loads(nb06.shipped_path("results", "membership.json").read_text())["bias"]  # the file the check reads


def test_the_committed_bias_run_gives_its_answer_by_the_two_sd_rule(committed_bias):
    assert committed_bias["n_samples"] == 10_000  # benchmarks/bench_membership.py's BIAS_SAMPLES
    answer = _two_sd_rule(committed_bias)
    assert answer == nb06.bias_answer(nb06._bias_part(None)[0]) and answer  # (it is {1, 4, 5, 6})
    assert _two_sd_rule(committed_bias, at="sample") == answer  # a standard deviation at the sample share agrees here
    check = gu.checks.check_bias_classes
    assert _quiet(check, answer) and _quiet(check, sorted(answer))
    every_below = _two_sd_rule(committed_bias, sds=0)
    assert every_below != answer
    text = _verdict(check, every_below)
    assert "chance alone could produce" in text and "Recognised mistake" in text
    assert "start at digit 0" in _verdict(check, {c + 1 for c in answer})
    passed = _verdict(check, answer)
    assert "standard deviations below" in passed and "10,000" in passed


# Ten shares among n_samples = 2,000 draws, chosen so that each recognised mistake gives its own set.
BIAS = {"train_shares": [450 / 2475] * 5 + [45 / 2475] * 5, "n_samples": 2000,
        "sample_shares": [0.2372, 0.176, 0.170, 0.150, 0.190, 0.012, 0.0128, 0.030, 0.017, 0.005]}
BIAS_ANSWER = {3, 5, 9}


def test_bias_classes():
    check = gu.checks.check_bias_classes
    assert nb06.bias_answer(BIAS) == _two_sd_rule(BIAS) == BIAS_ANSWER
    for answer in (BIAS_ANSWER, sorted(BIAS_ANSWER), tuple(BIAS_ANSWER), np.array(sorted(BIAS_ANSWER))):
        assert _quiet(check, answer, results=BIAS), answer
    assert _quiet(check, BIAS_ANSWER, results={"curve": {}, "bias": BIAS})  # the whole file's dict
    # a standard deviation taken at the sample share is accepted too (here it adds digit 6)
    at_sample = _two_sd_rule(BIAS, at="sample")
    assert at_sample == BIAS_ANSWER | {6}
    accepted = _verdict(check, at_sample, results=BIAS)
    assert accepted.startswith("PASSED") and "sample shares" in accepted
    every_below = _two_sd_rule(BIAS, sds=0)
    assert every_below == {1, 2, 3, 5, 6, 8, 9}
    assert "chance alone could produce" in _verdict(check, every_below, results=BIAS)
    one_sd = _two_sd_rule(BIAS, sds=1)
    assert one_sd == {2, 3, 5, 6, 9}
    assert "ONE standard deviation" in _verdict(check, one_sd, results=BIAS)
    assert "MORE often" in _verdict(check, {0, 7}, results=BIAS)  # more than two standard deviations above
    assert "MORE often" in _verdict(check, {0, 4, 7}, results=BIAS)  # above at all
    assert "rare in training" in _verdict(check, {5, 6, 7, 8, 9}, results=BIAS)
    assert "NOT under-drawn" in _verdict(check, set(range(10)) - BIAS_ANSWER, results=BIAS)
    other = {"train_shares": BIAS["train_shares"], "n_samples": 2000,
             "sample_shares": [0.3, 0.3, 0.05, 0.2, 0.11, 0.01, 0.01, 0.005, 0.005, 0.01]}
    assert nb06.bias_answer(other) == {2, 4, 5, 6, 7, 8, 9}
    assert "a tenth" in _verdict(check, {2, 5, 6, 7, 8, 9}, results=other)
    assert "start at digit 0" in _verdict(check, {c + 1 for c in BIAS_ANSWER}, results=BIAS)
    partial = _verdict(check, {3, 5}, results=BIAS)
    assert "is missing" in partial and "is not more than two" not in partial
    assert "you listed is not more than two standard deviations" in _verdict(check, BIAS_ANSWER | {1}, results=BIAS)
    assert "digits 0 to 9" in _verdict(check, {12}, results=BIAS)
    assert "set of digit labels" in _verdict(check, "5789", results=BIAS)
    assert "set of digit labels" in _verdict(check, {0.5}, results=BIAS)
    assert "set under_drawn" in _verdict(check, None, results=BIAS)
    assert "no complete 'bias' part" in _verdict(check, {5}, results={"curve": {}})
    for text in (_verdict(check, every_below, results=BIAS), _verdict(check, one_sd, results=BIAS), partial):
        assert "3, 5, 9" not in text and "{3, 5, 9}" not in text and GIVEAWAY.search(text) is None, text


def test_bias_classes_needs_n_samples():
    check = gu.checks.check_bias_classes
    without = {k: v for k, v in BIAS.items() if k != "n_samples"}
    for bad in (without, {**BIAS, "n_samples": 0}, {**BIAS, "n_samples": 2.5}, {**BIAS, "n_samples": "many"},
                {**BIAS, "n_samples": True}):
        text = _verdict(check, BIAS_ANSWER, results=bad)
        assert "n_samples" in text and "--part bias" in text, text
    assert _quiet(check, BIAS_ANSWER, results={**BIAS, "n_samples": 2000.0})


def test_bias_classes_says_how_to_make_the_missing_results(tmp_path, monkeypatch):
    missing = tmp_path / "membership.json"
    monkeypatch.setattr(nb06, "shipped_path", lambda *parts: missing)
    text = _verdict(gu.checks.check_bias_classes, {5, 7})
    assert "python benchmarks/bench_membership.py --part bias" in text and text.startswith("NOT YET")
    missing.write_text(json.dumps({"curve": {}, "shipped": {}, "dp": {}, "bias": {}}))
    assert "--part bias" in _verdict(gu.checks.check_bias_classes, {5, 7})
    missing.write_text(json.dumps({"bias": {k: v for k, v in BIAS.items() if k != "n_samples"}}))
    assert "--part bias" in _verdict(gu.checks.check_bias_classes, BIAS_ANSWER)
    missing.write_text(json.dumps({"bias": BIAS}))
    assert _quiet(gu.checks.check_bias_classes, BIAS_ANSWER)


# --- hints -----------------------------------------------------------------------------------------

def test_every_hint_has_four_levels_and_the_first_two_hold_no_formula_or_code():
    assert set(nb06.HINTS) == {"precision_recall", "attack_auc", "privatise", "predict_psi_zero",
                               "diagnose_augmenter", "auc_by_hand", "noise_for_budget", "bias_classes"}
    for name, levels in nb06.HINTS.items():
        assert len(levels) == 4 and all(levels) and len(set(levels)) == 4, name
        question, step, _, code = levels
        assert question.rstrip().endswith("?"), (name, question)
        assert GIVEAWAY.search(question) is None, (name, question)
        assert GIVEAWAY.search(step) is None, (name, step)
        assert "```python" in code and "```python" not in question + step, name
        assert hints.all_hints()[name] == levels


def test_the_second_hints_are_partial_steps():
    steps = {name: levels[1] for name, levels in nb06.HINTS.items()}
    psi = steps["predict_psi_zero"]
    # level 2 starts on precision and leaves the radius (which settles recall) to level 3
    assert not any(ch.isdigit() for ch in psi) and "zero" not in psi and "radius" not in psi
    assert "precision" in psi and "how many different answers" in psi
    assert "12" not in steps["auc_by_hand"] and "9.5" not in steps["auc_by_hand"] and "half" not in steps["auc_by_hand"]
    assert not any(ch.isdigit() for ch in steps["noise_for_budget"])
    bias = steps["bias_classes"]
    assert not any(ch.isdigit() for ch in bias) and "<" not in bias and "sqrt" not in bias and "two" not in bias
    assert "strays" in bias and "one common and one rare digit" in bias
    assert not re.search(r"\b[ABC]\b", steps["diagnose_augmenter"]) and "CAS" in steps["diagnose_augmenter"]
    assert "half" not in steps["attack_auc"]
    assert "noise_multiplier" not in steps["privatise"] and "divide" not in steps["privatise"]
    assert "neighbours-th smallest" in steps["precision_recall"] and "fill_diagonal" not in steps["precision_recall"]


def test_the_first_hints_state_no_answer():
    psi = nb06.HINTS["predict_psi_zero"][0]
    assert "radius" not in psi and "zero" not in psi and "3rd" not in psi and "Which set's balls" in psi
    bias = nb06.HINTS["bias_classes"][0]
    assert "10,000" in bias and "chance" in bias and "standard deviation" not in bias


def test_the_hints_keep_the_course_notation():
    hints_text = {name: "".join(levels) for name, levels in nb06.HINTS.items()}
    for name in ("noise_for_budget",):
        for level in nb06.HINTS[name][:2]:
            assert r"\varepsilon_{\text{DP}}" in level or "budget" in level
            assert not re.search(r"(?<!\\var)\bepsilon\b", level), level
    assert "x_i" not in hints_text["precision_recall"] and "f_j" not in hints_text["precision_recall"]
    assert r"\hat F_j" in nb06.HINTS["precision_recall"][2] and "F_i" in nb06.HINTS["precision_recall"][2]
    assert "x_i" not in hints_text["predict_psi_zero"] and "F(G(0))" in nb06.HINTS["predict_psi_zero"][2]
    assert r"\psi \to 0" in nb06.HINTS["predict_psi_zero"][2]
    assert "$n$" not in nb06.HINTS["bias_classes"][2] and "N_{\\text{samples}}" in nb06.HINTS["bias_classes"][2]
    assert "blurry" not in hints_text["diagnose_augmenter"]


def test_the_precision_recall_code_hint_is_memory_safe_and_right():
    code = nb06.HINTS["precision_recall"][3]
    assert "[:, None] - " not in code and "a @ b.T" in code and "np.maximum(squared, 0)" in code
    body = code.strip("`").removeprefix("python\n")
    namespace = {"np": np}
    exec(compile("def precision_recall(real, fake, neighbours=3):\n"
                 + "\n".join("    " + line if line else "" for line in body.splitlines()), "<hint>", "exec"), namespace)
    assert _quiet(gu.checks.check_precision_recall, namespace["precision_recall"])
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(600, 128)), rng.normal(size=(500, 128))
    tracemalloc.start()
    try:
        got = namespace["precision_recall"](real, fake)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 600 * 500 * 128 * 8 / 10, f"{peak / 1e6:.0f} MB: the hint builds an (N, M, features) array"
    assert np.allclose(got, precision_recall_right(real, fake))


def test_every_check_is_registered():
    for name in ("check_precision_recall", "check_attack_auc", "check_privatise", "check_predict_psi_zero",
                 "check_diagnose_augmenter", "check_auc_by_hand", "check_noise_for_budget", "check_bias_classes"):
        assert name in gu.checks.__all__ and getattr(gu.checks, name).__module__ == "gan_utils.checks.nb06"
    assert "nb06" in hints.NOTEBOOKS
