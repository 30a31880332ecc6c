"""The package's layout holds: the engine imports no widgets, studies or checks; no module uses another's private names.

Read from the source, not by importing: every ``import``/``from`` statement (also inside functions)
and every ``obj._name`` attribute read on an object that is not ``self`` or ``cls``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "gan_utils"
LAYERS = ("engine", "widgets", "studies", "checks")
# which folders a folder may import from (besides itself); cli.py and __init__.py sit at the top
MAY_IMPORT = {
    "engine": set(),
    "widgets": {"engine", "studies"},
    "studies": {"engine"},
    "checks": {"engine", "studies"},
    "": {"engine", "widgets", "studies", "checks"},
}
CLI_MAY_IMPORT = {"engine"}
# private members of other libraries that the package reads, each with its reason
THIRD_PARTY_PRIVATE = {
    "_flatten_layers": "Keras: the one walk that also finds layers a custom layer holds as attributes",
}


def modules() -> dict[str, Path]:
    """Dotted name (``gan_utils.engine.models``) -> file, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imported(name: str, path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names) for every import in a module, relative ones resolved."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out.extend((node.lineno, a.name, []) for a in node.names)
    return out


def layer(module: str) -> str | None:
    """The folder of a gan_utils module ('' for top-level ones), None outside the package."""
    parts = module.split(".")
    if parts[0] != "gan_utils":
        return None
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else ("" if len(parts) <= 2 or parts[1] not in LAYERS
                                                                   else parts[1])


def arrows() -> list[tuple[str, int, str]]:
    """(module, line, imported module) for every import between gan_utils modules, submodule imports resolved."""
    mods = modules()
    out = []
    for name, path in mods.items():
        for line, target, names in imported(name, path):
            if not target.startswith("gan_utils"):
                continue
            subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
            out.extend((name, line, t) for t in (subs or [target]))
    return out


def wrong_way() -> list[str]:
    """Every import that runs against MAY_IMPORT."""
    bad = []
    for name, line, target in arrows():
        here, there = layer(name), layer(target)
        if there is None or there == here or name == "gan_utils" or target == "gan_utils":
            continue
        allowed = CLI_MAY_IMPORT if name == "gan_utils.cli" else MAY_IMPORT[here]
        if there == "" or there not in allowed:
            bad.append(f"{name}:{line} imports {target}")
    return bad


def private_names_defined(tree: ast.Module) -> set[str]:
    """Names starting with _ that a module defines itself: functions, classes, methods, attributes set on self."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            out.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            out.add(node.id)
    return {n for n in out if n.startswith("_")}


def private_reaches() -> list[str]:
    """`from x import _y` between gan_utils modules, and `obj._y` where _y is not defined in the reading module."""
    bad = []
    for name, path in modules().items():
        tree = ast.parse(path.read_text())
        own = private_names_defined(tree)
        for line, target, names in imported(name, path):
            if target.startswith("gan_utils"):
                bad.extend(f"{name}:{line} imports {target}.{n}" for n in names
                           if n.startswith("_") and not n.startswith("__"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                    and not node.attr.endswith("_")  # IPython's display protocol: _repr_mimebundle_, ...
                    and node.attr not in own and node.attr not in THIRD_PARTY_PRIVATE):
                bad.append(f"{name}:{node.lineno} reads {ast.unparse(node)}")
    return bad


def test_the_package_has_its_four_folders():
    for folder in LAYERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), folder
        assert ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text())), folder


def test_no_import_runs_the_wrong_way():
    assert wrong_way() == []


def test_the_reader_sees_imports_inside_functions_and_relative_ones(tmp_path, monkeypatch):
    engine = tmp_path / "gan_utils" / "engine"
    engine.mkdir(parents=True)
    (engine / "__init__.py").write_text("")
    (tmp_path / "gan_utils" / "widgets").mkdir()
    (tmp_path / "gan_utils" / "widgets" / "__init__.py").write_text("")
    (tmp_path / "gan_utils" / "widgets" / "controls.py").write_text("X = 1\n")
    (engine / "training.py").write_text("def fit():\n    from ..widgets.controls import X\n    return obj._secret\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "gan_utils")
    assert wrong_way() == ["gan_utils.engine.training:2 imports gan_utils.widgets.controls"]
    assert private_reaches() == ["gan_utils.engine.training:3 reads obj._secret"]


def test_no_module_reaches_into_another_modules_private_names():
    assert private_reaches() == []


def test_no_two_modules_import_each_other():
    edges = {(a, b) for a, _, b in arrows()}
    cycles = sorted(f"{a} <-> {b}" for a, b in edges if (b, a) in edges and a < b and "gan_utils" not in (a, b))
    assert cycles == []


@pytest.mark.parametrize("name", ["MODEL_NAMES", "LOSS_NAMES"])
def test_the_names_module_is_the_one_source_of_model_and_loss_names(name):
    import gan_utils as gu

    registry = {"MODEL_NAMES": gu.models.MODELS, "LOSS_NAMES": gu.losses.LOSSES}[name]
    assert tuple(registry) == getattr(gu.names, name)
