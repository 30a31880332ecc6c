"""A small variational autoencoder (Kingma and Welling 2014), trained beside a GAN in notebook 05, section 7.

The model follows keras-io's "Variational AutoEncoder" example (F. Chollet): an encoder of two strided
convolutions gives the mean and log-variance of q(z | x) = N(mean, diag(exp(log_var))); the
reparameterisation trick z = mean + exp(log_var / 2) * xi with xi ~ N(0, I) makes z differentiable in
both; a decoder of transposed convolutions turns z into pixel probabilities. Training minimises the
negative ELBO, per digit and in nats: a Bernoulli reconstruction term (binary cross-entropy summed
over the d = 784 pixels) plus KL(q(z | x) || N(0, I)) in closed form. One loss, no discriminator:
a VAE is not adversarial. Images enter as uint8 digits or floats in [-1, 1] (the GAN's scale) and
are scaled to [0, 1] inside; decoded images come back in [-1, 1], so gu.metrics can score them.
A trained VAE saves to an .npz (float16 weights) and loads back; `make pretrained` ships `vae_embedded`
(trained on the embedded 4,500 digits, as `dcgan_embedded` is) for notebook 07, which load_vae loads.
"""
from __future__ import annotations

import json
import time
import zlib
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .parzen import unit_rows
from .paths import NPZ_ERRORS, atomic_write, load_npz, shipped_path
from .runtime import set_seed
from .validate import check_int

IMAGE_SHAPE = (28, 28, 1)
LATENT_DIM = 16
EPS = 1e-7  # pixel probabilities are clipped to [EPS, 1 - EPS] before the logarithm, as Keras does
HISTORY_KEYS = ("loss", "reconstruction", "kl")
VAE_FORMAT = "gan_utils.VAE/1"  # the format tag save() writes and load() requires


def unit_images(images, name: str = "images") -> np.ndarray:
    """Return digits as float32 (N, 28, 28, 1) in [0, 1] from uint8 0..255 or floats in [-1, 1] (notebook 05)."""
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE or len(x) == 0:
        raise ValueError(f"{name} has shape {np.shape(images)}; expected (N, 28, 28) or (N, 28, 28, 1) with N >= 1")
    return unit_rows(x, name).astype(np.float32).reshape(len(x), *IMAGE_SHAPE)


def build_encoder(latent_dim: int = LATENT_DIM) -> keras.Model:
    """Return the encoder: a digit in [0, 1] -> (mean, log_var) of q(z | x), each (N, latent_dim) (notebook 05)."""
    latent_dim = check_int("latent_dim", latent_dim)
    inputs = keras.Input(IMAGE_SHAPE, name="image")
    x = layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    mean = layers.Dense(latent_dim, name="mean")(x)
    log_var = layers.Dense(latent_dim, name="log_var")(x)
    return keras.Model(inputs, [mean, log_var], name="encoder")


def build_decoder(latent_dim: int = LATENT_DIM) -> keras.Model:
    """Return the decoder: z (N, latent_dim) -> pixel probabilities (N, 28, 28, 1) in (0, 1) (notebook 05)."""
    latent_dim = check_int("latent_dim", latent_dim)
    inputs = keras.Input((latent_dim,), name="z")
    x = layers.Dense(7 * 7 * 64, activation="relu")(inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(x)
    outputs = layers.Conv2DTranspose(1, 3, padding="same", activation="sigmoid", name="pixel_probs")(x)
    return keras.Model(inputs, outputs, name="decoder")


def _same_shape(mean, log_var) -> None:
    if not mean.shape.is_compatible_with(log_var.shape):
        raise ValueError(f"mean has shape {tuple(mean.shape)} but log_var has {tuple(log_var.shape)}; they must match")


def reparameterise(mean, log_var, xi):
    """Return z = mean + exp(log_var / 2) * xi, xi ~ N(0, I): a draw of q(z | x) gradients pass through (notebook 05)."""
    mean, log_var, xi = (tf.convert_to_tensor(a, tf.float32) for a in (mean, log_var, xi))
    _same_shape(mean, log_var)
    if not xi.shape.is_compatible_with(mean.shape):
        raise ValueError(f"xi has shape {tuple(xi.shape)} but mean has {tuple(mean.shape)}; they must match")
    return mean + tf.exp(0.5 * log_var) * xi


def kl_to_prior(mean, log_var):
    """Return KL(N(mean, diag(exp(log_var))) || N(0, I)) per row, in nats, shape (N,) (notebook 05)."""
    mean, log_var = tf.convert_to_tensor(mean, tf.float32), tf.convert_to_tensor(log_var, tf.float32)
    _same_shape(mean, log_var)
    return -0.5 * tf.reduce_sum(1.0 + log_var - tf.square(mean) - tf.exp(log_var), axis=-1)


def reconstruction_nats(x, x_hat):
    """Return -log p(x | z) of a Bernoulli decoder: cross-entropy summed over pixels, per image, in nats (notebook 05)."""
    x, x_hat = tf.convert_to_tensor(x, tf.float32), tf.convert_to_tensor(x_hat, tf.float32)
    if x.shape.rank is None or x.shape.rank < 2 or not x.shape.is_compatible_with(x_hat.shape):
        raise ValueError(f"x has shape {tuple(x.shape)} but x_hat has {tuple(x_hat.shape)}; they must match")
    p = tf.clip_by_value(x_hat, EPS, 1.0 - EPS)
    per_pixel = -(x * tf.math.log(p) + (1.0 - x) * tf.math.log(1.0 - p))
    return tf.reduce_sum(tf.reshape(per_pixel, [tf.shape(per_pixel)[0], -1]), axis=1)


def negative_elbo(x, x_hat, mean, log_var):
    """Return -ELBO = reconstruction + KL per image, in nats, shape (N,): the VAE's loss (notebook 05)."""
    return reconstruction_nats(x, x_hat) + kl_to_prior(mean, log_var)


class VAE:
    """Encoder, decoder and an Adam optimiser trained on the negative ELBO, step by step (notebook 05, section 7)."""

    def __init__(self, images=None, latent_dim: int = LATENT_DIM, lr: float = 1e-3, batch_size: int = 64,
                 seed: int = 0):
        self.latent_dim = check_int("latent_dim", latent_dim)
        self.batch_size = check_int("batch_size", batch_size)
        self.seed = check_int("seed", seed, 0)
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < 1:
            raise ValueError(f"lr must be a number in (0, 1), got {lr!r}")
        self.lr = float(lr)
        x = None if images is None else unit_images(images)  # None: a model that only samples (a loaded one)
        if x is not None and self.batch_size > len(x):
            raise ValueError(f"batch_size={batch_size} is larger than the {len(x)} training images")
        set_seed(self.seed)
        self.encoder, self.decoder = build_encoder(self.latent_dim), build_decoder(self.latent_dim)
        self.variables = self.encoder.trainable_variables + self.decoder.trainable_variables
        self.optimizer = keras.optimizers.Adam(lr)
        self.optimizer.build(self.variables)
        self._images, self._n = (None, 0) if x is None else (tf.constant(x), len(x))
        self._rng = tf.random.Generator.from_seed(self.seed)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.step_count, self.train_time = 0, 0.0
        self._train_step = tf.function(self._step)

    def _step(self):
        idx = self._rng.uniform([self.batch_size], 0, self._n, dtype=tf.int32)
        x = tf.gather(self._images, idx)
        with tf.GradientTape() as tape:
            mean, log_var = self.encoder(x, training=True)
            z = reparameterise(mean, log_var, self._rng.normal(tf.shape(mean)))
            x_hat = self.decoder(z, training=True)
            reconstruction, kl = reconstruction_nats(x, x_hat), kl_to_prior(mean, log_var)
            loss = tf.reduce_mean(reconstruction + kl)
        self.optimizer.apply_gradients(zip(tape.gradient(loss, self.variables), self.variables))
        return loss, tf.reduce_mean(reconstruction), tf.reduce_mean(kl)

    def fit(self, steps: int) -> "VAE":
        """Train for `steps` Adam steps on random batches; losses go to self.history (nats per digit)."""
        steps = check_int("steps", steps)
        if self._images is None:
            raise ValueError("this VAE has no training images: build it with VAE(images, ...) or "
                             "VAE.load(path, images)")
        start = time.perf_counter()
        for _ in range(steps):
            values = self._train_step()
            for key, value in zip(HISTORY_KEYS, values):
                self.history[key].append(float(value))
            self.step_count += 1
        self.train_time += time.perf_counter() - start
        return self

    def encode(self, images) -> tuple[np.ndarray, np.ndarray]:
        """Return the mean and log-variance of q(z | x) for each image, each (N, latent_dim)."""
        mean, log_var = self.encoder(unit_images(images), training=False)
        return np.asarray(mean), np.asarray(log_var)

    def decode(self, z) -> np.ndarray:
        """Return the decoder's pixel probabilities for each z, as images in [-1, 1], float32 (N, 28, 28, 1)."""
        z = np.asarray(z, dtype=np.float32)
        if z.ndim != 2 or z.shape[1] != self.latent_dim or len(z) == 0:
            raise ValueError(f"z must have shape (n, {self.latent_dim}) with n >= 1, got {z.shape}")
        probs = np.concatenate([np.asarray(self.decoder(z[i:i + 500], training=False))
                                for i in range(0, len(z), 500)])
        return (2.0 * probs - 1.0).astype(np.float32)

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """Draw n images: z ~ N(0, I) from the prior through the decoder, float32 (n, 28, 28, 1) in [-1, 1]."""
        n = check_int("n", n)
        return self.decode(np.random.default_rng(seed).standard_normal((n, self.latent_dim)))

    def reconstruct(self, images) -> np.ndarray:
        """Return each image decoded from the mean of q(z | x), in [-1, 1]."""
        return self.decode(self.encode(images)[0])

    def elbo(self, images, seed: int = 0) -> float:
        """Return the mean ELBO (nats per digit, one z each): a lower bound on log p(x) of the Bernoulli model."""
        x = unit_images(images)
        mean, log_var = self.encoder(x, training=False)
        xi = np.random.default_rng(seed).standard_normal(mean.shape).astype(np.float32)
        x_hat = self.decoder(reparameterise(mean, log_var, xi), training=False)
        return -float(tf.reduce_mean(negative_elbo(x, x_hat, mean, log_var)))

    def config(self) -> dict:
        """Return what rebuilds this VAE's networks (what a saved file and its manifest entry record).

        Not used in a notebook: notebook 07 loads the shipped one with load_vae.
        """
        return {"model": "vae", "latent_dim": self.latent_dim, "image_shape": list(IMAGE_SHAPE)}

    def save(self, path) -> Path:
        """Write the encoder's and decoder's weights (float16) and config to an .npz file, atomically; return its path.

        Not used in a notebook: notebook 07 loads the shipped one with load_vae.
        """
        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"path must name an .npz file, got {str(path)!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": VAE_FORMAT, "config": self.config(), "step": self.step_count,
                "train_seconds": round(self.train_time, 1),
                "settings": {"lr": self.lr, "batch_size": self.batch_size, "seed": self.seed}}
        arrays = {f"{part}/{i:04d}": np.asarray(v).astype(np.float16)
                  for part, network in (("encoder", self.encoder), ("decoder", self.decoder))
                  for i, v in enumerate(network.weights)}
        atomic_write(path, lambda f: np.savez_compressed(f, meta=np.array(json.dumps(meta)), **arrays))
        return path

    @classmethod
    def load(cls, path, images=None, **settings) -> "VAE":
        """Rebuild a VAE saved by save(), ready to sample; give images (and lr, batch_size, seed) to train it on.

        Not used in a notebook: notebook 07 loads the shipped one with load_vae.
        FileNotFoundError when there is no file; ValueError when it is not a whole gu.vae.VAE file.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no saved VAE at {path}")
        try:
            arrays = load_npz(path)
            meta = json.loads(str(arrays.pop("meta")))
        except (*NPZ_ERRORS, zlib.error) as err:
            raise ValueError(f"{path} is not a readable VAE file (truncated or corrupt?): {err}") from None
        if not isinstance(meta, dict) or meta.get("format") != VAE_FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise ValueError(f"{path} is not a {VAE_FORMAT} file (its format: {found!r})")
        try:
            config, step, seconds = meta["config"], int(meta["step"]), float(meta["train_seconds"])
            latent_dim = config["latent_dim"]
            kept = {k: v for k, v in dict(meta.get("settings", {})).items() if k in ("lr", "batch_size", "seed")}
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{path}: its metadata lacks or garbles {err} ({VAE_FORMAT})") from None
        if config.get("image_shape", list(IMAGE_SHAPE)) != list(IMAGE_SHAPE):
            raise ValueError(f"{path} holds a VAE for images of shape {config.get('image_shape')}; "
                             f"this version builds {list(IMAGE_SHAPE)}")
        model = cls(images, latent_dim=latent_dim, **{**kept, **settings})
        for part, network in (("encoder", model.encoder), ("decoder", model.decoder)):
            stored = [arrays[k] for k in sorted(arrays) if k.startswith(part + "/")]
            if [a.shape for a in stored] != [tuple(v.shape) for v in network.weights]:
                raise ValueError(f"{path}: its {part} weights do not fit the {part} its config {config} builds")
            for variable, value in zip(network.weights, stored):
                variable.assign(value.astype(np.float32))
        model.step_count, model.train_time = step, seconds
        return model

    def export(self, name: str = "vae_embedded", info: dict | None = None, directory=None) -> Path:
        """Save as data/pretrained/NAME.npz (float16) and record it in the manifest with "kind": "vae".

        Not used in a notebook: make pretrained ships `vae_embedded` with it (tools/pretrain_vae.py).
        """
        from .pretrained import write_manifest_entry

        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"name must use letters, digits and underscores, got {name!r}")
        directory = Path(directory or shipped_path("pretrained"))
        path = self.save(directory / f"{name}.npz")
        write_manifest_entry(name, {"kind": "vae", "config": self.config(), "weights": path.name,
                                    "bytes": path.stat().st_size, "steps": self.step_count,
                                    "train_seconds": round(self.train_time, 1), **(info or {})}, directory)
        return path


def load_vae(name: str = "vae_embedded", directory=None) -> VAE:
    """Return a shipped VAE by name (data/pretrained/NAME.npz), ready to sample, encode and decode.

    Introduced in notebook 07.
    """
    from .pretrained import pretrained_dir, pretrained_manifest, pretrained_names

    directory = Path(directory or pretrained_dir())
    names, entry = pretrained_names("vae", directory), pretrained_manifest(directory).get(name)
    if name not in names:
        raise ValueError(f"no shipped VAE {name!r} in {directory}; VAEs there: {names} "
                         f"(make pretrained builds vae_embedded)")
    model = VAE.load(directory / f"{name}.npz")
    if entry is not None and entry.get("config") != model.config():
        raise ValueError(f"{directory / (name + '.npz')} does not match its manifest entry: "
                         f"file says {model.config()}, manifest says {entry.get('config')}")
    return model
