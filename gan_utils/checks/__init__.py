"""Exercise checks: run a learner's answer on several cases, compare with the reference, say what is wrong.

Introduced in notebook 00; every notebook's Exercises section calls a check from here. A check
takes the learner's answer as its only required argument and never raises: an unfinished
exercise (a stub giving back None), a crash or a value of the wrong kind gets a verdict. A failing
verdict names the case (input, expected and received values) and any known mistake it recognised,
in words, then the exercise's first hint, a question; ``hint(name)`` gives more, one level at a time
(2: a first step, 3: the maths, 4: the code; ``max_hint_level(n)`` caps it for graded work).
Verdicts never contain the formula or code of the answer.

Build, then use: a notebook's build cell defines a function, its check runs next, and
``yours_or_reference(fn)`` hands back the learner's function if it passed, else the course's
version, in one printed line; the cells after it use what it hands back. While a check runs the
learner's code, the course's own answer to that exercise (``engine/answers.py``) refuses to run.

Each notebook's checks live in their own module (``nb00``, ``nb01``, ... ``nb07``), and so do its
hints: a module-level ``HINTS`` dict beside the checks, exercise -> (question, step, maths, code). The shared
machinery lives in ``core`` (the verdict, the comparison, the never-raise helpers) and ``hints``
(``hint``, ``reset_hints``, ``all_hints``, which gathers the notebooks' ``HINTS`` on first use).
Check modules import from ``..engine`` and ``..studies``, never from ``..widgets``. Use the checks
as ``gu.checks.check_x(...)``.
"""
from __future__ import annotations

from .core import CheckResult, build_exercise, check_function, yours_or_reference
from .hints import hint, max_hint_level, reset_hints
from .nb00 import check_background_share, check_scale_images, check_tanh_reach, check_to_pixels
from .nb01 import (check_bce_loss, check_constant_guess, check_diagnose_curves, check_gradient_step, check_mse_gradient,
                   check_predict_centred_rate, check_sigmoid, check_sigmoid_derivative, check_softplus_derivative,
                   check_two_layer_backward)
from .nb02 import (check_box_criterion, check_dirac_distances, check_gan_d_loss, check_gan_g_loss, check_gan_g_loss_minimax,
                   check_gan_g_loss_non_saturating, check_gaussian_d_star_logit, check_js_divergence, check_kl_divergence,
                   check_lsgan_losses, check_lsgan_optimal_d, check_optimal_discriminator, check_predict_fast_generator,
                   check_predict_gradient)
from .nb03 import (check_d_steps, check_dcgan_discriminator, check_discriminator_loss, check_first_change,
                   check_generator_loss, check_listing_discriminator, check_listing_labels, check_listing_loop,
                   check_listing_show, check_predict_swap, check_seeds_needed, check_train_step, check_train_step_k)
from .nb04 import check_design, check_diagnosis, check_gradient_penalty, check_linear_critic_penalty, check_power_iteration_step, check_predict_hinge_lead, check_smoothed_optimal_d
from .nb05 import (check_copy_diagnosis, check_samples_needed, check_fd_by_hand, check_frechet_gaussian, check_nearest_distance,
                   check_parzen_log_density, check_predict_fid_samples, check_predict_truncation, check_slerp)
from .nb06 import (check_attack_auc, check_auc_by_hand, check_bias_classes, check_diagnose_augmenter, check_noise_for_budget,
                   check_precision_recall, check_predict_psi_zero, check_privatise)
from .nb07 import (check_ddpm_train_step, check_diagnose_flat_loss, check_fast_enough, check_predict_relativistic,
                   check_relativistic_loss, check_signal_half, check_student_cost)

__all__ = [
    "CheckResult", "check_function", "build_exercise", "yours_or_reference", "hint", "max_hint_level", "reset_hints",
    # notebook 00
    "check_scale_images", "check_tanh_reach", "check_background_share", "check_to_pixels",
    # notebook 01
    "check_sigmoid", "check_sigmoid_derivative", "check_bce_loss", "check_gradient_step", "check_two_layer_backward",
    "check_softplus_derivative", "check_mse_gradient", "check_constant_guess", "check_predict_centred_rate",
    "check_diagnose_curves",
    # notebook 02
    "check_kl_divergence", "check_js_divergence", "check_optimal_discriminator", "check_gan_d_loss", "check_gan_g_loss",
    "check_gan_g_loss_minimax", "check_gan_g_loss_non_saturating", "check_predict_gradient", "check_lsgan_losses",
    "check_lsgan_optimal_d", "check_gaussian_d_star_logit", "check_box_criterion", "check_dirac_distances",
    "check_predict_fast_generator",
    # notebook 03
    "check_discriminator_loss", "check_generator_loss", "check_train_step", "check_listing_discriminator",
    "check_listing_labels", "check_listing_loop", "check_listing_show", "check_dcgan_discriminator", "check_d_steps",
    "check_first_change", "check_predict_swap", "check_seeds_needed", "check_train_step_k",
    # notebook 04
    "check_gradient_penalty", "check_power_iteration_step", "check_diagnosis", "check_design",
    "check_predict_hinge_lead", "check_linear_critic_penalty", "check_smoothed_optimal_d",
    # notebook 05
    "check_frechet_gaussian", "check_nearest_distance", "check_parzen_log_density", "check_predict_fid_samples",
    "check_slerp", "check_fd_by_hand", "check_predict_truncation", "check_copy_diagnosis", "check_samples_needed",
    # notebook 06
    "check_precision_recall", "check_attack_auc", "check_privatise", "check_predict_psi_zero",
    "check_diagnose_augmenter", "check_auc_by_hand", "check_noise_for_budget", "check_bias_classes",
    # notebook 07
    "check_relativistic_loss", "check_ddpm_train_step", "check_student_cost", "check_predict_relativistic",
    "check_signal_half", "check_diagnose_flat_loss", "check_fast_enough",
]
