"""Differentiable augmentation for GAN discriminators (DiffAugment: Zhao et al. 2020), for images in [-1, 1].

The same random translation and cutout are applied to real and to generated images, in the
discriminator's update and in the generator's, so D cannot memorise the few thousand training
digits and G's gradients pass through the augmentation. Colour operations are left out: they
do nothing useful on one grey channel. Every random draw comes from the ``tf.random.Generator``
passed in (the trainer's own), so a run with augmentation still resumes bit for bit.

    gu.GANTrainer("dcgan", images, augment="translation,cutout")
"""
from __future__ import annotations

import tensorflow as tf

OPERATIONS = ("translation", "cutout")
BACKGROUND = -1.0  # the value of an empty pixel in [-1, 1] images


def parse_policy(policy) -> tuple[tuple[str, int | None], ...]:
    """Parse "translation,cutout" (or "translation:2,cutout:10" with a shift or size) into ((name, size), ...).

    Not used in a notebook: GANTrainer's augment= option (DiffAugment), which the benchmarks tried.
    """
    if policy is None:
        return ()
    if not isinstance(policy, str) or not policy.strip():
        raise ValueError(f"augment must be None or a comma-separated string of {OPERATIONS}, e.g. "
                         f"'translation,cutout', got {policy!r}")
    ops = []
    for item in policy.split(","):
        name, _, size = item.strip().partition(":")
        if name not in OPERATIONS:
            raise ValueError(f"unknown augmentation {name!r} in {policy!r}; choose from {OPERATIONS}")
        if size:
            if not size.isdigit() or int(size) < 1:
                raise ValueError(f"the size after {name!r} must be a positive integer, got {size!r}")
            ops.append((name, int(size)))
        else:
            ops.append((name, None))
    return tuple(ops)


def translation(images, rng: tf.random.Generator, shift: int | None = None):
    """Shift each image by its own random whole-pixel offset in [-shift, shift] (default 1/8 of the side), padding with background.

    Not used in a notebook: GANTrainer's augment= option (DiffAugment), which the benchmarks tried.
    """
    height, width = int(images.shape[1]), int(images.shape[2])
    shift = max(1, round(min(height, width) / 8)) if shift is None else int(shift)
    batch = tf.shape(images)[0]
    padded = tf.pad(images, [[0, 0], [shift, shift], [shift, shift], [0, 0]], constant_values=BACKGROUND)
    dy = rng.uniform([batch, 1], 0, 2 * shift + 1, dtype=tf.int32)
    dx = rng.uniform([batch, 1], 0, 2 * shift + 1, dtype=tf.int32)
    rows = dy + tf.range(height)[None, :]
    cols = dx + tf.range(width)[None, :]
    out = tf.gather(padded, rows, axis=1, batch_dims=1)
    return tf.gather(out, cols, axis=2, batch_dims=1)


def cutout(images, rng: tf.random.Generator, size: int | None = None):
    """Blank one random square per image (default half the side, centre anywhere, clipped at the edges) to background.

    Not used in a notebook: GANTrainer's augment= option (DiffAugment), which the benchmarks tried.
    """
    height, width = int(images.shape[1]), int(images.shape[2])
    size = max(1, min(height, width) // 2) if size is None else int(size)
    batch = tf.shape(images)[0]
    cy = rng.uniform([batch, 1, 1], 0, height + (1 - size % 2), dtype=tf.int32)
    cx = rng.uniform([batch, 1, 1], 0, width + (1 - size % 2), dtype=tf.int32)
    r = tf.range(height)[None, :, None]
    c = tf.range(width)[None, None, :]
    inside = ((r >= cy - size // 2) & (r < cy - size // 2 + size)
              & (c >= cx - size // 2) & (c < cx - size // 2 + size))
    keep = tf.cast(~inside, images.dtype)[..., None]
    return images * keep + BACKGROUND * (1.0 - keep)


def augment(images, policy, rng: tf.random.Generator):
    """Apply a policy (a string for parse_policy, or its parsed tuple) to a batch of images, in order.

    Not used in a notebook: GANTrainer's augment= option (DiffAugment), which the benchmarks tried.
    """
    ops = parse_policy(policy) if policy is None or isinstance(policy, str) else policy
    for name, size in ops:
        images = translation(images, rng, size) if name == "translation" else cutout(images, rng, size)
    return images
