"""Notebook 06's question "what are generated digits good for?": augmentation and CAS with 01's classifier.

    nice python benchmarks/bench_augmentation.py            # n = 10, 50, 450 real per class, seeds 0,1,2, 1,000 steps
    python benchmarks/bench_augmentation.py --table          # what data/results/augmentation.json holds so far

On the embedded digits (4,500 train, 450 per class; 500 test), gu.usefulness.augmentation_trial trains
notebook 01's MLP for --steps gradient steps on n real digits per class, and again on the same n plus
--generated digits per class from the conditional generator `cdcgan_embedded` (trained on those
4,500 digits only); both are tested on the 500 real test digits. Then, per generator, the
classification accuracy score (CAS, Ravuri & Vinyals 2019: train on --generated generated digits per
class only) and the Fréchet distance of 10,000 samples against the same 500 test digits
(gu.metrics.evaluate, as data/pretrained/manifest.json computes it); and the real-data baseline, the
classifier trained on all 4,500 real digits. `cdcgan` was trained on all 60,000 MNIST training
digits, which include the embedded 5,000 (test digits too): its row carries saw_test_digits: true.
Each finished cell is written to data/results/augmentation.json at once (atomically), and a rerun
skips the cells already there, so a stopped run resumes.
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

OUT = gu.paths.REPO_ROOT / "data" / "results" / "augmentation.json"
CAS_GENERATORS = ("cdcgan_embedded", "cdcgan")
SAW_TEST_DIGITS = {"cdcgan_embedded": False, "cdcgan": True}
TRAINED_ON = {"cdcgan_embedded": "the embedded 4,500 training digits only",
              "cdcgan": "all 60,000 MNIST training digits (which include the embedded 5,000: test digits too)"}


def read_results(path: Path) -> dict:
    """The results so far (an empty skeleton if the file does not exist yet)."""
    if not path.exists():
        return {"trials": [], "cas": [], "fd": {}, "real_baseline": []}
    return json.loads(path.read_text())


def write_results(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    results["date"] = datetime.date.today().isoformat()
    text = json.dumps(results, indent=1, ensure_ascii=False) + "\n"
    gu.paths.atomic_write(path, lambda f: f.write(text.encode()))
    path.chmod(0o644)


def header(args: argparse.Namespace, data) -> dict:
    import keras
    import tensorflow as tf

    return {"description": "Notebook 06's augmentation study (benchmarks/bench_augmentation.py): notebook 01's MLP "
                           "(gu.usefulness.digit_classifier) trained for a fixed number of steps on n real digits per "
                           "class with and without generated ones, the CAS and FD of two conditional generators, and "
                           "the classifier trained on all real training digits; every accuracy on the real test digits.",
            "command": " ".join(["python benchmarks/bench_augmentation.py", *map(shlex.quote, args.argv)]),
            "machine": f"{platform.platform()}; {gu.variants.machine()}", "cpus": os.cpu_count(),
            "tensorflow": tf.__version__, "keras": keras.__version__,
            "date": datetime.date.today().isoformat(), "data": data.describe(),
            "n_test": len(data.x_test), "steps": args.steps, "batch_size": 64, "optimizer": "Adam 1e-3, cosine decay to 0",
            "generator": args.generator, "n_generated_per_class": args.generated, "n_per_class": args.n,
            "seeds": args.seeds, "fd_samples": args.fd_samples,
            "fd_reference": f"the {len(data.x_test):,} embedded test digits (data.x_test)",
            "trained_on": TRAINED_ON}


def summary(results: dict) -> list[str]:
    """Lines of the table: median [min, max] over seeds per n, without and with generated digits; CAS, FD, baseline."""
    lines = []
    fmt = lambda v: f"{np.median(v):.1%} [{min(v):.1%}, {max(v):.1%}]"  # noqa: E731
    for n in sorted({t["n_per_class"] for t in results["trials"]}):
        rows = [t for t in results["trials"] if t["n_per_class"] == n]
        real = [t["real_only"] for t in rows]
        aug = [t["augmented"] for t in rows]
        gain = [t["augmented"] - t["real_only"] for t in rows]
        lines.append(f"n = {n:3d} real/class ({len(rows)} seeds): real only {fmt(real)}   + generated {fmt(aug)}   "
                     f"gain {np.median(gain):+.1%} [{min(gain):+.1%}, {max(gain):+.1%}]")
    for name in CAS_GENERATORS:
        cas = [c["cas"] for c in results["cas"] if c["generator"] == name]
        fd = results["fd"].get(name, {}).get("frechet_distance")
        if cas or fd is not None:
            lines.append(f"{name:>16}: CAS {fmt(cas) if cas else '-'}   FD {fd if fd is None else round(fd, 2)}"
                         f"{'   (saw the test digits)' if SAW_TEST_DIGITS[name] else ''}")
    base = [b["accuracy"] for b in results["real_baseline"]]
    if base:
        lines.append(f"  all 4,500 real: {fmt(base)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000, help="classifier gradient steps per training (default 1,000)")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--n", default="10,50,450", help="real digits per class")
    parser.add_argument("--generated", type=int, default=450, help="generated digits per class (augmentation and CAS)")
    parser.add_argument("--generator", default="cdcgan_embedded", help="the augmenting generator")
    parser.add_argument("--fd-samples", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--table", action="store_true")
    args = parser.parse_args(argv)
    args.argv = argv
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.n = [int(n) for n in args.n.split(",")]
    results = read_results(args.out)
    if args.table:
        print("\n".join(summary(results)) or "no results yet")
        return 0
    data = gu.load_mnist(source="embedded", verbose=False)
    fresh = header(args, data)
    kept = ("steps", "n_generated_per_class", "generator", "data", "batch_size", "fd_samples")
    if results.get("steps") is not None and any(results.get(k) != fresh[k] for k in kept):
        print(f"{gu.paths.display_path(args.out)} was made with other settings "
              f"({ {k: results.get(k) for k in kept} }); pass --out for a new file")
        return 2
    results = {**{k: v for k, v in fresh.items() if k != "date"}, "trials": [], "cas": [], "fd": {},
               "real_baseline": [], **{k: v for k, v in results.items() if k not in fresh or k == "date"},
               "seeds": sorted(set(results.get("seeds", [])) | set(args.seeds)),
               "n_per_class": sorted(set(results.get("n_per_class", [])) | set(args.n))}
    generators = {}

    def generator(name: str):
        if name not in generators:
            generators[name] = gu.load_pretrained(name)
        return generators[name]

    def save(what: str, seconds: float) -> None:
        write_results(args.out, results)
        print(f"  {what}  ({seconds:.0f} s)", flush=True)

    done = {(t["n_per_class"], t["seed"]) for t in results["trials"]}
    for seed in args.seeds:  # seeds outermost: after the first pass every n has one trial
        for n in args.n:
            if (n, seed) in done:
                continue
            start = time.perf_counter()
            trial = gu.usefulness.augmentation_trial(data, generator(args.generator), n, args.generated,
                                                     steps=args.steps, seed=seed)
            trial["seconds"] = round(time.perf_counter() - start, 1)
            results["trials"].append(trial)
            save(f"n = {n} seed {seed}: real only {trial['real_only']:.1%}, augmented {trial['augmented']:.1%}",
                 trial["seconds"])
    done_cas = {(c["generator"], c["seed"]) for c in results["cas"]}
    for name in CAS_GENERATORS:
        if name not in results["fd"]:
            start = time.perf_counter()
            samples = gu.pretrained.generate(generator(name), args.fd_samples, seed=0)  # labels 0-9 in turn
            scores = gu.metrics.evaluate(samples, data)
            results["fd"][name] = {k: scores[k] for k in ("frechet_distance", "mnist_score", "classes_covered",
                                                          "memorisation_rate", "n_samples")}
            results["fd"][name].update(saw_test_digits=SAW_TEST_DIGITS[name],
                                       seconds=round(time.perf_counter() - start, 1))
            save(f"{name}: FD {scores['frechet_distance']:.2f}", results["fd"][name]["seconds"])
        for seed in args.seeds:
            if (name, seed) in done_cas:
                continue
            start = time.perf_counter()
            cas = gu.usefulness.classification_accuracy_score(generator(name), data, args.generated,
                                                              steps=args.steps, seed=seed)
            results["cas"].append({"generator": name, "seed": seed, "cas": cas, "n_per_class": args.generated,
                                   "saw_test_digits": SAW_TEST_DIGITS[name],
                                   "seconds": round(time.perf_counter() - start, 1)})
            save(f"{name} seed {seed}: CAS {cas:.1%}", results["cas"][-1]["seconds"])
    done_base = {b["seed"] for b in results["real_baseline"]}
    for seed in args.seeds:
        if seed in done_base:
            continue
        start = time.perf_counter()
        accuracy = gu.usefulness.train_and_test(data.x_train, data.y_train, data.x_test, data.y_test,
                                                steps=args.steps, seed=seed)
        results["real_baseline"].append({"seed": seed, "accuracy": accuracy, "n_train": len(data.x_train),
                                         "seconds": round(time.perf_counter() - start, 1)})
        save(f"all {len(data.x_train):,} real, seed {seed}: {accuracy:.1%}", results["real_baseline"][-1]["seconds"])
    write_results(args.out, results)
    print("\n".join(summary(results)))
    print(f"wrote {gu.paths.display_path(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
