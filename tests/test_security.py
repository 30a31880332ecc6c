"""No unpickling, no eval/exec of strings, and np.load always with allow_pickle=False, anywhere in the package."""
from __future__ import annotations

import ast

from conftest import REPO

SOURCES = sorted((REPO / "gan_utils").rglob("*.py"))  # subpackages (gan_utils/checks/) too


def calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            yield node, owner, name


def scan(text: str, name: str) -> list[str]:
    """Return the unsafe constructs found in one Python source."""
    problems = []
    tree = ast.parse(text, filename=name)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(n.split(".")[0] in {"pickle", "dill", "cloudpickle", "shelve", "marshal"} for n in names):
                problems.append(f"{name}:{node.lineno} imports a pickle-like module")
    for node, owner, func in calls(tree):
        if func in {"eval", "exec"} and owner == "":
            problems.append(f"{name}:{node.lineno} calls {func}()")
        if owner == "np" and func == "load":
            kw = {k.arg: k.value for k in node.keywords}
            if not (isinstance(kw.get("allow_pickle"), ast.Constant) and kw["allow_pickle"].value is False):
                problems.append(f"{name}:{node.lineno} np.load without allow_pickle=False")
    return problems


def test_package_never_unpickles_or_evaluates_strings():
    problems = [p for path in SOURCES for p in scan(path.read_text(), str(path.relative_to(REPO)))]
    assert not problems, problems


def test_scan_catches_each_unsafe_construct():
    bad = "import pickle\nimport numpy as np\nnp.load('x')\nnp.load('y', allow_pickle=True)\neval('1')\n"
    assert len(scan(bad, "bad.py")) == 4
    assert scan("import numpy as np\nnp.load('x', allow_pickle=False)\n", "good.py") == []
