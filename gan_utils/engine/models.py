"""Generator and discriminator builders: the seed's MLP GAN, a compact DCGAN and a conditional DCGAN.

Every discriminator returns one logit per image; D(x) = sigmoid(logit) is "probability real".
Every generator ends in ``tanh``, so its images live in [-1, 1] like the scaled data.
``build_gan(model, latent_dim, **sizes)`` builds a pair by name, and ``model_config`` gives the
plain dict a checkpoint records so the same pair can be rebuilt (``build_gan(**config)``).
"""
from __future__ import annotations

import keras
import numpy as np
from keras import layers

from .answers import course_answer
from .layers import MinibatchStdDev, SpectralNorm
from .names import MODEL_NAMES
from .validate import check_int, check_switch

MODELS = MODEL_NAMES
IMAGE_SHAPE = (28, 28, 1)

# Size arguments each named model accepts, with their defaults (the keys of model_config).
SIZES = {
    "mlp": {"hidden": 256},
    "dcgan": {
        "g_filters": 64, "d_filters": 32, "kernel_size": 4, "g_extra_layers": 0,
        "d_extra_layers": 0, "dropout": 0.0, "g_activation": "relu", "spectral_norm": False,
        "minibatch_std": False, "d_dense": 0,
    },
    "cdcgan": {
        "g_filters": 64, "d_filters": 32, "kernel_size": 4, "g_extra_layers": 0,
        "d_extra_layers": 0, "dropout": 0.0, "g_activation": "relu", "num_classes": 10,
        "embed_dim": 50, "spectral_norm": False, "minibatch_std": False, "d_dense": 0,
    },
}
_ACTIVATIONS = ("relu", "leaky_relu")
_SWITCHES = ("spectral_norm", "minibatch_std")


def _check_image_shape(image_shape, divisible_by: int = 1) -> tuple[int, int, int]:
    shape = tuple(image_shape) if isinstance(image_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3 or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(f"image_shape must be (height, width, channels) of positive ints, got {image_shape!r}")
    if shape[0] % divisible_by or shape[1] % divisible_by:
        raise ValueError(
            f"image_shape {shape} must have height and width divisible by {divisible_by} "
            f"for this model, e.g. (28, 28, 1)"
        )
    return shape


def _check_dropout(dropout) -> float:
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
    return float(dropout)


def _check_activation(activation) -> str:
    if activation not in _ACTIVATIONS:
        raise ValueError(f"g_activation must be one of {_ACTIVATIONS}, got {activation!r}")
    return activation


def _activation(name: str) -> layers.Layer:
    return layers.ReLU() if name == "relu" else layers.LeakyReLU(negative_slope=0.2)


def mlp_generator(latent_dim: int = 100, hidden: int = 256, image_shape: tuple = IMAGE_SHAPE) -> keras.Model:
    """The seed article's MLP generator z -> 256 -> 784 -> image, LeakyReLU(0.2), tanh. Introduced in notebook 03."""
    latent_dim = check_int("latent_dim", latent_dim)
    hidden = check_int("hidden", hidden)
    image_shape = _check_image_shape(image_shape)
    size = image_shape[0] * image_shape[1] * image_shape[2]
    return keras.Sequential(
        [
            keras.Input((latent_dim,), name="z"),
            layers.Dense(hidden),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(size, activation="tanh"),
            layers.Reshape(image_shape),
        ],
        name="mlp_generator",
    )


@course_answer("listing_discriminator")
def mlp_discriminator(hidden: int = 256, image_shape: tuple = IMAGE_SHAPE) -> keras.Model:
    """The seed article's MLP discriminator image -> 784 -> 256 -> one logit, LeakyReLU(0.2). Introduced in notebook 03."""
    hidden = check_int("hidden", hidden)
    image_shape = _check_image_shape(image_shape)
    return keras.Sequential(
        [
            keras.Input(image_shape, name="x"),
            layers.Flatten(),
            layers.Dense(hidden),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(1),
        ],
        name="mlp_discriminator",
    )


def _dcgan_generator_body(h, base_filters: int, kernel_size: int, extra_layers: int,
                          activation: str, image_shape: tuple):
    """Dense 7x7xbase -> stride-2 transposed convolutions -> tanh image, from features h (size arguments checked here)."""
    base_filters = check_int("g_filters", base_filters)
    kernel_size = check_int("kernel_size", kernel_size)
    extra_layers = check_int("g_extra_layers", extra_layers, low=0)
    activation = _check_activation(activation)
    image_shape = _check_image_shape(image_shape, divisible_by=4)
    rows, cols, channels = image_shape[0] // 4, image_shape[1] // 4, image_shape[2]
    h = layers.Dense(rows * cols * base_filters, use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    h = _activation(activation)(h)
    h = layers.Reshape((rows, cols, base_filters))(h)
    width = max(base_filters // 2, 1)
    h = layers.Conv2DTranspose(width, kernel_size, strides=2, padding="same", use_bias=False)(h)
    h = layers.BatchNormalization()(h)
    h = _activation(activation)(h)
    for _ in range(extra_layers):
        h = layers.Conv2D(width, kernel_size, padding="same", use_bias=False)(h)
        h = layers.BatchNormalization()(h)
        h = _activation(activation)(h)
    return layers.Conv2DTranspose(channels, kernel_size, strides=2, padding="same", activation="tanh")(h)


def _maybe_sn(layer: layers.Layer, spectral_norm: bool) -> layers.Layer:
    return SpectralNorm(layer) if spectral_norm else layer


def _dcgan_discriminator_trunk(x, base_filters: int, kernel_size: int, extra_layers: int, dropout: float,
                               spectral_norm: bool = False, minibatch_std: bool = False, dense: int = 0):
    h = x
    for filters in (base_filters, 2 * base_filters):
        h = _maybe_sn(layers.Conv2D(filters, kernel_size, strides=2, padding="same"), spectral_norm)(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
        if dropout:
            h = layers.Dropout(dropout)(h)
    if minibatch_std:
        h = MinibatchStdDev()(h)
    for _ in range(extra_layers):
        h = _maybe_sn(layers.Conv2D(2 * base_filters, kernel_size, padding="same"), spectral_norm)(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
    h = layers.Flatten()(h)
    if dense:
        h = _maybe_sn(layers.Dense(dense), spectral_norm)(h)
        h = layers.LeakyReLU(negative_slope=0.2)(h)
    return h


def dcgan_generator(latent_dim: int = 100, base_filters: int = 64, kernel_size: int = 4,
                    extra_layers: int = 0, activation: str = "relu",
                    image_shape: tuple = IMAGE_SHAPE) -> keras.Model:
    """Compact DCGAN generator: Dense 7x7xbase -> two stride-2 transposed convs, BatchNorm, tanh. Introduced in notebook 03."""
    latent_dim = check_int("latent_dim", latent_dim)
    z = keras.Input((latent_dim,), name="z")
    out = _dcgan_generator_body(z, base_filters, kernel_size, extra_layers, activation, image_shape)
    return keras.Model(z, out, name="dcgan_generator")


def _checked_trunk(base_filters, kernel_size, extra_layers, dropout, image_shape, spectral_norm, minibatch_std,
                   dense) -> tuple:
    """Check a DCGAN discriminator's size arguments; return (input x, trunk features h, spectral_norm)."""
    base_filters = check_int("d_filters", base_filters)
    kernel_size = check_int("kernel_size", kernel_size)
    extra_layers = check_int("d_extra_layers", extra_layers, low=0)
    dropout = _check_dropout(dropout)
    image_shape = _check_image_shape(image_shape, divisible_by=4)
    spectral_norm = check_switch("spectral_norm", spectral_norm)
    minibatch_std = check_switch("minibatch_std", minibatch_std)
    dense = check_int("d_dense", dense, low=0)
    x = keras.Input(image_shape, name="x")
    h = _dcgan_discriminator_trunk(x, base_filters, kernel_size, extra_layers, dropout, spectral_norm, minibatch_std,
                                   dense)
    return x, h, spectral_norm


@course_answer("dcgan_discriminator")
def dcgan_discriminator(base_filters: int = 32, kernel_size: int = 4, extra_layers: int = 0,
                        dropout: float = 0.0, image_shape: tuple = IMAGE_SHAPE, spectral_norm: bool = False,
                        minibatch_std: bool = False, dense: int = 0) -> keras.Model:
    """Compact DCGAN discriminator: Conv(base, s2) -> Conv(2*base, s2), LeakyReLU(0.2), one logit. Introduced in notebook 03.

    ``spectral_norm`` wraps every Conv2D and Dense in gu.layers.SpectralNorm and ``minibatch_std``
    adds a minibatch standard-deviation channel (both explained in notebook 04); ``dense`` > 0 adds a dense
    hidden layer of that width before the logit (TF-GAN's MNIST discriminator has one of 1024).
    """
    x, h, spectral_norm = _checked_trunk(base_filters, kernel_size, extra_layers, dropout, image_shape,
                                         spectral_norm, minibatch_std, dense)
    logit = _maybe_sn(layers.Dense(1, name="logit"), spectral_norm)(h)
    return keras.Model(x, logit, name="dcgan_discriminator")


def conditional_generator(latent_dim: int = 100, num_classes: int = 10, base_filters: int = 64,
                          kernel_size: int = 4, embed_dim: int = 50, extra_layers: int = 0,
                          activation: str = "relu", image_shape: tuple = IMAGE_SHAPE) -> keras.Model:
    """Conditional DCGAN generator: [z, label] -> image, the label embedded and joined to z. Introduced in notebook 03; used in 05."""
    latent_dim = check_int("latent_dim", latent_dim)
    num_classes = check_int("num_classes", num_classes, low=2)
    embed_dim = check_int("embed_dim", embed_dim)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    h = layers.Concatenate()([z, layers.Embedding(num_classes, embed_dim)(label)])
    out = _dcgan_generator_body(h, base_filters, kernel_size, extra_layers, activation, image_shape)
    return keras.Model([z, label], out, name="conditional_generator")


def conditional_discriminator(num_classes: int = 10, base_filters: int = 32, kernel_size: int = 4,
                              extra_layers: int = 0, dropout: float = 0.0,
                              image_shape: tuple = IMAGE_SHAPE, spectral_norm: bool = False,
                              minibatch_std: bool = False, dense: int = 0) -> keras.Model:
    """Projection discriminator: logit = w.h(x) + embed(label).h(x) on the DCGAN trunk h. Introduced in notebook 03; used in 05."""
    num_classes = check_int("num_classes", num_classes, low=2)
    x, h, spectral_norm = _checked_trunk(base_filters, kernel_size, extra_layers, dropout, image_shape,
                                         spectral_norm, minibatch_std, dense)
    label = keras.Input((), dtype="int32", name="label")
    projection = layers.Dot(axes=1)([h, layers.Embedding(num_classes, h.shape[-1])(label)])
    logit = layers.Add(name="logit")([_maybe_sn(layers.Dense(1), spectral_norm)(h), projection])
    return keras.Model([x, label], logit, name="conditional_discriminator")


def with_default_sizes(config: dict) -> dict:
    """Return a model config with the size arguments added since it was written filled in (e.g. spectral_norm=False).

    Introduced in notebook 03.
    """
    return {**SIZES.get(config.get("model"), {}), **config}


def model_config(model: str, latent_dim: int = 100, image_shape: tuple = IMAGE_SHAPE, **sizes) -> dict:
    """Return the plain dict that rebuilds a named GAN: {"model", "latent_dim", "image_shape", sizes...}. Introduced in notebook 03."""
    if model not in MODELS:
        raise ValueError(f"model must be one of {MODELS}, got {model!r}")
    allowed = SIZES[model]
    unknown = sorted(set(sizes) - set(allowed))
    if unknown:
        raise ValueError(f"unknown size argument(s) {unknown} for model {model!r}; allowed: {sorted(allowed)}")
    latent_dim = check_int("latent_dim", latent_dim)
    image_shape = _check_image_shape(image_shape, divisible_by=1 if model == "mlp" else 4)
    config = {"model": model, "latent_dim": latent_dim, "image_shape": list(image_shape)}
    config.update(allowed)
    config.update(sizes)
    if "dropout" in config:
        config["dropout"] = _check_dropout(config["dropout"])
    if "g_activation" in config:
        _check_activation(config["g_activation"])
    for key in _SWITCHES:
        if key in config:
            config[key] = check_switch(key, config[key])
    for key, value in config.items():
        if key not in ("model", "image_shape", "dropout", "g_activation", *_SWITCHES):
            config[key] = check_int(key, value, low=0 if key.endswith("extra_layers") or key == "d_dense" else 1)
    if model == "cdcgan" and config["num_classes"] < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {config['num_classes']!r}")
    return config


def build_gan(model: str, latent_dim: int = 100, image_shape: tuple = IMAGE_SHAPE,
              **sizes) -> tuple[keras.Model, keras.Model]:
    """Build (generator, discriminator) for a name in MODELS; build_gan(**model_config(...)) rebuilds one. Introduced in notebook 03."""
    c = model_config(model, latent_dim, image_shape, **sizes)
    shape = tuple(c["image_shape"])
    if model == "mlp":
        return (mlp_generator(c["latent_dim"], c["hidden"], shape), mlp_discriminator(c["hidden"], shape))
    common_g = dict(kernel_size=c["kernel_size"], extra_layers=c["g_extra_layers"],
                    activation=c["g_activation"], image_shape=shape)
    common_d = dict(kernel_size=c["kernel_size"], extra_layers=c["d_extra_layers"],
                    dropout=c["dropout"], image_shape=shape, spectral_norm=c["spectral_norm"],
                    minibatch_std=c["minibatch_std"], dense=c["d_dense"])
    if model == "dcgan":
        return (dcgan_generator(c["latent_dim"], c["g_filters"], **common_g),
                dcgan_discriminator(c["d_filters"], **common_d))
    return (
        conditional_generator(c["latent_dim"], c["num_classes"], c["g_filters"],
                              embed_dim=c["embed_dim"], **common_g),
        conditional_discriminator(c["num_classes"], c["d_filters"], **common_d),
    )


def is_conditional(generator: keras.Model) -> bool:
    """Return True when a generator takes [z, label] rather than z alone. Introduced in notebook 03; used in 05."""
    return len(generator.inputs) == 2


def layer_table(model: keras.Model):
    """A pandas table of a built Keras model: one row per layer with its type, output shape and parameter counts. Introduced in notebook 03.

    "output shape" leaves out the batch axis; a wrapper such as SpectralNorm is shown with the layer it
    wraps; "trainable" counts the weights gradient descent changes, "non-trainable" the rest
    (BatchNorm's running statistics, SpectralNorm's power-iteration vector). The last row sums them.
    """
    import pandas as pd

    if not isinstance(model, keras.Model) or not model.built:
        raise ValueError(f"model must be a built Keras model, got {type(model).__name__}")
    rows = []
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            continue
        kind = type(layer).__name__
        inner = getattr(layer, "layer", None)
        if inner is not None:
            kind = f"{kind}({type(inner).__name__})"
        shape = tuple(layer.output.shape[1:])
        trainable = int(sum(np.prod(w.shape) for w in layer.trainable_weights))
        rows.append({"layer": layer.name, "type": kind, "output shape": " x ".join(str(n) for n in shape),
                     "trainable": trainable, "non-trainable": int(layer.count_params()) - trainable})
    table = pd.DataFrame(rows, columns=["layer", "type", "output shape", "trainable", "non-trainable"])
    total = {"layer": "total", "type": "", "output shape": "", "trainable": int(table["trainable"].sum()),
             "non-trainable": int(table["non-trainable"].sum())}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True).set_index("layer")
