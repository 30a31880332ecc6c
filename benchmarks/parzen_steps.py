"""The course recipe on MNIST training digits 0-49,999 only, scored on the 2014 paper's Parzen protocol every 8,000 steps.

    python benchmarks/parzen_steps.py --source ../shared/data/mnist.npz              # train and score what is missing
    python benchmarks/parzen_steps.py --source ../shared/data/mnist.npz --steps 24000 32000 40000 48000

For issue 33 (a shipped unconditional generator past the paper's 225 nats). The paper's model trained
on digits 0-49,999 and its parzen_ll.py chose the window width on digits 50,000-50,999; this script
does the same (gu.parzen.paper_split, the split benchmarks/parzen_paper.py scores the shipped
generators on). It trains `python -m gan_utils train --model dcgan` (the recipe of
gan_utils/recipes.py) into runs/parzen-steps/, in pieces that resume, copies a snapshot at each
requested step count, and scores each snapshot's EMA generator on 10,000 samples against the 10,000
test digits. Results: data/results/parzen_steps.json (one row per step count; rows already there are
kept, so an interrupted run picks up where it stopped). Needs full MNIST; about 26 minutes of training
per 40,000 steps where a recipe step takes 39 ms, plus a minute per score.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import gan_utils as gu  # noqa: E402

ROOT = gu.paths.REPO_ROOT
OUT = ROOT / "data" / "results" / "parzen_steps.json"
RUN = ROOT / "runs" / "parzen-steps"
TRAIN_STOP = gu.parzen.PAPER_TRAIN_DIGITS
PROTOCOL = ("10,000 raw samples of the EMA generator (seed 2014), pixels in [0, 1], width from logspace(-1, 0, 10) "
            "chosen on training digits 50,000-50,999, mean over all 10,000 test digits; trained on digits 0-49,999 "
            "(Goodfellow et al. 2014, parzen_ll.py)")


def split_file(full) -> Path:
    """Write (once) an .npz holding training digits 0-49,999 and the test digits, for `gan_utils train --source`."""
    path = ROOT / "runs" / "mnist_train0-49999.npz"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, x_train=full.x_train[:TRAIN_STOP], y_train=full.y_train[:TRAIN_STOP],
                            x_test=full.x_test, y_test=full.y_test)
    return path


def train_to(steps: int, source: Path) -> Path:
    """Train (or resume) runs/parzen-steps to `steps` steps and return a snapshot folder for that count."""
    snapshot = RUN.parent / f"{RUN.name}-{steps // 1000}k"
    if snapshot.exists():
        return snapshot
    done = json.loads((RUN / "metrics.json").read_text())["steps"] if (RUN / "metrics.json").exists() else 0
    if done > steps:
        raise SystemExit(f"{RUN} is already at {done} steps, past {steps}: ask for step counts in rising order")
    py = [sys.executable, "-m", "gan_utils", "train"]
    if done == 0:
        cmd = py + ["--model", "dcgan", "--steps", str(steps), "--source", str(source), "--seed", "0"]
    else:
        cmd = py + ["--resume", "--steps", str(steps - done)]
    subprocess.run(cmd + ["--out", str(RUN), "--samples", "10000", "--save-every", "300"], check=True, cwd=ROOT)
    shutil.copytree(RUN, snapshot)
    return snapshot


def score(snapshot: Path, full) -> dict:
    """The Parzen figure of a snapshot's EMA generator on the protocol, with the run's own metrics."""
    generator = gu.pretrained.load_generator(snapshot)
    samples = gu.pretrained.generate(generator, 10_000, seed=2014)
    r = gu.parzen.parzen_log_likelihood(samples, full.x_test, gu.parzen.paper_split(full.x_train)[1])
    metrics = json.loads((snapshot / "metrics.json").read_text())
    return {"steps": metrics["steps"], "mean_nats": r.mean, "sem": r.sem, "h": r.h, "at_grid_edge": r.at_grid_edge,
            "train_seconds": metrics.get("train_seconds"), "mnist_score": metrics.get("mnist_score"),
            "frechet_distance": metrics.get("frechet_distance"), "memorisation_rate": metrics.get("memorisation_rate")}


def main(argv: list[str] | None = None) -> int:
    """Train and score every requested step count missing from the results file."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="auto", help="full MNIST: auto (data/mnist.npz or Keras' cache) or a path")
    parser.add_argument("--steps", type=int, nargs="+", default=[24000, 32000, 40000, 48000])
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    full = gu.load_mnist(args.source, verbose=False)
    if len(full.x_train) < 60_000 or len(full.x_test) < 10_000:
        print(f"this needs full MNIST (60,000 + 10,000 digits); {full.describe()} has fewer")
        return 2
    out = Path(args.out)
    record = json.loads(out.read_text()) if out.exists() else {"rows": []}
    have = {row["steps"] for row in record["rows"]}
    source = split_file(full)
    for steps in sorted(args.steps):
        if steps in have:
            continue
        start = time.perf_counter()
        row = score(train_to(steps, source), full)
        print(f"{steps:,} steps: {row['mean_nats']:.1f} ± {row['sem']:.1f} nats, MNIST score {row['mnist_score']:.2f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
        record["rows"] = sorted(record["rows"] + [row], key=lambda r: r["steps"])
        paper = gu.parzen.PAPER_TABLE_1["Adversarial nets"]
        record.update({"protocol": PROTOCOL, "paper_gan": {"mean_nats": paper[0], "sem": paper[1]},
                       "recipe": gu.recipes.recipe("dcgan"), "data": full.describe(),
                       "command": gu.paths.command_line("benchmarks/parzen_steps.py", argv),
                       "machine": gu.variants.machine(), "date": datetime.date.today().isoformat()})
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
