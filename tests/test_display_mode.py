"""gu.display("projector"): figures, fonts and controls big enough for a back row; gu.display("default") undoes it."""
from __future__ import annotations

import matplotlib as mpl
import pytest

import gan_utils as gu


@pytest.fixture(autouse=True)
def back_to_default():
    yield
    gu.display("default")


def test_projector_enlarges_matplotlib_and_default_restores_it() -> None:
    before = dict(mpl.rcParams)
    assert gu.display("projector") == "default"
    assert mpl.rcParams["font.size"] >= 1.4 * before["font.size"]
    assert mpl.rcParams["legend.fontsize"] >= 12
    assert mpl.rcParams["figure.figsize"][0] > before["figure.figsize"][0]
    assert gu.display_mode.font(8) >= 12 and gu.display_mode.figsize(10, 3)[0] > 10
    assert gu.display("default") == "projector"
    for key in ("font.size", "legend.fontsize", "figure.figsize", "lines.linewidth"):
        assert mpl.rcParams[key] == before[key]
    assert gu.display_mode.font(8) == 8


def test_bad_mode_names_the_choices() -> None:
    with pytest.raises(ValueError, match=r"one of \('default', 'projector'\), got 'big'"):
        gu.display("big")


def test_dashboards_follow_the_projector_view() -> None:
    small = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(seed=0))
    small_title = small.figure.axes[0].title.get_fontsize()
    assert "gu-projector" not in small._repr_mimebundle_()["text/plain"]
    gu.display("projector")
    big = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(seed=0))
    assert big.figure.axes[0].title.get_fontsize() > small_title
    assert big.figure.get_size_inches()[0] > small.figure.get_size_inches()[0]
    shown = gu.display_mode.dress(big.widget)
    assert gu.display_mode.CSS_CLASS in big.widget._dom_classes
    assert "font-size" in shown.children[0].value and shown.children[1] is big.widget


def test_projector_buttons_grow_with_their_labels_and_the_status_line_grows_too() -> None:
    """Larger text in a fixed-width button is cut off ("Step D o..."): in projector view buttons fit their labels."""
    gu.display("projector")
    try:
        css = gu.display_mode.widget_css()
    finally:
        gu.display("default")
    button_rule = css.split(f".{gu.display_mode.CSS_CLASS} button {{", 1)[1].split("}", 1)[0]
    assert "width: auto" in button_rule and "max-content" in button_rule
    assert f".{gu.display_mode.CSS_CLASS} .widget-html-content" in css, "the dashboards' status lines are HTML widgets"
    assert gu.display_mode.widget_css() == "", "default view adds no style"
