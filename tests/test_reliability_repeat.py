"""Issue #10, repeatability: the same seed gives the same samples, from Python (as a notebook) and from the command line."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

import gan_utils as gu
from conftest import REPO
from gan_utils.engine.pretrained import generate
from gan_utils.engine.recipes import recipe

SEED, STEPS, N_SAMPLES = 7, 3, 16


def train_like_a_notebook(seed: int, steps: int = STEPS) -> gu.GANTrainer:
    """What notebook 03 does, with the command line's recipe for the MLP."""
    data = gu.load_mnist("embedded", verbose=False)
    settings = recipe("mlp")
    sizes = settings.pop("sizes")
    trainer = gu.GANTrainer("mlp", gu.to_float(data.x_train), seed=seed, **settings, **sizes)
    return trainer.fit(steps=steps, progress=False)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gan_utils", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=300)


def test_same_seed_same_samples_from_python_and_the_command_line(tmp_path):
    run, npy = tmp_path / "run", tmp_path / "samples.npy"
    proc = cli("train", "--model", "mlp", "--steps", str(STEPS), "--seed", str(SEED), "--source", "embedded",
               "--samples", "100", "--out", str(run))
    assert proc.returncode == 0, proc.stderr
    proc = cli("sample", "--run", str(run), "--n", str(N_SAMPLES), "--seed", str(SEED), "--out", str(npy))
    assert proc.returncode == 0, proc.stderr
    from_cli = np.load(npy, allow_pickle=False)

    trainer = train_like_a_notebook(SEED)
    from_python = gu.to_uint8(generate(trainer.generator, N_SAMPLES, seed=SEED))
    assert from_cli.shape == (N_SAMPLES, 28, 28) and from_cli.dtype == np.uint8
    np.testing.assert_array_equal(from_cli, from_python)
    cli_history = np.loadtxt(run / "history.csv", delimiter=",", skiprows=1)
    np.testing.assert_array_equal(cli_history[:, 1:3], np.array([trainer.history["d_loss"], trainer.history["g_loss"]]).T)


def test_same_seed_repeats_in_one_process_and_another_seed_does_not():
    first, again, other = (train_like_a_notebook(seed) for seed in (SEED, SEED, SEED + 1))
    assert first.history["d_loss"] == again.history["d_loss"] and first.history["g_loss"] == again.history["g_loss"]
    np.testing.assert_array_equal(first.fixed_samples(), again.fixed_samples())
    np.testing.assert_array_equal(first.sample(8), again.sample(8))
    assert not np.array_equal(first.fixed_samples(), other.fixed_samples())
    assert first.history["d_loss"] != other.history["d_loss"]
