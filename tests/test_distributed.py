"""GANTrainer under tf.distribute.MirroredStrategy over two logical CPUs gives one device's step (issue #17).

Logical devices must be configured before TensorFlow starts, so each check runs in a subprocess.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent('''
    import json, os, sys, tempfile
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import tensorflow as tf
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2)
    import numpy as np
    import gan_utils as gu

    settings = json.loads(sys.argv[1])
    model = settings.pop("model", "dcgan")
    images = np.random.default_rng(0).uniform(-1, 1, (128, 28, 28, 1)).astype(np.float32)
    labels = np.arange(128) % 10 if model == "cdcgan" else None

    def build(strategy):
        return gu.GANTrainer(model, images, labels, strategy=strategy, batch_size=16, seed=3,
                             g_filters=16, d_filters=8, **settings)

    def weights(trainer):
        models = [trainer.generator, trainer.discriminator] + ([trainer.ema_generator] if trainer.ema_generator else [])
        return [v.numpy() for m in models for v in m.variables]

    def diff(a, b):
        return max(float(np.max(np.abs(x - y))) for x, y in zip(a, b))

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    one, split = build(None), build(strategy)
    before = diff(weights(one), weights(split))
    rows = [(one.step(1, mode), split.step(1, mode)) for mode in ("both", "d", "g", "both")]
    loss_diff = max(abs(a[k] - b[k]) for a, b in rows for k in ("d_loss", "g_loss", "d_real", "d_fake"))
    out = {"replicas": strategy.num_replicas_in_sync, "before": before, "loss_diff": loss_diff,
           "weight_diff": diff(weights(one), weights(split)),
           "moved": diff(weights(one), weights(build(None)))}
    folder = tempfile.mkdtemp()
    split.save(folder)
    restored = gu.GANTrainer.restore(folder, images, labels)
    out["restored_diff"] = diff(weights(restored), weights(split))
    out["restored_has_strategy"] = restored.strategy is not None
    a, b = restored.step(1), one.step(1)
    out["after_restore_loss_diff"] = max(abs(a[k] - b[k]) for k in ("d_loss", "g_loss"))
    print("RESULT " + json.dumps(out))
''')

CASES = {
    "non-saturating, BCE": {},
    "hinge, shared pass, EMA, spectral norm": {"loss": "hinge", "simultaneous": True, "ema_decay": 0.99,
                                               "spectral_norm": True},
    "WGAN-GP, k = 2": {"loss": "wgan_gp", "d_steps": 2, "beta_1": 0.0},
    "augmentation and R1": {"augment": "translation,cutout", "r1_weight": 1.0},
    "conditional": {"model": "cdcgan", "loss": "hinge"},
}


def _run(settings: dict) -> dict:
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(settings)], capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")]
    assert line, done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(line[0][len("RESULT "):])


@pytest.mark.parametrize("case", list(CASES))
def test_two_replicas_take_the_same_step_as_one_device(case: str) -> None:
    result = _run(dict(CASES[case]))
    assert result["replicas"] == 2
    assert result["before"] == 0.0, "both trainers must start from the same weights"
    assert result["moved"] > 1e-4, "the steps must change the weights, or the comparison proves nothing"
    # float32 sums in a different order: agreement to ~1e-6 relative, far below one step's change
    assert result["loss_diff"] < 1e-4
    assert result["weight_diff"] < 1e-4
    assert result["restored_diff"] == 0.0, "a checkpoint saved under the strategy restores without it"
    assert not result["restored_has_strategy"]
    assert result["after_restore_loss_diff"] < 1e-4


def test_batch_must_split_over_replicas_and_cli_names_the_devices() -> None:
    import tensorflow as tf

    import gan_utils as gu

    class FakeStrategy(tf.distribute.Strategy):
        def __init__(self):  # noqa: D107 (only num_replicas_in_sync is read)
            pass

        num_replicas_in_sync = 3

    with pytest.raises(ValueError, match=r"batch_size=64 must split evenly over the strategy's 3 replicas"):
        gu.replicas.check_strategy(FakeStrategy(), 64)
    with pytest.raises(ValueError, match="strategy must be None or a tf.distribute.Strategy"):
        gu.replicas.check_strategy("mirrored", 64)
    if not tf.config.list_logical_devices("GPU"):
        done = subprocess.run([sys.executable, "-m", "gan_utils", "train", "--model", "dcgan", "--steps", "1",
                               "--devices", "2", "--source", "embedded", "--out", "/tmp/never-written"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 2
        assert "devices=2 but TensorFlow sees 0 GPU" not in done.stderr
        assert "devices=2 but TensorFlow sees" in done.stderr and "--devices 1" in done.stderr
