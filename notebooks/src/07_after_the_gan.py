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
# # 07 · After the GAN: a modern GAN loss and a diffusion model, measured side by side
#
# **Running time:** about 4 minutes on a 2-core laptop.
#
# Since 2021 diffusion models, not GANs, make most generated images. Is the GAN dead, and why learn
# it? Terms: the [glossary](../docs/glossary.md).

# %% [markdown]
# The field gave two answers. A well-posed loss with two simple penalties trains a GAN without most
# of notebook 04's tricks (Huang et al. 2024). And a GAN draws a sample in one network pass, which is
# why adversarial losses live on inside diffusion systems. You write two core pieces, try the new
# loss inside notebook 04's recipe, and measure what a sample costs.

# %% [markdown]
# The next cell loads the 5,000 embedded digits (4,500 for training, 500 held out) and three shipped
# models, each trained on the same 4,500 training digits only: the course's GAN (notebook 04's recipe),
# notebook 05's variational autoencoder (VAE), and a diffusion model, which section 3 explains.

# %%
import math
import time

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from IPython.display import display

gu.set_seed(0)
start_time = time.perf_counter()

data = gu.load_mnist("embedded", verbose=False)
x_train, x_test = gu.to_float(data.x_train), gu.to_float(data.x_test)
print(f"MNIST: {len(x_train):,} training and {len(x_test):,} held-out digits (source: {data.source})")
generator = gu.load_pretrained("dcgan_embedded")  # GAN: z -> image
vae = gu.vae.load_vae("vae_embedded")  # VAE: z -> decoder -> image
diffusion = gu.diffusion.load_diffusion("ddpm")  # diffusion model: noise -> T denoising steps -> image
manifest = gu.pretrained.pretrained_manifest()
for name in ("dcgan_embedded", "vae_embedded", "ddpm"):
    print(f"{name:15s} {manifest[name]['steps']:>6,} training steps on the {len(x_train):,} training digits")

# %% [markdown]
# ## 1. Explicit against implicit density
#
# Goodfellow's NIPS 2016 tutorial sorts generative models by how they treat the density $p(x)$, the
# function that says how likely a digit $x$ is under the model. An **explicit** model writes $p(x)$
# down: exactly (an autoregressive model, one pixel at a time) or through a bound it can compute (the
# VAE's ELBO, notebook 05). An **implicit** model never writes it: it only draws samples.

# %% [markdown]
# The GAN is implicit: $G(z)$ is a sample, and nothing in $G$ or $D$ evaluates its density $p_g(x)$.
# Where each of this notebook's three models sits, and what that buys or costs:
#
# | | GAN | VAE | diffusion model |
# |---|---|---|---|
# | density | implicit: none | explicit: a lower bound (ELBO) | explicit: a lower bound |
# | trained by | a game against $D$ | maximising the ELBO | a squared error on noise |
# | one sample costs | 1 network pass | 1 decoder pass | 5 to 1,000 passes (section 3) |
# | typical failure | missed modes, unstable training | blur | slow sampling |

# %% [markdown]
# A density answers questions a sampler cannot. The next cell prints the VAE's bound (nats per
# image; higher is more likely) averaged over 200 held-out digits and over 200 images of pure noise:
# the two are thousands of nats apart. The GAN has no such number; notebook 05 had to build Parzen
# windows around its samples to estimate one.

# %%
noise_images = np.clip(np.random.default_rng(1).normal(0, 0.5, (200, 28, 28, 1)), -1, 1).astype(np.float32)
print(f"VAE's ELBO, held-out digits: {vae.elbo(x_test[:200]):8.0f} nats per image")
print(f"VAE's ELBO, noise images:    {vae.elbo(noise_images):8.0f} nats per image")
print("GAN: no number to print; G maps z to an image and never evaluates p_g(x)")

# %% [markdown]
# ## 2. A modern GAN loss
#
# Notebook 04 needed many ingredients to train a GAN well: the hinge loss, spectral normalisation, a
# fast learning rate, an EMA of $G$'s weights. R3GAN (Huang et al. 2024, "The GAN is dead; long live
# the GAN!") claims that one well-posed loss and two simple penalties give stable training without
# most tricks. Its loss judges pairs.

# %% [markdown]
# The **relativistic pairing loss** (Jolicoeur-Martineau 2019) pairs each real image $x^{(i)}$ with a
# generated one $G(z^{(i)})$. $D$ outputs an unbounded score $s(\cdot)$, as a critic does, and is asked
# only that the real one scores higher:
# $$L_D = \frac{1}{B}\sum_{i=1}^{B} \mathrm{softplus}\big(-(s(x^{(i)}) - s(G(z^{(i)})))\big),\qquad
# \mathrm{softplus}(u) = \log(1 + e^{u}),$$
# with $B$ the batch size. The softplus is small when the difference is large and grows when the
# generated image scores higher.

# %% [markdown]
# **Build it.** Write `relativistic_d_loss(real_scores, fake_scores)`: two arrays of $B$ scores, the
# $i$-th of each forming a pair; return one number, $L_D$. Use TensorFlow operations: the training
# step below compiles your function. `tf.nn.softplus` computes the softplus without overflowing for large
# scores.

# %% tags=["build"]
def relativistic_d_loss(real_scores, fake_scores):
    """Return R3GAN's D loss L_D for B pairs of scores: one number."""
    real = tf.reshape(tf.cast(real_scores, tf.float32), [-1])
    fake = tf.reshape(tf.cast(fake_scores, tf.float32), [-1])
    return tf.reduce_mean(tf.nn.softplus(-(real - fake)))


# %%
gu.checks.check_relativistic_loss(relativistic_d_loss)
relativistic_d_loss = gu.checks.yours_or_reference(relativistic_d_loss)

# %% [markdown]
# $G$'s loss is the same function with the pair swapped, `relativistic_d_loss(fake_scores,
# real_scores)`: $G$ wants its image to outscore the real one. Two penalties keep $D$ smooth where
# it matters, each the mean squared length of $D$'s gradient with respect to its input: **R1** on
# real images, **R2** on generated ones. $D$ minimises $L_D + \frac{\lambda}{2}(R_1 + R_2)$.
# Notebook 04's WGAN-GP pulled that length towards 1; these zero-centred penalties pull it towards 0.

# %% [markdown]
# First the ring of 8 Gaussians (notebooks 02 and 04), with small toy networks (two hidden layers of
# 128) and $k = 5$ updates of $D$ per update of $G$. One run uses notebook 02's non-saturating loss; the other your
# `relativistic_d_loss` with both penalties ($\lambda = 0.1$): same networks, steps and seed. The cell
# draws each generator's samples and counts the modes covered (at least 1% of samples near a mode,
# within 3 standard deviations of its centre, as in notebook 02).

# %%
ring = gu.densities.ring_of_gaussians()
ring_steps = gu.fast(1000, 10)
fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
for ax, loss in zip(axes, ("non-saturating", gu.after_gan.MODERN)):
    run = gu.after_gan.train_ring(loss, seed=0, steps=ring_steps, every=ring_steps,
                                  pairing_loss=relativistic_d_loss, keep_samples=True)
    point = run["metrics"][-1]
    ax.scatter(*ring.sample(1000, np.random.default_rng(2)).T, s=4, color=gu.plotting.PALETTE["real"].colour)
    ax.scatter(*run["samples"][:2000].T, s=3, alpha=0.4, color=gu.plotting.PALETTE["fake"].colour)
    ax.set_title(f"{loss}, {ring_steps:,} steps: {point['modes_covered']} of 8 modes,\n"
                 f"{point['high_quality']:.0%} of samples near a mode", fontsize=9)
    ax.set_xlim(-3, 3), ax.set_ylim(-3, 3), ax.set_aspect("equal")
plt.show()

# %% [markdown]
# One seed is one draw. The committed study (`benchmarks/bench_modern_loss.py`) ran both losses on
# three seeds for 3,000 steps; the next cell prints the modes each covered and the share of its
# samples near a mode ("high quality") at 1,000, 2,000 and 3,000 steps.

# %%
modern = gu.after_gan.load_modern_loss()
if modern is not None:
    ring_view = gu.after_gan.ring_table(modern, steps=(1000, 2000, 3000))
    share = [c for c in ring_view.columns if c.startswith("high quality")]
    display(ring_view.style.format("{:.0%}", subset=share))

# %% [markdown]
# On every seed and budget the relativistic loss covered at least as many modes as the non-saturating
# loss, and more in 7 of the 9 cases. It did not make the samples cleaner: the share of its samples
# near a mode was lower in 6 of the 9. It spreads $G$ along the ring, with many samples between
# modes: better coverage, not yet better fidelity.

# %% [markdown]
# Now the course's DCGAN on the 4,500 digits: notebook 04's recipe with the relativistic loss and
# both penalties ($\lambda = 10$ here) in place of the hinge loss, everything else unchanged. The next
# cell trains it for a short run (in classroom mode it skips this) and shows its samples above the
# shipped GAN's, which trained for the number of steps printed at the top: expect rougher digits.

# %%
live_steps = gu.fast(600, 4)
if not gu.classroom_replaces("skipped the live run (the committed study is two cells down)",
                             f"training the modern loss for {live_steps} steps", "train it"):
    modern_gan = gu.after_gan.make_trainer(gu.after_gan.MODERN, data, seed=0)  # λ = 10
    modern_gan.fit(steps=live_steps, progress=False)
    print(f"relativistic + R1 + R2: {modern_gan.step_count:,} steps, "
          f"{1000 * modern_gan.train_time / modern_gan.step_count:.0f} ms a step")
    live = gu.metrics.evaluate(modern_gan.sample(1000), data)
    print(f"after {live_steps} steps: MNIST score {live['mnist_score']:.2f}, FD {live['frechet_distance']:.1f}")
    gu.show_images(np.concatenate([modern_gan.sample(16), gu.pretrained.generate(generator, 16, seed=8)]), nrow=16,
                   title=f"top: relativistic + R1 + R2, {live_steps} steps; bottom: the shipped GAN (course recipe)")
    plt.show()

# %% [markdown]
# A short run says little. The committed study trained both, the course recipe and the recipe with
# the modern loss, on three seeds each and scored them at 1,000, 2,000 and 3,000 steps. The table
# gives each seed's MNIST score and FD (notebook 05); the lines below it say which setting won each,
# and the time per step measured in the same run.

# %%
if modern is not None:
    columns = ["score (course)", "score (relativistic)", "FD (course)", "FD (relativistic)"]
    display(gu.after_gan.modern_loss_table(modern)[columns].round(2)
            .rename(columns=lambda c: c.replace("score", "MNIST score")))
    for line in gu.after_gan.verdict(modern)[:-1]:  # the last line is the ring's, shown above
        print(line)
    ms = modern["timing"]["ms_per_step"]
    print(f"time per step, the two alternating in one run: course recipe {ms[gu.after_gan.COURSE]:.0f} ms, "
          f"relativistic + R1 + R2 {ms[gu.after_gan.MODERN]:.0f} ms "
          f"({ms[gu.after_gan.MODERN] / ms[gu.after_gan.COURSE]:.2f} times as long)")

# %% [markdown]
# At equal steps the modern loss is ahead on most seeds and budgets: clearly at 1,000 steps, by small
# margins at 2,000 and 3,000. But each of its
# steps costs more: the penalties take a second backward pass through $D$. The nearest equal-time
# comparison the table allows: the course recipe's 3,000 steps, about the time of 2,300 modern ones,
# beat the modern loss's 2,000 on every seed.

# %% [markdown]
# This test is narrow. R3GAN's claim is that its loss needs none of the old tricks, and here it kept
# them all (spectral normalisation, EMA, the tuned learning rate): only the loss changed. On a
# recipe already tuned by notebook 04's study, the new loss is slightly ahead step for step and costs
# more per step. Dropping the tricks as well would be a study of its own.

# %% [markdown]
# ## 3. A diffusion model on the same digits
#
# A diffusion model (Sohl-Dickstein et al. 2015; Ho et al. 2020's denoising diffusion probabilistic
# model, DDPM) learns to undo noise. Fix $T$ noise levels ($T = 1000$ here), a chain $x_0 \to x_1 \to
# \dots \to x_T$: at level $j$ the image is scaled by $\sqrt{1-\omega_j}$ and Gaussian noise of
# variance $\omega_j$ is added, so a share $1-\omega_j$ of the signal's variance survives; the
# $\omega_j$ grow linearly from $10^{-4}$ to $0.02$. The share of the clean digit's variance
# left after $j$ levels is the **signal fraction** $\zeta_j = \prod_{i\le j}(1 - \omega_i)$.

# %% [markdown]
# Because Gaussian noise added to Gaussian noise is Gaussian, the noisy digit at any level has a closed
# form: with $\xi \sim \mathcal{N}(0, I)$ a standard normal image,
# $$x_j = \sqrt{\zeta_j}\,x_0 + \sqrt{1 - \zeta_j}\,\xi .$$
# $x_0$ is the clean digit. The next cell noises one digit to several levels in one step each.

# %%
schedule = diffusion.schedule
levels = [0, 50, 100, 250, 500, 750, 1000]
xi = np.random.default_rng(3).standard_normal((1, 28, 28, 1)).astype(np.float32)
noisy = [gu.diffusion.noise_images(x_train[:1], j, xi, schedule).numpy()[0] for j in levels]
gu.show_images(np.clip(np.stack(noisy), -1, 1), nrow=len(levels),  # clipped to [-1, 1] to draw
               title="levels j = " + ", ".join(map(str, levels)) + "; signal fraction "
                     + ", ".join(f"{schedule.signal_fractions[j]:.2f}" for j in levels))
plt.show()

# %% [markdown]
# Training never runs the chain. It draws a clean digit $x_0$, a level $j$ uniformly from $1..T$ and
# a noise $\xi$, forms $x_j$ in one step, and asks a network $\hat\xi(x_j, j)$ to name the noise. The
# loss is the squared error $\lVert\xi - \hat\xi(x_j, j)\rVert^2$, averaged over digits and pixels: no
# discriminator, no game. Ho et al. derived it from a bound on $\log p(x)$, like the VAE's.

# %% [markdown]
# **Build it.** Write `ddpm_train_step(network, optimizer, schedule, x0, levels, noise)`: form $x_j$
# for each digit from `schedule.signal_fractions` (an array of $T + 1$ numbers, index 0 for the clean
# digit), compute the loss with `network([x_j, levels], training=True)` under a `tf.GradientTape`,
# take one optimizer step, and return the loss. Use TensorFlow operations: it runs compiled.

# %% tags=["build"]
def ddpm_train_step(network, optimizer, schedule, x0, levels, noise):
    """One optimizer step on DDPM's loss, the mean squared error between the noise and its prediction."""
    zeta = tf.gather(tf.constant(schedule.signal_fractions, tf.float32), levels)
    zeta = tf.reshape(zeta, [-1, 1, 1, 1])  # one signal fraction per digit, over all its pixels
    x_j = tf.sqrt(zeta) * x0 + tf.sqrt(1.0 - zeta) * noise
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(noise - network([x_j, levels], training=True)))
    gradients = tape.gradient(loss, network.trainable_variables)
    optimizer.apply_gradients(zip(gradients, network.trainable_variables))
    return loss


# %%
gu.checks.check_ddpm_train_step(ddpm_train_step)
ddpm_train_step = gu.checks.yours_or_reference(ddpm_train_step)

# %% [markdown]
# The noise predictor is a small U-net (Ronneberger et al. 2015): convolutions that shrink the image
# to 7 × 7 and grow it back, with the level $j$ fed in as a vector at every block. The next cell
# trains a fresh one with your step for a short run and plots the loss; the dotted line marks 1, the
# variance of the noise per pixel.

# %%
train_steps = gu.fast(300, 5)
if gu.classroom_replaces("trained 100 steps", "300 steps", "train 300"):
    train_steps = 100
network = gu.diffusion.build_noise_predictor()
optimizer = keras.optimizers.Adam(1e-3)
step = tf.function(lambda x0, j, xi: ddpm_train_step(network, optimizer, schedule, x0, j, xi))
rng = np.random.default_rng(0)
losses, step_seconds = [], []
for _ in range(train_steps):
    batch = x_train[rng.integers(0, len(x_train), 64)]
    j = rng.integers(1, schedule.T + 1, 64).astype(np.int32)
    started = time.perf_counter()
    losses.append(float(step(batch, j, rng.standard_normal(batch.shape).astype(np.float32))))
    step_seconds.append(time.perf_counter() - started)
diffusion_step_ms = 1000 * float(np.median(step_seconds[1:]))  # the first step compiles
print(f"{network.count_params():,} parameters; {train_steps} steps, {diffusion_step_ms:.0f} ms a step")
plt.figure(figsize=(6, 2.6))
plt.plot(losses, color=gu.plotting.PALETTE["metric"].colour)
plt.axhline(1, color="grey", ls=":", lw=1)
plt.xlabel("step"), plt.ylabel("squared error per pixel"), plt.title("your training step on the 4,500 digits")
plt.show()

# %% [markdown]
# The loss fell far below 1 within a few hundred steps, yet digits need much longer: the shipped model
# trained the same network for the number of steps printed at the top. Sampling runs the chain
# backwards from pure noise $x_T$. At each level the network's $\hat\xi$ gives an estimate of the
# clean digit, $\hat x_0 = (x_j - \sqrt{1 - \zeta_j}\,\hat\xi)/\sqrt{\zeta_j}$.

# %% [markdown]
# DDPM's sampler steps from $x_j$ to $x_{j-1}$, a mix of $\hat x_0$ and $x_j$ plus fresh noise of
# variance $\omega_j$, $T$ times: $T$ network evaluations per digit. The next cell runs all 1,000 steps
# for 8 digits with the shipped model and shows them at eight levels on the way.

# %%
started = time.perf_counter()
ddpm_digits, path = diffusion.sample(8, sampler="ddpm", seed=4, return_path=True)
ddpm_seconds = time.perf_counter() - started
shown = [1000, 800, 600, 400, 300, 200, 100, 0]
frames = np.concatenate([path[schedule.T - j] for j in shown])  # path[0] is x_T, path[T] the digit
gu.show_images(np.clip(frames, -1, 1), nrow=8,
               title="each column one digit; rows: levels " + ", ".join(map(str, shown)))
plt.show()
print(f"DDPM: {schedule.T:,} network evaluations per digit; 8 digits took {ddpm_seconds:.1f} s")

# %% [markdown]
# The digit appears late: down to level 600 the images look like noise; at 400 faint outlines
# appear, by 300 the digit shows, and the last levels clean it. **DDIM** (Song et al. 2021's denoising diffusion implicit models) samples
# the same network at $S$ of the $T$ levels, moving deterministically to the next level visited,
# $j'$: $x_{j'} = \sqrt{\zeta_{j'}}\,\hat x_0 + \sqrt{1-\zeta_{j'}}\,\hat\xi$, no fresh noise. The next cell tries several $S$ on the same 300
# starting noises.

# %%
n_sweep = gu.fast(300, 20)
sweep = {}
sweep_steps = gu.fast((5, 10, 20, 50), (5, 10))
if gu.classroom_replaces("showed 10 digits for each S (the committed benchmark below scores them)",
                         f"scoring {n_sweep} digits for each S", "score them"):
    n_sweep = 10
for S in sweep_steps:
    started = time.perf_counter()
    images = diffusion.sample(n_sweep, sampler="ddim", steps=S, seed=5)
    seconds = time.perf_counter() - started
    sweep[S] = {"ms per 1,000 samples": 1e6 * seconds / n_sweep, "digits": images[:10]}
    if n_sweep > 10:
        scores = gu.metrics.evaluate(images, data)
        sweep[S].update({"MNIST score ↑": scores["mnist_score"], "FD ↓": scores["frechet_distance"]})
display(pd.DataFrame({S: {k: v for k, v in row.items() if k != "digits"} for S, row in sweep.items()}).T
        .rename_axis("DDIM steps S").round(2))
gu.show_images(np.concatenate([row["digits"] for row in sweep.values()]), nrow=10,
               title="rows: DDIM with S = " + ", ".join(map(str, sweep)) + " steps, the same starting noise")
plt.show()

# %% [markdown]
# Time grows in proportion to $S$; quality rises quickly, then levels off. With very few steps the
# digits are greyer and hazier: each long jump trusts one blurry estimate of $\hat x_0$. The committed
# benchmark (next cell) repeats the sweep on 1,000 digits with precision and recall (notebook 06),
# adds $S = 100$ and DDPM's 1,000 steps, and times the GAN in the same run.

# %%
steps_file = gu.after_gan.load_sampling_steps()
if steps_file is not None:
    display(gu.after_gan.sampling_steps_table(steps_file))

# %% [markdown]
# DDIM's shortcut is not free at this training budget: DDPM's 1,000 steps scored better on both MNIST
# score and FD than DDIM at 50 or 100 steps, for 7 to 14 times the time. Every diffusion row costs
# far more time per sample than the GAN's single pass (the last column), and none reaches the GAN's
# MNIST score or FD here.

# %% [markdown]
# ## 4. Side by side
#
# One table, one piece of code for every model, each trained on the same 4,500 digits: MNIST score,
# FD against the held-out digits, precision and recall against the training digits, network
# evaluations and milliseconds per 1,000 samples here, and training steps with the minutes they would
# take here (steps times one step timed in this run). The diffusion model appears twice: DDIM at 50
# and at 10 steps.

# %%
n_table = gu.fast(1000, 40)
real_features = gu.metrics.features(x_train[:n_table])


def ms_per_step(fit, steps=gu.fast(20, 2)):
    """Milliseconds per training step of fit(n), timed after two steps that compile it."""
    fit(2)
    started = time.perf_counter()
    fit(steps)
    return 1000 * (time.perf_counter() - started) / steps


course_gan = gu.after_gan.make_trainer(gu.after_gan.COURSE, data, seed=0)
fresh_vae = gu.vae.VAE(x_train, latent_dim=16, batch_size=64, seed=0)
step_ms = {"dcgan_embedded": ms_per_step(lambda n: course_gan.fit(steps=n, progress=False)),
           "vae_embedded": ms_per_step(fresh_vae.fit), "ddpm": diffusion_step_ms}
samplers = {
    "GAN (course recipe)": (lambda n: gu.pretrained.generate(generator, n, seed=7), 1, "dcgan_embedded"),
    "VAE": (lambda n: vae.sample(n, seed=7), 1, "vae_embedded"),
    "diffusion, DDIM 50": (lambda n: diffusion.sample(n, sampler="ddim", steps=50, seed=7), 50, "ddpm"),
    "diffusion, DDIM 10": (lambda n: diffusion.sample(n, sampler="ddim", steps=10, seed=7), 10, "ddpm"),
}
rows = {}
for label, (draw, evaluations, name) in samplers.items():
    draw(2)  # the first call builds the model's compiled function: not part of the timing
    started = time.perf_counter()
    images = draw(n_table)
    seconds = time.perf_counter() - started
    scores = gu.metrics.evaluate(images, data)
    precision, recall = gu.metrics.precision_recall_features(real_features, gu.metrics.features(images))
    rows[label] = {"MNIST score ↑": scores["mnist_score"], "FD ↓": scores["frechet_distance"],
                   "precision ↑": precision, "recall ↑": recall, "evaluations per sample": evaluations,
                   "ms per 1,000 samples": 1e6 * seconds / n_table, "training steps": manifest[name]["steps"],
                   "training minutes, estimated here": manifest[name]["steps"] * step_ms[name] / 60_000}
table = pd.DataFrame(rows).T
display(table.round(2).astype({"evaluations per sample": int, "training steps": int})
        .round({"ms per 1,000 samples": 0, "training minutes, estimated here": 1}))

# %% [markdown]
# Read it column by column. The GAN and the VAE draw a digit in one pass; the diffusion model needs
# one per step, and its time follows its evaluations. The GAN leads on MNIST score and FD, the
# diffusion model second, although its training took several times the GAN's minutes. The VAE's
# high precision and low recall are its blur: smooth, average digits sit among real ones in feature
# space but cover little of their variety.

# %% [markdown]
# This is a small network on a CPU budget. At scale, with far larger networks and far longer
# training, diffusion models overtook GANs on image quality (Dhariwal and Nichol 2021). What the table
# shows at any scale is the cost of a sample: one network pass for the GAN, a handful to a thousand
# for the diffusion model.

# %% [markdown]
# ## 5. Where the adversarial loss lives now
#
# Diffusion models won image quality at scale, and GANs' one-pass sampling is what they lack. So the
# field put a discriminator inside them. **Adversarial diffusion distillation** (Sauer et al. 2023,
# SD-Turbo and SDXL-Turbo) trains a student to jump from noise to an image in 1 to 4 steps; a
# discriminator judges the student's images, exactly as $D$ judges $G$'s, beside a loss that copies
# the teacher (the slow diffusion model it learns from).

# %% [markdown]
# **Latent diffusion** (Rombach et al. 2022, Stable Diffusion) runs the diffusion model on a
# compressed image from an autoencoder, to save compute. That autoencoder is trained with a
# patch discriminator (Esser et al. 2021, after Isola et al. 2017): a $D$ that scores each small patch of
# the image. A squared error alone decodes blurry images, like notebook 05's VAE; the adversarial
# loss restores sharp texture.

# %% [markdown]
# **Answer from your table.** A service must draw 100,000 digits within one minute on a machine like
# this one. Which rows of your table can do it? Set `fast_enough` to a set of row names (copy them
# from the table's index). The answer depends on your machine, so the check reads your table.

# %%
fast_enough = None  # a set of row names, e.g. {"row name"}
gu.checks.check_fast_enough(fast_enough, table=table);

# %% [markdown]
# ## Summary
#
# - A GAN samples but gives no $p(x)$; the VAE is trained on a bound on $\log p(x)$, the diffusion
#   model on a squared error derived from one.
# - The relativistic pairing loss judges a real and a generated image together; with R1 and R2 it
#   is R3GAN's loss. Here it won per step on most seeds but lost per second.
# - A diffusion model learns to name the noise in $x_j$; sampling costs one network pass per level
#   visited, fewer with DDIM, at some cost in quality.
# - Here the GAN had the best MNIST score and FD and, with the VAE, one-pass sampling, 20 to 100
#   times faster than the diffusion model: why a discriminator lives on inside fast diffusion systems.

# %% [markdown]
# ## Exercises
#
# None repeats code from above. Each check names a known mistake; `gu.checks.hint("name")` (the name is
# in each verdict) climbs one level of help per call.
#
# **1. Predict: both losses (section 2).** Without running anything: $D$ scores every real image
# exactly $\log 3$ higher than its generated partner. What are $D$'s loss $L_D$ and $G$'s loss $L_G$?
# Give both as numbers. Once both pass, the check confirms them with your `relativistic_d_loss`.

# %%
loss_d = None  # a number: D's loss
loss_g = None  # a number: G's loss
gu.checks.check_predict_relativistic(loss_d, loss_g, confirm_with=relativistic_d_loss);

# %% [markdown]
# **2. By hand: half the signal (section 3).** Suppose every level added noise of the same variance,
# $\omega_j = 0.01$ for all $j$. At which level $j$ does the signal fraction $\zeta_j$ first drop below
# one half? Work it out with logarithms, not by trying levels; set `first_level`.

# %%
first_level = None  # a whole number
gu.checks.check_signal_half(first_level);

# %% [markdown]
# **3. Diagnose: a loss stuck at 1 (section 3).** A learner's DDPM trains for 5,000 steps and its loss
# stays at 1.00 from start to end, while section 3's fell below 0.1 within 300 steps. Which bug explains it?
# **A**: the network is given the clean digit $x_0$ instead of $x_j$. **B**: the network is given
# level 0 instead of $j$. **C**: the learning rate is ten times too small. Set `bug`.

# %%
bug = None  # "A", "B" or "C"
gu.checks.check_diagnose_flat_loss(bug);

# %% [markdown]
# **4. Estimate: a distilled student (sections 4 and 5).** Adversarial diffusion distillation gives a
# student that samples in 4 network evaluations. Suppose it is the same network as your diffusion
# model. From your side-by-side table, estimate its milliseconds per 1,000 samples on this machine;
# set `student_ms`. The check reads your table.

# %%
student_ms = None  # a number: milliseconds per 1,000 samples
gu.checks.check_student_cost(student_ms, table=table);

# %%
print(f"running time up to here: {time.perf_counter() - start_time:.0f} s (the header gives a 2-core laptop's)")

# %% [markdown]
# ## Solutions
#
# Open the collapsed cell to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Section 5. 60 s for 100 batches of 1,000 digits allows 600 ms per 1,000: keep the rows at or under it.
fast_enough = set(table.index[table["ms per 1,000 samples"] <= 600])
print("fast enough on this machine:", sorted(fast_enough))
assert gu.checks.check_fast_enough(fast_enough, table=table)

# 1. Every pair's difference s(x) - s(G(z)) is log 3. D's term is softplus(-log 3) = log(1 + e^(-log 3)) = log(1 + 1/3);
# G reads the pair the other way round: softplus(log 3) = log(1 + 3). D is doing well, so its loss is the small one.
loss_d, loss_g = math.log(1 + 1 / 3), math.log(1 + 3)
print(f"L_D = {loss_d:.4f}, L_G = {loss_g:.4f}")
assert gu.checks.check_predict_relativistic(loss_d, loss_g, confirm_with=relativistic_d_loss)

# 2. zeta_j = 0.99 ** j < 1/2  <=>  j > log 2 / -log 0.99 = 68.97, so the first whole level is 69.
first_level = math.floor(math.log(2) / -math.log(0.99)) + 1
print(f"j = {first_level}: zeta = {0.99 ** (first_level - 1):.4f} at {first_level - 1}, {0.99 ** first_level:.4f} at {first_level}")
assert gu.checks.check_signal_half(first_level)

# 3. "A". Shown x_0, the network sees nothing of the noise xi, so its best guess is xi's mean, 0, and the
# squared error stays at xi's variance, 1 per pixel. With level 0 (B) it still sees x_j and can guess part of
# the noise; a small learning rate (C) slows the fall but does not pin it at exactly 1.
bug = "A"
assert gu.checks.check_diagnose_flat_loss(bug)

# 4. Time follows network evaluations: one evaluation costs a DDIM row's time divided by its steps, and the
# student pays it 4 times.
student_ms = table.loc["diffusion, DDIM 10", "ms per 1,000 samples"] * 4 / 10
print(f"a 4-step student: about {student_ms:.0f} ms per 1,000 samples")
assert gu.checks.check_student_cost(student_ms, table=table)

# %% [markdown]
# ## References
#
# - Dhariwal, P. and Nichol, A. (2021). Diffusion Models Beat GANs on Image Synthesis.
#   arXiv:2105.05233.
# - Esser, P., Rombach, R. and Ommer, B. (2021). Taming Transformers for High-Resolution Image
#   Synthesis. arXiv:2012.09841.
# - Goodfellow, I. (2016). NIPS 2016 Tutorial: Generative Adversarial Networks. arXiv:1701.00160.
# - Ho, J., Jain, A. and Abbeel, P. (2020). Denoising Diffusion Probabilistic Models. arXiv:2006.11239.
# - Huang, Y. et al. (2024). The GAN is dead; long live the GAN! A Modern GAN Baseline.
#   arXiv:2501.05441.
# - Isola, P. et al. (2017). Image-to-Image Translation with Conditional Adversarial Networks.
#   arXiv:1611.07004.
# - Jolicoeur-Martineau, A. (2019). The relativistic discriminator: a key element missing from
#   standard GAN. arXiv:1807.00734.

# %% [markdown]
# - Mescheder, L., Geiger, A. and Nowozin, S. (2018). Which Training Methods for GANs do actually
#   Converge? arXiv:1801.04406.
# - Rombach, R. et al. (2022). High-Resolution Image Synthesis with Latent Diffusion Models.
#   arXiv:2112.10752.
# - Ronneberger, O., Fischer, P. and Brox, T. (2015). U-Net: Convolutional Networks for Biomedical
#   Image Segmentation. arXiv:1505.04597.
# - Sauer, A. et al. (2023). Adversarial Diffusion Distillation. arXiv:2311.17042.
# - Sohl-Dickstein, J. et al. (2015). Deep Unsupervised Learning using Nonequilibrium
#   Thermodynamics. arXiv:1503.03585.
# - Song, J., Meng, C. and Ermon, S. (2021). Denoising Diffusion Implicit Models. arXiv:2010.02502.
