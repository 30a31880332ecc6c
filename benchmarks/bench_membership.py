"""What a generator leaks about its training digits (notebook 06, section 3), measured; resumable.

    python benchmarks/bench_membership.py                 # everything missing from the results file
    python benchmarks/bench_membership.py --part curve    # or: shipped, dp, bias

Writes data/results/membership.json, which notebook 06 reads:
- "curve": the course recipe (unconditional DCGAN, gu.recipe("dcgan")) trained on n of the embedded
  4,500 training digits, n in SIZES, and attacked at each step in MILESTONES: the white-box attack
  (LOGAN: D's score) and the black-box attack (distance to the nearest of 5,000 samples) rank
  min(n, 500) members against the 500 embedded test digits, which no generator saw. Checkpoints in
  runs/bench_membership/ let an interrupted run resume at its last milestone.
- "shipped": the black-box attack on the shipped generators trained on the embedded digits only
  (dcgan_embedded, cdcgan_embedded): 500 of their training digits against the 500 test digits.
- "dp": notebook 06's small MLP GAN on DP["n"] digits, without and with DP-SGD (gu.privacy), seeds 0-2:
  both attacks' AUCs, epsilon from dp_accounting and the MNIST score of 2,000 samples.
- "bias": the course recipe on an unbalanced subset (BIAS_COUNTS digits of each class) and the class
  histogram of BIAS_SAMPLES = 10,000 samples ("n_samples") beside the training shares.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import gan_utils as gu  # noqa: E402
from gan_utils.engine import privacy  # noqa: E402

OUT = gu.paths.REPO_ROOT / "data" / "results" / "membership.json"
RUNS = gu.paths.REPO_ROOT / "runs" / "bench_membership"
SIZES = (100, 500, 4500)
MILESTONES = (500, 1000, 2000, 4000, 6000)
N_SAMPLES = 5000
DP = {"model": "mlp", "hidden": 64, "n": 100, "steps": 3000, "batch_size": 32, "clip_norm": 1.0,
      "noise_multiplier": 1.0, "lr": 1e-3, "delta": 1e-5}  # notebook 06's live run (DP_SETTINGS there)
DP_SEEDS = (0, 1, 2)
BIAS_COUNTS = (450, 450, 450, 450, 450, 45, 45, 45, 45, 45)  # digits 0-4 plentiful, 5-9 a tenth as many
BIAS_STEPS = 4000
BIAS_SAMPLES = 10_000  # the samples whose class shares are counted (notebook 06's exercise 5 reads it as n_samples)


def machine() -> str:
    """The platform and CPU model, for the results file."""
    cpu = platform.processor() or ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.platform()}, {os.cpu_count()} cores, {cpu}"


def load(path) -> dict:
    """The results so far (an empty skeleton when there are none)."""
    if path.exists():
        return json.loads(path.read_text())
    return {"curve": {}, "shipped": {}, "dp": {}, "bias": {}}


def save(results: dict, path) -> None:
    """Write the results with the command, machine and date that made them."""
    results.update({"command": "python benchmarks/bench_membership.py " + shlex.join(sys.argv[1:]),
                    "machine": machine(), "date": datetime.date.today().isoformat()})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1) + "\n")


def split(data):
    """(training digits in a fixed shuffled order, the 500 held-out test digits), in [-1, 1]."""
    x = gu.to_float(data.x_train)
    order = np.random.default_rng(0).permutation(len(x))
    return x[order], gu.to_float(data.x_test)


def curve(results: dict, path, data) -> None:
    """Attack the course recipe trained on n digits at each milestone (resumes from runs/bench_membership/)."""
    train, held_out = split(data)
    settings = gu.recipes.recipe("dcgan")
    sizes = settings.pop("sizes")
    for n in SIZES:
        members = train[:n]
        key = str(n)
        done = results["curve"].setdefault(key, {})
        todo = [m for m in MILESTONES if str(m) not in done]
        if not todo:
            continue
        run_dir = RUNS / f"n{n}"
        if (run_dir / "checkpoint.npz").exists():
            trainer = gu.GANTrainer.restore(run_dir, members)
        else:
            trainer = gu.GANTrainer("dcgan", members, **settings, **sizes, seed=0)
        for m in MILESTONES:
            if str(m) in done:
                continue
            if trainer.step_count < m:
                trainer.fit(steps=m - trainer.step_count, progress=False)
                trainer.save(run_dir)
            samples = trainer.sample(N_SAMPLES)
            cand = members[:min(n, len(held_out))]
            done[str(m)] = {
                "white_box": privacy.attack_auc(privacy.white_box_scores(trainer.discriminator, cand),
                                                privacy.white_box_scores(trainer.discriminator, held_out)),
                "black_box": privacy.attack_auc(privacy.black_box_scores(samples, cand),
                                                privacy.black_box_scores(samples, held_out)),
                "mnist_score": gu.metrics.mnist_score(samples[:2000]),
                "train_seconds": round(trainer.train_time, 1),
                "epochs": round(m * settings["batch_size"] / n, 1),
            }
            print(f"n={n} step {m}: {done[str(m)]}", flush=True)
            save(results, path)


def shipped(results: dict, path, data) -> None:
    """The black-box attack on the generators trained on the embedded 4,500 digits only."""
    x_train, held_out = gu.to_float(data.x_train), gu.to_float(data.x_test)
    members = x_train[np.random.default_rng(0).permutation(len(x_train))[:len(held_out)]]
    for name in ("dcgan_embedded", "cdcgan_embedded"):
        if name in results["shipped"]:
            continue
        generator = gu.load_pretrained(name)
        samples = gu.pretrained.generate(generator, N_SAMPLES, seed=0)
        results["shipped"][name] = {
            "black_box": privacy.attack_auc(privacy.black_box_scores(samples, members),
                                            privacy.black_box_scores(samples, held_out)),
            "n_train": len(x_train), "steps": gu.pretrained.pretrained_manifest()[name]["steps"]}
        print(name, results["shipped"][name], flush=True)
        save(results, path)


def dp(results: dict, path, data) -> None:
    """The small MLP GAN without and with DP-SGD, on DP['n'] digits, three seeds."""
    train, held_out = split(data)
    members = train[:DP["n"]]
    results["dp"]["settings"] = DP
    for private in (False, True):
        label = "dp_sgd" if private else "non_private"
        rows = results["dp"].setdefault(label, {})
        for seed in DP_SEEDS:
            if str(seed) in rows:
                continue
            kw = dict(clip_norm=DP["clip_norm"], noise_multiplier=DP["noise_multiplier"]) if private else {}
            run = privacy.train_small_gan(members, DP["steps"], model=DP["model"], hidden=DP["hidden"],
                                          batch_size=DP["batch_size"], lr=DP["lr"], seed=seed, delta=DP["delta"], **kw)
            aucs = privacy.membership_aucs(run, members, held_out, n_samples=N_SAMPLES, seed=seed)
            rows[str(seed)] = {**aucs, "epsilon": None if not private else run.epsilon,
                               "mnist_score": gu.metrics.mnist_score(run.sample(2000, seed=seed)),
                               "seconds": round(run.seconds, 1)}
            print(label, seed, rows[str(seed)], flush=True)
            save(results, path)


def bias(results: dict, path, data) -> None:
    """Train the course recipe on an unbalanced subset and compare its samples' classes with the training shares."""
    if results["bias"].get("sample_shares") and results["bias"].get("n_samples"):
        return
    x, y = gu.to_float(data.x_train), np.asarray(data.y_train)
    rng = np.random.default_rng(0)
    idx = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:count] for c, count in enumerate(BIAS_COUNTS)])
    settings = gu.recipes.recipe("dcgan")
    sizes = settings.pop("sizes")
    trainer = gu.GANTrainer("dcgan", x[idx], **settings, **sizes, seed=0)
    trainer.fit(steps=BIAS_STEPS, progress=False)
    samples = trainer.sample(BIAS_SAMPLES)
    shares = gu.metrics.class_histogram(samples)
    results["bias"] = {"counts": list(BIAS_COUNTS), "steps": BIAS_STEPS, "n_samples": BIAS_SAMPLES,
                       "train_shares": [c / sum(BIAS_COUNTS) for c in BIAS_COUNTS],
                       "sample_shares": [float(s) for s in shares],
                       "mnist_score": gu.metrics.mnist_score(samples),
                       "train_seconds": round(trainer.train_time, 1)}
    print("bias", results["bias"], flush=True)
    save(results, path)


PARTS = {"shipped": shipped, "dp": dp, "bias": bias, "curve": curve}


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for (all by default), skipping what the results file already holds."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=sorted(PARTS), action="append", help="run only this part (repeatable)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    path = Path(args.out)
    data = gu.load_mnist(source="embedded", verbose=False)
    results = load(path)
    start = time.perf_counter()
    for name in args.part or list(PARTS):
        PARTS[name](results, path, data)
    print(f"done in {time.perf_counter() - start:.0f} s -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
