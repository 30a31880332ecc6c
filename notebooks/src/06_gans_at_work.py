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
# # 06 · GANs at work: faithful, diverse, useful, and what they give away
#
# **Running time:** about 3 minutes on a 2-core laptop.
#
# The article this course grew from names three uses of GANs (making images, making training data,
# sharing data without sharing people) and one danger: a generator can give away its training data.
# Here you answer four questions with numbers you produce. Is a generator faithful? Is it diverse?
# Is it useful? What does it give away? You write three core pieces, and the notebook runs on yours.
# Terms: the [glossary](../docs/glossary.md).

# %% [markdown]
# The next cell loads the 5,000 embedded digits, 4,500 for training and 500 held out, and two shipped
# generators that were trained on the 4,500 training digits only, so the 500 held-out digits are new
# to both. One draws any digit from noise; the other draws the digit you ask for.

# %%
import time

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

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
generator = gu.load_pretrained("dcgan_embedded")  # unconditional: z -> image (sections 1 and 3)
cgenerator = gu.load_pretrained("cdcgan_embedded")  # conditional: [z, digit] -> image (section 2)
manifest = gu.pretrained.pretrained_manifest()
for name in ("dcgan_embedded", "cdcgan_embedded"):
    print(f"{name:15s} trained for {manifest[name]['steps']:,} steps on the {len(x_train):,} training digits; "
          f"the {len(x_test)} held-out digits are new to it")

# %% [markdown]
# ## 1. Fidelity against diversity
#
# Notebook 05's Fréchet distance (FD) and MNIST score fold two questions into one number. Do the
# samples look like real digits (**fidelity**)? Do they cover all the ways real digits vary
# (**diversity**)? A generator that draws one perfect 7 again and again has fidelity and no
# diversity. **Precision** and **recall** for generative models (Kynkäänniemi et al. 2019) answer
# the two questions separately.

# %% [markdown]
# They work in the reference classifier's space of 128 features (notebook 05, section 2). Around each
# real digit's feature vector, draw a ball that reaches its 3rd-nearest other real vector: together
# the balls mark where real digits live. **Precision** is the share of generated vectors inside at
# least one real ball. **Recall** swaps the roles: the share of real vectors inside at least one ball
# drawn around the generated vectors.

# %% [markdown]
# Write `precision_recall(real, fake, neighbours=3)`: `real` and `fake` are feature arrays of shape
# (number of vectors, features). A vector is inside a ball when its distance to the centre is at most
# the radius. Thousands of vectors fit in memory as one table of distances per pair of sets.

# %% tags=["build"]
def precision_recall(real, fake, neighbours=3):
    """Return (precision, recall) of the fake rows against the real rows, each ball reaching the neighbours-th nearest other row."""
    def distances(a, b):  # every row of a against every row of b
        squared = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2 * a @ b.T
        return np.sqrt(np.maximum(squared, 0))

    def radii(points):  # column 0 of the sorted distances is each point's distance to itself
        return np.sort(distances(points, points), axis=1)[:, neighbours]

    def covered(queries, centres):  # is each query inside at least one ball around the centres?
        return (distances(queries, centres) <= radii(centres)[None, :]).any(axis=1)

    return float(covered(fake, real).mean()), float(covered(real, fake).mean())


# %%
gu.checks.check_precision_recall(precision_recall)
precision_recall = gu.checks.yours_or_reference(precision_recall)

# %% [markdown]
# First on a picture you can check by eye: real points in two clusters, generated points on only one
# of them. Every generated point sits among real ones, so precision should be near 1; half the real
# points have no generated point near them, so recall should be near one half.

# %%
rng = np.random.default_rng(0)
real_2d = np.concatenate([rng.normal((-2, 0), 0.5, (200, 2)), rng.normal((2, 0), 0.5, (200, 2))])
fake_2d = rng.normal((-2, 0), 0.5, (200, 2))
p_2d, r_2d = precision_recall(real_2d, fake_2d)
fig, ax = plt.subplots(figsize=(6, 2.8))
ax.scatter(*real_2d.T, s=6, color=gu.plotting.PALETTE["real"].colour, label="real")
ax.scatter(*fake_2d.T, s=6, color=gu.plotting.PALETTE["fake"].colour, label="generated")
ax.set_aspect("equal"), ax.legend(fontsize=8, loc="upper right")
ax.set_title(f"precision {p_2d:.2f}, recall {r_2d:.2f}", fontsize=10)
plt.show()

# %% [markdown]
# Now the digits: 4,500 samples of `dcgan_embedded` against its 4,500 training digits, with your
# function, beside notebook 05's two scores (FD against the 500 held-out digits, as in 05). Read the
# two new numbers separately: precision says how many samples look like some real digit, recall how
# much of the real variety the samples reach.

# %%
n_pr = gu.fast(4500, 300)
real_features = gu.metrics.features(x_train[:n_pr])
z_pr = gu.latent.sample_z(n_pr, 100, seed=6)


def measure(psi):
    """Precision, recall, FD and MNIST score of samples from z scaled by psi."""
    images = gu.latent.render(generator, gu.latent.truncate(z_pr, psi))
    precision, recall = precision_recall(real_features, gu.metrics.features(images))
    return {"psi": psi, "precision": precision, "recall": recall,
            "frechet_distance": gu.metrics.frechet_distance(images, x_test),
            "mnist_score": gu.metrics.mnist_score(images), "classes covered": gu.metrics.classes_covered(images),
            "images": images[:10]}


untruncated = measure(1.0)
print(f"dcgan_embedded, {n_pr:,} samples: precision {untruncated['precision']:.2f}, "
      f"recall {untruncated['recall']:.2f}, FD {untruncated['frechet_distance']:.2f}, "
      f"MNIST score {untruncated['mnist_score']:.2f}")

# %% [markdown]
# ### The truncation trick
#
# The **truncation trick** trades one for the other (Brock et al. 2019 redraw large entries of $z$;
# StyleGAN, Karras et al. 2019, shrinks towards a mean). Here every $z$ is multiplied by a factor $\psi$ between 0 and 1,
# as in notebook 05's exercise 2 ($\psi = 0.5$). Samples move towards $z = 0$, the densest point of
# $p_z$, and vary less. Notebook 05 also warned that $G$ trained on $z$ of length about 10, so a small
# $\psi$ hands it inputs it rarely saw.

# %% [markdown]
# The next cell measures five values of $\psi$ on the same noise, with ten samples of each. Watch
# precision climb while recall falls and the samples grow alike, and look at the last row: at
# $\psi = 0.2$ the samples themselves get worse, faint and blotchy, while precision still rises.

# %%
sweep = [untruncated] + [measure(psi) for psi in (0.8, 0.6, 0.4, 0.2)]  # the same noise for every psi
display(pd.DataFrame(sweep).drop(columns="images").set_index("psi").round(3))
fig, axes = plt.subplots(len(sweep), 1, figsize=(7, 0.85 * len(sweep)))
for ax, row in zip(axes, sweep):
    gu.show_images(row["images"], nrow=10, ax=ax)
    ax.set_title(f"ψ = {row['psi']}: precision {row['precision']:.2f}, recall {row['recall']:.2f}", fontsize=8)
plt.tight_layout()
plt.show()

# %% [markdown]
# When you run the notebook, drag the slider to see it for yourself: the same 32 noise vectors scaled
# by $\psi$, and on the right the measured precision-recall curve with a star at the slider's $\psi$
# (between measured values, the star is placed by straight-line interpolation).

# %%
truncation_explorer = gu.TruncationExplorer(generator, sweep, seed=0, n=32)
display(truncation_explorer)

# %% [markdown]
# Now read the table's other columns. FD needs the right spread as well as realistic digits: it
# worsens at every step down in $\psi$, even while precision improves. The MNIST score falls as the
# samples become less clear-cut, and at $\psi = 0.2$ they also crowd into 6 of the 10 digits
# ([classes covered](../docs/glossary.md#classes-covered), notebook 03). A single number cannot say
# which of the two a generator lacks; precision and recall can.

# %% [markdown]
# ## 2. Digits that train a classifier
#
# **Data augmentation** adds generated examples to a training set when real labelled ones are scarce.
# A conditional generator draws the class you ask for, so its samples come with labels. The honest
# test: notebook 01's MLP classifier, trained on $n_{\text{class}}$ real digits per class with and
# without 450 generated digits per class, then tested on the 500 held-out digits that neither the
# classifier nor `cdcgan_embedded` ever saw.

# %% [markdown]
# The next cell runs one seed for $n_{\text{class}}$ = 10 and 450 (all the training digits), each
# classifier for the same number of gradient steps (1,000). Look at the gain from the generated
# digits at each $n_{\text{class}}$: the last column minus the middle one.

# %%
steps_clf = gu.fast(1000, 20)
live_aug = [gu.usefulness.augmentation_trial(data, cgenerator, n, steps=steps_clf, seed=0)
            for n in gu.fast((10, 450), (10,))]
display(pd.DataFrame(live_aug)[["n_per_class", "real_only", "augmented"]].round(3)
        .rename(columns={"n_per_class": "real digits per class", "real_only": "real only", "augmented": "with generated"})
        .set_index("real digits per class"))

# %% [markdown]
# One seed can mislead: the classifier's starting weights and the digits drawn both change with it.
# The committed run repeats this on three seeds, with $n_{\text{class}}$ = 50 too; the table gives
# the median and, in brackets, the range. The last column says whether the generated digits helped
# on every seed.

# %%
augmentation = gu.at_work.load_results("augmentation")
if augmentation is not None:
    display(gu.at_work.augmentation_table(augmentation))

# %% [markdown]
# With 10 real digits per class, the generated digits add more than ten points on every seed. With
# 50 the gain shrinks. With all 450 they cost a little on every seed: the generator learnt from
# those very digits, so its imitations add nothing new, and in the same 1,000 steps the classifier
# sees each real digit half as often. Augmentation helps where real data are scarce.

# %% [markdown]
# Be clear about what the 10-per-class gain is. `cdcgan_embedded` learnt from all 4,500 labelled
# training digits, so its samples pass on what it learnt from the 4,400 the classifier never saw.
# This is the setting where a generator trained on a large collection helps a small task. A
# generator trained on the same 100 digits could not add that knowledge.

# %% [markdown]
# ### The classification accuracy score
#
# The **classification accuracy score** (CAS, Ravuri and Vinyals 2019) turns this into a measure of a
# conditional generator: train the classifier on generated digits only, 450 per class, and test it on
# real ones. Digits that look right but carry the wrong label, or only the easy version of each
# class, score low even with a good FD. The next cell measures `cdcgan_embedded` live, then the
# table (FD there: 10,000 samples against the 500 held-out digits).

# %%
if gu.classroom_replaces("read the committed CAS from data/results/augmentation.json",
                         "training a classifier on 4,500 generated digits", "train it"):
    cas_live = None
else:
    cas_live = gu.usefulness.classification_accuracy_score(cgenerator, data, n_per_class=gu.fast(450, 10),
                                                           steps=steps_clf, seed=0)
    print(f"cdcgan_embedded, seed 0: CAS {cas_live:.1%}")
if augmentation is not None:
    display(gu.at_work.cas_table(augmentation))

# %% [markdown]
# The last row is the ceiling: the same classifier trained on all 450 real digits per class (the
# augmentation run's "real only" row).
# `cdcgan`'s row is flagged: it was trained on all 60,000 MNIST digits, which include these 500 test
# digits, so its score is not a fair test. `cdcgan_embedded`'s digits teach about five points less
# than the real digits they imitate, although its MNIST score is near the maximum of 10.

# %% [markdown]
# ## 3. What a generator leaks
#
# A hospital trains a GAN on patients' scans and publishes it. An attacker holding one person's scan
# asks: was this scan in the training set? That is **membership inference**. Hayes et al. (2019)
# give two attacks. **White-box**, with $D$ in hand: rank the candidates by $D$'s raw output (a logit,
# or a critic score $s(x)$), since $D$ saw its members many times. **Black-box**, with samples only:
# rank them by how close the nearest generated sample comes.

# %% [markdown]
# To score an attack, use candidates whose answer we know: members (training digits) and non-members
# (held-out digits). Each gets a **membership score**. The **ROC curve** plots, for every threshold,
# the share of members flagged (true-positive rate) against the share of non-members flagged
# (false-positive rate). The area under it, the **AUC**, equals the chance that a random member
# outscores a random non-member, a tie counting half: 0.5 is guessing, 1 a perfect attack.

# %% [markdown]
# Write `attack_auc(member_scores, nonmember_scores)` from that last sentence. The two arrays are
# one-dimensional and may have different lengths; a higher membership score means "more likely a
# member". The ROC curve itself comes from `gu.privacy.roc_curve`, used below; your function gives
# its area without drawing it.

# %% tags=["build"]
def attack_auc(member_scores, nonmember_scores):
    """Return the chance that a random member outscores a random non-member, ties counting half."""
    m = np.asarray(member_scores, dtype=float)[:, None]
    n = np.asarray(nonmember_scores, dtype=float)[None, :]
    return float((m > n).mean() + 0.5 * (m == n).mean())


# %%
gu.checks.check_attack_auc(attack_auc)
attack_auc = gu.checks.yours_or_reference(attack_auc)

# %% [markdown]
# A generator leaks most when it sees few digits many times. The next cell trains the course recipe
# (notebook 04) on only 100 training digits, so each is seen hundreds of times, and attacks it with
# your `attack_auc` at three points of training: the 100 members against the 500 held-out digits.
# Watch the white-box AUC.

# %%
shuffled = x_train[np.random.default_rng(0).permutation(len(x_train))]  # the order the committed run uses
members, nonmembers = shuffled[:100], x_test
settings = gu.recipes.recipe("dcgan")
sizes = settings.pop("sizes")
milestones = gu.fast((250, 500, 1000), (2, 4))
membership = gu.at_work.load_results("membership")
live_curve = {}
if gu.classroom_replaces("draw the committed run on 100 digits (data/results/membership.json)",
                         f"training on 100 digits for {milestones[-1]:,} steps", "train it"):
    leaky = None
else:
    leaky = gu.GANTrainer("dcgan", members, **settings, **sizes, seed=0)
    for step in milestones:
        leaky.fit(steps=step - leaky.step_count, progress=False)
        samples = leaky.sample(gu.fast(5000, 200))
        live_curve[str(step)] = {
            "white_box": attack_auc(gu.privacy.white_box_scores(leaky.discriminator, members),
                                    gu.privacy.white_box_scores(leaky.discriminator, nonmembers)),
            "black_box": attack_auc(gu.privacy.black_box_scores(samples, members),
                                    gu.privacy.black_box_scores(samples, nonmembers))}
        print(f"step {step:5,}: white-box AUC {live_curve[str(step)]['white_box']:.2f}, "
              f"black-box AUC {live_curve[str(step)]['black_box']:.2f}")

# %% [markdown]
# The ROC curves of the last step show where that AUC comes from, beside the black-box attack on the
# shipped `dcgan_embedded`, trained on all 4,500 digits (500 of them as candidates). A curve along the
# dotted diagonal is guessing; one bowed towards the top left flags many members before many
# non-members.

# %%
shipped_samples = gu.pretrained.generate(generator, gu.fast(5000, 200), seed=0)
curves = {"dcgan_embedded, black-box": (gu.privacy.black_box_scores(shipped_samples, shuffled[:500]),
                                        gu.privacy.black_box_scores(shipped_samples, nonmembers))}
if leaky is not None:
    curves = {"100 digits, white-box": (gu.privacy.white_box_scores(leaky.discriminator, members),
                                        gu.privacy.white_box_scores(leaky.discriminator, nonmembers)),
              "100 digits, black-box": (gu.privacy.black_box_scores(samples, members),
                                        gu.privacy.black_box_scores(samples, nonmembers)), **curves}
fig, ax = plt.subplots(figsize=(4.2, 4))
for label, (member_scores, nonmember_scores) in curves.items():
    fpr, tpr = gu.privacy.roc_curve(member_scores, nonmember_scores)
    # the same colours as the membership curves below: red for 100 digits, blue for 4,500
    ax.plot(fpr, tpr, color=gu.plotting.PALETTE["fix" if "dcgan" in label else "failure"].colour,
            linestyle="--" if "black" in label else "-",
            label=f"{label}: AUC {attack_auc(member_scores, nonmember_scores):.2f}")
ax.plot([0, 1], [0, 1], color=gu.plotting.PALETTE["D says fake"].colour, lw=0.8, ls=":")
ax.set_xlabel("false-positive rate"), ax.set_ylabel("true-positive rate"), ax.legend(fontsize=7)
ax.set_title("ROC curves of the membership attacks", fontsize=10)
plt.show()

# %% [markdown]
# The committed run trains the same recipe on 100, 500 and all 4,500 digits and attacks each at five
# points of training, up to 6,000 steps; the live run is the dashed line. Look for two trends: the AUC
# mostly rises with steps, and it falls as the training set grows. The black-box attack on 100 digits
# peaks at 2,000 steps.

# %%
if membership is not None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
    for ax, attack in zip(axes, ("white_box", "black_box")):
        gu.at_work.plot_membership_curve(membership["curve"], ax=ax, attack=attack,
                                         live={"100": live_curve} if live_curve else None)
    plt.show()
    for name, row in membership["shipped"].items():
        print(f"shipped {name}: black-box AUC {row['black_box']:.2f} ({row['n_train']:,} digits, {row['steps']:,} steps)")

# %% [markdown]
# The white-box attack is the stronger one: $D$ is where memorisation shows first. The shipped
# generators, trained on all 4,500 digits, sit near 0.5 against a black-box attacker. Notebook 05's
# memorisation rate asked whether samples copy training digits; membership inference asks a subtler
# question: does the model reveal which digits it was trained on?

# %% [markdown]
# ### A defence: differentially private training
#
# **Differential privacy** (DP) promises that training would produce almost the same model, in
# probability, had any one digit been left out, so no attack can learn much about that digit.
# **DP-SGD** (Abadi et al. 2016) gets there by changing $D$'s gradient step. Take each digit's
# gradient separately, clip each to length at most $c_{\text{clip}}$, sum them, add Gaussian noise of
# standard deviation $\nu\, c_{\text{clip}}$ ($\nu$: the **noise multiplier**), divide by the batch size $B$.

# %% [markdown]
# $G$ never touches a training digit: it learns only through $D$'s judgements, so it inherits $D$'s
# guarantee, a **privacy budget** $(\varepsilon_{\text{DP}}, \delta_{\text{DP}})$. Leaving one digit
# out changes the probability of any outcome by a factor of at most $e^{\varepsilon_{\text{DP}}}$,
# except with probability $\delta_{\text{DP}}$; smaller is stronger.

# %% [markdown]
# An **accountant** computes $\varepsilon_{\text{DP}}$ for a chosen $\delta_{\text{DP}}$ (we use
# $10^{-5}$) from $\nu$, the **sample rate** (the share of the training digits in each batch) and the
# number of steps. We use Google's maintained `dp_accounting` package rather than a formula of our
# own: the bound is subtle, and a maintained accountant has been checked by many people.

# %% [markdown]
# Write `privatise(per_example, clip_norm, noise_multiplier, noise)`. `per_example` is a TensorFlow
# tensor of shape $(B, P)$: one row per digit, one column per weight of $D$; `noise` holds $P$ draws
# from $\mathcal{N}(0, 1)$. Return $D$'s private gradient, shape $(P,)$. Use TensorFlow operations,
# not NumPy: the training step calls your function inside a compiled `tf.function`, where a tensor
# has no NumPy values yet.

# %% tags=["build"]
def privatise(per_example, clip_norm, noise_multiplier, noise):
    """Clip each row to length clip_norm, sum the rows, add noise_multiplier * clip_norm * noise, divide by the batch size."""
    lengths = tf.norm(per_example, axis=1, keepdims=True)
    clipped = per_example * tf.minimum(1.0, clip_norm / tf.maximum(lengths, 1e-12))  # short rows stay as they are
    total = tf.reduce_sum(clipped, axis=0) + noise_multiplier * clip_norm * noise
    return total / tf.cast(tf.shape(per_example)[0], tf.float32)


# %%
gu.checks.check_privatise(privatise)
privatise = gu.checks.yours_or_reference(privatise)

# %% [markdown]
# Now the comparison, on a scale that runs here in seconds: notebook 03's MLP GAN made small ($m = 64$
# hidden units in each network: DP-SGD's noise grows with the number of weights it covers), on the
# same 100 digits for 3,000 steps, once as usual and once with your `privatise` in $D$'s step
# ($c_{\text{clip}} = 1$, $\nu = 1$, $B = 32$, $\delta_{\text{DP}} = 10^{-5}$). Compare the AUCs,
# MNIST scores and $\varepsilon_{\text{DP}}$.

# %%
DP_SETTINGS = dict(model="mlp", hidden=64, batch_size=32, lr=1e-3)
NU, DP_STEPS = 1.0, gu.fast(3000, 5)
dp_members = members  # the same 100 digits as the leaky run above
dp_runs = {}
for label, extra in (("as usual", {}), ("DP-SGD", dict(clip_norm=1.0, noise_multiplier=NU, privatise_fn=privatise))):
    run = gu.privacy.train_small_gan(dp_members, DP_STEPS, seed=0, **DP_SETTINGS, **extra)
    aucs = gu.privacy.membership_aucs(run, dp_members, nonmembers, n_samples=gu.fast(5000, 200))
    dp_runs[label] = {"white-box AUC": aucs["white_box"], "black-box AUC": aucs["black_box"],
                      "MNIST score": gu.metrics.mnist_score(run.sample(gu.fast(2000, 100))),
                      "epsilon_DP": run.epsilon, "seconds": run.seconds, "run": run}
display(pd.DataFrame({label: {key: value for key, value in row.items() if key != "run"}
                      for label, row in dp_runs.items()}).T.astype(float).round(2))

# %% [markdown]
# The next cell draws 32 samples of each run, then the committed run of the same comparison on three
# seeds: the median of each number and, in brackets, its range. Look at the samples before the
# numbers: what has each generator learnt?

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 2.4))
for ax, (label, row) in zip(axes, dp_runs.items()):
    gu.show_images(row["run"].sample(32, seed=1), nrow=16, ax=ax, title=f"{label}: MNIST score {row['MNIST score']:.2f}")
plt.show()
if membership is not None and membership["dp"]:
    display(gu.at_work.dp_table(membership["dp"]))

# %% [markdown]
# Both attacks fell to chance under DP-SGD, on every seed, but not thanks to the guarantee: an
# $\varepsilon_{\text{DP}}$ near 500 promises nothing, since a factor of $e^{500}$ bounds no
# probability. They fell because $G$ learnt nothing: it draws one noisy blob again and again (an MNIST
# score of 1). The small GAN without DP is weak too (rough digits), yet its $D$ gives its members away.

# %% [markdown]
# On 100 digits, even noise far too weak for any guarantee drowned everything $D$ could learn. A
# meaningful budget needs many more training digits per unit of noise: exercise 4 asks how much noise
# a budget of 3 needs on all 4,500 digits.

# %% [markdown]
# ## 4. Use with care
#
# The same machinery makes **deepfakes**: realistic images or video of people saying or doing what
# they never did. Faces, voices and medical records belong to people who rarely consented to train a
# generator. Before you publish a generator or its samples, ask whose data it learnt from, who could
# be harmed by a realistic fake, and whether an attack like section 3's could identify them.

# %% [markdown]
# A generator also inherits the **biases** of its training data, and may sharpen them. The committed
# run trained the course recipe on an unbalanced subset: 450 of each digit 0-4 and only 45 of each
# 5-9. The chart sets each digit's share among 10,000 samples, read by the reference classifier,
# beside its share of the training digits; the table under it gives the numbers and their ratio.

# %%
if membership is not None and membership["bias"]:
    bias = membership["bias"]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    classes = np.arange(10)
    ax.bar(classes - 0.2, bias["train_shares"], width=0.4, color=gu.plotting.PALETTE["real"].colour, label="training digits")
    ax.bar(classes + 0.2, bias["sample_shares"], width=0.4, color=gu.plotting.PALETTE["fake"].colour, label="samples")
    ax.set_xticks(classes), ax.set_xlabel("digit"), ax.set_ylabel("share"), ax.legend(fontsize=8)
    plt.show()
    shares = pd.DataFrame({"training share": bias["train_shares"], "sample share": bias["sample_shares"]})
    shares["ratio"] = shares["sample share"] / shares["training share"]
    display(shares.rename_axis("digit").T.round(3))

# %% [markdown]
# The common digits stay near their share (ratios from about 0.9 to 1.05). The rare ones do not: 5 and
# 6 fall to about half of theirs, while 7, 8 and 9 rise above theirs. An imbalance in the data does not
# simply carry over; it can shrink some groups further. The chart is itself an estimate: the classifier
# counts a malformed sample as whichever digit it resembles most. Measure before you use the samples.

# %% [markdown]
# **Discuss.** (1) A clinic wants to share synthetic patient records instead of real ones. What would
# you measure before agreeing, and what would an AUC of 0.6 mean for one patient? (2) Who should be
# asked before a face generator is trained on photos from the web? (3) A generator for loan
# applications under-draws one group: how would a model trained on its samples treat that group?

# %% [markdown]
# ## Summary
#
# - Precision asks whether samples look real; recall whether they cover the real variety. FD mixes
#   the two; the truncation trick trades recall for precision.
# - Generated digits help a classifier when real ones are scarce, not when they are plentiful; the
#   CAS measures what a conditional generator's digits teach.
# - Membership inference scores a leak as an AUC; few digits seen many times leak most, $D$ most of all.
# - DP-SGD clips and noises each digit's gradient; an accountant turns the noise into a budget
#   $(\varepsilon_{\text{DP}}, \delta_{\text{DP}})$. On few digits it costs everything $G$ learns.
# - Measure a generator's class balance before using its samples.

# %% [markdown]
# ## Exercises
#
# None repeats code from above. Each check names a known mistake; `gu.checks.hint("name")` (the name is
# in each verdict) climbs one level of help per call.
#
# **1. Predict: the limit of truncation (section 1).** As $\psi$ shrinks towards 0, every sample
# approaches the same image, $G(0)$. Suppose all 4,500 samples are exactly $G(0)$. Predict, without
# running anything, their recall against the training digits (a number), and which values their
# precision can take. Set both in the cell.

# %%
recall_at_zero = None  # a number
precision_values = None  # "only 0 or 1", or "anything between 0 and 1"
gu.checks.check_predict_psi_zero(recall=recall_at_zero, precision_values=precision_values);

# %% [markdown]
# **2. Diagnose: which generator to add (section 2).** Three conditional generators were measured as in
# section 2. You have 10 real digits per class and will add 450 generated ones per class. Which
# generator do you pick, and why not the other two? Set `augmenter` to `"A"`, `"B"` or `"C"`.

# %%
display(pd.DataFrame({"FD ↓": [2.1, 9.5, 2.4], "CAS ↑": ["42%", "91%", "84%"]}, index=["A", "B", "C"]))
augmenter = None  # "A", "B" or "C"
gu.checks.check_diagnose_augmenter(augmenter);

# %% [markdown]
# **3. AUCs by hand (section 3).** An attack gives members the membership scores 0.9, 0.4 and 0.7,
# and non-members 0.4, 0.1, 0.3 and 0.8. Without code, work out its AUC; then the AUC of an attacker
# who ranks by minus these scores, and of one who gives every candidate the same score. Once all
# three pass, the check confirms the first with your `attack_auc`.

# %%
auc_answer = None  # a number: the attack's AUC
reversed_auc = None  # a number: the AUC when ranking by minus the score
constant_auc = None  # a number: the AUC when every candidate gets the same score
gu.checks.check_auc_by_hand(auc_answer, reversed_auc, constant_auc, confirm_with=attack_auc);

# %% [markdown]
# **4. Design: noise for a budget (section 3).** You will train a private $D$ on all 4,500 training
# digits with batches of $B = 64$ for 4,000 steps, at $\delta_{\text{DP}} = 10^{-5}$. Find the smallest
# noise multiplier $\nu$ on the grid 0.1, 0.2, ..., 5.0 whose $\varepsilon_{\text{DP}}$ is at most 3.
# `gu.privacy.dp_epsilon(noise_multiplier, sample_rate, steps, delta)` is the accountant. Set
# `noise_needed`.

# %%
noise_needed = None  # a number on the grid
gu.checks.check_noise_for_budget(noise_needed);

# %% [markdown]
# **5. Is the gap real? (section 4).** The committed bias run (`membership["bias"]`) holds
# `train_shares` and `sample_shares` (one number per digit 0-9) and `n_samples`. Even a perfect
# generator's shares stray by chance: a share $p$ among $N_{\text{samples}}$ draws has standard deviation
# $\sqrt{p(1-p)/N_{\text{samples}}}$. Find the digits drawn more than two standard deviations below
# their training share ($p$). Set `under_drawn` to a set of digits.

# %%
under_drawn = None  # a set of digits, e.g. {1, 2}
gu.checks.check_bias_classes(under_drawn);

# %%
print(f"running time up to here: {time.perf_counter() - start_time:.0f} s (the header gives a 2-core laptop's)")

# %% [markdown]
# ## Solutions
#
# Open the collapsed cell to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# 1. Every sample is G(0) (the limit psi -> 0), so all 4,500 generated feature vectors are identical. A generated vector's
# 3rd-nearest other generated vector is an identical copy at distance 0: every ball around a sample has
# radius 0, and no real vector lies exactly on G(0)'s, so recall is 0. Precision asks one question 4,500
# times (is G(0) inside a real ball?), so it is 1 if it is and 0 if not.
recall_at_zero, precision_values = 0.0, "only 0 or 1"
assert gu.checks.check_predict_psi_zero(recall=recall_at_zero, precision_values=precision_values)

# 2. "B". CAS is the real-digit accuracy of a classifier trained only on a generator's digits: exactly what
# augmentation uses. B's digits look worse (FD 9.5) but teach the most (91%); A looks real but is often
# mislabelled (42%); C looks more real than B (FD 2.4) but teaches less (84%): FD compares the features'
# mean and spread whatever the labels.
augmenter = "B"
assert gu.checks.check_diagnose_augmenter(augmenter)

# 3. 12 pairs: 0.9 beats all 4; 0.4 beats 0.1 and 0.3 and ties 0.4 (half); 0.7 beats 0.4, 0.1 and 0.3.
# (4 + 2.5 + 3) / 12 = 9.5 / 12 = 0.79. Minus the score turns each win into a loss and keeps the tie:
# (0 + 1.5 + 1) / 12 = 2.5 / 12 = 1 - 0.79. One score for all makes every pair a tie: 0.5.
auc_answer = 9.5 / 12
reversed_auc = 2.5 / 12
constant_auc = 0.5
assert gu.checks.check_auc_by_hand(auc_answer, reversed_auc, constant_auc, confirm_with=attack_auc)

# 4. Walk up the grid with the accountant until epsilon drops to 3 or below.
sample_rate = 64 / 4500
noise_needed = next(nu for nu in np.round(np.arange(0.1, 5.01, 0.1), 1)
                    if gu.privacy.dp_epsilon(nu, sample_rate, 4000, 1e-5) <= 3)
print(f"nu = {noise_needed}: epsilon_DP = {gu.privacy.dp_epsilon(noise_needed, sample_rate, 4000, 1e-5):.2f}")
assert gu.checks.check_noise_for_budget(noise_needed)

# 5. A share p among n_samples draws strays from p by about sqrt(p (1 - p) / n_samples) by chance alone.
if membership is not None and membership["bias"]:
    bias = membership["bias"]
    p, share, n_samples = np.array(bias["train_shares"]), np.array(bias["sample_shares"]), bias["n_samples"]
    sd = np.sqrt(p * (1 - p) / n_samples)
    under_drawn = {c for c in range(10) if share[c] < p[c] - 2 * sd[c]}
    print("under-drawn digits:", sorted(under_drawn), " gaps in standard deviations:", np.round((share - p) / sd, 1))
    assert gu.checks.check_bias_classes(under_drawn)

# %% [markdown]
# ## References
#
# - Abadi, M. et al. (2016). Deep Learning with Differential Privacy. arXiv:1607.00133.
# - Brock, A. et al. (2019). Large Scale GAN Training for High Fidelity Natural Image Synthesis.
#   arXiv:1809.11096.
# - Google (2024). dp_accounting: tools for tracking differential privacy budgets.
#   https://github.com/google/differential-privacy/tree/main/python
# - Hayes, J. et al. (2019). LOGAN: Membership Inference Attacks Against Generative Models.
#   arXiv:1705.07663.

# %% [markdown]
# - Karras, T. et al. (2019). A Style-Based Generator Architecture for Generative Adversarial
#   Networks. arXiv:1812.04948.
# - Kynkäänniemi, T. et al. (2019). Improved Precision and Recall Metric for Assessing Generative
#   Models. arXiv:1904.06991.
# - Ravuri, S. and Vinyals, O. (2019). Classification Accuracy Score for Conditional Generative
#   Models. arXiv:1905.10887.
