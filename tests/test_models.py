"""Shapes, parameter counts, configs and argument checks of the GAN builders."""
from __future__ import annotations

import numpy as np
import pytest

from gan_utils import models as M

TINY = {"mlp": {"hidden": 16}, "dcgan": {"g_filters": 8, "d_filters": 4}, "cdcgan": {"g_filters": 8, "d_filters": 4}}


def _inputs(model: str, n: int = 3, latent_dim: int = 100):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((n, latent_dim)).astype(np.float32)
    labels = np.arange(n, dtype=np.int32)
    return (z, labels) if model == "cdcgan" else (z, None)


@pytest.mark.parametrize("model", M.MODELS)
def test_every_model_maps_noise_to_images_and_images_to_one_logit(model):
    generator, discriminator = M.build_gan(model, **TINY[model])
    z, labels = _inputs(model)
    images = (generator([z, labels]) if labels is not None else generator(z)).numpy()
    assert images.shape == (3, 28, 28, 1)
    assert images.min() >= -1.0 and images.max() <= 1.0
    logits = discriminator([images, labels]) if labels is not None else discriminator(images)
    assert tuple(logits.shape) == (3, 1)
    assert M.is_conditional(generator) == (model == "cdcgan")


def test_mlp_matches_the_seed_article_sizes():
    generator, discriminator = M.build_gan("mlp")
    assert generator.count_params() == (100 * 256 + 256) + (256 * 784 + 784)
    assert discriminator.count_params() == (784 * 256 + 256) + (256 + 1)


def test_dcgan_layout_and_flexible_sizes():
    generator = M.dcgan_generator(latent_dim=10, base_filters=16, kernel_size=3, extra_layers=1,
                                  activation="leaky_relu")
    discriminator = M.dcgan_discriminator(base_filters=8, kernel_size=5, extra_layers=1, dropout=0.3)
    assert generator.output_shape == (None, 28, 28, 1)
    assert generator.layers[-1].activation.__name__ == "tanh"
    convs = [layer for layer in discriminator.layers if layer.__class__.__name__ == "Conv2D"]
    assert [c.filters for c in convs] == [8, 16, 16]
    assert [c.strides for c in convs] == [(2, 2), (2, 2), (1, 1)]
    assert discriminator.output_shape == (None, 1)
    assert any(layer.__class__.__name__ == "Dropout" for layer in discriminator.layers)


def test_projection_discriminator_depends_on_the_label():
    generator, discriminator = M.build_gan("cdcgan", num_classes=3, **TINY["cdcgan"])
    x = np.random.default_rng(1).uniform(-1, 1, (2, 28, 28, 1)).astype(np.float32)
    a = discriminator([x, np.array([0, 0], np.int32)]).numpy()
    b = discriminator([x, np.array([2, 2], np.int32)]).numpy()
    assert not np.allclose(a, b)


def test_config_records_every_size_and_rebuilds_the_same_shapes():
    config = M.model_config("dcgan", latent_dim=32, g_filters=16)
    assert config["model"] == "dcgan" and config["latent_dim"] == 32 and config["g_filters"] == 16
    assert config["d_filters"] == 32 and config["image_shape"] == [28, 28, 1]
    generator, discriminator = M.build_gan(**config)
    again = M.build_gan(**config)
    assert [w.shape for w in generator.weights] == [w.shape for w in again[0].weights]
    assert generator.input_shape == (None, 32)


@pytest.mark.parametrize("call, match", [
    (lambda: M.build_gan("resnet"), r"mlp.*dcgan.*cdcgan.*'resnet'"),
    (lambda: M.build_gan("mlp", g_filters=8), r"g_filters.*allowed.*hidden"),
    (lambda: M.build_gan("dcgan", latent_dim=0), r"latent_dim.*>= 1.*0"),
    (lambda: M.build_gan("dcgan", dropout=1.5), r"dropout.*\[0, 1\).*1.5"),
    (lambda: M.build_gan("dcgan", g_filters=2.5), r"g_filters.*2.5"),
    (lambda: M.build_gan("dcgan", g_activation="tanh"), r"g_activation.*relu.*'tanh'"),
    (lambda: M.build_gan("cdcgan", num_classes=1), r"num_classes.*>= 2"),
    (lambda: M.build_gan("dcgan", image_shape=(30, 30, 1)), r"divisible by 4"),
    (lambda: M.mlp_generator(hidden=-3), r"hidden.*-3"),
])
def test_bad_arguments_raise_value_error_naming_the_value(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_every_builder_says_which_notebook_introduces_it():
    for name in ("mlp_generator", "mlp_discriminator", "dcgan_generator", "dcgan_discriminator",
                 "conditional_generator", "conditional_discriminator", "build_gan", "model_config"):
        assert "Introduced in notebook 0" in getattr(M, name).__doc__


def test_layer_table_lists_shapes_and_parameters_of_the_recipe_models():
    generator, discriminator = M.build_gan("dcgan", g_filters=128, spectral_norm=True, d_dense=256)
    g, d = M.layer_table(generator), M.layer_table(discriminator)
    shapes = [s for s in g["output shape"] if s]
    assert "7 x 7 x 128" in shapes and "14 x 14 x 64" in shapes and shapes[-1] == "28 x 28 x 1"
    assert g.loc["total", "trainable"] == sum(int(np.prod(w.shape)) for w in generator.trainable_weights)
    assert g.loc["total", "trainable"] + g.loc["total", "non-trainable"] == generator.count_params()
    assert d.loc["total", "trainable"] + d.loc["total", "non-trainable"] == discriminator.count_params()
    assert any(t == "SpectralNorm(Dense)" for t in d["type"]) and "256" in list(d["output shape"])
    with pytest.raises(ValueError, match="built Keras model"):
        M.layer_table("generator")
