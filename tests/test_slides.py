"""`make slides`: slide types from the sources' markers and rules, and decks that render with no network.

The rule tests are fast and need nothing but the venv. The deck tests build 00_start_here's deck into
a temporary folder beside a link to docs/slides/vendor/ (reveal.js, MathJax, require.js and jQuery,
which `make slides`, `make test` and `make setup` install from the npm registry through
tools/install_web_assets.sh) and open it in headless Debian Chromium, from disk and from a local
web server, with every request to anywhere else aborted and recorded: the title, a MathJax formula
and a figure must show on its first slides. A control deck with nbconvert's default CDN URLs must
fail the same checks. Without npm or Chromium these skip locally and fail under CI=true.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import jupytext
import nbformat
import pytest

from browser_support import require, require_browser
from conftest import REPO, load_tool

slides = load_tool("slides")

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
DECK = "00_start_here"
TITLE = "00 · Start here"
FIRST_SLIDES = 9  # 00 draws its first figure (the digit grid) in section 3, after your build cell
LOAD_S = 120
LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def markdown(source: str, **metadata) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def code(source: str, **metadata) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata=metadata)


@pytest.mark.parametrize("cell, expected", [
    (markdown("# 02 · The GAN objective\n\nA GAN is a game."), "slide"),
    (markdown("## 1. The game"), "slide"),
    (markdown("### The losses\n\n$D$ maximises $V$"), "subslide"),
    (markdown("#### Change 1: the hinge loss"), "subslide"),
    (markdown("**Predict, then run.** Before you run the cell"), "subslide"),
    (markdown("Images are stored as `uint8` arrays of shape $(N, 28, 28)$"), "-"),
    (markdown("## Solutions\n\nOpen the collapsed cells."), "skip"),
    (code("# extra code – on Colab, install gan_utils first\nimport sys"), "skip"),
    (code("import gan_utils as gu\nimport numpy as np\n\ngu.set_seed(0)\nFAST = gu.is_fast()  # extra code – tests"), "skip"),
    (code("import os\nprint(os.cpu_count())"), "-"),
    (code("fig, ax = plt.subplots()"), "-"),
    (code("def f():\n    return 1", tags=["solution"], jupyter={"source_hidden": True}), "skip"),
    (code("x = (  # not Python"), "-"),
    (nbformat.v4.new_raw_cell("raw"), "skip"),
], ids=lambda v: v if isinstance(v, str) else v.source[:24])
def test_rules_give_each_cell_a_slide_type(cell, expected):
    assert slides.slide_type(cell) == expected


def test_text_after_a_result_starts_a_subslide_and_plumbing_is_passed_over():
    nb = nbformat.v4.new_notebook(cells=[
        markdown("## 2. Data"), code("data = load()"), markdown("The next idea."), code("import numpy as np"),
        markdown("Still the same idea."), markdown("More of it.")])
    assert [c.metadata.slideshow.slide_type for c in slides.mark(nb).cells] == \
        ["slide", "-", "subslide", "skip", "-", "-"]


def test_a_marker_overrides_the_rules():
    assert slides.slide_type(markdown("# Title", slideshow={"slide_type": "skip"})) == "skip"
    assert slides.slide_type(code("# extra code – plumbing", slideshow={"slide_type": "fragment"})) == "fragment"
    with pytest.raises(ValueError, match="unknown slide_type"):
        slides.slide_type(markdown("text", slideshow={"slide_type": "sub-slide"}))


def test_a_jupytext_marker_in_the_source_reaches_the_notebook():
    nb = slides.mark(jupytext.reads(
        "# %% [markdown]\n# # Title\n\n"
        '# %% [markdown] slideshow={"slide_type": "skip"}\n# ## A heading kept off the slides\n\n'
        '# %% slideshow={"slide_type": "subslide"}\n# extra code – shown after all\nprint(1)\n\n'
        "# %%\nprint(2)\n", fmt="py:percent"))
    assert [c.metadata.slideshow.slide_type for c in nb.cells] == ["slide", "skip", "subslide", "-"]
    assert slides.mark(nb) == nb, "marking twice changes nothing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_carry_the_slide_types_of_their_sources(path):
    cells = json.loads(path.read_text())["cells"]
    source = slides.mark(jupytext.read(REPO / "notebooks" / "src" / f"{path.stem}.py", fmt="py:percent"))
    types = [c["metadata"].get("slideshow", {}).get("slide_type") for c in cells]
    assert types == [c.metadata.slideshow.slide_type for c in source.cells], \
        f"{path.name}: slide types differ from its source's: run `python tools/notebooks.py build {path.stem}`"
    assert types[0] == "skip" and types.count("slide") >= 4, f"{path.name}: {types}"


def test_a_deck_names_no_url_off_the_machine(tmp_path):
    """Every script, style sheet and module a deck loads is under its vendor folder (here, empty stand-ins)."""
    vendor = tmp_path / "vendor"
    for url in slides.ASSETS.values():
        path = vendor / url.split("?")[0]
        path = path / "dist" / "reveal.js" if path.name == "reveal.js" else path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    html = slides.export(DECK, tmp_path, vendor).read_text()
    loaded = re.findall(r"<script[^>]*\ssrc=\"([^\"]*)\"", html) + re.findall(r"<link[^>]*\shref=\"([^\"]*)\"", html) \
        + re.findall(r"import \w+ from '([^']*)'", html) + re.findall(r"^\s*\"([^\"]+\.js)\",?$", html, re.M)
    assert len(loaded) >= 7, loaded
    off = [u for u in loaded if not (u.startswith("vendor/") or u.startswith("data:text/javascript,"))]
    assert not off, f"the deck loads {off}"
    assert f"<title>{TITLE} slides</title>" in html


# ----- in a browser, with no network --------------------------------------------------------------

def require_assets() -> None:
    """Install the decks' assets with tools/install_web_assets.sh (as `make test` does) when they are missing."""
    if slides.missing_assets() and shutil.which("npm"):
        subprocess.run(["bash", str(REPO / "tools" / "install_web_assets.sh")], check=True, timeout=600)
    require("docs/slides/vendor/", not slides.missing_assets(),
            "`make web-assets` installs it with npm (`sudo apt-get install npm` first)")


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """A folder like docs/slides/: the deck built with the vendored assets, a control deck using CDN URLs, vendor/."""
    require_browser()
    require_assets()
    folder = tmp_path_factory.mktemp("slides")
    (folder / "vendor").symlink_to(slides.VENDOR, target_is_directory=True)
    slides.export(DECK, folder, folder / "vendor")
    from nbconvert import SlidesExporter

    nb = slides.mark(nbformat.read(REPO / "notebooks" / f"{DECK}.ipynb", as_version=4))
    html, _ = SlidesExporter().from_notebook_node(nb, resources={"metadata": {"name": DECK}})
    (folder / "cdn.slides.html").write_text(html, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def server(decks):
    """A local web server on 127.0.0.1 for the decks' folder."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(decks))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in LOCAL_SCHEMES or parsed.hostname in LOCAL_HOSTS


@contextlib.contextmanager
def offline_page(context):
    """A page whose requests off the machine are aborted; yields it with the list of those it tried."""
    tried: list[str] = []
    errors: list[str] = []

    def route(request_route):
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            tried.append(request_route.request.url)
            request_route.abort("internetdisconnected")

    page = context.new_page()
    page.route("**/*", route)
    page.on("request", lambda request: None if is_local(request.url) else tried.append(request.url))
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        yield page, tried, errors
    finally:
        with contextlib.suppress(Exception):
            page.close()


SLIDE_STATE = """() => {
    const reveal = document.querySelector('.reveal');
    const present = list => list.findIndex(s => s.classList.contains('present'));
    const top = [...document.querySelectorAll('.reveal .slides > section')];
    const h = present(top);
    if (h < 0) return {ready: !!(reveal && reveal.classList.contains('ready')), position: null, total: top.length};
    const inner = [...top[h].querySelectorAll(':scope > section')];
    const v = present(inner);
    const slide = v >= 0 ? inner[v] : top[h];
    const shown = e => { const r = e.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top < innerHeight && r.bottom > 0 && r.left < innerWidth && r.right > 0; };
    return {
        ready: reveal.classList.contains('ready'), position: `${h}.${Math.max(v, 0)}`, total: top.length,
        heading: (slide.querySelector('h1, h2, h3') || {textContent: ''}).textContent.replace('\\u00b6', '').trim(),
        formulas: [...slide.querySelectorAll('.MathJax_CHTML, .mjx-chtml, mjx-container')].filter(shown).length,
        raw_tex: /\\$[^$\\s][^$]*\\$/.test([...slide.querySelectorAll('.jp-MarkdownOutput')].map(e => e.innerText).join(' ')),
        figures: [...slide.querySelectorAll('.jp-OutputArea-output img')]
            .filter(img => img.complete && img.naturalWidth > 0 && shown(img)).length,
    };
}"""


def wait(page, check, what: str, timeout_s: float = LOAD_S):
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}; slide: {page.evaluate(SLIDE_STATE)}")
        time.sleep(0.25)


def first_slides(page, url: str, shots: Path, start_s: float = LOAD_S) -> list[dict]:
    """Open a deck and return the state of each of its first slides, once reveal.js and MathJax are done."""
    page.goto(url, timeout=LOAD_S * 1000)
    wait(page, lambda: page.evaluate(SLIDE_STATE)["ready"], "reveal.js to start", start_s)
    wait(page, lambda: page.evaluate("() => !!(window.MathJax && MathJax.Hub && MathJax.Hub.queue"
                                     " && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"
                                     " && document.querySelector('.MathJax_CHTML, .mjx-chtml'))"),
         "MathJax to typeset the deck")
    states = [page.evaluate(SLIDE_STATE)]
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "slide-1.png"))
    for i in range(1, FIRST_SLIDES):
        page.keyboard.press("Space")
        wait(page, lambda: page.evaluate(SLIDE_STATE)["position"] != states[-1]["position"], f"slide {i + 1}", 30)
        page.wait_for_timeout(1000)  # the slide transition
        page.screenshot(path=str(shots / f"slide-{i + 1}.png"))
        states.append(page.evaluate(SLIDE_STATE))
    return states


@pytest.mark.browser
@pytest.mark.parametrize("served", ["file", "http"])
def test_a_deck_renders_its_first_slides_with_no_network(served, decks, server, browser, tmp_path):
    url = (decks / f"{DECK}.slides.html").as_uri() if served == "file" else f"{server}/{DECK}.slides.html"
    with offline_page(browser) as (page, tried, errors):
        states = first_slides(page, url, tmp_path / "screenshots")
    assert not tried, f"the deck tried to reach {tried}"
    assert not errors, f"errors in the page: {errors}"
    assert states[0]["heading"] == TITLE, states[0]
    assert states[0]["total"] >= 6, f"{states[0]['total']} slides"
    assert any(s["formulas"] for s in states), f"no formula rendered on the first {FIRST_SLIDES} slides: {states}"
    assert not any(s["raw_tex"] for s in states), f"TeX left unrendered: {states}"
    assert any(s["figures"] for s in states), f"no figure shown on the first {FIRST_SLIDES} slides: {states}"


@pytest.mark.browser
def test_the_checks_fail_for_a_deck_that_needs_the_network(decks, browser, tmp_path):
    """The control: nbconvert's default deck (reveal.js, MathJax, require.js from CDNs) does not start offline."""
    with offline_page(browser) as (page, tried, _errors):
        with pytest.raises(AssertionError, match="reveal.js to start"):
            first_slides(page, (decks / "cdn.slides.html").as_uri(), tmp_path / "screenshots", start_s=20)
    hosts = {urlparse(u).hostname for u in tried}
    assert {"cdnjs.cloudflare.com", "unpkg.com"} & hosts, tried
