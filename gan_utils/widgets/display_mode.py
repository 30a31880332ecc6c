"""A projector view: ``gu.display("projector")`` makes figures, fonts and widget controls big enough for a back row.

    gu.display("projector")   # before drawing; the dashboards built afterwards follow it
    gu.display("default")     # back to notebook sizes

It changes matplotlib's rcParams (font sizes, line widths, figure size) and a scale the
dashboards read when they build their own figures (``font``, ``figsize``) and controls
(``widget_css``: a style block that enlarges every button, slider and label inside them).
"""
from __future__ import annotations

MODES = ("default", "projector")
SCALE = {"default": 1.0, "projector": 1.6}
FIGURE_SCALE = {"default": 1.0, "projector": 1.35}
CSS_CLASS = "gu-projector"

_state = {"mode": "default", "saved": None}
_PROJECTOR_RC = {"font.size": 16, "axes.titlesize": 18, "axes.labelsize": 16, "legend.fontsize": 14,
                 "xtick.labelsize": 14, "ytick.labelsize": 14, "lines.linewidth": 2.2, "lines.markersize": 8,
                 "figure.titlesize": 20}


def mode() -> str:
    """The current display mode, "default" or "projector".

    Not used in a notebook: projector mode (docs/instructor_guide.md); the tests and screenshots read it.
    """
    return _state["mode"]


def display(new_mode: str = "default") -> str:
    """Switch to "projector" (large fonts, figures and controls) or back to "default"; return the previous mode.

    Not used in a notebook: the instructor guide's projector switch, gu.display("projector").
    """
    if new_mode not in MODES:
        raise ValueError(f"display mode must be one of {MODES}, got {new_mode!r}")
    import matplotlib as mpl

    previous = _state["mode"]
    if _state["saved"] is None:
        _state["saved"] = {key: mpl.rcParams[key] for key in (*_PROJECTOR_RC, "figure.figsize")}
    saved = _state["saved"]
    if new_mode == "projector":
        mpl.rcParams.update(_PROJECTOR_RC)
        width, height = saved["figure.figsize"]
        mpl.rcParams["figure.figsize"] = (width * FIGURE_SCALE["projector"], height * FIGURE_SCALE["projector"])
    else:
        mpl.rcParams.update(saved)
    _state["mode"] = new_mode
    return previous


def font(size: float) -> float:
    """A font size a dashboard asked for, scaled for the current mode. Introduced in notebook 02."""
    return size * SCALE[_state["mode"]]


def figsize(width: float, height: float) -> tuple[float, float]:
    """A figure size a dashboard asked for, scaled for the current mode. Introduced in notebook 02."""
    factor = FIGURE_SCALE[_state["mode"]]
    return width * factor, height * factor


def widget_css() -> str:
    """A <style> block that enlarges the controls inside an element of class CSS_CLASS (empty in default mode).

    Introduced in notebook 01.
    """
    if _state["mode"] != "projector":
        return ""
    px = round(13 * SCALE["projector"])
    return (f"<style>.{CSS_CLASS}, .{CSS_CLASS} .widget-label, .{CSS_CLASS} button, .{CSS_CLASS} input, "
            f".{CSS_CLASS} .widget-readout, .{CSS_CLASS} select {{font-size: {px}px !important; "
            f"line-height: 1.3 !important;}} .{CSS_CLASS} button {{height: auto !important; "
            f"width: auto !important; min-width: max-content !important; padding: 6px 14px !important;}} "
            f".{CSS_CLASS} .widget-html-content {{font-size: {px}px !important; line-height: 1.3 !important;}}"
            f"</style>")


def dress(box):
    """Return a dashboard's root widget marked for the current mode (with the style block in projector mode).

    Introduced in notebook 01.
    """
    import ipywidgets as W

    if _state["mode"] != "projector":
        return box
    box.add_class(CSS_CLASS)
    return W.VBox([W.HTML(widget_css()), box], layout=W.Layout(width="100%"))
