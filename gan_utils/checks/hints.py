"""Graded help for every exercise, written by hand: level 1 an idea, level 2 the maths, level 3 the code.

The hints live beside their checks, in each notebook module's ``HINTS`` dict (``nb00.HINTS``, ...,
``nb05.HINTS``); this module holds only the machinery, and gathers those dicts on first use.
A failing verdict shows level 1 only. ``gu.checks.hint("bce_loss")`` gives the next level at each
call (2, then 3, then 3 again), rendered as Markdown in a notebook; ``hint(name, level=n)`` asks
for one level directly and ``reset_hints()`` starts every exercise from level 1 again.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# The notebook modules whose HINTS this module gathers, in course order.
NOTEBOOKS = ("nb00", "nb01", "nb02", "nb03", "nb04", "nb05")

_gathered: dict[str, tuple[str, str, str]] = {}

_levels: dict[str, int] = {}


def all_hints() -> Mapping[str, tuple[str, str, str]]:
    """Every exercise's (idea, maths, code), read-only, gathered from the notebook modules' HINTS.

    Introduced in notebook 00.
    """
    if not _gathered:
        # Imported here, not at the top: the notebook modules import core, which imports this module.
        gathered: dict[str, tuple[str, str, str]] = {}
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
    return all_hints().get(name, ("", "", ""))[0]


@dataclass
class Hint:
    """One level of help for one exercise; renders as Markdown in a notebook. Introduced in notebook 00."""

    name: str
    level: int
    text: str

    def _repr_markdown_(self) -> str:
        more = " Call it again for the next level." if self.level < 3 else ""
        return f"**Hint {self.level}/3 for `{self.name}`.** {self.text}{more}"

    def __str__(self) -> str:
        return f"Hint {self.level}/3 for {self.name}: {self.text}"

    __repr__ = __str__


def hint(name: str, level: int | None = None) -> Hint:
    """Give the next level of help for an exercise (2: the maths, 3: the code); level= asks for one directly.

    Introduced in notebook 00.
    """
    hints = all_hints()
    if name not in hints:
        raise ValueError(f"no hints for {name!r}; exercises with hints: {sorted(hints)}")
    if level is None:
        level = min(_levels.get(name, 1) + 1, 3)
    if level not in (1, 2, 3):
        raise ValueError(f"level must be 1, 2 or 3, got {level!r}")
    _levels[name] = max(_levels.get(name, 1), level)
    return Hint(name, level, hints[name][level - 1])


def reset_hints() -> None:
    """Start every exercise's help from level 1 again.

    Not used in a notebook: instructors (docs/instructor_guide.md) and the tests start all help over with it.
    """
    _levels.clear()
