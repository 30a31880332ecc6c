"""Notebook 07's checks: the relativistic pairing loss, DDPM's training step, section 5's question, four exercises."""
from __future__ import annotations

import math
import re
from typing import Any, Callable

import numpy as np

from ..engine.diffusion import NoiseSchedule
from ..engine.diffusion import ddpm_train_step as ddpm_train_step_reference
from ..engine.losses import relativistic_d_loss as relativistic_d_loss_reference
from ..engine.runtime import quiet_retracing
from ..engine.answers import WriteItYourself, learner_code
from .core import (CheckResult, build_exercise, check_function, compiled_error_words, known_mistake, named_error,
                   read_choice, read_number, report)

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is shown by a failing verdict: a question, never a formula or code. Level 2 is a first step.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "relativistic_loss": (
        "The relativistic D never judges an image alone: it judges a pair, one real and one generated. What single "
        "number about the pair should be large when D is doing its job?",
        "Pair the i-th real score with the i-th generated score and take their difference, real minus generated. "
        "D is right about a pair when that difference is large; turn it into a loss that is small then and large "
        "when the difference is negative, one value per pair, then average over the pairs.",
        r"$L_D = \frac{1}{B}\sum_{i=1}^{B} \mathrm{softplus}\big(-(s(x^{(i)}) - s(G(z^{(i)})))\big)$ with $\mathrm{softplus}(u) = \log(1 + e^{u})$, the "
        r"softplus (Jolicoeur-Martineau 2019; R3GAN, Huang et al. 2024). The same function with the two arguments swapped is $G$'s loss.",
        "```python\nreal = tf.reshape(tf.cast(real_scores, tf.float32), [-1])\n"
        "fake = tf.reshape(tf.cast(fake_scores, tf.float32), [-1])\n"
        "return tf.reduce_mean(tf.nn.softplus(-(real - fake)))\n```",
    ),
    "ddpm_train_step": (
        "The network is shown a noisy digit and its noise level. What is the one thing it is asked to say about "
        "that digit, and what do you need to know to grade its answer?",
        "First build the noisy digits in one step from the clean ones: look up each digit's signal fraction at "
        "its level (one number per digit, shaped to broadcast over 28 x 28 x 1). Only the network's call and the "
        "loss go inside the tape; the update uses the tape's gradients.",
        r"$x_j = \sqrt{\zeta_j}\,x_0 + \sqrt{1 - \zeta_j}\,\xi$ and $L = \frac{1}{B\,d}\sum_{i}\lVert \xi_i - "
        r"\hat\xi(x_{j_i}, j_i)\rVert^2$, the mean over digits and pixels (Ho et al. 2020); one optimizer step on $L$.",
        "```python\nzeta = tf.gather(tf.constant(schedule.signal_fractions, tf.float32), levels)\n"
        "zeta = tf.reshape(zeta, [-1, 1, 1, 1])\n"
        "x_j = tf.sqrt(zeta) * x0 + tf.sqrt(1.0 - zeta) * noise\n"
        "with tf.GradientTape() as tape:\n"
        "    loss = tf.reduce_mean(tf.square(noise - network([x_j, levels], training=True)))\n"
        "grads = tape.gradient(loss, network.trainable_variables)\n"
        "optimizer.apply_gradients(zip(grads, network.trainable_variables))\nreturn loss\n```",
    ),
    "student_cost": (
        "What does one sample cost a sampler that runs a network several times, compared with one that runs it "
        "fewer times, when everything else is the same network?",
        "Check in your table whether DDIM at 50 steps costs about five times DDIM at 10. What does that say "
        "about where the time goes?",
        r"time per sample $\approx S \times$ (time of one evaluation), so $\text{ms}_{\text{student}} \approx "
        r"\text{ms}_{\text{DDIM}\,S} \times 4 / S$ for a 4-step student of the same network.",
        "```python\nstudent_ms = table.loc[\"diffusion, DDIM 10\", \"ms per 1,000 samples\"] * 4 / 10\n```",
    ),
    "predict_relativistic": (
        "Which single quantity of a pair does the loss read, and which way round does G read it?",
        "Write one pair's term for D with that quantity set to the value given, then G's term with the pair "
        "swapped. The exponential of a logarithm is the number inside it.",
        r"$L_D = \mathrm{softplus}(-\log 3) = \log(1 + e^{-\log 3}) = \log(1 + \tfrac13)$ and "
        r"$L_G = \mathrm{softplus}(\log 3) = \log(1 + 3)$.",
        "```python\nloss_d, loss_g = math.log(1 + 1 / 3), math.log(1 + 3)\n```",
    ),
    "signal_half": (
        "With the same variance added at every level, what fraction of the signal's variance survives one level, "
        "and how does that combine over j levels?",
        "Write the signal fraction after j levels as a power, set it equal to one half and solve for j with "
        "logarithms. The level must be a whole number: the first one BELOW one half.",
        r"$\zeta_j = \prod_{i\le j}(1 - \omega_i) = (1 - \omega)^j < \tfrac12 \iff j > \frac{\log 2}{-\log(1 - \omega)}$.",
        "```python\nj = math.floor(math.log(2) / -math.log(1 - 0.01)) + 1\n```",
    ),
    "diagnose_flat_loss": (
        "For each bug, what can the network see of the noise it is asked to name?",
        "A loss of exactly 1 is what a network gets for always answering 0. When is 0 the best answer it can "
        "give?",
        r"If the input does not depend on $\xi$, $\mathbb{E}\lVert\xi - c\rVert^2/d$ is smallest at $c = \mathbb{E}\xi = 0$, "
        r"where it equals $\mathbb{E}\,\xi^2 = 1$ per pixel.",
        "```python\nbug = \"A\"\n```",
    ),
    "fast_enough": (
        "What does a one-minute budget allow for each sample, and which column of your table says what a sample "
        "costs?",
        "Turn the budget into the unit of the table's time column, then compare every row with it.",
        r"allowed $= 60{,}000\ \text{ms} / 100 = 600$ ms per 1,000 samples; a row qualifies when its time is at most that.",
        "```python\nfast_enough = set(table.index[table[\"ms per 1,000 samples\"] <= 600])\n```",
    ),
}

EQUAL_LOSS = math.log(2)


# ---------------------------------------------------------------------------------------------
# Build 1: the relativistic pairing loss (R3GAN, Huang et al. 2024).

def _softplus(u) -> np.ndarray:
    return np.logaddexp(0.0, np.asarray(u, np.float64))


def _relativistic_cases() -> list[tuple]:
    rng = np.random.default_rng(70)
    return [
        (np.array([2.0, 0.5, -1.0]), np.array([-1.0, 0.5, 1.5])),
        (rng.normal(size=8).astype(np.float32), rng.normal(size=8).astype(np.float32)),
        (rng.normal(2.0, 3.0, size=(16, 1)).astype(np.float32), rng.normal(-1.0, 3.0, size=(16, 1)).astype(np.float32)),
        (np.array([40.0, -400.0]), np.array([-40.0, 400.0])),  # far from 0: a naive log(1 + exp) overflows
    ]


RELATIVISTIC_MISTAKES = [
    (lambda r, f: float(np.mean(_softplus(np.ravel(r) - np.ravel(f)))),
     "the sign is flipped: this loss is small when the generated image is rated MORE realistic than the real one. "
     "D's loss must be small when the real score is the larger."),
    (lambda r, f: float(np.mean(_softplus(-np.ravel(r))) + np.mean(_softplus(np.ravel(f)))),
     "this is notebook 02's non-saturating D loss, each image judged alone. The relativistic loss judges each "
     "PAIR: the real score minus its generated partner's."),
    (lambda r, f: float(_softplus(-(np.mean(r) - np.mean(f)))),
     "the scores were averaged before the softplus. Take the softplus of each pair's difference, then average."),
    (lambda r, f: float(np.mean(1.0 / (1.0 + np.exp(np.ravel(r) - np.ravel(f))))),
     "a sigmoid of the difference is a probability, not a loss: the loss is minus its logarithm, the softplus."),
]


def _short_error(error: Exception) -> str:
    """An error raised inside a tf.function in its own words, without autograph's listing of the learner's code."""
    return f"{type(error).__name__}: {compiled_error_words(error)}"


def _compiled(learner: Callable) -> Callable:
    """The learner's function inside a tf.function, as the notebook's training step runs it."""
    import tensorflow as tf

    step = tf.function(lambda *args: learner(*args))

    def run(*args):
        try:
            with quiet_retracing():
                return step(*[tf.constant(a, tf.float32) for a in args])
        except Exception as error:  # keep the error's own words, not autograph's listing of the learner's code
            raise RuntimeError(_short_error(error)) from None

    return run


@build_exercise("relativistic_loss", reference=lambda: relativistic_d_loss_reference, names=("relativistic_d_loss",))
def check_relativistic_loss(relativistic_d_loss: Callable | None) -> CheckResult:
    """Check notebook 07's build exercise: the mean of softplus(-(real - fake)) over the pairs, eagerly and compiled.

    Introduced in notebook 07.
    """
    name = "relativistic_loss"
    cases = _relativistic_cases()
    names = ["real_scores", "fake_scores"]

    def diagnose(got, expected):
        return known_mistake(relativistic_d_loss, cases, RELATIVISTIC_MISTAKES)

    eager = check_function(name, relativistic_d_loss, relativistic_d_loss_reference, cases, diagnose=diagnose,
                           atol=1e-4, arg_names=names, verbose=False)
    if eager.passed:
        compiled = check_function(name, _compiled(relativistic_d_loss), relativistic_d_loss_reference, cases,
                                  diagnose=diagnose, atol=1e-4, arg_names=names, verbose=False)
        compiled.learner = relativistic_d_loss
        if compiled.passed:
            compiled.message = (f"correct on all {len(cases)} cases, eagerly and inside a compiled TensorFlow "
                                "function (as the training step runs it), far from 0 too.")
        else:
            compiled.message = ("it works on NumPy arrays, but inside a compiled TensorFlow function (the training "
                                "step) " + compiled.message + " Write it with TensorFlow operations.")
        return report(compiled)
    if callable(relativistic_d_loss) and re.search(r"\bgot (?:\[\s*)?-?(?:inf|nan)\b", eager.message):
        eager.message += (" Recognised mistake: the logarithm of 1 plus an exponential overflows for large "
                          "differences of scores; TensorFlow's softplus computes it safely.")
    return report(eager)


# ---------------------------------------------------------------------------------------------
# Build 2: DDPM's training step (Ho et al. 2020).

STEP_SCHEDULE_T = 50


def _step_case(seed: int) -> dict:
    """A batch of 6 digits, one level each and standard normal noise."""
    rng = np.random.default_rng(seed)
    batch = 6
    x0 = np.clip(rng.normal(0, 0.6, (batch, 28, 28, 1)), -1, 1).astype(np.float32)
    levels = rng.integers(1, STEP_SCHEDULE_T + 1, batch).astype(np.int32)
    noise = rng.standard_normal(x0.shape).astype(np.float32)
    return {"x0": x0, "levels": levels, "noise": noise, "seed": seed}


def _network(seed: int):
    """A two-layer noise predictor, (x_j, j) -> noise-shaped output, whose output clearly depends on its input."""
    import keras
    import tensorflow as tf
    from keras import layers

    class TinyPredictor(keras.Model):
        def __init__(self):
            super().__init__()
            self.first = layers.Conv2D(4, 3, padding="same", activation="tanh")
            self.second = layers.Conv2D(1, 3, padding="same")
            self.level = layers.Embedding(STEP_SCHEDULE_T + 1, 1)

        def call(self, inputs, training=False):
            x, levels = inputs
            return self.second(self.first(x)) + tf.reshape(self.level(levels), [-1, 1, 1, 1])

    keras.utils.set_random_seed(seed)
    network = TinyPredictor()
    network([tf.zeros((1, 28, 28, 1)), tf.ones((1,), tf.int32)])
    return network


def _variant_loss(network, schedule: NoiseSchedule, case: dict, how: str) -> float:
    """The first loss a step reports, written right or with one recognised mistake (no update)."""
    zeta = schedule.signal_fractions[case["levels"]].reshape(-1, 1, 1, 1).astype(np.float32)
    x0, noise, levels = case["x0"], case["noise"], case["levels"]
    x_j = np.sqrt(zeta) * x0 + np.sqrt(1 - zeta) * noise
    if how == "no_sqrt":
        x_j = zeta * x0 + (1 - zeta) * noise
    if how == "clean_input":
        x_j = x0
    if how == "variance_fraction":  # omega_j instead of zeta_j
        omega = schedule.variances[levels].reshape(-1, 1, 1, 1).astype(np.float32)
        x_j = np.sqrt(1 - omega) * x0 + np.sqrt(omega) * noise
    predicted = np.asarray(network([np.asarray(x_j, np.float32), levels], training=True), np.float64)
    target = x0 if how == "target_x0" else noise
    squared = (target - predicted) ** 2
    return float(squared.sum() / len(x0)) if how == "summed" else float(squared.mean())


STEP_MISTAKES = {
    "no_sqrt": "the noisy digit used zeta_j and 1 - zeta_j as they are; they are fractions of the VARIANCE, so the "
               "digit and the noise are scaled by their square roots.",
    "clean_input": "the network was shown the clean digit x_0: it must be shown the noisy x_j, or it has no way to "
                   "tell what the noise was.",
    "variance_fraction": "the noise variance of the single level j (omega_j) was used where the product over all "
                         "levels up to j (the signal fraction zeta_j) belongs.",
    "target_x0": "the network was graded against the clean digit; it is asked to name the NOISE.",
    "summed": "the squared errors were summed over pixels; take the mean over digits and pixels.",
}


def _run_step(learner: Callable, case: dict, compiled: bool):
    """(loss, weights after) of one learner step on a fresh copy of the case's network."""
    import keras
    import tensorflow as tf

    schedule = NoiseSchedule(STEP_SCHEDULE_T)
    network = _network(case["seed"])
    optimizer = keras.optimizers.SGD(0.05)  # linear in the gradient: equal steps for equal losses
    optimizer.build(network.trainable_variables)
    args = (tf.constant(case["x0"]), tf.constant(case["levels"]), tf.constant(case["noise"]))
    if compiled:
        step = tf.function(lambda x0, levels, noise: learner(network, optimizer, schedule, x0, levels, noise))
        with quiet_retracing():
            loss = step(*args)
    else:
        loss = learner(network, optimizer, schedule, *args)
    return loss, [np.asarray(v) for v in network.trainable_variables]


def _check_ddpm_train_step(ddpm_train_step: Callable | None) -> CheckResult:
    """The body of check_ddpm_train_step (notebook 07), kept apart so the registered check stays one call."""
    name = "ddpm_train_step"
    if not callable(ddpm_train_step):
        return report(CheckResult(name, False, f"expected a function, got {ddpm_train_step!r}."))
    cases = [_step_case(7), _step_case(8)]
    for i, case in enumerate(cases, 1):
        where = f"case {i} of {len(cases)} (6 digits, levels {case['levels'].tolist()}, T = {STEP_SCHEDULE_T})"
        expected_loss, expected_weights = _run_step(ddpm_train_step_reference, case, compiled=True)
        for compiled in (False, True):
            how = "inside a compiled TensorFlow function" if compiled else "eagerly"
            try:
                with learner_code(name):
                    got_loss, got_weights = _run_step(ddpm_train_step, case, compiled)
            except Exception as error:  # a learner's bug is reported, never raised
                if compiled and not isinstance(error, WriteItYourself):
                    return report(CheckResult(name, False, f"{where}: it works eagerly, but inside a compiled "
                                              f"TensorFlow function it raised {_short_error(error)}. Inside a compiled "
                                              "function the inputs are symbolic tensors: write every step with "
                                              "TensorFlow operations (no .numpy(), no NumPy indexing by a tensor)."))
                return report(CheckResult(name, False, f"{where}, {how}: raised {named_error(error)}"))
            if got_loss is None:
                return report(CheckResult(name, False, "your function gave back None: the exercise is not written "
                                                       "yet (or its last line does not hand the loss back)."))
            got = read_number(np.asarray(got_loss).reshape(-1)[0]) if np.size(got_loss) == 1 else None
            if got is None:
                return report(CheckResult(name, False, f"{where}: the loss should be one number, got an array of "
                                                       f"shape {np.shape(got_loss)}: average over digits and pixels."))
            if not np.isclose(got, float(expected_loss), rtol=1e-4, atol=1e-5):
                network = _network(case["seed"])
                schedule = NoiseSchedule(STEP_SCHEDULE_T)
                recognised = next((why for how_, why in STEP_MISTAKES.items()
                                   if np.isclose(got, _variant_loss(network, schedule, case, how_), rtol=1e-4)), "")
                message = f"{where}, {how}: the loss is {got:.6g}, expected {float(expected_loss):.6g}."
                return report(CheckResult(name, False, message + (f" Recognised mistake: {recognised}" if recognised
                                                                  else "")))
            moved = [not np.allclose(g, w0) for g, w0 in zip(got_weights, [np.asarray(v) for v in
                                                                           _network(case["seed"]).trainable_variables])]
            if not any(moved):
                return report(CheckResult(name, False, f"{where}, {how}: the loss is right but no weight changed: "
                                                       "take the optimizer step with the tape's gradients."))
            if not all(np.allclose(g, e, atol=1e-5) for g, e in zip(got_weights, expected_weights)):
                return report(CheckResult(name, False, f"{where}, {how}: the loss is right but the weights after the "
                                                       "step differ from one optimizer step on that loss. Record only the "
                                                       "network call and the loss on the tape, and apply the "
                                                       "gradients of THAT loss to network.trainable_variables once."))
    return report(CheckResult(name, True, f"correct on {len(cases)} cases: the same loss and the same weights after "
                                          "one step as the course's, eagerly and inside a compiled function."))


@build_exercise("ddpm_train_step", reference=lambda: ddpm_train_step_reference, names=("ddpm_train_step",))
def check_ddpm_train_step(ddpm_train_step: Callable | None) -> CheckResult:
    """Check notebook 07's build exercise: noise the digits in one step, one optimizer step on the noise's squared error.

    Introduced in notebook 07. Runs the learner's step on a small network with non-zero weights,
    eagerly and inside a tf.function, and compares the loss and the weights after the step.
    """
    return _check_ddpm_train_step(ddpm_train_step)


# ---------------------------------------------------------------------------------------------
# Exercise 4: the cost of a 4-step distilled student, estimated from the learner's own table.

STUDENT_STEPS = 4
DIFFUSION_ROWS = {"diffusion, DDIM 50": 50, "diffusion, DDIM 10": 10}


def student_cost_estimates(table) -> dict[str, float]:
    """Each DDIM row's time per 1,000 samples scaled to 4 evaluations. Introduced in notebook 07 (its check's answer)."""
    return {row: float(table.loc[row, TIME_COLUMN]) * STUDENT_STEPS / steps
            for row, steps in DIFFUSION_ROWS.items() if row in table.index}


def check_student_cost(student_ms: Any, table: Any = None) -> CheckResult:
    """Check notebook 07's exercise 4: a 4-step student's ms per 1,000 samples, from a DDIM row of the learner's table.

    Introduced in notebook 07. Within 25% of either DDIM row's time scaled to 4 evaluations passes.
    """
    name = "student_cost"
    if table is None or not hasattr(table, "index") or TIME_COLUMN not in getattr(table, "columns", ()):
        return report(CheckResult(name, False, f"pass the side-by-side table (section 4) as table=; it needs its "
                                               f"{TIME_COLUMN!r} column."))
    estimates = student_cost_estimates(table)
    if not estimates:
        return report(CheckResult(name, False, f"the table has none of the rows {sorted(DIFFUSION_ROWS)}: pass "
                                               "section 4's table."))
    value = None if isinstance(student_ms, (str, bytes, bool)) else read_number(student_ms)
    if value is None:
        return report(CheckResult(name, False, "set student_ms to one number (milliseconds per 1,000 samples), then "
                                               "run this cell."))
    if any(abs(value - e) <= 0.25 * e for e in estimates.values()):
        gan = [float(table.loc[r, TIME_COLUMN]) for r in table.index if str(r).startswith("GAN")]
        versus = f"; the GAN's is {gan[0]:.0f} ms" if gan else ""
        return report(CheckResult(name, True, f"about {value:.0f} ms per 1,000 samples: 4 network evaluations where "
                                              f"DDIM used 10 or 50{versus}. Distillation closes most of the gap in "
                                              "sampling cost, which is why it trains the student against a "
                                              "discriminator to keep the quality."))
    recognised = ""
    for row, steps in DIFFUSION_ROWS.items():
        if row not in table.index:
            continue
        ms = float(table.loc[row, TIME_COLUMN])
        if abs(value - ms) <= 0.05 * ms:
            recognised = f" Recognised mistake: that is the {row} row's own time, for {steps} evaluations, not 4."
        elif abs(value - ms * STUDENT_STEPS) <= 0.05 * ms * STUDENT_STEPS:
            recognised = (f" Recognised mistake: that multiplies the {row} row's time by 4; that row already pays "
                          f"for {steps} evaluations.")
        elif abs(value - ms * steps / STUDENT_STEPS) <= 0.05 * ms * steps / STUDENT_STEPS:
            recognised = " Recognised mistake: the ratio is upside down: 4 evaluations cost less than 10 or 50."
    return report(CheckResult(name, False, f"{value:g} ms per 1,000 samples is not what your table implies for 4 "
                                           f"network evaluations per sample.{recognised}"))


# ---------------------------------------------------------------------------------------------
# Exercise 1: predict D's and G's relativistic losses when every real score beats its partner's by log 3.

SHIFT_LOSSES = (math.log(4 / 3), math.log(4))  # L_D and L_G when s(x) - s(G(z)) = log 3 for every pair


def check_predict_relativistic(loss_d: Any = None, loss_g: Any = None,
                               confirm_with: Callable | None = None) -> CheckResult:
    """Check notebook 07's exercise 1: L_D and L_G when every real score beats its partner by log 3 (log 4/3 and log 4).

    Introduced in notebook 07. With both right, ``confirm_with`` (the learner's loss) is run on the case.
    """
    name = "predict_relativistic"
    values = []
    for label, given in (("loss_d", loss_d), ("loss_g", loss_g)):
        value = None if isinstance(given, (str, bytes, bool)) else read_number(given)
        if value is None:
            return report(CheckResult(name, False, f"set {label} to a number (D's loss, then G's, when every real "
                                                   "score is higher than its partner's by log 3), then run this cell."))
        values.append(value)
    d, g = values
    right_d, right_g = SHIFT_LOSSES
    ok_d, ok_g = np.isclose(d, right_d, atol=5e-3), np.isclose(g, right_g, atol=5e-3)
    if not (ok_d and ok_g):
        recognised = ""
        if np.isclose(d, right_g, atol=5e-3) and np.isclose(g, right_d, atol=5e-3):
            recognised = (" Recognised mistake: the two are swapped. D is doing well here (the real images score "
                          "higher), so D's loss is the smaller one.")
        elif np.isclose(d, EQUAL_LOSS, atol=5e-3) or np.isclose(g, EQUAL_LOSS, atol=5e-3):
            recognised = " Recognised mistake: log 2 is the loss when the two scores are EQUAL; here they differ by log 3."
        elif np.isclose(d, 0.25, atol=5e-3) or np.isclose(d, 0.75, atol=5e-3) or np.isclose(g, 0.75, atol=5e-3):
            recognised = (" Recognised mistake: 1/4 and 3/4 are sigmoids of the difference, probabilities; the loss is "
                          "minus the logarithm of one of them.")
        which = "both are" if not (ok_d or ok_g) else ("loss_d is" if not ok_d else "loss_g is")
        return report(CheckResult(name, False, f"{which} not right yet (loss_d = {d:g}, loss_g = {g:g}).{recognised}"))
    confirm = ""
    if callable(confirm_with):
        try:
            real = np.array([math.log(3), 1.0 + math.log(3), -2.0 + math.log(3)], np.float32)
            fake = real - np.float32(math.log(3))
            confirm = (f" Your relativistic_d_loss gives {float(confirm_with(real, fake)):.4f} for D and "
                       f"{float(confirm_with(fake, real)):.4f} with the pair swapped, for G.")
        except Exception as error:  # noqa: BLE001 - the learner's function may fail in any way
            confirm = f" Your relativistic_d_loss raised {type(error).__name__}: go back to its check."
    return report(CheckResult(name, True, f"log(4/3) = {right_d:.4f} for D and log 4 = {right_g:.4f} for G: the same "
                                          "softplus read from the two sides of the pair. Only the difference enters, "
                                          f"so adding a constant to every score changes neither.{confirm}"))


# ---------------------------------------------------------------------------------------------
# Exercise 2: the first level whose signal fraction is below one half, for a constant variance.

CONSTANT_VARIANCE = 0.01


def signal_half_answer(omega: float = CONSTANT_VARIANCE) -> int:
    """The first level j with (1 - omega)^j < 1/2 (notebook 07's exercise 2)."""
    return math.floor(math.log(2) / -math.log(1 - omega)) + 1


def _first_levels_below(fraction: float) -> set[int]:
    """The first level whose zeta_j = (1 - omega)^j is below `fraction`, and that level rounded from the real j."""
    real = math.log(fraction) / math.log(1 - CONSTANT_VARIANCE)
    return {math.floor(real) + 1, round(real)}


def check_signal_half(level: Any) -> CheckResult:
    """Check notebook 07's exercise 2: the first j with (1 - 0.01)^j below one half (69).

    Introduced in notebook 07.
    """
    name = "signal_half"
    value = None if isinstance(level, (str, bytes, bool)) else read_number(level)
    if value is None or value != int(value):
        return report(CheckResult(name, False, "set first_level to a whole number (a level j), then run this cell."))
    value, answer = int(value), signal_half_answer()
    if value == answer:
        zeta = (1 - CONSTANT_VARIANCE) ** np.array([answer - 1, answer])
        return report(CheckResult(name, True, f"j = {answer}: the signal fraction is {zeta[0]:.4f} at level "
                                              f"{answer - 1} and {zeta[1]:.4f} at level {answer}."))
    recognised = ""
    linear = math.floor(0.5 / CONSTANT_VARIANCE) + 1
    if value == linear:
        recognised = (" Recognised mistake: the fractions multiply, (1 - omega) per level; subtracting omega once per "
                      "level is only the first-order approximation.")
    elif value == answer - 1:
        recognised = (f" Recognised mistake: at level {value} the fraction is still above one half; the first level "
                      "below it comes next.")
    elif value in _first_levels_below(0.5 ** 0.5):  # zeta_j squared below one half
        recognised = (" Recognised mistake: that is where zeta_j squared drops below one half; zeta_j is already the "
                      "fraction of the variance: do not square it.")
    elif value in _first_levels_below(0.25):  # the square root of zeta_j, the digit's scale in x_j, below one half
        recognised = (" Recognised mistake: that is where the square root of zeta_j, the digit's scale in x_j, drops "
                      "below one half; the signal fraction is zeta_j itself, a fraction of the variance.")
    return report(CheckResult(name, False, f"at level {value} the signal fraction is "
                                           f"{(1 - CONSTANT_VARIANCE) ** value:.4f}.{recognised}"))


# ---------------------------------------------------------------------------------------------
# Exercise 3: a training loss stuck at 1.0.

FLAT_BUGS = ("A", "B", "C")
FLAT_ANSWER = "A"
FLAT_VERDICTS = {
    "B": "with every level given as 0 the network still sees the noisy x_j, so it can guess part of the noise "
         "(a wrong level blurs its guess but does not erase the clue): the loss would fall below 1.",
    "C": "a learning rate ten times too small slows the fall, but 5,000 Adam steps would still take the loss well "
         "below 1; a loss pinned at exactly 1 is a network that can see nothing of the noise.",
}


def check_diagnose_flat_loss(bug: Any) -> CheckResult:
    """Check notebook 07's exercise 3: which bug keeps a DDPM's loss at 1.0 (A: the network sees the clean digit).

    Introduced in notebook 07.
    """
    name = "diagnose_flat_loss"
    answer, failed = read_choice(name, bug, FLAT_BUGS, "set bug to 'A', 'B' or 'C', then run this cell.",
                                 normalise=lambda text: text.upper())
    if failed is not None:
        return report(failed)
    if answer == FLAT_ANSWER:
        return report(CheckResult(name, True, "A: shown the clean digit, the network sees nothing of the noise, so "
                                              "its best guess is the noise's mean, 0, and the squared error stays at "
                                              "the noise's variance, 1 per pixel."))
    return report(CheckResult(name, False, f"you chose {answer}: {FLAT_VERDICTS[answer]}"))


# ---------------------------------------------------------------------------------------------
# Section 5's question: which models draw 100,000 digits in a minute on this machine (from the learner's table)?

TIME_COLUMN = "ms per 1,000 samples"
BUDGET_MS_PER_1000 = 60_000 / 100


def fast_enough_answer(table) -> set[str]:
    """The rows of the side-by-side table that draw 1,000 samples in at most 600 ms (notebook 07, section 5)."""
    times = table[TIME_COLUMN]
    return {str(name) for name, ms in times.items() if float(ms) <= BUDGET_MS_PER_1000}


def check_fast_enough(fast_enough: Any, table: Any = None) -> CheckResult:
    """Check notebook 07's section 5 question: the table's rows that draw 100,000 digits in a minute on this machine.

    Introduced in notebook 07. The answer depends on the machine, so the check reads the learner's own table.
    """
    name = "fast_enough"
    if table is None or not hasattr(table, "index") or TIME_COLUMN not in getattr(table, "columns", ()):
        return report(CheckResult(name, False, f"pass the side-by-side table (section 4) as table=; it needs its "
                                               f"{TIME_COLUMN!r} column."))
    rows = {str(r) for r in table.index}
    if fast_enough is None:
        return report(CheckResult(name, False, "set fast_enough to a set of row names of the table, then run this cell."))
    if isinstance(fast_enough, str):
        fast_enough = {fast_enough}
    try:
        chosen = {str(r) for r in fast_enough}
    except TypeError:
        return report(CheckResult(name, False, f"expected a set of row names, got {fast_enough!r}."))
    unknown = sorted(chosen - rows)
    if unknown:
        return report(CheckResult(name, False, f"{unknown} are not rows of the table; its rows: {sorted(rows)}."))
    answer = fast_enough_answer(table)
    if chosen == answer:
        slow = sorted(rows - answer)
        return report(CheckResult(name, True, f"{sorted(answer)} fit in the 600 ms per 1,000 samples that a minute "
                                              f"allows on this machine; {slow} do not: many network evaluations per "
                                              "sample cost time on every sample."))
    missing, extra = sorted(answer - chosen), sorted(chosen - answer)
    parts = ([f"{missing} also fit the budget"] if missing else []) + ([f"{extra} do not" ] if extra else [])
    return report(CheckResult(name, False, "; ".join(parts) + ": compare each row's time per 1,000 samples with the "
                                                              "time one minute allows per 1,000."))
