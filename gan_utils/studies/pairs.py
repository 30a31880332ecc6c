"""Notebook 04's before/after pairs: each failure of the gallery and the fix aimed at it, on the same seed.

A pair trains its *failure* and its *fix* from the same seed for the same short budget (in
steps), differing only in the fix, and scores both the same way. The notebook runs one seed live;
``benchmarks/check_pairs.py`` runs every pair on several seeds and commits the result
(data/results/pairs.json), so the notebook can quote the spread and say whether the difference
held on every seed.
"""
from __future__ import annotations

from ..engine import metrics

import json
import math
import time
from dataclasses import dataclass

import numpy as np

from ..engine.paths import display_path, shipped_path
from ..engine.plotting import PALETTE


@dataclass(frozen=True)
class Pair:
    """A failure and its fix: trainer settings of each, the budget in steps, and the measure that should differ.

    Introduced in notebook 04.
    """

    name: str
    failure: str
    fix: str
    kind: str  # "mnist" (GANTrainer on digits) or "ring" (gu.toy.ToyGAN on the ring of 8 Gaussians)
    failure_settings: dict
    fix_settings: dict
    steps: int
    measure: str  # the key of the result that should be better for the fix
    higher_is_better: bool = True


_MNIST = {"g_filters": 128, "beta_1": 0.5}
_RING = dict(widths=(128, 128), activation="relu", latent_dim=2, batch_size=256, k=5, lr_d=3e-3, lr_g=1e-3)

PAIRS: tuple[Pair, ...] = (
    Pair("d_wins", "D learns 10x faster, minimax loss", "the same, non-saturating loss", "mnist",
         {**_MNIST, "loss": "minimax", "lr_g": 2e-4, "lr_d": 2e-3},
         {**_MNIST, "loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-3}, 200, "mnist_score"),
    Pair("divergence", "learning rate 1e-1", "the same, spectral norm in D", "mnist",
         {**_MNIST, "loss": "non_saturating", "lr_g": 1e-1, "lr_d": 1e-1},
         {**_MNIST, "loss": "non_saturating", "lr_g": 1e-1, "lr_d": 1e-1, "spectral_norm": True}, 250,
         "finite_steps"),
    Pair("mode_collapse", "ring of 8 Gaussians, plain D", "the same, packed D (PacGAN, 4 samples)", "ring",
         dict(_RING), {**_RING, "pack": 4}, 3000, "modes_covered"),
)


def pair(name: str) -> Pair:
    """The pair called `name`. Introduced in notebook 04."""
    for p in PAIRS:
        if p.name == name:
            return p
    raise ValueError(f"unknown pair {name!r}; choose one of {[p.name for p in PAIRS]}")


def _train_mnist(settings: dict, steps: int, seed: int, data) -> dict:
    from ..engine.data import to_float
    from ..engine.training import GANTrainer, TrainingDiverged

    settings = dict(settings)
    sizes = {k: settings.pop(k) for k in ("g_filters", "spectral_norm") if k in settings}
    trainer = GANTrainer("dcgan", to_float(data.x_train), seed=seed, **settings, **sizes)
    diverged = None
    try:
        trainer.fit(steps=steps, progress=False)
    except TrainingDiverged as error:
        diverged = error.step
    samples = trainer.sample(1000)
    finite = diverged - 1 if diverged is not None else steps
    return {"trainer": trainer, "samples": samples[:32], "mnist_score": metrics.mnist_score(samples),
            "classes_covered": metrics.classes_covered(samples), "diverged_at": diverged, "finite_steps": finite,
            "mean_d_fake": float(np.mean(trainer.history["d_fake"][-50:])) if trainer.history["d_fake"] else math.nan,
            "seconds": trainer.train_time}


def _train_ring(settings: dict, steps: int, seed: int) -> dict:
    from ..engine.toy import ToyGAN
    from ..engine.densities import ring_of_gaussians

    start = time.perf_counter()
    gan = ToyGAN(ring_of_gaussians(n_modes=8, radius=2.0, std=0.02), seed=seed, **settings)
    gan.step(steps)
    covered, off_mode = gan.coverage(n=5000)
    return {"trainer": gan, "modes_covered": covered, "off_mode": off_mode, "seconds": time.perf_counter() - start}


def run(p: Pair | str, seed: int = 0, data=None, steps: int | None = None) -> dict:
    """Train both sides of a pair from `seed` (for the pair's steps unless given; far fewer under GAN_UTILS_FAST).

    Introduced in notebook 04.

    Returns {"failure": result, "fix": result}, each result holding its trainer and its measures.
    """
    from ..engine.switches import fast

    p = pair(p) if isinstance(p, str) else p
    steps = steps if steps is not None else fast(p.steps, 10)
    if p.kind == "mnist":
        from ..engine.data import load_mnist

        data = data or load_mnist(verbose=False)
        return {side: _train_mnist(settings, steps, seed, data)
                for side, settings in (("failure", p.failure_settings), ("fix", p.fix_settings))}
    return {side: _train_ring(settings, steps, seed)
            for side, settings in (("failure", p.failure_settings), ("fix", p.fix_settings))}


def fix_won(p: Pair, result: dict) -> bool:
    """Whether the fix beat the failure on the pair's measure in one result.

    Not used in a notebook: benchmarks/check_pairs.py and the tests ask it.
    """
    a, b = result["failure"][p.measure], result["fix"][p.measure]
    return b > a if p.higher_is_better else b < a


def results_path():
    """Where the committed multi-seed check lives: data/results/pairs.json. Introduced in notebook 04."""
    return shipped_path("results", "pairs.json")


def load_check(path=None) -> dict | None:
    """The committed multi-seed check of the pairs, or None (saying why) if it is missing or unreadable.

    Introduced in notebook 04.
    """
    path = path or results_path()
    try:
        check = json.loads(path.read_text())
        if not isinstance(check.get("pairs"), dict):
            raise ValueError("no 'pairs' object")
        return check
    except (OSError, ValueError) as error:
        print(f"No multi-seed check of the pairs at {display_path(path)} ({error}); "
              f"run `python benchmarks/check_pairs.py` to make one.")
        return None


def spread_line(check: dict | None, name: str) -> str:
    """One sentence: each side's measure on every seed of the committed check, and whether the fix won on all.

    Introduced in notebook 04.
    """
    if check is None or name not in check["pairs"]:
        return f"({name}: no multi-seed check available)"
    entry, p = check["pairs"][name], pair(name)

    def fmt(values):
        return ", ".join(f"{v:.2f}" if isinstance(v, float) and not math.isnan(v) else str(v) for v in values)

    verdict = "the fix won on every seed" if entry["fix_won_every_seed"] else \
        f"the fix won on {sum(entry['fix_won'])} of {len(entry['seeds'])} seeds"
    return (f"{p.measure} over seeds {entry['seeds']} ({p.steps} steps each): failure {fmt(entry['failure'])}; "
            f"fix {fmt(entry['fix'])}; {verdict}.")


MEASURES = {"mnist_score": "MNIST score", "modes_covered": "modes covered (of 8)",
            "finite_steps": "steps with finite losses"}


def plot_check(check: dict | None, name: str, ax=None):
    """Draw one pair of the committed check (classroom mode's stand-in for training it): the failure's and the fix's measure on every seed, side by side; return the Axes.

    Introduced in notebook 04.
    """
    import matplotlib.pyplot as plt

    p = pair(name)
    if not isinstance(check, dict) or name not in check.get("pairs", {}):
        raise ValueError(f"the committed check holds no pair {name!r}; "
                         f"run `python benchmarks/check_pairs.py --only {name}` to make it")
    entry = check["pairs"][name]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.2))
    seeds = np.arange(len(entry["seeds"]))
    for offset, side, label in ((-0.2, "failure", p.failure), (0.2, "fix", p.fix)):
        style = PALETTE[side]
        ax.bar(seeds + offset, entry[side], width=0.4, color=style.colour, hatch=style.hatch, edgecolor="white",
               label=label)
    ax.set_xticks(seeds, [f"seed {seed}" for seed in entry["seeds"]])
    ax.set_ylabel(MEASURES.get(p.measure, p.measure))
    ax.set_title(f"the committed check: {p.steps} steps a run ({check.get('date', 'undated')})", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
