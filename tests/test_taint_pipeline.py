"""Event injection through the whole pipeline: real loaders (SAM, Serverless Framework),
handler resolution and taint analysis wired into the scan, SARIF code flows."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pipeline_support import load_json, run_cli

from faasguard.scan import scan
from tests.shared_data import SARIF_SCHEMA

APPS = Path(__file__).resolve().parent / "fixtures" / "taint" / "apps"
_EXPECT = re.compile(r"#\s*expect:\s*(FG-INJ-\d{3})")


def _marks(folder: Path) -> set[tuple[str, int, str]]:
    marks = set()
    for path in sorted(folder.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = _EXPECT.search(line)
            if match:
                marks.add((path.relative_to(folder).as_posix(), number, match.group(1)))
    return marks


@pytest.mark.parametrize("name", ["sam", "serverless"])
def test_scan_reports_injection_at_the_marked_lines(name: str) -> None:
    result = scan(str(APPS / name))
    got = {(f.location.file, f.location.line, f.rule_id) for f in result.findings
           if f.rule_id.startswith("FG-INJ-")}
    assert got == _marks(APPS / name)
    assert not [d for d in result.diagnostics if d.code == "internal"]


def test_python2_handler_is_a_diagnostic_and_the_scan_goes_on() -> None:
    result = scan(str(APPS / "sam"))
    [diag] = [d for d in result.diagnostics if d.code == "handler"]
    assert diag.file == "src/legacy.py" and diag.line == 2 and "Python 2" in diag.message
    resolved = {f.id.split("#")[1]: f.source_file for f in result.app.functions.values()}
    assert resolved["ItemsFunction"] == "src/items.py"


def test_public_http_route_makes_sql_injection_critical() -> None:
    result = scan(str(APPS / "sam"))
    [finding] = [f for f in result.findings if f.rule_id == "FG-INJ-003"]
    assert finding.severity == "critical"
    assert any("GET /items/{name} (no authoriser)" == text for _, text in finding.related)


def _sarif(capsys: Any, folder: Path) -> dict[str, Any]:
    code, out, _ = run_cli(capsys, "scan", str(folder), "--format", "sarif")
    assert code == 1
    document: dict[str, Any] = json.loads(out)
    schema = load_json(SARIF_SCHEMA)
    jsonschema.validators.validator_for(schema)(schema).validate(document)
    return document


def test_sarif_carries_code_flows_and_related_locations(capsys: Any) -> None:
    run = _sarif(capsys, APPS / "serverless")["runs"][0]
    results = [r for r in run["results"] if r["ruleId"].startswith("FG-INJ-")]
    assert {r["ruleId"] for r in results} == {"FG-INJ-006", "FG-INJ-011"}
    pickle = next(r for r in results if r["ruleId"] == "FG-INJ-006")
    steps = pickle["codeFlows"][0]["threadFlows"][0]["locations"]
    uris = [s["location"]["physicalLocation"]["artifactLocation"]["uri"] for s in steps]
    assert all(u.endswith("handlers/importer.py") for u in uris) and len(steps) >= 2
    texts = [s["location"]["message"]["text"] for s in steps]
    assert texts[0].startswith("source: SQS message body")
    assert texts[-1] == "reaches pickle.loads (deserialisation)"
    related = pickle["relatedLocations"]
    assert any(r["physicalLocation"]["artifactLocation"]["uri"].endswith("serverless.yml")
               for r in related)
