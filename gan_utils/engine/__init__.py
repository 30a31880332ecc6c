"""The engine: data, models, losses, trainers, checkpoints, metrics and the maths the lessons derive.

No user interface and no exercise checks live here: nothing in ``gan_utils.engine`` imports
``gan_utils.widgets``, ``gan_utils.studies`` or ``gan_utils.checks`` (tests/test_layout.py).
Reach every public name as ``gu.NAME`` or ``gu.MODULE.NAME``.
"""
