"""Every public function and class of gan_utils says which notebook introduces it, or that none uses it.

Read from the source with ``ast`` (nothing is imported): every top-level ``def`` and ``class`` whose
name does not start with ``_``, in every module under gan_utils/ but ``gan_utils/__main__.py``.
Each docstring carries one of the house's forms, so a reader knows where to look (as d2l's
helpers say where in the book they are defined):

- "Introduced in notebook NN." (optionally "Introduced in notebook NN; used in MM."), or the
  shorter "(notebook NN)" / "(notebooks NN and MM)" inside a sentence: a notebook uses it, or a
  feature a notebook shows (its trainer, a dashboard, a check) is built from it;
- "Not used in a notebook: <what it is for>." for plumbing no notebook calls: the command line,
  argument checks, file and multi-device helpers, what only the benchmarks or tests use.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gan_utils"
NOTEBOOK_SOURCES = ROOT / "notebooks" / "src"

NN = r"0[0-9]"
NN_LIST = rf"{NN}(?:(?:, | and ){NN})*"
INTRODUCED = rf"Introduced in notebook {NN}(?:; used in {NN_LIST})?"
IN_PARENTHESES = rf"\(notebooks? {NN_LIST}\b"
NOT_USED = r"Not used in a notebook: \S"
FORMS = re.compile(f"{INTRODUCED}|{IN_PARENTHESES}|{NOT_USED}")
CLAIMS = re.compile(f"{INTRODUCED}|{IN_PARENTHESES}")


def public_names() -> list[tuple[str, str, str | None]]:
    """(module file relative to the repository, name, docstring or None) of every public top-level def and class."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                out.append((path.relative_to(ROOT).as_posix(), node.name, ast.get_docstring(node)))
    return out


def test_the_walk_finds_the_package():
    names = public_names()
    assert len(names) > 250, f"only {len(names)} public names found under {PACKAGE}"
    modules = {module for module, _, _ in names}
    for folder in ("checks", "engine", "studies", "widgets"):
        assert any(module.startswith(f"gan_utils/{folder}/") for module in modules), folder
    assert "gan_utils/cli.py" in modules


def test_every_public_name_says_which_notebook_introduces_it():
    missing, both = [], []
    for module, name, doc in public_names():
        if not doc or not FORMS.search(doc):
            missing.append(f"{module}::{name}")
        elif CLAIMS.search(doc) and re.search(NOT_USED, doc):
            both.append(f"{module}::{name}")
    assert not missing, (
        "these docstrings do not say which notebook introduces them; add 'Introduced in notebook NN.' "
        "(or '(notebook NN)'), or 'Not used in a notebook: <what it is for>.':\n  " + "\n  ".join(missing))
    assert not both, "these docstrings claim a notebook and say no notebook uses them:\n  " + "\n  ".join(both)


def test_every_claimed_notebook_exists():
    existing = {path.name[:2] for path in NOTEBOOK_SOURCES.glob("[0-9][0-9]_*.py")}
    assert existing, f"no notebook sources in {NOTEBOOK_SOURCES}"
    wrong = []
    for module, name, doc in public_names():
        for claim in CLAIMS.finditer(doc or ""):
            for number in re.findall(r"\d\d", claim.group(0)):
                if number not in existing:
                    wrong.append(f"{module}::{name} names notebook {number} ({claim.group(0)!r})")
    assert not wrong, f"notebooks/src has {sorted(existing)}; these claims name another:\n  " + "\n  ".join(wrong)
