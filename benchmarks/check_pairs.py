"""Run each before/after pair of notebook 04 (gu.pairs.PAIRS) on several seeds; write data/results/pairs.json.

    python benchmarks/check_pairs.py                  # every pair, seeds 0,1,2
    python benchmarks/check_pairs.py --only d_wins --seeds 0,1,2,3,4

The notebook runs one seed of each pair live and quotes this file for the spread over seeds.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import shlex
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gan_utils as gu  # noqa: E402

OUT = gu.paths.REPO_ROOT / "data" / "results" / "pairs.json"


def _plain(value):
    """JSON-safe: NumPy numbers as Python numbers, NaN as null."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--only", nargs="+", metavar="NAME")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    import tensorflow as tf

    seeds = [int(s) for s in args.seeds.split(",")]
    command = "python benchmarks/check_pairs.py " + " ".join(shlex.quote(a) for a in argv)
    chosen = [gu.pairs.pair(n) for n in args.only] if args.only else list(gu.pairs.PAIRS)
    data = gu.load_mnist("embedded", verbose=False)
    try:
        check = json.loads(open(args.out).read())
    except OSError:
        check = {"pairs": {}}
    provenance = {"command": command, "machine": gu.variants.machine(), "date": datetime.date.today().isoformat()}
    for p in chosen:
        entry = {"failure_label": p.failure, "fix_label": p.fix, "measure": p.measure, "steps": p.steps,
                 "seeds": seeds, "failure": [], "fix": [], "fix_won": [], "details": []}
        for seed in seeds:
            result = gu.pairs.run(p, seed, data, steps=p.steps)
            won = gu.pairs.fix_won(p, result)
            entry["failure"].append(result["failure"][p.measure])
            entry["fix"].append(result["fix"][p.measure])
            entry["fix_won"].append(won)
            entry["details"].append({side: {k: v for k, v in r.items() if k not in ("trainer", "samples")}
                                     for side, r in result.items()})
            print(f"{p.name} seed {seed}: {p.measure} failure {result['failure'][p.measure]} -> fix "
                  f"{result['fix'][p.measure]} ({'fix won' if won else 'fix did NOT win'}); "
                  f"{result['failure']['seconds'] + result['fix']['seconds']:.0f} s of training", flush=True)
        entry["fix_won_every_seed"] = all(entry["fix_won"])
        entry.update(provenance)
        check["pairs"][p.name] = entry
    check.update({**provenance, "tensorflow": tf.__version__, "data": data.describe()})
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(_plain(check), f, indent=1, ensure_ascii=False, allow_nan=False)
    print(f"wrote {gu.paths.display_path(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
