"""Issue #10, the cases other test files do not cover: interrupts, lr 10, widget abuse, bad arguments, security.

TESTING.md maps every case of the issue to its test; this file holds the ones that were missing.
Everything trains the smallest model there is (an MLP with 8 hidden units on 64 random images).
"""
from __future__ import annotations

import ast
import asyncio
import re
import signal

import numpy as np
import pytest

from conftest import REPO
from gan_utils import checkpoints as C
from gan_utils import losses as L
from gan_utils import models as M
from gan_utils import toy
from gan_utils import training as T
from gan_utils.widgets.dashboard import TrainingDashboard
from gan_utils.widgets.gradient_descent import GradientDescentExplorer
from gan_utils.widgets.toy_dashboard import ToyDashboard
from gan_utils.engine.training import GANTrainer, TrainingDiverged
from test_cli import cli_without_tensorflow

N = 64
HANG_GUARD = 60  # seconds: a stuck Play loop fails the test instead of hanging the suite


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(-1, 1, (N, 28, 28, 1)).astype(np.float32)


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "runs"))
    return tmp_path / "runs"


def tiny(images, **kwargs) -> GANTrainer:
    return GANTrainer("mlp", images, hidden=8, batch_size=8, n_fixed=16, **kwargs)


def state(trainer) -> dict:
    return trainer.state()[0]


def same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def consistent(trainer) -> bool:
    h = trainer.history
    return trainer.step_count == len(h["step"]) == (h["step"][-1] if h["step"] else 0)


def losses(trainer) -> list:
    return list(zip(trainer.history["d_loss"], trainer.history["g_loss"]))


# ----- interrupted work ----------------------------------------------------------------------
def test_ctrl_c_during_fit_finishes_the_step_and_resume_matches_an_uninterrupted_run(images, tmp_path, capsys):
    reference = tiny(images).fit(steps=12, progress=False)
    trainer = tiny(images)
    real, calls = trainer._steps["both"], [0]

    def step_hit_by_ctrl_c():
        calls[0] += 1
        if calls[0] == 4:
            signal.raise_signal(signal.SIGINT)  # arrives in the middle of step 4
        return real()

    trainer._steps["both"] = step_hit_by_ctrl_c
    trainer.fit(steps=12, progress=False)
    assert capsys.readouterr().out.strip() == "interrupted at step 4"
    assert trainer.step_count == 4 and consistent(trainer), "the step in flight must complete, then stop"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    trainer._steps["both"] = real
    trainer.save(tmp_path)
    trainer.fit(steps=8, progress=False)
    resumed = GANTrainer.restore(tmp_path, images).fit(steps=8, progress=False)
    for run in (trainer, resumed):
        assert run.step_count == 12 and consistent(run)
        assert losses(run) == losses(reference) and same_state(state(run), state(reference))


def test_a_second_ctrl_c_stops_at_once_and_leaves_a_whole_step(images, capsys):
    reference = tiny(images).fit(steps=3, progress=False)
    trainer = tiny(images)
    real, calls = trainer._steps["both"], [0]

    def step_hit_twice():
        calls[0] += 1
        if calls[0] == 4:
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)  # the impatient second press raises right here
        return real()

    trainer._steps["both"] = step_hit_twice
    trainer.fit(steps=12, progress=False)
    assert capsys.readouterr().out.strip() == "interrupted at step 3"
    assert consistent(trainer) and same_state(state(trainer), state(reference))
    trainer._steps["both"] = real
    assert trainer.step()["step"] == 4


def test_ctrl_c_during_checkpoint_save_keeps_the_previous_checkpoint(images, tmp_path, monkeypatch):
    trainer = tiny(images)
    trainer.step(3)
    trainer.save(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    trainer.step(2)

    def interrupted(file, arrays):
        file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(C, "_write_arrays", interrupted)
    with pytest.raises(KeyboardInterrupt):
        trainer.save(tmp_path)
    monkeypatch.undo()
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert after == before, "the previous checkpoint must survive byte for byte, with no temporary file left"
    restored = GANTrainer.restore(tmp_path, images)
    assert restored.step_count == 3 and consistent(restored)
    restored.step(2)
    assert losses(restored) == losses(trainer), "resume from the surviving checkpoint repeats steps 4 and 5"
    assert trainer.save(tmp_path).is_file() and GANTrainer.restore(tmp_path, images).step_count == 5


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("boom")], ids=["ctrl_c", "exception"])
def test_an_interrupt_during_play_stops_it_shows_it_and_step_works_after(images, runs, error):
    trainer = tiny(images)
    dash = TrainingDashboard(trainer, update_every=5, score_every=0)
    real, calls = trainer.step, [0]

    def flaky(n=1, mode="both"):
        calls[0] += 1
        if calls[0] == 3:
            raise error
        return real(n, mode=mode)

    trainer.step = flaky

    async def play_until_stopped():
        assert dash.play()
        await asyncio.wait_for(dash.wait(), HANG_GUARD)

    try:
        asyncio.run(play_until_stopped())
    except KeyboardInterrupt:  # would also stop a Jupyter kernel's event loop
        pytest.fail("a KeyboardInterrupt in a Play step escaped the Play loop")
    assert not dash.playing and dash.play_button.value is False
    assert trainer.step_count == 10 and consistent(trainer)
    assert type(error).__name__ in dash.errors.widget.value
    if isinstance(error, KeyboardInterrupt):
        assert "Stopped at step 10" in dash.errors.widget.value
    calls[0] = 2
    try:
        dash.step100_button.click()  # interrupted in a button: shown, not raised
    except KeyboardInterrupt:
        pytest.fail("a KeyboardInterrupt in a button callback escaped the dashboard")
    assert trainer.step_count == 10 and type(error).__name__ in dash.errors.widget.value
    trainer.step = real
    dash.step_button.click()
    assert trainer.step_count == 11 and consistent(trainer) and "step 11" in dash.status.value

    async def play_a_little():
        assert dash.play()
        for _ in range(3):
            await asyncio.sleep(0)
        dash.pause()
        await asyncio.wait_for(dash.wait(), HANG_GUARD)

    asyncio.run(play_a_little())
    assert trainer.step_count > 11 and consistent(trainer) and not dash.playing


# ----- divergence ----------------------------------------------------------------------------
@pytest.mark.parametrize("loss", L.LOSSES)
def test_learning_rate_10_is_stopped_within_a_few_steps_and_rolled_back(images, loss):
    trainer = tiny(images, loss=loss)
    trainer.step(5)
    kept = state(trainer)
    trainer.lr_g = trainer.lr_d = 10.0
    with pytest.raises(TrainingDiverged, match=r"lr_g=10, lr_d=10.*rolled back to step 5") as caught:
        trainer.fit(steps=200, progress=False)
    diverged_at = int(re.search(r"diverged at step (\d+)", str(caught.value)).group(1))
    assert diverged_at <= 5 + 5, f"lr 10 ran {diverged_at - 5} steps before it was stopped"
    assert trainer.step_count == 5 and trainer.history["step"] == [1, 2, 3, 4, 5]
    assert same_state(state(trainer), kept), "the kept weights are those from before the divergence"
    assert all(abs(v) <= T.LOSS_LIMIT for key in ("d_loss", "g_loss") for v in trainer.history[key])
    trainer.lr_g = trainer.lr_d = 2e-4
    assert np.isfinite(trainer.step()["d_loss"]) and consistent(trainer)


def test_learning_rate_10_on_the_dashboard_pauses_and_restores(images, runs):
    trainer = tiny(images)
    dash = TrainingDashboard(trainer, update_every=5, score_every=0)
    dash.step(3)
    dash.lr_g_slider.value = dash.lr_d_slider.value = 10.0
    assert dash.step(20) is None and dash.diverged
    assert "DIVERGED" in dash.status.value and dash.restore_button.layout.display is None
    assert trainer.step_count == 3 and consistent(trainer)
    dash.restore_button.click()
    assert dash.diverged is None and trainer.lr_g == pytest.approx(2e-4) and trainer.lr_d == pytest.approx(2e-4)
    assert dash.lr_d_slider.value == pytest.approx(2e-4) and dash.step(2)["step"] == 5


# ----- corrupt or wrong files leave the previous good state untouched ------------------------
def test_a_failed_load_leaves_trainer_and_dashboard_untouched(images, runs, tmp_path):
    trainer = tiny(images)
    dash = TrainingDashboard(trainer, score_every=0)
    dash.step(4)
    dash.save()
    checkpoint = runs / "03_dashboard" / "checkpoint.npz"
    other = tmp_path / "other"
    GANTrainer("mlp", images, hidden=16, batch_size=8, latent_dim=20).save(other)
    dash.step(2)
    kept, history = state(trainer), {k: list(v) for k, v in trainer.history.items()}
    for bad in (other, None):
        if bad is None:
            checkpoint.write_bytes(checkpoint.read_bytes()[:1000])  # truncated
            dash.load_button.click()
            assert "checkpoint.npz" in dash.errors.widget.value and "corrupt" in dash.errors.widget.value
        else:
            with pytest.raises(ValueError, match=r"other.checkpoint\.npz.*hidden: checkpoint 16, trainer 8"):
                trainer.load(bad)
        assert same_state(state(trainer), kept) and trainer.history == history and trainer.step_count == 6
    assert dash.step(1)["step"] == 7


# ----- widgets under abuse -------------------------------------------------------------------
def watch_overlaps(obj, name: str) -> list:
    """Wrap obj.name so each call records how many calls were active at once."""
    real, active, seen = getattr(obj, name), [0], []

    def watched(*args, **kwargs):
        active[0] += 1
        seen.append(active[0])
        try:
            return real(*args, **kwargs)
        finally:
            active[0] -= 1

    setattr(obj, name, watched)
    return seen


async def abuse(dash, play_button, loop, actions: dict, clicks: int = 100) -> int:
    """Toggle Play `clicks` times, doing actions[k]() every k-th click; return the most loop tasks alive at once."""
    tasks, most_alive = set(), 0
    for i in range(clicks):
        play_button.value = not play_button.value
        for every, action in actions.items():
            if i % every == 0:
                action(i)
        tasks.add(loop._task)
        most_alive = max(most_alive, sum(not t.done() for t in tasks - {None}))
        await asyncio.sleep(0)
    play_button.value = True
    for _ in range(3):
        await asyncio.sleep(0)
    play_button.value = False
    await asyncio.wait_for(loop.wait(), HANG_GUARD)
    return most_alive


def test_training_dashboard_under_abuse(images, runs):
    trainer = tiny(images)
    dash = TrainingDashboard(trainer, update_every=1, score_every=0)
    overlaps = watch_overlaps(trainer, "step")
    lrs, losses_ = (1e-4, 2e-4, 5e-4), ("hinge", "non_saturating")
    actions = {
        3: lambda i: dash.step_button.click(),
        5: lambda i: setattr(dash.lr_g_slider, "value", lrs[i % 3]),
        7: lambda i: setattr(dash.d_steps_slider, "value", 1 + i % 2),
        11: lambda i: dash.step10_button.click(),
        13: lambda i: setattr(dash.update_dropdown, "value", (1, 5)[i % 2]),
        17: lambda i: dash.reset_button.click(),  # Reset while playing
        40: lambda i: setattr(dash.loss_dropdown, "value", losses_[i % 2]),  # recompiles: keep it rare
    }
    most_alive = asyncio.run(abuse(dash, dash.play_button, dash.loop, actions))
    assert most_alive <= 1, "a second Play loop was started"
    assert max(overlaps) == 1, "two training steps ran at once"
    assert dash.errors.widget.value == "" and dash.errors.last_error is None
    assert not dash.playing and dash.play_button.value is False
    assert trainer.step_count > 0 and consistent(trainer)
    assert trainer.lr_g == pytest.approx(dash.lr_g_slider.value) and trainer.d_steps == dash.d_steps_slider.value
    assert trainer.loss == dash.loss_dropdown.value and f"step {trainer.step_count}" in dash.status.value


def test_toy_dashboard_under_abuse():
    gan = toy.ToyGAN(widths=(8, 8), batch_size=16, seed=5, k=1)
    dash = ToyDashboard(gan, steps_per_frame=1, n_samples=200, bins=20)
    overlaps = watch_overlaps(gan, "step")
    actions = {
        3: lambda i: dash.step_both.click(),
        5: lambda i: setattr(dash.lr_d_slider, "value", (1e-3, 3e-3)[i % 2]),
        7: lambda i: setattr(dash.k_slider, "value", 1 + i % 2),
        17: lambda i: dash.reset_button.click(),
    }
    most_alive = asyncio.run(abuse(dash, dash.play, dash.loop, actions))
    assert most_alive <= 1 and max(overlaps) == 1
    assert dash.errors.widget.value == "" and not dash.loop.running and dash.play.value is False
    assert gan.step_count == len(gan.history["step"]) == (gan.history["step"] or [0])[-1]
    assert len(dash.output.outputs) == 1 and gan.k == dash.k_slider.value


def test_gradient_descent_explorer_under_abuse():
    explorer = GradientDescentExplorer(lr=0.3, grid=20, play_steps=1)
    overlaps = watch_overlaps(explorer, "step")
    actions = {
        3: lambda i: explorer.step_button.click(),
        5: lambda i: setattr(explorer.lr_slider, "value", (0.1, 0.3)[i % 2]),
        17: lambda i: explorer.reset_button.click(),
    }
    most_alive = asyncio.run(abuse(explorer, explorer.play_button, explorer.loop, actions))
    assert most_alive <= 1 and max(overlaps) == 1
    assert explorer.errors.widget.value == "" and not explorer.diverged and not explorer.playing
    assert explorer.steps == len(explorer.losses) - 1 and f"step {explorer.steps}" in explorer.status.value


# ----- bad arguments, refused before any work starts ------------------------------------------
@pytest.fixture(scope="module")
def untouched(images):
    """One trainer that every bad call below must leave exactly as it was."""
    trainer = tiny(images)
    trainer.step(2)
    return trainer, state(trainer)


@pytest.mark.parametrize("call, match", [
    (lambda t: t.fit(seconds=0), r"seconds.*\(0, inf\).*got 0"),
    (lambda t: t.fit(seconds=-5), r"seconds.*got -5"),
    (lambda t: t.fit(seconds="10"), r"seconds.*got '10'"),
    (lambda t: t.fit(seconds=float("inf")), r"seconds.*got inf"),
    (lambda t: t.fit(steps=-3), r"steps.*>= 1, got -3"),
    (lambda t: t.fit(steps=2.5), r"steps.*got 2.5"),
    (lambda t: t.fit(steps="100"), r"steps.*got '100'"),
    (lambda t: t.fit(steps=True), r"steps.*got True"),
    (lambda t: t.fit(steps=5, callback_every=0), r"callback_every.*got 0"),
    (lambda t: t.step(0), r"n must be an integer >= 1, got 0"),
    (lambda t: t.step(-1), r"n .*got -1"),
    (lambda t: setattr(t, "lr_g", "fast"), r"lr_g.*\(0, inf\).*'fast'"),
    (lambda t: setattr(t, "lr_d", 0), r"lr_d.*got 0"),
    (lambda t: setattr(t, "lr_g", True), r"lr_g.*got True"),
    (lambda t: setattr(t, "lr_d", None), r"lr_d.*got None"),
    (lambda t: setattr(t, "batch_size", N + 1), rf"batch_size.*\[1, {N}\], got {N + 1}"),
    (lambda t: setattr(t, "loss", "lsgan"), r"'lsgan'"),
])
def test_bad_trainer_calls_are_refused_before_any_work(untouched, call, match):
    trainer, before = untouched
    with pytest.raises(ValueError, match=match):
        call(trainer)
    assert trainer.step_count == 2 and same_state(state(trainer), before)


def test_latent_size_that_does_not_match_is_named(images, tmp_path):
    tiny(images).save(tmp_path)
    with pytest.raises(ValueError, match=r"checkpoint\.npz does not match.*latent_dim: checkpoint 100, trainer 20"):
        tiny(images, latent_dim=20).load(tmp_path)
    pair = M.build_gan("mlp", latent_dim=8, hidden=8)
    with pytest.raises(ValueError, match=r"latent_dim=5 but the generator takes z of size 8"):
        GANTrainer(pair, images, latent_dim=5)
    with pytest.raises(ValueError, match=r"batch_size.*\[1, 4\], got 8"):
        GANTrainer.restore(tmp_path, images[:4])  # fewer images than the checkpoint's batch


@pytest.mark.parametrize("kwargs, match", [
    ({"update_every": 0}, r"update_every.*\(1, 5, 10, 25, 50, 100\), got 0"),
    ({"update_every": "10"}, r"update_every.*got '10'"),
    ({"score_every": -1}, r"score_every.*>= 0, got -1"),
    ({"score_every": 1.5}, r"score_every.*got 1.5"),
    ({"score_every": 10, "score_samples": 1}, r"score_samples.*got 1"),
    ({"run_name": ""}, r"run_name.*got ''"),
    ({"lr_range": (0, 10)}, r"lr_range=\(0, 10\)"),
    ({"lr_range": (10, 1e-5)}, r"lr_range=\(10, 1e-05\)"),
    ({"lr_range": ("low", "high")}, r"lr_range=\('low', 'high'\)"),
    ({"lr_range": (1e-5,)}, r"lr_range=\(1e-05,\)"),
])
def test_bad_dashboard_arguments_are_named(untouched, runs, kwargs, match):
    trainer, _ = untouched
    with pytest.raises(ValueError, match=match):
        TrainingDashboard(trainer, **{"score_every": 0, **kwargs})


def test_bad_values_from_dashboard_code_and_controls(untouched, runs):
    trainer, before = untouched
    dash = TrainingDashboard(trainer, score_every=0)
    for n in (-1, "10", 2.5, True):
        with pytest.raises(ValueError, match=re.escape(f"got {n!r}")):
            dash.step(n)
    with pytest.raises(ValueError, match="update_every.*got 3"):
        dash.update_every = 3
    dash._set("lr_g", -1.0)  # what a control delivering a bad value does: shown, not raised
    assert "lr_g" in dash.errors.widget.value and "-1.0" in dash.errors.widget.value
    assert trainer.lr_g == pytest.approx(2e-4) and dash.lr_g_slider.value == pytest.approx(2e-4)
    assert trainer.step_count == 2 and same_state(state(trainer), before)


@pytest.mark.parametrize("args, message", [
    (["train", "--seconds", "0"], "'0' must be a positive number"),
    (["train", "--steps", "-3"], "'-3' must be an integer >= 1"),
    (["train", "--steps", "2.5"], "'2.5' is not an integer"),
    (["train", "--lr-g", "fast"], "'fast' is not a number"),
    (["train", "--lr-d", "-1e-3"], "'-1e-3' must be a positive number"),
    (["train", "--batch-size", "0"], "'0' must be an integer >= 1"),
    (["train", "--d-steps", "0"], "'0' must be an integer >= 1"),
    (["train", "--label-smoothing", "0.7"], "'0.7' must be in [0, 0.5)"),
    (["train", "--seed", "-1"], "'-1' must be an integer >= 0"),
    (["train", "--source", "embedded", "--batch-size", "100000"], "--batch-size 100000 is larger than the 4500"),
    (["sample", "--run", "runs/x", "--out", "x.npy", "--n", "0"], "'0' must be an integer >= 1"),
])
def test_more_bad_command_lines_exit_2_before_tensorflow(args, message, runs):
    rc, imported, stderr = cli_without_tensorflow(*args)
    assert rc == 2, stderr
    assert message in stderr
    assert not imported, "TensorFlow was imported before the arguments were checked"
    assert not runs.exists(), "nothing may be written for a bad command line"


# ----- security and the test budget -----------------------------------------------------------
NETWORK_MODULES = {"socket", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib", "websocket"}


def network_imports(text: str) -> set[str]:
    """Return the network modules one Python source imports."""
    found = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found |= {n.split(".")[0] for n in names} & NETWORK_MODULES
    return found


def test_only_the_data_loader_imports_network_modules():
    sources = sorted((REPO / "gan_utils").rglob("*.py"))
    users = {str(p.relative_to(REPO)): network_imports(p.read_text()) for p in sources}
    assert {path for path, found in users.items() if found} == {"gan_utils/engine/data.py"}
    assert network_imports("import urllib.request\nfrom http import client\nimport numpy\n") == {"urllib", "http"}


def test_make_test_runs_in_fast_mode_with_a_cell_timeout():
    makefile = (REPO / "Makefile").read_text()
    test_recipe = re.search(r"^test:.*\n\t(.*)$", makefile, re.M).group(1)
    assert "GAN_UTILS_FAST=1" in test_recipe and "$(NBVAL)" in test_recipe
    assert re.search(r"^NBVAL :=.*--nbval-cell-timeout=\d+", makefile, re.M)


def test_testing_md_names_existing_tests_and_lists_every_reliability_test():
    table = (REPO / "TESTING.md").read_text()
    named = set(re.findall(r"tests/(test_\w+\.py)::(test_\w+)", table))
    missing = [f"{f}::{name}" for f, name in sorted(named)
               if not re.search(rf"^def {name}\(", (REPO / "tests" / f).read_text(), re.M)]
    assert not missing, f"TESTING.md names tests that do not exist: {missing}"
    for path in sorted((REPO / "tests").glob("test_reliability*.py")):
        for name in re.findall(r"^def (test_\w+)\(", path.read_text(), re.M):
            if name != "test_testing_md_names_existing_tests_and_lists_every_reliability_test":
                assert (path.name, name) in named, f"add {path.name}::{name} to TESTING.md"
