"""Time of one toy GAN Step + redraw in the notebook 02 dashboard, against a bare matplotlib redraw of the same figure.

    python benchmarks/bench_toy.py [--repeats 30]

For the 1-D toy and the ring of 8 Gaussians it prints the median milliseconds of: the training
step alone, the dashboard's Step D+G (step + in-place redraw + PNG), and the reference, a plain
`figure.savefig(png)` of the same figure (what a naive redraw costs). The ratio reference / Step
is only comparable within one run: the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import gan_utils as gu  # noqa: E402


def median_ms(action, repeats: int) -> float:
    """Median wall time of action() in milliseconds, after two warm-up calls."""
    action()
    action()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def bench(name: str, gan, repeats: int) -> None:
    """Print the three timings and the ratio for one toy."""
    dash = gu.toy_dashboard.ToyDashboard(gan)
    step = median_ms(lambda: gan.step(1), repeats)
    frame = median_ms(dash.step_both.click, repeats)
    reference = median_ms(lambda: dash.figure.savefig(io.BytesIO(), format="png", dpi=dash.dpi), repeats)
    if dash.errors.widget.value:
        raise SystemExit(f"the dashboard reported an error: {dash.errors.widget.value}")
    print(f"{name:>6}: train step {step:6.1f} ms | Step + redraw {frame:6.1f} ms | "
          f"bare matplotlib redraw (savefig) {reference:6.1f} ms | ratio redraw/Step {reference / frame:4.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=gu.fast(30, 5))
    args = parser.parse_args(argv)
    gu.import_tensorflow_quietly()
    bench("1-D", gu.toy.ToyGAN(k=5, lr_d=3e-3), args.repeats)
    bench("ring", gu.toy.ToyGAN(gu.densities.ring_of_gaussians(), **RING_BETTER), args.repeats)
    return 0


RING_BETTER = dict(widths=(128, 128), activation="relu", latent_dim=2, batch_size=256, k=5, lr_d=3e-3, pack=4)

if __name__ == "__main__":
    sys.exit(main())
