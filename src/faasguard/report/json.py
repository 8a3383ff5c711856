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
from faasguard.report.jsontext import (
    Items,
    Text,
    dumps,
    elements,
    string_text,
    text_of,
)

REPORT_VERSION = "1"


def render(report: Report) -> str:
    """The report as JSON text (UTF-8, two-space indent, trailing newline)."""
    return dumps(document(report)) + "\n"


def document(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict, keys in their documented order; findings and
    diagnostics are `Items`, each made while it is written (a finding as its `Text`)."""
    return {
        "version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version,
                 "informationUri": INFORMATION_URI},
        "summary": summary(report),
        "findings": Items(map(_finding, in_finding_order(report.findings))),
        "diagnostics": Items(map(_diagnostic, sorted(report.diagnostics,
                                                     key=diagnostic_order))),
    }


def _location(location: Location, pad: str) -> str:
    line = location.line if location.line > 1 else 1
    end = location.end_line or 0
    return (f'{{\n{pad}  "file": {string_text(location.file)},\n{pad}  "line": {line},\n'
            f'{pad}  "end_line": {end if end > line else line}\n{pad}}}')


def _step(location: Location, message: str) -> str:
    """A related location or a flow step, as an item of its array in a finding."""
    return (f'{{\n      "location": {_location(location, "      ")},\n'
            f'      "message": {string_text(message)}\n    }}')


def _finding(finding: Finding) -> Text:
    """A finding's text: one f-string over its fixed shape (`members` of each part would
    cost a third more), the parts most findings leave empty written without a call."""
    related = elements("  ", [_step(loc, msg) for loc, msg in finding.related]) \
        if finding.related else "[]"
    flow = elements("  ", [_step(step.location, step.message) for step in finding.flow]) \
        if finding.flow else "[]"
    suppression = "null" if finding.suppressed is None else \
        text_of(suppression_of(finding), "  ")
    properties = text_of({k: v for k, v in sorted(finding.properties.items())
                          if k != "suppression"}, "  ") if finding.properties else "{}"
    return Text(
        f'{{\n  "rule_id": {string_text(finding.rule_id)},\n'
        f'  "title": {string_text(finding.title)},\n'
        f'  "threat": {string_text(finding.threat)},\n'
        f'  "severity": {string_text(finding.severity)},\n'
        f'  "confidence": {string_text(finding.confidence)},\n'
        f'  "message": {string_text(finding.message)},\n'
        f'  "location": {_location(finding.location, "  ")},\n'
        f'  "subject": {string_text(finding.subject)},\n'
        f'  "fingerprint": {string_text(finding.fingerprint)},\n'
        f'  "remediation": {string_text(finding.remediation)},\n'
        f'  "related": {related},\n'
        f'  "flow": {flow},\n'
        f'  "suppression": {suppression},\n'
        f'  "properties": {properties}\n}}')


def _diagnostic(diag: Diagnostic) -> dict[str, Any]:
    return {"file": diag.file, "line": diag.line or None, "level": diag.level, "code": diag.code,
            "message": diag.message}
