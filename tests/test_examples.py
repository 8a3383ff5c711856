"""The bundled examples: the vulnerable app shows every threat, its hardened twin scans clean.

Each example is scanned once per output format through the real CLI, in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import jsonschema
import pytest

from faasguard.cli import main
from faasguard.findings import THREATS
from tests.shared_data import SARIF_SCHEMA

REPO = Path(__file__).resolve().parents[1]
VULNERABLE = REPO / "examples" / "vulnerable-app"
HARDENED = REPO / "examples" / "hardened-app"

#: Planted issues of the vulnerable app (examples/vulnerable-app/planted.json, also read by
#: benchmarks/compare_checkov.py): each must be reported by its rule at its file and line.
PLANTED = {(issue["rule"], issue["file"], issue["line"])
           for issue in json.loads((VULNERABLE / "planted.json").read_text())}


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def vulnerable_json() -> dict:
    code, out = _cli("scan", str(VULNERABLE), "--format", "json")
    assert code == 1
    return json.loads(out)


@pytest.fixture(scope="module")
def vulnerable_sarif() -> dict:
    code, out = _cli("scan", str(VULNERABLE), "--format", "sarif")
    assert code == 1
    return json.loads(out)


def _located(document: dict) -> set[tuple[str, str, int]]:
    found = set()
    for finding in document["findings"]:
        file = finding["location"]["file"]
        file = file.split("vulnerable-app/", 1)[-1]
        found.add((finding["rule_id"], file, finding["location"]["line"]))
    return found


def test_vulnerable_app_shows_every_threat(vulnerable_json):
    threats = {f["threat"] for f in vulnerable_json["findings"]}
    assert threats == set(THREATS)
    assert vulnerable_json["diagnostics"] == []


def test_every_planted_issue_is_found_at_its_line(vulnerable_json):
    missing = PLANTED - _located(vulnerable_json)
    assert not missing, sorted(missing)


def test_sarif_validates_and_injection_flows_have_code_flows(vulnerable_sarif):
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(vulnerable_sarif)
    results = vulnerable_sarif["runs"][0]["results"]
    injection = [r for r in results if r["ruleId"].startswith("FG-INJ-")]
    assert injection and all(r.get("codeFlows") for r in injection)
    steps = injection[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    assert len(steps) >= 2  # from the event to the sink


def test_text_report_names_the_lines():
    code, out = _cli("scan", str(VULNERABLE), "--format", "text", "--color", "never")
    assert code == 1
    assert "serverless.yml:22" in out and "FG-PERM-001" in out
    assert "\x1b[" not in out


def test_hardened_twin_scans_clean():
    code, out = _cli("scan", str(HARDENED), "--format", "json")
    document = json.loads(out)
    assert document["findings"] == [] and document["diagnostics"] == []
    assert document["summary"]["files_scanned"] > 0
    assert code == 0
