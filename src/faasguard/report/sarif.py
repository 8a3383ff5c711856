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

from faasguard.findings import SECURITY_SEVERITY, Finding, FlowStep, RuleMeta
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
from faasguard.report.jsontext import (
    Items,
    Text,
    dumps,
    elements,
    members,
    string_text,
    text_of,
)

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
        if finding.rule_id not in metas:
            metas[finding.rule_id] = RuleMeta(finding.rule_id, finding.title, finding.threat,
                                              finding.severity, finding.title)
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
    """A relative path as a URI reference (findings share files: each is quoted once);
    a name that is not UTF-8 is quoted as its own bytes."""
    return quote(path, safe="/", errors="surrogateescape")


@lru_cache(maxsize=4096)
def _uri_text(file: str, prefix: str, pad: str) -> str:
    """The text of `_uri`, standing at indent `pad` (findings share files and depths)."""
    return text_of(_uri(file, prefix), pad)


def _physical(location: Location, prefix: str, pad: str) -> str:
    """The text of a physicalLocation object standing at indent `pad`."""
    inner = pad + "  "
    line = location.line if location.line > 1 else 1
    end = location.end_line or 0
    region = members(inner, f'"startLine": {line}', f'"endLine": {end if end > line else line}')
    return members(pad, f'"artifactLocation": {_uri_text(location.file, prefix, inner)}',
                   f'"region": {region}')


def _message(text: str, pad: str) -> str:
    return members(pad, f'"text": {string_text(text)}')


def _result(finding: Finding, rule_index: int, prefix: str) -> Text:
    """A result's text (made for the top of the document: `Text`)."""
    properties = [f'"severity": {string_text(finding.severity)}',
                  f'"threat": {string_text(finding.threat)}',
                  f'"confidence": {string_text(finding.confidence)}',
                  f'"subject": {string_text(finding.subject)}']
    if finding.remediation:
        properties.append(f'"remediation": {string_text(finding.remediation)}')
    location = members(" " * 4,
                       f'"physicalLocation": {_physical(finding.location, prefix, " " * 6)}')
    fingerprint = members("  ",
                          f'{string_text(FINGERPRINT_KEY)}: {string_text(finding.fingerprint)}')
    texts = [
        f'"ruleId": {string_text(finding.rule_id)}',
        f'"ruleIndex": {rule_index}',
        f'"level": {string_text(LEVELS.get(finding.severity, "warning"))}',
        f'"message": {_message(finding.message, "  ")}',
        f'"locations": {elements("  ", [location])}',
        f'"partialFingerprints": {fingerprint}',
        f'"properties": {members("  ", *properties)}',
    ]
    if finding.related:
        related = [members(" " * 4, f'"id": {i}',
                           f'"physicalLocation": {_physical(loc, prefix, " " * 6)}',
                           f'"message": {_message(msg, " " * 6)}')
                   for i, (loc, msg) in enumerate(finding.related, 1)]
        texts.append(f'"relatedLocations": {elements("  ", related)}')
    if finding.flow:
        steps = [members(" " * 12, f'"location": {_flow_location(step, prefix)}',
                         f'"executionOrder": {order}')
                 for order, step in enumerate(finding.flow, 1)]
        thread = members(" " * 8, f'"locations": {elements(" " * 10, steps)}')
        flow = members(" " * 4, f'"threadFlows": {elements(" " * 6, [thread])}')
        texts.append(f'"codeFlows": {elements("  ", [flow])}')
    suppression = suppression_of(finding)
    if suppression is not None:
        texts.append('"suppressions": ' + text_of(
            [{"kind": suppression["kind"], "status": "accepted",
              "justification": suppression["reason"],
              "properties": {"source": suppression["source"]}}], "  "))
    return Text(members("", *texts))


def _flow_location(step: FlowStep, prefix: str) -> str:
    """A code flow step's location object, where it stands in a result."""
    return members(" " * 14, f'"physicalLocation": {_physical(step.location, prefix, " " * 16)}',
                   f'"message": {_message(step.message, " " * 16)}')


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
