"""SpectralNorm: a Keras layer wrapper that divides a Dense or Conv2D kernel by its largest singular value.

Introduced in notebook 03 (the recipe's D) and explained in notebook 04 (Miyato et al. 2018,
"Spectral Normalization for Generative Adversarial Networks"). The kernel W is reshaped to a matrix
of shape (fan_in, units); one step of power iteration per training call refines a unit vector u
towards W's top right singular vector, and sigma = v W u^T estimates the largest singular value. The
layer then applies W / sigma, and the gradient flows through sigma as in the paper. Keras' own
``keras.layers.SpectralNormalization`` instead overwrites the kernel with W / sigma in place (no
gradient through sigma); ours keeps the raw kernel so the idea is visible and the layer saves and
restores like any other.
"""
from __future__ import annotations

import keras
from keras import layers, ops

from .answers import course_answer

SUPPORTED = ("Dense", "Conv2D")


def _normalise(x, eps: float = 1e-12):
    return x / (ops.sqrt(ops.sum(ops.square(x))) + eps)


class SpectralNorm(layers.Wrapper):
    """Wrap a Dense or Conv2D layer so it uses kernel / sigma_max(kernel). Introduced in notebook 03; used in 04."""

    def __init__(self, layer: layers.Layer, power_iterations: int = 1, **kwargs):
        if type(layer).__name__ not in SUPPORTED:
            raise ValueError(f"SpectralNorm wraps one of {SUPPORTED}, got {type(layer).__name__}")
        if isinstance(power_iterations, bool) or not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(f"power_iterations must be an integer >= 1, got {power_iterations!r}")
        super().__init__(layer, **kwargs)
        self.power_iterations = power_iterations

    def build(self, input_shape) -> None:
        """Build the wrapped layer, then the power-iteration vector u (not trained, but saved)."""
        if not self.layer.built:
            self.layer.build(input_shape)
        units = self.layer.kernel.shape[-1]
        self.u = self.add_weight(shape=(1, units), initializer=keras.initializers.RandomNormal(),
                                 trainable=False, name="u")
        self.built = True

    def sigma(self, training: bool = False):
        """Return the power-iteration estimate of the kernel's largest singular value (updating u when training)."""
        w = ops.reshape(self.layer.kernel, (-1, self.layer.kernel.shape[-1]))
        u = self.u.value
        for _ in range(self.power_iterations):
            v = _normalise(ops.matmul(u, ops.transpose(w)))
            u = _normalise(ops.matmul(v, w))
        u, v = ops.stop_gradient(u), ops.stop_gradient(v)
        if training:
            self.u.assign(u)
        return ops.reshape(ops.matmul(ops.matmul(v, w), ops.transpose(u)), ())

    def normalized_kernel(self, training: bool = False):
        """Return kernel / sigma, the kernel this layer actually applies."""
        return self.layer.kernel / self.sigma(training)

    def call(self, inputs, training=False):
        layer, kernel = self.layer, self.normalized_kernel(bool(training))
        if isinstance(layer, layers.Conv2D):
            out = ops.conv(inputs, kernel, strides=layer.strides, padding=layer.padding,
                           data_format=layer.data_format, dilation_rate=layer.dilation_rate)
        else:
            out = ops.matmul(inputs, kernel)
        if layer.use_bias:
            out = out + layer.bias
        return layer.activation(out) if layer.activation is not None else out

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}


@course_answer("power_iteration_step")
def power_iteration_step(w, r):
    """One step of power iteration on a matrix W: return (the refined unit vector r, the estimate ||W r|| of sigma_max).

    Introduced in notebook 04 (the course's answer to its build exercise). r has one entry per column of W;
    the new r is W^T W r scaled to length 1, and ||W r|| of that new r estimates W's largest singular value.
    SpectralNorm runs the same iteration on its kernel, keeping its vector between training calls.
    """
    import numpy as np

    w = np.asarray(w, dtype=np.float64)
    r = w.T @ (w @ np.asarray(r, dtype=np.float64))
    r = r / np.linalg.norm(r)
    return r, float(np.linalg.norm(w @ r))


def largest_singular_value(kernel) -> float:
    """Return the exact largest singular value of a kernel reshaped to (fan_in, units), by SVD.

    Introduced in notebook 04.
    """
    import numpy as np

    matrix = np.asarray(kernel, dtype=np.float64).reshape(-1, np.shape(kernel)[-1])
    return float(np.linalg.svd(matrix, compute_uv=False)[0])


class MinibatchStdDev(layers.Layer):
    """Append one channel holding the batch's mean feature standard deviation. Introduced in notebook 04.

    A simplified minibatch discrimination (Salimans et al. 2016, in the form of Karras et al.
    2018): a collapsed generator makes batches with almost no spread, and this channel lets the
    discriminator see that, so collapse stops paying off.
    """

    def call(self, inputs):
        std = ops.sqrt(ops.var(inputs, axis=0) + 1e-8)
        shape = ops.shape(inputs)
        return ops.concatenate([inputs, ops.ones((shape[0], shape[1], shape[2], 1)) * ops.mean(std)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + 1)
