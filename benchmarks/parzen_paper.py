"""The 2014 GAN paper's Parzen-window log-likelihood, on the paper's protocol, for the shipped generators.

    python benchmarks/parzen_paper.py                       # needs full MNIST (data/mnist.npz or Keras' cache)
    python benchmarks/parzen_paper.py --source ../shared/data/mnist.npz --manifest
    python benchmarks/parzen_paper.py --source ../shared/data/mnist.npz --models dcgan_50k

The protocol of Goodfellow et al. (2014) as its parzen_ll.py runs it: 10,000 raw generator samples
(no post-processing), pixels scaled to [0, 1], the window width chosen from numpy.logspace(-1, 0, 10)
on training digits 50,000-50,999 (the paper's G trained on digits 0-49,999 and never saw them; the
split is gu.parzen.paper_split), and the mean log-likelihood over all 10,000 test digits, with its
standard error. The same is done for 10,000 real training digits drawn from digits 0-49,999 (what a
perfect generator would get) as the reference in the same run. A generator trained on all 60,000
digits (dcgan, cdcgan) has seen the validation digits; dcgan_50k, like the paper's, has not. Other
kinds of model in data/pretrained/ (manifest "kind": "diffusion" or "vae") are skipped. Writes
data/results/parzen_paper.json; with --manifest it also records each generator's figure in
data/pretrained/manifest.json, which notebook 05 prints.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import gan_utils as gu  # noqa: E402

OUT = gu.paths.REPO_ROOT / "data" / "results" / "parzen_paper.json"
N_SAMPLES = 10_000
TRAIN_DIGITS, N_VALIDATION = gu.parzen.PAPER_TRAIN_DIGITS, gu.parzen.PAPER_VALIDATION_DIGITS
FULL_TRAIN, FULL_TEST = 60_000, 10_000


def protocol_text() -> str:
    """The protocol in one line, as the results file and the manifest record it."""
    return (f"{N_SAMPLES:,} raw samples, pixels in [0, 1], width from logspace(-1, 0, 10) chosen on training digits "
            f"{TRAIN_DIGITS:,}-{TRAIN_DIGITS + N_VALIDATION - 1:,}, mean over all {FULL_TEST:,} test digits; "
            f"reference: {N_SAMPLES:,} real training digits from 0-{TRAIN_DIGITS - 1:,} "
            f"(Goodfellow et al. 2014, parzen_ll.py)")


def generator_names(names: list[str] | None = None) -> list[str]:
    """The shipped generators to score: `names`, or every shipped one, less any other kind (a diffusion model, a VAE)."""
    manifest = gu.pretrained.pretrained_manifest()
    chosen = gu.pretrained.pretrained_names() if names is None else list(names)
    kinds = {n: (manifest.get(n) or {}).get("kind") or "generator" for n in chosen}
    for name in chosen:
        if kinds[name] != "generator":
            print(f"skipping {name}: a {kinds[name]} model (manifest \"kind\"), not a GAN generator G(z)")
    return [n for n in chosen if kinds[n] == "generator"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="auto", help="full MNIST: auto (data/mnist.npz or Keras' cache) or a path")
    parser.add_argument("--models", nargs="+", default=None, help="pretrained names (default: all shipped)")
    parser.add_argument("--seed", type=int, default=2014, help="noise seed of the generator samples")
    parser.add_argument("--manifest", action="store_true", help="record each figure in data/pretrained/manifest.json")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)

    data = gu.load_mnist(args.source, verbose=False)
    if len(data.x_train) < FULL_TRAIN or len(data.x_test) < FULL_TEST:
        print(f"the paper's protocol needs full MNIST ({FULL_TRAIN:,} + {FULL_TEST:,} digits); {data.describe()} has "
              f"{len(data.x_train):,} + {len(data.x_test):,}. Put Keras' mnist.npz in data/ or pass --source PATH.")
        return 2
    train, validation = gu.parzen.paper_split(data.x_train, TRAIN_DIGITS, N_VALIDATION)
    rng = np.random.default_rng(args.seed)
    sets = {"real training digits": train[rng.choice(len(train), N_SAMPLES, replace=False)]}
    names = generator_names(args.models)
    manifest = gu.pretrained.pretrained_manifest()
    for name in names:
        generator = gu.pretrained.load_pretrained(name)
        sets[name] = gu.pretrained.generate(generator, N_SAMPLES, seed=args.seed)  # a conditional one: labels 0-9 in turn
    results = {}
    for name, images in sets.items():
        start = time.perf_counter()
        r = gu.parzen.parzen_log_likelihood(images, data.x_test, validation)
        results[name] = {"mean_nats": r.mean, "sem": r.sem, "h": r.h, "n_samples": r.n_samples,
                         "n_test": r.n_test, "n_validation": r.n_validation, "at_grid_edge": r.at_grid_edge,
                         "validation_means": list(r.validation_means)}
        if name in manifest:
            results[name]["trained_on"] = manifest[name].get("data")
        print(f"{name:>22}: {r}  ({time.perf_counter() - start:.0f} s)", flush=True)
    paper = gu.parzen.PAPER_TABLE_1["Adversarial nets"]
    print(f"{'2014 paper (Table 1)':>22}: {paper[0]:.0f} ± {paper[1]:.1f} nats")
    record = {"protocol": protocol_text(), "paper_gan": {"mean_nats": paper[0], "sem": paper[1]},
              "results": results, "data": data.describe(), "seed": args.seed,
              "command": gu.paths.command_line("benchmarks/parzen_paper.py", argv),
              "machine": gu.variants.machine(), "date": datetime.date.today().isoformat()}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(record, f, indent=1)
    print(f"wrote {gu.paths.display_path(args.out)}")
    if args.manifest:
        for name in names:
            gu.pretrained.record_in_manifest(name, {"parzen_paper_protocol": {
                **{k: results[name][k] for k in ("mean_nats", "sem", "h")}, "protocol": protocol_text()}})
        print("recorded in data/pretrained/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
