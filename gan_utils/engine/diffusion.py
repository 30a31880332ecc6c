"""A small denoising diffusion model (DDPM, Ho et al. 2020) for 28x28 digits, with DDIM's fast sampler.

Introduced in notebook 07. The course's symbols (the papers'
in brackets, which mean other things in this course): a noise level j in 1..T [t]; the variance
omega_j of the noise added at level j [beta_t]; the signal fraction zeta_j = prod_{i <= j} (1 - omega_i)
[alpha-bar_t]; standard normal noise xi [epsilon]. The forward process has a closed form,
x_j = sqrt(zeta_j) x_0 + sqrt(1 - zeta_j) xi, so training draws a level and a noise, noises a clean
digit in one step and teaches a network xi_hat(x_j, j) to name the noise (the plain squared error).
Sampling runs the other way from pure noise x_T: DDPM's ancestral sampler takes all T steps (T network
evaluations per image), DDIM's deterministic one (Song et al. 2021, eta = 0) a few of them. Arrays
indexed by level hold T + 1 entries: index 0 is the clean digit (omega_0 = 0, zeta_0 = 1).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Callable

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from .answers import course_answer
from .paths import NPZ_ERRORS, atomic_write, load_npz, shipped_path
from .runtime import set_seed
from .validate import check_int, check_number, check_switch

IMAGE_SHAPE = (28, 28, 1)
DIFFUSION_FORMAT = "gan_utils.DiffusionModel/1"
WIDTHS = (32, 64)  # channels at 14x14 and 7x7 (275,556 parameters with EMBEDDING_DIM)
EMBEDDING_DIM = 64
SAMPLERS = ("ddpm", "ddim")
HISTORY_KEYS = ("step", "loss", "time")
_CHUNK = 500  # images denoised together when sampling


class NoiseSchedule:
    """DDPM's fixed linear schedule: T noise levels whose noise variances omega_j grow linearly.

    Introduced in notebook 07. By default the variances run from
    1e-4 to 0.02 times 1000 / T (Ho et al.'s values at T = 1000, scaled as Nichol and Dhariwal 2021 do
    so that the last level is almost pure noise for a smaller T too; capped at 0.999).
    """

    def __init__(self, T: int = 1000, first_variance: float | None = None, last_variance: float | None = None):
        self.T = check_int("T", T, 2)
        scale = 1000.0 / self.T
        last = min(0.02 * scale, 0.999) if last_variance is None else last_variance
        first = min(1e-4 * scale, last) if first_variance is None else first_variance
        self.first_variance = check_number("first_variance", first, 0, 1, low_open=True)
        self.last_variance = check_number("last_variance", last, 0, 1, low_open=True)
        if self.last_variance < self.first_variance:
            raise ValueError(f"last_variance={last_variance!r} must be at least first_variance={first_variance!r}")
        #: omega_j for j = 0..T (omega_0 = 0): the variance of the noise added at level j
        self.variances = np.concatenate([[0.0], np.linspace(self.first_variance, self.last_variance, self.T)])
        #: zeta_j for j = 0..T (zeta_0 = 1): the fraction of the clean digit's variance left at level j
        self.signal_fractions = np.cumprod(1.0 - self.variances)
        self._signal = tf.constant(self.signal_fractions, tf.float32)

    def config(self) -> dict:
        """Return the schedule's settings as a plain dict (what a saved model records)."""
        return {"T": self.T, "first_variance": self.first_variance, "last_variance": self.last_variance}

    def __repr__(self) -> str:
        return (f"NoiseSchedule(T={self.T}, variances {self.first_variance:g}..{self.last_variance:g}, "
                f"signal fraction at T {self.signal_fractions[-1]:.2e})")


def _check_schedule(schedule) -> NoiseSchedule:
    if not isinstance(schedule, NoiseSchedule):
        raise ValueError(f"schedule must be a gu.diffusion.NoiseSchedule, got {schedule!r}")
    return schedule


def _check_levels(t, schedule: NoiseSchedule, low: int = 0) -> tf.Tensor:
    """t as int32; outside a tf.function, ValueError naming any level outside [low, T]."""
    if isinstance(t, (float, np.floating)) or (isinstance(t, np.ndarray) and not np.issubdtype(t.dtype, np.integer)):
        raise ValueError(f"t must hold integer noise levels in [{low}, {schedule.T}], got {t!r}")
    t = tf.cast(tf.convert_to_tensor(t), tf.int32) if not isinstance(t, tf.Tensor) or t.dtype != tf.int32 else t
    if tf.executing_eagerly():
        values = t.numpy()
        if values.size and (values.min() < low or values.max() > schedule.T):
            raise ValueError(f"t must hold noise levels in [{low}, {schedule.T}], got values in "
                             f"[{values.min()}, {values.max()}]")
    return t


def noise_images(x0, t, noise, schedule: NoiseSchedule) -> tf.Tensor:
    """Return x_t = sqrt(zeta_t) x0 + sqrt(1 - zeta_t) noise: clean images noised to level t in one step.

    Introduced in notebook 07. ``t`` is one level for all images or
    one per image, each in [0, T] (0 leaves an image clean); ``noise`` has x0's shape.
    """
    schedule = _check_schedule(schedule)
    x0, noise = tf.convert_to_tensor(x0, tf.float32), tf.convert_to_tensor(noise, tf.float32)
    if x0.shape.rank is None or x0.shape.rank < 1 or not x0.shape.is_compatible_with(noise.shape):
        raise ValueError(f"noise has shape {tuple(noise.shape)} but x0 has {tuple(x0.shape)}; they must match")
    t = _check_levels(t, schedule)
    if t.shape.rank not in (0, 1):
        raise ValueError(f"t must be one level or one level per image, got shape {tuple(t.shape)}")
    zeta = tf.gather(schedule._signal, t)
    if t.shape.rank == 1:
        if x0.shape[0] is not None and t.shape[0] is not None and t.shape[0] != x0.shape[0]:
            raise ValueError(f"t holds {t.shape[0]} levels but x0 holds {x0.shape[0]} images; give one per image")
        zeta = tf.reshape(zeta, [-1] + [1] * (x0.shape.rank - 1))
    return tf.sqrt(zeta) * x0 + tf.sqrt(1.0 - zeta) * noise


class LevelEmbedding(layers.Layer):
    """The sinusoidal embedding of noise levels (Vaswani et al. 2017, as DDPM uses it): (N,) -> (N, dim).

    Introduced in notebook 07.
    """

    def __init__(self, dim: int = EMBEDDING_DIM, **kwargs):
        super().__init__(**kwargs)
        self.dim = check_int("dim", dim, 2)

    def call(self, levels):
        half = self.dim // 2
        frequencies = ops.exp(-math.log(10000.0) * ops.arange(half, dtype="float32") / half)
        angles = ops.cast(ops.reshape(levels, (-1, 1)), "float32") * ops.reshape(frequencies, (1, -1))
        return ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "dim": self.dim}


def _norm(width: int) -> layers.Layer:
    return layers.GroupNormalization(groups=math.gcd(8, width), epsilon=1e-5)


def _res_block(h, embedding, width: int):
    """Group norm, swish, conv, add the level's embedding, group norm, swish, conv; plus the (1x1-matched) input."""
    skip = h if h.shape[-1] == width else layers.Conv2D(width, 1)(h)
    h = layers.Conv2D(width, 3, padding="same")(layers.Activation("swish")(_norm(h.shape[-1])(h)))
    h = h + layers.Reshape((1, 1, width))(layers.Dense(width)(embedding))
    h = layers.Conv2D(width, 3, padding="same")(layers.Activation("swish")(_norm(width)(h)))
    return skip + h


def build_noise_predictor(widths: tuple = WIDTHS, embedding_dim: int = EMBEDDING_DIM) -> keras.Model:
    """Return a small U-Net xi_hat(x_t, t): [images (N, 28, 28, 1), levels (N,)] -> predicted noise (N, 28, 28, 1).

    Introduced in notebook 07. Each 2x2 patch of pixels becomes
    one 14x14 position with 4 channels (as vision transformers cut patches), so no layer runs at
    28x28, where elementwise work dominates a CPU's time. ``widths`` are the channels at 14x14 and
    7x7: a residual block at 14x14 (kept as the skip), two at 7x7, one at 14x14 on the skip, and a
    convolution back to 4 channels, unpacked into the 28x28 noise. Every block adds a projection
    of the level's sinusoidal embedding.
    """
    if not isinstance(widths, (tuple, list)) or len(widths) != 2:
        raise ValueError(f"widths must be two channel counts (14x14, 7x7), got {widths!r}")
    c1, c2 = (check_int("widths", w) for w in widths)
    embedding_dim = check_int("embedding_dim", embedding_dim, 2)
    images = keras.Input(IMAGE_SHAPE, name="x_t")
    levels = keras.Input((), dtype="int32", name="t")
    e = LevelEmbedding(embedding_dim)(levels)
    e = layers.Dense(2 * embedding_dim, activation="swish")(e)
    e = layers.Dense(2 * embedding_dim, activation="swish")(e)
    h = layers.Reshape((14, 14, 4))(layers.Permute((1, 3, 2, 4))(layers.Reshape((14, 2, 14, 2))(images)))
    h = layers.Conv2D(c1, 3, padding="same")(h)                       # 14x14
    skip = h = _res_block(h, e, c1)
    h = layers.Conv2D(c2, 3, strides=2, padding="same")(h)            # 7x7
    h = _res_block(_res_block(h, e, c2), e, c2)
    h = layers.Conv2DTranspose(c1, 2, strides=2)(h)                   # 14x14
    h = _res_block(layers.Concatenate()([h, skip]), e, c1)
    h = layers.Activation("swish")(_norm(c1)(h))
    h = layers.Conv2D(4, 3, padding="same", kernel_initializer="zeros")(h)
    h = layers.Reshape((28, 28, 1), name="noise")(layers.Permute((1, 3, 2, 4))(layers.Reshape((14, 14, 2, 2))(h)))
    return keras.Model([images, levels], h, name="noise_predictor")


@course_answer("ddpm_train_step")
def ddpm_train_step(network: keras.Model, optimizer, schedule: NoiseSchedule, x0, levels, noise) -> tf.Tensor:
    """One optimizer step on DDPM's loss, the mean squared error between the noise and its prediction; return the loss.

    Introduced in notebook 07 (the course's answer to its build exercise). ``x0`` clean digits in
    [-1, 1], ``levels`` one noise level j in 1..T per digit, ``noise`` standard normal with x0's shape:
    the digits are noised to x_j = sqrt(zeta_j) x0 + sqrt(1 - zeta_j) noise in one step, and the
    network, given x_j and j, is trained to name the noise.
    """
    x_j = noise_images(x0, levels, noise, schedule)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(noise - network([x_j, levels], training=True)))
    variables = network.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss


def make_ddpm_train_step(model: keras.Model, optimizer, schedule: NoiseSchedule, seed: int = 0) -> Callable:
    """Return a compiled step(x0, t=None, noise=None) -> loss: ddpm_train_step with its own level and noise draws.

    Introduced in notebook 07. For a batch of clean digits x0 it draws a level t uniform in 1..T and
    noise ~ N(0, I) (from a generator seeded by ``seed``, unless given), then takes ddpm_train_step.
    """
    schedule = _check_schedule(schedule)
    rng = tf.random.Generator.from_seed(check_int("seed", seed, 0))

    @tf.function
    def step(x0, t=None, noise=None):
        x0 = tf.convert_to_tensor(x0, tf.float32)
        if t is None:
            t = rng.uniform([tf.shape(x0)[0]], 1, schedule.T + 1, dtype=tf.int32)
        if noise is None:
            noise = rng.normal(tf.shape(x0))
        return ddpm_train_step(model, optimizer, schedule, x0, t, noise)

    return step


# ----- sampling --------------------------------------------------------------------------------
def _predictor(model: keras.Model) -> Callable:
    """model([x, t]) compiled once per model for any batch size."""
    predict = getattr(model, "_gu_predict", None)
    if predict is None:
        signature = [tf.TensorSpec([None, *IMAGE_SHAPE], tf.float32), tf.TensorSpec([None], tf.int32)]
        predict = tf.function(lambda x, t: model([x, t], training=False), input_signature=signature)
        object.__setattr__(model, "_gu_predict", predict)
    return predict


def _check_sampling(model, n, schedule, seed, clip_x0) -> tuple[int, NoiseSchedule, int]:
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras noise predictor (gu.diffusion.build_noise_predictor), got {model!r}")
    check_switch("clip_x0", clip_x0)
    return check_int("n", n), _check_schedule(schedule), check_int("seed", seed, 0)


def _denoised(x, eps, zeta: float, clip_x0: bool):
    """The clean digit implied by x_j and the predicted noise (clipped to [-1, 1] if asked), and the noise it implies."""
    x0 = (x - math.sqrt(1.0 - zeta) * eps) / math.sqrt(zeta)
    if clip_x0:
        x0 = np.clip(x0, -1.0, 1.0)
        eps = (x - math.sqrt(zeta) * x0) / math.sqrt(1.0 - zeta)
    return x0, eps


def sample_ddpm(model: keras.Model, n: int, schedule: NoiseSchedule, seed: int = 0, return_path: bool = False,
                clip_x0: bool = True):
    """Draw n digits (float32 (n, 28, 28, 1) in [-1, 1]) with DDPM's ancestral sampler: T network evaluations each.

    Introduced in notebook 07. From x_T ~ N(0, I), each level j
    takes the mean of q(x_{j-1} | x_j, x0_hat) and adds noise of variance omega_j (none at j = 1), as
    Ho et al.'s Algorithm 2; x0_hat is clipped to [-1, 1] as their code does unless clip_x0=False.
    With return_path=True also returns x_T, ..., x_0 as float32 (T + 1, n, 28, 28, 1).
    """
    n, schedule, seed = _check_sampling(model, n, schedule, seed, clip_x0)
    check_switch("return_path", return_path)
    rng = np.random.default_rng(seed)
    x_all = rng.standard_normal((n, *IMAGE_SHAPE)).astype(np.float32)
    omega, zeta, predict = schedule.variances, schedule.signal_fractions, _predictor(model)
    images, paths = [], []
    for start in range(0, n, _CHUNK):
        x = x_all[start:start + _CHUNK]
        path = [x] if return_path else None
        for j in range(schedule.T, 0, -1):
            eps = predict(tf.constant(x), tf.fill([len(x)], j)).numpy()
            x0, _ = _denoised(x, eps, zeta[j], clip_x0)
            mean = (math.sqrt(zeta[j - 1]) * omega[j] * x0
                    + math.sqrt(1.0 - omega[j]) * (1.0 - zeta[j - 1]) * x) / (1.0 - zeta[j])
            x = mean + math.sqrt(omega[j]) * rng.standard_normal(x.shape) if j > 1 else mean
            x = x.astype(np.float32)
            if return_path:
                path.append(x)
        images.append(np.clip(x, -1.0, 1.0))
        if return_path:
            paths.append(np.stack(path))
    images = np.concatenate(images).astype(np.float32)
    return (images, np.concatenate(paths, axis=1)) if return_path else images


def ddim_levels(schedule: NoiseSchedule, steps: int = 50) -> np.ndarray:
    """Return the `steps` noise levels DDIM visits, from T down (evenly spaced, ending at 1 when steps > 1).

    Introduced in notebook 07.
    """
    schedule = _check_schedule(schedule)
    steps = check_int("steps", steps, 1, schedule.T)
    return np.round(np.linspace(schedule.T, 1, steps)).astype(int)


def sample_ddim(model: keras.Model, n: int, schedule: NoiseSchedule, steps: int = 50, seed: int = 0,
                return_path: bool = False, clip_x0: bool = True):
    """Draw n digits (float32 (n, 28, 28, 1) in [-1, 1]) with DDIM's deterministic sampler: `steps` evaluations each.

    Introduced in notebook 07. Song et al. 2021 with eta = 0: at
    each visited level, predict the noise, form the clean digit x0_hat it implies, and move to the next
    level as x = sqrt(zeta') x0_hat + sqrt(1 - zeta') xi_hat, adding no fresh noise. The same seed
    starts from the same x_T as sample_ddpm. With return_path=True also returns the visited x's,
    float32 (steps + 1, n, 28, 28, 1).
    """
    n, schedule, seed = _check_sampling(model, n, schedule, seed, clip_x0)
    check_switch("return_path", return_path)
    levels = ddim_levels(schedule, steps)
    following = np.append(levels[1:], 0)
    zeta, predict = schedule.signal_fractions, _predictor(model)
    x_all = np.random.default_rng(seed).standard_normal((n, *IMAGE_SHAPE)).astype(np.float32)
    images, paths = [], []
    for start in range(0, n, _CHUNK):
        x = x_all[start:start + _CHUNK]
        path = [x] if return_path else None
        for j, j_next in zip(levels, following):
            eps = predict(tf.constant(x), tf.fill([len(x)], int(j))).numpy()
            x0, eps = _denoised(x, eps, zeta[j], clip_x0)
            x = (math.sqrt(zeta[j_next]) * x0 + math.sqrt(1.0 - zeta[j_next]) * eps).astype(np.float32)
            if return_path:
                path.append(x)
        images.append(np.clip(x, -1.0, 1.0))
        if return_path:
            paths.append(np.stack(path))
    images = np.concatenate(images).astype(np.float32)
    return (images, np.concatenate(paths, axis=1)) if return_path else images


def evaluations_per_sample(sampler: str, schedule: NoiseSchedule | None = None, steps: int = 50) -> int:
    """Return the network evaluations one sample costs: T for "ddpm", `steps` for "ddim", 1 for "gan" or "vae".

    Introduced in notebook 07.
    """
    if sampler in ("gan", "vae"):
        return 1
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS + ('gan', 'vae')}, got {sampler!r}")
    schedule = _check_schedule(schedule)
    return schedule.T if sampler == "ddpm" else len(ddim_levels(schedule, steps))


# ----- the model, trained step by step, saved and loaded ---------------------------------------
class DiffusionModel:
    """A noise predictor, its schedule, Adam and an EMA copy, trained step by step on digits in [-1, 1].

    Introduced in notebook 07. ``images`` (float32 (N, 28, 28, 1)
    in [-1, 1]) may be None for a model that only samples (a loaded one). The samplers use the EMA
    copy of the weights (decay ``ema_decay``, warmed up as (1 + s) / (10 + s) after s steps) unless
    ema_decay is None.
    """

    def __init__(self, images=None, *, T: int = 1000, widths: tuple = WIDTHS, embedding_dim: int = EMBEDDING_DIM,
                 lr: float = 1e-3, batch_size: int = 64, ema_decay: float | None = 0.999, seed: int = 0):
        self.schedule = NoiseSchedule(T)
        self.lr = check_number("lr", lr, 0, 1, low_open=True)
        self.batch_size = check_int("batch_size", batch_size)
        self.seed = check_int("seed", seed, 0)
        if ema_decay is not None:
            ema_decay = check_number("ema_decay", ema_decay, 0, 1, low_open=True)
        self.ema_decay = ema_decay
        self._images = None
        if images is not None:
            self._images = tf.constant(_check_images(images, self.batch_size))
        set_seed(self.seed)
        self.network = build_noise_predictor(widths, embedding_dim)
        self.widths, self.embedding_dim = tuple(int(w) for w in widths), int(embedding_dim)
        self.ema_network = None
        if ema_decay is not None:
            self.ema_network = build_noise_predictor(widths, embedding_dim)
            self.ema_network.set_weights(self.network.get_weights())
        self.optimizer = keras.optimizers.Adam(self.lr)
        self.optimizer.build(self.network.trainable_variables)
        self._rng = tf.random.Generator.from_seed(self.seed)
        self._ema = tf.Variable(ema_decay or 0.0, dtype=tf.float32, trainable=False)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.step_count, self.train_time = 0, 0.0
        self._step = tf.function(self._train_step)

    def config(self) -> dict:
        """Return what rebuilds this model: the schedule and the network's sizes (what a saved file records)."""
        return {"model": "ddpm", **self.schedule.config(), "widths": list(self.widths),
                "embedding_dim": self.embedding_dim}

    @property
    def sampling_network(self) -> keras.Model:
        """The network the samplers use: the EMA copy when there is one."""
        return self.ema_network or self.network

    def _train_step(self):
        n = tf.shape(self._images)[0]
        x0 = tf.gather(self._images, self._rng.uniform([self.batch_size], 0, n, dtype=tf.int32))
        t = self._rng.uniform([self.batch_size], 1, self.schedule.T + 1, dtype=tf.int32)
        loss = ddpm_train_step(self.network, self.optimizer, self.schedule, x0, t, self._rng.normal(tf.shape(x0)))
        if self.ema_network is not None:
            s = tf.cast(self.optimizer.iterations, tf.float32)
            decay = tf.minimum(self._ema, (1.0 + s) / (10.0 + s))
            for ema, w in zip(self.ema_network.variables, self.network.variables):
                ema.assign(decay * ema + (1.0 - decay) * w)
        return loss

    def fit(self, steps: int | None = None, seconds: float | None = None) -> "DiffusionModel":
        """Train for `steps` steps or `seconds` of training time; losses go to self.history."""
        if self._images is None:
            raise ValueError("this model has no training images: build it with DiffusionModel(images, ...)")
        if (steps is None) == (seconds is None):
            raise ValueError(f"give exactly one of steps= or seconds=, got steps={steps!r}, seconds={seconds!r}")
        steps = None if steps is None else check_int("steps", steps)
        seconds = None if seconds is None else check_number("seconds", seconds, 0, low_open=True)
        done, spent = 0, 0.0
        while (done < steps) if steps is not None else (spent < seconds):
            start = time.perf_counter()
            loss = float(self._step())
            elapsed = time.perf_counter() - start
            spent += elapsed
            self.train_time += elapsed
            self.step_count += 1
            done += 1
            for key, value in zip(HISTORY_KEYS, (self.step_count, loss, self.train_time)):
                self.history[key].append(value)
        return self

    def sample(self, n: int, sampler: str = "ddim", steps: int = 50, seed: int = 0, return_path: bool = False,
               clip_x0: bool = True):
        """Draw n digits in [-1, 1] with "ddim" (`steps` evaluations each) or "ddpm" (T each); see sample_ddim/sample_ddpm."""
        if sampler not in SAMPLERS:
            raise ValueError(f"sampler must be one of {SAMPLERS}, got {sampler!r}")
        if sampler == "ddpm":
            return sample_ddpm(self.sampling_network, n, self.schedule, seed, return_path, clip_x0)
        return sample_ddim(self.sampling_network, n, self.schedule, steps, seed, return_path, clip_x0)

    def evaluations_per_sample(self, sampler: str = "ddim", steps: int = 50) -> int:
        """Network evaluations one sample costs with this model's schedule (see evaluations_per_sample)."""
        return evaluations_per_sample(sampler, self.schedule, steps)

    def save(self, path) -> Path:
        """Write the sampling network's weights (float16) and config to an .npz file, atomically; return its path."""
        path = Path(path)
        if path.suffix != ".npz":
            raise ValueError(f"path must name an .npz file, got {str(path)!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": DIFFUSION_FORMAT, "config": self.config(), "step": self.step_count,
                "train_seconds": round(self.train_time, 1)}
        arrays = {f"network/{i:04d}": v.numpy().astype(np.float16)
                  for i, v in enumerate(self.sampling_network.variables)}
        atomic_write(path, lambda f: np.savez_compressed(f, meta=np.array(json.dumps(meta)), **arrays))
        return path

    @classmethod
    def load(cls, path, images=None, **settings) -> "DiffusionModel":
        """Rebuild a model saved by save() (its weights in both the network and the EMA copy); images to train on."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no saved diffusion model at {path}")
        try:
            arrays = load_npz(path)
            meta = json.loads(str(arrays.pop("meta")))
        except NPZ_ERRORS as err:
            raise ValueError(f"{path} is not a readable diffusion model (truncated or corrupt?): {err}") from None
        if not isinstance(meta, dict) or meta.get("format") != DIFFUSION_FORMAT:
            raise ValueError(f"{path} is not a {DIFFUSION_FORMAT} file")
        config = meta["config"]
        if config.get("first_variance") != NoiseSchedule(config["T"]).first_variance or \
                config.get("last_variance") != NoiseSchedule(config["T"]).last_variance:
            raise ValueError(f"{path} uses a schedule {config} this version does not build")
        model = cls(images, T=config["T"], widths=tuple(config["widths"]), embedding_dim=config["embedding_dim"],
                    **settings)
        stored = [arrays[k] for k in sorted(arrays) if k.startswith("network/")]
        if [a.shape for a in stored] != [tuple(v.shape) for v in model.network.variables]:
            raise ValueError(f"{path}: its weights do not fit the network its config {config} builds")
        for network in (model.network, model.ema_network):
            if network is not None:
                for variable, value in zip(network.variables, stored):
                    variable.assign(value.astype(np.float32))
        model.step_count, model.train_time = int(meta["step"]), float(meta["train_seconds"])
        return model

    def export(self, name: str = "ddpm", info: dict | None = None, directory=None) -> Path:
        """Save as data/pretrained/NAME.npz (float16) and record it in the manifest, beside the shipped generators.

        Not used in a notebook: make pretrained ships the diffusion model with it.
        """
        directory = Path(directory or shipped_path("pretrained"))
        path = self.save(directory / f"{name}.npz")
        manifest_path = directory / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        manifest[name] = {"kind": "diffusion", "config": self.config(), "weights": path.name,
                          "bytes": path.stat().st_size, "steps": self.step_count,
                          "train_seconds": round(self.train_time, 1), **(info or {})}
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
        return path


def load_diffusion(name: str = "ddpm", directory=None) -> DiffusionModel:
    """Return a shipped diffusion model by name (data/pretrained/NAME.npz), ready to sample.

    Introduced in notebook 07.
    """
    directory = Path(directory or shipped_path("pretrained"))
    path = directory / f"{name}.npz"
    if not path.is_file():
        shipped = sorted(p.stem for p in directory.glob("*.npz"))
        raise ValueError(f"no diffusion model {name!r} in {directory}; files there: {shipped}")
    return DiffusionModel.load(path)


def _check_images(images, batch_size: int) -> np.ndarray:
    x = np.asarray(images)
    if x.ndim != 4 or x.shape[1:] != IMAGE_SHAPE or x.dtype != np.float32 or len(x) == 0:
        raise ValueError(f"images must be float32 (N, 28, 28, 1) in [-1, 1] (gu.to_float), got dtype {x.dtype} "
                         f"shape {x.shape}")
    low, high = float(x.min()), float(x.max())
    if low < -1.0 or high > 1.0:
        raise ValueError(f"images must lie in [-1, 1], got values in [{low:.4g}, {high:.4g}]; use gu.to_float")
    if batch_size > len(x):
        raise ValueError(f"batch_size={batch_size} is larger than the {len(x)} training images")
    return x
