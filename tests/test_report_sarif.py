"""The SARIF report validates against the SARIF 2.1.0 schema and carries what GitHub reads."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from pipeline_support import load_json, sample_report

from faasguard.findings import RULES
from faasguard.report import render
from tests.shared_data import SARIF_SCHEMA


@pytest.fixture(scope="module")
def sarif_validators():
    schema = load_json(SARIF_SCHEMA)
    return [jsonschema.Draft7Validator(schema),
            jsonschema.validators.validator_for(schema)(schema)]


def sarif(report=None):
    return json.loads(render(report or sample_report("/tmp/project dir"), "sarif"))


def test_sarif_validates(sarif_validators):
    document = sarif()
    for validator in sarif_validators:
        validator.validate(document)
    assert document["version"] == "2.1.0"


def test_driver_lists_every_rule_with_metadata():
    driver = sarif()["runs"][0]["tool"]["driver"]
    assert driver["name"] == "faasguard" and driver["version"] and driver["informationUri"]
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(RULES)
    rule = driver["rules"][ids.index("FG-AUTH-001")]
    assert rule["shortDescription"]["text"] == RULES["FG-AUTH-001"].meta.title
    assert "AuthType" in rule["fullDescription"]["text"]
    assert "## How to fix it" in rule["help"]["markdown"] and rule["help"]["text"]
    assert rule["properties"]["security-severity"] == "8.0"
    assert rule["properties"]["tags"] == ["security", "threat:auth", "external/cwe/cwe-306"]
    assert rule["properties"]["precision"] == "high"
    assert rule["defaultConfiguration"]["level"] == "error"


def test_results_locations_fingerprints_flows_and_suppressions():
    report = sample_report("/tmp/project dir")
    run = sarif(report)["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = {r["ruleId"]: r for r in run["results"]}
    assert len(run["results"]) == 4
    for result in run["results"]:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    url = results["FG-AUTH-001"]
    assert url["level"] == "error"
    location = url["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "template.yaml", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "endLine": 13}
    assert url["relatedLocations"][0]["message"]["text"] == "function Api"
    finding = next(f for f in report.findings if f.rule_id == "FG-AUTH-001")
    assert url["partialFingerprints"] == {"faasguardFingerprint/v1": finding.fingerprint}
    assert "suppressions" not in url
    perm = results["FG-PERM-001"]
    assert perm["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "sub%20dir/serverless.yml"
    steps = perm["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps] == [3, 9]
    assert results["FG-DATA-001"]["suppressions"] == [
        {"kind": "inSource", "status": "accepted", "justification": "rotated weekly",
         "properties": {"source": "comment"}}]
    assert results["FG-AUTH-002"]["suppressions"][0]["kind"] == "external"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/project%20dir/"


def test_diagnostics_become_notifications():
    invocation = sarif()["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["note", "error", "warning"]
    broken = notes[1]
    assert "invalid YAML" in broken["message"]["text"]
    assert broken["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3}}
    assert "locations" not in notes[0]


def test_nothing_scanned_is_not_successful(sarif_validators):
    report = sample_report()
    report.findings = []
    report.nothing_scanned = True
    document = sarif(report)
    assert document["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert document["runs"][0]["results"] == []
    sarif_validators[0].validate(document)


def test_real_scan_validates(sarif_validators, capsys, tmp_path):
    from pipeline_support import FIXTURES, run_cli

    for name in ("app", "sam", "suppressed"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text("Resources: [unclosed\n")
    code, out, _ = run_cli(capsys, "scan", str(tmp_path), "--format", "sarif")
    document = json.loads(out)
    for validator in sarif_validators:
        validator.validate(document)
    run = document["runs"][0]
    assert code == 1
    assert {r["ruleId"] for r in run["results"]} >= {"FG-AUTH-001", "FG-PERM-001",
                                                     "FG-DATA-001"}
    kinds = {s["kind"] for r in run["results"] for s in r.get("suppressions", [])}
    assert kinds == {"inSource"}
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("broken.yaml" in n["message"]["text"] for n in notes)


def test_locations_are_relative_to_the_repository_root(capsys, monkeypatch, tmp_path):
    """GitHub resolves SARIF paths against the checkout: a scan of a subfolder names
    files from the folder CI runs in (the repository root)."""
    report = sample_report("/tmp/repo/services/api")
    report.srcroot = "/tmp/repo"
    run = sarif(report)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert "services/api/template.yaml" in uris
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/repo/"
    report.srcroot = "/elsewhere"  # not above the root: paths stay relative to the root
    run = sarif(report)["runs"][0]
    assert "template.yaml" in {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                               for r in run["results"]}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/repo/services/api/"

    from pipeline_support import FIXTURES, REPO, run_cli

    monkeypatch.chdir(REPO)
    _, out, _ = run_cli(capsys, "scan", "tests/fixtures/pipeline/app", str(tmp_path / "gone"),
                        "--format", "sarif")
    run = json.loads(out)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]}
    assert uris == {"tests/fixtures/pipeline/app/serverless.yml"}
    missing = run["invocations"][0]["toolExecutionNotifications"][0]
    assert missing["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": (tmp_path / "gone").as_uri()}
    assert FIXTURES.is_dir()


def test_results_carry_their_own_remediation(sarif_validators, capsys, tmp_path):
    """Each result has its finding's remediation (in the format of the finding's file: a
    serverless.yml fix for a Serverless finding), the same text as the JSON report's."""
    from pipeline_support import FIXTURES, run_cli

    for name in ("app", "sam"):
        shutil.copytree(FIXTURES / name, tmp_path / name)
    _, out, _ = run_cli(capsys, "scan", str(tmp_path), "--format", "sarif")
    document = json.loads(out)
    for validator in sarif_validators:
        validator.validate(document)
    _, json_out, _ = run_cli(capsys, "scan", str(tmp_path), "--format", "json")
    fixes = {(f["rule_id"], f["location"]["file"], f["location"]["line"], f["message"]):
             f["remediation"] for f in json.loads(json_out)["findings"]}
    results = document["runs"][0]["results"]
    assert len(results) == len(fixes)
    for result in results:
        where = result["locations"][0]["physicalLocation"]
        key = (result["ruleId"], where["artifactLocation"]["uri"],
               where["region"]["startLine"], result["message"]["text"])
        assert result["properties"].get("remediation", "") == fixes[key]
    serverless = [r for r in results if r["locations"][0]["physicalLocation"]
                  ["artifactLocation"]["uri"].endswith("serverless.yml")
                  and "serverless" in RULES[r["ruleId"]].meta.remediation]
    assert serverless
    for result in serverless:
        assert result["properties"]["remediation"] == \
            RULES[result["ruleId"]].meta.remediation["serverless"]


def test_a_finding_without_remediation_has_none_in_sarif(sarif_validators):
    report = sample_report()
    report.findings[0].remediation = ""
    document = sarif(report)
    sarif_validators[0].validate(document)
    by_rule = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert "remediation" not in by_rule[report.findings[0].rule_id]["properties"]
    assert by_rule[report.findings[1].rule_id]["properties"]["remediation"] == \
        report.findings[1].remediation
