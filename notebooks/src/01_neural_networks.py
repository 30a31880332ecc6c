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
# # 01 · Neural networks: from one neuron to a digit classifier
#
# A GAN's discriminator is a classifier. Here you build one from the ground up: a neuron, a loss,
# gradient descent and backpropagation, then Keras classifiers that read handwritten digits.
#
# **Running time:** about a minute on a 2-core laptop.
#
# **Your turn.** A cell that defines a function with a docstring is yours to write (your copy leaves
# its body empty; the course's own notebook holds a worked solution). The next cell checks it, then
# hands the notebook your function if it passed, else the course's version, in one printed line: the
# notebook always runs to the end. `gu.checks.hint("name")` helps, one level per call. Terms in bold
# are defined where they first appear; the [glossary](../docs/glossary.md) has more.

# %%
import time

import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display
from keras import layers

gu.set_seed(0)  # extra code – makes every run of this notebook repeatable on a CPU
colours = gu.plotting.PALETTE  # extra code – the course's colour-blind-safe colours

# %% [markdown]
# ## 1. A neuron
#
# A neuron takes inputs $x_1, \dots, x_d$, multiplies each by a **weight** $w_j$, adds a **bias**
# $b$ and passes the sum through an **activation function** $f$:
#
# $$a = \sum_{j=1}^{d} w_j x_j + b = \mathbf{w}^\top \mathbf{x} + b, \qquad \text{output} = f(a).$$
#
# Learning adjusts the weights and the bias. $a$ is the **pre-activation**. (Many books call it $z$;
# in this course $z$ is always a generator's random input.)
#
# The **sigmoid** $\sigma(a) = 1/(1+e^{-a})$ squashes any $a$ into $(0, 1)$, so its output reads as a
# probability; a pre-activation fed to a sigmoid is called a [**logit**](../docs/glossary.md#logit).
# Write it below for a whole NumPy array of pre-activations at once. The next cell checks it, and the
# notebook then uses yours.

# %% tags=["build"]
def sigmoid(a):
    """The sigmoid 1 / (1 + exp(-a)) of an array of pre-activations a, element by element."""
    a = np.asarray(a, dtype=float)
    e = np.exp(-np.abs(a))  # never overflows, even for a = -1000
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


# %%
gu.checks.check_sigmoid(sigmoid)
sigmoid = gu.checks.yours_or_reference(sigmoid)

# %% [markdown]
# Here is one neuron with two inputs and your sigmoid as its activation. Check the arithmetic by
# hand: $a = 0.5 \cdot 2 + 0.25 \cdot (-1) + 0.1 = 0.85$.

# %%
# NBVAL_CHECK_OUTPUT
x_one = np.array([2.0, -1.0])
w_one = np.array([0.5, 0.25])
b_one = 0.1
a_one = w_one @ x_one + b_one
print(f"a = {a_one:.4f}")
print(f"sigmoid(a) = {float(sigmoid(a_one)):.4f}")

# %% [markdown]
# Training moves every weight against the **gradient**: the derivatives of an error measure (section
# 2's loss) with respect to the weights. The **chain rule** builds them: the slope of $f(g(a))$ is
# $f'(g(a))\,g'(a)$, the slopes of the two steps multiplied. So each activation's **derivative** (its
# slope) is one factor of the gradient, and decides how much training signal gets back through the
# neuron. Differentiate $\sigma(a) = (1+e^{-a})^{-1}$ with the chain rule, then write the result using
# the sigmoid's own output. Write `sigmoid_derivative`, calling your `sigmoid`.

# %% tags=["build"]
def sigmoid_derivative(a):
    """The slope of the sigmoid at each pre-activation a."""
    s = sigmoid(a)
    return s * (1 - s)


# %%
gu.checks.check_sigmoid_derivative(sigmoid_derivative)
sigmoid_derivative = gu.checks.yours_or_reference(sigmoid_derivative)

# %% [markdown]
# Three more activations appear again and again: **tanh** (an S-shape like the sigmoid, from $-1$ to
# $1$), **ReLU** ($\max(a, 0)$) and [**LeakyReLU**](../docs/glossary.md#leakyrelu) ($a$ for $a>0$,
# else $0.2a$). The plot's top row shows each function, the bottom row its derivative; the sigmoid
# column is drawn with your two functions. Look at the bottom row: where is each slope near zero?

# %%
a = np.linspace(-5, 5, 401)
activations = {
    "sigmoid": (sigmoid(a), sigmoid_derivative(a)),
    "tanh": (np.tanh(a), 1 - np.tanh(a) ** 2),
    "ReLU": (np.maximum(a, 0), (a > 0).astype(float)),
    "LeakyReLU (0.2)": (np.where(a > 0, a, 0.2 * a), np.where(a > 0, 1.0, 0.2)),
}
fig, axes = plt.subplots(2, 4, figsize=(12, 4.5), sharex=True)
for col, (name, (value, slope)) in enumerate(activations.items()):
    axes[0, col].plot(a, value, color=colours["D"].colour)
    axes[0, col].set_title(name)
    axes[1, col].plot(a, slope, color=colours["fake"].colour)
    axes[1, col].set_ylim(-0.1, 1.1)
    axes[1, col].set_xlabel("a")
    for ax in axes[:, col]:
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
axes[0, 0].set_ylabel("f(a)")
axes[1, 0].set_ylabel("f'(a)")
fig.tight_layout()
plt.show()

# %% [markdown]
# What each does to a gradient:
#
# - **sigmoid**: its slope is at most 0.25 and nearly 0 for large $|a|$: a **saturated** sigmoid
#   passes almost no gradient back.
# - **tanh**: slope up to 1, and it also saturates. Our generators end in $\tanh$.
# - **ReLU**: slope 1 for $a>0$, exactly 0 for $a<0$: a neuron stuck negative stops learning.
# - **LeakyReLU**: a small slope (0.2) for $a<0$ keeps gradients alive; GAN discriminators use it.
#
# A network stacks neurons in **layers**, each layer's outputs the next one's inputs. Training sends
# the gradient backwards through the layers, multiplying derivatives (the chain rule; section 4 does
# it by hand). Through ten sigmoid layers the slopes alone multiply the gradient by at
# most $0.25^{10}$, printed below: unless the weights are large, the gradient all but disappears. This
# is the **vanishing gradient**.

# %%
# NBVAL_CHECK_OUTPUT
for name, (_, slope) in activations.items():
    print(f"{name:16s} largest slope {slope.max():.2f}")
print(f"ten sigmoid slopes multiply a gradient by at most {0.25 ** 10:.1e}")

# %% [markdown]
# ## 2. Loss and gradient descent by hand
#
# Our first learning problem: 200 points in 2-D from two overlapping clouds, labelled 1 and 0. Here
# the neuron's input $\mathbf{x} = (x_1, x_2)$ is one such point, not an image (from section 6 on, and
# in the rest of the course, a plain $x$ is an image). One neuron will learn
# $p = \sigma(\mathbf{w}^\top\mathbf{x} + b)$, its estimate of "probability of
# class 1". Later, class 1 becomes "real image" and class 0 "fake". The plot shows the two clouds:
# notice that they overlap, so no straight line can separate them completely.

# %%
x, y = gu.neuron.make_two_blobs(200, seed=0)
print("x:", x.shape, " y:", y.shape, " class counts:", np.bincount(y.astype(int)).tolist())
fig, ax = plt.subplots(figsize=(4.5, 3.5))
for label in (0, 1):
    style = colours[f"class {label}"]
    ax.scatter(*x[y == label].T, s=12, c=style.colour, marker=style.marker, label=f"class {label}")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.legend()
plt.show()

# %% [markdown]
# To learn, the neuron needs a number that says how wrong it is: the **binary cross-entropy** (BCE),
# averaged over the $n$ examples:
#
# $$L(\mathbf{w}, b) = -\frac{1}{n}\sum_{i=1}^{n}\Big[y_i \log p_i + (1-y_i)\log(1-p_i)\Big].$$
#
# For a class-1 example only $-\log p_i$ counts; for a class-0 example only $-\log(1-p_i)$. Write
# `bce_loss(y, p)` for arrays of labels and probabilities.

# %% tags=["build"]
def bce_loss(y, p):
    """Mean binary cross-entropy of probabilities p for labels y (each 0 or 1)."""
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


# %%
gu.checks.check_bce_loss(bce_loss)
bce_loss = gu.checks.yours_or_reference(bce_loss)

# %% [markdown]
# The plot calls your `bce_loss` on a single example at a time, for every output $p$. Look at both
# ends: being confidently wrong is punished without limit, and guessing $p = 0.5$ costs
# $\log 2 \approx 0.693$ whatever the label (dashed line).

# %%
p_grid = np.linspace(0.001, 0.999, 500)
fig, ax = plt.subplots(figsize=(5, 3))
for label in (1, 0):
    one_example = [bce_loss(np.array([float(label)]), np.array([p])) for p in p_grid]
    ax.plot(p_grid, one_example, color=colours[f"class {label}"].colour, label=f"label y = {label}")
ax.axhline(np.log(2), color="gray", ls="--", lw=1)
ax.set_xlabel("neuron output p")
ax.set_ylabel("loss")
ax.set_ylim(0, 5)
ax.legend()
plt.show()

# %% [markdown]
# To lower the loss we need its gradient, the derivatives with respect to every weight and the bias.
# The chain rule goes through $p_i = \sigma(a_i)$ with $a_i = \mathbf{w}^\top\mathbf{x}_i + b$:
#
# $$\frac{\partial L_i}{\partial p_i} = -\frac{y_i}{p_i} + \frac{1-y_i}{1-p_i}, \qquad
# \frac{\partial p_i}{\partial a_i} = p_i(1-p_i).$$
#
# ($L_i$ is example $i$'s term of the sum.) Multiply them and almost everything cancels:
# $\partial L_i/\partial a_i = p_i - y_i$. Since
# $\partial a_i/\partial \mathbf{w} = \mathbf{x}_i$ and $\partial a_i/\partial b = 1$, averaging over
# examples gives the gradient, written $\nabla_{\mathbf{w}} L$ for the vector of every
# $\partial L/\partial w_j$:
#
# $$\nabla_{\mathbf{w}} L = \frac{1}{n}\sum_i (p_i - y_i)\,\mathbf{x}_i, \qquad
# \frac{\partial L}{\partial b} = \frac{1}{n}\sum_i (p_i - y_i).$$
#
# The error $p_i - y_i$ times the input: a wrong, confident neuron gets a large push.

# %% [markdown]
# **Gradient descent** takes a small step against the gradient, scaled by the
# [**learning rate**](../docs/glossary.md#learning-rate) $\eta$:
# $\mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla_{\mathbf{w}} L$ and
# $b \leftarrow b - \eta\,\partial L/\partial b$. Write `gradient_step`: the rows of `x` are the
# examples, so one matrix product gives every pre-activation at once.

# %% tags=["build"]
def gradient_step(w, b, x, y, lr):
    """One gradient-descent step for a sigmoid neuron with BCE loss: the new (w, b)."""
    p = sigmoid(x @ w + b)  # forward pass: every example's probability of class 1
    grad_w = x.T @ (p - y) / len(x)  # the gradient derived above
    grad_b = np.mean(p - y)
    return w - lr * grad_w, b - lr * grad_b


# %%
gu.checks.check_gradient_step(gradient_step)
gradient_step = gu.checks.yours_or_reference(gradient_step)

# %% [markdown]
# One step of your `gradient_step` from a deliberately poor first guess, scored by your `bce_loss`.
# Look at the loss before and after: it must go down.

# %%
# NBVAL_CHECK_OUTPUT
w, b = np.array([-1.0, 1.5]), 0.5  # a poor first guess
loss_before = bce_loss(y, sigmoid(x @ w + b))
w, b = gradient_step(w, b, x, y, lr=0.3)
loss_after = bce_loss(y, sigmoid(x @ w + b))
print(f"new w = {np.round(w, 4).tolist()}, b = {float(b):.4f}")
print(f"loss before {loss_before:.4f} -> after one step {loss_after:.4f}")

# %% [markdown]
# ## 3. An interactive gradient-descent explorer
#
# Now repeat that step many times and watch. The explorer below trains with your `gradient_step`
# and scores with your `bce_loss`. The left panel colours the plane by the neuron's $p$ with the
# **decision boundary** $p = 0.5$ as a black line; the right panel shows the loss after every step.
#
# Things to try:
#
# 1. Press **Step** a few times, then **Step x10**: the line swings towards the gap between the clouds.
# 2. Press **Play**, then **Pause**. Press **Reset** to go back to the start.
# 3. Set the learning rate to 0.01 and play: progress is slow. Try larger rates and watch how the
#    loss curve's shape changes.
# 4. Set it to 10 or more and step: the loss shoots up and the explorer says it **diverged**.

# %%
explorer = gu.GradientDescentExplorer(x, y, lr=0.3, step=gradient_step, loss=bce_loss)
explorer

# %% [markdown]
# The buttons call ordinary methods, so code can drive the explorer too. This cell takes 150 steps
# (the widget above moves too). Look for the boundary between the two clouds and a loss that is
# levelling off; the overlapping points can never all be classified right by a straight line.

# %%
explorer.step(150)
print(explorer.status_text)
display(Image(explorer.png()))

# %% [markdown]
# A learning rate that is too large overshoots: each step jumps past the minimum to where the loss is
# higher. Here is the explorer at $\eta = 10$. Instead of drawing garbage (or NaNs, which a runaway
# network eventually produces), it stops and says what happened: read its message.

# %%
too_fast = gu.GradientDescentExplorer(x, y, lr=10.0, step=gradient_step, loss=bce_loss)
too_fast.step(10)
print(too_fast.status_text)
display(Image(too_fast.png()))

# %% [markdown]
# Why does $\eta = 10$ fail here? Picture the loss as a height above every possible choice of the
# weights and the bias: the **loss surface**. The clouds sit far from the origin, so the bias and the
# weights pull against each other and that surface is a long, narrow valley. A big step jumps across
# the valley instead of down it. Centring the inputs (subtracting their mean) changes the valley's
# shape; exercise 4 asks you to predict how.

# %% [markdown]
# ## 4. Backpropagation: a two-layer network by hand
#
# One neuron draws a straight line. Add a **hidden layer** of $m$ tanh units, whose values we call
# $\mathbf{u}$, and the boundary can bend:
#
# $$\mathbf{u} = \tanh(W_1^\top \mathbf{x} + \mathbf{b}_1), \qquad a = \mathbf{w}_2^\top \mathbf{u} + b_2, \qquad p = \sigma(a),$$
#
# with $W_1$ of shape $(2, m)$. Its gradients come from the chain rule applied backwards, layer by
# layer: **backpropagation**.

# %% [markdown]
# For a [**batch**](../docs/glossary.md#batch) (several examples processed at once) the $n$ examples
# are the rows of $X$ and their hidden values the rows of $U = \tanh(X W_1 + \mathbf{b}_1)$. Going
# backwards, each line reuses the one before it ($\odot$ multiplies element by element; $1-U^2$ is
# tanh's derivative):
#
# $$\boldsymbol\delta_a = \tfrac{1}{n}(\mathbf{p} - \mathbf{y}), \quad \nabla_{\mathbf{w}_2} L = U^\top \boldsymbol\delta_a, \quad \tfrac{\partial L}{\partial b_2} = \textstyle\sum_i \delta_{a,i},$$
#
# $$\boldsymbol\delta_U = (\boldsymbol\delta_a \mathbf{w}_2^\top) \odot (1 - U^2), \quad \nabla_{W_1} L = X^\top \boldsymbol\delta_U, \quad \nabla_{\mathbf{b}_1} L = \text{column sums of } \boldsymbol\delta_U.$$
#
# Write `two_layer_backward(params, x, y)`: run the forward pass, keep $U$, then code the six lines
# above. `params` is a dict with the keys `W1`, `b1`, `w2`, `b2`; hand back a dict of gradients with
# the same keys and shapes.

# %% tags=["build"]
def two_layer_backward(params, x, y):
    """The BCE loss's gradient for every parameter of the two-layer network, as a dict like params."""
    u = np.tanh(x @ params["W1"] + params["b1"])  # the hidden layer's values U
    p = sigmoid(u @ params["w2"] + params["b2"])
    delta_a = (p - y) / len(x)
    delta_u = np.outer(delta_a, params["w2"]) * (1 - u ** 2)  # back through tanh
    return {"W1": x.T @ delta_u, "b1": delta_u.sum(axis=0), "w2": u.T @ delta_a, "b2": delta_a.sum()}


# %%
gu.checks.check_two_layer_backward(two_layer_backward)
two_layer_backward = gu.checks.yours_or_reference(two_layer_backward)

# %% [markdown]
# TensorFlow can compute the same gradients for us: `tf.GradientTape` records the forward pass and
# differentiates it automatically. The cell compares its answer with your `two_layer_backward` on a
# network with $m = 8$ hidden units; if the algebra is right, they agree to rounding error (64-bit
# floats for both).

# %%
# NBVAL_CHECK_OUTPUT
rng = np.random.default_rng(0)
width = 8  # m, the number of hidden units
params = {"W1": rng.normal(size=(2, width)), "b1": rng.normal(size=width) * 0.1,
          "w2": rng.normal(size=width) * 0.3, "b2": np.array(0.1)}
by_hand = two_layer_backward(params, x, y)  # yours

variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in params.items()}
x_tf, y_tf = tf.constant(x), tf.constant(y)
with tf.GradientTape() as tape:
    u_tf = tf.tanh(x_tf @ variables["W1"] + variables["b1"])
    a_tf = tf.linalg.matvec(u_tf, variables["w2"]) + variables["b2"]
    loss_tf = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_tf, logits=a_tf))
by_tape = dict(zip(variables, tape.gradient(loss_tf, list(variables.values()))))

for name in params:
    diff = np.max(np.abs(np.asarray(by_hand[name]) - by_tape[name].numpy()))
    print(f"{name:2s} shape {str(np.shape(by_hand[name])):7s} max |diff| {'< 1e-12' if diff < 1e-12 else f'= {diff:.1e}'}")

# %% [markdown]
# Now the explorer trains a network of that shape, $m = 8$ (`width=8`), with your backward pass, on
# centred inputs, for 300 steps. Look at the boundary: it is no longer a straight line, because the
# hidden layer lets it bend around the overlap. The brief bump in the loss near step 250 is a few
# steps overshooting at this large rate (3); the descent then resumes.

# %%
x_centred = x - x.mean(axis=0)
curved = gu.GradientDescentExplorer(x_centred, y, lr=3.0, width=8, backward=two_layer_backward, loss=bce_loss)
curved.step(300)
print(curved.status_text)
display(Image(curved.png()))

# %% [markdown]
# ## 5. Keras: the same idea at scale
#
# Real networks have hundreds of thousands of weights (the next cells print how many), so we let
# **Keras** build the layers and TensorFlow compute the gradients. The data: MNIST digits scaled to
# $[-1, 1]$ by `gu.to_float` (the course's version of notebook 00's `scale_images`, with a channel
# axis). The **test** digits are held out: accuracy is
# measured on images the network never trained on.

# %%
data = gu.load_mnist()
n_train = min(len(data.x_train), gu.fast(12_000, 1_000))  # extra code – caps the work on full MNIST
x_train, y_train = gu.to_float(data.x_train[:n_train]), data.y_train[:n_train]
x_test, y_test = gu.to_float(data.x_test), data.y_test
epochs_mlp, epochs_cnn = gu.fast(30, 1), gu.fast(20, 1)
print(f"training on {len(x_train):,} digits, testing on {len(x_test):,}")


# %% [markdown]
# First a **multi-layer perceptron** (MLP): flatten the $28 \times 28$ image into 784 numbers, then
# two hidden layers of ReLU neurons and 10 outputs, one logit per digit. **Dropout** switches off 30%
# of the hidden units at random during training, so the network cannot rely on any one of them.
# Keras calls a layer whose every neuron sees every input `Dense`.

# %%
# NBVAL_CHECK_OUTPUT
def make_mlp() -> keras.Model:
    """An MLP digit classifier: 784 -> 256 -> 128 -> 10 logits."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Flatten(),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(10),  # logits: softmax is inside the loss
    ], name="mlp")


mlp = make_mlp()
print(f"MLP parameters: {mlp.count_params():,}")


# %% [markdown]
# With ten classes, BCE becomes the **categorical cross-entropy**, $-\log p_{\text{true class}}$, where
# a **softmax** turns the 10 logits into probabilities that sum to 1.
# [**Adam**](../docs/glossary.md#adam-and-β₁) is gradient descent with a per-weight adaptive step;
# here a cosine schedule also lowers its learning rate to zero over training.
# An [**epoch**](../docs/glossary.md#epoch-vs-step) is one pass over the training digits, in batches of
# 64 (one gradient step per batch). The cell prints the held-out accuracy and the time it took.

# %%
def compile_and_fit(model: keras.Model, epochs: int) -> keras.callbacks.History:
    """Train a digit classifier with Adam (cosine-decayed learning rate) and cross-entropy on logits."""
    gu.set_seed(0)
    batch_size = 64
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=epochs * (len(x_train) // batch_size))
    model.compile(optimizer=keras.optimizers.Adam(schedule),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0,
                     validation_data=(x_test, y_test))


start = time.perf_counter()
history_mlp = compile_and_fit(mlp, epochs_mlp)
mlp_accuracy = mlp.evaluate(x_test, y_test, verbose=0)[1]
print(f"MLP held-out accuracy: {mlp_accuracy:.1%} on {len(x_test):,} test digits "
      f"({epochs_mlp} epochs in {time.perf_counter() - start:.0f} s)")


# %% [markdown]
# An MLP ignores that neighbouring pixels belong together. A **convolutional network** (CNN) slides
# small $3 \times 3$ filters over the image, so a stroke detector learnt in one place works everywhere;
# **pooling** halves the resolution between layers by keeping the largest value of each $2 \times 2$
# patch. Notice that it has about as many parameters as the MLP. It takes longer to train (the time
# is printed); compare its held-out accuracy with the MLP's.

# %%
# NBVAL_CHECK_OUTPUT
def make_cnn(outputs: int = 10, name: str = "cnn") -> keras.Model:
    """A small CNN: two conv + pool blocks, then a dense layer and one logit per class."""
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dropout(0.4),
        layers.Dense(128, activation="relu"),
        layers.Dense(outputs),
    ], name=name)


cnn = make_cnn()
print(f"CNN parameters: {cnn.count_params():,}")

# %%
start = time.perf_counter()
history_cnn = compile_and_fit(cnn, epochs_cnn)
cnn_accuracy = cnn.evaluate(x_test, y_test, verbose=0)[1]
print(f"CNN held-out accuracy: {cnn_accuracy:.1%} on {len(x_test):,} test digits "
      f"({epochs_cnn} epochs in {time.perf_counter() - start:.0f} s)")

# %% [markdown]
# The curves show held-out accuracy after every epoch, and the cell prints the first and last values.
# Look at where each curve starts and where it ends: the CNN starts ahead and ends ahead, and both
# flatten out as the learning rate decays.

# %%
fig, ax = plt.subplots(figsize=(6, 3))
for name, history in (("MLP", history_mlp), ("CNN", history_cnn)):
    accuracy = history.history["val_accuracy"]
    ax.plot(range(1, len(accuracy) + 1), accuracy, marker=".", label=name)
    print(f"{name}: {accuracy[0]:.1%} after epoch 1, {accuracy[-1]:.1%} after epoch {len(accuracy)}")
ax.set_xlabel("epoch")
ax.set_ylabel("held-out accuracy")
ax.legend()
plt.show()

# %% [markdown]
# A single accuracy hides *which* digits get confused. The **confusion matrix** counts, for every true
# digit (row), what the CNN predicted (column). The diagonal holds the correct answers; look for the
# few shaded cells off it. The row of digits below it shows the mistakes the CNN was most sure of: many
# are digits a person would hesitate over too, some are plain errors. Confidence is not correctness.

# %%
test_logits = cnn.predict(x_test, verbose=0)
predicted = test_logits.argmax(axis=1)
confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (y_test, predicted), 1)

fig, ax = plt.subplots(figsize=(5, 4.5))
ax.imshow(np.log1p(confusion), cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=8,
                    color="white" if i == j else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted digit")
ax.set_ylabel("true digit")
ax.set_title("CNN confusion matrix (colour: log count)")
plt.show()

# The mistakes the CNN was most sure of
probabilities = tf.nn.softmax(test_logits).numpy()
wrong = np.flatnonzero(predicted != y_test)
worst = wrong[np.argsort(-probabilities[wrong, predicted[wrong]])][:8]
fig, axes = plt.subplots(1, 8, figsize=(12, 2))
for ax, i in zip(axes, worst):
    gu.show_images(x_test[i:i + 1], ax=ax,
                   title=f"true {y_test[i]}, said {predicted[i]}\n({probabilities[i, predicted[i]]:.0%} sure)")
for ax in axes[len(worst):]:
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. Bridge to GANs
#
# A [**discriminator**](../docs/glossary.md#discriminator-d) $D$ is this classifier with two classes,
# real and fake. It outputs one logit $\ell$, and $D(x) = \sigma(\ell)$ is its "probability real".
# Labels: real = 1, fake = 0 (the convention throughout this course; some tutorials flip it). Its
# opponent, the **generator** $G$, turns random noise $z$ into images that try to pass as real.

# %% [markdown]
# D's loss is your BCE on real images $x$ (label 1) plus your BCE on fakes $G(z)$ (label 0):
#
# $$L_D = -\mathbb{E}_{x\sim p_{data}}[\log D(x)] - \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))] = -V(D,G),$$
#
# where $\mathbb{E}_{x\sim p_{data}}$ averages over real images drawn from the data's distribution
# $p_{data}$, and $\mathbb{E}_{z\sim p_z}$ over noise drawn from the noise's distribution $p_z$.
# $V(D,G)$, notebook 00's last formula, is the value of the game $\min_G \max_D V(D,G)$ of
# Goodfellow et al. (2014): minimising D's loss maximises it, D's half of the game.
# Notebook 02 takes it from here.
#
# Building one is a one-line change to our CNN: a single logit instead of ten. Untrained, it says
# about 50% "real" to everything, so your `bce_loss` on five real digits is close to $\log 2$: check
# the printed values.

# %%
discriminator = make_cnn(outputs=1, name="discriminator")
d_real = tf.sigmoid(discriminator(x_test[:5])).numpy().ravel().astype(float)
print(f"discriminator parameters: {discriminator.count_params():,}")
print("untrained D(x) on five real digits:", [round(float(prob), 2) for prob in d_real])
print(f"its BCE with label 1: {bce_loss(np.ones(5), d_real):.3f} (log 2 = {np.log(2):.3f})")


# %% [markdown]
# ## Summary
#
# - A neuron computes $\sigma(\mathbf{w}^\top\mathbf{x}+b)$; the activation's slope decides how much
#   gradient flows back (sigmoid at most 0.25, LeakyReLU never 0).
# - Binary cross-entropy punishes confident mistakes; through a sigmoid its gradient with respect to
#   the pre-activation is simply $p - y$.
# - Gradient descent steps against the gradient; too large a learning rate overshoots and diverges.
# - Backpropagation is the chain rule applied layer by layer, and matches `tf.GradientTape`.
# - Keras trains an MLP and a CNN on digits; the CNN is more accurate with a similar parameter count.
# - A discriminator is a two-class classifier (real = 1, fake = 0) trained with BCE.

# %% [markdown]
# ## Exercises
#
# These take the ideas above to new cases. Each checked one has a stub and a check; a failing check
# shows a first hint, a question, and `gu.checks.hint("name")` climbs one level per call. Worked
# solutions are collapsed at the end.
#
# **1. Softplus.** $\mathrm{softplus}(a) = \log(1 + e^{a})$ is a smooth ReLU
# ([glossary](../docs/glossary.md#softplus)). Derive its slope on paper and write
# `softplus_derivative(a)`. Then compare with the sigmoid's slope: on which side does each saturate?

# %%
def softplus_derivative(a):
    """The slope of softplus(a) = log(1 + exp(a)) at each a."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_softplus_derivative(softplus_derivative);

# %% [markdown]
# **2. Squared error instead of BCE.** Suppose the neuron were trained on $L = \tfrac12 (p - y)^2$,
# still with $p = \sigma(a)$. Find $\partial L / \partial a$ with the chain rule, enter it as
# `mse_gradient(y, p)` (one value per example), and compare it with BCE's $p - y$ at a confident,
# wrong prediction ($y = 1$, $p = 0.01$): which loss still teaches the neuron?

# %%
def mse_gradient(y, p):
    """dL/da for each example, where p = sigmoid(a) and L is that example's squared error / 2."""
    # Your result here: replace `None` with it.
    return None


gu.checks.check_mse_gradient(mse_gradient);

# %% [markdown]
# **3. The best constant guess.** A classifier that ignores its input gives every example the same
# probability $q$. On a data set where 30% of the labels are 1, which $q$ gives the lowest mean BCE,
# and what is that loss? Derive it on paper. How does it relate to the $\log 2$ of the untrained
# discriminator in section 6?

# %%
best_q = None  # the best constant probability q of class 1
best_loss = None  # the mean BCE at that probability
gu.checks.check_constant_guess(best_q, best_loss);

# %% [markdown]
# **4. Predict, then run.** Section 3's explorer diverged at $\eta = 10$ on the raw clouds. What will
# the same rate do on the centred clouds (`x_centred`) with one neuron: settle, zig-zag (the loss going
# up and down at every step) or diverge? Write your prediction first, then run the cell, which trains
# with your `gradient_step`.

# %%
prediction = None  # "settles", "zig-zags" or "diverges"
run = gu.GradientDescentExplorer(x_centred, y, lr=10.0, step=gradient_step, loss=bce_loss, grid=20)
run.step(300)
gu.checks.check_predict_centred_rate(prediction, run);

# %% [markdown]
# **5. Diagnose three runs.** Below are the loss curves of three runs of the same neuron on the same
# clouds, from the same poor guess, each with one thing wrong. For each of A, B and C, what would you
# change first: "lower the learning rate", "raise the learning rate" or "fix the sign"? Compare each
# curve with the 0.3 run of section 3: how does it start, and how does it move from step to step?

# %%
runs = gu.checks.nb01.diagnosis_runs()
fig, axes = plt.subplots(1, 3, figsize=(11, 2.8))
for ax, (label, losses) in zip(axes, runs.items()):
    ax.plot(losses, color="black", lw=1)
    ax.set_title(f"run {label}")
    ax.set_xlabel("step")
axes[0].set_ylabel("BCE loss")
fig.tight_layout()
plt.show()

diagnosis = None  # e.g. {"A": "...", "B": "...", "C": "..."}
gu.checks.check_diagnose_curves(diagnosis);

# %% [markdown]
# **6. Design the experiment.** Does a hidden layer of $m = 8$ units beat $m = 2$ on this problem,
# meaning on *new* points from the same clouds? The answer depends on the random starting weights
# (`gu.neuron.init_params(width, seed)`). Decide what to measure, on which points, after how many steps
# and over how many seeds; then run it with your `two_layer_backward` and say what the numbers show.
# Fresh points: `gu.neuron.make_two_blobs(2000, seed=1)`, centred with the training mean.

# %%
# Exercise 6: your experiment here

# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 1: d/da log(1 + e^a) = e^a / (1 + e^a) = 1 / (1 + e^-a): softplus' slope IS the sigmoid.
# It tends to 1 on the right (softplus never saturates there: it grows like a) and to 0 on the left.
# The sigmoid's own slope s(1 - s) vanishes on BOTH sides. Notebook 02 meets softplus again: a GAN's
# losses written with logits are softplus functions, and which side saturates decides whether G learns.
def softplus_derivative(a):
    """The slope of softplus(a) = log(1 + exp(a)) at each a."""
    return sigmoid(a)


assert gu.checks.check_softplus_derivative(softplus_derivative)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 2: dL/dp = p - y and dp/da = p (1 - p), so dL/da = (p - y) p (1 - p). Nothing cancels
# this time: at y = 1, p = 0.01 the squared error's slope is about -0.0098, the cross-entropy's
# p - y = -0.99, a hundred times larger. A confidently wrong sigmoid neuron barely learns from the
# squared error, which is why classifiers (and GAN discriminators) use the cross-entropy.
def mse_gradient(y, p):
    """dL/da for each example, where p = sigmoid(a) and L is that example's squared error / 2."""
    return (p - y) * p * (1 - p)


assert gu.checks.check_mse_gradient(mse_gradient)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3: the mean loss is -(0.3 log q + 0.7 log(1 - q)); its derivative -0.3/q + 0.7/(1 - q) is
# zero at q = 0.3, the share of class 1. The loss there, 0.611, is the entropy of the labels: the best
# any input-blind model can do. With balanced classes (section 6's five real digits against as many
# fakes) the best constant is 0.5 and its loss log 2 = 0.693: an untrained D starts exactly there.
best_q = 0.3
best_loss = -(0.3 * np.log(0.3) + 0.7 * np.log(0.7))
assert gu.checks.check_constant_guess(best_q, best_loss)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 4: it settles (at the loss 0.257). Centring removes the tug of war between the bias and the
# weights, so the valley is nearly round and a step that overshot the narrow raw valley now fits.
# Rates from 1 to 25 all settle on the centred clouds; 30 zig-zags.
prediction = "settles"
assert gu.checks.check_predict_centred_rate(prediction, run)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 5: A falls smoothly but slowly (still above 1 after 100 steps, where the 0.3 run is at 0.36):
# the steps are too small, raise the rate. B climbs smoothly at every step: the update goes uphill, a
# sign error, and a smaller rate would only climb more slowly. C jumps up and down from one step to the
# next, wildly at first and never settling: each step overshoots the valley floor, so lower the rate
# (or centre the inputs).
diagnosis = {"A": "raise the learning rate", "B": "fix the sign", "C": "lower the learning rate"}
assert gu.checks.check_diagnose_curves(diagnosis)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 6: measure the BCE on fresh points (the training loss always favours the bigger network),
# after the same 300 steps at the same rate, over several seeds, and compare the gap between the two
# means with the spread across seeds. On the training points m = 8 wins clearly (about 0.21 against
# 0.25); on fresh points it does not (about 0.27 against 0.26, a gap no bigger than the spread): the
# extra units bend the boundary around this sample's noise. Five seeds are enough to see it here.
x_fresh, y_fresh = gu.neuron.make_two_blobs(2000, seed=1)
x_fresh = x_fresh - x.mean(axis=0)
for m in (2, 8):
    train_losses, fresh_losses = [], []
    for seed in range(5):
        trial = gu.neuron.init_params(m, seed)
        for _ in range(300):
            grads = two_layer_backward(trial, x_centred, y)
            trial = {k: trial[k] - 3.0 * grads[k] for k in trial}
        train_losses.append(bce_loss(y, sigmoid(gu.neuron.logits(trial, x_centred))))
        fresh_losses.append(bce_loss(y_fresh, sigmoid(gu.neuron.logits(trial, x_fresh))))
    print(f"m = {m}: training loss {np.mean(train_losses):.3f} ± {np.std(train_losses):.3f}, "
          f"fresh points {np.mean(fresh_losses):.3f} ± {np.std(fresh_losses):.3f} (5 seeds)")


# %% [markdown]
# ## References
#
# - Goodfellow, I., Pouget-Abadie, J., Mirza, M., Xu, B., Warde-Farley, D., Ozair, S., Courville, A.
#   and Bengio, Y. (2014). Generative Adversarial Networks. arXiv:1406.2661.
# - Kingma, D. P. and Ba, J. (2015). Adam: A Method for Stochastic Optimization. arXiv:1412.6980.
# - LeCun, Y., Cortes, C. and Burges, C. J. C. (1998). The MNIST database of handwritten digits.
#   http://yann.lecun.com/exdb/mnist/
# - Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. and Salakhutdinov, R. (2014). Dropout:
#   A Simple Way to Prevent Neural Networks from Overfitting. Journal of Machine Learning Research
#   15, 1929-1958. https://jmlr.org/papers/v15/srivastava14a.html
