"""Exercise checks: run a learner's function on several inputs, compare with the reference, give a hint.

Introduced in notebook 00; every notebook's Exercises section calls a check from here. A check
never raises: an unfinished exercise (a stub returning None) or one that crashes gets a message
and a hint, so the notebook still runs top to bottom.

The shared machinery (CheckResult, check_function and the never-raise helpers) lives in
``core``; each notebook's checks live in their own module (``nb00``, ``nb01``, ...). Use them
as ``gu.checks.check_x(...)`` or ``from gan_utils.checks import check_x``.
"""
from __future__ import annotations

from .core import CheckResult, check_function
from .nb00 import check_scale_images
from .nb01 import check_bce_loss, check_gradient_step, check_sigmoid_derivative
from .nb02 import check_gan_d_loss, check_gan_g_loss, check_optimal_discriminator
from .nb03 import (
    check_d_steps,
    check_discriminator,
    check_discriminator_loss,
    check_generator_loss,
    check_generator_step,
    check_mean_d_outputs,
    check_prepare_images,
    check_real_batches,
)
from .stability import check_gradient_penalty, check_label_smoothing
from .nb05 import check_frechet_gaussian, check_nearest_distance, check_parzen_log_density

__all__ = [
    "CheckResult", "check_function",
    # notebook 00
    "check_scale_images",
    # notebook 01
    "check_sigmoid_derivative", "check_bce_loss", "check_gradient_step",
    # notebook 02
    "check_gan_d_loss", "check_gan_g_loss", "check_optimal_discriminator",
    # notebook 03
    "check_discriminator", "check_real_batches", "check_d_steps", "check_generator_loss",
    "check_discriminator_loss", "check_generator_step", "check_prepare_images", "check_mean_d_outputs",
    # notebook 04
    "check_gradient_penalty", "check_label_smoothing",
    # notebook 05
    "check_frechet_gaussian", "check_nearest_distance", "check_parzen_log_density",
]
