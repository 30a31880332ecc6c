"""The course's one palette (gu.plotting.PALETTE) stays readable with red-green colour blindness.

Colour-vision deficiency is simulated with the severity-1.0 matrices of Machado, Oliveira &
Fernandes (2009), "A Physiologically-based Model for Simulation of Color Vision Deficiency", IEEE
Transactions on Visualization and Computer Graphics 15(6):1291-1298 (the table on the authors' page,
https://www.inf.ufrgs.br/~oliveira/pubs_files/CVD_Simulation/CVD_Simulation.html), applied, as they
are meant to be, to linear RGB: sRGB is linearised (IEC 61966-2-1), multiplied, clipped to [0, 1].
Two colours count as distinguishable when their CIE76 colour difference (Euclidean distance in
CIELAB, D65 white) exceeds MIN_DELTA_E for normal vision, deuteranopia and protanopia alike. A
difference of about 2.3 is just noticeable; 20 is two colours told apart at a glance, even as small
dots and thin lines. The old dashboards' D(x) / D(G(z)) colours, tab:green and tab:red, fail it.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from gan_utils.engine.plotting import MAP_ALPHA, PALETTE, role_cmap  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MIN_DELTA_E = 20.0

MACHADO = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
D65_WHITE = np.array([0.95047, 1.0, 1.08883])

# the roles each figure draws side by side: these must stay apart
PAIRS = [("real", "fake"), ("D", "fake"), ("D", "real"), ("D loss", "G loss"), ("class 0", "class 1"),
         ("failure", "fix"), ("D says real", "D says fake"),
         ("metric", "fake")]  # the truncation explorer's measured precision-recall curve and its marker at this ψ
CLASS_FIELD_ALPHA = 0.35  # the gradient-descent explorer's P(class 1) field (widgets/gradient_descent.py)


def linear(rgb) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=np.float64)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ linear_rgb / D65_WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour, vision: str) -> np.ndarray:
    """The colour (name, hex or RGB in [0, 1]) as someone with `vision` sees it, in CIELAB."""
    rgb = to_rgb(colour) if isinstance(colour, str) else colour
    return lab(np.clip(MACHADO[vision] @ linear(rgb), 0.0, 1.0))


def delta_e(a, b, vision: str) -> float:
    """CIE76 colour difference between a and b, both seen with `vision`."""
    return float(np.linalg.norm(seen(a, vision) - seen(b, vision)))


def over_white(colour, alpha: float) -> np.ndarray:
    """The colour drawn with `alpha` over a white figure."""
    return alpha * np.asarray(to_rgb(colour)) + (1 - alpha) * np.ones(3)


def worst(a, b) -> tuple[float, str]:
    """The smallest difference between a and b over the three visions, and which vision it is."""
    return min((delta_e(a, b, vision), vision) for vision in MACHADO)


def distinguishable(a, b) -> bool:
    return worst(a, b)[0] > MIN_DELTA_E


# ----- the simulation itself ---------------------------------------------------------------------
def test_the_simulation_keeps_greys_and_merges_red_with_green():
    for vision, matrix in MACHADO.items():
        np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-3, err_msg=vision)  # white stays white
        assert delta_e("#777777", "#777777", vision) == 0.0
    assert delta_e("white", "black", "deuteranopia") == pytest.approx(100.0, abs=0.1)
    assert delta_e("#FF0000", "#00FF00", "normal") > 150
    assert delta_e("#FF0000", "#00FF00", "deuteranopia") < 40, "deuteranopes see red and green alike"
    assert delta_e("#0000FF", "#FFFF00", "deuteranopia") > 100, "blue against yellow survives"


def test_the_old_green_and_red_pair_fails_the_check():
    """tab:green / tab:red drew D(x) / D(G(z)) in notebooks 03 and 04 (matplotlib's C2 and C3)."""
    value, vision = worst("tab:green", "tab:red")
    assert vision == "deuteranopia" and value < 10 and not distinguishable("tab:green", "tab:red")


# ----- the palette --------------------------------------------------------------------------------
@pytest.mark.parametrize("first, second", PAIRS)
def test_roles_drawn_together_stay_apart_with_red_green_colour_blindness(first, second):
    a, b = PALETTE[first].colour, PALETTE[second].colour
    value, vision = worst(a, b)
    assert value > MIN_DELTA_E, f"{first} ({a}) and {second} ({b}) differ by only {value:.1f} under {vision}"


@pytest.mark.parametrize("low, high, alpha", [("D says fake", "D says real", MAP_ALPHA),
                                              ("class 0", "class 1", CLASS_FIELD_ALPHA)])
def test_a_maps_two_sides_stay_apart_as_drawn(low, high, alpha):
    cmap = role_cmap(low, high)
    ends = over_white(cmap(0.0)[:3], alpha), over_white(cmap(1.0)[:3], alpha)
    value, vision = worst(*ends)
    assert value > MIN_DELTA_E, f"the map's ends {low} / {high} differ by only {value:.1f} under {vision} at alpha {alpha}"
    assert to_rgb(cmap(0.5)) == pytest.approx((1.0, 1.0, 1.0), abs=0.01), "the middle is white"


@pytest.mark.parametrize("role", ["real", "fake"])
def test_real_and_fake_points_stand_out_everywhere_on_ds_map(role):
    cmap = role_cmap("D says fake", "D says real")
    for value in np.linspace(0.0, 1.0, 11):
        background = over_white(cmap(value)[:3], MAP_ALPHA)
        difference, vision = worst(PALETTE[role].colour, background)
        assert difference > MIN_DELTA_E, f"{role} points vanish where D(x) = {value:.1f} ({vision}: {difference:.1f})"


def test_pairs_also_differ_without_colour():
    real, fake = PALETTE["real"], PALETTE["fake"]
    assert real.marker != fake.marker and real.linestyle != fake.linestyle
    assert PALETTE["D"].linestyle != PALETTE["D*"].linestyle
    assert PALETTE["class 0"].marker != PALETTE["class 1"].marker
    assert PALETTE["failure"].hatch != PALETTE["fix"].hatch


def test_caption_names_say_the_colours():
    hue_words = {"black": "#000000", "orange": "#E69F00", "blue": "#0072B2", "red": "#D55E00", "grey": "#999999",
                 "purple": "#CC79A7"}
    for role, style in PALETTE.items():
        assert hue_words.get(style.name, "").upper() == style.colour.upper(), f"{role}: {style.name} for {style.colour}"


# ----- the palette is the only place colours for these roles are chosen --------------------------
DRAWING_MODULES = ["gan_utils/engine/plotting.py", "gan_utils/widgets/toy_dashboard.py",
                   "gan_utils/widgets/gradient_descent.py", "gan_utils/widgets/dashboard.py",
                   "gan_utils/studies/pairs.py", "gan_utils/widgets/truncation.py",
                   "gan_utils/studies/at_work.py", "gan_utils/studies/after_gan.py"]
PALETTE_NAMES = {"_BLACK", "_ORANGE", "_BLUE", "_VERMILLION", "_REDDISH_PURPLE", "_GREY", "PALETTE"}
NOT_ROLES = {"#FFFFFF", "#B00020"}  # the white middle of a map; the red of an error message
OWN_COLOURS = re.compile(r"^(tab:\w+|C\d|#[0-9a-fA-F]{6}|red|green|blue|orange|purple|coolwarm\w*|RdBu\w*)$")


@pytest.mark.parametrize("module", DRAWING_MODULES)
def test_drawing_code_takes_its_colours_from_the_palette(module):
    path = REPO / module
    tree = ast.parse(path.read_text())
    palette_lines = set()
    for node in ast.walk(tree):  # the palette's own definition is where the hex codes live
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        names = [n.id for t in targets for n in (t.elts if isinstance(t, ast.Tuple) else [t]) if isinstance(n, ast.Name)]
        if names and all(name in PALETTE_NAMES for name in names):
            palette_lines.update(range(node.lineno, node.end_lineno + 1))
    literals = [f"{module}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and OWN_COLOURS.match(node.value)
                and node.lineno not in palette_lines and node.value.upper() not in NOT_ROLES]
    assert not literals, f"draw these roles with gu.plotting.PALETTE: {literals}"


def test_the_toy_plots_draw_with_the_palette():
    import matplotlib.pyplot as plt

    import gan_utils as gu
    from gan_utils.widgets.toy_dashboard import ToyDashboard

    try:
        one_d = ToyDashboard(gu.toy.ToyGAN(widths=(8, 8), batch_size=16, seed=5), n_samples=200, bins=20)
        assert one_d.pg_line.get_color() == PALETTE["fake"].colour and one_d.pg_line.get_linestyle() == "-"
        assert one_d.d_line.get_color() == PALETTE["D"].colour
        p_data = one_d.axes[0].lines[0]
        assert p_data.get_color() == PALETTE["real"].colour and p_data.get_linestyle() == ":"
        ring = gu.toy.ToyGAN(gu.densities.ring_of_gaussians(n_modes=8, radius=2.0, std=0.02), widths=(8, 8),
                             latent_dim=2, batch_size=16, seed=0)
        two_d = ToyDashboard(ring, n_samples=200)
        assert two_d.d_image.get_cmap().name == "D says fake to D says real"
        assert "blue: D says real, grey: D says fake" == two_d.axes[0].get_xlabel()
        np.testing.assert_allclose(two_d.fake_points.get_facecolor()[0][:3], to_rgb(PALETTE["fake"].colour))
        ax = gu.plotting.plot_generator_map(ring)
        assert ax.get_images()[0].get_cmap().name == "D says fake to D says real"
        loss_ax, prob_ax = gu.plotting.plot_smoothed_history(
            {"step": [1, 2], "d_loss": [1, 1], "g_loss": [1, 1], "d_real": [0.6, 0.6], "d_fake": [0.4, 0.4]})
        assert [line.get_color() for line in prob_ax.lines[1:4:2]] == [PALETTE["real"].colour, PALETTE["fake"].colour]
    finally:
        plt.close("all")


def test_the_training_dashboard_draws_with_the_palette(tmp_path, monkeypatch):
    import gan_utils as gu
    from gan_utils.widgets.dashboard import TrainingDashboard

    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "runs"))
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, g_filters=16, d_filters=8, batch_size=16, n_fixed=16)
    loss_ax, prob_ax = TrainingDashboard(trainer, score_every=0).fig.axes[:2]
    assert [line.get_color() for line in loss_ax.lines[:2]] == [PALETTE["D loss"].colour, PALETTE["G loss"].colour]
    real, fake = prob_ax.lines[:2]
    assert (real.get_label(), real.get_color(), real.get_linestyle()) == ("D(x)", PALETTE["real"].colour, ":")
    assert (fake.get_label(), fake.get_color(), fake.get_linestyle()) == ("D(G(z))", PALETTE["fake"].colour, "-")


def palette_table() -> list[str]:
    """The numbers behind the tests: each pair's smallest difference per vision (python tests/test_palette.py)."""
    rows = [f"{'pair':40s} {'normal':>8s} {'deuter.':>8s} {'protan.':>8s}"]
    pairs = [(f"{a} / {b}", PALETTE[a].colour, PALETTE[b].colour) for a, b in PAIRS]
    pairs += [("old D(x) / D(G(z)): tab:green / tab:red", "tab:green", "tab:red"),
              ("old class 0 / 1 and fix / failure: tab:blue / tab:red", "tab:blue", "tab:red"),
              ("old real / fake: black / tab:green", "black", "tab:green"),
              ("old D loss / G loss: tab:blue / tab:orange", "tab:blue", "tab:orange")]
    for name, a, b in pairs:
        rows.append(f"{name:40s} " + " ".join(f"{delta_e(a, b, v):8.1f}" for v in MACHADO))
    return rows


if __name__ == "__main__":
    print("\n".join(palette_table()))
