"""Resumable search for a better unconditional DCGAN recipe per training STEP (issue #17).

    nice -n 19 python benchmarks/search_unconditional.py --steps 1500 --seeds 0
    python benchmarks/search_unconditional.py --steps 4000 --only default aug_tc
    python benchmarks/search_unconditional.py --list       # the variants and their settings
    python benchmarks/search_unconditional.py --table      # the results so far, no training
    python benchmarks/search_unconditional.py --markdown   # the same as the README's table
    python benchmarks/search_unconditional.py --timing 200 # ms/step of each variant back to back, no evaluation

Each variant is a dict of GANTrainer settings and model sizes of the named dcgan ("d_dense" is
a dense hidden layer in D; results before 2026-12-02 built it as a custom pair of the same layers). For every (variant, seed, steps) not yet in
benchmarks/search_unconditional.jsonl (committed) it trains on the embedded digits, evaluates
--samples fresh samples with gu.metrics.evaluate and appends one JSON line. A checkpoint per
(variant, seed) under benchmarks/results/search_ckpt/ lets a longer budget resume from a
shorter one (training is deterministic, so 1,500 then 2,500 more steps equals 4,000 in one go).
Between runs, and every --chunk steps inside one, it checks for /tmp/STOP_SEARCH: if present it
saves the checkpoint and exits cleanly (status 0); run it again to carry on. Timings (ms/step,
excluding the first traced steps) are only comparable within one run: the machine is shared.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gan_utils as gu  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "search_unconditional.jsonl"  # committed, so a later session resumes the search
TIMING = HERE / "results" / "search_unconditional_timing.jsonl"
CKPT_DIR = HERE / "results" / "search_ckpt"
STOP_FILE = Path("/tmp/STOP_SEARCH")
WARM_STEPS = 3


# The recipe the search started from (gu.recipes "dcgan" before 2026-12-02), written out so that the
# variants keep their meaning after the recipe changed to the search's winner ("sn_dense256").
DEFAULT = {"g_filters": 128, "loss": "hinge", "lr_g": 8e-4, "lr_d": 8e-4, "beta_1": 0.0, "batch_size": 64,
           "simultaneous": True, "ema_decay": 0.99}
# Most promising first: the order in which a plain run trains them.
VARIANTS: dict[str, dict] = {
    "default": DEFAULT,
    "aug_tc": {**DEFAULT, "augment": "translation,cutout"},
    "aug_t2": {**DEFAULT, "augment": "translation:2"},
    "sn_d": {**DEFAULT, "spectral_norm": True},
    "tfgan_lite": {**DEFAULT, "spectral_norm": True, "d_dense": 1024},
    "aug_tc_sn": {**DEFAULT, "augment": "translation,cutout", "spectral_norm": True},
    "wide_d": {**DEFAULT, "d_filters": 64},
    "batch32": {**DEFAULT, "batch_size": 32},
    "batch128": {**DEFAULT, "batch_size": 128},
    "ema999": {**DEFAULT, "ema_decay": 0.999},
    "aug_tc_wide_d": {**DEFAULT, "augment": "translation,cutout", "d_filters": 64},
    "r1": {**DEFAULT, "r1_weight": 1.0},
    "aug_tc_r1": {**DEFAULT, "augment": "translation,cutout", "r1_weight": 1.0},
    "sn_dense256": {**DEFAULT, "spectral_norm": True, "d_dense": 256},
    "dense1024": {**DEFAULT, "d_dense": 1024},
    "tfgan_lite_ema999": {**DEFAULT, "spectral_norm": True, "d_dense": 1024, "ema_decay": 0.999},
    "sn_dense256_b128": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "batch_size": 128},
    "tfgan_lite_b128": {**DEFAULT, "spectral_norm": True, "d_dense": 1024, "batch_size": 128},
    "sn256_ema999w": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "ema_decay": 0.999, "ema_warmup": True},
    "sn512": {**DEFAULT, "spectral_norm": True, "d_dense": 512},
    "sn256_lr4": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "lr_g": 4e-4, "lr_d": 4e-4},
    "sn256_aug_t2": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "augment": "translation:2"},
    "sn256_lr12": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "lr_g": 1.2e-3, "lr_d": 1.2e-3},
    "sn256_ttur": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "lr_d": 1.6e-3},
    "sn256_wide_d": {**DEFAULT, "spectral_norm": True, "d_dense": 256, "d_filters": 64},
}


def make_trainer(settings: dict, images, seed: int) -> gu.GANTrainer:
    """Build a GANTrainer for a variant (its model sizes, "d_dense" among them, go to the named dcgan)."""
    return gu.GANTrainer("dcgan", images, **settings, seed=seed)


def load_results() -> list[dict]:
    """Return every result line recorded so far (skipping any half-written last line)."""
    if not RESULTS.exists():
        return []
    rows = []
    for line in RESULTS.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            pass
    return rows


def _ckpt(name: str, seed: int) -> Path:
    return CKPT_DIR / f"{name}_seed{seed}"


def _stopped() -> bool:
    if STOP_FILE.exists():
        print(f"{STOP_FILE} exists: stopping cleanly", flush=True)
        return True
    return False


def run_one(name: str, settings: dict, seed: int, steps: int, data, images, n_samples: int, chunk: int) -> bool:
    """Train one variant to `steps` (resuming its checkpoint if it is not past that), evaluate, append a line.

    Returns False if /tmp/STOP_SEARCH made it stop early (the checkpoint is saved).
    """
    trainer = make_trainer(settings, images, seed)
    ckpt = _ckpt(name, seed)
    save_ckpt = True
    if (ckpt / gu.checkpoints.CHECKPOINT_FILE).exists():
        _, meta = gu.checkpoints.read_checkpoint(ckpt)
        if meta["step"] <= steps:
            try:
                trainer.load(ckpt)
            except ValueError as error:  # written by an older version of the model or trainer
                print(f"  not resuming {ckpt.name}: {error}", flush=True)
        else:
            save_ckpt = False  # keep the longer checkpoint; train this shorter budget from scratch
    start_step, start_time = trainer.step_count, trainer.train_time
    print(f"{name} seed {seed}: steps {start_step} -> {steps}", flush=True)
    wall = time.perf_counter()
    warm = min(WARM_STEPS, steps - trainer.step_count)
    if warm > 0:
        trainer.step(warm)
    timed_from = (trainer.step_count, trainer.train_time)
    while trainer.step_count < steps:
        trainer.fit(steps=min(chunk, steps - trainer.step_count), progress=False)
        if trainer.step_count < steps and STOP_FILE.exists():
            if save_ckpt:
                trainer.save(ckpt)
            print(f"{STOP_FILE} exists: saved {name} at step {trainer.step_count}, stopping", flush=True)
            return False
    timed_steps = trainer.step_count - timed_from[0]
    ms = 1000 * (trainer.train_time - timed_from[1]) / timed_steps if timed_steps else None
    if save_ckpt:
        trainer.save(ckpt)
    eval_start = time.perf_counter()
    metrics = gu.metrics.evaluate(gu.to_uint8(trainer.sample(n_samples)), data)
    metrics.pop("classifier_note", None)
    import tensorflow as tf

    row = {"variant": name, "settings": settings, "seed": seed, "steps": steps,
           "resumed_from": start_step, "train_seconds": round(trainer.train_time, 1),
           "segment_train_seconds": round(trainer.train_time - start_time, 1),
           "ms_per_step": None if ms is None else round(ms, 1), "eval_seconds": round(time.perf_counter() - eval_start, 1),
           "wall_seconds": round(time.perf_counter() - wall, 1), "n_samples": n_samples,
           "metrics": metrics, "final_d_loss": trainer.history["d_loss"][-1],
           "final_g_loss": trainer.history["g_loss"][-1], "tf_version": tf.__version__,
           "keras_version": __import__("keras").__version__, "cpus": os.cpu_count(),
           "date": datetime.datetime.now().isoformat(timespec="seconds")}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"  {_line(row)}", flush=True)
    return True


def time_variants(names: list[str], steps: int, images, seed: int = 0) -> None:
    """Time `steps` steps of each variant back to back (after warm-up) and append them to TIMING: ms/step in one quiet window."""
    import tensorflow as tf

    for name in names:
        if _stopped():
            return
        trainer = make_trainer(VARIANTS[name], images, seed)
        trainer.step(WARM_STEPS)
        start = trainer.train_time
        trainer.fit(steps=steps, progress=False)
        ms = 1000 * (trainer.train_time - start) / steps
        row = {"variant": name, "steps_timed": steps, "ms_per_step": round(ms, 1), "tf_version": tf.__version__,
               "cpus": os.cpu_count(), "date": datetime.datetime.now().isoformat(timespec="seconds")}
        TIMING.parent.mkdir(parents=True, exist_ok=True)
        with TIMING.open("a") as f:
            f.write(json.dumps(row) + "\n")
        print(f"{name:>14}  {ms:6.1f} ms/step over {steps} steps", flush=True)


def _line(row: dict) -> str:
    m = row["metrics"]
    ms = f"{row['ms_per_step']:6.1f}" if row.get("ms_per_step") else "     -"
    return (f"{row['variant']:>14} seed {row['seed']} {row['steps']:>5} steps {ms} ms/step  "
            f"score {m['mnist_score']:5.2f}  FD {m['frechet_distance']:6.2f}  classes {m['classes_covered']:>2}  "
            f"min share {m['min_class_share']:.3f}  memorised {m['memorisation_rate']:.3f}")


def print_table(rows: list[dict]) -> None:
    """Print the results sorted by steps, then by MNIST score (best first)."""
    if not rows:
        print("no results yet")
        return
    print(f"\n{len(rows)} results in {RESULTS} (ms/step only comparable within one run):")
    for row in sorted(rows, key=lambda r: (r["steps"], -r["metrics"]["mnist_score"])):
        print(_line(row))


def print_markdown(rows: list[dict]) -> None:
    """Print the results as the README's table: what each variant changed from DEFAULT and what it scored."""
    print("| steps | variant | changed from the starting recipe | MNIST score | Fréchet distance | smallest class | memorised |")
    print("|---|---|---|---|---|---|---|")
    for row in sorted(rows, key=lambda r: (r["steps"], -r["metrics"]["mnist_score"])):
        changed = {k: v for k, v in row["settings"].items() if DEFAULT.get(k, "<unset>") != v}
        m = row["metrics"]
        print(f"| {row['steps']:,} | `{row['variant']}` | {', '.join(f'{k}={v}' for k, v in changed.items()) or '-'} | "
              f"{m['mnist_score']:.2f} | {m['frechet_distance']:.1f} | {m['min_class_share']:.1%} | "
              f"{m['memorisation_rate']:.1%} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", default="1500", help="step budget(s), comma-separated")
    parser.add_argument("--seeds", default="0", help="comma-separated seeds")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="variants to run (default: all, in order)")
    parser.add_argument("--list", action="store_true", help="list the variants and exit")
    parser.add_argument("--table", action="store_true", help="print the results so far and exit")
    parser.add_argument("--markdown", action="store_true", help="print the results as the README's table and exit")
    parser.add_argument("--samples", type=int, default=5000, help="samples per evaluation (2,000-5,000)")
    parser.add_argument("--chunk", type=int, default=250, help="steps between checks for /tmp/STOP_SEARCH")
    parser.add_argument("--timing", type=int, metavar="STEPS", help="only time STEPS steps of each variant")
    args = parser.parse_args(argv)
    if args.list:
        for name, settings in VARIANTS.items():
            changed = {k: v for k, v in settings.items() if DEFAULT.get(k, "<unset>") != v}
            print(f"{name:>14}  {changed or '(the default recipe)'}")
        return 0
    if args.table:
        print_table(load_results())
        return 0
    if args.markdown:
        print_markdown(load_results())
        return 0
    names = args.only or list(VARIANTS)
    unknown = [n for n in names if n not in VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; see --list")
    if args.timing:
        time_variants(names, args.timing, gu.to_float(gu.load_mnist(verbose=False).x_train))
        return 0
    budgets = sorted(int(s) for s in args.steps.split(","))
    seeds = [int(s) for s in args.seeds.split(",")]
    done = {(r["variant"], r["seed"], r["steps"]) for r in load_results()}
    todo = [(n, s, b) for b in budgets for n in names for s in seeds if (n, s, b) not in done]
    print(f"{len(todo)} runs to do, {len(done)} results already recorded", flush=True)
    if todo:
        data = gu.load_mnist(verbose=False)
        images = gu.to_float(data.x_train)
        for name, seed, steps in todo:
            if _stopped() or not run_one(name, VARIANTS[name], seed, steps, data, images, args.samples, args.chunk):
                break
    print_table(load_results())
    return 0


if __name__ == "__main__":
    sys.exit(main())
