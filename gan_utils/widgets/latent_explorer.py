"""Sliders over a generator's latent space: ``LatentExplorer`` and ``InterpolationSlider``.

Introduced in notebook 05. ``LatentExplorer`` puts a slider on each direction that
``gan_utils.engine.latent.find_directions`` finds (and a digit picker for a conditional
generator); ``InterpolationSlider`` walks from one z to another, linearly or on the sphere. Both
redraw in place and can be driven from code, which is how the tests use them.
"""
from __future__ import annotations

import base64
import time

import numpy as np

from ..engine.latent import METHODS, NUM_DIGITS, Directions, as_latent_pair, find_directions, interpolate, latent_size, lerp, render, sample_z, slerp
from ..engine.models import is_conditional
from ..engine.plotting import grid_png
from . import display_mode


class GeneratorView:
    """Shared machinery of the generator widgets (notebooks 05 and 06): a generator, an image that redraws in place, timings, a static snapshot."""

    def __init__(self, generator, label, scale: int):
        import ipywidgets as W

        from . import controls

        if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or not 1 <= scale <= 16:
            raise ValueError(f"scale must be an integer in 1..16 (screen pixels per image pixel), got {scale!r}")
        self.generator, self.scale = generator, int(scale)
        self.conditional = is_conditional(generator)
        self.latent_dim = latent_size(generator)
        if self.conditional:
            label = 0 if label is None else label
            if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or not 0 <= label < NUM_DIGITS:
                raise ValueError(f"label must be a digit 0..{NUM_DIGITS - 1}, got {label!r}")
        elif label is not None:
            raise ValueError("label only applies to a conditional generator (model 'cdcgan'); pass label=None")
        self.digit_picker = W.ToggleButtons(options=[str(i) for i in range(NUM_DIGITS)],
                                            value=str(label if self.conditional else 0), description="digit",
                                            style={"button_width": "28px"})
        self.image = W.Image(format="png")
        self.status = W.HTML()
        self.errors = controls.ErrorBox()
        self.images = np.zeros((1, 28, 28, 1), np.float32)
        self.redraw_ms: list[float] = []
        self._hold = False
        self.digit_picker.observe(lambda _: self._safely(self.redraw), names="value")

    @property
    def label(self) -> int | None:
        """The digit a conditional generator is asked for (None for an unconditional one)."""
        return int(self.digit_picker.value) if self.conditional else None

    @label.setter
    def label(self, value: int) -> None:
        if not self.conditional:
            raise ValueError("label only applies to a conditional generator (model 'cdcgan')")
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < NUM_DIGITS:
            raise ValueError(f"label must be a digit 0..{NUM_DIGITS - 1}, got {value!r}")
        self.digit_picker.value = str(int(value))

    def _safely(self, fn, *args) -> None:
        if self._hold:
            return
        try:
            fn(*args)
            self.errors.clear()
        except Exception as err:  # shown in the widget, never raised inside a callback
            self.errors.show(err)

    def _latents(self) -> np.ndarray:
        raise NotImplementedError

    def _nrow(self) -> int:
        return len(self._latents())

    def _status_text(self) -> str:
        return ""

    def redraw(self) -> None:
        """Generate the images for the current settings and show them; record how long it took."""
        start = time.perf_counter()
        self.images = render(self.generator, self._latents(), self.label)
        self.image.value = grid_png(self.images, self._nrow(), self.scale)
        self.redraw_ms.append((time.perf_counter() - start) * 1000.0)
        self.status.value = f"{self._status_text()} &nbsp; <span style='color:gray'>redrawn in {self.redraw_ms[-1]:.0f} ms</span>"

    def png(self) -> bytes:
        """The current view as PNG bytes (what the widget shows)."""
        return bytes(self.image.value)

    def snapshot(self):
        """Return the current view as an IPython Image (what a saved notebook shows without widgets)."""
        from IPython.display import Image

        return Image(data=self.png(), format="png")

    def _repr_mimebundle_(self, **kwargs) -> dict:
        bundle = dict(display_mode.dress(self.widget)._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")  # shown where widgets are not (GitHub, nbviewer)
        bundle["text/plain"] = f"{type(self).__name__}: {self._status_text()}"
        return bundle


class LatentExplorer(GeneratorView):
    """Sliders along latent directions that change the image, plus a digit picker for a conditional generator. Introduced in notebook 05.

    Each slider adds (value x unit direction) to the same few latent vectors, so one direction is
    seen acting on several digits at once. Drive it from code: ``explorer.set_offsets([2, 0, -1])``,
    ``explorer.sliders[0].value = 3``, ``explorer.label = 7``, ``explorer.new_z()``.
    """

    def __init__(self, generator, directions: Directions | np.ndarray | None = None, n_directions: int = 4,
                 n_images: int = 6, seed: int = 0, label: int | None = None, limit: float = 4.0,
                 scale: int = 3, n_samples: int = 1000):
        import ipywidgets as W

        super().__init__(generator, label, scale)
        if isinstance(n_images, bool) or not isinstance(n_images, (int, np.integer)) or not 1 <= n_images <= 32:
            raise ValueError(f"n_images must be an integer in 1..32, got {n_images!r}")
        if not (isinstance(limit, (int, float)) and 0 < limit <= 20):
            raise ValueError(f"limit must be a number in (0, 20] (slider range ±limit), got {limit!r}")
        if directions is None:
            directions = find_directions(generator, n_directions, n_samples=n_samples, seed=seed)
        vectors = np.asarray(getattr(directions, "vectors", directions), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.latent_dim or len(vectors) == 0:
            raise ValueError(f"directions must have shape (k, {self.latent_dim}) with k >= 1, got {vectors.shape}")
        self.directions = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self.n_images, self.seed, self.limit = int(n_images), int(seed), float(limit)
        self.base_z = sample_z(self.n_images, self.latent_dim, self.seed)
        self.sliders = [W.FloatSlider(value=0.0, min=-limit, max=limit, step=0.1, description=f"direction {k + 1}",
                                      continuous_update=True, readout_format=".1f")
                        for k in range(len(self.directions))]
        for slider in self.sliders:
            slider.observe(lambda _: self._safely(self.redraw), names="value")
        self.new_button = W.Button(description="New digits", icon="refresh", tooltip="draw new latent vectors z")
        self.reset_button = W.Button(description="Reset sliders", icon="undo")
        self.new_button.on_click(lambda _: self._safely(self.new_z))
        self.reset_button.on_click(lambda _: self._safely(self.set_offsets, np.zeros(len(self.sliders))))
        rows = [W.HBox([self.new_button, self.reset_button])]
        if self.conditional:
            rows.insert(0, self.digit_picker)
        self.widget = W.VBox([*rows, W.HBox([W.VBox(self.sliders), self.image]), self.status, self.errors.widget])
        self.redraw()

    @property
    def offsets(self) -> np.ndarray:
        """The slider values, one per direction."""
        return np.array([s.value for s in self.sliders], dtype=np.float32)

    def set_offsets(self, values) -> None:
        """Set every slider at once (one redraw); values are clipped to ±limit by the sliders."""
        values = np.asarray(values, dtype=np.float64)
        if values.shape != (len(self.sliders),) or not np.all(np.isfinite(values)):
            raise ValueError(f"values must be {len(self.sliders)} finite numbers (one per slider), got {values.tolist()}")
        self._hold = True
        try:
            for slider, value in zip(self.sliders, values):
                slider.value = float(value)
        finally:
            self._hold = False
        self.redraw()

    def new_z(self, seed: int | None = None) -> None:
        """Draw new latent vectors (the next seed by default) and redraw."""
        self.seed = self.seed + 1 if seed is None else int(seed)
        self.base_z = sample_z(self.n_images, self.latent_dim, self.seed)
        self.redraw()

    def _latents(self) -> np.ndarray:
        return self.base_z + self.offsets @ self.directions

    def _status_text(self) -> str:
        moved = ", ".join(f"{v:+.1f}" for v in self.offsets)
        digit = f"digit {self.label}, " if self.conditional else ""
        return f"{digit}offsets along the directions: [{moved}]"

    def strip(self, values=None, image_index: int = 0) -> np.ndarray:
        """Return images (k * len(values), 28, 28, 1): row k moves one z along direction k through `values`."""
        values = np.linspace(-self.limit, self.limit, 7) if values is None else np.asarray(values, dtype=np.float32)
        if not 0 <= image_index < self.n_images:
            raise ValueError(f"image_index must be in 0..{self.n_images - 1}, got {image_index!r}")
        z = self.base_z[image_index] + values[None, :, None] * self.directions[:, None, :]
        return render(self.generator, z.reshape(-1, self.latent_dim), self.label)

    def benchmark(self, changes: int = 20) -> float:
        """Move the first slider `changes` times, as a user would; return the median redraw time in ms."""
        if isinstance(changes, bool) or not isinstance(changes, (int, np.integer)) or changes < 1:
            raise ValueError(f"changes must be a positive integer, got {changes!r}")
        start, slider = len(self.redraw_ms), self.sliders[0]
        original = slider.value
        for value in np.linspace(-self.limit, self.limit, int(changes)):
            slider.value = float(value)
        self.set_offsets(np.where(np.arange(len(self.sliders)) == 0, original, self.offsets))
        return float(np.median(self.redraw_ms[start:start + int(changes)]))


class InterpolationSlider(GeneratorView):
    """A slider tau in [0, 1] walking from G(z0) to G(z1), spherically or linearly. Introduced in notebook 05.

    The view shows G(z0), G(z_tau) and G(z1), and the status line gives |z_tau|: a linear walk passes
    through vectors shorter than any the generator saw in training. Drive it from code:
    ``slider.tau = 0.5`` (or ``slider.t``), ``slider.method = 'linear'``, ``slider.new_endpoints()``.
    """

    def __init__(self, generator, z0=None, z1=None, seed: int = 0, label: int | None = None,
                 method: str = "spherical", scale: int = 4):
        import ipywidgets as W

        super().__init__(generator, label, scale)
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        self.seed = int(seed)
        pair = sample_z(2, self.latent_dim, self.seed)
        z0 = pair[0] if z0 is None else z0
        z1 = pair[1] if z1 is None else z1
        self.z0, self.z1 = (v.astype(np.float32) for v in as_latent_pair(z0, z1))
        if len(self.z0) != self.latent_dim:
            raise ValueError(f"z0 and z1 must have {self.latent_dim} numbers (the generator's latent size), got {len(self.z0)}")
        self.t_slider = W.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="τ",
                                      continuous_update=True, readout_format=".2f")
        self.method_buttons = W.ToggleButtons(options=list(METHODS), value=method, description="path")
        self.new_button = W.Button(description="New endpoints", icon="refresh")
        self.t_slider.observe(lambda _: self._safely(self.redraw), names="value")
        self.method_buttons.observe(lambda _: self._safely(self.redraw), names="value")
        self.new_button.on_click(lambda _: self._safely(self.new_endpoints))
        rows = [W.HBox([self.t_slider, self.method_buttons, self.new_button])]
        if self.conditional:
            rows.insert(0, self.digit_picker)
        self.widget = W.VBox([*rows, self.image, self.status, self.errors.widget])
        self.redraw()

    @property
    def t(self) -> float:
        """How far along the path, 0 (z0) to 1 (z1)."""
        return float(self.t_slider.value)

    @t.setter
    def t(self, value: float) -> None:
        if not (isinstance(value, (int, float, np.floating)) and 0.0 <= value <= 1.0):
            raise ValueError(f"t must be a number in [0, 1], got {value!r}")
        self.t_slider.value = float(value)

    @property
    def tau(self) -> float:
        """The fraction tau of notebook 05's slerp and lerp: the same as ``t``."""
        return self.t

    @tau.setter
    def tau(self, value: float) -> None:
        self.t = value

    @property
    def method(self) -> str:
        """'spherical' or 'linear'."""
        return self.method_buttons.value

    @method.setter
    def method(self, value: str) -> None:
        if value not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {value!r}")
        self.method_buttons.value = value

    def z_at(self, t: float | None = None, method: str | None = None) -> np.ndarray:
        """The latent vector at fraction t of the path (the slider's by default)."""
        method = self.method if method is None else method
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {method!r}")
        t = self.t if t is None else t
        return (slerp if method == "spherical" else lerp)(self.z0, self.z1, t).astype(np.float32)

    def new_endpoints(self, seed: int | None = None) -> None:
        """Draw a new pair z0, z1 (the next seed by default) and redraw."""
        self.seed = self.seed + 1 if seed is None else int(seed)
        self.z0, self.z1 = sample_z(2, self.latent_dim, self.seed)
        self.redraw()

    def frames(self, steps: int = 9, method: str | None = None) -> np.ndarray:
        """Return G along the path at `steps` evenly spaced t, (steps, 28, 28, 1): a static picture of the walk."""
        path = interpolate(self.z0, self.z1, steps, self.method if method is None else method)
        return render(self.generator, path, self.label)

    def _latents(self) -> np.ndarray:
        return np.stack([self.z0, self.z_at(), self.z1])

    def _status_text(self) -> str:
        norm = float(np.linalg.norm(self.z_at()))
        return (f"τ = {self.t:.2f}, {self.method} path, |z_τ| = {norm:.1f} "
                f"(z ~ N(0, I) has |z| ≈ {np.sqrt(self.latent_dim - 0.5):.1f})")

    def benchmark(self, changes: int = 20) -> float:
        """Move t across [0, 1] `changes` times, as a user would; return the median redraw time in ms."""
        if isinstance(changes, bool) or not isinstance(changes, (int, np.integer)) or changes < 1:
            raise ValueError(f"changes must be a positive integer, got {changes!r}")
        start, original = len(self.redraw_ms), self.t
        for value in np.linspace(0.0, 1.0, int(changes)):
            self.t_slider.value = float(value)
        self.t_slider.value = original
        return float(np.median(self.redraw_ms[start:start + int(changes)]))
