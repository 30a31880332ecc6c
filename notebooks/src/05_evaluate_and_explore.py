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
# **Running time:** about 3 minutes on a 2-core laptop.
#
# **Is a trained generator good?** We measure it several ways, including the 2014 paper's own metric,
# and check that it does not copy its training digits. **What has it learned?** We walk its latent
# space and ask a conditional generator for any digit; a variational autoencoder trains beside a GAN.
# You write four core pieces (the Fréchet distance, the Parzen log-density, the nearest-neighbour
# distance, spherical interpolation), and the notebook runs on yours. Terms: the [glossary](../docs/glossary.md).
#
# The next cell loads the 5,000 embedded digits (4,500 for training, 500 held out) and three shipped
# generators, and prints what each was trained on.

# %%
import json
import time
import warnings

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.linalg
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
# The embedded 5,000 are official MNIST **training** digits, so `dcgan` and `cdcgan` (trained on all
# 60,000) have seen every one: we use them for pictures and scores, never for copying checks.
# `dcgan_embedded` saw only the 4,500. Here are 32 of its samples: look for every class, and for
# malformed digits. "Looks like digits" is a judgement; the rest of the notebook turns it into numbers.

# %%
gu.show_images(gu.pretrained.generate(generator, 32, seed=1), nrow=16,
               title="dcgan_embedded (trained on the 4,500 training digits), 32 samples")
plt.show()

# %% [markdown]
# ## 1. Looking is not measuring, and the loss is not a score
#
# A classifier's loss says how good it is. A GAN's does not: $G$'s loss is measured against a $D$
# that keeps changing too. We train a fresh DCGAN (the course's recipe, the 4,500 digits) and every
# 100 steps note both losses and the MNIST score, a quality score section 2 defines (higher is
# better). Look at which column keeps moving.

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
# $D$'s hinge loss (notebook 04) climbs towards 2, its value when $D$ scores every image 0, and $G$'s
# stays near 0, while the score keeps climbing: the loss says the game is balanced, not who is winning. So we measure
# **outside** the game, on images. This generator stays as our "early checkpoint".
#
# ## 2. Scores from a reference classifier
#
# `gu.metrics` uses a small CNN trained on all 60,000 MNIST training digits (its accuracy on the
# official test digits is the next cell's first line). For each image it gives class probabilities $p(y\mid x)$ and 128 features
# (its last hidden layer's values). Every score below uses those.

# %% [markdown]
# ### MNIST score
#
# The Inception Score of Salimans et al. (2016), with our classifier in place of Inception (a large
# ImageNet classifier):
# $\text{score} = \exp\big(\mathbb{E}_x[\mathrm{KL}(p(y\mid x)\,\|\,p(y))]\big)$ with $p(y) = \mathbb{E}_x[p(y\mid x)]$.
# It is high when each image is confidently one digit **and** all digits appear: 10 at best, 1 at
# worst. The cell checks both ends with made-up probabilities.

# %%
# NBVAL_CHECK_OUTPUT
print(f"reference classifier: {gu.classifier.classifier_manifest()['test_accuracy']:.1%} accurate on the "
      f"10,000 official test digits")
ten_clear_digits = np.eye(10)  # one confident image per digit
one_digit_only = np.tile(np.eye(10)[3], (10, 1))  # ten confident 3s
undecided = np.full((10, 10), 0.1)  # every image 10% of each digit
for name, probs in [("ten clear digits", ten_clear_digits), ("one digit only", one_digit_only),
                    ("undecided images", undecided)]:
    print(f"{name:17s} MNIST score {gu.metrics.score_from_probs(probs):.2f}")

# %% [markdown]
# ### Fréchet distance
#
# The score never looks at real data. The Fréchet distance (FD; FID in Heusel et al. 2017, with
# Inception's features) does: fit a Gaussian with mean $\mu_r$ and covariance $\Sigma_r$ (the matrix of
# how each pair of features varies together) to the features of real digits, and $\mathcal{N}(\mu_g, \Sigma_g)$
# to those of generated ones, then
#
# $$\mathrm{FD} = \|\mu_r - \mu_g\|^2 + \mathrm{Tr}\big(\Sigma_r + \Sigma_g - 2(\Sigma_r\Sigma_g)^{1/2}\big).$$
#
# The first term compares the centres, the trace term ($\mathrm{Tr}$ sums a matrix's diagonal) the
# spreads; 0 means the Gaussians match.
# **Build it**: write `frechet_gaussian`. `scipy.linalg.sqrtm` gives a matrix square root (keep its
# real part: rounding leaves a tiny imaginary one). The next cell checks it; the table after it
# scores every generator with it.

# %% tags=["build"]
def frechet_gaussian(mu1, cov1, mu2, cov2):
    """Return the Fréchet distance between N(mu1, cov1) and N(mu2, cov2)."""
    root = np.real(scipy.linalg.sqrtm(cov1 @ cov2))  # rounding can leave a tiny imaginary part
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root))


# %%
gu.checks.check_frechet_gaussian(frechet_gaussian)
frechet_gaussian = gu.checks.yours_or_reference(frechet_gaussian)

# %% [markdown]
# **KID** (kernel inception distance, Bińkowski et al. 2018) skips the Gaussians. A **kernel**
# $\kappa(f, f')$ scores how similar two feature vectors are, as an inner product in a larger space;
# here $\kappa(f, f') = (f^\top f'/128 + 1)^3$. KID is the squared maximum mean discrepancy (MMD²: the
# squared distance between the two sets' average feature maps under $\kappa$), estimated from pairs of
# samples. It is **unbiased**: for two samples of one distribution its expected value is 0, so an estimate can fall below 0.
# **Classes covered** counts digits with at least 2% of the samples. The table scores real digits,
# the generators, the early checkpoint and noise (FD with your `frechet_gaussian`); half the 500
# held-out digits are the reference, half the "real digits" row. Noise should score worst.

# %%
n_eval = gu.fast(5000, 200)
order = np.random.default_rng(0).permutation(len(data.x_test))
x_reference = data.x_test[order[: len(order) // 2]]
x_heldout = data.x_test[order[len(order) // 2:]]
reference_features = gu.metrics.features(x_reference)


def fd(features):
    """Fréchet distance from these features to the reference digits', with your frechet_gaussian."""
    with warnings.catch_warnings():  # extra code – sqrtm warns when a covariance is singular (fewer samples than
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)  # features); its result is still usable
        return gu.frechet.frechet_from_features(features, reference_features, gaussian=frechet_gaussian)


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
                 "FD ↓": fd(feats), "KID ↓": gu.kid.kid_from_features(feats, reference_features)[0],
                 "classes covered ↑": gu.metrics.classes_covered(images)})
scores = pd.DataFrame(rows).set_index("images")
display(scores.round({"MNIST score ↑": 2, "FD ↓": 2, "KID ↓": 3}))
real_kid, real_spread = gu.kid.kid_from_features(gu.metrics.features(candidates["real digits (held-out half)"]),
                                                 reference_features, subset_size=100)
print(f"real digits against the reference half: KID {real_kid:.3f} ± {real_spread:.3f} over subsets of 100 (0 expected)")

# %% [markdown]
# Read the table against the first row. Real digits do not score 10 (some handwriting is ambiguous)
# and their FD is not 0 (two finite samples differ). That row has 250 digits against 5,000 samples per
# generator, so its FD is no floor yet. The two 60,000-digit rows are scored against digits those
# generators trained on.
#
# **Predict, then run.** From only 100 samples of `dcgan_embedded`, against the same reference digits,
# will its FD come out `"higher"`, `"lower"` or `"about the same"` (within 10%) as from 5,000? Set
# `prediction` in the cell's first line, then run it. (Reading a saved copy? Cover the output.)

# %%
prediction = None  # "higher", "lower" or "about the same"
dcgan_images = candidates["dcgan_embedded (4,500 digits)"]
all_features = gu.metrics.features(dcgan_images)
fd_by_n = {n: fd(all_features[:n]) for n in (gu.fast(100, 50), len(dcgan_images))}
for n, value in fd_by_n.items():
    print(f"Fréchet distance from {n:>5,} samples: {value:.2f}")
gu.checks.check_predict_fid_samples(prediction, measured=fd_by_n);

# %% [markdown]
# One sample cannot show a bias, so the next cell averages each metric over 20 disjoint draws of 100.
# A biased estimate's average lands away from its 5,000-sample value; an unbiased one's lands on it,
# within its standard error (s.e.: the draws' standard deviation, sd, over the square root of their number).

# %%
n_few = min(fd_by_n)
draws = [slice(i * n_few, (i + 1) * n_few) for i in range(min(20, len(dcgan_images) // n_few))]
few = {"FD": [fd(all_features[d]) for d in draws],
       "KID": [gu.kid.kid_from_features(all_features[d], reference_features)[0] for d in draws]}
many = {"FD": fd(all_features), "KID": gu.kid.kid_from_features(all_features, reference_features)[0]}
for name, values in few.items():
    mean, sd = np.mean(values), np.std(values, ddof=1)
    se = sd / np.sqrt(len(values))
    print(f"{name}: mean over {len(draws)} draws of {n_few} samples {mean:.4f} (sd {sd:.4f}, s.e. {se:.4f}); "
          f"from all {len(dcgan_images):,} samples {many[name]:.4f}; gap {(mean - many[name]) / se:+.1f} s.e.")

# %% [markdown]
# Compare the two "gap" numbers. FD's average sits many standard errors above its 5,000-sample value:
# small samples inflate FD. KID's gap is far smaller: a small sample makes KID noisy, not biased. So
# compare FDs only at equal sample counts and reference digits; KID can compare across counts.

# %% [markdown]
# ## 3. The 2014 paper's metric: a Parzen-window log-likelihood
#
# A GAN has no formula for $p_g(x)$, so Goodfellow et al. (2014) estimated one: a Gaussian of width
# $h$ on each of $n$ samples $g_i$, averaged: $\hat p(x) = \frac{1}{n}\sum_{i} \mathcal{N}(x;\, g_i, h^2 I)$.
# The score is the mean $\log \hat p(x)$ over test digits, in nats (pixels in $[0, 1]$, $d = 784$).
# With $\phi_i = -\|x-g_i\|^2/(2h^2)$,
# $\log \hat p(x) = \log\sum_{i} e^{\phi_i} - \log n - \tfrac{d}{2}\log(2\pi h^2)$ (the number $\pi$).
#
# For $\|x - g_i\| = 5$ and $h = 0.1$, $e^{\phi_i} = e^{-1250}$ is 0 in floating point, and $\log 0 = -\infty$.
# **The log-sum-exp trick** avoids that: with $M = \max_i \phi_i$, $\log\sum_i e^{\phi_i} = M + \log\sum_i e^{\phi_i - M}$,
# whose largest term is $e^0 = 1$. **Build it**: write `parzen_log_density` for every row of `x`.

# %% tags=["build"]
def parzen_log_density(x, centres, h):
    """Return log p(x) of the Parzen window of width h on the centres, for each row of x, in nats."""
    phi = -((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=-1) / (2 * h ** 2)  # (rows of x, centres)
    M = phi.max(axis=1, keepdims=True)  # the largest term of each row
    log_sum = M[:, 0] + np.log(np.exp(phi - M).sum(axis=1))
    return log_sum - np.log(len(centres)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)


# %%
gu.checks.check_parzen_log_density(parzen_log_density)
parzen_log_density = gu.checks.yours_or_reference(parzen_log_density)

# %% [markdown]
# The width $h$ matters enormously, so the paper chose it on a **validation split**: try ten widths
# from 0.1 to 1, keep the one giving validation digits the highest likelihood, then score the test
# digits once. The next cell draws that choice with your function (1,000 samples of `dcgan_embedded`,
# 100 held-out digits). Look for one clear peak.

# %%
n_centres, n_validation = gu.fast(1000, 100), len(data.x_test) // 5
centres = gu.parzen.unit_rows(gu.pretrained.generate(generator, n_centres, seed=3))
x_validation, x_test = data.x_test[order[:n_validation]], data.x_test[order[n_validation:]]
validation_rows = gu.parzen.unit_rows(x_validation)
curve = [np.mean(np.concatenate([parzen_log_density(validation_rows[i:i + 10], centres, h)
                                 for i in range(0, len(validation_rows), 10)])) for h in gu.parzen.WIDTHS]
plt.figure(figsize=(5, 3))
plt.semilogx(gu.parzen.WIDTHS, curve, "o-", color="black")
plt.xlabel("window width h"), plt.ylabel("mean log p (nats)"), plt.title("validation log-likelihood")
plt.show()
print(f"best h on the validation digits: {gu.parzen.WIDTHS[int(np.argmax(curve))]:.3f} "
      f"(mean log p {max(curve):.0f} nats, {n_centres:,} samples as centres)")

# %% [markdown]
# Too narrow, and validation digits fall between the bumps; too wide, and every digit gets the same
# blur. `gu.parzen` runs this search in chunks below.
#
# ### 3a. On the paper's protocol (computed once, on full MNIST)
#
# The paper's Table 1 used 10,000 samples, $h$ chosen on training digits 50,000 to 50,999, and the mean
# over the 10,000 **official test digits**, which the embedded data lacks. `benchmarks/parzen_paper.py` ran it
# on full MNIST; the next cell prints its file.

# %%
paper_file = gu.paths.shipped_path("results", "parzen_paper.json")
paper_run = json.loads(paper_file.read_text()) if paper_file.is_file() else None
if paper_run is None:
    print("data/results/parzen_paper.json is not there (benchmarks/parzen_paper.py writes it from full MNIST): "
          "the paper's-protocol figures are skipped; 3b below still runs.")
else:
    print(f"protocol: {paper_run['protocol']}\ndata: {paper_run['data']}\nmade by: {paper_run['command']}")
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
    mine = paper_run["results"].get("dcgan_50k")  # trained as the paper's G was: digits 0-49,999 only
    if mine is not None:
        steps = gu.pretrained.pretrained_manifest().get("dcgan_50k", {}).get("steps")
        paper_mean, paper_se = paper_run["paper_gan"]["mean_nats"], paper_run["paper_gan"]["sem"]
        print(f"dcgan_50k: course recipe, {f'{steps:,} steps ' if steps else ''}on digits 0-49,999 as the paper "
              f"trained: {mine['mean_nats']:.1f} ± {mine['sem']:.1f} nats (paper's GAN {paper_mean:.0f} ± {paper_se:.0f})")
        gap, se = mine["mean_nats"] - paper_mean, float(np.hypot(mine["sem"], paper_se))
        verdict = "beats it" if gap > 2 * se else "falls short of it" if gap < -2 * se else "ties it, no clear win"
        print(f"  {abs(gap):.1f} nats {'above' if gap >= 0 else 'below'} the paper's mean, {abs(gap) / se:.1f} standard "
              f"errors of the difference ({se:.1f} nats): it {verdict}")

# %% [markdown]
# Like the paper's $G$, `dcgan_50k` never saw the validation digits; `dcgan` and `cdcgan` (trained
# on all 60,000) did. It ties the paper, no win: the means differ by under one standard error.
#
# ### 3b. On your own data (not comparable with the paper)
#
# The same estimator on the embedded digits: $h$ chosen on the 100 validation digits above, the mean
# over the other 400. Compare these only with each other; real training digits (at most 4,500
# centres) are the yardstick.

# %%
n_parzen = gu.fast(10_000, 300)
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
# **How far to trust these numbers.** On the GAN's $[-1, 1]$ pixel scale every figure would drop by
# $784 \log 2 \approx 543$ nats. And the estimate is unreliable: Theis, van den Oord and Bethge (2016)
# showed that a Parzen window stays far from the true log-likelihood even for 6×6 patches, and
# rewards the wrong things (on MNIST, the group means found by clustering (k-means: grouping similar
# digits) score 313 nats, true samples 243). Trust section 2's scores more.

# %% [markdown]
# ## 4. Does it copy its training data?
#
# A generator that replays training digits could score well above and would leak its training set, a
# real risk for faces or medical scans. The paper's Figure 2 shows each sample beside its **nearest
# training image**, the one at the smallest pixel distance.
#
# **Build it**: write `nearest_distance(samples, train)`: for rows $(N, d)$ and $(n_{train}, d)$, each sample's
# Euclidean distance to its nearest training row, shape $(N,)$. The cells below call it on ten digits
# at a time against all 4,500, so even a version holding every difference at once fits in memory.

# %% tags=["build"]
def nearest_distance(samples, train):
    """Return each sample's Euclidean distance to its nearest training row, shape (N,)."""
    squared = (samples ** 2).sum(axis=1)[:, None] + (train ** 2).sum(axis=1)[None, :] - 2 * samples @ train.T
    return np.sqrt(np.maximum(squared, 0).min(axis=1))  # rounding can leave a tiny negative square


# %%
gu.checks.check_nearest_distance(nearest_distance)
nearest_distance = gu.checks.yours_or_reference(nearest_distance)

# %% [markdown]
# Eight samples of `dcgan_embedded` (top) and their nearest neighbours among its own 4,500 training
# digits (bottom), with the distances your function measures. Look for pairs that are the same drawing.

# %%
train_rows = gu.parzen.unit_rows(data.x_train)  # pixels in [0, 1], one row per digit


def nearest_to(images, rows, chunk=10):
    """Your nearest_distance for images against rows, ten images at a time."""
    flat = gu.parzen.unit_rows(images)
    return np.concatenate([nearest_distance(flat[i:i + chunk], rows) for i in range(0, len(flat), chunk)])


samples = gu.pretrained.generate(generator, gu.fast(2000, 100), seed=4)
distance = nearest_to(samples, train_rows)
index = gu.metrics.nearest_neighbours(samples[:8], data.x_train)[0][:, 0]  # which digit, for the picture
gu.show_images(np.concatenate([samples[:8], gu.to_float(data.x_train[index])]), nrow=8,
               title="samples (top) and their nearest training digits (bottom)")
plt.show()
print("pixel distances (pixels in [0, 1]):", np.round(distance[:8], 2).tolist())

# %% [markdown]
# ### Memorised digits and the memorisation rate
#
# A generator has **memorised** a digit when it reproduces it instead of drawing a new one. To count
# that, compare with **real digits it never saw**: take the distance $\rho$ that only 1% of the 500
# held-out digits beat (each one's distance to its nearest training digit). The **memorisation rate**
# is the share of samples closer than $\rho$ to some training digit. A generator drawing new digits
# from $p_{data}$ would score about 1% without copying, up to noise; a perfect copier, 100%. The last line tests
# the yardstick: each half of the held-out digits judged by the other half's $\rho$.

# %%
x_holdout_nn = data.x_test  # all 500 held-out digits: dcgan_embedded never saw them
real_distance = nearest_to(x_holdout_nn, train_rows)
rho = np.quantile(real_distance, 0.01)
rate = np.mean(distance < rho)
quantiles = [0.01, 0.1, 0.5, 0.9]
display(pd.DataFrame({f"real held-out digits ({len(x_holdout_nn)})": np.quantile(real_distance, quantiles),
                      f"dcgan_embedded samples ({len(samples):,})": np.quantile(distance, quantiles)},
                     index=[f"{q:.0%} quantile" for q in quantiles]).T.round(2))
print(f"rho = {rho:.2f}; dcgan_embedded memorisation rate: {rate:.1%} "
      f"({int(np.sum(distance < rho))} of {len(samples):,} samples closer than rho)")
first, second = np.array_split(real_distance, 2)
real_rate = np.mean([np.mean(second < np.quantile(first, 0.01)), np.mean(first < np.quantile(second, 0.01))])
print(f"real held-out digits, each half judged by the other half's rho: {real_rate:.1%} (1% expected, up to noise)")

# %% [markdown]
# **Reading the rate.** Far above 1%: samples sit closer to training digits than new real digits, the
# sign of copying. Near 1%: no copying detected. Far below: samples sit *farther* (compare the
# medians): rough shapes, not extra privacy. The real digits' own rate shows how far noise moves it.
#
# ### A generator that does copy
#
# A copier made on purpose: the same recipe trained on only **32 digits**, where the easiest way to
# fool $D$ is to reproduce them. Every 500 steps your `nearest_distance` checks it against its own 32
# digits: watch the memorisation rate. In the picture, look for rows that match stroke for stroke;
# the last line says which generator the check flags (a rate above 3%, more than noise gave the real digits).

# %%
few_digits = np.random.default_rng(5).choice(len(data.x_train), 32, replace=False)
x_few = data.x_train[few_digits]
few_rows = gu.parzen.unit_rows(x_few)
rho_few = np.quantile(nearest_to(x_holdout_nn, few_rows), 0.01)
copier = gu.GANTrainer("dcgan", gu.to_float(x_few), **{**settings, "batch_size": 32}, **sizes)
copy_log = []


def check_copying(trainer):
    """Callback: median distance to the nearest of the 32 digits, and the memorisation rate."""
    nearest = nearest_to(trainer.sample(gu.fast(1000, 100)), few_rows)
    copy_log.append({"step": trainer.step_count, "median distance": np.median(nearest),
                     "memorisation rate": np.mean(nearest < rho_few)})


copy_steps = gu.fast(1500, 4)
if gu.classroom_replaces("training 1,000 steps", "1,500 (about 15 s more on 2 cores)", "train all 1,500"):
    copy_steps = gu.fast(1000, 4)
copier.fit(steps=copy_steps, callbacks=[check_copying], callback_every=gu.fast(500, 2), progress=False)
display(pd.DataFrame(copy_log).set_index("step").round(3))
copies = copier.sample(gu.fast(1000, 100))
c_distance = nearest_to(copies, few_rows)
c_index = gu.metrics.nearest_neighbours(copies[:8], x_few)[0][:, 0]
gu.show_images(np.concatenate([copies[:8], gu.to_float(x_few[c_index])]), nrow=8,
               title=f"copier after {copier.step_count} steps (top), nearest of its 32 digits (bottom)")
plt.show()
copy_rate = np.mean(c_distance < rho_few)
print(f"copier:         rho = {rho_few:.2f}, median distance {np.median(c_distance):.2f}, "
      f"memorisation rate {copy_rate:.1%}")
print(f"dcgan_embedded: rho = {rho:.2f}, median distance {np.median(distance):.2f}, memorisation rate {rate:.1%}")
flagged = [name for name, r in (("copier", copy_rate), ("dcgan_embedded", rate)) if r > 0.03]
print("flagged as copying (rate > 3%):", ", ".join(flagged) or "neither")

# %% [markdown]
# The check has limits (Theis et al. 2016): pixel distance misses a copy shifted by a pixel, and noisy
# copies fall outside $\rho$, so a low rate is evidence, not proof. Sensitive data needs guarantees
# built into training, such as differential privacy (a bound on how much any one training digit can
# change the model; notebook 06).
#
# ## 5. Walking the latent space
#
# $G$ maps every $z \in \mathbb{R}^{100}$ to an image. A walk from $z_0$ to $z_1$ shows whether the
# frames in between are plausible digits or two stored images ghosted over each other. $G$ is
# continuous, but its image may still change abruptly between close $z$: a walk shows where.

# %% [markdown]
# In 100 dimensions nearly all of $\mathcal{N}(0, I)$ lies near the sphere $\|z\| \approx 10$, and a
# straight line's midpoint is much shorter. **Spherical interpolation** (slerp; Shoemake 1985, for GANs
# White 2016) follows the great circle instead. With $\Omega$ the angle between $z_0$ and $z_1$ and
# $\tau \in [0, 1]$ the fraction of the way,
#
# $$\mathrm{slerp}(z_0, z_1; \tau) = \frac{\sin((1-\tau)\Omega)}{\sin\Omega}\, z_0 + \frac{\sin(\tau\Omega)}{\sin\Omega}\, z_1,$$
#
# against linear interpolation (lerp), $(1-\tau) z_0 + \tau z_1$. **Build it**: write `slerp` for one
# number `tau`. After the check, a cell prints $\|z\|$ along both paths: look at the middle.

# %% tags=["build"]
def slerp(z0, z1, tau):
    """Return the point a fraction tau of the way from z0 to z1 along the great circle."""
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))  # the angle between z0 and z1
    return (np.sin((1 - tau) * omega) * z0 + np.sin(tau * omega) * z1) / np.sin(omega)


# %%
gu.checks.check_slerp(slerp)
slerp = gu.checks.yours_or_reference(slerp)

# %%
# NBVAL_CHECK_OUTPUT
z0, z1 = gu.latent.sample_z(2, 100, seed=0)
quarters = [0.0, 0.25, 0.5, 0.75, 1.0]
print("linear    |z| at tau = 0, 1/4, 1/2, 3/4, 1:",
      [round(float(np.linalg.norm((1 - tau) * z0 + tau * z1)), 1) for tau in quarters])
print("spherical |z| at tau = 0, 1/4, 1/2, 3/4, 1:", [round(float(np.linalg.norm(slerp(z0, z1, tau))), 1) for tau in quarters])

# %% [markdown]
# A walk between images of two **different** digits, both ways, in nine frames drawn by `dcgan_embedded`
# with your `slerp` ($z_1$ is the first of 20 new vectors whose image the classifier reads as another
# digit). Look for in-between frames that are digits themselves, each one pen stroke, rather than a
# fading blend of the two ends.

# %%
def drawn_digit(z):
    """The digit the reference classifier reads in G(z)."""
    return int(gu.metrics.classify(gu.latent.render(generator, z[None]))[0].argmax())


z1 = next(z for z in gu.latent.sample_z(20, 100, seed=1) if drawn_digit(z) != drawn_digit(z0))
taus = np.linspace(0.0, 1.0, 9)
frames = np.concatenate([gu.latent.render(generator, np.array([slerp(z0, z1, tau) for tau in taus])),
                         gu.latent.render(generator, np.array([(1 - tau) * z0 + tau * z1 for tau in taus]))])
labels = [int(d) for d in gu.metrics.classify(frames).argmax(axis=1)]
gu.show_images(frames, nrow=9, title="from z0 to z1: spherical (top), linear (bottom)")
plt.show()
print("digit read in each frame, spherical:", labels[:9], " linear:", labels[9:])

# %% [markdown]
# The printed digits show where the classifier's reading flips. Does the shorter linear midpoint
# matter? Over many random pairs, compare midpoints with ordinary samples: FD to the reference digits
# (your `frechet_gaussian`) and the share of ink. The last line names the midpoints closer to ordinary
# samples.

# %%
n_pairs = gu.fast(1000, 50)
z_a, z_b = gu.latent.sample_z(n_pairs, 100, seed=12), gu.latent.sample_z(n_pairs, 100, seed=13)
walks = {"ordinary samples (tau = 0)": z_a,
         "linear midpoints": (z_a + z_b) / 2,
         "spherical midpoints": np.array([slerp(a, b, 0.5) for a, b in zip(z_a, z_b)])}
walk_scores = {}
for name, z in walks.items():
    images = gu.latent.render(generator, z)
    walk_scores[name] = fd(gu.metrics.features(images))
    print(f"{name:27s} mean |z| {np.linalg.norm(z, axis=1).mean():5.2f}   Fréchet distance "
          f"{walk_scores[name]:6.2f}   ink {((images + 1) / 2).mean():.3f}")
print("closest to ordinary samples in Fréchet distance:",
      min(("linear midpoints", "spherical midpoints"),
          key=lambda k: abs(walk_scores[k] - walk_scores["ordinary samples (tau = 0)"])))

# %% [markdown]
# Spherical midpoints have the length of ordinary $z$, so $G$ sees inputs like those it trained on;
# linear ones do not. How much that shows depends on the generator; both paths are in common use. The
# same walk with a slider: drag $\tau$, switch the path, or draw new endpoints (a static page shows a
# picture of the widget).

# %%
walk = gu.InterpolationSlider(generator, z0, z1)
walk.tau = 0.5
display(walk)

# %% [markdown]
# ### Directions that mean something
#
# Which way should a slider push $z$? Not along its axes: $\mathcal{N}(0, I)$ looks the same in every
# direction. The generator's **outputs** do have main directions of variation. `gu.latent.find_directions`
# takes the principal components (the directions of largest variance) of 2,000 images $G(z)$, fits each
# component's coordinate as a linear function of $z$, and uses the fitted slope as a direction. This borrows GANSpace's idea
# (Härkönen et al. 2020), which works on $G$'s intermediate features instead. The cell measures how
# much the image changes and how often the digit changes, against random directions.

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
print("mean pixel change (grey levels 0-255) moving z by ±3 along each direction:", np.round(effect, 1).tolist())
print("... along random directions, for comparison:                       ", np.round(random_effect, 1).tolist())
print("share of digits that change class after +3 along each found direction:",
      np.round(digit_changes(directions.vectors), 2).tolist())
print("... along random directions:                                        ",
      np.round(digit_changes(random_dirs), 2).tolist())

# %% [markdown]
# Compare found with random: the middle lines say how much more the image changes, the last two how
# often the digit itself changes. MNIST's main pixel directions
# include which digit is drawn, so a found direction is no pure style slider. Below, each row of the
# picture moves one $z$ from $-4$ to $+4$ along one direction (look for rows where the digit turns
# into another); then the explorer, one slider per direction acting on six digits (**New digits**
# draws new $z$). The last line times a slider change.

# %%
explorer = gu.LatentExplorer(generator, directions, n_images=6, seed=0)
gu.show_images(explorer.strip(image_index=0), nrow=7, title="rows: directions 1-4, columns: -4 ... +4")
plt.show()
display(explorer)
print(f"median redraw {explorer.benchmark(20):.0f} ms per slider change "
      f"(interpolation slider: {walk.benchmark(20):.0f} ms)")

# %% [markdown]
# ## 6. Asking for a digit: the conditional generator
#
# `cdcgan` takes a label too: $G(z, y)$, with $y$ embedded and joined to $z$, against a discriminator
# that also sees $y$ (Mirza and Osindero 2014; its projection discriminator, Miyato and Koyama 2018,
# scores an image by how well its features match the label's embedding). Keep $z$ and change $y$: the
# **style** should stay and the **digit** change. Each row is one $z$, each column one digit.

# %%
z_style = gu.latent.sample_z(4, 100, seed=10)
grid = gu.latent.render(cgenerator, np.repeat(z_style, 10, axis=0), labels=np.tile(np.arange(10), 4))
gu.show_images(grid, nrow=10, title="cdcgan (all 60,000 digits); rows: one z each; columns: digits 0-9")
plt.show()

# %% [markdown]
# Does it draw the digit we ask for? For each digit, draw samples and let the reference classifier
# name them. The target is at least 95% for every digit; the last line says whether it is met.

# %%
per_class = gu.latent.conditional_accuracy(cgenerator, n_per_class=gu.fast(500, 20), seed=11)
display(pd.DataFrame({"asked for": range(10), "classified as asked": per_class}).set_index("asked for").T.round(3))
print(f"lowest {per_class.min():.1%} (digit {per_class.argmin()}), mean {per_class.mean():.1%}; "
      f"target >= 95% for every digit: {'met' if per_class.min() >= 0.95 else 'NOT met'}")

# %% [markdown]
# ## 7. GANs and VAEs
#
# The variational autoencoder (VAE; Kingma and Welling 2014, Rezende et al. 2014) is the other classic
# deep generative model. It is **not** adversarial: no discriminator, no game. An **encoder** maps a
# digit $x$ (pixels in $[0, 1]$) to a Gaussian $q_{enc}(z\mid x) = \mathcal{N}\big(\mu(x), \mathrm{diag}(v(x))\big)$
# ($\mathrm{diag}(v)$: the per-coordinate variances $v$ on a matrix's diagonal, 0 elsewhere); a **decoder**
# maps $z$ (16 numbers here) to pixel probabilities $\tilde x$, a Bernoulli model $p(x\mid z)$ (each pixel a
# coin flip, ink with its probability); the prior is $p_z = \mathcal{N}(0, I)$.

# %% [markdown]
# Training maximises the evidence lower bound (ELBO):
# $\log p(x) \ge \mathrm{ELBO}(x) = \mathbb{E}_{z\sim q_{enc}(z\mid x)}\big[\log p(x\mid z)\big] - \mathrm{KL}\big(q_{enc}(z\mid x)\,\|\,p_z\big)$,
# where $\log p(x\mid z)$ is minus notebook 01's binary cross-entropy summed over the $d$ pixels and
# $\mathrm{KL} = \tfrac12\sum_j\big(\mu_j^2 + v_j - 1 - \log v_j\big)$. **The reparameterisation
# trick**: "draw $z$ from $q_{enc}$" has no gradient, so write $z = \mu + \sqrt{v}\odot\xi$ with
# $\xi \sim \mathcal{N}(0, I)$ an input. The cell checks both formulas against `gu.vae` (keras-io's
# MNIST VAE): look for `True` twice.

# %%
# NBVAL_CHECK_OUTPUT
def reparameterise(mean, log_var, xi):
    """z = mean + sqrt(v) * xi: the noise xi is an input, so gradients reach mean and log_var."""
    return mean + np.exp(0.5 * log_var) * xi


def negative_elbo(x, x_tilde, mean, log_var):
    """-ELBO per digit in nats: reconstruction (cross-entropy summed over the d pixels) + KL(q_enc(z|x) || N(0, I))."""
    x_tilde = np.clip(x_tilde, 1e-7, 1 - 1e-7)
    reconstruction = -np.sum(x * np.log(x_tilde) + (1 - x) * np.log(1 - x_tilde), axis=(1, 2, 3))
    kl = 0.5 * np.sum(mean ** 2 + np.exp(log_var) - 1 - log_var, axis=1)
    return reconstruction + kl


vae = gu.vae.VAE(data.x_train, latent_dim=16, batch_size=settings["batch_size"], seed=0)
x_batch = gu.vae.unit_images(data.x_train[:8])
mean, log_var = vae.encode(data.x_train[:8])
xi = np.random.default_rng(0).standard_normal(mean.shape).astype(np.float32)
z = reparameterise(mean, log_var, xi)
x_tilde = np.asarray(vae.decoder(z))
print(f"encoder {vae.encoder.count_params():,} parameters, decoder {vae.decoder.count_params():,}")
print("z as gu.vae computes it:    ", np.allclose(z, gu.vae.reparameterise(mean, log_var, xi), atol=1e-5))
print("-ELBO as gu.vae computes it:", np.allclose(negative_elbo(x_batch, x_tilde, mean, log_var),
                                                  gu.vae.negative_elbo(x_batch, x_tilde, mean, log_var), rtol=1e-4))

# %% [markdown]
# Now a race on the same 4,500 digits, the same number of steps and batch size: the VAE against section
# 1's GAN, trained on from its early checkpoint (1,000 steps each; in classroom mode both stop at the
# early checkpoint's count). The cell prints each model's time per step, their samples beside real
# held-out digits (look for the blurrier row), and the scores; "grey pixels" is the share of pixels
# between 0.1 and 0.9, a simple measure of blur. Its FD uses all 500 held-out digits, a different scale
# from section 2's.

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
print(f"VAE: ELBO on the 500 held-out digits {vae.elbo(data.x_test):.0f} nats per digit (a bound for its Bernoulli "
      f"pixel model, not comparable with section 3's Parzen figures)")

# %% [markdown]
# The printed lines say which model wins each score after the same number of steps. In general:
#
# | | GAN | VAE |
# |---|---|---|
# | trained by | a game against $D$ | maximising the ELBO; no discriminator |
# | likelihood $p(x)$ | none (hence Parzen windows, FD, KID) | a lower bound, the ELBO |
# | from $x$ to $z$ | no encoder | the encoder gives $q_{enc}(z\mid x)$ |
# | samples | sharp when training goes well | often blurry |
# | typical failure | mode collapse, unstable training | blur |

# %% [markdown]
# ## 8. What GANs did next
#
# Scaled up, the same game learned to draw photographs: DCGAN (Radford et al. 2015) made it
# convolutional and trainable; StyleGAN (Karras et al. 2019) reached megapixel faces; BigGAN (Brock et
# al. 2019) trained on ImageNet, with a *truncation trick* that draws $z$ closer to 0 for less variety
# and more fidelity (exercise 2); pix2pix and CycleGAN (Isola et al. 2017, Zhu et al. 2017) translate
# one kind of image into another. Since 2021 diffusion models (Ho et al. 2020; Dhariwal and Nichol
# 2021) lead image synthesis, some with an adversarial loss inside (Rombach et al. 2022). Notebook 07
# compares the families.

# %% [markdown]
# ## Summary
#
# - A GAN's loss measures the game, not the images: measure samples, outside the game.
# - MNIST score, Fréchet distance, KID and classes covered use a reference classifier; compare at equal
#   sample counts. FD is biased by the sample count; KID is not.
# - The Parzen log-likelihood needs the log-sum-exp trick and a width chosen on validation digits,
#   and is unreliable in 784 dimensions.
# - Check copying against the generator's own training digits, with held-out digits as the yardstick
#   (about 1%, up to noise); a low rate is evidence, not proof.
# - Slerp keeps $\|z\|$ typical; a conditional generator draws the digit asked for. A VAE maximises a
#   likelihood bound, with no discriminator.

# %% [markdown]
# ## Exercises
#
# None repeats code from above. Each check names a known mistake; `gu.checks.hint("name")` (the name is
# in each verdict) climbs one level of help per call.
#
# **1. FD by hand.** Without code, work out the Fréchet distance between
# $\mathcal{N}\big((0, 0), \mathrm{diag}(1, 4)\big)$ and $\mathcal{N}\big((1, 2), \mathrm{diag}(4, 9)\big)$
# (variances on the diagonal). Set `fd_by_hand`; once it passes, the check confirms it with your
# `frechet_gaussian`.

# %%
fd_by_hand = None  # a number
gu.checks.check_fd_by_hand(fd_by_hand, confirm_with=frechet_gaussian);

# %% [markdown]
# **2. Predict, then run: truncation.** BigGAN's truncation trick draws $z$ closer to 0. Here every $z$
# is multiplied by 0.5. Against the same reference digits and at the same sample count, will
# `dcgan_embedded`'s FD come out `"higher"`, `"lower"` or `"about the same"`? Set `prediction` in the
# cell's first line, then run it.

# %%
prediction = None  # "higher", "lower" or "about the same"
z_truncation = gu.latent.sample_z(gu.fast(2000, 200), 100, seed=16)
truncation_fd = {}
for name, scale in (("ordinary z", 1.0), ("shrunk z", 0.5)):
    images = gu.latent.render(generator, scale * z_truncation)
    truncation_fd[name] = fd(gu.metrics.features(images))
    print(f"{name:10s} Fréchet distance {truncation_fd[name]:6.2f}   MNIST score {gu.metrics.mnist_score(images):.2f}")
gu.checks.check_predict_truncation(prediction, measured=truncation_fd);

# %% [markdown]
# **3. Diagnose from a nearest-neighbour table.** Four made-up generators, each checked as in section 4
# against its own training digits, with the same held-out digits (whose median nearest distance is
# 5.0). Which one copies? Set `diagnosis` to `"G1"`, `"G2"`, `"G3"` or `"G4"`.

# %%
nn_table = pd.DataFrame(
    {"MNIST score ↑": [9.1, 6.4, 8.7, 7.9], "FD ↓": [6.2, 25.0, 14.5, 11.0],
     "memorisation rate": ["1.2%", "0.0%", "38%", "1.6%"], "median nearest distance": [5.0, 6.3, 2.1, 5.1]},
    index=["G1", "G2", "G3", "G4"])
display(nn_table)
diagnosis = None  # "G1", "G2", "G3" or "G4"
gu.checks.check_copy_diagnosis(diagnosis);

# %% [markdown]
# **4. Design the experiment.** FD's small-sample bias shrinks like $1/n$ (Chong and Forsyth 2020):
# the FD from $n$ samples is about its large-sample value plus $c/n$, with $c$ set by the generator and
# the reference digits. Write `samples_needed(fd_few, n_few, fd_many, n_many, gap)`: fit $c$ to two
# average FDs measured at `n_few` and `n_many` samples, and return the smallest whole $n$ whose bias
# $c/n$ is at most `gap`. Once it passes, the cell tries it on section 2's printed FDs with a gap of 0.5.

# %%
def samples_needed(fd_few, n_few, fd_many, n_many, gap):
    """Return the smallest whole n at which FD's bias c / n is at most gap, c fitted to the two measurements."""
    # Your code here
    return None


if gu.checks.check_samples_needed(samples_needed):
    print(f"section 2: FD's bias falls to 0.5 at {samples_needed(np.mean(few['FD']), n_few, many['FD'], len(dcgan_images), 0.5):,} samples")

# %%
print(f"running time up to here: {time.perf_counter() - start_time:.0f} s (the header gives a 2-core laptop's)")


# %% [markdown]
# ## Solutions
#
# Open the collapsed cell to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# 1. Both covariances are diagonal, so each coordinate is a 1-D problem:
# (mu1 - mu2)^2 + (sqrt(var1) - sqrt(var2))^2, with the variances on the diagonals.
# Coordinate 1: (0 - 1)^2 + (1 - 2)^2 = 2. Coordinate 2: (0 - 2)^2 + (2 - 3)^2 = 5. FD = 7.
fd_by_hand = 7
assert gu.checks.check_fd_by_hand(fd_by_hand, confirm_with=frechet_gaussian)

# 2. "higher". Shrunk z keeps G near the centre of its latent space: the digits vary less, so the covariance of
# their features shrinks, and the trace term Tr(S_r + S_g - 2 (S_r S_g)^(1/2)) charges the lost spread. The MNIST
# score printed beside it says whether the digits at least became more confident.
prediction = "higher"
assert gu.checks.check_predict_truncation(prediction, measured=truncation_fd)

# 3. "G3": 38% of its samples beat the distance only 1% of new real digits beat, and its median nearest distance
# (2.1) is far below the real digits' 5.0. G1 has the best quality scores, but quality says nothing about copying,
# and its rate is near 1%. G2's 0% comes from samples FARTHER from the training digits than real ones (median 6.3):
# rough samples, not privacy. G4's 1.6% is within the noise of a threshold set by a few hundred held-out digits.
diagnosis = "G3"
assert gu.checks.check_copy_diagnosis(diagnosis)

# 4. Each measured FD is the large-sample value plus c / n. Subtracting the two measurements cancels that value:
# fd_few - fd_many = c (1/n_few - 1/n_many). Then c / n <= gap exactly when n >= c / gap, rounded up. The lines
# below print c and n for section 2's numbers, and the bias left in its 5,000-sample FD.
import math


def samples_needed(fd_few, n_few, fd_many, n_many, gap):
    """Return the smallest whole n at which FD's bias c / n is at most gap, c fitted to the two measurements."""
    c = (fd_few - fd_many) / (1 / n_few - 1 / n_many)
    return math.ceil(c / gap - 1e-9)  # the tiny margin keeps an exact integer from rounding up


assert gu.checks.check_samples_needed(samples_needed)
fd_few_mean, n_many = float(np.mean(few["FD"])), len(dcgan_images)
c = (fd_few_mean - many["FD"]) / (1 / n_few - 1 / n_many)
print(f"section 2: FD {fd_few_mean:.2f} from draws of {n_few}, {many['FD']:.2f} from {n_many:,}: c = {c:.0f}; "
      f"bias below 0.5 from {samples_needed(fd_few_mean, n_few, many['FD'], n_many, 0.5):,} samples; "
      f"bias left at {n_many:,}: {c / n_many:.2f}")


# %% [markdown]
# ## References
#
# - Bińkowski, M. et al. (2018). Demystifying MMD GANs. arXiv:1801.01401.
# - Brock, A. et al. (2019). Large Scale GAN Training for High Fidelity Natural
#   Image Synthesis. arXiv:1809.11096.
# - Chong, M. J. and Forsyth, D. (2020). Effectively Unbiased FID and Inception Score and Where to Find
#   Them. arXiv:1911.07023.
# - Chollet, F. (2020). Variational AutoEncoder. https://keras.io/examples/generative/vae/
# - Dhariwal, P. and Nichol, A. (2021). Diffusion Models Beat GANs on Image Synthesis. arXiv:2105.05233.
# - Goodfellow, I. et al. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Härkönen, E. et al. (2020). GANSpace: Discovering Interpretable GAN Controls. arXiv:2004.02546.
# - Heusel, M. et al. (2017). GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
#   Equilibrium. arXiv:1706.08500.

# %% [markdown]
# - Ho, J. et al. (2020). Denoising Diffusion Probabilistic Models. arXiv:2006.11239.
# - Isola, P. et al. (2017). Image-to-Image Translation with Conditional Adversarial Networks. arXiv:1611.07004.
# - Karras, T. et al. (2019). A Style-Based Generator Architecture for Generative
#   Adversarial Networks. arXiv:1812.04948.

# %% [markdown]
# - Kingma, D. P. and Welling, M. (2014). Auto-Encoding Variational Bayes. arXiv:1312.6114.
# - Mirza, M. and Osindero, S. (2014). Conditional Generative Adversarial Nets. arXiv:1411.1784.
# - Miyato, T. and Koyama, M. (2018). cGANs with Projection Discriminator. arXiv:1802.05637.
# - Rezende, D. J. et al. (2014). Stochastic Backpropagation and Approximate Inference in Deep
#   Generative Models. arXiv:1401.4082.
# - Radford, A. et al. (2015). Unsupervised Representation Learning with Deep Convolutional Generative
#   Adversarial Networks. arXiv:1511.06434.
# - Rombach, R. et al. (2022). High-Resolution Image Synthesis with Latent Diffusion Models. arXiv:2112.10752.
# - Salimans, T. et al. (2016). Improved Techniques for Training GANs. arXiv:1606.03498.
# - Shoemake, K. (1985). Animating Rotation with Quaternion Curves. SIGGRAPH '85, doi:10.1145/325165.325242.
# - Theis, L., van den Oord, A. and Bethge, M. (2016). A Note on the Evaluation of Generative Models.
#   arXiv:1511.01844.
# - White, T. (2016). Sampling Generative Networks. arXiv:1609.04468.
# - Zhu, J.-Y. et al. (2017). Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
#   Networks. arXiv:1703.10593.
