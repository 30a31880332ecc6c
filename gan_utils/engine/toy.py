"""Toy GANs in one and two dimensions: ``ToyGAN``, small MLPs, and a discriminator fitted to two samplers.

Introduced in notebook 02. The data are the Gaussian mixtures of ``gan_utils.engine.densities``
(a 1-D Gaussian, the ring of 8 Gaussians); the generator and discriminator are small Keras MLPs
trained with ``tf.GradientTape`` steps compiled by ``tf.function``, using the reference losses of
``gu.losses`` (real = 1, fake = 0, D outputs a logit). Pictures of a toy GAN are in
``gan_utils.engine.plotting`` (``plot_toy``, ``plot_generator_map``).
"""
from __future__ import annotations

import math

import numpy as np

from . import runtime
from .densities import GaussianMixture, ModeCoverage, gaussian_1d, js_estimate, modes_covered
from .validate import check_int, check_positive, checked_property, is_number

TOY_LOSSES = ("minimax", "non_saturating")


# --------------------------------------------------------------------------- small networks

def mlp(input_dim: int, output_dim: int, widths: tuple = (32, 32), activation: str = "tanh", name: str = "mlp"):
    """A small Keras MLP input_dim -> widths... -> output_dim with a linear output. Introduced in notebook 02."""
    import keras

    input_dim, output_dim = check_int("input_dim", input_dim), check_int("output_dim", output_dim)
    if not isinstance(widths, (tuple, list)) or not widths:
        raise ValueError(f"widths must be a non-empty tuple of hidden-layer widths m, got {widths!r}")
    widths = tuple(check_int("hidden-layer width", m) for m in widths)
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

    steps, batch_size = check_int("steps", steps), check_int("batch_size", batch_size)
    lr = check_positive("lr", lr)
    runtime.set_seed(seed)
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

def _learning_rate(name: str, value) -> float:
    if not is_number(value) or not 0 < value <= 1:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}")
    return float(value)



def _toy_loss(name: str, value) -> str:
    if value not in TOY_LOSSES:
        raise ValueError(f"{name} must be one of {TOY_LOSSES}, got {value!r}")
    return value


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
        self.batch_size = check_int("batch_size", batch_size, 2)
        self.pack = check_int("pack", pack, 1, 16)
        if self.batch_size % self.pack:
            raise ValueError(f"batch_size={batch_size} must be divisible by pack={pack}")
        self.latent_dim = check_int("latent_dim", latent_dim)
        if not is_number(beta_1) or not 0 <= beta_1 < 1:
            raise ValueError(f"beta_1 must be a number in [0, 1), got {beta_1!r}")
        self.seed = check_int("seed", seed, 0)
        self._shape = {"batch_size": batch_size, "latent_dim": latent_dim, "widths": tuple(widths),
                       "activation": activation, "pack": pack, "beta_1": beta_1, "seed": seed}
        runtime.set_seed(self.seed)
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
    loss = checked_property("loss", _toy_loss,
                            "Generator loss: 'minimax' (log(1 - D(G(z))), as in V) or 'non_saturating' (-log D(G(z))).")

    lr_g = checked_property("lr_g", _learning_rate, "Generator learning rate (Adam).",
                            lambda self, value: self._opt_g.learning_rate.assign(value))
    lr_d = checked_property("lr_d", _learning_rate, "Discriminator learning rate (Adam).",
                            lambda self, value: self._opt_d.learning_rate.assign(value))

    k = checked_property("k", lambda name, value: check_int(name, value, 1, 20),
                         "Discriminator steps per generator step in step('both').")

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
        n = check_int("n", n)
        if which not in ("both", "d", "g"):
            raise ValueError(f"which must be 'both', 'd' or 'g', got {which!r}")
        plan = {"both": ("d",) * self.k + ("g",), "d": ("d",), "g": ("g",)}[which]
        done = 0
        while done < n:
            chunk = min(CHUNK, n - done)
            with runtime.quiet_retracing():  # each new ToyGAN traces its own chunk function, on purpose
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
        steps, every = check_int("steps", steps), check_int("every", every)
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
        n = check_int("n", n)
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
