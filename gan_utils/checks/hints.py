"""Graded help for every exercise, written by hand, as a ladder of four levels.

Level 1 is a question that points at the idea without stating it; level 2 a partial step (the
first line of a derivation, or what is wrong in this kind of answer); level 3 the maths; level 4
the code. The hints live beside their checks, in each notebook module's ``HINTS`` dict
(``nb00.HINTS``, ..., ``nb07.HINTS``): exercise -> (question, step, maths, code). This module
holds only the machinery, and gathers those dicts on first use.

A failing verdict shows level 1 only. ``gu.checks.hint("bce_loss")`` gives the next level at each
call (2, then 3, then 4, then 4 again), rendered as Markdown in a notebook; ``hint(name, level=n)``
asks for one level directly and ``reset_hints()`` starts every exercise from level 1 again.
An instructor caps the ladder for graded work with ``max_hint_level(2)`` or the environment
variable ``GAN_UTILS_MAX_HINT=2`` set before Jupyter starts.
"""
from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# The notebook modules whose HINTS this module gathers, in course order.
NOTEBOOKS = ("nb00", "nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07")

# How many levels a hint has, and their names (the Markdown heading of each).
LEVELS = 4
LEVEL_NAMES = ("a question", "a first step", "the maths", "the code")
MAX_HINT_ENV = "GAN_UTILS_MAX_HINT"

_gathered: dict[str, tuple[str, ...]] = {}

_levels: dict[str, int] = {}
_cap: list[int | None] = [None]


def all_hints() -> Mapping[str, tuple[str, ...]]:
    """Every exercise's (question, step, maths, code), read-only, gathered from the notebook modules' HINTS.

    Introduced in notebook 00.
    """
    if not _gathered:
        # Imported here, not at the top: the notebook modules import core, which imports this module.
        gathered: dict[str, tuple[str, ...]] = {}
        for notebook in NOTEBOOKS:
            hints = importlib.import_module(f"{__package__}.{notebook}").HINTS
            twice = sorted(set(hints) & set(gathered))
            if twice:
                raise RuntimeError(f"{notebook}.HINTS repeats exercises that another notebook has: {twice}")
            gathered.update(hints)
        _gathered.update(gathered)
    return MappingProxyType(_gathered)


def first_hint(name: str) -> str:
    """The level-1 idea for an exercise ('' if it has none): what a failing verdict shows. Introduced in notebook 00."""
    return all_hints().get(name, ("",))[0]


def max_hint_level(level: int | None = None) -> int:
    """Cap the help ``hint()`` gives at `level` (1-4) for graded work; None lifts the cap. Gives the cap in force.

    Introduced in notebook 00. Without a call, the cap is the environment variable GAN_UTILS_MAX_HINT
    (read at each hint), else 4.
    """
    if level is not None and (isinstance(level, bool) or level not in range(1, LEVELS + 1)):
        raise ValueError(f"level must be 1, 2, 3 or 4 (or None to lift the cap), got {level!r}")
    _cap[0] = level
    return _current_cap()


def _current_cap() -> int:
    if _cap[0] is not None:
        return _cap[0]
    raw = os.environ.get(MAX_HINT_ENV, "").strip()
    if not raw:
        return LEVELS
    if raw not in {"1", "2", "3", "4"}:
        raise ValueError(f"{MAX_HINT_ENV} must be 1, 2, 3 or 4, got {raw!r}")
    return int(raw)


@dataclass
class Hint:
    """One level of help for one exercise; renders as Markdown in a notebook. Introduced in notebook 00."""

    name: str
    level: int
    text: str
    capped: bool = False

    def _heading(self) -> str:
        return f"Hint {self.level}/{LEVELS} ({LEVEL_NAMES[self.level - 1]}) for"

    def _repr_markdown_(self) -> str:
        if self.capped:
            more = " Your instructor has capped the hints at this level for this work."
        else:
            more = " Call it again for the next level." if self.level < LEVELS else ""
        return f"**{self._heading()} `{self.name}`.** {self.text}{more}"

    def __str__(self) -> str:
        cap = " (capped by your instructor)" if self.capped else ""
        return f"{self._heading()} {self.name}{cap}: {self.text}"

    __repr__ = __str__


def hint(name: str, level: int | None = None) -> Hint:
    """Give the next level of help for an exercise (2 a step, 3 the maths, 4 the code); level= asks for one.

    Introduced in notebook 00. Never beyond the cap an instructor set (``max_hint_level``).
    """
    hints = all_hints()
    if name not in hints:
        raise ValueError(f"no hints for {name!r}; exercises with hints: {sorted(hints)}")
    if level is None:
        level = min(_levels.get(name, 1) + 1, LEVELS)
    if isinstance(level, bool) or level not in range(1, LEVELS + 1):
        raise ValueError(f"level must be 1, 2, 3 or 4, got {level!r}")
    cap = _current_cap()
    capped = level >= cap and cap < LEVELS
    level = min(level, cap)
    _levels[name] = max(_levels.get(name, 1), level)
    return Hint(name, level, hints[name][level - 1], capped=capped)


def reset_hints() -> None:
    """Start every exercise's help from level 1 again.

    Not used in a notebook: instructors (docs/instructor_guide.md) and the tests start all help over with it.
    """
    _levels.clear()
