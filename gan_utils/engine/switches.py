"""The course's switches, read from the environment: fast mode, offline, classroom mode, dashboard snapshots.

Introduced in notebook 00. GAN_UTILS_FAST=1 (tests) shrinks every workload; GAN_UTILS_CLASSROOM=1
(teachers) swaps long training for shipped results; GAN_UTILS_OFFLINE=1 never downloads;
GAN_UTILS_SNAPSHOTS=1 makes a displayed dashboard carry a PNG picture of itself.
"""
from __future__ import annotations

import os

def env_flag(name: str) -> bool:
    """Return True when the environment variable `name` is 1, true, yes or on (any case).

    Not used in a notebook: the GAN_UTILS_* switches below are read with it.
    """
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def is_fast() -> bool:
    """Return True when GAN_UTILS_FAST is set (tests and CI shrink every workload). Introduced in notebook 00."""
    return env_flag("GAN_UTILS_FAST")


def is_offline() -> bool:
    """Return True when GAN_UTILS_OFFLINE is set: no download is ever attempted.

    Not used in a notebook: load_mnist and the downloads read it.
    """
    return env_flag("GAN_UTILS_OFFLINE")


def fast(full, fast_value):
    """Return `fast_value` under GAN_UTILS_FAST=1, else `full` (the one workload knob). Introduced in notebook 01."""
    return fast_value if is_fast() else full


CLASSROOM_ENV = "GAN_UTILS_CLASSROOM"
CLASSROOM_PREFIX = "Classroom mode:"
_ON, _OFF = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def is_classroom() -> bool:
    """Return True when GAN_UTILS_CLASSROOM is on: notebooks load shipped results instead of their long training.

    Introduced in notebook 00.
    """
    value = os.environ.get(CLASSROOM_ENV, "").strip().lower()
    if value not in _ON | _OFF:
        raise ValueError(f"{CLASSROOM_ENV}={os.environ[CLASSROOM_ENV]!r} is neither on (1, true, yes, on) "
                         f"nor off (0, false, no, off, empty)")
    return value in _ON


def classroom(on: bool | None = None) -> bool:
    """Switch classroom mode on (True) or off (False) for this kernel and what it starts; return whether it is on.

    Introduced in notebook 00.
    """
    if on is not None:
        if not isinstance(on, bool):
            raise ValueError(f"gu.classroom takes True, False or nothing, got {on!r}")
        os.environ[CLASSROOM_ENV] = "1" if on else "0"
    return is_classroom()


def classroom_note(done: str, skipped: str, rerun: str = "run it for real") -> str:
    """Print and return a classroom-mode cell's one line: what it did instead of what, and how to run it for real.

    Introduced in notebook 03.
    """
    line = f"{CLASSROOM_PREFIX} {done} instead of {skipped}; gu.classroom(False) and rerun this cell to {rerun}."
    print(line)
    return line


def classroom_replaces(done: str, skipped: str, rerun: str = "run it for real") -> bool:
    """In classroom mode print the cell's note (gu.classroom_note) and return True; otherwise return False and print nothing.

    Introduced in notebook 03.
    """
    if not is_classroom():
        return False
    classroom_note(done, skipped, rerun)
    return True


SNAPSHOT_ENV = "GAN_UTILS_SNAPSHOTS"


def snapshots_on() -> bool:
    """True when GAN_UTILS_SNAPSHOTS is set: displayed dashboards then carry a PNG picture of themselves.

    Not used in a notebook: tools/notebooks.py execute sets it; the dashboards and the trainer's progress bar read it.
    """
    return env_flag(SNAPSHOT_ENV)
