# %%
# extra code – on Colab, Kaggle or a JupyterHub without the course, install gan_utils first (nothing happens in a checkout)
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("gan_utils") is None:
    GAN_UTILS_SOURCE = os.environ.get("GAN_UTILS_SOURCE", "git+https://github.com/gan-classroom/gan-classroom")
    print("installing gan_utils from", GAN_UTILS_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GAN_UTILS_SOURCE], check=True)
    importlib.invalidate_caches()

# %% [markdown]
# # 02 · The GAN objective
#
# A GAN is a game between two networks. In this notebook you write down that game, derive the
# best possible discriminator, check the algebra with numbers, and then play the game yourself on
# toys small enough to draw: a 1-D Gaussian and a ring of eight Gaussians. Measured running time:
# 2 min (118 s) on 2 CPU cores.

# %% [markdown]
# ## 1. The game
#
# The **generator** $G$ turns noise $z \sim p_z$ into a sample $G(z)$; the samples it makes follow a
# distribution $p_g$. The **discriminator** $D$ looks at a sample and outputs a logit;
# $D(x) = \sigma(\text{logit})$ is its probability that $x$ is real. Labels are real $= 1$ and
# fake $= 0$ throughout the course (some tutorials flip them).

# %% [markdown]
# Goodfellow et al. (2014) score the game with one **value function**:
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$$
#
# $D$ maximises $V$: it wants $D(x) \to 1$ on real data and $D(G(z)) \to 0$ on fakes. $G$ minimises
# the same $V$: it wants its fakes called real. Only the second term depends on $G$.

# %% [markdown]
# In code we minimise losses, so the discriminator's loss is $-V$: binary cross-entropy with label 1
# on the real batch and 0 on the fake batch. `gu.losses.discriminator_loss` computes it from logits
# (stably, with softplus). The cell below checks one fact: a discriminator that answers
# $\frac{1}{2}$ everywhere (logit 0) has loss $\log 4 \approx 1.386$.

# %%
import math

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import display

gu.set_seed(0)
zeros = np.zeros(8, np.float32)
print(f"D loss when D(x) = 1/2 everywhere: {float(gu.losses.discriminator_loss(zeros, zeros, 'minimax')):.4f}")
print(f"log 4 = {math.log(4):.4f}")

# %% [markdown]
# ## 2. The optimal discriminator
#
# Fix $G$. Writing the expectations as integrals, $V(D,G) = \int p_{data}(x)\log D(x) + p_g(x)\log(1-D(x))\,dx$.
# $D$ can choose each $D(x)$ separately, so maximise pointwise: $a\log y + b\log(1-y)$ has
# derivative $a/y - b/(1-y)$, zero at $y = a/(a+b)$. Hence the optimal discriminator
#
# $$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}.$$

# %% [markdown]
# Put $D^*$ back into $V$ to get what the generator really faces, the **virtual training criterion**:
#
# $$C(G) = \max_D V(D,G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\,\|\,p_g).$$
#
# The Jensen-Shannon divergence is never negative and is zero only when the two distributions are
# equal. So the global minimum of $C(G)$ is $-\log 4$, reached exactly at $p_g = p_{data}$, where
# $D^* = \frac{1}{2}$ everywhere.

# %% [markdown]
# Formulas can hide sign errors, so let us check one with a trained network. Take two known 1-D
# densities, $p_{data} = \mathcal{N}(0, 1)$ and a frozen "generator" $p_g = \mathcal{N}(1.5, 0.7^2)$,
# train an MLP discriminator on samples of both (`gu.toy.fit_discriminator`), and overlay its output
# on the formula. Look for the learnt curve hugging the dashed one where the samples are.

# %%
p_data_1d, p_g_1d = gu.toy.gaussian_1d(0.0, 1.0), gu.toy.gaussian_1d(1.5, 0.7)
d_learnt = gu.toy.fit_discriminator(p_data_1d.sample, p_g_1d.sample, steps=gu.fast(1500, 100), seed=0)

x = np.linspace(-4, 5, 400)
fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(x, p_data_1d.pdf(x), color="black", linestyle=":", linewidth=2, label="$p_{data}$")
ax.plot(x, p_g_1d.pdf(x), color="tab:green", label="$p_g$ (frozen)")
ax.plot(x, gu.toy.optimal_discriminator(p_data_1d.pdf(x), p_g_1d.pdf(x)), color="tab:blue", linestyle="--",
        linewidth=2, label="$D^*(x)$, the formula")
ax.plot(x, d_learnt(x), color="tab:orange", label="$D(x)$, trained")
ax.axhline(0.5, color="gray", linewidth=0.8)
ax.set_xlabel("$x$")
ax.legend(fontsize=8)
ax.set_title("A trained discriminator matches $D^* = p_{data} / (p_{data} + p_g)$", fontsize=10)
plt.show()
inside = (x > -2) & (x < 3)
gap = np.abs(d_learnt(x[inside]) - gu.toy.optimal_discriminator(p_data_1d.pdf(x[inside]), p_g_1d.pdf(x[inside])))
print(f"largest gap between trained D and D* on [-2, 3]: {gap.max():.3f}")

# %% [markdown]
# Far out in the tails there are almost no samples, so the trained $D$ is free to do anything
# there; where the data live it follows $D^*$. Now the closed-form facts, computed on a fine grid
# with no training at all. The test suite compares this cell's output on every run, so it must
# print the same numbers in fast mode and at full size.

# %%
# NBVAL_CHECK_OUTPUT
grid = np.linspace(-12.0, 12.0, 24001)
p_data = gu.toy.gaussian_pdf(grid, 0.0, 1.0)

d_star = gu.toy.optimal_discriminator(p_data, p_data)
print("At p_g = p_data:")
print(f"  D*(x) ranges over [{d_star.min():.4f}, {d_star.max():.4f}]")
print(f"  C(G) = {gu.toy.virtual_criterion(p_data, p_data, grid):.4f}   (-log 4 = {-math.log(4):.4f})")

p_g = gu.toy.gaussian_pdf(grid, 1.5, 0.7)
c_direct = gu.toy.virtual_criterion(p_data, p_g, grid)  # E_data[log D*] + E_g[log(1 - D*)]
jsd = gu.toy.js_divergence(p_data, p_g, grid)  # from KL divergences to the mixture
print("For p_data = N(0, 1) and p_g = N(1.5, 0.7^2):")
print(f"  C(G) from D*           = {c_direct:.4f}")
print(f"  -log 4 + 2 JSD         = {-math.log(4) + 2 * jsd:.4f}   (JSD = {jsd:.4f} nats)")
print(f"  the two ways agree to 1e-9: {abs(c_direct - (-math.log(4) + 2 * jsd)) < 1e-9}")

# %% [markdown]
# One more picture: slide the generator's mean $\mu_g$ of $p_g = \mathcal{N}(\mu_g, 1)$ across
# $p_{data} = \mathcal{N}(0, 1)$ and plot $C(G)$. It bottoms out at exactly $-\log 4$ when the two
# coincide, and flattens towards $0$ (JSD $\to \log 2$) when they stop overlapping: far from the data,
# the criterion barely changes, a first hint of why GAN training can stall.

# %%
mus = np.linspace(-6, 6, 121)
criterion = [gu.toy.virtual_criterion(p_data, gu.toy.gaussian_pdf(grid, mu, 1.0), grid) for mu in mus]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mus, criterion, color="tab:purple")
ax.axhline(-math.log(4), color="gray", linestyle="--", linewidth=1)
ax.text(2.2, -math.log(4) + 0.05, r"$-\log 4$", color="gray")
ax.set_xlabel(r"generator mean $\mu_g$ (data mean is 0)")
ax.set_ylabel("$C(G)$")
ax.set_title("The virtual training criterion is smallest at $p_g = p_{data}$", fontsize=10)
plt.show()

# %% [markdown]
# ## 3. Saturating and non-saturating generator losses
#
# Early in training $G$ is poor, $D$ rejects its samples confidently and $D(G(z)) \approx 0$. In the
# minimax game $G$ minimises $\log(1 - D(G(z)))$, the term of $V$ that depends on it. Goodfellow et
# al. proposed a second generator loss: maximise $\log D(G(z))$ instead, that is minimise
# $-\log D(G(z))$, the **non-saturating** loss. Both have the same fixed point, so the theory of
# section 2 still holds.

# %% [markdown]
# **Predict, then run.** Before you run the measuring cell below: where $D(G(z)) = 0.01$, which
# loss gives $G$ the larger gradient with respect to the logit, `"minimax"`, `"non-saturating"` or
# `"the same"`? Write your answer in `prediction` in the next cell. (Reading a saved copy with its
# outputs? Cover the plot until you have answered, or use the student edition, which has none.)

# %%
prediction = None  # your prediction: "minimax", "non-saturating" or "the same"

# %% [markdown]
# The next cell asks TensorFlow for the gradients of `gu.losses.generator_loss` with respect to the
# logit, for every value of $D(G(z))$, plots them, and checks your prediction against what it
# measured. Look at the left end of the right panel: that is where a fresh generator lives.

# %%
d_fake = np.linspace(0.001, 0.999, 300)
logits = tf.constant(np.log(d_fake / (1 - d_fake)), tf.float32)
values, grads = {}, {}
for kind in ("minimax", "non_saturating"):
    with tf.GradientTape() as tape:
        tape.watch(logits)
        # sum of per-sample losses, so each gradient entry belongs to one sample
        loss = len(d_fake) * gu.losses.generator_loss(logits, kind)
    values[kind] = [float(gu.losses.generator_loss(logits[i:i + 1], kind)) for i in range(0, len(d_fake), 10)]
    grads[kind] = tape.gradient(loss, logits).numpy()

fig, (ax_value, ax_grad) = plt.subplots(1, 2, figsize=(10, 3.2))
for kind, colour in (("minimax", "tab:red"), ("non_saturating", "tab:green")):
    label = {"minimax": r"minimax: $\log(1 - D(G(z)))$", "non_saturating": r"non-saturating: $-\log D(G(z))$"}[kind]
    ax_value.plot(d_fake[::10], values[kind], color=colour, label=label)
    ax_grad.plot(d_fake, np.abs(grads[kind]), color=colour, label=kind.replace("_", "-"))
ax_value.set_xlabel("$D(G(z))$")
ax_value.set_ylabel("generator loss")
ax_value.legend(fontsize=8)
ax_grad.set_xlabel("$D(G(z))$")
ax_grad.set_ylabel("|d loss / d logit|")
ax_grad.axvspan(0, 0.1, color="gray", alpha=0.15)
ax_grad.text(0.01, 0.5, "early\ntraining", fontsize=8)
ax_grad.legend(fontsize=8)
plt.show()
for p in (0.01, 0.5):
    i = int(np.argmin(np.abs(d_fake - p)))
    print(f"D(G(z)) = {p}: gradient size minimax {abs(grads['minimax'][i]):.3f}, "
          f"non-saturating {abs(grads['non_saturating'][i]):.3f}")
at_001 = int(np.argmin(np.abs(d_fake - 0.01)))
gu.checks.check_predict_gradient(prediction, gradients={
    "minimax": abs(float(grads["minimax"][at_001])), "non-saturating": abs(float(grads["non_saturating"][at_001]))});

# %% [markdown]
# What the plot shows: against the logit, the minimax loss is flat where $G$ is worst. At the left
# end its gradient is about 0.01 in size, so $G$ barely learns, while the non-saturating loss's is
# about 0.99. Near $D(G(z)) = 1$ the roles swap, but a generator rarely lives there. Notebook 04
# asks you to derive the minimax slope and see why it vanishes.

# %% [markdown]
# ## 4. A live 1-D toy GAN
#
# `gu.toy.ToyGAN` is a complete GAN small enough to watch: the data are $\mathcal{N}(2, 0.5^2)$, the
# generator maps one noise number through a 32-32 tanh MLP, and so does the discriminator. One
# **Step D+G** is Algorithm 1 of the paper: $k$ discriminator updates, then one generator update,
# each with Adam, on batches of 128. Every step takes a few milliseconds.

# %% [markdown]
# The dashboard below draws, in place: $p_{data}$ (dotted), the current $p_g$ (green), $D(x)$ and
# $D^*(x)$ for the current $p_g$ (blue, solid and dashed), the losses, and an estimate of
# $\mathrm{JSD}(p_{data}\|p_g)$ from generator samples. Try: **Step D only** ten times and watch $D$
# approach $D^*$; switch to minimax; set $k = 1$; raise lr G. **Reset** brings back the first state.

# %%
toy_dash = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(k=5, lr_d=3e-3, seed=0))
toy_dash

# %% [markdown]
# A saved notebook keeps no live widgets, so the next cell drives the same dashboard from code
# (exactly what **Play** does) and keeps pictures of the game at four moments, in the style of
# Figure 1 of Goodfellow et al.: $p_g$ moves onto $p_{data}$ and $D$ flattens towards
# $\frac{1}{2}$. The final JS estimate should be well below 0.05 nats.

# %%
toy_steps = gu.fast(2000, 60)
moments = sorted({0, toy_steps // 40, toy_steps // 8, toy_steps})
fig, axes = plt.subplots(1, len(moments), figsize=(3.2 * len(moments), 2.8), sharey=True)
for ax, moment in zip(axes, moments):
    while toy_dash.gan.step_count < moment:
        toy_dash.step("both", min(50, moment - toy_dash.gan.step_count))
    gu.toy.plot_toy(toy_dash.gan, ax, title=f"step {moment}: JS {toy_dash.gan.js():.3f}")
axes[0].legend(fontsize=8, loc="upper left")
fig.tight_layout()
plt.show()
print(f"JS estimate after {toy_steps} steps: {toy_dash.gan.js():.4f} nats (below 0.05: {toy_dash.gan.js() < 0.05})")

# %% [markdown]
# Here is the dashboard's own last frame. The loss panel tells a story of its own: the D loss
# settles at $\log 4$ (dashed line), which is $-V$ at the equilibrium, because a discriminator
# facing $p_g = p_{data}$ can do no better than $D = \frac{1}{2}$. The non-saturating G loss settles
# at $\log 2$.

# %%
display(toy_dash.snapshot())

# %% [markdown]
# The balance between the players matters. Train the same toy with $k = 1$ (one discriminator
# step per generator step, as in the paper's experiments) next to $k = 5$ and compare the JS
# estimates. With a weak discriminator, $D$ lags behind $G$, $p_g$ overshoots and swings between
# too narrow and too wide, and the divergence oscillates instead of settling.

# %%
js_curves = {}
for k, lr_d in ((1, 1e-3), (5, 3e-3)):
    gan = gu.toy.ToyGAN(k=k, lr_d=lr_d, seed=0)
    curve = []
    gan.train(toy_steps, callback=lambda g: curve.append((g.step_count, g.js())), every=gu.fast(50, 20))
    js_curves[k] = np.array(curve)

fig, ax = plt.subplots(figsize=(6.5, 3))
for k, curve in js_curves.items():
    ax.plot(curve[:, 0], curve[:, 1], marker=".", label=f"k = {k}")
    print(f"k = {k}: final JS estimate {curve[-1, 1]:.3f}, largest in the second half {curve[len(curve) // 2:, 1].max():.3f}")
ax.axhline(0.05, color="gray", linestyle="--", linewidth=1)
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("JS estimate (nats)")
ax.legend()
plt.show()

# %% [markdown]
# ## 5. A ring of eight Gaussians: mode collapse
#
# The standard small test of mode collapse (Metz et al. 2017, unrolled GANs; Srivastava et al.
# 2017, VEEGAN): eight Gaussians with standard deviation 0.02 on a circle of radius 2. A mode counts
# as **covered** when at least 1% of generated samples lie within 3 standard deviations of its
# centre; we also report the share of samples near no mode. `gu.toy.modes_covered` computes both.

# %% [markdown]
# The **plain** setup below uses 128-128 ReLU networks, the non-saturating loss and a strong
# discriminator ($k = 5$). The **packed** setup changes one thing: its discriminator judges four
# samples at once (PacGAN, Lin et al. 2018). A batch piled onto one mode then looks suspicious as a
# whole, so collapse is penalised. Both use the same seed and see the same data.

# %%
ring = gu.toy.ring_of_gaussians(n_modes=8, radius=2.0, std=0.02)
plain = dict(hidden=(128, 128), activation="relu", latent_dim=2, batch_size=256, k=5, lr_d=3e-3, lr_g=1e-3)
setups = {"plain": plain, "packed (PacGAN, pack=4)": {**plain, "pack": 4}}
ring_steps = gu.fast(4000, 40)
snapshots = sorted({ring_steps // 8, ring_steps // 4, ring_steps // 2, ring_steps})
fig, axes = plt.subplots(len(setups), len(snapshots), figsize=(2.6 * len(snapshots), 5.4))
ring_gans = {}
for row, (name, settings) in enumerate(setups.items()):
    gan = ring_gans[name] = gu.toy.ToyGAN(ring, seed=0, **settings)
    for col, moment in enumerate(snapshots):
        gan.step(moment - gan.step_count)
        covered, off_mode = gan.coverage()
        gu.toy.plot_toy(gan, axes[row, col], n=1000, title=f"{name.split(' ')[0]}, step {moment}\n{covered}/8 modes")
fig.tight_layout()
plt.show()
for name, gan in ring_gans.items():
    covered, off_mode = gan.coverage(n=5000)
    print(f"{name:>24}: {covered}/8 modes covered, {off_mode:.1%} of samples near no mode")

# %% [markdown]
# The plain generator piles its samples onto a few neighbouring modes, joined by a thin bridge of
# samples near no mode, and stays there: that is **mode collapse**, and training longer does not
# cure it (compare its first and last snapshots). The packed discriminator spots a batch that lacks
# variety, so its generator spreads over the whole ring. Notebook 04 compares more fixes on MNIST.

# %% [markdown]
# Watch collapse happen live. The dashboard below trains the plain setup on the ring: the
# background is $D(x)$ (blue where it says real), black dots are real samples and green dots
# generated ones. Press **Play**, then rebuild it with `{**plain, "pack": 4}` and compare.

# %%
ring_dash = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(ring, seed=0, **plain), n_samples=1000)
ring_dash


# %% [markdown]
# ## Summary
#
# - The GAN game: $\min_G \max_D V(D,G)$ with $V = \mathbb{E}_{data}[\log D(x)] + \mathbb{E}_{z}[\log(1-D(G(z)))]$; $D$'s loss is $-V$.
# - For a fixed $G$ the best discriminator is $D^* = p_{data} / (p_{data} + p_g)$; a trained one matches it.
# - Then $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\|p_g)$, minimal exactly when $p_g = p_{data}$.
# - The non-saturating loss $-\log D(G(z))$ keeps gradients alive when $D$ wins early.
# - Balance ($k$, learning rates) decides whether a toy GAN settles or oscillates.
# - On the ring of eight Gaussians a plain GAN collapses; a packed discriminator covers the modes.

# %% [markdown]
# ## Exercises
#
# Write each function in NumPy (the three losses from logits, $D^*$ from densities), then run its
# check cell: it tries your code on
# several inputs, among them very confident logits such as $\pm 40$, and says which input failed,
# what it expected and got, and which known mistake it recognised. `gu.checks.hint("gan_d_loss")`
# (and so on, the name is in each verdict) gives more help, one level at a time.
#
# 1. `discriminator_loss(real_logits, fake_logits)`: the discriminator's loss $-V$, which stays
#    finite for any logit.
# 2. `generator_loss_minimax(fake_logits)`: $\mathbb{E}[\log(1 - D(G(z)))]$.
# 3. `generator_loss_non_saturating(fake_logits)`: $-\mathbb{E}[\log D(G(z))]$.
# 4. `optimal_discriminator(p_data, p_g)`: $D^*$ from two arrays of density values, the result of
#    section 2's derivation.

# %%
def discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss -V, from its logits on a real and a fake batch."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_gan_d_loss(discriminator_loss);


# %%
def generator_loss_minimax(fake_logits):
    """The minimax generator loss, from the discriminator's logits on fakes."""
    # Your code here.
    return None


gu.checks.check_gan_g_loss(generator_loss_minimax, "minimax");


# %%
def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss, from the discriminator's logits on fakes."""
    # Your code here.
    return None


gu.checks.check_gan_g_loss(generator_loss_non_saturating, "non_saturating");


# %%
def optimal_discriminator(p_data, p_g):
    """The optimal discriminator D*(x), elementwise, from the two densities at x."""
    # Your code here.
    return None


gu.checks.check_optimal_discriminator(optimal_discriminator);


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers. Taking the logarithm of a computed
# probability fails the checks: for a logit of 40, $\sigma(\ell)$ is exactly 1 in float32, so
# $\log(1 - \sigma(\ell))$ is $\log 0$.
# The solutions use $\log \sigma(\ell) = -\mathrm{softplus}(-\ell)$ and
# $\log(1 - \sigma(\ell)) = -\mathrm{softplus}(\ell)$, with $\mathrm{softplus}(u) = \log(1 + e^u)$
# computed by `np.logaddexp(0, u)`, as `gu.losses` does.

# %% jupyter={"source_hidden": true} tags=["solution"]
def softplus(u):
    return np.logaddexp(0.0, np.asarray(u, dtype=np.float64))


def discriminator_loss(real_logits, fake_logits):
    """The discriminator's loss -V, from its logits on a real and a fake batch."""
    return np.mean(softplus(-real_logits)) + np.mean(softplus(fake_logits))


assert gu.checks.check_gan_d_loss(discriminator_loss)


# %% jupyter={"source_hidden": true} tags=["solution"]
def generator_loss_minimax(fake_logits):
    """The minimax generator loss, from the discriminator's logits on fakes."""
    return -np.mean(softplus(fake_logits))


assert gu.checks.check_gan_g_loss(generator_loss_minimax, "minimax")


# %% jupyter={"source_hidden": true} tags=["solution"]
def generator_loss_non_saturating(fake_logits):
    """The non-saturating generator loss, from the discriminator's logits on fakes."""
    return np.mean(softplus(-fake_logits))


assert gu.checks.check_gan_g_loss(generator_loss_non_saturating, "non_saturating")


# %% jupyter={"source_hidden": true} tags=["solution"]
def optimal_discriminator(p_data, p_g):
    """The optimal discriminator D*(x), elementwise, from the two densities at x."""
    return p_data / (p_data + p_g)


assert gu.checks.check_optimal_discriminator(optimal_discriminator)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Section 3's prediction: "non-saturating". Where D(G(z)) = 0.01 its gradient on the logit is
# about 0.99, the minimax loss's about 0.01.
prediction = "non-saturating"
assert gu.checks.check_predict_gradient(prediction)
