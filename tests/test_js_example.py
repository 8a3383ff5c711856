"""The Node.js twin of the vulnerable example finds what the Python example finds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from faasguard.cli import main
from faasguard.model import logical_id
from faasguard.scan import ScanResult, scan

REPO = Path(__file__).resolve().parents[1]
PYTHON = REPO / "examples" / "vulnerable-app"
NODE = REPO / "examples" / "vulnerable-app-node"


def _injections(result: ScanResult) -> set[tuple[str, str]]:
    """(function, rule id) of every injection finding reached from a handler."""
    return {(logical_id(f.properties["function"]), f.rule_id) for f in result.findings
            if f.rule_id.startswith("FG-INJ-") and f.properties["function"]}


@pytest.fixture(scope="module")
def node_scan() -> ScanResult:
    return scan(str(NODE))


@pytest.fixture(scope="module")
def python_scan() -> ScanResult:
    return scan(str(PYTHON))


def test_same_injection_categories_per_function(node_scan: ScanResult,
                                                python_scan: ScanResult) -> None:
    python = _injections(python_scan)
    assert python, "the Python example must have injection findings"
    assert _injections(node_scan) == python


def test_every_handler_resolves(node_scan: ScanResult) -> None:
    assert not [d for d in node_scan.diagnostics if d.code == "handler"]
    assert all(f.source_file and f.source_file.endswith((".js", ".mjs", ".ts"))
               for f in node_scan.app.functions.values())


def test_findings_point_at_the_javascript_sinks(node_scan: ScanResult) -> None:
    lines = {(f.location.file, f.location.line) for f in node_scan.findings
             if f.rule_id == "FG-INJ-001"}
    assert lines == {("src/thumbnail.mjs", 14), ("src/thumbnail.mjs", 15)}
    shell = next(f for f in node_scan.findings if f.rule_id == "FG-INJ-001")
    assert shell.flow[0].message.startswith("source: S3 object key")


def test_policy_command_covers_node_functions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["policy", str(NODE), "--format", "json"]) == 0
    policies = json.loads(capsys.readouterr().out)
    assert policies["search"]["Statement"] == [
        {"Effect": "Allow", "Action": ["dynamodb:Scan"],
         "Resource": {"Fn::GetAtt": ["OrdersTable", "Arn"]}}]
    bucket = "arn:${AWS::Partition}:s3:::orders-uploads-vulnerable-node"
    assert policies["thumbnail"]["Statement"] == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": {"Fn::Sub": f"{bucket}/*"}},
        {"Effect": "Allow", "Action": ["s3:PutObject"],
         "Resource": {"Fn::Sub": f"{bucket}/thumbs/*"}}]
    assert policies["getOrder"]["Statement"] == []


def test_least_privilege_rules_read_node_calls(node_scan: ScanResult) -> None:
    # one role, seven functions, `Action: "*"`: FG-PERM-101 is folded into FG-PERM-001
    assert not [f for f in node_scan.findings if f.rule_id == "FG-PERM-101"]
    [unused] = [a for f in node_scan.findings if f.rule_id == "FG-PERM-001"
                for a in f.properties.get("absorbed", []) if a["rule_id"] == "FG-PERM-101"]
    assert unused["properties"]["functions"] == sorted(
        ["getOrder", "deleteOrder", "search", "proxy", "thumbnail", "importer", "report"])
    # the code's own calls are not counted unused: search uses one action, thumbnail two
    assert {"dynamodb:Scan", "s3:GetObject", "s3:PutObject"} <= set(
        unused["properties"]["used"])


def test_sarif_of_the_node_example_validates_with_code_flows(
        capsys: pytest.CaptureFixture[str]) -> None:
    import jsonschema
    from pipeline_support import load_json

    from tests.shared_data import SARIF_SCHEMA

    code = main(["scan", str(NODE), "--format", "sarif"])
    document = json.loads(capsys.readouterr().out)
    jsonschema.Draft7Validator(load_json(SARIF_SCHEMA)).validate(document)
    assert code == 1
    results = [r for r in document["runs"][0]["results"] if r["ruleId"] == "FG-INJ-004"]
    assert results and all(r.get("codeFlows") for r in results)
    steps = results[0]["codeFlows"][0]["threadFlows"][0]["locations"]
    uris = {s["location"]["physicalLocation"]["artifactLocation"]["uri"] for s in steps}
    assert any(uri.endswith("src/search.ts") for uri in uris)


def test_javascript_findings_show_a_javascript_remediation(node_scan: ScanResult) -> None:
    shell = next(f for f in node_scan.findings if f.rule_id == "FG-INJ-001")
    assert "execFile" in shell.remediation and "subprocess" not in shell.remediation


_CODE_RULES = ("FG-DATA-003", "FG-DATA-011", "FG-TP-003", "FG-TP-004")


def _code_flaws(result: ScanResult) -> set[tuple[str, str]]:
    """(rule id, handler file without extension) of the code-level findings under src/."""
    return {(f.rule_id, f.location.file.rsplit(".", 1)[0]) for f in result.findings
            if f.rule_id in _CODE_RULES and f.location.file.startswith("src/")}


def test_code_level_flaws_at_the_javascript_lines(node_scan: ScanResult) -> None:
    found = {(f.rule_id, f.location.file, f.location.line): f.message
             for f in node_scan.findings if f.rule_id in _CODE_RULES}
    assert set(found) == {("FG-DATA-003", "src/proxy.js", 5),
                          ("FG-TP-004", "src/proxy.js", 6),
                          ("FG-DATA-011", "src/orders.js", 15),
                          ("FG-DATA-011", "src/search.ts", 18)}
    assert "GitHub token in API_TOKEN" in found[("FG-DATA-003", "src/proxy.js", 5)]
    assert "rejectUnauthorized: false" in found[("FG-TP-004", "src/proxy.js", 6)]
    assert "DB_PASSWORD" in found[("FG-DATA-011", "src/orders.js", 15)]
    assert "event" in found[("FG-DATA-011", "src/search.ts", 18)]


def test_code_level_flaws_match_the_python_twin(node_scan: ScanResult,
                                                python_scan: ScanResult) -> None:
    python = _code_flaws(python_scan)
    assert len(python) == 4
    assert _code_flaws(node_scan) == python
