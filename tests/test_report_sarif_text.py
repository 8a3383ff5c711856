"""The SARIF reporter writes each result as literal text at fixed depths (f-strings, what
results share written once per report): the log must stay what `json.dumps(...,
indent=2, ensure_ascii=False)` writes of the same result as a dict, for any string, any
shape (related locations, flows, suppressions, a remediation or none), files relative and
absolute, and more files than the per-report caches keep."""

from __future__ import annotations

import io
import json
from typing import Any

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import RULES, Finding, FlowStep, make_finding
from faasguard.model import Location
from faasguard.report import render, sarif, write
from faasguard.report.base import Report, suppression_of
from tests.compiled_support import pure_only

ODD = ['a"b', "back\\slash", "tab\tnl\nnul\x00us\x1fdel\x7f", "é/日本/🙂", "\u2028\u2029",
       "</script>", "", " ", "*", "sp ace%"]


def _physical(location: Location, prefix: str) -> dict[str, Any]:
    line = location.line if location.line > 1 else 1
    end = location.end_line or 0
    return {"artifactLocation": sarif._uri(location.file, prefix),
            "region": {"startLine": line, "endLine": end if end > line else line}}


def _result(finding: Finding, index: dict[str, int], prefix: str) -> dict[str, Any]:
    """A result as a dict, from the SARIF the reporter documents (what it must write)."""
    properties = {"severity": finding.severity, "threat": finding.threat,
                  "confidence": finding.confidence, "subject": finding.subject}
    if finding.remediation:
        properties["remediation"] = finding.remediation
    result: dict[str, Any] = {
        "ruleId": finding.rule_id, "ruleIndex": index[finding.rule_id],
        "level": sarif.LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location, prefix)}],
        "partialFingerprints": {sarif.FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(location, prefix),
             "message": {"text": message}}
            for i, (location, message) in enumerate(finding.related, 1)]
    if finding.flow:
        result["codeFlows"] = [{"threadFlows": [{"locations": [
            {"location": {"physicalLocation": _physical(step.location, prefix),
                          "message": {"text": step.message}},
             "executionOrder": order}
            for order, step in enumerate(finding.flow, 1)]}]}]
    suppression = suppression_of(finding)
    if suppression is not None:
        result["suppressions"] = [{"kind": suppression["kind"], "status": "accepted",
                                   "justification": suppression["reason"],
                                   "properties": {"source": suppression["source"]}}]
    return result


def _check(report: Report) -> None:
    """The report's text is json.dumps of its document with the results as dicts."""
    text = render(report, "sarif")
    document = json.loads(text)
    index = {rule["id"]: i for i, rule in enumerate(document["runs"][0]["tool"]["driver"]
                                                    ["rules"])}
    _, prefix = sarif._srcroot(report)
    document["runs"][0]["results"] = [_result(f, index, prefix) for f in report.findings]
    assert text == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    write(report, "sarif", out)
    assert out.getvalue() == text


def _finding(file: str, line: int, subject: str, rule_id: str = "FG-PERM-101",
             **extra: Any) -> Finding:
    return make_finding(rule_id, extra.pop("message", "m"), Location(file, line), subject,
                        **extra)


def _report(findings: list[Finding], srcroot: str | None = None) -> Report:
    findings.sort(key=lambda f: (f.location.file, f.location.line, f.rule_id, f.subject))
    return Report(findings=findings, diagnostics=[], files_scanned=3, root="/tmp/proj",
                  rules=[registered.meta for _, registered in sorted(RULES.items())],
                  srcroot=srcroot)


def test_adversarial_strings_and_shapes_write_what_json_dumps_writes() -> None:
    findings = []
    for i, text in enumerate(ODD):
        file = f"{text}.yml"
        findings.append(_finding(
            file, i, f"s{i}{text}", message=f"message {text}", remediation=f"fix {text}",
            related=[(Location(file, 0), text), (Location(f"other{text}", 5, 3), "")],
            flow=[FlowStep(Location(file, i + 2, i + 9), f"step {text}"),
                  FlowStep(Location("/abs/olute.py", 1), text)],
            properties={text: text}))
        findings.append(_finding(file, i, "severities", rule_id="FG-AUTH-001",
                                 severity=("critical", "low", "info")[i % 3],
                                 confidence=("high", "medium", "low")[i % 3]))
    findings.append(_finding("z.yml", 1, "long", flow=[
        FlowStep(Location(f"flow{i % 3}.py", i, None), f"step {i}") for i in range(300)]))
    findings.append(_finding("z.yml", 2, "bare", remediation=""))
    findings.append(_finding("/abs/file.yml", 3, "absolute"))
    for kind, source in (("inSource", "comment"), ("external", "config")):
        suppressed = _finding("z.yml", 5, f"suppressed {kind}", properties={
            "suppression": {"kind": kind, "source": source}})
        suppressed.suppressed = 'reason "quoted"\n'
        findings.append(suppressed)
    _check(_report(findings))
    _check(_report(findings, srcroot="/tmp"))  # locations below the repository root


@pure_only("lowers _Known.LIMIT, a compiled class's attribute")
def test_caches_are_bounded_and_right_after_eviction(monkeypatch) -> None:
    monkeypatch.setattr(sarif._Known, "LIMIT", 8)
    files = [f"dir{i}/\"f{i}\".yml" for i in range(30)]
    findings = [_finding(files[i % 30], i, f"s{i}", remediation=f"fix {i % 13}",
                         related=[(Location(files[(i * 7) % 30], 1), "r")],
                         flow=[FlowStep(Location(files[(i * 11) % 30], 2), "f")])
                for i in range(200)]
    _check(_report(findings))
    known = sarif._Known({"FG-PERM-101": 0}, "")
    for i in range(30):
        known.result(_finding(files[i], 1, "s"))
    assert len(known.places) <= 8
