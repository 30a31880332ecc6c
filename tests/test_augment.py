"""gu.augment (DiffAugment translation and cutout) and GANTrainer's opt-in augment= and r1_weight= options."""
from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import gan_utils as gu
from gan_utils import augment as A
from gan_utils.engine.training import GANTrainer

N = 128
DCGAN = {"g_filters": 8, "d_filters": 4}
FAST = {"loss": "hinge", "lr_g": 8e-4, "lr_d": 8e-4, "beta_1": 0.0, "batch_size": 16, "simultaneous": True,
        "ema_decay": 0.99}


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (N, 28, 28, 1)).astype(np.float32)


def _dot(batch: int = 6) -> np.ndarray:
    """Background images, each with one bright pixel in the middle."""
    x = np.full((batch, 28, 28, 1), -1.0, np.float32)
    x[:, 14, 14, 0] = 1.0
    return x


@pytest.mark.parametrize("policy", ["translation", "cutout", "translation,cutout", "translation:2,cutout:10"])
def test_augment_keeps_shape_dtype_and_range(policy):
    x = tf.constant(np.random.default_rng(1).uniform(-1, 1, (5, 28, 28, 1)).astype(np.float32))
    out = A.augment(x, policy, tf.random.Generator.from_seed(0)).numpy()
    assert out.shape == (5, 28, 28, 1) and out.dtype == np.float32
    assert out.min() >= -1.0 and out.max() <= 1.0


def test_translation_moves_each_image_by_at_most_shift_and_pads_with_background():
    out = A.translation(tf.constant(_dot(50)), tf.random.Generator.from_seed(0), shift=2).numpy()[..., 0]
    for image in out:
        rows, cols = np.nonzero(image > 0)
        assert len(rows) == 1 and abs(rows[0] - 14) <= 2 and abs(cols[0] - 14) <= 2
        assert np.all(image[image <= 0] == -1.0)
    assert len({(int(r), int(c)) for r, c in (np.argwhere(i > 0)[0] for i in out)}) > 5  # offsets differ per image


def test_cutout_blanks_one_square_to_background():
    x = np.ones((20, 28, 28, 1), np.float32)
    out = A.cutout(tf.constant(x), tf.random.Generator.from_seed(0), size=10).numpy()[..., 0]
    for image in out:
        blank = np.argwhere(image == -1.0)
        assert 0 < len(blank) <= 100
        (r0, c0), (r1, c1) = blank.min(0), blank.max(0)
        assert len(blank) == (r1 - r0 + 1) * (c1 - c0 + 1)  # one axis-aligned rectangle (a clipped square)
    assert np.all(np.isin(out, [-1.0, 1.0]))


def test_augment_passes_gradients_to_generated_images():
    x = tf.Variable(tf.zeros((4, 28, 28, 1)))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(A.augment(x, "translation,cutout", tf.random.Generator.from_seed(0)))
    grad = tape.gradient(y, x)
    assert grad is not None and float(tf.reduce_sum(grad)) > 0


@pytest.mark.parametrize("policy", ["", "flip", "translation:0", "translation:x", 3])
def test_bad_policies_are_refused(policy, images):
    with pytest.raises(ValueError):
        A.parse_policy(policy)
    with pytest.raises(ValueError):
        GANTrainer("dcgan", images, augment=policy, **DCGAN)


def test_bad_r1_weight_is_refused(images):
    with pytest.raises(ValueError, match="r1_weight"):
        GANTrainer("dcgan", images, r1_weight=-1.0, **DCGAN)


@pytest.mark.parametrize("kwargs", [{}, FAST])
def test_default_off_leaves_the_trainer_identical(images, kwargs):
    plain = GANTrainer("dcgan", images, **kwargs, **DCGAN)
    off = GANTrainer("dcgan", images, augment=None, r1_weight=0.0, **kwargs, **DCGAN)
    assert plain.augment is None and plain.r1_weight == 0.0
    rows_plain, rows_off = plain.step(4), off.step(4)
    assert rows_plain == {**rows_off, "time": rows_plain["time"]}
    a, b = plain.state()[0], off.state()[0]
    assert all(np.array_equal(a[k], b[k]) for k in a)
    on = GANTrainer("dcgan", images, augment="translation,cutout", **kwargs, **DCGAN)
    on.step(4)
    c = on.state()[0]
    assert not all(np.array_equal(a[k], c[k]) for k in a if k.startswith("discriminator/"))


@pytest.mark.parametrize("extra", [{"augment": "translation,cutout"}, {"augment": "translation:2", "r1_weight": 1.0}])
def test_a_checkpoint_records_the_options_and_resumes_exactly(images, tmp_path, extra):
    trainer_a = GANTrainer("dcgan", images, **FAST, **extra, **DCGAN)
    trainer_a.step(3)
    trainer_a.save(tmp_path / "ckpt")
    _, meta = gu.checkpoints.read_checkpoint(tmp_path / "ckpt")
    assert meta["settings"]["augment"] == extra["augment"]
    assert meta["settings"]["r1_weight"] == extra.get("r1_weight", 0.0)
    rows_a = [trainer_a.step() for _ in range(2)]
    for trainer_b in (GANTrainer.restore(tmp_path / "ckpt", images),
                      GANTrainer("dcgan", images, **FAST, **DCGAN).load(tmp_path / "ckpt")):
        assert trainer_b.settings() == trainer_a.settings()
        rows_b = [trainer_b.step() for _ in range(2)]
        assert [{**r, "time": 0} for r in rows_a] == [{**r, "time": 0} for r in rows_b]
        a, b = trainer_a.state()[0], trainer_b.state()[0]
        assert all(np.array_equal(a[k], b[k]) for k in a)


def test_r1_penalty_changes_the_discriminator_update(images):
    plain = GANTrainer("dcgan", images, **FAST, **DCGAN)
    r1 = GANTrainer("dcgan", images, **FAST, r1_weight=10.0, **DCGAN)
    row_plain, row_r1 = plain.step(), r1.step()
    assert row_r1["d_loss"] > row_plain["d_loss"]  # same weights and batch: the penalty is added
    assert row_r1["g_loss"] == row_plain["g_loss"]
