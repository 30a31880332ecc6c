"""Argument checks shared by every module: a bad value raises ValueError naming it and what is allowed.

Not taught in a notebook: this is the course's plumbing. One validator per kind of argument, so
every function words its refusals the same way.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np


def is_number(value) -> bool:
    """Return True for an int or float (NumPy's too), never for a bool.

    Not used in a notebook: one of the argument checks the trainers, models, toy GAN and studies share.
    """
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def check_number(name: str, value, low: float, high: float = math.inf, low_open: bool = False) -> float:
    """Return value as a float if it lies in [low, high) ((low, high) with low_open); else ValueError naming it.

    Not used in a notebook: one of the argument checks the trainers, models, toy GAN and studies share.
    """
    inside = is_number(value) and math.isfinite(value) and value < high and (
        value > low if low_open else value >= low)
    if not inside:
        raise ValueError(f"{name} must be a number in {'(' if low_open else '['}{low}, {high}), got {value!r}")
    return float(value)


def check_positive(name: str, value) -> float:
    """Return value as a float if it is a finite number > 0; else ValueError naming it.

    Not used in a notebook: one of the argument checks the trainers, models, toy GAN and studies share.
    """
    if not is_number(value) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_int(name: str, value, low: int = 1, high: float = math.inf) -> int:
    """Return value as an int if it is an integer (not a bool) in [low, high]; else ValueError naming it.

    Not used in a notebook: one of the argument checks the trainers, models, toy GAN and studies share.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        allowed = f">= {low}" if high == math.inf else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {value!r}")
    return int(value)


def check_switch(name: str, value) -> bool:
    """Return value as a bool if it is True or False (NumPy's too); else ValueError naming it.

    Not used in a notebook: one of the argument checks the trainers, models, toy GAN and studies share.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def checked_property(name: str, check: Callable, doc: str, on_set: Callable | None = None) -> property:
    """A property kept in ``self._<name>``: set through ``check(name, value)``, then ``on_set(self, value)`` if given.

    Not used in a notebook: GANTrainer's and ToyGAN's settable properties (learning rates, k, the toy loss) are made
    with it.
    """
    attr = f"_{name}"

    def get(self):
        return getattr(self, attr)

    def set_(self, value) -> None:
        value = check(name, value)
        setattr(self, attr, value)
        if on_set is not None:
            on_set(self, value)

    return property(get, set_, doc=doc)
