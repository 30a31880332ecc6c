"""Refresh the README's screenshots: docs/dashboard.png (notebook 03's training dashboard, mid-training)
and docs/toy_gan.png (notebook 02's toy GAN), taken in a real JupyterLab in headless Chromium.
With --projector, the same two dashboards built after `gu.display("projector")` (the instructor's
guide shows them): docs/projector_dashboard.png and docs/projector_toy_gan.png.

    python tools/screenshots.py [--seconds 60] [--out docs] [--projector]   (what `make screenshots` runs)

Same machinery as tests/test_browser.py: JupyterLab from this venv on a temporary copy of the
notebooks (fast mode, news notification off), Debian's /usr/bin/chromium, real clicks on Play and
Pause. The MNIST dashboard starts from the pretrained generator when data/pretrained/dcgan.npz
exists (a short Play then shows it training on); otherwise it plays --seconds of training first.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import LabNotebook, chromium, chromium_available, lab_server  # noqa: E402

VIEW_BOTTOM = 990
PRETRAINED = ROOT / "data" / "pretrained" / "dcgan.npz"
LOAD_PRETRAINED = """
generator = gu.load_pretrained("dcgan")
for model in (trainer.generator, trainer.ema_generator):
    if model is not None:
        model.set_weights(generator.get_weights())
dash.redraw()
print("pretrained")
"""


def save_png(png: bytes, path: Path) -> None:
    """Write a screenshot, palette-quantised (a quarter of the size, no visible change for these plots)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({image.width}x{image.height})")


def prepare(nb: LabNotebook) -> None:
    """Collapse the file browser so the notebook gets the page's width."""
    nb.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")


def play_for(nb: LabNotebook, index: int, seconds: float) -> None:
    start = nb.wait_step(index, lambda c: True, "the step counter")
    nb.button(index, "Play").click()
    nb.button(index, "Pause").first.wait_for(state="visible")
    nb.wait_step(index, lambda c: c > start, "training to start")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        nb.handle_dialogs()
        time.sleep(1)


def pause(nb: LabNotebook, index: int) -> None:
    nb.button(index, "Pause").click()
    nb.button(index, "Play").first.wait_for(state="visible")
    nb.wait_kernel_idle()


def shoot_cell(nb: LabNotebook, index: int) -> bytes:
    nb.page.evaluate(f"""() => {{ const nb = window.jupyterapp.shell.currentWidget.content;
        nb.activeCellIndex = Math.min({index} + 1, nb.widgets.length - 1); nb.deselectAll();
        if (document.activeElement) document.activeElement.blur(); }}""")  # no focus frames
    nb.page.mouse.move(5, VIEW_BOTTOM)  # no hover highlight on a button
    cell = nb.cell(index)
    cell.scroll_into_view_if_needed()
    time.sleep(1)  # let the last image update paint
    return cell.screenshot(animations="disabled")


PROJECTOR = 'gu.display("projector")'


def mnist_dashboard(context, server, out: Path, seconds: float, projector: bool = False) -> None:
    nb = LabNotebook(context, server, "03_mnist_gan.ipynb").open()
    try:
        prepare(nb)
        i = nb.cell_index("gu.TrainingDashboard(")
        nb.run_through(i, before_cell=PROJECTOR if projector else None)
        nb.button(i, "Play").first.wait_for(state="visible")
        if PRETRAINED.exists():
            try:
                nb.kernel_exec(LOAD_PRETRAINED)
                seconds = min(seconds, 10)
            except AssertionError as err:
                print(f"could not load the pretrained generator ({err}); training from scratch instead")
        play_for(nb, i, seconds)
        png = shoot_cell(nb, i)  # mid-training: Play is on
        pause(nb, i)
        nb.assert_no_kernel_errors(dashboard=i)
        save_png(png, out / ("projector_dashboard.png" if projector else "dashboard.png"))
    finally:
        nb.close()


def toy_gan(context, server, out: Path, seconds: float, projector: bool = False) -> None:
    nb = LabNotebook(context, server, "02_gan_objective.ipynb").open()
    try:
        prepare(nb)
        i = nb.cell_index("toy_dash = gu.toy_dashboard.ToyDashboard(")
        nb.run_through(i, before_cell=PROJECTOR if projector else None)
        nb.button(i, "Play").first.wait_for(state="visible")
        play_for(nb, i, seconds)
        pause(nb, i)
        nb.assert_no_kernel_errors(dashboard=i)
        save_png(shoot_cell(nb, i), out / ("projector_toy_gan.png" if projector else "toy_gan.png"))
    finally:
        nb.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long the MNIST dashboard trains before its screenshot (default 60)")
    parser.add_argument("--toy-seconds", type=float, default=12.0, help="how long the toy GAN plays (default 12)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    parser.add_argument("--projector", action="store_true",
                        help='the projector view (gu.display("projector")): projector_dashboard.png, projector_toy_gan.png')
    args = parser.parse_args(argv)
    if not chromium_available():
        print("screenshots: /usr/bin/chromium is missing (make setup installs it as root; "
              "else sudo apt-get install chromium)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gan-screenshots-") as tmp:
        with lab_server(Path(tmp) / "lab") as server, chromium(Path(tmp) / "chromium") as context:
            toy_gan(context, server, args.out.resolve(), args.toy_seconds, args.projector)
            mnist_dashboard(context, server, args.out.resolve(), args.seconds, args.projector)
    return 0


if __name__ == "__main__":
    sys.exit(main())
