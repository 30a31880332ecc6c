"""Notebook 07's sampling-steps benchmark and its loader; train_ring on the learner's pairing loss."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils.engine.paths import REPO_ROOT


def test_the_benchmark_fast_mode_writes_a_file_the_loader_reads_and_tabulates(tmp_path):
    out = tmp_path / "sampling_steps.json"
    run = subprocess.run([sys.executable, "benchmarks/bench_sampling_steps.py", "--fast", "--out", str(out)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    results = gu.after_gan.load_sampling_steps(out)
    labels = [row["label"] for row in results["rows"]]
    assert labels == ["GAN (course recipe)", "DDIM 2", "DDIM 5", "DDPM 20"]
    assert [row["evaluations_per_sample"] for row in results["rows"]] == [1, 2, 5, 20]
    assert results["rows"][0]["time_vs_gan"] == pytest.approx(1.0)
    table = gu.after_gan.sampling_steps_table(results)
    assert list(table.index) == labels and "ms per 1,000 samples" in table.columns and "time ÷ GAN's" in table.columns


@pytest.mark.parametrize("content, reason", [
    (None, "does not exist"),
    ("{not json", "not readable JSON"),
    (json.dumps({"rows": []}), "non-empty 'rows'"),
    (json.dumps({"rows": [{"label": "DDIM 5", "mnist_score": 6.0}]}), "row 0 needs"),
])
def test_a_missing_or_malformed_file_prints_why_and_what_to_run(tmp_path, capsys, content, reason):
    path = tmp_path / "sampling_steps.json"
    if content is not None:
        path.write_text(content)
    assert gu.after_gan.load_sampling_steps(path) is None
    said = capsys.readouterr().out
    assert reason in said and "bench_sampling_steps.py" in said


def test_the_committed_file_is_valid_when_present():
    path = REPO_ROOT / "data" / "results" / "sampling_steps.json"
    if not path.exists():
        pytest.skip("data/results/sampling_steps.json is not committed yet")
    results = gu.after_gan.validate_sampling_steps(json.loads(path.read_text()))
    evaluations = [row["evaluations_per_sample"] for row in results["rows"]]
    assert evaluations[0] == 1 and evaluations == sorted(evaluations)
    assert not results["fast"]


def test_train_ring_runs_on_the_pairing_loss_it_is_given():
    calls = []

    def pairing(real_scores, fake_scores):
        calls.append(1)  # traced once per use (D's loss and G's loss)
        real, fake = tf.reshape(real_scores, [-1]), tf.reshape(fake_scores, [-1])
        return tf.reduce_mean(tf.nn.softplus(-(real - fake)))

    run = gu.after_gan.train_ring(gu.after_gan.MODERN, seed=0, steps=4, every=4, n_samples=50, chunk=4,
                                  pairing_loss=pairing, keep_samples=True)
    assert calls and run["samples"].shape == (50, 2) and np.all(np.isfinite(run["samples"]))
    reference = gu.after_gan.train_ring(gu.after_gan.MODERN, seed=0, steps=4, every=4, n_samples=50, chunk=4)
    assert "samples" not in reference
    assert run["metrics"][-1]["modes_covered"] == reference["metrics"][-1]["modes_covered"]
    with pytest.raises(ValueError, match="pairing_loss must be a function"):
        gu.after_gan.train_ring(gu.after_gan.MODERN, steps=2, every=2, pairing_loss="relativistic")
