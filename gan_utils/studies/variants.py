"""Notebook 04: train GAN variants on one time budget, measure each the same way, compare them.

A *variant* is a name, trainer settings, model switches and a citation. ``run_variant`` trains one
from scratch for a budget of training seconds (the compile of the first step is not counted) and
``measure`` scores it with the shipped classifier (gu.metrics). ``compare`` runs every variant for
every seed, and ``summary_table`` shows the mean and the range over seeds, never one lucky run.
"""
from __future__ import annotations

from ..engine import metrics

import os
import platform
import time
from dataclasses import dataclass, field

import numpy as np

from ..engine import losses as L
from ..engine.switches import fast
from ..engine.data import MnistData, to_float
from ..engine.training import GANTrainer, TrainingDiverged

ARCHITECTURE = {"model": "dcgan", "g_filters": 128}
METRIC_NAMES = {"mnist_score": "MNIST score", "frechet_distance": "Fréchet distance",
                "classes_covered": "classes covered", "memorisation_rate": "memorised"}


@dataclass(frozen=True)
class Variant:
    """One way of training the same architecture: trainer settings, model switches and where it comes from.

    Introduced in notebook 04.
    """

    name: str
    settings: dict
    switches: dict = field(default_factory=dict)
    citation: str = ""


_BASE = {"loss": "non_saturating", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5}

VARIANTS: tuple[Variant, ...] = (
    Variant("minimax loss", {**_BASE, "loss": "minimax"}, citation="Goodfellow et al. 2014"),
    Variant("non-saturating loss", dict(_BASE), citation="Goodfellow et al. 2014"),
    Variant("+ one-sided label smoothing 0.9", {**_BASE, "label_smoothing": 0.1}, citation="Salimans et al. 2016"),
    Variant("+ minibatch std channel", dict(_BASE), {"minibatch_std": True},
            citation="Salimans et al. 2016; Karras et al. 2018"),
    Variant("+ two time-scale lr (G 1e-4, D 4e-4)", {**_BASE, "lr_g": 1e-4, "lr_d": 4e-4},
            citation="Heusel et al. 2017"),
    Variant("WGAN-GP (k = 5)", {"loss": "wgan_gp", "lr_g": 1e-4, "lr_d": 1e-4, "beta_1": 0.0, "beta_2": 0.9,
                                "d_steps": 5, "gp_weight": 10.0},
            citation="Arjovsky et al. 2017; Gulrajani et al. 2017"),
    Variant("hinge loss + spectral norm", {"loss": "hinge", "lr_g": 2e-4, "lr_d": 2e-4, "beta_1": 0.5},
            {"spectral_norm": True}, citation="Miyato et al. 2018"),
    Variant("course recipe (notebook 03)", {}, citation="gu.recipes: hinge + Adam β₁=0 + EMA + spectral norm and a "
            "dense layer in D (Yazıcı et al. 2019; Miyato et al. 2018)"),
)


def _recipe_parts() -> tuple[dict, dict]:
    """The course recipe (gu.recipes "dcgan") as (trainer settings, model switches beyond ARCHITECTURE)."""
    from ..engine.recipes import recipe

    settings = recipe("dcgan")
    sizes = settings.pop("sizes")
    return settings, {k: v for k, v in sizes.items() if ARCHITECTURE.get(k) != v}


def _with_recipe(v: Variant) -> Variant:
    if v.name != "course recipe (notebook 03)":
        return v
    settings, switches = _recipe_parts()
    return Variant(v.name, settings, switches, v.citation)


VARIANTS = tuple(_with_recipe(v) for v in VARIANTS)


def _ablations() -> tuple[Variant, ...]:
    """The course recipe with one ingredient removed at a time (what each one buys), for the long study."""
    settings, switches = _recipe_parts()
    out = []

    def without(label: str, settings_change: dict | None = None, drop_switch: str | None = None) -> None:
        changed_switches = {k: v for k, v in switches.items() if k != drop_switch}
        if drop_switch is not None and drop_switch not in switches:
            return
        if settings_change and all(settings.get(k) == v for k, v in settings_change.items()):
            return
        out.append(Variant(f"recipe without {label}", {**settings, **(settings_change or {})}, changed_switches,
                           citation="ablation of gu.recipes"))

    without("spectral norm", drop_switch="spectral_norm")
    without("the dense layer in D", drop_switch="d_dense")
    without("EMA of G", {"ema_decay": None, "ema_warmup": False})
    without("the hinge loss (non-saturating)", {"loss": "non_saturating"})
    without("Adam β₁ = 0 (β₁ = 0.5)", {"beta_1": 0.5})
    without("the shared forward pass", {"simultaneous": False})
    without("the high learning rate (2e-4)", {"lr_g": 2e-4, "lr_d": 2e-4})
    return tuple(out)


ABLATIONS: tuple[Variant, ...] = _ablations()
STUDY_VARIANTS: tuple[Variant, ...] = VARIANTS + ABLATIONS
RECIPE_NAME = "course recipe (notebook 03)"
# Each variant is judged against the run it changes: a textbook fix against the plain
# non-saturating GAN it is added to, an ablation against the full recipe it removes a piece from.
BASELINES: dict[str, str] = {**{v.name: "non-saturating loss" for v in VARIANTS if v.name != "non-saturating loss"},
                             **{v.name: RECIPE_NAME for v in ABLATIONS}}


def variant(name: str) -> Variant:
    """Return the variant called `name` from VARIANTS. Introduced in notebook 04."""
    for v in STUDY_VARIANTS:
        if v.name == name:
            return v
    raise ValueError(f"unknown variant {name!r}; choose one of {[v.name for v in STUDY_VARIANTS]}")


@dataclass
class RunResult:
    """What one training run produced: its scores, a strip of samples and its loss history.

    Introduced in notebook 04.
    """

    variant: str
    seed: int
    steps: int
    seconds: float
    scores: dict
    samples: np.ndarray
    history: dict
    note: str = ""


def machine() -> str:
    """Describe this machine in one line (CPU, cores, TensorFlow), for the caption of a table.

    Not used in a notebook: the benchmarks caption their results with it.
    """
    import tensorflow as tf

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, TensorFlow {tf.__version__}"


def _check_seconds(seconds) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 < seconds <= 3600:
        raise ValueError(f"seconds must be a number in (0, 3600], got {seconds!r}")
    return float(seconds)


def make_trainer(v: Variant, data: MnistData, seed: int = 0) -> GANTrainer:
    """Build a trainer for variant v on data's training digits (same architecture for every variant).

    Introduced in notebook 04.
    """
    sizes = {k: val for k, val in ARCHITECTURE.items() if k != "model"}
    return GANTrainer(ARCHITECTURE["model"], to_float(data.x_train), seed=seed,
                      **v.settings, **sizes, **v.switches)


def measure(trainer: GANTrainer, data: MnistData, n: int | None = None) -> dict:
    """Score n fresh samples of a trainer: MNIST score, Fréchet distance, classes covered, memorisation.

    Introduced in notebook 04.
    """
    n = n or fast(1000, 200)
    result = metrics.evaluate(trainer.sample(n), data)
    return {key: result[key] for key in METRIC_NAMES} | {"class_histogram": result["class_histogram"]}


def start_run(v: Variant, data: MnistData, seed: int = 0) -> GANTrainer:
    """Build variant v's trainer and compile its step, so that a time budget counts training only.

    Introduced in notebook 04.
    """
    trainer = make_trainer(v, data, seed)
    trainer.step(1)
    trainer.train_time = 0.0
    return trainer


def finish_run(trainer: GANTrainer, name: str, data: MnistData, note: str = "", n_samples: int | None = None,
               strip: int = 10) -> RunResult:
    """Measure a trained run and package it (scores, a strip of fixed-noise samples, its history).

    Introduced in notebook 04.
    """
    return RunResult(name, trainer.seed, trainer.step_count, trainer.train_time, measure(trainer, data, n_samples),
                     trainer.sample(z=trainer.fixed_z[:strip]),
                     {k: list(trainer.history[k]) for k in ("step", "d_loss", "g_loss", "d_real", "d_fake")}, note)


def run_variant(v: Variant, data: MnistData, seconds: float, seed: int = 0, n_samples: int | None = None,
                strip: int = 10) -> RunResult:
    """Train variant v from scratch for `seconds` of training time, then measure it.

    Not used in a notebook: compare() and the tests train a variant with it.
    """
    seconds = _check_seconds(seconds)
    trainer = start_run(v, data, seed)
    note = ""
    try:
        trainer.fit(seconds=seconds, progress=False)
    except TrainingDiverged as err:
        note = f"diverged: {err}".split(". Weights")[0]
    return finish_run(trainer, v.name, data, note, n_samples, strip)


def compare(variants=VARIANTS, data: MnistData | None = None, seconds: float | None = None,
            seeds=(0, 1), verbose: bool = True) -> list[RunResult]:
    """Run every variant for every seed on the same budget; print one line per run as it finishes.

    Not used in a notebook: a multi-seed comparison for one's own runs; the tests check it.
    """
    from ..engine.data import load_mnist

    data = data or load_mnist(verbose=False)
    seconds = _check_seconds(seconds if seconds is not None else fast(40, 2))
    results = []
    for v in variants:
        for seed in seeds:
            start = time.perf_counter()
            r = run_variant(v, data, seconds, seed)
            results.append(r)
            if verbose:
                print(f"{v.name:<40} seed {seed}: {r.steps:5d} steps, score {r.scores['mnist_score']:.2f}, "
                      f"FD {r.scores['frechet_distance']:.1f}  ({time.perf_counter() - start:.0f} s wall)"
                      + (f"  {r.note}" if r.note else ""), flush=True)
    return results


def _spread(values: list[float], fmt: str) -> str:
    if len(values) == 1:
        return format(values[0], fmt)
    return f"{format(float(np.mean(values)), fmt)} [{format(min(values), fmt)}–{format(max(values), fmt)}]"


def summary_table(results: list[RunResult]):
    """Return a DataFrame, one row per variant: mean [min–max] over seeds of each score, and steps.

    Introduced in notebook 04.
    """
    import pandas as pd

    rows, order = {}, []
    for r in results:
        if r.variant not in rows:
            rows[r.variant], order = [], order + [r.variant]
        rows[r.variant].append(r)
    formats = {"mnist_score": ".2f", "frechet_distance": ".1f", "classes_covered": ".0f", "memorisation_rate": ".1%"}
    table = []
    for name in order:
        runs = rows[name]
        row = {"variant": name, "seeds": len(runs), "steps": _spread([float(r.steps) for r in runs], ".0f")}
        for key, label in METRIC_NAMES.items():
            row[label] = _spread([float(r.scores[key]) for r in runs], formats[key])
        try:
            row["reference"] = variant(name).citation
        except ValueError:
            row["reference"] = "your settings"
        table.append(row)
    return pd.DataFrame(table).set_index("variant")


def plot_strips(results: list[RunResult], per_variant: int = 1):
    """Draw one row of samples per variant (its first `per_variant` seeds), labelled with the score.

    Not used in a notebook: draws compare()'s samples; the tests check it.
    """
    import matplotlib.pyplot as plt

    from ..engine.plotting import image_grid

    shown, seen = [], {}
    for r in results:
        if seen.get(r.variant, 0) < per_variant:
            seen[r.variant] = seen.get(r.variant, 0) + 1
            shown.append(r)
    fig, axes = plt.subplots(len(shown), 1, figsize=(8, 0.95 * len(shown) + 0.3), squeeze=False)
    for ax, r in zip(axes[:, 0], shown):
        ax.imshow(image_grid(r.samples, nrow=len(r.samples)), cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_ylabel(f"score {r.scores['mnist_score']:.1f}", rotation=0, ha="right", va="center", fontsize=8)
        ax.set_title(f"{r.variant} (seed {r.seed}, {r.steps} steps)", fontsize=9, loc="left")
    fig.tight_layout()
    return fig


def generator_gradient_norm(trainer: GANTrainer, kind: str, n: int = 256) -> float:
    """Return the norm of G's gradient for loss `kind` at the trainer's current G and D (notebook 04)."""
    import tensorflow as tf

    L.check_loss(kind)
    if trainer.conditional:
        raise ValueError("generator_gradient_norm takes an unconditional trainer ('mlp' or 'dcgan')")
    z = tf.random.stateless_normal([n, trainer.latent_dim], seed=[trainer.seed, 4])
    with tf.GradientTape() as tape:
        fake_logits = trainer.discriminator(trainer.generator(z, training=True), training=False)
        loss = L.generator_loss(fake_logits, kind)
    grads = tape.gradient(loss, trainer.generator.trainable_variables)
    return float(tf.linalg.global_norm(grads))


MYSTERY_VARIANT = "recipe without spectral norm"  # notebook 04's exercise 1: do not look before you answer


def mystery_runs(study: dict) -> list[dict]:
    """The study's runs of notebook 04's exercise-1 variant, with the variant's name taken out.

    Introduced in notebook 04 (diagnose a committed run from its curves).
    """
    return [{key: value for key, value in run.items() if key not in ("variant", "settings")}
            for run in study["runs"] if run["variant"] == MYSTERY_VARIANT]
