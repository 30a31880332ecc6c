"""Command line: train, sample and evaluate GANs without a notebook (`python -m gan_utils --help`).

Every argument is checked before TensorFlow is imported, so a typo is answered at once with exit
code 2 and nothing is written. No notebook calls it (notebook 03 names `make train`); `make train`
and `make pretrained` use it.
"""
from __future__ import annotations


import argparse
import json
import math
import sys
import time
from pathlib import Path

from .engine.checkpoints import CHECKPOINT_FILE
from .engine.names import DATA_NAMES, FASHION_SOURCES, LOSS_NAMES, MNIST_SOURCES, MODEL_NAMES
from .engine.paths import runs_dir

SOURCES = tuple(dict.fromkeys(MNIST_SOURCES + FASHION_SOURCES))
DEFAULTS = {"model": "cdcgan", "seconds": 300.0, "data": "mnist", "source": "auto", "seed": 0}
# A resumed run keeps these from its config.json; giving one that disagrees is an error.
RUN_SETTINGS = ("loss", "lr_g", "lr_d", "batch_size", "d_steps", "label_smoothing", "seed")


class UsageError(Exception):
    """A bad argument found after parsing (a missing run folder, a model mismatch): exit code 2.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """


def _number_type(convert, low: float, high: float = math.inf, low_open: bool = False, what: str = "a number"):
    """Build an argparse type converting with `convert` and checking low <= value (< or <=) high."""
    kind = "an integer" if convert is int else "a number"
    if convert is int:
        allowed = f"must be {what} >= {low}" if high == math.inf else f"must be {what} in {low}..{high}"
    else:
        allowed = f"must be {what}" if high == math.inf else f"must be in [{low}, {high})"

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {kind}") from None
        inside = math.isfinite(value) and (value > low if low_open else value >= low) and (
            value <= high if convert is int else value < high)
        if not inside:
            raise argparse.ArgumentTypeError(f"{text!r} {allowed}")
        return value

    return parse


positive_float = _number_type(float, 0, low_open=True, what="a positive number")
positive_int = _number_type(int, 1, what="an integer")
non_negative_int = _number_type(int, 0, what="an integer")
digit_label = _number_type(int, 0, 9, what="a label")
smoothing = _number_type(float, 0, 0.5)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    from . import __version__

    parser = argparse.ArgumentParser(prog="python -m gan_utils", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"gan_utils {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    train = sub.add_parser("train", help="train a GAN and write a run folder")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=positive_float, help="training-loop seconds (default 300)")
    budget.add_argument("--steps", type=positive_int, help="training steps instead of seconds")
    train.add_argument("--model", choices=MODEL_NAMES, default=None,
                       help="cdcgan (default: conditioned on the digit, best per CPU-second), dcgan, or mlp")
    train.add_argument("--data", choices=DATA_NAMES, default=None, help="mnist (default) or fashion")
    train.add_argument("--source", default=None, help="data source: " + ", ".join(SOURCES) + ", or a path (default auto)")
    train.add_argument("--loss", choices=LOSS_NAMES, default=None, help="default: the model's recipe")
    train.add_argument("--lr-g", type=positive_float, default=None)
    train.add_argument("--lr-d", type=positive_float, default=None)
    train.add_argument("--batch-size", type=positive_int, default=None)
    train.add_argument("--d-steps", type=positive_int, default=None)
    train.add_argument("--label-smoothing", type=smoothing, default=None)
    train.add_argument("--seed", type=non_negative_int, default=None, help="default 0")
    train.add_argument("--out", type=Path, default=None, help="run folder (default runs/<model>-<time>)")
    train.add_argument("--resume", action="store_true",
                       help="continue the checkpoint in --out with the model and settings in its config.json")
    train.add_argument("--save-every", type=positive_float, default=300.0, metavar="SECONDS",
                       help="save the checkpoint every SECONDS of wall time (default 300), so a killed run resumes")
    train.add_argument("--samples", type=positive_int, default=5000, help="samples for the final metrics")
    train.add_argument("--devices", type=positive_int, default=1,
                       help="split each batch over this many GPUs (tf.distribute.MirroredStrategy; default 1)")

    sample = sub.add_parser("sample", help="draw digits from a trained run as a uint8 .npy")
    sample.add_argument("--run", type=Path, required=True)
    sample.add_argument("--n", type=positive_int, default=10000)
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--label", type=digit_label, default=None, help="digit to draw (conditional models)")
    sample.add_argument("--seed", type=non_negative_int, default=0)

    evaluate = sub.add_parser("evaluate", help="print the metrics of samples (.npy) or of a run, as JSON")
    evaluate.add_argument("samples", nargs="?", type=Path, help="uint8 array (N, 28, 28) saved with np.save")
    evaluate.add_argument("--run", type=Path, default=None)
    evaluate.add_argument("--n", type=positive_int, default=5000, help="samples drawn from --run")
    evaluate.add_argument("--source", default="auto")

    export = sub.add_parser("export", help="ship a run's generator as data/pretrained/NAME.npz (make pretrained)")
    export.add_argument("--run", type=Path, required=True)
    export.add_argument("--name", required=True, help="pretrained name, e.g. dcgan")

    classifier = sub.add_parser("train-classifier", help="train the reference digit classifier used by metrics")
    classifier.add_argument("--source", default="auto")
    classifier.add_argument("--epochs", type=positive_int, default=5)
    classifier.add_argument("--out", type=Path, default=None, help="default runs/classifier")
    return parser


def _check_run(run: Path) -> Path:
    path = run if run.suffix == ".npz" else run / CHECKPOINT_FILE
    if not path.is_file():
        raise UsageError(f"no trained run at {run}: expected {path} (written by `python -m gan_utils train`)")
    return path


def _run_config(out: Path) -> dict:
    """Read a run's config.json (model, data and training settings), or explain why it cannot be used."""
    path = out / "config.json"
    try:
        config = json.loads(path.read_text())
        model, settings = config["config"]["model"], config["settings"]
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise UsageError(f"--resume: {path} is missing or unreadable ({err}); cannot tell which model to continue") \
            from None
    data = config.get("data", {})
    return {"model": model, "data": data.get("name", DEFAULTS["data"]), "source": data.get("source", DEFAULTS["source"]),
            **{key: settings.get(key) for key in RUN_SETTINGS}}


def _take_run_settings(args: argparse.Namespace) -> None:
    """Fill a resumed run's model and settings from its config.json; an explicit value that disagrees is an error."""
    stored = _run_config(args.out)
    clashes = []
    for key, value in stored.items():
        given = getattr(args, key, None)
        if given is not None and given != value:
            clashes.append(f"--{key.replace('_', '-')} {given!r} but the run has {value!r}")
        if key in ("model", "data", "source"):
            setattr(args, key, value)
    if clashes:
        raise UsageError(f"--resume {args.out}: " + "; ".join(clashes) + " (a resumed run keeps its own settings, "
                         "from its config.json; only --steps, --seconds, --save-every and --samples may change)")


def check_train_args(args: argparse.Namespace) -> argparse.Namespace:
    """Finish checking train arguments that need the file system; fill defaults. No TensorFlow.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    if args.seconds is None and args.steps is None:
        args.seconds = DEFAULTS["seconds"]
    if args.resume and args.out is None:
        raise UsageError("--resume needs --out, the run folder to continue")
    if args.out is None:
        args.out = runs_dir() / f"{args.model or DEFAULTS['model']}-{time.strftime('%Y%m%d-%H%M%S')}"
    has_checkpoint = (args.out / CHECKPOINT_FILE).exists()
    if args.resume and not has_checkpoint:
        raise UsageError(f"--resume: no checkpoint in {args.out} to continue")
    if has_checkpoint and not args.resume:
        raise UsageError(f"{args.out} already holds a trained run; use --resume to continue it "
                         f"or choose another --out (nothing was overwritten)")
    if args.resume:
        _take_run_settings(args)
    for key in ("model", "data", "source", "seed"):
        if getattr(args, key) is None:
            setattr(args, key, DEFAULTS[key])
    if args.source not in SOURCES and not Path(args.source).exists():
        raise UsageError(f"--source {args.source!r}: not a known source ({', '.join(SOURCES)}) "
                         f"nor an existing path")
    return args


def _load_data(name: str, source: str):
    from .engine.data import load_fashion_mnist, load_mnist

    return load_mnist(source) if name == "mnist" else load_fashion_mnist(source)


def _recipe(args: argparse.Namespace) -> dict:
    from .engine.recipes import recipe

    settings = recipe(args.model)
    overrides = {"loss": args.loss, "lr_g": args.lr_g, "lr_d": args.lr_d, "batch_size": args.batch_size,
                 "d_steps": args.d_steps, "label_smoothing": args.label_smoothing}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    settings["seed"] = args.seed
    return settings


def _periodic_save(out: Path, every_seconds: float):
    """A fit() callback that saves the trainer (atomically) once every_seconds of wall time have passed."""
    last = [time.monotonic()]

    def save(trainer) -> None:
        if time.monotonic() - last[0] >= every_seconds:
            trainer.save(out)
            last[0] = time.monotonic()

    return save


def _strategy(devices: int):
    """None for one device, else a MirroredStrategy over `devices` GPUs (UsageError naming what TensorFlow sees)."""
    if devices == 1:
        return None
    from .engine.replicas import strategy_for

    strategy = strategy_for(devices)
    print(f"splitting each batch over {devices} devices (MirroredStrategy)")
    return strategy


def cmd_train(args: argparse.Namespace) -> int:
    """Train (or resume) a run and write checkpoint, config.json, history.csv, samples.png, metrics.json.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    check_train_args(args)
    data = _load_data(args.data, args.source)
    if args.batch_size is not None and args.batch_size > len(data.x_train):
        raise UsageError(f"--batch-size {args.batch_size} is larger than the {len(data.x_train)} training images")
    from .engine import metrics, plotting
    from .engine.data import to_float, to_uint8
    from .engine.training import GANTrainer

    images = to_float(data.x_train)
    labels = data.y_train if args.model == "cdcgan" else None
    strategy = _strategy(args.devices)
    if args.resume:
        trainer = GANTrainer.restore(args.out, images, labels, strategy=strategy)
        print(f"resuming {args.out} at step {trainer.step_count}")
    else:
        settings = _recipe(args)
        model_sizes = settings.pop("sizes", {})
        trainer = GANTrainer(args.model, images, labels, **settings, **model_sizes, strategy=strategy)
    trainer.run_info = {"data": {"name": args.data, "source": args.source}}
    print(f"training {args.model} on {data.name} for "
          f"{f'{args.seconds:g} s' if args.steps is None else f'{args.steps} steps'} -> {args.out} "
          f"(saved every {args.save_every:g} s)")
    trainer.fit(seconds=args.seconds if args.steps is None else None, steps=args.steps,
                callbacks=[_periodic_save(args.out, args.save_every)], callback_every=10)
    trainer.save(args.out)
    plotting.save_image_grid(trainer.fixed_samples(), args.out / "samples.png")
    result = {"data": data.describe(), "steps": trainer.step_count, "train_seconds": round(trainer.train_time, 1)}
    if data.name == "MNIST":
        result.update(metrics.evaluate(to_uint8(trainer.sample(args.samples)), data))
    (args.out / "metrics.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"wrote {args.out}/: checkpoint.npz, config.json, history.csv, samples.png, metrics.json")
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    """Write n generated digits as uint8 (N, 28, 28), 0 = background, 255 = ink.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    _check_run(args.run)
    if args.out.suffix != ".npy":
        raise UsageError(f"--out {args.out}: must end in .npy")
    import numpy as np

    from .engine.data import to_uint8
    from .engine.models import is_conditional
    from .engine.pretrained import generate, load_generator

    generator = load_generator(args.run)
    if args.label is not None and not is_conditional(generator):
        raise UsageError(f"{args.run} holds an unconditional model; --label needs a conditional one (--model cdcgan)")
    images = to_uint8(generate(generator, args.n, args.seed, args.label))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, images)
    print(f"wrote {args.out}: {images.shape} uint8")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Print the metrics of a .npy of samples, or of n samples drawn from a run, as JSON.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    if (args.samples is None) == (args.run is None):
        raise UsageError("give either a samples .npy file or --run, not both or neither")
    import numpy as np

    if args.run is not None:
        _check_run(args.run)
        from .engine.data import to_uint8
        from .engine.pretrained import generate, load_generator

        images = to_uint8(generate(load_generator(args.run), args.n))
    else:
        if not args.samples.is_file():
            raise UsageError(f"no samples file at {args.samples}")
        try:
            images = np.load(args.samples, allow_pickle=False)
        except ValueError as err:
            raise UsageError(f"{args.samples}: not a plain .npy array ({err})") from None
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise UsageError(f"{args.samples}: expected uint8 (N, 28, 28), got {images.dtype} {images.shape}")

    from .engine import metrics

    result = metrics.evaluate(images, _load_data("mnist", args.source))
    print(json.dumps(result, indent=2))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Copy a run's generator weights (float16) into data/pretrained/ with its metrics in the manifest.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    _check_run(args.run)
    if not args.name.isidentifier():
        raise UsageError(f"--name {args.name!r}: use letters, digits and underscores")
    metrics_file = args.run / "metrics.json"
    info = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    from .engine.pretrained import export_pretrained

    path = export_pretrained(args.run, args.name, info)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) and its manifest entry")
    return 0


def cmd_train_classifier(args: argparse.Namespace) -> int:
    """Train the reference classifier on the chosen MNIST source and write it with its manifest.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    data = _load_data("mnist", args.source)
    from .engine.classifier import train_classifier

    manifest = train_classifier(data, epochs=args.epochs, out_dir=args.out)
    print(json.dumps(manifest, indent=2))
    return 0


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate, "export": cmd_export,
            "train-classifier": cmd_train_classifier}


def _join_negative_values(argv: list[str]) -> list[str]:
    """Write `--lr-d -1e-3` as `--lr-d=-1e-3`, so argparse names the bad value instead of saying none was given."""
    joined: list[str] = []
    for token in argv:
        if joined and joined[-1].startswith("--") and "=" not in joined[-1] and token.startswith("-"):
            try:
                float(token)
            except ValueError:
                pass
            else:
                joined[-1] = f"{joined[-1]}={token}"
                continue
        joined.append(token)
    return joined


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse, check, run; exit code 2 with a one-line message on bad arguments.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    parser = build_parser()
    args = parser.parse_args(_join_negative_values(sys.argv[1:] if argv is None else list(argv)))
    try:
        return COMMANDS[args.command](args)
    except UsageError as err:
        parser.exit(2, f"{parser.prog} {args.command}: error: {err}\n")
    except ValueError as err:
        parser.exit(2, f"{parser.prog} {args.command}: error: {err}\n")


if __name__ == "__main__":
    sys.exit(main())
