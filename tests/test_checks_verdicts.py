"""Every check in gu.checks.__all__: never raises, never hands over the answer, and its help comes in levels."""
from __future__ import annotations

import contextlib
import importlib
import io

import numpy as np
import pytest

import gan_utils as gu
from gan_utils.checks import hints
from gan_utils.checks.core import GIVEAWAY

CHECKS = [n for n in gu.checks.__all__ if n.startswith("check_") and n != "check_function"]


def _boom(*args):
    raise ZeroDivisionError("oops")


def _sigmoid_model():
    import keras

    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(8),
                             keras.layers.LeakyReLU(0.2), keras.layers.Dense(1, activation="sigmoid")])


# A plainly wrong answer for each check (a constant where a formula belongs, the wrong choice, ...).
PLAINLY_WRONG = {
    "check_d_steps": "A",
    "check_predict_gradient": "minimax",
    "check_predict_swap": "near 0",
    "check_predict_fid_samples": "lower",
    "check_discriminator": _sigmoid_model,
}
ANSWERS = {"None": None, "a number": 3.0, "an array": np.zeros(4), "a stub": lambda *a: None, "a crash": _boom,
           "a string": "hello", "a dict": {"a": 1}}


def _verdict(check, answer):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = check(answer)
    return result, out.getvalue()


@pytest.mark.parametrize("name", CHECKS)
def test_a_check_never_raises_and_never_gives_the_answer_away(name):
    check = getattr(gu.checks, name)
    wrong = PLAINLY_WRONG.get(name, lambda *a: np.float64(0.3))
    for label, answer in [*ANSWERS.items(), ("a plainly wrong answer", wrong)]:
        result, printed = _verdict(check, answer)
        assert not result, f"{name} passed {label}"
        text = str(result)
        assert text.startswith("NOT YET"), text
        assert printed.strip() == text.strip(), "the verdict printed is the one returned"
        found = GIVEAWAY.search(text)
        assert found is None, f"{name} on {label} gives away {found.group()!r}: {text}"


@pytest.mark.parametrize("name", CHECKS)
def test_every_check_has_four_hand_written_levels_and_shows_only_the_first(name):
    result, _ = _verdict(getattr(gu.checks, name), None)
    key = result.exercise or result.name
    assert key in hints.all_hints(), f"{name} has no hints (key {key!r})"
    levels = hints.all_hints()[key]
    assert len(levels) == 4, f"{key} has {len(levels)} levels of hints, not 4 (question, step, maths, code)"
    question, step, maths, code = levels
    assert all(levels) and len(set(levels)) == 4
    assert GIVEAWAY.search(question) is None, f"the first hint of {key} holds a formula or code: {question}"
    assert f"Hint 1/4: {question}" in str(result)
    assert step not in str(result) and maths not in str(result) and code not in str(result)
    assert f"gu.checks.hint({key!r})" in str(result)


def test_every_exercise_has_four_levels():
    short = {key: len(levels) for key, levels in hints.all_hints().items() if len(levels) != 4}
    assert not short, f"exercises without the 4-level ladder: {short}"


@pytest.mark.parametrize("name", CHECKS)
def test_a_checks_hints_live_beside_it_in_its_notebooks_module(name):
    check = getattr(gu.checks, name)
    result, _ = _verdict(check, None)
    notebook = importlib.import_module(check.__module__)
    assert (result.exercise or result.name) in notebook.HINTS, f"{name}'s hints are not in {check.__module__}.HINTS"


def test_all_hints_gathers_every_notebooks_hints_once():
    gathered = [key for notebook in hints.NOTEBOOKS
                for key in importlib.import_module(f"gan_utils.checks.{notebook}").HINTS]
    assert len(gathered) == len(set(gathered)) == len(hints.all_hints())


def test_hint_gives_the_next_level_at_each_call():
    gu.checks.reset_hints()
    levels = [gu.checks.hint("bce_loss") for _ in range(4)]
    assert [h.level for h in levels] == [2, 3, 4, 4]
    assert "```python" in levels[2].text and "```python" not in levels[0].text + levels[1].text
    assert levels[0]._repr_markdown_().startswith("**Hint 2/4 (a first step) for `bce_loss`.**")
    assert gu.checks.hint("bce_loss", level=1).text == hints.all_hints()["bce_loss"][0]
    gu.checks.reset_hints()
    assert gu.checks.hint("bce_loss").level == 2
    with pytest.raises(ValueError, match="no hints for 'nope'"):
        gu.checks.hint("nope")
    with pytest.raises(ValueError, match="level must be 1, 2, 3 or 4"):
        gu.checks.hint("bce_loss", level=5)


def test_an_instructor_caps_the_ladder(monkeypatch):
    gu.checks.reset_hints()
    try:
        assert gu.checks.max_hint_level(2) == 2
        got = [gu.checks.hint("bce_loss") for _ in range(3)]
        assert [h.level for h in got] == [2, 2, 2] and all(h.capped for h in got)
        assert "capped" in got[0]._repr_markdown_() and "```python" not in got[-1].text
        assert gu.checks.hint("bce_loss", level=4).level == 2
        gu.checks.max_hint_level(None)
        monkeypatch.setenv("GAN_UTILS_MAX_HINT", "3")
        assert gu.checks.hint("bce_loss", level=4).level == 3
        monkeypatch.setenv("GAN_UTILS_MAX_HINT", "7")
        with pytest.raises(ValueError, match="GAN_UTILS_MAX_HINT must be 1, 2, 3 or 4, got '7'"):
            gu.checks.hint("bce_loss")
        for bad in (0, 5, True, "2"):
            with pytest.raises(ValueError, match="level must be 1, 2, 3 or 4"):
                gu.checks.max_hint_level(bad)
    finally:
        monkeypatch.delenv("GAN_UTILS_MAX_HINT", raising=False)
        gu.checks.max_hint_level(None)
        gu.checks.reset_hints()


def test_a_failing_case_names_its_input_and_both_values():
    result, _ = _verdict(gu.checks.check_bce_loss, lambda y, p: float(np.mean(p)))
    assert "case 1 of 3 (y = [1., 0.], p = [0.5, 0.5])" in result.message
    assert "expected 0.6931, got 0.5" in result.message


def test_the_giveaway_pattern_catches_what_it_should():
    for leak in ("return -np.mean(x)", "use log(p)", "s * (1 - s) ** 2", "x @ w", "x.T", "1 / (1 + e)",
                 "grad_w = x.T", "s = sigmoid(z)", "loss = a + b", "tf.reduce_mean"):
        assert GIVEAWAY.search(leak), leak
    for fine in ("log 2 = 0.693", "the logarithm of a probability", "D(G(z)) = 0.01", "k = 5", "expected 0.5"):
        assert GIVEAWAY.search(fine) is None, fine
