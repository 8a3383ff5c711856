"""The build backend's part in the compiled build (build_backend/faasguard_build.py): what
`FAASGUARD_COMPILE=1 pip install` has pip install for the build, and the message it stops
with when the machine cannot compile C."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from faasguard.toml_text import parse_toml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "build_backend"))

import faasguard_build  # noqa: E402


@pytest.fixture(autouse=True)
def _in_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # pip runs the backend in the source tree


def test_the_compiled_build_requires_the_pinned_mypy_and_the_scan_libraries() -> None:
    project = parse_toml((REPO / "pyproject.toml").read_text())["project"]
    pins = [req for req in project["optional-dependencies"]["dev"] if req.startswith("mypy")]
    assert len(pins) == 1 and pins[0].startswith("mypy==")  # one version checks and compiles
    required = faasguard_build.build_requirements()
    assert required[0] == pins[0]
    assert set(project["optional-dependencies"]["scan"]) <= set(required)
    assert set(project["dependencies"]) <= set(required)


def test_a_missing_c_compiler_stops_the_compiled_build_with_what_to_install(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC", "/nonexistent/cc")  # what setuptools compiles with
    with pytest.raises(SystemExit) as stop:
        faasguard_build.compile_requirements()
    message = str(stop.value.code)
    assert message.startswith("faasguard: FAASGUARD_COMPILE=1 (the compiled build) needs a C "
                              "compiler ('/nonexistent/cc' is not found")
    assert "apt-get install gcc python3-dev" in message
    assert "install without FAASGUARD_COMPILE: the pure Python build needs neither" in message


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler on this machine")
def test_with_a_c_compiler_the_compiled_build_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC", shutil.which("cc") or "cc")
    assert faasguard_build.missing_tools() == []
    assert faasguard_build.compile_requirements()[0].startswith("mypy==")


def test_the_pure_build_needs_no_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAASGUARD_COMPILE", raising=False)
    assert not faasguard_build.compiling()
    monkeypatch.setenv("FAASGUARD_COMPILE", "1")
    assert faasguard_build.compiling()
