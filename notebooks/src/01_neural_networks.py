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
# A GAN is two neural networks trained against each other, and one of them, the discriminator, is
# nothing more than a classifier. This notebook builds everything you need to understand it: a
# neuron, a loss, gradient descent by hand, backpropagation, and finally Keras classifiers that
# read handwritten digits.
#
# Measured running time, top to bottom: 58 s on 2 CPU cores, with no GPU and no network, on the
# embedded 4,500 training digits (with full MNIST the two classifiers train on 12,000 and take a few
# times longer). The classroom switch changes nothing here.
#
# The course's terms (logit, nats, mode collapse, ...) are defined in one place, the
# [glossary](../docs/glossary.md).

# %%
import gan_utils as gu  # first: it imports TensorFlow without its start-up log noise

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from IPython.display import Image, display
from keras import layers

gu.set_seed(0)  # extra code – makes every run of this notebook repeatable on a CPU

# %% [markdown]
# ## 1. A neuron
#
# A neuron takes inputs $x_1, \dots, x_d$, multiplies each by a **weight** $w_j$, adds a **bias**
# $b$ and passes the sum through an **activation function** $f$:
#
# $$a = \sum_{j=1}^{d} w_j x_j + b = \mathbf{w}^\top \mathbf{x} + b, \qquad \text{output} = f(a).$$
#
# The weights and bias are what learning adjusts; $a$ is the **pre-activation**, and it is called a
# **logit** when $f$ is the sigmoid. (Many books call the pre-activation $z$; in this course $z$
# always means the random input of a GAN's generator, from notebook 02 on.)

# %% [markdown]
# Here is one neuron with two inputs and the sigmoid $\sigma(a) = 1/(1+e^{-a})$ as its activation.
# Check the arithmetic by hand: $a = 0.5 \cdot 2 + 0.25 \cdot (-1) + 0.1 = 0.85$.

# %%
# NBVAL_CHECK_OUTPUT
x_one = np.array([2.0, -1.0])
w_one = np.array([0.5, 0.25])
b_one = 0.1
a_one = w_one @ x_one + b_one
print(f"a = {a_one:.4f}")
print(f"sigmoid(a) = {gu.neuron.sigmoid(a_one):.4f}")

# %% [markdown]
# Four activations appear again and again. In the plot below, the top row shows each function and
# the bottom row its **derivative**. Look at the bottom row: the derivative decides how much of a
# training signal gets through the neuron.

# %%
a = np.linspace(-5, 5, 401)
activations = {
    "sigmoid": (gu.neuron.sigmoid(a), gu.neuron.sigmoid_derivative(a)),
    "tanh": (np.tanh(a), 1 - np.tanh(a) ** 2),
    "ReLU": (np.maximum(a, 0), (a > 0).astype(float)),
    "LeakyReLU (0.2)": (np.where(a > 0, a, 0.2 * a), np.where(a > 0, 1.0, 0.2)),
}
fig, axes = plt.subplots(2, 4, figsize=(12, 4.5), sharex=True)
for col, (name, (value, slope)) in enumerate(activations.items()):
    axes[0, col].plot(a, value, color="tab:blue")
    axes[0, col].set_title(name)
    axes[1, col].plot(a, slope, color="tab:orange")
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
# - **sigmoid**: $\sigma'(a) = \sigma(a)(1-\sigma(a)) \le 0.25$, and nearly 0 for large $|a|$. A
#   saturated sigmoid passes almost no gradient back.
# - **tanh**: the same S-shape centred on 0, with slope up to 1. Our generators end in $\tanh$.
# - **ReLU**: slope 1 for $a>0$, exactly 0 for $a<0$: a neuron stuck negative stops learning.
# - **LeakyReLU**: a small slope (0.2 here) for $a<0$ keeps gradients alive; GAN discriminators use it.

# %% [markdown]
# Training sends the gradient backwards through the layers, multiplying derivatives (the chain rule;
# section 4 does it by hand). Through ten sigmoid layers, the sigmoid slopes alone multiply the
# gradient by at most $0.25^{10}$, about one in a million. The weights multiply in too; unless they
# are large, the gradient all but disappears: the **vanishing gradient**. The cell below prints the
# largest slope of each activation.

# %%
# NBVAL_CHECK_OUTPUT
for name, (_, slope) in activations.items():
    print(f"{name:16s} largest slope {slope.max():.2f}")
print(f"ten sigmoid slopes multiply a gradient by at most {0.25 ** 10:.1e}")

# %% [markdown]
# ## 2. Loss and gradient descent by hand
#
# Our first learning problem: 200 points in 2-D from two overlapping clouds, labelled 1 (red) and
# 0 (blue). One neuron with a sigmoid will learn $p = \sigma(\mathbf{w}^\top\mathbf{x} + b)$, its
# estimate of "probability of class 1". Later, class 1 becomes "real image" and class 0 "fake".

# %%
x, y = gu.neuron.make_two_blobs(200, seed=0)
print("x:", x.shape, " y:", y.shape, " class counts:", np.bincount(y.astype(int)).tolist())
fig, ax = plt.subplots(figsize=(4.5, 3.5))
ax.scatter(*x[y == 0].T, s=12, c="tab:blue", label="class 0")
ax.scatter(*x[y == 1].T, s=12, c="tab:red", label="class 1")
ax.set_xlabel("$x_1$")
ax.set_ylabel("$x_2$")
ax.legend()
plt.show()

# %% [markdown]
# To learn, we need a number that says how wrong the neuron is: the **binary cross-entropy** (BCE),
# averaged over the $n$ examples:
#
# $$L(\mathbf{w}, b) = -\frac{1}{n}\sum_{i=1}^{n}\Big[y_i \log p_i + (1-y_i)\log(1-p_i)\Big], \qquad p_i = \sigma(\mathbf{w}^\top\mathbf{x}_i + b).$$
#
# For a class-1 example only $-\log p_i$ counts; for a class-0 example only $-\log(1-p_i)$.

# %% [markdown]
# The plot shows the loss of a single example against the neuron's output $p$. Being confidently
# wrong is punished without limit: $-\log p \to \infty$ as $p \to 0$ for a class-1 example. Guessing
# $p = 0.5$ costs $\log 2 \approx 0.693$ whatever the label.

# %%
p = np.linspace(0.001, 0.999, 500)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(p, -np.log(p), color="tab:red", label="label y = 1:  $-\\log p$")
ax.plot(p, -np.log(1 - p), color="tab:blue", label="label y = 0:  $-\\log(1-p)$")
ax.axhline(np.log(2), color="gray", ls="--", lw=1)
ax.set_xlabel("neuron output p")
ax.set_ylabel("loss")
ax.set_ylim(0, 5)
ax.legend()
plt.show()

# %% [markdown]
# To lower the loss, we need its **gradient**. The chain rule goes through $p_i = \sigma(a_i)$ with
# $a_i = \mathbf{w}^\top\mathbf{x}_i + b$. Per example,
#
# $$\frac{\partial L_i}{\partial p_i} = -\frac{y_i}{p_i} + \frac{1-y_i}{1-p_i}, \qquad
# \frac{\partial p_i}{\partial a_i} = p_i(1-p_i).$$

# %% [markdown]
# Multiply them and almost everything cancels:
#
# $$\frac{\partial L_i}{\partial a_i} = -y_i(1-p_i) + (1-y_i)p_i = p_i - y_i.$$
#
# Since $\partial a_i/\partial \mathbf{w} = \mathbf{x}_i$ and $\partial a_i/\partial b = 1$, averaging
# over examples gives
#
# $$\nabla_{\mathbf{w}} L = \frac{1}{n}\sum_i (p_i - y_i)\,\mathbf{x}_i, \qquad
# \frac{\partial L}{\partial b} = \frac{1}{n}\sum_i (p_i - y_i).$$
#
# The error $p_i - y_i$ times the input: a wrong, confident neuron gets a large push.

# %% [markdown]
# **Gradient descent** takes a small step against the gradient, scaled by the **learning rate** $\eta$:
#
# $$\mathbf{w} \leftarrow \mathbf{w} - \eta\,\nabla_{\mathbf{w}} L, \qquad b \leftarrow b - \eta\,\frac{\partial L}{\partial b}.$$
#
# The cell below does one step, written out, from a deliberately poor starting guess. Look at the
# loss before and after: it must go down.

# %%
# NBVAL_CHECK_OUTPUT
w = np.array([-1.0, 1.5])  # a poor first guess
b = 0.5
lr = 0.3
n = len(x)

p = gu.neuron.sigmoid(x @ w + b)  # forward pass: every example's probability of class 1
loss_before = gu.neuron.bce(y, p)
grad_w = x.T @ (p - y) / n  # the gradient derived above
grad_b = np.mean(p - y)
w = w - lr * grad_w  # the update
b = b - lr * grad_b
loss_after = gu.neuron.bce(y, gu.neuron.sigmoid(x @ w + b))
print(f"gradient: dL/dw = {np.round(grad_w, 4).tolist()}, dL/db = {grad_b:.4f}")
print(f"loss before {loss_before:.4f} -> after one step {loss_after:.4f}")

# %% [markdown]
# ## 3. An interactive gradient-descent explorer
#
# Now repeat that step many times and watch. The left panel colours the plane by the neuron's
# $p$ (red: class 1, blue: class 0) with the **decision boundary** $p = 0.5$ as a black line; the
# right panel shows the loss after every step. The explorer starts from the same poor guess.

# %% [markdown]
# Things to try:
#
# 1. Press **Step** a few times, then **Step x10**: the line swings towards the gap between the clouds.
# 2. Press **Play**, then **Pause**. Press **Reset** to go back to the start.
# 3. Set the learning rate to 0.01 and play: progress is slow. Try larger rates and watch how the
#    loss curve's shape changes.
# 4. Set it to 10 or more and step: the loss shoots up and the explorer says it **diverged**.

# %%
explorer = gu.GradientDescentExplorer(x, y, lr=0.3)
explorer

# %% [markdown]
# The buttons call ordinary methods, so you can drive the explorer from code as well. This cell
# takes 150 steps (the widget above moves too) and shows the result: the boundary now runs
# between the two clouds and the loss is levelling off. The overlapping points can never all be
# classified right by a straight line.

# %%
explorer.step(150)
print(explorer.status_text)
display(Image(explorer.png()))

# %% [markdown]
# A learning rate that is too large overshoots: each step jumps past the minimum to a place where
# the loss is higher. Here is the explorer at $\eta = 10$. Instead of drawing garbage (or NaNs,
# which is what a runaway network eventually produces), it stops and says what happened.

# %%
too_fast = gu.GradientDescentExplorer(x, y, lr=10.0)
too_fast.step(10)
print(too_fast.status_text)
display(Image(too_fast.png()))

# %% [markdown]
# Why does $\eta = 10$ fail here? The clouds sit far from the origin, so the bias and the weights
# pull against each other and the loss surface is a long, narrow valley. A big step jumps across
# the valley instead of down it. Centring the inputs (subtracting their mean) widens the valley;
# Exercise 5 lets you check that.

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
# For a batch (several examples at once), the $n$ examples are stacked as the rows of $X$ and their
# hidden values as the rows of $U = \tanh(X W_1 + \mathbf{b}_1)$ (`x` and `u` in the code). Going
# backwards, each line reuses the one before it; $\boldsymbol\delta_a$ has one entry per example:
#
# $$\boldsymbol\delta_a = \tfrac{1}{n}(\mathbf{p} - \mathbf{y}), \quad \nabla_{\mathbf{w}_2} L = U^\top \boldsymbol\delta_a, \quad \tfrac{\partial L}{\partial b_2} = \textstyle\sum_i \delta_{a,i},$$
#
# $$\boldsymbol\delta_U = (\boldsymbol\delta_a \mathbf{w}_2^\top) \odot (1 - U^2), \quad \nabla_{W_1} L = X^\top \boldsymbol\delta_U, \quad \nabla_{\mathbf{b}_1} L = \text{column sums of } \boldsymbol\delta_U.$$
#
# $1-U^2$ is tanh's derivative; $\odot$ multiplies element by element.

# %% [markdown]
# The cell below codes those six lines in NumPy, then asks TensorFlow for the same gradients with
# `tf.GradientTape`, which records the forward pass and differentiates it automatically. If our
# algebra is right, the two agree to rounding error (we use 64-bit floats for both).

# %%
# NBVAL_CHECK_OUTPUT
rng = np.random.default_rng(0)
width = 8  # m, the number of hidden units
params = {"W1": rng.normal(size=(2, width)), "b1": rng.normal(size=width) * 0.1,
          "w2": rng.normal(size=width) * 0.3, "b2": np.array(0.1)}

# Backpropagation by hand
u = np.tanh(x @ params["W1"] + params["b1"])  # the hidden layer's values
a = u @ params["w2"] + params["b2"]  # the output neuron's pre-activation (a logit)
p = gu.neuron.sigmoid(a)
delta_a = (p - y) / len(x)
delta_u = np.outer(delta_a, params["w2"]) * (1 - u ** 2)
by_hand = {"W1": x.T @ delta_u, "b1": delta_u.sum(axis=0), "w2": u.T @ delta_a, "b2": delta_a.sum()}

# The same gradients from TensorFlow's automatic differentiation
variables = {name: tf.Variable(value, dtype=tf.float64) for name, value in params.items()}
x_tf, y_tf = tf.constant(x), tf.constant(y)
with tf.GradientTape() as tape:
    u_tf = tf.tanh(x_tf @ variables["W1"] + variables["b1"])
    a_tf = tf.linalg.matvec(u_tf, variables["w2"]) + variables["b2"]
    loss_tf = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_tf, logits=a_tf))
by_tape = dict(zip(variables, tape.gradient(loss_tf, list(variables.values()))))

for name in params:
    diff = np.max(np.abs(by_hand[name] - by_tape[name].numpy()))
    print(f"{name:2s} shape {str(np.shape(by_hand[name])):7s} max |diff| {'< 1e-12' if diff < 1e-12 else f'= {diff:.1e}'}")

# %% [markdown]
# The explorer takes the same network with $m = 8$ hidden units (its argument `width=8`). Trained
# for a few hundred steps on centred inputs (a wide valley, as section 3 explained), its boundary is
# no longer a straight line: the hidden layer lets it bend around the overlap.

# %%
x_centred = x - x.mean(axis=0)
curved = gu.GradientDescentExplorer(x_centred, y, lr=3.0, width=8)
curved.step(300)
print(curved.status_text)
display(Image(curved.png()))

# %% [markdown]
# ## 5. Keras: the same idea at scale
#
# Real networks have thousands of weights, so we let **Keras** build the layers and TensorFlow
# compute the gradients. The data: MNIST digits from `gu.load_mnist()`, scaled to $[-1, 1]$ with
# `gu.to_float` as in notebook 00. We hold out the test digits: accuracy is measured on images the
# network never trained on.

# %%
data = gu.load_mnist()
n_train = min(len(data.x_train), gu.fast(12_000, 1_000))  # extra code – caps the work on full MNIST
x_train, y_train = gu.to_float(data.x_train[:n_train]), data.y_train[:n_train]
x_test, y_test = gu.to_float(data.x_test), data.y_test
epochs_mlp, epochs_cnn = gu.fast(30, 1), gu.fast(20, 1)
print(f"training on {len(x_train):,} digits, testing on {len(x_test):,}")


# %% [markdown]
# First a **multi-layer perceptron** (MLP): flatten the $28 \times 28$ image into 784 numbers, then
# two hidden layers of ReLU neurons and 10 outputs, one logit per digit. **Dropout** switches off
# 30% of the hidden units at random during training, so the network cannot rely on any one of them.

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
# With ten classes, BCE becomes the **categorical cross-entropy**, $-\log p_{\text{true class}}$,
# where a softmax turns the 10 logits into probabilities. Adam is gradient descent with a
# per-weight adaptive step; we let its learning rate decay to zero over training. An **epoch** is one
# pass over all the training digits, taken in **batches** of 64 (several examples processed
# together, one gradient step per batch). This takes some seconds here (a few times longer with full
# MNIST, where up to 12,000 digits are used); the printed number is the held-out accuracy.

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


history_mlp = compile_and_fit(mlp, epochs_mlp)
mlp_accuracy = mlp.evaluate(x_test, y_test, verbose=0)[1]
print(f"MLP held-out accuracy: {mlp_accuracy:.1%} on {len(x_test):,} test digits")


# %% [markdown]
# An MLP ignores that neighbouring pixels belong together. A **convolutional network** (CNN)
# slides small $3 \times 3$ filters over the image, so a stroke detector learnt in one place
# works everywhere; pooling halves the resolution between layers. Notice that it has about as many
# parameters as the MLP.

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

# %% [markdown]
# The CNN takes longer to train than the MLP (here about half a minute). Compare its held-out
# accuracy with the MLP's.

# %%
history_cnn = compile_and_fit(cnn, epochs_cnn)
cnn_accuracy = cnn.evaluate(x_test, y_test, verbose=0)[1]
print(f"CNN held-out accuracy: {cnn_accuracy:.1%} on {len(x_test):,} test digits")

# %% [markdown]
# The curves below show held-out accuracy after every epoch. The CNN starts higher (about 93%
# against 83% after one epoch), is at 97-98% from epoch 5 on and ends higher (98.0% against 94.6%);
# the MLP climbs more but stays below. Both flatten out as the learning rate decays.

# %%
fig, ax = plt.subplots(figsize=(6, 3))
for name, history in (("MLP", history_mlp), ("CNN", history_cnn)):
    accuracy = history.history["val_accuracy"]
    ax.plot(range(1, len(accuracy) + 1), accuracy, marker=".", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("held-out accuracy")
ax.legend()
plt.show()

# %% [markdown]
# A single accuracy hides *which* digits get confused. The **confusion matrix** counts, for every
# true digit (row), what the CNN predicted (column). The diagonal holds the correct answers; look
# for the few shaded cells off it.

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

# %% [markdown]
# Finally, the mistakes the CNN was most sure of. Many are digits a person would hesitate over
# too; some are plain errors. Either way, a classifier's confidence is not the same as being right.

# %%
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
# A **discriminator** is this classifier with two classes, real and fake. It outputs one logit
# $\ell$; $D(x) = \sigma(\ell)$ is its "probability real". Labels: real = 1, fake = 0 (the
# convention throughout this course; some tutorials flip it).

# %% [markdown]
# Its loss is exactly the BCE of section 2. On real images $x$ (label 1) and fakes $G(z)$ (label 0):
#
# $$L_D = -\mathbb{E}_{x\sim p_{data}}[\log D(x)] - \mathbb{E}_{z\sim p_z}[\log(1-D(G(z)))] = -V(D,G).$$
#
# So minimising the discriminator's BCE is maximising $V(D,G)$, the discriminator's half of the
# game $\min_G \max_D V(D,G)$ of Goodfellow et al. (2014). Notebook 02 takes it from here.

# %% [markdown]
# Building one is a one-line change to our CNN: a single logit instead of ten. Untrained, it says
# about 50% "real" to everything; training it is what the next notebooks do, with the generator
# $G$ fighting back.

# %%
discriminator = make_cnn(outputs=1, name="discriminator")
d_real = tf.sigmoid(discriminator(x_test[:5])).numpy().ravel()
print(f"discriminator parameters: {discriminator.count_params():,}")
print("untrained D(x) on five real digits:", [round(float(prob), 2) for prob in d_real])


# %% [markdown]
# ## Summary
#
# - A neuron computes $\sigma(\mathbf{w}^\top\mathbf{x}+b)$; the activation's slope decides how much
#   gradient flows back (sigmoid at most 0.25, LeakyReLU never 0).
# - Binary cross-entropy punishes confident mistakes; through a sigmoid its gradient is simply
#   $(p-y)\,\mathbf{x}$.
# - Gradient descent steps against the gradient; too large a learning rate overshoots and diverges.
# - Backpropagation is the chain rule applied layer by layer, and matches `tf.GradientTape`.
# - Keras trains an MLP and a CNN on digits; the CNN is more accurate with a similar parameter count.
# - A discriminator is a two-class classifier (real = 1, fake = 0) trained with BCE.

# %% [markdown]
# ## Exercises
#
# Each exercise cell below holds a stub for you to fill in and a check that tries your function on
# several inputs and says which input failed, what it expected and what it got, with a first idea.
# `gu.checks.hint("name")` gives more help when you ask, one level at a time (the maths, then the
# code). The solutions are collapsed at the end.
#
# 1. Write `sigmoid_derivative(a)`, the slope $\sigma'(a)$ of the sigmoid for an array of
#    pre-activations $a$.
# 2. Write `bce_loss(y, p)`, the mean binary cross-entropy of probabilities `p` for labels `y`.
# 3. **Derive it.** Section 2 found that with the cross-entropy, $\partial L/\partial a = p - y$.
#    Suppose instead the neuron were trained on the squared error $L = \tfrac12 (p - y)^2$, still
#    with $p = \sigma(a)$. On paper, find $\partial L / \partial a$ with the chain rule and enter it
#    as `mse_gradient(y, p)` (one value per example). Then compare the two at a confident, wrong
#    prediction ($y = 1$, $p = 0.01$): which loss still teaches the neuron?
# 4. Write `gradient_step(w, b, x, y, lr)` returning the new `(w, b)` after one step of section 2.
# 5. In the explorer, find the largest learning rate at which the loss still settles: after 300
#    steps it changes by less than 0.001 from one step to the next, and the explorer has not
#    reported divergence. Then centre the data, `x - x.mean(axis=0)`, and try again.

# %%
def sigmoid_derivative(a):
    """The slope of the sigmoid at a, element by element."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_sigmoid_derivative(sigmoid_derivative);


# %%
def bce_loss(y, p):
    """Mean binary cross-entropy of probabilities p for labels y (0 or 1)."""
    # Your code here: replace `None` with your answer.
    return None


gu.checks.check_bce_loss(bce_loss);


# %%
def mse_gradient(y, p):
    """dL/da for each example, where p = sigmoid(a) and L is that example's squared error / 2."""
    # Your result here: replace `None` with it.
    return None


gu.checks.check_mse_gradient(mse_gradient);


# %%
def gradient_step(w, b, x, y, lr):
    """One gradient-descent step for a sigmoid neuron with BCE loss; return (new_w, new_b)."""
    # Your code here: replace `None, None` with your answer.
    return None, None


gu.checks.check_gradient_step(gradient_step);


# %%
# Exercise 5: your experiments here

# %% [markdown]
# ## Solutions
#
# Open the collapsed cells to compare with your answers.

# %% jupyter={"source_hidden": true} tags=["solution"]
def sigmoid_derivative(a):
    """The slope of the sigmoid at a, element by element."""
    p = 1 / (1 + np.exp(-np.asarray(a, dtype=float)))
    return p * (1 - p)


assert gu.checks.check_sigmoid_derivative(sigmoid_derivative)


# %% jupyter={"source_hidden": true} tags=["solution"]
def bce_loss(y, p):
    """Mean binary cross-entropy of probabilities p for labels y (0 or 1)."""
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


assert gu.checks.check_bce_loss(bce_loss)


# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 3: dL/dp = p - y and dp/da = p (1 - p), so dL/da = (p - y) p (1 - p). Nothing cancels
# this time: at y = 1, p = 0.01 the squared error's slope is about -0.0098, the cross-entropy's
# p - y = -0.99, a hundred times larger. A confidently wrong sigmoid neuron barely learns from the
# squared error, which is why classifiers (and GAN discriminators) use the cross-entropy.
def mse_gradient(y, p):
    """dL/da for each example, where p = sigmoid(a) and L is that example's squared error / 2."""
    return (p - y) * p * (1 - p)


assert gu.checks.check_mse_gradient(mse_gradient)
print(f"at y = 1, p = 0.01: squared error {mse_gradient(1.0, 0.01):.4f}, cross-entropy {0.01 - 1.0:.2f}")


# %% jupyter={"source_hidden": true} tags=["solution"]
def gradient_step(w, b, x, y, lr):
    """One gradient-descent step for a sigmoid neuron with BCE loss; return (new_w, new_b)."""
    p = 1 / (1 + np.exp(-(x @ w + b)))
    grad_w = x.T @ (p - y) / len(x)
    grad_b = np.mean(p - y)
    return w - lr * grad_w, b - lr * grad_b


assert gu.checks.check_gradient_step(gradient_step)

# %% jupyter={"source_hidden": true} tags=["solution"]
# Exercise 5: with the raw data, rates up to about 2.5 settle (near 0.26). From 3 to 7 the loss
# zig-zags every step without being flagged (step-300 loss 0.29 at 3, 0.54 at 5); from 8 on it
# diverges at step 2. Centred, the valley is round: every rate from 1 to 25 settles at 0.257, and
# 30 zig-zags (0.31).
for name, data_x, rates in (("raw", x, (1, 2, 3, 5, 8)), ("centred", x - x.mean(axis=0), (3, 10, 20, 30))):
    for rate in rates:
        trial = gu.GradientDescentExplorer(data_x, y, lr=float(rate), grid=20)
        trial.step(300)
        change = trial.losses[-1] - trial.losses[-2]
        print(f"{name:8s} lr {rate:2d}: " + (f"diverged at step {trial.steps}" if trial.diverged
                                              else f"loss {trial.losses[-1]:.3f}, last step changed it by {change:+.3f}"))


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
