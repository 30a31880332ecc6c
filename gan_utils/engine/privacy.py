"""What a generator gives away about its training digits, and one defence. Introduced in notebook 06.

Membership inference (Hayes et al. 2019, LOGAN): an attacker holds some digits and asks which of them
were in the training set. The white-box attack ranks them by the discriminator's raw output (D saw
its members thousands of times); the black-box attack ranks them by how close the generator's
samples come (minus the distance to the nearest sample). ``attack_auc`` scores either ranking: 0.5 is
a coin toss, 1 picks every member.

The defence is differentially private training of D (DP-SGD, Abadi et al. 2016): each training
digit's gradient is clipped to a length of at most ``clip_norm``, Gaussian noise of standard deviation
``noise_multiplier * clip_norm`` is added to the sum, and a privacy accountant turns the noise, the
sampling rate and the number of steps into a budget epsilon at a given delta. G only ever sees D's
gradients, so it inherits D's guarantee (post-processing). The accountant here is Google's maintained
``dp_accounting`` package (Rényi DP), which assumes each step's batch is a Poisson sample of the
training set; like most DP-SGD code, ``train_small_gan`` draws fixed-size batches instead, so its
epsilon is the usual approximation, not a proof.
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import tensorflow as tf

from .answers import course_answer
from .metrics import nearest_neighbours
from .models import build_gan, is_conditional
from .pretrained import generate
from .runtime import set_seed
from .training import check_images
from .validate import check_int, check_number

#: Rényi orders for the accountant: integers, so every order's bound is computed exactly (no warnings)
RDP_ORDERS = tuple(range(2, 129)) + (160, 192, 256, 384, 512)


def _scores(values, name: str) -> np.ndarray:
    a = np.asarray(values, dtype=np.float64)
    if a.ndim != 1 or len(a) == 0 or not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be a non-empty 1-D array of finite numbers, got shape {a.shape}")
    return a


@course_answer("attack_auc")
def attack_auc(member_scores, nonmember_scores) -> float:
    """Return the chance that a random member outscores a random non-member, ties counting half (the ROC AUC). Introduced in notebook 06."""
    m, n = _scores(member_scores, "member_scores"), _scores(nonmember_scores, "nonmember_scores")
    both = np.concatenate([m, n])
    order = np.argsort(both, kind="mergesort")
    ranks = np.empty(len(both))
    sorted_values = both[order]
    # average ranks (1-based) over runs of equal values
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(both)]
    for s, e in zip(starts, ends):
        ranks[order[s:e]] = (s + 1 + e) / 2.0
    u = ranks[:len(m)].sum() - len(m) * (len(m) + 1) / 2.0
    return float(u / (len(m) * len(n)))


def roc_curve(member_scores, nonmember_scores) -> tuple[np.ndarray, np.ndarray]:
    """Return (false-positive rate, true-positive rate) of "member if score >= t" for every threshold t, from (0, 0) to (1, 1). Introduced in notebook 06."""
    m, n = _scores(member_scores, "member_scores"), _scores(nonmember_scores, "nonmember_scores")
    thresholds = np.unique(np.concatenate([m, n]))[::-1]
    tpr = np.r_[0.0, [(m >= t).mean() for t in thresholds]]
    fpr = np.r_[0.0, [(n >= t).mean() for t in thresholds]]
    return fpr, tpr


def white_box_scores(discriminator, images, batch: int = 500) -> np.ndarray:
    """Return D's raw output for each image (the white-box attack's score: higher looks more like a member). Introduced in notebook 06."""
    x = check_images(images)
    if len(discriminator.inputs) != 1:
        raise ValueError("white_box_scores needs an unconditional discriminator (one input), "
                         f"got one with {len(discriminator.inputs)} inputs")
    out = [np.asarray(discriminator(tf.constant(x[i:i + batch]), training=False)).reshape(-1)
           for i in range(0, len(x), batch)]
    return np.concatenate(out).astype(np.float64)


def black_box_scores(samples, images) -> np.ndarray:
    """Return minus each image's distance to its nearest generated sample ([0, 1] pixels): the black-box attack's score. Introduced in notebook 06."""
    return -nearest_neighbours(images, samples)[1][:, 0]


@course_answer("privatise")
def privatise(per_example, clip_norm, noise_multiplier, noise) -> tf.Tensor:
    """Clip each row of a (B, P) per-example gradient to length clip_norm, sum, add noise_multiplier * clip_norm * noise, divide by B. Introduced in notebook 06."""
    g = tf.convert_to_tensor(per_example, dtype=tf.float32)
    noise = tf.convert_to_tensor(noise, dtype=tf.float32)
    norms = tf.norm(g, axis=1, keepdims=True)
    scale = tf.minimum(1.0, clip_norm / tf.maximum(norms, 1e-12))
    total = tf.reduce_sum(g * scale, axis=0) + noise_multiplier * clip_norm * noise
    return total / tf.cast(tf.shape(g)[0], tf.float32)


def dp_epsilon(noise_multiplier: float, sample_rate: float, steps: int, delta: float = 1e-5) -> float:
    """Return DP-SGD's epsilon at `delta` from Google's dp_accounting (Rényi DP, Poisson-sampled Gaussian mechanism). Introduced in notebook 06."""
    noise_multiplier = check_number("noise_multiplier", noise_multiplier, 0)
    sample_rate = check_number("sample_rate", sample_rate, 0, 1 + 1e-12, low_open=True)
    delta = check_number("delta", delta, 0, 1, low_open=True)
    steps = check_int("steps", steps, 0)
    if steps == 0:
        return 0.0
    if noise_multiplier == 0:
        return math.inf
    import dp_accounting
    from dp_accounting import rdp

    accountant = rdp.RdpAccountant(list(RDP_ORDERS))
    event = dp_accounting.PoissonSampledDpEvent(sample_rate, dp_accounting.GaussianDpEvent(noise_multiplier))
    accountant.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return float(accountant.get_epsilon(delta))


@dataclasses.dataclass
class SmallRun:
    """One run of train_small_gan: the models, the settings and what it cost. Introduced in notebook 06."""

    generator: object
    discriminator: object
    n_train: int
    steps: int
    seconds: float
    clip_norm: float | None
    noise_multiplier: float
    batch_size: int
    delta: float
    d_loss: list
    g_loss: list

    @property
    def sample_rate(self) -> float:
        """The share of the training digits in one batch (the accountant's q)."""
        return self.batch_size / self.n_train

    @property
    def private(self) -> bool:
        """True when D's gradients were clipped and noised."""
        return self.clip_norm is not None

    @property
    def epsilon(self) -> float:
        """The privacy budget spent so far at self.delta (infinite without noise)."""
        if not self.private:
            return math.inf
        return dp_epsilon(self.noise_multiplier, self.sample_rate, self.steps, self.delta)

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """Return n generated digits in [-1, 1], (n, 28, 28, 1)."""
        return generate(self.generator, n, seed=seed)


def _flatten(grads) -> tf.Tensor:
    """(B, *shape) per variable -> (B, P)."""
    return tf.concat([tf.reshape(g, (tf.shape(g)[0], -1)) for g in grads], axis=1)


def _unflatten(flat, variables) -> list:
    out, start = [], 0
    for v in variables:
        size = int(np.prod(v.shape))
        out.append(tf.reshape(flat[start:start + size], v.shape))
        start += size
    return out


def train_small_gan(images, steps: int, *, model: str = "mlp", clip_norm: float | None = None,
                    noise_multiplier: float = 0.0, batch_size: int = 64, lr: float = 2e-4, seed: int = 0,
                    delta: float = 1e-5, privatise_fn=None, run: SmallRun | None = None, **sizes) -> SmallRun:
    """Train a small GAN (non-saturating loss), its D with DP-SGD when clip_norm is given; pass run= to train it further. Introduced in notebook 06.

    ``privatise_fn`` replaces the course's ``privatise`` (the learner's version, notebook 06); ``sizes``
    go to gu.models.build_gan (e.g. ``hidden=64`` for a small MLP: DP-SGD's noise grows with the
    number of weights it covers, so a private D is best kept small).
    """
    x = check_images(images)
    steps = check_int("steps", steps, 0)
    batch_size = check_int("batch_size", batch_size, 1, len(x))
    if clip_norm is not None:
        clip_norm = check_number("clip_norm", clip_norm, 0, low_open=True)
    noise_multiplier = check_number("noise_multiplier", noise_multiplier, 0)
    if noise_multiplier and clip_norm is None:
        raise ValueError(f"noise_multiplier={noise_multiplier!r} needs clip_norm: noise is scaled by the clipping length")
    if model not in ("mlp", "dcgan"):
        raise ValueError(f"model must be 'mlp' or 'dcgan', got {model!r}")
    lr = check_number("lr", lr, 0, low_open=True)
    if run is None:
        set_seed(seed)
        generator, discriminator = build_gan(model, **sizes)
        run = SmallRun(generator, discriminator, len(x), 0, 0.0, clip_norm, float(noise_multiplier), batch_size,
                       float(delta), [], [])
    elif (run.n_train, run.clip_norm, run.noise_multiplier, run.batch_size) != (len(x), clip_norm,
                                                                                 float(noise_multiplier), batch_size):
        raise ValueError("run= must continue with the same images, clip_norm, noise_multiplier and batch_size "
                         f"it was trained with ({run.n_train} digits, {run.clip_norm}, {run.noise_multiplier}, "
                         f"{run.batch_size})")
    if is_conditional(run.generator):
        raise ValueError("train_small_gan trains unconditional models only")
    G, D = run.generator, run.discriminator
    opt_g = tf.keras.optimizers.Adam(lr, beta_1=0.5)
    opt_d = tf.keras.optimizers.Adam(lr, beta_1=0.5)
    rng = tf.random.Generator.from_seed(seed * 1000 + run.steps)
    data = tf.constant(x)
    latent = int(G.inputs[0].shape[-1])
    private = clip_norm is not None
    privatise_fn = privatise_fn or privatise
    clip = tf.constant(clip_norm or 0.0, tf.float32)
    sigma = tf.constant(noise_multiplier, tf.float32)

    def pair_loss(xr, z):
        real = D(xr, training=True)
        fake = D(G(z, training=True), training=True)
        return tf.reduce_mean(tf.nn.softplus(-real) + tf.nn.softplus(fake))

    @tf.function
    def step():
        idx = tf.argsort(rng.uniform((len(x),)))[:batch_size]
        xr = tf.gather(data, idx)
        z = rng.normal((batch_size, latent))
        if private:
            def one(args):
                xi, zi = args
                with tf.GradientTape() as tape:
                    loss = pair_loss(xi[None], zi[None])
                return tape.gradient(loss, D.trainable_variables)
            per_example = tf.vectorized_map(one, (xr, z))
            flat = privatise_fn(_flatten(per_example), clip, sigma, rng.normal((sum(
                int(np.prod(v.shape)) for v in D.trainable_variables),)))
            grads = _unflatten(flat, D.trainable_variables)
            d_loss = pair_loss(xr, z)
        else:
            with tf.GradientTape() as tape:
                d_loss = pair_loss(xr, z)
            grads = tape.gradient(d_loss, D.trainable_variables)
        opt_d.apply_gradients(zip(grads, D.trainable_variables))
        z2 = rng.normal((batch_size, latent))
        with tf.GradientTape() as tape:
            g_loss = tf.reduce_mean(tf.nn.softplus(-D(G(z2, training=True), training=True)))
        opt_g.apply_gradients(zip(tape.gradient(g_loss, G.trainable_variables), G.trainable_variables))
        return d_loss, g_loss

    start = time.perf_counter()
    for _ in range(steps):
        d_loss, g_loss = step()
        run.d_loss.append(float(d_loss))
        run.g_loss.append(float(g_loss))
    run.steps += steps
    run.seconds += time.perf_counter() - start
    return run


def membership_aucs(run_or_models, members, nonmembers, n_samples: int = 5000, seed: int = 0) -> dict:
    """Return {"white_box": AUC, "black_box": AUC} of the two attacks on members against non-members. Introduced in notebook 06.

    run_or_models is a SmallRun, a GANTrainer or a (generator, discriminator) pair; members and
    non-members are images in [-1, 1] (the attacker's candidates). Without a discriminator
    (discriminator None) only the black-box AUC is given.
    """
    if hasattr(run_or_models, "sample") and hasattr(run_or_models, "discriminator"):
        generator, discriminator = run_or_models.generator, run_or_models.discriminator
        samples = run_or_models.sample(n_samples)
    else:
        generator, discriminator = run_or_models
        samples = generate(generator, n_samples, seed=seed)
    out = {"black_box": attack_auc(black_box_scores(samples, members), black_box_scores(samples, nonmembers))}
    if discriminator is not None:
        out["white_box"] = attack_auc(white_box_scores(discriminator, members), white_box_scores(discriminator, nonmembers))
    return out
