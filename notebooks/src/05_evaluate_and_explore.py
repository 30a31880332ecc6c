# %%
# extra code – on Colab, Kaggle or a JupyterHub without the course, install gan_utils first (nothing happens in a checkout)
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("gan_utils") is None:
    GAN_UTILS_SOURCE = os.environ.get("GAN_UTILS_SOURCE", "git+https://github.com/gan-classroom/gan-classroom")
    print("installing gan_utils from", GAN_UTILS_SOURCE)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", GAN_UTILS_SOURCE], check=True)
    importlib.invalidate_caches()

# %% [markdown]
# # 05 · Evaluate honestly, then explore the latent space
#
# Two questions about a trained generator. **Is it good?** We measure it four ways, including the
# 2014 paper's own metric, and check that it is not simply copying its training digits.
# **What has it learned?** We walk its latent space with sliders and ask a conditional generator
# for any digit we like.
#
# Everything starts from generators shipped with the course, so nothing long is trained here.
# Measured running time: 76 s on 2 CPU cores.
#
# The course's terms (logit, nats, mode collapse, ...) are defined in one place, the
# [glossary](../docs/glossary.md).

# %%
import time

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

gu.set_seed(0)
start_time = time.perf_counter()

data = gu.load_mnist(verbose=False)
print(f"MNIST: {len(data.x_train):,} training and {len(data.x_test):,} test digits (source: {data.source})")
generator = gu.load_pretrained("dcgan")  # unconditional: z -> image
cgenerator = gu.load_pretrained("cdcgan")  # conditional: [z, digit] -> image
manifest = gu.pretrained.pretrained_manifest()
for name in ("dcgan", "cdcgan"):
    entry = manifest.get(name, {})
    print(f"{name:7s} {entry.get('steps', '?')} steps, {entry.get('train_seconds', '?')} s of training on "
          f"{entry.get('data', 'unknown data')}")
if data.source == "embedded" and "embedded" not in manifest.get("dcgan", {}).get("data", "embedded"):
    # extra code – honest bookkeeping: the embedded "test" digits are official training digits
    print("Note: the embedded 500 'test' digits come from MNIST's official training set, which these "
          "generators trained on, so 'held-out' figures below are optimistic. For the official 10,000 test "
          "digits, put Keras' mnist.npz in data/ (notebook 00).")

# %% [markdown]
# Here is what the unconditional generator draws for 32 random $z \sim \mathcal{N}(0, I)$. They look
# like digits. But "looks like digits" is a judgement, and judgements drift. The rest of the
# notebook turns it into numbers.

# %%
gu.show_images(gu.pretrained.generate(generator, 32, seed=1), nrow=16, title="pretrained DCGAN, 32 samples")
plt.show()

# %% [markdown]
# ## 1. Looking is not measuring, and the loss is not a score
#
# In a classifier the loss tells you how good the model is. In a GAN it does not: $G$'s loss is
# measured against a discriminator that keeps improving too, so it stays roughly level while both
# get better. To see this, we train a fresh DCGAN for a few hundred steps with the course's recipe
# and, every 100 steps, note the losses and a quality score (the MNIST score, explained below).

# %%
x_train = gu.to_float(data.x_train)
settings = gu.recipes.recipe("dcgan")
sizes = settings.pop("sizes")
early_steps, every = gu.fast(400, 4), gu.fast(100, 2)
early = gu.GANTrainer("dcgan", x_train, **settings, **sizes)
progress = []


def record(trainer):
    """Callback: the mean losses since the last call, and the MNIST score of fresh samples."""
    h = trainer.history
    progress.append({"step": trainer.step_count,
                     "D loss": np.mean(h["d_loss"][-every:]), "G loss": np.mean(h["g_loss"][-every:]),
                     "MNIST score": gu.metrics.mnist_score(trainer.sample(gu.fast(1000, 50)))})


early.fit(steps=early_steps, callbacks=[record], callback_every=every, progress=False)
display(pd.DataFrame(progress).round(3).set_index("step"))

# %% [markdown]
# The losses hover (the hinge loss's equilibrium for $D$ is 2, see notebook 03) while the score keeps
# moving. The loss tells you the game is balanced, not who is winning against the data. So we need
# measurements made **outside** the game, on the images alone. We keep this early generator as our
# "early checkpoint" to compare with.

# %% [markdown]
# ## 2. Three scores from a reference classifier
#
# `gu.metrics` uses a small CNN trained on all 60,000 MNIST training digits (99.4% accurate on the
# official test digits). It gives each image class probabilities $p(y\mid x)$ and a 128-number
# feature vector. Three scores follow, each for a batch of images.

# %% [markdown]
# **MNIST score** (the Inception Score of Salimans et al. 2016, with our classifier):
#
# $$\text{score} = \exp\Big(\mathbb{E}_x\big[\mathrm{KL}\big(p(y\mid x)\,\|\,p(y)\big)\big]\Big), \qquad p(y) = \mathbb{E}_x[p(y\mid x)].$$
#
# It is high when each image is confidently one digit (sharp $p(y\mid x)$) **and** all digits appear
# (flat $p(y)$): 10 at best, 1 at worst. The cell checks the two ends with made-up probabilities.

# %%
# NBVAL_CHECK_OUTPUT
ten_clear_digits = np.eye(10)  # one confident image per digit
one_digit_only = np.tile(np.eye(10)[3], (10, 1))  # ten confident 3s
undecided = np.full((10, 10), 0.1)  # every image 10% of each digit
for name, probs in [("ten clear digits", ten_clear_digits), ("one digit only", one_digit_only),
                    ("undecided images", undecided)]:
    print(f"{name:17s} MNIST score {gu.metrics.score_from_probs(probs):.2f}")

# %% [markdown]
# **Fréchet distance** (FID, Heusel et al. 2017, with our classifier's features): fit a Gaussian
# $\mathcal{N}(\mu_r, \Sigma_r)$ to the features of real digits and $\mathcal{N}(\mu_g, \Sigma_g)$ to
# those of generated ones, then
#
# $$d^2 = \|\mu_r - \mu_g\|^2 + \mathrm{Tr}\big(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2}\big).$$
#
# Lower is better; 0 means the two Gaussians match. Unlike the score, it compares with real data.

# %% [markdown]
# **Classes covered**: how many of the ten digits get at least 2% of the samples (the classifier's
# top guess). A collapsed generator (notebook 04) covers few.
#
# We compute all three for real held-out digits, the two pretrained generators, the early checkpoint
# and pure noise. The official test digits are split in two: one half is the reference for the
# Fréchet distance, the other half is the "real digits" row.

# %%
n_eval = gu.fast(5000, 200)
order = np.random.default_rng(0).permutation(len(data.x_test))
x_reference = data.x_test[order[: len(order) // 2]]
x_heldout = data.x_test[order[len(order) // 2:]]
rng = np.random.default_rng(1)
candidates = {
    "real digits (held-out test half)": x_heldout[:n_eval],
    "pretrained DCGAN": gu.pretrained.generate(generator, n_eval, seed=2),
    "pretrained conditional DCGAN": gu.pretrained.generate(cgenerator, n_eval, seed=2),
    f"early checkpoint ({early.step_count} steps)": early.sample(n_eval),
    "uniform noise": rng.uniform(-1, 1, (n_eval, 28, 28, 1)).astype(np.float32),
}
rows = []
for name, images in candidates.items():
    rows.append({"images": name, "n": len(images), "MNIST score ↑": gu.metrics.mnist_score(images),
                 "Fréchet distance ↓": gu.metrics.frechet_distance(images, x_reference),
                 "classes covered ↑": gu.metrics.classes_covered(images)})
scores = pd.DataFrame(rows).set_index("images")
display(scores.round(2))

# %% [markdown]
# Read the table against the first row: real digits do not score 10 (some handwriting is ambiguous)
# and their Fréchet distance is not 0 (two finite samples differ). A generator is good when it gets
# close to that row, not to the ideal numbers. Noise scores badly on all three, as it should, and the
# early checkpoint sits in between.

# %% [markdown]
# **Predict, then run.** The pretrained DCGAN's row above used 5,000 samples. Computed from only 100
# samples of the same generator, against the same reference digits, will its Fréchet distance come
# out `"higher"`, `"lower"` or `"about the same"` (within 10%)? Write your answer in `prediction`,
# then run the cell after it. (Reading a saved copy? Cover the output until you have answered.)

# %%
prediction = None  # "higher", "lower" or "about the same"

# %%
dcgan_images = candidates["pretrained DCGAN"]
fd_by_n = {n: gu.metrics.frechet_distance(dcgan_images[:n], x_reference) for n in (gu.fast(100, 50), len(dcgan_images))}
for n, fd in fd_by_n.items():
    print(f"Fréchet distance from {n:>5,} samples: {fd:.2f}")
gu.checks.check_predict_fid_samples(prediction, measured=fd_by_n);

# %% [markdown]
# ## 3. The 2014 paper's metric: a Parzen-window log-likelihood
#
# A GAN has no formula for $p_g(x)$, so Goodfellow et al. (2014) estimated one: put a Gaussian of
# width $h$ on each of $n$ generated samples $g_i$ and average them,
#
# $$\hat p(x) = \frac{1}{n}\sum_{i=1}^{n} \mathcal{N}(x;\, g_i, h^2 I), \qquad
# \log \hat p(x) = \operatorname{logsumexp}_i\Big(-\frac{\|x-g_i\|^2}{2h^2}\Big) - \log n - \frac{d}{2}\log(2\pi h^2).$$
#
# The score is the mean $\log \hat p(x)$ over test digits, in nats, with pixels in $[0, 1]$ and $D = 784$.

# %% [markdown]
# The window width matters enormously, so the paper chose it on a **validation split**: try ten
# widths from 0.1 to 1 and keep the one that gives validation digits the highest likelihood. Then it
# scored the test digits once. `gu.parzen` does the same, in chunks, with the log-sum-exp trick so
# that $e^{-\|x-g\|^2/2h^2}$ never underflows. First a case small enough to do by hand:

# %%
# NBVAL_CHECK_OUTPUT
# two samples at 0 and 2, h = 1, x = 1: both Gaussians give N(1; 0, 1), so log p(1) = -1/2 - log(2 pi)/2
print(f"gu.parzen: {gu.parzen.log_density(np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0)[0]:.6f}")
print(f"by hand:   {-0.5 - 0.5 * np.log(2 * np.pi):.6f}")
print("widths tried:", np.round(gu.parzen.SIGMAS, 3).tolist())

# %% [markdown]
# Now the real thing. As in the paper's code: 10,000 samples per model, 1,000 validation digits.
# The validation digits are taken from the official test set (our generators trained on every
# training digit), so the test score uses the remaining test digits. We also fit the window on
# 10,000 **real training digits**: what a perfect generator would get.

# %%
n_parzen = gu.fast(10_000, 300)
n_validation = min(gu.fast(1000, 50), len(data.x_test) // 5)  # fewer if only the embedded 500 test digits
x_validation, x_test = data.x_test[order[:n_validation]], data.x_test[order[n_validation:]]
parzen_sets = {
    "real training digits": data.x_train[rng.choice(len(data.x_train), min(n_parzen, len(data.x_train)), replace=False)],
    "pretrained DCGAN": gu.pretrained.generate(generator, n_parzen, seed=3),
    "pretrained conditional DCGAN": gu.pretrained.generate(cgenerator, n_parzen, seed=3),
    f"early checkpoint ({early.step_count} steps)": early.sample(n_parzen),
    "uniform noise": rng.uniform(-1, 1, (n_parzen, 28, 28, 1)).astype(np.float32),
}
parzen = {name: gu.parzen.parzen_log_likelihood(images, x_test, x_validation)
          for name, images in parzen_sets.items()}
for name, result in parzen.items():
    edge = "  (h at the edge of the grid)" if result.at_grid_edge else ""
    print(f"{name:36s} {result}{edge}")

# %% [markdown]
# Beside the paper's Table 1 (MNIST column; the other models are a deep belief net, a stacked
# contractive autoencoder and a deep generative stochastic network):

# %%
table = [{"model": name, "log-likelihood (nats)": mean, "± s.e.": se, "source": "Goodfellow et al. 2014, Table 1"}
         for name, (mean, se) in gu.parzen.PAPER_TABLE_1.items()]
table += [{"model": name, "log-likelihood (nats)": r.mean, "± s.e.": r.sem,
           "source": f"this notebook, h = {r.sigma:.3f}, {r.n_test:,} test digits"} for name, r in parzen.items()]
display(pd.DataFrame(table).set_index("model").round(1))

# %% [markdown]
# ### How far to trust that table
#
# - **Not the same test.** The paper took its validation digits from the training set and scored all
#   10,000 test digits; we score the test digits left after taking validation digits out. Pixels are
#   in $[0, 1]$ in both: on the GAN's $[-1, 1]$ scale every figure would drop by $784 \log 2 \approx 543$
#   nats, so a log-likelihood is meaningless without its scale. Compare across halves only roughly.

# %% [markdown]
# - **The estimate is known to be unreliable.** Theis, van den Oord and Bethge (2016) showed that even
#   for 6×6 image patches a Parzen window fitted to millions of samples stays far from the true
#   log-likelihood (784 dimensions are worse), and that it rewards the wrong things: in their Table 1
#   on MNIST, k-means centroids score 313 nats, more than samples of the true distribution (243).
# - **Read our rows with that in mind.** At full size, real digits score about 242, close to Theis et
#   al.'s 243: our set-up is comparable. Yet our DCGAN, with a good MNIST score, lands near 130,
#   below the 2014 GAN and the DBN, and the order of models need not match section 2's. Trust the
#   classifier scores more; use the Parzen number to read the 2014 paper with the right salt.

# %% [markdown]
# ## 4. Does it copy its training data?
#
# A generator that stores and replays training digits could score perfectly on everything above and
# would leak its training set, a real privacy risk when the images are faces or medical scans. The
# paper's Figure 2 answers by showing each sample next to its **nearest training image**. Here are 8
# samples (top) and their nearest neighbours among all training digits (bottom).

# %%
samples = gu.pretrained.generate(generator, gu.fast(2000, 100), seed=4)
index, distance = gu.metrics.nearest_neighbours(samples, data.x_train)
pairs = np.concatenate([samples[:8], gu.to_float(data.x_train[index[:8, 0]])])
gu.show_images(pairs, nrow=8, title="samples (top) and their nearest training digits (bottom)")
plt.show()
print("pixel distances (pixels in [0, 1]):", np.round(distance[:8, 0], 2).tolist())

# %% [markdown]
# Similar, not identical. To turn that into a number, compare with **real digits the generator never
# saw**: how close does a held-out test digit get to its nearest training digit? Take the distance
# that only 1% of held-out digits beat, $\tau$. The **memorisation rate** is the share of samples
# closer than $\tau$ to some training digit:
#
# $$\text{rate} = \frac{1}{n}\sum_{i=1}^{n} \mathbf{1}\big[\min_j \|g_i - x_j\| < \tau\big].$$
#
# A generator that draws new digits from $p_{data}$ scores about 1%; a perfect copier scores 100%.

# %%
x_holdout_nn = data.x_test[order[: gu.fast(2000, 200)]]
tau = gu.metrics.memorisation_threshold(data.x_train, x_holdout_nn)
rate = gu.metrics.memorisation_rate(samples, data.x_train, x_holdout_nn)
print(f"tau = {tau:.2f}; median sample-to-training distance {np.median(distance[:, 0]):.2f}")
print(f"pretrained DCGAN memorisation rate: {rate:.1%} of {len(samples):,} samples (about 1% expected)")

# %% [markdown]
# ### A generator that does copy
#
# To see the check catch something, we make a copier on purpose: the same DCGAN recipe trained on
# only **32 training digits**. With so little data, the best way to fool $D$ is to reproduce those 32
# digits. Every 500 steps we run the check against its own 32 training digits (and the same held-out
# test digits as above): watch the memorisation rate climb.

# %%
few = np.random.default_rng(5).choice(len(data.x_train), 32, replace=False)
x_few = data.x_train[few]
copier = gu.GANTrainer("dcgan", gu.to_float(x_few), **{**settings, "batch_size": 32}, **sizes)
copy_log = []


def check_copying(trainer):
    """Callback: median distance to the nearest of the 32 digits, and the memorisation rate."""
    fresh = trainer.sample(gu.fast(1000, 100))
    nearest = gu.metrics.nearest_neighbours(fresh, x_few)[1][:, 0]
    copy_log.append({"step": trainer.step_count, "median distance": np.median(nearest),
                     "memorisation rate": gu.metrics.memorisation_rate(fresh, x_few, x_holdout_nn)})


copier.fit(steps=gu.fast(1500, 4), callbacks=[check_copying], callback_every=gu.fast(500, 2), progress=False)
display(pd.DataFrame(copy_log).set_index("step").round(3))
copies = copier.sample(gu.fast(1000, 100))
c_index, c_distance = gu.metrics.nearest_neighbours(copies, x_few)
pairs = np.concatenate([copies[:8], gu.to_float(x_few[c_index[:8, 0]])])
gu.show_images(pairs, nrow=8, title=f"copier after {copier.step_count} steps (top), nearest of its 32 digits (bottom)")
plt.show()

# %% [markdown]
# The copies are noisy versions of a few of the 32 digits, and they get closer
# as training goes on. Side by side with the generator trained on all 60,000 digits:

# %%
copy_rate = gu.metrics.memorisation_rate(copies, x_few, x_holdout_nn)
print(f"copier:           tau = {gu.metrics.memorisation_threshold(x_few, x_holdout_nn):.2f}, median distance "
      f"{np.median(c_distance[:, 0]):.2f}, memorisation rate {copy_rate:.1%}")
print(f"pretrained DCGAN: tau = {tau:.2f}, median distance {np.median(distance[:, 0]):.2f}, "
      f"memorisation rate {rate:.1%}")

# %% [markdown]
# The check flags the copier and clears the full-data generator, whose samples stay as far from
# their nearest training digit as new real digits do. It has limits (Theis et al. 2016 again): pixel
# distance misses a copy shifted by a pixel, and noisy copies fall outside $\tau$, so a low rate is
# evidence, not proof. For sensitive data, privacy needs guarantees built into training (for example
# differential privacy), not a check afterwards.

# %% [markdown]
# ## 5. Walking the latent space
#
# $G$ maps every $z \in \mathbb{R}^{100}$ to an image. Walking a straight line from $z_0$ to $z_1$
# and watching the image change smoothly shows that $G$ learned a continuous space of digits rather
# than a lookup table. But a straight line is a poor walk here: in 100 dimensions nearly all of
# $\mathcal{N}(0, I)$ lies near the sphere $\|z\| \approx 10$, and the midpoint is much shorter.

# %% [markdown]
# **Spherical interpolation** (slerp; Shoemake 1985, suggested for GANs by White 2016) follows the
# great circle instead. With $\Omega$ the angle between $z_0$ and $z_1$,
#
# $$\mathrm{slerp}(z_0, z_1; t) = \frac{\sin((1-t)\Omega)}{\sin\Omega}\, z_0 + \frac{\sin(t\Omega)}{\sin\Omega}\, z_1.$$
#
# The lengths along both paths, for one pair of random vectors:

# %%
# NBVAL_CHECK_OUTPUT
z0, z1 = gu.latent.sample_z(2, 100, seed=0)
for method in gu.latent.METHODS:
    path = gu.latent.interpolate(z0, z1, steps=5, method=method)
    print(f"{method:9s} |z| at t = 0, 1/4, 1/2, 3/4, 1: {np.round(np.linalg.norm(path, axis=1), 1).tolist()}")

# %% [markdown]
# The picture: the same walk, both ways, in nine frames. Each frame is a plausible digit, and the
# change is gradual: the generator has learned a smooth space, not 60,000 separate points.

# %%
walk = gu.latent.InterpolationSlider(generator, z0, z1)
frames = np.concatenate([walk.frames(9, "spherical"), walk.frames(9, "linear")])
gu.show_images(frames, nrow=9, title="from z0 to z1: spherical (top), linear (bottom)")
plt.show()

# %% [markdown]
# The two walks look alike for this pair. Does the shorter linear midpoint matter at all? Over many
# random pairs, compare the midpoints with ordinary samples: Fréchet distance to the real test digits
# (section 2) and the share of ink.

# %%
n_pairs = gu.fast(1000, 50)
z_a, z_b = gu.latent.sample_z(n_pairs, 100, seed=12), gu.latent.sample_z(n_pairs, 100, seed=13)
walks = {"ordinary samples (t = 0)": z_a,
         "linear midpoints": np.array([gu.latent.lerp(a, b, 0.5) for a, b in zip(z_a, z_b)]),
         "spherical midpoints": np.array([gu.latent.slerp(a, b, 0.5) for a, b in zip(z_a, z_b)])}
for name, z in walks.items():
    images = gu.latent.render(generator, z)
    print(f"{name:25s} mean |z| {np.linalg.norm(z, axis=1).mean():5.2f}   Fréchet distance "
          f"{gu.metrics.frechet_distance(images, x_reference):6.2f}   ink {((images + 1) / 2).mean():.3f}")

# %% [markdown]
# At full size the linear midpoints are a little less like real digits (a higher Fréchet distance)
# and inkier, while spherical midpoints match ordinary samples. A small effect for this generator,
# but it is why spherical interpolation is the usual default.

# %% [markdown]
# The same walk with a slider. Drag $t$, switch the path, or draw new endpoints; the status line
# shows $\|z_t\|$. (On a static page you see a picture of the widget instead.)

# %%
walk.t = 0.5
display(walk)

# %% [markdown]
# ### Directions that mean something
#
# Which way should a slider push $z$? Not along the axes of $z$: $\mathcal{N}(0, I)$ looks the same
# in every direction, so its own principal directions are arbitrary. The generator's **outputs** do
# have main directions of variation. `gu.latent.find_directions` takes the principal components of
# 2,000 images $G(z)$, fits each component's score as a linear function of $z$ by least squares, and
# uses the fitted slope (a vector in $z$-space) as a direction: the idea of GANSpace (Härkönen et al. 2020).

# %%
directions = gu.latent.find_directions(generator, n_directions=4, n_samples=gu.fast(2000, 200), seed=0)
effect = gu.latent.direction_effect(generator, directions, amount=3.0, n=gu.fast(200, 20))
random_dirs = np.random.default_rng(8).standard_normal((4, 100))
random_effect = gu.latent.direction_effect(generator, random_dirs, amount=3.0, n=gu.fast(200, 20))
print("share of output variance per component:", np.round(directions.explained, 3).tolist())
print("mean pixel change (grey levels) moving z by ±3 along each direction:", np.round(effect, 1).tolist())
print("... along random directions, for comparison:                       ", np.round(random_effect, 1).tolist())

# %% [markdown]
# The found directions change the image more than random ones of the same length. What they do:
# each row moves one $z$ along one direction from $-4$ to $+4$ (the middle column is unchanged).

# %%
explorer = gu.LatentExplorer(generator, directions, n_images=6, seed=0)
gu.show_images(explorer.strip(image_index=0), nrow=7, title="rows: directions 1-4, columns: -4 ... +4")
plt.show()

# %% [markdown]
# The explorer: one slider per direction, acting on six digits at once, so you can see whether a
# direction means the same thing for every digit. **New digits** draws new $z$; **Reset sliders**
# returns to zero. The benchmark moves a slider 20 times from code, as the tests do.

# %%
display(explorer)
print(f"median redraw {explorer.benchmark(20):.0f} ms per slider change "
      f"(interpolation slider: {walk.benchmark(20):.0f} ms)")

# %% [markdown]
# ### Digit arithmetic
#
# Radford et al. (2015) averaged the $z$ of a few images sharing a feature and did arithmetic with
# the averages ("smiling woman - neutral woman + neutral man"). Our feature: **stroke thickness**,
# measured as the share of ink. For each digit, take the mean $z$ of its inkiest quarter minus the
# mean $z$ of its faintest quarter ("thick 7s - thin 7s"), and average over digits. Adding that
# vector to a thin digit: does it thicken it without changing which digit it is?

# %%
z_pool = gu.latent.sample_z(gu.fast(2000, 200), 100, seed=9)
pool = gu.latent.render(generator, z_pool)
ink = (pool + 1).mean(axis=(1, 2, 3)) / 2  # share of the image that is ink
probs = gu.metrics.classify(pool)
digit, sure = probs.argmax(1), probs.max(1) > 0.95  # only samples the classifier is sure about
groups = [np.flatnonzero(sure & (digit == d)) for d in range(10)]
groups = [g for g in groups if len(g) >= 8]
thicker = np.mean([gu.latent.attribute_direction(z_pool[g], ink[g], quantile=0.25) for g in groups], axis=0)
thin = np.array([g[np.argsort(ink[g])[len(g) // 10]] for g in groups])  # a thin but typical sample of each digit
after = gu.latent.render(generator, z_pool[thin] + thicker)
gu.show_images(np.concatenate([pool[thin], after]), nrow=len(thin), title="thin digits (top) + (thick - thin) (bottom)")
plt.show()
same = gu.metrics.classify(after).argmax(1) == digit[thin]
ink_after = (after + 1).mean(axis=(1, 2, 3)) / 2
print(f"ink {ink[thin].mean():.3f} -> {ink_after.mean():.3f}; same digit (reference classifier) for "
      f"{same.sum()} of {len(same)}")

# %% [markdown]
# At full size 9 of the 10 digits keep their class and the ink rises by about 40%: the arithmetic
# works, on average, for a feature as simple as thickness. Its limit shows too: some digits pick up
# stray strokes, since one averaged vector cannot fit every digit's shape.

# %% [markdown]
# ## 6. Asking for a digit: the conditional generator
#
# The conditional DCGAN takes a label too: $G(z, y)$, with $y$ embedded and joined to $z$, and a
# discriminator that also sees $y$ (Mirza and Osindero 2014; projection discriminator, Miyato and
# Koyama 2018). Keep $z$ and change $y$: the **style** stays, the **digit** changes. Each row below
# is one $z$, each column one digit.

# %%
z_style = gu.latent.sample_z(4, 100, seed=10)
grid = gu.latent.render(cgenerator, np.repeat(z_style, 10, axis=0), labels=np.tile(np.arange(10), 4))
gu.show_images(grid, nrow=10, title="rows: one z each; columns: digits 0-9")
plt.show()

# %% [markdown]
# The same with sliders: pick a digit, move the sliders (directions found for this generator over all
# ten digits), and switch digits to see the style held.

# %%
cexplorer = gu.LatentExplorer(cgenerator, n_directions=3, n_images=6, seed=0, label=7,
                              n_samples=gu.fast(1000, 100))
display(cexplorer)

# %% [markdown]
# Does it draw the digit we ask for? For each digit, draw samples and let the reference classifier
# name them. The target is at least 95% for every digit.

# %%
per_class = gu.latent.conditional_accuracy(cgenerator, n_per_class=gu.fast(500, 20), seed=11)
display(pd.DataFrame({"asked for": range(10), "classified as asked": per_class}).set_index("asked for").T.round(3))
print(f"lowest {per_class.min():.1%} (digit {per_class.argmin()}), mean {per_class.mean():.1%}; "
      f"target >= 95% for every digit: {'met' if per_class.min() >= 0.95 else 'NOT met'}")

# %% [markdown]
# ## 7. GANs and VAEs
#
# The variational autoencoder (VAE, Kingma and Welling 2014) is the other classic deep generative
# model. It trains an **encoder** $q(z\mid x)$ with a **decoder** $p(x\mid z)$ by maximising a lower
# bound on $\log p(x)$ (reconstruction minus a KL term), so, unlike a GAN, it has a likelihood and a
# way back from $x$ to $z$. The main differences:

# %% [markdown]
# | | GAN | VAE |
# |---|---|---|
# | trained by | a game against a discriminator | maximising the evidence lower bound |
# | likelihood $p(x)$ | none (hence Parzen windows, FID) | a lower bound, directly |
# | from $x$ to $z$ | no encoder (search for $z$ by optimisation) | the encoder gives $z$ |
# | samples | sharp | often blurry (pixel-wise likelihood averages) |
# | typical failure | mode collapse, unstable training (notebook 04) | blur, unused latents |
# | training | delicate balance of two networks | one stable loss |

# %% [markdown]
# ## 8. What GANs did next
#
# This course stopped at 28×28 digits on a laptop CPU. Between 2015 and 2021 the same game, scaled
# up, learned to draw photographs, and then lost its lead to a different family of models. The next
# cells sketch that story in five steps, with no code; each names its paper (see the References).

# %% [markdown]
# **DCGAN (2015).** Radford, Metz and Chintala made the 2014 GAN convolutional and, above all,
# trainable: strided convolutions instead of pooling, batch normalisation, ReLU in $G$ and
# LeakyReLU in $D$, Adam with $\beta_1 = 0.5$. The course's DCGAN follows their rules (notebook 04),
# and section 5's digit arithmetic is their latent-vector arithmetic, done on faces.

# %% [markdown]
# **Progressive growing and StyleGAN (2018, 2019).** Karras et al. (2018) grew both networks during
# training, from 4×4 images up to 1024×1024, and reached megapixel faces; notebook 04's minibatch
# standard-deviation channel comes from that paper. StyleGAN (Karras, Laine and Aila 2019) sends $z$
# through a mapping network and injects the result at every resolution, so coarse features such as
# pose and fine ones such as colour can be steered separately.

# %% [markdown]
# **BigGAN (2019).** Brock, Donahue and Simonyan trained a class-conditional GAN on all of ImageNet
# at up to 512×512, with batches of 2,048 images, spectral normalisation in both networks and a
# projection discriminator like our conditional DCGAN's. Their *truncation trick* draws $z$ from a
# truncated normal: less variety, more fidelity. Scale, more than a new objective, made the leap.

# %% [markdown]
# **Image-to-image translation (2017).** pix2pix (Isola et al.) makes the condition a whole image,
# such as a sketch or a map: $G$ turns it into a photo, and $D$ judges (input, output) pairs patch
# by patch, helped by an L1 loss to the true target. CycleGAN (Zhu et al.) needs no matching pairs:
# two generators translate between two collections (horses and zebras), and a cycle-consistency loss
# asks that translating there and back returns the original.

# %% [markdown]
# **Diffusion models take over (2020-2021).** DDPM (Ho, Jain and Abbeel 2020) adds Gaussian noise to
# an image in many small steps and trains one network to undo a step by predicting the noise, with
# a plain squared-error loss: no game, no collapse. Dhariwal and Nichol (2021), "Diffusion Models
# Beat GANs on Image Synthesis", improved the network, steered sampling with a classifier, and beat
# BigGAN's FID on ImageNet. Diffusion has led image synthesis since.

# %% [markdown]
# **What is left for GANs.** A diffusion model evaluates its network tens to hundreds of times per
# sample; a GAN draws one in a single pass. And the adversarial loss lives on inside other models:
# the autoencoder of latent diffusion (Rombach et al. 2022), the basis of many text-to-image
# systems, is trained with a patch discriminator much like pix2pix's.

# %% [markdown]
# ## Summary
#
# - A GAN's loss measures the game, not the images: measure outside it, on samples.
# - MNIST score, Fréchet distance and classes covered use a reference classifier; read them against
#   real held-out digits, not ideal values.
# - The 2014 paper's Parzen-window log-likelihood depends on a width chosen on validation data and is
#   unreliable in 784 dimensions (Theis et al. 2016): quote it with caveats.
# - Nearest neighbours and the memorisation rate catch a copier; a low rate is evidence, not proof.
# - Spherical interpolation keeps $\|z\|$ typical; directions from PCA of $G(z)$ give sliders that
#   change the image; a conditional generator draws the digit you ask for, in a style held by $z$.
# - GANs went on to photographs (DCGAN, StyleGAN, BigGAN) and image translation (pix2pix,
#   CycleGAN); since 2021 diffusion models lead image synthesis, with adversarial losses inside.
#
# ## Exercises
#
# Each check says which input failed, what it expected and got, and which known mistake it
# recognised; `gu.checks.hint("frechet_gaussian")` (the name is in each verdict) gives more help.
#
# 1. Write `frechet_gaussian(mu1, cov1, mu2, cov2)`, the Fréchet distance between two Gaussians with
#    means `mu` and covariance matrices `cov` (section 2's formula). `scipy.linalg.sqrtm` gives a
#    matrix square root.
# 2. Write `nearest_distance(samples, train)`: for rows `samples` $(N, D)$ and `train` $(M, D)$, the
#    Euclidean distance from each sample to its nearest training row, shape $(N,)$.
# 3. Write `parzen_log_density(x, centres, h)`: $\log \hat p(x)$ of section 3 for each row of `x`.
#    One check case has a tiny width $h$.
# 4. **Predict, then run** is in section 2: how the Fréchet distance changes with the sample count.

# %%
import scipy.linalg
from scipy.special import logsumexp


def frechet_gaussian(mu1, cov1, mu2, cov2):
    """Return the Fréchet distance between N(mu1, cov1) and N(mu2, cov2)."""
    # Your code here: replace `None` with your answer.
    return None


def nearest_distance(samples, train):
    """Return each sample's Euclidean distance to its nearest training row, shape (N,)."""
    # Your code here
    return None


def parzen_log_density(x, centres, h):
    """Return the log-density of the Parzen window of width h on the centres, for each row of x."""
    # Your code here
    return None


gu.checks.check_frechet_gaussian(frechet_gaussian)
gu.checks.check_nearest_distance(nearest_distance)
gu.checks.check_parzen_log_density(parzen_log_density);

# %% [markdown]
# Running time of this notebook on your machine, up to here (the full run took 76 s on 2 CPU cores):

# %%
print(f"{time.perf_counter() - start_time:.0f} s")


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
def frechet_gaussian(mu1, cov1, mu2, cov2):
    """Return the Fréchet distance between N(mu1, cov1) and N(mu2, cov2)."""
    root = np.real(scipy.linalg.sqrtm(cov1 @ cov2))  # rounding can leave a tiny imaginary part
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root))


def nearest_distance(samples, train):
    """Return each sample's Euclidean distance to its nearest training row, shape (N,)."""
    differences = samples[:, None, :] - train[None, :, :]  # (N, M, D): every pair
    return np.sqrt((differences ** 2).sum(axis=-1)).min(axis=1)


def parzen_log_density(x, centres, h):
    """Return the log-density of the Parzen window of width h on the centres, for each row of x."""
    squared = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1)
    log_terms = -squared / (2 * h ** 2)
    return logsumexp(log_terms, axis=1) - np.log(len(centres)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)


assert gu.checks.check_frechet_gaussian(frechet_gaussian)
assert gu.checks.check_nearest_distance(nearest_distance)
assert gu.checks.check_parzen_log_density(parzen_log_density)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Section 2's prediction: "higher". The covariance estimated from 100 samples is noisy, and the
# noise adds to the trace term, so the Fréchet distance from few samples is biased upwards.
prediction = "higher"
assert gu.checks.check_predict_fid_samples(prediction, measured=fd_by_n)


# %% [markdown]
# ## References
#
# - Brock, A., Donahue, J. and Simonyan, K. (2019). Large Scale GAN Training for High Fidelity Natural
#   Image Synthesis. arXiv:1809.11096.
# - Dhariwal, P. and Nichol, A. (2021). Diffusion Models Beat GANs on Image Synthesis. arXiv:2105.05233.
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A.
#   and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Härkönen, E., Hertzmann, A., Lehtinen, J. and Paris, S. (2020). GANSpace: Discovering
#   Interpretable GAN Controls. arXiv:2004.02546.
# - Heusel, M., Ramsauer, H., Unterthiner, T., Nessler, B. and Hochreiter, S. (2017). GANs Trained by
#   a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium. arXiv:1706.08500.
# - Ho, J., Jain, A. and Abbeel, P. (2020). Denoising Diffusion Probabilistic Models. arXiv:2006.11239.
# - Isola, P., Zhu, J.-Y., Zhou, T. and Efros, A. A. (2017). Image-to-Image Translation with
#   Conditional Adversarial Networks. arXiv:1611.07004.
# - Karras, T., Aila, T., Laine, S. and Lehtinen, J. (2018). Progressive Growing of GANs for Improved
#   Quality, Stability, and Variation. arXiv:1710.10196.
# - Karras, T., Laine, S. and Aila, T. (2019). A Style-Based Generator Architecture for Generative
#   Adversarial Networks. arXiv:1812.04948.
# - Kingma, D. P. and Welling, M. (2014). Auto-Encoding Variational Bayes. arXiv:1312.6114.
# - Mirza, M. and Osindero, S. (2014). Conditional Generative Adversarial Nets. arXiv:1411.1784.
# - Miyato, T. and Koyama, M. (2018). cGANs with Projection Discriminator. arXiv:1802.05637.
# - Radford, A., Metz, L. and Chintala, S. (2015). Unsupervised Representation Learning with Deep
#   Convolutional Generative Adversarial Networks. arXiv:1511.06434.
# - Rombach, R., Blattmann, A., Lorenz, D., Esser, P. and Ommer, B. (2022). High-Resolution Image
#   Synthesis with Latent Diffusion Models. arXiv:2112.10752.
# - Salimans, T., Goodfellow, I., Zaremba, W., Cheung, V., Radford, A. and Chen, X. (2016). Improved
#   Techniques for Training GANs. arXiv:1606.03498.
# - Shoemake, K. (1985). Animating Rotation with Quaternion Curves. SIGGRAPH '85.
#   https://doi.org/10.1145/325165.325242
# - Theis, L., van den Oord, A. and Bethge, M. (2016). A Note on the Evaluation of Generative Models.
#   ICLR 2016, arXiv:1511.01844.
# - White, T. (2016). Sampling Generative Networks. arXiv:1609.04468.
# - Zhu, J.-Y., Park, T., Isola, P. and Efros, A. A. (2017). Unpaired Image-to-Image Translation using
#   Cycle-Consistent Adversarial Networks. arXiv:1703.10593.
