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
# The course's terms (critic, Lipschitz, earth-mover distance, mode collapse, ...) are defined in
# one place, the [glossary](../docs/glossary.md).
#
# A GAN is two networks playing a game, and games do not settle down the way a single loss does.
# First you will watch four classic failures happen in real runs: oscillation, a discriminator
# that wins, mode collapse and divergence, and after three of them the fix aimed at it, run from
# the same seed with one thing changed. Then you will meet the fixes from the literature and read
# a long-budget study of them: every variant trained for the same number of generator steps on
# three seeds, so that only differences that held on every seed count.
#
# Measured running time: 2.6 min (158 s) on 2 CPU cores, on a day when a step of the course recipe
# was timed at 83 ms. Nearly all of it is training, which scales with the step time: expect about
# 2.2 minutes where a step takes 70 ms and at most about 6.5 (in proportion) where it takes 200 ms.
# Slower steps cost less than in proportion: run on one core shared with a busy process, where a
# step took 250 ms, it took 309 s. The long-budget study it reads took about 100 minutes on 2 cores
# of an AMD EPYC. With the
# classroom switch on, the three before/after pairs are read from their committed three-seed check
# instead of trained: 36 s, with a step at 55-59 ms (about 44 s where a step takes 70 ms).

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


# %% [markdown]
# ## 1. A gallery of failures
#
# ### 1.1 Oscillation: a game is not a descent
#
# The smallest GAN that still has the problem is the **Dirac-GAN** (Mescheder et al. 2018). The
# data are a single point, $x = 0$; the generator's sample is a single point too, $G(z) = \theta$; the
# discriminator is linear, $D_\psi(x) = \sigma(\psi x)$. The equilibrium is $\theta = 0$ (the
# generator sits on the data) with $\psi = 0$ ($D = \tfrac12$ everywhere). With
# $f(t) = \log\sigma(t)$ the GAN value is
#
# $$V(\psi, \theta) = f(\psi\cdot 0) + f(-\psi\theta) = \log\tfrac12 + \log\sigma(-\psi\theta),$$
#
# (the real point's term $\log D_\psi(0)$, then the fake's $\log(1 - D_\psi(\theta))$; $D$'s
# parameter first, as in $V(D, G)$),
#
# $D$ ascends it in $\psi$ and $G$ descends it in $\theta$. Near the equilibrium
# $\log\sigma(-\psi\theta) \approx -\log 2 - \tfrac12\psi\theta$: the bilinear game
# $-\tfrac12\psi\theta$, whose gradient field turns around $(0, 0)$ instead of pointing at it.

# %%
def dirac_gan(eta, steps, simultaneous, theta=1.0, psi=1.0):
    """Gradient play on the Dirac-GAN from (theta, psi); return the path as an array (steps + 1, 2)."""
    sigmoid = lambda t: 1.0 / (1.0 + np.exp(-t))  # noqa: E731
    path = [(theta, psi)]
    for _ in range(steps):
        grad_psi = -theta * sigmoid(psi * theta)       # dV/dpsi, V = log(1/2) + log sigmoid(-psi * theta)
        psi_new = psi + eta * grad_psi                  # D ascends V
        psi_seen = psi if simultaneous else psi_new     # G sees the old D (simultaneous) or the new one
        grad_theta = -psi_seen * sigmoid(psi_seen * theta)
        theta = theta - eta * grad_theta                # G descends V
        psi = psi_new
        path.append((theta, psi))
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
axes[0].set_xlabel("θ (G's point)"), axes[0].set_ylabel("ψ (D's slope)"), axes[0].set_aspect("equal")
axes[0].legend(fontsize=7, loc="lower left"), axes[0].set_title("Dirac-GAN, step size 0.2", fontsize=10)
axes[1].axhline(0, color="k", lw=0.5)
axes[1].set_xlabel("step"), axes[1].set_ylabel("θ"), axes[1].legend(fontsize=8)
axes[1].set_title("the generator's position over time", fontsize=10)
plt.show()

# %% [markdown]
# Both players follow their gradients and neither gets to the answer. Taking the steps
# **simultaneously** (both gradients at the old point) spirals outwards; letting $D$ step first
# and $G$ react (**alternating**, what `GANTrainer` does by default) keeps the orbit bounded, but
# $\theta$ still swings from one side of the data to the other: in 600 steps it crossed the data
# point 17 times (the cell above draws it). Mescheder et al. show that neither way converges on
# this game without help; **instance noise** (fresh Gaussian noise added to every input of $D$,
# real and fake) or **R1**, a penalty $\tfrac{\gamma}{2}\lVert\nabla_x \ell(x)\rVert^2$ on the gradient
# of $D$'s logit at real data (`GANTrainer(r1_weight=...)` offers it), makes it converge.
#
# The course recipe of notebook 03 updates $D$ and $G$ **simultaneously** from one **shared forward
# pass**: one batch of fakes and one pass through $D$ give both players' gradients, taken at the
# same old point. How can that work? The outward drift is of second order in the step: for the bilinear
# game $-\tfrac12\psi\theta$ with plain gradient steps of size $\eta$, each simultaneous step
# multiplies the distance by $\sqrt{1 + \eta^2/4}$. At the recipe's $\eta_G = \eta_D = 8\cdot10^{-4}$
# that is $1 + 8\cdot10^{-8}$ per step, and 4,000 steps widen the orbit by about 0.03%. That is
# only an order of magnitude: the recipe uses Adam (with $\beta_1 = 0$), which rescales every
# step, and a real GAN is not bilinear. Section 3's ablation measures what removing the shared
# pass changes in a real run.

# %% [markdown]
# ### 1.2 The discriminator wins, and the minimax loss stops teaching $G$
#
# Give $D$ a learning rate ten times $G$'s and, with the minimax loss, it soon rejects every fake:
# $D(G(z)) \approx 0$.
# How much does $G$ then learn? With the logit $\ell$ of a fake, $D(G(z)) = \sigma(\ell)$. The
# slope of $G$'s cost with respect to $\ell$ decides it, for the original **minimax** loss
# $\log(1 - \sigma(\ell))$ and the **non-saturating** one $-\log\sigma(\ell)$ (Goodfellow et al.
# 2014, section 3). Exercise 3 asks you to derive the minimax slope; notebook 02 plotted both.
# The claim to test here: the minimax gradient vanishes exactly when $G$ is worst, while the
# non-saturating one is largest there.
# Two runs from the same seed, the same learning rates ($G$: $2\cdot10^{-4}$, $D$: $2\cdot10^{-3}$),
# for 200 steps, differing only in $G$'s loss: the first of three before/after pairs in this
# notebook (`gu.pairs`). Each pair runs one seed here; `benchmarks/check_pairs.py` ran it on three
# seeds, and the notebook quotes that check (`data/results/pairs.json`) under the live result. In
# classroom mode (`gu.classroom(True)`, notebook 00) each pair cell draws that check instead of
# training.
# Samples are scored with the **MNIST score** of notebook 05: high when a digit classifier
# recognises each sample confidently as one digit and all ten digits appear (1 is the floor,
# 10 the best).

# %%
pairs_check = gu.pairs.load_check()
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 200 steps (about 40 s where a recipe step takes 70 ms)", "train it"):
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
# The figure above is the symptom. Part of the cause is a number you can compute: the size of $G$'s
# gradient under each loss, at the state the minimax run ended in ($D$ winning; in classroom mode,
# which trains no pair, a fresh GAN whose $D$ took 100 steps alone). The cell writes it out with a
# `GradientTape` ($\lVert\cdot\rVert$ over all of $G$'s weights together).

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
    print(f"|grad G| with the {kind:>14} loss: {norm:.2e}   (gu.stability says "
          f"{gu.variants.generator_gradient_norm(stuck, kind):.2e})")
print(f"ratio: {norms['non_saturating'] / norms['minimax']:.0f}x")

# %% [markdown]
# The size alone does not settle it: Adam divides each step by the square root of a running mean
# of the squared gradients, so a consistently small gradient still gives steps of ordinary size.
# What the size hides is the weighting. Exercise 3 asks you to derive the minimax slope for one
# fake: its size turns out to be proportional to how real $D$ finds that fake, so the fakes $D$
# rejects confidently, which are nearly all of them here, contribute almost nothing, and what is
# left is dominated by a few borderline fakes and by noise. The non-saturating slope gives every
# rejected fake nearly full weight.
#
# ### 1.3 Mode collapse: chasing a discriminator that stands still
#
# For a **fixed** $D$, the best generator puts all its mass on the single image $D$ likes most.
# Only $D$ adapting, and punishing that image, keeps $G$ spread over all the digits. So: start from
# a good generator, the course's shipped one (`dcgan_embedded`, trained for 8,000 steps on these
# digits; notebook 05 evaluates it), which draws all ten digits. The shipped file holds $G$ only, so
# a fresh $D$ of the course recipe first trains alone for 50 steps, to have an opinion of $G$'s
# samples. Then freeze $D$ and train $G$ alone (at a learning rate of $2\cdot10^{-3}$), following
# the class histogram from the shipped digit classifier (`gu.metrics`).

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
print("the frozen D's mean raw output s(G(z)) on G's samples: "
      + ", ".join(f"{g_only} G-only steps: {v:+.2f}" for g_only, v in frozen_score.items()))

# %% [markdown]
# Before $G$ trains alone, the shipped generator draws clear digits of all ten classes (MNIST
# score about 8.6). After 25 $G$-only steps the digits have dissolved into speckled strokes and about
# half the samples are called an 8; after 50 nearly all are, and after 100 every one is: every noise
# vector now gives a variation of one speckled pattern of vertical bars, no longer a digit, which the
# classifier happens to call an 8 (the "score" above each grid is that MNIST score). $G$ followed
# the frozen $D$'s gradient towards what $D$ rates most real. This recipe's $D$ is trained with the
# **hinge loss** of notebook 03: its raw output, the logit $\ell$ of 1.2 with no sigmoid after it, is
# pushed above $+1$ on real digits and below $-1$ on fakes. Such a $D$ is a critic in the sense of
# section 2, and the printed line writes its output as section 2 will, $s(x)$. The mean $s(G(z))$ the frozen $D$ gives $G$'s
# samples (printed under the figure) rose from about $-0.1$ for the shipped generator's digits to
# about $+2.4$ for the pattern. This $D$ rates the pattern far above good digits: it trained for
# only 50 steps and never saw anything like it, so nothing told it such images are fake; only a $D$
# that keeps learning would.
#
# In a normal run $D$ does keep learning, but if $G$ moves faster than $D$ can follow, the same
# thing happens piecemeal: $G$ crowds onto whatever $D$ currently likes, $D$ catches up, $G$ jumps
# to the next favourite. The class histogram is how you see it; a loss curve does not show it.
#
# **The fix, measured: packing.** Digits have ten modes that are slow to count; the ring of eight
# Gaussians of notebook 02 has eight that are cheap to count. A plain GAN collapses there. PacGAN
# (Lin et al. 2018) changes one thing: $D$ judges four samples at once, concatenated, so a batch
# piled onto a few modes looks fake as a whole. Same seed, same 3,000 steps ($k = 5$ $D$ steps each):

# %%
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 3,000 steps (about 35 s where a recipe step takes 70 ms)", "train it"):
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
# A mode counts as covered when at least 1% of 5,000 samples lie within 3 standard deviations of
# its centre; "near none" is the share of samples within that distance of no mode. In the
# three-seed check the plain GAN covered 3, 7 and 7 of the 8 modes and the packed one all 8 on
# every seed: packing won on all three. How many modes the plain GAN lost varied from seed to
# seed. Covering every mode is not the whole story: on seed 1 more than half of the packed GAN's
# samples (53%) lay near no mode, against 38% for the plain one.
#
# ### 1.4 Divergence: a learning rate that is simply too large
#
# With a learning rate of 10 every update overshoots, and after a single step $G$'s loss is
# astronomically large or NaN. `GANTrainer` checks every step: it stops, rolls the weights back to
# the last good snapshot (taken every 50 steps and at the start of each call) and says what happened.
# The same trainer then trains on at $2\cdot10^{-2}$, 500 times smaller: the losses stay finite,
# but they swing by orders of magnitude and after 100 steps the samples are grids of dots, not digits.

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
# **The fix, measured: spectral normalisation.** Section 2 explains it: every layer of $D$ is
# divided by its largest singular value, so $D$ cannot become arbitrarily steep. Five times the
# learning rate of the run above, $10^{-1}$ for both players, is enough to diverge. Same seed,
# 250 steps, with and without spectral norm in $D$:

# %%
if gu.classroom_replaces("read the three-seed check data/results/pairs.json",
                         "training the pair on seed 0, 2 x 250 steps (about 25 s where a recipe step takes 70 ms)", "train it"):
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
# Spectral normalisation did exactly one thing here, on all three seeds of the check: without it
# the run diverged within a few steps (after 10, 3 and 3 finite steps), with it the losses stayed
# finite for all 250 steps. When a run diverges depends on floating-point round-off, and so on the
# machine. At half this learning rate, $5\cdot10^{-2}$, the run without spectral norm sat near the
# edge: in the pair's earlier check, on an AMD EPYC (in the git history of `pairs.json`), it
# diverged after 23, 98 and 132 steps, and on the Intel Xeon that ran the check above one seed of
# three did not diverge within 250 steps. That is why the pair uses $10^{-1}$. In the live run (classroom
# mode shows only the check), the diverged run's panel is not a diverged generator: the trainer
# rolled back to its last good snapshot (step 0), so its curve is empty and its samples are the
# untrained generator's. Spectral norm did **not** make a learning rate of $10^{-1}$ learn: its
# samples are sparse white specks on black with no digit in them (MNIST score 1.00-1.07 over the
# three seeds, where 1 is the floor; the rolled-back runs scored 1.00). A bounded $D$ keeps the game from blowing up;
# it cannot make steps 500 times too large useful. The cure for a learning rate that is too large
# is a smaller one; spectral normalisation buys room, and section 3 measures what it buys at a
# sensible learning rate.

# %% [markdown]
# ## 2. The fixes, one idea each
#
# | fix | what it targets | source |
# |---|---|---|
# | non-saturating $G$ loss | $D$ winning (1.2) | Goodfellow et al. 2014 |
# | DCGAN architecture rules | everything, by making the networks easy to train | Radford et al. 2015 |
# | one-sided label smoothing | an over-confident $D$ | Salimans et al. 2016 |
# | feature matching, minibatch discrimination | mode collapse (1.3) | Salimans et al. 2016 |
# | Wasserstein loss with gradient penalty | vanishing gradients; a loss that tracks sample quality | Arjovsky et al. 2017; Gulrajani et al. 2017 |
# | spectral normalisation | an over-steep $D$, divergence | Miyato et al. 2018 |
# | two time-scale learning rates (TTUR) | $D$ too slow to follow $G$ | Heusel et al. 2017 |
#
# **Non-saturating loss.** $G$ maximises $\log D(G(z))$ instead of minimising
# $\log(1 - D(G(z)))$: the same fixed point, a strong gradient where $G$ is bad (1.2).

# %% [markdown]
# **DCGAN rules** (Radford et al. 2015). Strided convolutions instead of pooling; batch
# normalisation in **both** $G$ and $D$ (except $G$'s output layer and $D$'s input layer); ReLU in
# $G$ with $\tanh$ at the output; LeakyReLU(0.2) in $D$; no fully-connected hidden layers; Adam
# with learning rate $2\cdot10^{-4}$ and $\beta_1 = 0.5$. `gu.models.dcgan_generator` follows them
# (one Dense layer projects $z$ to the first $7\times7$ feature map; the paper projects to $4\times4$
# for its $64\times64$ images, so $7\times7$ is the MNIST adaptation).
# `gu.models.dcgan_discriminator` departs from them in two places: it has no batch norm (the
# textbook variants of section 3 leave $D$ unnormalised, except "hinge loss + spectral norm", and
# the course recipe normalises it with
# spectral norm instead), and the course recipe adds one dense hidden layer of 256 units before
# the logit, as TF-GAN's MNIST discriminator does; notebook 03 and the README's search say why.

# %% [markdown]
# **One-sided label smoothing** (Salimans et al. 2016). Train $D$ towards $0.9$ instead of $1$ on
# real images, so it gains nothing from becoming extremely confident; its gradients for $G$ stay
# informative. With smoothing $\epsilon$ (`label_smoothing`, here 0.1, so the study's variant
# "one-sided label smoothing 0.9" names the target, not $\epsilon$), target $y = 1 - \epsilon$
# on the logits $\ell_r$ of real images and $0$ on the logits $\ell_f$ of fakes, with
# $\mathrm{softplus}(\ell) = \log(1 + e^{\ell})$ (so $-\log\sigma(\ell) = \mathrm{softplus}(-\ell)$):
#
# $$L_D = \mathbb{E}\bigl[y\,\mathrm{softplus}(-\ell_r) + (1-y)\,\mathrm{softplus}(\ell_r)\bigr]
# + \mathbb{E}\bigl[\mathrm{softplus}(\ell_f)\bigr].$$
#
# *One-sided*: smoothing the fake targets too would reward $D$ for calling fakes a bit real, and
# stop it pushing $G$ away from them. You write this loss in exercise 2.

# %% [markdown]
# **Feature matching and minibatch discrimination** (Salimans et al. 2016). Feature matching
# changes $G$'s goal: instead of fooling $D$'s output, $G$ matches the mean of one of $D$'s hidden
# layers on real and on generated batches. Minibatch discrimination attacks collapse directly:
# $D$ judges one image at a time, so it cannot see that a whole batch is the same image. Minibatch
# discrimination gives it features of the batch as a whole. The simplest form (Karras et al. 2018) appends one
# channel: the standard deviation of each feature across the batch, averaged. Compare that
# number on real digits, the healthy samples of 1.3 and the collapsed ones:

# %%
minibatch_std = gu.layers.MinibatchStdDev()
for name, images in (("real digits", x_real[:256]), ("healthy G", before[:256]), ("collapsed G", after[:256])):
    spread = float(minibatch_std(tf.constant(images))[0, 0, 0, -1])
    print(f"{name:>12}: batch spread {spread:.3f}")

# %% [markdown]
# The healthy generator's batches are as spread as real digits; the collapsed one's spread is
# little more than half of theirs. One number per batch is enough for $D$ to tell a collapsed batch
# from a real one, however realistic each image in it.

# %% [markdown]
# **Wasserstein loss with gradient penalty** (Arjovsky et al. 2017; Gulrajani et al. 2017). Two
# definitions first. A function $f$ is **$K$-Lipschitz** if $|f(a) - f(b)| \le K\lVert a - b\rVert$
# for all inputs $a, b$: it can never change faster than slope $K$. The **earth-mover distance**
# (Wasserstein-1) between two distributions is the least total work, mass times distance moved,
# that turns one pile of probability into the other:
# $W_1(p_{data}, p_g) = \inf_{\pi} \mathbb{E}_{(x, x')\sim\pi}\lVert x - x'\rVert$ over joint
# distributions $\pi$ (transport plans) whose marginals are $p_{data}$ and $p_g$. Unlike the JSD of notebook 02,
# which is stuck at $\log 2$ while the two distributions do not overlap, it shrinks smoothly as
# $p_g$ moves towards $p_{data}$.
#
# By the Kantorovich-Rubinstein duality, $W_1 = \max_{s\ 1\text{-Lipschitz}} \mathbb{E}[s(x)] - \mathbb{E}[s(G(z))]$.
# So the **critic** outputs a raw score $s(x)$, not a probability, and maximises that difference;
# $G$ minimises $-\mathbb{E}[s(G(z))]$. The gradient penalty pushes $s$ towards 1-Lipschitz at
# points $\hat x = \alpha x + (1-\alpha) G(z)$, $\alpha \sim U(0, 1)$ drawn per sample:
#
# $$L_s = \mathbb{E}[s(G(z))] - \mathbb{E}[s(x)] + \lambda\,\mathbb{E}\bigl[(\lVert\nabla_{\hat x} s(\hat x)\rVert_2 - 1)^2\bigr],
# \qquad \lambda = 10 .$$
#
# The price: a second backward pass through the critic, and $k = 5$ critic steps per generator
# step. You write the penalty in exercise 1.

# %% [markdown]
# **Spectral normalisation** (Miyato et al. 2018). A dense layer multiplies its input vector by $W$,
# so it can stretch it by at most $\sigma_{\max}(W)$, $W$'s largest singular value, so it is
# $\sigma_{\max}(W)$-Lipschitz; LeakyReLU is 1-Lipschitz, and a chain of layers is at most the
# product of theirs. Dividing every weight matrix of $D$ by its $\sigma_{\max}(W)$ therefore bounds
# how steep $D$ can be, with no penalty term. For a convolution, the paper (and
# `gu.layers.SpectralNorm`) reshapes the kernel $(4, 4, c_{in}, c_{out})$ into a matrix
# $(16\,c_{in}, c_{out})$ and normalises that: this only approximates the operator norm of the
# convolution itself (the largest factor by which it can stretch a whole input image), which can be larger by up to a factor of the kernel width (Tsuzuku et al.
# 2018), so a spectrally normalised $D$ is only roughly 1-Lipschitz. Computing $\sigma_{\max}(W)$
# exactly (an SVD) every step would be slow; **power iteration** refines two unit vectors, $v$ and
# $u$ (one update of each per training step), and $v W u^\top$ converges to $\sigma_{\max}(W)$:

# %%
rng = np.random.default_rng(0)
W = rng.normal(size=(4 * 4 * 32, 64)) * 0.05  # a conv kernel (4, 4, 32, 64) reshaped to (fan_in, units)
u = rng.normal(size=(1, 64))
estimates = []
for _ in range(20):
    v = u @ W.T
    v /= np.linalg.norm(v)
    u = v @ W
    u /= np.linalg.norm(u)
    estimates.append((v @ W @ u.T).item())
exact = np.linalg.svd(W, compute_uv=False)[0]
print(f"power iteration after 1, 3, 20 steps: {estimates[0]:.4f}, {estimates[2]:.4f}, {estimates[-1]:.4f}")
print(f"exact largest singular value (SVD):    {exact:.4f}")

# %% [markdown]
# `gu.layers.SpectralNorm` wraps a `Dense` or `Conv2D` layer this way: it keeps one $u$ per layer,
# refines it once per training call, and applies $W / \sigma_{\max}(W)$ (the gradient flows through
# $\sigma_{\max}$ too, as in the paper). `build_gan("dcgan", spectral_norm=True)` wraps every layer of $D$.

# %%
conv = gu.layers.SpectralNorm(keras.layers.Conv2D(64, 4, strides=2, padding="same"))
batch = tf.constant(x_real[:8])
conv(batch)
print(f"raw kernel:        largest singular value {gu.layers.largest_singular_value(conv.layer.kernel.numpy()):.3f}")
for _ in range(10):
    conv(batch, training=True)
print(f"normalised kernel: largest singular value {gu.layers.largest_singular_value(conv.normalized_kernel().numpy()):.3f}")

# %% [markdown]
# **Two time-scale update rule** (Heusel et al. 2017). Give $D$ a larger learning rate than $G$
# (say $4\cdot10^{-4}$ against $10^{-4}$), so $D$ stays close to its best response (the best $D$
# against the current $G$) while $G$ moves. The paper's convergence proof (to a local equilibrium) is for **decaying** step sizes:
# both learning rates shrink towards zero over training, $G$'s faster than $D$'s. With the
# constant rates used here and in most code, TTUR is a heuristic that the proof motivates but
# does not cover. (Section 1.2's $D$ learns ten times faster than $G$; with the minimax loss that
# ratio left $G$ without a useful gradient.)
#
# ## 3. The fixes over a long budget: what held on every seed
#
# A pair shows one fix on the failure it was made for. Two questions remain: does each fix also
# help an ordinary run, and what does each ingredient of the course recipe buy? Short runs cannot
# answer them: differences between variants settle slowly, and two seeds of one variant can land
# further apart than two variants. So `benchmarks/bench_stability.py` trained every variant below
# from scratch for the **same number of generator steps** (4,000; a WGAN-GP step holds its $k = 5$
# critic steps), on **3 seeds**, with $G$ of 128 filters, $D$ of 32, batch 64 and the embedded
# digits. The textbook variants use the plain $D$; the course recipe and its ablations add the dense
# 256 layer (except the ablation that removes it). Every 500 steps it scored 2,000 fresh samples
# with the digit classifier of notebook 05: the **MNIST score** (high when each sample is
# confidently one digit and all ten digits appear; 10 is best) and the **Fréchet distance**
# between Gaussian fits of the classifier's features of real and generated digits (0 is best);
# notebook 05 derives both. That took about 100 minutes on 2 CPU cores (two processes side by
# side), so this notebook reads the committed result, `data/results/stability.json`.

# %%
study = gu.study.load_or_explain()
if study is not None:
    print(f"{len(study['runs'])} runs, {study['steps']} G steps each, seeds {study['seeds']}, measured every "
          f"{study['every']} steps on {study['samples']} samples; {study['machine']}, {study['date']}")
    print(f"command: {study['command']}")
else:
    print("Training the course recipe live instead (a short budget), so the plots below have something to show.")
    study = {"runs": [gu.study.train_live(gu.variants.RECIPE_NAME, data, steps=gu.fast(1000, 4),
                                          every=gu.fast(250, 2))]}

# %% [markdown]
# **The textbook fixes**, each added to a plain non-saturating GAN (both learning rates
# $2\cdot10^{-4}$, $\beta_1 = 0.5$: not section 1.2's fast $D$; the table's
# "against" column): the line is the median over seeds, the band the range from the worst seed to
# the best.

# %%
fixes = [v.name for v in gu.variants.VARIANTS if v.name in gu.study.variants(study)]
gu.study.plot_score_and_fd(study, fixes)
plt.show()
display(gu.study.table({"runs": [r for r in study["runs"] if r["variant"] in fixes]}, gu.variants.BASELINES))
for name in fixes:
    finals = {run["seed"]: gu.study.final(run, "mnist_score") for run in gu.study.runs_of(study, name)}
    print(f"{name:>40}: final MNIST score by seed " + ", ".join(f"{seed}: {v:.2f}" for seed, v in sorted(finals.items())))

# %% [markdown]
# **Reading it.** Only differences that held on every seed count here ("better/worse on all 3
# seeds" in the table; "ranges overlap" when even so the worst seed of one beat the best of the
# other); everything else is within noise. Even "on all 3" is weak evidence on its own: with no
# real effect, three seeds all land on the same side one time in four. So the firm findings are
# the differences far beyond the spread between seeds; a verdict whose ranges overlap is a hint.
#
# - The course recipe is far ahead of every textbook fix: MNIST score 8.22 against the plain GAN's
#   6.61, Fréchet distance 13.2 against 49.3, on every seed, at about the same cost per step. Part
#   of that is architecture: its $D$ has the dense layer the textbook variants lack, and removing it
#   is the recipe's largest single loss (below).
# - WGAN-GP is the only textbook fix that beat the plain GAN on every seed, by a little (score
#   6.77, ranges overlapping; FD 44.9), and each of its generator steps cost about 4.5 times as
#   much (five critic steps, each with the penalty's second backward pass). Its run also changes
#   the optimiser (learning rate $10^{-4}$, $\beta_1 = 0$, $\beta_2 = 0.9$, as in its paper), so the
#   gain cannot be put on the loss alone.
# - TTUR as set here ($G$ $10^{-4}$, $D$ $4\cdot10^{-4}$) was worse on every seed (6.13, FD 59.2). It
#   halves $G$'s learning rate and doubles $D$'s at once, and this study does not separate the two;
#   at equal generator steps a $G$ that moves half as far is one plausible cause. Its paper's claim
#   is convergence with decaying steps, not speed.
# - Hinge loss with spectral norm came out slightly worse on every seed (score 6.59 with overlapping
#   ranges, FD 50.7).
# - The minimax loss, label smoothing and the minibatch-std channel are within noise of the plain
#   GAN. The seed-by-seed lines above show why three seeds matter: label smoothing is ahead of the
#   plain GAN on seeds 0 and 1 and behind on seed 2.
#
# So on an ordinary run of this architecture no single textbook fix buys much. Sections 1.2-1.4
# tested three fixes on the failure each was made for (the non-saturating loss, packing, spectral
# norm), and each won there; label smoothing, the minibatch-std channel, TTUR and WGAN-GP were not
# given a failure of their own in this notebook.

# %% [markdown]
# **The course recipe, one ingredient removed at a time.** Each row below is the full recipe of
# notebook 03 with one thing taken out; its verdict compares it with the full recipe, seed by seed.

# %%
ablation = [name for name in [gu.variants.RECIPE_NAME] + [v.name for v in gu.variants.ABLATIONS]
            if name in gu.study.variants(study)]
gu.study.plot_score_and_fd(study, ablation)
plt.show()
display(gu.study.table({"runs": [r for r in study["runs"] if r["variant"] in ablation]}, gu.variants.BASELINES))

# %% [markdown]
# **Reading it.** Every ingredient but one earned its place on all 3 seeds: without spectral norm
# the score fell to 7.66 (FD 23.9), without the dense layer in $D$ to 7.17 (FD 38.3), with
# $\beta_1 = 0.5$ to 7.27 (FD 33.7), at the textbook learning rate $2\cdot10^{-4}$ to 7.58 (FD 24.7),
# without the EMA of $G$ to 8.05 (FD 16.8), all against the full recipe's 8.22 (FD 13.2). The
# hinge loss buys least: the non-saturating loss in its place was worse on every seed, but only by
# about 0.15 in score, and its FD range overlaps the recipe's.
#
# These verdicts are at step 4,000. Spectral norm shows why that matters: without it the recipe was
# *ahead* on every seed up to step 2,000 (7.05 against 6.21 at step 1,000 on seed 0), then stalled
# while the full recipe kept improving; a shorter study would have dropped spectral norm.
#
# The exception is the shared forward pass. Removing it (a separate forward pass for each player,
# the textbook order) was *better* per step on every seed (8.34, FD 11.1), but each step cost about
# 69 ms instead of 52 here. The shared pass trades a little quality per step for about 1.3 times
# more steps per second; whether that wins on a clock is a different experiment from this one,
# which gives every variant the same number of steps.

# %% [markdown]
# **WGAN-GP's selling point is not speed.** Its critic's loss is minus an estimate of the
# earth-mover distance between the real and generated distributions (plus the penalty), so it
# should rise towards 0 as the samples improve, by an amount that says how far $p_g$ still is from
# $p_{data}$ (an estimate only as good as the critic: near-optimal, it is close to the distance).
# In a balanced run (not one where $D$ wins, as in 1.2), a BCE discriminator's loss stays near its
# equilibrium value $\log 4 \approx 1.39$ however good the samples are. Along each run of the
# study: the loss of $D$, or of the critic on its scores $s(x)$ for WGAN-GP and the hinge-loss
# recipe (averaged over the 500 steps before each measurement), against the MNIST score measured
# then, for WGAN-GP, the plain non-saturating GAN and the course recipe:

# %%
critic_runs = [name for name in ("WGAN-GP (k = 5)", "non-saturating loss", gu.variants.RECIPE_NAME)
               if name in gu.study.variants(study)]
fig, axes = plt.subplots(1, len(critic_runs), figsize=(5.2 * len(critic_runs), 3.6), squeeze=False)
for ax, name in zip(axes[0], critic_runs):
    for run in gu.study.runs_of(study, name):
        points = [p for p in run["metrics"] if "d_loss" in p]
        losses = [p["d_loss"] for p in points]
        ax.plot(losses, [p["mnist_score"] for p in points], "o-", ms=3, label=f"seed {run['seed']}")
        print(f"{name}, seed {run['seed']}: loss from {losses[0]:+.2f} to {losses[-1]:+.2f} "
              f"(range {max(losses) - min(losses):.2f}) while the score went from {points[0]['mnist_score']:.2f} "
              f"to {points[-1]['mnist_score']:.2f}")
    r = gu.study.correlation(study, name)
    ax.set_title(f"{name}\ncorrelation per seed: {', '.join(f'{c:+.2f}' for c in r)}", fontsize=9)
    ax.set_xlabel("loss of D or critic (mean of the last 500 steps)"), ax.set_ylabel("MNIST score"), ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# On every seed, WGAN-GP's critic loss climbed from about $-7$ to $-1$ while the score rose from
# about 3.3 to about 6.7. Most of that climb (about 5.4) came between steps 500 and 1,000, when the
# critic itself was still young; between 1,000 and 1,500 the loss fell or stood still while the
# score rose by 0.7 to 0.9; from step 1,500 on it rose with the score on every seed, from between
# $-2.0$ and $-1.6$ to about $-1.0$. So the high correlations lean on the first point. The plain GAN's BCE loss also
# drifted up with its score, but inside a band 0.07-0.11 wide just below $\log 4$, so it cannot say
# how far the samples still are from the data; the course recipe's hinge loss moved by 0.05 or
# less, and its correlation with the score even changes sign from seed to seed. The Wasserstein
# critic gives a coarse reading of progress that the other two losses do not give at all; its
# price was the 4.5-fold cost per step in the table above.
#
# **Retrain a variant yourself.** Set `RETRAIN` to any name in the tables (for example
# `"hinge loss + spectral norm"`) and run the cell: it trains that variant from scratch for 1,000
# generator steps, seed 0 (about a minute where a default-recipe step takes about 50 ms), and draws your
# run, dashed, over the study's curves for the same variant.

# %%
RETRAIN = None  # e.g. "hinge loss + spectral norm"
if RETRAIN is not None:
    mine = gu.study.train_live(RETRAIN, data, steps=gu.fast(1000, 4), every=gu.fast(250, 2))
    ax = gu.study.plot_curves(study, [RETRAIN] if RETRAIN in gu.study.variants(study) else [], live_runs=[mine])
    ax.set_xlim(0, None)
    plt.show()

# %% [markdown]
# ## 4. Break it, then fix it
#
# Your turn. Pick a loss, learning rates, $k$, label smoothing, spectral normalisation or the
# minibatch channel; press **Train** (press again to stop early). Each run trains a fresh GAN
# with the architecture of the study in section 3 (its $G$ has 128 filters; its $D$ has no dense
# layer, and spectral norm only if you tick it) and joins the table under "yours: …". Try to
# reproduce the failures of sections 1.2 and 1.4 (a winning $D$, divergence), then rescue each by
# changing one thing.

# %%
panel = gu.BreakItPanel(data, seconds=20)
panel

# %% [markdown]
# The panel can also be set from code: here a learning rate of $5\cdot10^{-3}$ for both players.
# In a running notebook the sliders above move with it (the stored picture of the panel shows the
# values it was drawn with), and `panel.variant()` reads back what a run would train. Nothing
# trains until you press **Train**; `panel.train()` is the same run started from code
# (`panel.train(seconds=10)` a shorter one), and returns its row of the table.

# %%
panel.lr_g_slider.value = panel.lr_d_slider.value = 5e-3
planned = panel.variant()
print(planned.name)
print(planned.settings, planned.switches)


# %% [markdown]
# ## Summary
#
# - GAN training is a game: steps can circle an equilibrium (1.1), one player can overpower the
#   other (1.2), $G$ can collapse onto what a lagging $D$ likes (1.3), and large steps diverge (1.4).
# - The minimax loss gives $G$ almost no gradient when $D$ wins; the non-saturating loss fixes that.
# - Label smoothing, minibatch features, a Lipschitz $D$ (gradient penalty or spectral norm) and
#   separate learning rates each target one failure; each costs compute, a hyperparameter or both.
#   This notebook compared them at equal steps; at equal time the ranking can differ.
# - Compare variants on the same budget, the same architecture and several seeds, with scores
#   that see diversity (classes covered, Fréchet distance), never by one lucky picture.
#
# ## Exercises
#
# 1. **Gradient penalty.** Write `gradient_penalty(critic, real, fake, alpha)`: mix
#    $\hat x = \alpha\,\text{real} + (1-\alpha)\,\text{fake}$ (`alpha` has shape $(N, 1, 1, 1)$,
#    one weight per sample), take the gradient of `critic(x_hat)` with respect to $\hat x$ in a
#    `tf.GradientTape` (call `tape.watch(x_hat)`), and return the mean over samples of
#    $(\lVert g\rVert_2 - 1)^2$, one norm per sample.
# 2. **One-sided label smoothing.** Write `smoothed_d_loss(real_logits, fake_logits, smoothing)`
#    returning $L_D$ of section 2 with real target $1 - \epsilon$, $\epsilon$ = `smoothing` (NumPy is fine; use
#    `np.logaddexp(0, x)` for $\mathrm{softplus}(x)$).
# 3. **Derive it.** Why does the minimax loss stop teaching $G$ when $D$ wins? On paper,
#    differentiate $G$'s minimax cost $\log(1 - \sigma(\ell))$ with respect to the logit $\ell$ of a
#    fake, simplify, and enter the result as `minimax_gradient(logit)`. Then say what it tends to as
#    $D(G(z)) \to 0$; section 1.2 measured what that does to the gradient on $G$'s weights.
# 4. **Open.** Section 1.2's minimax loss stalled with $D$ learning 10 times faster than $G$. Does
#    it still stall with half that lead? In code with section 1.2's set-up (budget: one run of 200
#    steps, about 20 s where a recipe step takes 70 ms), train the minimax loss with
#    `lr_d / lr_g = 5`. Call it stalled if its MNIST score (on 1,000 samples) is below 1.5 after
#    200 steps (section 1.2's stalled runs scored about 1.0, its non-saturating ones 1.7 or more). If it stalls, the threshold lies
#    below 5; if it learns, between 5 and 10. Then walk the ratio further with the same code at other
#    ratios (the panel's budget is in seconds, so its runs make a machine-dependent number of steps
#    and its scores are not comparable with the 1.5 threshold). The solution at the end does the
#    first run.

# %%
def gradient_penalty(critic, real, fake, alpha):
    """Return the WGAN-GP penalty of a critic on the mixes of real and fake given by alpha."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_gradient_penalty(gradient_penalty);


# %%
def smoothed_d_loss(real_logits, fake_logits, smoothing):
    """Return D's BCE loss with real targets 1 - smoothing and fake targets 0."""
    # Your code here
    return None


gu.checks.check_label_smoothing(smoothed_d_loss);


# %%
def minimax_gradient(logit):
    """The slope of G's minimax cost with respect to the logit D gives a fake, element by element."""
    # Your result here: replace `None` with it.
    return None


gu.checks.check_minimax_gradient(minimax_gradient);

# %% [markdown]
# Running time of this notebook on your machine, up to here (the full run took 158 s on 2 CPU cores, 129 s of it before the solutions):

# %%
print(f"{time.perf_counter() - start_time:.0f} s")


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
def gradient_penalty(critic, real, fake, alpha):
    """Return the WGAN-GP penalty of a critic on the mixes of real and fake given by alpha."""
    x_hat = alpha * real + (1 - alpha) * fake
    with tf.GradientTape() as tape:
        tape.watch(x_hat)  # x_hat is a tensor, not a variable: the tape must be told to follow it
        scores = critic(x_hat)
    grads = tape.gradient(scores, x_hat)
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))  # one norm per sample
    return tf.reduce_mean(tf.square(norms - 1.0))


def smoothed_d_loss(real_logits, fake_logits, smoothing):
    """Return D's BCE loss with real targets 1 - smoothing and fake targets 0."""
    target = 1.0 - smoothing
    real_term = target * np.logaddexp(0, -real_logits) + (1 - target) * np.logaddexp(0, real_logits)
    return np.mean(real_term) + np.mean(np.logaddexp(0, fake_logits))


assert gu.checks.check_gradient_penalty(gradient_penalty)
assert gu.checks.check_label_smoothing(smoothed_d_loss)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3: with p = sigmoid(l) = D(G(z)), d/dl log(1 - p) = -p (1 - p) / (1 - p) = -p.
# When D wins, D(G(z)) -> 0 and so does this slope: G's minimax cost is flat exactly where G is
# worst. The non-saturating cost -log p has slope -(1 - p) -> -1 there.
def minimax_gradient(logit):
    """The slope of G's minimax cost with respect to the logit D gives a fake, element by element."""
    return -1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=float)))


assert gu.checks.check_minimax_gradient(minimax_gradient)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 4 (budget: one run of 200 steps): section 1.2's set-up (lr_g 2e-4, beta_1 0.5, seed 0)
# with D's lead halved, lr_d = 5 lr_g, and the minimax loss.
def final_score(kind, ratio):
    """MNIST score of section 1.2's set-up after 200 steps with loss `kind` and lr_d = ratio * lr_g."""
    trial = gu.GANTrainer("dcgan", x_real, loss=kind, lr_g=2e-4, lr_d=2e-4 * ratio, beta_1=0.5, seed=0,
                          g_filters=128)
    trial.fit(steps=gu.fast(200, 3), progress=False)
    return gu.metrics.mnist_score(trial.sample(gu.fast(1000, 20)))


if not gu.classroom_replaces("defined final_score without calling it",
                             "the solution's run (200 steps, about 20 s where a recipe step takes 70 ms)", "run it"):
    minimax_score = final_score("minimax", 5)
    verdict = ("stalled, so the threshold lies below 5" if minimax_score < 1.5
               else "learns, so the threshold lies between 5 and 10")
    print(f"lr_d / lr_g = 5: the minimax loss scores {minimax_score:.2f} after 200 steps: it {verdict}")

# %% [markdown]
# ## References
#
# - Arjovsky, M., Chintala, S. and Bottou, L. (2017). Wasserstein GAN. arXiv:1701.07875.
# - Goodfellow, I. et al. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Gulrajani, I. et al. (2017). Improved Training of Wasserstein GANs. arXiv:1704.00028.
# - Heusel, M. et al. (2017). GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
#   Equilibrium. arXiv:1706.08500.
# - Karras, T. et al. (2018). Progressive Growing of GANs for Improved Quality, Stability, and
#   Variation. arXiv:1710.10196.
# - Lin, Z. et al. (2018). PacGAN: The power of two samples in generative adversarial networks.
#   arXiv:1712.04086.
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
