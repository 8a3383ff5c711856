"""Text, JSON and SARIF reports of an analysis."""

from __future__ import annotations

import json

import jsonschema
import pytest

from faasguard.monitor.detectors import Settings
from faasguard.monitor.engine import Analysis, analyze
from faasguard.monitor.report import json as json_report
from faasguard.monitor.report import sarif, text
from tests.monitor.monitor_support import call, report, request
from tests.shared_data import SARIF_SCHEMA as SCHEMA


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    events = [report(i * 60.0, duration=200.0 + i, init_ms=300.0 if i == 0 else None,
                     line=i + 1) for i in range(30)]
    events += [request(i * 2.0, ip="203.0.113.77", method="POST", path="/login",
                       route="POST /login", status=401, line=100 + i) for i in range(25)]
    events.append(call(30.0, "iam.amazonaws.com:ListUsers", "arn:aws:iam::1:root", "Root",
                       line=7))
    return analyze(events, Settings(budget_usd_per_day=1000.0))


def test_text_lists_alerts_functions_and_cost(analysis: Analysis) -> None:
    out = text.render(analysis)
    assert "[HIGH] FGM-IAM-005 Root user activity" in out
    assert "[MEDIUM] FGM-AUTH-001" in out and "see access.log:100" in out
    assert out.index("FGM-IAM-005") < out.index("FGM-AUTH-001")  # most severe first
    line = next(x for x in out.splitlines() if x.startswith("orders-api"))
    assert line.split()[1] == "30"  # invocations
    assert "(budget $1,000.00/day)" in out


def test_json_carries_summary_percentiles_cold_starts_and_series(analysis: Analysis) -> None:
    doc = json.loads(json_report.render(analysis))
    assert {a["detector"] for a in doc["alerts"]} == {"FGM-IAM-005", "FGM-AUTH-001"}
    fn = next(f for f in doc["functions"] if f["function"] == "orders-api")
    assert fn["invocations"] == 30 and fn["cold_starts"] == 1
    assert fn["p50_ms"] == pytest.approx(214.5) and fn["p99_ms"] == pytest.approx(228.71)
    gb_s = sum((201 + i) * 512 / 1024 / 1000 for i in range(30))
    assert fn["usd"] == pytest.approx(30 * 0.2e-6 + gb_s * 1.66667e-05, rel=1e-4)
    assert sum(p["invocations"] for p in doc["series"]["points"]) == 30
    assert doc["start"].endswith("Z") and doc["events"] == 56


def test_sarif_is_valid_and_points_at_log_lines(analysis: Analysis) -> None:
    doc = sarif.document(analysis)
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    results = doc["runs"][0]["results"]
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    root = next(r for r in results if r["ruleId"] == "FGM-IAM-005")
    assert rules[root["ruleIndex"]]["id"] == "FGM-IAM-005"
    physical = root["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "trail.json"
    assert physical["region"]["startLine"] == 7
    assert root["locations"][0]["logicalLocations"][0]["kind"] == "principal"
    assert root["level"] == "error" and root["partialFingerprints"]
