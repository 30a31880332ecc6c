"""The two locks (learner, developer) are exact and complete; conda and the venv install them; make picks a Python."""
from __future__ import annotations

import re

import pytest

from conftest import REPO

PIN = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-]+)==([^\s;#]+)\s*(;[^#]*)?")


LOCKS = ("requirements.txt", "requirements-dev.txt")


def pins(text: str) -> dict:
    """(name, marker) -> version for every `name==version [; marker]` line."""
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            marker = (match.group(3) or "").strip().lstrip(";").strip().replace("'", '"')
            found[(canonical(match.group(1)), marker)] = match.group(2)
    return found


def canonical(name: str) -> str:
    """A distribution's name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path) -> list[str]:
    """The lines of a requirements file that name a requirement (comments, blanks and -r/-c lines dropped)."""
    out = []
    for line in (REPO / path).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            out.append(line)
    return out


def test_environment_yml_installs_the_learners_lock():
    text = (REPO / "environment.yml").read_text()
    assert "- -r requirements.txt" in text and "==" not in text, "environment.yml takes its pins from the lock"
    assert re.search(r"python=3\.1[1-3]\b", text)


@pytest.mark.parametrize("lock", LOCKS)
def test_every_line_of_each_lock_is_pinned_exactly(lock):
    lines = requirement_lines(lock)
    assert len(lines) > 100, f"{lock} should pin the transitive packages too, not only the direct ones"
    for line in lines:
        assert PIN.match(line), f"{lock}: not pinned with ==: {line}"
    assert "make lock" in (REPO / lock).read_text(), f"{lock} says how it is regenerated"


@pytest.mark.parametrize("source, lock", [("requirements.in", "requirements.txt"),
                                          ("requirements-dev.in", "requirements-dev.txt")])
def test_each_lock_holds_every_package_its_source_names_at_the_source_pin(source, lock):
    locked = {name: version for (name, _), version in pins((REPO / lock).read_text()).items()}
    for line in requirement_lines(source):
        name = canonical(re.split(r"[=<>;\s\[]", line)[0])
        assert name in locked, f"{source} names {name}, {lock} lacks it"
        exact = PIN.match(line)
        if exact:
            assert locked[name] == exact.group(2), f"{lock} pins {name}=={locked[name]}, {source} asks {exact.group(2)}"


def test_the_developers_lock_keeps_every_pin_of_the_learners_lock():
    learner, developer = pins((REPO / LOCKS[0]).read_text()), pins((REPO / LOCKS[1]).read_text())
    assert {k: v for k, v in developer.items() if k in learner} == learner
    extra = {name for name, _ in developer} - {name for name, _ in learner}
    assert {"pytest", "nbval", "playwright", "voila", "uv"} <= extra, "the tools live in the developer's lock only"
    assert not {"pytest", "playwright", "voila"} & {name for name, _ in learner}, "a learner installs no test tools"


def _applies(marker: str) -> bool:
    from packaging.markers import Marker

    return not marker or Marker(marker).evaluate()


@pytest.mark.parametrize("lock", LOCKS)
def test_each_lock_is_complete_every_locked_package_finds_its_requirements_locked(lock):
    """Read each installed locked package's own requirements (this platform's markers): each must be in the lock."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    locked = {name: version for (name, marker), version in pins((REPO / lock).read_text()).items() if _applies(marker)}
    missing = []
    for name in locked:
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue  # a package only the other lock installs here; the next test checks the venv
        for text in requires:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                if canonical(req.name) not in locked:
                    missing.append(f"{name} needs {req.name}")
    assert missing == [], f"{lock} is not complete: {missing}"


def test_this_venv_holds_the_developers_lock_exactly():
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for (name, marker), pinned in pins((REPO / LOCKS[1]).read_text()).items():
        if _applies(marker):
            try:
                found = version(name)
            except PackageNotFoundError:
                found = None
            if found != pinned:
                wrong.append(f"{name}: locked {pinned}, installed {found}")
    assert wrong == [], "make venv installs requirements-dev.txt exactly: " + "; ".join(wrong)


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


def test_make_lock_regenerates_both_locks_with_uv_from_their_sources():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-n", "-o", "venv", "lock"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    commands = [line for line in out.stdout.splitlines() if "uv pip compile" in line]
    assert [c.split()[-3:] for c in commands] == [["requirements.in", "-o", "requirements.txt"],
                                                  ["requirements-dev.in", "-o", "requirements-dev.txt"]]
    assert all("--universal" in c for c in commands)
