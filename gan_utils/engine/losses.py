"""GAN losses on discriminator logits (real = 1, fake = 0), in numerically stable softplus form.

With D(x) = sigmoid(l):  -log D(x) = softplus(-l)  and  -log(1 - D(x)) = softplus(l).
The discriminator loss of the BCE kinds is -V(D, G), so it equals log 4 when D(x) = 1/2 everywhere.
The relativistic pairing loss (R3GAN, Huang et al. 2024) scores each real image against a generated
one: D's loss is softplus(-(D(x) - D(G(z)))), G's the same with the roles swapped, so it equals log 2
when the two outputs agree.
"""
from __future__ import annotations

from typing import Callable

import tensorflow as tf

from .answers import course_answer
from .names import LOSS_NAMES

LOSSES = LOSS_NAMES
#: losses whose D is a critic: its outputs are unbounded scores s(x), not logits of a probability
#: (the relativistic loss reads only differences D(x) - D(G(z)), so D's outputs alone mean nothing either)
CRITIC_LOSSES = ("wgan_gp", "hinge", "relativistic")
BCE_LOSSES = ("minimax", "non_saturating")
#: losses that pair each real image with a generated one: G's loss needs D's outputs on real images too
PAIRED_LOSSES = ("relativistic",)


def check_loss(kind: str) -> str:
    """Return `kind` if it names a loss in LOSSES, else raise ValueError listing them. Introduced in notebook 02."""
    if kind not in LOSSES:
        raise ValueError(f"loss kind must be one of {LOSSES}, got {kind!r}")
    return kind


def check_label_smoothing(label_smoothing, kind: str = "non_saturating") -> float:
    """Return label_smoothing as a float if it is in [0, 0.5) and allowed for `kind`. Introduced in notebook 04."""
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, (int, float)) \
            or not 0.0 <= label_smoothing < 0.5:
        raise ValueError(f"label_smoothing must be a number in [0, 0.5), got {label_smoothing!r}")
    if label_smoothing and kind not in BCE_LOSSES:
        raise ValueError(
            f"label_smoothing={label_smoothing!r} only applies to the BCE losses {BCE_LOSSES}, "
            f"not {kind!r}; use label_smoothing=0.0"
        )
    return float(label_smoothing)


@course_answer("gan_d_loss", "discriminator_loss")
def discriminator_loss(real_logits, fake_logits, kind: str = "non_saturating",
                       label_smoothing=0.0) -> tf.Tensor:
    """Return the discriminator's loss to minimise from its logits on real and fake batches. Introduced in notebook 02."""
    real_term, fake_term = _discriminator_terms(real_logits, fake_logits, kind, label_smoothing)
    return tf.reduce_mean(real_term) + tf.reduce_mean(fake_term)


@course_answer("gan_d_loss", "discriminator_loss")
def discriminator_loss_per_example(real_logits, fake_logits, kind: str = "non_saturating",
                                   label_smoothing=0.0) -> tf.Tensor:
    """Return D's loss for each (real, fake) pair of two equal batches; its mean is discriminator_loss.

    Introduced in notebook 03.
    """
    real_term, fake_term = _discriminator_terms(real_logits, fake_logits, kind, label_smoothing)
    return real_term + fake_term


def _discriminator_terms(real_logits, fake_logits, kind, label_smoothing):
    check_loss(kind)
    if not isinstance(label_smoothing, (tf.Tensor, tf.Variable)):
        check_label_smoothing(label_smoothing, kind)
    real = tf.reshape(tf.convert_to_tensor(real_logits, tf.float32), [-1])
    fake = tf.reshape(tf.convert_to_tensor(fake_logits, tf.float32), [-1])
    if kind in BCE_LOSSES:
        target = 1.0 - tf.cast(label_smoothing, tf.float32)
        return target * tf.nn.softplus(-real) + (1.0 - target) * tf.nn.softplus(real), tf.nn.softplus(fake)
    if kind == "wgan_gp":
        return -real, fake
    if kind == "relativistic":
        return _relativistic_per_example(real, fake), tf.zeros_like(fake)
    return tf.nn.relu(1.0 - real), tf.nn.relu(1.0 + fake)


@course_answer("gan_g_loss_minimax", "gan_g_loss_non_saturating", "generator_loss")
def generator_loss(fake_logits, kind: str = "non_saturating", real_logits=None) -> tf.Tensor:
    """Return the generator's loss to minimise from D's logits on generated images. Introduced in notebook 02.

    ``real_logits`` (D's outputs on real images, one per generated image) is needed by the losses in
    PAIRED_LOSSES ("relativistic") and refused by the others.
    """
    return tf.reduce_mean(generator_loss_per_example(fake_logits, kind, real_logits))


@course_answer("gan_g_loss_minimax", "gan_g_loss_non_saturating", "generator_loss")
def generator_loss_per_example(fake_logits, kind: str = "non_saturating", real_logits=None) -> tf.Tensor:
    """Return G's loss for each generated image; its mean is generator_loss. Introduced in notebook 02."""
    check_loss(kind)
    if kind in PAIRED_LOSSES and real_logits is None:
        raise ValueError(f"the {kind!r} loss pairs each generated image with a real one: pass real_logits "
                         f"(D's outputs on as many real images)")
    if kind not in PAIRED_LOSSES and real_logits is not None:
        raise ValueError(f"real_logits only apply to the paired losses {PAIRED_LOSSES}, not {kind!r}; "
                         f"pass real_logits=None")
    fake = tf.reshape(tf.convert_to_tensor(fake_logits, tf.float32), [-1])
    if kind == "relativistic":
        return _relativistic_per_example(fake, tf.reshape(tf.convert_to_tensor(real_logits, tf.float32), [-1]))
    if kind == "minimax":
        return -tf.nn.softplus(fake)
    if kind == "non_saturating":
        return tf.nn.softplus(-fake)
    return -fake


@course_answer("gradient_penalty")
def gradient_penalty(discriminator: Callable, real, fake, alpha=None) -> tf.Tensor:
    """Return WGAN-GP's mean (||grad D(x_hat)|| - 1)^2 on random interpolates x_hat of real and fake. Introduced in notebook 04.

    x_hat = alpha * real + (1 - alpha) * fake, one fraction per sample (uniform if not given): notebook 04
    writes this mixing fraction epsilon.
    """
    return tf.reduce_mean(_penalty_per_example(discriminator, real, fake, alpha))


def gradient_penalty_per_example(discriminator: Callable, real, fake, alpha=None) -> tf.Tensor:
    """Return (||grad D(x_hat)|| - 1)^2 for each interpolate; its mean is gradient_penalty.

    Introduced in notebook 04. The course's answer to notebook 04's build exercise, like gradient_penalty.
    """
    return _penalty_per_example(discriminator, real, fake, alpha)


gradient_penalty_per_example = course_answer("gradient_penalty")(gradient_penalty_per_example)


def _penalty_per_example(discriminator: Callable, real, fake, epsilon=None) -> tf.Tensor:
    """The penalty of each interpolate (the unmarked body the trainer and the two marked functions share)."""
    real = tf.convert_to_tensor(real, tf.float32)
    fake = tf.convert_to_tensor(fake, tf.float32)
    if real.shape.rank is not None and fake.shape.rank is not None and real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {real.shape} and {fake.shape}")
    weight_shape = tf.concat([tf.shape(real)[:1], tf.ones([tf.rank(real) - 1], tf.int32)], axis=0)
    if epsilon is None:
        epsilon = tf.random.uniform(weight_shape)
    epsilon = tf.convert_to_tensor(epsilon, tf.float32)
    if epsilon.shape.rank == 1:
        epsilon = tf.reshape(epsilon, weight_shape)
    mixed = epsilon * real + (1.0 - epsilon) * fake
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        logits = discriminator(mixed)
    grads = tape.gradient(logits, mixed)
    axes = tf.range(1, tf.rank(grads))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    return tf.square(norms - 1.0)


# ----- R3GAN's relativistic pairing loss and zero-centred gradient penalties (notebook 07) --------
def _relativistic_per_example(first, second) -> tf.Tensor:
    """softplus(-(first - second)) for each pair: -log sigmoid of how much more realistic `first` is rated."""
    first = tf.reshape(tf.convert_to_tensor(first, tf.float32), [-1])
    second = tf.reshape(tf.convert_to_tensor(second, tf.float32), [-1])
    if first.shape[0] is not None and second.shape[0] is not None and first.shape[0] != second.shape[0]:
        raise ValueError(f"the relativistic loss pairs each real image with one generated image: got "
                         f"{first.shape[0]} and {second.shape[0]} outputs; pass two batches of the same size")
    return tf.nn.softplus(second - first)


@course_answer("relativistic_loss")
def relativistic_d_loss(real_logits, fake_logits) -> tf.Tensor:
    """Return R3GAN's D loss: the mean of softplus(-(D(x) - D(G(z)))) over paired real and generated images.

    Introduced in notebook 07. The course's answer to its build
    exercise "relativistic_loss". Add the penalties (lambda/2) (R1 + R2) from zero_centred_penalty.
    """
    return tf.reduce_mean(_relativistic_per_example(real_logits, fake_logits))


def relativistic_g_loss(real_logits, fake_logits) -> tf.Tensor:
    """Return R3GAN's G loss: the mean of softplus(-(D(G(z)) - D(x))) over paired real and generated images.

    Introduced in notebook 07.
    """
    return tf.reduce_mean(_relativistic_per_example(fake_logits, real_logits))


def zero_centred_penalty(discriminator: Callable, images) -> tf.Tensor:
    """Return the mean over images of ||grad_x D(x)||^2: R1 on real images, R2 on generated ones.

    Introduced in notebook 07. Zero-centred (Mescheder et al.
    2018): it pulls D's gradient towards 0 at the data, unlike WGAN-GP's pull towards 1 between them.
    R3GAN adds (lambda/2) (R1 + R2) to D's loss; GANTrainer's r1_weight and r2_weight are that lambda.
    """
    images = tf.convert_to_tensor(images, tf.float32)
    if images.shape.rank is not None and images.shape.rank < 2:
        raise ValueError(f"images must be a batch (N, ...) with N >= 1, got shape {tuple(images.shape)}")
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = discriminator(images)
    grads = tape.gradient(logits, images)  # d(sum of outputs)/dx: each output depends on its own image only
    if grads is None:
        raise ValueError("the discriminator's output does not depend on its input images; "
                         "pass a callable images -> one output per image")
    return tf.reduce_mean(tf.reduce_sum(tf.reshape(tf.square(grads), [tf.shape(grads)[0], -1]), axis=1))
