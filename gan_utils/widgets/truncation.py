"""A slider over the truncation trick: ``TruncationExplorer``.

Introduced in notebook 06. One slider ψ (psi) scales the same fixed noise vectors towards the
mean of p_z (``gan_utils.engine.latent.truncate``) and redraws the digits they make; beside them, the
precision and recall the notebook measured for a few ψ, with a marker at the current ψ (linear
interpolation between the measured rows, held at the nearest one outside them). Smaller ψ: cleaner,
more typical digits (precision up) and less diversity (recall down).
"""
from __future__ import annotations

import io
import time
from collections.abc import Mapping

import numpy as np

from ..engine.latent import render, sample_z, truncate
from ..engine.plotting import PALETTE, grid_png
from .latent_explorer import GeneratorView

REQUIRED_KEYS = ("psi", "precision", "recall")
OPTIONAL_KEYS = ("frechet_distance", "mnist_score")
PSI_MIN, PSI_MAX, PSI_STEP = 0.05, 1.0, 0.05  # the slider's range


def _number(value) -> bool:
    return (not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
            and bool(np.isfinite(value)))


def check_sweep(sweep) -> list[dict]:
    """Return the sweep's rows sorted by psi, or raise ValueError naming the row and what is wrong. Introduced in notebook 06.

    Each row is a dict with "psi" in (0, 1], "precision" and "recall" in [0, 1], and optionally
    "frechet_distance" and "mnist_score" (finite numbers); other keys are kept and ignored.
    """
    if isinstance(sweep, (str, bytes, Mapping)) or not isinstance(sweep, (list, tuple)) or len(sweep) == 0:
        raise ValueError("sweep must be a non-empty list of dicts with keys 'psi', 'precision', 'recall' "
                         f"(one per measured ψ), got {type(sweep).__name__}")
    rows = []
    for i, row in enumerate(sweep):
        if not isinstance(row, Mapping):
            raise ValueError(f"sweep[{i}] must be a dict with keys {list(REQUIRED_KEYS)}, got {type(row).__name__}")
        missing = [key for key in REQUIRED_KEYS if key not in row]
        if missing:
            raise ValueError(f"sweep[{i}] misses the key(s) {missing}: each row needs {list(REQUIRED_KEYS)}, "
                             f"got keys {sorted(map(str, row))}")
        psi = row["psi"]
        if not _number(psi) or not 0.0 < psi <= 1.0:
            raise ValueError(f"sweep[{i}]['psi'] must be a number in (0, 1] (1 = no truncation), got {psi!r}")
        for key in ("precision", "recall"):
            if not _number(row[key]) or not 0.0 <= row[key] <= 1.0:
                raise ValueError(f"sweep[{i}][{key!r}] must be a number in [0, 1], got {row[key]!r}")
        for key in OPTIONAL_KEYS:
            if key in row and row[key] is not None and not _number(row[key]):
                raise ValueError(f"sweep[{i}][{key!r}] must be a finite number (or left out), got {row[key]!r}")
        rows.append(dict(row))
    rows.sort(key=lambda r: float(r["psi"]))
    psis = [float(r["psi"]) for r in rows]
    twice = sorted({p for p, q in zip(psis, psis[1:]) if np.isclose(p, q, rtol=0.0, atol=1e-9)})
    if twice:
        raise ValueError(f"sweep measures ψ = {', '.join(f'{p:g}' for p in twice)} more than once; give one row per ψ")
    return rows


class TruncationExplorer(GeneratorView):
    """A slider ψ that truncates the same noise vectors, the digits they make, and where ψ sits on precision-recall. Introduced in notebook 06.

    ``sweep`` is the notebook's measurement: a list of dicts with "psi", "precision", "recall" (and
    optionally "frechet_distance", "mnist_score"), one per measured ψ. The digits are
    G(truncate(z, ψ)) for n fixed z (seeded); a conditional generator draws the labels 0..9 in turn.
    Drive it from code: ``explorer.psi = 0.6``, ``explorer.estimate(0.7)``.
    """

    def __init__(self, generator, sweep, seed: int = 0, n: int = 32, scale: int = 3):
        import ipywidgets as W

        super().__init__(generator, None, scale)
        self.sweep = check_sweep(sweep)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 100:
            raise ValueError(f"n must be an integer in 1..100 (how many digits to draw), got {n!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        self.n, self.seed = int(n), int(seed)
        self.base_z = sample_z(self.n, self.latent_dim, self.seed)
        self.measured_psi = np.array([r["psi"] for r in self.sweep], dtype=np.float64)
        self.measured_precision = np.array([r["precision"] for r in self.sweep], dtype=np.float64)
        self.measured_recall = np.array([r["recall"] for r in self.sweep], dtype=np.float64)
        self.slider = W.FloatSlider(value=PSI_MAX, min=PSI_MIN, max=PSI_MAX, step=PSI_STEP, description="ψ",
                                    continuous_update=True, readout_format=".2f",
                                    tooltip="truncation: z is scaled by ψ (1 = no truncation)")
        self.slider.observe(lambda _: self._safely(self.redraw), names="value")
        self.plot = W.Image(format="png")
        self._build_figure()
        self.widget = W.VBox([self.slider, W.HBox([self.image, self.plot]), self.status, self.errors.widget])
        self.redraw()

    # ----- the setting ---------------------------------------------------------------------------
    @property
    def psi(self) -> float:
        """The truncation ψ: z is scaled by ψ before G (1 = no truncation)."""
        return float(self.slider.value)

    @psi.setter
    def psi(self, value: float) -> None:
        if not _number(value) or not PSI_MIN - 1e-9 <= value <= PSI_MAX:
            raise ValueError(f"psi must be a number in [{PSI_MIN}, {PSI_MAX}] (the slider's range), got {value!r}")
        self.slider.value = float(value)

    def estimate(self, psi: float | None = None) -> dict:
        """Precision and recall at psi (the slider's by default), interpolated linearly between the measured rows.

        Returns {"psi", "precision", "recall", "between", "clamped"}: ``between`` holds the measured ψ
        used (one when psi was measured or lies outside the measured range, two when interpolated),
        ``clamped`` is True when psi lies outside the measured range and the nearest row is used.
        """
        psi = self.psi if psi is None else psi
        if not _number(psi):
            raise ValueError(f"psi must be a finite number, got {psi!r}")
        psi = float(psi)
        grid = self.measured_psi
        exact = np.flatnonzero(np.isclose(grid, psi, rtol=0.0, atol=1e-6))
        if exact.size:
            between, clamped = (float(grid[exact[0]]),), False
        elif psi < grid[0] or psi > grid[-1]:
            between, clamped = (float(grid[0] if psi < grid[0] else grid[-1]),), True
        else:
            k = int(np.searchsorted(grid, psi))
            between, clamped = (float(grid[k - 1]), float(grid[k])), False
        at = between[0] if len(between) == 1 else psi
        return {"psi": psi, "precision": float(np.interp(at, grid, self.measured_precision)),
                "recall": float(np.interp(at, grid, self.measured_recall)), "between": between, "clamped": clamped}

    # ----- drawing -------------------------------------------------------------------------------
    def _latents(self) -> np.ndarray:
        return truncate(self.base_z, self.psi)

    def _nrow(self) -> int:
        return 10 if self.conditional else 8

    def _status_text(self) -> str:
        e = self.estimate()
        text = f"ψ = {e['psi']:.2f}: precision {e['precision']:.2f}, recall {e['recall']:.2f}"
        if len(e["between"]) == 2:
            return f"{text} (between measured ψ = {e['between'][0]:g} and {e['between'][1]:g})"
        if e["clamped"]:
            return f"{text} (nearest measured ψ = {e['between'][0]:g}; not measured beyond it)"
        row = self.sweep[int(np.argmin(np.abs(self.measured_psi - e["between"][0])))]
        extra = "".join(f", {name} {row[key]:.2f}" for key, name in (("frechet_distance", "FD"), ("mnist_score", "MNIST score"))
                        if row.get(key) is not None)
        return f"{text}{extra} (measured at ψ = {e['between'][0]:g})"

    def _build_figure(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from . import display_mode

        self._fig = Figure(figsize=display_mode.figsize(4.4, 4.3), dpi=80, facecolor="white")
        FigureCanvasAgg(self._fig)
        ax = self._fig.add_subplot(1, 1, 1)
        small = display_mode.font(8)
        measured, current = PALETTE["metric"], PALETTE["fake"]
        ax.plot(self.measured_recall, self.measured_precision, color=measured.colour, marker="o", markersize=4,
                linestyle="-", linewidth=1.2, label="measured")
        for i, (psi, recall, precision) in enumerate(zip(self.measured_psi, self.measured_recall, self.measured_precision)):
            # alternate above and below the curve, so neighbouring labels of close points do not overlap
            ax.annotate(f"ψ={psi:g}", (recall, precision), textcoords="offset points", zorder=6,
                        xytext=(6, 5) if i % 2 == 0 else (6, -11), ha="left", fontsize=small)
        (self._marker,) = ax.plot([], [], linestyle="none", marker="*", markersize=14, color=current.colour,
                                  markeredgecolor="black", markeredgewidth=0.6, label="this ψ", zorder=5)
        ax.set_xlim(0.0, 1.05)
        ax.set_ylim(0.0, 1.05)
        ax.set_xlabel("recall (diversity)", fontsize=display_mode.font(9))
        ax.set_ylabel("precision (fidelity)", fontsize=display_mode.font(9))
        ax.set_title("precision against recall", fontsize=display_mode.font(9))
        ax.tick_params(labelsize=small)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=small, frameon=False)
        self._fig.tight_layout()

    @property
    def marker_position(self) -> tuple[float, float]:
        """Where the plot's marker sits: (recall, precision)."""
        x, y = self._marker.get_data()
        return float(np.asarray(x)[0]), float(np.asarray(y)[0])

    def plot_png(self) -> bytes:
        """The precision-recall plot with the marker at the current ψ, as PNG bytes."""
        from PIL import Image

        e = self.estimate()
        self._marker.set_data([e["recall"]], [e["precision"]])
        self._fig.canvas.draw()
        buffer = io.BytesIO()
        Image.fromarray(np.asarray(self._fig.canvas.buffer_rgba())).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def redraw(self) -> None:
        """Generate the digits for the current ψ, move the plot's marker, update the status line; record the time."""
        start = time.perf_counter()
        self.images = render(self.generator, self._latents())  # labels None: a conditional G draws 0..9 in turn
        self.image.value = grid_png(self.images, self._nrow(), self.scale)
        self.plot.value = self.plot_png()
        self.redraw_ms.append((time.perf_counter() - start) * 1000.0)
        self.status.value = f"{self._status_text()} &nbsp; <span style='color:gray'>redrawn in {self.redraw_ms[-1]:.0f} ms</span>"

    def png(self) -> bytes:
        """The current view as PNG bytes: the slider's value and status line above the digits and the plot, side by side."""
        from PIL import Image

        from . import controls

        digits = Image.open(io.BytesIO(bytes(self.image.value))).convert("RGB")
        plot = Image.open(io.BytesIO(bytes(self.plot.value))).convert("RGB")
        gap = 12
        both = Image.new("RGB", (digits.width + gap + plot.width, max(digits.height, plot.height)), "white")
        both.paste(digits, (0, 0))
        both.paste(plot, (digits.width + gap, 0))
        buffer = io.BytesIO()
        both.save(buffer, format="png")
        return controls.compose_snapshot([f"ψ: {self.psi:.2f}", buffer.getvalue(), self._status_text(),
                                          controls.html_text(self.errors.widget.value)])

    def benchmark(self, changes: int = 20) -> float:
        """Move ψ across its range `changes` times, as a user would; return the median redraw time in ms."""
        if isinstance(changes, bool) or not isinstance(changes, (int, np.integer)) or changes < 1:
            raise ValueError(f"changes must be a positive integer, got {changes!r}")
        start, original = len(self.redraw_ms), self.psi
        for value in np.linspace(PSI_MIN, PSI_MAX, int(changes)):
            self.slider.value = float(value)
        self.slider.value = original
        return float(np.median(self.redraw_ms[start:start + int(changes)]))
