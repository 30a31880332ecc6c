"""What each change of the course recipe buys, read from the long-budget study. Introduced in notebook 03.

The study (gu.study, data/results/stability.json) trains the course recipe and, for each of its
ingredients, the recipe without that one ingredient (gu.stability.ABLATIONS), for the same number
of generator steps on the same seeds. What an ingredient buys is the recipe's median final score
minus the median without it (the "Δ" of notebook 04's table), together with whether the recipe won
on every seed (gu.study.compare). Nothing is typed in: every number comes from the file.
"""
from __future__ import annotations

import math

import numpy as np

from . import study as S

RECIPE = "course recipe (notebook 03)"  # gu.stability.RECIPE_NAME (kept here so no TensorFlow is imported)

# The notebook's name for each change -> the study's variant that lacks it (gu.stability.ABLATIONS).
CHANGES: dict[str, str] = {
    "hinge loss": "recipe without the hinge loss (non-saturating)",
    "learning rate 8e-4": "recipe without the high learning rate (2e-4)",
    "Adam β₁ = 0": "recipe without Adam β₁ = 0 (β₁ = 0.5)",
    "shared forward pass": "recipe without the shared forward pass",
    "EMA of G": "recipe without EMA of G",
    "spectral norm in D": "recipe without spectral norm",
    "dense layer in D (m = 256)": "recipe without the dense layer in D",
}
METRICS = ("mnist_score", "frechet_distance")


def _without(change: str) -> str:
    if change not in CHANGES:
        raise ValueError(f"change must be one of {list(CHANGES)}, got {change!r}")
    return CHANGES[change]


def ms_per_step(run: dict) -> float:
    """Training milliseconds per generator step of one study run (nan for a run of 0 steps).

    Introduced in notebook 03.
    """
    return 1000.0 * run["seconds"] / run["steps"] if run["steps"] else math.nan


def median_final(study: dict, variant: str, metric: str) -> float:
    """Median over seeds of a variant's last measured value of `metric` (diverged runs left out; nan if none).

    Introduced in notebook 03.
    """
    values = [v for v in (S.final(run, metric) for run in S.runs_of(study, variant)) if not math.isnan(v)]
    return float(np.median(values)) if values else math.nan


def bought(study: dict, change: str, recipe: str = RECIPE) -> dict:
    """What one change buys: per metric the recipe's median, the median without it, the gain and the verdict over seeds.

    Introduced in notebook 03.
    """
    without = _without(change)
    runs = S.runs_of(study, recipe)
    out = {"change": change, "without": without, "seeds": len(runs), "steps": max(run["steps"] for run in runs)}
    for metric in METRICS:
        with_, without_ = median_final(study, recipe, metric), median_final(study, without, metric)
        out[metric] = {"with": with_, "without": without_, "gain": with_ - without_,
                       "verdict": S.compare(study, recipe, without, metric)}
    out["ms_per_step"] = {"with": float(np.median([ms_per_step(r) for r in runs])),
                          "without": float(np.median([ms_per_step(r) for r in S.runs_of(study, without)]))}
    return out


def describe(result: dict) -> str:
    """Three lines saying what one change bought (from `bought`), for a notebook to print. Introduced in notebook 03."""
    score, fd, ms = result["mnist_score"], result["frechet_distance"], result["ms_per_step"]
    return "\n".join([
        f"{result['change']}: the course recipe against '{result['without']}', {result['seeds']} seeds, "
        f"{result['steps']:,} G steps",
        f"  MNIST score (higher is better):     {score['with']:.2f} with, {score['without']:.2f} without: "
        f"{score['gain']:+.2f}, recipe {score['verdict']}",
        f"  Fréchet distance (lower is better): {fd['with']:.1f} with, {fd['without']:.1f} without: "
        f"{fd['gain']:+.1f}, recipe {fd['verdict']}",
        f"  time per step:                      {ms['with']:.0f} ms with, {ms['without']:.0f} ms without",
    ])


def value_at_seconds(run: dict, metric: str, seconds: float) -> float:
    """A run's `metric` at `seconds` of training, interpolated linearly between measurements (nan outside them).

    Introduced in notebook 03.
    """
    points = [p for p in run["metrics"] if "diverged" not in p and isinstance(p.get(metric), (int, float))]
    if not points:
        return math.nan
    times = np.array([p["seconds"] for p in points], dtype=float)
    values = np.array([p[metric] for p in points], dtype=float)
    if not times[0] <= seconds <= times[-1]:
        return math.nan
    return float(np.interp(seconds, times, values))


def at_equal_time(study: dict, change: str, metric: str = "mnist_score", recipe: str = RECIPE) -> dict:
    """Per seed: the recipe's final value and the value without `change` after the same training seconds.

    Introduced in notebook 03.
    """
    higher = S.HIGHER_IS_BETTER.get(metric, True)
    mine = {run["seed"]: run for run in S.runs_of(study, recipe)}
    theirs = {run["seed"]: run for run in S.runs_of(study, _without(change))}
    rows = []
    for seed in sorted(set(mine) & set(theirs)):
        seconds = mine[seed]["seconds"]
        rows.append({"seed": seed, "seconds": seconds, "with": S.final(mine[seed], metric),
                     "without": value_at_seconds(theirs[seed], metric, seconds)})
    diffs = [(r["with"] - r["without"]) * (1 if higher else -1) for r in rows]
    if not rows or any(math.isnan(d) for d in diffs):
        verdict = "not measured at those times"
    elif all(d > 0 for d in diffs):
        verdict = f"better on all {len(rows)} seeds"
    elif all(d < 0 for d in diffs):
        verdict = f"worse on all {len(rows)} seeds"
    else:
        verdict = "within noise"
    return {"metric": metric, "rows": rows, "verdict": verdict}


def at_step(study: dict, variant: str, step: int, metric: str = "mnist_score") -> tuple[float, float, float] | None:
    """(median, min, max) over seeds of a variant's `metric` measured at exactly `step`, or None if not measured there.

    Introduced in notebook 03.
    """
    steps, median, low, high = S.curve(study, variant, metric)
    where = np.flatnonzero(steps == step)
    if not len(where):
        return None
    i = int(where[0])
    return float(median[i]), float(low[i]), float(high[i])


def summary_table(study: dict, changes=None, recipe: str = RECIPE):
    """One row per change: the gain in MNIST score and in Fréchet distance (medians) and whether it held on every seed.

    Introduced in notebook 03.
    """
    import pandas as pd

    rows = []
    for change in (changes if changes is not None else CHANGES):
        r = bought(study, change, recipe)
        rows.append({"change": change, "Δ score": round(r["mnist_score"]["gain"], 2),
                     "score verdict": r["mnist_score"]["verdict"],
                     "Δ FD": round(r["frechet_distance"]["gain"], 1),
                     "FD verdict": r["frechet_distance"]["verdict"],
                     "ms/step with": round(r["ms_per_step"]["with"]),
                     "ms/step without": round(r["ms_per_step"]["without"])})
    return pd.DataFrame(rows).set_index("change")
