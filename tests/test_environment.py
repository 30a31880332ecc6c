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


def _python_ok():
    import importlib.util

    spec = importlib.util.spec_from_file_location("python_ok", REPO / "tools" / "python_ok.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_python_ok_accepts_3_11_to_3_13_and_names_them_otherwise(monkeypatch, capsys):
    import sys
    import types

    ok = _python_ok()
    for version, status in (((3, 10, 13), 1), ((3, 11, 7), 0), ((3, 12, 1), 0), ((3, 13, 0), 0), ((3, 14, 0), 1)):
        monkeypatch.setattr(ok, "sys", types.SimpleNamespace(version_info=version, executable="/x/python",
                                                             stderr=sys.stdout))
        assert ok.main() == status, version
    out = capsys.readouterr().out
    assert "Python 3.10 at /x/python is not supported: GAN Classroom runs on Python 3.11 to 3.13" in out
    assert "Python 3.12 at /x/python: supported" in out


def test_make_stops_with_a_clear_message_for_an_unsupported_python(tmp_path):
    import subprocess

    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\necho 'Python 3.9 at fake is not supported: GAN Classroom runs on Python 3.11 to 3.13' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "venv", f"PYTHON={fake}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "runs on Python 3.11 to 3.13" in proc.stderr
