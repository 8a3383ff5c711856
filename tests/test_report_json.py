"""The JSON report validates against its documented schema and is stable."""

from __future__ import annotations

import json
import shutil

import jsonschema
from pipeline_support import REPORT_SCHEMA, load_json, sample_report

from faasguard.report import render


def test_json_report_matches_schema_and_content():
    text = render(sample_report(), "json")
    document = json.loads(text)
    jsonschema.Draft7Validator(load_json(REPORT_SCHEMA)).validate(document)
    assert list(document) == ["version", "tool", "summary", "findings", "diagnostics"]
    assert document["version"] == "1"
    summary = document["summary"]
    assert summary["findings"] == 2 and summary["suppressed"] == 2
    assert summary["by_severity"] == {"critical": 1, "high": 1, "medium": 0, "low": 0,
                                      "info": 0}
    assert summary["diagnostics"] == {"error": 1, "warning": 1, "note": 1}
    assert summary["failed"] is True and summary["files_scanned"] == 5
    files = [(f["location"]["file"], f["location"]["line"]) for f in document["findings"]]
    assert files == sorted(files)
    by_rule = {f["rule_id"]: f for f in document["findings"]}
    assert by_rule["FG-DATA-001"]["suppression"] == {
        "kind": "inSource", "source": "comment", "reason": "rotated weekly"}
    assert by_rule["FG-AUTH-002"]["suppression"]["kind"] == "external"
    assert by_rule["FG-AUTH-001"]["suppression"] is None
    assert by_rule["FG-AUTH-001"]["location"] == {"file": "template.yaml", "line": 12,
                                                  "end_line": 13}
    assert by_rule["FG-PERM-001"]["flow"][1] == {
        "location": {"file": "handler.py", "line": 9, "end_line": 9},
        "message": "reaches os.system"}
    assert [d["file"] for d in document["diagnostics"]] == ["", "broken.yaml", "dup.yaml"]


def test_json_report_is_deterministic():
    assert render(sample_report(), "json") == render(sample_report(), "json")


def test_schema_rejects_a_report_missing_its_summary():
    document = json.loads(render(sample_report(), "json"))
    del document["summary"]
    errors = list(jsonschema.Draft7Validator(load_json(REPORT_SCHEMA)).iter_errors(document))
    assert errors and "summary" in errors[0].message


def test_real_scan_validates(capsys, tmp_path):
    from pipeline_support import FIXTURES, run_cli

    for name in ("app", "sam", "suppressed"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    baseline = tmp_path / "baseline.json"
    run_cli(capsys, "scan", str(tmp_path / "sam"), "--write-baseline", str(baseline))
    code, out, _ = run_cli(capsys, "scan", str(tmp_path), "--format", "json")
    jsonschema.Draft7Validator(load_json(REPORT_SCHEMA)).validate(json.loads(out))
    code, out, _ = run_cli(capsys, "scan", str(tmp_path / "sam"), "--format", "json",
                           "--baseline", str(baseline))
    document = json.loads(out)
    jsonschema.Draft7Validator(load_json(REPORT_SCHEMA)).validate(document)
    assert code == 0 and document["summary"]["findings"] == 0
    assert {f["suppression"]["source"] for f in document["findings"]} == {"baseline"}


def test_out_of_range_lines_are_clamped():
    from faasguard.findings import make_finding
    from faasguard.model import Diagnostic, Location

    report = sample_report()
    report.findings.append(make_finding("FG-AUTH-001", "m", Location("a.yaml", 0, 0), "s"))
    report.diagnostics.append(Diagnostic("b.yaml", "m", 0))
    document = json.loads(render(report, "json"))
    jsonschema.Draft7Validator(load_json(REPORT_SCHEMA)).validate(document)
    assert document["findings"][0]["location"] == {"file": "a.yaml", "line": 1, "end_line": 1}
