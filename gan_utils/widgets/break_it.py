"""BreakItPanel (notebook 04): pick a loss, learning rates, k, label smoothing and spectral norm, train, compare.

Train runs through ``gu.widgets.PlayLoop`` in chunks of a few steps, so the kernel stays responsive
and Stop ends the run early; either way the run is measured like every row of notebook 04's table
(``gu.stability.measure``) and added to it. ``train(seconds)`` does the same without widgets, for
code and tests.
"""
from __future__ import annotations

import io

import numpy as np

from . import controls

from ..engine import losses as L
from . import display_mode
from ..engine.data import MnistData
from ..engine.plotting import grid_png
from ..studies.variants import RunResult, Variant, finish_run, start_run, summary_table
from ..engine.training import TrainingDiverged

CHUNK_STEPS = 5
STRIP_SAMPLES = 10  # finish_run's strip: ten fixed-noise samples in a row
PLACEHOLDER_TEXT = "press Train: your run's samples appear here"


def _placeholder_strip() -> bytes:
    """A PNG the size of a run's sample strip: ten dark empty cells and a line saying what will appear there.

    The strip shows it until the first run finishes: an ipywidgets Image with no value is an empty
    blob in the browser, which draws as a broken-image icon.
    """
    from PIL import Image, ImageDraw, ImageFont

    cells = np.full((STRIP_SAMPLES, 28, 28), -0.75, np.float32)
    picture = Image.open(io.BytesIO(grid_png(cells, nrow=STRIP_SAMPLES))).convert("L")
    try:
        font = ImageFont.load_default(size=11)
    except (TypeError, ValueError, OSError):  # a Pillow without FreeType has only its small bitmap font
        font = ImageFont.load_default()
    draw, centre = ImageDraw.Draw(picture), (picture.width / 2, picture.height / 2)
    left, top, right, bottom = draw.textbbox(centre, PLACEHOLDER_TEXT, font=font, anchor="mm")
    draw.rectangle((left - 3, top - 3, right + 3, bottom + 3), fill=picture.getpixel((2, 2)))
    draw.text(centre, PLACEHOLDER_TEXT, fill=235, font=font, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, format="png")
    return buffer.getvalue()


class BreakItPanel(controls.PlayControls):
    """Widgets to train your own variant for N seconds and add its scores to a comparison table. Introduced in notebook 04."""

    def __init__(self, data: MnistData, results: list[RunResult] | None = None, seconds: int = 20,
                 max_seconds: int = 120):
        import ipywidgets as W

        if not isinstance(data, MnistData):
            raise ValueError(f"data must be a gu.MnistData (from gu.load_mnist()), got {type(data).__name__}")
        if isinstance(max_seconds, bool) or not isinstance(max_seconds, int) or max_seconds < 1:
            raise ValueError(f"max_seconds must be an integer >= 1, got {max_seconds!r}")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 1 <= seconds <= max_seconds:
            raise ValueError(f"seconds must be an integer in [1, {max_seconds}], got {seconds!r}")
        self.data = data
        self.results = list(results or [])
        self.diverged = None
        self.trainer = None
        self._budget = 0.0
        self._note = ""
        style = {"description_width": "initial"}
        self.loss_dropdown = W.Dropdown(options=list(L.LOSSES), value="non_saturating", description="loss")
        self.lr_g_slider = controls.log_slider("lr_g", 2e-4, 1e-5, 1.0)
        self.lr_d_slider = controls.log_slider("lr_d", 2e-4, 1e-5, 1.0)
        self.k_slider = W.IntSlider(value=1, min=1, max=10, description="k (D steps per G step)",
                                    continuous_update=False, style=style)
        self.smoothing_slider = W.FloatSlider(value=0.0, min=0.0, max=0.3, step=0.05, description="label smoothing",
                                              continuous_update=False, style=style)
        self.spectral_norm_box = W.Checkbox(value=False, description="spectral norm in D", indent=False)
        self.minibatch_std_box = W.Checkbox(value=False, description="minibatch std in D", indent=False)
        self.seconds_slider = W.IntSlider(value=seconds, min=1, max=max_seconds, description="seconds",
                                          continuous_update=False, style=style)
        self.seed_box = W.BoundedIntText(value=0, min=0, max=10_000, description="seed", layout=W.Layout(width="150px"))
        self.play_button = W.ToggleButton(value=False, description="Train", icon="play",
                                          tooltip="train a fresh GAN with these settings; press again to stop early")
        self.play_button.observe(self._relabel, names="value")
        self.play_button.observe(self._on_play_toggle, names="value")
        self.status = W.HTML()
        self.errors = controls.ErrorBox()
        self.table = W.HTML()
        self.placeholder = _placeholder_strip()
        self.strip = W.Image(value=self.placeholder, format="png")  # never empty: an empty Image is a broken icon
        self.loop = controls.PlayLoop(self._chunk, on_error=self._on_error, on_stop=self._on_stop)
        self.widget = W.VBox([
            W.HBox([self.loss_dropdown, self.k_slider, self.smoothing_slider]),
            W.HBox([self.lr_g_slider, self.lr_d_slider]),
            W.HBox([self.spectral_norm_box, self.minibatch_std_box, self.seconds_slider, self.seed_box,
                    self.play_button]),
            self.status, self.errors.widget, self.strip, self.table,
        ])
        self._render()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        return controls.dashboard_bundle(display_mode.dress(self.widget), self.snapshot_png,
                                        f"BreakItPanel: {controls.html_text(self.status.value) or f'{len(self.results)} runs'}")

    def snapshot_png(self) -> bytes:
        """The whole panel as one PNG: its controls and their values, the status line, the last strip and the table."""
        rows = self.widget.children
        table = (summary_table(self.results).drop(columns="reference", errors="ignore").to_string().splitlines()
                 if self.results else [controls.html_text(self.table.value)])
        return controls.compose_snapshot([
            controls.control_text([*rows[0].children, *rows[1].children]), controls.control_text(rows[2].children),
            controls.html_text(self.status.value), controls.html_text(self.errors.widget.value),
            b"" if bytes(self.strip.value) == self.placeholder else bytes(self.strip.value), table])

    def _relabel(self, change) -> None:
        self.play_button.description, self.play_button.icon = ("Stop", "stop") if change["new"] else ("Train", "play")

    # ----- the variant the controls describe ---------------------------------------------------
    def variant(self) -> Variant:
        """Return the Variant the controls describe (ValueError for a combination that is not allowed)."""
        loss, smoothing = self.loss_dropdown.value, float(self.smoothing_slider.value)
        L.check_label_smoothing(smoothing, loss)
        settings = {"loss": loss, "lr_g": float(self.lr_g_slider.value), "lr_d": float(self.lr_d_slider.value),
                    "beta_1": 0.5, "d_steps": int(self.k_slider.value), "label_smoothing": smoothing}
        switches = {"spectral_norm": bool(self.spectral_norm_box.value),
                    "minibatch_std": bool(self.minibatch_std_box.value)}
        parts = [loss, f"lr {settings['lr_g']:.0e}/{settings['lr_d']:.0e}", f"k {settings['d_steps']}"]
        parts += [f"smooth {smoothing:g}"] if smoothing else []
        parts += [name.replace("_", " ") for name, on in switches.items() if on]
        return Variant("yours: " + ", ".join(parts), settings, switches, "your settings")

    # ----- training ----------------------------------------------------------------------------
    def train(self, seconds: float | None = None) -> RunResult:
        """Train the controls' variant for `seconds` (default: the slider) in one go; add and return its result."""
        self._begin(seconds)
        try:
            while self.trainer.train_time < self._budget:
                self._steps()
        except TrainingDiverged as err:
            self.errors.show(err, hint="Its last good state is measured and added to the table.")
        finally:
            result = self._finish()
        return result

    def _begin(self, seconds: float | None = None) -> None:
        v = self.variant()
        budget = float(self.seconds_slider.value if seconds is None else seconds)
        if not 0 < budget <= 3600:
            raise ValueError(f"seconds must be in (0, 3600], got {seconds!r}")
        self.errors.clear()
        self.status.value = f"building and compiling <b>{v.name}</b>…"
        self._variant, self._budget, self._note = v, budget, ""
        self.trainer = start_run(v, self.data, int(self.seed_box.value))

    def _steps(self) -> None:
        try:
            self.trainer.step(CHUNK_STEPS)
        except TrainingDiverged as err:
            self._note = str(err).split(". Weights")[0]
            self._budget = self.trainer.train_time
            raise
        finally:
            t = self.trainer
            self.status.value = (f"<b>{self._variant.name}</b>: step {t.step_count}, "
                                 f"{t.train_time:.0f} / {self._budget:.0f} s")

    def _chunk(self) -> None:
        if self.trainer is None:
            self._begin()
        self._steps()
        if self.trainer.train_time >= self._budget:
            self.loop.stop()

    def _after_stop(self) -> None:
        if self.trainer is not None:
            self._finish()

    def _finish(self) -> RunResult | None:
        """Measure the run in progress, add it to the table and forget its trainer."""
        t, self.trainer = self.trainer, None
        if t is None:
            return None
        note = self._note or ("" if t.train_time >= self._budget else f"stopped at {t.train_time:.0f} s")
        result = finish_run(t, self._variant.name, self.data, note)
        self.results.append(result)
        self.status.value = (f"<b>{result.variant}</b>: {result.steps} steps in {result.seconds:.0f} s, "
                             f"MNIST score {result.scores['mnist_score']:.2f}" + (f" ({note})" if note else ""))
        self.strip.value = grid_png(result.samples, nrow=len(result.samples))
        self._render()
        return result

    def _on_error(self, err: BaseException) -> None:
        hint = "The run stopped; its last good state is measured and added to the table." \
            if isinstance(err, TrainingDiverged) else "Change the settings and press Train again."
        if self.trainer is None or not isinstance(err, TrainingDiverged):
            self.trainer = None
        self.errors.show(err, hint=hint)

    def _render(self) -> None:
        self.table.value = summary_table(self.results).to_html(classes="gan-table") if self.results else \
            "<i>No runs yet: choose settings and press Train.</i>"
