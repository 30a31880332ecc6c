"""Quality per CPU-second: the TF DCGAN tutorial's GAN and TF-GAN's MNIST GAN against ours, in one run on the same data.

    python benchmarks/bench_train.py                       # reference, tfgan, dcgan, default (cdcgan): 60 s and 300 s
    python benchmarks/bench_train.py --budgets 30,120 --variants default,mlp
    python benchmarks/bench_train.py --variant "wide:model=dcgan,g_filters=96,lr_d=4e-4"

For each variant it prints ms per training step and the metrics (gu.metrics.evaluate on fresh
samples) after each budget of training-loop seconds, then the ratios of each variant to the
reference. Results also go to benchmarks/results/<timestamp>.json. Timings are only comparable
within one run: the machine is shared and noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gan_utils as gu  # noqa: E402

HERE = Path(__file__).resolve().parent


def tutorial_models(latent_dim: int = 100):
    """The TF DCGAN tutorial's generator and discriminator, rewritten from its published description."""
    import keras
    from keras import layers

    g = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(7 * 7 * 256, use_bias=False), layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Reshape((7, 7, 256)),
        layers.Conv2DTranspose(128, 5, strides=1, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(64, 5, strides=2, padding="same", use_bias=False),
        layers.BatchNormalization(), layers.LeakyReLU(),
        layers.Conv2DTranspose(1, 5, strides=2, padding="same", use_bias=False, activation="tanh"),
    ], name="tutorial_generator")
    d = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Conv2D(128, 5, strides=2, padding="same"), layers.LeakyReLU(), layers.Dropout(0.3),
        layers.Flatten(), layers.Dense(1),
    ], name="tutorial_discriminator")
    return g, d


def tfgan_models(latent_dim: int = 64):
    """TF-GAN's MNIST example (tensorflow_gan/examples/mnist/networks.py), rewritten from its description.

    G: dense 1024 -> dense 7x7x128, each with batch norm and ReLU, two stride-2 transposed convs
    (64, 32 filters) with batch norm, a 4x4 conv to one tanh channel. D: convs of 64 and 128
    filters (stride 2, LeakyReLU 0.01), a dense 1024 layer with batch norm, one logit; spectral
    norm on every conv and dense layer of D. Its weight decay (2.5e-5) is left out.
    """
    import keras
    from keras import layers

    from gan_utils.engine.layers import SpectralNorm

    g = keras.Sequential([
        keras.Input((latent_dim,)),
        layers.Dense(1024), layers.BatchNormalization(), layers.ReLU(),
        layers.Dense(7 * 7 * 128), layers.BatchNormalization(), layers.ReLU(),
        layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(64, 4, strides=2, padding="same"), layers.BatchNormalization(), layers.ReLU(),
        layers.Conv2DTranspose(32, 4, strides=2, padding="same"), layers.BatchNormalization(), layers.ReLU(),
        layers.Conv2D(1, 4, padding="same", activation="tanh"),
    ], name="tfgan_generator")
    d = keras.Sequential([
        keras.Input((28, 28, 1)),
        SpectralNorm(layers.Conv2D(64, 4, strides=2, padding="same")), layers.LeakyReLU(0.01),
        SpectralNorm(layers.Conv2D(128, 4, strides=2, padding="same")), layers.LeakyReLU(0.01),
        layers.Flatten(),
        SpectralNorm(layers.Dense(1024)), layers.BatchNormalization(), layers.LeakyReLU(0.01),
        SpectralNorm(layers.Dense(1)),
    ], name="tfgan_discriminator")
    return g, d


REFERENCE = {"model": "tutorial", "lr_g": 1e-4, "lr_d": 1e-4, "beta_1": 0.9, "batch_size": 256}
# TF-GAN's MNIST tutorial settings: Wasserstein losses (no gradient penalty: spectral norm keeps D
# Lipschitz), batch 32, noise 64, Adam 1e-3 for G and 2e-4 for D with beta_1 = 0.5.
TFGAN = {"model": "tfgan", "loss": "wgan_gp", "gp_weight": 0.0, "lr_g": 1e-3, "lr_d": 2e-4, "beta_1": 0.5,
         "batch_size": 32}
PRESETS = {"reference": REFERENCE, "tfgan": TFGAN}


def _recipe_preset(model: str) -> dict:
    settings = gu.recipes.recipe(model)
    return {"model": model, **settings.pop("sizes"), **settings}


PRESETS.update({"default": _recipe_preset(gu.recipes.DEFAULT_MODEL), "dcgan": _recipe_preset("dcgan"),
                "mlp": _recipe_preset("mlp"), "cdcgan": _recipe_preset("cdcgan")})


def parse_variant(text: str) -> tuple[str, dict]:
    """Parse "name:key=value,key=value" (values as JSON where possible) or a preset name."""
    name, _, spec = text.partition(":")
    if not spec:
        if name not in PRESETS:
            raise SystemExit(f"unknown variant {name!r}; presets: {sorted(PRESETS)} or name:key=value,...")
        return name, dict(PRESETS[name])
    settings = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return name, settings


def make_trainer(settings: dict, images, labels, seed: int):
    """Build a GANTrainer from a variant's settings (model name, sizes and trainer options)."""
    settings = dict(settings)
    model = settings.pop("model", "dcgan")
    settings.setdefault("seed", seed)
    if model in ("tutorial", "tfgan"):
        gu.set_seed(settings["seed"])
        model = tutorial_models() if model == "tutorial" else tfgan_models()
    return gu.GANTrainer(model, images, labels if model == "cdcgan" else None, **settings)


def run_variant(name: str, settings: dict, data, budgets: list[float], n_samples: int, seed: int) -> dict:
    """Train one variant through the budgets, evaluating after each; return its results."""
    images = gu.to_float(data.x_train)
    trainer = make_trainer(settings, images, data.y_train, seed)
    trainer.step(3)
    warm_steps, warm_time = trainer.step_count, trainer.train_time
    results = {"name": name, "settings": settings, "checkpoints": []}
    for budget in budgets:
        trainer.fit(seconds=budget - (trainer.train_time - warm_time), progress=False)
        steps = trainer.step_count - warm_steps
        ms = 1000 * (trainer.train_time - warm_time) / steps
        metrics = gu.metrics.evaluate(gu.to_uint8(trainer.sample(n_samples)), data)
        metrics.pop("classifier_note", None)
        row = {"seconds": budget, "steps": steps, "ms_per_step": round(ms, 2),
               **{k: metrics[k] for k in ("mnist_score", "frechet_distance", "classes_covered",
                                          "min_class_share", "memorisation_rate")}}
        results["checkpoints"].append(row)
        print(f"  {name:>12} {budget:>5.0f}s  steps {steps:>6}  {ms:6.1f} ms/step  "
              f"score {row['mnist_score']:.2f}  FD {row['frechet_distance']:7.2f}  "
              f"classes {row['classes_covered']}  min share {row['min_class_share']:.3f}  "
              f"memorised {row['memorisation_rate']:.3f}", flush=True)
    if "out" in settings:
        trainer.save(settings["out"])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="reference,tfgan,dcgan,default", help="comma-separated preset names")
    parser.add_argument("--variant", action="append", default=[], help="name:key=value,... (repeatable)")
    parser.add_argument("--budgets", default="60,300", help="training-loop seconds at which to evaluate")
    parser.add_argument("--samples", type=int, default=5000, help="samples per evaluation")
    parser.add_argument("--source", default="embedded", help="data source for gu.load_mnist")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    budgets = sorted(float(b) for b in args.budgets.split(","))
    if gu.is_fast():
        budgets, args.samples = [min(budgets[0], 5.0)], min(args.samples, 500)
    variants = [parse_variant(v) for v in args.variants.split(",") if v] + [parse_variant(v) for v in args.variant]
    data = gu.load_mnist(args.source)
    floor = gu.metrics.frechet_distance(data.x_train[:args.samples], data.x_test)
    print(f"budgets {budgets} s, {args.samples} samples per evaluation; real-vs-real floor: "
          f"FD of {min(args.samples, len(data.x_train))} training digits to the {len(data.x_test)} test digits "
          f"= {floor:.2f}")
    all_results = [run_variant(name, s, data, budgets, args.samples, args.seed) for name, s in variants]
    base = all_results[0]
    print(f"\nratios against {base['name']!r} (same run, same machine):")
    for result in all_results[1:]:
        for mine, ref in zip(result["checkpoints"], base["checkpoints"]):
            print(f"  {result['name']:>12} at {mine['seconds']:.0f}s: "
                  f"{ref['ms_per_step'] / mine['ms_per_step']:.1f}x steps per second, "
                  f"score {mine['mnist_score']:.2f} vs {ref['mnist_score']:.2f}, "
                  f"FD {mine['frechet_distance']:.2f} vs {ref['frechet_distance']:.2f}")
    out = HERE / "results" / f"bench_train_{time.strftime('%Y%m%d_%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"data": data.describe(), "fd_floor": floor, "results": all_results}, indent=1))
    print(f"wrote {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
