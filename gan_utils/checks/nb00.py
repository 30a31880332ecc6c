"""Notebook 00's checks: scaling uint8 pixels to [-1, 1] (a build cell), and the exercises that transfer it."""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ..engine.data import to_float, to_uint8
from .core import CheckResult, build_exercise, check_function, check_prediction, known_mistake, read_number, report, run_safely

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# A question never holds a formula or code (a failing verdict shows it); no step lets you write the answer alone.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "scale_images": (
        "Which stored pixel value must land on -1, and which on +1? And what happens to a uint8 number when "
        "arithmetic takes it past 255?",
        "The map is a straight line, factor times pixel plus shift. Write one equation for a black pixel and "
        "one for a full-ink pixel, and solve the two for the factor and the shift. Change the type before any "
        "arithmetic.",
        r"$x = \text{pixel} / 127.5 - 1$ sends $0 \to -1$, $127.5 \to 0$ and $255 \to 1$; compute it in "
        r"`float32`.",
        "```python\nreturn images.astype(np.float32) / 127.5 - 1.0\n```",
    ),
    "tanh_reach": (
        "Under this scaling, where does a full-ink pixel land, and which part of that range can a tanh output "
        "never produce?",
        "First line: under this scaling a stored 0 lands on 0 and a stored 255 on 2, while a tanh output stays "
        "between -1 and 1. A common slip later: the share asked for is over every pixel of every image, "
        "background included, not over the inked pixels only.",
        r"$\text{pixel}/127.5 > 1 \iff \text{pixel} > 127.5$; the share is the mean of that test over every pixel "
        r"of every image, about 13% of all MNIST pixels (about 70% of the inked ones).",
        "```python\nshare = float((data.x_train > 127.5).mean())\n```",
    ),
    "background_share": (
        "The histogram's vertical axis is logarithmic. How many times taller is a bar that sits one labelled "
        "grid line higher than another?",
        "Compare the one bar at -1 with all the other bars together: there are many of them, each far lower. "
        "Estimate their total before you compare it with the tall bar.",
        r"The share of background pixels is the mean of the test $x = -1$ (stored pixel $= 0$) over every pixel: "
        r"about 80% of MNIST's pixels carry no ink.",
        "```python\nprediction = \"about 80%\"\nshare = float((data.x_train == 0).mean())\n```",
    ),
    "to_pixels": (
        "Generated images arrive as floats in [-1, 1], or, after resizing or blending, a hair outside. What "
        "must change to store them as 0..255 pixels: the range, the type, or both? What can a uint8 not hold?",
        "First line: the straight line that sends -1 to 0 and +1 to 255 is section 3's map solved for the pixel. "
        "Then feed your function 0.999 and 1.04 and compare what comes out with what you expect.",
        r"$\text{pixel} = \mathrm{round}\big((x + 1)\cdot 127.5\big)$, clipped to $[0, 255]$, stored as `uint8`. "
        r"Without the clip, $x = 1.04$ gives 260, which wraps around to 4: black.",
        "```python\nreturn np.clip(np.rint((x + 1.0) * 127.5), 0, 255).astype(np.uint8)\n```",
    ),
}


def scale_cases() -> list[tuple]:
    """The uint8 image batches both pixel-scaling checks (notebooks 00 and 03) try an answer on."""
    rng = np.random.default_rng(0)
    return [
        (np.array([[[0, 255], [128, 64]]], dtype=np.uint8),),
        (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),),
        (np.full((2, 28, 28), 255, dtype=np.uint8),),
    ]


def diagnose_scale(got: np.ndarray, expected: np.ndarray) -> str | None:
    """Name the known pixel-scaling mistake that `got` shows: a 0..1 range, or pixels still on 0..255.

    Introduced in notebook 00; used in 03.
    """
    if got.min() >= 0 and got.max() <= 1.0 + 1e-6:
        return ("Recognised mistake: your values lie between 0 and 1, but the generator's tanh reaches from -1 "
                "to 1, so black must land on -1.")
    if got.max() > 1.5:
        return "Recognised mistake: some values are above 1: the pixels are still on the 0 to 255 scale."
    return None


def float32_problem(name: str, fn: Callable, cases: list[tuple]) -> CheckResult | None:
    """A failed verdict if fn does not give back float32 arrays on every case (None if it does).

    Introduced in notebook 00; used in 03.
    """
    for args in cases:
        got, failed = run_safely(name, fn, *args)
        if failed is not None:
            return failed
        dtype = getattr(got, "dtype", type(got).__name__)
        if dtype != np.float32:
            return CheckResult(name, False, f"your images come back as {dtype}; the models and the trainer expect "
                                            f"float32 (half the memory of float64, and what Keras computes in).")
    return None


def _course_scale_images(images):
    """The course's scaling with the learner's signature: uint8 (N, 28, 28) -> float32 (N, 28, 28) in [-1, 1]."""
    return to_float(images)[..., 0]


@build_exercise("scale_images", reference=lambda: _course_scale_images, names=("scale_images",))
def check_scale_images(scale_images: Callable | None) -> CheckResult:
    """Check notebook 00's build cell: uint8 pixels 0..255 -> float32 in [-1, 1] (channel axis optional).

    Introduced in notebook 00.
    """
    cases = scale_cases()
    result = check_function("scale_images", scale_images, lambda x: to_float(x)[..., 0], cases,
                            diagnose=diagnose_scale, verbose=False, arg_names=["images"])
    if result.passed:
        problem = float32_problem("scale_images", scale_images, cases)
        if problem is not None:
            problem.exercise = "scale_images"
            result = problem
    return report(result)


# --- exercises at the end ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _embedded_train() -> np.ndarray:
    from ..engine.data import load_mnist

    return load_mnist("embedded", verbose=False).x_train


def _pixels(images: Any) -> np.ndarray:
    """The images a data exercise is about: the ones given, else the embedded training digits."""
    if images is None:
        return _embedded_train()
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(f"images must be the stored uint8 pixels (like data.x_train), got dtype {images.dtype}")
    return images




def check_tanh_reach(share: Any = None, images: Any = None) -> CheckResult:
    """Check notebook 00's exercise: the share of all pixels that pixel / 127.5 puts above a tanh's reach.

    Introduced in notebook 00. `images` are the uint8 digits the learner counted (default: the embedded set).
    """
    name = "tanh_reach"
    value = read_number(share)
    if value is None:
        return report(CheckResult(name, False, "set share to one number: the fraction (0 to 1) of all pixels that "
                                               "land out of a tanh's reach."))
    pixels = _pixels(images)
    expected = float((pixels > 127.5).mean())
    if abs(value - expected) < 1e-3:
        return report(CheckResult(name, True, f"{expected:.1%} of all pixels would be targets that a tanh "
                                              f"generator can never reach."))
    ink = float((pixels > 127.5).sum() / max((pixels > 0).sum(), 1))
    if abs(value - 100 * expected) < 0.1:
        detail = " Recognised mistake: that is a percentage; give a fraction between 0 and 1."
    elif abs(value - ink) < 1e-3:
        detail = " Recognised mistake: you divided by the inked pixels only; the question asks about all pixels."
    elif abs(value - (1 - expected)) < 1e-3:
        detail = " Recognised mistake: that is the share a tanh CAN reach."
    else:
        detail = ""
    return report(CheckResult(name, False, f"share = {value:.4g} is not the fraction of out-of-reach pixels in these "
                                           f"images.{detail}"))


SHARE_CHOICES = ("about 20%", "about 50%", "about 80%", "about 95%")


def check_background_share(prediction: Any = None, images: Any = None) -> CheckResult:
    """Check notebook 00's read-the-histogram exercise: which share of all pixels is background (no ink).

    Introduced in notebook 00. `images` are the uint8 digits of the histogram (default: the embedded set).
    """
    def outcome() -> tuple[str, str]:
        share = float((_pixels(images) == 0).mean())
        nearest = min(SHARE_CHOICES, key=lambda choice: abs(float(choice.split()[1].rstrip("%")) / 100 - share))
        return nearest, f"{share:.1%} of these pixels are background (stored 0, scaled -1)."

    return check_prediction("background_share", prediction, SHARE_CHOICES, "checks it", outcome,
                            normalise=lambda text: " ".join(text.lower().split()))


def _to_pixels_cases() -> list[tuple]:
    rng = np.random.default_rng(7)
    return [
        (np.array([[[-1.0, -0.5, 0.0], [0.5, 1.0, 0.2]]], dtype=np.float32),),
        (rng.uniform(-1.0, 1.0, (2, 28, 28)).astype(np.float32),),
        (np.array([[[1.04, 1.01, -1.03], [0.999, -0.998, 0.3]]], dtype=np.float32),),
    ]


def check_to_pixels(to_pixels: Callable | None) -> CheckResult:
    """Check notebook 00's exercise: generator outputs in [-1, 1] (a little outside too) -> uint8 pixels 0..255.

    Introduced in notebook 00.
    """
    name = "to_pixels"
    cases = _to_pixels_cases()

    def shifted(x):
        return (np.asarray(x, np.float64) + 1.0) * 127.5

    mistake = known_mistake(to_pixels, cases, [
        (lambda x: np.rint(shifted(x)).astype(np.int64) % 256,
         "a value a little above 1 came back as a dark pixel: a uint8 wraps around past 255, so keep the values "
         "inside 0..255 before converting."),
        (lambda x: np.clip(np.floor(shifted(x)), 0, 255),
         "several pixels are one below the expected value: converting to integers cuts off the decimals; round "
         "to the nearest integer first."),
        (lambda x: np.clip(np.rint(np.asarray(x, np.float64) * 127.5), 0, 255),
         "you scaled without shifting: black (-1) and mid-grey (0) both land on 0."),
        (lambda x: np.clip((np.asarray(x, np.float64) + 1.0) / 2.0, 0, 1),
         "your pixels lie between 0 and 1; stored pixels run from 0 to 255."),
    ])
    result = check_function(name, to_pixels, to_uint8, cases, diagnose=lambda got, expected: mistake,
                            verbose=False, arg_names=["x"])
    if result.passed:
        for args in cases:
            got, failed = run_safely(name, to_pixels, *args)
            if failed is not None:
                return report(failed)
            dtype = getattr(got, "dtype", type(got).__name__)
            if dtype != np.uint8:
                return report(CheckResult(name, False, f"the values are right but come back as {dtype}; stored "
                                                       f"pixels (and image files) are uint8, one byte each."))
    return report(result)
