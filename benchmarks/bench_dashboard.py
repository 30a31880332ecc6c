"""Dashboard overhead: steps/s of trainer.step alone against steps inside the dashboard, redrawing every 10 steps.

    python benchmarks/bench_dashboard.py                 # the recipe's DCGAN, 300 steps each
    python benchmarks/bench_dashboard.py --steps 100 --small

Both are measured in the same run, interleaved in rounds, so the shared machine's noise hits both.
The ratio (dashboard / alone) should be at least 0.8. Prints the ratio; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import gan_utils as gu  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="steps per round and per side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="g_filters=16, d_filters=8 (a quick check)")
    args = parser.parse_args()
    os.environ.setdefault("GAN_UTILS_RUNS_DIR", tempfile.mkdtemp(prefix="bench_dashboard_"))
    settings = gu.recipes.recipe("dcgan")
    sizes = settings.pop("sizes")
    if args.small:
        sizes.update(g_filters=16, d_filters=8)
    images = gu.to_float(gu.load_mnist(verbose=False).x_train)
    trainer = gu.GANTrainer("dcgan", images, **settings, **sizes)
    dash = gu.TrainingDashboard(trainer, update_every=10, score_every=0)
    trainer.step(20)  # compile the step once
    alone = inside = 0.0
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.steps // 10):
            trainer.step(10)
        alone += time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(args.steps // 10):
            dash.step(10)  # what one Play iteration does: 10 steps, then a redraw
        inside += time.perf_counter() - start
    n = args.rounds * (args.steps // 10) * 10
    print(f"model dcgan {sizes or '(default sizes)'}, batch {trainer.batch_size}, {n} steps per side")
    print(f"trainer.step alone:            {n / alone:7.2f} steps/s")
    print(f"dashboard, redraw every 10:    {n / inside:7.2f} steps/s  ({dash.redraws} redraws)")
    print(f"ratio dashboard / alone:       {alone / inside:7.3f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
