"""Train the shipped diffusion model (gu.diffusion.DiffusionModel) and export it as data/pretrained/NAME.npz.

Used by tools/make_pretrained.sh (PRETRAIN_MODELS=ddpm). The budget is in steps. Every --snapshot-every
steps the EMA weights go to OUT/step-NNNNNN.npz, so a killed run resumes from its last snapshot with
--resume (Adam's moment estimates restart there; the weights do not). Notebook 07 reads the result.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import gan_utils as gu  # noqa: E402
from gan_utils.engine import diffusion  # noqa: E402


def main(argv=None) -> int:
    """Train, snapshot and (with --export NAME) ship a DDPM on the chosen digits."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=24000)
    p.add_argument("--source", default="embedded", help="embedded (the 4,500 training digits every copy has), "
                                                         "auto, or a path to mnist.npz")
    p.add_argument("--out", default="runs/pretrained-ddpm")
    p.add_argument("--snapshot-every", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--export", default=None, help="ship the final model as data/pretrained/NAME.npz")
    a = p.parse_args(argv)
    data = gu.load_mnist(a.source, verbose=False)
    images = gu.to_float(data.x_train)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    snapshots = sorted(out.glob("step-*.npz"))
    if a.resume and snapshots:
        model = diffusion.DiffusionModel.load(snapshots[-1], images, lr=a.lr, batch_size=a.batch_size, seed=a.seed)
        print(f"resumed from {snapshots[-1]} at step {model.step_count:,}", flush=True)
    else:
        model = diffusion.DiffusionModel(images, lr=a.lr, batch_size=a.batch_size, seed=a.seed)
    while model.step_count < a.steps:
        chunk = min(a.snapshot_every - model.step_count % a.snapshot_every, a.steps - model.step_count)
        start = time.perf_counter()
        model.fit(steps=chunk)
        loss = sum(model.history["loss"][-chunk:]) / chunk
        print(f"step {model.step_count:,}: loss {loss:.4f}, {1000 * (time.perf_counter() - start) / chunk:.0f} ms "
              f"a step", flush=True)
        model.save(out / f"step-{model.step_count:06d}.npz")
    if a.export:
        info = {"data": f"{data.name}: {len(images):,} training digits ({data.source})",
                "data_source": data.source, "batch_size": a.batch_size, "lr": a.lr, "seed": a.seed}
        path = model.export(a.export, info)
        print(json.dumps({"exported": str(path), "steps": model.step_count}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
