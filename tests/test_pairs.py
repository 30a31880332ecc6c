"""gu.pairs: notebook 04's before/after pairs and the committed multi-seed check of them."""
from __future__ import annotations

import json

import numpy as np

import pytest

import gan_utils as gu


def test_each_pair_changes_one_thing() -> None:
    for p in gu.pairs.PAIRS:
        changed = {k for k in set(p.failure_settings) | set(p.fix_settings)
                   if p.failure_settings.get(k) != p.fix_settings.get(k)}
        assert len(changed) == 1, (p.name, changed)


@pytest.mark.parametrize("name", [p.name for p in gu.pairs.PAIRS])
def test_pair_trains_both_sides_from_one_seed(name: str) -> None:
    p = gu.pairs.pair(name)
    result = gu.pairs.run(p, seed=0, steps=3)
    assert set(result) == {"failure", "fix"}
    for side in result.values():
        assert p.measure in side and side["seconds"] > 0
    assert isinstance(gu.pairs.fix_won(p, result), bool)


def test_fix_won_reads_the_measure_the_right_way() -> None:
    p = gu.pairs.pair("mode_collapse")
    assert gu.pairs.fix_won(p, {"failure": {"modes_covered": 3}, "fix": {"modes_covered": 8}})
    assert not gu.pairs.fix_won(p, {"failure": {"modes_covered": 8}, "fix": {"modes_covered": 8}})
    with pytest.raises(ValueError, match="unknown pair"):
        gu.pairs.pair("nope")


def test_check_file_missing_garbled_and_quoted(tmp_path, capsys) -> None:
    assert gu.pairs.load_check(tmp_path / "none.json") is None
    assert "check_pairs.py" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert gu.pairs.load_check(bad) is None
    good = tmp_path / "pairs.json"
    good.write_text(json.dumps({"pairs": {"mode_collapse": {
        "seeds": [0, 1, 2], "failure": [3, 2, 4], "fix": [8, 8, 7], "fix_won": [True, True, True],
        "fix_won_every_seed": True}}}))
    check = gu.pairs.load_check(good)
    line = gu.pairs.spread_line(check, "mode_collapse")
    assert "failure 3, 2, 4" in line and "fix 8, 8, 7" in line and "won on every seed" in line
    check["pairs"]["mode_collapse"].update(fix_won=[True, False, True], fix_won_every_seed=False)
    assert "won on 2 of 3 seeds" in gu.pairs.spread_line(check, "mode_collapse")
    assert "no multi-seed check" in gu.pairs.spread_line(None, "d_wins")



def test_divergence_step_travels_on_the_error() -> None:
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, lr_g=10.0, lr_d=10.0, g_filters=8, d_filters=8, batch_size=16)
    with pytest.raises(gu.training.TrainingDiverged) as info:
        trainer.fit(steps=100, progress=False)
    assert info.value.step is not None and f"at step {info.value.step}:" in str(info.value)
    record = gu.study.run_record(trainer, "hot", [], diverged=info.value)
    assert record["steps"] == info.value.step and record["metrics"][-1]["step"] == info.value.step


def test_classroom_mode_draws_the_committed_check_seed_by_seed() -> None:
    import matplotlib

    matplotlib.use("Agg")
    check = gu.pairs.load_check()
    assert check is not None, "data/results/pairs.json is committed"
    ax = gu.pairs.plot_check(check, "mode_collapse")
    entry = check["pairs"]["mode_collapse"]
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [*entry["failure"], *entry["fix"]], "one bar per seed and side, the committed values"
    assert ax.get_ylabel() == "modes covered (of 8)" and "3000 steps" in ax.get_title()
    with pytest.raises(ValueError, match="check_pairs.py --only d_wins"):
        gu.pairs.plot_check({"pairs": {}}, "d_wins")
    with pytest.raises(ValueError, match="unknown pair"):
        gu.pairs.plot_check(check, "nope")
