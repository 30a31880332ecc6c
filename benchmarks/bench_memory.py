"""Resident memory before and after a long Play of the MNIST dashboard at tiny model size (issue #10).

    python benchmarks/bench_memory.py                    # 2,000 warm-up steps, then 20,000 more
    python benchmarks/bench_memory.py --steps 100000 --update-every 10

Plays the TrainingDashboard (MLP, 8 hidden units, batch 8, 64 random images) through the same
asyncio PlayLoop a notebook uses, and prints the resident memory (from /proc/self/statm) after a
warm-up and after the long run, their ratio, and what the trainer's history holds by then.
Prints; asserts nothing (tests/test_reliability_memory.py holds the bounds).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import gan_utils as gu  # noqa: E402


def rss_mib() -> float:
    """Resident memory of this process in MiB (Linux /proc/self/statm)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


async def play_until(dash, steps: int) -> None:
    """Press Play and keep it playing until the trainer has done `steps` steps, then Pause."""
    dash.play()
    while dash.trainer.step_count < steps and dash.playing:
        await asyncio.sleep(0.01)
    dash.pause()
    await dash.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="steps played after the warm-up")
    parser.add_argument("--warm-up", type=int, default=2_000)
    parser.add_argument("--update-every", type=int, default=100, choices=gu.dashboard.UPDATE_CHOICES)
    args = parser.parse_args()
    if not os.path.exists("/proc/self/statm"):
        sys.exit("bench_memory reads /proc/self/statm: Linux only")
    os.environ.setdefault("GAN_UTILS_RUNS_DIR", tempfile.mkdtemp(prefix="bench_memory_"))
    images = np.random.default_rng(0).uniform(-1, 1, (64, 28, 28, 1)).astype(np.float32)
    trainer = gu.GANTrainer("mlp", images, hidden=8, batch_size=8, n_fixed=16)
    dash = gu.TrainingDashboard(trainer, update_every=args.update_every, score_every=0)
    print(f"start: {rss_mib():8.1f} MiB resident")
    asyncio.run(play_until(dash, args.warm_up))
    gc.collect()
    before, redraws, start = rss_mib(), dash.redraws, time.perf_counter()
    print(f"after {trainer.step_count:>7,} warm-up steps: {before:8.1f} MiB resident")
    asyncio.run(play_until(dash, args.warm_up + args.steps))
    gc.collect()
    after, seconds = rss_mib(), time.perf_counter() - start
    played = trainer.step_count - args.warm_up
    print(f"after {trainer.step_count:>7,} steps:         {after:8.1f} MiB resident "
          f"({played:,} steps and {dash.redraws - redraws} redraws in {seconds:.0f} s)")
    print(f"growth {after - before:+.1f} MiB, ratio after/before {after / before:.3f}, "
          f"{1024 * (after - before) / max(played, 1):.2f} kB per step")
    print(f"history: {len(trainer.history['step']):,} rows x {len(trainer.history)} columns "
          f"(unbounded); curves drawn from {len(dash._d_line.get_xdata())} points "
          f"(MAX_POINTS {gu.dashboard.MAX_POINTS})")


if __name__ == "__main__":
    main()
