"""Notebook 06's committed results (augmentation, membership, DP, bias): read them, draw them, or make a small version live.

Introduced in notebook 06. The heavy runs are benchmarks/bench_augmentation.py and
benchmarks/bench_membership.py; they write data/results/augmentation.json and membership.json,
which the notebook reads with ``load_results``. A missing or unreadable file gives a message saying
how to make it and which small live run stands in for it (``small_membership_curve``).
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..engine import privacy
from ..engine.data import to_float
from ..engine.paths import display_path, shipped_path
from ..engine.plotting import PALETTE
from ..engine.recipes import recipe
from ..engine.training import GANTrainer

#: results file -> (the keys it must hold, the command that makes it, the live stand-in)
RESULTS = {
    "augmentation": (("trials",), "python benchmarks/bench_augmentation.py (a few minutes)",
                     "gu.usefulness.augmentation_trial(data, generator, n) for one seed"),
    "membership": (("curve", "shipped", "dp", "bias"), "python benchmarks/bench_membership.py (about 40 minutes)",
                   "gu.at_work.small_membership_curve(data) (about 2 minutes)"),
}


def results_path(name: str):
    """Where a committed results file of notebook 06 lives (data/results/NAME.json). Introduced in notebook 06."""
    if name not in RESULTS:
        raise ValueError(f"name must be one of {sorted(RESULTS)}, got {name!r}")
    return shipped_path("results", f"{name}.json")


def load_results(name: str, path=None) -> dict | None:
    """Return a committed results file of notebook 06, or print why it cannot be read (and what to run instead) and return None. Introduced in notebook 06."""
    keys, command, live = RESULTS[name] if name in RESULTS else (None, None, None)
    if keys is None:
        raise ValueError(f"name must be one of {sorted(RESULTS)}, got {name!r}")
    path = path or results_path(name)
    try:
        results = json.loads(path.read_text())
        if not isinstance(results, dict):
            raise ValueError("not a JSON object")
        missing = [k for k in keys if not isinstance(results.get(k), (dict, list)) or not results.get(k)]
        if missing:
            raise ValueError(f"no {', '.join(repr(k) for k in missing)} object")
        return results
    except (OSError, ValueError) as error:
        print(f"No committed results at {display_path(path)} ({error}). Make them with `{command}`, "
              f"or run a small version live: {live}.")
        return None


def membership_row(trainer, members, held_out, n_samples: int = 5000) -> dict:
    """Both attacks on a GANTrainer's models, members against held-out digits, with its MNIST score. Introduced in notebook 06."""
    from ..engine.metrics import mnist_score

    aucs = privacy.membership_aucs(trainer, members, held_out, n_samples=n_samples)
    return {**aucs, "mnist_score": mnist_score(trainer.sample(min(n_samples, 2000))),
            "train_seconds": round(trainer.train_time, 1)}


def small_membership_curve(data, sizes=(100, 500), milestones=(250, 500, 1000), seed: int = 0) -> dict:
    """Train the course recipe on n digits for each n in sizes and attack it at each milestone: membership.json's "curve", small. Introduced in notebook 06."""
    x = to_float(data.x_train)
    x = x[np.random.default_rng(0).permutation(len(x))]
    held_out = to_float(data.x_test)
    settings = recipe("dcgan")
    model_sizes = settings.pop("sizes")
    curve = {}
    for n in sizes:
        members = x[:n]
        trainer = GANTrainer("dcgan", members, **settings, **model_sizes, seed=seed)
        curve[str(n)] = {}
        for m in milestones:
            trainer.fit(steps=m - trainer.step_count, progress=False)
            curve[str(n)][str(m)] = membership_row(trainer, members[:len(held_out)], held_out, 2000)
    return curve


def plot_membership_curve(curve: dict, ax=None, attack: str = "white_box", live: dict | None = None):
    """Draw an attack's AUC against training steps, one line per training-set size (live points dashed); return the Axes. Introduced in notebook 06."""
    import matplotlib.pyplot as plt

    if attack not in ("white_box", "black_box"):
        raise ValueError(f"attack must be 'white_box' or 'black_box', got {attack!r}")
    ax = ax or plt.gca()
    styles = [PALETTE["failure"], PALETTE["metric"], PALETTE["fix"], PALETTE["fake"]]
    markers = ["o", "s", "^", "D"]
    for i, (n, rows) in enumerate(sorted(curve.items(), key=lambda kv: int(kv[0]))):
        steps = sorted(rows, key=int)
        ax.plot([int(s) for s in steps], [rows[s][attack] for s in steps], "-", marker=markers[i % 4], ms=4,
                color=styles[i % 4].colour, label=f"{int(n):,} training digits")
    for n, rows in (live or {}).items():
        steps = sorted(rows, key=int)
        ax.plot([int(s) for s in steps], [rows[s][attack] for s in steps], "--", marker="x", ms=5,
                color=PALETTE["real"].colour, label=f"{int(n):,} digits (live)")
    ax.axhline(0.5, color=PALETTE["D says fake"].colour, lw=0.8, ls=":")
    ax.set_xscale("log")
    ticks = sorted({int(s) for rows in [*curve.values(), *(live or {}).values()] for s in rows})
    ax.set_xticks(ticks, [f"{t / 1000:g}k" if t >= 1000 else str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("training steps (log scale)")
    ax.set_ylabel("attack AUC")
    ax.set_ylim(0.3, 1.02)
    ax.set_title(f"{attack.replace('_', '-')} attack: 0.5 is a coin toss", fontsize=10)
    ax.legend(fontsize=8)
    return ax


def augmentation_table(results: dict):
    """Median and range over seeds of held-out accuracy, real digits only vs with generated ones, per n: a DataFrame. Introduced in notebook 06."""
    import pandas as pd

    by_n: dict[int, list[dict]] = {}
    for trial in results["trials"]:
        by_n.setdefault(int(trial["n_per_class"]), []).append(trial)
    rows = []
    for n, trials in sorted(by_n.items()):
        real = [t["real_only"] for t in trials]
        aug = [t["augmented"] for t in trials]
        gains = [a - r for a, r in zip(aug, real)]
        rows.append({"real digits per class": n, "seeds": len(real),
                     "real only": f"{np.median(real):.1%} ({min(real):.1%}-{max(real):.1%})",
                     "with generated": f"{np.median(aug):.1%} ({min(aug):.1%}-{max(aug):.1%})",
                     "gain on every seed?": "yes" if all(g > 0 for g in gains) else
                     ("no: lost on every seed" if all(g < 0 for g in gains) else "mixed")})
    return pd.DataFrame(rows).set_index("real digits per class")


def seed_summary(values, unit: str = "") -> str:
    """'median (min-max)' of a few numbers with an optional unit ('%'), '-' for none. Introduced in notebook 06."""
    values = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not values:
        return "-"
    digits = 1 if unit == "%" else 2
    return f"{np.median(values):.{digits}f}{unit} ({min(values):.{digits}f}{unit}-{max(values):.{digits}f}{unit})"


def cas_table(results: dict):
    """The classification accuracy score of each conditional generator (median and range over seeds) beside its FD, and the real-data ceiling: a DataFrame. Introduced in notebook 06."""
    import pandas as pd

    rows = {}
    for row in results.get("cas", []):
        rows.setdefault(row["generator"], []).append(row)
    out = []
    for name, trials in rows.items():
        fd = results.get("fd", {}).get(name, {})
        out.append({"trained on": name + (" (saw the test digits)" if trials[0].get("saw_test_digits") else ""),
                    "CAS": seed_summary([100 * t["cas"] for t in trials], "%"),
                    "FD": f"{fd['frechet_distance']:.2f}" if "frechet_distance" in fd else "-",
                    "MNIST score": f"{fd['mnist_score']:.2f}" if "mnist_score" in fd else "-"})
    trials = results.get("trials", [])
    if trials:  # the ceiling: the same classifier on all the real training digits (the augmentation run's own row)
        most = max(int(t["n_per_class"]) for t in trials)
        real = [100 * t["real_only"] for t in trials if int(t["n_per_class"]) == most]
        out.append({"trained on": f"{10 * most:,} real training digits (the ceiling)",
                    "CAS": seed_summary(real, "%"), "FD": "-", "MNIST score": "-"})
    return pd.DataFrame(out).set_index("trained on")


def dp_table(dp: dict):
    """Both attacks' AUCs, epsilon and the MNIST score of the committed runs without and with DP-SGD (median and range over seeds): a DataFrame. Introduced in notebook 06."""
    import pandas as pd

    out = {}
    for label in ("non_private", "dp_sgd"):
        rows = list(dp.get(label, {}).values())
        if not rows:
            continue
        eps = [r["epsilon"] for r in rows if r.get("epsilon") is not None]
        out["as usual" if label == "non_private" else "DP-SGD"] = {
            "white-box AUC": seed_summary([r["white_box"] for r in rows]),
            "black-box AUC": seed_summary([r["black_box"] for r in rows]),
            "MNIST score": seed_summary([r["mnist_score"] for r in rows]),
            "epsilon_DP": f"{eps[0]:.1f}" if eps else "infinite (no guarantee)",
            "seeds": len(rows)}
    return pd.DataFrame(out).T
