"""Pictures: digits and training curves (white ink on black, the way MNIST looks), and a toy GAN's state (notebook 02)."""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .answers import course_answer
from .densities import histogram_density
from .validate import check_int, check_positive


# ----- the course's colours ------------------------------------------------------------------
# One palette for every figure, defined here only: the Okabe-Ito colours (Okabe & Ito 2008, "Color
# Universal Design"; Wong 2011, Nature Methods 8:441), chosen to stay apart for red-green colour
# blindness, plus a neutral grey. Real and fake also differ without colour: real is black dots and
# dotted lines, fake filled circles and solid lines. D's map of the plane runs from grey (D says
# fake) through white to blue (D says real): blue against grey survives any red-green deficiency,
# and the orange fakes stand out on both. tests/test_palette.py checks every pair drawn together
# under simulated deuteranopia and protanopia.
_BLACK, _ORANGE, _BLUE = "#000000", "#E69F00", "#0072B2"
_VERMILLION, _REDDISH_PURPLE, _GREY = "#D55E00", "#CC79A7", "#999999"


@dataclass(frozen=True)
class Style:
    """How one role is drawn in every figure: its colour, the colour's name for captions, a marker and a line style.

    Introduced in notebook 02 (the toy GAN's plots); the dashboards of notebooks 01, 03 and 04 draw with it too.
    """

    colour: str
    name: str
    marker: str = "o"
    linestyle: str = "-"
    hatch: str = ""


PALETTE: dict[str, Style] = {
    "real": Style(_BLACK, "black", marker=".", linestyle=":"),
    "fake": Style(_ORANGE, "orange", marker="o", linestyle="-"),
    "D": Style(_BLUE, "blue"),
    "D*": Style(_BLUE, "blue", linestyle="--"),
    "D says real": Style(_BLUE, "blue"),  # the high end of D's map: D(x) = 1
    "D says fake": Style(_GREY, "grey"),  # the low end, D(x) = 0: neutral, so orange fakes stand out on it
    "G's push": Style(_BLUE, "blue"),  # arrows along -d(G's loss)/dx: D's slope, in D's colour
    "D loss": Style(_BLUE, "blue"),
    "G loss": Style(_ORANGE, "orange"),
    "metric": Style(_REDDISH_PURPLE, "purple", marker="."),
    "class 0": Style(_BLUE, "blue", marker="o"),
    "class 1": Style(_VERMILLION, "red", marker="s"),
    "failure": Style(_VERMILLION, "red", hatch="//"),
    "fix": Style(_BLUE, "blue"),
}
MAP_ALPHA = 0.6  # D's map of the plane is drawn this opaque over white: fainter, its two sides blur together


def role_cmap(low: str, high: str):
    """A diverging colour map from PALETTE[low] through white (0.5) to PALETTE[high], e.g. D's map of the plane.

    Introduced in notebook 01 (P(class 1) under the gradient-descent explorer); used in 02 (D(x) over the plane).
    Built from the palette's own colours, so its two sides stay apart for red-green colour blindness.
    """
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(f"{low} to {high}", [PALETTE[low].colour, "#FFFFFF", PALETTE[high].colour])


def _to_unit(images) -> np.ndarray:
    """Images as float32 in [0, 1] with shape (N, H, W), from float [-1, 1] or uint8."""
    images = np.asarray(images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim == 4:
        if images.shape[-1] != 1:
            raise ValueError(f"images must have one channel, got shape {images.shape}")
        images = images[..., 0]
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, 1) with N >= 1, got {images.shape}")
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 255.0
    if not np.issubdtype(images.dtype, np.floating):
        raise ValueError(f"images must be uint8 in [0, 255] or float in [-1, 1], got dtype {images.dtype}")
    low, high = float(np.min(images)), float(np.max(images))
    if not (-1.0 - 1e-5 <= low and high <= 1.0 + 1e-5):
        raise ValueError(f"float images must lie in [-1, 1] (see gu.to_float), got values in [{low:.4g}, {high:.4g}]")
    return np.clip((images.astype(np.float32) + 1.0) / 2.0, 0.0, 1.0)


def image_grid(images, nrow: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile images into one 2-D float array in [0, 1], `nrow` images per row, black between. Introduced in notebook 01."""
    unit = _to_unit(images)
    n, h, w = unit.shape
    if nrow is None:
        nrow = math.ceil(math.sqrt(n))
    if isinstance(nrow, bool) or not isinstance(nrow, (int, np.integer)) or nrow < 1:
        raise ValueError(f"nrow must be a positive integer (images per row), got {nrow!r}")
    if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
        raise ValueError(f"pad must be a non-negative integer, got {pad!r}")
    cols = min(int(nrow), n)
    rows = math.ceil(n / cols)
    grid = np.zeros((rows * (h + pad) + pad, cols * (w + pad) + pad), dtype=np.float32)
    for i, image in enumerate(unit):
        r, c = divmod(i, cols)
        top, left = pad + r * (h + pad), pad + c * (w + pad)
        grid[top:top + h, left:left + w] = image
    return grid


@course_answer("listing_show")
def show_images(images, nrow: int | None = None, title: str | None = None, ax=None):
    """Show images as a grid in gray, white ink on black like MNIST, no ticks; return the Axes. Introduced in notebook 01."""
    import matplotlib.pyplot as plt

    grid = image_grid(images, nrow)
    if ax is None:
        scale = 0.04
        _, ax = plt.subplots(figsize=(max(2.0, grid.shape[1] * scale), max(2.0, grid.shape[0] * scale)))
    ax.imshow(grid, cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title)
    return ax


def grid_png(images, nrow: int | None = None, scale: int = 1) -> bytes:
    """Return an image grid as grey PNG bytes, each pixel drawn scale x scale (for ipywidgets.Image).

    Introduced in notebook 04.
    """
    from PIL import Image

    grid = (image_grid(images, nrow=nrow, pad=1) * 255).round().astype(np.uint8)
    img = Image.fromarray(grid, mode="L")
    img = img.resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST)
    buffer = io.BytesIO()
    img.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def save_gif(frames, path, nrow: int | None = None, scale: int = 3, ms_per_frame: int = 600) -> Path:
    """Write a list of image batches as an animated GIF, one grid per frame (white ink on black). Introduced in notebook 03.

    Each frame is a batch of images in [-1, 1] (N, 28, 28, 1), e.g. the same noise vectors through G at
    successive training steps; each pixel is drawn `scale` x `scale`; the GIF loops forever.
    """
    from PIL import Image

    frames = list(frames)
    if not frames:
        raise ValueError("frames must hold at least one batch of images, got none")
    for name, value in (("scale", scale), ("ms_per_frame", ms_per_frame)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    pictures = []
    for images in frames:
        grid = (image_grid(images, nrow=nrow) * 255).round().astype(np.uint8)
        picture = Image.fromarray(grid, mode="L")
        pictures.append(picture.resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pictures[0].save(path, save_all=True, append_images=pictures[1:], duration=ms_per_frame, loop=0)
    return path


def save_image_grid(images, path, nrow: int | None = None, scale: int = 2) -> Path:
    """Write images as one grayscale PNG grid (white ink on black), each pixel `scale` x `scale`.

    Not used in a notebook: the command line's train writes samples.png with it.
    """
    import matplotlib.pyplot as plt

    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or scale < 1:
        raise ValueError(f"scale must be a positive integer, got {scale!r}")
    grid = np.repeat(np.repeat(image_grid(images, nrow), scale, axis=0), scale, axis=1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plt.imsave(path, grid, cmap="gray", vmin=0.0, vmax=1.0)
    return path


def smooth(values, weight: float = 0.9) -> np.ndarray:
    """Exponential moving average of a noisy curve, started at its first value (notebook 03 reads losses with it)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if not 0.0 <= weight < 1.0:
        raise ValueError(f"weight must be in [0, 1), got {weight!r}")
    out = np.empty_like(values)
    running = values[0] if len(values) else 0.0
    for i, value in enumerate(values):
        running = weight * running + (1.0 - weight) * value
        out[i] = running
    return out


def _history_dict(history) -> dict:
    if hasattr(history, "history"):
        history = history.history
    if isinstance(history, (list, tuple)):
        history = {key: [row[key] for row in history] for key in (history[0] if history else {})}
    if not isinstance(history, dict):
        raise ValueError(f"history must be a trainer, a dict of lists or a list of dicts, got {type(history).__name__}")
    needed = ("step", "d_loss", "g_loss", "d_real", "d_fake")
    missing = [key for key in needed if key not in history]
    if missing:
        raise ValueError(f"history lacks {missing}; it needs the keys {needed}")
    if len(history["step"]) == 0:
        raise ValueError("history is empty: train for a few steps first")
    return history


def _axes_pair(ax, figsize: tuple[float, float]) -> list:
    """The two Axes (losses, D outputs) to draw a history on: `ax` checked, or a new figure's."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=figsize)
    axes = list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) != 2:
        raise ValueError(f"ax must be a pair of Axes (losses, D outputs), got {len(axes)} Axes")
    return axes


def plot_history(history, ax=None):
    """Plot D and G losses, and D(x) against D(G(z)), per step; return the pair of Axes.

    Not used in a notebook: the raw curves of one's own runs (the notebooks draw plot_smoothed_history).
    """
    h = _history_dict(history)
    axes = _axes_pair(ax, (10, 3.2))
    loss_ax, prob_ax = axes
    loss_ax.plot(h["step"], h["d_loss"], color=PALETTE["D loss"].colour, label="D loss")
    loss_ax.plot(h["step"], h["g_loss"], color=PALETTE["G loss"].colour, label="G loss")
    loss_ax.set_xlabel("step")
    loss_ax.set_ylabel("loss")
    loss_ax.legend()
    prob_ax.plot(h["step"], h["d_real"], color=PALETTE["real"].colour, linestyle=PALETTE["real"].linestyle, label="D(x)")
    prob_ax.plot(h["step"], h["d_fake"], color=PALETTE["fake"].colour, linestyle=PALETTE["fake"].linestyle,
                 label="D(G(z))")
    prob_ax.axhline(0.5, color="gray", linestyle="--", linewidth=1)
    prob_ax.set_ylim(0, 1)
    prob_ax.set_xlabel("step")
    prob_ax.set_ylabel("mean D output")
    prob_ax.legend()
    return axes


def plot_smoothed_history(history, weight: float = 0.95, critic: bool = False, d_equilibrium: float | None = None,
                          ax=None):
    """Plot the losses and D's mean outputs per step: raw curves faint, their moving average (gu.plotting.smooth) bold. Introduced in notebook 03.

    `critic=True` labels the outputs as sigmoid(s(x)) of a critic's scores instead of D(x);
    `d_equilibrium` draws D's loss at the game's equilibrium (log 4 for the BCE losses, 2 for hinge).
    Returns the pair of Axes (losses, mean outputs).
    """
    h = _history_dict(history)
    if d_equilibrium is not None and not (isinstance(d_equilibrium, (int, float)) and math.isfinite(d_equilibrium)):
        raise ValueError(f"d_equilibrium must be a finite number or None, got {d_equilibrium!r}")
    axes = _axes_pair(ax, (11, 3.4))
    loss_ax, prob_ax = axes
    steps = np.asarray(h["step"])
    real, fake = (r"$\sigma(s(x))$", r"$\sigma(s(G(z)))$") if critic else (r"$D(x)$", r"$D(G(z))$")
    for a, key, label, role in ((loss_ax, "d_loss", "D loss", "D loss"), (loss_ax, "g_loss", "G loss", "G loss"),
                                (prob_ax, "d_real", real, "real"), (prob_ax, "d_fake", fake, "fake")):
        style = PALETTE[role]
        a.plot(steps, h[key], color=style.colour, alpha=0.2, linewidth=0.8)
        a.plot(steps, smooth(h[key], weight), color=style.colour, linestyle=style.linestyle, linewidth=1.8, label=label)
    if d_equilibrium is not None:
        loss_ax.axhline(d_equilibrium, color="gray", linestyle="--", linewidth=1,
                        label=f"D loss at equilibrium ({d_equilibrium:.3g})")
    prob_ax.axhline(0.5, color="gray", linestyle="--", linewidth=1)
    prob_ax.set_ylim(0, 1)
    loss_ax.set(xlabel="step", ylabel="loss")
    prob_ax.set(xlabel="step", ylabel="mean " + ("of sigmoid(score)" if critic else "D output"))
    for a in axes:
        a.legend(fontsize=8)
        a.set_title(f"faint: per step; bold: moving average (weight {weight})", fontsize=8)
    return axes


# ----- toy GANs (notebook 02) ----------------------------------------------------------------

def plot_toy(gan, ax=None, n: int = 4000, title: str | None = None):
    """Draw a toy GAN's state: in 1-D p_data, p_g and D(x); in 2-D real and generated samples. Introduced in notebook 02."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3) if gan.data.dim == 1 else (3.2, 3.2))
    samples = gan.sample(n)
    lo, hi = gan.data.support(margin=8.0 if gan.data.dim == 1 else 10.0)
    if gan.data.dim == 1:
        grid = np.linspace(lo, hi, 300)
        edges = np.linspace(lo, hi, 81)
        real, fake, d = PALETTE["real"], PALETTE["fake"], PALETTE["D"]
        ax.plot(grid, gan.data.pdf(grid), color=real.colour, linestyle=real.linestyle, linewidth=2, label="$p_{data}$")
        ax.plot(0.5 * (edges[1:] + edges[:-1]), histogram_density(samples, edges), color=fake.colour,
                linestyle=fake.linestyle, label="$p_g$")
        ax.plot(grid, gan.discriminate(grid[:, None]), color=d.colour, linestyle=d.linestyle, label="$D(x)$")
        ax.set_ylim(0, max(1.05, 1.15 * float(gan.data.pdf(gan.data.centres[:, 0]).max())))
        ax.set_xlabel("$x$")
    else:
        real = gan.data.sample(1000, np.random.default_rng(123))
        ax.scatter(real[:, 0], real[:, 1], s=2, color=PALETTE["real"].colour, marker=PALETTE["real"].marker, label="real")
        ax.scatter(samples[:1000, 0], samples[:1000, 1], s=4, color=PALETTE["fake"].colour, marker=PALETTE["fake"].marker,
                   alpha=0.5, linewidths=0, label="$G(z)$")
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_xlim(lo, hi)
    if title is not None:
        ax.set_title(title, fontsize=10)
    return ax


def plot_generator_map(gan, ax=None, *, lines: int = 11, extent: float = 2.0, points: int = 80,
                       n_arrows: int = 48, arrow_length: float = 0.5, title: str | None = None):
    """Draw a 2-D toy GAN as GAN Lab does: D(x), real samples, G's image of a z-grid, and -d(G's loss)/dx on fakes. Introduced in notebook 02."""
    import matplotlib.pyplot as plt

    if gan.data.dim != 2 or gan.latent_dim != 2:
        raise ValueError(f"plot_generator_map needs a 2-D toy with a 2-D latent space (data dim 2, latent_dim 2), "
                         f"got data dim {gan.data.dim} and latent_dim {gan.latent_dim}")
    lines, points = check_int("lines", lines, 2), check_int("points", points, 2)
    n_arrows = check_int("n_arrows", n_arrows, 1)
    extent, arrow_length = check_positive("extent", extent), check_positive("arrow_length", arrow_length)
    if n_arrows % gan.pack:
        raise ValueError(f"n_arrows={n_arrows} must be a multiple of the GAN's pack={gan.pack}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    lo, hi = gan.data.support(margin=10.0)
    axis = np.linspace(lo, hi, 80)
    gx, gy = np.meshgrid(axis, axis)
    d_map = gan.discriminate(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
    ax.imshow(d_map, extent=(lo, hi, lo, hi), origin="lower", cmap=role_cmap("D says fake", "D says real"), vmin=0, vmax=1,
              alpha=MAP_ALPHA)
    real = gan.data.sample(1000, np.random.default_rng(123))
    ax.scatter(real[:, 0], real[:, 1], s=2, color=PALETTE["real"].colour, marker=PALETTE["real"].marker, label="real",
               zorder=2)
    # grid lines of z-space, z_1 = c and z_2 = c for c in [-extent, extent], each pushed through G
    levels, along = np.linspace(-extent, extent, lines), np.linspace(-extent, extent, points)
    for c in levels:
        for z in (np.stack([np.full(points, c), along], axis=1), np.stack([along, np.full(points, c)], axis=1)):
            x = gan.generate(z)
            ax.plot(x[:, 0], x[:, 1], color=PALETTE["fake"].colour, linewidth=0.7, alpha=0.8, zorder=3)
    fakes = gan.sample(n_arrows, seed=2)
    push = -gan.generator_gradient(fakes)
    longest = float(np.linalg.norm(push, axis=1).max())
    push = push * (arrow_length / longest) if longest > 0 else push
    ax.scatter(fakes[:, 0], fakes[:, 1], s=8, color=PALETTE["fake"].colour, marker=PALETTE["fake"].marker,
               edgecolor="white", linewidth=0.3, label="$G(z)$", zorder=4)
    ax.quiver(fakes[:, 0], fakes[:, 1], push[:, 0], push[:, 1], angles="xy", scale_units="xy", scale=1,
              color=PALETTE["G's push"].colour, width=0.006, zorder=5)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=10)
    return ax
