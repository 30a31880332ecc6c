"""Walking a generator's latent space: interpolation, directions that change the image, and sliders.

Introduced in notebook 05. z ~ N(0, I) is isotropic, so the principal directions of z itself mean
nothing. ``find_directions`` finds them from what the generator makes, in the spirit of GANSpace
(Härkönen et al. 2020): principal components of G(z) (pixels, or the reference classifier's
features), mapped back to z by least squares. ``LatentExplorer`` puts a slider on each direction
(and a digit picker for a conditional generator); ``InterpolationSlider`` walks from one z to
another, linearly or on the sphere. Both redraw in place and can be driven from code, which is how
the tests use them.
"""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .models import is_conditional
from .plotting import grid_png
from . import projector

METHODS = ("spherical", "linear")
NUM_DIGITS = 10


# ----- interpolation ---------------------------------------------------------------------------

def _vector(z, name: str) -> np.ndarray:
    v = np.asarray(z, dtype=np.float64)
    if v.ndim != 1 or len(v) == 0 or not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be one finite latent vector of shape (latent_dim,), got shape {v.shape}")
    return v


def _pair(z0, z1) -> tuple[np.ndarray, np.ndarray]:
    a, b = _vector(z0, "z0"), _vector(z1, "z1")
    if a.shape != b.shape:
        raise ValueError(f"z0 has shape {a.shape} but z1 has shape {b.shape}; they must match")
    return a, b


def _fractions(t) -> tuple[np.ndarray, bool]:
    scalar = np.ndim(t) == 0
    arr = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if arr.ndim != 1 or not np.all(np.isfinite(arr)) or arr.min() < 0.0 or arr.max() > 1.0:
        raise ValueError(f"t must be a number or a 1-D array of numbers in [0, 1], got {t!r}")
    return arr, scalar


def lerp(z0, z1, t) -> np.ndarray:
    """Linear interpolation (1 - t) z0 + t z1: shape (d,) for a number t, (len(t), d) for an array. Introduced in notebook 05."""
    a, b = _pair(z0, z1)
    ts, scalar = _fractions(t)
    out = (1.0 - ts)[:, None] * a + ts[:, None] * b
    return out[0] if scalar else out


def slerp(z0, z1, t) -> np.ndarray:
    """Spherical interpolation along the great circle from z0 to z1 (Shoemake 1985; White 2016). Introduced in notebook 05.

    slerp = sin((1 - t) W) / sin W * z0 + sin(t W) / sin W * z1, with W the angle between z0 and z1.
    Parallel vectors (W = 0) give the limit of that formula, which is lerp; opposite ones have no
    unique great circle and raise ValueError.
    """
    a, b = _pair(z0, z1)
    ts, scalar = _fractions(t)
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0.0 or nb == 0.0:
        raise ValueError("slerp needs non-zero z0 and z1 (a zero vector has no direction); use lerp")
    cos = float(np.clip(np.dot(a, b) / (na * nb), -1.0, 1.0))
    omega = np.arccos(cos)
    if np.sin(omega) < 1e-6:
        if cos < 0:
            raise ValueError("z0 and z1 point in opposite directions: no unique great circle; use lerp or another z1")
        return lerp(a, b, t)
    out = (np.sin((1.0 - ts) * omega)[:, None] * a + np.sin(ts * omega)[:, None] * b) / np.sin(omega)
    return out[0] if scalar else out


def interpolate(z0, z1, steps: int = 9, method: str = "spherical") -> np.ndarray:
    """Return `steps` latent vectors from z0 to z1 inclusive, shape (steps, d), by 'spherical' or 'linear'. Introduced in notebook 05."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"steps must be an integer >= 2 (both ends included), got {steps!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    ts = np.linspace(0.0, 1.0, int(steps))
    return slerp(z0, z1, ts) if method == "spherical" else lerp(z0, z1, ts)


# ----- sampling a generator ---------------------------------------------------------------------

def latent_size(generator) -> int:
    """Return the size of the generator's latent input z. Introduced in notebook 05."""
    return int(generator.inputs[0].shape[-1])


def _labels_for(generator, labels, n: int) -> np.ndarray | None:
    if not is_conditional(generator):
        if labels is not None:
            raise ValueError("labels only apply to a conditional generator (model 'cdcgan'); pass labels=None")
        return None
    if labels is None:
        return (np.arange(n) % NUM_DIGITS).astype(np.int32)
    arr = np.asarray(labels)
    if not np.issubdtype(arr.dtype, np.integer) or arr.ndim > 1 or np.any(arr < 0) or np.any(arr >= NUM_DIGITS):
        raise ValueError(f"labels must be digits 0..{NUM_DIGITS - 1} (one number or one per z), got {labels!r}")
    try:
        return np.broadcast_to(arr, (n,)).astype(np.int32)
    except ValueError:
        raise ValueError(f"labels holds {arr.size} values for {n} latent vectors; give one or {n}") from None


def render(generator, z, labels=None, batch: int = 500) -> np.ndarray:
    """Return G(z) as float32 (n, 28, 28, 1) in [-1, 1]; labels (digits) for a conditional generator. Introduced in notebook 05."""
    z = np.asarray(z, dtype=np.float32)
    if z.ndim == 1:
        z = z[None]
    d = latent_size(generator)
    if z.ndim != 2 or z.shape[1] != d or len(z) == 0:
        raise ValueError(f"z must have shape (n, {d}) with n >= 1, got {np.shape(z)}")
    y = _labels_for(generator, labels, len(z))
    out = []
    for i in range(0, len(z), batch):
        inputs = z[i:i + batch] if y is None else [z[i:i + batch], y[i:i + batch]]
        out.append(np.asarray(generator(inputs, training=False)))
    return np.concatenate(out).astype(np.float32)


def sample_z(n: int, latent_dim: int, seed: int = 0) -> np.ndarray:
    """Return n latent vectors z ~ N(0, I), float32 (n, latent_dim), the same for the same seed. Introduced in notebook 05."""
    for name, value in (("n", n), ("latent_dim", latent_dim)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return np.random.default_rng(seed).standard_normal((int(n), int(latent_dim))).astype(np.float32)


# ----- directions that change the image ---------------------------------------------------------

@dataclass(frozen=True)
class Directions:
    """Unit latent directions (k, d), each moving G(z) along one principal component of the outputs."""

    vectors: np.ndarray
    explained: np.ndarray
    space: str

    def __len__(self) -> int:
        return len(self.vectors)


SPACES = ("pixels", "features")


def find_directions(generator, n_directions: int = 4, n_samples: int = 2000, seed: int = 0,
                    labels=None, space: str = "pixels") -> Directions:
    """Return latent directions from PCA of G(z), mapped back to z by least squares. Introduced in notebook 05.

    With S (n, k) the scores of the top-k principal components of G(z) and Z (n, d) the latent
    vectors, fit S ~ Z W by least squares; column j of W is the direction in z along which the fitted
    score j rises fastest, scaled to unit length. ``space='features'`` runs the PCA on the reference
    classifier's 128-d features instead of the pixels. Each direction's sign is chosen so that moving
    along it adds ink.
    """
    if space not in SPACES:
        raise ValueError(f"space must be one of {SPACES}, got {space!r}")
    if isinstance(n_directions, bool) or not isinstance(n_directions, (int, np.integer)) or n_directions < 1:
        raise ValueError(f"n_directions must be a positive integer, got {n_directions!r}")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 2 * n_directions + 2:
        raise ValueError(f"n_samples must be an integer >= {2 * n_directions + 2} for {n_directions} directions, got {n_samples!r}")
    z = sample_z(int(n_samples), latent_size(generator), seed)
    images = render(generator, z, labels)
    pixels = images.reshape(len(images), -1).astype(np.float64)
    if space == "features":
        from .metrics import features

        outputs = features(images)
    else:
        outputs = pixels
    centred = outputs - outputs.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    k = int(min(n_directions, len(s)))
    scores = centred @ vt[:k].T  # (n, k), uncorrelated columns
    zc = z.astype(np.float64) - z.mean(axis=0)
    coef, *_ = np.linalg.lstsq(zc, scores, rcond=None)  # (d, k): scores ~ z @ coef
    norms = np.linalg.norm(coef, axis=0)
    if np.any(norms == 0):
        raise ValueError("a principal component does not depend on z at all: does the generator ignore its input?")
    vectors = (coef / norms).T
    # sign: + adds ink (the score rises along +v; flip where a higher score means less ink)
    ink = (pixels - pixels.mean(axis=0)).sum(axis=1)
    signs = np.sign((scores * ink[:, None]).sum(axis=0))
    vectors *= np.where(signs == 0, 1.0, signs)[:, None]
    explained = s[:k] ** 2 / np.sum(s ** 2)
    return Directions(vectors=vectors.astype(np.float32), explained=explained, space=space)


def direction_effect(generator, vectors, amount: float = 3.0, n: int = 100, seed: int = 1,
                     labels=None) -> np.ndarray:
    """Return, per direction, the mean absolute pixel change (grey levels 0..255) when z moves by ±amount. Introduced in notebook 05."""
    v = np.asarray(getattr(vectors, "vectors", vectors), dtype=np.float32)
    d = latent_size(generator)
    if v.ndim != 2 or v.shape[1] != d:
        raise ValueError(f"vectors must have shape (k, {d}), got {v.shape}")
    if not amount > 0:
        raise ValueError(f"amount must be > 0, got {amount!r}")
    z = sample_z(n, d, seed)
    effects = []
    for direction in v:
        unit = direction / np.linalg.norm(direction)
        up = render(generator, z + amount * unit, labels)
        down = render(generator, z - amount * unit, labels)
        effects.append(float(np.mean(np.abs(up - down))) * 127.5)
    return np.array(effects)


def attribute_direction(z, scores, quantile: float = 0.25) -> np.ndarray:
    """Return mean z of the top `quantile` by score minus mean z of the bottom `quantile` (Radford et al. 2015). Introduced in notebook 05."""
    z = np.asarray(z, dtype=np.float64)
    scores = np.asarray(scores, dtype=np.float64)
    if z.ndim != 2 or scores.shape != (len(z),):
        raise ValueError(f"z must be (n, d) and scores (n,), got {z.shape} and {scores.shape}")
    if not 0.0 < quantile <= 0.5:
        raise ValueError(f"quantile must be in (0, 0.5], got {quantile!r}")
    k = max(1, int(round(quantile * len(z))))
    if 2 * k > len(z):
        raise ValueError(f"need at least 2 latent vectors, got {len(z)}")
    order = np.argsort(scores)
    return z[order[-k:]].mean(axis=0) - z[order[:k]].mean(axis=0)


def conditional_accuracy(generator, n_per_class: int = 100, seed: int = 0,
                         classify: Callable | None = None) -> np.ndarray:
    """Return, for each digit 0..9, the share of its conditional samples the reference classifier calls that digit. Introduced in notebook 05."""
    if not is_conditional(generator):
        raise ValueError("conditional_accuracy needs a conditional generator (model 'cdcgan') taking [z, label]")
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)) or n_per_class < 1:
        raise ValueError(f"n_per_class must be a positive integer, got {n_per_class!r}")
    if classify is None:
        from .metrics import classify
    labels = np.repeat(np.arange(NUM_DIGITS), int(n_per_class)).astype(np.int32)
    images = render(generator, sample_z(len(labels), latent_size(generator), seed), labels)
    probs = np.asarray(classify(images))
    if probs.shape != (len(labels), NUM_DIGITS):
        raise ValueError(f"classify returned shape {probs.shape}; expected ({len(labels)}, {NUM_DIGITS}) probabilities")
    hits = probs.argmax(axis=1) == labels
    return hits.reshape(NUM_DIGITS, int(n_per_class)).mean(axis=1)


# ----- widgets ----------------------------------------------------------------------------------

class _GeneratorView:
    """Shared machinery: a generator, an image that redraws in place, timings, a static snapshot."""

    def __init__(self, generator, label, scale: int):
        import ipywidgets as W

        from . import widgets

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
        self.errors = widgets.ErrorBox()
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
        bundle = dict(projector.dress(self.widget)._repr_mimebundle_(**kwargs) or {})
        bundle["image/png"] = base64.b64encode(self.png()).decode("ascii")  # shown where widgets are not (GitHub, nbviewer)
        bundle["text/plain"] = f"{type(self).__name__}: {self._status_text()}"
        return bundle


class LatentExplorer(_GeneratorView):
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


class InterpolationSlider(_GeneratorView):
    """A slider t in [0, 1] walking from G(z0) to G(z1), spherically or linearly. Introduced in notebook 05.

    The view shows G(z0), G(z_t) and G(z1), and the status line gives |z_t|: a linear walk passes
    through vectors shorter than any the generator saw in training. Drive it from code:
    ``slider.t = 0.5``, ``slider.method = 'linear'``, ``slider.new_endpoints()``.
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
        self.z0, self.z1 = (v.astype(np.float32) for v in _pair(z0, z1))
        if len(self.z0) != self.latent_dim:
            raise ValueError(f"z0 and z1 must have {self.latent_dim} numbers (the generator's latent size), got {len(self.z0)}")
        self.t_slider = W.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.01, description="t",
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
        return (f"t = {self.t:.2f}, {self.method} path, |z_t| = {norm:.1f} "
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
