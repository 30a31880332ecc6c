"""Notebook 07's sampling-steps trade-off: the shipped diffusion model with DDIM at several step counts and full DDPM.

    python benchmarks/bench_sampling_steps.py            # about 10 minutes where a recipe step takes 40 ms
    python benchmarks/bench_sampling_steps.py --fast     # tiny sizes, for the tests

Every row draws the same number of digits from the same starting noise (one seed) with the shipped
`ddpm` (gu.diffusion.load_diffusion): DDIM (Song et al. 2021) visiting S of the T levels for each S,
and DDPM's ancestral sampler over all T. Each row gets the same scores as notebook 07's side-by-side
table: MNIST score and Fréchet distance (against the 500 held-out digits), precision and recall
against as many training digits, network evaluations per sample and milliseconds per 1,000 samples,
timed in this run. The shipped GAN `dcgan_embedded` is timed and scored in the same run as the
reference (one network evaluation per sample), so the time ratios hold on any machine. Writes
data/results/sampling_steps.json, which notebook 07 reads (gu.after_gan.load_sampling_steps).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gan_utils as gu  # noqa: E402

OUT = gu.paths.REPO_ROOT / "data" / "results" / "sampling_steps.json"
DDIM_STEPS = (5, 10, 20, 50, 100)


def measure(draw, n: int, real_features, data) -> dict:
    """Time one call draw(n) (after a warm-up call of 2) and score its digits as notebook 07's table does."""
    draw(2)
    started = time.perf_counter()
    images = draw(n)
    seconds = time.perf_counter() - started
    scores = gu.metrics.evaluate(images, data)
    precision, recall = gu.metrics.precision_recall_features(real_features, gu.metrics.features(images))
    return {"mnist_score": scores["mnist_score"], "frechet_distance": scores["frechet_distance"],
            "precision": precision, "recall": recall, "classes_covered": scores["classes_covered"],
            "memorisation_rate": scores["memorisation_rate"], "seconds": seconds, "ms_per_1000": 1e6 * seconds / n}


def main(argv: list[str] | None = None) -> int:
    """Run every sampler on the shipped diffusion model and the GAN reference; write the results file."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="tiny sizes (tests)")
    parser.add_argument("--n", type=int, default=None, help="digits per row (default 1,000; --fast 8)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    n = args.n or (8 if args.fast else 1000)
    ddim_steps = (2, 5) if args.fast else DDIM_STEPS
    data = gu.load_mnist("embedded", verbose=False)
    real_features = gu.metrics.features(gu.to_float(data.x_train[:n]))
    generator = gu.load_pretrained("dcgan_embedded")
    if args.fast:  # an untrained small model on a short chain: the same code, nothing worth measuring
        model = gu.diffusion.DiffusionModel(T=20, widths=(8, 16), embedding_dim=8, seed=0)
    else:
        model = gu.diffusion.load_diffusion("ddpm")
    T = model.schedule.T
    manifest = gu.pretrained.pretrained_manifest()
    rows = []
    plans = [("GAN (course recipe)", "gan", 1, lambda k: gu.pretrained.generate(generator, k, seed=args.seed))]
    plans += [(f"DDIM {S}", "ddim", S, lambda k, S=S: model.sample(k, sampler="ddim", steps=S, seed=args.seed))
              for S in ddim_steps]
    plans.append((f"DDPM {T}", "ddpm", T, lambda k: model.sample(k, sampler="ddpm", seed=args.seed)))
    for label, sampler, evaluations, draw in plans:
        row = {"label": label, "sampler": sampler, "evaluations_per_sample": evaluations,
               **measure(draw, n, real_features, data)}
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()}), flush=True)
        rows.append(row)
    gan_ms = rows[0]["ms_per_1000"]
    for row in rows:
        row["time_vs_gan"] = row["ms_per_1000"] / gan_ms
    results = {
        "description": "Notebook 07's sampling-steps trade-off (benchmarks/bench_sampling_steps.py): the shipped "
                       "diffusion model with DDIM at several step counts and DDPM over all T levels, the same "
                       "starting noise, beside the shipped GAN timed in the same run.",
        "command": gu.paths.command_line("benchmarks/bench_sampling_steps.py", argv),
        "machine": f"{platform.platform()}; {gu.variants.machine()}", "cpus": os.cpu_count(),
        "date": datetime.date.today().isoformat(), "data": data.describe(), "n_samples": n, "seed": args.seed,
        "diffusion": {"name": "ddpm", "T": T, "steps": manifest.get("ddpm", {}).get("steps") if not args.fast else 0},
        "fd_reference": "the 500 embedded held-out digits (data.x_test)",
        "precision_recall_reference": f"the first {n:,} embedded training digits, notebook 06's features",
        "fast": bool(args.fast), "rows": rows,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n")
    tmp.replace(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
