"""The classroom switch (issue 18): GAN_UTILS_CLASSROOM and gu.classroom, its one-line note, and every notebook run with it on."""
from __future__ import annotations

import importlib.util
import os
import re
import sys

import pytest

import gan_utils as gu
from conftest import REPO

if "bench_classroom" not in sys.modules:
    spec = importlib.util.spec_from_file_location("bench_classroom", REPO / "benchmarks" / "bench_classroom.py")
    sys.modules["bench_classroom"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["bench_classroom"])
bench = sys.modules["bench_classroom"]

# How many cells of each notebook swap their long training for what the course ships (or a shorter run).
NOTES = {"00_start_here": 0, "01_neural_networks": 0, "02_gan_objective": 0, "03_mnist_gan": 1,
         "04_training_stability": 4, "05_evaluate_and_explore": 2, "06_gans_at_work": 2, "07_after_the_gan": 3}
SOURCES = sorted(p.stem for p in (REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
NOTE = re.compile(r"Classroom mode: .+ instead of .+; gu\.classroom\(False\) and rerun this cell to .+\.")


@pytest.fixture
def switch(monkeypatch):
    """GAN_UTILS_CLASSROOM unset for the test and restored after it, whatever gu.classroom() writes."""
    monkeypatch.delenv("GAN_UTILS_CLASSROOM", raising=False)
    return monkeypatch


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), (" YES ", True), ("on", True),
                                       ("", False), ("0", False), ("false", False), ("No", False), ("off", False)])
def test_the_switch_reads_gan_utils_classroom(switch, value, on):
    switch.setenv("GAN_UTILS_CLASSROOM", value)
    assert gu.is_classroom() is on and gu.classroom() is on


def test_the_switch_is_off_when_unset(switch):
    assert gu.is_classroom() is False


def test_an_unknown_value_is_an_error_that_names_it(switch):
    switch.setenv("GAN_UTILS_CLASSROOM", "maybe")
    with pytest.raises(ValueError, match=r"'maybe'.*1, true, yes, on.*0, false, no, off"):
        gu.is_classroom()


def test_gu_classroom_turns_it_on_and_off_for_this_process_and_its_children(switch):
    assert gu.classroom(True) is True and gu.is_classroom()
    assert os.environ["GAN_UTILS_CLASSROOM"] == "1", "a kernel's subprocesses see the switch too"
    assert gu.classroom() is True, "no argument: only report"
    assert gu.classroom(False) is False and not gu.is_classroom()


@pytest.mark.parametrize("bad", ["yes", 1, 0, 1.0])
def test_gu_classroom_takes_only_true_false_or_nothing(switch, bad):
    with pytest.raises(ValueError, match="True, False or nothing"):
        gu.classroom(bad)
    assert not gu.is_classroom()


def test_the_classroom_and_fast_knobs_are_independent(switch):
    switch.setenv("GAN_UTILS_FAST", "1")
    assert gu.is_fast() and not gu.is_classroom()
    gu.classroom(True)
    assert gu.is_fast() and gu.is_classroom()
    switch.setenv("GAN_UTILS_FAST", "0")
    assert not gu.is_fast() and gu.is_classroom()


def test_the_note_is_one_line_in_one_format(capsys):
    line = gu.classroom_note("loaded the shipped generator data/pretrained/cdcgan.npz",
                             "training 1,500 steps (under a minute)", "train it")
    assert line == ("Classroom mode: loaded the shipped generator data/pretrained/cdcgan.npz instead of training "
                    "1,500 steps (under a minute); gu.classroom(False) and rerun this cell to train it.")
    assert capsys.readouterr().out == line + "\n"
    assert NOTE.fullmatch(line) and line.startswith(gu.switches.CLASSROOM_PREFIX)


def test_classroom_replaces_decides_and_notes_only_in_classroom_mode(switch, capsys):
    assert gu.classroom_replaces("loaded X", "training Y") is False
    assert capsys.readouterr().out == ""
    gu.classroom(True)
    assert gu.classroom_replaces("loaded X", "training Y") is True
    assert capsys.readouterr().out.splitlines() == [
        "Classroom mode: loaded X instead of training Y; gu.classroom(False) and rerun this cell to run it for real."]


def test_every_notebook_says_how_many_cells_it_swaps():
    assert sorted(NOTES) == SOURCES, "one entry per notebook source"
    assert set(bench.notebook_names()) <= set(NOTES), "every executed notebook has an entry"
    for name, count in NOTES.items():
        source = (REPO / "notebooks" / "src" / f"{name}.py").read_text()
        assert source.count("gu.classroom_replaces(") == count, f"{name}: update NOTES in this test"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(NOTES))
def test_each_notebook_runs_in_classroom_mode_and_each_swapped_cell_says_so_once(name, tmp_path, monkeypatch):
    assert os.environ.get("GAN_UTILS_FAST") == "1", "conftest runs the notebooks in fast mode, as nbval does"
    if not (REPO / "notebooks" / f"{name}.ipynb").exists():
        pytest.skip(f"notebooks/{name}.ipynb is not built yet (python tools/notebooks.py build {name})")
    monkeypatch.setenv("GAN_UTILS_CLASSROOM", "1")
    nb, _ = bench.execute_copy(name, tmp_path, timeout=900)  # a cell that raises fails here, with its traceback
    notes = bench.classroom_notes(nb)
    assert len(notes) == NOTES[name], notes
    assert all(NOTE.fullmatch(line) for line in notes), notes
    assert all(len(bench.cell_notes(cell)) <= 1 for cell in nb.cells), "one line per swapped cell"
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Traceback" not in printed
