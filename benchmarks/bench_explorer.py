"""How long a Step of notebook 01's gradient-descent explorer takes, redraw included, against a full figure draw.

    python benchmarks/bench_explorer.py [--steps 40] [--width 0]

Prints milliseconds per Step button click (one gradient step, artists updated, PNG for the widget)
and, in the same run, per bare `fig.canvas.draw()` of the same figure and per full draw plus PNG
(what redrawing from scratch would cost), then the ratios. Timings are only comparable within one
run: the machine is shared and noisy. Introduced in notebook 01.
"""
from __future__ import annotations

import argparse
import io
import statistics
import time

from gan_utils.widgets.gradient_descent import GradientDescentExplorer


def time_ms(fn, repeats: int) -> list[float]:
    """Call fn `repeats` times (after one warm-up call); return each call's wall time in ms."""
    fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="clicks to time (default 40)")
    parser.add_argument("--width", type=int, default=0, help="hidden units m (0 = one neuron)")
    args = parser.parse_args()
    if args.steps < 1:
        raise SystemExit(f"--steps must be >= 1, got {args.steps}")
    explorer = GradientDescentExplorer(lr=0.3, width=args.width)
    explorer.step(20)  # past the first rescalings of the loss axis

    def full_draw_png() -> None:
        explorer.fig.canvas.draw()
        explorer.fig.canvas.print_png(io.BytesIO())

    rows = {
        "Step click (step + redraw + PNG)": time_ms(explorer.step_button.click, args.steps),
        "reference: fig.canvas.draw()": time_ms(explorer.fig.canvas.draw, max(5, args.steps // 4)),
        "reference: full draw + PNG": time_ms(full_draw_png, max(5, args.steps // 4)),
    }
    base = statistics.median(rows["reference: fig.canvas.draw()"])
    print(f"{'what':36s} {'median ms':>9s} {'p90 ms':>7s} {'vs draw':>8s}")
    for name, times in rows.items():
        median = statistics.median(times)
        p90 = sorted(times)[int(0.9 * (len(times) - 1))]
        print(f"{name:36s} {median:9.1f} {p90:7.1f} {median / base:7.2f}x")
    print(f"(explorer reached step {explorer.steps}; resets of the cached background are included)")


if __name__ == "__main__":
    main()
