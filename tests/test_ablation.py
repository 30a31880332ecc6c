"""gu.ablation: what each change of the course recipe buys, read from the study (notebook 03)."""
from __future__ import annotations

import math

import pytest

import gan_utils as gu
from gan_utils import ablation as A


def _run(variant: str, seed: int, points: list[tuple[int, float, float, float]], seconds: float) -> dict:
    """A study run whose measurements are (step, seconds, MNIST score, Fréchet distance)."""
    metrics = [{"step": s, "seconds": t, "mnist_score": m, "frechet_distance": f} for s, t, m, f in points]
    return {"variant": variant, "settings": {}, "seed": seed, "steps": points[-1][0], "seconds": seconds,
            "metrics": metrics}


WITHOUT_EMA = A.CHANGES["EMA of G"]
WITHOUT_SHARED = A.CHANGES["shared forward pass"]


@pytest.fixture
def study() -> dict:
    runs = []
    for seed, bump in enumerate((0.0, 0.1, -0.1)):
        runs.append(_run(A.RECIPE, seed, [(500, 10.0, 6.0 + bump, 30.0), (1000, 20.0, 8.0 + bump, 10.0 + bump)], 20.0))
        runs.append(_run(WITHOUT_EMA, seed, [(500, 10.0, 5.0, 40.0), (1000, 20.0, 7.0 + bump, 20.0)], 20.0))
        # slower per step, better per step: 30 s for 1,000 steps
        runs.append(_run(WITHOUT_SHARED, seed, [(500, 15.0, 7.0, 20.0), (1000, 30.0, 9.0 + bump, 8.0)], 30.0))
    return gu.study.validate({"runs": runs})


def test_every_change_names_an_ablation_of_the_study():
    from gan_utils import variants

    assert A.RECIPE == variants.RECIPE_NAME
    assert set(A.CHANGES.values()) == {v.name for v in variants.ABLATIONS}


def test_bought_is_the_difference_of_medians_with_the_verdict(study):
    r = A.bought(study, "EMA of G")
    assert r["without"] == WITHOUT_EMA and r["seeds"] == 3 and r["steps"] == 1000
    assert r["mnist_score"]["with"] == pytest.approx(8.0) and r["mnist_score"]["without"] == pytest.approx(7.0)
    assert r["mnist_score"]["gain"] == pytest.approx(1.0) and r["mnist_score"]["verdict"] == "better on all 3 seeds"
    assert r["frechet_distance"]["gain"] == pytest.approx(-10.0)
    assert r["frechet_distance"]["verdict"].startswith("better on all 3 seeds")
    assert r["ms_per_step"] == {"with": pytest.approx(20.0), "without": pytest.approx(20.0)}
    text = A.describe(r)
    assert "+1.00" in text and "-10.0" in text and "recipe better on all 3 seeds" in text and "20 ms" in text


def test_a_change_that_costs_quality_per_step_is_reported_as_worse(study):
    r = A.bought(study, "shared forward pass")
    assert r["mnist_score"]["gain"] == pytest.approx(-1.0) and r["mnist_score"]["verdict"].startswith("worse")
    assert r["ms_per_step"]["without"] == pytest.approx(30.0)


def test_equal_time_interpolates_the_slower_run(study):
    same = A.at_equal_time(study, "shared forward pass")
    # the run without it, at the recipe's 20 s: a third of the way from 7.0 (15 s) to 9.0 + bump (30 s)
    assert [row["without"] for row in same["rows"]] == pytest.approx([7.0 + (2.0 + b) / 3 for b in (0.0, 0.1, -0.1)])
    assert same["verdict"] == "better on all 3 seeds"
    fd = A.at_equal_time(study, "shared forward pass", "frechet_distance")
    assert fd["verdict"] == "better on all 3 seeds"  # 10 +- 0.1 against 16: lower is better


def test_value_at_seconds_is_nan_outside_the_measurements(study):
    run = gu.study.runs_of(study, WITHOUT_SHARED)[0]
    assert A.value_at_seconds(run, "mnist_score", 15.0) == pytest.approx(7.0)
    assert math.isnan(A.value_at_seconds(run, "mnist_score", 5.0))
    assert math.isnan(A.value_at_seconds(run, "mnist_score", 31.0))


def test_at_step_gives_median_and_range_or_none(study):
    assert A.at_step(study, A.RECIPE, 1000) == pytest.approx((8.0, 7.9, 8.1))
    assert A.at_step(study, A.RECIPE, 20) is None


def test_unknown_change_is_refused():
    with pytest.raises(ValueError, match="change must be one of"):
        A.bought({"runs": []}, "dropout")


def test_summary_table_has_one_row_per_change(study):
    table = A.summary_table(study, ["EMA of G", "shared forward pass"])
    assert list(table.index) == ["EMA of G", "shared forward pass"]
    assert table.loc["EMA of G", "Δ score"] == pytest.approx(1.0)
    assert table.loc["shared forward pass", "ms/step without"] == 30


def test_the_committed_study_holds_every_change():
    study = gu.study.load()
    for change in A.CHANGES:
        r = A.bought(study, change)
        assert r["seeds"] == 3 and not math.isnan(r["mnist_score"]["gain"])
