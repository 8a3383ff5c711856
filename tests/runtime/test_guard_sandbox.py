"""The sandbox: writes outside the allowed paths and new processes are refused in the handler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from guard_events import http_v2

from faasguard.runtime import Sandbox, SandboxViolation, guard


def test_writes_outside_tmp_are_refused(tmp_path: Path) -> None:
    outside = Path.cwd() / "faasguard-sandbox-probe.txt"

    @guard(sandbox={"write_paths": [str(tmp_path)]}, audit=None)
    def handler(event: Any, context: Any) -> str:
        (tmp_path / "ok.txt").write_text("fine")
        Path(tmp_path / "ok.txt").read_text()
        with open(outside, "w") as handle:  # noqa: PTH123 - the audited builtin
            handle.write("no")
        return "unreachable"

    with pytest.raises(SandboxViolation):
        handler(http_v2({"a": 1}), None)
    assert (tmp_path / "ok.txt").read_text() == "fine"
    assert not outside.exists()


def test_os_level_file_operations_are_refused(tmp_path: Path) -> None:
    @guard(sandbox={"write_paths": [str(tmp_path)]}, audit=None)
    def handler(event: Any, context: Any) -> None:
        os.rename(tmp_path, "/var/faasguard-moved")

    with pytest.raises(PermissionError):
        handler(http_v2({"a": 1}), None)
    assert tmp_path.exists()


def test_processes_are_refused_unless_allowed() -> None:
    @guard(sandbox=True, audit=None)
    def handler(event: Any, context: Any) -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True)

    with pytest.raises(SandboxViolation):
        handler(http_v2({"a": 1}), None)

    @guard(sandbox=Sandbox(allow_processes=True), audit=None)
    def allowed(event: Any, context: Any) -> int:
        return subprocess.run([sys.executable, "-c", "pass"], check=True).returncode

    assert allowed(http_v2({"a": 1}), None) == 0


def test_policy_applies_only_inside_the_guarded_call(tmp_path: Path) -> None:
    @guard(sandbox=True, audit=None)
    def handler(event: Any, context: Any) -> str:
        return "ok"

    assert handler(http_v2({"a": 1}), None) == "ok"
    # after the call, the process may write and spawn again
    probe = tmp_path / "after.txt"
    probe.write_text("x")
    assert subprocess.run([sys.executable, "-c", "pass"], check=True).returncode == 0
