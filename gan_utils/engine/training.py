"""GANTrainer: a GAN training loop you can step, steer, interrupt, checkpoint and resume exactly.

The training step is written with ``tf.GradientTape`` inside compiled ``tf.function``s. The whole
training set lives in one tensor and every batch index and noise vector comes from one
``tf.random.Generator``, whose state is saved with the weights, so a resumed run repeats the
original bit for bit. Learning rates, ``d_steps`` and ``label_smoothing`` are TensorFlow
variables: changing them between steps does not recompile anything.
"""
from __future__ import annotations

import contextlib
import functools
import math
import signal
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from . import augment as A
from . import losses as L
from .checkpoints import HISTORY_KEYS, checkpoint_path, read_checkpoint, write_checkpoint, write_history_csv
from . import models as M
from . import replicas as R
from .answers import course_answer
from .runtime import set_seed
from .validate import check_int, check_number, checked_property

MODES = ("both", "d", "g")
SNAPSHOT_EVERY = 50
# A loss this large has diverged even if still finite: BCE losses stay finite through log-sigmoid,
# so at lr 10 they jump to 1e5-1e9 within three steps instead of becoming NaN. Healthy runs stay < 10.
LOSS_LIMIT = 1e4


def _learning_rate(name: str, value) -> float:
    return check_number(name, value, 0, low_open=True)


class TrainingDiverged(RuntimeError):
    """A loss became NaN, infinite or larger than LOSS_LIMIT; the weights were rolled back before this was raised.

    Introduced in notebook 03; used in 04.

    ``step`` is the step whose losses diverged (None when raised without one).
    """

    def __init__(self, message: str, step: int | None = None):
        super().__init__(message)
        self.step = step


def check_images(images) -> np.ndarray:
    """Return `images` if it is float32 (N, H, W, C) in [-1, 1], else raise ValueError saying what is wrong. Introduced in notebook 03."""
    if isinstance(images, (tf.Tensor, tf.Variable)):
        images = images.numpy()
    if not isinstance(images, np.ndarray):
        raise ValueError(f"images must be a NumPy array (N, 28, 28, 1) of float32 in [-1, 1], "
                         f"got {type(images).__name__}; convert uint8 digits with gu.to_float")
    if images.ndim != 4 or len(images) == 0:
        raise ValueError(f"images must have shape (N, height, width, channels) such as (N, 28, 28, 1), "
                         f"got {images.shape}; gu.to_float adds the channel axis")
    if images.dtype != np.float32:
        raise ValueError(f"images must be float32 in [-1, 1], got dtype {images.dtype}; "
                         f"convert uint8 digits with gu.to_float")
    low, high = float(images.min()), float(images.max())
    if not (-1.0 <= low and high <= 1.0):
        raise ValueError(f"images must lie in [-1, 1], got values in [{low:.4g}, {high:.4g}]; "
                         f"convert uint8 digits with gu.to_float")
    return images


def _check_labels(labels, n: int, num_classes: int) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers of shape ({n},), got dtype {labels.dtype} shape {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes - 1}], got values in "
                         f"[{labels.min()}, {labels.max()}]")
    return labels.astype(np.int32)


def _embedding_size(generator: keras.Model) -> int:
    sizes = [layer.input_dim for layer in generator.layers if isinstance(layer, keras.layers.Embedding)]
    if not sizes:
        raise ValueError("a conditional generator given as a pair must embed its label with keras.layers.Embedding")
    return int(sizes[0])


@contextmanager
def _defer_sigint():
    """Turn the first Ctrl-C (or Jupyter's interrupt) into a flag checked between steps."""
    flag = {"hit": False}
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum, frame):
        if flag["hit"]:
            raise KeyboardInterrupt
        flag["hit"] = True

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


class GANTrainer:
    """Train a generator and a discriminator on images in [-1, 1]. Introduced in notebook 03.

    ``model`` is a name in ``gu.models.MODELS`` (sized by ``**model_sizes``) or a
    ``(generator, discriminator)`` pair of Keras models. ``seed`` seeds the weights of a named
    model (through ``gu.set_seed``), the batch/noise generator and the fixed noise.
    ``augment`` (e.g. ``"translation,cutout"``, gu.augment) applies differentiable augmentation to
    real and generated images wherever D sees them in training; ``r1_weight`` adds the R1 penalty
    r1_weight/2 * E||grad_x D(x)||^2 on real images to D's loss, ``r2_weight`` the same penalty on
    generated images (R2). All are off by default; R3GAN's recipe is ``loss="relativistic"`` with
    r1_weight = r2_weight = its gamma (each penalty's gradient is taken at D's input, after augmentation).
    ``ema_warmup`` caps the EMA's decay at (1 + t) / (10 + t) after t generator updates, so early
    samples are not dragged back towards the random initial weights (Karras et al. 2018).
    ``strategy`` (a ``tf.distribute.Strategy``, e.g. ``MirroredStrategy()``) builds the models and
    optimisers in its scope and splits every global batch of ``batch_size`` over its replicas
    (gu.replicas); one step then gives the same losses and weights as on one device.
    """

    def __init__(self, model="dcgan", images=None, labels=None, *, loss: str = "non_saturating",
                 lr_g: float = 2e-4, lr_d: float = 2e-4, beta_1: float = 0.5, beta_2: float = 0.999,
                 batch_size: int = 64, d_steps: int = 1, label_smoothing: float = 0.0,
                 gp_weight: float = 10.0, ema_decay: float | None = None, latent_dim: int | None = None,
                 seed: int = 0, n_fixed: int = 64, jit_compile: bool = False, simultaneous: bool = False,
                 augment: str | None = None, r1_weight: float = 0.0, ema_warmup: bool = False, strategy=None,
                 r2_weight: float = 0.0, **model_sizes):
        L.check_loss(loss)
        L.check_label_smoothing(label_smoothing, loss)
        lr_g, lr_d = check_number("lr_g", lr_g, 0, low_open=True), check_number("lr_d", lr_d, 0, low_open=True)
        beta_1, beta_2 = check_number("beta_1", beta_1, 0, 1), check_number("beta_2", beta_2, 0, 1)
        d_steps = check_int("d_steps", d_steps)
        gp_weight = check_number("gp_weight", gp_weight, 0)
        self._set_d_regularisers(augment, r1_weight, r2_weight)
        if ema_decay is not None:
            ema_decay = check_number("ema_decay", ema_decay, 0, 1, low_open=True)
        if not isinstance(ema_warmup, bool):
            raise ValueError(f"ema_warmup must be True or False, got {ema_warmup!r}")
        seed, n_fixed = check_int("seed", seed, 0), check_int("n_fixed", n_fixed)
        if not isinstance(jit_compile, bool):
            raise ValueError(f"jit_compile must be True or False, got {jit_compile!r}")
        if images is None:
            raise ValueError("images is required: float32 (N, 28, 28, 1) in [-1, 1], e.g. gu.to_float(mnist.x_train)")
        images = check_images(images)
        batch_size = check_int("batch_size", batch_size, 1, len(images))
        self.strategy = R.check_strategy(strategy, batch_size)
        with self._scope():
            if isinstance(model, str):
                self.config = M.model_config(model, 100 if latent_dim is None else latent_dim,
                                             images.shape[1:], **model_sizes)
                set_seed(seed)
                generator, discriminator = M.build_gan(**self.config)
            else:
                generator, discriminator = self._check_pair(model, images, latent_dim, model_sizes)
                self.config = {"model": "custom", "latent_dim": int(generator.inputs[0].shape[-1]),
                               "image_shape": list(images.shape[1:])}
        if self.strategy is not None:
            R.check_built_in_scope(self.strategy, generator, discriminator)
            R.synchronise_batch_norm(generator, discriminator)
        self.generator, self.discriminator = generator, discriminator
        self.conditional = M.is_conditional(generator)
        self.num_classes = self.config.get("num_classes", _embedding_size(generator) if self.conditional else 0)
        if self.conditional:
            if labels is None:
                raise ValueError("this conditional model needs labels: integers of shape (N,)")
            labels = _check_labels(labels, len(images), self.num_classes)
        elif labels is not None:
            raise ValueError(f"labels are only used by a conditional model ('cdcgan'), not {self.config['model']!r}; "
                             f"pass labels=None")

        self.latent_dim = self.config["latent_dim"]
        self._n_images = len(images)
        self._images = tf.constant(images)
        self._labels = tf.constant(labels) if self.conditional else None
        self._loss, self._batch_size = loss, batch_size
        self._lr_g, self._lr_d = lr_g, lr_d
        self.beta_1, self.beta_2, self.seed, self.n_fixed = beta_1, beta_2, seed, n_fixed
        self._jit_compile = jit_compile
        if not isinstance(simultaneous, bool):
            raise ValueError(f"simultaneous must be True or False, got {simultaneous!r}")
        self.simultaneous = simultaneous
        self._ema_decay_value = ema_decay
        self.ema_warmup = ema_warmup
        self._ema_decay = tf.Variable(ema_decay or 0.0, dtype=tf.float32, trainable=False)
        self._d_steps = tf.Variable(d_steps, dtype=tf.int32, trainable=False)
        self._label_smoothing = tf.Variable(label_smoothing, dtype=tf.float32, trainable=False)
        self._gp_weight = tf.Variable(gp_weight, dtype=tf.float32, trainable=False)
        self._rng = tf.random.Generator.from_seed(seed)
        with self._scope():
            self._opt_g = keras.optimizers.Adam(lr_g, beta_1=beta_1, beta_2=beta_2)
            self._opt_d = keras.optimizers.Adam(lr_d, beta_1=beta_1, beta_2=beta_2)
            self._opt_g.build(generator.trainable_variables)
            self._opt_d.build(discriminator.trainable_variables)
            self.ema_generator = None
            if ema_decay is not None:
                self.ema_generator = keras.models.clone_model(generator)
                for target, source in zip(self.ema_generator.variables, generator.variables):
                    target.assign(source)

        fixed = np.random.default_rng(seed)
        self.fixed_z = fixed.standard_normal((n_fixed, self.latent_dim)).astype(np.float32)
        self.fixed_labels = (np.arange(n_fixed) % self.num_classes).astype(np.int32) if self.conditional else None
        self._sample_rng = np.random.default_rng(seed + 1)
        self.history = {key: [] for key in HISTORY_KEYS}
        self.step_count = 0
        self.train_time = 0.0
        self.trace_count = 0
        self.interrupted = False  # True after fit() stopped early on Ctrl-C
        self._snapshot_data = None
        self._build_steps()

    def _scope(self):
        """The strategy's scope (models, optimisers and the EMA copy are built in it), or nothing."""
        return self.strategy.scope() if self.strategy is not None else contextlib.nullcontext()

    @staticmethod
    def _check_pair(model, images, latent_dim, model_sizes):
        if not (isinstance(model, (tuple, list)) and len(model) == 2
                and all(isinstance(m, keras.Model) for m in model)):
            raise ValueError(f"model must be one of {M.MODELS} or a (generator, discriminator) pair "
                             f"of Keras models, got {model!r}")
        if model_sizes:
            raise ValueError(f"size arguments {sorted(model_sizes)} only apply to a named model, "
                             f"not to a (generator, discriminator) pair")
        generator, discriminator = model
        z_dim = int(generator.inputs[0].shape[-1])
        if latent_dim is not None and latent_dim != z_dim:
            raise ValueError(f"latent_dim={latent_dim!r} but the generator takes z of size {z_dim}")
        if tuple(generator.outputs[0].shape[1:]) != images.shape[1:]:
            raise ValueError(f"the generator makes images of shape {tuple(generator.outputs[0].shape[1:])} "
                             f"but images have shape {images.shape[1:]}")
        return generator, discriminator

    def _set_d_regularisers(self, augment: str | None, r1_weight: float, r2_weight: float = 0.0) -> None:
        """Validate and set `augment` (DiffAugment policy for D's inputs, gu.augment), `r1_weight` and `r2_weight`; call _build_steps after."""
        self._augment_ops = A.parse_policy(augment)
        self.augment = augment
        self.r1_weight = check_number("r1_weight", r1_weight, 0)
        self.r2_weight = check_number("r2_weight", r2_weight, 0)

    # ----- settings that can change between steps -------------------------------------------
    lr_g = checked_property("lr_g", _learning_rate, "Generator learning rate; set it between steps (no recompiling).",
                            lambda self, value: self._opt_g.learning_rate.assign(value))
    lr_d = checked_property("lr_d", _learning_rate, "Discriminator learning rate; set it between steps (no recompiling).",
                            lambda self, value: self._opt_d.learning_rate.assign(value))

    @property
    def d_steps(self) -> int:
        """Discriminator updates per generator update (k in Goodfellow et al. 2014)."""
        return int(self._d_steps.numpy())

    @d_steps.setter
    def d_steps(self, value: int) -> None:
        self._d_steps.assign(check_int("d_steps", value))

    @property
    def label_smoothing(self) -> float:
        """One-sided label smoothing: real targets become 1 - label_smoothing (BCE losses only)."""
        return float(self._label_smoothing.numpy())

    @label_smoothing.setter
    def label_smoothing(self, value: float) -> None:
        self._label_smoothing.assign(L.check_label_smoothing(value, self._loss))

    @property
    def gp_weight(self) -> float:
        """Weight of the WGAN-GP gradient penalty (used only when loss is 'wgan_gp')."""
        return float(self._gp_weight.numpy())

    @gp_weight.setter
    def gp_weight(self, value: float) -> None:
        self._gp_weight.assign(check_number("gp_weight", value, 0))

    @property
    def loss(self) -> str:
        """The loss kind, one of gu.losses.LOSSES; switching it recompiles but keeps weights and history."""
        return self._loss

    @loss.setter
    def loss(self, value: str) -> None:
        L.check_loss(value)
        if self.label_smoothing and value not in L.BCE_LOSSES:
            raise ValueError(f"cannot switch to loss {value!r} while label_smoothing={self.label_smoothing}; "
                             f"set label_smoothing=0.0 first")
        if value != self._loss:
            self._loss = value
            self._build_steps()

    @property
    def batch_size(self) -> int:
        """Images per batch; changing it recompiles the steps."""
        return self._batch_size

    @batch_size.setter
    def batch_size(self, value: int) -> None:
        value = check_int("batch_size", value, 1, self._n_images)
        if value != self._batch_size:
            self._batch_size = value
            self._build_steps()

    @property
    def ema_decay(self) -> float | None:
        """Decay of the generator's moving average used for samples, or None when off."""
        return self._ema_decay_value

    @ema_decay.setter
    def ema_decay(self, value: float) -> None:
        if self._ema_decay_value is None or value is None:
            raise ValueError(f"ema_decay={value!r}: the EMA generator is switched on or off only when the "
                             f"trainer is built (GANTrainer(..., ema_decay=0.999)); here it is {self.ema_decay!r}")
        self._ema_decay_value = check_number("ema_decay", value, 0, 1, low_open=True)
        self._ema_decay.assign(self._ema_decay_value)

    @property
    def jit_compile(self) -> bool:
        """Whether the steps are compiled with XLA (slower on CPU for these models, so off by default)."""
        return self._jit_compile

    def settings(self) -> dict:
        """Return the trainer's hyperparameters as a plain dict (what a checkpoint records)."""
        return {
            "loss": self.loss, "lr_g": self.lr_g, "lr_d": self.lr_d, "beta_1": self.beta_1,
            "beta_2": self.beta_2, "batch_size": self.batch_size, "d_steps": self.d_steps,
            "label_smoothing": self.label_smoothing, "gp_weight": self.gp_weight,
            "ema_decay": self.ema_decay, "seed": self.seed, "n_fixed": self.n_fixed,
            "jit_compile": self.jit_compile, "simultaneous": self.simultaneous,
            "augment": self.augment, "r1_weight": self.r1_weight, "ema_warmup": self.ema_warmup,
            "r2_weight": self.r2_weight,
        }

    # ----- the compiled training steps -------------------------------------------------------
    def _build_steps(self) -> None:
        compile_ = dict(jit_compile=self._jit_compile, autograph=True)
        self._steps = {
            "both": tf.function(self._both_step, **compile_),
            "d": tf.function(self._d_only_step, **compile_),
            "g": tf.function(self._g_only_step, **compile_),
        }

    def _G(self, z, y, training: bool, model=None):
        model = model or self.generator
        return model([z, y], training=training) if self.conditional else model(z, training=training)

    def _D(self, x, y, training: bool):
        return self.discriminator([x, y], training=training) if self.conditional \
            else self.discriminator(x, training=training)

    def _D_in(self, x, y, rand):
        """D's logits for images as D sees them in training: augmented when `augment` is set (both updates)."""
        if self._augment_ops:
            x = A.augment(x, self._augment_ops, rand)
        return self._D(x, y, training=True)

    def _logits_and_penalty(self, x, y, rand, weight: float):
        """D's logits on images and, when weight > 0, each image's zero-centred penalty weight/2 * ||grad_x D(x)||^2.

        R1 on real images (weight r1_weight), R2 on generated ones (weight r2_weight).
        """
        if not weight:
            return self._D_in(x, y, rand), None
        if self._augment_ops:
            x = A.augment(x, self._augment_ops, rand)
        with tf.GradientTape() as penalty_tape:
            penalty_tape.watch(x)
            logits = self._D(x, y, training=True)
        grads = penalty_tape.gradient(logits, x)  # d(sum of logits)/dx, one gradient per image
        return logits, 0.5 * weight * tf.reduce_sum(tf.square(grads), axis=[1, 2, 3])

    def _average(self, per_example):
        """This replica's share of the global-batch mean (the whole mean on one device)."""
        return tf.nn.compute_average_loss(per_example, global_batch_size=self._batch_size)

    def _share(self, logits):
        """This replica's share of the global-batch mean of D's probability sigmoid(logits)."""
        return tf.reduce_sum(tf.sigmoid(logits)) / self._batch_size

    def _real_batch(self, rand, rows):
        idx = rand.uniform([rows], 0, self._n_images, dtype=tf.int32)
        y = tf.gather(self._labels, idx) if self.conditional else None
        return tf.gather(self._images, idx), y

    def _fake(self, rand, rows, y):
        return self._G(rand.normal([rows, self.latent_dim]), y, training=True)

    def _d_loss(self, x, fake, y, rand):
        """D's averaged loss on a real and a fake batch (with R1, augmentation and the gradient penalty when set), and its logits."""
        if self._augment_ops or self.r1_weight or self.r2_weight:
            real_logits, r1 = self._logits_and_penalty(x, y, rand, self.r1_weight)
            fake_logits, r2 = self._logits_and_penalty(fake, y, rand, self.r2_weight)
        else:
            real_logits, r1, r2 = self._D(x, y, training=True), None, None
            fake_logits = self._D(fake, y, training=True)
        per_example = L.discriminator_loss_per_example(real_logits, fake_logits, self._loss, self._label_smoothing)
        for penalty in (r1, r2):
            if penalty is not None:
                per_example += penalty
        if self._loss == "wgan_gp":
            epsilon = rand.uniform([tf.shape(x)[0], 1, 1, 1])  # the mixing fraction of each pair (notebook 04)
            critic = lambda t: self._D(t, y, training=True)  # noqa: E731
            per_example += tf.cond(  # gp_weight = 0 (a plain Wasserstein loss, e.g. with spectral norm) skips its cost
                self._gp_weight > 0,
                lambda: self._gp_weight * L.gradient_penalty_per_example(critic, x, fake, epsilon),
                lambda: tf.zeros_like(per_example))
        return self._average(per_example), real_logits, fake_logits

    def _g_loss_per_example(self, fake_logits, real_logits):
        """G's loss per generated image; the paired losses (relativistic) also read D's logits on the real batch."""
        if self._loss in L.PAIRED_LOSSES:
            return L.generator_loss_per_example(fake_logits, self._loss, real_logits)
        return L.generator_loss_per_example(fake_logits, self._loss)

    def _d_update(self, rand, rows):
        """One D update on one replica; returns [d_loss, the G loss on those fakes, mean D(real), mean D(fake)] shares."""
        x, y = self._real_batch(rand, rows)
        fake = self._fake(rand, rows, y)
        with tf.GradientTape() as tape:
            loss, real_logits, fake_logits = self._d_loss(x, fake, y, rand)
        variables = self.discriminator.trainable_variables
        self._opt_d.apply_gradients(zip(tape.gradient(loss, variables), variables))
        g_loss = self._average(self._g_loss_per_example(fake_logits, real_logits))
        return tf.stack([loss, g_loss, self._share(real_logits), self._share(fake_logits)])

    def _g_update(self, rand, rows, score_real: bool = False):
        """One G update on one replica; returns [d_loss, g_loss, mean D(real), mean D(fake)] shares (D terms 0 unless score_real)."""
        x, y = self._real_batch(rand, rows)
        with tf.GradientTape() as tape:
            fake = self._fake(rand, rows, y)
            fake_logits = self._D_in(fake, y, rand) if self._augment_ops else self._D(fake, y, training=True)
            paired = self._D_in(x, y, rand) if self._loss in L.PAIRED_LOSSES else None  # D(x) beside each D(G(z))
            loss = self._average(self._g_loss_per_example(fake_logits, paired))
        variables = self.generator.trainable_variables
        self._opt_g.apply_gradients(zip(tape.gradient(loss, variables), variables))
        if not score_real:
            return tf.stack([0.0, loss, 0.0, self._share(fake_logits)])
        real_logits = self._D(x, y, training=False)
        d_loss = self._average(L.discriminator_loss_per_example(real_logits, fake_logits, self._loss,
                                                                self._label_smoothing))
        return tf.stack([d_loss, loss, self._share(real_logits), self._share(fake_logits)])

    def _joint_update(self, rand, rows):
        """One D update and one G update sharing a single forward pass (the TF DCGAN tutorial's step)."""
        x, y = self._real_batch(rand, rows)
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = self._fake(rand, rows, y)
            d_loss, real_logits, fake_logits = self._d_loss(x, fake, y, rand)
            g_loss = self._average(self._g_loss_per_example(fake_logits, real_logits))
        d_vars, g_vars = self.discriminator.trainable_variables, self.generator.trainable_variables
        d_grads, g_grads = d_tape.gradient(d_loss, d_vars), g_tape.gradient(g_loss, g_vars)
        self._opt_d.apply_gradients(zip(d_grads, d_vars))
        self._opt_g.apply_gradients(zip(g_grads, g_vars))
        return tf.stack([d_loss, g_loss, self._share(real_logits), self._share(fake_logits)])

    def _run(self, update):
        """Run one update (a replica function) with a fresh seed, on one device or every replica; sum the shares."""
        return R.run(self.strategy, update, self._rng.make_seeds(1)[:, 0], self._batch_size)

    def _update_ema(self) -> None:
        if self.ema_generator is None:
            return
        decay = self._ema_decay
        if self.ema_warmup:  # average over at most the steps so far: (1 + t) / (10 + t) early on
            t = tf.cast(self._opt_g.iterations, tf.float32)
            decay = tf.minimum(decay, (1.0 + t) / (10.0 + t))
        for ema, w in zip(self.ema_generator.trainable_variables, self.generator.trainable_variables):
            ema.assign(decay * ema + (1.0 - decay) * w)
        for ema, w in zip(self.ema_generator.non_trainable_variables, self.generator.non_trainable_variables):
            ema.assign(w)

    def _both_step(self):
        self.trace_count += 1
        d_stats = tf.zeros([4])
        separate_d_steps = self._d_steps - 1 if self.simultaneous else self._d_steps
        for _ in tf.range(separate_d_steps):
            d_stats = self._run(self._d_update)
        if self.simultaneous:
            stats = self._run(self._joint_update)
            self._update_ema()
            return stats
        g_stats = self._run(self._g_update)
        self._update_ema()
        return tf.stack([d_stats[0], g_stats[1], d_stats[2], d_stats[3]])

    def _d_only_step(self):
        self.trace_count += 1
        return self._run(self._d_update)

    def _g_only_step(self):
        self.trace_count += 1
        stats = self._run(functools.partial(self._g_update, score_real=True))
        self._update_ema()
        return stats

    # ----- its state, and checkpoints (the file format is gan_utils.engine.checkpoints) -----------
    def state(self) -> tuple[dict, dict]:
        """Return (arrays, meta): every array training changes plus the fixed noise, and the settings, step and history.

        Together they resume training exactly (``load_state``); ``save`` writes them to a checkpoint.
        """
        arrays = self._state_arrays()
        arrays["fixed_z"] = np.array(self.fixed_z)
        if self.conditional:
            arrays["fixed_labels"] = np.array(self.fixed_labels)
        meta = {"config": self.config, "settings": self.settings(), "step": self.step_count,
                "train_time": self.train_time, "history": {k: list(v) for k, v in self.history.items()},
                "conditional": self.conditional}
        return arrays, meta

    def load_state(self, arrays: dict, meta: dict, source: str = "this state") -> "GANTrainer":
        """Resume from (arrays, meta) as ``state()`` returns them; ValueError naming `source` if they hold another model."""
        missing = [key for key in ("config", "settings", "step", "train_time", "history") if key not in meta]
        if missing or "fixed_z" not in arrays:
            raise ValueError(f"{source} is not a full trainer checkpoint: it lacks {missing or ['fixed_z']}")
        theirs, ours, settings = M.with_default_sizes(meta["config"]), self.config, meta["settings"]
        diff = [f"{k}: checkpoint {theirs.get(k)!r}, trainer {ours.get(k)!r}"
                for k in sorted(set(theirs) | set(ours)) if theirs.get(k) != ours.get(k)]
        if (settings["ema_decay"] is None) != (self.ema_decay is None):
            diff.append(f"ema_decay: checkpoint {settings['ema_decay']!r}, trainer {self.ema_decay!r}")
        if settings["batch_size"] > self._n_images:
            diff.append(f"batch_size: checkpoint {settings['batch_size']}, but only {self._n_images} images")
        for group, variables in self._state().items():
            stored = sorted(k for k in arrays if k.startswith(group + "/"))
            shapes = [tuple(arrays[k].shape) for k in stored]
            if shapes != [tuple(v.shape) for v in variables] and not diff:
                diff.append(f"{group} variables: checkpoint has {len(shapes)}, trainer has {len(variables)} "
                            f"(or their shapes differ)")
        if diff:
            raise ValueError(f"{source} does not match this trainer: " + "; ".join(diff))
        self.label_smoothing = 0.0
        self.loss = settings["loss"]
        for key in ("lr_g", "lr_d", "batch_size", "d_steps", "label_smoothing", "gp_weight"):
            setattr(self, key, settings[key])
        if self.ema_decay is not None:
            self.ema_decay = settings["ema_decay"]
        self.ema_warmup = bool(settings.get("ema_warmup", False))
        self.beta_1, self.beta_2, self.seed = settings["beta_1"], settings["beta_2"], settings["seed"]
        self._set_d_regularisers(settings.get("augment"), settings.get("r1_weight", 0.0),
                                 settings.get("r2_weight", 0.0))
        for optimizer in (self._opt_g, self._opt_d):
            optimizer.beta_1, optimizer.beta_2 = self.beta_1, self.beta_2
        self._build_steps()
        self._assign_state(arrays)
        self.fixed_z = arrays["fixed_z"]
        self.fixed_labels = arrays.get("fixed_labels")
        self.n_fixed = len(self.fixed_z)
        self.history = {key: list(meta["history"][key]) for key in HISTORY_KEYS}
        self.step_count, self.train_time = int(meta["step"]), float(meta["train_time"])
        self._snapshot()
        return self

    def history_csv(self, path) -> Path:
        """Write the history to a CSV file (atomically) and return its path."""
        return write_history_csv(path, self.history)

    def save(self, directory) -> Path:
        """Save everything needed to resume exactly into directory/checkpoint.npz (atomic), plus config.json and history.csv.

        config.json also records ``self.run_info`` (the command line puts the data set and source there).
        """
        return write_checkpoint(directory, *self.state(), info=getattr(self, "run_info", {}))

    def load(self, directory) -> "GANTrainer":
        """Load a checkpoint saved by save() into this trainer; ValueError if it holds a different model."""
        path = checkpoint_path(directory)
        return self.load_state(*read_checkpoint(path), source=str(path))

    @classmethod
    def restore(cls, directory, images, labels=None, model=None, jit_compile: bool | None = None,
                strategy=None) -> "GANTrainer":
        """Build a trainer from a checkpoint and the same images (a custom pair must be passed as model), on `strategy` if given."""
        path = checkpoint_path(directory)
        arrays, meta = read_checkpoint(path)
        config, settings = dict(meta["config"]), dict(meta["settings"])
        if jit_compile is not None:
            settings["jit_compile"] = jit_compile
        name = config.pop("model")
        if name == "custom":
            if model is None:
                raise ValueError(f"{path} holds a custom model: pass model=(generator, discriminator)")
            config = {}
        else:
            model = name
        config.pop("image_shape", None)
        trainer = cls(model, images, labels, **settings, **config, strategy=strategy)
        return trainer.load_state(arrays, meta, source=str(path))


    # ----- stepping, snapshots and divergence ------------------------------------------------
    def _optimizer_state(self, optimizer) -> list:
        return [v for v in optimizer.variables if v is not optimizer.learning_rate]

    def _state(self) -> dict:
        """Every variable that training changes, by group, in a fixed order."""
        return {
            "generator": list(self.generator.variables),
            "discriminator": list(self.discriminator.variables),
            "ema": list(self.ema_generator.variables) if self.ema_generator is not None else [],
            "opt_g": self._optimizer_state(self._opt_g),
            "opt_d": self._optimizer_state(self._opt_d),
            "rng": [self._rng.state],
        }

    def _state_arrays(self) -> dict:
        return {f"{group}/{i:04d}": np.array(v.numpy()) for group, variables in self._state().items()
                for i, v in enumerate(variables)}

    def _assign_state(self, arrays: dict) -> None:
        for group, variables in self._state().items():
            for i, v in enumerate(variables):
                v.assign(arrays[f"{group}/{i:04d}"])

    def _snapshot(self) -> None:
        self._snapshot_data = (self._state_arrays(), self.step_count, self.train_time,
                               len(self.history["step"]))

    def _rollback(self) -> int:
        arrays, self.step_count, self.train_time, length = self._snapshot_data
        self._assign_state(arrays)
        for key in HISTORY_KEYS:
            del self.history[key][length:]
        return self.step_count

    def _one_step(self, mode: str) -> dict:
        start = time.perf_counter()
        d_loss, g_loss, d_real, d_fake = (float(v) for v in self._steps[mode]().numpy())
        self.train_time += time.perf_counter() - start
        self.step_count += 1
        if not (all(math.isfinite(v) for v in (d_loss, g_loss, d_real, d_fake))
                and abs(d_loss) <= LOSS_LIMIT and abs(g_loss) <= LOSS_LIMIT):
            step = self.step_count
            back_to = self._rollback()
            raise TrainingDiverged(
                f"training diverged at step {step}: d_loss={d_loss:.4g}, g_loss={g_loss:.4g} (NaN, infinite "
                f"or beyond +-{LOSS_LIMIT:g}) with "
                f"lr_g={self.lr_g:g}, lr_d={self.lr_d:g}, loss={self.loss!r}. Weights, optimiser "
                f"state and random state were rolled back to step {back_to}; lower the learning "
                f"rates (e.g. 2e-4) before training on.",
                step=step,
            )
        row = {"step": self.step_count, "d_loss": d_loss, "g_loss": g_loss, "d_real": d_real,
               "d_fake": d_fake, "lr_g": self.lr_g, "lr_d": self.lr_d, "time": self.train_time}
        for key in HISTORY_KEYS:
            self.history[key].append(row[key])
        if self.step_count % SNAPSHOT_EVERY == 0:
            self._snapshot()
        return row

    def step(self, n: int = 1, mode: str = "both") -> dict:
        """Run n steps ("both": d_steps D updates then one G update; "d" or "g": one alone); return the last row."""
        n = check_int("n", n)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self._snapshot()
        for _ in range(n):
            row = self._one_step(mode)
        return row

    def fit(self, seconds: float | None = None, steps: int | None = None, callbacks: Iterable[Callable] = (),
            callback_every: int = 100, progress: bool = True, mode: str = "both") -> "GANTrainer":
        """Train for `seconds` of training time or for `steps` steps, calling each callback(trainer) every callback_every steps."""
        if (seconds is None) == (steps is None):
            raise ValueError(f"give exactly one of seconds= or steps=, got seconds={seconds!r}, steps={steps!r}")
        if seconds is not None:
            seconds = check_number("seconds", seconds, 0, low_open=True)
        else:
            steps = check_int("steps", steps)
        callbacks = list(callbacks)
        for cb in callbacks:
            if not callable(cb):
                raise ValueError(f"each callback must be callable as cb(trainer), got {cb!r}")
        callback_every = check_int("callback_every", callback_every)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")

        from .switches import snapshots_on

        if snapshots_on():  # a saved notebook keeps the bar as text, not as a widget that cannot render there
            from tqdm import tqdm
        else:
            from tqdm.auto import tqdm

        bar = None
        if progress:
            bar = tqdm(total=steps if steps is not None else seconds, unit="step" if steps else "s",
                       bar_format=None if steps else "{l_bar}{bar}| {n:.0f}/{total:.0f}s [{elapsed}{postfix}]")
        self._snapshot()
        start_time, done, last_called, last_shown = self.train_time, 0, 0, 0.0
        self.interrupted = False
        try:
            with _defer_sigint() as interrupt:
                while (done < steps) if steps is not None else (self.train_time - start_time < seconds):
                    if interrupt["hit"]:
                        raise KeyboardInterrupt
                    row = self._one_step(mode)
                    done += 1
                    if bar is not None and (time.perf_counter() - last_shown > 0.5 or done == steps):
                        last_shown = time.perf_counter()
                        rate = done / max(self.train_time - start_time, 1e-9)
                        bar.set_postfix(d_loss=f"{row['d_loss']:.3f}", g_loss=f"{row['g_loss']:.3f}",
                                        steps_per_s=f"{rate:.1f}", refresh=False)
                        bar.n = done if steps is not None else min(self.train_time - start_time, seconds)
                        bar.refresh()
                    if done % callback_every == 0:
                        last_called = done
                        for cb in callbacks:
                            cb(self)
                if callbacks and last_called != done:
                    for cb in callbacks:
                        cb(self)
        except KeyboardInterrupt:
            self.interrupted = True  # the command line reads it: save, skip the metrics, exit 130
            print(f"interrupted at step {self.step_count}")
        finally:
            if bar is not None:
                bar.close()
        return self

    # ----- samples and history ---------------------------------------------------------------
    def sample(self, n: int | None = None, z=None, labels=None) -> np.ndarray:
        """Return generated images, float32 (n, 28, 28, 1) in [-1, 1] (from the EMA generator if enabled)."""
        if z is None:
            if n is None:
                n = self.n_fixed if labels is None else len(np.atleast_1d(labels))
            n = check_int("n", n)
            z = self._sample_rng.standard_normal((n, self.latent_dim)).astype(np.float32)
        else:
            z = np.asarray(z, dtype=np.float32)
            if z.ndim != 2 or z.shape[1] != self.latent_dim:
                raise ValueError(f"z must have shape (n, {self.latent_dim}), got {z.shape}")
            if n is not None and n != len(z):
                raise ValueError(f"n={n!r} disagrees with z, which holds {len(z)} vectors")
        if self.conditional:
            labels = np.arange(len(z)) % self.num_classes if labels is None else labels
            labels = _check_labels(labels, len(z), self.num_classes)
        elif labels is not None:
            raise ValueError(f"labels are only used by a conditional model, not {self.config['model']!r}")
        model = self.ema_generator or self.generator
        chunks = [self._G(tf.constant(z[i:i + 512]), None if labels is None else tf.constant(labels[i:i + 512]),
                          training=False, model=model).numpy() for i in range(0, len(z), 512)]
        return np.concatenate(chunks).astype(np.float32)

    def fixed_samples(self) -> np.ndarray:
        """Return images for the fixed noise (and labels), to watch the same digits change over training."""
        return self.sample(z=self.fixed_z, labels=self.fixed_labels)

    def history_frame(self):
        """Return the history as a pandas DataFrame, one row per step."""
        import pandas as pd

        return pd.DataFrame(self.history, columns=list(HISTORY_KEYS))


@course_answer("train_step")
def make_train_step(generator: keras.Model, discriminator: keras.Model, opt_d, opt_g) -> Callable:
    """Return a compiled step(x_batch) -> (d_loss, g_loss, mean D(x), mean D(G(z))): D's update, then G's through the new D.

    Introduced in notebook 03: the course's version of its build exercise (the non-saturating losses on
    logits, real = 1 and fake = 0, fresh noise for each update). GANTrainer runs the same sequential update.
    """
    latent_dim = int(generator.inputs[0].shape[-1])

    @tf.function
    def step(x_batch):
        n = tf.shape(x_batch)[0]
        with tf.GradientTape() as tape:
            real_logits = discriminator(x_batch, training=True)
            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))
        grads = tape.gradient(d_loss, discriminator.trainable_variables)
        opt_d.apply_gradients(zip(grads, discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake_logits = discriminator(generator(tf.random.normal([n, latent_dim]), training=True), training=True)
            g_loss = tf.reduce_mean(tf.nn.softplus(-fake_logits))
        grads = tape.gradient(g_loss, generator.trainable_variables)
        opt_g.apply_gradients(zip(grads, generator.trainable_variables))
        return d_loss, g_loss, tf.reduce_mean(tf.sigmoid(real_logits)), tf.reduce_mean(tf.sigmoid(fake_logits))

    return step
