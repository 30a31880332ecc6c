"""Notebook 06's exercise checks: precision and recall, a membership attack's AUC, DP-SGD's clip-and-noise step."""
from __future__ import annotations

import functools
import json
from typing import Any, Callable

import numpy as np

from ..engine.metrics import precision_recall_features as precision_recall_reference
from ..engine.paths import display_path, shipped_path
from ..engine.privacy import attack_auc as attack_auc_reference
from ..engine.privacy import dp_epsilon
from ..engine.privacy import privatise as privatise_reference
from ..engine.runtime import quiet_retracing
from .core import (CheckResult, build_exercise, check_function, compiled_error_words, known_mistake, read_choice,
                   read_number, report)

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is shown by a failing verdict: a question, never a formula or code. Level 2 is a first step.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "precision_recall": (
        "Precision asks whether each generated vector looks like some real one; recall asks whether each real "
        "vector is matched by some generated one. What region around a cloud of points would you call the place "
        "where that cloud lives, and how large should it be where the points are sparse?",
        "First give every real vector its radius: list its distances to the OTHER real vectors (leave out its "
        "distance to itself, which is always zero) and take the neighbours-th smallest (the 3rd by default). A generated vector then counts "
        "towards precision when it lies within the radius of at least one real vector. Recall mirrors this.",
        r"With real feature vectors $F_1, \ldots, F_N$, generated ones $\hat F_1, \ldots, \hat F_M$, and $r(v)$ the "
        r"distance from $v$ to its 3rd-nearest other vector of its own set (`neighbours = 3`): "
        r"$\mathrm{precision} = \frac{1}{M}\sum_j \mathbb{1}\big[\exists i: \lVert \hat F_j - F_i\rVert \le r(F_i)\big]$, "
        r"$\mathrm{recall} = \frac{1}{N}\sum_i \mathbb{1}\big[\exists j: \lVert F_i - \hat F_j\rVert \le r(\hat F_j)\big]$ "
        r"(Kynkäänniemi et al. 2019). For 4,500 vectors of 128 features, build each table of distances from "
        r"$\lVert a - b\rVert^2 = \lVert a\rVert^2 + \lVert b\rVert^2 - 2\,a^\top b$ (clipped at 0), never from a "
        r"(4500, 4500, 128) array of differences.",
        "```python\ndef distances(a, b):  # one (len(a), len(b)) table, never (len(a), len(b), features)\n"
        "    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)\n"
        "    squared = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2 * a @ b.T\n"
        "    return np.sqrt(np.maximum(squared, 0))  # rounding can make a square slightly negative\n\n"
        "def radii(points, neighbours):\n    d = distances(points, points)\n"
        "    np.fill_diagonal(d, np.inf)  # a vector is not its own neighbour\n"
        "    return np.partition(d, neighbours - 1, axis=1)[:, neighbours - 1]\n\n"
        "def share_inside(queries, centres, r):\n"
        "    return float((distances(queries, centres) <= r[None, :]).any(axis=1).mean())\n\n"
        "precision = share_inside(fake, real, radii(real, neighbours))\nrecall = share_inside(real, fake, radii(fake, neighbours))\n"
        "return precision, recall\n```",
    ),
    "attack_auc": (
        "Pick one member and one non-member at random. When has the attack ranked that pair right, and what "
        "should a pair with equal scores count for?",
        "Lay out every member/non-member pair as a table, one row per member and one column per non-member, and "
        "mark each cell as a win (the member scores higher), a loss or a tie. The answer comes from that table "
        "alone: no threshold is needed anywhere.",
        r"$\mathrm{AUC} = \frac{1}{N_{\text{mem}}N_{\text{non}}}\sum_{i=1}^{N_{\text{mem}}}\sum_{j=1}^{N_{\text{non}}}"
        r"\Big(\mathbb{1}[\mathrm{mem}_i > \mathrm{non}_j] + \tfrac{1}{2}\,\mathbb{1}[\mathrm{mem}_i = \mathrm{non}_j]\Big)$ "
        r"for member scores $\mathrm{mem}_i$ and non-member scores $\mathrm{non}_j$ (the Mann-Whitney statistic "
        r"divided by the number of pairs).",
        "```python\nmem = np.asarray(member_scores, dtype=float)[:, None]  # one row per member\n"
        "non = np.asarray(nonmember_scores, dtype=float)[None, :]  # one column per non-member\n"
        "return float(((mem > non) + 0.5 * (mem == non)).mean())\n```",
    ),
    "privatise": (
        "DP-SGD promises that no single training digit can move D by much. Whose gradient must be made short for "
        "that, each digit's or the batch's total, and how loud must the noise be next to that bound?",
        "Start with one length per row (each row is one digit's gradient), then one factor per row that shrinks "
        "only the rows longer than clip_norm and leaves shorter rows exactly as they are. Get this clipped "
        "matrix right, with TensorFlow operations, before you think about the noise.",
        r"$\tilde g = \frac{1}{B}\Big(\sum_{i=1}^{B} g_i \min\big(1, \tfrac{c_{\text{clip}}}{\lVert g_i\rVert}\big) + "
        r"\nu\, c_{\text{clip}}\cdot\texttt{noise}\Big)$ with $c_{\text{clip}}$ = clip_norm and $\nu$ = noise_multiplier "
        r"(Abadi et al. 2016).",
        "```python\nnorms = tf.norm(per_example, axis=1, keepdims=True)\n"
        "clipped = per_example * tf.minimum(1.0, clip_norm / tf.maximum(norms, 1e-12))\n"
        "total = tf.reduce_sum(clipped, axis=0) + noise_multiplier * clip_norm * noise\n"
        "return total / tf.cast(tf.shape(per_example)[0], tf.float32)\n```",
    ),
    "predict_psi_zero": (
        "Precision and recall each draw balls around one of the two sets. Which set's balls change when every "
        "generated vector is the same point?",
        "Start with precision: it asks one question of every generated vector (is it inside some real ball?). When "
        "every generated vector is the same point, how many different answers can those questions get?",
        r"Write $F_i$ for the feature vector of real digit $i$ ($i = 1, \ldots, N$) and $F(G(0))$ for that of the one "
        r"image every sample is (the limit $\psi \to 0$). Every generated vector is $F(G(0))$, so each one's "
        r"3rd-nearest other generated vector lies at distance 0: every generated ball has radius $0$, and "
        r"$\mathrm{recall} = \frac{1}{N}\sum_i \mathbb{1}\big[F_i = F(G(0))\big] = 0$ (no real vector coincides with "
        r"$F(G(0))$). $\mathrm{precision} = \mathbb{1}\big[\exists i: \lVert F(G(0)) - F_i\rVert \le r(F_i)\big]$: "
        r"all samples are inside a real ball together or outside together.",
        "```python\nrecall_at_zero = 0.0\nprecision_values = 'only 0 or 1'  # or the set {0.0, 1.0}\n```",
    ),
    "diagnose_augmenter": (
        "What does each column measure about a generator's digits, and which of the two is closer to the job you "
        "want the digits to do?",
        "For each generator, say in words what its CAS number is an accuracy of: which classifier, trained on "
        "which digits, tested on which.",
        r"$\mathrm{CAS}$ is the accuracy on real test digits of a classifier trained only on a generator's digits, "
        r"each with the label the generator was asked for: the very quantity augmentation relies on, since you "
        r"will train a classifier on those digits. FD compares the mean and the spread (covariance) of the features "
        r"of generated and real digits, whatever labels the digits carry: a lower FD says the digits resemble real "
        r"ones, not that their labels are right or that they teach a classifier well. For augmentation, choose by "
        r"CAS.",
        "```python\naugmenter = 'B'\n```",
    ),
    "auc_by_hand": (
        "With three members and four non-members, how many member/non-member pairs are there, and what does "
        "each pair add to the count?",
        "Take the members one at a time: for the member scoring 0.9, count how many of the four non-members it "
        "beats. Do the same for the other two members, and keep any pair with equal scores apart from the wins.",
        r"$\mathrm{AUC}=\frac{1}{N_{\text{mem}}N_{\text{non}}}\sum_{i,j}\big(\mathbb 1[\mathrm{mem}_i>\mathrm{non}_j]"
        r"+\tfrac12\mathbb 1[\mathrm{mem}_i=\mathrm{non}_j]\big)$ for member scores $\mathrm{mem}_i$ and non-member "
        r"scores $\mathrm{non}_j$. Ranking by minus the score turns every $>$ between a member and a non-member into "
        r"$<$, every $<$ into $>$, and leaves every $=$ an $=$; a score that is the same for every candidate makes "
        r"every pair an $=$.",
        "```python\nauc_answer = (4 + 2.5 + 3) / 12  # 0.9 beats 4; 0.4 beats 2 and ties 1; 0.7 beats 3\n"
        "reversed_auc = (0 + 1.5 + 1) / 12  # each win becomes a loss, the tie stays: 1 - auc_answer\n"
        "constant_auc = 0.5  # every pair a tie\n```",
    ),
    "noise_for_budget": (
        r"More noise buys a smaller $\varepsilon_{\text{DP}}$. Besides the noise multiplier, which numbers does the "
        "privacy accountant need, and what are they in this exercise?",
        "The sample rate is the share of the training digits that one batch holds: a batch size over a training "
        r"set size. Compute $\varepsilon_{\text{DP}}$ for a single noise multiplier from the grid first, and "
        "compare it with the budget, before you scan the grid.",
        r"Sample rate $B/4500 = 64/4500$, 4,000 steps, $\delta_{\text{DP}} = 10^{-5}$. $\varepsilon_{\text{DP}}(\nu)$ "
        r"falls as $\nu$ grows, so scan $\nu = 0.1, 0.2, \ldots, 5.0$ upwards and stop at the first with "
        r"$\varepsilon_{\text{DP}}(\nu) \le 3$.",
        "```python\nsample_rate = 64 / 4500\nfor nu in np.round(np.arange(1, 51) * 0.1, 1):\n"
        "    if gu.privacy.dp_epsilon(float(nu), sample_rate, 4000, delta=1e-5) <= 3:\n"
        "        noise_needed = float(nu)\n        break\n```",
    ),
    "bias_classes": (
        "If the generator drew each digit exactly in its training proportion, would 10,000 samples show exactly "
        "those shares? How large a gap could chance alone make?",
        "Treat each sample as a draw that lands on digit c with probability p_c, its training share. Work out how "
        "far the share of c among n_samples draws typically strays from p_c, for one common and one rare digit, "
        "before you compare any gaps.",
        r"With $p_c$ the training share of digit $c$, $\hat p_c$ its share among the $N_{\text{samples}}$ samples "
        r"(`bias['n_samples']`): by chance alone $\hat p_c$ strays from $p_c$ by about "
        r"$\mathrm{sd}_c = \sqrt{p_c(1-p_c)/N_{\text{samples}}}$, and the under-drawn digits are "
        r"$\{\, c \in \{0,\ldots,9\} : \hat p_c < p_c - 2\,\mathrm{sd}_c \,\}$.",
        "```python\nbias = membership['bias']  # membership.json, as section 4 read it\n"
        "p, share, n = np.array(bias['train_shares']), np.array(bias['sample_shares']), bias['n_samples']\n"
        "sd = np.sqrt(p * (1 - p) / n)  # how far chance alone moves a share among n draws\n"
        "under_drawn = {c for c in range(10) if share[c] < p[c] - 2 * sd[c]}\n```",
    ),
}


def _diagnose_all(learner: Any, cases, mistakes, before: Callable[[np.ndarray], str | None] | None = None):
    """A diagnose(got, expected) naming the known mistake the learner reproduces on EVERY case (no coincidences)."""
    def diagnose(got: np.ndarray, expected: np.ndarray) -> str | None:
        if before is not None:
            said = before(got)
            if said:
                return said
        return known_mistake(learner, cases, mistakes)

    return diagnose


# ---------------------------------------------------------------------------------------------
# Build 1: precision and recall (Kynkäänniemi et al. 2019).

def _distances(a, b) -> np.ndarray:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


def _radii(x, k: int, with_self: bool = False) -> np.ndarray:
    d = _distances(x, x)
    if not with_self:
        np.fill_diagonal(d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]


def _pr_variant(real, fake, k: int = 3, with_self: bool = False, swap: bool = False, precision_fake_balls: bool = False,
                recall_real_balls: bool = False) -> tuple[float, float]:
    """Precision and recall as written, or with one of the recognised mistakes."""
    r_real, r_fake = _radii(real, k, with_self), _radii(fake, k, with_self)
    d = _distances(fake, real)  # (fakes, reals)
    if precision_fake_balls:  # a fake counts when a real vector lies inside the fake's own ball
        precision = float((d <= r_fake[:, None]).any(axis=1).mean())
    else:
        precision = float((d <= r_real[None, :]).any(axis=1).mean())
    if recall_real_balls:  # a real vector counts when a fake lies inside the real's own ball
        recall = float((d <= r_real[None, :]).any(axis=0).mean())
    else:
        recall = float((d <= r_fake[:, None]).any(axis=0).mean())
    return (recall, precision) if swap else (precision, recall)


def _pr_cases() -> list[tuple]:
    rng = np.random.default_rng(60)
    real_2d = np.array([[0.0, 0.0], [1.0, 0.1], [0.2, 1.1], [3.0, 3.2], [3.3, 2.9]])
    fake_2d = np.array([[0.4, 0.3], [2.1, 2.2], [3.1, 3.0], [6.0, 0.5]])
    real_4 = rng.normal(size=(40, 4))
    fake_4 = 0.5 * rng.normal(size=(30, 4)) + 0.4
    real_8 = rng.normal(size=(30, 8))
    fake_8 = 1.8 * rng.normal(size=(35, 8))
    real_3 = rng.normal(size=(25, 3))
    fake_3 = rng.normal(size=(20, 3)) + np.array([1.2, 0.0, 0.0])
    return [(real_2d, fake_2d, 1), (real_4, fake_4, 3), (real_8, fake_8, 5), (real_3, fake_3)]


PR_MISTAKES = [
    (lambda r, f, k=3: _pr_variant(r, f, k, swap=True),
     "precision and recall are swapped: precision asks about the GENERATED vectors (are they inside the real "
     "data's balls?), recall about the real ones."),
    (lambda r, f, k=3: _pr_variant(r, f, k, with_self=True),
     "each vector counted itself as one of its own neighbours (it is at distance zero from itself), so every "
     "ball reaches only its 2nd other neighbour instead of its 3rd. Leave a vector out of its own neighbour list."),
    (lambda r, f, k=3: _pr_variant(r, f, k, precision_fake_balls=True),
     "precision was measured with the balls around the generated vectors; it needs the balls around the REAL "
     "vectors (the real data's region), and asks which generated vectors fall inside one."),
    (lambda r, f, k=3: _pr_variant(r, f, k, recall_real_balls=True),
     "recall was measured with the balls around the real vectors; it needs the balls around the GENERATED "
     "vectors, and asks which real vectors fall inside one."),
    (lambda r, f, k=3: _pr_variant(r, f, k, precision_fake_balls=True, recall_real_balls=True),
     "both measures used the wrong set's balls: precision needs the real vectors' balls and recall the "
     "generated vectors' balls."),
]


@build_exercise("precision_recall", reference=lambda: precision_recall_reference, names=("precision_recall",))
def check_precision_recall(precision_recall: Callable | None) -> CheckResult:
    """Check notebook 06's build exercise: (precision, recall) of fake feature vectors against real ones, k-NN balls.

    Introduced in notebook 06.
    """
    cases = _pr_cases()
    return check_function(
        "precision_recall", precision_recall, precision_recall_reference, cases,
        diagnose=_diagnose_all(precision_recall, cases, PR_MISTAKES), atol=1e-9, arg_names=["real", "fake", "neighbours"],
    )


# ---------------------------------------------------------------------------------------------
# Build 2: the membership attack's AUC.

def _pairs(m, n) -> tuple[np.ndarray, np.ndarray]:
    m = np.asarray(m, np.float64)[:, None]
    n = np.asarray(n, np.float64)[None, :]
    return (m > n), (m == n)


def _auc(m, n, tie: float = 0.5) -> float:
    wins, ties = _pairs(m, n)
    return float((wins + tie * ties).mean())


def _accuracy(m, n, threshold: float, strict: bool = True, balanced: bool = False) -> float:
    m, n = np.asarray(m, np.float64), np.asarray(n, np.float64)
    hit = (m > threshold) if strict else (m >= threshold)
    miss = (n <= threshold) if strict else (n < threshold)
    if balanced:
        return float((hit.mean() + miss.mean()) / 2)
    return float((hit.sum() + miss.sum()) / (len(m) + len(n)))


def _auc_cases() -> list[tuple]:
    rng = np.random.default_rng(61)
    return [
        (np.array([0.8, 0.6, 0.6]), np.array([0.6, 0.2])),
        (np.round(rng.beta(3, 2, 40), 1), np.round(rng.beta(2, 3, 50), 1)),  # many ties
        (np.array([0.5, 0.5]), np.array([0.5, 0.5, 0.5])),
        (np.array([0.1, 0.25]), np.array([0.8, 0.9, 0.7])),
        (rng.random(7), rng.random(5)),
    ]


AUC_ACCURACY = ("that is an accuracy at one threshold; the attack's AUC compares every member with every non-member "
                "and needs no threshold at all.")
AUC_MISTAKES = [
    (lambda m, n: _auc(m, n, tie=0.0), "a tie between a member and a non-member counted as a loss; it counts half."),
    (lambda m, n: _auc(m, n, tie=1.0), "a tie between a member and a non-member counted as a win; it counts half."),
    (lambda m, n: 1.0 - _auc(m, n), "the AUC is reversed: that is the chance a NON-member outscores a member (the "
                                    "attack says member for the higher score)."),
    (lambda m, n: _auc(n, m, tie=0.0), "the AUC is reversed: that is the chance a NON-member outscores a member (the "
                                       "attack says member for the higher score)."),
    *[(functools.partial(lambda m, n, t, s, b: _accuracy(m, n, t, s, b), t=0.5, s=s, b=b), AUC_ACCURACY)
      for s in (True, False) for b in (False, True)],
    *[(functools.partial(lambda m, n, f, s: _accuracy(m, n, f(np.r_[m, n]), s), f=f, s=s), AUC_ACCURACY)
      for f in (np.median, np.mean) for s in (True, False)],
]


def _not_a_share(got: np.ndarray) -> str | None:
    if np.all(np.isfinite(got)) and (np.any(got < 0) or np.any(got > 1)):
        return ("Recognised mistake: the AUC is a probability, between 0 and 1; a count of pairs must be divided by "
                "how many pairs there are.")
    return None


@build_exercise("attack_auc", reference=lambda: attack_auc_reference, names=("attack_auc",))
def check_attack_auc(attack_auc: Callable | None) -> CheckResult:
    """Check notebook 06's build exercise: the chance that a random member outscores a random non-member, ties half.

    Introduced in notebook 06.
    """
    cases = _auc_cases()
    return check_function(
        "attack_auc", attack_auc, attack_auc_reference, cases,
        diagnose=_diagnose_all(attack_auc, cases, AUC_MISTAKES, before=_not_a_share), atol=1e-9,
        arg_names=["member_scores", "nonmember_scores"],
    )


# ---------------------------------------------------------------------------------------------
# Build 3: DP-SGD's clip, sum, noise and average, in TensorFlow (it runs inside the compiled step).

def _clip_rows(g: np.ndarray, c: float) -> np.ndarray:
    norms = np.linalg.norm(g, axis=1, keepdims=True)
    return g * np.minimum(1.0, c / np.maximum(norms, 1e-12))


def _privatise_variant(g, c, s, noise, how: str = "right") -> np.ndarray:
    g, noise = np.asarray(g, np.float64), np.asarray(noise, np.float64)
    c, s = float(c), float(s)
    b = len(g)
    if how == "clip_sum":
        total = g.sum(0)
        return (total * min(1.0, c / max(np.linalg.norm(total), 1e-12)) + s * c * noise) / b
    if how == "clip_matrix":
        return (g.sum(0) * min(1.0, c / max(np.linalg.norm(g), 1e-12)) + s * c * noise) / b
    if how == "stretch":
        return ((g * c / np.maximum(np.linalg.norm(g, axis=1, keepdims=True), 1e-12)).sum(0) + s * c * noise) / b
    clipped = _clip_rows(g, c).sum(0)
    if how == "noise_sigma":
        return (clipped + s * noise) / b
    if how == "noise_undivided":
        return clipped / b + s * c * noise
    if how == "undivided":
        return clipped + s * c * noise
    return (clipped + s * c * noise) / b


PRIVATISE_MISTAKES = [
    (functools.partial(_privatise_variant, how="clip_sum"),
     "the summed gradient was clipped, not each digit's row: one digit's gradient can then still dominate the sum. "
     "Clip every row before summing."),
    (functools.partial(_privatise_variant, how="clip_matrix"),
     "the whole batch was clipped as one vector; each row (one digit's gradient) needs its own length bound."),
    (functools.partial(_privatise_variant, how="stretch"),
     "every row was scaled to length clip_norm, so short rows were stretched; clipping only shrinks the rows "
     "that are longer than clip_norm and leaves the others as they are."),
    (functools.partial(_privatise_variant, how="noise_sigma"),
     "the noise has standard deviation noise_multiplier; it must be measured against the bound on each row, "
     "clip_norm times as large."),
    (functools.partial(_privatise_variant, how="noise_undivided"),
     "only the clipped sum was divided by the batch size; the noise is part of the sum and is averaged with it."),
    (functools.partial(_privatise_variant, how="undivided"),
     "the result is a sum, not an average: divide by the batch size (the number of rows)."),
]


def _privatise_cases() -> list[tuple]:
    import tensorflow as tf

    rng = np.random.default_rng(62)
    rows = np.array([[3.0, 4.0, 0.0], [0.3, 0.4, 0.0], [1.0, 2.0, 2.0], [0.0, 0.0, 0.2]])
    big = rng.normal(size=(8, 5)) * rng.uniform(0.2, 2.0, size=(8, 1))
    small = rng.normal(size=(6, 4)) * 0.1

    def t(x):
        return tf.constant(np.asarray(x, np.float32))

    return [
        (t(rows), 2.0, 0.5, t([1.0, -1.0, 0.5])),
        (t(big), 0.7, 1.3, t(rng.normal(size=5))),
        (t(big[:5]), 1.5, 0.0, t(rng.normal(size=5))),
        (t(small), 10.0, 0.8, t(rng.normal(size=4))),
    ]


def _compiled(learner: Callable) -> Callable:
    """The learner's privatise inside a tf.function, fed tensors as notebook 06's training step feeds it."""
    import tensorflow as tf

    step = tf.function(lambda g, c, s, n: learner(g, c, s, n))

    def run(g, c, s, n):
        try:
            with quiet_retracing():
                return step(g, tf.constant(c, tf.float32), tf.constant(s, tf.float32), n)
        except Exception as error:  # keep the error's own words, not autograph's listing of the learner's code
            short = compiled_error_words(error)
            if short == str(error).strip():
                raise
            try:
                clean = type(error)(short)
            except Exception:  # noqa: BLE001 - some TensorFlow errors take other arguments
                clean = RuntimeError(f"{type(error).__name__}: {short}")
            raise clean from None

    return run


@build_exercise("privatise", reference=lambda: privatise_reference, names=("privatise",))
def check_privatise(privatise: Callable | None) -> CheckResult:
    """Check notebook 06's build exercise: clip each row of a (B, P) gradient, sum, add scaled noise, divide by B.

    Introduced in notebook 06. Run eagerly first, then inside a tf.function (as the DP training step runs it).
    """
    name = "privatise"
    cases = _privatise_cases()
    names = ["per_example", "clip_norm", "noise_multiplier", "noise"]
    diagnose = _diagnose_all(privatise, cases, PRIVATISE_MISTAKES)
    eager = check_function(name, privatise, privatise_reference, cases, diagnose=diagnose, atol=1e-5,
                           arg_names=names, verbose=False)
    if not eager.passed:
        return report(eager)
    compiled = check_function(name, _compiled(privatise), privatise_reference, cases, diagnose=diagnose, atol=1e-5,
                              arg_names=names, verbose=False)
    compiled.learner = privatise
    if compiled.passed:
        compiled.message = (f"correct on all {len(cases)} cases, run eagerly and inside a compiled TensorFlow "
                            "function (as the training step runs it).")
    else:
        compiled.message = "it works eagerly, but inside a compiled TensorFlow function (the training step), " + compiled.message
        if " raised " in compiled.message:
            compiled.message += (" Recognised mistake: inside a compiled function the inputs are symbolic tensors, so a "
                                 "NumPy function or .numpy() on them fails. Write every step with "
                                 "TensorFlow operations.")
    return report(compiled)


# ---------------------------------------------------------------------------------------------
# Exercise 1: predict precision and recall when every sample is G(0) (the limit psi -> 0; psi itself lies in (0, 1]).

def _number_set(value: Any) -> set[float] | None:
    """A collection of numbers as a set of floats, or None if it is not one (strings and dicts are not)."""
    if value is None or isinstance(value, (str, bytes, dict, bool)) or callable(value):
        return None
    if not isinstance(value, (set, frozenset, list, tuple, np.ndarray)):
        return None
    out = set()
    for item in np.asarray(list(value) if isinstance(value, (set, frozenset)) else value, dtype=object).ravel():
        number = read_number(item)
        if number is None:
            return None
        out.add(number)
    return out


PRECISION_CHOICES = ("only 0 or 1", "anything between 0 and 1")
PRECISION_IN_BETWEEN = ("precision can be a value in between, you say. Precision is the share of fakes inside a real "
                        "ball, and here every fake is the same point: can some of them be inside while others are not?")


def _precision_values_problem(precision_values: Any) -> str:
    """What is wrong with exercise 1's precision_values ('' if nothing): one of PRECISION_CHOICES, or a set of numbers."""
    if precision_values is None:
        return f"set precision_values to one of {list(PRECISION_CHOICES)}."
    if isinstance(precision_values, str):
        text = " ".join(precision_values.lower().replace('"', "").replace("'", "").split())
        if text not in PRECISION_CHOICES:
            return f"precision_values {precision_values!r} is not one of {list(PRECISION_CHOICES)}."
        return "" if text == PRECISION_CHOICES[0] else PRECISION_IN_BETWEEN
    values = _number_set(precision_values)
    if values is None:
        return (f"precision_values should be one of {list(PRECISION_CHOICES)} (or the set of numbers precision can "
                f"take), got {_kind(precision_values)}.")
    if not values or any(not 0.0 <= v <= 1.0 for v in values):
        return "precision_values holds something that is not a share between 0 and 1 (or nothing)."
    if len(values) == 1:
        return ("precision_values holds one value: precision depends on where the single point G(0) falls among the "
                "real balls, so consider each place it could fall.")
    return "" if values == {0.0, 1.0} else PRECISION_IN_BETWEEN


def check_predict_psi_zero(recall: Any = None, precision_values: Any = None) -> CheckResult:
    """Check notebook 06's exercise 1: recall when every sample is G(0) (the limit psi -> 0), and precision's values.

    Introduced in notebook 06. ``recall`` is one number; ``precision_values`` one of PRECISION_CHOICES ("only 0 or 1",
    "anything between 0 and 1"), or the set of numbers precision can take.
    """
    name = "predict_psi_zero"
    if recall is None:
        return report(CheckResult(name, False, "set recall_at_zero to the recall you predict when every sample is "
                                               "G(0) (the limit psi -> 0), and precision_values to the values "
                                               "precision can take there; then run this cell."))
    value = None if isinstance(recall, (str, bytes)) else read_number(recall)
    if value is None:
        return report(CheckResult(name, False, f"recall_at_zero should be one number, got {_kind(recall)}."))
    problems = []
    if not 0.0 <= value <= 1.0:
        problems.append(f"recall {value:g} is not a share: precision and recall lie between 0 and 1.")
    elif value == 1.0:
        problems.append("recall 1 is not it. Recognised mistake: identical fakes do not cover the real data. Recall "
                        "asks whether each REAL vector lies in a ball around a fake; how large is a fake's ball when "
                        "its 3rd-nearest other fake sits on the very same point?")
    elif value != 0.0:
        problems.append(f"recall {value:g} is not it: with every fake at one point, the answer does not depend on "
                        f"how the real vectors spread. Work out the radius of the fakes' balls first.")
    problem = _precision_values_problem(precision_values)
    if problem:
        problems.append(problem)
    if problems:
        return report(CheckResult(name, False, " ".join(problems)))
    return report(CheckResult(name, True, "every fake's ball has radius zero, so no real vector is covered: recall 0. "
                                          "Every fake is the same point, inside a real ball or not: precision is 0 "
                                          "or 1, and a precision of 1 here says nothing about variety."))


def _kind(value: Any) -> str:
    return f"a {type(value).__name__}"


# ---------------------------------------------------------------------------------------------
# Exercise 2: which generator to add to a small training set.

AUGMENTERS = {"A": (2.1, 0.42), "B": (9.5, 0.91), "C": (2.4, 0.84)}  # letter -> (FD, CAS)
AUGMENTER = "B"
AUGMENTER_VERDICTS = {
    "A": "A's digits look real (the lowest FD, 2.1), but a classifier trained on them alone gets only 42% of real "
         "test digits right: many of its digits carry the wrong label, and a wrongly labelled digit teaches the "
         "classifier the wrong answer. Realism is not enough.",
    "C": "C's digits look more real than B's (FD 2.4 against 9.5), but they teach less: a classifier trained on C's "
         "digits alone gets 84% of real test digits right, against 91% for B's. FD measures how closely the "
         "features of the digits resemble real ones (their mean and spread), not what a classifier learns from "
         "them or whether their labels are right.",
}


def check_diagnose_augmenter(augmenter: Any) -> CheckResult:
    """Check notebook 06's exercise 2: which conditional generator (FD, CAS) to add to 10 real digits per class.

    Introduced in notebook 06.
    """
    name = "diagnose_augmenter"
    answer, failed = read_choice(name, augmenter, tuple(AUGMENTERS), "set augmenter to 'A', 'B' or 'C', then run "
                                                                     "this cell.", normalise=lambda text: text.upper())
    if failed is not None:
        return report(failed)
    if answer == AUGMENTER:
        return report(CheckResult(name, True, "B: its digits look worse (FD 9.5) but teach a classifier the most: one "
                                              "trained on them alone gets 91% of real digits right, and that is "
                                              "exactly what augmentation uses them for. A looks real but is often "
                                              "mislabelled (42%); C looks more real than B but teaches less (84%): "
                                              "FD measures resemblance, not labels or what a classifier learns."))
    return report(CheckResult(name, False, f"you chose {answer}. {AUGMENTER_VERDICTS[answer]}"))


# ---------------------------------------------------------------------------------------------
# Exercise 3: an AUC by hand.

AUC_MEMBERS = (0.9, 0.4, 0.7)
AUC_NONMEMBERS = (0.4, 0.1, 0.3, 0.8)


def _auc_confirmation(confirm_with: Callable | None) -> str:
    """What the learner's attack_auc gives for exercise 3's scores, computed only after a right answer."""
    if confirm_with is None:
        return "Run your attack_auc on these scores to confirm it."
    try:
        value = float(confirm_with(np.array(AUC_MEMBERS), np.array(AUC_NONMEMBERS)))
    except Exception as error:  # noqa: BLE001 - the learner's function may fail in any way
        return f"Your attack_auc raised {type(error).__name__} on these scores: go back to its check."
    return f"Your attack_auc gives {value:.4f} for these scores."


def _one_number(value: Any) -> float | None:
    return None if isinstance(value, (str, bytes)) else read_number(value)


def _auc_answer_problem(auc_answer: Any) -> str:
    """What is wrong with exercise 3's auc_answer ('' if it is right)."""
    value = _one_number(auc_answer)
    if value is None:
        return f"auc_answer: expected one number, got {_kind(auc_answer)}."
    right = _auc(AUC_MEMBERS, AUC_NONMEMBERS)
    if abs(value - right) <= 0.005:
        return ""
    pairs = len(AUC_MEMBERS) * len(AUC_NONMEMBERS)
    known = [
        (_auc(AUC_MEMBERS, AUC_NONMEMBERS, tie=0.0), "the pair with equal scores counted as a loss; a tie counts half."),
        (_auc(AUC_MEMBERS, AUC_NONMEMBERS, tie=1.0), "the pair with equal scores counted as a win; a tie counts half."),
        (1.0 - right, "that is the chance a NON-member outscores a member; the attack calls the higher score a member."),
        (right * pairs, "that is a count of pairs; the AUC is a share of all the member/non-member pairs."),
        (_accuracy(AUC_MEMBERS, AUC_NONMEMBERS, 0.5), AUC_ACCURACY),
        (_accuracy(AUC_MEMBERS, AUC_NONMEMBERS, 0.5, balanced=True), AUC_ACCURACY),
    ]
    for wrong, message in known:
        if abs(value - wrong) <= 0.002:
            return f"auc_answer: you gave {value:g}. Recognised mistake: {message}"
    if not 0.0 <= value <= 1.0:
        return f"auc_answer: you gave {value:g}, which is not a probability: the AUC lies between 0 and 1."
    return (f"auc_answer: you gave {value:g}, which is not the AUC. Compare every member with every non-member, one "
            "pair at a time.")


def _reversed_auc_problem(reversed_auc: Any) -> str:
    """What is wrong with exercise 3's reversed_auc ('' if it is right): the AUC of an attacker ranking by minus the score."""
    if reversed_auc is None:
        return ("Set reversed_auc to the AUC of an attacker who ranks the same candidates by minus the score (the "
                "lowest score now looks most like a member).")
    value = _one_number(reversed_auc)
    if value is None:
        return f"reversed_auc: expected one number, got {_kind(reversed_auc)}."
    members, nonmembers = -np.asarray(AUC_MEMBERS), -np.asarray(AUC_NONMEMBERS)
    right = _auc(members, nonmembers)
    if abs(value - right) <= 0.005:
        return ""
    pairs = len(AUC_MEMBERS) * len(AUC_NONMEMBERS)
    tie = "equal scores stay equal after the minus sign, so that pair stays a tie and counts half."
    known = [
        (_auc(AUC_MEMBERS, AUC_NONMEMBERS), "that is the AUC of the attack itself. Ranking by minus the score turns "
                                            "every pair the member won into one it loses, and every loss into a "
                                            "win: the AUC cannot stay the same."),
        (_auc(members, nonmembers, tie=0.0), "the tie at 0.4 counted as a loss; " + tie),
        (_auc(members, nonmembers, tie=1.0), "the tie at 0.4 counted as a win; " + tie),
        (right * pairs, "that is a count of pairs; an AUC is a share of all the member/non-member pairs."),
    ]
    for wrong, message in known:
        if abs(value - wrong) <= 0.002:
            return f"reversed_auc: you gave {value:g}. Recognised mistake: {message}"
    if not 0.0 <= value <= 1.0:
        return f"reversed_auc: you gave {value:g}, which is not a probability: an AUC lies between 0 and 1."
    return (f"reversed_auc: you gave {value:g}, which is not the reversed attacker's AUC. Put a minus sign on every "
            "score and compare every member with every non-member again.")


def _constant_auc_problem(constant_auc: Any) -> str:
    """What is wrong with exercise 3's constant_auc ('' if it is right): the AUC of one score for every candidate."""
    if constant_auc is None:
        return "Set constant_auc to the AUC of an attacker who gives every candidate the same score."
    value = _one_number(constant_auc)
    if value is None:
        return f"constant_auc: expected one number, got {_kind(constant_auc)}."
    if abs(value - 0.5) <= 0.005:
        return ""
    if value in (0.0, 1.0):
        return (f"constant_auc: you gave {value:g}. Recognised mistake: with one score for all, every pair is a tie, "
                "neither a win nor a loss; what does a tie count for?")
    if not 0.0 <= value <= 1.0:
        return f"constant_auc: you gave {value:g}, which is not a probability: an AUC lies between 0 and 1."
    return (f"constant_auc: you gave {value:g}, which is not it. When every candidate gets the same score, what is "
            "each member/non-member pair?")


def check_auc_by_hand(auc_answer: Any, reversed_auc: Any = None, constant_auc: Any = None,
                      confirm_with: Callable | None = None) -> CheckResult:
    """Check notebook 06's exercise 3: three AUCs by hand for three members' and four non-members' scores.

    Introduced in notebook 06. ``auc_answer`` is the attack's AUC, ``reversed_auc`` that of an attacker ranking by
    minus the score, ``constant_auc`` that of an attacker giving every candidate the same score. auc_answer is judged
    first, on its own; the other two once it is right. After all three are right, ``confirm_with`` (your
    ``attack_auc``) is run on the scores and its value printed; it is never run before, so the cell cannot show the
    answer early.
    """
    name = "auc_by_hand"
    if auc_answer is None:
        return report(CheckResult(name, False, "set auc_answer to the number you worked out (and reversed_auc and "
                                               "constant_auc), then run this cell."))
    problem = _auc_answer_problem(auc_answer)
    if problem:
        return report(CheckResult(name, False, problem))
    problems = [p for p in (_reversed_auc_problem(reversed_auc), _constant_auc_problem(constant_auc)) if p]
    if problems:
        return report(CheckResult(name, False, "auc_answer is right. " + " ".join(problems)))
    right = _auc(AUC_MEMBERS, AUC_NONMEMBERS)
    return report(CheckResult(name, True, f"{right:.4f}: 9.5 of the 12 pairs go to the member, the tie at 0.4 "
                                          f"counting half. Ranking by minus the score gives {1 - right:.4f}, one minus "
                                          "it: each win becomes a loss and the tie stays a tie. One score for all "
                                          "gives 0.5: every pair is a tie, a coin toss. "
                                          f"{_auc_confirmation(confirm_with)}"))


# ---------------------------------------------------------------------------------------------
# Exercise 4: the least noise that keeps the budget.

BUDGET = {"n_train": 4500, "batch_size": 64, "steps": 4000, "delta": 1e-5, "epsilon": 3.0}
NOISE_GRID = tuple(round(0.1 * i, 1) for i in range(1, 51))


@functools.lru_cache(maxsize=None)
def _epsilon(noise_multiplier: float, sample_rate: float, steps: int, delta: float) -> float:
    return dp_epsilon(noise_multiplier, sample_rate, steps, delta)


@functools.lru_cache(maxsize=None)
def smallest_noise(sample_rate: float, steps: int, delta: float, epsilon: float) -> float | None:
    """The smallest noise multiplier on NOISE_GRID whose epsilon is at most `epsilon` (None if none is).

    Not used in a notebook: exercise 4's check and its tests ask it. Epsilon falls as the noise grows: a bisection.
    """
    low, high = 0, len(NOISE_GRID) - 1
    if _epsilon(NOISE_GRID[high], sample_rate, steps, delta) > epsilon:
        return None
    while low < high:
        mid = (low + high) // 2
        if _epsilon(NOISE_GRID[mid], sample_rate, steps, delta) <= epsilon:
            high = mid
        else:
            low = mid + 1
    return NOISE_GRID[low]


def _budget_rate() -> float:
    return BUDGET["batch_size"] / BUDGET["n_train"]


def check_noise_for_budget(noise_for_budget: Any) -> CheckResult:
    """Check notebook 06's exercise 4: the least noise multiplier on the grid 0.1, ..., 5.0 with epsilon at most 3.

    Introduced in notebook 06. The check computes the answer with gu.privacy.dp_epsilon (cached).
    """
    name = "noise_for_budget"
    if noise_for_budget is None:
        return report(CheckResult(name, False, "set noise_needed to the noise multiplier you found, then run "
                                               "this cell."))
    value = None if isinstance(noise_for_budget, (str, bytes)) else read_number(noise_for_budget)
    if value is None:
        return report(CheckResult(name, False, f"expected one number, got {_kind(noise_for_budget)}."))
    on_grid = [g for g in NOISE_GRID if abs(g - value) < 1e-6]
    if not on_grid:
        return report(CheckResult(name, False, f"{value:g} is not on the grid 0.1, 0.2, ..., 5.0: the answer is one "
                                               "of those fifty values."))
    value = on_grid[0]
    q, steps, delta, budget = _budget_rate(), BUDGET["steps"], BUDGET["delta"], BUDGET["epsilon"]
    try:
        answer = smallest_noise(q, steps, delta, budget)
        spent = _epsilon(value, q, steps, delta)
    except Exception as error:  # noqa: BLE001 - a check never raises: say why it cannot judge
        return report(CheckResult(name, False, f"this check needs the privacy accountant (dp_accounting), which "
                                               f"failed here: {type(error).__name__}: {error}"))
    setting = "64 of 4,500 digits per batch, 4,000 steps, delta 1e-5"
    if value == answer:
        below = NOISE_GRID[NOISE_GRID.index(value) - 1] if value != NOISE_GRID[0] else None
        more = (f"; one step less noise, {below:g}, would spend {_epsilon(below, q, steps, delta):.2f}"
                if below is not None else "")
        return report(CheckResult(name, True, f"{value:g}: epsilon {spent:.2f} at {setting}{more}."))
    recognised = ""
    for rate, why in ((1 / BUDGET["n_train"], "the sample rate is the share of the training set in ONE BATCH, not one "
                                             "digit's share."),
                      (1 / BUDGET["batch_size"], "the sample rate is the batch's share of the training set, not one "
                                                 "over the batch size.")):
        if smallest_noise(rate, steps, delta, budget) == value:
            recognised = f" Recognised mistake: {why}"
            break
    if spent > budget:
        return report(CheckResult(name, False, f"at noise multiplier {value:g} this training spends epsilon "
                                               f"{spent:.2f}, over the budget of 3.{recognised}"))
    return report(CheckResult(name, False, f"at noise multiplier {value:g} this training spends epsilon {spent:.2f}, "
                                           "within the budget, but a smaller value on the grid also keeps it: the "
                                           f"exercise asks for the least noise (less noise, better digits).{recognised}"))


# ---------------------------------------------------------------------------------------------
# Exercise 5: which classes the generator under-represents.

BIAS_COMMAND = "python benchmarks/bench_membership.py --part bias"
BIAS_SDS = 2  # under-drawn: more than this many standard deviations below the training share


def _bias_part(results: Any) -> tuple[dict | None, str]:
    """membership.json's "bias" part (read from the file unless given), or None and why it cannot be read."""
    path = shipped_path("results", "membership.json")
    where = display_path(path)
    if results is None:
        try:
            results = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            return None, (f"this exercise reads the committed results {where}, which cannot be read here "
                          f"({type(error).__name__}). Make them with `{BIAS_COMMAND}` (the bias part trains the course "
                          "recipe on an unbalanced subset), then run this cell again.")
    bias = results.get("bias", results) if isinstance(results, dict) else None
    try:
        train = [float(s) for s in bias["train_shares"]]
        samples = [float(s) for s in bias["sample_shares"]]
        if len(train) != 10 or len(samples) != 10:
            raise ValueError("not ten shares")
        n_samples = bias["n_samples"]
        if isinstance(n_samples, bool) or not float(n_samples).is_integer() or n_samples <= 0:
            raise ValueError("n_samples is not a count")
    except (TypeError, KeyError, ValueError):
        return None, (f"the results hold no complete 'bias' part (ten train_shares, ten sample_shares and n_samples, "
                      f"the number of samples the shares were counted on). Make it with `{BIAS_COMMAND}`, then run "
                      "this cell again.")
    return {"train_shares": train, "sample_shares": samples, "n_samples": int(n_samples)}, ""


def _share_sd(share: float, n_samples: int) -> float:
    """The standard deviation of a share among n_samples draws that each land on a class with probability `share`."""
    return float(np.sqrt(share * (1.0 - share) / n_samples))


def _below(bias: dict, sds: float = BIAS_SDS, sd_of: str = "train") -> set[int]:
    """The classes whose sample share is more than `sds` standard deviations below their training share.

    sd_of="train" takes the standard deviation at the training share (what chance alone would give); "sample" at the
    sample share (a common variant).
    """
    train, samples, n = bias["train_shares"], bias["sample_shares"], bias["n_samples"]
    return {c for c in range(10)
            if samples[c] < train[c] - sds * _share_sd(train[c] if sd_of == "train" else samples[c], n)}


def _above(bias: dict, sds: float = BIAS_SDS) -> set[int]:
    train, samples, n = bias["train_shares"], bias["sample_shares"], bias["n_samples"]
    return {c for c in range(10) if samples[c] > train[c] + sds * _share_sd(train[c], n)}


def bias_answer(bias: dict) -> set[int]:
    """The classes drawn less often than chance explains: sample share below training share p by more than 2 sd.

    With p a class's training share and n = bias["n_samples"], sd = (p (1 - p) / n) ** 0.5.
    Not used in a notebook: the check and its tests ask it.
    """
    return _below(bias)


def _class_set(value: Any) -> set[int] | None:
    values = _number_set(value)
    if values is None or any(not v.is_integer() for v in values):
        return None
    return {int(v) for v in values}


def check_bias_classes(bias_classes: Any, results: dict | None = None) -> CheckResult:
    """Check notebook 06's exercise 5: the classes a generator trained on an unbalanced subset draws too rarely.

    Introduced in notebook 06. Too rarely: its share among the n_samples samples is more than two standard deviations
    below its training share p, the standard deviation of a share among n draws being (p (1 - p) / n) ** 0.5. Reads
    data/results/membership.json's "bias" part unless ``results`` (the whole file's dict, or its "bias" part) is given.
    """
    name = "bias_classes"
    if bias_classes is None:
        return report(CheckResult(name, False, "set under_drawn to the set of digits you found, then run this cell."))
    classes = _class_set(bias_classes)
    if classes is None:
        return report(CheckResult(name, False, "under_drawn should be a set of digit labels (whole numbers from 0 "
                                               f"to 9), got {_kind(bias_classes)}."))
    bias, why = _bias_part(results)
    if bias is None:
        return report(CheckResult(name, False, why))
    answer = bias_answer(bias)
    accepted = (answer, _below(bias, sd_of="sample"))  # a standard deviation taken at the sample share also passes
    if answer and classes == {c + 1 for c in answer}:
        return report(CheckResult(name, False, "Recognised mistake: the lists start at digit 0: the first share is "
                                               "the zeros'."))
    if any(not 0 <= c <= 9 for c in classes):
        return report(CheckResult(name, False, "the classes are the digits 0 to 9; under_drawn holds something else."))
    train, samples, n = bias["train_shares"], bias["sample_shares"], bias["n_samples"]
    if classes in accepted:
        gaps = "; ".join(f"{c}: {100 * samples[c]:.1f}% of samples against {100 * train[c]:.1f}% of training, "
                         f"{(train[c] - samples[c]) / _share_sd(train[c], n):.1f} standard deviations below"
                         for c in sorted(classes))
        note = ("" if classes == answer else
                " (your standard deviations were taken at the sample shares; chance alone draws from the training "
                f"shares, and with those the set is {sorted(answer)})")
        return report(CheckResult(name, True, f"{gaps or 'no digit falls more than two standard deviations below its training share'}"
                                              f"{note}. Any other shortfall is one chance alone could produce among "
                                              f"{n:,} samples."))
    rare = {c for c in range(10) if train[c] < max(train)}
    over = "those are the classes the generator makes MORE often than the training set holds them."
    known = [
        (_below(bias, sds=0), "that is every digit below its training share, and it includes shortfalls that chance "
                              "alone could produce: a share among the samples strays from the training share by "
                              "about one standard deviation without any bias. The question asks for more than two "
                              "standard deviations below."),
        (_below(bias, sds=1), "you counted digits more than ONE standard deviation below their training share; "
                              "chance alone puts a share that far below about one time in six. The question asks for "
                              "more than two."),
        (_above(bias), over),
        (_above(bias, sds=0), over),
        (rare, "those are the classes that were rare in training; the question compares each class's share among the "
               "samples with its own share in training, and a rare class need not fall further."),
        ({c for c in range(10) if samples[c] < 0.1},
         "you compared the sample shares with a tenth, the share of a balanced set; compare each with that class's "
         "share in training."),
        (set(range(10)) - answer, "those are the classes that are NOT under-drawn."),
    ]
    for wrong, message in known:
        if classes == wrong and wrong not in accepted:
            return report(CheckResult(name, False, f"Recognised mistake: {message}"))
    extra, missing = classes - answer, answer - classes
    parts = []
    if extra:
        parts.append("at least one digit you listed is not more than two standard deviations below its training share")
    if missing:
        parts.append("at least one digit that is more than two standard deviations below its training share is missing")
    return report(CheckResult(name, False, "; ".join(parts).capitalize() + ". For each digit, set the gap between its "
                                           "two shares beside the standard deviation chance alone would give it."))
