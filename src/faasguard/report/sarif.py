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
from faasguard.report.jsontext import (
    Items,
    dumps,
    elements,
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
    made while it is written (a result as its text made for the place it stands at:
    `Items(placed=True)`)."""
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
        "results": Items(map(_Known(index, prefix).result, in_finding_order(report.findings)),
                         placed=True),
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


class _Known:
    """Writes results, the texts of what they share made once per report: a rule's head
    members (id, index, level), the properties of a severity, threat and confidence, the
    remediations, and each file's location text up to its line."""

    LIMIT = 1024

    def __init__(self, index: dict[str, int], prefix: str) -> None:
        self.index = index
        self.prefix = prefix
        #: (rule id, severity) -> the result's members before its message's text
        self.heads: dict[tuple[str, str], str] = {}
        #: (severity, threat, confidence) -> the properties' members before the subject's
        self.kinds: dict[tuple[str, str, str], str] = {}
        #: remediation -> its member in the properties (its JSON text)
        self.remediations: dict[str, str] = {}
        #: file -> a result's physicalLocation text up to its start line's value
        self.places: dict[str, str] = {}

    def result(self, finding: Finding) -> str:
        """A result's text where it stands (an item of "results": the item at an indent
        of eight spaces, its members at ten, written literally); related locations, code
        flows and suppressions, which few results have, as `_rest` writes them."""
        head = self.heads.get((finding.rule_id, finding.severity)) or self._head(finding)
        kind = self.kinds.get((finding.severity, finding.threat, finding.confidence)) or \
            self._kind(finding)
        location = finding.location
        place = self.places.get(location.file) or self._place(location.file)
        line = location.line if location.line > 1 else 1
        end = location.end_line or 0
        remediation = "" if not finding.remediation else (
            self.remediations.get(finding.remediation) or self._remediation(finding.remediation))
        rest = self._rest(finding) if finding.related or finding.flow or \
            finding.suppressed is not None else ""
        return (
            f'{head}{string_text(finding.message)}\n'
            f'          }},\n'
            f'          "locations": [\n'
            f'            {{\n'
            f'              "physicalLocation": {place}{line},\n'
            f'                  "endLine": {end if end > line else line}\n'
            f'                }}\n'
            f'              }}\n'
            f'            }}\n'
            f'          ],\n'
            f'          "partialFingerprints": {{\n'
            f'            "{FINGERPRINT_KEY}": "{finding.fingerprint}"\n'  # nothing to escape
            f'          }},\n'
            f'          "properties": {{\n'
            f'{kind}{string_text(finding.subject)}{remediation}\n'
            f'          }}{rest}\n'
            f'        }}')

    def _head(self, finding: Finding) -> str:
        text = self.heads[(finding.rule_id, finding.severity)] = (
            f'{{\n'
            f'          "ruleId": {string_text(finding.rule_id)},\n'
            f'          "ruleIndex": {self.index[finding.rule_id]},\n'
            f'          "level": {string_text(LEVELS.get(finding.severity, "warning"))},\n'
            f'          "message": {{\n'
            f'            "text": ')
        return text

    def _kind(self, finding: Finding) -> str:
        text = self.kinds[(finding.severity, finding.threat, finding.confidence)] = (
            f'            "severity": {string_text(finding.severity)},\n'
            f'            "threat": {string_text(finding.threat)},\n'
            f'            "confidence": {string_text(finding.confidence)},\n'
            f'            "subject": ')
        return text

    def _remediation(self, remediation: str) -> str:
        if len(self.remediations) >= self.LIMIT:
            self.remediations.clear()
        text = self.remediations[remediation] = \
            f',\n            "remediation": {string_text(remediation)}'
        return text

    def _place(self, file: str) -> str:
        if len(self.places) >= self.LIMIT:
            self.places.clear()
        text = self.places[file] = self._start(file, " " * 16)
        return text

    def _start(self, file: str, pad: str) -> str:
        """A physicalLocation object's text up to its start line's value, its members at
        indent `pad`."""
        return (f'{{\n{pad}"artifactLocation": {_uri_text(file, self.prefix, pad)},\n'
                f'{pad}"region": {{\n{pad}  "startLine": ')

    def _physical(self, location: Location, pad: str) -> str:
        """The text of a physicalLocation object whose members stand at indent `pad`."""
        line = location.line if location.line > 1 else 1
        end = location.end_line or 0
        file = location.file
        start = (self.places.get(file) or self._place(file)) if len(pad) == 16 else \
            self._start(file, pad)  # (a flow's steps stand deeper than a result's location)
        return (f'{start}{line},\n'
                f'{pad}  "endLine": {end if end > line else line}\n{pad}}}\n{pad[2:]}}}')

    def _rest(self, finding: Finding) -> str:
        """The members after the properties of a result with related locations, a code
        flow or a suppression, at the result's depth (its members at ten spaces)."""
        texts = [""]
        if finding.related:
            pad = " " * 14
            related = [f'{{\n{pad}"id": {i},\n'
                       f'{pad}"physicalLocation": {self._physical(location, pad + "  ")},\n'
                       f'{pad}"message": {{\n{pad}  "text": {string_text(message)}\n{pad}}}\n'
                       f'            }}'
                       for i, (location, message) in enumerate(finding.related, 1)]
            texts.append(f'"relatedLocations": {elements(" " * 10, related)}')
        if finding.flow:
            pad = " " * 24
            steps = [f'{{\n'
                     f'                      "location": {{\n'
                     f'{pad}"physicalLocation": {self._physical(step.location, pad + "  ")},\n'
                     f'{pad}"message": {{\n{pad}  "text": {string_text(step.message)}\n{pad}}}\n'
                     f'                      }},\n'
                     f'                      "executionOrder": {order}\n'
                     f'                    }}'
                     for order, step in enumerate(finding.flow, 1)]
            texts.append(
                f'"codeFlows": [\n'
                f'            {{\n'
                f'              "threadFlows": [\n'
                f'                {{\n'
                f'                  "locations": {elements(" " * 18, steps)}\n'
                f'                }}\n'
                f'              ]\n'
                f'            }}\n'
                f'          ]')
        suppression = suppression_of(finding)
        if suppression is not None:
            texts.append('"suppressions": ' + text_of(
                [{"kind": suppression["kind"], "status": "accepted",
                  "justification": suppression["reason"],
                  "properties": {"source": suppression["source"]}}], " " * 10))
        return ",\n          ".join(texts)


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
