"""Generators rebuilt from runs and shipped pretrained weights sample what the trainer sampled."""
from __future__ import annotations

import json

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import pretrained


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("dcgan", images, batch_size=16, g_filters=16, d_filters=8, ema_decay=0.9)
    trainer.step(3)
    run = tmp_path_factory.mktemp("run")
    trainer.save(run)
    return trainer, run


def test_load_generator_matches_trainer_samples(saved_run):
    trainer, run = saved_run
    generator = pretrained.load_generator(run)
    z = np.random.default_rng(1).standard_normal((5, 100)).astype(np.float32)
    assert np.allclose(np.asarray(generator(z, training=False)), trainer.sample(z=z), atol=1e-6)


def test_export_and_load_pretrained(saved_run, tmp_path, monkeypatch):
    trainer, run = saved_run
    monkeypatch.setattr(pretrained, "pretrained_dir", lambda: tmp_path)
    path = pretrained.export_pretrained(run, "tiny", {"mnist_score": 1.5})
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["tiny"]["mnist_score"] == 1.5 and manifest["tiny"]["config"]["g_filters"] == 16
    assert pretrained.pretrained_names() == ["tiny"]
    generator = gu.load_pretrained("tiny")
    images = pretrained.generate(generator, 7, seed=3)
    z = np.random.default_rng(3).standard_normal((7, 100)).astype(np.float32)
    assert images.shape == (7, 28, 28, 1)
    assert np.allclose(images, trainer.sample(z=z), atol=2e-2)
    assert path.stat().st_size < 200_000


def test_pretrained_errors(saved_run, tmp_path, monkeypatch):
    _, run = saved_run
    monkeypatch.setattr(pretrained, "pretrained_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match="no pretrained generator 'nope'"):
        gu.load_pretrained("nope")
    pretrained.export_pretrained(run, "tiny", {})
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["tiny"]["config"]["g_filters"] = 32
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="does not match data/pretrained/manifest.json"):
        gu.load_pretrained("tiny")
    with pytest.raises(ValueError, match="n must be a positive integer"):
        pretrained.generate(pretrained.load_generator(run), 0)
    with pytest.raises(ValueError, match="conditional"):
        pretrained.generate(pretrained.load_generator(run), 2, labels=3)


def test_shipped_generators_fit_the_budget_and_the_embedded_ones_never_saw_the_test_digits():
    """All shipped generators together stay under 10 MB (issue 32); notebooks 05 and 06 rely on the *_embedded ones
    having been trained on the embedded 4,500 training digits only, so the 500 held-out digits are new to them."""
    from gan_utils.engine import pretrained as P

    directory = P.pretrained_dir()
    names = P.pretrained_names()
    assert {"dcgan", "cdcgan", "dcgan_50k", "dcgan_embedded", "cdcgan_embedded"} <= set(names), names
    total = sum((directory / f"{name}.npz").stat().st_size for name in names)
    assert total < 10e6, f"shipped generators take {total / 1e6:.1f} MB"
    manifest = P.pretrained_manifest()
    for name in ("dcgan_embedded", "cdcgan_embedded"):
        assert manifest[name]["data_source"] == "embedded", manifest[name]["data_source"]
        assert manifest[name]["data"].startswith("MNIST: 4,500 train + 500 test"), manifest[name]["data"]
    # dcgan_50k trained as the 2014 paper's model did, on digits 0-49,999 only: h is chosen on 50,000-50,999
    said = manifest["dcgan_50k"]["data"]
    assert said.startswith("MNIST: 50,000 train") and "training digits 0-49,999 of full MNIST's 60,000" in said, said
    assert manifest["dcgan_50k"]["config"]["model"] == "dcgan" and manifest["dcgan_50k"]["steps"] == 48_000


def test_names_list_generators_unless_another_kind_is_asked_for(saved_run, tmp_path, monkeypatch):
    """A VAE or a diffusion model shipped beside the generators is no generator: pretrained_names() leaves it out."""
    _, run = saved_run
    monkeypatch.setattr(pretrained, "pretrained_dir", lambda: tmp_path)
    pretrained.export_pretrained(run, "tiny", {})
    (tmp_path / "unlisted.npz").write_bytes(b"")  # no manifest entry: a generator, as before kinds existed
    for name, kind in (("my_vae", "vae"), ("my_ddpm", "diffusion"), ("old_gan", "generator")):
        (tmp_path / f"{name}.npz").write_bytes(b"")
        pretrained.write_manifest_entry(name, {"kind": kind, "weights": f"{name}.npz"})
    assert pretrained.pretrained_names() == ["old_gan", "tiny", "unlisted"]
    assert pretrained.pretrained_names("vae") == ["my_vae"] and pretrained.pretrained_names("diffusion") == ["my_ddpm"]
    assert pretrained.pretrained_names(None) == ["my_ddpm", "my_vae", "old_gan", "tiny", "unlisted"]
    assert pretrained.pretrained_names("vae", directory=tmp_path) == ["my_vae"]
    assert json.loads((tmp_path / "manifest.json").read_text())["tiny"]["weights"] == "tiny.npz", "entries kept"
    with pytest.raises(ValueError, match="kind must be one of"):
        pretrained.pretrained_names("gan")
    with pytest.raises(ValueError, match="is a shipped vae model: load it with gu.vae.load_vae"):
        gu.load_pretrained("my_vae")
    with pytest.raises(ValueError, match="gu.diffusion.load_diffusion\\('my_ddpm'\\)"):
        gu.load_pretrained("my_ddpm")


def test_every_shipped_file_has_a_manifest_entry_of_a_known_kind_and_all_stay_under_15_mb():
    """Issue 33: all shipped weights together (generators, the VAE, the diffusion model) stay under 15 MB."""
    from gan_utils.engine import pretrained as P

    directory = P.pretrained_dir()
    manifest = P.pretrained_manifest()
    files = sorted(directory.glob("*.npz"))
    for path in files:
        entry = manifest.get(path.stem)
        assert entry is not None, f"{path.name} has no entry in manifest.json"
        assert entry.get("kind", "generator") in P.KINDS and entry["weights"] == path.name, entry
        assert entry["bytes"] == path.stat().st_size, f"{path.name}: the manifest's size is stale"
    assert "vae_embedded" in P.pretrained_names("vae") and "vae_embedded" not in P.pretrained_names()
    assert set(P.pretrained_names()).isdisjoint(P.pretrained_names("diffusion"))
    total = sum(path.stat().st_size for path in directory.iterdir() if path.is_file())
    assert total < 15e6, f"data/pretrained holds {total / 1e6:.1f} MB"
