"""The course's own answers to its build exercises, marked so that a check cannot be passed by calling them.

Introduced in notebook 01. A function the learner writes in a build cell has a twin here in the
engine (the course's version, which the notebooks fall back to). Such a twin carries
``@course_answer("exercise")``. While a check runs the learner's code (inside
``learner_code(exercise)``), calling the twin of *that* exercise raises ``WriteItYourself``; the
check reports it as a known mistake. Everywhere else the twin works as usual, so the notebook, the
engine and the tests use it freely. The engine only marks its functions; ``gan_utils.checks``
opens the window in which they refuse.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
from typing import Any, Callable, Iterator, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# The exercise whose learner code is running now (None outside a check).
_RUNNING: contextvars.ContextVar[str | None] = contextvars.ContextVar("gan_utils_learner_code", default=None)

# exercise -> the course's function, filled by @course_answer (read by the checks and the tests).
ANSWERS: dict[str, Callable[..., Any]] = {}


class WriteItYourself(RuntimeError):
    """Raised when a learner's answer calls the course's own answer to the same exercise. Introduced in notebook 01."""


def course_answer(exercise: str, *also: str) -> Callable[[F], F]:
    """Mark a function as the course's answer to `exercise` (and to each name in `also`). Introduced in notebook 01."""
    names = (exercise, *also)

    def mark(fn: F) -> F:
        @functools.wraps(fn)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            running = _RUNNING.get()
            if running is not None and running in names:
                raise WriteItYourself(
                    f"your answer calls gan_utils' own {fn.__name__}, the course's answer to the exercise "
                    f"{running!r}: the check runs your code without it. Write the steps yourself.")
            return fn(*args, **kwargs)

        guarded.exercises = names  # type: ignore[attr-defined]
        for name in names:
            ANSWERS.setdefault(name, guarded)
        return guarded  # type: ignore[return-value]

    return mark


@contextlib.contextmanager
def learner_code(exercise: str) -> Iterator[None]:
    """While inside, the course's answer to `exercise` refuses to run (checks wrap a learner's call in it).

    Introduced in notebook 01.
    """
    token = _RUNNING.set(exercise)
    try:
        yield
    finally:
        _RUNNING.reset(token)


def running_exercise() -> str | None:
    """The exercise whose learner code is running now, or None. Not used in a notebook: the checks' tests read it."""
    return _RUNNING.get()
