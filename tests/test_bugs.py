"""gan_utils.broken: each bug's symptom is reproduced, returned as data, and never raised."""
from __future__ import annotations

import numpy as np
import pytest

from gan_utils import bugs


def test_no_flatten_returns_the_rank_error():
    result = bugs.no_flatten(batch=4)
    assert result["output_shape"] == (4, 28, 28, 1)
    assert result["error"].startswith("ValueError") and "same rank" in result["error"]


def test_overwritten_data_shrinks_to_a_batch():
    left = bugs.overwritten_data(n_images=1000, batch_size=64, steps=4)
    assert left[0] == 1000 and left[1] <= 64 and left == sorted(left, reverse=True) and left[-1] < left[1]
    with pytest.raises(ValueError, match="batch_size"):
        bugs.overwritten_data(batch_size=0)


def test_seed_generator_step_changes_the_wrong_weights():
    r = bugs.seed_generator_step(batch=4)
    assert r["A_generator_changed"] is False and r["A_discriminator_changed"] is False
    assert "same rank" in r["B_error"]
    assert r["B_generator_changed"] is True and r["B_discriminator_changed"] is False
    assert r["B_samples"].shape == (4, 28, 28, 1)


def test_pixels_0_255_error_is_caught():
    r = bugs.pixels_0_255(n=8)
    assert r["real_range"][1] > 1 and "[-1, 1]" in r["trainer_error"]


@pytest.mark.parametrize("bug", [{}, {"swap_labels": True}, {"sigmoid_then_logits": True}, {"d_steps": 3}])
def test_train_mlp_gan_runs_each_variant(bug):
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    h = bugs.train_mlp_gan(images, steps=3, batch_size=16, hidden=16, **bug)
    assert len(h["d_loss"]) == 3 and h["samples"].shape == (16, 28, 28, 1)
    assert all(0 <= p <= 1 for p in h["d_real"] + h["d_fake"])
    if bug.get("sigmoid_then_logits"):
        assert min(h["d_real"]) >= 0.5 - 1e-6, "a sigmoid read as a logit never says below 0.5"


def test_train_mlp_gan_rejects_bad_images():
    with pytest.raises(ValueError, match="shape"):
        bugs.train_mlp_gan(np.zeros((4, 28, 28), np.float32), steps=1)


def test_frozen_without_recompile_shows_the_flag_holding_only_by_tracing():
    r = bugs.frozen_without_recompile(batch=4)
    assert r["d_step_fake_labels"] == 1.0 and r["d_step_real_labels"] == 0.0
    assert r["d_step_changed_D"] is True and r["trainable_weights_after_freeze"] == 0
    assert r["frozen_changed_G"] is False, "a call on D never trains G"
    assert r["article_sizes_changed_D"] is False, "a new input shape retraces: the flag is read again"
    assert r["same_size_changed_D"] is True, "the D step's trace is reused: the flag changes nothing"
    assert r["recompiled_changed_D"] is False


def test_watched_images_log_each_indexed_draw_and_hand_back_plain_arrays():
    log = []
    images = bugs.WatchedImages(bugs.coded_images(10), log)
    batch = images[np.array([0, 3, 3])]
    assert type(batch) is np.ndarray and batch.shape == (3, 28, 28, 1) and log == [10]
    images[2:5]
    (images / 2)[np.array([1])]  # arithmetic gives an unwatched array
    assert log == [10, 10]
    assert images.shape[0] == 10 and log == [10, 10], "reading the shape is not a draw"


def test_coded_images_are_distinct_flat_greys_in_0_1():
    images = bugs.coded_images(50)
    flat = images.reshape(50, -1)
    assert images.shape == (50, 28, 28, 1) and 0 <= images.min() and images.max() <= 1
    assert np.all(flat.max(axis=1) == flat.min(axis=1)) and len(np.unique(flat[:, 0])) == 50
