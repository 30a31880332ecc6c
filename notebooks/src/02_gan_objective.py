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
# A GAN is a game between two networks. Here you write that game down, build its pieces yourself
# (two divergences, the best discriminator, the losses), and watch it play on toys small enough to
# draw. The course [glossary](../docs/glossary.md) says more about each term linked below.
# **Running time:** about a minute on a 2-core laptop.

# %% [markdown]
# ## 1. The game
#
# The [**generator**](../docs/glossary.md#generator-g) $G$ turns latent noise $z \sim p_z = \mathcal{N}(0, I)$ (a Gaussian with mean 0 and identity covariance $I$,
# i.e. independent standard normal coordinates) into a sample $G(z)$;
# its samples follow a distribution $p_g$. The [**discriminator**](../docs/glossary.md#discriminator-d) $D$ looks at a sample $x$ and outputs a
# [**logit**](../docs/glossary.md#logit) $\ell$, a raw score; $D(x) = \sigma(\ell) = 1/(1+e^{-\ell})$ is its probability that $x$ is
# real. Labels are real $= 1$, fake $= 0$ throughout the course. On this notebook's toys $x$ is a
# number or a point of the plane, not an image. Goodfellow et al. (2014) score the game with one
# **value function**:
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$$
#
# $D$ maximises $V$ ($D(x) \to 1$ on real data, $D(G(z)) \to 0$ on fakes); $G$ minimises it.

# %% [markdown]
# In code we minimise losses, so $D$'s loss is $-V$: each $\mathbb{E}$ becomes the mean over its batch
# (one real, one fake), and the two means add. Taking
# $\log \sigma(\ell)$ of a computed probability fails for confident logits: for $\ell = 40$, $\sigma(\ell)$ is
# exactly 1 in float32 (the cell after the check prints it). Rewrite both logarithms from the logit with
# [**softplus**](../docs/glossary.md#softplus), $\mathrm{softplus}(\ell) = \log(1 + e^{\ell})$, which NumPy computes stably as
# `np.logaddexp(0, ell)`: $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$ and
# $\log(1-\sigma(\ell)) = -\mathrm{softplus}(\ell)$. Write `discriminator_loss` in NumPy below; the next
# cell checks it and the notebook then uses yours, first for one fact: a $D$ that answers $\frac{1}{2}$
# everywhere (logit 0) pays $\log 2$ per batch, $\log 4 \approx 1.386$ in all.

# %%
import math

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

gu.set_seed(0)


def softplus(ell):
    """log(1 + e^ell), computed without overflow (used by the loss cells below)."""
    return np.logaddexp(0.0, np.asarray(ell, dtype=np.float64))


# %% tags=["build"]
def discriminator_loss(real_logits, fake_logits):
    """D's loss -V from its logits on a real and a fake batch (real = 1, fake = 0)."""
    return np.mean(softplus(-np.asarray(real_logits))) + np.mean(softplus(np.asarray(fake_logits)))


# %%
gu.checks.check_gan_d_loss(discriminator_loss)
discriminator_loss = gu.checks.yours_or_reference(discriminator_loss)

# %%
# NBVAL_CHECK_OUTPUT
zeros = np.zeros(8, np.float32)
print(f"D loss when D(x) = 1/2 everywhere: {float(discriminator_loss(zeros, zeros)):.4f}")
print(f"log 4 = {math.log(4):.4f}")
sigma_40 = np.float32(1) / (np.float32(1) + np.exp(np.float32(-40)))
print(f"sigma(40) in float32 = {sigma_40}, so log(1 - sigma(40)) = log 0; from the logit: -softplus(40) = {-softplus(40):.4f}")

# %% [markdown]
# ## 2. Two divergences, in nats
#
# Section 3's derivation ends in a divergence between distributions, so first two definitions. The
# [**KL divergence**](../docs/glossary.md#kl-divergence) of $P$ relative to $Q$ is
#
# $$\mathrm{KL}(P\,\|\,Q) = \sum_x P(x)\log\frac{P(x)}{Q(x)},$$
#
# an integral for continuous $x$. With the natural logarithm it is measured in [**nats**](../docs/glossary.md#nats). It is $\ge 0$,
# zero only for $P = Q$, and not symmetric. Two details decide the code: an outcome with
# $P(x) = 0$ adds nothing ($0 \log 0 = 0$), and if $Q(x) = 0 < P(x)$ somewhere, KL is infinite. Write
# it for two probability vectors (arrays of non-negative numbers that sum to 1).

# %% tags=["build"]
def kl_divergence(p, q):
    """KL(P || Q) in nats of two probability vectors (inf where q = 0 < p)."""
    p, q = np.asarray(p, dtype=np.float64), np.asarray(q, dtype=np.float64)
    seen = p > 0
    if np.any(q[seen] == 0):
        return math.inf
    return float(np.sum(p[seen] * np.log(p[seen] / q[seen])))


# %%
gu.checks.check_kl_divergence(kl_divergence)
kl_divergence = gu.checks.yours_or_reference(kl_divergence)

# %% [markdown]
# The [**Jensen-Shannon divergence**](../docs/glossary.md#jensen-shannon-divergence-jsd) compares both distributions with their mixture (average) $A = \frac{1}{2}(P+Q)$:
#
# $$\mathrm{JSD}(P\,\|\,Q) = \tfrac{1}{2}\,\mathrm{KL}(P\,\|\,A) + \tfrac{1}{2}\,\mathrm{KL}(Q\,\|\,A).$$
#
# It is symmetric and finite: $A \ge \frac{1}{2}P$, so each ratio $P/A$ is at most 2 and
# $0 \le \mathrm{JSD} \le \log 2$, with $\log 2$ exactly when $P$ and $Q$ never put mass in the same
# place (**disjoint supports**). Write it with your `kl_divergence`.

# %% tags=["build"]
def js_divergence(p, q):
    """JSD(P || Q) in nats of two probability vectors, from KL to the mixture."""
    m = 0.5 * (np.asarray(p, dtype=np.float64) + np.asarray(q, dtype=np.float64))
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


# %%
gu.checks.check_js_divergence(js_divergence)
js_divergence = gu.checks.yours_or_reference(js_divergence)

# %% [markdown]
# Two coins, each written as (probability of heads, probability of tails): a fair coin $P$ and a biased
# one $Q$ (heads 0.9). The cell uses your two functions. Look for the two KLs differing, the JSD being
# the same both ways, and two coins that never agree reaching the ceiling $\log 2$.

# %%
# NBVAL_CHECK_OUTPUT
fair, biased = np.array([0.5, 0.5]), np.array([0.9, 0.1])
print(f"KL(fair || biased) by hand = {0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1):.4f} nats")
print(f"KL(fair || biased)         = {kl_divergence(fair, biased):.4f} nats")
print(f"KL(biased || fair)         = {kl_divergence(biased, fair):.4f} nats   (KL is not symmetric)")
jsd_coins = js_divergence(fair, biased)
print(f"JSD(fair || biased)        = {jsd_coins:.4f} nats = JSD(biased || fair) = {js_divergence(biased, fair):.4f}")
heads, tails = np.array([1.0, 0.0]), np.array([0.0, 1.0])
print(f"always heads vs always tails: KL = {kl_divergence(heads, tails)}, "
      f"JSD = {js_divergence(heads, tails):.4f}, log 2 = {math.log(2):.4f}")

# %% [markdown]
# ## 3. The optimal discriminator
#
# **Step 1: from $z$ to $x$.** The fakes $x = G(z)$ follow $p_g$: that is what $p_g$ means. So averaging
# any function $F$ of a fake over the noise is averaging $F$ over $p_g$,
# $\mathbb{E}_{z\sim p_z}[F(G(z))] = \int p_g(x) F(x)\,dx$, when $p_g$ has a **density** $p_g(x)$, a function
# whose integral over any region is the probability of landing in it (true of the toys;
# Arjovsky and Bottou 2017 show an image generator's often has none). With $F = \log(1-D)$:
#
# $$V(D,G) = \int \big[\,p_{data}(x)\log D(x) + p_g(x)\log(1-D(x))\,\big]\,dx .$$

# %% [markdown]
# **Step 2: maximise at each $x$.** Fix $G$ and let $D$ be any function at all (the paper's unlimited
# capacity), so it chooses every value $D(x)$ separately. At one $x$ the densities $p_{data}(x)$ and
# $p_g(x)$ are two fixed numbers; write $t = D(x) \in (0, 1)$: $D$ maximises
#
# $$f(t) = p_{data}(x)\log t + p_g(x)\log(1-t).$$
#
# Set $f'(t) = 0$, solve for $t$, and check that it is a maximum. Your answer, as a function of the two
# densities (NumPy arrays, elementwise), is the [**optimal discriminator**](../docs/glossary.md#optimal-discriminator) $D^*$: write it below.

# %% tags=["build"]
def optimal_discriminator(p_data, p_g):
    """D*(x), elementwise, from the two densities at the points x."""
    return p_data / (p_data + p_g)


# %%
gu.checks.check_optimal_discriminator(optimal_discriminator)
optimal_discriminator = gu.checks.yours_or_reference(optimal_discriminator)

# %% [markdown]
# The answer is $D^*(x) = p_{data}(x)/(p_{data}(x) + p_g(x))$, the hints give the algebra. **Step 3:
# substitute** it into $V$ to get what $G$ really faces, the **virtual training criterion**
# $C(G) = \max_D V(D,G)$. With the mixture $A = \frac{1}{2}(p_{data} + p_g)$ of section 2,
#
# $$C(G) = \mathbb{E}_{p_{data}}\Big[\log\frac{p_{data}}{2A}\Big] + \mathbb{E}_{p_g}\Big[\log\frac{p_g}{2A}\Big]
# = -\log 4 + 2\,\mathrm{JSD}(p_{data}\,\|\,p_g).$$
#
# The JSD is zero only for equal distributions, so $C(G)$'s minimum, $-\log 4$, is reached exactly at
# $p_g = p_{data}$, where $D^* = \frac{1}{2}$ (Theorem 1 of Goodfellow et al. 2014).

# %% [markdown]
# Does a trained network find $D^*$? Take $p_{data} = \mathcal{N}(0, 1)$ and a frozen "generator"
# $p_g = \mathcal{N}(1.5, 0.7^2)$ (1-D Gaussians, written $\mathcal{N}(\text{mean}, \text{std}^2)$), train an
# MLP discriminator on samples of both
# (`gu.toy.fit_discriminator`), and overlay its output on your $D^*$. Look for the trained curve
# hugging the dashed one where the samples are, and for the printed largest gap.

# %%
p_data_1d, p_g_1d = gu.toy.gaussian_1d(0.0, 1.0), gu.toy.gaussian_1d(1.5, 0.7)
d_learnt = gu.toy.fit_discriminator(p_data_1d.sample, p_g_1d.sample, steps=gu.fast(1500, 100), seed=0)

x = np.linspace(-4, 5, 400)
fig, ax = plt.subplots(figsize=(7, 3.2))
style = gu.plotting.PALETTE  # the course's colours: real black, fake orange, D blue (safe for colour blindness)
ax.plot(x, p_data_1d.pdf(x), color=style["real"].colour, linestyle=":", linewidth=2, label="$p_{data}$")
ax.plot(x, p_g_1d.pdf(x), color=style["fake"].colour, label="$p_g$ (frozen)")
ax.plot(x, optimal_discriminator(p_data_1d.pdf(x), p_g_1d.pdf(x)), color=style["D*"].colour,
        linestyle="--", linewidth=2, label="$D^*(x)$, your formula")
ax.plot(x, d_learnt(x), color=style["D"].colour, linewidth=1, label="$D(x)$, trained")
ax.axhline(0.5, color="gray", linewidth=0.8)
ax.set_xlabel("$x$")
ax.legend(fontsize=8)
ax.set_title("A trained discriminator matches $D^* = p_{data} / (p_{data} + p_g)$", fontsize=10)
plt.show()
inside = (x > -2) & (x < 3)
gap = np.abs(d_learnt(x[inside]) - optimal_discriminator(p_data_1d.pdf(x[inside]), p_g_1d.pdf(x[inside])))
print(f"largest gap between trained D and D* on [-2, 3]: {gap.max():.3f}")

# %% [markdown]
# Far in the tails there are almost no samples, so the trained $D$ may do anything there (beyond
# $x \approx 3$ the formula rises again while the trained $D$ stays low); on $[-2, 3]$, where nearly all
# samples lie, the gap printed above is small. Now the closed-form facts, with no training. On a fine
# grid of spacing $dx$ a density becomes a probability vector $p(x_i)\,dx$, so your discrete functions
# apply; and $1 - D^*(x)$ is your `optimal_discriminator` with the two densities swapped. Look for
# $C(G) = -\log 4$ at $p_g = p_{data}$ and for the two ways of computing $C(G)$ agreeing.

# %%
# NBVAL_CHECK_OUTPUT
grid = np.linspace(-12.0, 12.0, 24001)
dx = grid[1] - grid[0]
p_data = gu.densities.gaussian_pdf(grid, 0.0, 1.0)


def criterion(p_data, p_g):
    """C(G) = E_data[log D*] + E_g[log(1 - D*)] on the grid, with your D*."""
    return float(np.sum(p_data * np.log(optimal_discriminator(p_data, p_g))
                        + p_g * np.log(optimal_discriminator(p_g, p_data))) * dx)


d_star = optimal_discriminator(p_data, p_data)
print("At p_g = p_data:")
print(f"  D*(x) ranges over [{d_star.min():.4f}, {d_star.max():.4f}]")
print(f"  C(G) = {criterion(p_data, p_data):.4f}   (-log 4 = {-math.log(4):.4f})")
p_g = gu.densities.gaussian_pdf(grid, 1.5, 0.7)
c_direct, jsd = criterion(p_data, p_g), js_divergence(p_data * dx, p_g * dx)
print("For p_data = N(0, 1) and p_g = N(1.5, 0.7^2):")
print(f"  C(G) from D*           = {c_direct:.4f}")
print(f"  -log 4 + 2 JSD         = {-math.log(4) + 2 * jsd:.4f}   (JSD = {jsd:.4f} nats)")
print(f"  the two ways agree to 1e-9: {abs(c_direct - (-math.log(4) + 2 * jsd)) < 1e-9}")

# %% [markdown]
# Slide the generator's mean $\mu_g$ of $p_g = \mathcal{N}(\mu_g, 1)$ across $p_{data} = \mathcal{N}(0, 1)$
# and plot $C(G)$. Look for the bottom at exactly $-\log 4$ where the two coincide, and for the curve
# flattening towards $0 = -\log 4 + 2\log 2$ as they stop overlapping: far from the data, $C(G)$ barely
# changes, so it gives $G$ almost no slope to follow.

# %%
mus = np.linspace(-6, 6, 121)
c_of_mu = [criterion(p_data, gu.densities.gaussian_pdf(grid, mu, 1.0)) for mu in mus]
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(mus, c_of_mu, color="tab:purple")
ax.axhline(-math.log(4), color="gray", linestyle="--", linewidth=1)
ax.text(2.2, -math.log(4) + 0.05, r"$-\log 4$", color="gray")
ax.axhline(0.0, color="gray", linestyle=":", linewidth=1)
ax.text(-5.8, -0.12, r"$0$: JSD $= \log 2$, no overlap", color="gray", fontsize=8)
ax.set_xlabel(r"generator mean $\mu_g$ (data mean is 0)")
ax.set_ylabel("$C(G)$")
ax.set_title("The virtual training criterion is smallest at $p_g = p_{data}$", fontsize=10)
plt.show()

# %% [markdown]
# Two Gaussians always overlap a little, so this curve only flattens. With disjoint supports the JSD
# is exactly $\log 2$ wherever $p_g$ sits, and $C(G)$ is flat: exercise 4 measures that case, and the
# Wasserstein GAN of notebook 04 starts from it.

# %% [markdown]
# ## 4. Two generator losses
#
# Early in training $G$ is poor, $D$ rejects its samples confidently and $D(G(z)) \approx 0$. In the
# [**minimax**](../docs/glossary.md#minimax-loss) game $G$ minimises $\mathbb{E}_z[\log(1 - D(G(z)))]$, the term of $V$ that depends on it.
# Goodfellow et al. proposed a second loss: maximise $\log D(G(z))$ instead, that is, minimise
# $\mathbb{E}_z[-\log D(G(z))]$. Write both from $D$'s logits on the fakes, with the softplus forms of
# section 1; each is checked, then used.

# %% tags=["build"]
def generator_loss_minimax(fake_logits):
    """G's minimax loss mean(log(1 - D(G(z)))) from D's logits on fakes."""
    return -np.mean(softplus(np.asarray(fake_logits)))


# %%
gu.checks.check_gan_g_loss(generator_loss_minimax, "minimax")
generator_loss_minimax = gu.checks.yours_or_reference(generator_loss_minimax)


# %% tags=["build"]
def generator_loss_non_saturating(fake_logits):
    """G's loss -mean(log D(G(z))) from D's logits on fakes."""
    return np.mean(softplus(-np.asarray(fake_logits)))


# %%
gu.checks.check_gan_g_loss(generator_loss_non_saturating, "non_saturating")
generator_loss_non_saturating = gu.checks.yours_or_reference(generator_loss_non_saturating)

# %% [markdown]
# **Predict, then run.** Where $D(G(z)) = 0.01$, which of your two losses gives $G$ the larger slope
# with respect to the logit, and about how many times larger: 1×, 10× or 100×? Set `prediction` to
# `"minimax"`, `"non-saturating"` or `"the same"` before running the cell after it, which measures.

# %%
prediction = None  # your prediction: "minimax", "non-saturating" or "the same"

# %% [markdown]
# The next cell plots your two losses, one sample at a time, against $D(G(z))$, with a third,
# the **maximum-likelihood** cost $-D(G(z))/(1 - D(G(z))) = -e^{\ell}$ (figure 16 of Goodfellow's
# 2016 tutorial), and measures each slope with respect to $\ell$ by a central difference. Look at the
# left end of the right panel, where a fresh generator lives.

# %%
d_fake = np.linspace(0.001, 0.999, 300)
logits = np.log(d_fake / (1 - d_fake))
costs = {"minimax": generator_loss_minimax, "non_saturating": generator_loss_non_saturating,
         "maximum_likelihood": lambda ell: -np.mean(np.exp(ell))}
d_ell = 1e-4  # the central difference's step on the logit
values = {kind: np.array([float(cost(np.array([ell]))) for ell in logits]) for kind, cost in costs.items()}
grads = {kind: np.array([(float(cost(np.array([ell + d_ell]))) - float(cost(np.array([ell - d_ell])))) / (2 * d_ell)
                         for ell in logits]) for kind, cost in costs.items()}

legend_text = {"minimax": r"minimax: $\log(1 - D(G(z)))$", "non_saturating": r"non-saturating: $-\log D(G(z))$",
          "maximum_likelihood": r"maximum likelihood: $-D(G(z))/(1 - D(G(z)))$"}
colours = {"minimax": gu.plotting.PALETTE["class 1"].colour, "non_saturating": gu.plotting.PALETTE["fake"].colour,
           "maximum_likelihood": gu.plotting.PALETTE["D"].colour}
fig, (ax_value, ax_grad) = plt.subplots(1, 2, figsize=(10, 3.4))
for kind in costs:
    ax_value.plot(d_fake, values[kind], color=colours[kind], label=legend_text[kind])
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
    "minimax": abs(grads["minimax"][at_001]), "non-saturating": abs(grads["non_saturating"][at_001])});

# %% [markdown]
# What the plot shows: the minimax cost is flat where $G$ is worst. At the grid point nearest 0.01 the
# printed slopes differ about ninety-fold, so under minimax $G$ barely learns. The maximum-likelihood
# cost is flat there too (its curve lies on the minimax one at the left of the right panel) and steep
# only near $D(G(z)) = 1$: nearly all its gradient comes from the few
# fakes $D$ already believes. This is why $-\log D(G(z))$ is called the [**non-saturating loss**](../docs/glossary.md#non-saturating-loss): its
# slope does not die away where $D$ rejects the fakes. Later notebooks use it and link back here.

# %% [markdown]
# **What the non-saturating loss changes.** The fixed point is shared: at $p_g = p_{data}$ and
# $D = \frac{1}{2}$ neither player moves under either loss. But in the minimax game $G$'s cost is $V$
# (minus a term that does not depend on $G$) and $D$'s is $-V$: they add up to zero. With the
# non-saturating loss $G$ minimises $\mathbb{E}_z[-\log D(G(z))]$, which is not $V$: the game is **no
# longer zero-sum**, and $G$ no longer descends $C(G)$.

# %% [markdown]
# What does $G$ descend instead? At $D = D^*$ (Arjovsky and Bottou 2017, Theorem 2.5),
# $p_g/p_{data} = (1-D^*)/D^*$, so $G$'s cost splits in two:
#
# $$\mathbb{E}_{p_g}[-\log D^*] = \mathbb{E}_{p_g}\Big[\log\frac{1-D^*}{D^*}\Big] - \mathbb{E}_{p_g}[\log(1-D^*)].$$
#
# $G$'s step moves $p_g$ with $D^*$ frozen. The first part is $\mathrm{KL}(p_g\|p_{data})$; freezing the
# ratio inside it leaves its slope unchanged ($p_g$'s total mass stays 1). The second part is
# $-C(G) = \log 4 - 2\,\mathrm{JSD}$ plus $\mathbb{E}_{p_{data}}[\log D^*]$, which has no $p_g$ in it once $D^*$ is
# frozen; freezing $D^*$ leaves $C(G)$'s slope unchanged too ($D^*$ is a maximum). So $G$ follows the gradient of
# $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$. The KL is large when $G$ puts mass where there are no
# data but small when it merely misses some, so dropping a **mode** (one separate cluster of the data)
# costs little; the $-2\,\mathrm{JSD}$ term pushes $p_g$ away from $p_{data}$.

# %% [markdown]
# A check on section 3's pair at $\mu_g = 1.5$, with your functions: freeze $D^*$, move $\mu_g$ by
# $\pm 10^{-4}$ and compare slopes. Look for the non-saturating cost's slope matching that of
# $\mathrm{KL} - 2\,\mathrm{JSD}$, and the minimax cost's matching that of $2\,\mathrm{JSD}$, that is of $C(G)$.

# %%
# NBVAL_CHECK_OUTPUT
mu_g, std_g, nudge = 1.5, 0.7, 1e-4
p_g_now = gu.densities.gaussian_pdf(grid, mu_g, std_g)
log_d_frozen = np.log(optimal_discriminator(p_data, p_g_now))
log_1md_frozen = np.log(optimal_discriminator(p_g_now, p_data))  # log(1 - D*), with the densities swapped


def expected_under_p_g(mu, f_of_x):
    return float(np.sum(gu.densities.gaussian_pdf(grid, mu, std_g) * f_of_x) * dx)


def kl_minus_2jsd(mu):
    p_g_mu = gu.densities.gaussian_pdf(grid, mu, std_g) * dx
    return kl_divergence(p_g_mu, p_data * dx) - 2 * js_divergence(p_data * dx, p_g_mu)


def two_jsd(mu):
    return 2 * js_divergence(p_data * dx, gu.densities.gaussian_pdf(grid, mu, std_g) * dx)


def slope(f):
    return (f(mu_g + nudge) - f(mu_g - nudge)) / (2 * nudge)


print("slopes with respect to mu_g, D* frozen at mu_g = 1.5:")
print(f"  non-saturating cost E_g[-log D*]   {slope(lambda mu: expected_under_p_g(mu, -log_d_frozen)):.4f}")
print(f"  KL(p_g || p_data) - 2 JSD          {slope(kl_minus_2jsd):.4f}")
print(f"  minimax cost E_g[log(1 - D*)]      {slope(lambda mu: expected_under_p_g(mu, log_1md_frozen)):.4f}")
print(f"  2 JSD, i.e. C(G) + log 4           {slope(two_jsd):.4f}")

# %% [markdown]
# ## 5. A live 1-D toy GAN
#
# `gu.toy.ToyGAN` is a complete GAN small enough to watch: the data are $\mathcal{N}(2, 0.5^2)$, the
# generator maps one noise number $z$ through a 32-32 tanh MLP, and the discriminator is an MLP of the
# same shape. One D+G step (the dashboard's **Step D+G** below) makes $k$ discriminator updates, then
# one generator update, each with Adam (a gradient step scaled by running averages of past gradients;
# $\beta_1 = 0.5$ makes it forget faster than the default 0.9) on batches of 128, with the engine's
# non-saturating loss. That is the shape of Algorithm 1 of Goodfellow et al. (2014), whose experiments
# used $k = 1$ and plain gradient steps with momentum (each step also adds a fraction of the previous
# step); the dashboard's **G loss** menu switches to the
# minimax cost.

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
# estimate, below 0.05 nats. Unlike the paper's last panel, $D$ ends close to $\frac{1}{2}$ only where
# the data are: where almost no samples come, it is free to drift away from $\frac{1}{2}$.

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
# The dashboard's own last frame: look at the loss panel, where the D loss settles at $\log 4$ (the
# dashed line, hidden under the blue curve), which is $-V$ at the fixed point, and the non-saturating
# G loss at $-\log\frac{1}{2} = \log 2 \approx 0.69$. The dashed $D^*$, computed from a histogram of
# $p_g$'s samples, jumps to 1 where that histogram is empty.

# %%
display(toy_dash.snapshot())

# %% [markdown]
# The balance between the players matters. Train the same toy with $k = 1$ (one discriminator step
# per generator step, as in the paper's experiments) next to $k = 5$; nothing else changes, not even
# the learning rates. The x-axis counts D+G steps, so $k = 5$ makes five times as many $D$ updates.
# The cell records the JSD estimate and the standard deviation of $p_g$'s samples (the data's is
# 0.5). Look for which $k$ settles and which swings, in the plots and in the printed second-half ranges.

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
# What the plots show: with $k = 5$ the spread of $p_g$'s samples stays close to the data's 0.5 over
# the second half (the printed range) and the JSD estimate stays below 0.01 once it gets there. With
# $k = 1$ the spread swings from far narrower than the data to wider, the JSD estimate jumps up each
# time $p_g$ narrows, and only late in the run does it calm down. A discriminator that is too weak
# for its generator gives $G$ a poor map of $D^*$ to follow.

# %% [markdown]
# ## 6. A ring of eight Gaussians: mode collapse
#
# The standard small test of mode collapse (Metz et al. 2017, unrolled GANs; Srivastava et al.
# 2017, VEEGAN): eight Gaussians with standard deviation 0.02 on a circle of radius 2. Each Gaussian
# is one mode (section 4); [**mode collapse**](../docs/glossary.md#mode-collapse) is a generator putting its
# samples on only some of the modes and missing the rest (section 4 showed why the non-saturating loss
# lets it). A mode counts as **covered** when at least
# 1% of generated samples lie within 3 standard deviations of its centre; we also report the share
# of samples near no mode. `gu.toy.modes_covered` computes both.

# %% [markdown]
# The **plain** setup below uses 128-128 ReLU networks, a 2-D latent $z$, the non-saturating loss
# and a strong discriminator ($k = 5$). The **packed** setup changes one thing: its discriminator
# judges four samples at once ([**PacGAN**](../docs/glossary.md#pacgan--packing), Lin et al. 2018). Four fakes piled onto one mode then look
# suspicious as a group, so collapse is penalised. Both use the same seed and data. Look at how many
# modes each row covers, and at the printed shares.

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
# The plain generator covers only a few of the 8 modes at every snapshot (2 at the end, as printed),
# with a bridge of samples near no mode between them, and stays there: that is mode collapse, and
# training longer does not cure it (compare its first and last snapshots). The packed discriminator
# spots groups of four that lack variety, so its generator covers all 8 modes, though a share of its
# samples (printed) lies along the ring between modes. Notebook 04 compares more fixes on MNIST.

# %% [markdown]
# **Inside the generator, GAN Lab's view** (Kahng et al. 2018). Draw a square grid in $z$-space,
# $[-2, 2]^2$, and push each grid line through $G$: the orange mesh shows how $G$ stretches and folds
# the noise onto the plane. Each blue arrow sits on a fake $x = G(z)$ and points along
# $-\partial(\text{G's loss})/\partial x$, the way $D$'s current slope tells $G$ to move that sample.
# The next cell draws both trained ring GANs this way, over $D$'s verdict (blue where it says real;
# the packed $D$'s background is its verdict on four copies of one point, which look like collapse, so
# it is mostly grey). Arrow lengths are relative. Look at how much of the plain generator's mesh lands between modes, and how the packed
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
# modes it covers, so most of $z$-space lands on the same modes or on the bridge between them. The
# packed generator's mesh is stretched around the ring. Each arrow points uphill on $D$'s logit (for
# the packed $D$, as that one sample moves with the other three of its group fixed).

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
# - The GAN game is $\min_G \max_D V(D,G)$; $D$'s loss is $-V$, computed from logits.
# - KL and JSD measure how far apart two distributions are (in nats); the JSD is at most $\log 2$, reached for disjoint supports.
# - For a fixed $G$ the best discriminator is $D^* = p_{data} / (p_{data} + p_g)$; then $C(G) = -\log 4 + 2\,\mathrm{JSD}$, minimal exactly at $p_g = p_{data}$.
# - The non-saturating loss $-\log D(G(z))$ keeps gradients alive when $D$ wins early; the game is no longer zero-sum: at $D = D^*$, $G$ descends $\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}$.
# - All else equal, $k = 1$ lets the toy's $p_g$ swing for most of the run; with $k = 5$ the JSD estimate stays below 0.01 through the second half.
# - On the ring of eight Gaussians a plain GAN collapses onto 2 modes; a packed discriminator covers all 8.

# %% [markdown]
# ## Exercises
#
# Five exercises that take the lesson to new cases. Each checked one prints a verdict with a first
# hint; `gu.checks.hint("name")` (the name is in the verdict) gives more, one level at a time, and
# an instructor may cap the levels (`gu.checks.max_hint_level(2)`). Worked solutions follow under Solutions.
#
# **1. The least-squares GAN** (Mao et al. 2017) swaps the cross-entropy for squared errors. $D$ outputs
# an unbounded [**critic score**](../docs/glossary.md#critic--critic-score-sx) $s(x)$, not a probability, and pulls it to 1 on real data and to $-1$ on
# fakes; $G$ wants its fakes scored 0. Each average carries a factor $\frac{1}{2}$. (a) Write both losses
# from the scores. (b) As in section 3, find the score $s^*(x)$ that minimises $D$'s loss at each $x$
# for a fixed $G$, and write it from the two densities. (c) What is $s^*$ where $p_g = p_{data}$?

# %%
def lsgan_losses(real_scores, fake_scores):
    """(D's loss, G's loss) of the least-squares GAN, from D's scores on a real and a fake batch."""
    # Your code here.
    return None


def lsgan_optimal_d(p_data, p_g):
    """The least-squares GAN's optimal score s*(x), elementwise, from the two densities at x."""
    # Your code here.
    return None


gu.checks.check_lsgan_losses(lsgan_losses)
gu.checks.check_lsgan_optimal_d(lsgan_optimal_d);


# %% [markdown]
# **2. $D^*$ for two Gaussians.** Show that $D^* = \sigma(\ell^*)$ for a logit $\ell^*(x)$ written with the
# two densities. Then write $\ell^*$ in closed form for $p_{data} = \mathcal{N}(\mu_{data}, \mathrm{std}_{data}^2)$
# and $p_g = \mathcal{N}(\mu_g, \mathrm{std}_g^2)$; your function must stay finite at $x = \pm 40$,
# where both densities are 0 in float64. What shape is $\ell^*$ when the two widths are equal, and
# what does that say about the simplest discriminator that can be optimal?

# %%
def d_star_logit(x, mean_data, std_data, mean_g, std_g):
    """The logit of D*(x) for two Gaussians, in closed form."""
    # Your code here.
    return None


gu.checks.check_gaussian_d_star_logit(d_star_logit);

# %% [markdown]
# **3. $C(G)$ by hand.** $p_{data}$ is uniform on $[0, 2]$ and $p_g$ uniform on $[1, 3]$ (each density is
# $\frac{1}{2}$ on its interval). Sketch $D^*$, then compute $C(G)$ and the JSD in nats with pencil and
# paper: a grid, as in section 3, would give the number but not the reason. Set `c_boxes` to your $C(G)$.

# %%
c_boxes = None  # your C(G), a number in nats
gu.checks.check_box_criterion(c_boxes);


# %% [markdown]
# **4. JSD against the earth-mover distance.** A **Dirac** (a point mass) puts all its mass at one point.
# The [**earth-mover distance**](../docs/glossary.md#wasserstein-earth-mover-distance) between $P$ and $Q$ is the least average distance that mass must travel to
# turn $P$ into $Q$, over all couplings $\pi$ (plans of what moves where). For $p_{data}$ a Dirac at 0
# and $p_g$ a Dirac at $\theta$, write `dirac_distances(theta)` giving (JSD, earth-mover distance), the
# JSD with your `js_divergence`. Which of the two gives a generator that moves $\theta$ a gradient?

# %%
def dirac_distances(theta):
    """(JSD, earth-mover distance) between a Dirac at 0 and a Dirac at theta."""
    # Your code here.
    return None


gu.checks.check_dirac_distances(dirac_distances);

# %% [markdown]
# **5. Predict, then run: a faster generator.** Section 5's $k = 5$ toy settled. Keep $k = 5$ and
# lr D $= 3\times10^{-3}$, but raise lr G tenfold, to $10^{-2}$. Over the second half of the run, does
# $p_g$ settle (`"settles"`: the JSD estimate stays below 0.05), swing (`"swings"`: it goes above 0.05
# at times) or blow up (`"diverges"`: training stops on a non-finite value)? Set
# `prediction_fast_g`, then run the cell: it trains that toy (the dashboard of section 5 can too)
# and prints the JSD estimates it checks against.

# %%
prediction_fast_g = None  # "settles", "swings" or "diverges"
fast_g = gu.toy.ToyGAN(k=5, lr_d=3e-3, lr_g=1e-2, seed=0)
jsd_history = []
try:
    fast_g.train(toy_steps, callback=lambda g: jsd_history.append(g.js()), every=gu.fast(100, 20))
except FloatingPointError as err:  # training diverged
    print(err)
    jsd_history.append(float("nan"))
print("JSD estimates:", " ".join(f"{v:.3f}" for v in jsd_history))
gu.checks.check_predict_fast_generator(prediction_fast_g, jsd_history);


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# 1. (a) D pulls real scores to 1 and fake scores to -1, G pulls fake scores to 0.
# (b) At one x, D minimises g(s) = 1/2 p_data (s - 1)^2 + 1/2 p_g (s + 1)^2; g'(s) = p_data (s - 1) + p_g (s + 1) = 0
# gives s* = (p_data - p_g) / (p_data + p_g), a minimum since g'' = p_data + p_g > 0: a weighted average of the
# two targets. (c) At p_g = p_data, s* = 0 everywhere: exactly the score G asks for, so neither moves.
def lsgan_losses(real_scores, fake_scores):
    """(D's loss, G's loss) of the least-squares GAN, from D's scores on a real and a fake batch."""
    real, fake = np.asarray(real_scores, dtype=np.float64), np.asarray(fake_scores, dtype=np.float64)
    d_loss = 0.5 * np.mean((real - 1.0) ** 2) + 0.5 * np.mean((fake + 1.0) ** 2)
    return d_loss, 0.5 * np.mean(fake ** 2)


def lsgan_optimal_d(p_data, p_g):
    """The least-squares GAN's optimal score s*(x), elementwise, from the two densities at x."""
    return (p_data - p_g) / (p_data + p_g)


assert gu.checks.check_lsgan_losses(lsgan_losses)
assert gu.checks.check_lsgan_optimal_d(lsgan_optimal_d)


# %% jupyter={"source_hidden": true} tags=["solution"]
# 2. Divide the top and bottom of D* by p_data: D* = 1 / (1 + p_g / p_data) = sigmoid(l*), with
# l*(x) = log p_data(x) - log p_g(x). For Gaussians the logarithms are quadratics in x; the constants
# log sqrt(2 pi) cancel. With equal widths the x^2 terms cancel too: l* is linear in x, so a logistic
# regression on x (one weight, one bias) is already an optimal discriminator.
def d_star_logit(x, mean_data, std_data, mean_g, std_g):
    """The logit of D*(x) for two Gaussians, in closed form."""
    x = np.asarray(x, dtype=np.float64)
    return (np.log(std_g / std_data) - (x - mean_data) ** 2 / (2 * std_data ** 2)
            + (x - mean_g) ** 2 / (2 * std_g ** 2))


assert gu.checks.check_gaussian_d_star_logit(d_star_logit)

# %% jupyter={"source_hidden": true} tags=["solution"]
# 3. On [0, 1) only the data put mass: D* = 1, log D* = 0. On (2, 3] only G: 1 - D* = 1, log 1 = 0. On [1, 2]
# both densities are 1/2, so D* = 1/2, and that stretch holds half of each box's mass:
# C(G) = 1/2 log(1/2) + 1/2 log(1/2) = -log 2, and JSD = (C(G) + log 4) / 2 = (log 2) / 2 = 0.3466 nats.
c_boxes = -math.log(2)
assert gu.checks.check_box_criterion(c_boxes)
xs = np.linspace(-1.0, 4.0, 50001)
box_data, box_g = np.where((xs >= 0) & (xs <= 2), 0.5, 0.0), np.where((xs >= 1) & (xs <= 3), 0.5, 0.0)
jsd_boxes = js_divergence(box_data / box_data.sum(), box_g / box_g.sum())
print(f"on a grid: JSD = {jsd_boxes:.4f} nats, C(G) = -log 4 + 2 JSD = {-math.log(4) + 2 * jsd_boxes:.4f}")


# %% jupyter={"source_hidden": true} tags=["solution"]
# 4. For theta != 0 the two Diracs share no point: disjoint supports, so JSD = log 2 whatever theta is, and 0 only
# at theta = 0. All the mass must travel |theta|, so the earth-mover distance is |theta|. The JSD is flat in
# theta: its gradient is 0, and a generator moving theta learns nothing from it until it lands exactly on 0.
# The earth-mover distance has slope +-1 everywhere, always pointing theta towards 0: the idea behind the
# Wasserstein GAN (notebook 04).
def dirac_distances(theta):
    """(JSD, earth-mover distance) between a Dirac at 0 and a Dirac at theta."""
    if theta == 0:
        return 0.0, 0.0
    return js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])), abs(theta)


assert gu.checks.check_dirac_distances(dirac_distances)
for theta in (-2.0, -0.1, 0.0, 0.1, 2.0):
    print(f"theta = {theta:5.1f}: JSD = {dirac_distances(theta)[0]:.4f}, earth-mover = {dirac_distances(theta)[1]:.1f}")

# %% jupyter={"source_hidden": true} tags=["solution"]
# 5. "swings". With lr G ten times larger, each G update moves p_g about ten times further while D's five
# updates stay as they were: D tracks the D* of a p_g that has already moved on, as in section 5's k = 1 run
# (per G update, k * lr_D / lr_G drops from 15 to 1.5). The run above shows the JSD estimate jumping back up
# during the second half. (A short fast-mode run may print a different verdict.)
prediction_fast_g = "swings"
gu.checks.check_predict_fast_generator(prediction_fast_g, jsd_history);

# %% jupyter={"source_hidden": true} tags=["solution"]
# Section 4's prediction: "non-saturating", about 100 times larger. Where D(G(z)) = 0.01 its slope on the logit
# is about 0.99, the minimax loss's about 0.01 (at the plot's grid point 0.011 the ratio is about 90).
prediction = "non-saturating"
assert gu.checks.check_predict_gradient(prediction)

# %% [markdown]
# ## References
#
# - Arjovsky, M. and Bottou, L. (2017). Towards Principled Methods for Training Generative Adversarial Networks. arXiv:1701.04862.
# - Arjovsky, M., Chintala, S. and Bottou, L. (2017). Wasserstein GAN. arXiv:1701.07875.
# - Goodfellow, I. (2016). NIPS 2016 Tutorial: Generative Adversarial Networks. arXiv:1701.00160.
# - Goodfellow, I. et al. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Kahng, M. et al. (2018). GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual Experimentation. arXiv:1809.01587.
# - Lin, Z., Khetan, A., Fanti, G. and Oh, S. (2018). PacGAN: The power of two samples in generative adversarial networks. arXiv:1712.04086.
# - Mao, X. et al. (2017). Least Squares Generative Adversarial Networks. arXiv:1611.04076.
# - Metz, L. et al. (2017). Unrolled Generative Adversarial Networks. arXiv:1611.02163.
# - Srivastava, A. et al. (2017). VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning. arXiv:1705.07761.
