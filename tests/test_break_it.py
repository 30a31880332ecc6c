"""BreakItPanel: your own variant from widgets, trained on a budget, added to notebook 04's table."""
from __future__ import annotations

import asyncio

import pytest

from gan_utils import variants as S
from gan_utils.widgets.break_it import BreakItPanel


@pytest.fixture
def data(small_stability):
    return small_stability


def test_controls_describe_the_variant(data):
    panel = BreakItPanel(data)
    panel.loss_dropdown.value = "hinge"
    panel.k_slider.value = 3
    panel.spectral_norm_box.value = True
    v = panel.variant()
    assert v.settings["loss"] == "hinge" and v.settings["d_steps"] == 3 and v.switches["spectral_norm"]
    assert v.name == "yours: hinge, lr 2e-04/2e-04, k 3, spectral norm"
    assert "No runs yet" in panel.table.value


def test_train_adds_a_row_to_the_table_it_was_given(data):
    earlier = S.run_variant(S.VARIANTS[1], data, seconds=0.3, n_samples=20)
    panel = BreakItPanel(data, [earlier])
    panel.minibatch_std_box.value = True
    r = panel.train(seconds=0.5)
    assert panel.results == [earlier, r]
    assert r.seconds >= 0.5 and r.steps > 1 and r.variant.endswith("minibatch std")
    assert r.variant in panel.table.value and earlier.variant in panel.table.value
    assert panel.strip.value[:4] == b"\x89PNG"
    assert panel.trainer is None


@pytest.mark.parametrize("bad_args", [
    ({"loss_dropdown": "hinge", "smoothing_slider": 0.1}, "label_smoothing"),
])
def test_a_combination_that_is_not_allowed_is_explained_before_any_training(data, bad_args):
    settings, match = bad_args
    panel = BreakItPanel(data)
    for name, value in settings.items():
        getattr(panel, name).value = value
    with pytest.raises(ValueError, match=match):
        panel.train(seconds=0.5)
    assert panel.results == [] and panel.trainer is None

    async def scenario():
        panel.play_button.value = True  # from the button: shown in the panel, never raised
        await asyncio.wait_for(panel.wait(), timeout=60)

    asyncio.run(scenario())
    assert "label_smoothing" in panel.errors.widget.value and panel.results == []
    assert panel.play_button.value is False


@pytest.mark.parametrize("bad", [
    {"seconds": 0}, {"seconds": 500}, {"seconds": 2.5}, {"max_seconds": 0}, {"data": "mnist"},
])
def test_bad_constructor_arguments(data, bad):
    kwargs = {"data": data, **bad}
    with pytest.raises(ValueError):
        BreakItPanel(**kwargs)


def test_the_train_button_trains_in_the_event_loop_and_adds_one_row(data):
    panel = BreakItPanel(data, seconds=1)

    async def scenario():
        panel.play_button.value = True
        assert panel.play_button.description == "Stop"
        await asyncio.wait_for(panel.wait(), timeout=120)

    asyncio.run(scenario())
    assert len(panel.results) == 1 and panel.results[0].seconds >= 1
    assert panel.play_button.value is False and panel.play_button.description == "Train"
    assert panel.errors.widget.value == ""


def test_stop_ends_the_run_early_and_still_measures_it(data):
    panel = BreakItPanel(data, seconds=60)

    async def scenario():
        panel.play_button.value = True
        while panel.trainer is None or panel.trainer.step_count < 10:
            await asyncio.sleep(0)
        panel.play_button.value = False
        await asyncio.wait_for(panel.wait(), timeout=60)

    asyncio.run(scenario())
    assert len(panel.results) == 1
    assert panel.results[0].note.startswith("stopped at") and panel.results[0].seconds < 60


def test_rapid_train_stop_clicks_never_run_two_trainings(data):
    panel = BreakItPanel(data, seconds=1)

    async def scenario():
        for _ in range(50):
            panel.play_button.value = not panel.play_button.value
            await asyncio.sleep(0)
        panel.play_button.value = False
        await asyncio.wait_for(panel.wait(), timeout=120)

    asyncio.run(scenario())
    assert panel.trainer is None and not panel.playing
    assert all(r.steps == len(r.history["step"]) for r in panel.results)
    assert panel.errors.widget.value == ""


def test_a_diverging_run_is_reported_and_kept(data, monkeypatch):
    make_trainer = S.make_trainer

    def too_hot(v, data, seed=0):
        trainer = make_trainer(v, data, seed)
        trainer.lr_g = trainer.lr_d = 10.0
        return trainer

    monkeypatch.setattr(S, "make_trainer", too_hot)
    panel = BreakItPanel(data)
    r = panel.train(seconds=30)
    assert r.note.startswith("training diverged") and r.seconds < 30
    assert "TrainingDiverged" in panel.errors.widget.value
    assert panel.results == [r] and panel.trainer is None

    async def scenario():
        panel.play_button.value = True
        await asyncio.wait_for(panel.wait(), timeout=60)

    asyncio.run(scenario())
    assert len(panel.results) == 2 and panel.results[1].note.startswith("training diverged")
    assert "TrainingDiverged" in panel.errors.widget.value and not panel.playing
