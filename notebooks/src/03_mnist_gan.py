# %%
# extra code – on Colab, Kaggle or a JupyterHub without the course, install gan_utils first (nothing happens in a checkout)
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("gan_utils") is None:
    GAN_UTILS_SOURCE = os.environ.get("GAN_UTILS_SOURCE", "git+https://github.com/gan-classroom/gan-classroom")
    print("installing gan_utils from", GAN_UTILS_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GAN_UTILS_SOURCE], check=True)
    importlib.invalidate_caches()

# %% [markdown]
# # 03 · An MNIST GAN, from scratch to a live dashboard
#
# In this notebook you write a complete GAN training step yourself, repair a GAN that is broken in
# eight classic ways, then train a convolutional GAN while steering it from a dashboard.
#
# Measured running time: 11 min (662 s) on 2 CPU cores where a default-recipe training step takes
# 27 ms (11,294 steps in 300 s in section 4); 10 of those minutes are section 4's two 300-s runs.
#
# The course's terms (logit, nats, mode collapse, ...) are defined in one place, the
# [glossary](../docs/glossary.md).

# %%
import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise
from gan_utils import broken

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display
from keras import layers

gu.set_seed(0)
FAST = gu.is_fast()  # extra code – True only in the test suite, which shrinks every workload

# %% [markdown]
# ## 1. The data
#
# The generator ends in $\tanh$, so real digits are scaled to $[-1, 1]$ with a channel axis:
# `x_real` has shape $(N, 28, 28, 1)$. Look for white ink on a black background below.

# %%
data = gu.load_mnist()
x_real = gu.to_float(data.x_train)
print("x_real:", x_real.shape, x_real.dtype, "range", (float(x_real.min()), float(x_real.max())))
gu.show_images(x_real[:32], nrow=16, title="real digits")
plt.show()

# %% [markdown]
# ## 2. The simplest GAN, every line in view
#
# First the MLP from the article this course grew from: $G$ maps $z \in \mathbb{R}^{100}$ through
# 256 hidden units to 784 pixels; $D$ flattens an image and maps it through 256 units to **one
# logit**. $D(x)=\sigma(\text{logit})$ is "probability real" (real = 1, fake = 0).

# %%
latent_dim = 100

generator = keras.Sequential([
    keras.Input((latent_dim,)),
    layers.Dense(256),
    layers.LeakyReLU(0.2),
    layers.Dense(28 * 28, activation="tanh"),  # pixels in [-1, 1], like x_real
    layers.Reshape((28, 28, 1)),
], name="generator")

discriminator = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Flatten(),  # (28, 28, 1) -> 784 numbers: Dense layers need a flat vector
    layers.Dense(256),
    layers.LeakyReLU(0.2),
    layers.Dense(1),  # one logit per image, no sigmoid: the loss applies it
], name="discriminator")

# %% [markdown]
# The parameter counts follow from the layer sizes: $(100+1)\cdot 256 + (256+1)\cdot 784$ for $G$
# and $(784+1)\cdot 256 + (256+1)$ for $D$.

# %%
# NBVAL_CHECK_OUTPUT
print(f"generator:     {generator.count_params():,} parameters, output {generator.output_shape}")
print(f"discriminator: {discriminator.count_params():,} parameters, output {discriminator.output_shape}")


# %% [markdown]
# ### The losses
#
# $D$ maximises $V(D,G)$, i.e. minimises $-\mathbb{E}[\log D(x)] - \mathbb{E}[\log(1-D(G(z)))]$.
# $G$ uses the **non-saturating** loss $-\mathbb{E}[\log D(G(z))]$ from notebook 02. With logits
# $l$: $-\log\sigma(l) = \mathrm{softplus}(-l)$ and $-\log(1-\sigma(l)) = \mathrm{softplus}(l)$.

# %%
def d_loss_fn(real_logits, fake_logits):
    """Discriminator loss: real labelled 1, fake labelled 0."""
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def g_loss_fn(fake_logits):
    """Non-saturating generator loss: -log D(G(z))."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


# %% [markdown]
# ### One training step
#
# Two tapes record two forward passes: one to update $D$, one to update $G$. Each update applies
# gradients to **its own** model's variables only. `tf.function` compiles the step into a graph.

# %%
opt_d = keras.optimizers.Adam(2e-4, beta_1=0.5)
opt_g = keras.optimizers.Adam(2e-4, beta_1=0.5)
batch_size = 64


@tf.function
def train_step(x_batch):
    z = tf.random.normal([batch_size, latent_dim])
    # 1. the discriminator: tell real from fake
    with tf.GradientTape() as d_tape:
        real_logits = discriminator(x_batch, training=True)
        fake_logits = discriminator(generator(z, training=True), training=True)
        d_loss = d_loss_fn(real_logits, fake_logits)
    d_grads = d_tape.gradient(d_loss, discriminator.trainable_variables)
    opt_d.apply_gradients(zip(d_grads, discriminator.trainable_variables))
    # 2. the generator: make D call its images real (fresh noise, through the updated D)
    z = tf.random.normal([batch_size, latent_dim])
    with tf.GradientTape() as g_tape:
        fake_logits = discriminator(generator(z, training=True), training=True)
        g_loss = g_loss_fn(fake_logits)
    g_grads = g_tape.gradient(g_loss, generator.trainable_variables)
    opt_g.apply_gradients(zip(g_grads, generator.trainable_variables))
    return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))


# %% [markdown]
# ### Train it
#
# Every step draws a fresh random batch of real digits. Watch $D(x)$ and $D(G(z))$: both should
# settle between 0 and 1 rather than racing to the extremes.

# %%
mlp_steps = gu.fast(2000, 20)
rng = np.random.default_rng(0)
z_fixed = tf.constant(rng.standard_normal((32, latent_dim)), tf.float32)
log = []
for step in range(1, mlp_steps + 1):
    x_batch = x_real[rng.integers(0, len(x_real), batch_size)]
    log.append([float(v) for v in train_step(x_batch)])
    if step % max(mlp_steps // 4, 1) == 0:
        d_loss, g_loss, d_real, d_fake = log[-1]
        print(f"step {step:5d}  D loss {d_loss:.3f}  G loss {g_loss:.3f}  D(x) {d_real:.2f}  D(G(z)) {d_fake:.2f}")
gu.show_images(generator(z_fixed, training=False).numpy(), nrow=16, title=f"MLP generator after {mlp_steps} steps")
plt.show()

# %% [markdown]
# Blurry but digit-like strokes after 2,000 steps (about 15 s on 2 cores): that is a working GAN.
# Section 4 swaps the MLPs for convolutions and trains them for five minutes.

# %% [markdown]
# ## 3. Debug a broken GAN
#
# The article's own code does not run, and reading it reveals more bugs. Below, each bug is
# reproduced safely by `gan_utils.broken` (errors are caught and printed as one line), then you
# write the fix and a `gu.checks` function tells you whether it is right. Solutions are at the end.

# %% [markdown]
# ### Bug 1: no `Flatten` before `Dense`
#
# A `Dense` layer acts on the **last** axis only. Without `Flatten`, $D$ maps each pixel row to
# numbers and outputs a $(28, 28, 1)$ "image" instead of one score, and the loss refuses it:

# %%
result = broken.no_flatten()
print("D output shape:", result["output_shape"])
print("caught:", result["error"])


# %% [markdown]
# **Fix it:** write `build_discriminator()` returning an MLP discriminator with one logit per image
# (and, see bug 7, no sigmoid at the end).

# %%
def build_discriminator():
    """Return a Keras model mapping (N, 28, 28, 1) images to (N, 1) logits."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_discriminator(build_discriminator);

# %% [markdown]
# ### Bug 2: the data set overwritten by its own batch
#
# The article's loop assigns the random batch back to the variable holding all the real images.
# After one step the "data set" is a single batch, then fewer and fewer distinct digits:

# %%
print("distinct real images left after each step:", broken.overwritten_data())


# %% [markdown]
# **Fix it:** write `real_batches(images, batch_size, steps, seed)` returning an array of shape
# `(steps, batch_size, 28, 28, 1)`, every batch drawn from the whole, untouched `images`.

# %%
def real_batches(images, batch_size, steps, seed):
    """Return `steps` random batches of real images, each drawn from all of `images`."""
    # Your code here
    return None


gu.checks.check_real_batches(real_batches);

# %% [markdown]
# ### Bug 3: 128 discriminator steps per generator step
#
# Its inner loop runs `batch_size` times, so $D$ takes 128 updates for every one of $G$. $D$ wins
# outright: $D(G(z)) \to 0$, and $G$'s loss climbs. Compare 3 steps of each schedule:

# %%
for k in (1, 128):
    h = broken.train_mlp_gan(x_real[:1000], steps=3, d_steps=k)
    print(f"d_steps={k:3d}:  D(x) {h['d_real'][-1]:.3f}  D(G(z)) {h['d_fake'][-1]:.3f}  G loss {h['g_loss'][-1]:.2f}")

# %% [markdown]
# **Fix it, by reading curves.** How many D steps per G step, $k$, is right? Three short runs of the
# same small GAN below used $k = 1$, $2$ and $5$, in an order kept from you. From their curves,
# decide which run used $k = 5$ and write its label in `answer`. Budget: about 15 s of training at
# full size.

# %%
quiz = broken.d_steps_quiz(x_real[:1000], steps=gu.fast(300, 30))
fig, axes = plt.subplots(1, 2, figsize=(10, 3))
for label, h in quiz.items():
    axes[0].plot(gu.plotting.smooth(h["d_loss"]), label=f"run {label}")
    axes[1].plot(gu.plotting.smooth(h["d_fake"]), label=f"run {label}")
axes[0].set(xlabel="generator step", ylabel="D loss (smoothed)")
axes[1].set(xlabel="generator step", ylabel="D(G(z)) (smoothed)")
axes[0].legend()
plt.show()

# %%
answer = None  # the label of the run that used k = 5: "A", "B" or "C"

gu.checks.check_d_steps(answer, runs=quiz);

# %% [markdown]
# ### Bugs 4 and 5: a "generator step" that never trains the generator through $D$
#
# The article trains $D$ (set `trainable = False`) on fakes labelled real (update A), then fits $G$
# **alone** to an all-zero target (update B): with matching shapes it just learns to paint black.

# %%
r = broken.seed_generator_step()
print("update A changed G:", r["A_generator_changed"], "| changed D:", r["A_discriminator_changed"])
print("update B as written, caught:", r["B_error"])
print("update B with matching shapes changed G:", r["B_generator_changed"], "| changed D:", r["B_discriminator_changed"])
gu.show_images(np.clip(r["B_samples"] * 2 - 1, -1, 1), nrow=16, title="G fitted to zeros, never shown D")
plt.show()


# %% [markdown]
# **Fix it (4):** write `generator_loss(fake_logits)`, the non-saturating loss $-\mathbb{E}[\log D(G(z))]$
# from logits. **Fix it (5):** write `generator_step(generator, discriminator, optimizer, z)` that
# updates $G$ **through** $D$ and leaves $D$ alone (no `trainable` flags: choose the variables).

# %%
def generator_loss(fake_logits):
    """Return -mean log D(G(z)) from the discriminator's logits on fakes."""
    # Your code here
    return None


def generator_step(generator, discriminator, optimizer, z):
    """Update the generator once through the discriminator; return the loss."""
    # Your code here
    return None


gu.checks.check_generator_loss(generator_loss)
gu.checks.check_generator_step(generator_step);

# %% [markdown]
# ### Bug 6: labels swapped
#
# Our convention is real = 1, fake = 0 (some tutorials flip it; then every loss must flip too).
# Swap it in $D$'s loss only, keep $G$'s loss as it is, and train the small MLP GAN for 100 steps.

# %% [markdown]
# **Predict, then run.** Before you run the training cell: with D's labels swapped, where will the
# average $D(G(z))$ end after 100 steps, `"near 0"`, `"near 0.5"` or `"near 1"`?

# %%
prediction = None  # "near 0", "near 0.5" or "near 1"

# %%
swapped = broken.train_mlp_gan(x_real[:1000], steps=100, swap_labels=True)  # about 2 s, also in the tests
print(f"labels swapped: D(x) {swapped['d_real'][-1]:.3f}  D(G(z)) {swapped['d_fake'][-1]:.3f}  "
      f"G loss {swapped['g_loss'][-1]:.3f}")
gu.checks.check_predict_swap(prediction, history=swapped);


# %% [markdown]
# **Fix it:** write `discriminator_loss(real_logits, fake_logits)` with real = 1 and fake = 0.

# %%
def discriminator_loss(real_logits, fake_logits):
    """Return D's loss from its logits on a real and a fake batch."""
    # Your code here
    return None


gu.checks.check_discriminator_loss(discriminator_loss);

# %% [markdown]
# ### Bug 7: a sigmoid fed to a loss that expects logits
#
# If $D$ ends in a sigmoid and its output in $(0, 1)$ is read as a logit, then
# $\sigma(\text{output}) \in (0.5, 0.73)$: $D$ can never call anything fake, and its loss cannot
# fall below about 1.0. Compare the lowest D loss in 100 steps:

# %%
for bug in (False, True):
    h = broken.train_mlp_gan(x_real[:1000], steps=gu.fast(100, 10), sigmoid_then_logits=bug)
    print(f"sigmoid then logits={bug!s:5}: lowest D loss {min(h['d_loss']):.3f}, "
          f"D(x) range [{min(h['d_real']):.2f}, {max(h['d_real']):.2f}]")

# %% [markdown]
# **Fix it:** your `build_discriminator` from bug 1 already returns logits; run its check again if
# you added a sigmoid. (Keras' own BCE sometimes undoes this bug for you silently; ours does not.)

# %% [markdown]
# ### Bug 8: pixels left in $[0, 255]$
#
# $G$'s $\tanh$ can only reach $[-1, 1]$, so real and fake images differ in brightness alone and
# $D$ wins at once. `gu.GANTrainer` refuses such images, and says why:

# %%
r = broken.pixels_0_255()
print("real pixel range:", r["real_range"], " generator range:", r["fake_range"])
print("caught:", r["trainer_error"])


# %% [markdown]
# **Fix it:** write `prepare_images(images)`: `uint8` $(N, 28, 28)$ to `float32` $(N, 28, 28, 1)$ in $[-1, 1]$.

# %%
def prepare_images(images):
    """Scale uint8 digits to float32 in [-1, 1] with a channel axis."""
    # Your code here
    return None


gu.checks.check_prepare_images(prepare_images);

# %% [markdown]
# ## 4. A convolutional GAN with `gu.GANTrainer`
#
# The DCGAN in `gu.models` replaces the MLPs with (transposed) convolutions and BatchNorm.
# `gu.GANTrainer` runs the same two-tape step as section 2, plus checkpoints and divergence checks.
# Its settings come from `gu.recipes`, chosen by measuring quality per CPU-second: the **hinge loss**
# $\max(0, 1 - D(x)) + \max(0, 1 + D(G(z)))$ on raw scores, a high learning rate with Adam's
# $\beta_1 = 0$, one shared forward pass for both updates, and an exponential moving average of
# $G$'s weights for sampling (notebook 04 compares these choices).

# %%
settings = gu.recipes.recipe("dcgan")
sizes = settings.pop("sizes")
print("settings:", settings, "sizes:", sizes or "defaults")
trainer = gu.GANTrainer("dcgan", x_real, **settings, **sizes)
print(f"generator {trainer.generator.count_params():,} parameters, "
      f"discriminator {trainer.discriminator.count_params():,} parameters")

# %% [markdown]
# Now train for five minutes of training time, the wall-clock time spent in training steps (a few
# seconds in the test suite). The bar shows the
# losses and the speed; press Interrupt any time and the trainer stops cleanly between steps.

# %%
seconds = gu.fast(300, 5)
trainer.fit(seconds=seconds)
print(f"{trainer.step_count} steps in {trainer.train_time:.0f} s of training")

# %% [markdown]
# The same 64 noise vectors $z$ have been fed to $G$ all along; here is what they give now.

# %%
gu.show_images(trainer.fixed_samples(), nrow=16, title=f"DCGAN, fixed noise, step {trainer.step_count}")
plt.show()

# %% [markdown]
# The training curves (section 5 explains how to read them):

# %%
gu.plot_history(trainer)
plt.show()

# %% [markdown]
# Numbers rather than impressions: `gu.metrics.evaluate` classifies fresh samples with a reference
# digit classifier. The MNIST score runs from 1 (one blob) to 10 (ten crisp, equally common digits);
# "classes covered" counts digits that get at least 2% of the samples. Notebook 05 explains them all.

# %%
scores = gu.metrics.evaluate(trainer.sample(gu.fast(2000, 200)), data)
for key in ("mnist_score", "frechet_distance", "classes_covered", "memorisation_rate"):
    print(f"{key:18s} {scores[key]:.3f}" if isinstance(scores[key], float) else f"{key:18s} {scores[key]}")

# %% [markdown]
# ### Telling the generator which digit to draw
#
# A **conditional GAN** (Mirza and Osindero, 2014) gives both players the label $y$: $G(z, y)$ draws
# the digit it is asked for and $D(x, y)$ judges whether $x$ is a real example *of that digit*
# (ours uses a projection discriminator, Miyato and Koyama, 2018). Ten simpler targets replace one
# hard one, and every class is drawn by construction. This is the course's default model (`make train`).

# %%
csettings = gu.recipes.recipe("cdcgan")
csizes = csettings.pop("sizes")
ctrainer = gu.GANTrainer("cdcgan", x_real, data.y_train, **csettings, **csizes)
ctrainer.fit(seconds=seconds)
print(f"{ctrainer.step_count} steps in {ctrainer.train_time:.0f} s of training")
gu.show_images(ctrainer.fixed_samples(), nrow=16, title="conditional DCGAN: fixed noise, labels 0-9 in turn")
plt.show()

# %% [markdown]
# Same budget, same recipe, one extra input: compare its numbers with the unconditional run above.

# %%
cscores = gu.metrics.evaluate(ctrainer.sample(gu.fast(2000, 200)), data)
for key in ("mnist_score", "frechet_distance", "classes_covered", "memorisation_rate"):
    print(f"{key:18s} {cscores[key]:.3f}" if isinstance(cscores[key], float) else f"{key:18s} {cscores[key]}")

# %% [markdown]
# ### The dashboard
#
# `gu.TrainingDashboard` wraps the trainer: **Step D**, **Step G**, **Step** (both), x10, x100,
# **Play/Pause**, Reset, Save, Load; sliders for both learning rates and D steps per G step; the
# loss; how often the view updates. Press Play and keep using the notebook while it trains.

# %%
dash = gu.TrainingDashboard(trainer, update_every=10, score_every=500, score_samples=gu.fast(500, 50))
display(dash)

# %% [markdown]
# The same object works from code, which is how the tests drive it: `dash.step(10)`, `dash.play()`,
# `dash.pause()`. A saved notebook cannot show live widgets, so `dash.snapshot()` shows the view.

# %%
dash.step(gu.fast(20, 2))
dash.score_now()
dash.redraw()
print(dash.status_text)
dash.snapshot()

# %% [markdown]
# ## 5. Reading the curves
#
# At the game's equilibrium $p_g = p_{data}$ and D cannot tell real from fake: $D(x) = D(G(z)) = 0.5$.
# D's loss is then $\log 4 \approx 1.386$ for the cross-entropy losses, and 2 for the hinge loss
# (D outputs a score of 0 for everything). In practice neither player wins: the curves **hover**
# near these values. In a healthy run:
#
# - D's loss is noisy but steady, usually somewhat below its equilibrium value ($D$ is a little
#   ahead, as it usually is), and not trending towards 0;
# - $D(x)$ sits a little above $D(G(z))$, both away from 0 and 1.

# %%
h = trainer.history
last = slice(-min(200, len(h["step"])), None)
equilibrium = {"hinge": 2.0, "wgan_gp": 0.0}.get(trainer.loss, np.log(4))
print(f"last {len(h['step'][last])} steps: mean D loss {np.mean(h['d_loss'][last]):.3f} "
      f"(equilibrium for the {trainer.loss} loss: {equilibrium:.3f}), "
      f"mean D(x) {np.mean(h['d_real'][last]):.2f}, mean D(G(z)) {np.mean(h['d_fake'][last]):.2f}")

# %% [markdown]
# Warning signs:
#
# - **D wins**: D loss $\to 0$, $D(x)\to 1$, $D(G(z))\to 0$, G loss climbing (bugs 3 and 8 above).
# - **Divergence**: losses jump by orders of magnitude or become NaN; samples turn to noise.
# - **Collapse**: losses look fine but every sample shows the same digit (notebook 04).

# %% [markdown]
# ### When a loss becomes NaN
#
# A numerical accident (here forced: one generator weight set to infinity) makes the losses NaN.
# The dashboard pauses, says what happened, and offers **Restore last good state**: the last finite
# weights the trainer rolled back to or, if those are bad too, the last **Save**.

# %%
dash.save()  # a known good state
weight = trainer.generator.trainable_variables[0]
weight.assign(tf.fill(weight.shape, np.inf))  # the accident
dash.step(5)
print(dash.status_text[:150], "...")
dash.restore_button.click()  # what the button does; from code: dash.restore()
print("after restore:", dash.status_text.split("   ")[-1], "| weights finite:", bool(np.isfinite(weight.numpy()).all()))

# %% [markdown]
# ## 6. Saving, resuming and loading a pretrained generator
#
# `trainer.save(folder)` writes weights, optimiser state, random state and history (atomically).
# `gu.GANTrainer.restore` rebuilds the trainer; training on gives **exactly** the steps the original
# would have taken.

# %%
run = gu.runs_dir() / "03_mnist_gan"
trainer.save(run)
resumed = gu.GANTrainer.restore(run, x_real)
a, b = trainer.step(3), resumed.step(3)
print("saved to", run.relative_to(gu.repo_root()), "| step", a["step"], "| identical losses after resuming:",
      (a["d_loss"], a["g_loss"]) == (b["d_loss"], b["g_loss"]))

# %% [markdown]
# Longer training helps. The course ships a generator trained for longer (`make pretrained` builds
# it); `gu.load_pretrained("dcgan")` loads it in a second. If it is not there, we use ours.

# %%
if "dcgan" in gu.pretrained.pretrained_names():
    final_generator, where = gu.load_pretrained("dcgan"), "the pretrained generator"
else:
    final_generator, where = trainer.generator, "the generator trained above (no pretrained 'dcgan' found)"
print("using", where)
gu.show_images(gu.pretrained.generate(final_generator, 64, seed=1), nrow=16, title=where)
plt.show()


# %% [markdown]
# ## Summary
#
# - A GAN step is two tapes: update $D$ on real (1) and fake (0), then $G$ through $D$ with
#   $-\log D(G(z))$, each on its own variables.
# - Classic bugs show themselves: wrong shapes, a shrinking data set, $D$ winning outright, $G$
#   never seeing $D$, swapped labels, a double sigmoid, unscaled pixels.
# - $D(x)$ a little above $D(G(z))$, both away from 0 and 1, and a D loss that stays steady a little
#   below its equilibrium value ($\log 4$ for the cross-entropy losses, 2 for the hinge loss) mean a
#   balanced game.
# - `gu.TrainingDashboard` steps, plays, pauses and steers training; NaNs pause it, not crash it.
# - Checkpoints resume exactly; `gu.load_pretrained` skips training.
#
# ## Exercises
#
# 1. The eight fixes in section 3, each with its check cell.
# 2. Write `mean_d_outputs(real_logits, fake_logits)` returning the pair (mean $D(x)$, mean $D(G(z))$)
#    that the dashboard plots. Run the check.
# 3. **Predict, then try.** With the dashboard, press Save, set D steps per G step to 5 and press
#    Step x100 (budget: 100 G steps and 500 D steps, under a minute at full size). First write down
#    whether you expect $D(G(z))$ to fall clearly, rise, or stay about the same; then compare with
#    the quiz of section 3, which used the cross-entropy loss and a fresh GAN. Press Load and set the
#    slider back to 1 to undo it. The solution measures the same thing in code.

# %%
def mean_d_outputs(real_logits, fake_logits):
    """Return (mean D(x), mean D(G(z))) from the discriminator's logits."""
    # Your code here
    return None


gu.checks.check_mean_d_outputs(mean_d_outputs);


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
def build_discriminator():
    """Return a Keras model mapping (N, 28, 28, 1) images to (N, 1) logits."""
    return keras.Sequential([
        keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(256), layers.LeakyReLU(0.2), layers.Dense(1),
    ])


def real_batches(images, batch_size, steps, seed):
    """Return `steps` random batches of real images, each drawn from all of `images`."""
    rng = np.random.default_rng(seed)
    return np.stack([images[rng.integers(0, len(images), batch_size)] for _ in range(steps)])


# Bug 3: run B. Its D loss sits lowest and its D(G(z)) falls furthest: five D updates per G update.
answer = "B"
# Bug 6: D is trained to call fakes real, which is what G wants too: D(G(z)) ends near 1.
prediction = "near 1"

assert gu.checks.check_discriminator(build_discriminator)
assert gu.checks.check_real_batches(real_batches)
assert gu.checks.check_d_steps(answer, runs=quiz)
assert gu.checks.check_predict_swap(prediction, history=swapped)


# %% jupyter={"source_hidden": true} tags=["solution"]
def generator_loss(fake_logits):
    """Return -mean log D(G(z)) from the discriminator's logits on fakes."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


def generator_step(generator, discriminator, optimizer, z):
    """Update the generator once through the discriminator; return the loss."""
    with tf.GradientTape() as tape:
        loss = generator_loss(discriminator(generator(z, training=True), training=True))
    grads = tape.gradient(loss, generator.trainable_variables)
    optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return loss


def discriminator_loss(real_logits, fake_logits):
    """Return D's loss from its logits on a real and a fake batch."""
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def prepare_images(images):
    """Scale uint8 digits to float32 in [-1, 1] with a channel axis."""
    return (images.astype(np.float32) / 127.5 - 1.0)[..., None]


assert gu.checks.check_generator_loss(generator_loss)
assert gu.checks.check_generator_step(generator_step)
assert gu.checks.check_discriminator_loss(discriminator_loss)
assert gu.checks.check_prepare_images(prepare_images)


# %% jupyter={"source_hidden": true} tags=["solution"]
def mean_d_outputs(real_logits, fake_logits):
    """Return (mean D(x), mean D(G(z))) from the discriminator's logits."""
    return float(tf.reduce_mean(tf.sigmoid(real_logits))), float(tf.reduce_mean(tf.sigmoid(fake_logits)))


assert gu.checks.check_mean_d_outputs(mean_d_outputs)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3: 100 steps from the trained run, once with k = 1 and once with k = 5. When this was
# written, both ended at a mean D(G(z)) of about 0.38 (0.385 and 0.383): about the same. Unlike the
# quiz (cross-entropy loss, a fresh GAN), the recipe's hinge loss gives G a gradient that does not
# shrink as D grows sure, and 100 steps from a balanced, trained pair are too few for D to pull away.
for k in (1, 5):
    trial = gu.GANTrainer.restore(run, x_real)  # the run saved in section 6
    trial.d_steps = k
    trial.fit(steps=gu.fast(100, 2), progress=False)
    print(f"d_steps {k}: mean D(G(z)) over the last 20 steps {np.mean(trial.history['d_fake'][-20:]):.3f}")


# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A.
#   and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B. and Hochreiter, S. (2017). GANs Trained by
#   a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium. arXiv:1706.08500.
# - Ioffe, S. and Szegedy, C. (2015). Batch Normalization: Accelerating Deep Network Training by
#   Reducing Internal Covariate Shift. arXiv:1502.03167.
# - Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization. arXiv:1412.6980.
# - Lim, J. H. and Ye, J. C. (2017). Geometric GAN. arXiv:1705.02894.
# - Mirza, M. and Osindero, S. (2014). Conditional Generative Adversarial Nets. arXiv:1411.1784.
# - Miyato, T. and Koyama, M. (2018). cGANs with Projection Discriminator. arXiv:1802.05637.
# - Radford, A., Metz, L. and Chintala, S. (2015). Unsupervised Representation Learning with Deep
#   Convolutional Generative Adversarial Networks. arXiv:1511.06434.
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A. and Chen, X. (2016). Improved
#   Techniques for Training GANs. arXiv:1606.03498.
# - Yazıcı, Y., Foo, C.-S., Winkler, S., Yap, K.-H., Piliouras, G. and Chandrasekhar, V. (2019). The
#   Unusual Effectiveness of Averaging in GAN Training. arXiv:1806.04498.
