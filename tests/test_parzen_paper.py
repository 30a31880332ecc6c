"""benchmarks/parzen_paper.py: the 2014 paper's protocol, its refusal without full MNIST, and the manifest record."""
from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

import gan_utils as gu
from conftest import REPO, fake_mnist_arrays
from gan_utils import pretrained

spec = importlib.util.spec_from_file_location("parzen_paper", REPO / "benchmarks" / "parzen_paper.py")
parzen_paper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parzen_paper)


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A tiny generator exported into a temporary data/pretrained/."""
    images = np.random.default_rng(0).uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, batch_size=16, g_filters=16, d_filters=8)
    trainer.step(2)
    run = tmp_path / "run"
    trainer.save(run)
    folder = tmp_path / "pretrained"
    monkeypatch.setattr(pretrained, "pretrained_dir", lambda: folder)
    pretrained.export_pretrained(run, "tiny", {"mnist_score": 1.0})
    return folder


def test_refuses_without_full_mnist_and_says_what_to_do(capsys, isolated_data) -> None:
    assert parzen_paper.main(["--source", "embedded", "--out", str(isolated_data[0] / "p.json")]) == 2
    out = capsys.readouterr().out
    assert "needs full MNIST (60,000 + 10,000 digits)" in out and "--source PATH" in out


def test_protocol_runs_and_records_the_figure_in_the_manifest(tmp_path, shipped, monkeypatch) -> None:
    arrays = fake_mnist_arrays(n_train=300, n_test=80)
    np.savez(tmp_path / "mnist.npz", **arrays)
    monkeypatch.setattr(parzen_paper, "FULL_TRAIN", 300)
    monkeypatch.setattr(parzen_paper, "FULL_TEST", 80)
    monkeypatch.setattr(parzen_paper, "N_SAMPLES", 120)
    monkeypatch.setattr(parzen_paper, "N_VALIDATION", 40)
    out = tmp_path / "parzen.json"
    assert parzen_paper.main(["--source", str(tmp_path / "mnist.npz"), "--manifest", "--out", str(out)]) == 0
    record = json.loads(out.read_text())
    tiny, real = record["results"]["tiny"], record["results"]["real training digits"]
    assert tiny["n_samples"] == real["n_samples"] == 120
    assert tiny["n_test"] == 80 and tiny["n_validation"] == 40
    assert np.isclose(gu.parzen.WIDTHS, tiny["h"]).any()
    data = gu.load_mnist(tmp_path / "mnist.npz", verbose=False)
    samples = gu.pretrained.generate(gu.load_pretrained("tiny"), 120, seed=2014)
    expected = gu.parzen.parzen_log_likelihood(samples, data.x_test, data.x_train[-40:])
    assert tiny["mean_nats"] == pytest.approx(expected.mean)
    entry = gu.pretrained.pretrained_manifest()["tiny"]
    assert entry["mnist_score"] == 1.0, "recording a figure must keep what the manifest held"
    assert entry["parzen_paper_protocol"]["mean_nats"] == pytest.approx(tiny["mean_nats"])
    assert "last 40 training digits" in entry["parzen_paper_protocol"]["protocol"]


def test_record_in_manifest_names_a_missing_entry(shipped) -> None:
    with pytest.raises(ValueError, match="no manifest entry 'nope'"):
        pretrained.record_in_manifest("nope", {"x": 1})
