"""image_grid, show_images and plot_history on small arrays, drawn with the Agg backend."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gan_utils as gu  # noqa: E402
from gan_utils.engine.plotting import image_grid, plot_history, save_image_grid, show_images  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_grid_layout_and_scaling_for_float_and_uint8():
    images = np.full((5, 28, 28, 1), -1.0, np.float32)
    images[1] = 1.0
    grid = image_grid(images, nrow=3)
    assert grid.shape == (2 * 29 + 1, 3 * 29 + 1) and grid.ndim == 2
    assert grid.min() == 0.0 and grid.max() == 1.0
    assert np.all(grid[1:29, 30:58] == 1.0) and np.all(grid[1:29, 1:29] == 0.0)
    as_uint8 = np.where(images[..., 0] > 0, 255, 0).astype(np.uint8)
    np.testing.assert_array_equal(image_grid(as_uint8, nrow=3), grid)
    np.testing.assert_array_equal(image_grid(images[..., 0], nrow=3), grid)


def test_default_grid_is_square_ish():
    assert image_grid(np.zeros((9, 4, 4), np.float32)).shape == (3 * 5 + 1, 3 * 5 + 1)
    assert image_grid(np.zeros((4, 4), np.uint8)).shape == (6, 6)


@pytest.mark.parametrize("images, match", [
    (np.full((2, 4, 4), 3.0, np.float32), r"\[-1, 1\].*3"),
    (np.zeros((2, 4, 4, 3), np.float32), "one channel"),
    (np.zeros((0, 4, 4), np.float32), "N >= 1"),
    (np.zeros((2, 4, 4), np.int64), "uint8.*int64"),
])
def test_bad_images_raise_value_error(images, match):
    with pytest.raises(ValueError, match=match):
        image_grid(images)


def test_bad_nrow_raises_value_error():
    with pytest.raises(ValueError, match="nrow.*0"):
        image_grid(np.zeros((2, 4, 4), np.float32), nrow=0)


def test_show_images_draws_white_ink_on_black_without_ticks():
    ax = show_images(np.zeros((4, 28, 28, 1), np.float32), title="digits")
    image = ax.get_images()[0]
    assert image.get_cmap().name == "gray" and image.get_clim() == (0.0, 1.0)
    assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
    assert ax.get_title() == "digits"
    _, given = plt.subplots()
    assert show_images(np.zeros((2, 28, 28), np.uint8), ax=given) is given


def test_save_image_grid_writes_a_png(tmp_path):
    images = np.zeros((4, 28, 28), np.uint8)
    images[0] = 255
    path = save_image_grid(images, tmp_path / "out" / "grid.png", nrow=2)
    pixels = plt.imread(path)
    assert pixels.shape[:2] == (2 * (2 * 29 + 1), 2 * (2 * 29 + 1))
    assert pixels[..., 0].max() == 1.0 and pixels[0, 0, 0] == 0.0
    with pytest.raises(ValueError, match="scale.*0"):
        save_image_grid(images, tmp_path / "x.png", scale=0)


def test_plot_history_draws_losses_and_d_outputs():
    history = {"step": [1, 2, 3], "d_loss": [1.4, 1.3, 1.2], "g_loss": [0.7, 0.8, 0.9],
               "d_real": [0.5, 0.6, 0.7], "d_fake": [0.5, 0.4, 0.3]}
    loss_ax, prob_ax = plot_history(history)
    assert [line.get_label() for line in loss_ax.get_lines()] == ["D loss", "G loss"]
    assert "D(x)" in [line.get_label() for line in prob_ax.get_lines()]
    rows = [dict(zip(history, values)) for values in zip(*history.values())]
    _, axes = plt.subplots(1, 2)
    assert len(plot_history(rows, ax=axes)) == 2
    with pytest.raises(ValueError, match="empty"):
        plot_history({key: [] for key in history})
    with pytest.raises(ValueError, match="lacks.*d_fake"):
        plot_history({"step": [1], "d_loss": [1], "g_loss": [1], "d_real": [1]})
    with pytest.raises(ValueError, match="pair of Axes"):
        plot_history(history, ax=axes[0])


def test_exported_from_the_package():
    assert gu.show_images is show_images and gu.image_grid is image_grid and gu.plot_history is plot_history


def test_grid_png_is_a_grey_png_of_the_grid_scaled():
    import io

    from PIL import Image

    images = np.linspace(-1, 1, 6 * 28 * 28, dtype=np.float32).reshape(6, 28, 28, 1)
    png = gu.plotting.grid_png(images, nrow=3, scale=2)
    img = Image.open(io.BytesIO(png))
    grid = gu.image_grid(images, nrow=3)
    assert img.mode == "L" and img.size == (grid.shape[1] * 2, grid.shape[0] * 2)
    np.testing.assert_array_equal(np.asarray(img)[::2, ::2], (grid * 255).round().astype(np.uint8))


def test_smooth_follows_the_curve_without_lag_at_the_start():
    from gan_utils.engine.plotting import smooth

    values = np.r_[np.ones(50), np.zeros(50)]
    out = smooth(values, 0.9)
    assert out.shape == values.shape and out[0] == 1.0 and out[49] == 1.0
    assert 0.0 < out[55] < 1.0 and out[-1] < 0.01
    assert np.array_equal(smooth(values, 0.0), values)
    with pytest.raises(ValueError, match="weight must be in"):
        smooth(values, 1.0)


def test_plot_smoothed_history_draws_raw_and_smoothed_curves():
    from gan_utils.engine.plotting import plot_smoothed_history, smooth

    history = {"step": list(range(1, 51)), "d_loss": list(np.linspace(1.4, 1.2, 50)), "g_loss": [0.7] * 50,
               "d_real": [0.6] * 50, "d_fake": [0.4] * 50}
    loss_ax, prob_ax = plot_smoothed_history(history, weight=0.9, critic=True, d_equilibrium=2.0)
    assert len(loss_ax.lines) == 5 and len(prob_ax.lines) == 5  # raw + smoothed per curve, plus a dashed line
    np.testing.assert_allclose(loss_ax.lines[1].get_ydata(), smooth(history["d_loss"], 0.9))
    labels = [t.get_text() for t in prob_ax.get_legend().get_texts()]
    assert labels == [r"$\sigma(s(x))$", r"$\sigma(s(G(z)))$"]
    with pytest.raises(ValueError, match="d_equilibrium"):
        plot_smoothed_history(history, d_equilibrium=float("nan"))
