"""Command line: train, sample and evaluate GANs (and a diffusion model) without a notebook (`python -m gan_utils --help`).

Every argument is checked before TensorFlow is imported, so a typo is answered at once with exit
code 2 and nothing is written. A failure while running exits 1 with a one-line message (a diverged
run keeps its last good checkpoint), and Ctrl-C exits 130 after saving the checkpoint. No notebook
calls it (notebook 03 names `make train`); `make train` and `make pretrained` use it.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib.util
import json
import math
import subprocess
import sys
import time
from pathlib import Path

from .engine import paths
from .engine.checkpoints import CHECKPOINT_FILE
from .engine.names import DATA_NAMES, DIFFUSION_NAMES, FASHION_SOURCES, LOSS_NAMES, MNIST_SOURCES, MODEL_NAMES
from .engine.paths import display_path, runs_dir, shipped_path
from .engine.pretrained import pretrained_names
from .engine.recipes import recipe

SOURCES = tuple(dict.fromkeys(MNIST_SOURCES + FASHION_SOURCES))
DEFAULTS = {"model": "cdcgan", "seconds": 300.0, "data": "mnist", "source": "auto", "seed": 0}
# A resumed run keeps these from its config.json; giving one that disagrees is an error.
RUN_SETTINGS = ("loss", "lr_g", "lr_d", "batch_size", "d_steps", "label_smoothing", "r1_weight", "r2_weight", "seed")
PENALTIES = ("r1_weight", "r2_weight")  # off (0) in a run saved before they existed
# the GAN-only train options (their dest): --model ddpm refuses them
GAN_OPTIONS = {"loss": "--loss", "lr_g": "--lr-g", "lr_d": "--lr-d", "d_steps": "--d-steps",
               "label_smoothing": "--label-smoothing", "r1_weight": "--r1", "r2_weight": "--r2"}
DIFFUSION_FILE = "diffusion.npz"  # a ddpm run folder's model, as checkpoint.npz is a GAN run's
SAMPLER_STEPS = 50  # DDIM's network evaluations per image unless --sampler-steps says otherwise
SAMPLED_KINDS = ("generator", "diffusion", "vae")  # the shipped kinds sample --pretrained draws from
PREVIEW = 64  # sample draws this many of its images into the PNG grid beside the .npy
INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C (128 + SIGINT)
LAB_FOLDER = Path("gan-classroom")  # the course folder `lab` opens when none is given, in the current folder
# The documents the notebooks link to as ../docs/NAME: copied beside the copies, their links pointing there.
LINKED_DOCS = ("glossary.md",)
# Written into a folder of copies where jupytext is installed: jupytext takes the nearest configuration
# file, so this one, not a user-wide one, decides that a copy pairs with nothing (as `make lab` does).
UNPAIRED_JUPYTEXT = """\
# Written by `gan-utils notebooks` (or `gan-utils lab`). These are your own copies of the course's
# notebooks: saving one writes only its .ipynb, never a paired text file.
formats = "ipynb"
"""


class UsageError(Exception):
    """A bad argument found after parsing (a missing run folder, a model mismatch): exit code 2.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """


class RunFailed(Exception):
    """A failure after the arguments were accepted (training diverged): exit code 1 with a one-line message.

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
non_negative_float = _number_type(float, 0, what="a number >= 0")
positive_int = _number_type(int, 1, what="an integer")
non_negative_int = _number_type(int, 0, what="an integer")
digit_label = _number_type(int, 0, 9, what="a label")
port_number = _number_type(int, 1, 65535, what="a port")
smoothing = _number_type(float, 0, 0.5)


EXIT_CODES = """\
exit codes:
  0    done
  1    a failure while running: training diverged (the last good checkpoint is kept),
       or the engine refused a file or value (one line: "error: ...")
  2    a bad argument, found before anything was trained or written
  130  interrupted (Ctrl-C); train saves its checkpoint first, so --resume continues"""


class _HelpFormatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    """Keep the examples' line breaks; add "(default: X)" unless the default is None or False or the help names it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default is None or action.default is False or "default" in text:
            return text
        return super()._get_help_string(action)


def program_name() -> str:
    """The program's name as the user invoked it: `python -m gan_utils`, or the console script's `gan-utils`.

    Not used in a notebook: the command line's usage and error messages start with it.
    """
    main_module = sys.modules.get("__main__")
    spec = getattr(main_module, "__spec__", None)
    if spec is not None and spec.name in ("gan_utils.__main__", "gan_utils.cli"):
        return "python -m gan_utils"
    script = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
    return "gan-utils" if script.replace("_", "-") == "gan-utils" else "python -m gan_utils"


def _recipe_default(key: str, fallback=None) -> str:
    """'the model's recipe: ...' for a setting the recipes choose per model (one value if they agree)."""
    values = {model: recipe(model).get(key, fallback) for model in MODEL_NAMES}
    if len(set(values.values())) == 1:
        return f"default: the model's recipe, {next(iter(values.values()))} for every model"
    return "default: the model's recipe, " + ", ".join(f"{value:g} ({model})" if isinstance(value, float)
                                                       else f"{value} ({model})" for model, value in values.items())


def _examples(prog: str, *lines: str) -> str:
    """An epilog listing each example command line, prefixed with the program name."""
    return "examples:\n" + "\n".join(f"  {prog} {line}" for line in lines)


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The argument parser for every sub-command, named `prog` (default: as invoked, see program_name).

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    from . import __version__

    prog = prog or program_name()
    shipped = {kind: pretrained_names(kind) for kind in SAMPLED_KINDS}
    parser = argparse.ArgumentParser(
        prog=prog, formatter_class=_HelpFormatter,
        description="Train, sample, evaluate and export GANs (and a diffusion model) without a notebook.\n"
                    f"Run `{prog} COMMAND --help` for a command's options and examples.",
        epilog=_examples(prog, "train --model dcgan --seconds 300 --out runs/my-gan",
                         "train --resume --out runs/my-gan --seconds 120",
                         "sample --run runs/my-gan --n 10000 --out samples.npy",
                         "sample --pretrained cdcgan --label 7 --n 64 --out sevens.npy",
                         "train --model ddpm --steps 8000 --source embedded --out runs/my-ddpm",
                         "sample --pretrained ddpm --sampler-steps 20 --n 64 --out ddpm.npy",
                         "evaluate samples.npy > metrics.json",
                         "export --run runs/my-gan --name my_dcgan",
                         "notebooks my-course", "lab my-course") + "\n\n" + EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"gan_utils {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands", description=None)

    def command(name: str, summary: str, *examples: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                              formatter_class=_HelpFormatter, epilog=_examples(f"{prog} {name}", *examples))

    train = command("train", "train a GAN (or a diffusion model, --model ddpm) and write a run folder "
                    "(checkpoint, config, history, samples, metrics)",
                    "--seconds 60", "--model dcgan --steps 2000 --out runs/my-gan",
                    "--model mlp --lr-g 1e-4 --lr-d 1e-4 --batch-size 128 --seed 1",
                    "--model dcgan --loss relativistic --r1 0.1 --r2 0.1 --steps 2000",
                    "--model ddpm --steps 8000 --source embedded --out runs/my-ddpm",
                    "--resume --out runs/my-gan --seconds 120")
    budget = train.add_mutually_exclusive_group()
    budget.add_argument("--seconds", type=positive_float, default=None,
                        help=f"train for this many seconds of training-loop time "
                             f"(default: {DEFAULTS['seconds']:g} unless --steps is given)")
    budget.add_argument("--steps", type=positive_int, default=None,
                        help="train for this many steps instead, the same budget on any machine "
                             "(default: none, --seconds sets the budget)")
    train.add_argument("--model", choices=MODEL_NAMES + DIFFUSION_NAMES, default=None,
                       help="cdcgan (conditioned on the digit, best per CPU-second), dcgan or mlp; ddpm: a "
                            "diffusion model (gu.diffusion; it takes --steps or --seconds, --batch-size, --seed, "
                            "--source and --sampler-steps, no GAN option) "
                            f"(default: {DEFAULTS['model']}, or the run's own with --resume)")
    train.add_argument("--data", choices=DATA_NAMES, default=None,
                       help=f"digits or clothes (default: {DEFAULTS['data']}, or the run's own with --resume)")
    train.add_argument("--source", default=None,
                       help="where the images come from: " + ", ".join(SOURCES) + ", or a path to an .npz "
                            f"(default: {DEFAULTS['source']}, or the run's own with --resume)")
    train.add_argument("--first", type=positive_int, default=None, metavar="N",
                       help="train on the first N training images only, e.g. 50000: digits 0-49,999 of full "
                            "MNIST, as the 2014 paper's model (default: all of them, or the run's own with --resume)")
    train.add_argument("--loss", choices=LOSS_NAMES, default=None, help=f"GAN loss ({_recipe_default('loss')})")
    train.add_argument("--lr-g", type=positive_float, default=None, metavar="LR",
                       help=f"generator learning rate, Adam ({_recipe_default('lr_g')})")
    train.add_argument("--lr-d", type=positive_float, default=None, metavar="LR",
                       help=f"discriminator learning rate, Adam ({_recipe_default('lr_d')})")
    train.add_argument("--batch-size", type=positive_int, default=None, metavar="N",
                       help=f"real images per step ({_recipe_default('batch_size')})")
    train.add_argument("--d-steps", type=positive_int, default=None, metavar="N",
                       help=f"discriminator updates per generator update ({_recipe_default('d_steps', 1)})")
    train.add_argument("--label-smoothing", type=smoothing, default=None, metavar="S",
                       help="one-sided label smoothing: D's target for real images is 1 - S, S in [0, 0.5) "
                            f"({_recipe_default('label_smoothing', 0)})")
    train.add_argument("--r1", type=non_negative_float, default=None, metavar="GAMMA", dest="r1_weight",
                       help="weight of the R1 penalty GAMMA/2 E||grad D(x)||^2 on real images, added to D's loss "
                            "(default: 0, off); R3GAN's recipe is --loss relativistic with --r1 and --r2 both "
                            "set to its gamma")
    train.add_argument("--r2", type=non_negative_float, default=None, metavar="GAMMA", dest="r2_weight",
                       help="weight of the same penalty on generated images, R2 (default: 0, off); "
                            "R3GAN uses R1 and R2 together, with --loss relativistic")
    train.add_argument("--sampler-steps", type=positive_int, default=None, metavar="N",
                       help=f"--model ddpm: DDIM's network evaluations per image for the final samples "
                            f"(default: {SAMPLER_STEPS}; the full DDPM sampler takes T = 1000)")
    train.add_argument("--seed", type=non_negative_int, default=None,
                       help=f"seeds the weights, batches and noise (default: {DEFAULTS['seed']}, "
                            "or the run's own with --resume)")
    train.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="run folder to write (default: runs/<model>-<date>-<time>)")
    train.add_argument("--resume", action="store_true",
                       help="continue the checkpoint in --out with the model and settings of its config.json")
    train.add_argument("--save-every", type=positive_float, default=300.0, metavar="SECONDS",
                       help="save the checkpoint every SECONDS of wall time, so a killed run resumes (default: 300)")
    train.add_argument("--samples", type=positive_int, default=5000, metavar="N",
                       help="samples drawn for the final metrics (metrics.json)")
    train.add_argument("--devices", type=positive_int, default=1, metavar="N",
                       help="split each batch over this many GPUs (tf.distribute.MirroredStrategy)")

    sample = command("sample", "draw images from a trained run or a shipped model: a uint8 .npy and a PNG grid",
                     "--run runs/my-gan --n 10000 --out samples.npy",
                     "--pretrained cdcgan --label 7 --n 64 --out sevens.npy",
                     "--pretrained ddpm --sampler-steps 20 --n 1000 --out ddpm.npy")
    origin = sample.add_mutually_exclusive_group(required=True)
    origin.add_argument("--run", type=Path, default=None, metavar="DIR",
                        help="a run folder written by train (or a checkpoint or exported .npz file)")
    origin.add_argument("--pretrained", default=None, metavar="NAME",
                        help="a shipped generator: " + (", ".join(shipped["generator"]) or "none shipped")
                             + "; diffusion model (DDIM, --sampler-steps): " + (", ".join(shipped["diffusion"]) or "none")
                             + "; VAE: " + (", ".join(shipped["vae"]) or "none"))
    sample.add_argument("--n", type=positive_int, default=10000, help="how many images to draw")
    sample.add_argument("--out", type=Path, required=True, metavar="FILE.npy",
                        help="the .npy to write, uint8 (N, 28, 28) with 0 = background and 255 = ink; "
                             "a PNG grid of the first 64 goes beside it (same name, .png)")
    sample.add_argument("--label", type=digit_label, default=None, metavar="DIGIT",
                        help="draw only this digit, 0..9 (conditional models; default: the digits 0..9 in turn)")
    sample.add_argument("--seed", type=non_negative_int, default=0, help="seed of the noise z")
    sample.add_argument("--sampler-steps", type=positive_int, default=None, metavar="N",
                        help=f"a diffusion model's network evaluations per image with DDIM's sampler, 1..T "
                             f"(default: {SAMPLER_STEPS}; fewer is faster and rougher)")

    evaluate = command("evaluate", "print the metrics of samples (.npy) or of a run as one JSON document on stdout",
                       "samples.npy", "samples.npy --source embedded > metrics.json",
                       "--run runs/my-gan --n 5000")
    evaluate.add_argument("samples", nargs="?", type=Path, default=None, metavar="SAMPLES.npy",
                          help="uint8 array (N, 28, 28) saved with np.save (or give --run)")
    evaluate.add_argument("--run", type=Path, default=None, metavar="DIR",
                          help="score images drawn from this run folder instead of a .npy (default: none)")
    evaluate.add_argument("--n", type=positive_int, default=5000, help="images drawn from --run")
    evaluate.add_argument("--source", default="auto",
                          help="the real MNIST to compare with: " + ", ".join(MNIST_SOURCES) + ", or a path")

    export = command("export", "ship a run's generator (or diffusion model) as NAME.npz with a manifest entry "
                     "(make pretrained)",
                     "--run runs/my-gan --name my_dcgan",
                     "--run runs/my-gan --name my_dcgan --out my-generators",
                     "--run runs/pretrained-dcgan --name dcgan --force")
    export.add_argument("--run", type=Path, required=True, metavar="DIR", help="the run folder to export")
    export.add_argument("--name", required=True,
                        help="name to ship it as (letters, digits, underscores); gu.load_pretrained(NAME) "
                             "and sample --pretrained NAME load it from data/pretrained/")
    export.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="folder for NAME.npz and manifest.json, sampled with sample --run DIR/NAME.npz "
                             "(default: data/pretrained/ in a checkout; required when gan_utils is installed, "
                             "as export never writes into the installed package)")
    export.add_argument("--force", action="store_true",
                        help="overwrite NAME when the folder already holds it (a shipped generator, for make pretrained)")

    classifier = command("train-classifier", "train the reference digit classifier used by the metrics",
                         "--source embedded --epochs 1 --out runs/classifier-test")
    classifier.add_argument("--source", default="auto",
                            help="the MNIST to train on: " + ", ".join(MNIST_SOURCES) + ", or a path")
    classifier.add_argument("--epochs", type=positive_int, default=5, help="passes over the training images")
    classifier.add_argument("--out", type=Path, default=None, metavar="DIR",
                            help="folder for the weights and manifest.json (default: runs/classifier)")

    course = command("notebooks", "copy the course's notebooks, and the glossary they link to, into a folder of "
                     "your own; a file already there is kept", "my-course", "my-course --force")
    course.add_argument("dest", type=Path, metavar="DEST", help="the folder to copy them into (made if missing)")
    course.add_argument("--force", action="store_true",
                        help="overwrite the copies DEST already holds (by default an existing file is your work: "
                             "it is kept, and named)")

    lab = command("lab", "copy the notebooks a folder lacks, then open JupyterLab there and exit with its code "
                  "(needs JupyterLab: pip install \"gan-utils[notebooks]\")", "my-course", "my-course --port 8890")
    lab.add_argument("dest", nargs="?", type=Path, default=LAB_FOLDER, metavar="DEST",
                     help=f"the course folder (default: {LAB_FOLDER}/ in the current folder); "
                          "notebooks already there are kept")
    lab.add_argument("--port", type=port_number, default=None,
                     help="the port JupyterLab serves on (default: JupyterLab's own, 8888 or the next free one)")
    return parser


def _check_run(run: Path) -> Path:
    """The saved model of a run folder (checkpoint.npz, or diffusion.npz for --model ddpm) or the .npz given."""
    if run.suffix == ".npz":
        path = run
    else:
        path = run / DIFFUSION_FILE if (run / DIFFUSION_FILE).is_file() else run / CHECKPOINT_FILE
    if not path.is_file():
        raise UsageError(f"no trained run at {run}: expected {path} (written by `{program_name()} train`)")
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
            "first": data.get("first"),
            **{key: settings.get(key, 0.0 if key in PENALTIES and model not in DIFFUSION_NAMES else None)
               for key in RUN_SETTINGS}}


def _take_run_settings(args: argparse.Namespace) -> None:
    """Fill a resumed run's model and settings from its config.json; an explicit value that disagrees is an error."""
    stored = _run_config(args.out)
    clashes = []
    for key, value in stored.items():
        given = getattr(args, key, None)
        if given is not None and given != value:
            clashes.append(f"{GAN_OPTIONS.get(key, '--' + key.replace('_', '-'))} {given!r} but the run has {value!r}")
        if key in ("model", "data", "source", "first"):
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
    has_checkpoint = (args.out / CHECKPOINT_FILE).exists() or (args.out / DIFFUSION_FILE).exists()
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
    if args.model in DIFFUSION_NAMES:
        refused = [option for key, option in GAN_OPTIONS.items() if getattr(args, key, None) is not None]
        refused += ["--devices"] if args.devices != 1 else []
        if refused:
            raise UsageError(f"{', '.join(refused)}: GAN options; --model {args.model} trains a diffusion model "
                             f"(it takes --steps or --seconds, --batch-size, --seed, --source and --sampler-steps)")
    elif args.sampler_steps is not None:
        raise UsageError(f"--sampler-steps: a diffusion model's option (--model ddpm); {args.model} is a GAN, "
                         f"which draws each image in one network evaluation")
    return args


def _load_data(name: str, source: str, verbose: bool = True):
    from .engine.data import load_fashion_mnist, load_mnist

    return load_mnist(source, verbose) if name == "mnist" else load_fashion_mnist(source, verbose)


def _first_images(data, first: int | None):
    """The data with only its first `first` training images (all when None), saying which in its description."""
    if first is None:
        return data
    if first > len(data.x_train):
        raise UsageError(f"--first {first}: {data.name} from {data.origin or data.source} has only "
                         f"{len(data.x_train):,} training images")
    kept = f"training {'digits' if data.name == 'MNIST' else 'images'} 0-{first - 1:,} of its {len(data.x_train):,}"
    return dataclasses.replace(data, x_train=data.x_train[:first], y_train=data.y_train[:first],
                               note=f"{data.note}; {kept}" if data.note else kept)


def _recipe(args: argparse.Namespace) -> dict:
    settings = recipe(args.model)
    overrides = {"loss": args.loss, "lr_g": args.lr_g, "lr_d": args.lr_d, "batch_size": args.batch_size,
                 "d_steps": args.d_steps, "label_smoothing": args.label_smoothing,
                 "r1_weight": args.r1_weight, "r2_weight": args.r2_weight}
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

    try:
        strategy = strategy_for(devices)
    except ValueError as err:
        raise UsageError(f"--devices {devices}: {err}") from None
    print(f"splitting each batch over {devices} devices (MirroredStrategy)")
    return strategy


def _saved_step(out: Path) -> int | None:
    """The step of the checkpoint already in a run folder (from its config.json), None if there is none."""
    try:
        return int(json.loads((out / "config.json").read_text())["step"]) if (out / CHECKPOINT_FILE).is_file() else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_last_good(trainer, out: Path) -> int:
    """Save the trainer's (rolled-back) state unless the run folder already holds a later checkpoint; return its step."""
    saved = _saved_step(out)
    if saved is not None and saved >= trainer.step_count:
        return saved
    trainer.save(out)
    return trainer.step_count


def _fit(trainer, args: argparse.Namespace) -> bool:
    """Train within the budget; return False when Ctrl-C stopped it early (fit() returns then, with trainer.interrupted)."""
    try:
        trainer.fit(seconds=args.seconds if args.steps is None else None, steps=args.steps,
                    callbacks=[_periodic_save(args.out, args.save_every)], callback_every=10)
    except KeyboardInterrupt:
        return False
    return not trainer.interrupted


def cmd_train(args: argparse.Namespace) -> int:
    """Train (or resume) a run and write checkpoint, config.json, history.csv, samples.png, metrics.json.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    Exit code 1 (RunFailed) when training diverges, after saving the last good state; 130 on Ctrl-C,
    after saving the checkpoint, with no samples.png or metrics.
    """
    check_train_args(args)
    data = _first_images(_load_data(args.data, args.source), args.first)
    if args.batch_size is not None and args.batch_size > len(data.x_train):
        raise UsageError(f"--batch-size {args.batch_size} is larger than the {len(data.x_train)} training images")
    if args.model in DIFFUSION_NAMES:
        return train_diffusion(args, data)
    from .engine import metrics, plotting
    from .engine.data import to_float, to_uint8
    from .engine.training import GANTrainer, TrainingDiverged

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
    trainer.run_info = {"data": {"name": args.data, "source": args.source,
                                 **({"first": args.first} if args.first is not None else {})}}
    print(f"training {args.model} on {data.name} for "
          f"{f'{args.seconds:g} s' if args.steps is None else f'{args.steps} steps'} -> {args.out} "
          f"(saved every {args.save_every:g} s)")
    checkpoint = display_path(args.out / CHECKPOINT_FILE)
    try:
        finished = _fit(trainer, args)
    except TrainingDiverged as err:
        kept = _keep_last_good(trainer, args.out)
        what = str(err).split(". Weights", 1)[0]
        if not what.startswith("training diverged"):
            what = f"training diverged at step {err.step}: {what}"
        raise RunFailed(f"{what}; the last good checkpoint (step {kept}) is in {checkpoint}; "
                        f"train a new run with lower --lr-g/--lr-d (e.g. 2e-4)") from None
    if not finished:
        trainer.save(args.out)
        print(f"{program_name()} train: interrupted at step {trainer.step_count}; checkpoint saved in {checkpoint} "
              f"(continue with --resume --out {display_path(args.out)}); no samples.png or metrics computed",
              file=sys.stderr)
        return INTERRUPTED
    trainer.save(args.out)
    plotting.save_image_grid(trainer.fixed_samples(), args.out / "samples.png")
    result = {"data": data.describe(), "steps": trainer.step_count, "train_seconds": round(trainer.train_time, 1)}
    if data.name == "MNIST":
        result.update(metrics.evaluate(to_uint8(trainer.sample(args.samples)), data))
    (args.out / "metrics.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"wrote {args.out}/: checkpoint.npz, config.json, history.csv, samples.png, metrics.json")
    return 0


def train_diffusion(args: argparse.Namespace, data) -> int:
    """Train (or resume) --model ddpm: write diffusion.npz, config.json, history.csv, samples.png, metrics.json.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    The model is gu.diffusion.DiffusionModel, saved (EMA weights, float16) every --save-every seconds;
    Ctrl-C saves it and exits 130. A resumed run starts from the saved weights with a fresh Adam.
    The final samples use DDIM's sampler with --sampler-steps network evaluations per image.
    """
    from .engine import metrics, plotting
    from .engine.data import to_float, to_uint8
    from .engine.diffusion import HISTORY_KEYS, DiffusionModel

    images = to_float(data.x_train)
    path, history_path = args.out / DIFFUSION_FILE, args.out / "history.csv"
    if args.resume:
        stored = json.loads((args.out / "config.json").read_text()).get("settings", {})
        settings = {key: stored[key] for key in ("lr", "batch_size", "seed", "ema_decay") if key in stored}
        model = DiffusionModel.load(path, images, **settings)
        print(f"resuming {args.out} at step {model.step_count}")
    else:
        model = DiffusionModel(images, batch_size=args.batch_size or 64, seed=args.seed)
    evaluations = model.evaluations_per_sample("ddim", args.sampler_steps or SAMPLER_STEPS)  # a bad value: now
    args.out.mkdir(parents=True, exist_ok=True)
    if not (args.resume and history_path.is_file()):
        history_path.write_text(",".join(HISTORY_KEYS) + "\n")
    written = [0]  # rows of model.history already in history.csv

    def save() -> None:
        model.save(path)
        rows = list(zip(*(model.history[key][written[0]:] for key in HISTORY_KEYS)))
        with history_path.open("a") as f:
            f.writelines(f"{step},{loss:.6g},{seconds:.3f}\n" for step, loss, seconds in rows)
        written[0] += len(rows)
        first = {"first": args.first} if getattr(args, "first", None) is not None else {}
        config = {"config": model.config(), "step": model.step_count,
                  "settings": {"lr": model.lr, "batch_size": model.batch_size, "seed": model.seed,
                               "ema_decay": model.ema_decay},
                  "data": {"name": args.data, "source": args.source, **first}}
        paths.atomic_write(args.out / "config.json", lambda f: f.write(json.dumps(config, indent=2).encode()))

    print(f"training {args.model} on {data.name} for "
          f"{f'{args.seconds:g} s' if args.steps is None else f'{args.steps} steps'} -> {args.out} "
          f"(saved every {args.save_every:g} s)")
    start_step, start_time, last_save = model.step_count, model.train_time, time.monotonic()
    try:
        while True:
            done, spent = model.step_count - start_step, model.train_time - start_time
            if (done >= args.steps) if args.steps is not None else (spent >= args.seconds):
                break
            if args.steps is not None:
                model.fit(steps=min(100, args.steps - done))
            else:
                model.fit(seconds=min(10.0, args.seconds - spent))
            loss = model.history["loss"][-1]
            if not math.isfinite(loss):
                raise RunFailed(f"training diverged at step {model.step_count}: the loss is {loss}; "
                                f"{display_path(path)} keeps the last save")
            if time.monotonic() - last_save >= args.save_every:
                save()
                last_save = time.monotonic()
    except KeyboardInterrupt:
        save()
        print(f"{program_name()} train: interrupted at step {model.step_count}; model saved in {display_path(path)} "
              f"(continue with --resume --out {display_path(args.out)}); no samples.png or metrics computed",
              file=sys.stderr)
        return INTERRUPTED
    save()
    start = time.perf_counter()
    samples = model.sample(args.samples, "ddim", steps=args.sampler_steps or SAMPLER_STEPS, seed=0)
    sample_seconds = time.perf_counter() - start
    plotting.save_image_grid(samples[:PREVIEW], args.out / "samples.png")
    result = {"data": data.describe(), "steps": model.step_count, "train_seconds": round(model.train_time, 1),
              "sampler": "ddim", "evaluations_per_sample": evaluations,
              "sample_ms_per_1000": round(1e6 * sample_seconds / args.samples, 1)}
    if data.name == "MNIST":
        result.update(metrics.evaluate(to_uint8(samples), data))
    (args.out / "metrics.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    print(f"wrote {args.out}/: {DIFFUSION_FILE}, config.json, history.csv, samples.png, metrics.json")
    return 0


def _saved_format(path: Path) -> str | None:
    """The format tag in an .npz file's meta (a GAN checkpoint's, a diffusion model's, a VAE's), None if unreadable."""
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(str(npz["meta"]))
    except (ValueError, OSError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    return meta.get("format") if isinstance(meta, dict) else None


def _shipped_kinds() -> dict[str, str]:
    """Every shipped model sample --pretrained draws from: name -> kind (generator, diffusion or vae)."""
    return {name: kind for kind in SAMPLED_KINDS for name in pretrained_names(kind)}


def _load_model(run: Path | None, name: str | None = None) -> tuple:
    """(kind, model): the model saved in a run folder or .npz file (run), or the shipped one called name."""
    from .engine.diffusion import DIFFUSION_FORMAT, DiffusionModel, load_diffusion
    from .engine.pretrained import load_generator, load_pretrained, pretrained_dir
    from .engine.vae import VAE, VAE_FORMAT, load_vae

    if name is not None:
        kind = _shipped_kinds()[name]
        loaders = {"generator": load_pretrained, "diffusion": lambda n: load_diffusion(n, pretrained_dir()),
                   "vae": lambda n: load_vae(n, pretrained_dir())}
        return kind, loaders[kind](name)
    path = _check_run(run)
    form = _saved_format(path)
    if form == DIFFUSION_FORMAT:
        return "diffusion", DiffusionModel.load(path)
    if form == VAE_FORMAT:
        return "vae", VAE.load(path)
    return "generator", load_generator(run)


def _check_sampling(kind: str, model, origin: str, args: argparse.Namespace) -> None:
    """UsageError for --label on an unconditional model and --sampler-steps on anything but a diffusion model."""
    if args.label is not None and kind == "generator":
        from .engine.models import is_conditional  # TensorFlow starts here: only for a generator in hand

        conditional = is_conditional(model)
    else:
        conditional = False
    if args.label is not None and not conditional:
        raise UsageError(f"{origin} is an unconditional model; --label needs a conditional one "
                         f"(train --model cdcgan, or --pretrained cdcgan)")
    if args.sampler_steps is not None and kind != "diffusion":
        raise UsageError(f"--sampler-steps: {origin} is not a diffusion model; it draws each image in one "
                         f"network evaluation")


def _draw(kind: str, model, n: int, seed: int = 0, label: int | None = None, sampler_steps: int | None = None):
    """n images in [-1, 1] from a generator (z seeded), a diffusion model (DDIM) or a VAE (z from its prior)."""
    if kind == "diffusion":
        return model.sample(n, "ddim", steps=sampler_steps or SAMPLER_STEPS, seed=seed)
    if kind == "vae":
        return model.sample(n, seed=seed)
    from .engine.pretrained import generate

    return generate(model, n, seed, label)


def cmd_sample(args: argparse.Namespace) -> int:
    """Write n generated digits as uint8 (N, 28, 28), 0 = background, 255 = ink, and a PNG grid of the first 64 beside them.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    Draws from a GAN's generator, a diffusion model (DDIM, --sampler-steps evaluations per image) or a VAE.
    """
    if args.run is not None:
        _check_run(args.run)
        origin = str(args.run)
    else:
        shipped = _shipped_kinds()
        if args.pretrained not in shipped:
            raise UsageError(f"--pretrained {args.pretrained!r}: no such shipped model; "
                             f"available: {', '.join(sorted(shipped)) or 'none'} (make pretrained builds them)")
        kind = shipped[args.pretrained]
        origin = f"the shipped {'VAE' if kind == 'vae' else kind + (' model' if kind == 'diffusion' else '')} " \
                 f"{args.pretrained!r}"
        if kind != "generator":
            _check_sampling(kind, None, origin, args)  # answered before TensorFlow starts
    if args.out.suffix != ".npy":
        raise UsageError(f"--out {args.out}: must end in .npy")
    import numpy as np

    from .engine.data import to_uint8
    from .engine.plotting import save_image_grid

    kind, model = _load_model(args.run, args.pretrained)
    _check_sampling(kind, model, origin, args)
    images = to_uint8(_draw(kind, model, args.n, args.seed, args.label, args.sampler_steps))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.save(args.out, images)
    grid = save_image_grid(images[:PREVIEW], args.out.with_suffix(".png"))
    print(f"wrote {args.out}: {images.shape} uint8, and {grid}: the first {min(PREVIEW, len(images))} as a grid")
    return 0


def _samples_to_score(args: argparse.Namespace):
    """The uint8 images evaluate scores: the .npy given, or args.n drawn from --run (UsageError if unusable)."""
    import numpy as np

    if args.run is not None:
        from .engine.data import to_uint8

        return to_uint8(_draw(*_load_model(args.run), args.n))
    try:
        images = np.load(args.samples, allow_pickle=False)
    except ValueError as err:
        raise UsageError(f"{args.samples}: not a plain .npy array ({err})") from None
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise UsageError(f"{args.samples}: expected uint8 (N, 28, 28), got {images.dtype} {images.shape}")
    return images


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Print the metrics of a .npy of samples, or of n samples drawn from a run, as one JSON document on stdout.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    Every message (the data source, anything a library prints) goes to stderr, so
    `evaluate samples.npy > metrics.json` writes valid JSON.
    """
    if (args.samples is None) == (args.run is None):
        raise UsageError("give either a samples .npy file or --run, not both or neither")
    if args.run is not None:
        _check_run(args.run)
    elif not args.samples.is_file():
        raise UsageError(f"no samples file at {args.samples}")
    with contextlib.redirect_stdout(sys.stderr):
        images = _samples_to_score(args)
        from .engine import metrics

        data = _load_data("mnist", args.source, verbose=False)
        print(f"scoring {len(images)} images against {data.describe()}")
        result = metrics.evaluate(images, data)
    print(json.dumps(result, indent=2))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Copy a run's generator (or --model ddpm's diffusion model) weights, float16, into data/pretrained/ (or --out).

    Its metrics go into the folder's manifest.json with it.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    Refuses (exit 2) a name the folder already holds unless --force, and never writes into an
    installed package: outside a checkout --out is required.
    """
    _check_run(args.run)
    if not args.name.isidentifier():
        raise UsageError(f"--name {args.name!r}: use letters, digits and underscores")
    shipped = shipped_path("pretrained")
    if args.out is None:
        if not paths.in_checkout():
            raise UsageError(f"gan_utils is installed, not a checkout: export will not write into the installed "
                             f"package ({shipped}); give --out DIR, e.g. --out pretrained, and sample from "
                             f"it with `sample --run DIR/{args.name}.npz`")
        directory = shipped
    else:
        directory = args.out
        if not paths.in_checkout() and directory.resolve().is_relative_to(paths.PACKAGE_DIR.resolve()):
            raise UsageError(f"--out {directory}: inside the installed package ({paths.PACKAGE_DIR}); "
                             f"choose a folder of your own")
    existing = (directory / f"{args.name}.npz").exists() or args.name in _manifest(directory)
    if existing and not args.force:
        what = "a shipped generator" if directory.resolve() == shipped.resolve() else "an exported generator"
        raise UsageError(f"--name {args.name}: {display_path(directory)} already holds {what} of that name; "
                         f"nothing was overwritten (add --force to replace it, or choose another --name)")
    metrics_file = args.run / "metrics.json"
    info = json.loads(metrics_file.read_text()) if metrics_file.exists() else {}
    from .engine.diffusion import DIFFUSION_FORMAT, DiffusionModel
    from .engine.pretrained import export_pretrained

    if _saved_format(_check_run(args.run)) == DIFFUSION_FORMAT:  # a --model ddpm run: kind "diffusion"
        path = DiffusionModel.load(_check_run(args.run)).export(args.name, {"source_run": str(args.run), **info},
                                                                directory)
    else:
        path = export_pretrained(args.run, args.name, info, directory)
    print(f"wrote {display_path(path)} ({path.stat().st_size / 1e6:.2f} MB) and its entry in "
          f"{display_path(directory / 'manifest.json')}")
    return 0


def _manifest(directory: Path) -> dict:
    """A pretrained folder's manifest.json, {} when it is missing or unreadable."""
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def cmd_train_classifier(args: argparse.Namespace) -> int:
    """Train the reference classifier on the chosen MNIST source and write it with its manifest.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    data = _load_data("mnist", args.source)
    from .engine.classifier import train_classifier

    manifest = train_classifier(data, epochs=args.epochs, out_dir=args.out)
    print(json.dumps(manifest, indent=2))
    return 0


def course_files() -> tuple[list[Path], list[Path]]:
    """The course's notebooks and the documents they link to: notebooks/ and docs/ in a checkout, else the wheel's.

    Not used in a notebook: the command line's notebooks and lab sub-commands copy them.
    """
    if paths.in_checkout():
        notebooks, docs = paths.REPO_ROOT / "notebooks", paths.REPO_ROOT / "docs"
    else:
        notebooks, docs = paths.PACKAGE_DIR / "_notebooks", paths.PACKAGE_DIR / "_docs"
    found = sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise RunFailed(f"no course notebooks in {notebooks}: this gan_utils was installed without them "
                        f"(reinstall it from a wheel that `make wheel` builds)")
    return found, [docs / name for name in LINKED_DOCS if (docs / name).is_file()]


BUILD_TAG = "build"  # a code cell whose function bodies the learner writes
STUDENT_BODY = "    ...  # your code here: the cell below checks it\n"


def empty_build_bodies(source: str) -> str:
    """A build cell's source with every top-level function body replaced by `...` (signature, docstring kept).

    Not used in a notebook: the learner's copies (``gan-utils notebooks``/``lab``, ``make lab``) and the
    student edition (``make student``) hand out build cells this way.
    """
    import ast

    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    cuts = []  # (first line of the body to drop, last line, indent), 0-based, inclusive
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        keep = 1 if ast.get_docstring(node) is not None else 0
        if keep >= len(body):
            continue
        indent = lines[body[keep].lineno - 1][: body[keep].col_offset]
        cuts.append((body[keep].lineno - 1, node.end_lineno - 1, indent))
    if not cuts:
        raise ValueError("a build cell must define at least one function with a body to empty")
    for first, last, indent in reversed(cuts):
        lines[first:last + 1] = [indent + STUDENT_BODY.lstrip()]
    return "".join(lines)


def learner_cells(cells: list) -> list:
    """Cells as a learner gets them: build bodies emptied; build, check and exercise cells without outputs.

    Not used in a notebook: the learner's copies and the student edition are made with it. The cell after
    a build cell checks it; its stored verdict came from the course's worked solution, so it is cleared;
    so are the outputs of the Exercises section (a predict-then-run exercise's stored result).
    """
    exercises = False  # a predict-then-run exercise's stored result must not greet the learner
    for cell in cells:
        text = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
        if cell.get("cell_type") == "markdown" and text.lstrip().startswith("## "):
            exercises = text.lstrip().startswith("## Exercises")
        elif exercises and cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    code = [cell for cell in cells if cell.get("cell_type") == "code"]
    for i, cell in enumerate(code):
        if BUILD_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        text = "".join(cell["source"]) if isinstance(cell.get("source"), list) else cell.get("source", "")
        cell["source"] = empty_build_bodies(text)
        for target in code[i:i + 2]:
            target["outputs"], target["execution_count"] = [], None
    return cells


def learner_notebook(source: Path) -> bytes:
    """A course notebook as a learner's copy: unpaired, ../docs/ links pointing beside it, build bodies empty.

    Not used in a notebook: the command line's notebooks and lab sub-commands write these copies.
    """
    try:
        nb = json.loads(source.read_text(encoding="utf-8"))
        nb["metadata"].pop("jupytext", None)
        for cell in nb["cells"]:
            if cell.get("cell_type") == "markdown":
                cell["source"] = _relink(cell.get("source", ""))
        learner_cells(nb["cells"])
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise RunFailed(f"{source}: not a readable notebook ({err})") from None
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def learner_doc(source: Path) -> bytes:
    """A linked document (the glossary) as copied beside the notebooks: its ../notebooks/ links point beside it.

    Not used in a notebook: the command line's notebooks and lab sub-commands write these copies.
    """
    return source.read_text(encoding="utf-8").replace("](../notebooks/", "](").encode("utf-8")


def _relink(source: str | list[str]) -> str | list[str]:
    """A markdown cell's source with each link to ../docs/NAME (a LINKED_DOCS file) made a link to NAME."""
    def relink(text: str) -> str:
        for name in LINKED_DOCS:
            text = text.replace(f"](../docs/{name}", f"]({name}")
        return text

    return [relink(line) for line in source] if isinstance(source, list) else relink(source)


def _course_folder(dest: Path) -> Path:
    """Check a folder for copies of the notebooks (UsageError if unusable) and make it."""
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"{dest}: exists and is not a folder; name a folder for the notebooks")
    target = dest.resolve()
    if paths.in_checkout() and target == (paths.REPO_ROOT / "notebooks").resolve():
        raise UsageError(f"{dest}: the course's own notebooks, paired with notebooks/src/; choose another folder "
                         f"(`make author-lab` edits the course itself)")
    if not paths.in_checkout() and target.is_relative_to(paths.PACKAGE_DIR.resolve()):
        raise UsageError(f"{dest}: inside the installed package ({paths.PACKAGE_DIR}); choose a folder of your own")
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def copy_course(dest: Path, force: bool = False) -> tuple[list[Path], list[Path], str]:
    """Copy the course's notebooks and the documents they link to into dest: (written, kept as they exist, config note).

    Not used in a notebook: the command line's notebooks and lab sub-commands.

    A file dest already holds is kept unless force. Where jupytext is installed, dest/jupytext.toml
    says that the copies pair with nothing; the note says what became of it ("" when nothing changed).
    """
    notebooks, docs = course_files()
    written, kept = [], []
    for source in notebooks + docs:
        target = dest / source.name
        if target.exists() and not force:
            kept.append(target)
            continue
        content = learner_notebook(source) if source.suffix == ".ipynb" else learner_doc(source)
        partial = target.with_name(f".{target.name}.partial")  # swapped into place whole: never half a notebook
        try:
            partial.write_bytes(content)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        written.append(target)
    return written, kept, _unpair(dest, force)


def _unpair(dest: Path, force: bool) -> str:
    """Write dest/jupytext.toml (formats = "ipynb") where jupytext is installed; a different one is kept unless force."""
    config = dest / "jupytext.toml"
    if importlib.util.find_spec("jupytext") is None:
        return ""
    if config.exists():
        if config.read_text(encoding="utf-8", errors="replace") == UNPAIRED_JUPYTEXT:
            return ""
        if not force:
            return (f"kept {display_path(config)}: it is yours, and it decides how jupytext pairs these notebooks "
                    f'(--force replaces it with formats = "ipynb": no pairing)')
    config.write_text(UNPAIRED_JUPYTEXT, encoding="utf-8")
    return f"wrote {display_path(config)}: jupytext pairs these copies with no text file"


def _report_copies(dest: Path, written: list[Path], kept: list[Path], note: str, force_hint: bool) -> None:
    """Print what a copy did: the files written, the ones kept, and the jupytext configuration's note."""
    folder = display_path(dest).rstrip("/") + "/"
    if written:
        print(f"copied into {folder}: " + ", ".join(p.name for p in written))
    if kept and force_hint:
        print(f"kept in {folder} (already there, so possibly your work; --force overwrites them): "
              + ", ".join(p.name for p in kept))
    elif kept:
        print(f"kept in {folder}: {len(kept)} file(s) already there (yours are never overwritten)")
    if note:
        print(note)


def cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy every course notebook and the glossary into DEST, unpaired; a file already there is kept unless --force.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    dest = _course_folder(args.dest)
    written, kept, note = copy_course(dest, force=args.force)
    _report_copies(dest, written, kept, note, force_hint=True)
    print(f"open them with `{program_name()} lab {args.dest}` (start with 00_start_here.ipynb)")
    return 0


def cmd_lab(args: argparse.Namespace) -> int:
    """Copy the notebooks DEST lacks, then run JupyterLab on DEST until it stops; return JupyterLab's exit code.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).
    """
    if importlib.util.find_spec("jupyterlab") is None:
        raise RunFailed(f"JupyterLab is not installed for {sys.executable}; install it with the notebooks' "
                        f'extras: pip install "gan-utils[notebooks]"')
    dest = _course_folder(args.dest)
    written, kept, note = copy_course(dest)
    _report_copies(dest, written, kept, note, force_hint=False)
    command = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={dest.resolve()}"]
    if args.port is not None:
        command.append(f"--port={args.port}")
    print(f"starting JupyterLab on {display_path(dest)}: open 00_start_here.ipynb first (Ctrl-C twice stops it)",
          flush=True)
    process = subprocess.Popen(command, cwd=dest)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:
            continue  # JupyterLab got the Ctrl-C too: it asks whether to stop, and stops on a second one


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "evaluate": cmd_evaluate, "export": cmd_export,
            "train-classifier": cmd_train_classifier, "notebooks": cmd_notebooks, "lab": cmd_lab}


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
    """Entry point: parse, check, run; return (or exit with) 0, 1 on a failure, 2 on a bad argument, 130 on Ctrl-C.

    Not used in a notebook: part of the command line, python -m gan_utils (cli.py).

    Each failure is one line on stderr, "PROG COMMAND: error: ...". A ValueError or OSError raised
    while running (the engine refusing a file or value) exits 1 without a traceback; any other
    exception is a bug and keeps its traceback.
    """
    parser = build_parser()
    args = parser.parse_args(_join_negative_values(sys.argv[1:] if argv is None else list(argv)))
    where = f"{parser.prog} {args.command}"
    try:
        return COMMANDS[args.command](args)
    except UsageError as err:
        parser.exit(2, f"{where}: error: {err}\n")
    except (RunFailed, ValueError, OSError) as err:
        parser.exit(1, f"{where}: error: {err}\n")
    except KeyboardInterrupt:
        parser.exit(INTERRUPTED, f"{where}: interrupted\n")


if __name__ == "__main__":
    sys.exit(main())
