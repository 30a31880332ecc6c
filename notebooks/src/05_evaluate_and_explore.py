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
# # 05 · Evaluate honestly, then explore the latent space
#
# Two questions about a trained generator. **Is it good?** We measure it several ways, including the
# 2014 paper's own metric, and check that it is not simply copying its training digits.
# **What has it learned?** We walk its latent space with sliders and ask a conditional generator
# for any digit we like. At the end a variational autoencoder trains beside a GAN, for comparison.
#
# Everything runs on the digits every learner has offline, the embedded 5,000 (4,500 for training,
# 500 held out), and starts from generators shipped with the course; the training done here is short.
# Measured running time at full size: 2.5 min (148 s) on 2 CPU cores, where a course-recipe step
# took 39 ms (section 7 prints yours, and the cell before the solutions this run's time). With the
# classroom switch on, the copier and the GAN-against-VAE race train fewer steps, and the notebook
# takes about 1.5 minutes (94 s where a step took 41 ms).
#
# The course's terms (logit, nats, ELBO, mode collapse, ...) are defined in one place, the
# [glossary](../docs/glossary.md).

# %% [markdown]
# The next cell loads the digits and three shipped generators, and prints what each was trained on.
# That matters: a copying check only means something against the generator's **own** training digits,
# and a "held-out" digit only if that generator never saw it.

# %%
import json
import time

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

gu.set_seed(0)
start_time = time.perf_counter()

# the embedded digits on every machine, even with full MNIST at hand: they are dcgan_embedded's training set
data = gu.load_mnist("embedded", verbose=False)
print(f"MNIST: {len(data.x_train):,} training and {len(data.x_test):,} held-out digits (source: {data.source})")
generator = gu.load_pretrained("dcgan_embedded")  # unconditional, trained on data.x_train: sections 2-5
generator_60k = gu.load_pretrained("dcgan")  # unconditional, all 60,000 MNIST training digits: section 2
cgenerator = gu.load_pretrained("cdcgan")  # conditional, [z, digit] -> image, all 60,000 digits: section 6
manifest = gu.pretrained.pretrained_manifest()
for name in ("dcgan_embedded", "dcgan", "cdcgan"):
    entry = manifest.get(name, {})
    print(f"{name:14s} {entry.get('steps', '?')} steps on {entry.get('data', 'unknown data').split(' (')[0]}")

# %% [markdown]
# The embedded 5,000 are themselves official MNIST **training** digits, so `dcgan` and `cdcgan`, trained
# on all 60,000, have seen every one of them, the 500 "held-out" ones included. For those two nothing
# here is held out: we use them for pictures and scores, with that said, and never check them for
# copying against these digits. `dcgan_embedded` saw only the 4,500, so for it the 500 are new digits.

# %% [markdown]
# Here is what `dcgan_embedded` draws for 32 random $z \sim \mathcal{N}(0, I)$. Most look
# like digits; a few are malformed. But "looks like digits" is a judgement, and judgements drift. The rest of the
# notebook turns it into numbers.

# %%
gu.show_images(gu.pretrained.generate(generator, 32, seed=1), nrow=16,
               title="dcgan_embedded (trained on the 4,500 training digits), 32 samples")
plt.show()

# %% [markdown]
# ## 1. Looking is not measuring, and the loss is not a score
#
# In a classifier the loss tells you how good the model is. In a GAN it does not: $G$'s loss is
# measured against a discriminator that keeps changing too, so after the first steps it stays
# roughly level while the samples get better. To see this, we train a fresh DCGAN for a few hundred steps with the course's recipe on
# the 4,500 training digits and, every 100 steps, note the losses and a quality score (the MNIST
# score, explained below).

# %%
x_train = gu.to_float(data.x_train)
settings = gu.recipes.recipe("dcgan")
sizes = settings.pop("sizes")
early_steps, every = gu.fast(400, 4), gu.fast(100, 2)
early = gu.GANTrainer("dcgan", x_train, **settings, **sizes)
progress = []


def record(trainer):
    """Callback: the mean losses since the last call, and the MNIST score of fresh samples."""
    history = trainer.history
    progress.append({"step": trainer.step_count,
                     "D loss": np.mean(history["d_loss"][-every:]), "G loss": np.mean(history["g_loss"][-every:]),
                     "MNIST score": gu.metrics.mnist_score(trainer.sample(gu.fast(1000, 50)))})


early.fit(steps=early_steps, callbacks=[record], callback_every=every, progress=False)
display(pd.DataFrame(progress).round(3).set_index("step"))

# %% [markdown]
# After the first 200 steps the losses hover (the hinge loss's equilibrium for $D$ is 2, see
# notebook 03) while the score keeps moving. The loss tells you the game is balanced, not who is winning against the data. So we need
# measurements made **outside** the game, on the images alone. We keep this early generator as our
# "early checkpoint" to compare with.

# %% [markdown]
# ## 2. Scores from a reference classifier
#
# `gu.metrics` uses a small CNN trained on all 60,000 MNIST training digits (99.4% accurate on the
# official test digits; the embedded 5,000 are among its training digits too). It gives each image
# class probabilities $p(y\mid x)$ and a 128-number feature vector. The scores below are computed from
# those, each for a batch of images.

# %% [markdown]
# **MNIST score** (the Inception Score of Salimans et al. 2016, with our classifier; Inception is a
# large ImageNet classifier):
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
# **Fréchet distance** (FD; FID in Heusel et al. 2017, with our classifier's features instead of
# Inception's): fit a Gaussian $\mathcal{N}(\mu_r, \Sigma_r)$ to the features of real digits and
# $\mathcal{N}(\mu_g, \Sigma_g)$ to those of generated ones, then
#
# $$\mathrm{FD} = \|\mu_r - \mu_g\|^2 + \mathrm{Tr}\big(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2}\big).$$
#
# Lower is better; 0 means the two Gaussians match. Unlike the score, it compares with real data.

# %% [markdown]
# **KID** (kernel inception distance, Bińkowski et al. 2018) compares the same features without
# fitting Gaussians: the squared maximum mean discrepancy (MMD², the squared distance between the
# two sets' average feature maps under a kernel, estimated from pairs of samples) under the kernel
# $\kappa(f, f') = (f^\top f' / 128 + 1)^3$ on two feature vectors, averaged over random subsets (`gu.kid`). Its estimator is
# **unbiased**: for two samples of one distribution its expected value is 0, whatever their size
# (single estimates scatter around 0, a little below it too). Whether the FD's estimate shares this
# property is the next thing you predict.

# %% [markdown]
# **Classes covered**: how many of the ten digits get at least 2% of the samples (the classifier's
# top guess). A collapsed generator (notebook 04) covers few.
#
# We compute all four for real held-out digits, the shipped generators, the early checkpoint and pure
# noise. The 500 held-out digits are split in two: one half is the reference for FD and KID, the
# other half is the "real digits" row.

# %%
n_eval = gu.fast(5000, 200)
order = np.random.default_rng(0).permutation(len(data.x_test))
x_reference = data.x_test[order[: len(order) // 2]]
x_heldout = data.x_test[order[len(order) // 2:]]
reference_features = gu.metrics.features(x_reference)
rng = np.random.default_rng(1)
candidates = {
    "real digits (held-out half)": x_heldout[:n_eval],
    "dcgan_embedded (4,500 digits)": gu.pretrained.generate(generator, n_eval, seed=2),
    "dcgan (all 60,000 digits)": gu.pretrained.generate(generator_60k, n_eval, seed=2),
    "cdcgan (all 60,000 digits)": gu.pretrained.generate(cgenerator, n_eval, seed=2),
    f"early checkpoint ({early.step_count} steps)": early.sample(n_eval),
    "uniform noise": rng.uniform(-1, 1, (n_eval, 28, 28, 1)).astype(np.float32),
}
rows = []
for name, images in candidates.items():
    feats = gu.metrics.features(images)
    rows.append({"images": name, "n": len(images), "MNIST score ↑": gu.metrics.mnist_score(images),
                 "FD ↓": gu.metrics.frechet_from_features(feats, reference_features),
                 "KID ↓": gu.kid.kid_from_features(feats, reference_features)[0],
                 "classes covered ↑": gu.metrics.classes_covered(images)})
scores = pd.DataFrame(rows).set_index("images")
display(scores.round({"MNIST score ↑": 2, "FD ↓": 2, "KID ↓": 3}))
real_kid, real_spread = gu.kid.kid_from_features(gu.metrics.features(candidates["real digits (held-out half)"]),
                                                 reference_features, subset_size=100)
print(f"real digits against the reference half: KID {real_kid:.3f} ± {real_spread:.3f} over subsets of 100 (0 expected)")

# %% [markdown]
# Read the table against the first row, with one caution. Real digits do not score 10 (some
# handwriting is ambiguous, and 250 random digits are not exactly ten equal classes) and their FD is
# not 0 (two finite samples differ); their KID is 0 in expectation, and the line under the table
# gives its value and its spread over subsets of 100. The caution: that row has only 250 digits
# (half of the 500 held out) against 5,000 samples for each generator, and whether FD depends on
# the sample count is what you predict next, so for now read the real row's FD as no floor; the generators trained on all
# 60,000 digits even beat it. Compare generators with each other at the same sample count, and
# with real digits at the same count. Noise should score worst on every column.
# The two 60,000-digit rows are measured against digits those generators trained on, so they are not
# held-out figures.

# %% [markdown]
# **Predict, then run.** The `dcgan_embedded` row above used 5,000 samples. Computed from only 100
# samples of the same generator, against the same reference digits, will its Fréchet distance come
# out `"higher"`, `"lower"` or `"about the same"` (within 10%)? Write your answer in `prediction`,
# then run the cell after it. (Reading a saved copy? Cover the output until you have answered.)

# %%
prediction = None  # "higher", "lower" or "about the same"

# %%
dcgan_images = candidates["dcgan_embedded (4,500 digits)"]
fd_by_n = {n: gu.metrics.frechet_distance(dcgan_images[:n], x_reference) for n in (gu.fast(100, 50), len(dcgan_images))}
for n, fd in fd_by_n.items():
    print(f"Fréchet distance from {n:>5,} samples: {fd:.2f}")
gu.checks.check_predict_fid_samples(prediction, measured=fd_by_n);

# %% [markdown]
# So an FD is only comparable with another FD computed from the same number of samples (and the
# same reference digits). One small sample cannot show a bias, so the next cell splits the 5,000
# samples into disjoint draws of 100 and averages each metric over the draws: a biased estimate's
# average lands away from its 5,000-sample value, an unbiased one's lands on it, within its
# standard error (s.e., the spread of the draws divided by the square root of their number).

# %%
n_few = min(fd_by_n)
all_features = gu.metrics.features(dcgan_images)
draws = [slice(i * n_few, (i + 1) * n_few) for i in range(min(20, len(dcgan_images) // n_few))]
few = {"FD": [gu.metrics.frechet_from_features(all_features[d], reference_features) for d in draws],
       "KID": [gu.kid.kid_from_features(all_features[d], reference_features)[0] for d in draws]}
many = {"FD": gu.metrics.frechet_from_features(all_features, reference_features),
        "KID": gu.kid.kid_from_features(all_features, reference_features)[0]}
for name, values in few.items():
    mean, se = np.mean(values), np.std(values, ddof=1) / np.sqrt(len(values))
    print(f"{name}: mean over {len(draws)} draws of {n_few} samples {mean:.4f} ± {se:.4f} (s.e.); "
          f"from all {len(dcgan_images):,} samples {many[name]:.4f}; gap {(mean - many[name]) / se:+.1f} s.e.")

# %% [markdown]
# FD's average over the draws of 100 (21.9) sits about 10 standard errors above its value from all
# 5,000 samples (10.1): small samples inflate FD, so an FD from fewer samples looks worse. KID's
# average (0.337) lies within half a standard error of its 5,000-sample value (0.317): a small
# sample makes one KID noisy (it varies from draw to draw), not biased. That is why KID can compare
# generators scored on different numbers of samples, and FD cannot.

# %% [markdown]
# ## 3. The 2014 paper's metric: a Parzen-window log-likelihood
#
# A GAN has no formula for $p_g(x)$, so Goodfellow et al. (2014) estimated one: put a Gaussian of
# width $h$ on each of $n$ generated samples $g_i$ and average them,
#
# $$\hat p(x) = \frac{1}{n}\sum_{i=1}^{n} \mathcal{N}(x;\, g_i, h^2 I), \qquad
# \log \hat p(x) = \operatorname{logsumexp}_i\Big(-\frac{\|x-g_i\|^2}{2h^2}\Big) - \log n - \frac{d}{2}\log(2\pi h^2).$$
#
# The score is the mean $\log \hat p(x)$ over test digits, in nats, with pixels in $[0, 1]$ and $d = 784$.

# %% [markdown]
# The window width $h$ matters enormously, so the paper chose it on a **validation split**: try ten
# widths from 0.1 to 1 and keep the one that gives validation digits the highest likelihood. Then it
# scored the test digits once. `gu.parzen` does the same, in chunks, with the log-sum-exp trick so
# that $e^{-\|x-g\|^2/2h^2}$ never underflows. First a case small
# enough to do by hand:

# %%
# NBVAL_CHECK_OUTPUT
# two samples at 0 and 2, h = 1, x = 1: both Gaussians give N(1; 0, 1), so log p(1) = -1/2 - log(2 pi)/2
print(f"gu.parzen: {gu.parzen.log_density(np.array([[1.0]]), np.array([[0.0], [2.0]]), 1.0)[0]:.6f}")
print(f"by hand:   {-0.5 - 0.5 * np.log(2 * np.pi):.6f}")
print("widths h tried:", np.round(gu.parzen.WIDTHS, 3).tolist())

# %% [markdown]
# ### 3a. On the paper's protocol (computed once, on full MNIST)
#
# A figure comparable with the paper's Table 1 needs its protocol: 10,000 samples, $h$ chosen on 1,000
# training digits, the mean over all 10,000 **official test digits**, which the embedded data does not
# have. `benchmarks/parzen_paper.py` ran it on full MNIST for the shipped generators and wrote
# `data/results/parzen_paper.json`; the next cell prints that file, with the command that made it.

# %%
paper_file = gu.paths.shipped_path("results", "parzen_paper.json")
paper_run = json.loads(paper_file.read_text()) if paper_file.is_file() else None
if paper_run is None:
    print("data/results/parzen_paper.json is not there (benchmarks/parzen_paper.py writes it from full MNIST): "
          "the paper's-protocol figures are skipped; 3b below still runs.")
else:
    print(f"protocol: {paper_run['protocol']}\ndata: {paper_run['data']}\n"
          f"made by: {paper_run['command']} ({paper_run['date']}; {paper_run['machine']})")
    table = [{"model": name, "log-likelihood (nats)": mean, "± s.e.": se, "h": None,
              "source": "Goodfellow et al. 2014, Table 1"} for name, (mean, se) in gu.parzen.PAPER_TABLE_1.items()]
    table += [{"model": name, "log-likelihood (nats)": r["mean_nats"], "± s.e.": r["sem"], "h": r["h"],
               "source": "paper's protocol, data/results/parzen_paper.json"} for name, r in paper_run["results"].items()]
    display(pd.DataFrame(table).set_index("model").round({"log-likelihood (nats)": 1, "± s.e.": 1, "h": 3}))
    real = paper_run["results"].get("real training digits")
    if real is not None:
        print(f"Real training digits score {real['mean_nats']:.0f} nats on this protocol; Theis et al. (2016, "
              f"Table 1) report 243 for samples of the true distribution, and the paper's GAN scored "
              f"{paper_run['paper_gan']['mean_nats']:.0f}.")

# %% [markdown]
# Every shipped generator was trained on official training digits only (`dcgan_embedded` on 4,500 of
# them), so the protocol's 10,000 test digits are new to each one listed. One departure from the
# paper: its $G$ trained on the first 50,000 training digits and chose $h$ on 1,000 it never saw,
# while `dcgan` and `cdcgan` trained on all 60,000, so here $h$ was chosen on digits they saw.

# %% [markdown]
# ### 3b. On your own data (not comparable with the paper)
#
# The same estimator on the embedded digits: $h$ chosen on 100 of the 500 held-out digits, the score
# the mean over the other 400. Fewer test digits, a different validation split and a generator trained
# on 4,500 digits: **these figures are not comparable with the paper's Table 1 or with 3a**, only with
# each other. For reference, the window is also fitted to the real training digits themselves (4,500
# centres against each generator's 10,000 samples; fewer centres lower a Parzen estimate).

# %%
n_parzen = gu.fast(10_000, 300)
n_validation = len(data.x_test) // 5
x_validation, x_test = data.x_test[order[:n_validation]], data.x_test[order[n_validation:]]
parzen_sets = {
    f"real training digits ({min(n_parzen, len(data.x_train)):,})":
        data.x_train[rng.choice(len(data.x_train), min(n_parzen, len(data.x_train)), replace=False)],
    "dcgan_embedded": gu.pretrained.generate(generator, n_parzen, seed=3),
    f"early checkpoint ({early.step_count} steps)": early.sample(n_parzen),
    "uniform noise": rng.uniform(-1, 1, (n_parzen, 28, 28, 1)).astype(np.float32),
}
parzen = {name: gu.parzen.parzen_log_likelihood(images, x_test, x_validation)
          for name, images in parzen_sets.items()}
print(f"own data, NOT comparable with the paper: h chosen on {n_validation} held-out digits, "
      f"mean over the other {len(x_test)}")
for name, r in parzen.items():
    edge = "  (h at the edge of the grid)" if r.at_grid_edge else ""
    print(f"{name:30s} {r.mean:6.0f} ± {r.sem:4.1f} nats  (h = {r.h:.3f}, {r.n_samples:,} samples){edge}")

# %% [markdown]
# ### How far to trust these numbers
#
# - **A log-likelihood needs its scale.** Pixels are in $[0, 1]$ in the paper and here: on the GAN's
#   $[-1, 1]$ scale every figure would drop by $784 \log 2 \approx 543$ nats.
# - **The estimate is known to be unreliable.** Theis, van den Oord and Bethge (2016) showed that even
#   for 6×6 image patches a Parzen window fitted to millions of samples stays far from the true
#   log-likelihood (784 dimensions are worse), and that it rewards the wrong things: in their Table 1
#   on MNIST, k-means centroids score 313 nats, more than samples of the true distribution (243).
#   The order of models need not match section 2's either. Trust the classifier scores more; use the
#   Parzen number to read the 2014 paper with the right salt.

# %% [markdown]
# ## 4. Does it copy its training data?
#
# A generator that stores and replays training digits could score perfectly on everything above and
# would leak its training set, a real privacy risk when the images are faces or medical scans. The
# paper's Figure 2 answers by showing each sample next to its **nearest training image**. Here are 8
# samples of `dcgan_embedded` (top) and their nearest neighbours among its own 4,500 training digits
# (bottom).

# %%
samples = gu.pretrained.generate(generator, gu.fast(2000, 100), seed=4)
index, distance = gu.metrics.nearest_neighbours(samples, data.x_train)
pairs = np.concatenate([samples[:8], gu.to_float(data.x_train[index[:8, 0]])])
gu.show_images(pairs, nrow=8, title="samples (top) and their nearest training digits (bottom)")
plt.show()
print("pixel distances (pixels in [0, 1]):", np.round(distance[:8, 0], 2).tolist())

# %% [markdown]
# To turn the pictures into a number, compare with **real digits the generator never saw**: how close
# does a held-out digit get to its nearest training digit? Take the distance that only 1% of the 500
# held-out digits beat, $\tau$. The **memorisation rate** is the share of samples closer than $\tau$ to
# some training digit:
#
# $$\text{rate} = \frac{1}{n}\sum_{i=1}^{n} \mathbf{1}\big[\min_j \|g_i - x_j\| < \tau\big].$$
#
# The cell prints the distances of real held-out digits beside those of the samples.

# %%
x_holdout_nn = data.x_test  # all 500 held-out digits: dcgan_embedded never saw them
real_distance = gu.metrics.nearest_neighbours(x_holdout_nn, data.x_train)[1][:, 0]
tau = gu.metrics.memorisation_threshold(data.x_train, x_holdout_nn)
rate = gu.metrics.memorisation_rate(samples, data.x_train, x_holdout_nn)
quantiles = [0.01, 0.1, 0.5, 0.9]
display(pd.DataFrame({f"real held-out digits ({len(x_holdout_nn)})": np.quantile(real_distance, quantiles),
                      f"dcgan_embedded samples ({len(samples):,})": np.quantile(distance[:, 0], quantiles)},
                     index=[f"{q:.0%} quantile" for q in quantiles]).T.round(2))
print(f"tau = {tau:.2f}; dcgan_embedded memorisation rate: {rate:.1%} "
      f"({int(np.sum(distance[:, 0] < tau))} of {len(samples):,} samples closer than tau)")

# %% [markdown]
# **What rate to expect.** $\tau$ is, by construction, the distance that 1% of new real digits beat.
# So a generator that drew new digits exactly from $p_{data}$ would land about 1% of its samples under
# $\tau$ *in expectation*, without copying anything; a perfect copier would land all of them there.
# The real digits test that: judge each half of the held-out digits by the $\tau$ of the other half.
# With 250 digits a half, $\tau$ rests on the closest two or three of them, so expect the real rate
# to wander around 1% (the line below prints it), and read a 3% flag as a prompt to look, not as
# proof.

# %%
half = len(x_holdout_nn) // 2
first, second = x_holdout_nn[:half], x_holdout_nn[half:]
real_rate = np.mean([gu.metrics.memorisation_rate(second, data.x_train, first),
                     gu.metrics.memorisation_rate(first, data.x_train, second)])
print(f"real held-out digits, each half judged by the other half's tau: {real_rate:.1%} "
      f"(about 1% expected; 1% of {half} digits is {half / 100:.1f})")
expected = 0.01 * len(samples)
print(f"dcgan_embedded: {rate:.1%}, {rate * len(samples):.0f} of {len(samples):,} samples under tau, where a generator "
      f"drawing from p_data would put about {expected:.0f}; median distance to the nearest training digit "
      f"{np.median(distance[:, 0]):.2f} for samples, {np.median(real_distance):.2f} for real held-out digits")

# %% [markdown]
# **Reading the rate against 1%.** Far above 1%: samples sit closer to training digits than new real
# digits do, the sign of copying. Near 1%: as close as new real digits, no copying detected. Far below
# 1%, down to 0%: samples sit *farther* from every training digit than new real digits do, which the
# medians show too. That is no extra privacy; it says the samples are not yet as typical as real
# digits (rougher strokes, shapes between digits). Either way, with 500 held-out digits $\tau$ rests
# on the nearest five or so of them, so treat small differences as noise.
#
# Here: `dcgan_embedded` put 0.5% of its samples under $\tau$ (10 where about 20 were expected),
# and its samples' median distance to the nearest training digit (5.22) is a little above the real
# held-out digits' (4.99): no copying detected, and the gap from 1% is within $\tau$'s noise (the
# real digits themselves came out at 2.4%).

# %% [markdown]
# ### A generator that does copy
#
# To see the check catch something, we make a copier on purpose: the same DCGAN recipe trained on
# only **32 training digits**. With so little data, the best way to fool $D$ is to reproduce those 32
# digits. Every 500 steps we run the check against its own 32 training digits (and the same held-out
# digits as above): watch the memorisation rate.

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


copy_steps = gu.fast(1500, 4)
if gu.classroom_replaces("training 1,000 steps", "1,500 (about 15 s more on 2 cores)", "train all 1,500"):
    copy_steps = gu.fast(1000, 4)
copier.fit(steps=copy_steps, callbacks=[check_copying], callback_every=gu.fast(500, 2), progress=False)
display(pd.DataFrame(copy_log).set_index("step").round(3))
copies = copier.sample(gu.fast(1000, 100))
c_index, c_distance = gu.metrics.nearest_neighbours(copies, x_few)
pairs = np.concatenate([copies[:8], gu.to_float(x_few[c_index[:8, 0]])])
gu.show_images(pairs, nrow=8, title=f"copier after {copier.step_count} steps (top), nearest of its 32 digits (bottom)")
plt.show()

# %% [markdown]
# Side by side with `dcgan_embedded`, each judged against its own training digits and the same 500
# held-out digits; the last line says which one the check flags (a rate above three times the 1%
# that new real digits get in expectation; with $\tau$ from so few digits, a real set can come near
# that line, as the real held-out digits did above, 2.4% against a 3% line):

# %%
copy_rate = gu.metrics.memorisation_rate(copies, x_few, x_holdout_nn)
print(f"copier:         tau = {gu.metrics.memorisation_threshold(x_few, x_holdout_nn):.2f}, median distance "
      f"{np.median(c_distance[:, 0]):.2f}, memorisation rate {copy_rate:.1%}")
print(f"dcgan_embedded: tau = {tau:.2f}, median distance {np.median(distance[:, 0]):.2f}, "
      f"memorisation rate {rate:.1%}")
flagged = [name for name, r in (("copier", copy_rate), ("dcgan_embedded", rate)) if r > 0.03]
print("flagged as copying (rate > 3%):", ", ".join(flagged) or "neither")

# %% [markdown]
# The check has limits (Theis et al. 2016 again): pixel distance misses a copy shifted by a pixel,
# and noisy copies fall outside $\tau$, so a low rate is evidence, not proof. For sensitive data,
# privacy needs guarantees built into training (for example differential privacy, which bounds how
# much any one training digit can change the trained model), not a check
# afterwards.

# %% [markdown]
# ## 5. Walking the latent space
#
# $G$ maps every $z \in \mathbb{R}^{100}$ to an image. Any neural network is continuous, so the
# image always changes smoothly along a straight line from $z_0$ to $z_1$; what a walk shows is
# whether the frames in between are plausible digits (a space of digits) or blends of two stored
# images, ghosted one over the other (a lookup table). But a straight line is a poor walk here: in 100 dimensions nearly all of
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
# The picture: a walk between two images of **different** digits, both ways, in nine frames, drawn
# by `dcgan_embedded` (the cell keeps $z_0$ and takes as $z_1$ the first of 20 new vectors whose
# image the reference classifier reads as another digit). Look for in-between frames that are
# digits themselves: a generator that only stored its 4,500 digits would show a fading blend of the
# two ends.

# %%
def drawn_digit(z):
    """The digit the reference classifier reads in G(z)."""
    return int(gu.metrics.classify(gu.latent.render(generator, z[None]))[0].argmax())


z1 = next(z for z in gu.latent.sample_z(20, 100, seed=1) if drawn_digit(z) != drawn_digit(z0))
walk = gu.InterpolationSlider(generator, z0, z1)
frames = np.concatenate([walk.frames(9, "spherical"), walk.frames(9, "linear")])
labels = [int(d) for d in gu.metrics.classify(frames).argmax(axis=1)]
gu.show_images(frames, nrow=9, title="from z0 to z1: spherical (top), linear (bottom)")
plt.show()
print("digit read in each frame, spherical:", labels[:9], " linear:", labels[9:])

# %% [markdown]
# The ends are an 8 (a crooked one) and a 2. In between, the stroke bends step by step from one into
# the other: each frame is one pen stroke, not the two ends ghosted over each other, and the
# classifier reads the first seven frames as 8 and the last two as 2, on both paths. Here the two
# paths draw nearly the same frames.
#
# Does the shorter linear midpoint matter at all? Over many random pairs, compare the midpoints with
# ordinary samples: Fréchet distance to the held-out reference digits (section 2) and the share of ink.

# %%
n_pairs = gu.fast(1000, 50)
z_a, z_b = gu.latent.sample_z(n_pairs, 100, seed=12), gu.latent.sample_z(n_pairs, 100, seed=13)
walks = {"ordinary samples (t = 0)": z_a,
         "linear midpoints": np.array([gu.latent.lerp(a, b, 0.5) for a, b in zip(z_a, z_b)]),
         "spherical midpoints": np.array([gu.latent.slerp(a, b, 0.5) for a, b in zip(z_a, z_b)])}
walk_scores = {}
for name, z in walks.items():
    images = gu.latent.render(generator, z)
    walk_scores[name] = gu.metrics.frechet_distance(images, x_reference)
    print(f"{name:25s} mean |z| {np.linalg.norm(z, axis=1).mean():5.2f}   Fréchet distance "
          f"{walk_scores[name]:6.2f}   ink {((images + 1) / 2).mean():.3f}")
print("closest to ordinary samples in Fréchet distance:",
      min(("linear midpoints", "spherical midpoints"),
          key=lambda k: abs(walk_scores[k] - walk_scores["ordinary samples (t = 0)"])))

# %% [markdown]
# Spherical midpoints have the length of ordinary $z$, so $G$ sees inputs like those it was trained
# on; linear midpoints do not. How much that shows in the images depends on the generator: the last
# line says which midpoints come closer to ordinary samples for this one. Spherical interpolation is
# a common choice because its path stays in the shell $\|z\| \approx 10$ where nearly all of
# $\mathcal{N}(0, I)$'s samples lie (its "typical set"); linear interpolation is also widely used.

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
# 2,000 images $G(z)$ (their pixels), fits each component's coordinate as a linear function of $z$ by least
# squares, and uses the fitted slope (a vector in $z$-space) as a direction.

# %% [markdown]
# This borrows GANSpace's idea (Härkönen et al. 2020) but is not GANSpace: GANSpace runs PCA on
# **intermediate features** of $G$ (an early layer's activations in BigGAN, or StyleGAN's
# intermediate latent code; both are large image GANs met in section 8), where components tend to separate pose, shape and colour. The main directions of MNIST's
# **pixels** include which digit is drawn, so ours do mix identity with style. The cell measures both:
# how much the image changes, and how often the digit changes.

# %%
directions = gu.latent.find_directions(generator, n_directions=4, n_samples=gu.fast(2000, 200), seed=0)
effect = gu.latent.direction_effect(generator, directions, amount=3.0, n=gu.fast(200, 20))
random_dirs = np.random.default_rng(8).standard_normal((4, 100))
random_dirs /= np.linalg.norm(random_dirs, axis=1, keepdims=True)
random_effect = gu.latent.direction_effect(generator, random_dirs, amount=3.0, n=gu.fast(200, 20))
z_check = gu.latent.sample_z(gu.fast(500, 50), 100, seed=14)
digit_before = gu.metrics.classify(gu.latent.render(generator, z_check)).argmax(1)


def digit_changes(vectors, amount=3.0):
    """Share of z whose digit (reference classifier) differs after moving z by +amount along each direction."""
    return [float(np.mean(gu.metrics.classify(gu.latent.render(generator, z_check + amount * v)).argmax(1)
                          != digit_before)) for v in vectors]


print("share of output variance per component:", np.round(directions.explained, 3).tolist())
print("mean pixel change (grey levels) moving z by ±3 along each direction:", np.round(effect, 1).tolist())
print("... along random directions, for comparison:                       ", np.round(random_effect, 1).tolist())
print("share of digits that change class after +3 along each found direction:",
      np.round(digit_changes(directions.vectors), 2).tolist())
print("... along random directions:                                        ",
      np.round(digit_changes(random_dirs), 2).tolist())

# %% [markdown]
# Compare the found directions' rows with the random ones': the second and third lines say how much more
# the image changes, the last two how often the change is a different digit rather than a
# different style of the same digit. A found direction is not a pure style slider: where its share
# in the last-but-one line is high, moving along it redraws many digits as other digits. In
# pictures: each row moves one $z$ along one direction from $-4$ to $+4$ (the middle column is
# unchanged).

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
print(f"ink {ink[thin].mean():.3f} -> {ink_after.mean():.3f} ({ink_after.mean() / ink[thin].mean() - 1:+.0%}); "
      f"same digit (reference classifier) for {same.sum()} of {len(same)}")

# %% [markdown]
# Read the last line: when the ink rises and most digits keep their class, the arithmetic works, on
# average, for a feature as simple as thickness. One averaged vector cannot fit every digit's shape,
# so check the bottom row digit by digit.

# %% [markdown]
# ## 6. Asking for a digit: the conditional generator
#
# The conditional DCGAN `cdcgan` (trained on all 60,000 MNIST training digits) takes a label too:
# $G(z, y)$, with $y$ embedded and joined to $z$, and a discriminator that also sees $y$ (Mirza and
# Osindero 2014; projection discriminator, Miyato and Koyama 2018). Keep $z$ and change $y$: the
# **style** should stay and the **digit** change. Each row below is one $z$, each column one digit.

# %%
z_style = gu.latent.sample_z(4, 100, seed=10)
grid = gu.latent.render(cgenerator, np.repeat(z_style, 10, axis=0), labels=np.tile(np.arange(10), 4))
gu.show_images(grid, nrow=10, title="cdcgan (all 60,000 digits); rows: one z each; columns: digits 0-9")
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
# The variational autoencoder (VAE; Kingma and Welling 2014, Rezende et al. 2014) is the other classic
# deep generative model. The seed article of this course calls VAEs adversarial too. **They are not**:
# a VAE has no discriminator and plays no game. It maximises one objective, the evidence lower bound
# (ELBO), by ordinary gradient ascent.

# %% [markdown]
# An **encoder** maps a digit $x$ (pixels in $[0, 1]$, as for the Parzen window) to a Gaussian
# $q(z\mid x) = \mathcal{N}\big(\mu(x), \mathrm{diag}(v(x))\big)$ over a latent $z$; a **decoder**
# maps $z$ to pixel probabilities $\hat x$, a Bernoulli model $p(x\mid z)$; the prior is
# $p_z = \mathcal{N}(0, I)$. This $z$ is the course's latent noise, the decoder's input as it is
# $G$'s, with the same prior; only its length differs: 16 numbers (`latent_dim = 16`) against the
# GAN's 100. For every $x$,
#
# $$\log p(x) \;\ge\; \mathrm{ELBO}(x) = \mathbb{E}_{z\sim q(z\mid x)}\big[\log p(x\mid z)\big] - \mathrm{KL}\big(q(z\mid x)\,\|\,p_z\big),$$
#
# with $\log p(x\mid z) = \sum_{i=1}^{d}\big[x_i\log\hat x_i + (1-x_i)\log(1-\hat x_i)\big]$ (minus the
# binary cross-entropy of notebook 01, summed over the $d = 784$ pixels) and, in closed form,
# $\mathrm{KL} = \tfrac12\sum_j\big(\mu_j^2 + v_j - 1 - \log v_j\big)$, in nats.

# %% [markdown]
# **The reparameterisation trick.** The expectation is estimated with one $z$ per digit, but "draw
# $z$ from $q(z\mid x)$" has no gradient with respect to $\mu$ and $v$. Write the draw as
# $z = \mu + \sqrt{v}\odot\xi$ with $\xi \sim \mathcal{N}(0, I)$ (often written $\varepsilon$): the
# randomness becomes an input, and $z$ is a differentiable function of $\mu$ and $v$. The encoder
# outputs $\log v$, any real number, so $v = e^{\log v}$ stays positive.

# %% [markdown]
# Here is the whole idea in NumPy, checked against the tested `gu.vae`, whose model follows
# keras-io's MNIST VAE (two strided convolutions down, two strided transposed convolutions up, then
# one to the pixel probabilities) with 16 latent
# numbers instead of 2. Look for `True` twice.

# %%
# NBVAL_CHECK_OUTPUT
def reparameterise(mean, log_var, xi):
    """z = mean + sqrt(v) * xi: the noise xi is an input, so gradients reach mean and log_var."""
    return mean + np.exp(0.5 * log_var) * xi


def negative_elbo(x, x_hat, mean, log_var):
    """-ELBO per digit in nats: reconstruction (cross-entropy summed over the d pixels) + KL(q(z|x) || N(0, I))."""
    x_hat = np.clip(x_hat, 1e-7, 1 - 1e-7)
    reconstruction = -np.sum(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat), axis=(1, 2, 3))
    kl = 0.5 * np.sum(mean ** 2 + np.exp(log_var) - 1 - log_var, axis=1)
    return reconstruction + kl


vae = gu.vae.VAE(data.x_train, latent_dim=16, batch_size=settings["batch_size"], seed=0)
x_batch = gu.vae.unit_images(data.x_train[:8])
mean, log_var = vae.encode(data.x_train[:8])
xi = np.random.default_rng(0).standard_normal(mean.shape).astype(np.float32)
z = reparameterise(mean, log_var, xi)
x_hat = np.asarray(vae.decoder(z))
print(f"encoder {vae.encoder.count_params():,} parameters, decoder {vae.decoder.count_params():,}")
print("z as gu.vae computes it:    ", np.allclose(z, gu.vae.reparameterise(mean, log_var, xi), atol=1e-5))
print("-ELBO as gu.vae computes it:", np.allclose(negative_elbo(x_batch, x_hat, mean, log_var),
                                                  gu.vae.negative_elbo(x_batch, x_hat, mean, log_var), rtol=1e-4))

# %% [markdown]
# Now a race on the same 4,500 digits, the same number of steps, batches of the same size: the VAE
# against section 1's GAN (the course recipe), trained on from its early checkpoint (1,000 steps
# each; in classroom mode both stop at the early checkpoint's step count). Watch the
# milliseconds a step each takes.

# %%
race_steps = gu.fast(1000, 8)
if gu.classroom_replaces(f"racing {early.step_count:,} steps (section 1's GAN as it is)",
                         "1,000 (about 45 s more on 2 cores)", "race 1,000"):
    race_steps = early.step_count
gan = early  # section 1's GAN: train it on to race_steps steps in all
if gan.step_count < race_steps:
    gan.fit(steps=race_steps - gan.step_count, progress=False)
if vae.step_count < race_steps:
    vae.fit(race_steps - vae.step_count)
for name, model in (("GAN", gan), ("VAE", vae)):
    print(f"{name}: {model.step_count:,} steps, {model.train_time:.0f} s of training "
          f"({1000 * model.train_time / model.step_count:.0f} ms a step)")
window = max(1, race_steps // 20)
print(f"VAE loss (-ELBO, nats per digit): {np.mean(vae.history['loss'][:window]):.0f} over its first {window} steps, "
      f"{np.mean(vae.history['loss'][-window:]):.0f} over its last {window}")

# %% [markdown]
# Their samples beside real held-out digits, and the same scores for both (`gu.metrics.evaluate`:
# FD and memorisation against the 500 held-out and 4,500 training digits, so FD is not on section
# 2's scale). "Grey pixels" is the share of pixels neither background nor ink (between 0.1 and 0.9
# on the $[0, 1]$ scale), a simple measure of blur.

# %%
n_race = gu.fast(2000, 100)
race = {"GAN": gan.sample(n_race), "VAE": vae.sample(n_race, seed=15)}
gu.show_images(np.concatenate([gu.to_float(data.x_test[:16]), race["GAN"][:16], race["VAE"][:16]]), nrow=16,
               title=f"real held-out digits (top), GAN (middle), VAE (bottom), {race_steps:,} steps each")
plt.show()


def grey_share(images):
    """Share of pixels strictly between background and ink: 0.1 < p < 0.9 on the [0, 1] scale."""
    p = (np.asarray(images, np.float32) + 1) / 2
    return float(np.mean((p > 0.1) & (p < 0.9)))


race_rows = {}
for name, images in race.items():
    r = gu.metrics.evaluate(images, data)
    race_rows[name] = {"MNIST score ↑": r["mnist_score"], "FD ↓": r["frechet_distance"],
                       "KID ↓": gu.kid.kernel_inception_distance(images, data.x_test)[0],
                       "classes covered ↑": r["classes_covered"], "memorisation rate": r["memorisation_rate"],
                       "grey pixels": grey_share(images)}
race_table = pd.DataFrame(race_rows).T.astype({"classes covered ↑": int})
display(race_table.round({"MNIST score ↑": 2, "FD ↓": 2, "KID ↓": 3, "memorisation rate": 4, "grey pixels": 3}))
print(f"real held-out digits: grey pixels {grey_share(gu.to_float(data.x_test)):.3f}")
columns = {"MNIST score": ("MNIST score ↑", max), "FD": ("FD ↓", min), "KID": ("KID ↓", min)}
print("better in this run:", "; ".join(f"{label} {pick(race_rows, key=lambda m: race_rows[m][column])}"
                                       for label, (column, pick) in columns.items()))
test_mean, test_log_var = vae.encode(data.x_test)
kl_per_dim = 0.5 * np.mean(test_mean ** 2 + np.exp(test_log_var) - 1 - test_log_var, axis=0)
print(f"VAE: ELBO on the 500 held-out digits {vae.elbo(data.x_test):.0f} nats per digit (a lower bound on "
      f"log p(x) of its Bernoulli pixel model; the GAN has no such number); latent numbers in use "
      f"(mean KL > 0.01 nats): {int(np.sum(kl_per_dim > 0.01))} of {vae.latent_dim}")

# %% [markdown]
# The printed lines say which model wins each score after the same number of steps, and how much grey
# each draws beside real digits. The VAE's ELBO is a likelihood bound for a Bernoulli model of pixel
# intensities: a different quantity from section 3's Parzen figures (a density over continuous pixels),
# so do not put them in one table. Both memorisation rates in the table are 0.0%: the VAE's blurry
# samples and the 1,000-step GAN's rough ones sit farther from every training digit than new real
# digits do, section 4's "far below 1%" case, which is no extra privacy. The main differences in general:

# %% [markdown]
# | | GAN | VAE |
# |---|---|---|
# | trained by | a game: $G$ against a discriminator $D$ | maximising one objective, the ELBO; no discriminator, not adversarial |
# | likelihood $p(x)$ | none (hence Parzen windows, FD, KID) | a lower bound, the ELBO, for every digit |
# | from $x$ to $z$ | no encoder (search for $z$ by optimisation) | the encoder gives $q(z\mid x)$ |
# | samples | sharp when training goes well | often blurry: $\hat x$ averages the strokes that could be there |
# | typical failure | mode collapse, unstable training (notebook 04) | blur, latent numbers the KL term switches off (none in this run: see the count printed above) |
# | training | a balance of two networks | one loss, minimised as usual |

# %% [markdown]
# ## 8. What GANs did next
#
# This course stopped at 28×28 digits on a laptop CPU. Between 2015 and 2021 the same game, scaled
# up, learned to draw photographs, and then lost its lead to a different family of models. The next
# cells sketch that story in five steps, with no code; each names its paper (see the References).

# %% [markdown]
# **DCGAN (2015).** Radford, Metz and Chintala made the 2014 GAN convolutional and, above all,
# trainable: strided convolutions instead of pooling, batch normalisation, ReLU in $G$ and
# LeakyReLU in $D$, Adam with $\beta_1 = 0.5$. The course's DCGAN starts from their architecture
# and departs from it where measurement said so (notebook 04: spectral norm and a dense layer in
# $D$, $\beta_1 = 0$, the hinge loss, an EMA of $G$). Section 5's digit arithmetic is the
# latent-vector arithmetic they showed on faces.

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
# - MNIST score, Fréchet distance, KID and classes covered use a reference classifier; read them
#   against real held-out digits at the same sample count, not ideal values. FD is biased by the
#   sample count; KID's expected value is not (its estimate is noisy at small counts).
# - The 2014 paper's Parzen-window log-likelihood depends on a width $h$ chosen on validation data,
#   compares with the paper only on its protocol, and is unreliable in 784 dimensions (Theis et al.
#   2016): quote it with caveats.
# - Check copying against the generator's own training digits, with digits it never saw as the
#   yardstick: about 1% is what new real digits get in expectation (noisy with few held-out
#   digits); a low rate is evidence, not proof.
# - Spherical interpolation keeps $\|z\|$ typical; directions from PCA of $G(z)$'s pixels (not
#   GANSpace, which uses $G$'s intermediate features) change the image and often which digit is
#   drawn (more often than random directions do); a
#   conditional generator draws the digit you ask for, in a style held by $z$.
# - A VAE maximises the ELBO with an encoder, a decoder and the reparameterisation trick: no
#   discriminator, a likelihood bound, and typically blurrier samples than a GAN's.
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
# 2. Write `nearest_distance(samples, train)`: for rows `samples` $(N, d)$ and `train` $(M, d)$, the
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
# Running time of this notebook on your machine, up to here (the header gives the full run's time on
# 2 CPU cores):

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
    differences = samples[:, None, :] - train[None, :, :]  # (N, M, d): every pair
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
# - Bińkowski, M., Sutherland, D. J., Arbel, M. and Gretton, A. (2018). Demystifying MMD GANs.
#   arXiv:1801.01401.
# - Brock, A., Donahue, J. and Simonyan, K. (2019). Large Scale GAN Training for High Fidelity Natural
#   Image Synthesis. arXiv:1809.11096.
# - Chollet, F. (2020). Variational AutoEncoder. Keras code example,
#   https://keras.io/examples/generative/vae/
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
# - Rezende, D. J., Mohamed, S. and Wierstra, D. (2014). Stochastic Backpropagation and Approximate
#   Inference in Deep Generative Models. arXiv:1401.4082.
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
