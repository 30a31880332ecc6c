"""Building blocks for the notebooks' interactive dashboards (ipywidgets).

Introduced in notebook 01. ``PlayLoop`` runs a step function over and over inside the kernel's
own event loop, yielding between steps, so Pause, sliders and other buttons keep working while
it plays. Every dashboard (01's gradient-descent explorer, 02's toy GAN, 03's MNIST trainer) is
built on it, and reports errors in its own output area instead of raising in the middle of a class.

A saved notebook cannot show a live widget, so when GAN_UTILS_SNAPSHOTS is set (``tools/notebooks.py
execute`` sets it) a displayed dashboard's output also carries a PNG of its controls and figures
(``dashboard_bundle``, drawn by ``compose_snapshot``); the tool then stores that picture instead of the widget.
"""
from __future__ import annotations

import asyncio
import base64
import html
import io
import re
import textwrap
import traceback
from typing import Callable

import ipywidgets as W

from ..engine.switches import snapshots_on


class PlayLoop:
    """Call ``step()`` repeatedly as an asyncio task until ``stop()``; never more than one loop at a time.

    Introduced in notebook 01.
    """

    def __init__(self, step: Callable[[], object], on_error: Callable[[BaseException], None] | None = None,
                 on_stop: Callable[[], None] | None = None, delay: float = 0.0):
        if not callable(step):
            raise ValueError(f"step must be callable, got {step!r}")
        if not (isinstance(delay, (int, float)) and delay >= 0):
            raise ValueError(f"delay must be a number of seconds >= 0, got {delay!r}")
        self._step, self._on_error, self._on_stop, self.delay = step, on_error, on_stop, float(delay)
        self._running = False
        self._task: asyncio.Task | None = None
        self.iterations = 0

    @property
    def running(self) -> bool:
        """True while the loop is asked to keep stepping."""
        return self._running

    def start(self) -> bool:
        """Start stepping (a no-op if already playing); return True if a new loop task was created."""
        self._running = True
        if self._task is not None and not self._task.done():
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._running = False
            raise RuntimeError("PlayLoop.start needs a running event loop, as in a Jupyter kernel") from None
        self._task = loop.create_task(self._run())
        return True

    def stop(self) -> None:
        """Ask the loop to stop after the step in progress."""
        self._running = False

    async def wait(self) -> None:
        """Wait until the loop task has finished (for tests and scripted demos)."""
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        try:
            while self._running:
                try:
                    self._step()
                except (Exception, KeyboardInterrupt) as err:  # shown by the dashboard, never raised into
                    # the event loop: a KeyboardInterrupt escaping a task would stop the kernel's loop
                    self._running = False
                    if self._on_error is not None:
                        self._on_error(err)
                    break
                self.iterations += 1
                await asyncio.sleep(self.delay)
        finally:
            self._running = False
            if self._on_stop is not None:
                self._on_stop()


class PlayControls:
    """Play/Pause shared by the dashboards: a ``play_button`` toggle drives ``self.loop`` (a PlayLoop).

    Introduced in notebook 01.

    A class using it sets ``self.loop``, ``self.play_button`` (observed with ``_on_play_toggle``),
    ``self.diverged`` and ``_on_error(err)``; it may override ``_after_stop`` to tidy up.
    """

    def play(self) -> bool:
        """Start stepping in the kernel's event loop (returns at once); Pause or a divergence stops it."""
        if self.diverged:
            self.play_button.value = False
            return False
        if not self.play_button.value:
            self.play_button.value = True  # the observer starts the loop
            return self.loop.running
        return self.loop.start()

    def pause(self) -> None:
        """Stop playing after the step in progress."""
        self.loop.stop()
        self._on_stop()

    @property
    def playing(self) -> bool:
        """True while Play is stepping."""
        return self.loop.running

    async def wait(self) -> None:
        """Wait until the Play loop has stopped (for tests and scripted demos)."""
        await self.loop.wait()

    def _after_stop(self) -> None:
        """Hook run whenever playing stops."""

    def _on_play_toggle(self, change) -> None:
        if change["new"]:
            if self.diverged:
                self.play_button.value = False
                return
            self._safely(self.loop.start)
        else:
            self.loop.stop()

    def _on_stop(self) -> None:
        self._after_stop()
        if self.play_button.value:
            self.play_button.value = False

    def _safely(self, fn, *args) -> None:
        try:
            fn(*args)
        except (Exception, KeyboardInterrupt) as err:  # a button callback must show its error (or an
            # interrupt of a long Step x100), not lose it in the kernel log
            self.pause()
            self._on_error(err)


class ErrorBox:
    """An output area that shows a friendly message for an exception instead of a stack trace.

    Introduced in notebook 01.
    """

    def __init__(self):
        self.widget = W.HTML(value="")
        self.last_error: BaseException | None = None

    def show(self, err: BaseException, hint: str = "") -> None:
        """Display `err` as one line (with an optional hint); keep it for inspection."""
        self.last_error = err
        text = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
        text = text.replace("&", "&amp;").replace("<", "&lt;")
        self.widget.value = f"<span style='color:#b00020'>&#9888; {text}</span> {hint}"

    def clear(self) -> None:
        """Remove the message."""
        self.widget.value = ""

    def details(self) -> str:
        """Return the full traceback of the last error (for the curious, not shown by default)."""
        if self.last_error is None:
            return ""
        return "".join(traceback.format_exception(self.last_error))


def log_slider(description: str, value: float, low: float, high: float, readout_format: str = ".1e") -> W.FloatLogSlider:
    """A log-scale slider between low and high (e.g. learning rates); continuous_update off.

    Introduced in notebook 01.
    """
    import math

    if not (0 < low < high) or not (low <= value <= high):
        raise ValueError(f"need 0 < low <= value <= high, got low={low!r}, value={value!r}, high={high!r}")
    return W.FloatLogSlider(value=value, base=10, min=math.log10(low), max=math.log10(high), step=0.05,
                            description=description, readout_format=readout_format, continuous_update=False,
                            style={"description_width": "initial"})


def play_button(description: str = "Play") -> W.ToggleButton:
    """A Play/Pause toggle button (its label follows its state). Introduced in notebook 01."""
    button = W.ToggleButton(value=False, description=description, icon="play", tooltip="Play / Pause")

    def relabel(change):
        button.description, button.icon = ("Pause", "pause") if change["new"] else (description, "play")

    button.observe(relabel, names="value")
    return button


# ----- static snapshots of a dashboard ---------------------------------------------------------
SNAPSHOT_WIDTH = 640  # pixels: the narrowest snapshot, so the text lines wrap at a readable width


def dashboard_bundle(root: W.Widget, snapshot: Callable[[], bytes], text: str) -> dict:
    """The root widget's mime bundle, plus the snapshot as image/png and `text` as text/plain when snapshots are on.

    Introduced in notebook 02.
    """
    bundle = dict(root._repr_mimebundle_() or {})
    if snapshots_on():
        bundle["image/png"] = base64.b64encode(snapshot()).decode("ascii")
        bundle["text/plain"] = text
    return bundle


def html_text(value: str) -> str:
    """The text an HTML widget shows, on one line (tags dropped, entities decoded). Introduced in notebook 02."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())


def control_text(controls: list[W.Widget]) -> str:
    """How a row of controls reads in a snapshot: buttons as [label], checkboxes as [x] label, others as 'label: value'.

    Introduced in notebook 02.
    """
    parts = []
    for control in controls:
        if control.layout.display == "none":
            continue
        label = getattr(control, "description", "")
        if isinstance(control, (W.Button, W.ToggleButton)):
            parts.append(f"[{label}]")
        elif isinstance(control, W.Checkbox):
            parts.append(f"[{'x' if control.value else ' '}] {label}")
        else:
            value = getattr(control, "label", None) or control.value
            fmt = getattr(control, "readout_format", "")
            if fmt and isinstance(control.value, (int, float)):
                value = format(control.value, fmt)
            parts.append(f"{label}: {value}" if label else str(value))
    return "   ".join(parts)


def dashboard_snapshot(root: W.Box, status: str, errors_html: str, picture: bytes) -> bytes:
    """A dashboard laid out as buttons, then two rows of settings, then its picture: one PNG of its controls, status, errors and picture.

    Introduced in notebook 02.
    """
    buttons, *settings = root.children[:3]
    return compose_snapshot([control_text(buttons.children),
                             control_text([c for row in settings for c in row.children]),
                             status, html_text(errors_html), picture])


def compose_snapshot(blocks: list[str | bytes | list[str]], font_size: float = 11.0) -> bytes:
    """One PNG, top to bottom: a str is a wrapped text line, a list of str is preformatted lines, bytes is a PNG image.

    Introduced in notebook 02.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.transforms import IdentityTransform
    from PIL import Image

    from . import display_mode

    size = display_mode.font(font_size)
    line_px, char_px, pad = round(1.45 * size), 0.64 * size, 8
    images = [np.asarray(Image.open(io.BytesIO(b)).convert("RGBA")) for b in blocks if isinstance(b, bytes) and b]
    preformatted = [line for b in blocks if isinstance(b, list) for line in b]
    width = max([SNAPSHOT_WIDTH] + [a.shape[1] for a in images]
                + [round(2 * pad + char_px * len(line)) for line in preformatted])
    columns = max(int((width - 2 * pad) / char_px), 20)
    rows: list[tuple[str, object]] = []
    images_left = iter(images)
    for block in blocks:
        if isinstance(block, bytes):
            if block:
                rows.append(("image", next(images_left)))
        elif isinstance(block, list):
            rows += [("text", line) for line in block]
        elif block.strip():
            rows += [("text", line) for line in textwrap.wrap(block, columns)]
    height = pad + sum(r[1].shape[0] if r[0] == "image" else line_px for r in rows) + pad
    fig = Figure(figsize=(width / 72, height / 72), dpi=72, facecolor="white")
    FigureCanvasAgg(fig)
    top = height - pad
    for kind, item in rows:
        if kind == "image":
            top -= item.shape[0]
            fig.figimage(item, xo=0, yo=top)
        else:
            fig.text(pad, top - 0.2 * size, item, transform=IdentityTransform(), va="top", ha="left",
                     fontsize=size, family="DejaVu Sans Mono")
            top -= line_px
    fig.canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3]).save(buffer, format="png")
    return buffer.getvalue()
