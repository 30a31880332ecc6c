"""One training step on one device or split over several (a ``tf.distribute`` strategy), with the same numbers.

GANTrainer draws one seed per update from its ``tf.random.Generator`` and every random tensor of
that update (batch indices, noise, augmentation, WGAN-GP's interpolation weights) from it with
stateless ops, always at the size of the *global* batch; a replica keeps its own rows. So a step
split over N replicas sees exactly the numbers one device sees, and the split changes nothing but
where the arithmetic happens. Losses are averaged over the global batch
(``tf.nn.compute_average_loss``, as TensorFlow's custom-training guide prescribes), so the
gradients the optimiser sums over replicas are those of the global batch.

    strategy = tf.distribute.MirroredStrategy()          # every GPU on this machine
    trainer = gu.GANTrainer("dcgan", images, strategy=strategy, batch_size=256)
"""
from __future__ import annotations

import os

import tensorflow as tf


class ReplicaRandom:
    """Stateless random draws for one update: whole-global-batch tensors from one seed, this replica's rows kept.

    Introduced in notebook 03.

    Offers the two methods of ``tf.random.Generator`` that the trainer and gu.augment call
    (``uniform`` and ``normal``), where ``shape[0]`` is the replica's batch.
    """

    def __init__(self, seed, global_batch: int, offset=0):
        self._seed, self._global_batch, self._offset, self._count = seed, int(global_batch), offset, 0

    def _next_seed(self):
        self._count += 1
        return tf.random.experimental.stateless_fold_in(self._seed, self._count)

    def _rows(self, full, shape):
        return full[self._offset:self._offset + shape[0]]

    def uniform(self, shape, minval=0, maxval=None, dtype=tf.float32):
        """Uniform numbers in [minval, maxval) of `shape` (float default [0, 1)), this replica's rows."""
        shape = list(shape)
        if maxval is None:
            maxval = 1 if dtype.is_floating else None
        full = tf.random.stateless_uniform([self._global_batch] + shape[1:], self._next_seed(),
                                           minval=minval, maxval=maxval, dtype=dtype)
        return self._rows(full, shape)

    def normal(self, shape, dtype=tf.float32):
        """Standard normal numbers of `shape`, this replica's rows."""
        shape = list(shape)
        full = tf.random.stateless_normal([self._global_batch] + shape[1:], self._next_seed(), dtype=dtype)
        return self._rows(full, shape)


def check_strategy(strategy, batch_size: int):
    """Return `strategy` (None or a tf.distribute.Strategy) if the global batch splits evenly over its replicas.

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    if strategy is None:
        return None
    if not isinstance(strategy, tf.distribute.Strategy):
        raise ValueError(f"strategy must be None or a tf.distribute.Strategy (e.g. tf.distribute.MirroredStrategy()), "
                         f"got {strategy!r}")
    replicas = strategy.num_replicas_in_sync
    if batch_size % replicas:
        raise ValueError(f"batch_size={batch_size} must split evenly over the strategy's {replicas} replicas; "
                         f"use a multiple of {replicas}")
    return strategy


def replica_slice(strategy, batch_size: int):
    """Return (offset, rows) of this replica's part of the global batch (call inside strategy.run).

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    if strategy is None:
        return 0, batch_size
    rows = batch_size // strategy.num_replicas_in_sync
    replica = tf.distribute.get_replica_context().replica_id_in_sync_group
    return tf.cast(replica, tf.int32) * rows, rows


def run(strategy, fn, seed, batch_size: int):
    """Run fn(random, rows) on every replica (or once) and sum the replicas' returned statistics.

    Introduced in notebook 03.
    """
    if strategy is None:
        return fn(ReplicaRandom(seed, batch_size), batch_size)

    def on_replica(replica_seed):
        offset, rows = replica_slice(strategy, batch_size)
        return fn(ReplicaRandom(replica_seed, batch_size, offset), rows)

    per_replica = strategy.run(on_replica, args=(seed,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)


def strategy_for(devices: int):
    """Return None for one device, else a MirroredStrategy over `devices` GPUs (or, with no GPU, logical CPUs).

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    if isinstance(devices, bool) or not isinstance(devices, int) or devices < 1:
        raise ValueError(f"devices must be an integer >= 1, got {devices!r}")
    if devices == 1:
        return None
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) >= devices:
        return tf.distribute.MirroredStrategy([d.name for d in gpus[:devices]])
    cpus = tf.config.list_logical_devices("CPU")
    if len(cpus) >= devices and not gpus:
        return tf.distribute.MirroredStrategy([d.name for d in cpus[:devices]])
    found = f"{len(gpus)} GPU(s)" if gpus else f"{len(cpus)} CPU device(s)"
    raise ValueError(f"devices={devices} but TensorFlow sees {found}; use --devices {max(1, len(gpus))}, or split "
                     f"the CPU with split_cpu({devices}) before TensorFlow starts (for testing only: it is not faster)")


def split_cpu(devices: int) -> None:
    """Make TensorFlow show `devices` logical CPUs (call before any tensor is created); for testing a strategy without GPUs.

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    cpus = tf.config.list_physical_devices("CPU")
    tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * devices)


def device_summary() -> str:
    """One line naming the accelerators TensorFlow sees (for --devices messages and the README).

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    gpus = tf.config.list_logical_devices("GPU")
    return f"{len(gpus)} GPU(s)" if gpus else f"no GPU, {os.cpu_count()} CPU cores"


def check_built_in_scope(strategy, *models) -> None:
    """Raise ValueError if a model's weights were not created inside strategy.scope().

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    for model in models:
        outside = [v.path for v in model.variables if not strategy.extended.variable_created_in_scope(v.value)]
        if outside:
            raise ValueError(f"model {model.name!r} was built outside strategy.scope() (e.g. {outside[0]}); build the "
                             f"(generator, discriminator) pair inside `with strategy.scope():` or pass a model name")


def synchronise_batch_norm(*models) -> None:
    """Make every BatchNormalization layer use the global batch's statistics, so a split batch normalises as one.

    Not used in a notebook: multi-device training (GANTrainer's strategy=, the command line's --devices).
    """
    import keras

    for model in models:
        for layer in model._flatten_layers(include_self=False):
            if isinstance(layer, keras.layers.BatchNormalization):
                layer.synchronized = True
