"""gu.variants: variants trained on one time budget, measured alike, summarised over seeds (notebook 04)."""
from __future__ import annotations

import numpy as np
import pytest

from gan_utils import variants as S


@pytest.fixture
def small(small_stability):
    return small_stability


def test_every_variant_names_its_source_and_builds_the_same_architecture(small):
    assert len({v.name for v in S.VARIANTS}) == len(S.VARIANTS)
    shapes = set()
    for v in S.VARIANTS:
        assert v.citation
        trainer = S.make_trainer(v, small, seed=0)
        shapes.add(tuple(w.shape for w in trainer.generator.weights))
        assert trainer.config["g_filters"] == 16 and trainer.loss == v.settings["loss"]
    assert len(shapes) == 1, "every variant must train the same generator"
    assert S.make_trainer(S.variant("hinge loss + spectral norm"), small).config["spectral_norm"] is True


def test_unknown_variant_and_bad_budget_are_refused(small):
    with pytest.raises(ValueError, match="unknown variant 'nope'"):
        S.variant("nope")
    for seconds in (0, -1, "10", True, 1e9):
        with pytest.raises(ValueError, match="seconds must be a number"):
            S.run_variant(S.VARIANTS[0], small, seconds)


def test_run_variant_spends_the_budget_on_training_and_measures_the_result(small):
    r = S.run_variant(S.variant("non-saturating loss"), small, seconds=1.0, seed=3, n_samples=50)
    assert r.seconds >= 1.0 and r.steps > 2 and r.seed == 3 and not r.note
    assert r.samples.shape == (10, 28, 28, 1)
    assert len(r.history["d_loss"]) == r.steps
    assert 1.0 <= r.scores["mnist_score"] <= 10.0 and 1 <= r.scores["classes_covered"] <= 10
    assert r.scores["frechet_distance"] > 0 and 0 <= r.scores["memorisation_rate"] <= 1


def test_same_seed_same_steps_give_the_same_samples(small):
    a, b = (S.make_trainer(S.VARIANTS[1], small, seed=5) for _ in range(2))
    a.step(3), b.step(3)
    np.testing.assert_array_equal(a.fixed_samples(), b.fixed_samples())


def test_compare_runs_every_variant_for_every_seed_and_the_table_shows_the_spread(small, capsys):
    variants = [S.variant("minimax loss"), S.variant("course recipe (notebook 03)")]
    results = S.compare(variants, small, seconds=0.5, seeds=(0, 1))
    assert [(r.variant, r.seed) for r in results] == [(v.name, s) for v in variants for s in (0, 1)]
    assert capsys.readouterr().out.count("seed") == 4
    table = S.summary_table(results)
    assert list(table.index) == [v.name for v in variants]
    assert (table["seeds"] == 2).all()
    score = table.loc["minimax loss", "MNIST score"]
    runs = sorted(r.scores["mnist_score"] for r in results if r.variant == "minimax loss")
    assert score == f"{np.mean(runs):.2f} [{runs[0]:.2f}–{runs[1]:.2f}]"
    assert table.loc["minimax loss", "reference"] == "Goodfellow et al. 2014"
    fig = S.plot_strips(results)
    assert len(fig.axes) == 2


def test_a_diverging_variant_is_reported_not_raised(small):
    hot = S.Variant("too hot", {"loss": "non_saturating", "lr_g": 10.0, "lr_d": 10.0})
    r = S.run_variant(hot, small, seconds=2.0, n_samples=20)
    assert r.note.startswith("diverged")
    assert np.isfinite(r.samples).all()


def test_minimax_gradient_vanishes_when_d_wins_but_the_non_saturating_one_does_not(small):
    trainer = S.make_trainer(S.variant("minimax loss"), small, seed=0)
    trainer.lr_d = 2e-3
    trainer.step(60, mode="d")
    assert np.mean(trainer.history["d_fake"][-5:]) < 0.05, "D should reject the fakes by now"
    minimax = S.generator_gradient_norm(trainer, "minimax")
    non_saturating = S.generator_gradient_norm(trainer, "non_saturating")
    assert non_saturating > 10 * minimax


def test_gradient_norm_refuses_bad_input(small):
    trainer = S.make_trainer(S.VARIANTS[0], small)
    with pytest.raises(ValueError, match="loss kind"):
        S.generator_gradient_norm(trainer, "bogus")


def test_machine_names_the_cores_and_tensorflow():
    text = S.machine()
    assert "cores" in text and "TensorFlow 2." in text
