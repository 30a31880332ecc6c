"""TrainingDashboard: every button by .click(), Play/Pause under rapid clicks, NaN handling, Save/Load."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.widgets.dashboard import TrainingDashboard


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "runs"))
    return tmp_path / "runs"


@pytest.fixture
def trainer():
    images = np.random.default_rng(0).uniform(-1, 1, (200, 28, 28, 1)).astype(np.float32)
    return gu.GANTrainer("dcgan", images, g_filters=16, d_filters=8, batch_size=16, n_fixed=16)


def make(trainer, **kw):
    kw.setdefault("score_every", 0)
    return TrainingDashboard(trainer, **kw)


def consistent(dash) -> bool:
    h = dash.trainer.history
    return dash.trainer.step_count == len(h["step"]) == (h["step"][-1] if h["step"] else 0)


def weights(model) -> list:
    return [v.numpy().copy() for v in model.variables]


def inject_nan(trainer, after: int) -> None:
    """Make the trainer's 'both' step return NaN losses from its (after + 1)-th call on."""
    real, calls = trainer._steps["both"], [0]

    def step():
        calls[0] += 1
        return real() if calls[0] <= after else tf.constant([np.nan] * 4)

    trainer._steps["both"] = step


def test_lazy_name_and_bad_arguments(trainer, runs):
    assert gu.TrainingDashboard is TrainingDashboard
    with pytest.raises(ValueError, match="GANTrainer"):
        TrainingDashboard("dcgan")
    with pytest.raises(ValueError, match="update_every"):
        make(trainer, update_every=7)
    with pytest.raises(ValueError, match="lr_range"):
        make(trainer, lr_range=(1e-3, 1e-2))
    with pytest.raises(ValueError, match="run_name"):
        make(trainer, run_name="../elsewhere")


def test_step_buttons_and_view_update_in_place(trainer, runs):
    dash = make(trainer)
    first_png, children = bytes(dash.image.value), len(dash.widget.children)
    assert first_png.startswith(b"\x89PNG")
    d0, g0 = weights(trainer.discriminator), weights(trainer.generator)
    dash.step_d_button.click()
    assert trainer.step_count == 1 and weights(trainer.generator)[0].tolist() == g0[0].tolist()
    assert any(not np.array_equal(a, b) for a, b in zip(d0, weights(trainer.discriminator)))
    dash.step_g_button.click()
    dash.step_button.click()
    dash.step10_button.click()
    dash.step100_button.click()
    assert trainer.step_count == 113 and consistent(dash)
    assert bytes(dash.image.value) != first_png and len(dash.widget.children) == children
    assert "step 113" in dash.status.value and "steps/s" in dash.status.value
    assert dash.redraws == 6 and not dash.errors.widget.value


def test_code_api_and_controls(trainer, runs):
    dash = make(trainer, update_every=5)
    row = dash.step(3)
    assert row["step"] == 3 and dash.steps_per_s > 0
    dash.lr_g_slider.value = 1e-3
    dash.lr_d_slider.value = 1e-4
    dash.d_steps_slider.value = 2
    dash.loss_dropdown.value = "hinge"
    dash.update_dropdown.value = 25
    assert abs(trainer.lr_g - 1e-3) < 1e-9 and abs(trainer.lr_d - 1e-4) < 1e-9
    assert trainer.d_steps == 2 and trainer.loss == "hinge" and dash.update_every == 25
    dash.step(2)
    assert trainer.history["lr_g"][-1] == pytest.approx(1e-3) and consistent(dash)
    with pytest.raises(ValueError, match="n must be"):
        dash.step(0)


def test_reset_save_load_round_trip(trainer, runs):
    dash = make(trainer)
    dash.load_button.click()  # nothing saved yet: a message, no exception
    assert "Save first" in dash.errors.widget.value
    dash.step(5)
    dash.save_button.click()
    assert (runs / "03_dashboard" / "checkpoint.npz").exists() and "saved step 5" in dash.status.value
    saved = weights(trainer.generator)
    dash.step(7)
    assert trainer.step_count == 12
    dash.load_button.click()
    assert trainer.step_count == 5 and consistent(dash) and not dash.errors.widget.value
    assert all(np.array_equal(a, b) for a, b in zip(saved, weights(trainer.generator)))
    after_load = dash.step(3)
    dash.load()
    again = dash.step(3)
    assert [again[k] for k in ("step", "d_loss", "g_loss")] == [after_load[k] for k in ("step", "d_loss", "g_loss")]
    dash.lr_d_slider.value = 1e-3
    dash.reset_button.click()
    assert trainer.step_count == 0 and trainer.history["step"] == [] and trainer.lr_d == pytest.approx(2e-4)
    assert dash.lr_d_slider.value == pytest.approx(2e-4)


def test_nan_pauses_explains_and_restores(trainer, runs):
    dash = make(trainer)
    dash.step(60)  # the trainer snapshots every 50 steps
    dash.lr_d_slider.value = 10.0
    inject_nan(trainer, after=0)
    assert dash.step(10) is None
    assert dash.diverged and "diverged at step 61" in dash.status.value
    assert dash.restore_button.layout.display is None and "restore" in dash.errors.widget.value.lower()
    assert trainer.step_count == 60 and consistent(dash)
    assert np.all([np.isfinite(w).all() for w in weights(trainer.generator)])
    dash.step_button.click()  # refused while diverged, no crash
    assert trainer.step_count == 60 and not dash.play()
    dash.restore_button.click()
    assert dash.diverged is None and dash.restore_button.layout.display == "none"
    assert trainer.lr_d == pytest.approx(2e-4) and dash.lr_d_slider.value == pytest.approx(2e-4)


def test_play_pause_under_100_rapid_clicks(trainer, runs):
    dash = make(trainer, update_every=1)
    active, overlaps = [0], []
    real_step = trainer.step

    def watched(*args, **kw):
        active[0] += 1
        overlaps.append(active[0])
        try:
            return real_step(*args, **kw)
        finally:
            active[0] -= 1

    trainer.step = watched

    async def scenario():
        tasks = set()
        for i in range(100):
            dash.play_button.value = not dash.play_button.value  # a click on the toggle
            if i % 3 == 0:
                dash.play()
            if i % 7 == 0:
                dash.pause()
            tasks.add(dash.loop._task)
            await asyncio.sleep(0)
        dash.play()
        for _ in range(5):
            await asyncio.sleep(0)
        dash.pause()
        await dash.wait()
        return tasks

    tasks = asyncio.run(scenario())
    assert max(overlaps) == 1, "two loops stepped at once"
    assert not dash.playing and dash.play_button.value is False
    assert trainer.step_count == dash.loop.iterations == len(overlaps) and consistent(dash)
    assert len(tasks - {None}) < 100


def test_play_stops_on_divergence(trainer, runs):
    dash = make(trainer, update_every=5)
    inject_nan(trainer, after=12)

    async def scenario():
        assert dash.play()
        await asyncio.wait_for(dash.wait(), timeout=60)

    asyncio.run(scenario())
    assert dash.diverged and not dash.playing and dash.play_button.value is False
    assert trainer.step_count == 10 and consistent(dash)


def test_mnist_score_every_few_steps(trainer, runs):
    dash = make(trainer, score_every=5, score_samples=20)
    dash.step(4)
    assert dash.scores == []
    dash.step(3)
    assert len(dash.scores) == 1 and dash.scores[0][0] == 7 and 1.0 <= dash.scores[0][1] <= 10.0
    assert "MNIST score" in dash.status.value
    assert dash.snapshot().data.startswith(b"\x89PNG")


def test_restore_falls_back_to_the_last_save_when_the_rollback_point_is_bad(trainer, runs):
    dash = make(trainer)
    dash.step(3)
    dash.save()
    dash.step(2)
    weight = trainer.generator.trainable_variables[0]
    weight.assign(tf.fill(weight.shape, np.inf))  # bad before the step starts: the rollback keeps it
    assert dash.step(2) is None and dash.diverged
    dash.restore()
    assert trainer.step_count == 3 and np.isfinite(weight.numpy()).all() and "last Save" in dash.status_text
    assert dash.step(1)["step"] == 4


def test_a_critics_outputs_are_labelled_as_scores_not_probabilities(trainer, runs):
    trainer.loss = "non_saturating"
    dash = make(trainer)
    dash.step(2)
    legend = [t.get_text() for t in dash._prob_ax.get_legend().get_texts()]
    assert legend == ["D(x)", "D(G(z))"] and "D(x) " in dash.status_text
    dash.loss_dropdown.value = "hinge"
    dash.step(2)
    legend = [t.get_text() for t in dash._prob_ax.get_legend().get_texts()]
    assert legend == ["σ(s(x))", "σ(s(G(z)))"], "a hinge critic's scores are not D(x)"
    assert "σ(s(x)) " in dash.status_text and "D(x)" not in dash.status_text
    assert dash._prob_ax.get_title() == "mean σ(critic score)"
