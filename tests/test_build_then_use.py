"""Build, then use: the learner writes each core piece, its check cannot be passed with the course's own function,
the notebook runs on the learner's version (or on the course's, in one line), and the student edition empties it."""
from __future__ import annotations

import ast
import contextlib
import io
import json

import numpy as np
import pytest

import gan_utils as gu
from conftest import REPO, load_tool
from gan_utils.checks import core
from gan_utils.engine import answers

nbtool = load_tool("notebooks")
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_BUILD_CELLS = 20


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


# --- the machinery ---------------------------------------------------------------------------------

@answers.course_answer("demo_double")
def _course_double(x):
    return 2 * np.asarray(x, dtype=float)


@core.build_exercise("demo_double", names=("double",))
def _check_double(fn, verbose: bool = True):
    return core.check_function("double", fn, _course_double.__wrapped__, [(1.0,), (np.arange(3.0),)],
                               exercise="demo_double", verbose=verbose)


def test_the_course_answer_refuses_only_inside_its_own_exercise_window():
    assert float(_course_double(2.0)) == 4.0
    with answers.learner_code("demo_double"):
        with pytest.raises(answers.WriteItYourself, match="write the steps yourself|Write the steps yourself"):
            _course_double(2.0)
    with answers.learner_code("another_exercise"):
        assert float(_course_double(2.0)) == 4.0
    assert answers.running_exercise() is None


def test_yours_or_reference_uses_yours_once_it_passes_and_the_course_version_otherwise(capsys):
    def double(x):
        return np.asarray(x) + np.asarray(x)

    _quiet(_check_double, double)
    assert gu.checks.yours_or_reference(double) is double
    assert capsys.readouterr().out.strip() == "double: using yours (it passed its check)."

    def double(x):  # the student edition's empty body  # noqa: F811
        ...

    chosen = gu.checks.yours_or_reference(double)
    assert chosen is _course_double
    line = capsys.readouterr().out.strip()
    assert line.startswith("double: yours is not finished (NOT YET: ") and line.endswith("using the course's version.")
    assert "\n" not in line

    def double(x):  # calls the course's own answer  # noqa: F811
        return _course_double(x)

    assert not _quiet(_check_double, double)
    assert "Recognised mistake" in str(_quiet(_check_double, double))
    assert gu.checks.yours_or_reference(double) is _course_double
    assert gu.checks.yours_or_reference(None, exercise="demo_double") is _course_double
    with pytest.raises(ValueError, match="cannot tell which build exercise"):
        gu.checks.yours_or_reference(lambda x: x)
    with pytest.raises(ValueError, match="exercise must be one of the build exercises"):
        gu.checks.yours_or_reference(double, exercise="nope")


def test_the_student_edition_empties_function_bodies_and_keeps_signatures_and_docstrings():
    source = ('import numpy as np\n\ndef f(x, y=1):\n    """Doc."""\n    z = x + y\n    return z\n\n'
              'def g(a):\n    return a\n\nresult = 3\n')
    emptied = nbtool.empty_bodies(source)
    assert 'def f(x, y=1):\n    """Doc."""\n    ...' in emptied and "z = x + y" not in emptied
    assert "def g(a):\n    ..." in emptied and "return a" not in emptied
    assert "import numpy as np" in emptied and "result = 3" in emptied
    namespace: dict = {}
    exec(compile(emptied, "<student>", "exec"), namespace)
    assert namespace["f"](1) is None and namespace["g"](1) is None
    with pytest.raises(ValueError, match="must define at least one function"):
        nbtool.empty_bodies("x = 1\n")


# --- the course's build exercises ----------------------------------------------------------------------

def _course_builds():
    return {name: build for name, build in core.BUILDS.items() if not name.startswith("demo_")}


def test_there_are_build_exercises_in_every_taught_notebook():
    modules = {build.check.__module__.rsplit(".", 1)[-1] for build in _course_builds().values()}
    assert {"nb01", "nb02", "nb03", "nb04", "nb05", "nb06", "nb07"} <= modules, modules


@pytest.mark.parametrize("exercise", sorted(_course_builds()))
def test_calling_the_course_version_from_your_code_does_not_pass(exercise):
    build = core.BUILDS[exercise]
    course = build.reference()

    def yours(*args, **kwargs):
        return course(*args, **kwargs)

    yours.__name__ = build.names[0] if build.names else exercise
    result = _quiet(build.check, yours)
    assert not result, f"{exercise}: a learner who only calls gan_utils' own version passes its check"
    assert "Recognised mistake" in str(result) or "WriteItYourself" in str(result), str(result)


@pytest.mark.parametrize("exercise", sorted(_course_builds()))
def test_an_unwritten_build_falls_back_to_the_course_version_in_one_line(exercise, capsys):
    build = core.BUILDS[exercise]

    def unwritten(*args, **kwargs):
        ...

    chosen = gu.checks.yours_or_reference(unwritten, exercise=exercise)
    assert chosen is not unwritten and callable(chosen)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "using the course's version" in line


def _build_cells(path):
    cells = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
    return cells, [i for i, c in enumerate(cells) if "build" in c["metadata"].get("tags", [])]


def test_at_least_twenty_build_cells_each_followed_at_once_by_its_check_and_its_use():
    total = 0
    for path in NOTEBOOKS:
        cells, builds = _build_cells(path)
        total += len(builds)
        for i in builds:
            after = "".join(cells[i + 1]["source"])
            assert "gu.checks.check_" in after and "yours_or_reference" in after, \
                f"{path.name}: the cell after build cell {''.join(cells[i]['source'])[:60]!r} must check it and use it"
    assert total >= MIN_BUILD_CELLS, f"{total} build cells in all, fewer than {MIN_BUILD_CELLS}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_student_edition_leaves_every_build_body_empty(path):
    nb = nbtool.student_notebook(path.stem)
    built = [c for c in nb.cells if nbtool.is_build(c)]
    assert built, f"{path.stem} has no build cell"
    for cell in built:
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                assert len(body) == 1 and isinstance(body[0], ast.Expr) and body[0].value.value is Ellipsis, \
                    f"{path.stem}: the body of {node.name} survived in the student edition:\n{cell.source}"
