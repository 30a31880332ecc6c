"""gu.after_gan and benchmarks/bench_modern_loss.py: notebook 07's modern-loss study, read, tabled, judged and run small."""
from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

import matplotlib
import pytest

import gan_utils as gu
from gan_utils.studies import after_gan as A

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
if "bench_modern_loss" not in sys.modules:
    spec = importlib.util.spec_from_file_location("bench_modern_loss", REPO / "benchmarks" / "bench_modern_loss.py")
    sys.modules["bench_modern_loss"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["bench_modern_loss"])
bench = sys.modules["bench_modern_loss"]


def _dcgan_run(setting: str, seed: int, scores: list[float], fds: list[float], classes=(10, 10)) -> dict:
    points = [{"step": 1000 * (i + 1), "seconds": 50.0 * (i + 1) * (1.2 if setting == A.MODERN else 1.0),
               "mnist_score": s, "frechet_distance": f, "classes_covered": c, "min_class_share": 0.05,
               "memorisation_rate": 0.001 * seed, "d_loss": 1.0, "g_loss": 0.5}
              for i, (s, f, c) in enumerate(zip(scores, fds, classes))]
    return {"variant": setting, "settings": {}, "seed": seed, "steps": 1000 * len(scores),
            "seconds": points[-1]["seconds"], "metrics": points}


def _ring_run(loss: str, seed: int, modes: list[int]) -> dict:
    points = [{"step": 500 * (i + 1), "seconds": 1.0 + i, "modes_covered": m, "high_quality": 0.1 * m}
              for i, m in enumerate(modes)]
    return {"variant": loss, "settings": {}, "seed": seed, "steps": 500 * len(modes), "seconds": 2.0,
            "metrics": points}


@pytest.fixture
def results() -> dict:
    """Two seeds: the relativistic loss wins the score at 1,000 steps on both and loses it at 2,000 on seed 1."""
    return {
        "budgets": [1000, 2000],
        "ring": [_ring_run("non-saturating", 0, [3, 5]), _ring_run(A.MODERN, 0, [6, 8]),
                 _ring_run("non-saturating", 1, [7, 8]), _ring_run(A.MODERN, 1, [8, 8])],
        "runs": [_dcgan_run(A.COURSE, 0, [5.0, 7.0], [40.0, 20.0]),
                 _dcgan_run(A.MODERN, 0, [6.0, 7.5], [35.0, 25.0], classes=(10, 9)),
                 _dcgan_run(A.COURSE, 1, [5.5, 8.0], [38.0, 18.0]),
                 _dcgan_run(A.MODERN, 1, [6.5, 7.0], [30.0, 17.0])],
        "timing": {"ms_per_step": {A.COURSE: 40.0, A.MODERN: 52.0}},
    }


def test_a_good_file_reads_back(tmp_path, results, capsys) -> None:
    path = tmp_path / "modern_loss.json"
    path.write_text(json.dumps(results))
    assert A.load_modern_loss(path) == results
    assert capsys.readouterr().out == ""


def test_a_missing_file_says_what_to_run(tmp_path, capsys) -> None:
    assert A.load_modern_loss(tmp_path / "nowhere.json") is None
    out = capsys.readouterr().out
    assert "does not exist" in out and "bench_modern_loss.py" in out and "train_ring" in out


@pytest.mark.parametrize("break_it, message", [
    (lambda r: r.pop("ring"), "'ring' list is missing or empty"),
    (lambda r: r.update(runs=[]), "'runs' list is missing or empty"),
    (lambda r: r["runs"][0].update(variant="hinge"), "runs row 0 must be a run of one of"),
    (lambda r: r["runs"][1]["metrics"].reverse(), r"runs row 1: .* increasing order"),
    (lambda r: r["runs"][2]["metrics"][0].update(frechet_distance=float("nan")), r"\['frechet_distance'\] must be finite"),
    (lambda r: r["ring"][0]["metrics"][1].pop("modes_covered"), r"ring row 0, step 1000: \['modes_covered'\]"),
    (lambda r: r.update(timing={}), "'timing' object needs 'ms_per_step'"),
    (lambda r: r["timing"]["ms_per_step"].pop(A.MODERN), "'timing' object needs 'ms_per_step'"),
])
def test_a_malformed_file_names_the_fault(tmp_path, results, capsys, break_it, message) -> None:
    broken = copy.deepcopy(results)
    break_it(broken)
    with pytest.raises(ValueError, match=message):
        A.validate_modern_loss(broken)
    path = tmp_path / "modern_loss.json"
    path.write_text(json.dumps(broken))
    assert A.load_modern_loss(path) is None
    out = capsys.readouterr().out
    assert "modern_loss.json" in out and "bench_modern_loss.py" in out


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", ""])
def test_unreadable_json_is_explained(tmp_path, capsys, text) -> None:
    path = tmp_path / "modern_loss.json"
    path.write_text(text)
    assert A.load_modern_loss(path) is None
    assert "not available" in capsys.readouterr().out


def test_the_table_puts_each_setting_beside_the_other_per_seed_and_step(results) -> None:
    table = A.modern_loss_table(results)
    assert list(table.index) == [(0, 1000), (0, 2000), (1, 1000), (1, 2000)]
    assert table.loc[(0, 2000), "score (course)"] == 7.0 and table.loc[(0, 2000), "score (relativistic)"] == 7.5
    assert table.loc[(1, 1000), "FD (relativistic)"] == 30.0
    assert table.loc[(0, 2000), "classes (relativistic)"] == 9
    assert table.loc[(0, 1000), "ms/step (course)"] == pytest.approx(50.0)
    assert table.loc[(0, 1000), "ms/step (relativistic)"] == pytest.approx(60.0)
    assert list(A.modern_loss_table(results, budgets=[2000]).index) == [(0, 2000), (1, 2000)]


def test_a_seed_without_both_settings_is_left_out(results) -> None:
    results["runs"] = results["runs"][:3]  # seed 1 has only the course recipe
    assert list(A.modern_loss_table(results).index.get_level_values("seed").unique()) == [0]


def test_the_verdict_names_the_winner_of_each_measure(results) -> None:
    table = A.verdict_table(results)
    assert table.loc[(1000, 0), "score"] == "relativistic" and table.loc[(1000, 1), "score"] == "relativistic"
    assert table.loc[(2000, 0), "score"] == "relativistic" and table.loc[(2000, 1), "score"] == "course"
    assert table.loc[(2000, 0), "FD"] == "course" and table.loc[(2000, 1), "FD"] == "relativistic"  # lower wins
    assert table.loc[(1000, 0), "classes"] == "tie" and table.loc[(2000, 0), "classes"] == "course"
    assert table.loc[(1000, 1), "memorised"] == "tie"
    assert table.loc[(1000, 0), "ring modes"] == "relativistic" and table.loc[(1000, 1), "ring modes"] == "tie"
    assert A.verdict(results) == [
        "at 1,000 steps, MNIST score: relativistic (seeds 0, 1); Fréchet distance: relativistic (seeds 0, 1)",
        "at 2,000 steps, MNIST score: relativistic (seed 0), course (seed 1); "
        "Fréchet distance: relativistic (seed 1), course (seed 0)",
        "ring of 8, modes covered at the last step: relativistic (seed 0), tie (seed 1)"]
    assert list(A.verdict_table(results, budgets=[1000]).index) == [(1000, 0), (1000, 1)]


def test_the_ring_table_and_the_pictures(results) -> None:
    table = A.ring_table(results)
    assert table.loc[(0, 1000), "modes (non-saturating)"] == 5 and table.loc[(0, 1000), "modes (relativistic)"] == 8
    ax = A.plot_ring_modes(results)
    assert len(ax.lines) == 4 and ax.get_ylabel() == "modes covered (of 8)"
    colours = {line.get_label().split(",")[0]: line.get_color() for line in ax.lines}
    assert colours["relativistic"] == gu.plotting.PALETTE["fix"].colour
    assert colours["non-saturating"] == gu.plotting.PALETTE["failure"].colour
    assert len(A.plot_dcgan(results, "frechet_distance").lines) == 4
    with pytest.raises(ValueError, match="key must be one of"):
        A.plot_dcgan(results, "fid")


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="setting must be one of"):
        A.make_trainer("hinge", None)
    with pytest.raises(ValueError, match="gamma must be a number > 0"):
        A.make_trainer(A.MODERN, None, gamma=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        A.train_ring("hinge")
    with pytest.raises(ValueError, match="gamma must be a number >= 0"):
        A.train_ring(gamma=-1.0)


def test_the_modern_trainer_is_the_recipe_with_the_relativistic_loss() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    course, modern = (A.make_trainer(s, data, seed=0, gamma=0.25).settings() for s in A.SETTINGS)
    assert course["loss"] == gu.recipes.recipe("dcgan")["loss"] and course["r1_weight"] == course["r2_weight"] == 0
    assert modern["loss"] == "relativistic" and modern["r1_weight"] == modern["r2_weight"] == 0.25
    differ = {k for k in course if course[k] != modern[k]}
    assert differ == {"loss", "r1_weight", "r2_weight"}


def test_the_benchmark_runs_small_end_to_end_and_resumes(tmp_path, capsys) -> None:
    out = tmp_path / "modern_loss.json"
    assert bench.main(["--fast", "--seeds", "0", "--out", str(out)]) == 0
    results = A.load_modern_loss(out)
    assert results is not None, capsys.readouterr().out
    assert {r["variant"] for r in results["ring"]} == set(A.RING_LOSSES)
    assert {r["variant"] for r in results["runs"]} == set(A.SETTINGS)
    assert [p["step"] for p in results["runs"][0]["metrics"]] == [20, 40]
    assert results["runs"][1]["settings"]["loss"] == "relativistic"
    assert results["runs"][1]["settings"]["r1_weight"] == results["runs"][1]["settings"]["r2_weight"] == A.GAMMA
    assert results["ring"][1]["settings"]["gamma"] == A.RING_GAMMA and results["ring"][0]["settings"]["gamma"] is None
    assert all(0 <= p["modes_covered"] <= 8 and 0 <= p["high_quality"] <= 1 for r in results["ring"]
               for p in r["metrics"])
    for key in ("command", "machine", "date", "cpus", "tensorflow", "data"):
        assert results[key], key
    assert results["command"].startswith("python benchmarks/bench_modern_loss.py --fast")
    assert gu.study.validate({"runs": results["runs"]})  # notebook 04's run format
    assert list(A.modern_loss_table(results).index) == [(0, 20), (0, 40)]
    before = out.read_text()
    capsys.readouterr()
    assert bench.main(["--fast", "--seeds", "0", "--out", str(out)]) == 0  # every row done: nothing trains again
    assert "0 DCGAN runs to do, 2 in" in capsys.readouterr().out
    assert json.loads(out.read_text())["runs"] == json.loads(before)["runs"]
