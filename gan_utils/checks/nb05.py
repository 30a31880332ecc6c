"""Notebook 05's exercise checks: measuring a generator, checking it for copies, walking its latent space."""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from ..engine.frechet import frechet_gaussian as frechet_reference
from ..engine.latent import slerp as slerp_reference
from ..engine.metrics import nearest_distance as nearest_reference
from ..engine.parzen import log_density as parzen_reference
from .core import CheckResult, build_exercise, check_function, check_prediction, gan_diagnosis, read_choice, report

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is shown by a failing verdict: a question, never a formula or code. Level 2 is a first step.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "frechet_gaussian": (
        "Two Gaussians can differ in where they sit and in how widely they spread. Which number measures "
        "each difference, and what must both be when the two Gaussians are the same?",
        "Start in one dimension, with variances instead of covariance matrices: the distance is the squared gap "
        "between the means plus a term that vanishes when the two variances are equal. Find that term (it "
        "involves their square roots), then write it with traces "
        "of covariance matrices so that it still works when the matrices do not commute.",
        r"$\mathrm{FD} = \lVert\mu_1-\mu_2\rVert^2 + \mathrm{Tr}\big(\Sigma_1 + \Sigma_2 - 2(\Sigma_1\Sigma_2)^{1/2}\big)$; "
        r"in one dimension, $(\mu_1-\mu_2)^2 + (\sqrt{\Sigma_1}-\sqrt{\Sigma_2})^2$.",
        "```python\nroot = np.real(scipy.linalg.sqrtm(cov1 @ cov2))  # rounding can leave a tiny imaginary part\n"
        "return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root))\n```",
    ),
    "nearest_distance": (
        "For one generated image, which training image decides whether it is a copy, and what single number "
        "says how close the two are?",
        "You need the table of all squared distances, one row per sample and one column per training row. "
        "A three-dimensional array of every difference is too big for thousands of digits: expand the square "
        "of a difference into three terms, one of which is a matrix product.",
        r"$d_i = \min_j \sqrt{\lVert s_i\rVert^2 + \lVert t_j\rVert^2 - 2\, s_i^\top t_j}$ "
        r"(clip the squared value at 0 first: rounding can make it slightly negative).",
        "```python\nsquared = (samples ** 2).sum(1)[:, None] + (train ** 2).sum(1)[None, :] - 2 * samples @ train.T\n"
        "return np.sqrt(np.maximum(squared, 0).min(axis=1))\n```",
    ),
    "parzen_log_density": (
        "With a narrow width each bump's height is a number like e to the minus 500. What does a computer "
        "store for it, and what happens when you then take the logarithm of their average?",
        "Write the logarithm of each bump first: minus the squared distance over twice the width squared, "
        "minus the Gaussian's normaliser. What remains is the logarithm of a sum of exponentials: take the "
        "largest exponent out of the sum before exponentiating anything.",
        r"With $\phi_i = -\lVert x-c_i\rVert^2/(2h^2)$ and $M = \max_i \phi_i$: "
        r"$\log \hat p(x) = M + \log\sum_i e^{\phi_i - M} - \log n - \frac{d}{2}\log(2\pi h^2)$.",
        "```python\nphi = -((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1) / (2 * h ** 2)\n"
        "M = phi.max(axis=1, keepdims=True)\n"
        "return (M[:, 0] + np.log(np.exp(phi - M).sum(axis=1)) - np.log(len(centres))\n"
        "        - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2))\n```",
    ),
    "slerp": (
        "A straight line between two points on a sphere cuts inside it. Which path between them stays on the "
        "sphere, and which angle describes how far along it you are?",
        "First find the angle between z0 and z1 from their dot product divided by both lengths. Then weight "
        "each end by a sine: at fraction 0 the weight on z1 must be 0, at fraction 1 the weight on z0.",
        r"$\Omega = \arccos\frac{z_0^\top z_1}{\lVert z_0\rVert\lVert z_1\rVert}$, "
        r"$\mathrm{slerp} = \frac{\sin((1-\tau)\Omega)}{\sin\Omega} z_0 + \frac{\sin(\tau\Omega)}{\sin\Omega} z_1$.",
        "```python\ncos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))\n"
        "omega = np.arccos(np.clip(cos, -1, 1))\n"
        "return (np.sin((1 - tau) * omega) * z0 + np.sin(tau * omega) * z1) / np.sin(omega)\n```",
    ),
    "predict_fid_samples": (
        "The Fréchet distance is computed from a mean and a covariance estimated from the samples. Does "
        "estimation noise make two sets look more alike or less alike?",
        "Look at the mean term alone, for two samples of one distribution: their sample means differ by noise. "
        "What is the average of the square of a noisy difference whose true value is 0?",
        r"Noise in the estimated $\mu_g$ and $\Sigma_g$ adds to $\lVert\mu_r-\mu_g\rVert^2$ and to the trace term "
        r"on average: the estimate is biased upwards by roughly a term in $1/N$ (Bińkowski et al. 2018).",
        "```python\nprediction = 'higher'\n```",
    ),
    "fd_by_hand": (
        "Both covariances are diagonal, so they commute. What is the square root of a diagonal matrix, and "
        "can you then treat each coordinate as its own one-dimensional problem?",
        "Both covariances are diagonal, so each coordinate is its own one-dimensional problem. Start by writing, "
        "coordinate by coordinate, the two means and the two standard deviations (the square roots of the "
        "numbers on each diagonal); only then recall which two differences your frechet_gaussian compares.",
        r"Per coordinate, $(\mu_1-\mu_2)^2 + (\sqrt{\Sigma_1}-\sqrt{\Sigma_2})^2$ (square roots of the variances): "
        r"$(0-1)^2 + (1-2)^2 + (0-2)^2 + (2-3)^2$.",
        "```python\nfd_by_hand = (0 - 1) ** 2 + (1 - 2) ** 2 + (0 - 2) ** 2 + (2 - 3) ** 2\n```",
    ),
    "predict_truncation": (
        "Shrinking every z towards 0 keeps the generator near its most typical outputs. What does that do to "
        "the spread of the generated features, and which part of the Fréchet distance compares spreads?",
        "Take the extreme case first: every z multiplied by 0 instead of 0.5. What would the generated "
        "features' mean and covariance be then? Decide that before you think about the distance at all.",
        r"$\mathrm{Tr}\big(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2}\big)$ tends to $\mathrm{Tr}\,\Sigma_r$ as "
        r"$\Sigma_g$ shrinks to 0: lost variety costs more than anything gained in the mean term.",
        "```python\nprediction = 'higher'\n```",
    ),
    "copy_diagnosis": (
        "Which column compares a generator's samples with what new real digits do, rather than with an ideal "
        "value? Read each row against that yardstick.",
        "Fix the yardstick before reading any row: by the way the threshold is set, what memorisation rate do "
        "new real digits get, and what is their median nearest distance (the text above the table gives it)?",
        r"Copying shows as rate $\gg 1\%$ and a median nearest distance well below the real held-out digits' "
        r"median; a rate near 0 with a larger median means rough samples, not privacy.",
        "```python\ndiagnosis = 'G3'\n```",
    ),
    "samples_needed": (
        "If the bias at n samples is c/n, each measured FD is one large-sample value plus its own bias. How many "
        "unknowns does that leave, and how many measurements do you have?",
        "Write each measurement as one equation: the measured FD equals the large-sample value plus c divided "
        "by that measurement's sample count. That is two equations in two unknowns, and you need only one of them.",
        r"$\mathrm{FD}_{few} - \mathrm{FD}_{many} = c\,(1/n_{few} - 1/n_{many})$, so "
        r"$c = (\mathrm{FD}_{few} - \mathrm{FD}_{many}) / (1/n_{few} - 1/n_{many})$; then $c/n \le \mathrm{gap} \iff "
        r"n \ge c/\mathrm{gap}$: round up to a whole number.",
        "```python\nc = (fd_few - fd_many) / (1 / n_few - 1 / n_many)\nreturn math.ceil(c / gap - 1e-9)\n```",
    ),
}


def _spd(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T + 0.5 * np.eye(d)


@build_exercise("frechet_gaussian", reference=lambda: frechet_reference, names=("frechet_gaussian",))
def check_frechet_gaussian(frechet_gaussian: Callable | None) -> CheckResult:
    """Check notebook 05's build exercise: the Fréchet distance between N(mu1, S1) and N(mu2, S2). Introduced in notebook 05."""
    import scipy.linalg

    rng = np.random.default_rng(5)
    s3a, s3b = _spd(rng, 3), _spd(rng, 3)
    cases = [
        (np.array([0.0]), np.array([[1.0]]), np.array([3.0]), np.array([[4.0]])),
        (np.array([1.0, -1.0]), np.diag([1.0, 2.0]), np.array([0.0, 0.5]), np.diag([3.0, 0.5])),
        (rng.normal(size=3), s3a, rng.normal(size=3), s3b),
        (np.zeros(3), s3a, np.zeros(3), s3a),
    ]

    def sqrt_each(m1, s1, m2, s2):
        r1, r2 = np.real(scipy.linalg.sqrtm(s1)), np.real(scipy.linalg.sqrtm(s2))
        return float(np.sum((m1 - m2) ** 2) + np.trace(s1) + np.trace(s2) - 2.0 * np.trace(r1 @ r2))

    def no_two(m1, s1, m2, s2):
        return frechet_reference(m1, s1, m2, s2) + float(np.trace(np.real(scipy.linalg.sqrtm(s1 @ s2))))

    mistakes = [
        (lambda m1, s1, m2, s2: frechet_reference(m1, s1, m2, s2) - np.sum((m1 - m2) ** 2) + np.linalg.norm(m1 - m2),
         "the mean term is the SQUARED distance between the centres; you used the distance itself."),
        (no_two, "the cross term between the two covariances needs a factor of two."),
        (sqrt_each, "you took the square root of each covariance separately; the formula takes the root of their "
                    "product. The two agree only when the covariances commute (for example, both diagonal)."),
        (lambda m1, s1, m2, s2: float(np.sum((m1 - m2) ** 2)),
         "only the mean term is there; the trace term, which compares the two spreads, is missing."),
    ]
    return check_function(
        "frechet_gaussian", frechet_gaussian, frechet_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["mu1", "cov1", "mu2", "cov2"],
    )


def _all_distances(s, t) -> np.ndarray:
    s, t = np.asarray(s, np.float64), np.asarray(t, np.float64)
    return np.sqrt(((s[:, None, :] - t[None, :, :]) ** 2).sum(-1))


@build_exercise("nearest_distance", reference=lambda: nearest_reference, names=("nearest_distance",))
def check_nearest_distance(nearest_distance: Callable | None) -> CheckResult:
    """Check notebook 05's build exercise: each sample's Euclidean distance to its nearest training row. Introduced in notebook 05."""
    rng = np.random.default_rng(7)
    train = rng.random((12, 6))
    cases = [
        (np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [3.0, 0.0], [10.0, 10.0]])),
        (rng.random((5, 6)), train),
        (train[[3, 8]] + 0.001, train),
        (train[[0, 5, 11]], train),  # exact copies: distance 0, not NaN
    ]
    mistakes = [
        (lambda s, t: _all_distances(s, t).min(axis=1) ** 2, "those are squared distances; the check wants distances."),
        (lambda s, t: _all_distances(s, t).mean(axis=1), "that is the average distance to all training rows; the "
                                                         "check needs the distance to the NEAREST one."),
        (lambda s, t: _all_distances(s, t).max(axis=1), "that is the distance to the farthest training row, not the "
                                                        "nearest."),
        (lambda s, t: _all_distances(s, t).argmin(axis=1), "that is the position of the nearest row; give its "
                                                           "distance instead."),
    ]
    return check_function(
        "nearest_distance", nearest_distance, nearest_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), arg_names=["samples", "train"],
    )


@build_exercise("parzen_log_density", reference=lambda: parzen_reference, names=("parzen_log_density",))
def check_parzen_log_density(parzen_log_density: Callable | None) -> CheckResult:
    """Check notebook 05's build exercise: log of (1/n) sum_i N(x; c_i, h^2 I) for each row of x. Introduced in notebook 05."""
    rng = np.random.default_rng(9)
    cases = [
        (np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0),
        (rng.random((4, 3)), rng.random((6, 3)), 0.3),
        (rng.random((3, 20)), rng.random((5, 20)), 0.02),  # exp underflows to 0 unless you use log-sum-exp
    ]

    def variant(x, c, h, mean=True, norm=True, square=True):
        x, c = np.asarray(x, np.float64), np.asarray(c, np.float64)
        d2 = ((x[:, None, :] - c[None, :, :]) ** 2).sum(-1)
        a = -d2 / (2 * (h ** 2 if square else h))
        m = a.max(axis=1, keepdims=True)
        out = m[:, 0] + np.log(np.exp(a - m).sum(axis=1)) - (np.log(len(c)) if mean else 0.0)
        return out - (0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2) if norm else 0.0)

    mistakes = [
        (lambda x, c, h: variant(x, c, h, mean=False), "you summed the n bumps; the mixture AVERAGES them, so the "
                                                       "number of centres must appear."),
        (lambda x, c, h: variant(x, c, h, norm=False), "the Gaussian's normalising constant is missing; it depends "
                                                       "on the width and on the dimension d."),
        (lambda x, c, h: variant(x, c, h, square=False), "the width appears unsquared in the exponent; the exponent "
                                                         "divides the squared distance by twice the width squared."),
    ]
    diagnose = gan_diagnosis(cases, mistakes)

    def diagnose_underflow(got, expected):
        if np.any(np.isneginf(got)) or np.any(np.isnan(got)):
            return ("Recognised mistake: you got minus infinity or NaN. With a narrow width every bump's value "
                    "underflows to 0 before you take the logarithm. Stay in log space: the largest exponent can be "
                    "taken out of the sum before exponentiating (the log-sum-exp trick).")
        return diagnose(got, expected)

    return check_function(
        "parzen_log_density", parzen_log_density, parzen_reference, cases,
        diagnose=diagnose_underflow, atol=1e-4, arg_names=["x", "centres", "h"],
    )


@build_exercise("slerp", reference=lambda: slerp_reference, names=("slerp",))
def check_slerp(slerp: Callable | None) -> CheckResult:
    """Check notebook 05's build exercise: spherical interpolation from z0 to z1 at a fraction tau. Introduced in notebook 05."""
    rng = np.random.default_rng(11)
    a3, b3 = np.array([1.0, 0.0, 0.0]), np.array([0.0, 2.0, 0.0])
    z0, z1 = rng.standard_normal(100), rng.standard_normal(100)
    cases = [(a3, b3, 0.5), (a3, b3, 0.0), (a3, b3, 1.0), (z0, z1, 0.25), (z0, z1, 0.5), (3 * z1, z0, 0.9)]

    def angle(a, b):
        return np.arccos(np.clip(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)), -1, 1))

    mistakes = [
        (lambda a, b, tau: (np.sin(tau * angle(a, b)) * a + np.sin((1 - tau) * angle(a, b)) * b) / np.sin(angle(a, b)),
         "the two ends are swapped: at fraction 0 the path must start at z0."),
        (lambda a, b, tau: (1 - tau) * a + tau * b,
         "that is the straight line (lerp): in many dimensions its middle is much shorter than both ends."),
        (lambda a, b, tau: np.sin((1 - tau) * angle(a, b)) * a + np.sin(tau * angle(a, b)) * b,
         "the weights are not divided by the sine of the angle between the ends, so the path misses z0 and z1."),
    ]
    return check_function(
        "slerp", slerp, slerp_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-6, arg_names=["z0", "z1", "tau"],
    )


FID_CHOICES = ("higher", "lower", "about the same")


def _fd_outcome(measured: dict, what_first: str, why: str) -> Callable[[], tuple[str, str]]:
    def outcome() -> tuple[str, str]:
        (a_name, fd_a), (b_name, fd_b) = list(measured.items())[0], list(measured.items())[-1]
        gap = (fd_b - fd_a) / max(abs(fd_a), 1e-9)
        what = (f"{what_first}: {fd_b:.2f} from {b_name} against {fd_a:.2f} from {a_name} ({100 * gap:+.0f}%; within "
                f"10% counts as about the same). {why}")
        return "higher" if gap > 0.1 else "lower" if gap < -0.1 else "about the same", what
    return outcome


def check_predict_fid_samples(prediction, measured: dict | None = None) -> CheckResult:
    """Check notebook 05's predict-then-run exercise: is the Fréchet distance from few samples higher, lower or the same?

    Introduced in notebook 05.
    """
    missing = "" if measured and len(measured) >= 2 else (
        "run the measuring cell first and pass what it measured (a dict from sample count to Fréchet distance) as "
        "the keyword measured.")
    if missing:
        return check_prediction("predict_fid_samples", prediction, FID_CHOICES, "measures", lambda: ("", ""),
                                run_missing=missing)
    ordered = sorted(measured.items())
    by_name = {f"{ordered[-1][0]:,} samples": ordered[-1][1], f"{ordered[0][0]:,} samples": ordered[0][1]}
    why = ("The distance is estimated from sample means and covariances; with few samples the covariance estimate "
           "is noisy and the noise adds to the distance, so the Fréchet distance is biased upwards by an amount that "
           "shrinks with the sample count. Compare FDs only at equal sample counts, or use KID, which is unbiased.")
    return check_prediction("predict_fid_samples", prediction, FID_CHOICES, "measures",
                            _fd_outcome(by_name, "the same generator scored", why))


def check_predict_truncation(prediction, measured: dict | None = None) -> CheckResult:
    """Check notebook 05's exercise: does shrinking z (a truncation) raise, lower or keep the Fréchet distance?

    Introduced in notebook 05. ``measured`` maps 'ordinary z' and 'shrunk z' to their Fréchet distances.
    """
    missing = "" if measured and {"ordinary z", "shrunk z"} <= set(measured) else (
        "run the measuring cell first and pass its dict ('ordinary z' and 'shrunk z' to Fréchet distances) as the "
        "keyword measured.")
    why = ("Shrunk z keeps the generator near the centre of its latent space: its digits vary less, and the trace "
           "term of the distance charges the lost spread. BigGAN's truncation trick trades variety for fidelity in "
           "the same way; whether fidelity rose here, the MNIST score printed beside it tells.")
    ordered = {} if missing else {"ordinary z": measured["ordinary z"], "shrunk z": measured["shrunk z"]}
    return check_prediction("predict_truncation", prediction, FID_CHOICES, "measures",
                            _fd_outcome(ordered, "the same generator scored", why), run_missing=missing)


_FD_BY_HAND_GAUSSIANS = (np.zeros(2), np.diag([1.0, 4.0]), np.array([1.0, 2.0]), np.diag([4.0, 9.0]))


def _confirmation(confirm_with: Callable | None) -> str:
    """What the learner's frechet_gaussian gives for exercise 1's two Gaussians, computed only after a right answer."""
    if confirm_with is None:
        return "Run your frechet_gaussian on the two Gaussians to confirm it."
    try:
        value = float(confirm_with(*(np.array(a) for a in _FD_BY_HAND_GAUSSIANS)))
    except Exception as error:  # noqa: BLE001 - the learner's function may fail in any way
        return f"Your frechet_gaussian raised {type(error).__name__} on the two Gaussians: go back to its check."
    return f"Your frechet_gaussian gives {value:.4f} for the two Gaussians."


def check_fd_by_hand(fd_by_hand, confirm_with: Callable | None = None) -> CheckResult:
    """Check notebook 05's exercise: the Fréchet distance between two given diagonal Gaussians, by hand.

    Introduced in notebook 05. After a right answer, ``confirm_with`` (your ``frechet_gaussian``) is run on the two
    Gaussians and its value printed; it is never run before, so the cell cannot show the answer early.
    """
    name = "fd_by_hand"
    if fd_by_hand is None:
        return report(CheckResult(name, False, "set fd_by_hand to the number you worked out, then run this cell."))
    if callable(fd_by_hand) or isinstance(fd_by_hand, (str, bytes, dict, list, tuple, np.ndarray)) or isinstance(fd_by_hand, bool):
        return report(CheckResult(name, False, f"expected one number, got a {type(fd_by_hand).__name__}."))
    try:
        value = float(fd_by_hand)
    except (TypeError, ValueError):
        return report(CheckResult(name, False, f"expected one number, got a {type(fd_by_hand).__name__}."))
    if abs(value - 7.0) < 1e-6:
        return report(CheckResult(name, True, "7: the means are 5 apart squared, each coordinate's spreads 1 apart "
                                              f"squared. {_confirmation(confirm_with)}"))
    known = {
        5.0: "only the mean term is there; the spreads differ too.",
        math.sqrt(5.0) + 2.0: "the mean term is the SQUARED distance between the centres.",
        9.0: "the spread term compares standard deviations (square roots of the variances), not the variances.",
        13.0: "that is the mean term plus the variances' differences, unsquared and without roots.",
        1.0: "only the spread terms are there; the centres differ too.",
        31.0: "the variances entered where their square roots belong: the spread term uses standard deviations.",
    }
    for wrong, message in known.items():
        if abs(value - wrong) < 1e-6:
            return report(CheckResult(name, False, f"you gave {value:g}. Recognised mistake: {message}"))
    return report(CheckResult(name, False, f"you gave {value:g}, which is not the distance. Work coordinate by "
                                           f"coordinate: both covariances are diagonal."))


COPY_CHOICES = ("G1", "G2", "G3", "G4")
COPY_VERDICTS = {
    "G1": "G1 has the best quality scores and a rate near 1%, like new real digits: no copying detected. Quality says "
         "nothing about copying.",
    "G2": "G2's rate is 0% because its samples sit FARTHER from every training digit than new real digits do (its "
         "median distance is the largest): rough samples, not copies, and no extra privacy either.",
    "G4": "G4's rate, 1.6%, is within the noise of a threshold taken from a few hundred held-out digits, and its median "
         "distance matches the real digits': no copying detected.",
}


def check_copy_diagnosis(diagnosis) -> CheckResult:
    """Check notebook 05's exercise: which generator in the nearest-neighbour table copies its training digits?

    Introduced in notebook 05.
    """
    name = "copy_diagnosis"
    answer, failed = read_choice(name, diagnosis, COPY_CHOICES, "set diagnosis to 'G1', 'G2', 'G3' or 'G4', then run "
                                                                "this cell.", normalise=lambda text: text.upper())
    if failed is not None:
        return report(failed)
    if answer == "G3":
        return report(CheckResult(name, True, "G3: 38% of its samples are closer to a training digit than all but 1% of "
                                              "new real digits get, and its median distance is far below theirs."))
    return report(CheckResult(name, False, f"you chose {answer}. {COPY_VERDICTS[answer]}"))


def check_samples_needed(samples_needed: Callable | None) -> CheckResult:
    """Check notebook 05's exercise: how many samples bring FD's 1/n small-sample bias, fitted to two measurements, below a gap.

    Introduced in notebook 05.
    """
    cases = [(21.88, 100, 10.07, 5000, 0.5), (30.0, 50, 12.0, 2000, 1.5), (15.0, 100, 9.0, 10000, 0.3),
             (50.0, 20, 20.0, 500, 2.0), (8.0, 200, 5.0, 1000, 0.7)]

    def _c(fd_few, n_few, fd_many, n_many):
        return (fd_few - fd_many) / (1 / n_few - 1 / n_many)

    def reference(fd_few, n_few, fd_many, n_many, gap):
        return math.ceil(_c(fd_few, n_few, fd_many, n_many) / gap - 1e-9)

    mistakes = [
        (lambda a, na, b, nb, g: math.ceil((a - b) * na / g - 1e-9),
         "you took the FD from n_many samples as the bias-free value; it still carries a bias c / n_many, so fit c "
         "from the DIFFERENCE of the two biases."),
        (lambda a, na, b, nb, g: _c(a, na, b, nb) / g, "a number of samples is whole: round up."),
        (lambda a, na, b, nb, g: math.ceil((((a - b) / (na ** -0.5 - nb ** -0.5)) / g) ** 2 - 1e-9),
         "the bias shrinks like 1/n; 1/sqrt(n) is how a standard error shrinks, not a bias."),
        (lambda a, na, b, nb, g: math.ceil(_c(a, na, b, nb) - 1e-9),
         "that is c, the bias at a single sample: find the n at which c/n falls to the gap."),
    ]
    return check_function("samples_needed", samples_needed, reference, cases,
                          diagnose=gan_diagnosis(cases, mistakes), atol=1e-9,
                          arg_names=["fd_few", "n_few", "fd_many", "n_many", "gap"])
