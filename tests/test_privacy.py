"""gu.privacy (notebook 06): the membership attack's AUC and ROC, DP-SGD's clip-and-noise step, the accountant, the small trainer."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.engine import privacy


def test_auc_of_two_samples_of_one_distribution_is_near_one_half():
    rng = np.random.default_rng(0)
    aucs = [privacy.attack_auc(rng.normal(size=2000), rng.normal(size=2000)) for _ in range(5)]
    assert all(abs(a - 0.5) < 0.03 for a in aucs), aucs


def test_auc_is_one_when_members_always_score_higher_and_zero_when_lower():
    assert privacy.attack_auc([3.0, 4.0, 5.0], [0.0, 1.0]) == 1.0
    assert privacy.attack_auc([0.0, 1.0], [3.0, 4.0, 5.0]) == 0.0


def test_auc_counts_ties_as_one_half_and_matches_brute_force():
    assert privacy.attack_auc([1.0], [1.0]) == 0.5
    members, nonmembers = [0.9, 0.4, 0.7], [0.4, 0.1, 0.3, 0.8]
    assert privacy.attack_auc(members, nonmembers) == pytest.approx(9.5 / 12)
    rng = np.random.default_rng(1)
    m, n = rng.integers(0, 5, 40).astype(float), rng.integers(0, 5, 30).astype(float)
    brute = np.mean([(a > b) + 0.5 * (a == b) for a in m for b in n])
    assert privacy.attack_auc(m, n) == pytest.approx(brute)


def test_black_box_attack_on_copies_scores_near_one():
    rng = np.random.default_rng(2)
    members = rng.uniform(-1, 1, (50, 28, 28, 1)).astype(np.float32)
    nonmembers = rng.uniform(-1, 1, (50, 28, 28, 1)).astype(np.float32)
    samples = members.copy()  # a generator that copies its training images
    auc = privacy.attack_auc(privacy.black_box_scores(samples, members), privacy.black_box_scores(samples, nonmembers))
    assert auc == 1.0


def test_roc_curve_runs_from_origin_to_one_one_and_its_area_is_the_auc():
    rng = np.random.default_rng(3)
    m, n = rng.normal(1, 1, 300), rng.normal(0, 1, 300)
    fpr, tpr = privacy.roc_curve(m, n)
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    assert np.trapezoid(tpr, fpr) == pytest.approx(privacy.attack_auc(m, n), abs=1e-9)


@pytest.mark.parametrize("bad", [[], [[1.0, 2.0]], [1.0, float("nan")]])
def test_bad_scores_raise_value_error_naming_them(bad):
    with pytest.raises(ValueError, match="member_scores"):
        privacy.attack_auc(bad, [1.0])


def test_privatise_clips_each_row_sums_adds_scaled_noise_and_averages():
    g = tf.constant([[3.0, 4.0], [0.3, 0.4]])  # lengths 5 and 0.5
    noise = tf.constant([1.0, -1.0])
    out = privacy.privatise(g, 1.0, 2.0, noise).numpy()
    expected = (np.array([0.6, 0.8]) + np.array([0.3, 0.4]) + 2.0 * 1.0 * np.array([1.0, -1.0])) / 2
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    compiled = tf.function(privacy.privatise)(g, tf.constant(1.0), tf.constant(2.0), noise).numpy()
    np.testing.assert_allclose(compiled, expected, rtol=1e-6)


def test_dp_epsilon_comes_from_dp_accounting_and_falls_with_more_noise():
    import dp_accounting
    from dp_accounting import rdp

    acc = rdp.RdpAccountant(list(privacy.RDP_ORDERS))
    acc.compose(dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(0.01, dp_accounting.GaussianDpEvent(1.1)), 1000))
    assert privacy.dp_epsilon(1.1, 0.01, 1000, 1e-5) == pytest.approx(acc.get_epsilon(1e-5))
    eps = [privacy.dp_epsilon(nu, 0.01, 1000) for nu in (0.8, 1.0, 2.0, 4.0)]
    assert all(a > b for a, b in zip(eps, eps[1:])), eps
    assert privacy.dp_epsilon(0.0, 0.01, 10) == math.inf and privacy.dp_epsilon(1.0, 0.01, 0) == 0.0
    # Abadi et al. (2016): q = 0.01, sigma = 4, 10,000 steps gives epsilon about 1.26 at delta 1e-5 (moments accountant)
    assert 0.8 < privacy.dp_epsilon(4.0, 0.01, 10_000, 1e-5) < 1.5


@pytest.mark.parametrize("kwargs, match", [(dict(noise_multiplier=-1.0, sample_rate=0.1, steps=10), "noise_multiplier"),
                                           (dict(noise_multiplier=1.0, sample_rate=0.0, steps=10), "sample_rate"),
                                           (dict(noise_multiplier=1.0, sample_rate=0.1, steps=-1), "steps")])
def test_dp_epsilon_refuses_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        privacy.dp_epsilon(**kwargs)


@pytest.fixture(scope="module")
def digits():
    data = gu.load_mnist("embedded", verbose=False)
    return gu.to_float(data.x_train[:64]), gu.to_float(data.x_test[:64])


def test_small_gan_trains_with_and_without_dp_and_reports_epsilon(digits):
    members, nonmembers = digits
    plain = privacy.train_small_gan(members, 3, hidden=16, batch_size=16)
    private = privacy.train_small_gan(members, 3, hidden=16, batch_size=16, clip_norm=1.0, noise_multiplier=1.0)
    assert plain.epsilon == math.inf and not plain.private
    assert private.private and private.epsilon == pytest.approx(privacy.dp_epsilon(1.0, 16 / 64, 3))
    assert private.sample(5).shape == (5, 28, 28, 1)
    more = privacy.train_small_gan(members, 2, hidden=16, batch_size=16, clip_norm=1.0, noise_multiplier=1.0, run=private)
    assert more.steps == 5 and len(more.d_loss) == 5
    aucs = privacy.membership_aucs(plain, members, nonmembers, n_samples=50)
    assert set(aucs) == {"white_box", "black_box"} and all(0 <= v <= 1 for v in aucs.values())


def test_small_gan_uses_the_learners_privatise(digits):
    members, _ = digits
    calls = []

    def mine(per_example, clip_norm, noise_multiplier, noise):
        calls.append(per_example.shape)
        return privacy.privatise(per_example, clip_norm, noise_multiplier, noise)

    privacy.train_small_gan(members, 1, hidden=16, batch_size=8, clip_norm=1.0, noise_multiplier=1.0, privatise_fn=mine)
    assert calls and calls[0][0] == 8  # one row per digit of the batch


def test_small_gan_refuses_noise_without_clipping_and_a_changed_run(digits):
    members, _ = digits
    with pytest.raises(ValueError, match="clip_norm"):
        privacy.train_small_gan(members, 1, noise_multiplier=1.0)
    run = privacy.train_small_gan(members, 1, hidden=16, batch_size=8)
    with pytest.raises(ValueError, match="same images"):
        privacy.train_small_gan(members, 1, hidden=16, batch_size=16, run=run)


def test_results_reader_says_how_to_make_a_missing_or_malformed_file(tmp_path, capsys):
    assert gu.at_work.load_results("membership", tmp_path / "none.json") is None
    assert "bench_membership.py" in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"curve": {}}))
    assert gu.at_work.load_results("membership", bad) is None
    out = capsys.readouterr().out
    assert "small_membership_curve" in out
    with pytest.raises(ValueError, match="name"):
        gu.at_work.load_results("nothing")


def test_committed_results_read_and_tabulate():
    augmentation = gu.at_work.load_results("augmentation")
    assert augmentation is not None
    table = gu.at_work.augmentation_table(augmentation)
    assert list(table.index) == [10, 50, 450]
    assert "CAS" in gu.at_work.cas_table(augmentation).columns


def test_small_membership_curve_has_the_committed_files_shape():
    data = gu.load_mnist("embedded", verbose=False)
    curve = gu.at_work.small_membership_curve(data, sizes=(64,), milestones=(1, 2))
    assert list(curve) == ["64"] and list(curve["64"]) == ["1", "2"]
    row = curve["64"]["2"]
    assert {"white_box", "black_box", "mnist_score"} <= set(row) and 0 <= row["white_box"] <= 1
    import matplotlib
    matplotlib.use("Agg")
    ax = gu.at_work.plot_membership_curve(curve, attack="black_box", live=curve)
    assert ax.get_ylabel() == "attack AUC"
    with pytest.raises(ValueError, match="attack"):
        gu.at_work.plot_membership_curve(curve, attack="grey_box")
