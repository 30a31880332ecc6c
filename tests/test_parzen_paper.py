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
    monkeypatch.setattr(parzen_paper, "TRAIN_DIGITS", 200)
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
    # the paper's split: h chosen on the digits right after the training ones (here 200-239), not the last ones
    expected = gu.parzen.parzen_log_likelihood(samples, data.x_test, data.x_train[200:240])
    assert tiny["mean_nats"] == pytest.approx(expected.mean) and tiny["h"] == expected.h
    assert tiny["validation_means"] == pytest.approx(list(expected.validation_means))
    last = gu.parzen.parzen_log_likelihood(samples, data.x_test, data.x_train[-40:])
    assert not np.allclose(last.validation_means, tiny["validation_means"]), "h must not be chosen on the last digits"
    # the reference set: real digits from the training part only (0-199), none of the validation digits
    rng = np.random.default_rng(2014)
    reference = data.x_train[:200][rng.choice(200, 120, replace=False)]
    assert real["mean_nats"] == pytest.approx(
        gu.parzen.parzen_log_likelihood(reference, data.x_test, data.x_train[200:240]).mean)
    assert tiny["trained_on"] == entry_data(shipped)
    entry = gu.pretrained.pretrained_manifest()["tiny"]
    assert entry["mnist_score"] == 1.0, "recording a figure must keep what the manifest held"
    assert entry["parzen_paper_protocol"]["mean_nats"] == pytest.approx(tiny["mean_nats"])
    assert "chosen on training digits 200-239" in entry["parzen_paper_protocol"]["protocol"]
    assert "real training digits from 0-199" in record["protocol"]


def entry_data(folder) -> str | None:
    """The "data" line of the tiny generator's manifest entry."""
    return json.loads((folder / "manifest.json").read_text())["tiny"].get("data")


def test_diffusion_models_are_skipped(shipped, capsys) -> None:
    assert parzen_paper.generator_names() == ["tiny"]
    pretrained.record_in_manifest("tiny", {"kind": "diffusion"})
    assert parzen_paper.generator_names() == [] and parzen_paper.generator_names(["tiny"]) == []
    assert "skipping tiny: a diffusion model" in capsys.readouterr().out


def test_the_paper_split_and_its_refusals() -> None:
    x = np.arange(60_000)
    train, validation = gu.parzen.paper_split(x)
    assert (train[0], train[-1], len(train)) == (0, 49_999, 50_000)
    assert (validation[0], validation[-1], len(validation)) == (50_000, 50_999, 1_000)
    with pytest.raises(ValueError, match="x_train holds 4,500 digits; the split needs at least"):
        gu.parzen.paper_split(np.zeros((4500, 28, 28)))
    with pytest.raises(ValueError, match="n_validation must be a positive integer"):
        gu.parzen.paper_split(x, 100, 0)


def test_record_in_manifest_names_a_missing_entry(shipped) -> None:
    with pytest.raises(ValueError, match="no manifest entry 'nope'"):
        pretrained.record_in_manifest("nope", {"x": 1})
