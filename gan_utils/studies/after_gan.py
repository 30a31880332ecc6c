"""The modern-loss study: R3GAN's relativistic loss with R1/R2 against the course's losses, read from its committed results.

Introduced in notebook 07. ``benchmarks/bench_modern_loss.py`` runs it and writes
data/results/modern_loss.json: on the ring of 8 Gaussians the non-saturating loss against the
relativistic pairing loss with zero-centred penalties (``train_ring``, the same toy networks and
learning rates for both), and on the embedded digits the course recipe (hinge) against the same
recipe with ``loss="relativistic"`` (``make_trainer``), each at equal steps on several seeds. The
notebook reads the file with ``load_modern_loss`` and shows ``modern_loss_table`` and ``verdict``;
a missing or malformed file prints what to run instead (``train_ring`` or one short live run).
"""
from __future__ import annotations

import json
import math
import time
from typing import Callable

import numpy as np

from ..engine.paths import display_path, shipped_path
from ..engine.plotting import PALETTE

# ----- what the study compares ---------------------------------------------------------------------
#: R1 = R2 weight (R3GAN's gamma) of the relativistic arm on the digits and on the ring, each chosen
#: by a quick check of its own (benchmarks/bench_modern_loss.py's docstring gives the numbers)
GAMMA = 10.0
RING_GAMMA = 0.1
COURSE = "course recipe (hinge)"
MODERN = "relativistic + R1/R2"
SETTINGS = (COURSE, MODERN)
#: the ring of 8 Gaussians of notebooks 02 and 04, and the toy networks of notebook 04's ring pair
RING_DATA = {"n_modes": 8, "radius": 2.0, "std": 0.02}
RING_SETTINGS = {"widths": (128, 128), "activation": "relu", "latent_dim": 2, "batch_size": 256, "k": 5,
                 "lr_d": 3e-3, "lr_g": 1e-3, "beta_1": 0.5}
RING_LOSSES = {"non-saturating": "non_saturating", MODERN: "relativistic"}
#: the measures of a DCGAN point, with whether higher is better
DCGAN_MEASURES = {"mnist_score": True, "frechet_distance": False, "classes_covered": True,
                  "memorisation_rate": False}
RING_MEASURES = {"modes_covered": True, "high_quality": True}
COMMAND = "python benchmarks/bench_modern_loss.py (about 50 minutes on 2 shared cores)"
LIVE = ("gu.after_gan.train_ring(loss, seed) for the ring (seconds), or gu.after_gan.make_trainer(setting, data) "
        "and .fit(steps=500) for one short DCGAN run of each setting")


def make_trainer(setting: str, data, seed: int = 0, gamma: float = GAMMA):
    """The course's DCGAN with the course recipe (COURSE) or the same recipe with the relativistic loss and R1 = R2 = gamma (MODERN).

    Introduced in notebook 07.
    """
    from ..engine.data import to_float
    from ..engine.recipes import recipe
    from ..engine.training import GANTrainer

    if setting not in SETTINGS:
        raise ValueError(f"setting must be one of {SETTINGS}, got {setting!r}")
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not gamma > 0:
        raise ValueError(f"gamma must be a number > 0 (the weight of R1 and of R2), got {gamma!r}")
    settings = recipe("dcgan")
    sizes = settings.pop("sizes")
    if setting == MODERN:
        settings.update(loss="relativistic", r1_weight=float(gamma), r2_weight=float(gamma))
    return GANTrainer("dcgan", to_float(data.x_train), seed=seed, **settings, **sizes)


# ----- the ring of 8 Gaussians -----------------------------------------------------------------------
def _ring_losses(loss: str, gamma: float, G, D, pairing_loss: Callable | None = None):
    """D's and G's loss functions (x_real, z) -> scalar for one ring loss (pairing_loss: the relativistic D loss to use)."""
    import tensorflow as tf

    from ..engine import losses as L

    pair = pairing_loss if pairing_loss is not None else L.relativistic_d_loss

    def d_loss(x, z):
        fake = tf.stop_gradient(G(z, training=True))
        real_logits, fake_logits = D(x, training=True), D(fake, training=True)
        if loss == "non_saturating":
            return L.discriminator_loss(real_logits, fake_logits, "non_saturating")
        penalties = L.zero_centred_penalty(D, x) + L.zero_centred_penalty(D, fake)  # R1 + R2
        return pair(real_logits, fake_logits) + 0.5 * gamma * penalties

    def g_loss(x, z):
        fake_logits = D(G(z, training=True), training=True)
        if loss == "non_saturating":
            return L.generator_loss(fake_logits, "non_saturating")
        return pair(fake_logits, D(x, training=True))  # G's loss: the same pairing, roles swapped

    return d_loss, g_loss


def ring_measure(samples, data=None) -> dict:
    """Modes covered (of 8) by generated ring samples and the share of high-quality ones (within 3 std of a mode).

    Introduced in notebook 07. gu.densities.modes_covered counts them.
    """
    from ..engine.densities import modes_covered, ring_of_gaussians

    data = data if data is not None else ring_of_gaussians(**RING_DATA)
    covered, off_mode = modes_covered(samples, data.centres, data.std)
    return {"modes_covered": int(covered), "high_quality": round(1.0 - float(off_mode), 4)}


def train_ring(loss: str = MODERN, seed: int = 0, steps: int = 3000, every: int = 500, gamma: float = RING_GAMMA,
               n_samples: int = 5000, chunk: int = 250, settings: dict | None = None,
               pairing_loss: Callable | None = None, keep_samples: bool = False) -> dict:
    """Train notebook 04's toy G and D on the ring of 8 with one loss ("non-saturating" or MODERN); return a run record.

    Introduced in notebook 07. Both losses use RING_SETTINGS (k
    D updates per G update, the same learning rates); the record holds ``ring_measure`` of n_samples
    fixed-z samples every `every` steps, in the format of notebook 04's study (variant, settings,
    seed, steps, seconds, metrics). `settings` replaces some of RING_SETTINGS. `pairing_loss(real, fake)`
    (notebook 07's build, the learner's relativistic_d_loss) replaces the course's relativistic loss for
    D, and with its arguments swapped for G; keep_samples=True adds the last samples as record["samples"].
    """
    import keras
    import tensorflow as tf

    from ..engine.densities import ring_of_gaussians
    from ..engine.runtime import quiet_retracing, set_seed
    from ..engine.toy import mlp
    from ..engine.validate import check_int

    if loss not in RING_LOSSES:
        raise ValueError(f"loss must be one of {tuple(RING_LOSSES)}, got {loss!r}")
    steps, every, n_samples, chunk = (check_int(name, value) for name, value in
                                      (("steps", steps), ("every", every), ("n_samples", n_samples), ("chunk", chunk)))
    seed = check_int("seed", seed, 0)
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float)) or not gamma >= 0:
        raise ValueError(f"gamma must be a number >= 0 (the weight of R1 and of R2), got {gamma!r}")
    unknown = sorted(set(settings or {}) - set(RING_SETTINGS))
    if unknown:
        raise ValueError(f"settings may only replace keys of RING_SETTINGS {sorted(RING_SETTINGS)}, got {unknown}")
    s = {**RING_SETTINGS, **(settings or {})}
    data = ring_of_gaussians(**RING_DATA)
    set_seed(seed)
    G = mlp(s["latent_dim"], 2, s["widths"], s["activation"], name="generator")
    D = mlp(2, 1, s["widths"], s["activation"], name="discriminator")
    opt_g = keras.optimizers.Adam(s["lr_g"], beta_1=s["beta_1"])
    opt_d = keras.optimizers.Adam(s["lr_d"], beta_1=s["beta_1"])
    if pairing_loss is not None and not callable(pairing_loss):
        raise ValueError(f"pairing_loss must be a function (real_scores, fake_scores) -> loss, got {pairing_loss!r}")
    d_loss, g_loss = _ring_losses(RING_LOSSES[loss], float(gamma), G, D, pairing_loss)

    def update(loss_fn, model, opt, x, z):
        with tf.GradientTape() as tape:
            value = loss_fn(x, z)
        opt.apply_gradients(zip(tape.gradient(value, model.trainable_variables), model.trainable_variables))

    spec = [tf.TensorSpec((None, s["k"] + 1, s["batch_size"], dim), tf.float32)
            for dim in (2, s["latent_dim"])]

    @tf.function(input_signature=spec)
    def run_chunk(xs, zs):  # xs: (n, k + 1, batch, 2): k D updates, then one G update, per step
        for i in tf.range(tf.shape(xs)[0]):
            for j in range(s["k"]):
                update(d_loss, D, opt_d, xs[i, j], zs[i, j])
            update(g_loss, G, opt_g, xs[i, s["k"]], zs[i, s["k"]])

    rng = np.random.default_rng(seed)
    fixed_z = np.random.default_rng(10_000 + seed).standard_normal((n_samples, s["latent_dim"])).astype(np.float32)
    points, done, seconds = [], 0, 0.0
    while done < steps:
        n = min(chunk, steps - done, every - done % every)
        shape = (n, s["k"] + 1, s["batch_size"])
        xs = data.sample(int(np.prod(shape)), rng).reshape(*shape, 2)
        zs = rng.standard_normal((*shape, s["latent_dim"])).astype(np.float32)
        start = time.perf_counter()
        with quiet_retracing():
            run_chunk(tf.constant(xs), tf.constant(zs))
        seconds += time.perf_counter() - start
        done += n
        if done % every == 0 or done == steps:
            samples = G(fixed_z, training=False).numpy()
            if not np.all(np.isfinite(samples)):
                points.append({"step": done, "diverged": "the generator's samples are not finite"})
                break
            points.append({"step": done, "seconds": round(seconds, 2), **ring_measure(samples, data)})
    settings = {**s, "widths": list(s["widths"]), "loss": RING_LOSSES[loss],
                "gamma": float(gamma) if RING_LOSSES[loss] == "relativistic" else None, "data": dict(RING_DATA)}
    record = {"variant": loss, "settings": settings, "seed": seed, "steps": done, "seconds": round(seconds, 2),
              "metrics": points}
    if keep_samples:
        record["samples"] = G(fixed_z, training=False).numpy()
    return record


# ----- reading the committed results --------------------------------------------------------------
def results_path():
    """Where the committed study lives: data/results/modern_loss.json.

    Introduced in notebook 07.
    """
    return shipped_path("results", "modern_loss.json")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_rows(rows, part: str, names, measures) -> None:
    """ValueError naming the first row of `part` that is not a run record of one of `names` with `measures` at each point."""
    if not isinstance(rows, list) or not rows:
        raise ValueError(f"its {part!r} list is missing or empty")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or row.get("variant") not in names or not isinstance(row.get("seed"), int) \
                or not isinstance(row.get("metrics"), list) or not row["metrics"]:
            raise ValueError(f"{part} row {i} must be a run of one of {list(names)} with a 'seed' and a non-empty "
                             f"'metrics' list")
        last = -1
        for point in row["metrics"]:
            if not isinstance(point, dict) or not isinstance(point.get("step"), int) or point["step"] <= last:
                raise ValueError(f"{part} row {i}: every point needs a 'step', in increasing order; got {point!r}")
            last = point["step"]
            bad = [] if "diverged" in point else [m for m in measures if not _is_number(point.get(m))]
            if bad:
                raise ValueError(f"{part} row {i}, step {point['step']}: {bad} must be finite numbers")


def validate_modern_loss(results, source: str = "modern_loss.json") -> dict:
    """Return `results` if it holds the study's three parts ("ring", "runs", "timing"), else ValueError naming the fault.

    Introduced in notebook 07.
    """
    if not isinstance(results, dict):
        raise ValueError(f"{source}: expected a JSON object with 'ring', 'runs' and 'timing', "
                         f"got {type(results).__name__}")
    try:
        _check_rows(results.get("ring"), "ring", tuple(RING_LOSSES), tuple(RING_MEASURES))
        _check_rows(results.get("runs"), "runs", SETTINGS, ("seconds", *DCGAN_MEASURES))
        ms = (results.get("timing") or {}).get("ms_per_step") if isinstance(results.get("timing"), dict) else None
        if not isinstance(ms, dict) or not all(_is_number(ms.get(s)) and ms[s] > 0 for s in SETTINGS):
            raise ValueError(f"its 'timing' object needs 'ms_per_step' with a number > 0 for each of {list(SETTINGS)}")
    except ValueError as error:
        raise ValueError(f"{source}: {error}") from None
    return results


def load_modern_loss(path=None) -> dict | None:
    """Return the committed study, or print why it cannot be read (and what to run instead) and return None.

    Introduced in notebook 07.
    """
    path = path if path is not None else results_path()
    try:
        return validate_modern_loss(json.loads(path.read_text()), display_path(path))
    except FileNotFoundError:
        reason = f"{display_path(path)} does not exist"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = f"{display_path(path)} is not readable JSON ({error})"
    except ValueError as error:
        reason = str(error)
    print(f"The modern-loss study is not available: {reason}. Make it with `{COMMAND}`, or run a small version "
          f"live: {LIVE}.")
    return None


# ----- tables and verdicts ------------------------------------------------------------------------------
def _points(results: dict, part: str) -> dict:
    """{(variant, seed): {step: point}} of one part, diverged points left out."""
    return {(row["variant"], row["seed"]): {p["step"]: p for p in row["metrics"] if "diverged" not in p}
            for row in results[part]}


def _steps(results: dict, part: str, names, budgets) -> list[int]:
    """The steps every run of `names` reached (the chosen budgets among them when given)."""
    points = _points(results, part)
    common = set.intersection(*(set(p) for (name, _), p in points.items() if name in names))
    if budgets is not None:
        common &= set(budgets)
    return sorted(common)


def _seeds(results: dict, part: str, names) -> list[int]:
    """The seeds on which every name of the part has a run."""
    by_name = [{seed for name, seed in _points(results, part) if name == n} for n in names]
    return sorted(set.intersection(*by_name))


SHORT = {COURSE: "course", MODERN: "relativistic", "non-saturating": "non-saturating"}
DCGAN_LABELS = {"mnist_score": "score", "frechet_distance": "FD", "classes_covered": "classes",
                "memorisation_rate": "memorised", "seconds": "train s", "ms_per_step": "ms/step"}


def modern_loss_table(results: dict, budgets=None):
    """The DCGAN part as a DataFrame: one row per (seed, step), each measure of the course recipe beside the relativistic loss.

    Introduced in notebook 07. `budgets` (default: the
    file's "budgets", else every shared step) picks the steps; ms/step is the run's own training
    seconds over its steps (the side-by-side timing is in results["timing"]).
    """
    import pandas as pd

    budgets = budgets if budgets is not None else results.get("budgets")
    points, rows = _points(results, "runs"), []
    for seed in _seeds(results, "runs", SETTINGS):
        for step in _steps(results, "runs", SETTINGS, budgets):
            row = {"seed": seed, "step": step}
            for key, label in DCGAN_LABELS.items():
                for setting in SETTINGS:
                    point = points[(setting, seed)][step]
                    value = 1000 * point["seconds"] / step if key == "ms_per_step" else point[key]
                    row[f"{label} ({SHORT[setting]})"] = value
            rows.append(row)
    return pd.DataFrame(rows).set_index(["seed", "step"]) if rows else pd.DataFrame()


def ring_table(results: dict, steps=None):
    """The ring part as a DataFrame: one row per (seed, step), modes covered and high-quality share of each loss.

    Introduced in notebook 07.
    """
    import pandas as pd

    names, points, rows = tuple(RING_LOSSES), _points(results, "ring"), []
    for seed in _seeds(results, "ring", names):
        for step in _steps(results, "ring", names, steps):
            row = {"seed": seed, "step": step}
            for key, label in (("modes_covered", "modes"), ("high_quality", "high quality")):
                for name in names:
                    row[f"{label} ({SHORT[name]})"] = points[(name, seed)][step][key]
            rows.append(row)
    return pd.DataFrame(rows).set_index(["seed", "step"]) if rows else pd.DataFrame()


def _winner(values: dict, higher: bool) -> str:
    """The name with the better value, or "tie"."""
    (a, va), (b, vb) = values.items()
    if va == vb:
        return "tie"
    return a if (va > vb) == higher else b


def verdict_table(results: dict, budgets=None):
    """Which setting wins each measure at each budget on each seed (course, relativistic or tie) as a DataFrame.

    Introduced in notebook 07. Rows (step, seed); one column per
    DCGAN measure, and "ring modes" (the ring's modes covered at its last shared step, the same on
    every row of a seed) when the ring part is there.
    """
    import pandas as pd

    budgets = budgets if budgets is not None else results.get("budgets")
    points, rows = _points(results, "runs"), []
    ring = {}
    if results.get("ring"):
        ring_points, names = _points(results, "ring"), tuple(RING_LOSSES)
        last = _steps(results, "ring", names, None)[-1:]
        for seed in _seeds(results, "ring", names):
            for step in last:
                won = _winner({n: ring_points[(n, seed)][step]["modes_covered"] for n in names}, True)
                ring[seed] = SHORT.get(won, won)
    for step in _steps(results, "runs", SETTINGS, budgets):
        for seed in _seeds(results, "runs", SETTINGS):
            row = {"step": step, "seed": seed}
            for key, higher in DCGAN_MEASURES.items():
                won = _winner({s: points[(s, seed)][step][key] for s in SETTINGS}, higher)
                row[DCGAN_LABELS[key]] = SHORT.get(won, won)
            if ring:
                row["ring modes"] = ring.get(seed, "")
            rows.append(row)
    return pd.DataFrame(rows).set_index(["step", "seed"]) if rows else pd.DataFrame()


def _seed_list(seeds: list) -> str:
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(str(s) for s in seeds)


def verdict(results: dict, budgets=None) -> list[str]:
    """One line per budget: which setting won the MNIST score and the Fréchet distance on which seeds.

    Introduced in notebook 07. ``verdict_table`` has every
    measure; a ring line ends the list when the ring part is there.
    """
    table = verdict_table(results, budgets)
    lines = []
    for step in dict.fromkeys(table.index.get_level_values("step")):
        rows = table.loc[step]
        parts = []
        for label, name in (("score", "MNIST score"), ("FD", "Fréchet distance")):
            by_winner = {w: [seed for seed, won in rows[label].items() if won == w]
                         for w in ("relativistic", "course", "tie")}
            parts.append(f"{name}: " + ", ".join(f"{w} ({_seed_list(seeds)})"
                                                 for w, seeds in by_winner.items() if seeds))
        lines.append(f"at {step:,} steps, " + "; ".join(parts))
    if "ring modes" in table:
        ring = table["ring modes"].groupby(level="seed").first()
        by_winner = {w: [seed for seed, won in ring.items() if won == w]
                     for w in ("relativistic", "non-saturating", "tie")}
        lines.append("ring of 8, modes covered at the last step: "
                     + ", ".join(f"{w} ({_seed_list(seeds)})" for w, seeds in by_winner.items() if seeds))
    return lines


# ----- pictures --------------------------------------------------------------------------------------
#: the older loss in the palette's "failure" colour and the modern one in its "fix" colour: the pair
#: of roles the palette keeps apart when two things are drawn side by side
ROLES = {"non-saturating": "failure", COURSE: "failure", MODERN: "fix"}
SEED_STYLES = ("-", "--", ":")


def _plot_part(results: dict, part: str, names, key: str, ax):
    for name in names:
        style = PALETTE[ROLES[name]]
        for i, row in enumerate(r for r in results[part] if r["variant"] == name):
            points = [p for p in row["metrics"] if "diverged" not in p]
            ax.plot([p["step"] for p in points], [p[key] for p in points], color=style.colour, marker=style.marker,
                    ms=4, linestyle=SEED_STYLES[i % len(SEED_STYLES)], label=f"{SHORT[name]}, seed {row['seed']}")
    ax.set_xlabel("generator steps")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return ax


def plot_ring_modes(results: dict, ax=None):
    """Modes covered (of 8) on the ring against steps, one line per loss and seed.

    Introduced in notebook 07.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    _plot_part(results, "ring", tuple(RING_LOSSES), "modes_covered", ax)
    ax.set_ylabel("modes covered (of 8)")
    ax.set_ylim(-0.3, RING_DATA["n_modes"] + 0.3)
    return ax


def plot_dcgan(results: dict, key: str = "mnist_score", ax=None):
    """One DCGAN measure against steps, one line per setting and seed.

    Introduced in notebook 07.
    """
    import matplotlib.pyplot as plt

    if key not in DCGAN_MEASURES:
        raise ValueError(f"key must be one of {tuple(DCGAN_MEASURES)}, got {key!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    _plot_part(results, "runs", SETTINGS, key, ax)
    ax.set_ylabel(DCGAN_LABELS[key])
    return ax


# ----- notebook 07's sampling-steps benchmark (benchmarks/bench_sampling_steps.py) ----------------------
SAMPLING_COMMAND = "python benchmarks/bench_sampling_steps.py (about 10 minutes on 2 cores)"
SAMPLING_MEASURES = ("mnist_score", "frechet_distance", "precision", "recall", "ms_per_1000", "evaluations_per_sample")


def validate_sampling_steps(results, source: str = "sampling_steps.json") -> dict:
    """Return `results` if it holds a non-empty "rows" list, each row labelled with every measure, else ValueError.

    Introduced in notebook 07.
    """
    if not isinstance(results, dict) or not isinstance(results.get("rows"), list) or not results["rows"]:
        raise ValueError(f"{source}: expected a JSON object with a non-empty 'rows' list")
    for i, row in enumerate(results["rows"]):
        bad = [m for m in SAMPLING_MEASURES if not isinstance(row, dict) or not _is_number(row.get(m))]
        if bad or not isinstance(row.get("label"), str):
            raise ValueError(f"{source}: row {i} needs a 'label' and finite numbers for {bad or list(SAMPLING_MEASURES)}")
    return results


def load_sampling_steps(path=None) -> dict | None:
    """Return the committed sampling-steps results, or print why they cannot be read (and what to run) and return None.

    Introduced in notebook 07.
    """
    path = path if path is not None else shipped_path("results", "sampling_steps.json")
    try:
        return validate_sampling_steps(json.loads(path.read_text()), display_path(path))
    except FileNotFoundError:
        reason = f"{display_path(path)} does not exist"
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = f"{display_path(path)} is not readable JSON ({error})"
    except ValueError as error:
        reason = str(error)
    print(f"The sampling-steps benchmark is not available: {reason}. Make it with `{SAMPLING_COMMAND}`; the "
          f"sweep above measured DDIM live on fewer digits.")
    return None


def sampling_steps_table(results: dict):
    """The sampling-steps benchmark as a DataFrame, one row per sampler, with its time relative to the GAN's.

    Introduced in notebook 07.
    """
    import pandas as pd

    labels = {"mnist_score": "MNIST score ↑", "frechet_distance": "FD ↓", "precision": "precision ↑",
              "recall": "recall ↑", "evaluations_per_sample": "evaluations per sample",
              "ms_per_1000": "ms per 1,000 samples", "time_vs_gan": "time ÷ GAN's"}
    rows = {row["label"]: {label: row.get(key, float("nan")) for key, label in labels.items()}
            for row in results["rows"]}
    table = pd.DataFrame(rows).T
    return table.round(2).astype({"evaluations per sample": int})
