"""The numerical runtime: seeding every random generator, importing TensorFlow without its log lines.

Introduced in notebook 00 (``set_seed``); the rest is plumbing the trainers use.
"""
from __future__ import annotations

import contextlib
import os
import random
import sys

import numpy as np


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and (if already imported or importable) TensorFlow/Keras, for repeatable runs.

    Introduced in notebook 01.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed))
    try:
        import keras
    except ImportError:  # pragma: no cover - TensorFlow is a pinned requirement
        return
    keras.utils.set_random_seed(int(seed))


def import_tensorflow_quietly():
    """Import TensorFlow with its start-up log lines (written straight to stderr by C++) silenced.

    Introduced in notebook 00.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    return tensorflow


@contextlib.contextmanager
def quiet_retracing():
    """Silence TensorFlow's Python warnings (the retracing one) for a block that retraces on purpose.

    Introduced in notebook 02.
    """
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)
