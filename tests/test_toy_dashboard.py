"""The toy GAN dashboard, driven through its buttons with .click(): steps, Reset, sliders, loss, Play/Pause, errors."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest

from gan_utils import densities, toy
from gan_utils.widgets.toy_dashboard import ToyDashboard


@pytest.fixture
def dash():
    gan = toy.ToyGAN(widths=(8, 8), batch_size=16, seed=5)
    return ToyDashboard(gan, steps_per_frame=2, n_samples=400, bins=20)


def iterations(dash):
    return int(dash.gan._opt_d.iterations), int(dash.gan._opt_g.iterations)


def test_step_buttons(dash):
    dash.step_d.click()
    assert iterations(dash) == (1, 0)
    dash.step_g.click()
    assert iterations(dash) == (1, 1)
    dash.k_slider.value = 3
    dash.step_both.click()
    assert iterations(dash) == (4, 2)
    dash.step_10.click()
    assert iterations(dash) == (34, 12) and dash.gan.step_count == 13
    assert dash.errors.widget.value == "" and "step <b>13</b>" in dash.status.value
    assert dash.metric["step"][-1] == 13 and dash.png.startswith(b"\x89PNG")
    (frame,) = dash.output.outputs  # one frame replaced in place, never a pile of figures
    assert frame["output_type"] == "display_data" and "step 13" in frame["data"]["text/plain"]


def test_reset_restores_the_first_state(dash):
    first_png, first_samples = dash.png, dash.gan.sample(20)
    dash.step_10.click()
    assert dash.png != first_png
    dash.reset_button.click()
    assert dash.gan.step_count == 0 and iterations(dash) == (0, 0)
    assert np.array_equal(dash.gan.sample(20), first_samples)
    assert dash.png == first_png and dash.metric["step"] == [0]


def test_sliders_and_loss_dropdown_change_the_gan(dash):
    dash.lr_d_slider.value = 1e-2
    dash.lr_g_slider.value = 1e-4
    dash.k_slider.value = 2
    dash.loss_dropdown.value = "minimax"
    assert dash.gan.lr_d == pytest.approx(1e-2, rel=1e-3) and dash.gan.lr_g == pytest.approx(1e-4, rel=1e-3)
    assert dash.gan.k == 2 and dash.gan.loss == "minimax"
    dash.step_both.click()
    assert dash.gan.last["g_loss"] < 0 and dash.errors.widget.value == ""
    dash.loss_dropdown.value = "non_saturating"
    dash.step_both.click()
    assert dash.gan.last["g_loss"] > 0 and "non_saturating" in dash.status.value


def test_play_runs_as_an_asyncio_task_and_pause_stops_it(dash):
    async def scenario():
        dash.play.value = True
        assert dash.loop.running and dash.play.description == "Pause"
        for _ in range(5):
            await asyncio.sleep(0)
        dash.play.value = False
        await dash.loop.wait()

    asyncio.run(scenario())
    assert not dash.loop.running and dash.loop.iterations >= 2
    assert dash.gan.step_count == 2 * dash.loop.iterations and dash.play.description == "Play"


def test_errors_are_shown_not_raised(dash, monkeypatch):
    def explode(n=1, which="both"):
        raise FloatingPointError("training diverged")

    monkeypatch.setattr(dash.gan, "step", explode)
    dash.step_both.click()
    assert "training diverged" in dash.errors.widget.value and "Reset" in dash.errors.widget.value

    async def scenario():
        dash.play.value = True
        await dash.loop.wait()

    asyncio.run(scenario())
    assert "FloatingPointError" in dash.errors.widget.value and dash.play.value is False
    monkeypatch.undo()
    dash.step_both.click()
    assert dash.errors.widget.value == ""


def test_play_outside_an_event_loop_is_explained(dash):
    dash.play.value = True
    assert "running event loop" in dash.errors.widget.value and dash.play.value is False


def test_a_bad_slider_value_is_shown(dash):
    dash.gan.k = 1
    dash._safe(lambda: setattr(dash.gan, "k", 0))
    assert "k must be" in dash.errors.widget.value and dash.gan.k == 1


def test_ring_dashboard_draws_samples_on_the_d_map():
    gan = toy.ToyGAN(densities.ring_of_gaussians(), widths=(8,), batch_size=16, latent_dim=2, pack=2)
    dash = ToyDashboard(gan, n_samples=300)
    dash.step_10.click()
    assert dash.errors.widget.value == "" and dash.fake_points.get_offsets().shape == (300, 2)
    assert "modes" in dash.axes[0].get_title()


def test_bad_arguments():
    with pytest.raises(ValueError, match="ToyGAN"):
        ToyDashboard("gan")
    with pytest.raises(ValueError, match="steps_per_frame"):
        ToyDashboard(toy.ToyGAN(widths=(4,)), steps_per_frame=0)
