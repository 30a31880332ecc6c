"""GANTrainer: stepping, steering without retracing, divergence, fit, samples and exact checkpoints."""
from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import gan_utils as gu
from gan_utils import models as M
from gan_utils import checkpoints as C
from gan_utils import training as T
from gan_utils.engine.training import GANTrainer, TrainingDiverged

N = 256
MLP = {"hidden": 16}
DCGAN = {"g_filters": 8, "d_filters": 4}


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (N, 28, 28, 1)).astype(np.float32)


@pytest.fixture(scope="module")
def labels():
    return np.random.default_rng(1).integers(0, 10, N)


def _mlp(images, **kwargs):
    return GANTrainer("mlp", images, batch_size=16, **MLP, **kwargs)


def _arrays(trainer) -> dict:
    return trainer.state()[0]


def _losses(rows):
    return [(r["d_loss"], r["g_loss"], r["d_real"], r["d_fake"]) for r in rows]


def test_a_step_changes_weights_and_history(images):
    trainer = _mlp(images)
    before = _arrays(trainer)
    row = trainer.step()
    after = _arrays(trainer)
    changed = [k for k in before if not np.array_equal(before[k], after[k])]
    assert any(k.startswith("generator/") for k in changed) and any(k.startswith("discriminator/") for k in changed)
    assert trainer.step_count == 1 and trainer.history["step"] == [1]
    assert set(row) == set(C.HISTORY_KEYS) and 0 < row["d_real"] < 1 and 0 < row["d_fake"] < 1
    for mode, moved, still in (("d", "discriminator/", "generator/"), ("g", "generator/", "discriminator/")):
        before = _arrays(trainer)
        trainer.step(2, mode=mode)
        after = _arrays(trainer)
        assert any(not np.array_equal(before[k], after[k]) for k in before if k.startswith(moved))
        assert all(np.array_equal(before[k], after[k]) for k in before if k.startswith(still))
    assert trainer.history["step"] == [1, 2, 3, 4, 5]
    frame = trainer.history_frame()
    assert list(frame.columns) == list(C.HISTORY_KEYS) and len(frame) == 5
    assert frame["time"].is_monotonic_increasing


def test_steering_between_steps_does_not_retrace(images):
    trainer = _mlp(images)
    trainer.step()
    traces = trainer.trace_count
    trainer.lr_g, trainer.lr_d, trainer.d_steps, trainer.label_smoothing = 1e-3, 5e-4, 3, 0.1
    d_iterations = int(trainer._opt_d.iterations.numpy())
    row = trainer.step()
    assert trainer.trace_count == traces
    assert int(trainer._opt_d.iterations.numpy()) == d_iterations + 3
    assert (row["lr_g"], row["lr_d"]) == (1e-3, 5e-4)
    assert float(trainer._opt_g.learning_rate.numpy()) == pytest.approx(1e-3)


def test_xla_compiled_steps_run_without_retracing(images):
    trainer = _mlp(images, jit_compile=True)
    trainer.step()
    trainer.d_steps, trainer.lr_d = 2, 1e-3
    assert np.isfinite(trainer.step()["d_loss"]) and trainer.trace_count == 1
    assert trainer.settings()["jit_compile"] is True


def test_switching_the_loss_keeps_weights_and_history(images):
    trainer = _mlp(images)
    trainer.step(2)
    before = _arrays(trainer)
    trainer.loss = "hinge"
    after = _arrays(trainer)
    assert all(np.array_equal(before[k], after[k]) for k in before)
    trainer.step()
    assert trainer.history["step"] == [1, 2, 3]
    trainer.loss = "wgan_gp"
    trainer.step(mode="both")
    with pytest.raises(ValueError, match="only applies"):
        trainer.label_smoothing = 0.2


def _train_save_continue(trainer_a, tmp_path, restore_kwargs):
    trainer_a.step(5)
    trainer_a.save(tmp_path / "ckpt")
    rows_a = [trainer_a.step() for _ in range(3)]
    trainer_b = GANTrainer.restore(tmp_path / "ckpt", **restore_kwargs)
    assert trainer_b.step_count == 5 and len(trainer_b.history["step"]) == 5
    rows_b = [trainer_b.step() for _ in range(3)]
    assert _losses(rows_a) == _losses(rows_b)
    a, b = _arrays(trainer_a), _arrays(trainer_b)
    assert a.keys() == b.keys()
    assert all(np.array_equal(a[k], b[k]) for k in a), [k for k in a if not np.array_equal(a[k], b[k])]
    assert any(k.startswith("opt_g/") for k in a) and any(k.startswith("opt_d/") for k in a)
    np.testing.assert_array_equal(trainer_a.fixed_samples(), trainer_b.fixed_samples())
    return trainer_b


def test_checkpoint_round_trip_is_exact(images, tmp_path):
    trainer = GANTrainer("dcgan", images, batch_size=16, ema_decay=0.9, dropout=0.2, lr_g=1e-3,
                         d_steps=2, label_smoothing=0.1, **DCGAN)
    restored = _train_save_continue(trainer, tmp_path, {"images": images})
    assert restored.settings() == trainer.settings()
    assert (tmp_path / "ckpt" / "config.json").is_file()
    assert (tmp_path / "ckpt" / "history.csv").read_text().splitlines()[0] == ",".join(C.HISTORY_KEYS)


def test_conditional_wgan_gp_round_trip_is_exact(images, labels, tmp_path):
    trainer = GANTrainer("cdcgan", images, labels, batch_size=8, loss="wgan_gp", **DCGAN)
    _train_save_continue(trainer, tmp_path, {"images": images, "labels": labels})
    samples = trainer.sample(labels=np.full(4, 7))
    assert samples.shape == (4, 28, 28, 1)


def test_load_into_an_existing_trainer_resumes_exactly_with_the_saved_settings(images, tmp_path):
    trainer_a = _mlp(images, loss="minimax", lr_d=1e-3, beta_1=0.2, label_smoothing=0.1)
    trainer_a.step(4)
    trainer_a.save(tmp_path)
    rows_a = [trainer_a.step() for _ in range(2)]
    trainer_b = _mlp(images, seed=5).load(tmp_path)
    assert trainer_b.settings() == trainer_a.settings()
    assert _losses([trainer_b.step() for _ in range(2)]) == _losses(rows_a)
    assert trainer_b.history["step"] == [1, 2, 3, 4, 5, 6]


def test_atomic_save_survives_a_crash_mid_write(images, tmp_path, monkeypatch):
    trainer = _mlp(images)
    trainer.step(2)
    trainer.save(tmp_path)
    trainer.step()

    def crash(file, arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(C, "_write_arrays", crash)
    with pytest.raises(OSError, match="disk full"):
        trainer.save(tmp_path)
    _, meta = C.read_checkpoint(tmp_path)
    assert meta["step"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.npz", "config.json", "history.csv"]
    assert GANTrainer.restore(tmp_path, images).step_count == 2


def test_corrupt_or_mismatched_checkpoints_raise_value_error(images, tmp_path):
    trainer = _mlp(images)
    path = trainer.save(tmp_path / "good")
    data = path.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "checkpoint.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"bad.checkpoint\.npz.*corrupt"):
        trainer.load(bad)
    (bad / "checkpoint.npz").write_bytes(b"not a zip at all")
    with pytest.raises(ValueError, match="checkpoint.npz"):
        GANTrainer.restore(bad, images)
    with pytest.raises(FileNotFoundError):
        trainer.load(tmp_path / "missing")
    other = GANTrainer("mlp", images, batch_size=16, hidden=8, latent_dim=20)
    with pytest.raises(ValueError, match=r"good.checkpoint\.npz.*hidden: checkpoint 16, trainer 8.*latent_dim"):
        other.load(tmp_path / "good")


def test_huge_learning_rate_diverges_and_rolls_back(images):
    trainer = _mlp(images)
    trainer.step(3)
    trainer.lr_g = trainer.lr_d = 1e25
    with pytest.raises(TrainingDiverged, match=r"step \d+.*lr_g=1e\+25.*rolled back to step 3"):
        trainer.fit(steps=50, progress=False)
    assert trainer.step_count == 3 and trainer.history["step"] == [1, 2, 3]
    assert all(np.isfinite(a).all() for a in _arrays(trainer).values())
    trainer.lr_g = trainer.lr_d = 2e-4
    assert np.isfinite(trainer.step()["d_loss"])


def test_fit_with_steps_calls_back_and_shows_progress(images, capsys):
    trainer = _mlp(images)
    seen = []
    trainer.fit(steps=7, callbacks=[lambda t: seen.append(t.step_count)], callback_every=3)
    assert seen == [3, 6, 7] and trainer.step_count == 7
    assert "d_loss" in capsys.readouterr().err
    trainer.fit(seconds=0.2, progress=False)
    assert trainer.step_count > 7


def test_keyboard_interrupt_stops_cleanly(images, capsys):
    trainer = _mlp(images)

    def interrupt(t):
        raise KeyboardInterrupt

    trainer.fit(steps=20, callbacks=[interrupt], callback_every=2, progress=False)
    assert trainer.step_count == 2 and len(trainer.history["step"]) == 2
    assert capsys.readouterr().out.strip() == "interrupted at step 2"

    def ctrl_c(t):
        os.kill(os.getpid(), signal.SIGINT)

    trainer.fit(steps=20, callbacks=[ctrl_c], callback_every=1, progress=False)
    assert trainer.step_count == 3 and len(trainer.history["step"]) == 3
    assert capsys.readouterr().out.strip() == "interrupted at step 3"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_samples_use_the_ema_generator(images):
    trainer = _mlp(images, ema_decay=0.5, n_fixed=6)
    trainer.step(3)
    z = np.random.default_rng(2).standard_normal((4, 100)).astype(np.float32)
    samples = trainer.sample(z=z)
    assert samples.shape == (4, 28, 28, 1) and samples.dtype == np.float32
    assert np.abs(samples).max() <= 1.0
    np.testing.assert_allclose(samples, trainer.ema_generator(z).numpy(), rtol=1e-6)
    assert not np.allclose(samples, trainer.generator(z).numpy())
    assert trainer.fixed_samples().shape == (6, 28, 28, 1)
    assert trainer.sample(5).shape == (5, 28, 28, 1)
    with pytest.raises(ValueError, match=r"z must have shape \(n, 100\)"):
        trainer.sample(z=np.zeros((2, 7)))


def test_a_generator_discriminator_pair_can_be_trained_and_restored(images, tmp_path):
    pair = M.build_gan("mlp", latent_dim=8, hidden=8)
    trainer = GANTrainer(pair, images, batch_size=16)
    assert trainer.latent_dim == 8 and trainer.config["model"] == "custom"
    trainer.step()
    trainer.save(tmp_path)
    with pytest.raises(ValueError, match="custom model: pass model="):
        GANTrainer.restore(tmp_path, images)
    restored = GANTrainer.restore(tmp_path, images, model=M.build_gan("mlp", latent_dim=8, hidden=8))
    assert restored.step_count == 1


@pytest.mark.parametrize("kwargs, match", [
    ({"model": "gan9000"}, r"mlp.*dcgan.*cdcgan.*'gan9000'"),
    ({"loss": "lsgan"}, r"minimax.*'lsgan'"),
    ({"lr_g": 0}, r"lr_g.*\(0, inf\).*got 0"),
    ({"lr_d": -1e-3}, r"lr_d.*-0.001"),
    ({"lr_g": "fast"}, r"lr_g.*'fast'"),
    ({"lr_d": float("nan")}, r"lr_d.*nan"),
    ({"batch_size": N + 1}, rf"batch_size.*\[1, {N}\].*{N + 1}"),
    ({"batch_size": 0}, r"batch_size.*got 0"),
    ({"d_steps": 0}, r"d_steps.*>= 1.*got 0"),
    ({"beta_1": 1.0}, r"beta_1.*\[0, 1\).*1.0"),
    ({"label_smoothing": 0.6}, r"label_smoothing.*0.6"),
    ({"loss": "hinge", "label_smoothing": 0.1}, r"only applies"),
    ({"ema_decay": 1.0}, r"ema_decay.*\(0, 1\)"),
    ({"gp_weight": -1}, r"gp_weight.*-1"),
    ({"seed": -1}, r"seed.*-1"),
    ({"hidden": 0}, r"hidden.*0"),
    ({"g_filters": 8}, r"g_filters.*allowed"),
])
def test_bad_arguments_raise_value_error(images, kwargs, match):
    kwargs = {"model": "mlp", **kwargs}
    with pytest.raises(ValueError, match=match):
        GANTrainer(kwargs.pop("model"), images, **kwargs)


def test_bad_images_and_labels_raise_value_error(images, labels):
    with pytest.raises(ValueError, match="float32.*float64.*to_float"):
        GANTrainer("mlp", images.astype(np.float64))
    with pytest.raises(ValueError, match=r"shape.*\(256, 28, 28\)"):
        GANTrainer("mlp", images[..., 0])
    with pytest.raises(ValueError, match=r"\[-1, 1\], got values in \[-255, 255\]"):
        GANTrainer("mlp", images * 255)
    with pytest.raises(ValueError, match="images is required"):
        GANTrainer("mlp")
    with pytest.raises(ValueError, match="needs labels"):
        GANTrainer("cdcgan", images, **DCGAN)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 9\]"):
        GANTrainer("cdcgan", images, labels + 5, **DCGAN)
    with pytest.raises(ValueError, match="only used by a conditional model"):
        GANTrainer("mlp", images, labels)


def test_bad_step_and_fit_arguments(images):
    trainer = _mlp(images)
    with pytest.raises(ValueError, match="exactly one of seconds= or steps="):
        trainer.fit()
    with pytest.raises(ValueError, match="exactly one"):
        trainer.fit(seconds=1, steps=1)
    with pytest.raises(ValueError, match="steps.*got 0"):
        trainer.fit(steps=0)
    with pytest.raises(ValueError, match="mode.*'both'.*'x'"):
        trainer.step(mode="x")
    with pytest.raises(ValueError, match="callable"):
        trainer.fit(steps=1, callbacks=[3])
    with pytest.raises(ValueError, match="ema_decay=0.99.*only when the trainer is built"):
        trainer.ema_decay = 0.99
    for name, value in (("lr_g", -1.0), ("d_steps", 1.5), ("batch_size", N + 1), ("loss", "l2")):
        with pytest.raises(ValueError, match=name if name != "loss" else "'l2'"):
            setattr(trainer, name, value)
    assert trainer.step_count == 0


def test_trainer_is_exported_lazily():
    assert gu.GANTrainer is GANTrainer


def test_simultaneous_step_updates_both_and_restores_exactly(tmp_path):
    rng = np.random.default_rng(5)
    images = rng.uniform(-1, 1, (128, 28, 28, 1)).astype(np.float32)
    kwargs = dict(batch_size=16, g_filters=16, d_filters=8, simultaneous=True, d_steps=2)
    a = gu.GANTrainer("dcgan", images, **kwargs)
    g0 = [v.numpy().copy() for v in a.generator.trainable_variables]
    d0 = [v.numpy().copy() for v in a.discriminator.trainable_variables]
    a.step(3)
    assert not np.array_equal(g0[0], a.generator.trainable_variables[0].numpy())
    assert not np.array_equal(d0[0], a.discriminator.trainable_variables[0].numpy())
    a.save(tmp_path)
    b = gu.GANTrainer.restore(tmp_path, images)
    assert b.simultaneous and b.d_steps == 2
    ra, rb = a.step(2), b.step(2)
    assert {k: ra[k] for k in ("step", "d_loss", "g_loss", "d_real", "d_fake")} == \
        {k: rb[k] for k in ("step", "d_loss", "g_loss", "d_real", "d_fake")}
    with pytest.raises(ValueError, match="simultaneous must be True or False"):
        gu.GANTrainer("dcgan", images, simultaneous="yes", **{k: v for k, v in kwargs.items() if k != "simultaneous"})
