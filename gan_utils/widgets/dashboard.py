"""TrainingDashboard: step, play, pause and steer a GANTrainer live, watching digits emerge.

Introduced in notebook 03. One persistent matplotlib figure (loss curves, mean D(x) and D(G(z)),
the fixed-noise samples) is redrawn in place and shown as PNG bytes in an ``ipywidgets.Image``,
so the output never grows. Play runs through ``gu.widgets.PlayLoop``: each loop iteration trains
"update view every N steps" steps, redraws, then yields to the kernel so Pause, sliders and other
cells keep working. Every button calls a method (``step``, ``play``, ``pause``, ``reset``, ``save``,
``load``, ``restore``), so code and tests drive the same object the buttons do.
"""
from __future__ import annotations

from ..engine import metrics

from . import controls

import io
import math
import numbers
import shutil
import tempfile
import time
import weakref
from pathlib import Path

import numpy as np

from ..engine import losses as L
from . import display_mode
from ..engine.paths import runs_dir
from ..engine.plotting import PALETTE
from ..engine.training import GANTrainer, TrainingDiverged

UPDATE_CHOICES = (1, 5, 10, 25, 50, 100)
MAX_POINTS = 400  # curves are shown as at most this many bin means, however long the run


def _binned(x: list, y: list, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Average (x, y) over equal bins so a long history draws as at most max_points points."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) <= max_points:
        return x, y
    edges = np.linspace(0, len(x), max_points + 1).astype(int)
    return (np.add.reduceat(x, edges[:-1]) / np.diff(edges), np.add.reduceat(y, edges[:-1]) / np.diff(edges))


class TrainingDashboard(controls.PlayControls):
    """Buttons, sliders and a live view around a gu.GANTrainer. Introduced in notebook 03.

    ``update_every`` is how many steps Play trains between redraws; the MNIST score of
    ``score_samples`` fresh samples is computed every ``score_every`` steps (0 switches it off).
    Save and Load use ``gu.runs_dir() / run_name``.
    """

    def __init__(self, trainer: GANTrainer, update_every: int = 10, score_every: int = 500,
                 score_samples: int = 500, run_name: str = "03_dashboard", lr_range: tuple = (1e-5, 10.0)):
        import ipywidgets as W

        if not isinstance(trainer, GANTrainer):
            raise ValueError(f"trainer must be a gu.GANTrainer, got {type(trainer).__name__}")
        if update_every not in UPDATE_CHOICES:
            raise ValueError(f"update_every must be one of {UPDATE_CHOICES}, got {update_every!r}")
        for name, value in (("score_every", score_every), ("score_samples", score_samples)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise ValueError(f"{name} must be an integer >= 0, got {value!r}")
        if score_every and score_samples < 2:
            raise ValueError(f"score_samples must be >= 2 when score_every > 0, got {score_samples!r}")
        if not isinstance(run_name, str) or not run_name or "/" in run_name or run_name.startswith("."):
            raise ValueError(f"run_name must be a plain folder name such as '03_dashboard', got {run_name!r}")
        is_pair = (isinstance(lr_range, (tuple, list)) and len(lr_range) == 2
                   and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in lr_range))
        low, high = lr_range if is_pair else (0, 0)
        if not (0 < low < high) or not (low <= trainer.lr_g <= high and low <= trainer.lr_d <= high):
            raise ValueError(f"lr_range={lr_range!r} must satisfy 0 < low < high and contain the trainer's "
                             f"lr_g={trainer.lr_g:g} and lr_d={trainer.lr_d:g}")
        self.trainer = trainer
        self.score_every, self.score_samples = int(score_every), int(score_samples)
        self.run_dir = runs_dir() / run_name
        self.scores: list[tuple[int, float]] = []
        self.diverged: str | None = None
        self.steps_per_s = 0.0
        self.redraws = 0
        self._syncing = False
        self._last_chunk_end: float | None = None

        # the state Reset goes back to: a checkpoint of the trainer as the dashboard found it
        self._start_dir = Path(tempfile.mkdtemp(prefix="gan_dashboard_"))
        weakref.finalize(self, shutil.rmtree, self._start_dir, True)
        trainer.save(self._start_dir)

        button = lambda text, tip, icon="": W.Button(description=text, tooltip=tip, icon=icon,  # noqa: E731
                                                     layout=W.Layout(width="auto"))
        self.step_d_button = button("Step D", "one discriminator update")
        self.step_g_button = button("Step G", "one generator update")
        self.step_button = button("Step", "d_steps discriminator updates, then one generator update")
        self.step10_button = button("Step x10", "ten steps")
        self.step100_button = button("Step x100", "a hundred steps")
        self.play_button = controls.play_button()
        self.reset_button = button("Reset", "back to the weights the dashboard started from", "undo")
        self.save_button = button("Save", f"save to {self.run_dir}", "save")
        self.load_button = button("Load", f"load from {self.run_dir}", "folder-open")
        self.restore_button = button("Restore last good state", "weights and learning rates from the last "
                                     "finite step", "medkit")
        self.restore_button.layout.display = "none"
        self.lr_g_slider = controls.log_slider("lr_g", trainer.lr_g, low, high)
        self.lr_d_slider = controls.log_slider("lr_d", trainer.lr_d, low, high)
        self.d_steps_slider = W.IntSlider(value=trainer.d_steps, min=1, max=10, description="D steps per G step",
                                          continuous_update=False, style={"description_width": "initial"})
        self.loss_dropdown = W.Dropdown(options=list(L.LOSSES), value=trainer.loss, description="loss")
        self.update_dropdown = W.Dropdown(options=list(UPDATE_CHOICES), value=update_every,
                                          description="update view every N steps",
                                          style={"description_width": "initial"})
        self.status = W.HTML()
        self.errors = controls.ErrorBox()
        self.image = W.Image(format="png")
        self.loop = controls.PlayLoop(self._play_chunk, on_error=self._on_error, on_stop=self._on_stop)

        self.step_d_button.on_click(lambda _: self._safely(self.step, 1, "d"))
        self.step_g_button.on_click(lambda _: self._safely(self.step, 1, "g"))
        self.step_button.on_click(lambda _: self._safely(self.step, 1))
        self.step10_button.on_click(lambda _: self._safely(self.step, 10))
        self.step100_button.on_click(lambda _: self._safely(self.step, 100))
        self.reset_button.on_click(lambda _: self._safely(self.reset))
        self.save_button.on_click(lambda _: self._safely(self.save))
        self.load_button.on_click(lambda _: self._safely(self.load))
        self.restore_button.on_click(lambda _: self._safely(self.restore))
        self.play_button.observe(self._on_play_toggle, names="value")
        for control, name in ((self.lr_g_slider, "lr_g"), (self.lr_d_slider, "lr_d"),
                              (self.d_steps_slider, "d_steps"), (self.loss_dropdown, "loss")):
            control.observe(lambda change, name=name: self._set(name, change["new"]), names="value")
        self.widget = W.VBox([
            W.HBox([self.step_d_button, self.step_g_button, self.step_button, self.step10_button,
                    self.step100_button, self.play_button, self.reset_button, self.save_button, self.load_button]),
            W.HBox([self.lr_g_slider, self.lr_d_slider]),
            W.HBox([self.d_steps_slider, self.loss_dropdown, self.update_dropdown]),
            self.status, W.HBox([self.errors.widget, self.restore_button]), self.image,
        ])
        self._build_figure()
        self.redraw()

    def _repr_mimebundle_(self, **kwargs) -> dict:
        return controls.dashboard_bundle(display_mode.dress(self.widget), self.snapshot_png, self.status_text)

    # ----- settings ----------------------------------------------------------------------------
    @property
    def update_every(self) -> int:
        """Steps Play trains between two redraws (the "update view every N steps" control)."""
        return int(self.update_dropdown.value)

    @update_every.setter
    def update_every(self, value: int) -> None:
        if value not in UPDATE_CHOICES:
            raise ValueError(f"update_every must be one of {UPDATE_CHOICES}, got {value!r}")
        self.update_dropdown.value = value

    def _set(self, name: str, value) -> None:
        """Apply a control's new value to the trainer (an invalid one is reported, not raised)."""
        if self._syncing:
            return
        try:
            setattr(self.trainer, name, value)
        except ValueError as err:
            self.errors.show(err)
            self._sync_controls()
        if name == "loss":
            self._label_outputs()
        self.redraw()

    def _sync_controls(self) -> None:
        """Move the controls to the trainer's settings without applying them back."""
        self._syncing = True
        try:
            t = self.trainer
            self.lr_g_slider.value, self.lr_d_slider.value = t.lr_g, t.lr_d
            self.d_steps_slider.value = min(max(t.d_steps, 1), self.d_steps_slider.max)
            self.loss_dropdown.value = t.loss
        finally:
            self._syncing = False

    # ----- training ----------------------------------------------------------------------------
    def step(self, n: int = 1, mode: str = "both") -> dict | None:
        """Train n steps ("both", or "d"/"g" alone), then redraw once; return the last history row (None if diverged)."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"n must be a positive integer number of steps, got {n!r}")
        if self.diverged:
            self.redraw()
            return None
        self._note = ""
        start = time.perf_counter()
        try:
            row = self.trainer.step(int(n), mode=mode)
        except TrainingDiverged as err:
            self._diverge(err)
            return None
        now = time.perf_counter()
        since = self._last_chunk_end if (self.loop.running and self._last_chunk_end) else start
        self.steps_per_s = n / max(now - since, 1e-9)
        self._maybe_score(n)
        self.redraw()
        self._last_chunk_end = time.perf_counter() if self.loop.running else None
        return row

    def _maybe_score(self, n: int) -> None:
        count = self.trainer.step_count
        if self.score_every and count // self.score_every > (count - n) // self.score_every:
            self.score_now()

    def score_now(self) -> float | None:
        """Compute the MNIST score of fresh samples now (1 = worst, 10 = best), record and return it."""

        try:
            score = metrics.mnist_score(self.trainer.sample(self.score_samples))
        except (OSError, ValueError) as err:  # no classifier shipped, or images out of range
            self.errors.show(err, hint="the MNIST score is skipped")
            self.score_every = 0
            return None
        self.scores.append((self.trainer.step_count, score))
        return score

    def _diverge(self, err: TrainingDiverged) -> None:
        self.diverged = str(err)
        self.pause()
        self.errors.show(err, hint="Training is paused; press the button to restore the last good state.")
        self.restore_button.layout.display = None
        self.redraw()

    def restore(self) -> None:
        """After a divergence: the last finite weights (the trainer's rollback, else the last Save, else the start) and their learning rates."""
        t = self.trainer
        self._note = f"restored step {t.step_count}"
        if not self._weights_finite():  # the rollback point itself was bad: fall back to a checkpoint
            saved = (self.run_dir / "checkpoint.npz").exists()
            t.load(self.run_dir if saved else self._start_dir)
            self._note = f"restored step {t.step_count} from {'the last Save' if saved else 'the start'}"
            if not saved:
                self.scores = []
        elif t.history["step"]:
            t.lr_g, t.lr_d = t.history["lr_g"][-1], t.history["lr_d"][-1]
        else:
            settings = self._start_settings()
            t.lr_g, t.lr_d = settings["lr_g"], settings["lr_d"]
        self.scores = [(s, v) for s, v in self.scores if s <= t.step_count]
        self._clear_divergence()
        self._sync_controls()
        self.redraw()

    def _weights_finite(self) -> bool:
        models = [self.trainer.generator, self.trainer.discriminator, self.trainer.ema_generator]
        return all(np.isfinite(v.numpy()).all() for m in models if m is not None for v in m.variables)

    def _start_settings(self) -> dict:
        import json

        return json.loads((self._start_dir / "config.json").read_text())["settings"]

    def reset(self) -> None:
        """Go back to the weights, settings and history the dashboard started from."""
        self.pause()
        self.trainer.load(self._start_dir)
        self.scores = []
        self._clear_divergence()
        self._sync_controls()
        self.redraw()

    def _clear_divergence(self) -> None:
        self.diverged = None
        self.restore_button.layout.display = "none"
        self.errors.clear()

    def save(self) -> Path:
        """Save the trainer (weights, optimiser and random state, history) to gu.runs_dir() / run_name."""
        path = self.trainer.save(self.run_dir)
        self.errors.clear()
        self._note = f"saved step {self.trainer.step_count} to {self.run_dir}"
        self.redraw()
        return path

    def load(self) -> None:
        """Load the checkpoint in gu.runs_dir() / run_name into the trainer and carry on from it."""
        self.pause()
        if not (self.run_dir / "checkpoint.npz").exists():
            raise FileNotFoundError(f"nothing saved yet in {self.run_dir}: press Save first")
        self.trainer.load(self.run_dir)
        self.scores = [(s, v) for s, v in self.scores if s <= self.trainer.step_count]
        self._clear_divergence()
        self._sync_controls()
        self._note = f"loaded step {self.trainer.step_count} from {self.run_dir}"
        self.redraw()

    # ----- Play / Pause (play, pause, playing, wait come from gu.widgets.PlayControls) ----------
    def _play_chunk(self) -> None:
        self.step(self.update_every)

    def _on_error(self, err: BaseException) -> None:
        hint = ""
        if isinstance(err, KeyboardInterrupt):
            hint = f"Stopped at step {self.trainer.step_count}; the trainer is intact: press Play or Step to go on."
        self.errors.show(err, hint=hint)

    def _after_stop(self) -> None:
        self._last_chunk_end = None

    # ----- drawing -----------------------------------------------------------------------------
    def _build_figure(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.fig = Figure(figsize=display_mode.figsize(11, 3.3), dpi=72)
        FigureCanvasAgg(self.fig)
        loss_ax, prob_ax, grid_ax = self.fig.subplots(1, 3, width_ratios=[1.2, 1.2, 1])
        self.fig.subplots_adjust(left=0.05, right=0.99, bottom=0.14, top=0.88, wspace=0.25)
        (self._d_line,) = loss_ax.plot([], [], label="D loss", lw=1.2, color=PALETTE["D loss"].colour)
        (self._g_line,) = loss_ax.plot([], [], label="G loss", lw=1.2, color=PALETTE["G loss"].colour)
        loss_ax.set_xlabel("step")
        loss_ax.set_title("losses", fontsize=display_mode.font(10))
        loss_ax.legend(loc="upper right", fontsize=display_mode.font(8))
        real, fake = PALETTE["real"], PALETTE["fake"]
        (self._real_line,) = prob_ax.plot([], [], lw=1.2, color=real.colour, linestyle=real.linestyle)
        (self._fake_line,) = prob_ax.plot([], [], lw=1.2, color=fake.colour, linestyle=fake.linestyle)
        prob_ax.axhline(0.5, color="gray", ls="--", lw=1)
        prob_ax.set_ylim(0, 1)
        prob_ax.set_xlabel("step")
        n_show = min(len(self.trainer.fixed_z), 64)
        self._n_show = n_show
        self._grid = grid_ax.imshow(np.zeros((2, 2)), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        grid_ax.set_xticks([])
        grid_ax.set_yticks([])
        self._loss_ax, self._prob_ax, self._grid_ax = loss_ax, prob_ax, grid_ax
        self._grid_title = grid_ax.text(0.5, 1.03, "", transform=grid_ax.transAxes, ha="center", fontsize=display_mode.font(10))
        self._dynamic = [self._d_line, self._g_line, self._real_line, self._fake_line, self._grid, self._grid_title]
        for artist in self._dynamic:
            artist.set_animated(True)
        self._background, self._background_key = None, None
        self._note = ""
        self._label_outputs()

    def _output_names(self) -> tuple[str, str, str]:
        """What the middle panel shows: D(x) and D(G(z)) for a discriminator, sigma(s(x)) for a critic's scores."""
        if self.trainer.loss in L.CRITIC_LOSSES:
            return "σ(s(x))", "σ(s(G(z)))", "mean σ(critic score)"
        return "D(x)", "D(G(z))", "mean D output"

    def _label_outputs(self) -> None:
        """Name the middle panel's curves after the current loss (a critic's scores are not probabilities)."""
        real, fake, title = self._output_names()
        self._real_line.set_label(real)
        self._fake_line.set_label(fake)
        self._prob_ax.set_title(title, fontsize=display_mode.font(10))
        self._prob_ax.legend(loc="upper right", fontsize=display_mode.font(8))
        self._background = None

    @property
    def status_text(self) -> str:
        """One line saying where training stands (shown above the figure)."""
        t = self.trainer
        if self.diverged:
            return f"DIVERGED (paused). {self.diverged}"
        parts = [f"step {t.step_count}", f"{self.steps_per_s:.1f} steps/s"]
        if t.history["step"]:
            h = t.history
            real, fake, _ = self._output_names()
            parts += [f"D loss {h['d_loss'][-1]:.3f}", f"G loss {h['g_loss'][-1]:.3f}",
                      f"{real} {h['d_real'][-1]:.2f}", f"{fake} {h['d_fake'][-1]:.2f}"]
        if self.scores:
            parts.append(f"MNIST score {self.scores[-1][1]:.2f} (step {self.scores[-1][0]})")
        if self._note:
            parts.append(self._note)
        return "   ".join(parts)

    # The axes, ticks and labels are drawn once into a cached background, redrawn only when the axis
    # limits (chosen to change rarely) move; each redraw restores it, draws the curves, the grid and
    # its title over it, and encodes the pixels as a fast PNG: a few tens of milliseconds.
    def _limits(self) -> tuple:
        steps = self.trainer.history["step"]
        right = 16 if not steps or steps[-1] <= 16 else 2 ** math.ceil(math.log2(steps[-1]))
        left = steps[0] - 1 if steps else 0
        low, high = 0.0, 2.0
        if steps:
            values = np.concatenate([self._d_line.get_ydata(), self._g_line.get_ydata()])
            values = values[np.isfinite(values)]
            if len(values):
                low = min(0.0, math.floor(float(values.min()) * 2) / 2)
                high = max(low + 0.5, math.ceil(float(values.max()) * 2) / 2)
        return left, right, low, high

    def redraw(self) -> None:
        """Update the curves, the sample grid and the status line in place, then refresh the image."""
        from PIL import Image

        from ..engine.plotting import image_grid

        h = self.trainer.history
        for line, key in ((self._d_line, "d_loss"), (self._g_line, "g_loss"),
                          (self._real_line, "d_real"), (self._fake_line, "d_fake")):
            line.set_data(*_binned(h["step"], h[key]))
        samples = self.trainer.sample(z=self.trainer.fixed_z[:self._n_show],
                                      labels=None if self.trainer.fixed_labels is None
                                      else self.trainer.fixed_labels[:self._n_show])
        grid = image_grid(np.clip(np.nan_to_num(samples), -1, 1), nrow=int(math.ceil(math.sqrt(self._n_show))))
        self._grid.set_data(grid)
        self._grid.set_extent((-0.5, grid.shape[1] - 0.5, grid.shape[0] - 0.5, -0.5))
        score = f", MNIST score {self.scores[-1][1]:.2f}" if self.scores else ""
        self._grid_title.set_text(f"fixed noise, step {self.trainer.step_count}{score}")
        canvas = self.fig.canvas
        key = self._limits()
        if key != self._background_key or self._background is None:
            left, right, low, high = key
            for ax in (self._loss_ax, self._prob_ax):
                ax.set_xlim(left, right)
            self._loss_ax.set_ylim(low, high)
            self._grid_ax.set_xlim(-0.5, grid.shape[1] - 0.5)
            self._grid_ax.set_ylim(grid.shape[0] - 0.5, -0.5)
            canvas.draw()  # everything but the animated artists
            self._background, self._background_key = canvas.copy_from_bbox(self.fig.bbox), key
        else:
            canvas.restore_region(self._background)
        for artist in self._dynamic:
            artist.axes.draw_artist(artist)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1) \
            .save(buffer, format="png", compress_level=1)
        self.image.value = buffer.getvalue()
        text = self.status_text.replace("&", "&amp;").replace("<", "&lt;")
        self.status.value = f"<b style='color:#b00020'>{text}</b>" if self.diverged else f"<code>{text}</code>"
        self.redraws += 1

    def snapshot(self):
        """Return the current view as an IPython Image (what a saved notebook shows without widgets)."""
        from IPython.display import Image

        return Image(data=bytes(self.image.value), format="png")

    def snapshot_png(self) -> bytes:
        """The whole dashboard as one PNG: its controls and their values, the status line and the figure."""
        return controls.dashboard_snapshot(self.widget, self.status_text, self.errors.widget.value, bytes(self.image.value))
