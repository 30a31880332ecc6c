"""Notebook 03's checks: its build cells (the losses in TensorFlow, one training step, the DCGAN discriminator),
the fixes to the broken listing (its reproductions live in gan_utils/studies/bugs.py) and the closing exercises."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..engine.answers import WriteItYourself, learner_code
from ..engine.runtime import quiet_retracing
from .core import (CheckResult, build_exercise, check_function, check_prediction, gan_diagnosis, read_choice, report,
                   run_safely)

# This notebook's graded help (hints.py gathers it): exercise -> (question, step, maths, code).
# Level 1 is a question and never holds a formula or code: a failing verdict shows it.
HINTS: dict[str, tuple[str, str, str, str]] = {
    "discriminator_loss": (
        "Notebook 02 wrote D's loss from probabilities in NumPy. What does it become when D hands you a logit "
        "instead of a probability, and why would you rather not take the sigmoid first?",
        r"Start from $-\log\sigma(\ell)$ for a real image: rewrite it without ever forming $\sigma(\ell)$, "
        r"which rounds to exactly 1 in float32 for large logits.",
        r"$L_D = \mathrm{mean}_i\,\mathrm{softplus}(-\ell^{real}_i) + \mathrm{mean}_i\,\mathrm{softplus}(\ell^{fake}_i)$, "
        r"since $-\log\sigma(\ell) = \mathrm{softplus}(-\ell)$ and $-\log(1-\sigma(\ell)) = \mathrm{softplus}(\ell)$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))\n```",
    ),
    "generator_loss": (
        "Which label does the generator want D to give its images, and which of notebook 02's two generator "
        "losses keeps a useful gradient while D still rejects them?",
        r"Write the non-saturating loss $-\log D(G(z))$ with $D(G(z)) = \sigma(\ell^{fake})$, then remove the "
        r"sigmoid with the same identity you used for one of D's two terms.",
        r"$L_G = -\mathrm{mean}_i\,\log\sigma(\ell^{fake}_i) = \mathrm{mean}_i\,\mathrm{softplus}(-\ell^{fake}_i)$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-fake_logits))\n```",
    ),
    "train_step": (
        "Each player's update must change that player's weights only: where in the tape's gradient call do you "
        "say whose weights you differentiate with respect to, and which D should G's update see?",
        "Two tapes, one after the other. The first records D on a real batch and on G's images and gives "
        "D's loss; apply its gradient to D's variables. Only then open the second tape, on fresh noise.",
        r"$\theta_D \leftarrow \mathrm{opt}_D(\theta_D, \nabla_{\theta_D} L_D)$, then, through the updated $D$, "
        r"$\theta_G \leftarrow \mathrm{opt}_G(\theta_G, \nabla_{\theta_G} L_G)$; return $L_D$, $L_G$ and the "
        r"mean of $\sigma(\ell)$ on the real and on the fake batch.",
        "```python\nlatent_dim = generator.inputs[0].shape[-1]\n\n@tf.function\ndef step(x_batch):\n"
        "    n = tf.shape(x_batch)[0]\n    with tf.GradientTape() as tape:\n"
        "        real_logits = discriminator(x_batch, training=True)\n"
        "        fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)\n"
        "        d_loss = discriminator_loss(real_logits, fake_logits)\n"
        "    grads = tape.gradient(d_loss, discriminator.trainable_variables)\n"
        "    opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))\n"
        "    with tf.GradientTape() as tape:\n"
        "        fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)\n"
        "        g_loss = generator_loss(fake_logits)\n"
        "    grads = tape.gradient(g_loss, generator.trainable_variables)\n"
        "    opt_g.apply_gradients(zip(grads, generator.trainable_variables))\n"
        "    return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))\n\n"
        "return step\n```",
    ),
    "dcgan_discriminator": (
        "The generator doubles the image's size twice on its way up. What must each of D's layers do on the "
        "way down, and what must sit between two layers so that they do not collapse into one?",
        "Each block is a convolution that halves the height and width (stride 2), followed by a LeakyReLU. "
        "After the last block the feature map still has three axes: what must happen before one output?",
        r"$28 \times 28 \times 1 \to 14 \times 14 \times 32 \to 7 \times 7 \times 64 \to 3136 \to 1$ logit: "
        r"Conv2D(32, 4, stride 2, same), LeakyReLU(0.2), Conv2D(64, 4, stride 2, same), LeakyReLU(0.2), Flatten, "
        r"Dense(1) with no activation.",
        "```python\nreturn keras.Sequential([\n    keras.Input((28, 28, 1)),\n"
        "    layers.Conv2D(32, 4, strides=2, padding=\"same\"), layers.LeakyReLU(0.2),\n"
        "    layers.Conv2D(64, 4, strides=2, padding=\"same\"), layers.LeakyReLU(0.2),\n"
        "    layers.Flatten(), layers.Dense(1),\n])\n```",
    ),
    "listing_discriminator": (
        "A Dense layer acts on which axis of its input? What is that axis for a batch of (28, 28, 1) images?",
        "The listing's D keeps the image's three axes all the way to its output, so it gives one number per "
        "pixel. Compare it with section 2's D: what happens to an image there before its first Dense layer?",
        r"$(N, 28, 28, 1) \to (N, 784) \to (N, 256) \to (N, 1)$: a reshaping layer with no weights comes first.",
        "```python\nkeras.Input((28, 28, 1)),\nlayers.Flatten(),\nlayers.Dense(256, activation=\"relu\"),\n"
        "layers.Dense(1, activation=\"sigmoid\"),\n```",
    ),
    "listing_labels": (
        "Which half of the stacked batch comes first, and which label does this course give a real image?",
        "Write down which positions of the stacked batch hold fakes and which hold reals; then read which "
        "positions the listing sets to 1.",
        r"labels $= (\underbrace{0, \dots, 0}_{\text{fakes}}, \underbrace{1, \dots, 1}_{\text{reals}})$.",
        "```python\nimages = np.concatenate([fakes, reals])\nlabels = np.zeros(len(images))\n"
        "labels[len(fakes):] = 1\nreturn images, labels\n```",
    ),
    "listing_loop": (
        "Count, for one pass of the outer loop: how many times does D learn, how many times does G learn, "
        "and which variable holds the data set after the first batch?",
        "Start with the data: after the first batch is drawn, what does real_images hold when the next batch is "
        "drawn? Then count the inner loop's passes. The 'generator step' comes last.",
        r"Per step: one D update on a real and a fake batch; then $\theta_G \leftarrow \mathrm{opt}_G(\theta_G, "
        r"\nabla_{\theta_G}\,\mathrm{BCE}(1, D(G(z))))$, with $D$ called inside G's tape and no trainable flags.",
        "```python\nreals = real_images[idx]\n...\nwith tf.GradientTape() as tape:\n"
        "    verdict = discriminator(generator(noise, training=True), training=True)\n"
        "    g_loss = tf.reduce_mean(keras.losses.binary_crossentropy(np.ones((batch_size, 1)), verdict))\n"
        "grads = tape.gradient(g_loss, generator.trainable_variables)\n"
        "g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))\n```",
    ),
    "listing_show": (
        "Which colours does Matplotlib use when you do not name a colour map, and which pixel values does it "
        "map to black and white when you do not say?",
        "The check looks at two things: the colours at the two ends of the colour map, and which pixel values "
        "those two ends are tied to. Which arguments of imshow set each?",
        r"A grey map with $0 \mapsto$ black and $1 \mapsto$ white, for the listing's pixels in $[0, 1]$.",
        "```python\nplt.imshow(image, cmap=\"gray\", vmin=0, vmax=1)\n```",
    ),
    "d_steps": (
        "Which player gets more practice when k is larger, and what does a player that practises more do to "
        "its own loss and to its opinion of the fakes?",
        "Read both panels at their right-hand end, where the moving averages have levelled off, not at the "
        "start. Describe each run in words before you give it a k: which D ends up surest that the fakes are "
        "fake, and do the two panels agree on that?",
        r"With $k$ D updates per G update, D is nearer its best response to the current G: the larger $k$, the "
        r"lower D's loss and $D(G(z))$.",
        "```python\nanswer = {label: k for label, k in zip(sorted(runs, key=lambda l: np.mean(runs[l]['d_loss'][-50:])), (5, 2, 1))}\n```",
    ),
    "first_change": (
        "Which of the four changes acts on the imbalance the curves show, and which only waits, or treats "
        "a symptom the curves do not show?",
        "Name the imbalance the curves show first; then ask, of each option, what it does to that imbalance "
        "in the next hundred steps.",
        r"D wins when it learns faster than G can answer: fewer D updates per G update (smaller $k$) or a "
        r"smaller $\eta_D$ gives G time; training longer, a sigmoid or the minimax loss do not.",
        "```python\nchoice = 'fewer D steps'\n```",
    ),
    "predict_swap": (
        "With the labels swapped, D is rewarded for calling the fakes real. What does G want D to say about the "
        "fakes? Do the two players still disagree?",
        r"Write both losses as a function of $D(G(z))$ alone: D's swapped loss on the fakes and G's loss. "
        r"Which way does each push it?",
        r"D minimises $-\log D(G(z))$ on the fakes (and $-\log(1 - D(x))$ on reals); G minimises $-\log D(G(z))$: "
        r"the same direction, so $D(G(z)) \to 1$.",
        "```python\nprediction = 'near 1'\n```",
    ),
    "seeds_needed": (
        "How much does the average of several runs wobble compared with one run, and how much does a difference "
        "of two such averages wobble?",
        r"Write the condition with $n_{seeds}$ as the unknown: $\Delta \ge 2 \times$ (the standard error of the "
        r"difference of the two averages). A typical wrong answer puts $\mathrm{sd}$ itself in that bracket: "
        r"that is how much one run wobbles, not an average of $n_{seeds}$ runs, and not a difference of two "
        r"averages. Work out what each of those two changes does before you solve for $n_{seeds}$.",
        r"Variances of independent quantities add, so the difference's variance is $2\,\mathrm{sd}^2/n_{seeds}$ and "
        r"its standard error $\mathrm{sd}\sqrt{2/n_{seeds}}$. Ask $\Delta \ge 2\,\mathrm{sd}"
        r"\sqrt{2/n_{seeds}}$, i.e. $n_{seeds} \ge 8\,\mathrm{sd}^2/\Delta^2$; round up.",
        "```python\nn_seeds = math.ceil(8 * spread**2 / gap**2)\n```",
    ),
    "train_step_k": (
        "Exercise 1's runs gave D several updates for each of G's. Inside one call of such a step, which of "
        "your make_train_step's two updates repeats, which real images does each repetition see, and which "
        "update comes last?",
        "Start from a copy of your make_train_step. x_batches has one more axis than its x_batch had: work out "
        "first where the batch size n comes from now, and how to pick out one of the k real batches. A typical "
        "wrong answer calls a one-update step k times: count how often G then moves in one call.",
        r"For $i = 1, \dots, k$: $\theta_D \leftarrow \mathrm{opt}_D(\theta_D, \nabla_{\theta_D} L_D)$ on real "
        r"batch $i$ of the stack and fresh noise; then, once, through the $D$ these $k$ updates leave, "
        r"$\theta_G \leftarrow \mathrm{opt}_G(\theta_G, \nabla_{\theta_G} L_G)$ on fresh noise. Return $L_D$ and "
        r"the mean $\sigma(\ell)$ on the real batch from the $k$-th update, $L_G$ and the mean $D(G(z))$.",
        "```python\nlatent_dim = generator.inputs[0].shape[-1]\n\n@tf.function\ndef step(x_batches):\n"
        "    n = tf.shape(x_batches)[1]\n    for i in range(k):  # k D updates, each on its own real batch\n"
        "        with tf.GradientTape() as tape:\n"
        "            real_logits = discriminator(x_batches[i], training=True)\n"
        "            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)\n"
        "            d_loss = discriminator_loss(real_logits, fake_logits)\n"
        "        grads = tape.gradient(d_loss, discriminator.trainable_variables)\n"
        "        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))\n"
        "    with tf.GradientTape() as tape:  # then one G update\n"
        "        fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)\n"
        "        g_loss = generator_loss(fake_logits)\n"
        "    grads = tape.gradient(g_loss, generator.trainable_variables)\n"
        "    opt_g.apply_gradients(zip(grads, generator.trainable_variables))\n"
        "    return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))\n\n"
        "return step\n```",
    ),
}

BOUNDED = {"relu": "a ReLU clips every negative logit to 0, so D can never say 'surely fake'",
           "softplus": "a softplus keeps the logit positive, so D can never say 'surely fake'",
           "sigmoid": "a sigmoid squeezes the logit into 0..1, and our losses apply their own sigmoid on top",
           "tanh": "a tanh caps the logit between -1 and 1, so D can never be more than 73% sure"}


def _raised(err: Exception) -> str:
    """How a verdict names an exception from learner code (calling the course's own answer is a known mistake)."""
    if isinstance(err, WriteItYourself):
        return f"WriteItYourself. Recognised mistake: {err}"
    text = str(err).splitlines()[0] if str(err) else ""
    return f"{type(err).__name__}: {text}"


def _softplus(v):
    return np.logaddexp(0.0, np.asarray(v, np.float64))


def _activation_name(layer) -> str:
    """The activation a layer applies: its activation function (Dense, Activation) or its own type (ReLU)."""
    act = getattr(layer, "activation", None)
    if act is not None:
        return getattr(act, "__name__", str(act)).lower()
    return type(layer).__name__.lower()


def _layers(model) -> list:
    return [layer for layer in getattr(model, "layers", []) if type(layer).__name__ != "InputLayer"]


def _call_model(name: str, model, x, exercise: str) -> tuple[np.ndarray | None, CheckResult | None]:
    if not hasattr(model, "layers") or not callable(model):
        return None, CheckResult(name, False, f"expected a Keras model, got a {type(model).__name__}.", exercise)
    try:
        with learner_code(exercise):
            return np.asarray(model(x, training=False), dtype=np.float64), None
    except Exception as err:  # a learner's model is reported, never raised
        return None, CheckResult(name, False, f"calling it on a batch of shape {x.shape} raised {_raised(err)}",
                                 exercise)


def _linear_problem(name: str, model, exercise: str, pre_sigmoid: bool = False) -> CheckResult | None:
    """A failed verdict if the model is an affine map of its pixels (no non-linearity between its layers)."""
    rng = np.random.default_rng(8)
    a, b = (rng.uniform(-1, 1, (4, 28, 28, 1)).astype(np.float32) for _ in range(2))
    outs = []
    for x in (a, b, (a + b) / 2):
        out, failed = _call_model(name, model, x, exercise)
        if failed is not None:
            return failed
        if pre_sigmoid:
            out = np.log(np.clip(out, 1e-7, 1 - 1e-7)) - np.log(np.clip(1 - out, 1e-7, 1))
        outs.append(out)
    scale = max(np.abs(outs[0]).max(), np.abs(outs[1]).max(), 1e-3)
    if np.allclose(outs[2], (outs[0] + outs[1]) / 2, atol=1e-4 * scale + 1e-6):
        return CheckResult(name, False, "Recognised mistake: your discriminator is a linear (affine) function of the "
                                        "pixels: there is no non-linearity between its layers, so its layers "
                                        "collapse into a single linear layer, which cannot tell a stroke pattern "
                                        "from its blurred average. Put an activation after each hidden layer.",
                           exercise)
    return None


# ----- section 2: the losses and one training step ------------------------------------------
def _logit_cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    return [(np.array([[0.0], [2.0], [-3.0]], np.float32),), (rng.normal(0, 4, (64, 1)).astype(np.float32),),
            (np.array([[30.0], [-30.0]], np.float32),)]


def _ns_generator_loss(logits):
    return float(np.mean(_softplus(-np.asarray(logits, np.float64))))


def _reference_d_loss(real, fake):
    return float(np.mean(_softplus(-np.asarray(real, np.float64))) + np.mean(_softplus(np.asarray(fake, np.float64))))


def _course_losses():
    from ..engine import losses

    return losses


@build_exercise("generator_loss", reference=lambda: _course_losses().generator_loss, names=("generator_loss",))
def check_generator_loss(generator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's build cell: the non-saturating generator loss from D's logits on fakes, in TensorFlow.

    Introduced in notebook 03.
    """
    cases = _logit_cases()
    mistakes = [
        (lambda f: float(np.mean(_softplus(f))),
         "that is the loss for labelling the fakes fake: G must want D to call them real."),
        (lambda f: -float(np.mean(_softplus(f))),
         "that is the minimax form, which saturates when D wins (notebook 02); this notebook trains with the "
         "non-saturating one."),
    ]
    return check_function("generator_loss", generator_loss, _ns_generator_loss, cases,
                          diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["fake_logits"])


@build_exercise("discriminator_loss", reference=lambda: _course_losses().discriminator_loss,
                names=("discriminator_loss",))
def check_discriminator_loss(discriminator_loss: Callable | None) -> CheckResult:
    """Check notebook 03's build cell: D's loss with real = 1 and fake = 0, from logits, in TensorFlow.

    Introduced in notebook 03.
    """
    rng = np.random.default_rng(4)
    cases = [(np.array([[2.0], [1.0]], np.float32), np.array([[-1.0], [0.5]], np.float32)),
             (rng.normal(1, 2, (32, 1)).astype(np.float32), rng.normal(-1, 2, (32, 1)).astype(np.float32)),
             (np.array([[40.0], [3.0]], np.float32), np.array([[-40.0], [-2.0]], np.float32))]
    sig = lambda v: 1 / (1 + np.exp(-np.asarray(v, np.float64)))  # noqa: E731
    mistakes = [
        (lambda r, f: _reference_d_loss(f, r), "the labels are swapped: real images must be labelled 1 and fakes 0."),
        (lambda r, f: _reference_d_loss(sig(r), sig(f)), "a sigmoid is applied before a loss that expects logits: "
                                                         "the loss must see the raw logits."),
        (lambda r, f: _reference_d_loss(r, f) / 2, "that is half the loss: the two batches' terms are added, "
                                                    "not averaged together."),
    ]
    return check_function("discriminator_loss", discriminator_loss, _reference_d_loss, cases,
                          diagnose=gan_diagnosis(cases, mistakes), atol=1e-4, arg_names=["real_logits", "fake_logits"])


def _step_pair():
    """A tiny pair whose generator's output does not depend on z (its kernel starts at zero): one step is deterministic."""
    import keras
    from keras import initializers, layers

    generator = keras.Sequential([
        keras.Input((100,)),
        layers.Dense(784, kernel_initializer="zeros", bias_initializer=initializers.RandomNormal(0.0, 0.8, seed=1)),
        layers.Activation("tanh"), layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)), layers.Flatten(),
        layers.Dense(8, kernel_initializer=initializers.RandomNormal(0.0, 0.1, seed=2),
                     bias_initializer=initializers.RandomNormal(0.0, 0.5, seed=3)),
        layers.LeakyReLU(0.2), layers.Dense(1, kernel_initializer=initializers.RandomNormal(0.0, 0.8, seed=4))])
    return generator, discriminator


STEP_LR_D, STEP_LR_G = 1.0, 0.5


def _weights(model) -> list[np.ndarray]:
    return [v.numpy().copy() for v in model.trainable_variables]


def _reference_steps(generator, discriminator, x) -> dict:
    """The pair's weights after one step done right and after each known wrong step (plain gradient descent)."""
    import keras
    import tensorflow as tf

    z = tf.zeros([len(x), 100])
    g0, d0 = _weights(generator), _weights(discriminator)

    def fresh():
        g, d = keras.models.clone_model(generator), keras.models.clone_model(discriminator)
        for v, w in zip(g.trainable_variables, g0):
            v.assign(w)
        for v, w in zip(d.trainable_variables, d0):
            v.assign(w)
        return g, d

    def d_grads(g, d, swap=False):
        with tf.GradientTape() as tape:
            real, fake = d(x), d(g(z))
            loss = (tf.reduce_mean(tf.nn.softplus(real)) + tf.reduce_mean(tf.nn.softplus(-fake)) if swap else
                    tf.reduce_mean(tf.nn.softplus(-real)) + tf.reduce_mean(tf.nn.softplus(fake)))
        return loss, tape.gradient(loss, d.trainable_variables)

    def g_grads(g, d, kind="ns", also_d=False):
        variables = g.trainable_variables + (d.trainable_variables if also_d else [])
        with tf.GradientTape() as tape:
            fake = d(g(z))
            loss = tf.reduce_mean(tf.nn.softplus(-fake)) if kind == "ns" else -tf.reduce_mean(tf.nn.softplus(fake))
        return loss, tape.gradient(loss, variables), variables

    def apply(grads, variables, lr):
        for v, grad in zip(variables, grads):
            v.assign_sub(lr * grad)

    out = {}
    for case in ("right", "simultaneous", "g_first", "swapped", "minimax", "g_moves_d"):
        g, d = fresh()
        if case == "g_first":
            loss_g, grads, variables = g_grads(g, d)
            apply(grads, variables, STEP_LR_G)
            loss_d, grads = d_grads(g, d)
            apply(grads, d.trainable_variables, STEP_LR_D)
        elif case == "simultaneous":
            loss_d, dg = d_grads(g, d)
            loss_g, gg, variables = g_grads(g, d)
            apply(dg, d.trainable_variables, STEP_LR_D)
            apply(gg, variables, STEP_LR_G)
        else:
            loss_d, grads = d_grads(g, d, swap=case == "swapped")
            apply(grads, d.trainable_variables, STEP_LR_D)
            loss_g, grads, variables = g_grads(g, d, "minimax" if case == "minimax" else "ns",
                                               also_d=case == "g_moves_d")
            apply(grads, variables, STEP_LR_G)
        out[case] = {"g": _weights(g), "d": _weights(d), "d_loss": float(loss_d), "g_loss": float(loss_g)}
    return out


def _same(a: list[np.ndarray], b: list[np.ndarray], atol: float = 2e-5) -> bool:
    return all(np.allclose(x, y, atol=atol, rtol=1e-4) for x, y in zip(a, b))


def _course_step():
    from ..engine.training import make_train_step

    return make_train_step


@build_exercise("train_step", reference=_course_step, names=("make_train_step",))
def check_train_step(make_train_step: Callable | None) -> CheckResult:
    """Check notebook 03's build cell: make_train_step(G, D, opt_d, opt_g) gives a compiled step, D's update then G's.

    Introduced in notebook 03. The check's generator draws the same image for every z, so one step of
    plain gradient descent (the optimisers it passes) is deterministic and compared with the step done
    right and with each known wrong order.
    """
    import keras
    import tensorflow as tf

    name = "train_step"
    generator, discriminator = _step_pair()
    x = np.random.default_rng(9).uniform(-1, 1, (16, 28, 28, 1)).astype(np.float32)
    refs = _reference_steps(generator, discriminator, x)
    g0, d0 = _weights(generator), _weights(discriminator)
    opt_d, opt_g = keras.optimizers.SGD(STEP_LR_D), keras.optimizers.SGD(STEP_LR_G)
    step, failed = run_safely(name, make_train_step, generator, discriminator, opt_d, opt_g)
    if failed is not None:
        return report(failed)
    if not callable(step):
        return report(CheckResult(name, False, f"make_train_step gave back a {type(step).__name__}, not a step "
                                               f"function to call on a batch."))
    try:
        with learner_code(name):
            out = step(tf.constant(x))
        out = [float(np.asarray(v)) for v in out]
    except Exception as err:  # a learner's bug is reported, never raised
        return report(CheckResult(name, False, f"calling the step on a batch of 16 images raised {_raised(err)}"))
    if len(out) != 4:
        return report(CheckResult(name, False, f"the step gave back {len(out)} numbers, expected four: D's loss, "
                                               f"G's loss, the mean D(x) and the mean D(G(z))."))
    g1, d1 = _weights(generator), _weights(discriminator)
    if _same(d0, d1, atol=0):
        return report(CheckResult(name, False, "D's weights did not change: the step never applied D's gradient "
                                               "to D's variables."))
    if _same(d1, refs["minimax"]["d"]) and _same(g1[1:], refs["minimax"]["g"][1:]) and \
            not _same(g1[1:], refs["right"]["g"][1:]):
        return report(CheckResult(name, False, "Recognised mistake: G's loss is the minimax one, which saturates "
                                               "when D wins (here D's confident verdict leaves G almost no gradient); "
                                               "use the non-saturating loss."))
    if _same(g0, g1, atol=0):
        return report(CheckResult(name, False, "G's weights did not change: the step never applied G's gradient "
                                               "to G's variables."))
    d_right = _same(d1, refs["right"]["d"])
    g_right = _same(g1[1:], refs["right"]["g"][1:])  # the bias: the kernel's step depends on the noise drawn
    if not d_right:
        if _same(g1[1:], refs["g_first"]["g"][1:]):
            return report(CheckResult(name, False, "Recognised mistake: G was updated first: this exercise asks for "
                                                   "D's update, then G's through the updated D."))
        for case, message in (
                ("swapped", "D's labels are swapped: real images must be labelled 1 and fakes 0."),
                ("g_moves_d", "G's update also moved D: apply G's gradient to G's variables only."),
                ("g_first", "G was updated first: this exercise asks for D's update, then G's through the updated D.")):
            if _same(d1, refs[case]["d"]):
                return report(CheckResult(name, False, "Recognised mistake: " + message))
        return report(CheckResult(name, False, "D's new weights differ from one gradient step on D's loss (real = 1, "
                                               "fake = 0) taken with the optimiser passed in."))
    if not g_right:
        for case, message in (
                ("simultaneous", "G's gradient came from D as it was before D's update (both gradients from one "
                                 "pass, a simultaneous update); this exercise asks for G's update through the "
                                 "updated D, on a new forward pass."),
                ("minimax", "G's loss is the minimax one, which saturates when D wins; use the non-saturating loss.")):
            if _same(g1[1:], refs[case]["g"][1:]):
                return report(CheckResult(name, False, "Recognised mistake: " + message))
        moved = np.concatenate([(b - a).ravel() for a, b in zip(g0[1:], g1[1:])])
        wanted = np.concatenate([(r - a).ravel() for a, r in zip(g0[1:], refs["right"]["g"][1:])])
        if float(moved @ wanted) < 0:
            return report(CheckResult(name, False, "Recognised mistake: G moved uphill on its loss (gradient ascent). "
                                                   "The optimiser already subtracts; hand it the plain gradient."))
        return report(CheckResult(name, False, "G's new weights differ from one step on the non-saturating loss "
                                               "through the updated D."))
    d_loss, g_loss, d_real, d_fake = out
    if not np.isclose(d_loss, refs["right"]["d_loss"], atol=1e-4):
        return report(CheckResult(name, False, f"the first number given back is {d_loss:.4f}; expected D's loss "
                                               f"before its update, {refs['right']['d_loss']:.4f}."))
    if not np.isclose(g_loss, refs["right"]["g_loss"], atol=1e-4):
        return report(CheckResult(name, False, f"the second number given back is {g_loss:.4f}; expected G's loss "
                                               f"through the updated D, {refs['right']['g_loss']:.4f}."))
    if not (0 <= d_real <= 1 and 0 <= d_fake <= 1):
        return report(CheckResult(name, False, f"the mean D(x) and D(G(z)) must be probabilities between 0 and 1, "
                                               f"got {d_real:.3f} and {d_fake:.3f}: take the sigmoid of the logits."))
    if not hasattr(step, "get_concrete_function"):
        return report(CheckResult(name, False, "the step is right but runs eagerly, one Python operation at a "
                                               "time: decorate it with TensorFlow's function decorator so that it "
                                               "is traced into a graph once and then runs several times faster."))
    return report(CheckResult(name, True, "D's update, then G's through the updated D, each on its own variables, "
                                          "equal to a reference step; a compiled graph."))


def _one_output_per_image(name: str, build: Callable | None, low: float, high: float,
                          kept_axes: str) -> tuple[Any, CheckResult | None]:
    """Build the learner's model and run it on 16 images in [low, high]: (model, None), or (None, the failed verdict).

    ``kept_axes`` is the recognised mistake for an output that keeps more than two axes.
    """
    model, failed = run_safely(name, build)
    if failed is not None:
        return None, failed
    x = np.random.default_rng(0).uniform(low, high, (16, 28, 28, 1)).astype(np.float32)
    out, failed = _call_model(name, model, x, name)
    if failed is not None:
        return None, failed
    if out.shape != (16, 1):
        extra = f" Recognised mistake: {kept_axes}" if out.ndim > 2 else ""
        return None, CheckResult(name, False, f"16 images gave an output of shape {out.shape}, expected (16, 1).{extra}")
    return model, None


# ----- section 4: the DCGAN discriminator ---------------------------------------------------
def _course_dcgan_discriminator():
    from ..engine.models import dcgan_discriminator

    return dcgan_discriminator


@build_exercise("dcgan_discriminator", reference=_course_dcgan_discriminator, names=("build_dcgan_discriminator",))
def check_dcgan_discriminator(build_dcgan_discriminator: Callable | None) -> CheckResult:
    """Check notebook 03's build cell: a DCGAN discriminator, (N, 28, 28, 1) -> (N, 1) logits, stride-2 convolutions.

    Introduced in notebook 03.
    """
    name = "dcgan_discriminator"
    model, failed = _one_output_per_image(name, build_dcgan_discriminator, -1, 1,
                                          "the feature map keeps its axes to the end; turn it into one vector per "
                                          "image before the last Dense layer.")
    if failed is not None:
        return report(failed)
    problem = _linear_problem(name, model, name)
    if problem is not None:
        return report(problem)
    layers = _layers(model)
    last = _activation_name(layers[-1]) if layers else ""
    if last in BOUNDED:
        return report(CheckResult(name, False, f"Recognised mistake: your last layer ends in {last}: {BOUNDED[last]}. "
                                               f"A discriminator's last layer has no activation."))
    convs = [layer for layer in layers if "conv" in type(layer).__name__.lower()]
    if len(convs) < 2:
        return report(CheckResult(name, False, f"it has {len(convs)} convolution layer(s): a DCGAN discriminator reads "
                                               f"the image with (at least) two convolutions, each halving its size."))
    shrinks = any(max(getattr(layer, "strides", (1, 1))) > 1 for layer in convs) or any(
        "pool" in type(layer).__name__.lower() for layer in layers)
    if not shrinks:
        return report(CheckResult(name, False, "no layer halves the image: every convolution has stride 1, so D "
                                               "reads 28 x 28 features at every layer. Give the convolutions a "
                                               "stride of 2."))
    return report(CheckResult(name, True, f"one unbounded logit per image from {len(convs)} strided convolutions, "
                                          f"non-linear, {model.count_params():,} parameters."))


# ----- section 3: the broken listing's fixes --------------------------------------------------
def check_listing_discriminator(build_discriminator: Callable | None) -> CheckResult:
    """Check the listing's fixed build_discriminator: one probability (or logit) per image, with a hidden non-linear layer.

    Introduced in notebook 03.
    """
    name = "listing_discriminator"
    model, failed = _one_output_per_image(name, build_discriminator, 0, 1,
                                          "the Dense layers act on the last axis only (here the channel axis, of "
                                          "size 1), so D scores every pixel on its own.")
    if failed is not None:
        return report(failed)
    layers = _layers(model)
    last = _activation_name(layers[-1]) if layers else ""
    problem = _linear_problem(name, model, name, pre_sigmoid=last == "sigmoid")
    if problem is not None:
        return report(problem)
    if len([layer for layer in layers if layer.weights]) < 2:
        return report(CheckResult(name, False, "it has no hidden layer: one Dense layer on the pixels is a linear "
                                               "classifier, whatever comes after it."))
    return report(CheckResult(name, True, f"one output per image, a non-linear hidden layer, "
                                          f"{model.count_params():,} parameters."))


def check_listing_labels(d_batch: Callable | None) -> CheckResult:
    """Check the listing's fixed d_batch(fakes, reals): the stacked images with real = 1 and fake = 0.

    Introduced in notebook 03.
    """
    name = "listing_labels"
    rng = np.random.default_rng(2)
    fakes = rng.uniform(0, 0.4, (5, 28, 28, 1)).astype(np.float32)
    reals = rng.uniform(0.6, 1, (7, 28, 28, 1)).astype(np.float32)
    got, failed = run_safely(name, d_batch, fakes, reals)
    if failed is not None:
        return report(failed)
    try:
        images, labels = got
        images = np.asarray(images, np.float32)
        labels = np.asarray(labels, np.float64).reshape(-1)
    except (TypeError, ValueError):
        return report(CheckResult(name, False, "expected a pair: the stacked images and their labels."))
    if images.shape != (12, 28, 28, 1) or labels.shape != (12,):
        return report(CheckResult(name, False, f"5 fakes and 7 reals gave images of shape {images.shape} and "
                                               f"{labels.size} labels; expected (12, 28, 28, 1) and 12 labels."))
    is_real = images.reshape(12, -1).mean(axis=1) > 0.5
    if is_real.sum() != 7:
        return report(CheckResult(name, False, "the stacked images are not the 5 fakes and the 7 reals passed in."))
    if np.all(labels[is_real] == 0) and np.all(labels[~is_real] == 1):
        return report(CheckResult(name, False, "Recognised mistake: the fakes are labelled 1 and the reals 0, the "
                                               "listing's convention; this course labels real images 1 (and the "
                                               "listing's own generator step wants D to say 1 for real)."))
    if not (np.all(labels[is_real] == 1) and np.all(labels[~is_real] == 0)):
        return report(CheckResult(name, False, f"labels of the reals: {sorted(set(labels[is_real].tolist()))}, of "
                                               f"the fakes: {sorted(set(labels[~is_real].tolist()))}; expected 1 "
                                               f"for every real and 0 for every fake."))
    return report(CheckResult(name, True, "every real image labelled 1, every fake 0, in the order they were stacked."))


def _listing_pair():
    """Small compiled models in the listing's style (D with Flatten, sigmoid outputs), to run a learner's loop on."""
    import keras
    from keras import layers

    from ..engine.runtime import set_seed

    set_seed(3)
    generator = keras.Sequential([keras.Input((100,)), layers.Dense(16, activation="relu"),
                                  layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28, 1))])
    discriminator = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(16, activation="relu"),
                                      layers.Dense(1, activation="sigmoid")])
    for model in (generator, discriminator):
        model.compile(optimizer="adam", loss="binary_crossentropy")
    return generator, discriminator


def check_listing_loop(train: Callable | None) -> CheckResult:
    """Check the listing's fixed train loop by running it under watch on small models: 3 steps of batch 8.

    Introduced in notebook 03. It must draw every batch from the whole data set, update D once per G
    update, and train G through D (never G alone, never D on the "generator step").
    """
    from ..studies.bugs import watch_listing

    name = "listing_loop"
    if not callable(train):
        return report(CheckResult(name, False, "expected the listing's train function."))
    generator, discriminator = _listing_pair()
    with learner_code(name):
        watch = watch_listing(train, generator, discriminator, steps=3, batch_size=8)
    if watch["error"]:
        return report(CheckResult(name, False, f"3 steps of batch 8 stopped with {watch['error']}"))
    steps, problems = watch["steps"], []
    if watch["draws"] == 0:
        problems.append("no batch was drawn from real_images by indexing it (the check watches those draws)")
    elif watch["draws"] < max(steps, watch["d_updates_with_reals"]) or min(watch["drawn_from"]) < watch["n_images"]:
        problems.append("the data set shrank: after the first step the batches came from an earlier batch, not from "
                        "all the images (the batch overwrote the variable that held the data set)")
    d_updates = watch["d_updates_with_reals"] or watch["draws"]
    if d_updates > steps:
        problems.append(f"D was updated {d_updates} times in {steps} steps: {d_updates / steps:g} D updates per G "
                        f"update where one is asked")
    if watch["frozen_calls_on_fakes"]:
        problems.append("the 'generator step' still calls D's train_on_batch on fakes: it trains D (or nothing), "
                        "never G")
    if watch["g_fitted_alone"]:
        problems.append("G is still fitted on its own (its own train_on_batch) towards a fixed target, never "
                        "through D's verdict")
    if not watch["g_changed"]:
        problems.append("G's weights never changed")
    if problems:
        return report(CheckResult(name, False, "Recognised mistakes: " + "; ".join(
            f"({i}) {p}" for i, p in enumerate(problems, 1)) + "."))
    return report(CheckResult(name, True, f"{steps} steps: one D update per G update, every batch drawn from all "
                                          f"{watch['n_images']} images, G trained through D."))


def check_listing_show(show: Callable | None) -> CheckResult:
    """Check the listing's fixed show(generator): grey, white ink on black, the pixel range pinned to [0, 1].

    Introduced in notebook 03.
    """
    import keras
    import matplotlib.pyplot as plt
    from keras import layers

    name = "listing_show"
    if not callable(show):
        return report(CheckResult(name, False, f"expected a function, got a {type(show).__name__}."))
    generator = keras.Sequential([keras.Input((100,)), layers.Dense(784, activation="sigmoid"),
                                  layers.Reshape((28, 28, 1))])
    before = set(plt.get_fignums())
    try:
        with learner_code(name), quiet_retracing():
            show(generator)
        images = [image for fig in map(plt.figure, plt.get_fignums()) for ax in fig.axes for image in ax.images]
    except Exception as err:  # a learner's bug is reported, never raised
        return report(CheckResult(name, False, f"calling it raised {_raised(err)}"))
    finally:
        for number in set(plt.get_fignums()) - before:
            plt.close(number)
    if not images:
        return report(CheckResult(name, False, "it drew no image."))
    image = images[-1]
    cmap = image.get_cmap()
    black, white = np.asarray(cmap(0.0)[:3]), np.asarray(cmap(1.0)[:3])
    grey = all(np.ptp(cmap(t)[:3]) < 0.02 for t in (0.0, 0.3, 0.7, 1.0))
    if not grey or black.max() > 0.05 or white.min() < 0.95:
        return report(CheckResult(name, False, f"Recognised mistake: the colour map is {cmap.name!r}, not a grey one "
                                               f"running from black (0) to white (1): the digits come out in false "
                                               f"colours."))
    low, high = image.get_clim()
    if not (np.isclose(low, 0.0) and np.isclose(high, 1.0)):
        return report(CheckResult(name, False, f"the colour scale runs from {low:.3f} to {high:.3f}, the image's own "
                                               f"darkest and brightest pixels: a faint sample would look as bold as a "
                                               f"crisp one. Pin it to the pixel range, 0 to 1."))
    return report(CheckResult(name, True, f"{cmap.name}, black at 0 and white at 1."))


# ----- the closing exercises ----------------------------------------------------------------
K_CHOICES = (1, 2, 5)


def check_d_steps(answer, runs: dict | None = None, order: dict | None = None) -> CheckResult:
    """Check notebook 03's diagnosis exercise: which of the quiz runs (A, B, C) used k = 1, 2 and 5 D steps per G step.

    Introduced in notebook 03. The answer is a dict label -> k; a wrong answer is told only that
    some label is wrong, never which k a run used.
    """
    from ..studies.bugs import QUIZ_ORDER

    name = "d_steps"
    order = dict(QUIZ_ORDER if order is None else order)
    labels = sorted(order)
    if answer is None:
        return report(CheckResult(name, False, f"no answer yet: set answer to a dict giving each run ({', '.join(labels)}) "
                                               f"the k you think it used, each of {list(K_CHOICES)} once."))
    if not isinstance(answer, dict) or sorted(str(k).upper() for k in answer) != labels:
        return report(CheckResult(name, False, f"expected a dict with the keys {labels}, got {type(answer).__name__}."))
    try:
        given = {str(label).upper(): int(k) for label, k in answer.items()}
    except (TypeError, ValueError):
        return report(CheckResult(name, False, "each run's k must be a whole number."))
    if sorted(given.values()) != sorted(order.values()):
        return report(CheckResult(name, False, f"give each of k = {sorted(order.values())} to exactly one run."))
    if given != order:
        return report(CheckResult(name, False, "not all three runs are matched to their k. Rank the runs by where "
                                               "D's loss settles and by how low D(G(z)) sits before you try again."))
    told = ""
    if runs:
        told = " Over the last 50 steps: " + ", ".join(
            f"{lab} (k = {order[lab]}) D loss {np.mean(runs[lab]['d_loss'][-50:]):.2f}, D(G(z)) "
            f"{np.mean(runs[lab]['d_fake'][-50:]):.2f}" for lab in labels if lab in runs) + "."
    return report(CheckResult(name, True, "the more D updates per G update, the further D pulls ahead: its loss "
                                          "sits lower and it calls the fakes fake more confidently." + told))


FIRST_CHANGES = {
    "fewer d steps": None,
    "train longer": "training longer only waits: a D that wins keeps winning, and its verdicts on the fakes give G "
                    "ever less to learn from.",
    "sigmoid in d": "a sigmoid at D's output treats no imbalance, and with losses that apply their own sigmoid it "
                    "is the classic double-sigmoid bug of this notebook's listing section.",
    "minimax loss": "the minimax loss gives G a weaker gradient exactly when D wins (notebook 02): it makes this "
                    "failure worse, not better.",
}


def check_first_change(choice) -> CheckResult:
    """Check notebook 03's diagnosis exercise: the first change for a run in which D wins. Introduced in notebook 03."""
    name = "first_change"
    picked, failed = read_choice(name, choice, list(FIRST_CHANGES), f"no answer yet: set choice to one of "
                                                                     f"{list(FIRST_CHANGES)}.")
    if failed is not None:
        return report(failed)
    why = FIRST_CHANGES[picked]
    if why is not None:
        return report(CheckResult(name, False, f"not that one: {why}"))
    return report(CheckResult(name, True, "D learns faster than G can answer; fewer D updates per G update (or a "
                                          "smaller learning rate for D) gives G time. The other three only wait or "
                                          "make it worse."))


SWAP_CHOICES = ("near 0", "near 0.5", "near 1")


def check_predict_swap(prediction, history: dict | None = None) -> CheckResult:
    """Check notebook 03's predict-then-run exercise: where D(G(z)) ends when D's labels are swapped.

    Introduced in notebook 03.
    """

    def outcome() -> tuple[str, str]:
        d_fake, d_real = float(np.mean(history["d_fake"][-10:])), float(np.mean(history["d_real"][-10:]))
        what = (f"D(G(z)) ended at {d_fake:.3f} and D(x) at {d_real:.3f}. With the labels swapped D is trained to "
                f"call fakes real, which is exactly what G wants too: the two players agree, G's loss falls towards 0 "
                f"and G receives almost no signal about what real digits look like.")
        return "near 1" if d_fake > 0.75 else "near 0" if d_fake < 0.25 else "near 0.5", what

    missing = "" if history is not None else "run the training cell first and pass its history as the keyword history."
    return check_prediction("predict_swap", prediction, SWAP_CHOICES, "trains", outcome, run_missing=missing)


def seeds_needed(spread: float, gap: float) -> int:
    """Seeds per setting for a difference `gap` of two means to be twice its standard error. Introduced in notebook 03."""
    return max(1, math.ceil(8 * spread * spread / (gap * gap) - 1e-9))


def check_seeds_needed(n_seeds, spread: float = 0.074, gap: float = 0.1) -> CheckResult:
    """Check notebook 03's design exercise: seeds per setting to tell two settings apart. Introduced in notebook 03.

    ``spread`` is one run's seed-to-seed standard deviation of the score, ``gap`` the smallest difference
    that matters; the difference of two means of n runs counts when it is at least twice its standard error.
    """
    name = "seeds_needed"
    if n_seeds is None:
        return report(CheckResult(name, False, "no answer yet: set n_seeds to a whole number of seeds per setting."))
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, (int, np.integer, float, np.floating)) or \
            not float(n_seeds).is_integer():
        return report(CheckResult(name, False, f"expected a whole number of seeds, got {n_seeds!r}."))
    n, right = int(n_seeds), seeds_needed(spread, gap)
    if n == right:
        return report(CheckResult(name, True, f"{n} seeds per setting, {2 * n} runs in all: the difference of the two "
                                              f"averages then wobbles by {spread * math.sqrt(2 / n):.3f}, at most half "
                                              f"of the gap, {gap}."))
    ratio = spread / gap
    known = {max(1, math.ceil(2 * ratio - 1e-9)): "the spread of an average shrinks with the square root of the number "
                                                  "of runs, not with the number itself.",
             max(1, math.ceil(2 * ratio * ratio - 1e-9)): "that asks the difference to exceed one standard error, "
                                                          "not two.",
             max(1, math.ceil(4 * ratio * ratio - 1e-9)): "that is enough for one average, but a difference of two "
                                                          "averages wobbles more than either average."}
    if n in known:
        return report(CheckResult(name, False, f"{n} seeds: Recognised mistake: {known[n]}"))
    return report(CheckResult(name, False, f"{n} seeds per setting is {'too few' if n < right else 'more than needed'} "
                                           f"for the rule asked (the difference at least twice its standard error)."))


STEP_K_CASES = (1, 3)


def _reference_k_steps(generator, discriminator, xs) -> dict:
    """The pair's weights after k D updates then one G update, and after each known wrong order (plain gradient descent).

    ``xs`` stacks k real batches. The pair's generator draws the same image for every z until G moves, so
    every D update before G's is deterministic, and so is G's bias after G's first update.
    """
    import keras
    import tensorflow as tf

    z = tf.zeros([xs.shape[1], 100])
    g0, d0 = _weights(generator), _weights(discriminator)

    def fresh():
        g, d = keras.models.clone_model(generator), keras.models.clone_model(discriminator)
        for model, start in ((g, g0), (d, d0)):
            for v, w in zip(model.trainable_variables, start):
                v.assign(w)
        return g, d

    def d_update(g, d, x):
        with tf.GradientTape() as tape:
            real, fake = d(x), d(g(z))
            loss = tf.reduce_mean(tf.nn.softplus(-real)) + tf.reduce_mean(tf.nn.softplus(fake))
        for v, grad in zip(d.trainable_variables, tape.gradient(loss, d.trainable_variables)):
            v.assign_sub(STEP_LR_D * grad)
        return float(loss)

    def g_update(g, d):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.softplus(-d(g(z))))
        for v, grad in zip(g.trainable_variables, tape.gradient(loss, g.trainable_variables)):
            v.assign_sub(STEP_LR_G * grad)
        return float(loss)

    k = len(xs)
    plans = {"right": list(xs), "first_batch": [xs[0]] * k, "last_batch": [xs[-1]] * k, "d_once_first": [xs[0]],
             "d_once_last": [xs[-1]]}
    out = {}
    for case, batches in plans.items():
        g, d = fresh()
        d_losses = [d_update(g, d, x) for x in batches]
        g_loss = g_update(g, d)
        out[case] = {"g": _weights(g), "d": _weights(d), "d_loss": d_losses[-1], "g_loss": g_loss}
    g, d = fresh()
    g_update(g, d)  # G first: its bias moves through the D it started with
    out["g_first"] = {"g": _weights(g)}
    return out


def _iterations(optimizer) -> int:
    return int(np.asarray(optimizer.iterations))


def _one_k(make_train_step_k: Callable, k: int) -> CheckResult | None:
    """Run the learner's factory and one step for this k; a failed verdict, or None when it matches the reference."""
    import keras
    import tensorflow as tf

    name = "train_step_k"
    generator, discriminator = _step_pair()
    xs = np.random.default_rng(19).uniform(-1, 1, (k, 16, 28, 28, 1)).astype(np.float32)
    refs = _reference_k_steps(generator, discriminator, xs)
    g0, d0 = _weights(generator), _weights(discriminator)
    opt_d, opt_g = keras.optimizers.SGD(STEP_LR_D), keras.optimizers.SGD(STEP_LR_G)
    # The learner's code runs inside learner_code("train_step"): the course's make_train_step refuses there.
    step, failed = run_safely(name, make_train_step_k, generator, discriminator, opt_d, opt_g, k,
                              exercise="train_step")
    if failed is not None:
        return failed
    if not callable(step):
        return CheckResult(name, False, f"make_train_step_k gave back a {type(step).__name__}, not a step function "
                                        f"to call on a stack of real batches.")
    try:
        with learner_code("train_step"):
            out = step(tf.constant(xs))
        out = [float(np.asarray(v)) for v in out]
    except Exception as err:  # a learner's bug is reported, never raised
        return CheckResult(name, False, f"with k = {k}, calling the step on a stack of {k} batches of 16 images, "
                                        f"shape {xs.shape}, raised {_raised(err)}")
    if len(out) != 4:
        return CheckResult(name, False, f"the step gave back {len(out)} numbers, expected four, as make_train_step: "
                                        f"D's loss, G's loss, the mean D(x) and the mean D(G(z)).")
    g1, d1 = _weights(generator), _weights(discriminator)
    d_moves, g_moves = _iterations(opt_d), _iterations(opt_g)
    if _same(d0, d1, atol=0):
        return CheckResult(name, False, f"with k = {k}, D's weights did not change: the step never applied D's "
                                        f"gradient to D's variables with the optimiser passed in.")
    if _same(g0, g1, atol=0):
        return CheckResult(name, False, f"with k = {k}, G's weights did not change: the step never applied G's "
                                        f"gradient to G's variables with the optimiser passed in.")
    if g_moves > 1:
        return CheckResult(name, False, f"Recognised mistake: with k = {k}, G's optimiser took {g_moves} steps in one "
                                        f"call: G was updated {g_moves} times, as if a one-update step ran {k} "
                                        f"times. G updates once per call, after all of D's updates.")
    if k > 1 and (d_moves == 1 or _same(d1, refs["d_once_first"]["d"]) or _same(d1, refs["d_once_last"]["d"])):
        return CheckResult(name, False, f"Recognised mistake: with k = {k}, D was updated once in the call: D must take "
                                        f"{k} steps, one per real batch of the stack, before G's update.")
    if not _same(g1[1:], refs["right"]["g"][1:]) and _same(g1[1:], refs["g_first"]["g"][1:]):
        return CheckResult(name, False, "Recognised mistake: G was updated first, through D as it was before its "
                                        "updates: G's update comes last, through the D its k updates leave.")
    if not _same(d1, refs["right"]["d"]):
        if k > 1:
            for case, which in (("first_batch", "first"), ("last_batch", "last")):
                if _same(d1, refs[case]["d"]):
                    return CheckResult(name, False, f"Recognised mistake: with k = {k}, every one of D's updates saw "
                                                    f"the same real batch, the stack's {which}: update i must use "
                                                    f"real batch i of the stack.")
        return CheckResult(name, False, f"with k = {k}, D's new weights differ from {k} gradient step(s) on D's loss "
                                        f"(real = 1, fake = 0), one per real batch of the stack in order, taken with "
                                        f"the optimiser passed in.")
    if not _same(g1[1:], refs["right"]["g"][1:]):  # the bias: the kernel's step depends on the noise drawn
        return CheckResult(name, False, f"with k = {k}, D is right but G's new weights differ from one step on the "
                                        f"non-saturating loss through the D its {k} updates leave.")
    d_loss, g_loss, d_real, d_fake = out
    if not np.isclose(d_loss, refs["right"]["d_loss"], atol=1e-4):
        return CheckResult(name, False, f"with k = {k}, the first number given back is {d_loss:.4f}; expected D's "
                                        f"loss on its last update, before that update, {refs['right']['d_loss']:.4f}.")
    if not np.isclose(g_loss, refs["right"]["g_loss"], atol=1e-4):
        return CheckResult(name, False, f"with k = {k}, the second number given back is {g_loss:.4f}; expected G's "
                                        f"loss through the updated D, {refs['right']['g_loss']:.4f}.")
    if not (0 <= d_real <= 1 and 0 <= d_fake <= 1):
        return CheckResult(name, False, f"the mean D(x) and D(G(z)) must be probabilities between 0 and 1, got "
                                        f"{d_real:.3f} and {d_fake:.3f}: take the sigmoid of the logits.")
    if not hasattr(step, "get_concrete_function"):
        return CheckResult(name, False, "the step is right but runs eagerly, one Python operation at a time: "
                                        "decorate it with TensorFlow's function decorator so that it is traced "
                                        "into a graph once.")
    return None


def check_train_step_k(make_train_step_k: Callable | None) -> CheckResult:
    """Check notebook 03's apply exercise: a compiled step with k D updates, one per real batch, then one G update.

    Introduced in notebook 03. ``make_train_step_k(generator, discriminator, opt_d, opt_g, k)`` must give
    back ``step(x_batches)``, ``x_batches`` a stack of k real batches. The check runs it once for k = 1
    and once for k = 3 on the small pair of ``check_train_step`` (its G draws one image for every z) with
    plain gradient descent, and compares the weights with a reference step.
    """
    name = "train_step_k"
    if not callable(make_train_step_k):
        return report(CheckResult(name, False, f"expected a function, got {type(make_train_step_k).__name__}."))
    with quiet_retracing():
        for k in STEP_K_CASES:
            failed = _one_k(make_train_step_k, k)
            if failed is not None:
                return report(failed)
    return report(CheckResult(name, True, f"for k = {' and k = '.join(map(str, STEP_K_CASES))}: k D updates, each "
                                          f"on its own real batch, then one G update through the updated D, equal "
                                          f"to a reference step; a compiled graph."))
