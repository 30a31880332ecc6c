"""Notebook times with the classroom switch on: each notebook at full size, GAN_UTILS_CLASSROOM=1.

    python benchmarks/bench_classroom.py                        # every notebook, then the table
    python benchmarks/bench_classroom.py --only 00_start_here   # some of them, by name

Each notebook runs top to bottom from notebooks/, as `make notebooks` runs it, but its executed
copy goes to a temporary folder: notebooks/ is never written. GAN_UTILS_FAST is unset for the run.
A course-recipe step is timed in the same run, before and after the notebooks
(tools/notebooks.py, reference_step_ms), and every time is also scaled to a machine where that step
takes 70 ms: issue 18 asks for at most 180 s a notebook there. The table is printed and written to
benchmarks/results/classroom_times.json, with each notebook's "Classroom mode:" lines.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from gan_utils.engine.switches import CLASSROOM_ENV, CLASSROOM_PREFIX
from gan_utils.engine.runtime import import_tensorflow_quietly  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if "tool_notebooks" not in sys.modules:  # tools/notebooks.py, under the name tests/conftest.py's load_tool gives it
    _spec = importlib.util.spec_from_file_location("tool_notebooks", ROOT / "tools" / "notebooks.py")
    sys.modules["tool_notebooks"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["tool_notebooks"])
nbtool = sys.modules["tool_notebooks"]

OUT = ROOT / "benchmarks" / "results" / "classroom_times.json"
TARGET_STEP_MS, TARGET_SECONDS = 70.0, 180.0


def notebook_names() -> list[str]:
    """Every notebook's name, NN_topic, in order."""
    return sorted(p.stem for p in nbtool.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def execute_copy(name: str, out_dir: Path, timeout: int = 1800):
    """Execute notebooks/NAME.ipynb from notebooks/ with this process's environment; write it to out_dir; return (notebook, seconds)."""
    import nbformat
    from nbclient import NotebookClient

    if name not in notebook_names():
        raise ValueError(f"no notebook {name!r}; choose from {notebook_names()}")
    nb = nbformat.read(nbtool.NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(nbtool.NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(nb, Path(out_dir) / f"{name}.ipynb")
    return nb, seconds


def cell_notes(cell) -> list[str]:
    """The "Classroom mode:" lines that one executed code cell printed."""
    return [line for output in cell.get("outputs", []) if output.get("output_type") == "stream"
            for line in "".join(output.get("text", "")).splitlines() if line.startswith(CLASSROOM_PREFIX)]


def classroom_notes(nb) -> list[str]:
    """The "Classroom mode:" lines that the code cells of an executed notebook printed, in order."""
    return [line for cell in nb.cells if cell.cell_type == "code" for line in cell_notes(cell)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="notebook names, e.g. 00_start_here (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the JSON goes (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds a cell may take")
    args = parser.parse_args()
    names = args.only or notebook_names()
    unknown = sorted(set(names) - set(notebook_names()))
    if unknown:
        parser.error(f"no notebook {unknown}; choose from {notebook_names()}")
    os.environ.pop("GAN_UTILS_FAST", None)
    os.environ[CLASSROOM_ENV] = "1"
    import_tensorflow_quietly()
    step_before = nbtool.reference_step_ms()
    print(f"a course-recipe step takes {step_before:.1f} ms on this machine now")
    rows, failed = {}, []
    with tempfile.TemporaryDirectory(prefix="bench_classroom_") as out_dir:
        for name in names:
            try:
                nb, seconds = execute_copy(name, Path(out_dir), args.timeout)
            except Exception as error:  # a failing notebook is reported and the others still run
                print(f"{name}: FAILED: {type(error).__name__}: {str(error).splitlines()[-1] if str(error) else ''}")
                failed.append(name)
                continue
            rows[name] = {"seconds": round(seconds, 1), "notes": classroom_notes(nb)}
            print(f"{name}: {seconds:.0f} s, {len(rows[name]['notes'])} classroom notes")
            nbtool._print_slow_cells(nb)
    step_after = nbtool.reference_step_ms()
    step_ms = (step_before + step_after) / 2
    print(f"a course-recipe step took {step_before:.1f} ms before and {step_after:.1f} ms after: "
          f"times below are scaled by {TARGET_STEP_MS:.0f} / {step_ms:.1f}")

    print(f"\n{'notebook':26s} {'seconds':>8s} {'at 70 ms':>9s}  notes  within {TARGET_SECONDS:.0f} s at 70 ms")
    for name, row in rows.items():
        row["seconds_at_70ms"] = round(row["seconds"] * TARGET_STEP_MS / step_ms, 1)
        row["within_target"] = row["seconds_at_70ms"] <= TARGET_SECONDS
        print(f"{name:26s} {row['seconds']:8.0f} {row['seconds_at_70ms']:9.0f}  {len(row['notes']):5d}  "
              f"{'yes' if row['within_target'] else 'NO'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "command": "python benchmarks/bench_classroom.py" + (f" --only {' '.join(args.only)}" if args.only else ""),
        "date": date.today().isoformat(), "machine": f"{platform.processor() or platform.machine()}, "
                                                     f"{os.cpu_count()} cores",
        "step_ms_before": round(step_before, 2), "step_ms_after": round(step_after, 2),
        "target": {"step_ms": TARGET_STEP_MS, "seconds": TARGET_SECONDS},
        "notebooks": rows, "failed": failed}, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
