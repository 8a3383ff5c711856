"""The JSON report: a documented, versioned document (schema: data/report-schema.json).

`{"version": "1", "tool": {...}, "summary": {...}, "findings": [...],
"diagnostics": [...]}`. Keys keep a fixed order, findings are sorted by file, line, rule
and subject, and suppressed findings stay in the list with their `suppression`. Version
"1" only grows by new optional keys; a removed or renamed key means version "2".
"""

from __future__ import annotations

from typing import Any

from faasguard.findings import Finding
from faasguard.model import Diagnostic, Location
from faasguard.report.base import (
    INFORMATION_URI,
    TOOL_NAME,
    Report,
    diagnostic_order,
    in_finding_order,
    summary,
    suppression_of,
)
from faasguard.report.jsontext import Items, dumps

REPORT_VERSION = "1"


def render(report: Report) -> str:
    """The report as JSON text (UTF-8, two-space indent, trailing newline)."""
    return dumps(document(report)) + "\n"


def document(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict, keys in their documented order; findings and
    diagnostics are `Items`, each made while it is written."""
    return {
        "version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version,
                 "informationUri": INFORMATION_URI},
        "summary": summary(report),
        "findings": Items(map(_finding, in_finding_order(report.findings))),
        "diagnostics": Items(map(_diagnostic, sorted(report.diagnostics,
                                                     key=diagnostic_order))),
    }


def _location(location: Location) -> dict[str, Any]:
    line = max(1, location.line)
    return {"file": location.file, "line": line, "end_line": max(line, location.end_line or 0)}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule_id": finding.rule_id,
        "title": finding.title,
        "threat": finding.threat,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "message": finding.message,
        "location": _location(finding.location),
        "subject": finding.subject,
        "fingerprint": finding.fingerprint,
        "remediation": finding.remediation,
        "related": [{"location": _location(loc), "message": msg} for loc, msg in finding.related],
        "flow": [{"location": _location(step.location), "message": step.message}
                 for step in finding.flow],
        "suppression": suppression_of(finding),
        "properties": {k: v for k, v in sorted(finding.properties.items())
                       if k != "suppression"},
    }


def _diagnostic(diag: Diagnostic) -> dict[str, Any]:
    return {"file": diag.file, "line": diag.line or None, "level": diag.level, "code": diag.code,
            "message": diag.message}
