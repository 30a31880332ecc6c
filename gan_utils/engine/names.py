"""The names a user can pick: models, losses, data sets and data sources, in one TensorFlow-free place.

``models.MODELS``, ``losses.LOSSES``, ``data`` and the command line all read these tuples (a
test ties each registry to its tuple), so a new model or loss is named here first.
"""
from __future__ import annotations

MODEL_NAMES = ("mlp", "dcgan", "cdcgan")
# models that are not GANs, which the command line trains too (gu.diffusion.DiffusionModel)
DIFFUSION_NAMES = ("ddpm",)
LOSS_NAMES = ("minimax", "non_saturating", "wgan_gp", "hinge", "relativistic")
DATA_NAMES = ("mnist", "fashion")
MNIST_SOURCES = ("auto", "file", "keras", "embedded")
FASHION_SOURCES = ("auto", "keras", "debian")
