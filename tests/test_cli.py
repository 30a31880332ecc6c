"""The command line end to end at tiny size (train -> sample -> evaluate -> export), its help and its exit codes.

Exit codes: 0 done, 1 a failure while running (a diverged run, an engine ValueError), 2 a bad
argument (found before TensorFlow is imported where possible), 130 Ctrl-C (checkpoint saved, no metrics).
Most tests call ``cli.main`` in this process (one TensorFlow import); a few run ``python -m gan_utils``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO
from gan_utils import cli
from gan_utils.engine import paths

PY = sys.executable
SHIPPED = REPO / "data" / "pretrained"


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


def call(*args) -> int:
    """Run cli.main in this process; return its exit code (returned or raised with SystemExit)."""
    try:
        return cli.main([str(a) for a in args])
    except SystemExit as exit:
        return exit.code


def fake_run(folder: Path) -> Path:
    """A run folder whose checkpoint exists but is not read: enough for checks made before TensorFlow."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "checkpoint.npz").write_bytes(b"x")
    return folder


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
        (["sample", "--out", "x.npy"], "one of the arguments --run --pretrained is required"),
        (["sample", "--run", "runs/x", "--pretrained", "dcgan", "--out", "x.npy"], "not allowed with argument"),
        (["sample", "--pretrained", "nope", "--out", "x.npy"], "no such shipped model; available: cdcgan"),
        (["train", "--model", "ddpm", "--loss", "hinge", "--r1", "1"], "--loss, --r1: GAN options; --model ddpm"),
        (["train", "--model", "ddpm", "--devices", "2"], "--devices: GAN options"),
        (["train", "--model", "dcgan", "--sampler-steps", "5"], "--sampler-steps: a diffusion model's option"),
        (["train", "--r1", "-1"], "argument --r1: '-1' must be a number >= 0"),
        (["train", "--r2", "x"], "argument --r2: 'x' is not a number"),
        (["sample", "--run", "runs/x", "--out", "x.npy", "--sampler-steps", "0"], "must be an integer >= 1"),
        (["train", "--label-smoothing", "0.5"], "must be in [0, 0.5)"),
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
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = call("train", "--model", "dcgan", "--steps", "3", "--source", "embedded", "--samples", "200", "--out", out)
    assert rc == 0, stderr.getvalue()
    return out, stdout.getvalue()


def test_default_conditional_run_samples_a_chosen_digit(tmp_path, capsys):
    out = tmp_path / "cond"
    assert call("train", "--steps", "2", "--source", "embedded", "--samples", "100", "--out", out) == 0
    assert json.loads((out / "config.json").read_text())["config"]["model"] == "cdcgan"
    npy = tmp_path / "sevens.npy"
    assert call("sample", "--run", out, "--n", "20", "--out", npy, "--label", "7") == 0
    assert np.load(npy).shape == (20, 28, 28)


def test_train_writes_every_output(tiny_run):
    out, stdout = tiny_run
    for name in ("checkpoint.npz", "config.json", "history.csv", "samples.png", "metrics.json"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 3 and 1.0 <= metrics["mnist_score"] <= 10.0
    assert "embedded" in stdout and str(out) in stdout
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


def test_sample_and_evaluate(tiny_run, tmp_path, capsys):
    out, _ = tiny_run
    npy = tmp_path / "samples.npy"
    assert call("sample", "--run", out, "--n", "64", "--out", npy) == 0
    images = np.load(npy)
    assert images.shape == (64, 28, 28) and images.dtype == np.uint8
    assert (tmp_path / "samples.png").is_file() and "samples.png" in capsys.readouterr().out, "a PNG grid beside it"
    assert call("sample", "--run", out, "--n", "8", "--out", npy, "--label", "3") == 2
    assert "unconditional" in capsys.readouterr().err
    proc = run_cli("evaluate", str(npy), "--source", "embedded")  # a real process: nothing else reaches stdout
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)  # stdout is one JSON document: the data-source line went to stderr
    assert result["n_samples"] == 64 and "frechet_distance" in result
    assert "embedded" in proc.stderr
    bad = tmp_path / "bad.npy"
    np.save(bad, np.zeros((4, 28, 28), np.float32))
    proc = run_cli("evaluate", str(bad))
    assert proc.returncode == 2 and "expected uint8 (N, 28, 28)" in proc.stderr


def test_first_trains_on_the_first_n_training_digits_and_resume_keeps_them(tmp_path, capsys):
    """--first N (make pretrained's dcgan_50k: digits 0-49,999 of full MNIST) cuts the training images and says so."""
    out = tmp_path / "first"
    assert call("train", "--model", "dcgan", "--steps", "2", "--source", "embedded", "--first", "300",
                "--samples", "100", "--out", out) == 0
    assert json.loads((out / "config.json").read_text())["data"]["first"] == 300
    said = json.loads((out / "metrics.json").read_text())["data"]
    assert said.startswith("MNIST: 300 train + 500 test") and "training digits 0-299 of its 4,500" in said, said
    assert call("train", "--resume", "--out", out, "--steps", "1", "--samples", "100") == 0
    assert "training digits 0-299 of its 4,500" in json.loads((out / "metrics.json").read_text())["data"]
    assert call("train", "--resume", "--out", out, "--steps", "1", "--first", "200") == 2
    assert "--first 200 but the run has 300" in capsys.readouterr().err
    assert call("train", "--steps", "1", "--source", "embedded", "--first", "4501", "--out", tmp_path / "x") == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--first 4501: MNIST" in err and "has only 4,500 training images" in err, err


def test_resume_takes_the_model_and_settings_from_the_run(tiny_run, capsys):
    out, _ = tiny_run
    assert call("train", "--resume", "--out", out, "--steps", "2", "--samples", "100") == 0
    stdout = capsys.readouterr().out
    assert "resuming" in stdout and "training dcgan" in stdout
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


# -- help ----------------------------------------------------------------------------------------

def option_blocks(text: str) -> dict[str, str]:
    """Each option's (or positional's) rendered help in a --help text: its first name -> the text after it."""
    blocks, current = {}, None
    for line in text.splitlines():
        match = re.match(r"  (-[-\w]+|[A-Z][\w.]*)(,? |$)", line)
        if match:
            current = match.group(1)
            blocks[current] = line[match.end():]
        elif current and line.startswith("      "):
            blocks[current] += " " + line
        else:
            current = None
    return {name: " ".join(block.split()) for name, block in blocks.items()}


COMMANDS = ("train", "sample", "evaluate", "export", "train-classifier", "notebooks", "lab")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_has_help_that_shows_its_default(command, capsys):
    assert call(command, "--help") == 0
    text = capsys.readouterr().out
    blocks = option_blocks(text)
    (sub,) = [a for a in cli.build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    parser = sub.choices[command]
    one_required = [a for group in parser._mutually_exclusive_groups if group.required for a in group._group_actions]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        name = action.option_strings[-1] if action.option_strings else action.metavar
        block = blocks.get(action.option_strings[0] if action.option_strings else action.metavar, "")
        assert action.help and action.help.strip(), f"{command} {name}: no help text"
        assert " ".join(action.help.split()[:3]) in block, f"{command} {name}: help not shown ({block!r})"
        takes_value = action.nargs != 0 and action.option_strings
        if takes_value and not action.required and action not in one_required:
            assert "default" in block, f"{command} {name}: the help does not say the default ({block!r})"
        if action.default not in (None, False) and action.option_strings:
            shown = {str(action.default)} | ({f"{action.default:g}"} if isinstance(action.default, float) else set())
            assert any(f"(default: {value})" in block for value in shown), \
                f"{command} {name}: default {action.default!r} not shown ({block!r})"
    assert "examples:" in text and f"python -m gan_utils {command} " in text.split("examples:")[1]


def test_the_issue_s_options_say_their_recipe_defaults(capsys):
    assert call("train", "--help") == 0
    blocks = option_blocks(capsys.readouterr().out)
    for option in ("--lr-g", "--lr-d", "--batch-size", "--d-steps", "--label-smoothing", "--loss"):
        assert "default: the model's recipe" in blocks[option], option
    assert "0.0008 (dcgan)" in blocks["--lr-g"] and "0.0002 (mlp)" in blocks["--lr-d"]
    assert call("sample", "--help") == 0
    blocks = option_blocks(capsys.readouterr().out)
    listed = " ".join(blocks["--pretrained"].split())
    assert all(name in listed for name in ("cdcgan,", "cdcgan_embedded,", "dcgan,", "dcgan_embedded")), listed
    assert "(default: 10000)" in blocks["--n"]
    assert ".png" in blocks["--out"]


def test_help_names_the_program_as_invoked_with_examples_and_exit_codes():
    proc = run_cli("--help")
    assert proc.returncode == 0 and proc.stdout.startswith("usage: python -m gan_utils [-h]"), proc.stdout[:200]
    assert "__main__.py" not in proc.stdout
    examples = proc.stdout.split("examples:")[1]
    for command in ("train", "sample", "evaluate", "export"):
        assert f"python -m gan_utils {command} " in examples
    assert "exit codes:" in proc.stdout and "130" in proc.stdout
    proc = run_cli("sample", "--help")
    assert proc.stdout.startswith("usage: python -m gan_utils sample ")


def test_the_console_script_is_named_gan_utils(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [str(REPO / ".venv" / "bin" / "gan-utils")])
    assert cli.program_name() == "gan-utils"
    assert call("train", "--steps", "0") == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("gan-utils train: error: argument --steps")
    script = Path(PY).parent / "gan-utils"
    if script.is_file():
        proc = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0 and proc.stdout.startswith("usage: gan-utils [-h]")


# -- sample and evaluate -----------------------------------------------------------------------

def test_sample_draws_from_a_shipped_generator_by_name(tmp_path, capsys):
    npy = tmp_path / "sevens.npy"
    assert call("sample", "--pretrained", "cdcgan", "--label", "7", "--n", "20", "--out", npy) == 0
    images = np.load(npy)
    assert images.shape == (20, 28, 28) and images.dtype == np.uint8
    assert (tmp_path / "sevens.png").is_file() and "sevens.png" in capsys.readouterr().out


def test_evaluate_prints_one_json_document_and_messages_on_stderr(tiny_run, capsys):
    out, _ = tiny_run
    assert call("evaluate", "--run", out, "--n", "100", "--source", "embedded") == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["n_samples"] == 100 and "mnist_score" in result
    assert "scoring 100 images against MNIST" in captured.err and "embedded" in captured.err


# -- exit codes 1 and 130 ----------------------------------------------------------------------

def test_a_value_error_inside_training_exits_1_not_as_a_usage_error(tmp_path, monkeypatch, capsys):
    from gan_utils.engine.training import GANTrainer

    def broken_fit(self, **kwargs):
        raise ValueError("the engine refused something")

    monkeypatch.setattr(GANTrainer, "fit", broken_fit)
    assert call("train", "--model", "mlp", "--steps", "3", "--source", "embedded", "--out", tmp_path / "run") == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "python -m gan_utils train: error: the engine refused something"
    assert "Traceback" not in err and "usage:" not in err


def test_an_unreadable_checkpoint_exits_1_with_one_line(tiny_run, tmp_path, capsys):
    out, _ = tiny_run
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text((out / "config.json").read_text())
    (broken / "checkpoint.npz").write_bytes(b"not a zip file")
    assert call("train", "--resume", "--out", broken, "--steps", "1") == 1
    err = capsys.readouterr().err
    assert "train: error:" in err and "is not a readable GAN checkpoint" in err and "Traceback" not in err
    assert call("sample", "--run", broken, "--n", "4", "--out", tmp_path / "x.npy") == 1


def test_a_diverged_run_exits_1_and_keeps_its_last_good_checkpoint(tmp_path, capsys):
    out = tmp_path / "diverged"
    rc = call("train", "--model", "mlp", "--lr-g", "100", "--lr-d", "100", "--steps", "20", "--source", "embedded",
              "--out", out)
    err = capsys.readouterr().err
    assert rc == 1, err
    (line,) = [line for line in err.splitlines() if "error:" in line]
    assert line.startswith("python -m gan_utils train: error: training diverged at step 1")
    assert "last good checkpoint (step 0)" in line and str(out / "checkpoint.npz") in line and "--lr-g" in line
    assert "Traceback" not in err
    assert json.loads((out / "config.json").read_text())["step"] == 0
    assert (out / "checkpoint.npz").is_file() and not (out / "metrics.json").exists()


def test_ctrl_c_saves_the_checkpoint_skips_the_metrics_and_exits_130(tmp_path, monkeypatch, capsys):
    from gan_utils.engine.training import GANTrainer

    fit = GANTrainer.fit

    def press_ctrl_c(trainer):
        if trainer.step_count >= 10:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C sends; fit() stops after this step

    def fit_with_ctrl_c(self, **kwargs):
        return fit(self, **{**kwargs, "callbacks": [*kwargs["callbacks"], press_ctrl_c]})

    monkeypatch.setattr(GANTrainer, "fit", fit_with_ctrl_c)
    out = tmp_path / "interrupted"
    assert call("train", "--model", "mlp", "--steps", "1000", "--source", "embedded", "--out", out) == 130
    err = capsys.readouterr().err
    assert "train: interrupted at step 10" in err and "--resume" in err
    assert json.loads((out / "config.json").read_text())["step"] == 10
    assert not (out / "metrics.json").exists() and not (out / "samples.png").exists()
    monkeypatch.setattr(GANTrainer, "fit", fit)
    assert call("train", "--resume", "--out", out, "--steps", "2", "--samples", "50") == 0
    assert json.loads((out / "metrics.json").read_text())["steps"] == 12


# -- export ----------------------------------------------------------------------------------------

def test_export_refuses_a_shipped_name_without_force(tmp_path):
    before = (SHIPPED / "dcgan.npz").read_bytes(), (SHIPPED / "manifest.json").read_text()
    rc, imported, stderr = cli_without_tensorflow("export", "--run", str(fake_run(tmp_path / "run")), "--name", "dcgan")
    assert rc == 2 and "already holds a shipped generator" in stderr and "--force" in stderr
    assert not imported
    assert ((SHIPPED / "dcgan.npz").read_bytes(), (SHIPPED / "manifest.json").read_text()) == before


def test_export_never_writes_into_an_installed_package(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "in_checkout", lambda: False)
    run = fake_run(tmp_path / "run")
    assert call("export", "--run", run, "--name", "mine") == 2
    assert "--out DIR" in capsys.readouterr().err
    assert call("export", "--run", run, "--name", "mine", "--out", paths.PACKAGE_DIR / "_shipped" / "pretrained") == 2
    assert "inside the installed package" in capsys.readouterr().err
    assert not (paths.PACKAGE_DIR / "_shipped" / "pretrained" / "mine.npz").exists()


def test_export_to_a_folder_refuses_to_overwrite_unless_forced(tiny_run, tmp_path, capsys):
    out, _ = tiny_run
    folder = tmp_path / "generators"
    assert call("export", "--run", out, "--name", "tiny", "--out", folder) == 0
    first = (folder / "tiny.npz").stat().st_mtime_ns
    assert call("export", "--run", out, "--name", "tiny", "--out", folder) == 2
    assert "already holds an exported generator" in capsys.readouterr().err
    assert (folder / "tiny.npz").stat().st_mtime_ns == first
    assert call("export", "--run", out, "--name", "tiny", "--out", folder, "--force") == 0
    assert json.loads((folder / "manifest.json").read_text())["tiny"]["weights"] == "tiny.npz"
    assert call("sample", "--run", folder / "tiny.npz", "--n", "4", "--out", tmp_path / "t.npy") == 0


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


# -- notebooks and lab: the course outside a checkout ----------------------------------------------

COURSE = sorted(p.name for p in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted(f"{p.stem}.ipynb" for p in (REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py"))


def _cells(path: Path) -> list:
    return json.loads(path.read_text())["cells"]


def test_notebooks_copies_the_course_unpaired_with_the_glossary_beside_it(tmp_path, capsys):
    dest = tmp_path / "course"
    assert COURSE == SOURCES and len(COURSE) >= 7 and call("notebooks", dest) == 0
    out = capsys.readouterr().out
    assert f"copied into {dest}/: " + ", ".join(COURSE + ["glossary.md"]) in out and "lab" in out
    assert sorted(p.name for p in dest.glob("*.ipynb")) == COURSE
    glossary = (REPO / "docs" / "glossary.md").read_text()
    assert (dest / "glossary.md").read_text() == glossary.replace("](../notebooks/", "]("), \
        "the glossary's links to the notebooks point beside it"
    assert 'formats = "ipynb"' in (dest / "jupytext.toml").read_text(), "jupytext is installed here: pair with nothing"
    linked = 0
    for name in COURSE:
        copy = json.loads((dest / name).read_text())
        assert "jupytext" not in copy["metadata"]
        text = (REPO / "notebooks" / name).read_text()
        linked += "](../docs/glossary.md" in text
        course = json.loads(text.replace("](../docs/glossary.md", "](glossary.md"))
        builds = [i for i, c in enumerate(course["cells"]) if "build" in c["metadata"].get("tags", [])]
        assert builds, f"{name} has build cells"
        for i in builds:  # the learner writes each build body; the worked solution stays in the course's notebook
            assert copy["cells"][i]["source"] == cli.empty_build_bodies("".join(course["cells"][i]["source"]))
            assert "...  # your code here" in copy["cells"][i]["source"] and not copy["cells"][i]["outputs"]
        start = next(i for i, c in enumerate(copy["cells"]) if "".join(c["source"]).startswith("## Exercises"))
        assert not any(c.get("outputs") for c in copy["cells"][start:]), "a copy's exercises show no stored result"
        assert any(c.get("outputs") for c in copy["cells"][:start]), "a copy keeps the lesson's outputs"
        assert cli.learner_cells(course["cells"]) == copy["cells"], \
            f"{name}: only the glossary link and the build cells (and their checks' stored verdicts) may change"
        assert "../docs/" not in json.dumps(copy["cells"])
    assert linked >= 5, "the notebooks link to ../docs/glossary.md; the copies must link beside them"


def test_notebooks_never_overwrites_a_file_unless_forced(tmp_path, capsys):
    dest = tmp_path / "course"
    assert call("notebooks", dest) == 0
    mine = dest / COURSE[3]
    mine.write_text("my work")
    (dest / "jupytext.toml").write_text("# mine\n")
    capsys.readouterr()
    assert call("notebooks", dest) == 0
    out = capsys.readouterr().out
    assert mine.read_text() == "my work" and (dest / "jupytext.toml").read_text() == "# mine\n"
    assert "kept in " in out and COURSE[3] in out and "--force" in out and "copied" not in out
    assert "kept " + str(dest / "jupytext.toml") in out
    assert call("notebooks", dest, "--force") == 0
    assert _cells(mine) and 'formats = "ipynb"' in (dest / "jupytext.toml").read_text()


def test_notebooks_strips_a_jupytext_pairing_and_skips_the_config_without_jupytext(tmp_path, monkeypatch):
    source = tmp_path / "src" / "00_paired.ipynb"
    source.parent.mkdir()
    nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "see the [glossary](../docs/glossary.md)"}],
          "metadata": {"jupytext": {"formats": "ipynb,src//py:percent"}, "kernelspec": {"name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    source.write_text(json.dumps(nb))
    monkeypatch.setattr(cli, "course_files", lambda: ([source], []))
    find_spec = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name, *a: None if name == "jupytext" else find_spec(name, *a))
    assert call("notebooks", tmp_path / "out") == 0
    copy = json.loads((tmp_path / "out" / "00_paired.ipynb").read_text())
    assert copy["metadata"] == {"kernelspec": {"name": "python3"}}
    assert copy["cells"][0]["source"] == "see the [glossary](glossary.md)"
    assert not (tmp_path / "out" / "jupytext.toml").exists(), "no jupytext, nothing to pair: no config"


def test_installed_notebooks_come_from_the_package(tmp_path, monkeypatch, capsys):
    package = tmp_path / "site" / "gan_utils"
    (package / "_notebooks").mkdir(parents=True)
    (package / "_docs").mkdir()
    (package / "_notebooks" / "00_only.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (package / "_docs" / "glossary.md").write_text("# Glossary\n")
    monkeypatch.setattr(paths, "in_checkout", lambda: False)
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    assert call("notebooks", tmp_path / "course") == 0
    assert sorted(p.name for p in (tmp_path / "course").iterdir()) == ["00_only.ipynb", "glossary.md", "jupytext.toml"]
    assert call("notebooks", package / "_notebooks") == 2
    assert "inside the installed package" in capsys.readouterr().err
    (package / "_notebooks" / "00_only.ipynb").unlink()
    assert call("notebooks", tmp_path / "other") == 1
    assert "installed without them" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["notebooks"], "the following arguments are required: DEST"),
    (["notebooks", "pyproject.toml"], "exists and is not a folder"),
    (["notebooks", "notebooks"], "the course's own notebooks"),
    (["lab", "--port", "70000"], "must be a port in 1..65535"),
    (["lab", "README.md"], "exists and is not a folder"),
])
def test_notebooks_and_lab_refuse_bad_folders_with_exit_2(args, message):
    rc, imported, stderr = cli_without_tensorflow(*args)
    assert rc == 2 and message in stderr and not imported, stderr


class FakeJupyterLab:
    """Stands in for subprocess.Popen: records the command, checks the copies exist when it starts, exits with `code`."""

    started: list = []
    code = 3
    interrupts = 0

    def __init__(self, command, cwd=None):
        notebook_dir = Path(command[3].split("=", 1)[1])
        assert sorted(p.name for p in notebook_dir.glob("*.ipynb")) == COURSE, "copy first, then start JupyterLab"
        FakeJupyterLab.started.append((command, Path(cwd)))

    def wait(self):
        if FakeJupyterLab.interrupts:
            FakeJupyterLab.interrupts -= 1
            raise KeyboardInterrupt
        return FakeJupyterLab.code


@pytest.fixture
def fake_lab(monkeypatch):
    FakeJupyterLab.started = []
    FakeJupyterLab.interrupts = 0
    monkeypatch.setattr(cli.subprocess, "Popen", FakeJupyterLab)
    return FakeJupyterLab


def test_lab_copies_what_is_missing_then_runs_jupyterlab_and_exits_with_its_code(tmp_path, fake_lab, capsys):
    dest = tmp_path / "course"
    dest.mkdir()
    (dest / COURSE[0]).write_text("{}")
    assert call("lab", dest, "--port", "8890") == 3
    ((command, cwd),) = fake_lab.started
    assert command == [sys.executable, "-m", "jupyterlab", f"--notebook-dir={dest.resolve()}", "--port=8890"]
    assert cwd == dest and (dest / COURSE[0]).read_text() == "{}", "a notebook already there is kept"
    out = capsys.readouterr().out
    assert "copied into" in out and "kept in" in out and "starting JupyterLab" in out


def test_lab_defaults_to_a_folder_in_the_current_one_and_waits_through_ctrl_c(tmp_path, monkeypatch, fake_lab):
    monkeypatch.chdir(tmp_path)
    fake_lab.code, fake_lab.interrupts = 0, 1
    assert call("lab") == 0, "Ctrl-C reaches JupyterLab too: lab waits for it to stop"
    ((command, cwd),) = fake_lab.started
    assert cwd == cli.LAB_FOLDER and command[3] == f"--notebook-dir={tmp_path / cli.LAB_FOLDER}"
    assert len(command) == 4, "no --port unless given"


def test_lab_without_jupyterlab_says_what_to_install_and_writes_nothing(tmp_path, monkeypatch, fake_lab, capsys):
    find_spec = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec",
                        lambda name, *a: None if name == "jupyterlab" else find_spec(name, *a))
    assert call("lab", tmp_path / "course") == 1
    assert 'pip install "gan-utils[notebooks]"' in capsys.readouterr().err
    assert not (tmp_path / "course").exists() and not fake_lab.started


# -- --model ddpm: the diffusion model (gu.diffusion) from the command line -------------------------

@pytest.fixture(scope="module")
def ddpm_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli-ddpm") / "run"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        rc = call("train", "--model", "ddpm", "--steps", "3", "--source", "embedded", "--samples", "40",
                  "--sampler-steps", "2", "--batch-size", "16", "--seed", "3", "--out", out)
    assert rc == 0, stderr.getvalue()
    return out


def test_train_ddpm_writes_a_run_folder_and_resumes(ddpm_run, capsys):
    out = ddpm_run
    for name in ("diffusion.npz", "config.json", "history.csv", "samples.png", "metrics.json"):
        assert (out / name).is_file(), name
    assert not (out / "checkpoint.npz").exists()
    config = json.loads((out / "config.json").read_text())
    assert config["config"]["model"] == "ddpm" and config["step"] == 3
    assert config["settings"]["batch_size"] == 16 and config["settings"]["seed"] == 3
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["steps"] == 3 and metrics["evaluations_per_sample"] == 2 and metrics["sampler"] == "ddim"
    assert metrics["n_samples"] == 40 and "frechet_distance" in metrics and metrics["sample_ms_per_1000"] > 0
    assert (out / "history.csv").read_text().splitlines()[0] == "step,loss,time"
    assert len((out / "history.csv").read_text().splitlines()) == 4
    assert call("train", "--model", "ddpm", "--steps", "1", "--source", "embedded", "--out", out) == 2
    assert "already holds a trained run" in capsys.readouterr().err
    assert call("train", "--resume", "--out", out, "--steps", "2", "--samples", "20", "--sampler-steps", "1") == 0
    assert "resuming" in capsys.readouterr().out
    assert json.loads((out / "config.json").read_text())["step"] == 5
    assert [int(line.split(",")[0]) for line in (out / "history.csv").read_text().splitlines()[1:]] == [1, 2, 3, 4, 5]
    assert json.loads((out / "config.json").read_text())["settings"]["batch_size"] == 16, "resume keeps the settings"
    assert call("train", "--resume", "--out", out, "--steps", "1", "--batch-size", "8") == 2
    assert "--batch-size 8 but the run has 16" in capsys.readouterr().err


def test_sample_and_export_a_ddpm_run_then_sample_it_by_name(ddpm_run, tmp_path, monkeypatch, capsys):
    from gan_utils.engine import pretrained

    out = ddpm_run
    npy = tmp_path / "ddpm.npy"
    assert call("sample", "--run", out, "--n", "5", "--sampler-steps", "2", "--seed", "1", "--out", npy) == 0
    first = np.load(npy)
    assert first.shape == (5, 28, 28) and first.dtype == np.uint8 and (tmp_path / "ddpm.png").is_file()
    assert call("sample", "--run", out, "--n", "8", "--out", npy, "--label", "3") == 2
    assert "unconditional" in capsys.readouterr().err
    assert call("sample", "--run", out, "--n", "2", "--sampler-steps", "1001", "--out", npy) == 1
    assert "steps must be" in capsys.readouterr().err
    folder = tmp_path / "shipped"
    assert call("export", "--run", out, "--name", "tiny_ddpm", "--out", folder) == 0
    entry = json.loads((folder / "manifest.json").read_text())["tiny_ddpm"]
    assert entry["kind"] == "diffusion" and entry["source_run"] == str(out) and "frechet_distance" in entry
    monkeypatch.setattr(pretrained, "pretrained_dir", lambda: folder)
    assert pretrained.pretrained_names() == [] and pretrained.pretrained_names("diffusion") == ["tiny_ddpm"]
    assert call("sample", "--pretrained", "tiny_ddpm", "--n", "5", "--sampler-steps", "2", "--seed", "1",
                "--out", npy) == 0
    assert np.array_equal(np.load(npy), first), "the exported model draws what its run drew (same seed)"
    assert call("sample", "--help") == 0
    assert "diffusion model (DDIM, --sampler-steps): tiny_ddpm" in " ".join(capsys.readouterr().out.split())


def test_sampler_steps_is_refused_for_a_gan(tiny_run, tmp_path, capsys):
    out, _ = tiny_run
    assert call("sample", "--run", out, "--n", "4", "--sampler-steps", "3", "--out", tmp_path / "x.npy") == 2
    assert "is not a diffusion model" in capsys.readouterr().err


def test_r1_and_r2_reach_the_trainer_and_resume_keeps_them(tmp_path, capsys):
    out = tmp_path / "r3gan"
    assert call("train", "--model", "mlp", "--loss", "relativistic", "--r1", "0.5", "--r2", "0.25", "--steps", "2",
                "--source", "embedded", "--samples", "50", "--out", out) == 0
    settings = json.loads((out / "config.json").read_text())["settings"]
    assert (settings["loss"], settings["r1_weight"], settings["r2_weight"]) == ("relativistic", 0.5, 0.25)
    assert call("train", "--resume", "--out", out, "--steps", "1", "--r1", "1") == 2
    assert "--r1 1.0 but the run has 0.5" in capsys.readouterr().err
    assert call("train", "--resume", "--out", out, "--steps", "1", "--r2", "0.25", "--samples", "50") == 0
    assert call("train", "--help") == 0
    blocks = option_blocks(capsys.readouterr().out)
    assert "R3GAN" in blocks["--r1"] and "(default: 0, off)" in blocks["--r2"]
