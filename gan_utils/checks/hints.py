"""Graded help for every exercise, written by hand: level 1 an idea, level 2 the maths, level 3 the code.

A failing verdict shows level 1 only. ``gu.checks.hint("bce_loss")`` gives the next level at each
call (2, then 3, then 3 again), rendered as Markdown in a notebook; ``hint(name, level=n)`` asks
for one level directly and ``reset_hints()`` starts every exercise from level 1 again.
"""
from __future__ import annotations

from dataclasses import dataclass

# name -> (idea, maths, code). Ideas never hold a formula or code: the verdicts show them.
HINTS: dict[str, tuple[str, str, str]] = {
    # ---- notebook 00 ------------------------------------------------------------------------
    "scale_images": (
        "Stretch the pixel range so that black lands on -1 and white on +1, the range of the generator's "
        "tanh. Watch the type: arithmetic on uint8 wraps around at 256.",
        r"A linear map $v \mapsto v / 127.5 - 1$ sends $0 \to -1$, $127.5 \to 0$ and $255 \to 1$. "
        r"Convert to `float32` before dividing.",
        "```python\nreturn images.astype(np.float32) / 127.5 - 1.0\n```",
    ),
    # ---- notebook 01 ------------------------------------------------------------------------
    "sigmoid_derivative": (
        "The sigmoid's slope can be written using the sigmoid's own output: it is largest in the middle, "
        "where the output is one half, and vanishes at both ends where the output is near 0 or 1.",
        r"With $s = \sigma(a) = 1/(1+e^{-a})$: $\frac{ds}{da} = \frac{e^{-a}}{(1+e^{-a})^2} = s\,(1-s)$, "
        r"which is $0.25$ at $a = 0$.",
        "```python\ns = 1.0 / (1.0 + np.exp(-a))\nreturn s * (1.0 - s)\n```",
    ),
    "bce_loss": (
        "Each example contributes the surprise of the probability the model gave to the TRUE label: "
        "the probability of real for a real example, of fake for a fake one. Average that surprise over "
        "the batch; a sure, correct model scores 0.",
        r"$\mathrm{BCE}(y, p) = -\frac{1}{n}\sum_i \big[y_i \log p_i + (1-y_i)\log(1-p_i)\big]$; "
        r"for $p = 0.5$ everywhere it equals $\log 2 \approx 0.693$.",
        "```python\nreturn -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n```",
    ),
    "mse_gradient": (
        "Chain the two slopes: how the squared error changes with the probability, times how the probability "
        "changes with the pre-activation. Unlike section 2, nothing cancels this time.",
        r"$L = \tfrac12(p-y)^2$: $\frac{\partial L}{\partial p} = p - y$ and $\frac{dp}{da} = p(1-p)$, so "
        r"$\frac{\partial L}{\partial a} = (p-y)\,p\,(1-p)$. At $y = 1$, $p = 0.01$ that is about $-0.0098$, "
        r"against the cross-entropy's $p - y = -0.99$.",
        "```python\nreturn (p - y) * p * (1 - p)\n```",
    ),
    "gradient_step": (
        "Compute the neuron's predictions for the whole batch, see how far each is from its label, and move "
        "the weights a small step (scaled by the learning rate) against the average gradient.",
        r"$p = \sigma(Xw + b)$; $\nabla_w L = \frac{1}{n} X^\top (p - y)$, "
        r"$\partial L / \partial b = \frac{1}{n}\sum_i (p_i - y_i)$; then $w \leftarrow w - \eta\,\nabla_w L$ "
        r"and $b \leftarrow b - \eta\,\partial L/\partial b$.",
        "```python\np = 1 / (1 + np.exp(-(x @ w + b)))\n"
        "return w - lr * x.T @ (p - y) / len(x), b - lr * np.mean(p - y)\n```",
    ),
    # ---- notebook 02 ------------------------------------------------------------------------
    "gan_d_loss": (
        "D plays to make the value function large: a high probability of real on real images and a low one "
        "on fakes. A loss is something to make small, so D's loss is the value with its sign flipped. "
        "Work from logits, in a way that stays finite for confident logits.",
        r"$L_D = -\mathbb{E}_x[\log D(x)] - \mathbb{E}_z[\log(1 - D(G(z)))]$ with $D = \sigma(\ell)$. "
        r"Stable forms: $\log\sigma(\ell) = -\mathrm{softplus}(-\ell)$ and "
        r"$\log(1-\sigma(\ell)) = -\mathrm{softplus}(\ell)$, where $\mathrm{softplus}(u) = \log(1+e^u)$.",
        "```python\nreturn np.mean(np.logaddexp(0, -real_logits)) + np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_minimax": (
        "In the original game G minimises the very same value that D maximises, and only the fake term "
        "depends on G. Keep that term with its sign as it stands in the value function.",
        r"$L_G^{\mathrm{minimax}} = \mathbb{E}_z[\log(1 - D(G(z)))] = -\mathbb{E}[\mathrm{softplus}(\ell_{fake})]$.",
        "```python\nreturn -np.mean(np.logaddexp(0, fake_logits))\n```",
    ),
    "gan_g_loss_non_saturating": (
        "Instead of making D's job harder, G asks D to call its fakes real: the same surprise D would "
        "feel at a real image, computed on the fakes.",
        r"$L_G^{\mathrm{NS}} = -\mathbb{E}_z[\log D(G(z))] = \mathbb{E}[\mathrm{softplus}(-\ell_{fake})]$.",
        "```python\nreturn np.mean(np.logaddexp(0, -fake_logits))\n```",
    ),
    "optimal_discriminator": (
        "For a fixed G, D's best answer at each point x is the share of all the probability mass there "
        "that comes from the real data.",
        r"Pointwise, D maximises $f(D) = p_{data}\log D + p_g \log(1-D)$. Setting "
        r"$f'(D) = p_{data}/D - p_g/(1-D) = 0$ gives $D^*(x) = \frac{p_{data}(x)}{p_{data}(x) + p_g(x)}$.",
        "```python\nreturn p_data / (p_data + p_g)\n```",
    ),
    "predict_gradient": (
        "Look at the slopes of the two generator costs in the plot above, at the far left where D is "
        "sure the fakes are fake.",
        r"$\frac{d}{d\ell}\log(1-\sigma(\ell)) = -\sigma(\ell) \to 0$ as $D(G(z)) = \sigma(\ell) \to 0$, while "
        r"$\frac{d}{d\ell}[-\log\sigma(\ell)] = -(1-\sigma(\ell)) \to -1$.",
        "```python\nprediction = 'non-saturating'\n```",
    ),
    # ---- notebook 03 ------------------------------------------------------------------------
    "build_discriminator": (
        "Turn each image into one long vector first, give the network at least one hidden layer with a "
        "non-linearity, and let the last layer output one unbounded number per image: the loss turns it "
        "into a probability itself.",
        r"Flatten $(28, 28, 1) \to 784$, then Dense(256) with LeakyReLU(0.2), then Dense(1) with no "
        r"activation, so the logit $\ell \in \mathbb{R}$.",
        "```python\nreturn keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(256),\n"
        "                         layers.LeakyReLU(0.2), layers.Dense(1)])\n```",
    ),
    "real_batches": (
        "Every batch must be drawn from the full set of images, and the set itself must never change. "
        "Keep each batch in a new variable, and let the seed decide which images are drawn.",
        "Make one random generator from the seed; at each step draw batch_size indices from 0 to N - 1 "
        "and take those images; stack the steps into one array.",
        "```python\nrng = np.random.default_rng(seed)\n"
        "return np.stack([images[rng.integers(0, len(images), batch_size)] for _ in range(steps)])\n```",
    ),
    "d_steps": (
        "Think about who gets more practice when k is larger, and what a discriminator that practises more "
        "does to its own loss and to its opinion of the fakes.",
        r"With $k$ D steps per G step, D sees $k$ times as many updates; its loss falls, $D(x)$ rises and "
        r"$D(G(z))$ falls, so the $k = 5$ curve of D's loss is the lowest of the three.",
        "Compare the last values of `runs[label]['d_loss']` for each label and answer with the label of "
        "the lowest one.",
    ),
    "predict_k": (
        "Think about who gets more practice. If D trains five times for each G step, does it get better or "
        "worse at telling the fakes apart?",
        r"More D updates per G update means D approaches $D^*$ for the current G, so $D(G(z))$ drops.",
        "```python\nprediction = 'lower'\n```",
    ),
    "predict_swap": (
        "With the labels swapped, D is rewarded for calling the fakes real. What does G want D to say about "
        "the fakes? Do the two players still disagree?",
        r"D minimises $\mathrm{BCE}(0, D(x)) + \mathrm{BCE}(1, D(G(z)))$, so it pushes $D(G(z)) \to 1$, the "
        r"same direction as G's loss $-\log D(G(z))$.",
        "```python\nprediction = 'near 1'\n```",
    ),
    "generator_loss": (
        "The generator wants D to call its fakes real. Score the fakes' logits as if their label were "
        "real, in a form that stays finite for very confident logits.",
        r"$L_G = -\mathbb{E}[\log\sigma(\ell_{fake})] = \mathbb{E}[\mathrm{softplus}(-\ell_{fake})]$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-fake_logits))\n```",
    ),
    "generator_step": (
        "Record the forward pass from noise through G and then D on a tape, take the gradient of G's loss "
        "with respect to G's variables only, and apply it as a descent step with the optimiser.",
        r"$\theta_G \leftarrow \mathrm{Adam}(\theta_G, \nabla_{\theta_G} L_G)$ with "
        r"$L_G = \mathbb{E}[\mathrm{softplus}(-D(G(z)))]$; D's weights $\theta_D$ are read, never updated.",
        "```python\nwith tf.GradientTape() as tape:\n    loss = generator_loss(discriminator(generator(z, training=True), training=True))\n"
        "grads = tape.gradient(loss, generator.trainable_variables)\n"
        "optimizer.apply_gradients(zip(grads, generator.trainable_variables))\nreturn loss\n```",
    ),
    "discriminator_loss": (
        "Two batches, two targets: real images should be called real, fakes fake. Add the two batch-averaged "
        "surprises, working straight from the logits.",
        r"$L_D = \mathbb{E}[\mathrm{softplus}(-\ell_{real})] + \mathbb{E}[\mathrm{softplus}(\ell_{fake})]$.",
        "```python\nreturn tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))\n```",
    ),
    "prepare_images": (
        "Three things: a float type, the generator's range of minus one to one, and a channel axis at the end.",
        r"$v \mapsto v/127.5 - 1$ on `float32` pixels, shape $(N, 28, 28) \to (N, 28, 28, 1)$.",
        "```python\nreturn (images.astype(np.float32) / 127.5 - 1.0)[..., None]\n```",
    ),
    "mean_d_outputs": (
        "The dashboard plots probabilities, not logits, and the order of the two operations (squashing "
        "and averaging) matters.",
        r"$\overline{D(x)} = \frac{1}{n}\sum_i \sigma(\ell_i^{real})$ and likewise for the fakes; note "
        r"$\sigma(\text{mean logit}) \ne \text{mean}\,\sigma(\ell)$.",
        "```python\nreturn float(tf.reduce_mean(tf.sigmoid(real_logits))), float(tf.reduce_mean(tf.sigmoid(fake_logits)))\n```",
    ),
    # ---- notebook 04 ------------------------------------------------------------------------
    "gradient_penalty": (
        "Pick points on the straight lines between real and fake images, ask how steep the critic is at "
        "each one, and penalise each point's steepness for being different from 1, in either direction.",
        r"$\hat x = \alpha x + (1-\alpha)\tilde x$, $g = \nabla_{\hat x} s(\hat x)$ per sample, "
        r"$\mathrm{GP} = \mathbb{E}\big[(\lVert g\rVert_2 - 1)^2\big]$ (Gulrajani et al. 2017).",
        "```python\nmixed = alpha * real + (1 - alpha) * fake\nwith tf.GradientTape() as tape:\n"
        "    tape.watch(mixed)\n    scores = critic(mixed)\ngrads = tape.gradient(scores, mixed)\n"
        "norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))\n"
        "return tf.reduce_mean(tf.square(norms - 1.0))\n```",
    ),
    "label_smoothing": (
        "Only the real images' target moves, from 1 down a little. With a target between 0 and 1, the "
        "cross-entropy mixes both surprises, weighted by the target.",
        r"With $t = 1 - \varepsilon$: $L_D = \mathbb{E}[t\,\mathrm{softplus}(-\ell_r) + (1-t)\,\mathrm{softplus}(\ell_r)] "
        r"+ \mathbb{E}[\mathrm{softplus}(\ell_f)]$.",
        "```python\nt = 1.0 - smoothing\nsp = lambda u: np.logaddexp(0.0, u)\n"
        "return np.mean(t * sp(-real_logits) + (1 - t) * sp(real_logits)) + np.mean(sp(fake_logits))\n```",
    ),
    "minimax_gradient": (
        "Differentiate G's minimax cost with respect to the logit D gives a fake. Then ask what happens to "
        "that slope when D is sure the fake is fake, that is when D(G(z)) is close to zero.",
        r"$\frac{d}{d\ell}\log(1-\sigma(\ell)) = \frac{-\sigma(\ell)(1-\sigma(\ell))}{1-\sigma(\ell)} = -\sigma(\ell) "
        r"= -D(G(z))$: it vanishes as $D(G(z)) \to 0$. The non-saturating cost's slope is "
        r"$-(1 - D(G(z))) \to -1$ there.",
        "```python\nreturn -1.0 / (1.0 + np.exp(-logit))\n```",
    ),
    # ---- notebook 05 ------------------------------------------------------------------------
    "frechet_gaussian": (
        "Two parts: how far apart the two centres are (squared), plus how different the two spreads are, "
        "where the spreads are compared through the square root of their product, not each on its own.",
        r"$\mathrm{FD} = \lVert\mu_1-\mu_2\rVert^2 + \mathrm{Tr}\big(\Sigma_1 + \Sigma_2 - 2(\Sigma_1\Sigma_2)^{1/2}\big)$.",
        "```python\nroot = scipy.linalg.sqrtm(s1 @ s2).real\n"
        "return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))\n```",
    ),
    "nearest_distance": (
        "For each generated image, find the training image closest to it and report how far away it is; "
        "one number per generated image.",
        r"$d_i = \min_j \lVert s_i - t_j\rVert_2$; broadcasting gives all pairs at once.",
        "```python\nd2 = ((samples[:, None, :] - train[None, :, :]) ** 2).sum(-1)\nreturn np.sqrt(d2.min(axis=1))\n```",
    ),
    "parzen_log_density": (
        "The density is an average of small Gaussian bumps, one on each centre. Work in log space from the "
        "start: with a narrow width, every bump's value underflows to zero in floating point.",
        r"$\log p(x) = \mathrm{logsumexp}_i\big(-\lVert x-c_i\rVert^2/(2h^2)\big) - \log n - \frac{d}{2}\log(2\pi h^2)$.",
        "```python\na = -((x[:, None, :] - c[None, :, :]) ** 2).sum(-1) / (2 * h ** 2)\n"
        "return scipy.special.logsumexp(a, axis=1) - np.log(len(c)) - 0.5 * x.shape[1] * np.log(2 * np.pi * h ** 2)\n```",
    ),
    "predict_fid_samples": (
        "A Fréchet distance is computed from means and covariances estimated from samples. With fewer "
        "samples, the estimates are noisier. Does noise make two sets look more alike or less alike?",
        r"The estimate of $\mathrm{Tr}(\Sigma)$ terms is biased: with $N$ samples the FD is inflated by "
        r"roughly a term proportional to $1/N$ (Binkowski et al. 2018), so fewer samples read higher.",
        "```python\nprediction = 'higher'\n```",
    ),
}

_levels: dict[str, int] = {}


def first_hint(name: str) -> str:
    """The level-1 idea for an exercise ('' if it has none): what a failing verdict shows."""
    return HINTS.get(name, ("", "", ""))[0]


@dataclass
class Hint:
    """One level of help for one exercise; renders as Markdown in a notebook."""

    name: str
    level: int
    text: str

    def _repr_markdown_(self) -> str:
        more = " Call it again for the next level." if self.level < 3 else ""
        return f"**Hint {self.level}/3 for `{self.name}`.** {self.text}{more}"

    def __str__(self) -> str:
        return f"Hint {self.level}/3 for {self.name}: {self.text}"

    __repr__ = __str__


def hint(name: str, level: int | None = None) -> Hint:
    """Give the next level of help for an exercise (2: the maths, 3: the code); level= asks for one directly."""
    if name not in HINTS:
        raise ValueError(f"no hints for {name!r}; exercises with hints: {sorted(HINTS)}")
    if level is None:
        level = min(_levels.get(name, 1) + 1, 3)
    if level not in (1, 2, 3):
        raise ValueError(f"level must be 1, 2 or 3, got {level!r}")
    _levels[name] = max(_levels.get(name, 1), level)
    return Hint(name, level, HINTS[name][level - 1])


def reset_hints() -> None:
    """Start every exercise's help from level 1 again."""
    _levels.clear()
