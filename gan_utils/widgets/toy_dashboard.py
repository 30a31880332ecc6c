"""A live dashboard for a toy GAN: step D, G or both, play and pause, and watch p_g, D(x) and D*(x) move.

Introduced in notebook 02 (GAN Lab's interactivity inside a notebook). One persistent matplotlib
figure is kept; a frame updates its artists' data, renders the figure to PNG once and shows it in
an ``ipywidgets.Output`` by replacing its content in one update (like ``clear_output(wait=True)``
then ``display``), so there is no flicker and no figure pile-up.
Play runs on ``gu.widgets.PlayLoop`` (an asyncio task), so Pause and the sliders answer while it
plays; errors appear in the dashboard's ``ErrorBox`` instead of being raised.
"""
from __future__ import annotations

import base64
import io
import time

import ipywidgets as W
import numpy as np
from IPython.display import Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image as PILImage

from ..engine.densities import histogram_density, js_estimate, modes_covered, optimal_discriminator
from ..engine.plotting import MAP_ALPHA, PALETTE, role_cmap
from ..engine.toy import ToyGAN
from . import display_mode
from .controls import ErrorBox, PlayLoop, dashboard_bundle, dashboard_snapshot, html_text, log_slider, play_button

LOSS_OPTIONS = [("non-saturating", "non_saturating"), ("minimax", "minimax")]
HINT = "Press Reset, or lower the learning rates."


def _next_125(value: int) -> int:
    """The next number in 50, 100, 200, 500, 1000, 2000, 5000, ..."""
    magnitude = 10 ** (len(str(int(value))) - 1)
    lead = value // magnitude
    return {1: 2, 2: 5, 5: 10}[lead] * magnitude


class ToyDashboard:
    """Buttons, sliders and an in-place plot around a ToyGAN (1-D: densities and D; 2-D: samples on D's map). Introduced in notebook 02."""

    def __init__(self, gan: ToyGAN | None = None, steps_per_frame: int = 5, n_samples: int = 4000,
                 bins: int = 80, dpi: int = 72):
        self.gan = ToyGAN() if gan is None else gan
        if not isinstance(self.gan, ToyGAN):
            raise ValueError(f"gan must be a gu.toy.ToyGAN, got {type(gan).__name__}")
        for name, value in (("steps_per_frame", steps_per_frame), ("n_samples", n_samples), ("bins", bins), ("dpi", dpi)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        self.steps_per_frame, self.n_samples, self.bins, self.dpi = steps_per_frame, n_samples, bins, dpi
        self.dim = self.gan.data.dim
        self.metric = {"step": [], "value": []}  # JS estimate (1-D) or modes covered (2-D), per frame
        self.frame_ms = float("nan")

        self.step_d = W.Button(description="Step D only", tooltip="one discriminator update")
        self.step_g = W.Button(description="Step G only", tooltip="one generator update")
        self.step_both = W.Button(description="Step D+G", tooltip="k discriminator updates, then one generator update")
        self.step_10 = W.Button(description="Step x10", tooltip="ten D+G steps")
        self.play = play_button()
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="back to the first weights")
        self.lr_d_slider = log_slider("lr D", self.gan.lr_d, 1e-5, 1e-1, ".0e")
        self.lr_g_slider = log_slider("lr G", self.gan.lr_g, 1e-5, 1e-1, ".0e")
        self.k_slider = W.IntSlider(value=self.gan.k, min=1, max=10, description="k (D steps per G step)",
                                    continuous_update=False, style={"description_width": "initial"})
        self.loss_dropdown = W.Dropdown(options=LOSS_OPTIONS, value=self.gan.loss, description="G loss")
        self.status = W.HTML()
        self.errors = ErrorBox()
        self.output = W.Output()

        self.step_d.on_click(lambda _: self._safe(lambda: self.step("d")))
        self.step_g.on_click(lambda _: self._safe(lambda: self.step("g")))
        self.step_both.on_click(lambda _: self._safe(lambda: self.step("both")))
        self.step_10.on_click(lambda _: self._safe(lambda: self.step("both", 10)))
        self.reset_button.on_click(lambda _: self._safe(self.reset))
        self.play.observe(self._on_play, names="value")
        self.lr_d_slider.observe(lambda c: self._safe(lambda: setattr(self.gan, "lr_d", c["new"]), redraw=False), names="value")
        self.lr_g_slider.observe(lambda c: self._safe(lambda: setattr(self.gan, "lr_g", c["new"]), redraw=False), names="value")
        self.k_slider.observe(lambda c: self._safe(lambda: setattr(self.gan, "k", c["new"]), redraw=False), names="value")
        self.loss_dropdown.observe(lambda c: self._safe(lambda: setattr(self.gan, "loss", c["new"]), redraw=False), names="value")
        self.loop = PlayLoop(self._play_frame, on_error=self._on_loop_error, on_stop=lambda: setattr(self.play, "value", False))

        self.widget = W.VBox([
            W.HBox([self.step_d, self.step_g, self.step_both, self.step_10, self.play, self.reset_button]),
            W.HBox([self.lr_d_slider, self.lr_g_slider]),
            W.HBox([self.k_slider, self.loss_dropdown]),
            self.status, self.errors.widget, self.output,
        ])
        self._build_figure()
        self.redraw()

    # actions --------------------------------------------------------------------------------
    def step(self, which: str = "both", n: int = 1) -> None:
        """Train n iterations of `which` ('d', 'g' or 'both') and redraw; errors propagate (buttons catch them)."""
        start = time.perf_counter()
        self.gan.step(n, which)
        self.redraw()
        self.frame_ms = 1000 * (time.perf_counter() - start)
        self._update_status()

    def reset(self) -> None:
        """Stop playing, restore the GAN's first state and clear the curves."""
        self.play.value = False
        self.loop.stop()
        self.gan.reset()
        self.metric = {"step": [], "value": []}
        self.redraw()

    def _play_frame(self) -> None:
        self.step("both", self.steps_per_frame)

    def _on_play(self, change) -> None:
        if change["new"]:
            self.errors.clear()
            try:
                self.loop.start()
            except RuntimeError as err:
                self.errors.show(err)
                self.play.value = False
        else:
            self.loop.stop()

    def _on_loop_error(self, err: BaseException) -> None:
        self.errors.show(err, HINT)
        self.play.value = False

    def _safe(self, action, redraw: bool = False) -> bool:
        """Run a button's or slider's action, showing any error in the dashboard instead of raising."""
        try:
            action()
        except (Exception, KeyboardInterrupt) as err:  # shown to the learner, never raised in a class
            self.errors.show(err, HINT)
            return False
        self.errors.clear()
        if redraw:
            self.redraw()
        self._update_status()
        return True

    # drawing --------------------------------------------------------------------------------
    def _build_figure(self) -> None:
        self.figure = Figure(figsize=display_mode.figsize(12, 3.4))
        FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.05, right=0.98, bottom=0.17, top=0.88, wspace=0.28)
        ax_main, ax_loss, ax_metric = self.figure.subplots(1, 3, gridspec_kw={"width_ratios": [1.5, 1, 1]})
        self.axes = (ax_main, ax_loss, ax_metric)
        ax_main.set_title(" ", fontsize=display_mode.font(10))
        data = self.gan.data
        real, fake, d, d_star = PALETTE["real"], PALETTE["fake"], PALETTE["D"], PALETTE["D*"]
        if self.dim == 1:
            lo, hi = data.support(margin=8.0)
            self.grid = np.linspace(lo, hi, 300)
            self.edges = np.linspace(lo, hi, self.bins + 1)
            self.centres = 0.5 * (self.edges[1:] + self.edges[:-1])
            self.p_data = data.pdf(self.grid)
            ax_main.plot(self.grid, self.p_data, color=real.colour, linestyle=real.linestyle, linewidth=2, label="$p_{data}$")
            (self.pg_line,) = ax_main.plot(self.centres, np.zeros_like(self.centres), color=fake.colour,
                                           linestyle=fake.linestyle, linewidth=2, label="$p_g$")
            (self.d_line,) = ax_main.plot(self.grid, np.zeros_like(self.grid), color=d.colour, linestyle=d.linestyle,
                                          label="$D(x)$")
            (self.dstar_line,) = ax_main.plot(self.centres, np.zeros_like(self.centres), color=d_star.colour,
                                              linestyle=d_star.linestyle, alpha=0.6, label="$D^*(x)$ for current $p_g$")
            ax_main.axhline(0.5, color="gray", linewidth=0.8)
            ax_main.set_xlim(lo, hi)
            ax_main.set_xlabel("$x$")
            ax_main.legend(loc="upper left", fontsize=display_mode.font(8), ncol=2, framealpha=0.9)
            ax_metric.set_ylabel("JS estimate (nats)")
            ax_metric.set_yscale("log")
            ax_metric.set_ylim(1e-3, 1.0)
            ax_main.set_ylim(0, max(1.05, 1.15 * float(np.max(self.p_data))))
            ax_metric.axhline(0.05, color="gray", linestyle="--", linewidth=0.8)
        else:
            lo, hi = data.support(margin=10.0)
            axis = np.linspace(lo, hi, 60)
            gx, gy = np.meshgrid(axis, axis)
            self.grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
            self.d_image = ax_main.imshow(np.zeros((60, 60)), extent=(lo, hi, lo, hi), origin="lower",
                                          cmap=role_cmap("D says fake", "D says real"), vmin=0, vmax=1, alpha=MAP_ALPHA)
            points = data.sample(1000, np.random.default_rng(123))
            self.real_points = ax_main.scatter(points[:, 0], points[:, 1], s=2, color=real.colour, marker=real.marker,
                                               label="real")
            self.fake_points = ax_main.scatter(np.zeros(500), np.zeros(500), s=5, color=fake.colour, marker=fake.marker,
                                               linewidths=0, label="$G(z)$")
            ax_main.set_xlim(lo, hi)
            ax_main.set_ylim(lo, hi)
            ax_main.set_aspect("equal")
            ax_main.legend(loc="upper right", fontsize=display_mode.font(8), framealpha=0.9)
            ax_main.set_xlabel(f"{PALETTE['D says real'].name}: D says real, {PALETTE['D says fake'].name}: D says fake",
                               fontsize=display_mode.font(8))
            ax_metric.set_ylabel("modes covered")
            ax_metric.set_ylim(-0.3, len(data.centres) + 0.3)
        (self.d_loss_line,) = ax_loss.plot([], [], color=PALETTE["D loss"].colour, label="D loss")
        (self.g_loss_line,) = ax_loss.plot([], [], color=PALETTE["G loss"].colour, label="G loss")
        ax_loss.axhline(np.log(4), color="gray", linestyle="--", linewidth=0.8)
        ax_loss.set_xlabel("step")
        ax_loss.set_title("losses (dashed: log 4)", fontsize=display_mode.font(10))
        ax_loss.legend(loc="upper right", fontsize=display_mode.font(8))
        (self.metric_line,) = ax_metric.plot([], [], color=PALETTE["metric"].colour, marker=PALETTE["metric"].marker,
                                             markersize=3)
        ax_metric.set_xlabel("step")
        ax_loss.set_ylim(-1.0, 2.0)
        moving = [self.d_loss_line, self.g_loss_line, self.metric_line, ax_main.title]
        moving += [self.pg_line, self.d_line, self.dstar_line] if self.dim == 1 else [self.d_image, self.real_points, self.fake_points]
        moving.append(ax_main.get_legend())
        for artist in moving:
            artist.set_animated(True)
        self._animated, self._background, self._limits = moving, None, None

    def redraw(self) -> None:
        """Update every artist from the GAN's current state, render once and show it in the output area."""
        gan, ax_main = self.gan, self.axes[0]
        samples = gan.sample(self.n_samples)
        if self.dim == 1:
            p_g = histogram_density(samples, self.edges)
            p_g = np.convolve(np.pad(p_g, 1, mode="edge"), [0.25, 0.5, 0.25], mode="valid")
            self.pg_line.set_ydata(p_g)
            self.d_line.set_ydata(gan.discriminate(self.grid[:, None]))
            self.dstar_line.set_ydata(optimal_discriminator(gan.data.pdf(self.centres), p_g))
            value = js_estimate(samples, gan.data)
            title = f"step {gan.step_count}: JS estimate {value:.3f}"
        else:
            self.d_image.set_data(gan.discriminate(self.grid).reshape(60, 60))
            self.fake_points.set_offsets(samples[:500])
            coverage = modes_covered(samples, gan.data.centres, gan.data.std)
            value = coverage.covered
            title = f"step {gan.step_count}: {coverage.covered}/{len(gan.data.centres)} modes, {coverage.off_mode:.0%} off-mode"
        if not self.metric["step"] or self.metric["step"][-1] != gan.step_count:
            self.metric["step"].append(gan.step_count)
            self.metric["value"].append(max(value, 1e-3) if self.dim == 1 else value)
        self.metric_line.set_data(self.metric["step"], self.metric["value"])
        ax_main.title.set_text(title)
        h = gan.history
        self.d_loss_line.set_data(h["step"], h["d_loss"])
        self.g_loss_line.set_data(h["step"], h["g_loss"])
        self._update_limits()
        self._render()
        self._update_status()

    def _update_limits(self) -> None:
        """Grow the curve axes in coarse jumps (x: 50, 100, 200, 500, ...), so the cached background is usually reusable."""
        ax_loss, ax_metric = self.axes[1:]
        steps, x_high = self.gan.step_count, 50
        while x_high < steps:
            x_high = _next_125(x_high)
        for ax in (ax_loss, ax_metric):
            if ax.get_xlim() != (0, x_high):
                ax.set_xlim(0, x_high)
        losses = np.asarray(self.gan.history["d_loss"] + self.gan.history["g_loss"], dtype=np.float64)
        low, high = ax_loss.get_ylim()
        if losses.size and (losses.min() < low or losses.max() > high):
            pad = 0.25 * max(high - low, 0.5)
            ax_loss.set_ylim(min(low, losses.min() - pad), max(high, losses.max() + pad))

    def _render(self) -> None:
        """Blit: draw the static parts only when limits change, then the moving artists, then encode a PNG."""
        canvas = self.figure.canvas
        limits = tuple(ax.get_xlim() + ax.get_ylim() for ax in self.axes)
        if self._background is None or limits != self._limits:
            canvas.draw()  # every artist except the animated ones
            self._background, self._limits = canvas.copy_from_bbox(self.figure.bbox), limits
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self._animated:
            artist.draw(renderer)
        rgba = np.asarray(canvas.buffer_rgba())
        buffer = io.BytesIO()
        PILImage.fromarray(rgba[..., :3]).save(buffer, format="png", compress_level=1)
        self.png = buffer.getvalue()
        # Replace the Output's content in one state update: the effect of clear_output(wait=True) plus
        # display(), without capturing kernel output (which nbclient mishandles when it keeps no widget state).
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"image/png": base64.b64encode(self.png).decode("ascii"),
                                         "text/plain": f"<toy GAN frame, step {self.gan.step_count}>"}},)

    def snapshot(self) -> Image:
        """The last rendered frame as an image (a static copy to keep in a saved notebook)."""
        return Image(data=self.png, format="png")

    def _update_status(self) -> None:
        g = self.gan
        last = g.last or {}
        text = (f"step <b>{g.step_count}</b> &middot; loss {g.loss} &middot; lr D {g.lr_d:.0e}, lr G {g.lr_g:.0e}, k {g.k}")
        if last:
            text += f" &middot; D(x) {last['d_real']:.2f}, D(G(z)) {last['d_fake']:.2f}"
        if np.isfinite(self.frame_ms):
            text += f" &middot; last step + redraw {self.frame_ms:.0f} ms"
        self.status.value = text

    def snapshot_png(self) -> bytes:
        """The whole dashboard as one PNG: its controls and their values, the status line and the last frame."""
        return dashboard_snapshot(self.widget, html_text(self.status.value), self.errors.widget.value, self.png)

    def _repr_mimebundle_(self, **kwargs) -> dict:
        return dashboard_bundle(display_mode.dress(self.widget), self.snapshot_png,
                                f"ToyDashboard: {html_text(self.status.value)}")
