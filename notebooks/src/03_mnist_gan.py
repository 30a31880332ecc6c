# %%
# extra code – on Colab, Kaggle or a JupyterHub without the course, install gan_utils first (nothing happens in a checkout)
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("gan_utils") is None:
    GAN_UTILS_SOURCE = os.environ.get("GAN_UTILS_SOURCE", "")  # a wheel, a clone's folder or a git+https URL
    if not GAN_UTILS_SOURCE:
        print("gan_utils is not installed here, and GAN_UTILS_SOURCE does not say where to install it from.\n"
              "Get the course's wheel from your teacher, or build it in a clone of the course: `make wheel`\n"
              "writes dist/gan_utils-VERSION-py3-none-any.whl. Upload it where this notebook runs (Colab: the\n"
              "Files panel), run this line in a new cell above this one, with the uploaded file's name:\n"
              "    %env GAN_UTILS_SOURCE=gan_utils-VERSION-py3-none-any.whl\n"
              "then run this cell again. GAN_UTILS_SOURCE may also be a clone's folder or a git+https:// URL.\n"
              "On your own machine, install from a clone instead: pip install /path/to/the/clone")
        raise RuntimeError("gan_utils is missing: set GAN_UTILS_SOURCE as explained above, then run this cell again")
    print("installing gan_utils from", GAN_UTILS_SOURCE)
    if subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GAN_UTILS_SOURCE]).returncode:
        raise RuntimeError(f"pip could not install gan_utils from {GAN_UTILS_SOURCE!r}: its message is above")
    importlib.invalidate_caches()

# %% [markdown]
# # 03 · An MNIST GAN, from scratch to a live dashboard
#
# You write the core of a GAN yourself and the notebook trains on it: the two losses, one training
# step, and a convolutional discriminator. In between you debug a broken listing in the style of the
# article this course grew from. Then you steer training from a dashboard and ask a generator for a
# chosen digit.
#
# **Running time:** about 3 minutes on a 2-core laptop.
#
# A cell tagged `build` holds a function for you to write (your copy leaves its body empty; the
# course's own notebook holds a worked solution). The cell after it checks your version and the notebook goes on with yours if it passed,
# else with the course's, saying which in one line. `gu.checks.hint("name")` gives one more level of
# help per call. Terms are defined where they first appear, and in the [glossary](../docs/glossary.md).

# %%
import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import math
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display
from keras import layers

gu.set_seed(0)

# %% [markdown]
# ## 1. The data
#
# The generator ends in $\tanh$, so real digits are scaled to $[-1, 1]$ with a channel axis:
# `x_real` holds all $n$ training digits, shape $(n, 28, 28, 1)$. Look for white ink on a black
# background.

# %%
data = gu.load_mnist()
x_real = gu.to_float(data.x_train)
print("x_real:", x_real.shape, x_real.dtype, "range", (float(x_real.min()), float(x_real.max())))
gu.show_images(x_real[:32], nrow=16, title="real digits")
plt.show()

# %% [markdown]
# ## 2. The simplest GAN
#
# Two small multilayer perceptrons, our own, with the article's sizes. $G$ maps
# $z \in \mathbb{R}^{100}$ through $m = 256$ hidden units (LeakyReLU) to 784 pixels ($\tanh$). $D$
# flattens an image and maps it through 256 units to **one logit** $\ell$; $D(x) = \sigma(\ell)$ is
# "probability real" (real = 1, fake = 0). The parameter counts follow from the sizes:
# $(100+1)\cdot 256 + (256+1)\cdot 784$ for $G$, $(784+1)\cdot 256 + (256+1)$ for $D$.

# %%
latent_dim = 100
mlp_g = keras.Sequential([
    keras.Input((latent_dim,)),
    layers.Dense(256),
    layers.LeakyReLU(0.2),
    layers.Dense(28 * 28, activation="tanh"),  # pixels in [-1, 1], like x_real
    layers.Reshape((28, 28, 1)),
], name="mlp_generator")
mlp_d = keras.Sequential([
    keras.Input((28, 28, 1)),
    layers.Flatten(),  # (28, 28, 1) -> 784 numbers: Dense layers act on the last axis
    layers.Dense(256),
    layers.LeakyReLU(0.2),
    layers.Dense(1),  # one logit per image, no sigmoid: the loss works from the logit
], name="mlp_discriminator")

# %%
# NBVAL_CHECK_OUTPUT
print(f"generator:     {mlp_g.count_params():,} parameters, output {mlp_g.output_shape}")
print(f"discriminator: {mlp_d.count_params():,} parameters, output {mlp_d.output_shape}")

# %% [markdown]
# ### The losses, in TensorFlow
#
# Notebook 02 wrote $D$'s loss and the non-saturating generator loss in NumPy, from probabilities
# ([02, section 4](02_gan_objective.ipynb)). Here $D$ hands over logits, and in float32 $\sigma(\ell)$
# rounds to exactly 1 once $\ell$ passes about 17, so write both losses straight from the logits,
# each averaged over its batch, with TensorFlow operations. The next cell checks them; the rest of
# the notebook uses yours.

# %% tags=["build"]
def discriminator_loss(real_logits, fake_logits):
    """D's loss from its logits on a real and a fake batch (real = 1, fake = 0)."""
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss(fake_logits):
    """G's non-saturating loss, -mean log D(G(z)), from D's logits on fakes."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


# %%
gu.checks.check_discriminator_loss(discriminator_loss)
gu.checks.check_generator_loss(generator_loss)
discriminator_loss = gu.checks.yours_or_reference(discriminator_loss, exercise="discriminator_loss")
generator_loss = gu.checks.yours_or_reference(generator_loss, exercise="generator_loss")

# %% [markdown]
# ### One training step: first $D$, then $G$
#
# $D$ takes a gradient step on a real batch and a fake batch; then $G$ takes one, on fresh noise,
# through the **updated** $D$: a *sequential* update with $k = 1$ ($k$, `d_steps`, counts $D$'s
# updates per $G$ update). Each update applies its gradient to its own model's variables only.
# `tf.GradientTape` records a forward pass so that `tape.gradient` can differentiate it, and
# `@tf.function` **traces** the step: it runs the Python once, records the TensorFlow operations as a
# graph, and from then on runs that graph, much faster ([glossary](../docs/glossary.md#gradienttape-and-tracing-tffunction)).
# Write `make_train_step`; the MLP and, in section 4, a convolutional pair train with it.

# %% tags=["build"]
def make_train_step(generator, discriminator, opt_d, opt_g):
    """Return a compiled step(x_batch) -> (D's loss, G's loss, mean D(x), mean D(G(z))): D's update, then G's."""
    latent_dim = generator.inputs[0].shape[-1]

    @tf.function
    def step(x_batch):
        n = tf.shape(x_batch)[0]
        with tf.GradientTape() as tape:  # 1. D: tell real (1) from fake (0)
            real_logits = discriminator(x_batch, training=True)
            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
            d_loss = discriminator_loss(real_logits, fake_logits)
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:  # 2. G: make the updated D call fresh fakes real
            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
            g_loss = generator_loss(fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))

    return step


# %%
gu.checks.check_train_step(make_train_step)
make_train_step = gu.checks.yours_or_reference(make_train_step)

# %% [markdown]
# ### Train it
#
# The loop below (plumbing) draws every batch from the whole data set and records what the step
# returns. Both players use Adam (notebook 01) with $\eta_G = \eta_D = 2\cdot10^{-4}$ and $\beta_1 = 0.5$,
# a common choice for GANs: $\beta_1$ sets how fast Adam's running average of past gradients forgets
# (notebook 02; [glossary](../docs/glossary.md#adam-and-β₁)). Watch $D(x)$ and $D(G(z))$ in the
# printout: in a working GAN both stay away from 0 and 1. Then look at the samples, drawn after the
# last step: strokes rather than noise.

# %%
def train(train_step, steps, images, batch_size=64, seed=0, generator=None, z_strip=None, strip_every=0):
    """Run `steps` steps on random batches of `images`; return the history and the fixed-noise strip {step: images}."""
    rng = np.random.default_rng(seed)
    history = {key: [] for key in ("step", "d_loss", "g_loss", "d_real", "d_fake")}
    strip = {}
    for step in range(steps + 1):
        if strip_every and step % strip_every == 0:
            strip[step] = generator(z_strip, training=False).numpy()  # the same z, rendered at this step
        if step == steps:
            return history, strip
        x_batch = tf.constant(images[rng.integers(0, len(images), batch_size)])
        values = [float(v) for v in train_step(x_batch)]
        for key, value in zip(history, [step + 1, *values]):
            history[key].append(value)
        if (step + 1) % max(steps // 4, 1) == 0:
            print(f"step {step + 1:5d}  D loss {values[0]:.3f}  G loss {values[1]:.3f}  "
                  f"D(x) {values[2]:.2f}  D(G(z)) {values[3]:.2f}")


mlp_steps = gu.fast(2000, 20)
mlp_step = make_train_step(mlp_g, mlp_d, keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
start = time.perf_counter()
mlp_history, _ = train(mlp_step, mlp_steps, x_real)
print(f"{mlp_steps:,} steps in {time.perf_counter() - start:.1f} s")
z_show = tf.constant(np.random.default_rng(0).standard_normal((32, latent_dim)), tf.float32)
gu.show_images(mlp_g(z_show, training=False).numpy(), nrow=16, title=f"MLP generator after {mlp_steps:,} steps")
plt.show()

# %% [markdown]
# Speckled strokes, some already readable as digits: a GAN that learns. Section 4 trains the same
# step on convolutional models.
#
# ## 3. Debug a broken listing
#
# The article this course grew from (reference [1]) ends with an MLP GAN in Keras whose code does not
# run. The listing below is **our own code in its style**: its sizes (100-256-784), Keras' `compile`
# and `train_on_batch`, pixels in $[0, 1]$ with sigmoid outputs, and its bugs, kept on purpose.
# Run it, read the error or the symptom, **edit the listing cell**, run it again. A check runs each
# piece you fix.

# %%
# The broken listing: our own code in the style of the seed article's section 4 (reference [1] below),
# with its bugs kept on purpose (its ReLU and sigmoid are not bugs: kept as there). Edit this cell to fix it.
def build_generator():
    generator = keras.Sequential([
        keras.Input((100,)),
        layers.Dense(256, activation="relu"),
        layers.Dense(784, activation="sigmoid"),
        layers.Reshape((28, 28, 1)),
    ])
    generator.compile(optimizer="adam", loss="binary_crossentropy")
    return generator


def build_discriminator():
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Dense(256, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    return discriminator


def d_batch(fakes, reals):
    images = np.concatenate([fakes, reals])
    labels = np.zeros(len(images))
    labels[:len(fakes)] = 1
    return images, labels


def train_listing(generator, discriminator, real_images, steps, batch_size=128):
    for step in range(steps):
        for _ in range(batch_size):
            idx = np.random.randint(0, real_images.shape[0], batch_size)
            real_images = real_images[idx]
            fakes = generator.predict(np.random.normal(0, 1, (batch_size, 100)), verbose=0)
            images, labels = d_batch(fakes, real_images)
            discriminator.trainable = True
            discriminator.train_on_batch(images, labels)
        noise = np.random.normal(0, 1, (batch_size, 100))
        discriminator.trainable = False
        discriminator.train_on_batch(generator.predict(noise, verbose=0), np.ones(batch_size))
        generator.train_on_batch(noise, np.zeros(batch_size))


def show(generator):
    plt.imshow(generator.predict(np.random.normal(0, 1, (1, 100)), verbose=0)[0, :, :, 0])


# %% [markdown]
# Run it on 1,000 digits on the listing's $[0, 1]$ scale: 2 steps of batch 32 (the listing's own 128
# makes each step slow). `gu.bugs.run_listing` catches an error and prints it in one line, or lists
# what it saw the loop do.

# %%
x_01 = (x_real[:1000] + 1) / 2  # the listing's pixel scale
listing_run = gu.bugs.run_listing(train_listing, build_generator, build_discriminator, x_01, steps=2, batch_size=32)

# %% [markdown]
# ### The error: no `Flatten`
#
# The target holds one label per image, but $D$'s output has the shape of an image. A `Dense` layer
# acts on the **last** axis only, here the channel axis of size 1, so the listing's $D$ scores every
# pixel on its own. Fix `build_discriminator` in the listing, run the listing's cell, then this check:

# %%
gu.checks.check_listing_discriminator(build_discriminator);

# %% [markdown]
# ### One label, two meanings
#
# `d_batch` stacks the fakes first and gives the first half the label 1: fakes are 1 and reals 0, the
# reverse of this course's convention. Yet the listing's "generator step" labels fakes 1 to mean
# *real*. Exercise 2 measures what mixing the two does. Fix `d_batch`:

# %%
gu.checks.check_listing_labels(d_batch);

# %% [markdown]
# ### The loop
#
# With $D$ fixed, run the listing's cell and the `run_listing` cell again to see the loop's symptoms;
# the check below lists those it still sees in 3 steps of batch 8 on small models. Read the loop for:
# the variable that holds the data set after one batch; how many $D$ updates come per $G$ update; what a
# `train_on_batch` call on $D$ can change (not $G$'s weights); what
# `generator.train_on_batch(noise, zeros)` fits $G$ to. Fix it so that $G$ learns through $D$'s verdict with no `trainable` flags: choose
# the variables, as your step does.

# %%
gu.checks.check_listing_loop(train_listing);

# %% [markdown]
# ### Why the `trainable` flag misleads
#
# The listing sets `discriminator.trainable = False` after `compile`. Keras 3 reads the flag only when
# it traces $D$'s training function: at the first `train_on_batch`, and again for each new input
# shape. The reproduction runs the listing's order on tiny models, first with a new batch shape for
# the frozen call, then with the $D$ step's shape:

# %%
# NBVAL_CHECK_OUTPUT
r = gu.bugs.frozen_without_recompile()
print(f"after trainable = False, D reports {r['trainable_weights_after_freeze']} trainable weights")
print("frozen call, a new batch shape:     changed D:", r["article_sizes_changed_D"], "| changed G:", r["frozen_changed_G"])
print("frozen call, the D step's shape:    changed D:", r["same_size_changed_D"])
print("the same call after compile() again: changed D:", r["recompiled_changed_D"])

# %% [markdown]
# With a new shape the flag held, because Keras traced again; with the same shape $D$'s weights moved
# although it reports no trainable weights; after a new `compile` they stayed. $G$ never changed: a
# call on $D$ cannot train $G$. The course never relies on the flag: its steps choose the variables.
#
# ### The picture
#
# `show` calls `plt.imshow` with no colour map and no pixel range. Below it draws one sample of the
# listing's untrained generator, whose pixels all lie between about 0.2 and 0.8 (the title prints their
# range): on the $[0, 1]$ scale, a mid-grey noise with no black and no white. Look at the colours and the
# contrast.

# %%
plt.figure(figsize=(3, 3))
with gu.runtime.quiet_retracing():  # extra code – each new Keras model retraces predict; the warning is noise here
    show(build_generator())  # the listing's show, on an untrained listing generator
pixels = plt.gca().images[0].get_array()
plt.title(f"show(): pixels {pixels.min():.2f} to {pixels.max():.2f}")
plt.show()

# %% [markdown]
# Matplotlib's default colour map, viridis, draws it in purples, greens and yellows, and stretches each
# image between its own darkest and brightest pixel, so mid-grey noise spans the whole colour map, as a
# bold black-and-white digit would.
# (The article also never imports `numpy` and `matplotlib`, so as a script it stops with `NameError`;
# this notebook's imports hide that.) Fix `show`, run the listing's cell and the picture again (mid-grey
# noise now), then the check:

# %%
gu.checks.check_listing_show(show);

# %% [markdown]
# When the four checks pass, run the listing's cell and `run_listing` again: no symptom is left and
# the listing trains (the Solutions run the fixed listing).
#
# ## 4. A convolutional GAN, trained with your step
#
# The DCGAN (Radford et al. 2015) replaces the MLPs with convolutions. A convolution slides a small grid
# of weights, a **kernel** (here $4 \times 4$; notebook 01's "filters"), over the image; its **stride**
# is how far it moves between positions, so stride 2 halves the height and width. A **transposed
# convolution** with stride 2 runs the other way and doubles them. **Batch normalisation** rescales each
# feature to zero mean and unit variance over the batch, then applies a learnt scale and shift, which
# keeps $G$'s layers in a range where they learn (glossary:
# [transposed convolution](../docs/glossary.md#transposed-convolution),
# [batch normalisation](../docs/glossary.md#batch-normalisation)).

# %% [markdown]
# $G$ (from `gu.models`) maps $z$ through a dense layer to a $7 \times 7 \times 128$ block, then two
# stride-2 transposed convolutions: $14 \times 14 \times 64$, then $28 \times 28 \times 1$, with batch
# normalisation and ReLU between and $\tanh$ at the end. Read the output shapes down the table:

# %%
gu.set_seed(0)
generator = gu.models.dcgan_generator(latent_dim, base_filters=128)
display(gu.models.layer_table(generator))

# %% [markdown]
# $D$ runs the other way, $28 \times 28 \to 14 \times 14 \to 7 \times 7$: two stride-2 convolutions
# (32 then 64 filters, $4 \times 4$ kernels, `padding="same"`: zeros around the border so that stride 2
# gives exactly half the size), each followed by LeakyReLU(0.2), then
# `Flatten` and one `Dense` logit with no activation, and no batch normalisation. Write it; the check
# runs it on a batch and tests that it is not linear; the main run trains your $D$.

# %% tags=["build"]
def build_dcgan_discriminator():
    """Return a Keras model mapping (n, 28, 28, 1) images to (n, 1) logits through stride-2 convolutions."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 4, strides=2, padding="same"),  # 28 x 28 -> 14 x 14
        layers.LeakyReLU(0.2),
        layers.Conv2D(64, 4, strides=2, padding="same"),  # 14 x 14 -> 7 x 7
        layers.LeakyReLU(0.2),
        layers.Flatten(),
        layers.Dense(1),
    ], name="dcgan_discriminator")


# %%
gu.checks.check_dcgan_discriminator(build_dcgan_discriminator)
build_dcgan_discriminator = gu.checks.yours_or_reference(build_dcgan_discriminator)
discriminator = build_dcgan_discriminator()
g_params, d_params = generator.count_params(), discriminator.count_params()
print(f"G: {g_params:,} parameters, D: {d_params:,} (G : D = {g_params / d_params:.1f} : 1)")

# %% [markdown]
# ### The main run
#
# $G$ holds most of the parameters (the ratio printed above): its first dense layer alone has 627,200
# (the table). Your `make_train_step` trains this pair with section 2's optimisers (Adam,
# $\eta_G = \eta_D = 2\cdot10^{-4}$, $\beta_1 = 0.5$). At regular intervals the loop renders the **same 16 noise
# vectors** through $G$: a fixed-noise strip, one row per moment of training, also written as an
# animated GIF beside the run. The run prints its own time (classroom mode, `gu.classroom(True)`, trains
# 500 steps).

# %%
main_steps = gu.fast(2000, 20)
if gu.classroom_replaces("training 500 steps", "2,000 steps", "train 2,000 (rerun the cells that build G and D first)"):
    main_steps = gu.fast(500, 20)
z_strip = tf.constant(np.random.default_rng(1).standard_normal((16, latent_dim)), tf.float32)
main_step = make_train_step(generator, discriminator,
                            keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5))
start = time.perf_counter()
main_history, strip = train(main_step, main_steps, x_real, generator=generator, z_strip=z_strip,
                            strip_every=max(main_steps // 5, 1))
main_seconds = time.perf_counter() - start
run_dir = gu.runs_dir() / "03_mnist_gan"
gif = gu.plotting.save_gif(strip.values(), run_dir / "fixed_noise.gif", nrow=16)
print(f"{main_steps:,} steps in {main_seconds:.0f} s ({1000 * main_seconds / main_steps:.0f} ms per step, "
      f"compiling included); the strip as a GIF: {gu.paths.display_path(gif)}")

# %% [markdown]
# Each row is the same 16 vectors $z$ at a later step, from the untrained $G$ at the top. Look for grey
# noise turning into strokes by the second row and strokes into digits later; a column may change its
# digit for a while before it settles.

# %%
gu.show_images(np.concatenate(list(strip.values())), nrow=16,
               title="fixed noise at steps " + ", ".join(f"{s:,}" for s in strip))
plt.show()

# %% [markdown]
# The curves, faint per step and bold as a moving average. At the game's **equilibrium** (a state
# that neither player can improve on by changing alone) $D$ cannot tell real from fake:
# $D(x) = D(G(z)) = 1/2$ and $D$'s loss is $\log 4 \approx 1.386$ (dashed). In a healthy run $D$'s
# loss hovers a little below it without sinking towards 0, and $D(x)$ sits a little above $D(G(z))$,
# both away from 0 and 1. "$D$ wins" looks like $D$'s loss $\to 0$ and $D(G(z)) \to 0$;
# collapse to a few digits shows in the samples, not the curves (notebook 04).

# %%
gu.plotting.plot_smoothed_history(main_history, d_equilibrium=float(np.log(4)))
plt.show()

# %% [markdown]
# ### How we score digits
#
# Notebook 05 explains each number. A reference digit classifier reads 2,000 fresh samples. The **MNIST
# score** runs from 1 (one class) to 10 (ten crisp, equally common digits). The **Fréchet distance**
# compares the mean and **covariance** (how two quantities vary together; for 128 features, a
# $128 \times 128$ matrix) of the classifier's features (the 128 values of its last hidden layer) on
# fakes and on real digits: 0 when they match, lower is better. **Classes covered** counts
# digits with at least 2% of the samples. **Memorised** is the share of samples closer to a training
# digit than 99% of real held-out digits are: near-copies. Your run's numbers below are a baseline;
# section 6 prints a long-trained model's beside them. (Glossary: [MNIST score](../docs/glossary.md#mnist-score),
# [Fréchet distance](../docs/glossary.md#fréchet-distance--fid), [memorisation](../docs/glossary.md#memorisation).)

# %%
n_eval = gu.fast(2000, 200)
main_metrics = gu.metrics.evaluate(gu.pretrained.generate(generator, n_eval, seed=1), data)
print(f"your GAN, step {main_steps:,}: MNIST score {main_metrics['mnist_score']:.2f}, "
      f"Fréchet distance {main_metrics['frechet_distance']:.1f}, classes covered {main_metrics['classes_covered']}, "
      f"memorised {main_metrics['memorisation_rate']:.1%}")

# %% [markdown]
# ## 5. The dashboard
#
# `gu.TrainingDashboard` wraps a `gu.GANTrainer`, the course's trainer: the same sequential step as
# yours, with checkpoints and divergence checks. Here it takes over your trained pair, with the same
# loss and Adam settings as your run (its own code, not your functions). **Step D**, **Step G**,
# **Step** (both), x10, x100, **Play/Pause**, Reset, Save, Load; sliders for both learning rates and for
# $k$; the losses. At step 0 the loss panels are empty and the panel on the right shows your $G$'s
# digits. Press Play and keep using the notebook.

# %%
trainer = gu.GANTrainer((generator, discriminator), x_real)  # your trained models; the course's step
dash = gu.TrainingDashboard(trainer, update_every=10, score_every=500, score_samples=gu.fast(500, 50))
display(dash)

# %% [markdown]
# A saved notebook cannot show live widgets: from code, `dash.step(10)`, `dash.play()` and
# `dash.pause()` drive it, and `dash.snapshot()` shows the view as a picture. The trainer counts its own
# steps from 0; look for losses that hover as in your run's curves, and digits on the right.

# %%
dash.step(gu.fast(20, 2))
dash.score_now()
dash.redraw()
print(dash.status_text)
dash.snapshot()

# %% [markdown]
# ### When a loss becomes NaN
#
# A numerical accident (forced here: the weight matrix of $G$'s first, Dense, layer set to infinity)
# makes the losses NaN. The dashboard pauses, says what happened and offers **Restore last good
# state**: the last finite weights the trainer kept or, if those are bad too, the last **Save**.

# %%
dash.save()  # a known good state
weight = trainer.generator.trainable_variables[0]
weight.assign(tf.fill(weight.shape, np.inf))  # the accident
dash.step(5)
print(dash.status_text[:150], "...")
dash.restore_button.click()  # what the button does; from code: dash.restore()
print("after restore:", dash.status_text.split("   ")[-1], "| weights finite:", bool(np.isfinite(weight.numpy()).all()))

# %% [markdown]
# `trainer.save(folder)` writes weights, optimiser state, random state and history; `gu.GANTrainer.restore`
# rebuilds the trainer (a pair of your own must be passed as fresh models of the same shape), and
# training on gives **exactly** the steps the original would have taken:

# %%
trainer.save(run_dir)
resumed = gu.GANTrainer.restore(run_dir, x_real, model=(gu.models.dcgan_generator(latent_dim, base_filters=128),
                                                         build_dcgan_discriminator()))
row_original, row_resumed = trainer.step(3), resumed.step(3)
print("saved to", gu.paths.display_path(run_dir), "| step", row_original["step"], "| identical losses after resuming:",
      (row_original["d_loss"], row_original["g_loss"]) == (row_resumed["d_loss"], row_resumed["g_loss"]))

# %% [markdown]
# Longer training gives the course's shipped generator below (its steps and data are printed), with
# the changes to your step that notebook 04 introduces, one failure at a time. Compare its strokes and
# its variety with the last row of your strip.

# %%
shipped = gu.load_pretrained("dcgan")
shipped_info = gu.pretrained.pretrained_manifest()["dcgan"]
print(f"shipped generator: {shipped_info['steps']:,} steps; its data: {shipped_info['data'].split(' from ')[0]}")
gu.show_images(gu.pretrained.generate(shipped, 32, seed=1), nrow=16, title="the shipped generator (notebook 04's recipe)")
plt.show()

# %% [markdown]
# ## 6. Asking for a digit
#
# A **conditional GAN** (Mirza and Osindero 2014) gives both players the label $y$: $G(z, y)$ draws the
# digit asked for and $D(x, y)$ judges whether $x$ is a real example *of that digit*. Ours uses a
# **projection discriminator** (Miyato and Koyama 2018): $D$'s logit adds, to an unconditional term, the
# inner product of a learnt **embedding** of $y$ (a vector of weights learnt for each digit) with $D$'s
# features of $x$
# ([glossary](../docs/glossary.md#projection-discriminator)). Below, the shipped conditional generator
# (trained with notebook 04's recipe) is asked for 0-9 in turn: look for one digit per column.

# %%
cgenerator = gu.load_pretrained("cdcgan")
cond_info = gu.pretrained.pretrained_manifest()["cdcgan"]
print(f"conditional generator: {cond_info['steps']:,} steps; its data: {cond_info['data'].split(' from ')[0]}")
gu.show_images(gu.pretrained.generate(cgenerator, 60, seed=0), nrow=10, title="conditional DCGAN: labels 0-9 in turn")
plt.show()

# %% [markdown]
# Compare its scores with your run's. Two things differ: every class is asked for by construction,
# which the MNIST score rewards, and it trained longer on more digits (printed above), which the
# Fréchet distance shows too:

# %%
cond_metrics = gu.metrics.evaluate(gu.pretrained.generate(cgenerator, n_eval, seed=1), data)
print(f"conditional GAN: MNIST score {cond_metrics['mnist_score']:.2f}, Fréchet distance "
      f"{cond_metrics['frechet_distance']:.1f}, classes covered {cond_metrics['classes_covered']}")

# %% [markdown]
# ## Summary
#
# - A GAN step is two tapes: $D$'s update on real (1) and fake (0) logits, then $G$'s through the
#   updated $D$ with $-\log D(G(z))$, each applied to its own model's variables.
# - The article-style listing failed on a missing `Flatten`, then showed a shrinking data set, 128
#   (its batch size) $D$ updates per $G$ update, a $G$ fitted alone to zeros, a "generator step" that
#   trains $D$, labels with two meanings and a false-colour picture; a `trainable` flag set after
#   `compile` holds or not depending on when Keras traces.
# - The same step trains a DCGAN; a fixed-noise strip shows the same $z$ becoming digits.
# - Healthy curves hover near the equilibrium ($\log 4$), $D(x)$ a little above $D(G(z))$; the samples
#   and scores, not the curves, reveal collapse.
# - The dashboard steps, plays, pauses and steers a trainer; NaNs pause it; checkpoints resume exactly.

# %% [markdown]
# ## Exercises
#
# ### Exercise 1: diagnose from the curves
#
# Three short runs of the same small GAN used $k = 1$, 2 and 5 $D$ updates per $G$ update, in an order
# kept from you. The next cell trains them (300 generator steps each) and draws their curves; from the
# curves, give each run its $k$ in `answer`. Then, for a run where $D$ wins, say what you would change
# **first** in `choice`: `"fewer D steps"`, `"train longer"`, `"sigmoid in D"` or `"minimax loss"`.

# %%
quiz = gu.bugs.d_steps_quiz(x_real[:1000], steps=gu.fast(300, 30))
fig, axes = plt.subplots(1, 2, figsize=(10, 3))
for label, run in quiz.items():
    axes[0].plot(gu.plotting.smooth(run["d_loss"]), label=f"run {label}")
    axes[1].plot(gu.plotting.smooth(run["d_fake"]), label=f"run {label}")
axes[0].set(xlabel="generator step", ylabel="D loss (moving average)")
axes[1].set(xlabel="generator step", ylabel="D(G(z)) (moving average)")
axes[0].legend()
plt.show()

# %%
answer = None  # e.g. {"A": 1, "B": 2, "C": 5}
choice = None  # "fewer D steps", "train longer", "sigmoid in D" or "minimax loss"

gu.checks.check_d_steps(answer, runs=quiz)
gu.checks.check_first_change(choice);

# %% [markdown]
# ### Exercise 2: predict, then run
#
# The listing's $D$ labelled fakes 1 while its generator step wanted 1 to mean *real*. Keep $G$'s loss as
# in section 2 and swap only $D$'s labels (real = 0, fake = 1). Before you run the training cell, write
# where the average $D(G(z))$ will end after 100 steps: `"near 0"`, `"near 0.5"` or `"near 1"`.

# %%
prediction = None  # "near 0", "near 0.5" or "near 1"

# %%
swapped = gu.bugs.train_mlp_gan(x_real[:1000], steps=100, swap_labels=True)
print(f"D's labels swapped: D(x) {swapped['d_real'][-1]:.3f}  D(G(z)) {swapped['d_fake'][-1]:.3f}  "
      f"G loss {swapped['g_loss'][-1]:.3f}")
gu.checks.check_predict_swap(prediction, history=swapped);

# %% [markdown]
# ### Exercise 3: design the experiment
#
# You want to know whether a change raises the MNIST score by at least a gap $\Delta = 0.1$. One run's
# score varies from seed to seed with a standard deviation $\mathrm{sd}$ (`spread`), printed below from
# notebook 04's study (three seeds of one DCGAN setting). A difference of two averages counts if it is
# at least twice its **standard error**: the standard deviation that difference would show if you
# repeated the whole experiment with new seeds. How many seeds per setting, `n_seeds`, do you need?

# %%
study = gu.study.load_or_explain()  # data/results/stability.json, committed
finals = [gu.study.final(run, "mnist_score") for run in gu.study.runs_of(study, "non-saturating loss")] if study else []
spread = float(np.std(finals, ddof=1)) if len(finals) > 1 else 0.074  # extra code – the study's value if unreadable
gap = 0.1
print(f"final MNIST scores of three seeds: {np.round(finals, 3).tolist()}; spread (sd) {spread:.3f}, gap {gap}")

n_seeds = None  # a whole number of seeds per setting
gu.checks.check_seeds_needed(n_seeds, spread=spread, gap=gap);

# %% [markdown]
# ### Exercise 4: $k$ updates of $D$ per update of $G$
#
# Exercise 1's runs gave $D$ $k = 1$, 2 or 5 updates per $G$ update. Write such a step:
# `make_train_step_k(generator, discriminator, opt_d, opt_g, k)` gives back a compiled
# `step(x_batches)`, where `x_batches` stacks $k$ real batches, shape `(k, n, 28, 28, 1)`. One call
# updates $D$ $k$ times, the $i$-th time on real batch $i$ and fresh noise, then updates $G$ once,
# on fresh noise, through the $D$ those updates leave. Use your `discriminator_loss` and
# `generator_loss`, and give back the four numbers your `make_train_step` gives back, $D$'s loss and
# $D(x)$ from its last update. The check runs your step once with $k = 1$ and once with $k = 3$ on a
# small pair and compares the weights with a reference step.

# %%
def make_train_step_k(generator, discriminator, opt_d, opt_g, k):
    """Return a compiled step(x_batches) for k stacked real batches: k updates of D, then one of G."""
    # Your code here
    return None


gu.checks.check_train_step_k(make_train_step_k);

# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Section 3: the listing, fixed. Each comment marks an edit.
def build_discriminator():
    discriminator = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Flatten(),  # fix: one vector per image before the Dense layers
        layers.Dense(256, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    discriminator.compile(optimizer="adam", loss="binary_crossentropy")
    return discriminator


def d_batch(fakes, reals):
    images = np.concatenate([fakes, reals])
    labels = np.zeros(len(images))
    labels[len(fakes):] = 1  # fix: reals are 1, fakes 0
    return images, labels


def train_listing(generator, discriminator, real_images, steps, batch_size=128):
    g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    for step in range(steps):  # fix: no inner loop, one D update per G update
        idx = np.random.randint(0, real_images.shape[0], batch_size)
        reals = real_images[idx]  # fix: a name of its own; the data set stays whole
        fakes = generator.predict(np.random.normal(0, 1, (batch_size, 100)), verbose=0)
        images, labels = d_batch(fakes, reals)
        discriminator.train_on_batch(images, labels)
        noise = np.random.normal(0, 1, (batch_size, 100)).astype(np.float32)
        with tf.GradientTape() as tape:  # fix: G learns through D's verdict; no trainable flags
            verdict = discriminator(generator(noise, training=True), training=True)
            g_loss = tf.reduce_mean(keras.losses.binary_crossentropy(np.ones((batch_size, 1)), verdict))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        g_optimizer.apply_gradients(zip(grads, generator.trainable_variables))


def show(generator):
    image = generator.predict(np.random.normal(0, 1, (1, 100)), verbose=0)[0, :, :, 0]
    plt.imshow(image, cmap="gray", vmin=0, vmax=1)  # fix: grey, the pixel range pinned


assert gu.checks.check_listing_discriminator(build_discriminator)
assert gu.checks.check_listing_labels(d_batch)
assert gu.checks.check_listing_loop(train_listing)
assert gu.checks.check_listing_show(show)
steps = gu.fast(20, 2)
fixed_run = gu.bugs.run_listing(train_listing, build_generator, build_discriminator, x_01, steps=steps, batch_size=32)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 1. D's loss settles lowest and D(G(z)) falls furthest in the run with the most D updates
# per G update (k = 5), highest with k = 1. Distractors: the G loss climbs in the k = 5 run too, but it
# is G's loss, not D's practice, and early on all three overlap: read the last third of each curve.
# When D wins, give G time first: fewer D updates per G update (or a smaller learning rate for D).
# Training longer waits for a game that is not moving your way; a sigmoid at D's output is the
# double-sigmoid bug; the minimax loss weakens G's gradient exactly when D wins.
order = sorted(quiz, key=lambda label: np.mean(quiz[label]["d_loss"][-100:]))  # lowest D loss first
answer = dict(zip(order, (5, 2, 1)))
choice = "fewer D steps"
print("answer:", answer)
assert gu.checks.check_d_steps(answer, runs=quiz)
assert gu.checks.check_first_change(choice)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 2. With swapped labels D is trained to call fakes real (and reals fake), which is what G
# wants too: both push D(G(z)) up, it ends near 1, G's loss falls towards 0 and G learns nothing about
# digits. The listing's two conventions make its players agree instead of compete.
prediction = "near 1"
assert gu.checks.check_predict_swap(prediction, history=swapped)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3. The average of n seeds wobbles by sd / sqrt(n); the difference of two such averages by
# sd * sqrt(2 / n). Asking gap >= 2 * sd * sqrt(2 / n) gives n >= 8 sd^2 / gap^2, rounded up. Three seeds
# estimate sd only roughly, so round generously in practice.
n_seeds = math.ceil(8 * spread**2 / gap**2)
print(f"n_seeds = {n_seeds}: {2 * n_seeds} runs in all")
assert gu.checks.check_seeds_needed(n_seeds, spread=spread, gap=gap)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 4. Section 2's first tape moves into a loop over the k real batches, each pass with fresh
# noise; G's tape stays after the loop, once. k is a Python number, so the loop is unrolled when the
# step is traced: one graph per k.
def make_train_step_k(generator, discriminator, opt_d, opt_g, k):
    """Return a compiled step(x_batches) for k stacked real batches: k updates of D, then one of G."""
    latent_dim = generator.inputs[0].shape[-1]

    @tf.function
    def step(x_batches):
        n = tf.shape(x_batches)[1]
        for i in range(k):  # k D updates, each on its own real batch and fresh noise
            with tf.GradientTape() as tape:
                real_logits = discriminator(x_batches[i], training=True)
                fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
                d_loss = discriminator_loss(real_logits, fake_logits)
            grads = tape.gradient(d_loss, discriminator.trainable_variables)
            opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:  # then one G update, through the D the loop leaves
            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
            g_loss = generator_loss(fake_logits)
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))

    return step


assert gu.checks.check_train_step_k(make_train_step_k)

# %% [markdown]
# ## References
#
# 1. The seed article: an untitled Chinese-language introduction to GANs (background, concepts, the
#    value function, an MLP MNIST GAN in TensorFlow/Keras in its section 4, challenges, FAQ), the
#    document this course grew from; the course's listing imitates its section 4's code.

# %% [markdown]
# Further reading:
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A.
#   and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B. and Hochreiter, S. (2017). GANs Trained by
#   a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium. arXiv:1706.08500.
# - Ioffe, S. and Szegedy, C. (2015). Batch Normalization: Accelerating Deep Network Training by
#   Reducing Internal Covariate Shift. arXiv:1502.03167.
# - Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization. arXiv:1412.6980.
# - Mirza, M. and Osindero, S. (2014). Conditional Generative Adversarial Nets. arXiv:1411.1784.
# - Miyato, T. and Koyama, M. (2018). cGANs with Projection Discriminator. arXiv:1802.05637.
# - Radford, A., Metz, L. and Chintala, S. (2015). Unsupervised Representation Learning with Deep
#   Convolutional Generative Adversarial Networks. arXiv:1511.06434.
