"""gu.toy: densities, D*, C(G) and JSD against closed forms; mode counting; a small ToyGAN that steps, resets and repeats."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gan_utils import toy, densities, plotting

X = np.linspace(-12, 12, 24001)


def small_gan(**kwargs) -> toy.ToyGAN:
    settings = dict(widths=(8, 8), batch_size=16, seed=3)
    settings.update(kwargs)
    return toy.ToyGAN(**settings)


def test_gaussian_pdf_integrates_to_one_and_rejects_bad_std():
    assert np.trapezoid(densities.gaussian_pdf(X, 1.0, 0.7), X) == pytest.approx(1.0, abs=1e-9)
    with pytest.raises(ValueError, match="std.*-1"):
        densities.gaussian_pdf(X, 0.0, -1)


def test_optimal_discriminator_formula_and_edge_cases():
    np.testing.assert_allclose(densities.optimal_discriminator([0.3, 0.0, 0.0, 2.0], [0.1, 0.0, 0.5, 2.0]), [0.75, 0.5, 0.0, 0.5])
    with pytest.raises(ValueError, match="p_g.*-0.1"):
        densities.optimal_discriminator([0.2], [-0.1])
    with pytest.raises(ValueError, match="same shape"):
        densities.optimal_discriminator([0.2, 0.1], [0.1])


def test_virtual_criterion_is_minus_log_4_at_the_optimum():
    p = densities.gaussian_pdf(X, 0.0, 1.0)
    assert densities.virtual_criterion(p, p, X) == pytest.approx(-math.log(4), abs=1e-9)
    assert densities.js_divergence(p, p, X) == pytest.approx(0.0, abs=1e-12)


def test_c_of_g_is_minus_log_4_plus_twice_jsd_for_two_gaussians():
    p, q = densities.gaussian_pdf(X, 0.0, 1.0), densities.gaussian_pdf(X, 1.5, 0.6)
    jsd = densities.js_divergence(p, q, X)
    assert 0 < jsd < math.log(2)
    assert densities.js_divergence(q, p, X) == pytest.approx(jsd, rel=1e-12)
    assert densities.virtual_criterion(p, q, X) == pytest.approx(-math.log(4) + 2 * jsd, abs=1e-9)


def test_jsd_of_disjoint_distributions_is_log_2():
    assert densities.js_divergence([0.5, 0.5, 0, 0], [0, 0, 0.3, 0.7]) == pytest.approx(math.log(2))


def test_js_estimate_small_for_data_samples_large_for_far_ones():
    data = toy.gaussian_1d(2.0, 0.5)
    rng = np.random.default_rng(0)
    assert toy.js_estimate(data.sample(20000, rng), data) < 0.01
    assert toy.js_estimate(rng.normal(-5, 0.1, 5000), data) > 0.68
    with pytest.raises(ValueError, match="1-D"):
        toy.js_estimate(np.zeros(10), densities.ring_of_gaussians())


def test_ring_of_gaussians():
    ring = densities.ring_of_gaussians(8, 2.0, 0.02)
    np.testing.assert_allclose(np.linalg.norm(ring.centres, axis=1), 2.0)
    x = ring.sample(100, np.random.default_rng(0))
    assert x.shape == (100, 2) and x.dtype == np.float32
    with pytest.raises(ValueError, match="n_modes.*1"):
        densities.ring_of_gaussians(1)


def test_modes_covered_counts_modes_and_off_mode_share():
    ring = densities.ring_of_gaussians()
    rng = np.random.default_rng(0)
    all_modes = ring.sample(4000, rng)
    covered, off_mode = toy.modes_covered(all_modes, ring.centres, ring.std)
    assert covered == 8 and off_mode == pytest.approx(math.exp(-4.5), abs=0.005)  # 2-D mass beyond 3 std
    one_mode = ring.centres[2] + 0.02 * rng.standard_normal((990, 2))
    stray = np.vstack([one_mode, np.zeros((5, 2)), ring.centres[5] + np.zeros((5, 2))])  # 0.5% on mode 5: not covered
    covered, off_mode = toy.modes_covered(stray, ring.centres, ring.std)
    assert covered == 1 and 0.005 <= off_mode < 0.03
    with pytest.raises(ValueError, match="centres must have shape"):
        toy.modes_covered(all_modes, ring.centres[:, :1], ring.std)
    with pytest.raises(ValueError, match="std"):
        toy.modes_covered(all_modes, ring.centres, 0)


def _weights(model):
    return [w.copy() for w in model.get_weights()]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def test_step_d_only_and_g_only_touch_one_network():
    gan = small_gan()
    g0, d0 = _weights(gan.generator), _weights(gan.discriminator)
    gan.step(1, "d")
    assert _same(_weights(gan.generator), g0) and not _same(_weights(gan.discriminator), d0)
    d1 = _weights(gan.discriminator)
    gan.step(1, "g")
    assert not _same(_weights(gan.generator), g0) and _same(_weights(gan.discriminator), d1)
    assert gan.step_count == 2 and len(gan.history["d_loss"]) == 2


def test_k_discriminator_steps_per_generator_step():
    gan = small_gan(k=3)
    gan.step(2)
    assert int(gan._opt_d.iterations) == 6 and int(gan._opt_g.iterations) == 2


def test_reset_restores_the_first_state_and_runs_repeat():
    gan = small_gan(lr_d=3e-3)
    first = gan.sample(50)
    stats = gan.step(5)
    gan.lr_g = 1e-2
    gan.reset()
    assert np.array_equal(gan.sample(50), first) and gan.step_count == 0 and gan.history["step"] == []
    assert gan.lr_g == pytest.approx(1e-2) and gan.lr_d == pytest.approx(3e-3)
    gan.lr_g = 1e-3
    assert gan.step(5) == pytest.approx(stats)


def test_loss_switch_and_settings_validation():
    gan = small_gan()
    gan.loss = "minimax"
    assert gan.step(1)["g_loss"] < 0  # mean log(1 - D(G(z))) is negative
    for name, value in (("loss", "wgan"), ("lr_g", 0.0), ("lr_d", 5.0), ("k", 0)):
        with pytest.raises(ValueError, match=name):
            setattr(gan, name, value)
    with pytest.raises(ValueError, match="divisible by pack"):
        small_gan(pack=3)
    with pytest.raises(ValueError, match="which"):
        gan.step(1, "both please")


def test_ring_gan_with_packing_samples_and_covers():
    gan = small_gan(data=densities.ring_of_gaussians(), pack=4, latent_dim=2)
    gan.step(2)
    assert gan.sample(10).shape == (10, 2) and gan.discriminate(np.zeros((7, 2))).shape == (7,)
    covered, off_mode = gan.coverage(200)
    assert 0 <= covered <= 8 and 0 <= off_mode <= 1


def test_divergence_is_reported_not_silently_kept(monkeypatch):
    gan = small_gan()
    monkeypatch.setattr(gan, "_compiled", lambda plan, kind: lambda xs, zs: np.array([[0.5, 0.5, 0.5, 0.5], [np.nan, 0.0, 0.5, 0.5]]))
    with pytest.raises(FloatingPointError, match="diverged at step 2.*lower the learning rates"):
        gan.step(2)
    assert gan.step_count == 1 and gan.history["d_loss"] == [0.5]


def test_one_compiled_chunk_trains_exactly_as_single_steps(monkeypatch):
    one_call, single = small_gan(k=2), small_gan(k=2)
    one_call.step(6)
    for _ in range(6):
        single.step(1)
    assert one_call.history == single.history and one_call.step_count == 6
    monkeypatch.setattr(toy, "CHUNK", 4)
    chunked = small_gan(k=2)
    chunked.step(6)
    np.testing.assert_array_equal(chunked.sample(50), one_call.sample(50))


def test_fit_discriminator_approaches_d_star():
    data, fake = toy.gaussian_1d(0.0, 1.0), toy.gaussian_1d(1.5, 1.0)
    d = toy.fit_discriminator(data.sample, fake.sample, steps=300, batch_size=128, widths=(16,))
    x = np.linspace(-1, 2.5, 8)
    np.testing.assert_allclose(d(x), densities.optimal_discriminator(data.pdf(x), fake.pdf(x)), atol=0.12)


def test_plot_toy_draws_both_kinds():
    import matplotlib

    matplotlib.use("Agg")
    ax = plotting.plot_toy(small_gan(), title="1-D")
    assert len(ax.lines) == 3 and ax.get_title() == "1-D"
    ax = plotting.plot_toy(small_gan(data=densities.ring_of_gaussians(), latent_dim=2), n=100)
    assert len(ax.collections) == 2


def test_kl_divergence_of_two_coins_is_asymmetric_and_infinite_off_support():
    fair, biased = [0.5, 0.5], [0.9, 0.1]
    assert densities.kl_divergence(fair, biased) == pytest.approx(0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(5))
    assert densities.kl_divergence(biased, fair) == pytest.approx(0.9 * math.log(1.8) + 0.1 * math.log(0.2))
    assert densities.kl_divergence([1.0, 0.0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert densities.kl_divergence([1.0, 0.0], [0.0, 1.0]) == math.inf
    p, q = densities.gaussian_pdf(X, 0.0, 1.0), densities.gaussian_pdf(X, 1.0, 2.0)
    assert densities.kl_divergence(p, q, X) == pytest.approx(math.log(2) + (1 + 1) / 8 - 0.5, abs=1e-9)  # closed form


def test_generator_gradient_points_uphill_on_d():
    gan = small_gan(data=densities.ring_of_gaussians(), latent_dim=2)
    gan.step(3)
    x = gan.sample(6)
    np.testing.assert_allclose(gan.generate(np.zeros((2, 2))), gan.generate(np.zeros((2, 2))))
    push = -gan.generator_gradient(x)
    step = x + 1e-3 * push / np.linalg.norm(push, axis=1, keepdims=True)
    assert push.shape == (6, 2) and np.all(gan.discriminate(step) > gan.discriminate(x))
    with pytest.raises(ValueError, match="shape"):
        gan.generate(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="multiple of pack"):
        small_gan(data=densities.ring_of_gaussians(), latent_dim=2, pack=2).generator_gradient(x[:5])


def test_plot_generator_map_draws_grid_lines_and_arrows():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.quiver import Quiver

    gan = small_gan(data=densities.ring_of_gaussians(), latent_dim=2)
    ax = plotting.plot_generator_map(gan, lines=5, points=20, n_arrows=12, title="map")
    assert len(ax.lines) == 2 * 5 and all(len(line.get_xdata()) == 20 for line in ax.lines)
    arrows = [c for c in ax.collections if isinstance(c, Quiver)]
    assert len(arrows) == 1 and arrows[0].N == 12 and ax.get_title() == "map"
    lengths = np.hypot(arrows[0].U, arrows[0].V)
    assert lengths.max() == pytest.approx(0.5)  # arrow_length: the longest arrow's length
    with pytest.raises(ValueError, match="2-D toy"):
        plotting.plot_generator_map(small_gan())
    with pytest.raises(ValueError, match="latent_dim 1"):
        plotting.plot_generator_map(small_gan(data=densities.ring_of_gaussians(), latent_dim=1))
