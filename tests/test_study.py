"""gu.study: reading, checking and drawing notebook 04's long-budget study (data/results/stability.json)."""
from __future__ import annotations

import copy
import json
import math

import matplotlib
import pytest

import gan_utils as gu

matplotlib.use("Agg")


def _point(step: int, score: float, fd: float, d_loss: float = 0.0) -> dict:
    return {"step": step, "seconds": step / 100, "mnist_score": score, "frechet_distance": fd,
            "classes_covered": 10, "min_class_share": 0.05, "memorisation_rate": 0.0, "d_loss": d_loss, "g_loss": 0.0}


def _run(variant: str, seed: int, scores: list[float], fds: list[float] | None = None) -> dict:
    fds = fds or [100.0 / (i + 1) for i in range(len(scores))]
    points = [_point(500 * (i + 1), s, f, d_loss=-s) for i, (s, f) in enumerate(zip(scores, fds))]
    return {"variant": variant, "settings": {"loss": "hinge"}, "seed": seed, "steps": 500 * len(scores),
            "seconds": 5.0 * len(scores), "metrics": points}


@pytest.fixture
def study() -> dict:
    return {"runs": [
        _run("base", 0, [3.0, 5.0], [60, 40]), _run("base", 1, [3.5, 5.5], [55, 38]), _run("base", 2, [2.5, 5.2], [58, 39]),
        _run("fix", 0, [4.0, 7.0], [50, 20]), _run("fix", 1, [4.5, 7.5], [45, 18]), _run("fix", 2, [4.2, 7.1], [48, 21]),
        _run("noisy", 0, [3.0, 6.0]), _run("noisy", 1, [3.0, 4.0]), _run("noisy", 2, [3.0, 5.6]),
    ]}


def test_valid_study_reads_back(tmp_path, study) -> None:
    path = tmp_path / "stability.json"
    path.write_text(json.dumps(study))
    assert gu.study.load(path) == study
    assert gu.study.variants(study) == ["base", "fix", "noisy"]


@pytest.mark.parametrize("break_it, message", [
    (lambda s: s.pop("runs"), "no 'runs' list"),
    (lambda s: s["runs"][0].pop("seconds"), r"exactly the keys .*missing \['seconds'\]"),
    (lambda s: s["runs"][0].update(extra=1), r"unexpected \['extra'\]"),
    (lambda s: s["runs"][1].update(steps="4000"), r"run 1 \('base', seed 1\): 'steps' must be a whole number"),
    (lambda s: s["runs"][0]["metrics"].reverse(), "in increasing order"),
    (lambda s: s["runs"][0]["metrics"][0].update(mnist_score=float("nan")), r"\['mnist_score'\] must be finite"),
    (lambda s: s["runs"][0].update(metrics=[]), "'metrics' must be a non-empty list"),
    (lambda s: s["runs"][0].update(steps=10), "beyond the run's 10 steps"),
])
def test_malformed_study_names_the_fault_and_the_fix(study, break_it, message) -> None:
    broken = copy.deepcopy(study)
    break_it(broken)
    with pytest.raises(ValueError, match=message) as info:
        gu.study.validate(broken, "stability.json")
    assert "bench_stability.py" in str(info.value) and "train_live" in str(info.value)


def test_missing_or_garbled_file_explains_and_lets_the_notebook_go_on(tmp_path, capsys) -> None:
    assert gu.study.load_or_explain(tmp_path / "nothing.json") is None
    assert "does not exist" in capsys.readouterr().out
    garbled = tmp_path / "stability.json"
    garbled.write_text('{"runs": [')
    assert gu.study.load_or_explain(garbled) is None
    out = capsys.readouterr().out
    assert "not valid JSON" in out and "train_live" in out
    with pytest.raises(FileNotFoundError):
        gu.study.load(tmp_path / "nothing.json")


def test_curve_gives_median_and_range_over_seeds(study) -> None:
    steps, median, low, high = gu.study.curve(study, "base")
    assert steps.tolist() == [500, 1000]
    assert median.tolist() == [3.0, 5.2] and low.tolist() == [2.5, 5.0] and high.tolist() == [3.5, 5.5]
    _, fd_median, _, _ = gu.study.curve(study, "fix", "frechet_distance")
    assert fd_median.tolist() == [48, 20]


def test_verdicts_only_claim_what_held_on_every_seed(study) -> None:
    assert gu.study.compare(study, "fix", "base") == "better on all 3 seeds"
    assert gu.study.compare(study, "base", "fix") == "worse on all 3 seeds"
    assert gu.study.compare(study, "fix", "base", "frechet_distance") == "better on all 3 seeds"
    assert gu.study.compare(study, "noisy", "base") == "within noise"
    overlapping = copy.deepcopy(study)
    overlapping["runs"][3]["metrics"][-1]["mnist_score"] = 5.3  # fix seed 0 above base seed 0 (5.0) but below 5.5
    assert gu.study.compare(overlapping, "fix", "base") == "better on all 3 seeds (ranges overlap)"
    with pytest.raises(ValueError, match="no variant 'other'"):
        gu.study.compare(study, "other", "base")


def test_diverged_run_is_recorded_and_reported(study) -> None:
    diverged = copy.deepcopy(study)
    diverged["runs"][0]["metrics"].append({"step": 1001, "diverged": "training diverged at step 1001"})
    diverged["runs"][0]["steps"] = 1001
    gu.study.validate(diverged)
    assert gu.study.diverged_at(diverged["runs"][0]) == 1001
    assert gu.study.final(diverged["runs"][0], "mnist_score") == 5.0


def test_table_and_plot(study) -> None:
    frame = gu.study.table(study, {"fix": "base", "noisy": "base", "x": "missing"})
    assert frame.loc["fix", "score verdict"] == "better on all 3 seeds"
    assert frame.loc["noisy", "score verdict"] == "within noise"
    assert frame.loc["base", "MNIST score"] == "5.20 [5.00–5.50]"
    ax = gu.study.plot_curves(study, ["base", "fix"], live_runs=[_run("fix", 7, [4.0, 6.0])])
    assert len(ax.lines) == 3
    fig = gu.study.plot_score_and_fd(study, ["base", "fix"])
    left, right = fig.axes
    assert left.get_ylabel() != right.get_ylabel() and right.get_yscale() == "log"
    assert left.get_legend() is not None and right.get_legend() is None, "one legend for both panels"
    tracking = {"runs": [_run("wgan", 0, [2.0, 4.0, 5.0, 7.0]), _run("wgan", 1, [3.0, 2.0, 6.0, 1.0])]}
    for point, d_loss in zip(tracking["runs"][1]["metrics"], [1.0, 1.0, 1.0, 1.0]):
        point["d_loss"] = d_loss  # a flat critic loss says nothing: no correlation
    first, flat = gu.study.correlation(tracking, "wgan")
    assert first == pytest.approx(-1.0) and math.isnan(flat)


def test_live_run_has_the_study_format() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    run = gu.study.train_live("course recipe (notebook 03)", data, steps=4, every=2, n_samples=100, verbose=False)
    assert set(run) == set(gu.study.RUN_KEYS)
    assert [p["step"] for p in run["metrics"]] == [2, 4]
    assert run["settings"]["loss"] == gu.recipes.recipe("dcgan")["loss"]
    gu.study.validate({"runs": [run]})
    with pytest.raises(ValueError, match="unknown variant"):
        gu.study.train_live("no such variant", data, steps=2)


def test_ablation_removes_one_recipe_ingredient_at_a_time() -> None:
    full = gu.variants.variant("course recipe (notebook 03)")
    for v in gu.variants.ABLATIONS:
        changed = {k for k in set(full.settings) | set(v.settings) if full.settings.get(k) != v.settings.get(k)}
        changed |= {k for k in set(full.switches) | set(v.switches) if full.switches.get(k) != v.switches.get(k)}
        assert changed, v.name
        assert len(changed) <= 2, (v.name, changed)  # e.g. lr_g and lr_d together, or EMA decay with its warm-up


def test_notebook_04_runs_without_the_study_and_says_so(tmp_path, monkeypatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("GAN_UTILS_STUDY", str(tmp_path / "missing.json"))
    monkeypatch.setenv("GAN_UTILS_FAST", "1")
    path = gu.paths.REPO_ROOT / "notebooks" / "04_training_stability.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "\n".join(out.get("text", "") for cell in nb.cells if cell.cell_type == "code"
                     for out in cell.get("outputs", []) if out.get("output_type") == "stream")
    assert "The long-budget study is not available" in text and "missing.json does not exist" in text
    assert "train a variant live with gu.study.train_live" in text, "the message offers a small live run"
