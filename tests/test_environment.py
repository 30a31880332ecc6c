"""The conda environment and the pip requirements name the same pins."""
from __future__ import annotations

import re

from conftest import REPO

PIN = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==([^\s;#]+)\s*(;[^#]*)?")


def pins(text: str) -> dict:
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            marker = (match.group(3) or "").strip().lstrip(";").strip().replace("'", '"')
            found[(match.group(1).lower(), marker)] = match.group(2)
    return found


def test_environment_yml_matches_requirements():
    req = pins((REPO / "requirements.txt").read_text())
    env = pins((REPO / "environment.yml").read_text())
    assert req, "requirements.txt names no pins"
    assert env == req
    assert "python=3.11" in (REPO / "environment.yml").read_text()


def test_every_requirement_is_pinned_exactly():
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert PIN.match(line), f"not pinned with ==: {line}"


def test_jupyterlab_in_the_venv_asks_no_news_question() -> None:
    """`make venv` (and `make lab`) put a settings override in the venv that turns off Jupyter news and update checks."""
    import json
    import sys
    from pathlib import Path

    shipped = json.loads((Path(__file__).resolve().parents[1] / "tools" / "lab_overrides.json").read_text())
    assert shipped["@jupyterlab/apputils-extension:notification"] == {"checkForUpdates": False, "fetchNews": "false"}
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file(), f"{installed} is missing: run `make quiet-lab`"
    assert json.loads(installed.read_text()) == shipped
