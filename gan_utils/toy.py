"""Toy GANs in one and two dimensions, where every density can be drawn and every formula checked.

Introduced in notebook 02. Data are isotropic Gaussian mixtures (a 1-D Gaussian, the ring of 8
Gaussians); the generator and discriminator are small Keras MLPs trained with ``tf.GradientTape``
steps compiled by ``tf.function``, using the reference losses of ``gu.losses`` (real = 1, fake = 0,
D outputs a logit). Alongside: the optimal discriminator D*, the virtual training criterion C(G),
the KL and Jensen-Shannon divergences (exact on a grid, or the JSD estimated from samples), mode
coverage, and GAN Lab's picture of a 2-D generator (Kahng et al. 2018): a z-grid pushed through G,
and the gradient G's loss puts on each fake sample.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr

from . import config

LOG4 = math.log(4.0)
TOY_LOSSES = ("minimax", "non_saturating")


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def _check_positive(name: str, value) -> float:
    if not _is_number(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _check_int(name: str, value, low: int = 1, high: float = math.inf) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low}, {high}], got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- densities and divergences

def gaussian_pdf(x, mean: float = 0.0, std: float = 1.0) -> np.ndarray:
    """Density of N(mean, std^2) at the points x (1-D). Introduced in notebook 02."""
    std = _check_positive("std", std)
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-0.5 * ((x - mean) / std) ** 2) / (std * math.sqrt(2.0 * math.pi))


@dataclass(frozen=True)
class GaussianMixture:
    """Equal-weight mixture of isotropic Gaussians with one std: sample it, and in 1-D evaluate it. Introduced in notebook 02."""

    centres: np.ndarray
    std: float
    name: str = "mixture"

    def __post_init__(self):
        centres = np.asarray(self.centres, dtype=np.float64)
        if centres.ndim != 2 or centres.shape[0] < 1 or centres.shape[1] not in (1, 2):
            raise ValueError(f"centres must have shape (modes, 1) or (modes, 2), got {centres.shape}")
        object.__setattr__(self, "centres", centres)
        object.__setattr__(self, "std", _check_positive("std", self.std))

    @property
    def dim(self) -> int:
        """1 or 2: the dimension of a sample."""
        return int(self.centres.shape[1])

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n samples as a float32 array of shape (n, dim)."""
        n = _check_int("n", n)
        modes = rng.integers(0, len(self.centres), n)
        return (self.centres[modes] + self.std * rng.standard_normal((n, self.dim))).astype(np.float32)

    def pdf(self, x) -> np.ndarray:
        """Density at the 1-D points x (1-D mixtures only)."""
        if self.dim != 1:
            raise ValueError(f"pdf is defined here for 1-D mixtures only, this one has dim={self.dim}")
        return np.mean([gaussian_pdf(x, c, self.std) for c in self.centres[:, 0]], axis=0)

    def cdf(self, x) -> np.ndarray:
        """Cumulative distribution at the 1-D points x (1-D mixtures only)."""
        if self.dim != 1:
            raise ValueError(f"cdf is defined here for 1-D mixtures only, this one has dim={self.dim}")
        x = np.asarray(x, dtype=np.float64)
        return np.mean([ndtr((x - c) / self.std) for c in self.centres[:, 0]], axis=0)

    def support(self, margin: float = 4.0) -> tuple:
        """Per-axis (low, high) covering every mode +- margin standard deviations (and at least +-1)."""
        pad = max(margin * self.std, 1.0)
        return float(self.centres.min() - pad), float(self.centres.max() + pad)


def gaussian_1d(mean: float = 2.0, std: float = 0.5) -> GaussianMixture:
    """The 1-D toy's data distribution N(mean, std^2). Introduced in notebook 02."""
    if not _is_number(mean) or not math.isfinite(mean):
        raise ValueError(f"mean must be a finite number, got {mean!r}")
    return GaussianMixture(np.array([[float(mean)]]), std, name=f"N({mean:g}, {std:g}^2)")


def ring_of_gaussians(n_modes: int = 8, radius: float = 2.0, std: float = 0.02) -> GaussianMixture:
    """The ring of n_modes Gaussians on a circle (Metz et al. 2017; Srivastava et al. 2017). Introduced in notebook 02."""
    n_modes = _check_int("n_modes", n_modes, 2)
    radius = _check_positive("radius", radius)
    angles = 2.0 * np.pi * np.arange(n_modes) / n_modes
    centres = radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return GaussianMixture(centres, std, name=f"ring of {n_modes}")


def _check_densities(p_data, p_g) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p_data, dtype=np.float64)
    q = np.asarray(p_g, dtype=np.float64)
    if p.shape != q.shape:
        raise ValueError(f"p_data and p_g must have the same shape, got {p.shape} and {q.shape}")
    for name, arr in (("p_data", p), ("p_g", q)):
        if not np.all(np.isfinite(arr)) or np.any(arr < 0):
            raise ValueError(f"{name} must hold finite densities >= 0, got values in [{arr.min():.3g}, {arr.max():.3g}]")
    return p, q


def optimal_discriminator(p_data, p_g) -> np.ndarray:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)), elementwise; 1/2 where both densities are 0. Introduced in notebook 02."""
    p, q = _check_densities(p_data, p_g)
    return _share(p, p + q)


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x * log(y) with 0 * log(0) = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, x * np.log(np.where(x > 0, y, 1.0)), 0.0)


def _share(a: np.ndarray, total: np.ndarray) -> np.ndarray:
    """a / total, with 1/2 where total is 0 (so that 0 * log(share) stays 0)."""
    return np.where(total > 0, a / np.where(total > 0, total, 1.0), 0.5)


def _integrate(values: np.ndarray, x) -> float:
    if x is None:
        return float(np.sum(values))
    return float(np.trapezoid(values, np.asarray(x, dtype=np.float64)))


def virtual_criterion(p_data, p_g, x=None) -> float:
    """C(G) = V(D*, G) = E_data[log D*] + E_g[log(1 - D*)], on a grid x (densities) or for probability vectors. Introduced in notebook 02."""
    p, q = _check_densities(p_data, p_g)
    # D* = p / (p + q) and 1 - D* = q / (p + q), each computed as a ratio so a tiny q keeps its digits
    return _integrate(_xlogy(p, _share(p, p + q)) + _xlogy(q, _share(q, p + q)), x)


def kl_divergence(p, q, x=None) -> float:
    """KL(p || q) in nats: densities on the grid x, or probability vectors if x is None; inf where q = 0 < p. Introduced in notebook 02."""
    p, q = _check_densities(p, q)
    if np.any((p > 0) & (q == 0)):
        return math.inf
    return _integrate(_xlogy(p, _share(p, q)), x)


def js_divergence(p, q, x=None) -> float:
    """Jensen-Shannon divergence in nats (0 to log 2): densities on the grid x, or probability vectors if x is None. Introduced in notebook 02."""
    p, q = _check_densities(p, q)
    m = 0.5 * (p + q)
    kl_pm = _integrate(_xlogy(p, _share(p, m)), x)  # KL(p || m), m the mixture
    kl_qm = _integrate(_xlogy(q, _share(q, m)), x)
    return 0.5 * (kl_pm + kl_qm)


def histogram_density(samples, edges: np.ndarray) -> np.ndarray:
    """Density of 1-D samples on the bins `edges` (mass outside the edges is dropped). Introduced in notebook 02."""
    samples = np.asarray(samples, dtype=np.float64).ravel()
    if samples.size == 0:
        raise ValueError("samples is empty: draw at least one sample")
    counts, _ = np.histogram(samples, bins=edges)
    return counts / (samples.size * np.diff(edges))


def js_estimate(samples, data: GaussianMixture, bins: int = 60) -> float:
    """Estimate JS(p_data, p_g) in nats from 1-D generator samples, on bins over data's support plus two tail bins. Introduced in notebook 02."""
    if data.dim != 1:
        raise ValueError(f"js_estimate needs 1-D data, got dim={data.dim}; use modes_covered in 2-D")
    bins = _check_int("bins", bins, 2)
    samples = np.asarray(samples, dtype=np.float64).ravel()
    if samples.size == 0:
        raise ValueError("samples is empty: draw at least one sample")
    edges = np.linspace(*data.support(), bins + 1)
    full = np.concatenate([[-np.inf], edges, [np.inf]])
    p = np.diff(data.cdf(full))
    q = np.histogram(samples, bins=full)[0] / samples.size
    return js_divergence(p, q)


class ModeCoverage(NamedTuple):
    """How many modes the samples cover, and the share of samples near no mode. Introduced in notebook 02."""

    covered: int
    off_mode: float


def modes_covered(samples, centres, std: float, min_share: float = 0.01, radius: float = 3.0) -> ModeCoverage:
    """Count modes with >= min_share of samples within radius*std of their centre, and the share near no mode. Introduced in notebook 02."""
    samples = np.asarray(samples, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    if samples.ndim == 1:
        samples = samples[:, None]
    if centres.ndim == 1:
        centres = centres[:, None]
    if samples.ndim != 2 or samples.shape[0] == 0:
        raise ValueError(f"samples must have shape (n, dim) with n >= 1, got {samples.shape}")
    if centres.ndim != 2 or centres.shape[0] == 0 or centres.shape[1] != samples.shape[1]:
        raise ValueError(f"centres must have shape (modes, {samples.shape[1]}) to match samples, got {centres.shape}")
    std = _check_positive("std", std)
    if not _is_number(min_share) or not 0 < min_share <= 1:
        raise ValueError(f"min_share must be a number in (0, 1], got {min_share!r}")
    radius = _check_positive("radius", radius)
    dist = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    near = dist <= radius * std
    share = near.mean(axis=0)
    return ModeCoverage(int(np.sum(share >= min_share)), float(np.mean(~near.any(axis=1))))


# --------------------------------------------------------------------------- small networks

def mlp(input_dim: int, output_dim: int, widths: tuple = (32, 32), activation: str = "tanh", name: str = "mlp"):
    """A small Keras MLP input_dim -> widths... -> output_dim with a linear output. Introduced in notebook 02."""
    import keras

    input_dim, output_dim = _check_int("input_dim", input_dim), _check_int("output_dim", output_dim)
    if not isinstance(widths, (tuple, list)) or not widths:
        raise ValueError(f"widths must be a non-empty tuple of hidden-layer widths m, got {widths!r}")
    widths = tuple(_check_int("hidden-layer width", m) for m in widths)
    if activation not in ("tanh", "relu", "leaky_relu"):
        raise ValueError(f"activation must be 'tanh', 'relu' or 'leaky_relu', got {activation!r}")
    layers = [keras.Input((input_dim,))]
    for width in widths:
        layers.append(keras.layers.Dense(width, activation=activation))
    layers.append(keras.layers.Dense(output_dim))
    return keras.Sequential(layers, name=name)


def fit_discriminator(sample_real, sample_fake, steps: int = 1000, batch_size: int = 256, lr: float = 3e-3,
                      widths: tuple = (32, 32), seed: int = 0):
    """Train an MLP discriminator on two fixed samplers with the BCE loss; return x -> D(x) (probabilities). Introduced in notebook 02."""
    import tensorflow as tf

    from .losses import discriminator_loss

    steps, batch_size = _check_int("steps", steps), _check_int("batch_size", batch_size)
    lr = _check_positive("lr", lr)
    config.set_seed(seed)
    rng = np.random.default_rng(seed)
    dim = np.asarray(sample_real(1, rng)).shape[-1]
    disc = mlp(dim, 1, widths, name="discriminator")
    opt = tf.keras.optimizers.Adam(lr)

    @tf.function
    def train_step(x_real, x_fake):
        with tf.GradientTape() as tape:
            loss = discriminator_loss(disc(x_real, training=True), disc(x_fake, training=True), "minimax")
        grads = tape.gradient(loss, disc.trainable_variables)
        opt.apply_gradients(zip(grads, disc.trainable_variables))
        return loss

    for _ in range(steps):
        train_step(np.asarray(sample_real(batch_size, rng), np.float32), np.asarray(sample_fake(batch_size, rng), np.float32))

    def d_of_x(x) -> np.ndarray:
        x = np.asarray(x, np.float32).reshape(-1, dim)
        return 1.0 / (1.0 + np.exp(-disc(x).numpy().ravel().astype(np.float64)))

    return d_of_x


# --------------------------------------------------------------------------- the toy GAN

CHUNK = 250  # iterations per compiled call: one host round trip per chunk, not per update


class ToyGAN:
    """A small GAN on a toy distribution: step D, G or both (k D steps per G step), sample, reset. Introduced in notebook 02."""

    def __init__(self, data: GaussianMixture | None = None, *, loss: str = "non_saturating", lr_g: float = 1e-3,
                 lr_d: float = 3e-3, k: int = 5, batch_size: int = 128, latent_dim: int = 1,
                 widths: tuple = (32, 32), activation: str = "tanh", pack: int = 1, beta_1: float = 0.5,
                 seed: int = 0):
        import tensorflow as tf

        self.data = gaussian_1d() if data is None else data
        if not isinstance(self.data, GaussianMixture):
            raise ValueError(f"data must be a GaussianMixture (gaussian_1d(), ring_of_gaussians()), got {data!r}")
        self.batch_size = _check_int("batch_size", batch_size, 2)
        self.pack = _check_int("pack", pack, 1, 16)
        if self.batch_size % self.pack:
            raise ValueError(f"batch_size={batch_size} must be divisible by pack={pack}")
        self.latent_dim = _check_int("latent_dim", latent_dim)
        if not _is_number(beta_1) or not 0 <= beta_1 < 1:
            raise ValueError(f"beta_1 must be a number in [0, 1), got {beta_1!r}")
        self.seed = _check_int("seed", seed, 0)
        self._shape = {"batch_size": batch_size, "latent_dim": latent_dim, "widths": tuple(widths),
                       "activation": activation, "pack": pack, "beta_1": beta_1, "seed": seed}
        config.set_seed(self.seed)
        dim = self.data.dim
        self.generator = mlp(self.latent_dim, dim, widths, activation, name="generator")
        self.discriminator = mlp(dim * self.pack, 1, widths, activation, name="discriminator")
        self._opt_g = tf.keras.optimizers.Adam(1e-3, beta_1=beta_1)
        self._opt_d = tf.keras.optimizers.Adam(1e-3, beta_1=beta_1)
        self._opt_g.build(self.generator.trainable_variables)
        self._opt_d.build(self.discriminator.trainable_variables)
        self._initial = [[v.numpy() for v in obj.variables] for obj in self._stateful()]
        self._steps: dict = {}
        self.loss, self.lr_g, self.lr_d, self.k = loss, lr_g, lr_d, k
        self.reset()

    # settings a dashboard changes while training --------------------------------------------
    @property
    def loss(self) -> str:
        """Generator loss: 'minimax' (log(1 - D(G(z))), as in V) or 'non_saturating' (-log D(G(z)))."""
        return self._loss

    @loss.setter
    def loss(self, value: str) -> None:
        if value not in TOY_LOSSES:
            raise ValueError(f"loss must be one of {TOY_LOSSES}, got {value!r}")
        self._loss = value

    @property
    def lr_g(self) -> float:
        """Generator learning rate (Adam)."""
        return float(self._opt_g.learning_rate.numpy())

    @lr_g.setter
    def lr_g(self, value: float) -> None:
        self._opt_g.learning_rate.assign(self._check_lr("lr_g", value))

    @property
    def lr_d(self) -> float:
        """Discriminator learning rate (Adam)."""
        return float(self._opt_d.learning_rate.numpy())

    @lr_d.setter
    def lr_d(self, value: float) -> None:
        self._opt_d.learning_rate.assign(self._check_lr("lr_d", value))

    @property
    def k(self) -> int:
        """Discriminator steps per generator step in step('both')."""
        return self._k

    @k.setter
    def k(self, value: int) -> None:
        self._k = _check_int("k", value, 1, 20)

    @staticmethod
    def _check_lr(name: str, value) -> float:
        if not _is_number(value) or not 0 < value <= 1:
            raise ValueError(f"{name} must be a number in (0, 1], got {value!r}")
        return float(value)

    def _stateful(self) -> list:
        return [self.generator, self.discriminator, self._opt_g, self._opt_d]

    # training -----------------------------------------------------------------------------------
    def reset(self) -> None:
        """Restore the first weights, optimiser state, noise stream and an empty history (learning rates, k and loss stay)."""
        lrs = (self.lr_g, self.lr_d)
        for obj, values in zip(self._stateful(), self._initial):
            for var, value in zip(obj.variables, values):
                var.assign(value)
        self.lr_g, self.lr_d = lrs
        self._rng = np.random.default_rng(self.seed)
        self.step_count = 0
        self.history = {"step": [], "d_loss": [], "g_loss": [], "d_real": [], "d_fake": []}
        self.last: dict = {}

    def _packed(self, x):
        import tensorflow as tf

        return tf.reshape(x, (-1, self.data.dim * self.pack)) if self.pack > 1 else x

    def _stats(self, real_logits, fake_logits, kind):
        import tensorflow as tf

        from .losses import discriminator_loss, generator_loss

        return (discriminator_loss(real_logits, fake_logits, "minimax"), generator_loss(fake_logits, kind),
                tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits)))

    def _compiled(self, plan: tuple, kind: str):
        """The tf.function running a chunk of iterations of `plan` (a tuple of 'd'/'g' updates) with generator loss `kind`, built once."""
        import tensorflow as tf

        from .losses import discriminator_loss, generator_loss

        key = (plan, kind)
        if key in self._steps:
            return self._steps[key]
        G, D, packed = self.generator, self.discriminator, self._packed

        def d_step(x_real, z):
            with tf.GradientTape() as tape:
                real_logits = D(packed(x_real), training=True)
                fake_logits = D(packed(G(z, training=True)), training=True)
                loss = discriminator_loss(real_logits, fake_logits, kind)
            grads = tape.gradient(loss, D.trainable_variables)
            self._opt_d.apply_gradients(zip(grads, D.trainable_variables))
            return self._stats(real_logits, fake_logits, kind)

        def g_step(x_real, z):
            with tf.GradientTape() as tape:
                fake_logits = D(packed(G(z, training=True)), training=True)
                loss = generator_loss(fake_logits, kind)
            grads = tape.gradient(loss, G.trainable_variables)
            self._opt_g.apply_gradients(zip(grads, G.trainable_variables))
            return self._stats(D(packed(x_real), training=True), fake_logits, kind)

        updates = {"d": d_step, "g": g_step}

        def run_chunk(xs, zs):
            stats = tf.TensorArray(tf.float32, size=tf.shape(xs)[0])
            for i in tf.range(tf.shape(xs)[0]):
                for j, part in enumerate(plan):
                    last = updates[part](xs[i, j], zs[i, j])
                stats = stats.write(i, tf.stack(last))
            return stats.stack()

        spec = [tf.TensorSpec((None, len(plan), self.batch_size, self.data.dim), tf.float32),
                tf.TensorSpec((None, len(plan), self.batch_size, self.latent_dim), tf.float32)]
        self._steps[key] = tf.function(run_chunk, input_signature=spec)
        return self._steps[key]

    def _batches(self, n: int, updates: int) -> tuple[np.ndarray, np.ndarray]:
        """Real samples and noise for n iterations of `updates` updates each, drawn in update order."""
        xs = np.empty((n, updates, self.batch_size, self.data.dim), np.float32)
        zs = np.empty((n, updates, self.batch_size, self.latent_dim), np.float32)
        for i in range(n):
            for j in range(updates):
                xs[i, j] = self.data.sample(self.batch_size, self._rng)
                zs[i, j] = self._rng.standard_normal((self.batch_size, self.latent_dim))
        return xs, zs

    def step(self, n: int = 1, which: str = "both") -> dict:
        """Run n iterations: 'd' (one D update), 'g' (one G update) or 'both' (k D updates, then one G update); return the last stats."""
        n = _check_int("n", n)
        if which not in ("both", "d", "g"):
            raise ValueError(f"which must be 'both', 'd' or 'g', got {which!r}")
        plan = {"both": ("d",) * self.k + ("g",), "d": ("d",), "g": ("g",)}[which]
        done = 0
        while done < n:
            chunk = min(CHUNK, n - done)
            with config.quiet_retracing():  # each new ToyGAN traces its own chunk function, on purpose
                stats = np.asarray(self._compiled(plan, self.loss)(*self._batches(chunk, len(plan))), dtype=np.float64)
            for d_loss, g_loss, d_real, d_fake in stats:
                if not (math.isfinite(d_loss) and math.isfinite(g_loss)):
                    raise FloatingPointError(f"training diverged at step {self.step_count + 1} (D loss {d_loss}, "
                                             f"G loss {g_loss}): lower the learning rates and press Reset")
                self.step_count += 1
                self.last = {"step": self.step_count, "d_loss": float(d_loss), "g_loss": float(g_loss),
                             "d_real": float(d_real), "d_fake": float(d_fake)}
                for key, value in self.last.items():
                    self.history[key].append(value)
            done += chunk
        return dict(self.last)

    def train(self, steps: int, callback=None, every: int = 100) -> dict:
        """Run `steps` iterations of step('both'), calling callback(self) every `every` steps; return the last stats."""
        steps, every = _check_int("steps", steps), _check_int("every", every)
        done = 0
        while done < steps:
            chunk = min(every, steps - done)
            self.step(chunk)
            done += chunk
            if callback is not None:
                callback(self)
        return dict(self.last)

    # looking at the model -------------------------------------------------------------------
    def sample(self, n: int = 2000, seed: int | None = 1) -> np.ndarray:
        """Draw n generator samples, shape (n, dim); a fixed seed gives the same z each time (a steady picture)."""
        n = _check_int("n", n)
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((n, self.latent_dim)).astype(np.float32)
        return self._forward("g", z)

    def generate(self, z) -> np.ndarray:
        """G(z) for given latent points z of shape (n, latent_dim), shape (n, dim)."""
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}")
        return self._forward("g", z)

    def generator_gradient(self, x) -> np.ndarray:
        """d(G's loss)/dx at fake points x of shape (n, dim), D as it is now; G moves its samples along minus this."""
        import tensorflow as tf

        from .losses import generator_loss_per_example

        x = np.asarray(x, np.float32)
        if x.ndim != 2 or x.shape[1] != self.data.dim or x.shape[0] == 0 or x.shape[0] % self.pack:
            raise ValueError(f"x must have shape (n, {self.data.dim}) with n >= 1 a multiple of pack={self.pack}, "
                             f"got {x.shape}")
        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            # one loss per judged input (a pack of `pack` consecutive fakes), summed: each point keeps its own slope
            loss = tf.reduce_sum(generator_loss_per_example(self.discriminator(self._packed(x), training=False), self.loss))
        return tape.gradient(loss, x).numpy()

    def discriminate(self, x) -> np.ndarray:
        """D(x) as probabilities for points x of shape (n, dim) (each point repeated `pack` times if packing)."""
        x = np.asarray(x, np.float32).reshape(-1, self.data.dim)
        if self.pack > 1:
            x = np.tile(x, (1, self.pack))
        logits = self._forward("d", x).ravel().astype(np.float64)
        return 1.0 / (1.0 + np.exp(-logits))

    def _forward(self, which: str, inputs: np.ndarray) -> np.ndarray:
        """G(z) or D's logits through a compiled function (an eager Keras call costs milliseconds)."""
        import tensorflow as tf

        key = ("forward", which)
        if key not in self._steps:
            model = self.generator if which == "g" else self.discriminator
            spec = tf.TensorSpec((None, model.input_shape[-1]), tf.float32)  # any batch size, one trace
            self._steps[key] = tf.function(lambda x: model(x, training=False), input_signature=[spec])
        return self._steps[key](inputs).numpy()

    def js(self, n: int = 5000) -> float:
        """JS(p_data, p_g) estimated from n generator samples (1-D data only)."""
        return js_estimate(self.sample(n), self.data)

    def coverage(self, n: int = 2500) -> ModeCoverage:
        """Modes covered by n generator samples, and the share of samples near no mode."""
        return modes_covered(self.sample(n), self.data.centres, self.data.std)

    def __repr__(self) -> str:
        return f"ToyGAN(data={self.data.name!r}, step={self.step_count}, {self.settings})"

    @property
    def settings(self) -> dict:
        """The current settings (loss, learning rates, k) and the fixed ones (sizes, seed)."""
        return {"loss": self.loss, "lr_g": self.lr_g, "lr_d": self.lr_d, "k": self.k, **self._shape}


def plot_toy(gan: ToyGAN, ax=None, n: int = 4000, title: str | None = None):
    """Draw a toy GAN's state: in 1-D p_data, p_g and D(x); in 2-D real and generated samples. Introduced in notebook 02."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3) if gan.data.dim == 1 else (3.2, 3.2))
    samples = gan.sample(n)
    lo, hi = gan.data.support(margin=8.0 if gan.data.dim == 1 else 10.0)
    if gan.data.dim == 1:
        grid = np.linspace(lo, hi, 300)
        edges = np.linspace(lo, hi, 81)
        ax.plot(grid, gan.data.pdf(grid), color="black", linestyle=":", linewidth=2, label="$p_{data}$")
        ax.plot(0.5 * (edges[1:] + edges[:-1]), histogram_density(samples, edges), color="tab:green", label="$p_g$")
        ax.plot(grid, gan.discriminate(grid[:, None]), color="tab:blue", label="$D(x)$")
        ax.set_ylim(0, max(1.05, 1.15 * float(gan.data.pdf(gan.data.centres[:, 0]).max())))
        ax.set_xlabel("$x$")
    else:
        real = gan.data.sample(1000, np.random.default_rng(123))
        ax.scatter(real[:, 0], real[:, 1], s=2, color="black", label="real")
        ax.scatter(samples[:1000, 0], samples[:1000, 1], s=2, color="tab:green", alpha=0.5, label="$G(z)$")
        ax.set_ylim(lo, hi)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_xlim(lo, hi)
    if title is not None:
        ax.set_title(title, fontsize=10)
    return ax


def plot_generator_map(gan: ToyGAN, ax=None, *, lines: int = 11, extent: float = 2.0, points: int = 80,
                       n_arrows: int = 48, arrow_length: float = 0.5, title: str | None = None):
    """Draw a 2-D toy GAN as GAN Lab does: D(x), real samples, G's image of a z-grid, and -d(G's loss)/dx on fakes. Introduced in notebook 02."""
    import matplotlib.pyplot as plt

    if gan.data.dim != 2 or gan.latent_dim != 2:
        raise ValueError(f"plot_generator_map needs a 2-D toy with a 2-D latent space (data dim 2, latent_dim 2), "
                         f"got data dim {gan.data.dim} and latent_dim {gan.latent_dim}")
    lines, points = _check_int("lines", lines, 2), _check_int("points", points, 2)
    n_arrows = _check_int("n_arrows", n_arrows, 1)
    extent, arrow_length = _check_positive("extent", extent), _check_positive("arrow_length", arrow_length)
    if n_arrows % gan.pack:
        raise ValueError(f"n_arrows={n_arrows} must be a multiple of the GAN's pack={gan.pack}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    lo, hi = gan.data.support(margin=10.0)
    axis = np.linspace(lo, hi, 80)
    gx, gy = np.meshgrid(axis, axis)
    d_map = gan.discriminate(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
    ax.imshow(d_map, extent=(lo, hi, lo, hi), origin="lower", cmap="coolwarm_r", vmin=0, vmax=1, alpha=0.45)
    real = gan.data.sample(1000, np.random.default_rng(123))
    ax.scatter(real[:, 0], real[:, 1], s=2, color="black", label="real", zorder=2)
    # grid lines of z-space, z_1 = c and z_2 = c for c in [-extent, extent], each pushed through G
    levels, along = np.linspace(-extent, extent, lines), np.linspace(-extent, extent, points)
    for c in levels:
        for z in (np.stack([np.full(points, c), along], axis=1), np.stack([along, np.full(points, c)], axis=1)):
            x = gan.generate(z)
            ax.plot(x[:, 0], x[:, 1], color="tab:green", linewidth=0.7, alpha=0.8, zorder=3)
    fakes = gan.sample(n_arrows, seed=2)
    push = -gan.generator_gradient(fakes)
    longest = float(np.linalg.norm(push, axis=1).max())
    push = push * (arrow_length / longest) if longest > 0 else push
    ax.scatter(fakes[:, 0], fakes[:, 1], s=8, color="tab:green", edgecolor="white", linewidth=0.3, label="$G(z)$", zorder=4)
    ax.quiver(fakes[:, 0], fakes[:, 1], push[:, 0], push[:, 1], angles="xy", scale_units="xy", scale=1,
              color="tab:purple", width=0.006, zorder=5)
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=10)
    return ax
