"""The dashboards as stand-alone web apps: apps/*.ipynb, served by Voila (`make app`).

Each app notebook is tiny and stored without outputs; each executes without error in fast mode
(nbclient, no browser). The browser tests (marked `browser`, same Chromium rule as
tests/test_browser.py) open each app's Voila page from one Voila server on a temporary copy of apps/
and press its buttons as a person would, checking that what the button promises shows on the page:
the MNIST dashboard's Play and Pause (the step counter rises, the samples change, the counter stops);
the toy GAN's Step D only / Step G only / Step D+G / Step x10 / Play / Pause / Reset (its step counter
and picture); break-it's Train (a placeholder picture, never a broken-image icon, until the run's
samples, status line and table row arrive); the latent explorer's New digits, a slider and Reset
sliders (its picture and status line). Each also checks the page shows no error. Timeouts are
minutes, never speed assertions.
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from browser_support import (APPS, PAGE_LOAD_S, REPO, RUN_CELLS_S, STEP_RE, UI_S, drag_slider, image_shown, poll,
                             require_browser, voila_server)

APP_NAMES = ["toy_gan", "mnist_dashboard", "break_it", "latent_explorer"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ERROR_RE = re.compile(r"Traceback|There was an error|\b[A-Z]\w*(?:Error|Exception)\b")
SAMPLES_BOX = (0.72, 0.16, 0.99, 0.86)  # the dashboard figure's fixed-noise samples, below their title


def read_app(name: str) -> dict:
    return json.loads((APPS / f"{name}.ipynb").read_text())


def test_apps_folder_holds_one_notebook_per_dashboard():
    assert sorted(p.stem for p in APPS.glob("*.ipynb")) == sorted(APP_NAMES)


@pytest.mark.parametrize("name", APP_NAMES)
def test_app_notebook_is_tiny_and_stored_without_outputs(name):
    nb = read_app(name)
    cells = nb["cells"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3" and "widgets" not in nb["metadata"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    assert 1 <= len(code) <= 2 and len(cells) == len(code) + 1
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), "store the app without outputs"
    assert "import gan_utils as gu" in "".join(code[0]["source"])


@pytest.mark.parametrize("name", APP_NAMES)
def test_app_notebook_executes_in_fast_mode(name, tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("GAN_UTILS_FAST", "1")
    monkeypatch.setenv("GAN_UTILS_OFFLINE", "1")
    monkeypatch.setenv("GAN_UTILS_RUNS_DIR", str(tmp_path / "runs"))
    root = tmp_path / "apps"
    shutil.copytree(APPS, root)
    nb = nbformat.read(root / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(root)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors, f"{name}: {errors}"
    assert not [o for o in outputs if o.get("name") == "stderr" and "Traceback" in o.get("text", "")]
    last = nb.cells[-1].outputs
    assert last and WIDGET_VIEW in last[-1].get("data", {}), f"{name}: the last cell does not show a dashboard"


def test_the_python3_kernel_voila_starts_is_this_venv():
    from jupyter_client.kernelspec import KernelSpecManager

    argv0 = KernelSpecManager().get_kernel_spec("python3").argv[0]
    assert argv0 in ("python", "python3") or Path(argv0).resolve() == Path(sys.executable).resolve(), argv0


def test_voila_is_installed_at_the_pinned_version():
    from importlib.metadata import version

    pins = dict(line.split()[0].split("==") for line in (REPO / "requirements-dev.txt").read_text().splitlines()
                if line.startswith("voila=="))
    assert pins, "voila is not pinned in requirements-dev.txt"
    assert version("voila") == pins["voila"]


def test_make_app_serves_the_apps_folder_and_prints_the_url():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "-o", "venv", "app", "APP_PORT=8899"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "http://localhost:8899/" in out.stdout
    assert re.search(r"\.venv/bin/voila apps/ .*--port=8899", out.stdout), out.stdout


# ----- in a browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    require_browser()
    with voila_server(tmp_path_factory.mktemp("voila")) as server:
        yield server


def wait_for(check, what: str, server, timeout_s: float = UI_S, interval: float = 0.5):
    """Poll check() until it returns something truthy; fail with the Voila log after timeout_s."""
    return poll(check, what, timeout_s, interval, f"; Voila log:\n{server.log_tail()}")


def step_count(page) -> int | None:
    for text in page.locator(".widget-html").all_inner_texts():
        match = STEP_RE.search(text)
        if match:
            return int(match.group(1))
    return None


def samples(page) -> tuple[str, np.ndarray]:
    """The dashboard image's src and the grey pixels of its samples panel."""
    from PIL import Image

    image = page.locator("img.widget-image").first
    src = image.get_attribute("src") or ""
    picture = Image.open(io.BytesIO(image.screenshot(animations="disabled"))).convert("L")
    w, h = picture.size
    box = (int(SAMPLES_BOX[0] * w), int(SAMPLES_BOX[1] * h), int(SAMPLES_BOX[2] * w), int(SAMPLES_BOX[3] * h))
    return src, np.asarray(picture.crop(box), dtype=np.int16)


def toggle(page, label: str):
    return page.locator("button.widget-toggle-button").filter(has_text=re.compile(rf"^\s*{label}\s*$"))


def button(page, label: str):
    return page.locator("button.widget-button").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))


def wait_paused(page, voila, settle_s: float = 3) -> int:
    """Wait until the step counter has not moved for settle_s seconds, check it stays put as long again; return it."""
    settled = {"count": None, "since": time.monotonic()}

    def stopped():
        count = step_count(page)
        if count != settled["count"]:
            settled["count"], settled["since"] = count, time.monotonic()
            return False
        return time.monotonic() - settled["since"] >= settle_s
    wait_for(stopped, "the step counter to stop after Pause", voila)
    time.sleep(settle_s)
    assert step_count(page) == settled["count"], "the step counter moved again after Pause"
    return settled["count"]


def html_text(page, contains: str) -> str | None:
    """The first HTML widget's text that contains `contains` (a status line), or None."""
    return next((t for t in page.locator(".widget-html").all_inner_texts() if contains in t), None)


def page_errors(page, seen: list[str]) -> list[str]:
    """Errors the page shows: error/traceback outputs, Voila's error message, the dashboard's error box, JS errors."""
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    found = [t[:800] for t in outputs if ERROR_RE.search(t)]
    body = page.locator("body").inner_text()
    if "There was an error when executing cell" in body:
        found.append("Voila: there was an error when executing a cell")
    found += [t for t in page.locator(".widget-html").all_inner_texts() if "\u26a0" in t or "DIVERGED" in t]
    return found + [f"page error: {e}" for e in seen]


@contextlib.contextmanager
def app_page(voila, browser, name: str, ready):
    """A page on one app's Voila URL, waited on until `ready(page)` (a locator) is visible; yields (page, JS errors)."""
    page = browser.new_page()
    page.set_default_timeout(UI_S * 1000)
    seen: list[str] = []
    page.on("pageerror", lambda err: seen.append(str(err)))
    try:
        page.goto(voila.app_url(name), timeout=(PAGE_LOAD_S + RUN_CELLS_S) * 1000)
        ready(page).first.wait_for(state="visible", timeout=RUN_CELLS_S * 1000)
        yield page, seen
    finally:
        page.close()


def assert_no_errors(page, seen: list[str], when: str) -> None:
    errors = page_errors(page, seen)
    assert not errors, f"the Voila page shows errors {when}: {errors}"


@pytest.mark.browser
def test_voila_lists_every_app(voila, browser):
    page = browser.new_page()
    try:
        page.goto(voila.url(), timeout=PAGE_LOAD_S * 1000)
        wait_for(lambda: all(f"{n}.ipynb" in page.locator("body").inner_text() for n in APP_NAMES),
                 "Voila's tree page to list every app", voila, PAGE_LOAD_S)
    finally:
        page.close()


@pytest.mark.browser
def test_mnist_dashboard_app_plays_and_pauses_in_voila(voila, browser, tmp_path):
    page = browser.new_page()
    page.set_default_timeout(UI_S * 1000)
    seen: list[str] = []
    page.on("pageerror", lambda err: seen.append(str(err)))

    def shot(label: str) -> None:
        page.screenshot(path=str(tmp_path / f"mnist_dashboard-{label}.png"))

    try:
        page.goto(voila.app_url("mnist_dashboard.ipynb"), timeout=(PAGE_LOAD_S + RUN_CELLS_S) * 1000)
        toggle(page, "Play").first.wait_for(state="visible", timeout=RUN_CELLS_S * 1000)
        start = wait_for(lambda: (step_count(page),) if step_count(page) is not None else None,
                         "the dashboard's status line to show a step count", voila)[0]
        before_src, before = samples(page)
        errors = page_errors(page, seen)
        assert not errors, f"the Voila page shows errors before Play: {errors}"
        shot("1-built")

        toggle(page, "Play").click()
        toggle(page, "Pause").first.wait_for(state="visible")
        playing = wait_for(lambda: (c := step_count(page)) is not None and c > start and c,
                           f"the step counter to rise from {start} while playing", voila, 2 * UI_S)
        wait_for(lambda: (c := step_count(page)) is not None and c > playing,
                 f"the step counter to keep rising past {playing}", voila)

        def samples_changed():
            src, after = samples(page)
            return src != before_src and after.shape == before.shape and int(np.abs(after - before).max()) > 0
        wait_for(samples_changed, "the sample grid to change while playing", voila)
        shot("2-playing")

        toggle(page, "Pause").click()
        toggle(page, "Play").first.wait_for(state="visible")
        paused = wait_paused(page, voila)
        assert paused > playing
        errors = page_errors(page, seen)
        assert not errors, f"the Voila page shows errors: {errors}"
        shot("3-paused")
    finally:
        page.close()


@pytest.mark.browser
def test_toy_gan_app_steps_plays_and_resets_in_voila(voila, browser, tmp_path):
    with app_page(voila, browser, "toy_gan.ipynb", lambda p: button(p, "Step D+G")) as (page, seen):
        frame = page.locator(".widget-output img").first

        def count() -> tuple[int] | None:
            c = step_count(page)
            return (c,) if c is not None else None  # a tuple: step 0 is falsy

        assert wait_for(count, "the toy dashboard's status line to show step 0", voila)[0] == 0
        wait_for(lambda: image_shown(frame), "the toy dashboard's first frame", voila)
        assert_no_errors(page, seen, "before any click")
        for label, steps in (("Step D only", 1), ("Step G only", 1), ("Step D+G", 1), ("Step x10", 10)):
            before, src = step_count(page), frame.get_attribute("src")
            button(page, label).click()
            wait_for(lambda: step_count(page) == before + steps and frame.get_attribute("src") != src,
                     f"{label} to move the step counter from {before} to {before + steps} and redraw", voila)
        page.screenshot(path=str(tmp_path / "toy_gan-1-stepped.png"))

        stepped = step_count(page)
        toggle(page, "Play").click()
        toggle(page, "Pause").first.wait_for(state="visible")
        wait_for(lambda: (c := step_count(page)) is not None and c > stepped + 10,
                 f"the step counter to rise past {stepped + 10} while playing", voila)
        toggle(page, "Pause").click()
        toggle(page, "Play").first.wait_for(state="visible")
        assert wait_paused(page, voila, settle_s=1.5) > stepped + 10

        src = frame.get_attribute("src")
        button(page, "Reset").click()
        wait_for(lambda: step_count(page) == 0 and frame.get_attribute("src") != src,
                 "Reset to bring back step 0 and redraw", voila)
        assert image_shown(frame)
        assert_no_errors(page, seen, "after the clicks")
        page.screenshot(path=str(tmp_path / "toy_gan-2-reset.png"))


@pytest.mark.browser
def test_break_it_app_shows_a_placeholder_then_trains_a_run_in_voila(voila, browser, tmp_path):
    with app_page(voila, browser, "break_it.ipynb", lambda p: toggle(p, "Train")) as (page, seen):
        strip = page.locator("img.widget-image").first
        wait_for(lambda: image_shown(strip), "the sample strip to show a picture (not a broken-image icon) before "
                                              "the first run", voila)
        placeholder = strip.get_attribute("src")
        assert "No runs yet" in page.locator("body").inner_text()
        assert_no_errors(page, seen, "before Train")
        page.screenshot(path=str(tmp_path / "break_it-1-built.png"))

        toggle(page, "Train").click()
        toggle(page, "Stop").first.wait_for(state="visible")
        # the app trains for gu.fast(20, 2) seconds, then measures the run and stops by itself
        finished = wait_for(lambda: (t := html_text(page, "MNIST score")) and "steps in" in t and t,
                            "the run to finish and its scores to show in the status line", voila, RUN_CELLS_S)
        assert finished.startswith("yours: non_saturating"), finished
        toggle(page, "Train").first.wait_for(state="visible")
        wait_for(lambda: strip.get_attribute("src") != placeholder and image_shown(strip),
                 "the strip to show the run's samples", voila)
        assert "yours: non_saturating" in page.locator("table.gan-table").first.inner_text()
        assert "No runs yet" not in page.locator("body").inner_text()
        assert_no_errors(page, seen, "after the run")
        page.screenshot(path=str(tmp_path / "break_it-2-trained.png"))


@pytest.mark.browser
def test_latent_explorer_app_answers_its_buttons_and_sliders_in_voila(voila, browser, tmp_path):
    with app_page(voila, browser, "latent_explorer.ipynb", lambda p: button(p, "New digits")) as (page, seen):
        image = page.locator("img.widget-image").first
        wait_for(lambda: image_shown(image), "the explorer's digits", voila)
        zero = wait_for(lambda: html_text(page, "offsets along the directions"), "the explorer's status line", voila)
        assert "[+0.0, +0.0, +0.0, +0.0]" in zero, zero
        assert_no_errors(page, seen, "before any click")

        src = image.get_attribute("src")
        button(page, "New digits").click()
        wait_for(lambda: image.get_attribute("src") != src and image_shown(image), "New digits to draw new digits", voila)

        src = image.get_attribute("src")
        label = page.locator(".widget-label").filter(has_text=re.compile(r"^\s*direction 1\s*$"))
        drag_slider(page, page.locator(".widget-slider").filter(has=label).first, 60,
                    lambda check, what: wait_for(check, f"the 'direction 1' slider's {what}", voila))
        wait_for(lambda: image.get_attribute("src") != src and "[+0.0," not in html_text(page, "offsets along"),
                 "the slider to move the digits and the status line's first offset", voila)
        page.screenshot(path=str(tmp_path / "latent_explorer-1-moved.png"))

        src = image.get_attribute("src")
        button(page, "Reset sliders").click()
        wait_for(lambda: image.get_attribute("src") != src and "[+0.0, +0.0, +0.0, +0.0]" in html_text(page, "offsets along"),
                 "Reset sliders to bring every offset back to 0", voila)
        assert image_shown(image)
        assert_no_errors(page, seen, "after the clicks")
