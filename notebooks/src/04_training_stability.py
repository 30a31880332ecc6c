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
# # 04 · Why GANs are hard to train, and what fixes them, measured
#
# A GAN is two networks playing a game, and a game does not settle the way a single loss does.
# This notebook shows four classic failures in real runs: oscillation, a discriminator that wins,
# mode collapse and divergence. Right after each one come the fixes aimed at it, measured, including
# every ingredient of the course recipe that 03's dashboard loaded. Terms are linked to the
# [glossary](../docs/glossary.md).
#
# **Running time:** about 3 minutes on a 2-core laptop.

# %%
import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display

start_time = time.perf_counter()
gu.set_seed(0)
FAST = gu.is_fast()  # extra code – True only in the test suite, which shrinks every workload

data = gu.load_mnist()
x_real = gu.to_float(data.x_train)
study = gu.study.load_or_explain()  # the long-budget study (section 1 says what it is)
pairs_check = gu.pairs.load_check()  # the three-seed check of this notebook's before/after pairs


def show_bought(change):  # extra code – what one change of the recipe bought in the study
    if study is not None:
        print(gu.ablation.describe(gu.ablation.bought(study, change)))


# %% [markdown]
# ## 1. Oscillation: a game is not a descent
#
# The smallest GAN with the problem is the [**Dirac-GAN**](../docs/glossary.md#dirac-gan) (Mescheder
# et al. 2018). The data are one point, $x = 0$; the generator's sample is one point, $G(z) = \theta$; the
# discriminator is $D_w(x) = \sigma(w x)$, one weight $w$. The equilibrium is $\theta = w = 0$. Its value is
# $V(w, \theta) = \log\tfrac12 + \log\sigma(-w\theta)$: $D$ ascends it in $w$, $G$ descends it
# in $\theta$. Below, both follow their gradients, either **simultaneously** (both gradients taken at
# the old point) or **alternating** ($D$ steps first, $G$ answers the new $D$).

# %%
def dirac_gan(eta, steps, simultaneous, theta=1.0, w=1.0):
    """Gradient play on the Dirac-GAN from (theta, w); return the path as an array (steps + 1, 2)."""
    sigmoid = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    path = [(theta, w)]
    for _ in range(steps):
        grad_w = -theta * sigmoid(w * theta)       # dV/dw
        w_new = w + eta * grad_w                  # D ascends V
        w_seen = w if simultaneous else w_new     # G sees the old D (simultaneous) or the new one
        grad_theta = -w_seen * sigmoid(w_seen * theta)
        theta = theta - eta * grad_theta                # G descends V
        w = w_new
        path.append((theta, w))
    return np.array(path)


fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1, 1.4]})
for simultaneous, colour in ((True, "tab:red"), (False, "tab:blue")):
    path = dirac_gan(eta=0.2, steps=600, simultaneous=simultaneous)
    label = "simultaneous" if simultaneous else "alternating (D first)"
    radius = np.hypot(*path.T)
    axes[0].plot(path[:, 0], path[:, 1], color=colour, lw=0.8, label=f"{label}: distance {radius[0]:.2f} -> {radius[-1]:.2f}")
    crossings = int((np.diff(np.sign(path[:, 0])) != 0).sum())
    axes[1].plot(path[:, 0], color=colour, lw=0.8, label=f"{label}: crosses θ = 0 {crossings} times")
axes[0].plot(0, 0, "k*", ms=12, label="equilibrium")
axes[0].set_xlabel("θ (G's point)"), axes[0].set_ylabel("w (D's weight)"), axes[0].set_aspect("equal")
axes[0].legend(fontsize=7, loc="lower left"), axes[0].set_title("Dirac-GAN, step size 0.2", fontsize=10)
axes[1].axhline(0, color="k", lw=0.5)
axes[1].set_xlabel("step"), axes[1].set_ylabel("θ"), axes[1].legend(fontsize=8)
axes[1].set_title("the generator's position over time", fontsize=10)
plt.show()

# %% [markdown]
# Look at the legends: simultaneous steps spiral **away** from the equilibrium; alternating steps
# stay on a bounded orbit, but $\theta$ keeps crossing the data point, from one side to the other.
# Near the equilibrium the game is $-\tfrac12 w\theta$, whose gradients turn around $(0, 0)$
# instead of pointing at it. Neither player is wrong; the game circles.
#
# ### Fix: sample from an average of $G$'s weights (EMA)
#
# An [**exponential moving average**](../docs/glossary.md#ema-of-the-generators-weights) (EMA) keeps a
# second copy of $G$'s weights, $\bar\theta_G \leftarrow \gamma\,\bar\theta_G + (1-\gamma)\,\theta_G$ after
# every step, with decay $\gamma = 0.99$ (`ema_decay`). Training moves $\theta_G$; samples come from
# $\bar\theta_G$ (Yazıcı et al. 2019). On the alternating orbit above, where $\theta_G$ is the one number $\theta$:

# %%
path = dirac_gan(eta=0.2, steps=600, simultaneous=False)
gamma = 0.99  # the recipe's ema_decay
theta_bar = [path[0, 0]]
for theta in path[1:, 0]:
    theta_bar.append(gamma * theta_bar[-1] + (1 - gamma) * theta)
theta_bar = np.array(theta_bar)

plt.figure(figsize=(8, 2.8))
plt.plot(path[:, 0], color="tab:blue", lw=0.8, label="θ, what training moves")
plt.plot(theta_bar, color="k", lw=1.5, label="θ̄, its EMA (γ = 0.99)")
plt.axhline(0, color="gray", lw=0.5), plt.xlabel("step"), plt.legend(fontsize=8)
plt.show()
print(f"mean distance from the data over the last 100 steps: θ {np.abs(path[-100:, 0]).mean():.2f}, "
      f"θ̄ {np.abs(theta_bar[-100:]).mean():.2f}")

# %% [markdown]
# The average sits much closer to the data point than $\theta$ ever stays (the distances printed
# above): it cancels the swings. In an image GAN the same averaging smooths $G$'s wobble from one
# step to the next.
#
# How much does that buy on digits? The course's **long-budget study** answers it for every
# ingredient of the recipe: it trained the recipe, and the recipe **without** one ingredient, for
# 4,000 generator steps on 3 seeds each, and scored 2,000 samples every 500 steps
# (`data/results/stability.json`). "Better on all 3 seeds" means the recipe won on every seed.

# %% [markdown]
# Two scores, defined in notebook 05 and summed up in [03's box on how we score digits](03_mnist_gan.ipynb): the
# [**MNIST score**](../docs/glossary.md#mnist-score) (1 to 10, high when a digit classifier is sure of
# each sample and all ten digits appear) and the [**Fréchet distance**](../docs/glossary.md#fréchet-distance--fid)
# between the classifier's features of real and generated digits (0 is best). With and without the EMA:

# %%
# NBVAL_CHECK_OUTPUT
if study is not None:
    print(f"{len(gu.study.variants(study))} variants x {len(study['seeds'])} seeds x {study['steps']:,} G steps\n")
show_bought("EMA of G")

# %% [markdown]
# ### The shared forward pass: simultaneous, and cheaper
#
# Notebook 03's step updates $D$, then $G$. The recipe instead runs $G$ and $D$ once and takes both
# gradients from that **shared forward pass**: a simultaneous update, the kind that spiralled out
# above. Why risk it? For plain steps of size $\eta$ on $-\tfrac12 w\theta$, each simultaneous step
# multiplies the distance by $\sqrt{1+\eta^2/4}$: at the recipe's $\eta = 8\cdot10^{-4}$, about
# $1 + 8\cdot10^{-8}$. At small steps the drift is negligible, and each step is cheaper. The study
# compares it at equal steps and at equal training time:

# %%
# NBVAL_CHECK_OUTPUT
show_bought("shared forward pass")
if study is not None:
    for key, label, fmt in (("mnist_score", "MNIST score", ".3f"), ("frechet_distance", "Fréchet distance", ".1f")):
        same_time = gu.ablation.at_equal_time(study, "shared forward pass", key)
        print(f"  at equal training time, {label}: recipe {same_time['verdict']}")

# %% [markdown]
# At equal steps, the separate passes won on every seed; per second of training, the recipe came out
# ahead or level (the verdicts printed above). It trades quality per step for steps per second.
#
# ### Adam without momentum: $\beta_1 = 0$
#
# [Adam](../docs/glossary.md#adam-and-β₁) keeps a running mean of past gradients, weighted by
# $\beta_1$ (0.5 in the DCGAN paper): momentum. Momentum helps when the target stands still; in a game
# the other player moves, so an old direction can point around the circle, not at the centre. The
# recipe sets $\beta_1 = 0$:

# %%
# NBVAL_CHECK_OUTPUT
show_bought("Adam β₁ = 0")

# %% [markdown]
# ## 2. The discriminator wins, and the minimax loss stops teaching $G$
#
# Give $D$ ten times $G$'s learning rate ($G$: $2\cdot10^{-4}$, $D$: $2\cdot10^{-3}$) and, against a minimax $G$,
# it soon rejects every fake, $D(G(z)) \approx 0$. Notebook 02 showed why the **minimax** loss then gives $G$
# little to learn from, and the **non-saturating** one more. Here it is on digits: two runs from one
# seed, 200 steps, differing only in $G$'s loss. Each of the notebook's three before/after pairs
# (`gu.pairs`) runs one seed; under it, the committed check on three seeds. In classroom mode the
# cell draws that check instead.

# %%
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 200 steps", "train it"):
    gu.pairs.plot_check(pairs_check, "d_wins")
    d_wins = {"minimax": gu.GANTrainer("dcgan", x_real, seed=0, **gu.pairs.pair("d_wins").failure_settings)}
    d_wins["minimax"].step(gu.fast(100, 5), mode="d")  # for the next cell: D alone soon rejects every fake
else:
    d_wins_pair = gu.pairs.run("d_wins", seed=0, data=data)
    d_wins = {"minimax": d_wins_pair["failure"]["trainer"], "non_saturating": d_wins_pair["fix"]["trainer"]}
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.4), gridspec_kw={"width_ratios": [1.2, 1, 1]})
    for kind, colour in (("minimax", "tab:red"), ("non_saturating", "tab:blue")):
        h = d_wins[kind].history
        axes[0].plot(h["step"], h["d_fake"], color=colour, alpha=0.2, lw=0.6)
        axes[0].plot(h["step"], gu.plotting.smooth(h["d_fake"]), color=colour, label=kind)
    axes[0].set_ylim(0, 0.6), axes[0].set_xlabel("step")
    axes[0].set_title("mean D(G(z)) per batch (faint) and its moving average", fontsize=10)
    axes[0].legend(fontsize=8)
    for ax, (kind, side) in zip(axes[1:], (("minimax", "failure"), ("non_saturating", "fix"))):
        gu.show_images(d_wins_pair[side]["samples"], nrow=8, ax=ax,
                       title=f"{kind}: MNIST score {d_wins_pair[side]['mnist_score']:.2f}")
plt.show()
print("three seeds:", gu.pairs.spread_line(pairs_check, "d_wins"))


# %% [markdown]
# Look at the red curve: the minimax run's $D(G(z))$ drops to about 0 and its samples stay shapeless;
# the non-saturating run keeps $D(G(z))$ above 0 and its samples begin to take shape. The three-seed line
# says whether that held on every seed. The size of $G$'s gradient under each loss, at the state the
# minimax run ended in ($\lVert\cdot\rVert$ over all of $G$'s weights):

# %%
def generator_gradient_norm(trainer, kind, n=256):
    """Norm of the gradient of G's loss `kind` with respect to all of G's weights, at the current D."""
    z = tf.random.stateless_normal([n, trainer.latent_dim], seed=[0, 4])
    with tf.GradientTape() as tape:
        fake_logits = trainer.discriminator(trainer.generator(z, training=True), training=False)
        loss = gu.losses.generator_loss(fake_logits, kind)
    grads = tape.gradient(loss, trainer.generator.trainable_variables)
    return float(tf.linalg.global_norm(grads))


stuck = d_wins["minimax"]
norms = {kind: generator_gradient_norm(stuck, kind) for kind in ("minimax", "non_saturating")}
print(f"mean D(G(z)) now: {np.mean(stuck.history['d_fake'][-50:]):.4f}")
for kind, norm in norms.items():
    print(f"|grad G| with the {kind:>14} loss: {norm:.2e}")
print(f"ratio: {norms['non_saturating'] / norms['minimax']:.0f}x")

# %% [markdown]
# The size alone does not settle it, since Adam rescales every step. What matters is the weighting
# (notebook 02's slopes): under the minimax loss, the fakes $D$ rejects confidently, nearly all of them
# here, contribute almost nothing; the non-saturating loss gives each nearly full weight. The
# non-saturating loss is the first fix. The recipe goes one step further.

# %% [markdown]
# ### Fix: the hinge loss, a critic with a margin
#
# With the [**hinge loss**](../docs/glossary.md#hinge-loss) (Lim and Ye 2017; Miyato et al. 2018) $D$
# becomes a [**critic**](../docs/glossary.md#critic--critic-score-sx): its output is an unbounded
# **score** $s(x)$, not a logit of a probability; higher means "more real".
#
# $$L_D = \mathbb{E}_x\big[\max(0,\ 1 - s(x))\big] + \mathbb{E}_z\big[\max(0,\ 1 + s(G(z)))\big],
# \qquad L_G = -\,\mathbb{E}_z\big[s(G(z))\big].$$
#
# $D$ stops pushing once real images score above 1 and fakes below $-1$, so it cannot win without
# bound (exercise 3 asks what this loss does for $G$ when $D$ leads). With it, and with the
# non-saturating loss instead:

# %%
# NBVAL_CHECK_OUTPUT
show_bought("hinge loss")

# %% [markdown]
# A small gain next to $\beta_1 = 0$'s above. A textbook alternative aimed at an over-confident $D$ is
# [**one-sided label smoothing**](../docs/glossary.md#label-smoothing-one-sided) (Salimans et al. 2016):
# train $D$ towards $1-\alpha$ instead of 1 on real images (the study used $\alpha = 0.1$: target 0.9), fakes still
# towards 0. Section 6 measures it; exercise 5 asks what it does to the best $D$.

# %% [markdown]
# ## 3. Mode collapse: chasing a discriminator that stands still
#
# In [**mode collapse**](../docs/glossary.md#mode-collapse) $G$ draws only a few kinds of sample (here,
# a few digits) out of the many the data hold. For a **fixed** $D$, the best $G$ puts all its mass on the one
# image $D$ likes most; only a $D$ that keeps learning punishes that. Start from a good generator, the shipped one (`dcgan_embedded`, the
# recipe trained on these digits). A fresh recipe $D$ trains alone for 50 steps; then $D$
# is frozen and $G$ trains alone (learning rate $2\cdot10^{-3}$), watched through the digit
# classifier's class histogram.

# %%
recipe = gu.recipes.recipe("dcgan")
sizes = recipe.pop("sizes")
recipe["ema_decay"] = None  # look at G itself, not a slow average of it
healthy = gu.GANTrainer("dcgan", x_real, seed=0, **recipe, **sizes)
healthy.generator.set_weights(gu.load_pretrained("dcgan_embedded").get_weights())
healthy.step(gu.fast(50, 5), mode="d")  # G stands still
n_eval = gu.fast(500, 200)
healthy.lr_g = 2e-3
stages, done = {}, 0  # G-only steps so far -> samples
for g_only in gu.fast((0, 25, 50, 100), (0, 2, 5, 10)):
    if g_only > done:
        healthy.step(g_only - done, mode="g")  # D stands still
        done = g_only
    stages[g_only] = healthy.sample(n_eval)
before, after = stages[min(stages)], stages[max(stages)]
frozen_score = {g_only: float(np.mean(healthy.discriminator(images, training=False)))
                for g_only, images in stages.items()}

fig, axes = plt.subplots(2, len(stages), figsize=(3.2 * len(stages), 5.6), gridspec_kw={"height_ratios": [1, 1.3]})
for (g_only, images), ax_hist, ax_img in zip(stages.items(), axes[0], axes[1]):
    ax_hist.bar(range(10), gu.metrics.class_histogram(images), color="tab:blue")
    ax_hist.set_xticks(range(10)), ax_hist.set_ylim(0, 1)
    covered = gu.metrics.classes_covered(images)
    ax_hist.set_title(f"{g_only} G-only steps: {covered} class{'es' if covered != 1 else ''}", fontsize=10)
    gu.show_images(images[:25], nrow=5, ax=ax_img, title=f"score {gu.metrics.mnist_score(images):.2f}")
fig.tight_layout()
plt.show()
print("the frozen D's mean score s(G(z)) on G's samples: "
      + ", ".join(f"{g_only} G-only steps: {v:+.2f}" for g_only, v in frozen_score.items()))

# %% [markdown]
# Read the histograms left to right: all ten classes at first, then the samples pile onto one class
# while the digits dissolve into one repeated pattern (titles: MNIST score). The printed critic scores
# say why: the frozen $D$ rates that pattern far above the good digits it started from, never having
# seen such images. In a normal run $D$ keeps learning, but if $G$ moves faster than $D$ can
# follow, the same happens piecemeal: $G$ crowds onto what $D$ likes now, $D$ catches up, $G$ jumps.
#
# ### Fix: packing
#
# On the ring of eight Gaussians of notebook 02, modes are cheap to count. PacGAN (Lin et al. 2018)
# changes one thing: $D$ judges four samples at once, concatenated, so a batch piled onto a few modes
# looks fake as a whole. Same seed, 3,000 steps ($k = 5$ $D$ steps each), with and without packing:

# %%
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 3,000 steps", "train it"):
    gu.pairs.plot_check(pairs_check, "mode_collapse")
else:
    ring_pair = gu.pairs.run("mode_collapse", seed=0)
    fig, axes = plt.subplots(1, 2, figsize=(8, 4))
    for ax, side in zip(axes, ("failure", "fix")):
        result = ring_pair[side]
        label = gu.pairs.pair("mode_collapse").failure if side == "failure" else "packed D (PacGAN, 4 samples)"
        gu.plotting.plot_toy(result["trainer"], ax, n=1000,
                             title=f"{label}\n{result['modes_covered']}/8 modes, {result['off_mode']:.0%} near none")
    fig.tight_layout()
plt.show()
print("three seeds:", gu.pairs.spread_line(pairs_check, "mode_collapse"))

# %% [markdown]
# Count the clusters the samples (orange dots; black marks the data) reach in each panel. A mode counts as covered when at least
# 1% of 5,000 samples lie within 3 standard deviations of its centre; "near none" is the share near no
# mode. The three-seed line says on how many seeds packing covered more modes.
#
# A cheaper relative, the [**minibatch standard deviation**](../docs/glossary.md#minibatch-standard-deviation)
# channel (Karras et al. 2018), hands $D$ one number per batch: how much the images differ. On real
# digits, the healthy generator's samples and the collapsed ones:

# %%
minibatch_std = gu.layers.MinibatchStdDev()
for name, images in (("real digits", x_real[:256]), ("healthy G", before[:256]), ("collapsed G", after[:256])):
    spread = float(minibatch_std(tf.constant(images))[0, 0, 0, -1])
    print(f"{name:>12}: batch spread {spread:.3f}")

# %% [markdown]
# The collapsed batch's spread is well below the real one's: one number is enough for $D$ to tell
# such a batch from real digits. Section 6 measures whether the channel helps an ordinary run.
#
# ### Fix: a discriminator that sees the whole digit
#
# The recipe adds one dense layer of $m = 256$ units (LeakyReLU) between $D$'s last convolution and its
# score (`d_dense=256`), as the MNIST discriminator of TF-GAN (TensorFlow's GAN library) does. It lets $D$ combine features from the
# whole image, so it can follow a moving $G$ more closely. With and without it:

# %%
# NBVAL_CHECK_OUTPUT
show_bought("dense layer in D (m = 256)")

# %% [markdown]
# ## 4. Divergence: a learning rate that is simply too large
#
# At a learning rate of 10 every update overshoots, and after one step $G$'s loss is astronomically
# large or NaN. `GANTrainer` checks every step: it stops, rolls the weights back to the last good
# snapshot and says so. The same trainer then goes on at $2\cdot10^{-2}$:

# %%
warm = gu.GANTrainer("dcgan", x_real, loss="non_saturating", lr_g=10.0, lr_d=10.0, beta_1=0.5, seed=0)
try:
    warm.fit(steps=100, progress=False)
except gu.training.TrainingDiverged as err:
    print(err)
print("\nthe trainer is usable again, at step", warm.step_count, "- so lower both learning rates to 2e-2 and train on")
warm.lr_g = warm.lr_d = 2e-2
warm.fit(steps=gu.fast(100, 10), progress=False)
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
axes[0].plot(warm.history["step"], warm.history["d_loss"], label="D loss")
axes[0].plot(warm.history["step"], warm.history["g_loss"], label="G loss")
axes[0].set_yscale("symlog"), axes[0].set_xlabel("step"), axes[0].legend(fontsize=8)
axes[0].set_title("lr 2e-2: finite, but not learning", fontsize=10)
gu.show_images(warm.fixed_samples()[:32], nrow=8, ax=axes[1], title="its samples")
plt.show()

# %% [markdown]
# In the figure, the losses stay finite but swing by orders of magnitude (the axis is logarithmic),
# and the samples are dots, not digits. Large steps make the game blow up, or thrash.
#
# A function $f$ is [**$K$-Lipschitz**](../docs/glossary.md#lipschitz-continuity-1-lipschitz) if
# $|f(a) - f(b)| \le K\lVert a - b\rVert$ for all inputs: it never changes faster than slope $K$. A dense
# layer multiplies by $W$, which stretches a vector by at most its largest
# [**singular value**](../docs/glossary.md#spectral-norm--spectral-normalisation) $\sigma_{\max}(W)$; LeakyReLU
# does not stretch. **Spectral normalisation** (Miyato et al. 2018) divides each of $D$'s kernels by
# $\sigma_{\max}(W)$, so no layer stretches by more than about 1 and $D$ cannot become arbitrarily steep.

# %% [markdown]
# ### Build it: one step of power iteration
#
# A singular value decomposition (SVD, all of $W$'s singular values exactly) at every step is too slow. [**Power iteration**](../docs/glossary.md#power-iteration) keeps a
# unit vector $\mathbf{r}$ (one entry per column of $W$) and improves it a little per step. $W^\top W$
# stretches its top direction by $\sigma_{\max}^2$ and every other direction by less, so multiplying by
# it and rescaling turns $\mathbf{r}$ towards the top direction:
#
# $$\mathbf{r} \leftarrow \frac{W^\top W\mathbf{r}}{\lVert W^\top W\mathbf{r}\rVert}, \qquad \sigma_{\max}(W) \approx \lVert W\mathbf{r}\rVert .$$
#
# Write it below; the next cell checks it and the notebook then uses yours.

# %% tags=["build"]
def power_iteration_step(W, r):
    """One power-iteration step: return the refined unit vector r and the estimate ||W r|| of sigma_max(W)."""
    r = W.T @ (W @ r)
    r = r / np.linalg.norm(r)
    return r, np.linalg.norm(W @ r)


# %%
gu.checks.check_power_iteration_step(power_iteration_step)
power_iteration_step = gu.checks.yours_or_reference(power_iteration_step)

# %% [markdown]
# Now on a real kernel: the second convolution of section 3's recipe $D$. Its kernel $(4, 4, c_{in},
# c_{out})$, for $c_{in}$ input and $c_{out}$ output channels, is reshaped to a matrix
# $(16\,c_{in}, c_{out})$, as the paper does. Your function runs 20 steps from a random $\mathbf{r}$;
# numpy's SVD gives the exact value.

# %%
sn_layers = [layer for layer in healthy.discriminator.layers if isinstance(layer, gu.layers.SpectralNorm)]
W = sn_layers[1].layer.kernel.numpy()
W = W.reshape(-1, W.shape[-1])
r = np.random.default_rng(0).normal(size=W.shape[1])
r /= np.linalg.norm(r)
estimates = []
for _ in range(20):
    r, sigma = power_iteration_step(W, r)
    estimates.append(float(sigma))
exact = np.linalg.svd(W, compute_uv=False)[0]
print(f"kernel as a matrix {W.shape}; exact sigma_max (numpy SVD): {exact:.4f}")
for n in (1, 3, 20):
    print(f"your estimate after {n:2d} step(s): {estimates[n - 1]:.4f} ({estimates[n - 1] / exact - 1:+.1%})")
print(f"the layer's own estimate, refined once per training call: {float(sn_layers[1].sigma()):.4f}")

# %% [markdown]
# One step from a random start is clearly low (the percentages printed above); three steps close less
# than half of the gap, twenty nearly all of it. `gu.layers.SpectralNorm` keeps its vector between training calls and refines it once
# per call, so its estimate tracks the kernel as it changes. Two approximations remain: the estimate
# itself, and the reshaped kernel, whose norm can understate the convolution's own by up to the
# kernel's width (Tsuzuku et al. 2018). So a spectrally normalised $D$ is only **approximately**
# 1-Lipschitz. Does it stop the blow-up? At a learning rate of $10^{-1}$, same seed, 250 steps:

# %%
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 250 steps", "train it"):
    gu.pairs.plot_check(pairs_check, "divergence")
else:
    hot_pair = gu.pairs.run("divergence", seed=0, data=data)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.2), gridspec_kw={"width_ratios": [1.2, 1, 1]})
    for (side, label), colour in zip((("failure", "no spectral norm"), ("fix", "spectral norm in D")),
                                     ("tab:red", "tab:blue")):
        result = hot_pair[side]
        h = result["trainer"].history
        axes[0].plot(h["step"], np.abs(h["g_loss"]), color=colour, lw=0.8,
                     marker="o" if len(h["step"]) < 50 else None, ms=2, label=f"{label} ({len(h['step'])} steps kept)")
        ended = (f"diverged at step {result['diverged_at']}" if result["diverged_at"]
                 else f"finite for all {gu.pairs.pair('divergence').steps} steps")
        gu.show_images(result["samples"], nrow=8, ax=axes[1 if side == "failure" else 2],
                       title=f"{label}:\n{ended}, MNIST score {result['mnist_score']:.2f}")
    axes[0].set_yscale("log"), axes[0].set_xlabel("step"), axes[0].set_title("|G loss|, lr 1e-1", fontsize=10)
    axes[0].legend(fontsize=8)
plt.show()
print("three seeds:", gu.pairs.spread_line(pairs_check, "divergence"))

# %% [markdown]
# Read the panel titles and the legend. Without spectral norm the losses blew up within a few steps
# (the title gives the step; the three-seed line counts the finite steps before it). The trainer then
# rolled back to its last saved state, kept every 50 steps, here step 0, and dropped the steps after
# it: hence "0 steps kept", no red curve, and the untrained generator's grey samples. With spectral
# norm the blue curve runs to the end. But its samples hold no digit:
# a bounded $D$ keeps the game from blowing up, it does not make steps 500 times too large useful.
#
# ### Fix: spectral norm, and the room it buys
#
# The recipe pairs spectral norm with larger steps: it trains at $\eta_G = \eta_D =
# 8\cdot10^{-4}$, four times the DCGAN paper's $2\cdot10^{-4}$. The study removed each:

# %%
# NBVAL_CHECK_OUTPUT
show_bought("spectral norm in D")
show_bought("learning rate 8e-4")

# %% [markdown]
# ## 5. Another way to bound the critic: the gradient penalty
#
# The [**earth-mover distance**](../docs/glossary.md#wasserstein-earth-mover-distance) (Wasserstein-1)
# between two distributions is the least total work, mass times distance moved, that turns one into
# the other: $\mathrm{EM}(p_{data}, p_g) = \inf_{\pi} \mathbb{E}_{(x, x')\sim\pi}\lVert x - x'\rVert$ over
# couplings $\pi$ (joint distributions of pairs $(x, x')$ whose marginals, the distributions of $x$
# alone and of $x'$ alone, are $p_{data}$ and $p_g$), $\inf_\pi$ taking the least value over them.
# Unlike the JSD, which stays at $\log 2$ while two distributions do not overlap, it shrinks as $p_g$
# moves towards $p_{data}$.
# By Kantorovich-Rubinstein duality, $\mathrm{EM} = \max_{s\ \text{1-Lipschitz}} \mathbb{E}[s(x)] - \mathbb{E}[s(G(z))]$:
# a critic that maximises this difference estimates $\mathrm{EM}$ (Arjovsky et al. 2017).

# %% [markdown]
# ### Build it: the gradient penalty (WGAN-GP)
#
# WGAN-GP (Gulrajani et al. 2017) keeps the critic near 1-Lipschitz with a
# [**penalty**](../docs/glossary.md#gradient-penalty) instead of spectral norm. A 1-Lipschitz critic at
# its best has slope 1 along the straight lines between real and fake images, so the penalty looks
# there: at $\hat x = \epsilon x + (1-\epsilon)\tilde x$, one fraction $\epsilon \sim U(0, 1)$
# (uniform between 0 and 1) per image ($x$ real, $\tilde x$ fake), it penalises each gradient's
# length for differing from 1:
#
# $$\mathrm{GP} = \mathbb{E}\big[(\lVert\nabla_{\hat x} s(\hat x)\rVert_2 - 1)^2\big],\qquad
# L_s = \mathbb{E}[s(G(z))] - \mathbb{E}[s(x)] + \lambda\,\mathrm{GP},\ \lambda = 10 .$$
#
# Write the penalty below (`epsilon` has shape $(n, 1, 1, 1)$ for $n$ images); the next cell checks it, and the
# notebook then uses yours.

# %% tags=["build"]
def gradient_penalty(critic, real, fake, epsilon):
    """WGAN-GP's penalty: the mean over images of (||gradient of the critic at the mix|| - 1)^2."""
    x_hat = epsilon * real + (1 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)  # x_hat is a tensor, not a variable: the tape must be told to follow it
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))  # one norm per image
    return tf.reduce_mean(tf.square(norms - 1.0))


# %%
gu.checks.check_gradient_penalty(gradient_penalty)
gradient_penalty = gu.checks.yours_or_reference(gradient_penalty)

# %% [markdown]
# Your penalty on two real critics from this notebook, on the same real digits and the shipped
# generator's samples: section 3's recipe $D$ (spectral norm) and section 2's winning $D$ (none).

# %%
n = min(256, len(before))
real, fake = tf.constant(x_real[:n]), tf.constant(before[:n])
epsilon = tf.random.stateless_uniform([n, 1, 1, 1], seed=[0, 5])
for name, critic in (("section 3's recipe D (spectral norm)", healthy.discriminator),
                     ("section 2's winning D (no spectral norm)", d_wins["minimax"].discriminator)):
    penalty = float(gradient_penalty(lambda x: critic(x, training=False), real, fake, epsilon))
    x_hat = epsilon * real + (1 - epsilon) * fake  # extra code – the slopes themselves, for comparison
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=False)
    slopes = tf.norm(tf.reshape(tape.gradient(scores, x_hat), [n, -1]), axis=1).numpy()
    print(f"{name:>42}: gradient penalty {penalty:.3f}, median slope {np.median(slopes):.2f}")

# %% [markdown]
# Compare each median slope with 1. The spectrally normalised $D$ is far **flatter** than slope 1
# between real and fake digits, and the unconstrained winning $D$ steeper: both pay a penalty, for
# opposite reasons. Spectral norm only caps the slope from above; the penalty pulls it towards 1 from
# both sides.
#
# WGAN-GP's selling point is its loss: minus an estimate of $\mathrm{EM}$, so it should rise towards 0 as the
# samples improve. A BCE discriminator's loss stays near $\log 4$ in a balanced run, however good the
# samples. Along each run of the study, the loss of $D$ (or the critic) against the MNIST score measured
# then, for WGAN-GP, the plain non-saturating GAN and the course recipe:

# %%
critic_runs = [name for name in ("WGAN-GP (k = 5)", "non-saturating loss", gu.variants.RECIPE_NAME)
               if study is not None and name in gu.study.variants(study)]
if critic_runs:
    fig, axes = plt.subplots(1, len(critic_runs), figsize=(5.2 * len(critic_runs), 3.6), squeeze=False)
    for ax, name in zip(axes[0], critic_runs):
        for run in gu.study.runs_of(study, name):
            points = [p for p in run["metrics"] if "d_loss" in p]
            losses = [p["d_loss"] for p in points]
            ax.plot(losses, [p["mnist_score"] for p in points], "o-", ms=3, label=f"seed {run['seed']}")
            print(f"{name}, seed {run['seed']}: loss from {losses[0]:+.2f} to {losses[-1]:+.2f} "
                  f"(range {max(losses) - min(losses):.2f}) while the score went from {points[0]['mnist_score']:.2f} "
                  f"to {points[-1]['mnist_score']:.2f}")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("loss of D or critic (mean of the last 500 steps)"), ax.set_ylabel("MNIST score")
        ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()

# %% [markdown]
# In each panel, look at how far the loss moves (left to right) while the score climbs (upwards).
# WGAN-GP's critic loss climbed from about $-7$ to about $-1$ as the score rose, most of it early, while
# the critic itself was still young. The plain GAN's loss moved within a narrow band just below
# $\log 4 \approx 1.39$, and the recipe's hinge loss barely moved: neither says how far the samples
# still are from the data. The price of the Wasserstein critic: $k = 5$ critic steps per $G$ step,
# each with the penalty's second backward pass.

# %% [markdown]
# ## 6. The textbook fixes over a long budget
#
# Does each textbook fix also help an ordinary run? The same study trained each on a plain
# non-saturating GAN (both learning rates $2\cdot10^{-4}$, $\beta_1 = 0.5$, no dense layer), with the
# recipe beside them. The line is the median over seeds, the band the range from the worst seed to the best
# (look for the lines that leave the bunch);
# "memorised" is the share of samples that copy a training digit ([memorisation](../docs/glossary.md#memorisation),
# notebook 05).

# %%
fixes = [v.name for v in gu.variants.VARIANTS if study is not None and v.name in gu.study.variants(study)]
if fixes:
    gu.study.plot_score_and_fd(study, fixes)
    plt.show()
    display(gu.study.table({"runs": [r for r in study["runs"] if r["variant"] in fixes]}, gu.variants.BASELINES))

# %% [markdown]
# Only differences that held on every seed count ("better/worse on all 3 seeds"; "ranges overlap" when,
# even so, the loser's best seed matched or beat the winner's worst). With no real effect, three seeds land on
# the same side one time in four, so such a verdict is a hint; the firm findings are far beyond the
# spread between seeds. Read the table that way: the recipe is far ahead of every textbook fix. Of
# those, only WGAN-GP beat the plain GAN on every seed, at over four times the cost per step; TTUR
# ([two time-scale learning rates](../docs/glossary.md#ttur-two-time-scale-update-rule), $D$ faster than
# $G$; Heusel et al. 2017) and hinge loss with spectral norm were behind on every seed, TTUR by far;
# the rest are within noise.

# %% [markdown]
# **Retrain a variant yourself.** Set `RETRAIN` to any name in the table (for example
# `"hinge loss + spectral norm"`) and run the cell: it trains that variant for 1,000 generator steps,
# seed 0, and draws your run, dashed, over the study's.

# %%
RETRAIN = None  # e.g. "hinge loss + spectral norm"
if RETRAIN is not None:
    mine = gu.study.train_live(RETRAIN, data, steps=gu.fast(1000, 4), every=gu.fast(250, 2))
    shown = [RETRAIN] if study is not None and RETRAIN in gu.study.variants(study) else []
    ax = gu.study.plot_curves(study or {"runs": []}, shown, live_runs=[mine])
    ax.set_xlim(0, None)
    plt.show()

# %% [markdown]
# ## Summary
#
# - A GAN is a game: steps circle the equilibrium (section 1), one player overpowers the other (2), $G$
#   collapses onto what a lagging $D$ likes (3), large steps blow up (4).
# - Each recipe ingredient follows the failure it eases: EMA and $\beta_1 = 0$ the circling (the shared
#   pass risks a little of it for cheaper steps); the hinge loss a winning $D$; a dense layer in $D$
#   collapse; spectral norm, paired with a larger learning rate, divergence.
# - Spectral norm and the gradient penalty both bound how steep the critic is; power iteration makes
#   the first cheap, at the price of an approximate bound.
# - Judge a fix on the same budget, several seeds and scores that see diversity, never one picture.

# %% [markdown]
# ## Exercises
#
# Checks say what is wrong; `gu.checks.hint("name")` gives more help, one level per call (an
# instructor can cap it with `gu.checks.max_hint_level(2)`). Worked solutions are under Solutions.
#
# **1. Diagnose a run.** Below are the committed curves of a mystery run from the study, three seeds,
# beside the recipe. The study keeps no samples; its class counts stand in for them. Which failure is
# growing? Set `diagnosis` to `"collapse"`, `"divergence"`, `"slow_g"` (G learns too slowly: its score lags the recipe's) or
# `"d_wins"`, and say which ingredient you would check first.

# %%
mystery = gu.variants.mystery_runs(study) if study is not None else []
fig, axes = plt.subplots(1, 4, figsize=(15, 3.2))
for runs, colour, label in ((gu.study.runs_of(study, gu.variants.RECIPE_NAME) if study is not None else [], "tab:blue",
                             "the recipe"), (mystery, "tab:red", "mystery run")):
    for i, run in enumerate(runs):
        steps = [p["step"] for p in run["metrics"]]
        for ax, key in zip(axes, ("d_loss", "g_loss", "mnist_score", "classes_covered")):
            ax.plot(steps, [p[key] for p in run["metrics"]], "o-", ms=2, color=colour, label=label if i == 0 else None)
for ax, title in zip(axes, ("D's hinge loss", "G's loss", "MNIST score", "classes covered (of 10)")):
    ax.set_title(title, fontsize=10), ax.set_xlabel("G step")
axes[0].legend(fontsize=8)
plt.show()

diagnosis = None  # "collapse", "divergence", "slow_g" or "d_wins"
gu.checks.check_diagnosis(diagnosis);

# %% [markdown]
# **2. Design the experiment.** You want to show that spectral norm helps the recipe. (a) With no real
# effect, how many seeds must all land on the same side before that happens by chance less than one
# time in 20? (b) From the study's per-seed differences printed below, from which measured step on did
# the recipe beat the run without spectral norm on every seed, at every later measurement? A study
# stopped earlier would have dropped spectral norm.

# %%
if study is not None:
    with_sn = {run["seed"]: run["metrics"] for run in gu.study.runs_of(study, gu.variants.RECIPE_NAME)}
    without = {run["seed"]: run["metrics"] for run in gu.study.runs_of(study, "recipe without spectral norm")}
    for i, point in enumerate(with_sn[0]):
        gaps = [with_sn[s][i]["mnist_score"] - without[s][i]["mnist_score"] for s in sorted(with_sn)]
        print(f"step {point['step']:>5,}: recipe minus 'without spectral norm', MNIST score by seed: "
              + ", ".join(f"{g:+.2f}" for g in gaps))

seeds, steps = None, None  # your answers to (a) and (b)
gu.checks.check_design(seeds, steps);

# %% [markdown]
# **3. Predict, then run.** Section 2's minimax generator stalled when $D$ learned ten times faster.
# Predict what happens with the **hinge** loss and the same lead (`lr_g` $2\cdot10^{-4}$, `lr_d`
# $2\cdot10^{-3}$): does $G$ stall (MNIST score below 1.5) or learn? Write your prediction first, then
# set the panel below (loss `hinge`, both learning rates) and train it for 30 seconds from code. The
# panel also takes any other setting: try to break it, then rescue it by changing one thing.

# %%
panel = gu.BreakItPanel(data, seconds=20)
panel

# %%
prediction = None  # "stalls" or "learns": decide before you train
lead_run = None    # then: set the panel, and lead_run = panel.train(seconds=30)
gu.checks.check_predict_hinge_lead(prediction, lead_run);

# %% [markdown]
# **4. A linear critic, by hand.** Take the critic $s(x) = w^\top x + b$. What is its gradient penalty,
# for any real and fake images and any fractions $\epsilon$? Derive it on paper, then write
# `linear_critic_penalty(w)`. What does a critic need to do to pay no penalty at all?

# %%
def linear_critic_penalty(w):
    """The WGAN-GP penalty of the linear critic s(x) = w . x + b, for any images and mixing fractions."""
    # Your result here: replace `None` with it.
    return None


gu.checks.check_linear_critic_penalty(linear_critic_penalty);

# %% [markdown]
# **5. Smoothing moves the best $D$.** With one-sided label smoothing (real target $1-\alpha$, fake
# target 0), redo notebook 02's derivation of the optimal discriminator for a fixed $G$, and write
# `smoothed_optimal_d(p_data, p_g, alpha)`. Then explain why smoothing the fake targets too (towards
# $\alpha$) would be a bad idea: what would the best $D$ say where only fakes live?

# %%
def smoothed_optimal_d(p_data, p_g, alpha):
    """The best D(x) for a fixed G when real images are trained towards 1 - alpha and fakes towards 0."""
    # Your result here: replace `None` with it.
    return None


gu.checks.check_smoothed_optimal_d(smoothed_optimal_d);

# %% [markdown]
# Running time of this notebook on your machine, up to here (the solutions below add a 30-second run):

# %%
print(f"{time.perf_counter() - start_time:.0f} s")


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 1. D's hinge loss falls steadily (towards 0) while G's loss rises: D separates real from fake
# more and more easily, so D is winning. Not collapse (all ten classes at every measurement), not
# divergence (every loss finite and smooth), not a slow G (it was AHEAD of the recipe at first). The
# ingredient that limits how steep D can become is spectral norm: the run is the recipe without it.
diagnosis = "d_wins"
assert gu.checks.check_diagnosis(diagnosis)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 2. (a) With no effect each seed is a coin flip; all n agree (all better OR all worse) with
# probability 2 * 0.5**n: 0.0625 for n = 5, 0.031 for n = 6. (b) Walk the printed differences from the
# last step backwards: every seed is positive at 4,000 and 3,500, but not at 3,000.
seeds, steps = 6, 3500
assert gu.checks.check_design(seeds, steps) or study is None  # without the study there is nothing to read

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3. G's hinge loss -E[s(G(z))] has slope -1 for every fake however low its score, so G keeps a
# full-size signal however far ahead D is: prediction "learns". The run (30 s on the panel) checks it.
prediction = "learns"
if not gu.classroom_replaces("set the prediction without training the panel",
                             "the 30-second panel run", "run it"):
    panel.loss_dropdown.value = "hinge"
    panel.lr_g_slider.value, panel.lr_d_slider.value = 2e-4, 2e-3
    lead_run = panel.train(seconds=gu.fast(30, 1))
    verdict = gu.checks.check_predict_hinge_lead(prediction, lead_run)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 4. The gradient of w . x + b with respect to x is w, at every point: so every mixed image has a
# gradient of length ||w||, and the penalty is (||w|| - 1)^2 whatever the images and the fractions. It is
# 0 exactly when ||w|| = 1: a linear critic pays nothing when its slope is exactly 1 in its steepest
# direction.
def linear_critic_penalty(w):
    """The WGAN-GP penalty of the linear critic s(x) = w . x + b, for any images and mixing fractions."""
    return (np.linalg.norm(w) - 1.0) ** 2


assert gu.checks.check_linear_critic_penalty(linear_critic_penalty)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 5. At one point x, D maximises p_data [(1 - alpha) log D + alpha log(1 - D)] + p_g log(1 - D).
# Setting the derivative to 0: (1 - alpha) p_data / D = (alpha p_data + p_g) / (1 - D), so
# D* = (1 - alpha) p_data / (p_data + p_g): notebook 02's D* scaled by 1 - alpha, never above 1 - alpha.
# Smoothing the fakes towards alpha too would give D* = ((1 - alpha) p_data + alpha p_g) / (p_data + p_g):
# where only fakes live (p_data = 0) the best D says alpha instead of 0, so D no longer pushes G out of
# those regions (Salimans et al. 2016).
def smoothed_optimal_d(p_data, p_g, alpha):
    """The best D(x) for a fixed G when real images are trained towards 1 - alpha and fakes towards 0."""
    return (1 - alpha) * np.asarray(p_data) / (np.asarray(p_data) + np.asarray(p_g))


assert gu.checks.check_smoothed_optimal_d(smoothed_optimal_d)

# %% [markdown]
# ## References
#
# - Arjovsky, M., Chintala, S. and Bottou, L. (2017). Wasserstein GAN. arXiv:1701.07875.
# - Gulrajani, I. et al. (2017). Improved Training of Wasserstein GANs. arXiv:1704.00028.
# - Heusel, M. et al. (2017). GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
#   Equilibrium. arXiv:1706.08500.
# - Karras, T. et al. (2018). Progressive Growing of GANs for Improved Quality, Stability, and
#   Variation. arXiv:1710.10196.
# - Lim, J. H. and Ye, J. C. (2017). Geometric GAN. arXiv:1705.02894.
# - Lin, Z. et al. (2018). PacGAN: The power of two samples in generative adversarial networks.
#   arXiv:1712.04086.

# %% [markdown]
# - Mescheder, L., Geiger, A. and Nowozin, S. (2018). Which Training Methods for GANs do actually
#   Converge? arXiv:1801.04406.
# - Miyato, T. et al. (2018). Spectral Normalization for Generative Adversarial Networks.
#   arXiv:1802.05957.
# - Radford, A., Metz, L. and Chintala, S. (2015). Unsupervised Representation Learning with Deep
#   Convolutional Generative Adversarial Networks. arXiv:1511.06434.
# - Salimans, T. et al. (2016). Improved Techniques for Training GANs. arXiv:1606.03498.
# - Tsuzuku, Y., Sato, I. and Sugiyama, M. (2018). Lipschitz-Margin Training: Scalable
#   Certification of Perturbation Invariance for Deep Neural Networks. arXiv:1802.04034.
# - Yazıcı, Y. et al. (2019). The Unusual Effectiveness of Averaging in GAN Training. arXiv:1806.04498.
