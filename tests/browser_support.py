"""Drive the notebooks' dashboards in a real JupyterLab through headless Chromium (Playwright).

Used by tests/test_browser.py and tools/screenshots.py. ``lab_server`` starts JupyterLab from this
Python (the project's venv) on 127.0.0.1 with a free port and a token, on a temporary copy of
notebooks/ (outputs stripped, so running cells never touches the committed notebooks) with its own
config, settings, workspace and runtime folders, and always stops it. ``chromium`` launches Debian's
/usr/bin/chromium (never a browser downloaded by ``playwright install``) with a fresh profile.
``LabNotebook`` opens one notebook, runs the cells up to a marker cell and reads and clicks the
widgets in that cell's output, and checks the page for kernel errors.
``voila_server`` starts Voila the same way (127.0.0.1, a free port, a token, its own folders, always
stopped) on a temporary copy of apps/, the web apps of `make app` (tests/test_apps.py). ``drag_slider``
drags any page's ipywidgets slider with the mouse; ``image_shown`` tells a loaded picture from a
broken-image icon.

Every wait polls with a generous deadline (CI machines are slow and loaded): nothing here asserts
on speed. While waiting, JupyterLab dialogs are answered (and recorded) so they never block a click.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1400, "height": 1000}

# Minutes, not seconds: a loaded 2-core CI runner importing TensorFlow is slow.
SERVER_START_S = 180
PAGE_LOAD_S = 240
RUN_CELLS_S = 900
UI_S = 120

# JupyterLab settings for a quiet, predictable page: no news toast or update check, every cell in
# the DOM (no windowing, so a cell far down the notebook can be found and clicked).
SETTING_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
HIDE_TOASTS_CSS = ".Toastify, .jp-toast-container { display: none !important; }"
STEP_RE = re.compile(r"\bstep\s+(\d+)")


def chromium_available() -> bool:
    return CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)


def require(what: str, available: bool, how: str) -> None:
    """Skip (locally) or fail (CI=true) when something a test needs is missing."""
    import pytest

    if available:
        return
    reason = f"{what} is missing: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def require_browser() -> None:
    """Skip (locally) or fail (CI=true) when Chromium or Playwright is missing."""
    import importlib.util

    require("/usr/bin/chromium", chromium_available(),
            "`make setup` installs it as root on Debian/Ubuntu, else `sudo apt-get install chromium`")
    require("the playwright package", importlib.util.find_spec("playwright") is not None, "run `make setup`")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class KernelDied(AssertionError):
    """The kernel behind a page died: polling stops at once."""


def poll(check, what: str, timeout_s: float = UI_S, interval: float = 0.5, context: str = ""):
    """Call check() until it returns something truthy (errors count as not yet); fail after timeout_s naming what."""
    deadline = time.monotonic() + timeout_s
    last_error = None
    while True:
        try:
            value = check()
            if value:
                return value
        except KernelDied:
            raise
        except Exception as err:  # the page may be between states; keep polling
            last_error = err
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}"
                                 + (f" (last error: {last_error})" if last_error else "") + context)
        time.sleep(interval)


def copy_notebooks(dest: Path) -> Path:
    """Copy notebooks/ to dest with every code cell's outputs and execution count cleared."""
    shutil.copytree(NOTEBOOKS, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for path in dest.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nb.get("metadata", {}).pop("widgets", None)
        path.write_text(json.dumps(nb, indent=1))
    return dest


APPS = REPO / "apps"


class _Server:
    """A Jupyter server process on 127.0.0.1 with a free port, a token and its own folders (subclasses name the command)."""

    what = "server"

    def __init__(self, workdir: Path, root: Path, folders: dict[str, str], fast: bool, extra_env: dict | None):
        self.workdir, self.root = Path(workdir), root
        self.token = secrets.token_hex(16)
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / f"{self.what.lower()}.log"
        self.dirs = {name: self.workdir / folder for name, folder in folders.items()}
        for path in self.dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ)
        self.env.pop("JUPYTER_PATH", None)
        self.env.update({k: str(v) for k, v in self.dirs.items()})
        self.env.update({"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONUNBUFFERED": "1", "GAN_UTILS_OFFLINE": "1"})
        if fast:
            self.env["GAN_UTILS_FAST"] = "1"
        else:
            self.env.pop("GAN_UTILS_FAST", None)
        self.env.update(extra_env or {})

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def command(self) -> list[str]:
        raise NotImplementedError

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url(), timeout=3) as r:
                return r.status == 200
        except OSError:
            return False

    def ask_to_shut_down(self) -> bool:
        """Ask the server to stop by its own API; True if it was asked."""
        return False

    def start(self) -> None:
        for _attempt in range(3):  # a free port can be taken between choosing and binding it
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(self.command(), cwd=self.root, env=self.env, stdout=log,
                                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + SERVER_START_S
            while time.monotonic() < deadline and self.proc.poll() is None:
                if self.answers():
                    return
                time.sleep(0.5)
            if self.proc.poll() is None:
                self.stop()
                raise RuntimeError(f"{self.what} did not answer within {SERVER_START_S} s; log:\n{self.log_tail()}")
            self.proc = None  # it exited (most likely the port was taken): try another port
        raise RuntimeError(f"{self.what} failed to start three times; log:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server and its kernels: politely where it can be asked, then by signal to its process group."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            self.proc = None
            return
        asked = False
        with contextlib.suppress(Exception):
            asked = self.ask_to_shut_down()
        self.proc = None
        steps = ((None, 30),) if asked else ()
        for sig, wait_s in steps + ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            if sig is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue


class LabServer(_Server):
    """A JupyterLab server on a temporary copy of notebooks/ (use ``lab_server``, which always stops it)."""

    what = "JupyterLab"

    def __init__(self, workdir: Path, fast: bool = True, extra_env: dict | None = None):
        super().__init__(workdir, copy_notebooks(Path(workdir) / "notebooks"), {
            "JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
            "JUPYTERLAB_SETTINGS_DIR": "lab-settings", "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
            "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython", "GAN_UTILS_RUNS_DIR": "runs"},
            fast, extra_env)
        labconfig = self.dirs["JUPYTER_CONFIG_DIR"] / "labconfig"
        labconfig.mkdir()
        (labconfig / "default_setting_overrides.json").write_text(
            json.dumps({"default_setting_overrides": SETTING_OVERRIDES}, indent=1))

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.url(path), method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False",
               "--LabApp.expose_app_in_browser=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        return cmd + (["--allow-root"] if os.geteuid() == 0 else [])

    def answers(self) -> bool:
        try:
            self.api("GET", "api/status", timeout=3)
            return True
        except (OSError, ValueError):
            return False

    def ask_to_shut_down(self) -> bool:
        self.api("POST", "api/shutdown", timeout=10)
        return True


class VoilaServer(_Server):
    """Voila serving a temporary copy of apps/, the web apps of `make app` (use ``voila_server``)."""

    what = "Voila"

    def __init__(self, workdir: Path, fast: bool = True, extra_env: dict | None = None):
        root = Path(workdir) / "apps"
        shutil.copytree(APPS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        super().__init__(workdir, root, {
            "JUPYTER_CONFIG_DIR": "jupyter-config", "JUPYTER_DATA_DIR": "jupyter-data",
            "JUPYTER_RUNTIME_DIR": "jupyter-runtime", "IPYTHONDIR": "ipython", "GAN_UTILS_RUNS_DIR": "runs"},
            fast, extra_env)
        self.connection_dir = self.workdir / "connections"
        self.connection_dir.mkdir(exist_ok=True)

    def app_url(self, name: str) -> str:
        """The Voila page of one app notebook, e.g. app_url("mnist_dashboard.ipynb")."""
        return self.url(f"voila/render/{name}")

    def command(self) -> list[str]:
        return [sys.executable, "-m", "voila", str(self.root), "--no-browser", "--Voila.ip=127.0.0.1",
                f"--port={self.port}", "--Voila.port_retries=0", f"--Voila.token={self.token}",
                "--show_tracebacks=True", f"--Voila.connection_dir_root={self.connection_dir}"]


@contextlib.contextmanager
def _serving(server: _Server):
    try:
        server.start()
        yield server
    finally:
        server.stop()


def lab_server(workdir: Path, fast: bool = True, extra_env: dict | None = None):
    """JupyterLab on a copy of notebooks/, stopped however the block ends."""
    return _serving(LabServer(workdir, fast=fast, extra_env=extra_env))


def voila_server(workdir: Path, fast: bool = True, extra_env: dict | None = None):
    """Voila on a copy of apps/, stopped however the block ends."""
    return _serving(VoilaServer(workdir, fast=fast, extra_env=extra_env))


@contextlib.contextmanager
def chromium(workdir: Path):
    """Headless Debian Chromium with a fresh profile in workdir; closed however the block ends."""
    from playwright.sync_api import sync_playwright

    profile = Path(workdir) / "chromium-profile"
    profile.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT)
        try:
            yield context
        finally:
            with contextlib.suppress(Exception):
                context.close()


def drag_slider(page, slider, dx: float, wait=None) -> tuple[str, str]:
    """Drag an ipywidgets slider's handle by dx pixels with the mouse; return its readout before and after.

    `slider` is the slider's locator (its `.widget-slider` box); `wait(check, what)` polls (``poll`` by default).
    """
    wait = wait or (lambda check, what: poll(check, f"the slider's {what}"))
    readout = slider.locator(".widget-readout")
    before = readout.inner_text().strip()
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=5)
    page.mouse.move(x + dx, y, steps=5)
    page.mouse.up()
    after = wait(lambda: (t := readout.inner_text().strip()) != before and t, f"readout to change from {before}")
    return before, after


def image_shown(image) -> bool:
    """Whether an <img> (a locator) has loaded a real picture: complete with a natural width, not a broken-image icon."""
    return image.evaluate("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0")


_PANEL = "const app = window.jupyterapp; const panel = app && app.shell && app.shell.currentWidget;"


class LabNotebook:
    """One notebook open in JupyterLab in a browser page; cells are found by a piece of their source."""

    def __init__(self, context, server: LabServer, name: str, shots: Path | None = None):
        self.server, self.name, self.shots = server, name, shots
        self.dialogs: list[str] = []
        self.page = context.new_page()
        self.page.set_default_timeout(UI_S * 1000)
        self.console_errors: list[str] = []
        self.page.on("pageerror", lambda err: self.console_errors.append(str(err)))

    # ----- waiting -------------------------------------------------------------------------------
    def handle_dialogs(self) -> None:
        """Answer any open JupyterLab dialog with its default button (a kernel choice, for instance)."""
        dialog = self.page.locator(".jp-Dialog")
        if dialog.count() == 0:
            return
        with contextlib.suppress(Exception):
            self.dialogs.append(" ".join(dialog.first.inner_text(timeout=5000).split()))
            button = dialog.first.locator(".jp-Dialog-button.jp-mod-accept")
            if button.count():
                button.first.click(timeout=10_000)
            else:
                self.page.keyboard.press("Escape")

    def kernel_status(self) -> str:
        return self.page.evaluate(f"""() => {{ {_PANEL}
            const k = panel && panel.sessionContext && panel.sessionContext.session
                      && panel.sessionContext.session.kernel;
            return k ? k.status : 'none'; }}""")

    def wait_for(self, check, what: str, timeout_s: float = UI_S, interval: float = 0.5):
        """Poll check() until it returns something truthy; answer dialogs and stop early on a dead kernel."""
        def check_page():
            self.handle_dialogs()
            with contextlib.suppress(Exception):
                if self.kernel_status() == "dead":
                    raise KernelDied(f"{self.name}: the kernel died while waiting for {what}")
            return check()
        return poll(check_page, f"{self.name}: {what}", timeout_s, interval,
                    (f"; dialogs seen: {self.dialogs}" if self.dialogs else "")
                    + f"; screenshots in {self.shots}, server log {self.server.log_path}")

    def wait_kernel_idle(self, timeout_s: float = RUN_CELLS_S) -> None:
        """Wait until the kernel reports idle, twice in a row a second apart."""
        def idle_twice():
            if self.kernel_status() != "idle":
                return False
            time.sleep(1.0)
            return self.kernel_status() == "idle"
        self.wait_for(idle_twice, "the kernel to be idle", timeout_s)

    def _async(self, start_js: str, arg, what: str, timeout_s: float):
        """Start a JS promise (stored in window.__bt), then poll for its result (page.evaluate has no timeout)."""
        self.page.evaluate(f"""(arg) => {{ {_PANEL} window.__bt = null;
            Promise.resolve().then(async () => {{ {start_js} }})
              .then(r => {{ window.__bt = {{ok: true, value: r === undefined ? null : r}}; }},
                    e => {{ window.__bt = {{ok: false, error: String(e && e.stack || e)}}; }}); }}""", arg)
        result = self.wait_for(lambda: self.page.evaluate("() => window.__bt"), what, timeout_s)
        if not result["ok"]:
            raise AssertionError(f"{self.name}: {what} failed in the page: {result['error']}")
        return result["value"]

    # ----- opening and running ------------------------------------------------------------------
    def open(self) -> "LabNotebook":
        # a fresh workspace per page, so JupyterLab does not reopen notebooks an earlier page had open
        workspace = f"browser-test-{secrets.token_hex(4)}"
        self.page.goto(self.server.url(f"lab/workspaces/{workspace}/tree/{self.name}"), timeout=PAGE_LOAD_S * 1000)
        self.page.add_style_tag(content=HIDE_TOASTS_CSS)
        ready = f"""() => {{ {_PANEL}
            return !!(panel && panel.context && panel.context.isReady && panel.content && panel.content.model
                      && panel.context.path.endsWith({json.dumps(self.name)})); }}"""
        self.wait_for(lambda: self.page.evaluate(ready), f"JupyterLab to open {self.name}", PAGE_LOAD_S)
        self.wait_for(lambda: self.kernel_status() == "idle", "the kernel to start", PAGE_LOAD_S)
        return self

    def cell_index(self, marker: str) -> int:
        """Index of the first code cell whose source contains marker; the cell gets a data attribute for locating it."""
        index = self.page.evaluate(f"""(marker) => {{ {_PANEL}
            const cells = panel.content.widgets;
            for (let i = 0; i < cells.length; i++) {{
                const j = cells[i].model.toJSON();
                const src = Array.isArray(j.source) ? j.source.join('') : j.source;
                if (j.cell_type === 'code' && src.includes(marker)) {{
                    cells[i].node.setAttribute('data-browser-test', 'cell-' + i);
                    return i;
                }}
            }}
            return -1; }}""", marker)
        if index < 0:
            raise AssertionError(f"{self.name}: no code cell contains {marker!r}")
        return index

    def cell(self, index: int):
        return self.page.locator(f"[data-browser-test='cell-{index}']")

    def run_through(self, index: int, timeout_s: float = RUN_CELLS_S, before_cell: str | None = None) -> None:
        """Run every cell above cell `index`, then that cell (JupyterLab's own commands), and wait for them.

        `before_cell` is code run in the kernel between the two, e.g. 'gu.display("projector")'.
        """
        self.wait_kernel_idle()
        if index > 0:
            self._async("""const nb = panel.content; nb.activeCellIndex = arg; nb.deselectAll();
                return await app.commands.execute('notebook:run-all-above');""", index,
                f"running cells 0-{index - 1}", timeout_s)
            self.wait_kernel_idle(timeout_s)
        if before_cell:
            self.kernel_exec(before_cell)
        self._async("""const nb = panel.content; nb.activeCellIndex = arg; nb.deselectAll();
            return await app.commands.execute('notebook:run-cell');""", index, f"running cell {index}", timeout_s)
        self.wait_kernel_idle(timeout_s)
        self.assert_no_kernel_errors()
        missing = self.page.evaluate(f"""(n) => {{ {_PANEL}
            return panel.content.widgets.slice(0, n + 1).map((c, i) => [i, c.model.toJSON()])
                .filter(([i, j]) => j.cell_type === 'code' && j.execution_count === null).map(([i]) => i); }}""", index)
        assert not missing, f"{self.name}: cells {missing} were not executed (an earlier cell failed?)"

    def kernel_exec(self, code: str, timeout_s: float = UI_S) -> str:
        """Run code in the notebook's kernel without adding a cell; return its stdout (errors raise)."""
        out = self._async("""
            const kernel = panel.sessionContext.session.kernel;
            const future = kernel.requestExecute({code: arg, silent: false, store_history: false});
            let out = '', err = null;
            future.onIOPub = (msg) => {
                if (msg.header.msg_type === 'stream') out += msg.content.text;
                if (msg.header.msg_type === 'error') err = msg.content.ename + ': ' + msg.content.evalue;
            };
            await future.done;
            if (err) throw new Error(err);
            return out;""", code, f"the kernel to run {code[:60]!r}", timeout_s)
        return out

    # ----- widgets in a cell's output ---------------------------------------------------------
    def button(self, index: int, label: str):
        pattern = re.compile(rf"^\s*{re.escape(label)}\s*$")
        return self.cell(index).locator("button.widget-button, button.widget-toggle-button").filter(has_text=pattern)

    def slider(self, index: int, description: str):
        label = self.page.locator(".widget-label").filter(has_text=re.compile(rf"^\s*{re.escape(description)}\s*$"))
        return self.cell(index).locator(".widget-slider").filter(has=label)

    def texts(self, index: int) -> list[str]:
        return self.cell(index).locator(".widget-html").all_inner_texts()

    def step_count(self, index: int) -> int | None:
        """The step counter shown in the dashboard's status line (the first 'step N' in its HTML widgets)."""
        for text in self.texts(index):
            match = STEP_RE.search(text)
            if match:
                return int(match.group(1))
        return None

    def wait_step(self, index: int, predicate, what: str, timeout_s: float = UI_S) -> int:
        def check():
            count = self.step_count(index)
            return (count,) if count is not None and predicate(count) else None  # a tuple: step 0 is falsy
        return self.wait_for(check, what, timeout_s)[0]

    def image_pixels(self, index: int, selector: str, box: tuple[float, float, float, float]):
        """Pixels of the region box=(left, top, right, bottom), as fractions, of an image in the cell's output."""
        import numpy as np
        from PIL import Image

        png = self.cell(index).locator(selector).first.screenshot(animations="disabled")
        image = Image.open(io.BytesIO(png)).convert("L")
        w, h = image.size
        crop = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        return np.asarray(crop, dtype=np.int16)

    def drag_slider(self, index: int, description: str, dx: float) -> tuple[str, str]:
        """Drag a slider's handle by dx pixels (as a person would); return its readout before and after."""
        return drag_slider(self.page, self.slider(index, description), dx,
                           lambda check, what: self.wait_for(check, f"the {description!r} slider's {what}"))

    # ----- checks ---------------------------------------------------------------------------------
    def assert_no_kernel_errors(self, dashboard: int | None = None) -> None:
        """No error output in any cell, no 'Traceback' on the page, the kernel alive, the dashboard's error box empty."""
        errors = self.page.evaluate(f"""() => {{ {_PANEL}
            const found = [];
            panel.content.widgets.forEach((c, i) => {{
                const j = c.model.toJSON();
                for (const o of (j.outputs || [])) {{
                    if (o.output_type === 'error') found.push(`cell ${{i}}: ${{o.ename}}: ${{o.evalue}}`);
                }}
            }});
            return found; }}""")
        assert not errors, f"{self.name}: error outputs: {errors}"
        outputs = " ".join(self.page.locator(".jp-OutputArea-output").all_inner_texts())
        assert "Traceback" not in outputs, f"{self.name}: a traceback is shown: ...{outputs[outputs.find('Traceback'):][:800]}"
        status = self.kernel_status()
        assert status not in ("dead", "unknown", "none"), f"{self.name}: kernel status is {status!r}"
        if dashboard is not None:
            shown = [t for t in self.texts(dashboard) if "\u26a0" in t or "DIVERGED" in t]
            assert not shown, f"{self.name}: the dashboard reports an error: {shown}"

    def screenshot(self, label: str) -> Path | None:
        if self.shots is None:
            return None
        self.shots.mkdir(parents=True, exist_ok=True)
        path = self.shots / f"{Path(self.name).stem}-{label}.png"
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(path), timeout=30_000)
        return path

    def shutdown_kernel(self) -> None:
        """Stop this notebook's kernel (frees the CPU and memory before the next notebook)."""
        with contextlib.suppress(Exception):
            for session in self.server.api("GET", "api/sessions") or []:
                if session.get("path", "").endswith(self.name):
                    req = urllib.request.Request(self.server.url(f"api/sessions/{session['id']}"), method="DELETE")
                    urllib.request.urlopen(req, timeout=30).close()

    def close(self) -> None:
        self.shutdown_kernel()
        with contextlib.suppress(Exception):
            self.page.close()
