"""gu.vae: the reparameterisation trick, the ELBO's two terms, shapes, training and input checks (notebook 05)."""
from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils import vae


def test_reparameterisation_has_the_right_mean_and_variance() -> None:
    mean = np.array([[1.0, -2.0, 0.0]], np.float32).repeat(200_000, axis=0)
    log_var = np.log(np.array([[4.0, 0.25, 1.0]], np.float32)).repeat(200_000, axis=0)
    xi = np.random.default_rng(0).standard_normal(mean.shape).astype(np.float32)
    z = np.asarray(vae.reparameterise(mean, log_var, xi))
    assert np.allclose(z.mean(0), [1.0, -2.0, 0.0], atol=0.02)
    assert np.allclose(z.var(0), [4.0, 0.25, 1.0], rtol=0.02)


def test_reparameterisation_passes_gradients_to_mean_and_log_var() -> None:
    mean, log_var = tf.Variable([[0.5, -1.0]]), tf.Variable([[0.0, np.log(9.0)]])
    xi = tf.constant([[2.0, -1.0]])
    with tf.GradientTape() as tape:
        z = vae.reparameterise(mean, log_var, xi)
        total = tf.reduce_sum(z)
    d_mean, d_log_var = tape.gradient(total, [mean, log_var])
    assert np.allclose(d_mean, [[1.0, 1.0]])
    # dz/dlog_var = xi * exp(log_var / 2) / 2: 2 * 1 / 2 and -1 * 3 / 2
    assert np.allclose(d_log_var, [[1.0, -1.5]], atol=1e-6)


def test_kl_is_zero_at_the_prior_and_matches_the_closed_form() -> None:
    assert np.allclose(vae.kl_to_prior(np.zeros((2, 5)), np.zeros((2, 5))), 0.0)
    # one dimension with mean 3 and variance 1: KL = 3^2 / 2 = 4.5
    assert float(vae.kl_to_prior([[3.0]], [[0.0]])[0]) == pytest.approx(4.5)
    # variance 4, mean 0: (4 - 1 - log 4) / 2; dimensions add up
    one = 0.5 * (4.0 - 1.0 - np.log(4.0))
    assert float(vae.kl_to_prior([[0.0, 0.0]], [[np.log(4.0)] * 2])[0]) == pytest.approx(2 * one, rel=1e-6)


def test_kl_matches_a_monte_carlo_estimate() -> None:
    mu, var = 0.7, 0.3
    x = np.random.default_rng(1).normal(mu, np.sqrt(var), 400_000)
    log_q = -0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var)
    log_p = -0.5 * np.log(2 * np.pi) - x ** 2 / 2
    exact = float(vae.kl_to_prior([[mu]], [[np.log(var)]])[0])
    assert exact == pytest.approx(np.mean(log_q - log_p), abs=0.01)


def test_reconstruction_term_on_known_cases() -> None:
    half = np.full((2, 28, 28, 1), 0.5, np.float32)
    assert np.allclose(vae.reconstruction_nats(half, half), 784 * np.log(2.0), rtol=1e-5)
    binary = (np.random.default_rng(2).random((3, 28, 28, 1)) > 0.5).astype(np.float32)
    assert np.all(np.asarray(vae.reconstruction_nats(binary, binary)) < 784 * 2e-7)
    x_hat = np.full((1, 28, 28, 1), 0.9, np.float32)
    ones = np.ones((1, 28, 28, 1), np.float32)
    assert float(vae.reconstruction_nats(ones, x_hat)[0]) == pytest.approx(-784 * np.log(0.9), rel=1e-5)


def test_negative_elbo_is_reconstruction_plus_kl() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((4, 28, 28, 1)).astype(np.float32)
    x_hat = rng.uniform(0.05, 0.95, (4, 28, 28, 1)).astype(np.float32)
    mean, log_var = rng.normal(size=(4, 6)).astype(np.float32), rng.normal(size=(4, 6)).astype(np.float32)
    expected = vae.reconstruction_nats(x, x_hat) + vae.kl_to_prior(mean, log_var)
    assert np.allclose(vae.negative_elbo(x, x_hat, mean, log_var), expected)


def test_shapes_and_scales() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    model = vae.VAE(data.x_train[:128], latent_dim=8, batch_size=32, seed=0)
    mean, log_var = model.encode(data.x_train[:5])
    assert mean.shape == log_var.shape == (5, 8)
    samples = model.sample(7, seed=1)
    assert samples.shape == (7, 28, 28, 1) and samples.dtype == np.float32
    assert samples.min() >= -1.0 and samples.max() <= 1.0
    assert model.reconstruct(gu.to_float(data.x_train[:3])).shape == (3, 28, 28, 1)
    assert np.allclose(vae.unit_images(gu.to_float(data.x_train[:2])), vae.unit_images(data.x_train[:2]), atol=1e-6)
    assert np.array_equal(model.sample(3, seed=4), model.sample(3, seed=4))


def test_a_few_training_steps_lower_the_loss_and_raise_the_elbo() -> None:
    data = gu.load_mnist("embedded", verbose=False)
    model = vae.VAE(data.x_train[:512], latent_dim=8, batch_size=64, seed=0)
    before = model.elbo(data.x_test[:200])
    model.fit(60)
    loss = model.history["loss"]
    assert len(loss) == model.step_count == 60 and model.train_time > 0
    assert np.mean(loss[-10:]) < 0.8 * np.mean(loss[:3])
    assert model.elbo(data.x_test[:200]) > before
    assert set(model.history) == {"loss", "reconstruction", "kl"}


def test_bad_inputs_raise_clear_errors() -> None:
    digits = gu.load_mnist("embedded", verbose=False).x_train[:16]
    with pytest.raises(ValueError, match="latent_dim must be an integer"):
        vae.build_encoder(0)
    with pytest.raises(ValueError, match="expected \\(N, 28, 28\\)"):
        vae.unit_images(np.zeros((4, 32, 32), np.uint8))
    with pytest.raises(ValueError, match="expected \\[-1, 1\\]"):
        vae.unit_images(np.full((2, 28, 28), 3.0, np.float32))
    with pytest.raises(ValueError, match="dtype int64"):
        vae.unit_images(np.zeros((2, 28, 28), np.int64))
    with pytest.raises(ValueError, match="larger than the 16 training images"):
        vae.VAE(digits, batch_size=64)
    with pytest.raises(ValueError, match="lr must be"):
        vae.VAE(digits, batch_size=8, lr=0.0)
    with pytest.raises(ValueError, match="they must match"):
        vae.reparameterise(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="xi has shape"):
        vae.reparameterise(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((1, 3)))
    model = vae.VAE(digits, latent_dim=4, batch_size=8)
    with pytest.raises(ValueError, match="steps must be an integer"):
        model.fit(0)
    with pytest.raises(ValueError, match="z must have shape"):
        model.decode(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="n must be an integer"):
        model.sample(0)


# -- saved, loaded and shipped (notebook 07 loads vae_embedded instead of training one) ---------------

@pytest.fixture(scope="module")
def small_vae():
    digits = gu.load_mnist("embedded", verbose=False).x_train[:256]
    return digits, vae.VAE(digits, latent_dim=4, batch_size=32, seed=1).fit(3)


def test_save_and_load_round_trip_gives_identical_samples(small_vae, tmp_path) -> None:
    digits, model = small_vae
    path = model.save(tmp_path / "v.npz")
    loaded = vae.VAE.load(path)
    for a, b in zip(loaded.encoder.weights + loaded.decoder.weights, model.encoder.weights + model.decoder.weights):
        assert np.array_equal(np.asarray(a), np.asarray(b).astype(np.float16).astype(np.float32))  # float16 on disk
    again = vae.VAE.load(loaded.save(tmp_path / "w.npz"))
    assert np.array_equal(loaded.sample(6, seed=2), again.sample(6, seed=2))
    assert np.array_equal(vae.VAE.load(path).sample(6, seed=2), loaded.sample(6, seed=2))
    assert np.allclose(loaded.sample(6, seed=2), model.sample(6, seed=2), atol=0.05)
    assert (loaded.latent_dim, loaded.step_count, loaded.batch_size, loaded.seed, loaded.lr) == (4, 3, 32, 1, 1e-3)
    assert loaded.train_time == round(model.train_time, 1)
    with pytest.raises(ValueError, match="no training images"):
        loaded.fit(1)
    resumed = vae.VAE.load(path, digits, batch_size=16)
    assert resumed.fit(2).step_count == 5 and resumed.batch_size == 16
    assert not list(tmp_path.glob(".*.tmp")), "the atomic write left a temporary file"
    assert path.stat().st_mode & 0o444 == 0o444, "a saved model is readable by all, as a shipped one must be"


def test_a_missing_corrupt_truncated_or_foreign_file_is_refused(small_vae, tmp_path) -> None:
    _, model = small_vae
    with pytest.raises(FileNotFoundError, match="no saved VAE"):
        vae.VAE.load(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="must name an .npz file"):
        model.save(tmp_path / "v.h5")
    good = model.save(tmp_path / "v.npz").read_bytes()
    bad = tmp_path / "bad.npz"
    flipped = bytearray(good)
    flipped[len(good) // 2:len(good) // 2 + 64] = bytes(64)
    for content in (good[: len(good) // 2], good[:100], b"not an npz at all", bytes(flipped)):
        bad.write_bytes(content)
        with pytest.raises(ValueError, match="not a readable VAE file"):
            vae.VAE.load(bad)
    np.savez(bad, meta=np.array(json.dumps({"format": "gan_utils.DiffusionModel/1"})))
    with pytest.raises(ValueError, match="is not a gan_utils.VAE/1 file"):
        vae.VAE.load(bad)
    np.savez(bad, weights=np.zeros(3))
    with pytest.raises(ValueError, match="not a readable VAE file"):
        vae.VAE.load(bad)
    arrays = dict(np.load(tmp_path / "v.npz"))
    meta = json.loads(str(arrays.pop("meta")))
    np.savez(bad, meta=np.array(json.dumps({**meta, "config": {**meta["config"], "latent_dim": 8}})), **arrays)
    with pytest.raises(ValueError, match="encoder weights do not fit"):
        vae.VAE.load(bad)
    np.savez(bad, meta=np.array(json.dumps({k: v for k, v in meta.items() if k != "step"})), **arrays)
    with pytest.raises(ValueError, match="metadata lacks or garbles"):
        vae.VAE.load(bad)


def test_export_records_kind_vae_beside_the_other_entries_and_load_vae_reads_it(small_vae, tmp_path) -> None:
    _, model = small_vae
    (tmp_path / "manifest.json").write_text(json.dumps({"gan": {"weights": "gan.npz", "steps": 9}}))
    path = model.export("tiny_vae", {"mnist_score": 1.5}, directory=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["gan"] == {"weights": "gan.npz", "steps": 9}, "another model's entry was lost"
    entry = manifest["tiny_vae"]
    assert entry["kind"] == "vae" and entry["weights"] == "tiny_vae.npz" and entry["bytes"] == path.stat().st_size
    assert entry["steps"] == 3 and entry["train_seconds"] == round(model.train_time, 1) and entry["mnist_score"] == 1.5
    assert entry["config"] == {"model": "vae", "latent_dim": 4, "image_shape": [28, 28, 1]}
    shipped = vae.load_vae("tiny_vae", tmp_path)
    assert np.array_equal(shipped.sample(4, seed=5), vae.VAE.load(path).sample(4, seed=5))
    with pytest.raises(ValueError, match="no shipped VAE 'gan'"):
        vae.load_vae("gan", tmp_path)
    with pytest.raises(ValueError, match="name must use letters"):
        model.export("no way", directory=tmp_path)
    manifest["tiny_vae"]["config"]["latent_dim"] = 5
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="does not match its manifest entry"):
        vae.load_vae("tiny_vae", tmp_path)


def test_the_shipped_vae_saw_the_embedded_digits_for_as_many_steps_as_dcgan_embedded() -> None:
    manifest = gu.pretrained.pretrained_manifest()
    entry = manifest["vae_embedded"]
    assert entry["kind"] == "vae" and entry["data_source"] == "embedded"
    assert entry["steps"] == manifest["dcgan_embedded"]["steps"]
    assert entry["batch_size"] == gu.recipes.recipe("dcgan")["batch_size"]
    assert entry["data"].startswith("MNIST: 4,500 train + 500 test"), entry["data"]
    model = gu.vae.load_vae()
    assert model.step_count == entry["steps"] and model.config() == entry["config"]
    samples = model.sample(200, seed=0)
    assert samples.shape == (200, 28, 28, 1) and -1.0 <= samples.min() and samples.max() <= 1.0
    assert samples.std() > 0.3, "the shipped VAE draws near-constant images"
