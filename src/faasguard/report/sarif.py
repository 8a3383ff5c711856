"""The SARIF 2.1.0 report (GitHub code scanning, IDE viewers, other SARIF consumers).

The run lists every rule of the catalogue (GitHub code scanning shows a rule's help only
when the rule is in the run, and lists rules that produced no alert as passing), each with
its full documentation, `security-severity`, tags (security, threat, CWE) and precision.
Results carry locations relative to `%SRCROOT%`, related locations, code flows,
`partialFingerprints` (faasguardFingerprint/v1, from Finding.fingerprint, line-free),
suppressions (inSource for comments, external for the config file and the baseline) and
the finding's own remediation (in the format of its file) as `properties.remediation`:
SARIF `fixes` are exact edits of the file (replaced regions), which a remediation
snippet is not.
Every diagnostic becomes a tool execution notification.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from faasguard.findings import SECURITY_SEVERITY, Finding, RuleMeta
from faasguard.model import Diagnostic, Location
from faasguard.report import ruledoc
from faasguard.report.base import (
    INFORMATION_URI,
    TOOL_NAME,
    Report,
    diagnostic_order,
    in_finding_order,
    suppression_of,
)
from faasguard.report.jsontext import Items, dumps

SARIF_SCHEMA = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                "sarif-schema-2.1.0.json")
FINGERPRINT_KEY = "faasguardFingerprint/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note",
          "info": "note"}
#: Taint flows are approximations of run-time behaviour; configuration facts are exact.
PRECISION = {"injection": "medium"}


def render(report: Report) -> str:
    """The report as SARIF 2.1.0 JSON text."""
    return dumps(document(report)) + "\n"


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict; results and notifications are `Items`, each
    made while it is written."""
    metas = {m.id: m for m in report.rules}
    for finding in report.findings:  # a finding of a rule missing from the catalogue
        metas.setdefault(finding.rule_id, RuleMeta(
            finding.rule_id, finding.title, finding.threat, finding.severity, finding.title))
    ordered = sorted(metas.values(), key=lambda m: m.id)
    index = {meta.id: i for i, meta in enumerate(ordered)}
    srcroot, prefix = _srcroot(report)
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": report.version,
            "semanticVersion": report.version,
            "informationUri": INFORMATION_URI,
            "rules": [_rule(meta) for meta in ordered],
        }},
        "originalUriBaseIds": {SRCROOT: {"uri": Path(srcroot).as_uri().rstrip("/") + "/"}},
        "invocations": [{
            "executionSuccessful": not report.nothing_scanned,
            "toolExecutionNotifications": Items(
                _notification(d, prefix)
                for d in sorted(report.diagnostics, key=diagnostic_order)),
        }],
        "results": Items(_result(f, index[f.rule_id], prefix)
                         for f in in_finding_order(report.findings)),
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _rule_name(title: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in re.findall(r"[A-Za-z0-9]+", title))


def _rule(meta: RuleMeta) -> dict[str, Any]:
    tags = ["security", f"threat:{meta.threat}",
            *(f"external/cwe/cwe-{n}" for n in meta.cwe)]
    rule: dict[str, Any] = {
        "id": meta.id,
        "name": _rule_name(meta.title),
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.description or meta.title},
        "help": {"text": ruledoc.text(meta), "markdown": ruledoc.markdown(meta)},
        "defaultConfiguration": {"level": LEVELS.get(meta.severity, "warning")},
        "properties": {
            "security-severity": SECURITY_SEVERITY.get(meta.severity, "5.0"),
            "tags": tags,
            "precision": PRECISION.get(meta.threat, "high"),
            "problem.severity": _problem_severity(meta.severity),
            "threat": meta.threat,
        },
    }
    if meta.cwe:
        rule["helpUri"] = ruledoc.cwe_url(meta.cwe[0])
    return rule


def _problem_severity(severity: str) -> str:
    return {"critical": "error", "high": "error", "medium": "warning"}.get(
        severity, "recommendation")


def _srcroot(report: Report) -> tuple[str, str]:
    """The folder %SRCROOT% stands for, and the scan root's path below it ("" if same)."""
    root = os.path.abspath(report.root)
    srcroot = os.path.abspath(report.srcroot or root)
    prefix = os.path.relpath(root, srcroot).replace(os.sep, "/")
    if prefix.startswith(".."):
        return root, ""
    return srcroot, "" if prefix == "." else prefix + "/"


def _uri(file: str, prefix: str) -> dict[str, str]:
    if os.path.isabs(file):
        return {"uri": Path(file).as_uri()}
    return {"uri": _quoted(prefix + file if file else prefix or "."), "uriBaseId": SRCROOT}


@lru_cache(maxsize=4096)
def _quoted(path: str) -> str:
    """A relative path as a URI reference (findings share files: each is quoted once)."""
    return quote(path, safe="/")


def _physical(location: Location, prefix: str) -> dict[str, Any]:
    return {"artifactLocation": _uri(location.file, prefix),
            "region": {"startLine": max(1, location.line),
                       "endLine": max(1, location.line, location.end_line or 0)}}


def _result(finding: Finding, rule_index: int, prefix: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _physical(finding.location, prefix)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity, "threat": finding.threat,
                       "confidence": finding.confidence, "subject": finding.subject},
    }
    if finding.remediation:
        result["properties"]["remediation"] = finding.remediation
    if finding.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": _physical(loc, prefix), "message": {"text": msg}}
            for i, (loc, msg) in enumerate(finding.related, 1)]
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


def _notification(diag: Diagnostic, prefix: str) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": diag.level,
        "message": {"text": f"{diag.file}: {diag.message}" if diag.file else diag.message},
        "descriptor": {"id": diag.code},
    }
    if diag.file:
        physical: dict[str, Any] = {"artifactLocation": _uri(diag.file, prefix)}
        if diag.line:
            physical["region"] = {"startLine": max(1, diag.line)}
        note["locations"] = [{"physicalLocation": physical}]
    return note
