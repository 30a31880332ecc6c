"""The dashboards as stand-alone web apps: apps/*.ipynb, served by Voila (`make app`).

Each app notebook is tiny and stored without outputs; each executes without error in fast mode
(nbclient, no browser). The browser test (marked `browser`, same Chromium rule as
tests/test_browser.py) opens the MNIST dashboard's Voila page from a Voila server on a temporary copy
of apps/, clicks Play, sees the step counter rise and the samples change, clicks Pause, sees the
counter stop, and checks the page shows no error. Timeouts are minutes, never speed assertions.
"""
from __future__ import annotations

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

from browser_support import APPS, PAGE_LOAD_S, REPO, RUN_CELLS_S, STEP_RE, UI_S, poll, require_browser, voila_server

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

    pins = dict(line.split("==") for line in (REPO / "requirements.txt").read_text().splitlines()
                if line.startswith("voila=="))
    assert pins, "voila is not pinned in requirements.txt"
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


def page_errors(page, seen: list[str]) -> list[str]:
    """Errors the page shows: error/traceback outputs, Voila's error message, the dashboard's error box, JS errors."""
    outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
    found = [t[:800] for t in outputs if ERROR_RE.search(t)]
    body = page.locator("body").inner_text()
    if "There was an error when executing cell" in body:
        found.append("Voila: there was an error when executing a cell")
    found += [t for t in page.locator(".widget-html").all_inner_texts() if "\u26a0" in t or "DIVERGED" in t]
    return found + [f"page error: {e}" for e in seen]


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
        settled = {"count": None, "since": time.monotonic()}

        def stopped():
            count = step_count(page)
            if count != settled["count"]:
                settled["count"], settled["since"] = count, time.monotonic()
                return False
            return time.monotonic() - settled["since"] >= 3
        wait_for(stopped, "the step counter to stop after Pause", voila)
        paused = settled["count"]
        time.sleep(3)
        assert step_count(page) == paused, "the step counter moved again after Pause"
        assert paused > playing
        errors = page_errors(page, seen)
        assert not errors, f"the Voila page shows errors: {errors}"
        shot("3-paused")
    finally:
        page.close()
