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
# # 02 · The GAN objective
#
# A GAN is a game between two networks. In this notebook you write down that game, derive the
# best possible discriminator, check the algebra with numbers, and then play the game yourself on
# toys small enough to draw: a 1-D Gaussian and a ring of eight Gaussians. Measured running time:
# 62 s on 2 CPU cores, on a machine where one training step of notebook 03's GAN took about 50 ms.
# The classroom switch changes nothing here.

# %% [markdown]
# ## 1. The game
#
# The **generator** $G$ turns latent noise $z \sim p_z = \mathcal{N}(0, I)$ into a sample $G(z)$;
# the samples it makes follow a distribution $p_g$. The **discriminator** $D$ looks at a sample
# $x$ and outputs a logit $\ell$; $D(x) = \sigma(\ell)$, with the sigmoid $\sigma(t) = 1/(1+e^{-t})$,
# is its probability that $x$ is real. Labels are real $= 1$ and fake $= 0$ throughout the course
# (some tutorials flip them). On this notebook's toys $x$ is a number or a point of the plane, not an
# image, and formulas let it range over that space, real and fake alike.

# %% [markdown]
# Goodfellow et al. (2014) score the game with one **value function**:
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$$
#
# $D$ maximises $V$: it wants $D(x) \to 1$ on real data and $D(G(z)) \to 0$ on fakes. $G$ minimises
# the same $V$: it wants its fakes called real. Only the second term depends on $G$.

# %% [markdown]
# In code we minimise losses, so the discriminator's loss is $-V$: the binary cross-entropy with
# label 1 averaged over the real batch, plus the one with label 0 averaged over the fake batch.
# `gu.losses.discriminator_loss` computes it from logits, stably, with
# $\mathrm{softplus}(t) = \log(1 + e^t)$ (the Solutions say why). The cell below checks one fact: a
# discriminator that answers $\frac{1}{2}$ everywhere (logit 0) has loss $\log 4 \approx 1.386$,
# $\log 2$ from each batch.

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
# ## 2. Two divergences, in nats
#
# The derivation in section 3 ends in a divergence between distributions, so first two definitions.
# The **Kullback-Leibler divergence** of $P$ relative to $Q$ is
#
# $$\mathrm{KL}(P\,\|\,Q) = \mathbb{E}_{x\sim P}\Big[\log\frac{P(x)}{Q(x)}\Big] = \sum_x P(x)\log\frac{P(x)}{Q(x)},$$
#
# an integral over densities for continuous $x$. With the natural logarithm it is measured in
# **nats**. It is $\ge 0$, zero only for $P = Q$, not symmetric, and infinite if $Q(x) = 0 < P(x)$ somewhere.

# %% [markdown]
# The **Jensen-Shannon divergence** compares both distributions with their mixture $M = \frac{1}{2}(P+Q)$:
#
# $$\mathrm{JSD}(P\,\|\,Q) = \tfrac{1}{2}\,\mathrm{KL}(P\,\|\,M) + \tfrac{1}{2}\,\mathrm{KL}(Q\,\|\,M).$$
#
# It is symmetric and always finite. Since $M \ge \frac{1}{2}P$, each ratio $P/M$ is at most 2, so
# $0 \le \mathrm{JSD} \le \log 2$: zero for $P = Q$, and $\log 2$ exactly when $P$ and $Q$ never
# put mass in the same place (disjoint supports).

# %% [markdown]
# Two coins make this concrete: a fair coin $P$ (heads with probability 0.5) and a biased coin $Q$
# (heads with probability 0.9), each written as the vector (probability of heads, probability of
# tails). The cell computes both KLs, once by hand and once with `gu.densities.kl_divergence`, then the
# JSD with `gu.densities.js_divergence`. Look for the two KLs differing, and for a pair of coins that never
# agree reaching the ceiling $\log 2$.

# %%
# NBVAL_CHECK_OUTPUT
fair, biased = np.array([0.5, 0.5]), np.array([0.9, 0.1])
print(f"KL(fair || biased) by hand = {0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1):.4f} nats")
print(f"KL(fair || biased)         = {gu.densities.kl_divergence(fair, biased):.4f} nats")
print(f"KL(biased || fair)         = {gu.densities.kl_divergence(biased, fair):.4f} nats   (KL is not symmetric)")
jsd_coins = gu.densities.js_divergence(fair, biased)
print(f"JSD(fair || biased)        = {jsd_coins:.4f} nats = JSD(biased || fair) = {gu.densities.js_divergence(biased, fair):.4f}")
print(f"JSD <= log 2 = {math.log(2):.4f}: {jsd_coins <= math.log(2)}")
heads, tails = np.array([1.0, 0.0]), np.array([0.0, 1.0])
print(f"always heads vs always tails: KL = {gu.densities.kl_divergence(heads, tails)}, "
      f"JSD = {gu.densities.js_divergence(heads, tails):.4f} = log 2")

# %% [markdown]
# ## 3. The optimal discriminator
#
# **Step 1: from $z$ to $x$.** The fake term of $V$ averages over noise $z$. The fakes $x = G(z)$
# follow $p_g$, so, when $p_g$ has a density (true of this notebook's toys; Arjovsky and Bottou 2017
# show that an image generator's often has none), the law of the unconscious statistician gives,
# for any function $f$,
#
# $$\mathbb{E}_{z\sim p_z}[f(G(z))] = \int p_g(x)\,f(x)\,dx .$$
#
# With $f = \log(1-D)$, both terms of $V$ become integrals over $x$:
#
# $$V(D,G) = \int \big[\,p_{data}(x)\log D(x) + p_g(x)\log(1-D(x))\,\big]\,dx .$$

# %% [markdown]
# **Step 2: maximise at each $x$.** Fix $G$, and let $D$ be any function at all (unlimited
# capacity, the paper's non-parametric setting), so it may choose every value $D(x)$ separately:
# maximise the integrand point by point. As a function of the number $q = D(x) \in (0, 1)$,
# $p_{data}(x)\log q + p_g(x)\log(1-q)$ has derivative $p_{data}(x)/q - p_g(x)/(1-q)$, zero at
# $q = p_{data}(x)/(p_{data}(x) + p_g(x))$, and a negative second derivative
# $-p_{data}(x)/q^2 - p_g(x)/(1-q)^2$, so that is the maximum (wherever $p_{data}(x) + p_g(x) > 0$;
# elsewhere $D(x)$ does not affect $V$):
#
# $$D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}.$$

# %% [markdown]
# **Step 3: substitute.** Put $D^*$ back into $V$ to get what the generator really faces, the
# **virtual training criterion** $C(G) = \max_D V(D,G) = V(D^*, G)$. Write $p_{data} + p_g = 2M$, with
# $M = \frac{1}{2}(p_{data} + p_g)$ the mixture of section 2:
#
# $$C(G) = \mathbb{E}_{x\sim p_{data}}\Big[\log\frac{p_{data}(x)}{2\,M(x)}\Big] + \mathbb{E}_{x\sim p_g}\Big[\log\frac{p_g(x)}{2\,M(x)}\Big]
# = \mathrm{KL}(p_{data}\,\|\,M) + \mathrm{KL}(p_g\,\|\,M) - 2\log 2 .$$
#
# Each $\log 2$ came out of one expectation; the two KLs are $2\,\mathrm{JSD}$. Hence
# $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\,\|\,p_g)$.

# %% [markdown]
# The JSD is never negative and is zero only when the two distributions are equal. So the global
# minimum of $C(G)$ is $-\log 4$, reached exactly at $p_g = p_{data}$, where $D^* = \frac{1}{2}$
# everywhere (Theorem 1 of Goodfellow et al. 2014).

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
style = gu.plotting.PALETTE  # the course's colours: real black, fake orange, D blue (safe for colour blindness)
ax.plot(x, p_data_1d.pdf(x), color=style["real"].colour, linestyle=":", linewidth=2, label="$p_{data}$")
ax.plot(x, p_g_1d.pdf(x), color=style["fake"].colour, label="$p_g$ (frozen)")
ax.plot(x, gu.densities.optimal_discriminator(p_data_1d.pdf(x), p_g_1d.pdf(x)), color=style["D*"].colour,
        linestyle="--", linewidth=2, label="$D^*(x)$, the formula")
ax.plot(x, d_learnt(x), color=style["D"].colour, linewidth=1, label="$D(x)$, trained")
ax.axhline(0.5, color="gray", linewidth=0.8)
ax.set_xlabel("$x$")
ax.legend(fontsize=8)
ax.set_title("A trained discriminator matches $D^* = p_{data} / (p_{data} + p_g)$", fontsize=10)
plt.show()
inside = (x > -2) & (x < 3)
gap = np.abs(d_learnt(x[inside]) - gu.densities.optimal_discriminator(p_data_1d.pdf(x[inside]), p_g_1d.pdf(x[inside])))
print(f"largest gap between trained D and D* on [-2, 3]: {gap.max():.3f}")

# %% [markdown]
# Far out in the tails there are almost no samples, so the trained $D$ is free to do anything
# there: beyond $x \approx 3$ the formula rises again while the trained $D$ stays near 0. On
# $[-2, 3]$, where nearly all samples of both lie, it stays within 0.022 of $D^*$. Now the closed-form
# facts, computed on a fine grid with no training at all. The test suite compares this cell's output
# on every run, so it must print the same numbers in fast mode and at full size.

# %%
# NBVAL_CHECK_OUTPUT
grid = np.linspace(-12.0, 12.0, 24001)
p_data = gu.densities.gaussian_pdf(grid, 0.0, 1.0)

d_star = gu.densities.optimal_discriminator(p_data, p_data)
print("At p_g = p_data:")
print(f"  D*(x) ranges over [{d_star.min():.4f}, {d_star.max():.4f}]")
print(f"  C(G) = {gu.densities.virtual_criterion(p_data, p_data, grid):.4f}   (-log 4 = {-math.log(4):.4f})")

p_g = gu.densities.gaussian_pdf(grid, 1.5, 0.7)
c_direct = gu.densities.virtual_criterion(p_data, p_g, grid)  # E_data[log D*] + E_g[log(1 - D*)]
jsd = gu.densities.js_divergence(p_data, p_g, grid)  # from KL divergences to the mixture
print("For p_data = N(0, 1) and p_g = N(1.5, 0.7^2):")
print(f"  C(G) from D*           = {c_direct:.4f}")
print(f"  -log 4 + 2 JSD         = {-math.log(4) + 2 * jsd:.4f}   (JSD = {jsd:.4f} nats)")
print(f"  the two ways agree to 1e-9: {abs(c_direct - (-math.log(4) + 2 * jsd)) < 1e-9}")

# %% [markdown]
# One more picture: slide the generator's mean $\mu_g$ of $p_g = \mathcal{N}(\mu_g, 1)$ across
# $p_{data} = \mathcal{N}(0, 1)$ and plot $C(G)$. Look for the bottom at exactly $-\log 4$ where the
# two coincide, and for the curve flattening towards $0 = -\log 4 + 2\log 2$ (JSD $\to \log 2$) as
# they stop overlapping: far from the data, the criterion barely changes.

# %%
mus = np.linspace(-6, 6, 121)
criterion = [gu.densities.virtual_criterion(p_data, gu.densities.gaussian_pdf(grid, mu, 1.0), grid) for mu in mus]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mus, criterion, color="tab:purple")
ax.axhline(-math.log(4), color="gray", linestyle="--", linewidth=1)
ax.text(2.2, -math.log(4) + 0.05, r"$-\log 4$", color="gray")
ax.axhline(0.0, color="gray", linestyle=":", linewidth=1)
ax.text(-5.8, -0.12, r"$0$: JSD $= \log 2$, no overlap", color="gray", fontsize=8)
ax.set_xlabel(r"generator mean $\mu_g$ (data mean is 0)")
ax.set_ylabel("$C(G)$")
ax.set_title("The virtual training criterion is smallest at $p_g = p_{data}$", fontsize=10)
plt.show()

# %% [markdown]
# Two Gaussians always overlap a little, so this curve only flattens. When the supports do not
# overlap at all, as for the two coins that never agree, the JSD is exactly $\log 2$ wherever $p_g$
# sits, so $C(G)$ is constant and its gradient vanishes. That flat stretch is the motivation for the
# Wasserstein GAN (Arjovsky, Chintala and Bottou 2017) in notebook 04.

# %% [markdown]
# ## 4. Two generator losses
#
# Early in training $G$ is poor, $D$ rejects its samples confidently and $D(G(z)) \approx 0$. In the
# minimax game $G$ minimises $\log(1 - D(G(z)))$, the term of $V$ that depends on it. Goodfellow et
# al. proposed a second generator loss: maximise $\log D(G(z))$ instead, that is minimise
# $-\log D(G(z))$. Both have the same fixed point (a state where neither
# player moves); what else changes is the subject of the end of this section.

# %% [markdown]
# **Predict, then run.** Before you run the measuring cell below: where $D(G(z)) = 0.01$, which
# loss gives $G$ the larger gradient with respect to the logit, and about how many times larger:
# 1×, 10× or 100×? In `prediction` in the next cell write `"minimax"` for $\log(1 - D(G(z)))$,
# `"non-saturating"` for $-\log D(G(z))$ (its usual name, explained after the plot) or
# `"the same"`; the check prints the measured ratio. (Reading a saved copy with its outputs? Cover
# the plot until you have answered, or use the student edition, which has none.)

# %%
prediction = None  # your prediction: "minimax", "non-saturating" or "the same"

# %% [markdown]
# The next cell plots three generator costs against $D(G(z))$, as in figure 16 of Goodfellow's NIPS
# 2016 tutorial: minimax, $-\log D(G(z))$ (labelled non-saturating), and the **maximum-likelihood** cost
# $-\exp(\sigma^{-1}(D(G(z)))) = -D(G(z))/(1 - D(G(z)))$, whose expected gradient at $D = D^*$ is that
# of $\mathrm{KL}(p_{data}\,\|\,p_g)$. TensorFlow measures each slope with respect to the logit $\ell$.
# Look at the left end of the right panel, where a fresh generator lives.

# %%
d_fake = np.linspace(0.001, 0.999, 300)
logits = tf.constant(np.log(d_fake / (1 - d_fake)), tf.float32)
costs = {
    "minimax": lambda logit: gu.losses.generator_loss_per_example(logit, "minimax"),
    "non_saturating": lambda logit: gu.losses.generator_loss_per_example(logit, "non_saturating"),
    "maximum_likelihood": lambda logit: -tf.exp(logit),  # sigma^-1(D) is the logit itself
}
values, grads = {}, {}
for kind, cost in costs.items():
    with tf.GradientTape() as tape:
        tape.watch(logits)
        per_sample = cost(logits)
    values[kind] = per_sample.numpy()
    grads[kind] = tape.gradient(per_sample, logits).numpy()  # one entry per sample: its own slope

labels = {"minimax": r"minimax: $\log(1 - D(G(z)))$", "non_saturating": r"non-saturating: $-\log D(G(z))$",
          "maximum_likelihood": r"maximum likelihood: $-D(G(z))/(1 - D(G(z)))$"}
colours = {"minimax": gu.plotting.PALETTE["class 1"].colour, "non_saturating": gu.plotting.PALETTE["fake"].colour,
           "maximum_likelihood": gu.plotting.PALETTE["D"].colour}
fig, (ax_value, ax_grad) = plt.subplots(1, 2, figsize=(10, 3.4))
for kind in costs:
    ax_value.plot(d_fake, values[kind], color=colours[kind], label=labels[kind])
    ax_grad.plot(d_fake, np.abs(grads[kind]), color=colours[kind], label=kind.replace("_", "-"))
ax_value.set_ylim(-10, 7.5)
ax_value.set_xlabel("$D(G(z))$")
ax_value.set_ylabel("generator cost (per sample)")
ax_value.legend(fontsize=7, loc="lower left")
ax_grad.set_yscale("log")
ax_grad.set_xlabel("$D(G(z))$")
ax_grad.set_ylabel(r"$|\partial\, \mathrm{cost} / \partial \ell|$")
ax_grad.axvspan(0, 0.1, color="gray", alpha=0.15)
ax_grad.text(0.01, 30, "early\ntraining", fontsize=8)
ax_grad.legend(fontsize=8, loc="upper center")
fig.tight_layout()
plt.show()
for p in (0.01, 0.5):
    i = int(np.argmin(np.abs(d_fake - p)))
    print(f"D(G(z)) = {d_fake[i]:.3f} (grid point nearest {p}): slope size minimax {abs(grads['minimax'][i]):.3f}, "
          f"non-saturating {abs(grads['non_saturating'][i]):.3f}, maximum likelihood {abs(grads['maximum_likelihood'][i]):.3f}")
at_001 = int(np.argmin(np.abs(d_fake - 0.01)))
gu.checks.check_predict_gradient(prediction, gradients={
    "minimax": abs(float(grads["minimax"][at_001])), "non-saturating": abs(float(grads["non_saturating"][at_001]))});

# %% [markdown]
# What the plot shows: against the logit, the minimax cost is flat where $G$ is worst. At the grid
# point nearest 0.01, $D(G(z)) = 0.011$, its slope is 0.011 in size, so $G$ barely learns, while the
# non-saturating cost's is 0.989. The maximum-likelihood cost is flat there too (slope
# $D(G(z))/(1-D(G(z))) = 0.011$) and steep only near $D(G(z)) = 1$ (about 1000 at 0.999): nearly
# all of its gradient comes from the few fakes $D$ already believes. This is why $-\log D(G(z))$ is
# called the **non-saturating** loss: its slope does not die away where $D$ rejects the fakes.
# Notebook 04 asks you to derive the minimax slope and see why it vanishes.

# %% [markdown]
# **What the non-saturating loss changes.** The fixed point is shared: at $p_g = p_{data}$ and
# $D = \frac{1}{2}$ neither player moves under either loss. In the minimax game $G$'s cost is $V$
# itself (code drops $V$'s first term, which does not depend on $G$) and $D$'s is $-V$: they add up
# to zero. Now $D$ still minimises $-V$ while $G$ minimises $\mathbb{E}_z[-\log D(G(z))]$, which is
# not $V$: the game is **no longer zero-sum**, and $G$ is no longer descending $C(G)$.

# %% [markdown]
# What does $G$ descend instead? Take $D = D^*$ (Arjovsky and Bottou 2017, Theorem 2.5). Since
# $p_g/p_{data} = (1-D^*)/D^*$, $\mathrm{KL}(p_g\|p_{data}) = \mathbb{E}_{p_g}[\log(1-D^*)] - \mathbb{E}_{p_g}[\log D^*]$;
# with step 3's $C(G)$ this gives
#
# $$\mathbb{E}_{x\sim p_g}[-\log D^*(x)] = \mathrm{KL}(p_g\,\|\,p_{data}) - 2\,\mathrm{JSD}(p_{data}\,\|\,p_g) + \log 4 + \mathbb{E}_{x\sim p_{data}}[\log D^*(x)].$$
#
# This holds for the $p_g$ that $D^*$ is optimal for, while $G$'s step moves $p_g$ with $D^*$ frozen.
# Freezing $D^*$ changes neither the slope of $C(G)$ ($D^*$ is a maximum, so a small change of $D$
# leaves $V$ unchanged to first order) nor that of the KL (the expected slope of $\log p_g$ under
# $p_g$ is 0), and the last two terms do not depend on $G$. So $G$'s expected gradient is that of
# $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}(p_{data}\|p_g)$.

# %% [markdown]
# Read the two terms. $\mathrm{KL}(p_g\|p_{data})$ is large when $G$ puts mass where there are no data,
# but small when $G$ merely misses part of the data, so dropping a mode (one of several separate
# clusters of the data, as in section 6) costs little. The $-2\,\mathrm{JSD}$ term has the sign that
# pushes $p_g$ away from $p_{data}$. Arjovsky and Bottou point to both as faults of the
# non-saturating update.

# %% [markdown]
# A check on section 3's pair, $p_{data} = \mathcal{N}(0, 1)$ and $p_g = \mathcal{N}(\mu_g, 0.7^2)$ at
# $\mu_g = 1.5$: freeze $D^*$, move $\mu_g$ by $\pm 10^{-4}$ and compare slopes. Look for the
# non-saturating cost's slope matching that of $\mathrm{KL} - 2\,\mathrm{JSD}$, and the minimax
# cost's slope matching that of $2\,\mathrm{JSD}$, that is of $C(G)$.

# %%
# NBVAL_CHECK_OUTPUT
mu_g, std_g, nudge = 1.5, 0.7, 1e-4
p_g_now = gu.densities.gaussian_pdf(grid, mu_g, std_g)
d_frozen = gu.densities.optimal_discriminator(p_data, p_g_now)
one_minus_d = p_g_now / (p_data + p_g_now)  # 1 - D*, as a ratio so the tails keep their digits


def expected_under_p_g(mu, f_of_x):
    return np.trapezoid(gu.densities.gaussian_pdf(grid, mu, std_g) * f_of_x, grid)


def kl_minus_2jsd(mu):
    p_g_mu = gu.densities.gaussian_pdf(grid, mu, std_g)
    return gu.densities.kl_divergence(p_g_mu, p_data, grid) - 2 * gu.densities.js_divergence(p_data, p_g_mu, grid)


def two_jsd(mu):
    return 2 * gu.densities.js_divergence(p_data, gu.densities.gaussian_pdf(grid, mu, std_g), grid)


def slope(f):
    return (f(mu_g + nudge) - f(mu_g - nudge)) / (2 * nudge)


print("slopes with respect to mu_g, D* frozen at mu_g = 1.5:")
print(f"  non-saturating cost E_g[-log D*]   {slope(lambda mu: expected_under_p_g(mu, -np.log(d_frozen))):.4f}")
print(f"  KL(p_g || p_data) - 2 JSD          {slope(kl_minus_2jsd):.4f}")
print(f"  minimax cost E_g[log(1 - D*)]      {slope(lambda mu: expected_under_p_g(mu, np.log(one_minus_d))):.4f}")
print(f"  2 JSD, i.e. C(G) + log 4           {slope(two_jsd):.4f}")

# %% [markdown]
# ## 5. A live 1-D toy GAN
#
# `gu.toy.ToyGAN` is a complete GAN small enough to watch: the data are $\mathcal{N}(2, 0.5^2)$, the
# generator maps one noise number $z$ (the MNIST GANs from notebook 03 on use `latent_dim = 100`;
# the toys need only 1 or 2 numbers) through a 32-32 tanh MLP, and the discriminator is an MLP of the
# same shape. One **Step D+G** makes $k$ discriminator updates, then one generator update, each with
# Adam ($\beta_1 = 0.5$: its running average of past gradients forgets faster than with the default
# 0.9) on batches of 128, with the non-saturating generator loss unless you switch it.

# %% [markdown]
# That is the shape of Algorithm 1 of Goodfellow et al. (2014), not a copy. The paper's algorithm
# text updates $G$ on the minimax cost $\log(1 - D(G(z)))$, and its experiments used stochastic
# gradient descent (SGD: gradient descent on random batches) with momentum (steps along a running
# average of past gradients) and $k = 1$. Here both players use
# Adam; the dashboard's **G loss** menu switches the generator to the minimax cost.

# %% [markdown]
# The dashboard below draws, in place: $p_{data}$ (dotted), the current $p_g$ (orange), $D(x)$ and
# $D^*(x)$ for the current $p_g$ (blue, solid and dashed; $D^*$ is computed from a histogram of
# $p_g$'s samples, so it is ragged), the losses, and an estimate of $\mathrm{JSD}(p_{data}\|p_g)$
# from generator samples. Try: **Step D only** ten times and watch $D$ approach $D^*$; switch to
# minimax; set $k = 1$; raise lr G. **Reset** brings back the first state.

# %%
toy_dash = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(k=5, lr_d=3e-3, seed=0))
toy_dash

# %% [markdown]
# A saved notebook keeps no live widgets, so the next cell drives the same dashboard from code
# (the D+G steps that **Play** runs) and keeps pictures of the game at four moments, in the style of
# Figure 1 of Goodfellow et al. Look for $p_g$ moving onto $p_{data}$ and for the printed final JSD
# estimate, well below 0.05 nats. Unlike the paper's last panel, $D$ ends close to $\frac{1}{2}$ only
# where the data are (about 0.5 to 2.5): where almost no samples come, it falls to about 0.1 on the left
# and rises to nearly 1 on the right.

# %%
toy_steps = gu.fast(2000, 60)
moments = sorted({0, toy_steps // 40, toy_steps // 8, toy_steps})
fig, axes = plt.subplots(1, len(moments), figsize=(3.2 * len(moments), 2.8), sharey=True)
for ax, moment in zip(axes, moments):
    while toy_dash.gan.step_count < moment:
        toy_dash.step("both", min(50, moment - toy_dash.gan.step_count))
    gu.plotting.plot_toy(toy_dash.gan, ax, title=f"step {moment}: JSD {toy_dash.gan.js():.3f}")
axes[0].legend(fontsize=8, loc="upper left")
fig.tight_layout()
plt.show()
print(f"JSD estimate after {toy_steps} steps: {toy_dash.gan.js():.4f} nats (below 0.05: {toy_dash.gan.js() < 0.05})")

# %% [markdown]
# Here is the dashboard's own last frame. Its dashed $D^*$ jumps to 1 where $p_g$'s histogram is
# empty (left of about 0, right of about 3.6). In the loss panel the D loss settles at $\log 4$ (the
# dashed line, hidden under the blue curve), which is $-V$ at the fixed point: facing
# $p_g = p_{data}$, a discriminator can do no better than $D = \frac{1}{2}$. The non-saturating G loss
# settles at $-\log\frac{1}{2} = \log 2 \approx 0.69$.

# %%
display(toy_dash.snapshot())

# %% [markdown]
# The balance between the players matters. Train the same toy with $k = 1$ (one discriminator step
# per generator step, as in the paper's experiments) next to $k = 5$; nothing else changes, not even
# the learning rates. The x-axis counts D+G steps, so $k = 5$ makes five times as many $D$ updates.
# The cell records the JSD estimate and the standard deviation of $p_g$'s samples (the data's is
# 0.5). Look for which $k$ settles and which swings.

# %%
same_settings = dict(lr_g=1e-3, lr_d=3e-3, seed=0)
k_runs = {}
for k in (1, 5):
    gan = gu.toy.ToyGAN(k=k, **same_settings)
    rows = []

    def record(g, rows=rows):
        fakes = g.sample(5000)
        rows.append((g.step_count, gu.toy.js_estimate(fakes, g.data), fakes.std()))

    gan.train(toy_steps, callback=record, every=gu.fast(50, 20))
    k_runs[k] = np.array(rows)

fig, (ax_js, ax_std) = plt.subplots(1, 2, figsize=(10, 3), sharex=True)
for k, run in k_runs.items():
    ax_js.plot(run[:, 0], run[:, 1], marker=".", label=f"k = {k}")
    ax_std.plot(run[:, 0], run[:, 2], marker=".", label=f"k = {k}")
    late = run[len(run) // 2:]
    print(f"k = {k}: final JSD estimate {run[-1, 1]:.3f}; second half: largest JSD {late[:, 1].max():.3f}, "
          f"std of p_g from {late[:, 2].min():.2f} to {late[:, 2].max():.2f}")
ax_js.axhline(0.05, color="gray", linestyle="--", linewidth=1)
ax_js.set_yscale("log")
ax_js.set_xlabel("step")
ax_js.set_ylabel("JSD estimate (nats)")
ax_js.legend()
ax_std.axhline(0.5, color="black", linestyle=":", linewidth=1.5, label="data (0.5)")
ax_std.set_xlabel("step")
ax_std.set_ylabel("std of $p_g$'s samples")
ax_std.set_ylim(0, 0.9)
ax_std.legend(fontsize=8, ncol=3, loc="upper left")
fig.tight_layout()
plt.show()

# %% [markdown]
# What the plots show: with $k = 5$ the spread of $p_g$'s samples reaches the data's 0.5 by step 100
# and stays between 0.45 and 0.56 over the second half, while the JSD estimate falls below 0.01 by
# step 400 and stays there. With $k = 1$ the spread swings until about step 1550, from far narrower
# than the data (0.06) to wider (0.70), and the JSD estimate jumps up each time $p_g$ narrows. Only
# from about step 1700 does it calm down, ending at 0.011.

# %% [markdown]
# ## 6. A ring of eight Gaussians: mode collapse
#
# The standard small test of mode collapse (Metz et al. 2017, unrolled GANs; Srivastava et al.
# 2017, VEEGAN): eight Gaussians with standard deviation 0.02 on a circle of radius 2. Each Gaussian
# is one **mode**, a separate cluster of the data; **mode collapse** is a generator putting its
# samples on only some of the modes and missing the rest. A mode counts as **covered** when at least
# 1% of generated samples lie within 3 standard deviations of its centre; we also report the share
# of samples near no mode. `gu.toy.modes_covered` computes both.

# %% [markdown]
# The **plain** setup below uses 128-128 ReLU networks, a 2-D latent $z$, the non-saturating loss
# and a strong discriminator ($k = 5$). The **packed** setup changes one thing: its discriminator
# judges four samples at once (PacGAN, Lin et al. 2018). Four fakes piled onto one mode then look
# suspicious as a group, so collapse is penalised. Both use the same seed and see the same data.

# %%
ring = gu.densities.ring_of_gaussians(n_modes=8, radius=2.0, std=0.02)
plain = dict(widths=(128, 128), activation="relu", latent_dim=2, batch_size=256, k=5, lr_d=3e-3, lr_g=1e-3)
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
        gu.plotting.plot_toy(gan, axes[row, col], n=1000, title=f"{name.split(' ')[0]}, step {moment}\n{covered}/8 modes")
fig.tight_layout()
plt.show()
for name, gan in ring_gans.items():
    covered, off_mode = gan.coverage(n=5000)
    print(f"{name:>24}: {covered}/8 modes covered, {off_mode:.1%} of samples near no mode")

# %% [markdown]
# The plain generator covers only 2 of the 8 modes at every snapshot, at the end two neighbours
# joined by a bridge of samples near no mode (28.9% of its samples), and stays there: that is
# **mode collapse**, and training longer does not cure it (compare its first and last snapshots). The
# packed discriminator spots groups of four that lack variety, so its generator covers all 8 modes
# from the first snapshot on, though 18.0% of its samples lie near no mode, mostly along the ring
# between modes. Notebook 04 compares more fixes on MNIST.

# %% [markdown]
# **Inside the generator, GAN Lab's view** (Kahng et al. 2018). Draw a square grid in $z$-space,
# $[-2, 2]^2$, and push each grid line through $G$: the orange mesh shows how $G$ stretches and folds
# the noise onto the plane. Each blue arrow sits on a fake $x = G(z)$ and points along
# $-\partial(\text{G's loss})/\partial x$, the way $D$'s current slope tells $G$ to move that sample.

# %% [markdown]
# The next cell draws both trained ring GANs this way with `gu.plotting.plot_generator_map`, over $D$'s
# verdict (blue where it says real). The packed $D$ judges four samples at once, so its background is
# its verdict on four copies of the same point $x$; four identical samples look like collapse, so
# that background is mostly grey. Arrow lengths are relative: the longest in each panel has a fixed
# length. Look at how much of the plain generator's mesh lands between modes, and how the packed
# one's mesh runs around the ring.

# %%
fig, axes = plt.subplots(1, len(ring_gans), figsize=(4.2 * len(ring_gans), 4.4))
for ax, (name, gan) in zip(axes, ring_gans.items()):
    gu.plotting.plot_generator_map(gan, ax, title=f"{name}, step {gan.step_count}")
axes[0].legend(fontsize=8, loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# What the maps show: the plain generator squeezes its whole $z$-square onto a thin curve through the
# two modes it covers, with a tail towards a third, so most of $z$-space lands on the same modes or on
# the bridge between them. The packed generator's mesh is stretched around the ring, with a few lines
# cutting across its inside. Each arrow points uphill on $D$'s logit (for the packed $D$, uphill as
# that one sample moves with the other three of its group held fixed, so its arrows need not follow
# the background of four copies).

# %% [markdown]
# Watch collapse happen live. The dashboard below trains the plain setup on the ring: the
# background is $D(x)$ (blue where it says real), black dots are real samples and orange circles
# generated ones. Press **Play**, then rebuild it with `{**plain, "pack": 4}` and compare.

# %%
ring_dash = gu.toy_dashboard.ToyDashboard(gu.toy.ToyGAN(ring, seed=0, **plain), n_samples=1000)
ring_dash


# %% [markdown]
# ## Summary
#
# - The GAN game: $\min_G \max_D V(D,G)$ with $V = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$; $D$'s loss is $-V$.
# - KL and JSD measure how far apart two distributions are, in nats; $0 \le \mathrm{JSD} \le \log 2$.
# - For a fixed $G$ the best discriminator is $D^* = p_{data} / (p_{data} + p_g)$, and then $C(G) = -\log 4 + 2\,\mathrm{JSD}(p_{data}\|p_g)$, minimal exactly when $p_g = p_{data}$.
# - The non-saturating loss $-\log D(G(z))$ keeps gradients alive when $D$ wins early, but makes the game non-zero-sum: at $D = D^*$, $G$ follows the gradient of $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$.
# - Balance matters: with everything else equal, $k = 1$ lets the toy's $p_g$ swing for most of the run while $k = 5$ settles within about 100 steps.
# - On the ring of eight Gaussians a plain GAN collapses onto 2 of the 8 modes; a packed discriminator covers all 8.
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
#    section 3's derivation.

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
# $\log(1 - \sigma(\ell)) = -\mathrm{softplus}(\ell)$, with $\mathrm{softplus}(t) = \log(1 + e^t)$
# computed by `np.logaddexp(0, t)`, as `gu.losses` does.

# %% jupyter={"source_hidden": true} tags=["solution"]
def softplus(t):
    return np.logaddexp(0.0, np.asarray(t, dtype=np.float64))


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
# Section 4's prediction: "non-saturating", about 100 times larger. Where D(G(z)) = 0.01 its gradient
# on the logit is about 0.99, the minimax loss's about 0.01 (99 times; at the plot's grid point 0.011
# the check measures about 90).
prediction = "non-saturating"
assert gu.checks.check_predict_gradient(prediction)

# %% [markdown]
# ## References
#
# - Arjovsky, M. and Bottou, L. (2017). Towards Principled Methods for Training Generative Adversarial Networks. arXiv:1701.04862.
# - Arjovsky, M., Chintala, S. and Bottou, L. (2017). Wasserstein GAN. arXiv:1701.07875.
# - Goodfellow, I. (2016). NIPS 2016 Tutorial: Generative Adversarial Networks. arXiv:1701.00160.
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A. and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Kahng, M., Thorat, N., Chau, D. H., Viégas, F. B. and Wattenberg, M. (2018). GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual Experimentation. arXiv:1809.01587.
# - Lin, Z., Khetan, A., Fanti, G. and Oh, S. (2018). PacGAN: The power of two samples in generative adversarial networks. arXiv:1712.04086.
# - Metz, L., Poole, B., Pfau, D. and Sohl-Dickstein, J. (2017). Unrolled Generative Adversarial Networks. arXiv:1611.02163.
# - Srivastava, A., Valkov, L., Russell, C., Gutmann, M. U. and Sutton, C. (2017). VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning. arXiv:1705.07761.
