"""The command line end to end at tiny size (train -> sample -> evaluate) and every bad argument."""
from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import REPO

PY = sys.executable


def run_cli(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([PY, "-m", "gan_utils", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def cli_without_tensorflow(*args: str) -> tuple[int, bool, str]:
    """Run cli.main in a fresh interpreter; return (exit code, whether TensorFlow got imported, stderr)."""
    code = (
        "import sys\nfrom gan_utils import cli\n"
        f"try:\n    cli.main({list(args)!r})\nexcept SystemExit as e:\n    code = e.code\n"
        "print(code, 'tensorflow' in sys.modules)"
    )
    proc = subprocess.run([PY, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    rc, imported = proc.stdout.split()[-2:]
    return int(rc), imported == "True", proc.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["train", "--seconds", "-5"], "must be a positive number"),
        (["train", "--seconds", "abc"], "is not a number"),
        (["train", "--steps", "0"], "must be an integer >= 1"),
        (["train", "--model", "gpt"], "invalid choice: 'gpt'"),
        (["train", "--loss", "l2"], "invalid choice: 'l2'"),
        (["train", "--data", "cifar"], "invalid choice: 'cifar'"),
        (["train", "--lr-g", "0"], "must be a positive number"),
        (["train", "--lr-d", "nan"], "must be a positive number"),
        (["train", "--batch-size", "-1"], "must be an integer >= 1"),
        (["train", "--source", "nowhere.npz"], "not a known source"),
        (["train", "--seconds", "5", "--steps", "5"], "not allowed with argument"),
        (["sample", "--run", "runs/does-not-exist", "--out", "x.npy"], "no trained run at runs/does-not-exist"),
        (["sample", "--run", "runs/x", "--out", "x.npy", "--label", "12"], "must be a label in 0..9"),
        (["evaluate"], "give either a samples .npy file or --run"),
        (["evaluate", "missing.npy"], "no samples file at missing.npy"),
    ],
)
def test_bad_arguments_exit_2_before_tensorflow(args, message):
    rc, imported, stderr = cli_without_tensorflow(*args)
    assert rc == 2, stderr
    assert message in stderr
    assert not imported, "TensorFlow was imported before the arguments were checked"


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli("train", "--model", "dcgan", "--steps", "3", "--source", "embedded", "--samples", "200",
                   "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_default_conditional_run_samples_a_chosen_digit(tmp_path):
    out = tmp_path / "cond"
    proc = run_cli("train", "--steps", "2", "--source", "embedded", "--samples", "100", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "config.json").read_text())["config"]["model"] == "cdcgan"
    npy = tmp_path / "sevens.npy"
    proc = run_cli("sample", "--run", str(out), "--n", "20", "--out", str(npy), "--label", "7")
    assert proc.returncode == 0, proc.stderr
    assert np.load(npy).shape == (20, 28, 28)


def test_train_writes_every_output(tiny_run):
    out, proc = tiny_run
    for name in ("checkpoint.npz", "config.json", "history.csv", "samples.png", "metrics.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 3 and 1.0 <= metrics["mnist_score"] <= 10.0
    assert "embedded" in proc.stdout and str(out) in proc.stdout
    assert len((out / "history.csv").read_text().splitlines()) == 4


def test_existing_run_is_not_overwritten_and_resume_continues(tiny_run):
    out, _ = tiny_run
    before = (out / "checkpoint.npz").read_bytes()
    proc = run_cli("train", "--steps", "2", "--source", "embedded", "--out", str(out))
    assert proc.returncode == 2 and "already holds a trained run" in proc.stderr
    assert (out / "checkpoint.npz").read_bytes() == before
    proc = run_cli("train", "--steps", "2", "--model", "mlp", "--resume", "--source", "embedded", "--out", str(out))
    assert proc.returncode == 2 and "--model 'mlp' but the run has 'dcgan'" in proc.stderr
    assert (out / "checkpoint.npz").read_bytes() == before


def test_sample_and_evaluate(tiny_run, tmp_path):
    out, _ = tiny_run
    npy = tmp_path / "samples.npy"
    proc = run_cli("sample", "--run", str(out), "--n", "64", "--out", str(npy))
    assert proc.returncode == 0, proc.stderr
    images = np.load(npy)
    assert images.shape == (64, 28, 28) and images.dtype == np.uint8
    proc = run_cli("sample", "--run", str(out), "--n", "8", "--out", str(npy), "--label", "3")
    assert proc.returncode == 2 and "unconditional" in proc.stderr
    proc = run_cli("evaluate", str(npy), "--source", "embedded")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert result["n_samples"] == 64 and "frechet_distance" in result
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((4, 28, 28), np.float32))
    proc = run_cli("evaluate", str(bad))
    assert proc.returncode == 2 and "expected uint8 (N, 28, 28)" in proc.stderr


def test_resume_takes_the_model_and_settings_from_the_run(tiny_run):
    out, _ = tiny_run
    proc = run_cli("train", "--resume", "--out", str(out), "--steps", "2", "--samples", "100")
    assert proc.returncode == 0, proc.stderr
    assert "resuming" in proc.stdout and "training dcgan" in proc.stdout
    assert json.loads((out / "config.json").read_text())["step"] == 5
    before = (out / "checkpoint.npz").read_bytes()
    proc = run_cli("train", "--resume", "--out", str(out), "--steps", "2", "--lr-g", "1e-3", "--loss", "hinge")
    assert proc.returncode == 2
    assert "--lr-g 0.001 but the run has 0.0008" in proc.stderr and "--loss" not in proc.stderr.split("(")[0]
    assert (out / "checkpoint.npz").read_bytes() == before


def test_resume_without_a_readable_config_names_the_file(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "checkpoint.npz").write_bytes(b"x")
    rc, imported, stderr = cli_without_tensorflow("train", "--resume", "--out", str(out))
    assert rc == 2 and "config.json is missing or unreadable" in stderr and not imported


@pytest.mark.slow
def test_a_killed_run_resumes_from_its_last_periodic_save(tmp_path):
    out = tmp_path / "long"
    proc = subprocess.Popen([PY, "-m", "gan_utils", "train", "--model", "dcgan", "--seconds", "600",
                             "--save-every", "1", "--source", "embedded", "--out", str(out)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        while not (out / "config.json").exists():
            assert proc.poll() is None, "train stopped before its first save"
            assert time.monotonic() < deadline, "no periodic save within 300 s"
            time.sleep(0.5)
        time.sleep(1.0)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    saved = json.loads((out / "config.json").read_text())["step"]
    assert saved > 0 and not (out / "metrics.json").exists(), "the run was killed before it finished"
    resumed = run_cli("train", "--resume", "--out", str(out), "--steps", "3", "--samples", "100")
    assert resumed.returncode == 0, resumed.stderr
    resumed_at = int(re.search(r"resuming .* at step (\d+)", resumed.stdout).group(1))
    assert resumed_at >= saved, "resume went back before the last save"
    assert json.loads((out / "config.json").read_text())["step"] == resumed_at + 3


def _readme_training_commands() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = text.split("## Training without a notebook", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.strip().splitlines() if line.strip()]


def test_the_readme_training_commands_run_in_order(tmp_path):
    """Every command of the README's block, verbatim but for sizes: tiny budgets, samples and a temporary folder."""
    commands = _readme_training_commands()
    assert any("--resume" in c for c in commands) and any("--version" in c for c in commands)
    sizes = [(r"--seconds \d+", "--steps 3"), (r"--n \d+", "--n 200")]
    for command in commands:
        for pattern, small in sizes:
            command = re.sub(pattern, small, command)
        argv = shlex.split(command)
        if argv[0] == "make":
            argv = ["make", "-C", str(REPO), *argv[1:], f"TRAIN_ARGS=--steps 3 --samples 100 --out {tmp_path}/make-run"]
        elif argv[0] == "python":
            argv[0] = PY
        if argv[1:3] == ["-m", "gan_utils"] and argv[3:4] == ["train"]:
            argv += ["--samples", "100"]
        proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              env={**os.environ, "GAN_UTILS_OFFLINE": "1"})
        assert proc.returncode == 0, f"{command}\n{proc.stderr[-2000:]}"
    assert (tmp_path / "samples.npy").is_file() and (tmp_path / "make-run" / "checkpoint.npz").is_file()
