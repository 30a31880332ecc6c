"""Notebook 04's long-budget study: every stability variant and the recipe's ablation, same G steps, several seeds.

    nice python benchmarks/bench_stability.py                   # 4,000 G steps, seeds 0,1,2, scored every 500
    python benchmarks/bench_stability.py --list                 # the variants and their settings
    python benchmarks/bench_stability.py --table                # what data/results/stability.json holds so far
    python benchmarks/bench_stability.py --only "WGAN-GP (k = 5)" --seeds 0

Each (variant, seed) trains from scratch on the embedded digits for --steps generator steps (a
WGAN-GP step holds its k = 5 critic steps), and every --every steps it scores --samples fresh
samples (gu.study.measure_point: MNIST score, Fréchet distance, classes, memorisation, and the
mean D and G losses since the last point). A finished run is added to data/results/stability.json
(rewritten atomically, so it is valid at any moment and can be committed part-way); a run in
progress keeps a checkpoint and its points under benchmarks/results/stability_ckpt/, so a killed
or stopped study resumes where it was. Touch /tmp/STOP_STUDY to stop cleanly between chunks.
Seeds run outermost: after the first pass every variant has one run. Several processes can share
the work (each claims a run before training it): on 2 cores, two processes with --threads 1 do
more runs per hour than one with both cores.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import shlex
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gan_utils as gu  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = gu.paths.REPO_ROOT / "data" / "results" / "stability.json"
CKPT_DIR = HERE / "results" / "stability_ckpt"
STOP_FILE = Path("/tmp/STOP_STUDY")


def _claim(v, seed: int) -> bool:
    """Claim a (variant, seed) for this process, so several processes can share one study; False if another live one has it."""
    CKPT_DIR.mkdir(parents=True, exist_ok=True)
    path = CKPT_DIR / f"{_slug(v.name)}_seed{seed}.claim"
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                owner = int(path.read_text() or 0)
                os.kill(owner, 0)
                return owner == os.getpid()
            except (ValueError, ProcessLookupError, PermissionError):
                path.unlink(missing_ok=True)  # its process is gone: take it over
                continue
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        return True
    return False


def _release(v, seed: int) -> None:
    (CKPT_DIR / f"{_slug(v.name)}_seed{seed}.claim").unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: Path):
    """Hold an exclusive lock beside the study file while reading, changing and writing it."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def read_study(path: Path) -> dict:
    """The study so far (an empty skeleton if the file does not exist yet)."""
    if not path.exists():
        return {"runs": []}
    return json.loads(path.read_text())


def write_study(path: Path, study: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(study, indent=1, ensure_ascii=False)
    gu.paths.atomic_write(path, lambda f: f.write(text.encode()))
    path.chmod(0o644)


def header(args: argparse.Namespace, data) -> dict:
    import keras
    import tensorflow as tf

    return {"description": "Notebook 04's long-budget study (benchmarks/bench_stability.py): each variant of "
                           "gu.variants.STUDY_VARIANTS trained from scratch for the same number of generator steps "
                           "on each seed, scored every few hundred steps on fresh samples with the shipped classifier.",
            "command": "python benchmarks/bench_stability.py " + " ".join(shlex.quote(a) for a in args.argv),
            "machine": gu.variants.machine(), "cpus": os.cpu_count(), "tensorflow": tf.__version__,
            "keras": keras.__version__, "date": datetime.date.today().isoformat(),
            "data": data.describe(), "steps": args.steps, "every": args.every, "samples": args.samples,
            "seeds": args.seeds}


def _ckpt(args, v, seed: int) -> Path:
    """The in-progress checkpoint of one run of one study file (a test study never resumes the real one)."""
    return CKPT_DIR / _slug(str(args.out.resolve())) / f"{_slug(v.name)}_seed{seed}"


def run_one(v, seed: int, args, data) -> dict | None:
    """Train one (variant, seed) to args.steps, resuming its checkpoint; return its run record, or None if stopped."""
    ckpt = _ckpt(args, v, seed)
    trainer = gu.variants.make_trainer(v, data, seed)
    points: list[dict] = []
    if (ckpt / gu.checkpoints.CHECKPOINT_FILE).exists() and \
            gu.checkpoints.read_checkpoint(ckpt)[1]["step"] <= args.steps:
        trainer.load(ckpt)
        points = json.loads((ckpt / "points.json").read_text())
        print(f"  resuming {v.name} seed {seed} at step {trainer.step_count}", flush=True)
    wall = time.perf_counter()
    try:
        while trainer.step_count < args.steps:
            if STOP_FILE.exists():
                trainer.save(ckpt)
                (ckpt / "points.json").write_text(json.dumps(points))
                print(f"{STOP_FILE} exists: saved {v.name} seed {seed} at step {trainer.step_count}", flush=True)
                return None
            next_point = (trainer.step_count // args.every + 1) * args.every
            trainer.fit(steps=min(next_point, args.steps) - trainer.step_count, progress=False)
            if trainer.step_count % args.every == 0 or trainer.step_count == args.steps:
                points.append(gu.study.measure_point(trainer, data, args.samples, args.every))
                p = points[-1]
                print(f"  {v.name} seed {seed}: step {p['step']:5d}  {p['seconds']:7.1f} s  "
                      f"score {p['mnist_score']:.2f}  FD {p['frechet_distance']:6.1f}  D loss {p['d_loss']:.3f}",
                      flush=True)
                if len(points) % 2 == 0:
                    trainer.save(ckpt)
                    (ckpt / "points.json").write_text(json.dumps(points))
    except gu.training.TrainingDiverged as error:
        print(f"  {v.name} seed {seed}: {str(error).split('. Weights')[0]}", flush=True)
        return gu.study.run_record(trainer, v.name, points, diverged=error)
    print(f"  done in {time.perf_counter() - wall:.0f} s wall", flush=True)
    return gu.study.run_record(trainer, v.name, points)


def print_table(study: dict) -> None:
    if not study.get("runs"):
        print("no runs yet")
        return
    gu.study.validate(study, str(OUT))
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(gu.study.table(study, gu.variants.BASELINES))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000, help="generator steps per run (default 4,000)")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--every", type=int, default=500, help="steps between measurements")
    parser.add_argument("--samples", type=int, default=2000, help="fresh samples per measurement")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="variant names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow threads (0: all cores); run two processes with --threads 1 to share 2 cores")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    args.argv = argv
    args.seeds = [int(s) for s in args.seeds.split(",")]
    if args.list:
        for v in gu.variants.STUDY_VARIANTS:
            print(f"{v.name:<48} {v.settings} {v.switches or ''}")
        return 0
    study = read_study(args.out)
    if args.table:
        print_table(study)
        return 0
    if args.threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    chosen = [gu.variants.variant(n) for n in args.only] if args.only else list(gu.variants.STUDY_VARIANTS)
    data = gu.load_mnist("embedded", verbose=False)
    done = {(r["variant"], r["seed"]) for r in study["runs"]}
    todo = [(v, seed) for seed in args.seeds for v in chosen if (v.name, seed) not in done]
    print(f"{len(todo)} runs to do, {len(done)} in {gu.paths.display_path(args.out)}", flush=True)
    for v, seed in todo:
        if not _claim(v, seed):
            continue
        with _locked(args.out):
            if (v.name, seed) in {(r["variant"], r["seed"]) for r in read_study(args.out)["runs"]}:
                _release(v, seed)
                continue
        print(f"{v.name} seed {seed}", flush=True)
        record = run_one(v, seed, args, data)
        if record is None:
            _release(v, seed)
            return 0
        with _locked(args.out):
            study = read_study(args.out)
            study.update(header(args, data))
            study["runs"] = [r for r in study["runs"] if (r["variant"], r["seed"]) != (v.name, seed)] + [record]
            study["seeds"] = sorted({r["seed"] for r in study["runs"]})
            gu.study.validate(study, str(args.out))
            write_study(args.out, study)
        shutil.rmtree(_ckpt(args, v, seed), ignore_errors=True)
        _release(v, seed)
    print_table(read_study(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
