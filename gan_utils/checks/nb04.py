"""Notebook 04's checks: two build cells (the gradient penalty, one power-iteration step) and five exercises."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import CheckResult, build_exercise, check_function, check_prediction, gan_diagnosis, read_choice, report

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is a question and holds no formula or code: a failing verdict shows it.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "gradient_penalty": (
        "Where does the penalty look at the critic, and what does it compare with 1 there: one number per "
        "image, or one for the whole batch?",
        "First build the points between real and fake images, one mixing fraction per image (its shape lets it "
        "broadcast over the pixels). The tape must be told to follow those points, because they are a tensor, "
        "not a variable.",
        r"$\hat x = \epsilon x + (1-\epsilon)\tilde x$, $g = \nabla_{\hat x} s(\hat x)$ for each image, "
        r"$\mathrm{GP} = \mathbb{E}\big[(\lVert g\rVert_2 - 1)^2\big]$ (Gulrajani et al. 2017).",
        "```python\nx_hat = epsilon * real + (1 - epsilon) * fake\nwith tf.GradientTape() as tape:\n"
        "    tape.watch(x_hat)\n    scores = critic(x_hat)\ngrads = tape.gradient(scores, x_hat)\n"
        "norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))\n"
        "return tf.reduce_mean(tf.square(norms - 1.0))\n```",
    ),
    "power_iteration_step": (
        "Which matrix has the same top direction as W, but squares the gaps between its singular values, and "
        "what keeps the vector from growing or shrinking at every step?",
        "Check the shapes first: r has one entry per column of W. Which product takes r out of that space, and "
        "which brings it back? The estimate uses the vector you hand back, not the one you were given.",
        r"$\mathbf{r} \leftarrow W^\top W\mathbf{r} / \lVert W^\top W\mathbf{r}\rVert$, then "
        r"$\sigma_{\max}(W) \approx \lVert W\mathbf{r}\rVert$ with the new $\mathbf{r}$.",
        "```python\nr = W.T @ (W @ r)\nr = r / np.linalg.norm(r)\nreturn r, np.linalg.norm(W @ r)\n```",
    ),
    "diagnose_run": (
        "Which of the two players is gaining ground over the run, and which curve tells you?",
        "Rule out the gallery's failures one by one with a number: a collapse shows in the classes covered, a "
        "divergence in a loss that jumps or stops being finite, a slow G in a score that lags the recipe's. "
        "Which one is left?",
        "A hinge critic's loss sits near 2 when neither side is ahead. Falling steadily towards 0 while G's "
        "loss rises means D separates real from fake more and more easily: D is winning. The recipe's "
        "ingredient that limits how steep D can become is spectral norm.",
        "```python\ndiagnosis = 'd_wins'\n```",
    ),
    "design_experiment": (
        "If a change did nothing, how likely is it that every seed still lands on the same side, and how does "
        "that shrink with each seed you add?",
        "For (a), try three seeds first: list every way a change that does nothing could land them, each seed "
        "better or worse with equal chance, and count the ways that count as 'all on the same side'. For (b), "
        "a typical wrong answer gives the first printed step where the recipe is ahead on average: test each "
        "seed on its own, on every line from your step on.",
        r"All $n$ seeds agree by chance with probability $2\cdot 2^{-n}$: $n = 5$ gives 0.0625, $n = 6$ gives "
        r"0.031 < 0.05. The recipe beat the run without spectral norm on every seed at step 3,500 and at "
        r"every measurement after it, but not at 3,000.",
        "```python\nseeds, steps = 6, 3500\n```",
    ),
    "predict_hinge_lead": (
        "What made section 2's generator stall: D being fast, or what G's loss does once D is sure a fake is "
        "fake?",
        "A typical wrong answer reads the margin in D's hinge loss and concludes that G, too, stops learning "
        "from fakes that score below -1. But G is trained by its own loss, not by D's: go back to section 2's "
        "pair of hinge formulas and look only at the one G minimises.",
        r"$L_G = -\mathbb{E}[s(G(z))]$ has slope $-1$ per score for every fake, however low its score: G keeps "
        r"getting a full-size signal however far ahead D is.",
        "```python\nprediction = 'learns'\n```",
    ),
    "linear_critic_penalty": (
        "Where the critic is linear, does its gradient depend on the point at which you take it?",
        "Start with one pixel: nudge the j-th pixel of a mixed image by a small amount, every other pixel "
        "fixed, and ask how much the score changes. That is one entry of the gradient whose length the penalty "
        "compares with 1.",
        r"$\nabla_x (w^\top x + b) = w$ everywhere, so $\mathrm{GP} = (\lVert w\rVert_2 - 1)^2$ whatever the "
        r"images and the fractions $\epsilon$.",
        "```python\nreturn (np.linalg.norm(w) - 1.0) ** 2\n```",
    ),
    "smoothed_optimal_d": (
        "Redo notebook 02's pointwise argument: which term of D's objective changes when the real target is "
        "no longer 1?",
        "Work at one point x, as in notebook 02, and change only what the new real target changes. A typical "
        "wrong answer multiplies the real images' log D term by 1 - alpha and stops there: write notebook 01's "
        "cross-entropy for a target of 1 - alpha in full before you touch the objective.",
        r"$\frac{(1-\alpha)p_{data}}{D} - \frac{\alpha p_{data} + p_g}{1-D} = 0$ gives "
        r"$D^*_\alpha = \frac{(1-\alpha)\,p_{data}}{p_{data} + p_g}$.",
        "```python\nreturn (1 - alpha) * p_data / (p_data + p_g)\n```",
    ),
}


# ---------------------------------------------------------------------------------------------
# Build cell 1: the WGAN-GP gradient penalty.

def _critics():
    import tensorflow as tf

    w = tf.constant(np.random.default_rng(1).normal(size=(1, 4, 4, 1)), tf.float32)

    def linear(x):
        return tf.reduce_sum(x * w, axis=[1, 2, 3])

    def bumpy(x):
        return tf.reduce_sum(tf.tanh(2.0 * x * w) + 0.3 * tf.square(x), axis=[1, 2, 3])

    def gentle(x):
        return 0.1 * linear(x)

    return linear, bumpy, gentle


def _gp_reference(critic, real, fake, epsilon):
    from ..engine.losses import gradient_penalty

    return gradient_penalty(critic, real, fake, epsilon)


def _gp_course_version() -> Callable:
    from ..engine.losses import gradient_penalty

    def gradient_penalty_course(critic, real, fake, epsilon):
        """The course's WGAN-GP penalty (gu.losses.gradient_penalty), with the build cell's signature."""
        return gradient_penalty(critic, real, fake, epsilon)

    return gradient_penalty_course


def _gp_variant(critic, real, fake, epsilon, norms_to_penalty, swap: bool = False, whole_batch: bool = False):
    import tensorflow as tf

    mixed = epsilon * fake + (1 - epsilon) * real if swap else epsilon * real + (1 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        scores = critic(mixed)
    grads = tape.gradient(scores, mixed)
    if whole_batch:
        return norms_to_penalty(tf.sqrt(tf.reduce_sum(tf.square(grads))))
    return norms_to_penalty(tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])))


@build_exercise("gradient_penalty", reference=_gp_course_version, names=("gradient_penalty",))
def check_gradient_penalty(gradient_penalty: Callable | None) -> CheckResult:
    """Check notebook 04's build cell: WGAN-GP's mean (||grad s(x_hat)|| - 1)^2 at x_hat = eps*real + (1-eps)*fake.

    Introduced in notebook 04.
    """
    import tensorflow as tf

    rng = np.random.default_rng(2)
    linear, bumpy, gentle = _critics()

    def batch(n):
        real = tf.constant(rng.uniform(-1, 1, (n, 4, 4, 1)), tf.float32)
        fake = tf.constant(rng.uniform(-1, 1, (n, 4, 4, 1)), tf.float32)
        return real, fake, tf.constant(rng.uniform(0, 1, (n, 1, 1, 1)), tf.float32)

    cases = [(linear, *batch(3)), (bumpy, *batch(5)), (gentle, *batch(4)), (bumpy, *batch(2))]

    def squared(n):
        return tf.reduce_mean(tf.square(n - 1.0))

    mistakes = [
        (lambda c, r, f, e: _gp_variant(c, r, f, e, lambda n: tf.reduce_mean(tf.square(tf.square(n) - 1.0))),
         "you penalised the squared length of the gradient; the penalty uses its length (the norm) itself."),
        (lambda c, r, f, e: _gp_variant(c, r, f, e, squared, whole_batch=True),
         "you took one norm for the whole batch; each image gets its own norm (over its pixels only), and the "
         "penalties are then averaged."),
        (lambda c, r, f, e: _gp_variant(c, r, f, e, lambda n: tf.reduce_mean(tf.abs(n - 1.0))),
         "you penalised the absolute gap to 1; WGAN-GP squares that gap."),
        (lambda c, r, f, e: _gp_variant(c, r, f, e, lambda n: tf.reduce_mean(tf.square(tf.nn.relu(n - 1.0)))),
         "your penalty is one-sided: WGAN-GP's is two-sided, so gradients shorter than 1 are penalised too."),
        (lambda c, r, f, e: _gp_variant(c, r, f, e, squared, swap=True),
         "your mix puts epsilon on the fakes. Either order is a valid interpolation, but this check fixes epsilon "
         "and hands it to you, so it can only compare if epsilon weighs the REAL images."),
    ]
    return check_function(
        "gradient_penalty", gradient_penalty, _gp_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["critic", "real", "fake", "epsilon"],
        exercise="gradient_penalty",
    )


# ---------------------------------------------------------------------------------------------
# Build cell 2: one step of power iteration.

def _power_reference(w, r) -> np.ndarray:
    w, r = np.asarray(w, np.float64), np.asarray(r, np.float64)
    r = w.T @ (w @ r)
    r = r / np.linalg.norm(r)
    return np.concatenate([r, [np.linalg.norm(w @ r)]])


def _power_course_version() -> Callable:
    from ..engine.layers import power_iteration_step

    return power_iteration_step


def _flat(out: Any):
    """The learner's (r, sigma) as one array [r..., sigma] (None stays None, so the verdict says 'not written')."""
    if out is None:
        return None
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError("expected two values back, the new vector r and the estimate of the largest singular "
                        f"value, got {type(out).__name__}")
    r, sigma = out
    if r is None or sigma is None:
        return None
    return np.concatenate([np.ravel(np.asarray(r, np.float64)), [float(np.asarray(sigma, np.float64).ravel()[0])]])


def _power_cases() -> list[tuple]:
    rng = np.random.default_rng(7)
    cases = []
    for shape in ((3, 2), (6, 4), (32, 8), (5, 5)):
        w = rng.normal(size=shape)
        r = rng.normal(size=shape[1])
        cases.append((w, r / np.linalg.norm(r)))
    return cases


def _power_mistakes() -> list[tuple[Callable, str]]:
    def unnormalised(w, r):
        r = w.T @ (w @ r)
        return np.concatenate([r, [np.linalg.norm(w @ r)]])

    def old_vector(w, r):
        new = w.T @ (w @ r)
        return np.concatenate([new / np.linalg.norm(new), [np.linalg.norm(w @ r)]])

    def squared_stretch(w, r):
        new = w.T @ (w @ r)
        return np.concatenate([new / np.linalg.norm(new), [np.linalg.norm(new)]])

    return [
        (unnormalised, "the new vector was not scaled back to length 1, so it grows (or shrinks) at every step "
                       "and the stretch you measure with it is off by that factor."),
        (old_vector, "the new vector is right, but the estimate was measured with the OLD vector: measure the "
                     "stretch with the refined one."),
        (squared_stretch, "your estimate is the stretch of the product of W's transpose with W, which stretches "
                          "by the SQUARE of the largest singular value: measure W alone."),
    ]


@build_exercise("power_iteration_step", reference=_power_course_version, names=("power_iteration_step",))
def check_power_iteration_step(power_iteration_step: Callable | None) -> CheckResult:
    """Check notebook 04's build cell: one power-iteration step (new unit vector r, estimate of sigma_max).

    Introduced in notebook 04.
    """
    if not callable(power_iteration_step):
        return report(CheckResult("power_iteration_step", False, "expected a function, got "
                                  f"{'None' if power_iteration_step is None else type(power_iteration_step).__name__}.",
                                  exercise="power_iteration_step"))
    cases = _power_cases()
    mistakes = _power_mistakes()

    def flattened(w, r):
        return _flat(power_iteration_step(w, r))

    flattened.__name__ = "power_iteration_step"
    return check_function(
        "power_iteration_step", flattened, _power_reference, cases,
        diagnose=gan_diagnosis(cases, mistakes), atol=1e-6, arg_names=["W", "r"], exercise="power_iteration_step",
    )


# ---------------------------------------------------------------------------------------------
# Exercise 1: diagnose a committed run.

DIAGNOSES = {
    "collapse": "Not mode collapse: the run covered all ten classes at every measurement, and its rarest class "
                "did not shrink away.",
    "divergence": "Not divergence: every loss stayed finite and moved smoothly; a diverging run's loss jumps by "
                  "orders of magnitude or becomes NaN within a few steps.",
    "slow_g": "Not a generator that learns too slowly: early on this run was AHEAD of the recipe; it fell "
              "behind later, while D's loss kept falling.",
    "d_wins": "D is winning more and more: its hinge loss fell steadily towards 0 while G's loss rose, so D "
              "separated real from fake ever more easily. The ingredient missing is the one that limits how "
              "steep D can become, spectral norm: the run is the study's recipe without it.",
}


def check_diagnosis(diagnosis: Any) -> CheckResult:
    """Check notebook 04's exercise 1: which failure the committed mystery run shows. Introduced in notebook 04."""
    choice, failed = read_choice("diagnose_run", diagnosis, list(DIAGNOSES),
                                 f"set diagnosis to one of {list(DIAGNOSES)}, then run this cell again.")
    if failed is not None:
        failed.exercise = "diagnose_run"
        return report(failed)
    if choice == "d_wins":
        return report(CheckResult("diagnose_run", True, DIAGNOSES["d_wins"], exercise="diagnose_run"))
    return report(CheckResult("diagnose_run", False, "Recognised mistake: " + DIAGNOSES[choice],
                              exercise="diagnose_run"))


# ---------------------------------------------------------------------------------------------
# Exercise 2: design the experiment.

def seeds_for_agreement(level: float = 0.05) -> int:
    """The fewest seeds n for which all n landing on the same side by chance (2 * 0.5**n) is below `level`.

    Not used in a notebook: the check and its tests ask it.
    """
    n = 1
    while 2 * 0.5 ** n >= level:
        n += 1
    return n


def steps_until_held(study: dict, without: str, recipe: str, metric: str = "mnist_score") -> int | None:
    """The first measured step from which the recipe beat `without` on every seed at every later measurement.

    Not used in a notebook: the check and its tests ask it (None if it never held to the end).
    """
    from ..studies import study as S

    ours = {run["seed"]: {p["step"]: p[metric] for p in run["metrics"]} for run in S.runs_of(study, recipe)}
    theirs = {run["seed"]: {p["step"]: p[metric] for p in run["metrics"]} for run in S.runs_of(study, without)}
    seeds = sorted(set(ours) & set(theirs))
    steps = sorted(set.intersection(*(set(ours[s]) & set(theirs[s]) for s in seeds))) if seeds else []
    sign = 1 if metric != "frechet_distance" else -1
    held = None
    for step in reversed(steps):
        if all(sign * (ours[s][step] - theirs[s][step]) > 0 for s in seeds):
            held = step
        else:
            break
    return held


def check_design(seeds: Any, steps: Any = None, study: dict | None = None) -> CheckResult:
    """Check notebook 04's exercise 2: how many seeds, and how many steps, a study of spectral norm needs.

    Introduced in notebook 04.
    """
    name = "design_experiment"
    for label, value in (("seeds", seeds), ("steps", steps)):
        if value is None:
            return report(CheckResult(name, False, f"set {label} to a whole number first.", exercise=name))
        if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or not float(value).is_integer():
            return report(CheckResult(name, False, f"{label} should be a whole number, got {value!r}.", exercise=name))
    if study is None:
        from ..studies import study as S

        try:
            study = S.load()
        except (FileNotFoundError, ValueError) as err:  # a check never raises: say why it cannot judge
            return report(CheckResult(name, False, f"this exercise reads the long-budget study, which is not "
                                                   f"available here: {err}", exercise=name))
    from ..studies.variants import RECIPE_NAME

    want_seeds = seeds_for_agreement()
    want_steps = steps_until_held(study, "recipe without spectral norm", RECIPE_NAME)
    seeds, steps = int(seeds), int(steps)
    if seeds != want_seeds:
        if seeds == want_seeds - 1:
            why = ("Recognised mistake: that many seeds would all come out better by chance about one time in 32, "
                   "but they can agree by chance in two ways, all better or all worse: count both.")
        elif seeds < want_seeds:
            why = "too few: with that many seeds, agreement by chance is still more likely than one time in 20."
        else:
            why = "more than needed: fewer seeds already make agreement by chance rarer than one time in 20."
        return report(CheckResult(name, False, f"seeds {seeds}: {why}", exercise=name))
    if steps != want_steps:
        if steps < want_steps:
            why = ("too early: at some measurement from there on, at least one seed of the run without spectral "
                   "norm was level with or ahead of the recipe.")
        else:
            why = "later than needed: the recipe was already ahead on every seed at an earlier measurement, and stayed so."
        return report(CheckResult(name, False, f"seeds right; steps {steps}: {why}", exercise=name))
    return report(CheckResult(name, True, f"{seeds} seeds and {steps:,} steps: a shorter study would have "
                                          "dropped spectral norm.", exercise=name))


# ---------------------------------------------------------------------------------------------
# Exercise 3: predict, then run (the break-it panel).

STALL_SCORE = 1.5  # section 2's stalled runs scored about 1.0, its non-saturating ones 1.7 or more


def check_predict_hinge_lead(prediction: Any, run: Any = None) -> CheckResult:
    """Check notebook 04's exercise 3: does G stall under the hinge loss when D learns 10 times faster?

    Introduced in notebook 04. `run` is the panel's RunResult (panel.train(...)).
    """
    choices = ("stalls", "learns")
    missing = ""
    if run is not None:
        if getattr(run, "scores", None) is None or "hinge" not in str(getattr(run, "variant", "")):
            missing = "the run given is not a hinge-loss run of the panel: set the panel's loss to hinge and train it."
        elif "lr 2e-04/2e-03" not in str(run.variant):
            missing = "the run given does not have lr_g 2e-4 and lr_d 2e-3 (D ten times faster): set both sliders."
    else:
        missing = "train the panel first and pass its result: run = panel.train(seconds=30)."

    def outcome():
        score = float(run.scores["mnist_score"])
        happened = "learns" if score >= STALL_SCORE else "stalls"
        return happened, (f"after {run.steps} steps the MNIST score is {score:.2f} (threshold {STALL_SCORE}): G "
                          f"{'kept learning' if happened == 'learns' else 'stalled'} with D ten times faster.")

    result = check_prediction("predict_hinge_lead", prediction, choices, "trains the panel", outcome,
                              run_missing=missing)
    result.exercise = "predict_hinge_lead"
    return result


# ---------------------------------------------------------------------------------------------
# Exercise 4: apply the idea to a new case: a linear critic.

def _linear_reference(w) -> float:
    return float((np.linalg.norm(np.asarray(w, np.float64)) - 1.0) ** 2)


def check_linear_critic_penalty(linear_critic_penalty: Callable | None) -> CheckResult:
    """Check notebook 04's exercise 4: the gradient penalty of a linear critic, by hand. Introduced in notebook 04."""
    cases = [(np.array([0.6, 0.8]),), (np.array([3.0, 4.0]),), (np.array([0.1, -0.2, 0.2]),), (np.ones(784) / 56,)]
    mistakes = [
        (lambda w: float((np.sum(np.square(w)) - 1.0) ** 2), "you used the squared length of w; the penalty uses "
                                                             "its length."),
        (lambda w: float(np.linalg.norm(w) - 1.0), "the gap to 1 is squared in the penalty."),
        (lambda w: float(np.mean((np.abs(w) - 1.0) ** 2)), "you took each weight on its own; the penalty takes the "
                                                          "length of the whole gradient vector."),
    ]
    return check_function("linear_critic_penalty", linear_critic_penalty, _linear_reference, cases,
                          diagnose=gan_diagnosis(cases, mistakes), atol=1e-6, arg_names=["w"],
                          exercise="linear_critic_penalty")


# ---------------------------------------------------------------------------------------------
# Exercise 5: one-sided label smoothing's optimal discriminator.

def _smoothed_reference(p_data, p_g, alpha) -> np.ndarray:
    p_data, p_g = np.asarray(p_data, np.float64), np.asarray(p_g, np.float64)
    return (1.0 - alpha) * p_data / (p_data + p_g)


def check_smoothed_optimal_d(smoothed_optimal_d: Callable | None) -> CheckResult:
    """Check notebook 04's exercise 5: the best D when real targets are 1 - alpha. Introduced in notebook 04."""
    cases = [
        (np.array([0.5, 0.1, 0.0, 0.3]), np.array([0.5, 0.3, 0.4, 0.0]), 0.1),
        (np.array([1.0, 2.0, 0.2]), np.array([2.0, 0.5, 0.2]), 0.2),
        (np.array([0.7, 0.0]), np.array([0.1, 0.9]), 0.0),
    ]

    def two_sided(p, q, a):
        return ((1 - a) * p + a * q) / (p + q)

    mistakes = [
        (lambda p, q, a: _smoothed_reference(p, q, 0.0), "alpha changes nothing in your D: the real target moved."),
        (lambda p, q, a: a * p / (p + q), "you weighted the real data by alpha; its target is one minus alpha."),
        (two_sided, "that is the best D when the FAKE targets are smoothed too (two-sided): where only fakes live, "
                    "it no longer says 'fake'."),
        (lambda p, q, a: (1 - a) * p / ((1 - a) * p + q), "the denominator is the total density at x, which the "
                                                          "smoothing does not change."),
    ]
    return check_function("smoothed_optimal_d", smoothed_optimal_d, _smoothed_reference, cases,
                          diagnose=gan_diagnosis(cases, mistakes), atol=1e-6, arg_names=["p_data", "p_g", "alpha"],
                          exercise="smoothed_optimal_d")

