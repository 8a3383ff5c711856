"""`faasguard scan DIR --openapi /abs/path/spec.yaml` never ended since 4a3a3d4: a finding
located in a spec outside the scanned folder (FG-SHADOW-002 on an operation nobody serves)
has an absolute file, and `findings._nearest`, looking for the deployment format of the
folders above it, climbed to "/" and stayed there (its dirname is itself).
tests/test_endpoints.py's test_scan_command_takes_openapi_files hung the suite. The scan
runs in a child process so that the old code fails by its timeout rather than hanging."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "rules" / "FG-SHADOW-001" / \
    "serverless-pos-option"


def test_a_spec_given_by_an_absolute_path_outside_the_root(tmp_path: Path) -> None:
    shutil.copy(CASE / "serverless.yml", tmp_path / "serverless.yml")
    spec = str(CASE / "docs" / "orders-api.yaml")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from faasguard.cli import main; sys.exit(main())",
         "scan", str(tmp_path), "--format", "json", "--openapi", spec, "--fail-on", "none",
         "--jobs", "1"],
        capture_output=True, text=True, timeout=120, check=True)
    findings = json.loads(done.stdout)["findings"]
    [zombie] = [f for f in findings if f["rule_id"] == "FG-SHADOW-002"]
    assert zombie["location"]["file"] == spec
    # the fix in the root's deployment format, serverless.yml's
    assert "functions:" in zombie["remediation"]
