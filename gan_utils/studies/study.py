"""Notebook 04's long-budget study: read, check, draw and extend data/results/stability.json.

``benchmarks/bench_stability.py`` trains every variant of gu.stability.STUDY_VARIANTS (today's
table and the ablation of the course recipe) for the same number of generator steps on several
seeds, scoring each run every few hundred steps, and writes the file this module reads. The
notebook draws its curves and table from the file instead of training for hours, and can retrain
one variant live (``train_live``), whose run has the same format and joins the same plot.
"""
from __future__ import annotations

from ..engine import metrics

import json
import math
import os
import time
from pathlib import Path

import numpy as np

from ..engine.paths import display_path, shipped_path

RUN_KEYS = ("variant", "settings", "seed", "steps", "seconds", "metrics")
POINT_NUMBERS = ("seconds", "mnist_score", "frechet_distance")
LABELS = {"mnist_score": "MNIST score", "frechet_distance": "Fréchet distance", "d_loss": "D's loss",
          "classes_covered": "classes covered", "memorisation_rate": "memorised"}
HIGHER_IS_BETTER = {"mnist_score": True, "frechet_distance": False}


def study_path() -> Path:
    """Where the study is read from: $GAN_UTILS_STUDY if set, else the committed data/results/stability.json.

    Introduced in notebook 03.
    """
    override = os.environ.get("GAN_UTILS_STUDY")
    return Path(override) if override else shipped_path("results", "stability.json")


def _fail(source: str, what: str) -> None:
    raise ValueError(f"{source}: {what}. Rerun `python benchmarks/bench_stability.py` to rebuild it, "
                     f"or train a variant live with gu.study.train_live")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def validate(study, source: str = "stability.json") -> dict:
    """Return `study` if it is a well-formed study (a dict whose "runs" each hold exactly RUN_KEYS), else ValueError naming the fault.

    Introduced in notebook 03.
    """
    if not isinstance(study, dict):
        _fail(source, f"expected a JSON object with a 'runs' list, got {type(study).__name__}")
    runs = study.get("runs")
    if not isinstance(runs, list) or not runs:
        _fail(source, "it has no 'runs' list, or the list is empty")
    for i, run in enumerate(runs):
        where = f"run {i}"
        if not isinstance(run, dict):
            _fail(source, f"{where} is a {type(run).__name__}, not an object")
        keys = set(run)
        if keys != set(RUN_KEYS):
            missing, extra = sorted(set(RUN_KEYS) - keys), sorted(keys - set(RUN_KEYS))
            _fail(source, f"{where} must have exactly the keys {list(RUN_KEYS)}"
                          + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
        where = f"run {i} ({run['variant']!r}, seed {run['seed']!r})"
        if not isinstance(run["variant"], str) or not isinstance(run["settings"], dict):
            _fail(source, f"{where}: 'variant' must be a string and 'settings' an object")
        for key in ("seed", "steps"):
            if isinstance(run[key], bool) or not isinstance(run[key], int) or run[key] < 0:
                _fail(source, f"{where}: {key!r} must be a whole number >= 0, got {run[key]!r}")
        if not _is_number(run["seconds"]) or run["seconds"] < 0:
            _fail(source, f"{where}: 'seconds' must be a number >= 0, got {run['seconds']!r}")
        points = run["metrics"]
        if not isinstance(points, list) or not points:
            _fail(source, f"{where}: 'metrics' must be a non-empty list of measurements along the run")
        last = -1
        for point in points:
            if not isinstance(point, dict) or not isinstance(point.get("step"), int) or point["step"] <= last:
                _fail(source, f"{where}: every measurement needs a 'step', in increasing order; got {point!r}")
            last = point["step"]
            if "diverged" in point:
                continue
            bad = [k for k in POINT_NUMBERS if not _is_number(point.get(k))]
            if bad:
                _fail(source, f"{where}, step {point['step']}: {bad} must be finite numbers")
        if last > run["steps"]:
            _fail(source, f"{where}: a measurement at step {last} lies beyond the run's {run['steps']} steps")
    return study


def load(path=None) -> dict:
    """Read and validate the study file (default: the committed one); ValueError or FileNotFoundError saying what to do.

    Introduced in notebook 03.
    """
    path = Path(path) if path is not None else study_path()
    source = display_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{source} does not exist. Build it with `python benchmarks/bench_stability.py` "
                                f"(hours on 2 cores), or train a variant live with gu.study.train_live")
    try:
        study = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail(source, f"not valid JSON ({error})")
    return validate(study, source)


def load_or_explain(path=None) -> dict | None:
    """Return the study, or print why it cannot be read (and how to train live instead) and return None.

    Introduced in notebook 03; used in 04.
    """
    try:
        return load(path)
    except (FileNotFoundError, ValueError) as error:
        print(f"The long-budget study is not available: {error}")
        return None


def variants(study: dict) -> list[str]:
    """Variant names in the order the study ran them. Introduced in notebook 03; used in 04."""
    return list(dict.fromkeys(run["variant"] for run in study["runs"]))


def runs_of(study: dict, variant: str) -> list[dict]:
    """Every run (one per seed) of one variant. Introduced in notebook 03; used in 04."""
    found = [run for run in study["runs"] if run["variant"] == variant]
    if not found:
        raise ValueError(f"the study has no variant {variant!r}; it has {variants(study)}")
    return found


def _series(run: dict, metric: str) -> tuple[np.ndarray, np.ndarray]:
    points = [p for p in run["metrics"] if "diverged" not in p and _is_number(p.get(metric))]
    return np.array([p["step"] for p in points]), np.array([p[metric] for p in points], dtype=float)


def curve(study: dict, variant: str, metric: str = "mnist_score") -> tuple[np.ndarray, ...]:
    """Return (steps, median, low, high) of a metric over the seeds of one variant, at the steps every seed reached.

    Introduced in notebook 03.
    """
    series = [_series(run, metric) for run in runs_of(study, variant)]
    common = sorted(set.intersection(*(set(steps.tolist()) for steps, _ in series)))
    if not common:
        return tuple(np.array([]) for _ in range(4))
    stacked = np.array([[values[list(steps).index(s)] for s in common] for steps, values in series])
    return np.array(common), np.median(stacked, axis=0), stacked.min(axis=0), stacked.max(axis=0)


def final(run: dict, metric: str) -> float:
    """The last measured value of a metric in one run (nan if it diverged before any).

    Introduced in notebook 03; used in 04.
    """
    _, values = _series(run, metric)
    return float(values[-1]) if len(values) else math.nan


def diverged_at(run: dict) -> int | None:
    """The step at which a run diverged, or None. Not used in a notebook: the tests ask it."""
    return next((p["step"] for p in run["metrics"] if "diverged" in p), None)


def _all(n: int) -> str:
    return "its only seed" if n == 1 else f"all {n} seeds"


def compare(study: dict, variant: str, baseline: str, metric: str = "mnist_score") -> str:
    """Say whether `variant` beat `baseline` on every seed (paired by seed), lost on every seed, or neither (noise).

    Introduced in notebook 03.
    """
    higher = HIGHER_IS_BETTER.get(metric, True)
    mine = {run["seed"]: final(run, metric) for run in runs_of(study, variant)}
    theirs = {run["seed"]: final(run, metric) for run in runs_of(study, baseline)}
    seeds = sorted(set(mine) & set(theirs))
    if not seeds:
        return "no shared seeds"
    diffs = [(mine[s] - theirs[s]) * (1 if higher else -1) for s in seeds]
    if any(math.isnan(d) for d in diffs):
        return "a run diverged"
    apart = (min(mine.values()) > max(theirs.values())) if higher else (max(mine.values()) < min(theirs.values()))
    apart_worse = (max(mine.values()) < min(theirs.values())) if higher else (min(mine.values()) > max(theirs.values()))
    if all(d > 0 for d in diffs):
        return f"better on {_all(len(seeds))}" + ("" if apart else " (ranges overlap)")
    if all(d < 0 for d in diffs):
        return f"worse on {_all(len(seeds))}" + ("" if apart_worse else " (ranges overlap)")
    return "within noise"


def _median_final(study: dict, variant: str, metric: str) -> float:
    values = [final(run, metric) for run in runs_of(study, variant)]
    values = [v for v in values if not math.isnan(v)]
    return float(np.median(values)) if values else math.nan


def _spread(values: list[float], fmt: str) -> str:
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return "diverged"
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(float(np.median(values)), fmt)} [{format(min(values), fmt)}–{format(max(values), fmt)}]"


def table(study: dict, baselines: dict | None = None):
    """Final scores per variant (median [min–max] over seeds) and the verdict against each row's baseline.

    Introduced in notebook 04.
    """
    import pandas as pd

    present = set(variants(study))
    baselines = {k: v for k, v in (baselines or {}).items() if v in present}
    rows = []
    for name in variants(study):
        runs = runs_of(study, name)
        ms = [1000 * r["seconds"] / r["steps"] for r in runs if r["steps"]]
        row = {"variant": name, "seeds": len(runs), "G steps": _spread([float(r["steps"]) for r in runs], ".0f"),
               "ms/step": _spread(ms, ".0f"),
               "MNIST score": _spread([final(r, "mnist_score") for r in runs], ".2f"),
               "Fréchet distance": _spread([final(r, "frechet_distance") for r in runs], ".1f"),
               "memorised": _spread([final(r, "memorisation_rate") for r in runs], ".1%")}
        base = baselines.get(name)
        row["against"] = base or ""
        for metric, label, fmt in (("mnist_score", "Δ score", "+.2f"), ("frechet_distance", "Δ FD", "+.1f")):
            row[label] = format(_median_final(study, name, metric) - _median_final(study, base, metric), fmt) \
                if base else ""
        row["score verdict"] = compare(study, name, base, "mnist_score") if base else ""
        row["FD verdict"] = compare(study, name, base, "frechet_distance") if base else ""
        rows.append(row)
    columns = ["variant", "seeds", "G steps", "ms/step", "MNIST score", "Fréchet distance", "memorised", "against",
               "Δ score", "score verdict", "Δ FD", "FD verdict"]
    return pd.DataFrame(rows, columns=columns).set_index("variant")


def plot_curves(study: dict | None, names: list[str] | None = None, metric: str = "mnist_score",
                live_runs: list[dict] = (), ax=None):
    """Draw a metric against generator steps: the median over seeds of each variant, its min–max band, and live runs dashed.

    Introduced in notebook 03; used in 04.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4))
    names = names if names is not None else (variants(study) if study else [])
    for i, name in enumerate(names):
        steps, median, low, high = curve(study, name, metric)
        seeds = len(runs_of(study, name))
        ax.plot(steps, median, color=f"C{i % 10}", label=f"{name} ({seeds} seeds)")
        ax.fill_between(steps, low, high, color=f"C{i % 10}", alpha=0.15)
    for run in live_runs:
        steps, values = _series(run, metric)
        ax.plot(steps, values, "--o", color="k", ms=3, label=f"{run['variant']} (live, seed {run['seed']})")
    ax.set_xlabel("generator steps"), ax.set_ylabel(LABELS.get(metric, metric))
    ax.grid(alpha=0.3), ax.legend(fontsize=7, loc="best")
    return ax


def plot_score_and_fd(study: dict | None, names: list[str], live_runs: list[dict] = ()):
    """Two panels side by side: the MNIST score and the Fréchet distance (log scale) against generator steps; one legend.

    Introduced in notebook 04.
    """
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.2))
    plot_curves(study, names, "mnist_score", live_runs=live_runs, ax=left)
    plot_curves(study, names, "frechet_distance", live_runs=live_runs, ax=right)
    right.set_yscale("log")
    if right.get_legend() is not None:
        right.get_legend().remove()
    return fig


def correlation(study: dict, variant: str, x: str = "d_loss", y: str = "mnist_score") -> list[float]:
    """Pearson correlation of two metrics along each run of a variant (e.g. WGAN-GP's critic loss against score).

    Introduced in notebook 04.
    """
    out = []
    for run in runs_of(study, variant):
        points = [p for p in run["metrics"] if _is_number(p.get(x)) and _is_number(p.get(y))]
        a, b = np.array([p[x] for p in points]), np.array([p[y] for p in points])
        out.append(float(np.corrcoef(a, b)[0, 1]) if len(points) > 2 and a.std() and b.std() else math.nan)
    return out


def measure_point(trainer, data, n_samples: int, window: int) -> dict:
    """One measurement along a run: step, training seconds, scores of n fresh samples, mean losses over the last `window` steps.

    Introduced in notebook 04.
    """

    scores = metrics.evaluate(trainer.sample(n_samples), data)
    history = trainer.history
    return {"step": trainer.step_count, "seconds": round(trainer.train_time, 2),
            **{k: scores[k] for k in ("mnist_score", "frechet_distance", "classes_covered", "min_class_share",
                                      "memorisation_rate")},
            "d_loss": float(np.mean(history["d_loss"][-window:])), "g_loss": float(np.mean(history["g_loss"][-window:]))}


def run_record(trainer, name: str, points: list[dict], diverged: Exception | None = None) -> dict:
    """The study's record of one run: exactly RUN_KEYS (a diverged run ends with a {"step", "diverged"} point).

    Introduced in notebook 04.
    """
    steps = trainer.step_count
    if diverged is not None:
        reached = getattr(diverged, "step", None) or steps + 1
        steps = max(reached, (points[-1]["step"] + 1) if points else 1)
        points = points + [{"step": steps, "diverged": str(diverged).split(". Weights")[0]}]
    return {"variant": name, "settings": {**trainer.config, **trainer.settings()}, "seed": trainer.seed,
            "steps": steps, "seconds": round(trainer.train_time, 2), "metrics": points}


def train_live(name: str, data, steps: int = 1000, seed: int = 0, every: int = 250, n_samples: int = 1000,
               verbose: bool = True) -> dict:
    """Train one study variant from scratch for `steps` generator steps, measuring every `every`; return a run record.

    Introduced in notebook 04.
    """
    from .variants import make_trainer, variant
    from ..engine.training import TrainingDiverged

    v = variant(name)
    trainer = make_trainer(v, data, seed)
    points, start = [], time.perf_counter()
    try:
        while trainer.step_count < steps:
            trainer.fit(steps=min(every, steps - trainer.step_count), progress=False)
            points.append(measure_point(trainer, data, n_samples, every))
            if verbose:
                p = points[-1]
                print(f"{name}: step {p['step']:5d}, score {p['mnist_score']:.2f}, FD {p['frechet_distance']:.1f} "
                      f"({time.perf_counter() - start:.0f} s)", flush=True)
    except TrainingDiverged as error:
        return run_record(trainer, name, points, diverged=error)
    return run_record(trainer, name, points)
