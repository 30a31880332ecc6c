"""A saved notebook shows each dashboard as a picture: snapshots, the snapshot-mode bundle, and execute's rewriting."""
from __future__ import annotations

import base64
import io
import json

import nbformat
import numpy as np
import pytest
from PIL import Image

import gan_utils as gu
from conftest import load_tool
from gan_utils import controls, switches, toy
from gan_utils.widgets.break_it import BreakItPanel
from gan_utils.widgets.dashboard import TrainingDashboard
from gan_utils.widgets.toy_dashboard import ToyDashboard

nbtool = load_tool("notebooks")

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def decoded(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def png_of(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="png")
    return buffer.getvalue()


@pytest.fixture
def toy_dash():
    return ToyDashboard(toy.ToyGAN(widths=(8, 8), batch_size=16, seed=5), steps_per_frame=2, n_samples=400, bins=20)


@pytest.fixture
def training_dash(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "runs"))
    images = np.random.default_rng(0).uniform(-1, 1, (200, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, g_filters=16, d_filters=8, batch_size=16, n_fixed=16)
    return TrainingDashboard(trainer, score_every=0)


# ----- composing a snapshot ------------------------------------------------------------------
def test_compose_snapshot_stacks_text_and_images():
    red = np.zeros((50, 700, 3), np.uint8)
    red[..., 0] = 255
    picture = decoded(controls.compose_snapshot(["a line of text", png_of(red), ["table  row"]]))
    assert picture.width == 700 and picture.height > 50 + 2 * 10
    pixels = np.asarray(picture.convert("RGB"))
    red_rows = np.flatnonzero((pixels[:, :, 0] > 250).all(axis=1) & (pixels[:, :, 1] < 5).all(axis=1))
    assert len(red_rows) == 50 and 0 < red_rows[0] and red_rows[-1] < picture.height - 1, "text above and below"
    assert (pixels[: red_rows[0]] < 128).any(), "the text line is drawn above the image"


def test_compose_snapshot_wraps_long_text_and_widens_for_preformatted_lines():
    short = decoded(controls.compose_snapshot(["word"]))
    wrapped = decoded(controls.compose_snapshot(["word " * 200]))
    table = decoded(controls.compose_snapshot([["x" * 300]]))
    assert short.width == wrapped.width == controls.SNAPSHOT_WIDTH and wrapped.height > 3 * short.height
    assert table.width > controls.SNAPSHOT_WIDTH and table.height == short.height


def test_control_text_reads_like_the_controls():
    import ipywidgets as W

    hidden = W.Button(description="Restore")
    hidden.layout.display = "none"
    shown = [W.Button(description="Step"), hidden, controls.log_slider("lr", 2e-4, 1e-5, 1.0),
                W.IntSlider(value=3, description="k"), W.Dropdown(options=[("non-saturating", "ns")], description="loss"),
                W.Checkbox(value=True, description="spectral norm")]
    assert controls.control_text(shown) == "[Step]   lr: 2.0e-04   k: 3   loss: non-saturating   [x] spectral norm"
    assert controls.html_text("<b>step 3</b> &middot; <code>a&amp;b</code>") == "step 3 · a&b"


# ----- each dashboard's snapshot --------------------------------------------------------------
def test_training_dashboard_snapshot_shows_its_figure_and_changes_after_a_step(training_dash):
    before = training_dash.snapshot_png()
    figure = decoded(bytes(training_dash.image.value))
    picture = decoded(before)
    assert picture.width == figure.width and picture.height > figure.height + 30
    training_dash.step(2)
    after = training_dash.snapshot_png()
    assert after != before and decoded(after).size == picture.size


def test_toy_dashboard_snapshot(toy_dash):
    before = toy_dash.snapshot_png()
    picture, frame = decoded(before), decoded(toy_dash.png)
    assert picture.width == frame.width and picture.height > frame.height + 30
    toy_dash.lr_d_slider.value = 1e-2
    assert toy_dash.snapshot_png() != before, "a slider's value shows in the snapshot"


def test_break_it_panel_snapshot_before_and_after_a_run(small_stability):
    panel = BreakItPanel(small_stability, seconds=2)
    # before the first run the strip shows a placeholder the size of a run's strip (an empty Image is a
    # broken-image icon in the browser), which the snapshot leaves out
    assert bytes(panel.strip.value) == panel.placeholder
    placeholder = decoded(panel.placeholder)
    assert placeholder.size == (10 * 29 + 1, 29 + 1) and np.asarray(placeholder.convert("L")).max() > 200, "its text"
    empty = decoded(panel.snapshot_png())
    assert empty.width >= controls.SNAPSHOT_WIDTH and empty.height > 50
    assert empty.height < placeholder.height + 4 * 20, "the placeholder is not in the snapshot"
    panel.train(seconds=1)
    assert bytes(panel.strip.value) != panel.placeholder and decoded(bytes(panel.strip.value)).size == placeholder.size
    trained = decoded(panel.snapshot_png())
    assert trained.height > empty.height + 28, "the sample strip and the table are drawn"


# ----- the displayed bundle -------------------------------------------------------------------
@pytest.mark.parametrize("which", ["toy", "training"])
def test_bundle_carries_a_picture_only_in_snapshot_mode(which, request, monkeypatch):
    from IPython.core.formatters import DisplayFormatter

    dash = request.getfixturevalue(f"{which}_dash")
    monkeypatch.delenv(switches.SNAPSHOT_ENV, raising=False)
    live, _ = DisplayFormatter().format(dash)
    assert WIDGET_VIEW in live and "image/png" not in live and live["text/plain"].startswith("VBox(")
    monkeypatch.setenv(switches.SNAPSHOT_ENV, "1")
    saved, _ = DisplayFormatter().format(dash)
    assert saved[WIDGET_VIEW] == live[WIDGET_VIEW], "the live widget is still in the bundle"
    assert base64.b64decode(saved["image/png"]) == dash.snapshot_png()
    assert "step 0" in saved["text/plain"] and not saved["text/plain"].startswith("VBox(")


def test_break_it_bundle(small_stability, monkeypatch):
    panel = BreakItPanel(small_stability, seconds=2)
    monkeypatch.delenv(switches.SNAPSHOT_ENV, raising=False)
    assert "image/png" not in panel._repr_mimebundle_()
    monkeypatch.setenv(switches.SNAPSHOT_ENV, "1")
    bundle = panel._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and decoded(base64.b64decode(bundle["image/png"]))
    assert bundle["text/plain"].startswith("BreakItPanel")


def test_projector_mode_still_dresses_the_live_widget(toy_dash, monkeypatch):
    monkeypatch.setenv(switches.SNAPSHOT_ENV, "1")
    gu.display_mode.display("projector")
    try:
        bundle = toy_dash._repr_mimebundle_()
    finally:
        gu.display_mode.display("default")
    assert bundle[WIDGET_VIEW]["model_id"] != toy_dash.widget.model_id and "image/png" in bundle


# ----- execute's rewriting of the stored notebook -----------------------------------------------
def widget_output(png: bool, text: str = "VBox(children=(Button(description='Step'),))") -> dict:
    data = {WIDGET_VIEW: {"version_major": 2, "version_minor": 0, "model_id": "abc"}, "text/plain": text}
    if png:
        data["image/png"] = base64.b64encode(png_of(np.zeros((4, 4, 3), np.uint8))).decode("ascii")
    return nbformat.v4.new_output("display_data", data=data)


def notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# title"),
                nbformat.v4.new_code_cell("dash", outputs=[widget_output(True)], execution_count=1),
                nbformat.v4.new_code_cell("print(1)\nplt.show()", execution_count=2, outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("display_data", data={"image/png": "iVBO", "text/plain": "<Figure>"})]),
                nbformat.v4.new_code_cell("trainer.fit(steps=10)", outputs=[widget_output(False, "  0%|")],
                                          execution_count=3),
                nbformat.v4.new_code_cell("explorer", execution_count=4, outputs=[
                    nbformat.v4.new_output("execute_result", execution_count=4, data=widget_output(
                        True, "step 0   loss 1.29")["data"])])]
    return nb


def test_with_snapshots_replaces_widget_outputs_by_their_picture():
    nb = notebook()
    original = json.loads(json.dumps(nb))
    rewritten, warnings = nbtool.with_snapshots(nb)
    assert json.loads(json.dumps(nb)) == original, "the notebook given is not changed"
    dash, plain, fit, explorer = (c.outputs for c in rewritten.cells[1:])
    assert dash[0]["data"] == {"image/png": original["cells"][1]["outputs"][0]["data"]["image/png"]}
    assert plain == original["cells"][2]["outputs"], "other outputs are left alone"
    assert fit == original["cells"][3]["outputs"], "a widget output without a picture is left"
    assert set(explorer[0]["data"]) == {"image/png", "text/plain"} and explorer[0]["execution_count"] == 4
    assert explorer[0]["data"]["text/plain"] == "step 0   loss 1.29", "a dashboard's own text line is kept"
    assert len(warnings) == 1 and "cell 3" in warnings[0] and "trainer.fit" in warnings[0]
    nbformat.validate(rewritten)


def test_a_rewritten_notebook_passes_check(demo_source):
    path = demo_source("# %% [markdown]\n# Hello\n\n# %%\ndash\n")
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [widget_output(True)]
    nbformat.write(nbtool.with_snapshots(nb)[0], path)
    assert nbtool.differs("99_demo") is None and nbtool.main(["check", "99_demo"]) == 0


def test_execute_stores_a_dashboard_as_its_picture(tmp_path, monkeypatch):
    source = ("import ipywidgets as W\nfrom gan_utils import controls\n"
              "class Dash:\n"
              "    widget = W.VBox([W.Button(description='Step')])\n"
              "    def _repr_mimebundle_(self, **kwargs):\n"
              "        return controls.dashboard_bundle(self.widget, lambda: controls.compose_snapshot(['hello']), 'Dash: step 0')\n"
              "Dash()")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source), nbformat.v4.new_code_cell("W.Button(description='plain')")]
    nbformat.write(nb, tmp_path / "99_demo.ipynb")
    monkeypatch.setattr(nbtool, "NOTEBOOKS", tmp_path)
    monkeypatch.setattr(nbtool, "ROOT", tmp_path)
    monkeypatch.setenv("GAN_UTILS_STEP_TIME", "0")
    monkeypatch.delenv(switches.SNAPSHOT_ENV, raising=False)
    nbtool.execute("99_demo", timeout=120)
    import os

    assert switches.SNAPSHOT_ENV not in os.environ, "execute leaves the environment as it found it"
    stored = json.loads((tmp_path / "99_demo.ipynb").read_text())
    dash, plain = (c["outputs"] for c in stored["cells"])
    assert dash[0]["data"].keys() == {"image/png", "text/plain"} and "".join(dash[0]["data"]["text/plain"]) == "Dash: step 0"
    decoded(base64.b64decode(dash[0]["data"]["image/png"]))
    assert WIDGET_VIEW in plain[0]["data"], "a plain widget has no picture and is left"
    assert "widgets" not in stored["metadata"]


def test_a_progress_bar_is_plain_text_when_pictures_are_stored(monkeypatch, capsys):
    """Under GAN_UTILS_SNAPSHOTS, fit's bar is tqdm's text bar: a widget bar would be a dead widget in the saved file."""
    import tqdm.auto

    from gan_utils.engine.training import GANTrainer

    def widget_bar(*args, **kwargs):
        raise AssertionError("fit used tqdm.auto, which is a widget in a notebook")

    monkeypatch.setattr(tqdm.auto, "tqdm", widget_bar)
    monkeypatch.setenv(switches.SNAPSHOT_ENV, "1")
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype("float32")
    trainer = GANTrainer("mlp", images, hidden=8, batch_size=8, n_fixed=4)
    trainer.fit(steps=2, progress=True)
    assert "2/2" in capsys.readouterr().err, "the text bar went to stderr"
    monkeypatch.delenv(switches.SNAPSHOT_ENV)
    with pytest.raises(AssertionError, match="tqdm.auto"):
        trainer.fit(steps=1, progress=True)
