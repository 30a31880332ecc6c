"""Train the shipped VAE (gu.vae.VAE) and export it as data/pretrained/NAME.npz with its scores in the manifest.

Used by tools/make_pretrained.sh (PRETRAIN_MODELS=vae_embedded): notebook 05's VAE (latent_dim 16, the
course recipe's batch size) on the embedded 4,500 training digits, for as many steps as dcgan_embedded
(8,000), so notebook 07 compares the two without training either. The budget is in steps. The run
folder gets vae.npz and metrics.json; --export NAME ships it, scored on 10,000 samples as the
generators are (gu.metrics.evaluate against the same data's test digits) and with its ELBO on them.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gan_utils as gu  # noqa: E402


def main(argv=None) -> int:
    """Train, score and (with --export NAME) ship a VAE on the chosen digits."""
    batch = gu.recipes.recipe("dcgan")["batch_size"]  # notebook 05 races its VAE at the course recipe's batch size
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=8000)
    p.add_argument("--source", default="embedded", help="embedded (the 4,500 training digits every copy has), "
                                                         "auto, or a path to mnist.npz")
    p.add_argument("--out", default="runs/pretrained-vae_embedded")
    p.add_argument("--batch-size", type=int, default=batch)
    p.add_argument("--latent-dim", type=int, default=gu.vae.LATENT_DIM)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--samples", type=int, default=10000, help="samples scored with gu.metrics.evaluate")
    p.add_argument("--export", default=None, help="ship the model as data/pretrained/NAME.npz")
    a = p.parse_args(argv)
    data = gu.load_mnist(a.source, verbose=False)
    out = Path(a.out)
    model = gu.vae.VAE(data.x_train, latent_dim=a.latent_dim, batch_size=a.batch_size, seed=a.seed)
    model.fit(a.steps)
    model.save(out / "vae.npz")
    tail = model.history["loss"][-500:]
    print(f"{model.step_count:,} steps in {model.train_time:.1f} s; loss {sum(tail) / len(tail):.1f} nats "
          f"(mean of the last {len(tail)})", flush=True)
    result = {"data": data.describe(), "steps": model.step_count, "train_seconds": round(model.train_time, 1),
              "batch_size": a.batch_size, "lr": model.lr, "seed": a.seed,
              "elbo_test_nats": model.elbo(data.x_test, seed=0),
              "sampling": "z ~ N(0, I) through the decoder; each image is its pixel probabilities (no Bernoulli draw)"}
    result.update(gu.metrics.evaluate(gu.to_uint8(model.sample(a.samples, seed=0)), data))
    (out / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    if a.export:
        path = model.export(a.export, {"source_run": str(out), **result})
        result["exported"] = str(path)
    print(json.dumps({k: v for k, v in result.items() if k != "class_histogram"}, indent=2), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
