"""A widget to watch gradient descent learn: ``GradientDescentExplorer``.

Introduced in notebook 01. It trains the NumPy network of ``gan_utils.engine.neuron`` by hand-written
gradient descent and draws the decision boundary over the data and the loss curve, updating one
persistent figure in place. Its buttons call its methods (``step``, ``reset``, ``play``,
``pause``), so tests drive it with ``button.click()``. Notebook 01 hands it the learner's own
pieces: ``step`` (one gradient step of the single neuron), ``backward`` (the two-layer network's
gradients) and ``loss`` (the binary cross-entropy); without them it uses the engine's.
"""
from __future__ import annotations

import base64
import io
import math

import numpy as np

from ..engine.plotting import PALETTE, role_cmap
from ..engine.neuron import DIVERGE_FACTOR, gradient_step, gradients, init_params, logits, make_two_blobs, sigmoid
from . import display_mode
from .controls import PlayControls


class GradientDescentExplorer(PlayControls):
    """Step, play and reset gradient descent on 2-D data, watching the boundary and the loss. Introduced in notebook 01."""

    def __init__(self, x=None, y=None, lr: float = 0.1, width: int = 0, seed: int = 0,
                 lr_range: tuple[float, float] = (1e-3, 1e2), play_steps: int = 2, grid: int = 60,
                 diverge_factor: float = DIVERGE_FACTOR, step=None, backward=None, loss=None):
        """step(w, b, x, y, lr) -> (w, b) trains the single neuron (width 0); backward(params, x, y) -> the
        gradients, a dict like params, trains the hidden layer (width > 0); loss(y, p) -> the mean loss."""
        import ipywidgets as W

        from . import controls as widgets

        if x is None and y is None:
            x, y = make_two_blobs(seed=seed)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != 2 or len(x) < 2:
            raise ValueError(f"x must have shape (n, 2) with n >= 2, got {x.shape}")
        if y.shape != (len(x),) or not np.isin(y, (0.0, 1.0)).all():
            raise ValueError(f"y must hold {len(x)} labels, each 0 or 1, got shape {y.shape}")
        if isinstance(play_steps, bool) or not isinstance(play_steps, int) or play_steps < 1:
            raise ValueError(f"play_steps must be a positive integer, got {play_steps!r}")
        if not diverge_factor > 1:
            raise ValueError(f"diverge_factor must be > 1, got {diverge_factor!r}")
        for label, fn in (("step", step), ("backward", backward), ("loss", loss)):
            if fn is not None and not callable(fn):
                raise ValueError(f"{label} must be a function or None, got {type(fn).__name__}")
        if step is not None and width != 0:
            raise ValueError(f"step(w, b, x, y, lr) trains the single neuron (width=0), got width={width!r}; "
                             f"pass backward= for a hidden layer")
        if backward is not None and width == 0:
            raise ValueError("backward(params, x, y) trains a hidden layer: give width > 0 (or pass step= for one neuron)")
        self.step_fn, self.backward_fn, self.loss_fn = step, backward, loss
        self.x, self.y, self.width, self.seed = x, y, width, seed
        self.play_steps, self.diverge_factor = play_steps, float(diverge_factor)
        self._initial = init_params(width, seed)
        self.lr_slider = widgets.log_slider("learning rate", lr, *lr_range, readout_format=".3g")
        self.step_button = W.Button(description="Step", tooltip="one gradient-descent step")
        self.step10_button = W.Button(description="Step x10", tooltip="ten steps")
        self.play_button = widgets.play_button()
        self.reset_button = W.Button(description="Reset", icon="undo", tooltip="back to the first weights")
        self.status = W.HTML()
        self.errors = widgets.ErrorBox()
        self.image = W.Image(format="png")
        self.loop = widgets.PlayLoop(self._play_step, on_error=self._on_error, on_stop=self._on_stop, delay=0.01)
        self.step_button.on_click(lambda _: self._safely(self.step, 1))
        self.step10_button.on_click(lambda _: self._safely(self.step, 10))
        self.reset_button.on_click(lambda _: self._safely(self.reset))
        self.play_button.observe(self._on_play_toggle, names="value")
        self.widget = W.VBox([
            W.HBox([self.lr_slider, self.step_button, self.step10_button, self.play_button, self.reset_button]),
            self.status, self.errors.widget, self.image,
        ])
        self._build_figure(grid)
        self.reset()

    # ----- state -----------------------------------------------------------------------------
    @property
    def lr(self) -> float:
        """The learning rate currently set on the slider."""
        return float(self.lr_slider.value)

    def reset(self) -> None:
        """Restore the first weights, forget the loss curve and redraw."""
        self.pause()
        self.params = {k: v.copy() for k, v in self._initial.items()}
        self.steps = 0
        self.diverged = False
        self.losses = [self._loss(self.params)]
        self._first_exact = gradients(self.params, self.x, self.y)[0]
        self.errors.clear()
        self.redraw()

    def step(self, n: int = 1) -> float:
        """Take n gradient-descent steps at the slider's learning rate, redraw once; return the loss."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive integer number of steps, got {n!r}")
        for _ in range(n):
            if self.diverged:
                break
            new = self._updated(self.params)
            finite = all(np.isfinite(v).all() for v in new.values())
            loss = self._loss(new) if finite else math.inf
            # judged on the course's loss from logits, which never rounds a probability to 0 or 1
            exact = gradients(new, self.x, self.y)[0] if finite else math.inf
            if not math.isfinite(loss) or not exact <= self.diverge_factor * self._first_exact:
                self.diverged = True  # keep the last finite weights on screen, never NaNs
                self.diverged_loss = loss
                if math.isfinite(loss):  # show the jump on the curve, then stop
                    self.params, self.steps = new, self.steps + 1
                    self.losses.append(loss)
                break
            self.params, self.steps = new, self.steps + 1
            self.losses.append(loss)
        if self.diverged:
            self.pause()
        self.redraw()
        return self.losses[-1]

    def _updated(self, params: dict) -> dict:
        """The weights after one step at the slider's rate: the learner's step or backward pass if given."""
        copy = {k: v.copy() for k, v in params.items()}
        if self.step_fn is not None:
            w, b = self.step_fn(copy["w"], copy["b"], self.x, self.y, self.lr)
            return {"w": np.asarray(w, dtype=np.float64).reshape(params["w"].shape),
                    "b": np.asarray(b, dtype=np.float64).reshape(params["b"].shape)}
        if self.backward_fn is not None:
            grads = self.backward_fn(copy, self.x, self.y)
            return {k: params[k] - self.lr * np.asarray(grads[k], dtype=np.float64).reshape(params[k].shape)
                    for k in params}
        return gradient_step(params, self.x, self.y, self.lr)[1]

    def _loss(self, params: dict) -> float:
        """The mean BCE of these weights on the data: the learner's loss if given (probabilities kept off 0 and 1).

        The curve shows this loss; divergence is judged on the course's loss from logits (``step``), which
        keeps growing where a probability has rounded to exactly 0 or 1.
        """
        if self.loss_fn is None:
            return gradients(params, self.x, self.y)[0]
        p = np.clip(sigmoid(logits(params, self.x)), 1e-12, 1.0 - 1e-12)
        return float(self.loss_fn(self.y, p))

    @property
    def status_text(self) -> str:
        """One line saying where training stands (plain text, also shown above the plot)."""
        loss = self.losses[-1]
        if self.diverged:
            return (f"Diverged at step {self.steps} with learning rate {self.lr:.3g}: the loss jumped from "
                    f"{self.losses[0]:.3f} to {self.diverged_loss:.3g}. Each step overshoots the minimum. "
                    f"Lower the learning rate and press Reset.")
        accuracy = float(np.mean((logits(self.params, self.x) > 0) == (self.y > 0.5)))
        return f"step {self.steps}   loss {loss:.4f}   training accuracy {accuracy:.1%}   learning rate {self.lr:.3g}"

    # ----- Play / Pause (play, pause, playing, wait come from PlayControls) ----------
    def _play_step(self) -> None:
        self.step(self.play_steps)

    def _on_error(self, err: BaseException) -> None:
        self.errors.show(err, hint="Press Reset to start again.")

    # ----- drawing -----------------------------------------------------------------------------
    # The axes, ticks and labels are drawn once into a cached background; a redraw restores it and
    # draws only what changes (the probability field, the points over it, the boundary, the loss
    # curve, the titles), then encodes the pixels as PNG: a few milliseconds instead of a full draw.
    def _build_figure(self, grid: int) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import NullFormatter

        if isinstance(grid, bool) or not isinstance(grid, int) or not 10 <= grid <= 400:
            raise ValueError(f"grid must be an integer in 10..400 (points per side), got {grid!r}")
        pad = 0.5
        lo, hi = self.x.min(0) - pad, self.x.max(0) + pad
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
        self._gx, self._gy = gx, gy
        self._grid_x = np.column_stack([gx.ravel(), gy.ravel()])
        self.fig = Figure(figsize=(9, 3.6), dpi=72)
        FigureCanvasAgg(self.fig)
        ax, loss_ax = self.fig.subplots(1, 2, width_ratios=[1, 1.15])
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.22)
        self._field = ax.imshow(np.zeros(gx.shape), origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]),
                                cmap=role_cmap("class 0", "class 1"), vmin=0, vmax=1, alpha=0.35, aspect="auto",
                                interpolation="bilinear")
        self._points = [
            ax.scatter(*self.x[self.y == label].T, s=12, c=style.colour, marker=style.marker, edgecolors="white",
                       linewidths=0.4, label=f"class {label}")
            for label, style in ((0, PALETTE["class 0"]), (1, PALETTE["class 1"]))
        ]
        self._boundary = None
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.legend(loc="lower right", fontsize=8)
        (self._loss_line,) = loss_ax.plot([], [], color="black", lw=1.5)
        loss_ax.set_yscale("log")
        loss_ax.yaxis.set_minor_formatter(NullFormatter())
        loss_ax.set_xlabel("step")
        loss_ax.set_ylabel("BCE loss (log scale)")
        loss_ax.grid(True, which="both", alpha=0.3)
        self._ax, self._loss_ax = ax, loss_ax
        # plain texts above the axes (an axes title moves itself when hidden for the background)
        self._title, self._loss_title = (axes.text(0.5, 1.03, "", transform=axes.transAxes, ha="center", fontsize=10)
                                         for axes in (ax, loss_ax))
        self._background, self._background_key = None, None

    def _dynamic_artists(self) -> list:
        artists = [self._field, *self._points, self._loss_line, self._title, self._loss_title]
        return artists + ([self._boundary] if self._boundary is not None else [])

    def _loss_limits(self) -> tuple:
        """Axis limits for the loss curve that change rarely (so the cached background stays valid)."""
        n = len(self.losses) - 1
        right = 10 if n <= 10 else 2 ** math.ceil(math.log2(n))
        low, high = min(self.losses), max(self.losses)
        return right, 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high) + 1e-9)

    def redraw(self) -> None:
        """Update the figure's artists from the current weights and loss curve, then refresh the image."""
        p = sigmoid(logits(self.params, self._grid_x)).reshape(self._gx.shape)
        self._field.set_data(p)
        if self._boundary is not None:
            self._boundary.remove()
            self._boundary = None
        if p.min() < 0.5 < p.max():
            self._boundary = self._ax.contour(self._gx, self._gy, p, levels=[0.5], colors="black", linewidths=2)
        self._title.set_text(f"P(class 1) and the boundary P = 0.5, step {self.steps}")
        self._loss_line.set_data(np.arange(len(self.losses)), self.losses)
        colour = "#b00020" if self.diverged else "black"
        self._loss_title.set_text(f"diverged: loss {self.losses[-1]:.3g}" if self.diverged else f"loss {self.losses[-1]:.4f}")
        self._loss_title.set_color(colour)
        self.status.value = f"<span style='color:{colour}'>{self.status_text}</span>"
        self.image.value = self.png()

    def _render(self) -> None:
        """Draw into the canvas: the cached background plus the artists that change every step."""
        canvas = self.fig.canvas
        key = self._loss_limits()
        if key != self._background_key or self._background is None:
            right, low, high = key
            self._loss_ax.set_xlim(0, right)
            self._loss_ax.set_ylim(low, high)
            dynamic = self._dynamic_artists()
            for artist in dynamic:
                artist.set_visible(False)
            canvas.draw()
            for artist in dynamic:
                artist.set_visible(True)
            self._background, self._background_key = canvas.copy_from_bbox(self.fig.bbox), key
        canvas.restore_region(self._background)
        for artist in self._dynamic_artists():
            artist.axes.draw_artist(artist)

    def png(self) -> bytes:
        """The current figure as PNG bytes (what the widget shows)."""
        from PIL import Image

        self._render()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    # ----- display -----------------------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = dict(display_mode.dress(self.widget)._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")  # what a static viewer (GitHub, nbviewer) shows instead of the widget
        bundle["text/plain"] = self.status_text
        return bundle
