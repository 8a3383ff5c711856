"""The JSON report: a documented, versioned document (schema: data/report-schema.json).

`{"version": "1", "tool": {...}, "summary": {...}, "findings": [...],
"diagnostics": [...]}`. Keys keep a fixed order, findings are sorted by file, line, rule
and subject, and suppressed findings stay in the list with their `suppression`. Version
"1" only grows by new optional keys; a removed or renamed key means version "2".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import repeat
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
    dumps,
    elements,
    members,
    string_text,
    text_of,
)

REPORT_VERSION = "1"


def render(report: Report) -> str:
    """The report as JSON text (UTF-8, two-space indent, trailing newline)."""
    return dumps(document(report)) + "\n"


def document(report: Report) -> dict[str, Any]:
    """The report as a JSON-ready dict, keys in their documented order; findings and
    diagnostics are `Items`, each made while it is written (a finding as its text made for
    the place it stands at: `Items(placed=True)`)."""
    return {
        "version": REPORT_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version,
                 "informationUri": INFORMATION_URI},
        "summary": summary(report),
        "findings": Items(map(_finding, in_finding_order(report.findings), repeat(_Known())),
                          placed=True),
        "diagnostics": Items(map(_diagnostic, sorted(report.diagnostics,
                                                     key=diagnostic_order))),
    }


def _steps(steps: Iterable[tuple[Location, str]], known: _Known,
           encode: Callable[[str], str] = string_text) -> str:
    """The array of a finding's related locations or flow steps, standing at a finding's
    members' indent (six spaces; each step at eight, its members at ten, its location's at
    twelve, written literally): one f-string a step. `encode` is `string_text` bound as a
    local."""
    texts = []
    files = known.files
    for location, message in steps:
        line = location.line if location.line > 1 else 1
        end = location.end_line or 0
        texts.append(
            f'{{\n          "location": {{\n'
            f'            "file": {files.get(location.file) or known.file(location.file)},\n'
            f'            "line": {line},\n'
            f'            "end_line": {end if end > line else line}\n          }},\n'
            f'          "message": {encode(message)}\n        }}')
    return elements("      ", texts)


class _Known:
    """The texts of what findings share, each written once per report: a rule's head
    members, remediations, locations' files, properties and property values (rules give
    alike findings one object per distinct value: FG-PERM-101's counts and samples).
    Bounded: a report of thousands of distinct values keeps only the last ones (the heads
    are not: a rule's findings have one, or one per severity and confidence they are
    given)."""

    LIMIT = 1024

    def __init__(self) -> None:
        self._texts: dict[tuple[int, str], tuple[Any, str]] = {}
        #: (rule id, title, threat, severity, confidence) -> the text of a finding's
        #: first members up to '"message": ' (the same for the findings of a rule)
        self.heads: dict[tuple[str, str, str, str, str], str] = {}
        #: remediation -> its JSON text (findings of a rule share a few snippets)
        self.remediations: dict[str, str] = {}
        #: file -> its JSON text (a file holds several findings, a finding's steps often
        #: point at one file)
        self.files: dict[str, str] = {}
        #: (ids of a properties dict's keys, of its values, pad) -> (keys, values, text)
        self._whole: dict[tuple[tuple[int, ...], tuple[int, ...], str],
                          tuple[tuple[Any, ...], tuple[Any, ...], str]] = {}

    def head(self, key: tuple[str, str, str, str, str]) -> str:
        """The text of a finding's members before its message, from their values `key`."""
        text = self.heads[key] = "".join(
            f'      "{name}": {string_text(value)},\n'
            for name, value in zip(_HEAD_NAMES, key, strict=True))
        return text

    def remediation(self, remediation: str) -> str:
        """The JSON text of a remediation, kept for the next finding showing it."""
        if len(self.remediations) >= self.LIMIT:
            self.remediations.clear()
        text = self.remediations[remediation] = string_text(remediation)
        return text

    def file(self, file: str) -> str:
        """The JSON text of a location's file, kept for the next location in it."""
        if len(self.files) >= self.LIMIT:
            self.files.clear()
        text = self.files[file] = string_text(file)
        return text

    def properties(self, properties: dict[str, Any], pad: str) -> str:
        """The text of a finding's properties (the suppression left out), keys sorted;
        written once for the findings whose properties hold the very same keys and values
        (FG-PERM-101's of alike functions)."""
        keys = tuple(properties)
        values = tuple(properties.values())
        # the entry holds the keys and values: no other object can have their ids
        key = (tuple(map(id, keys)), tuple(map(id, values)), pad)
        known = self._whole.get(key)
        if known is not None:
            return known[2]
        text = self._properties(properties, pad)
        if len(self._whole) >= self.LIMIT:
            self._whole.clear()
        self._whole[key] = (keys, values, text)
        return text

    # (keys typed Any: a finding's properties may hold other keys, which `json` converts;
    # compiled, a `str` key type is checked on each item)
    def _properties(self, properties: dict[Any, Any], pad: str) -> str:
        shown = {k: v for k, v in sorted(properties.items()) if k != "suppression"}
        if not all(type(key) is str for key in shown):  # keys `json` converts: as it does
            return text_of(shown, pad)
        inner = pad + "  "
        texts = [f"{string_text(key)}: {self._text(value, inner)}"
                 for key, value in shown.items()]
        return members(pad, *texts) if texts else "{}"

    def _text(self, value: Any, pad: str) -> str:
        if not value or (type(value) is not list and type(value) is not dict):
            return text_of(value, pad)
        key = (id(value), pad)
        known = self._texts.get(key)
        if known is None:  # the entry holds the value: no other object can have its id
            if len(self._texts) >= self.LIMIT:
                self._texts.clear()
            known = self._texts[key] = (value, text_of(value, pad))
        return known[1]


#: The members a finding's head holds, in order (`_Known.head`).
_HEAD_NAMES = ("rule_id", "title", "threat", "severity", "confidence")


def _finding(finding: Finding, known: _Known, encode: Callable[[str], str] = string_text
             ) -> str:
    """A finding's text where it stands in the document, an item of its "findings" array
    (two levels deep: the item at an indent of four spaces, its members at six, written
    literally): one f-string over its fixed shape (`members` of each part and a
    re-indented `Text` cost half as much again), the parts most findings leave empty
    written without a call. The members a rule's findings share (its id, title, threat,
    severity, confidence; a remediation) and the files of locations are encoded once per
    report. `encode` is `string_text` bound as a local."""
    inner = "      "
    related = _steps(finding.related, known) if finding.related else "[]"
    flow = _steps([(step.location, step.message) for step in finding.flow], known) \
        if finding.flow else "[]"
    suppression = "null" if finding.suppressed is None else \
        text_of(suppression_of(finding), inner)
    properties = known.properties(finding.properties, inner) if finding.properties else "{}"
    key = (finding.rule_id, finding.title, finding.threat, finding.severity,
           finding.confidence)
    head = known.heads.get(key) or known.head(key)
    remediation = known.remediations.get(finding.remediation) or \
        known.remediation(finding.remediation)
    location = finding.location
    line = location.line if location.line > 1 else 1
    end = location.end_line or 0
    return (
        f'{{\n{head}'
        f'      "message": {encode(finding.message)},\n'
        f'      "location": {{\n'
        f'        "file": {known.files.get(location.file) or known.file(location.file)},\n'
        f'        "line": {line},\n'
        f'        "end_line": {end if end > line else line}\n      }},\n'
        f'      "subject": {encode(finding.subject)},\n'
        f'      "fingerprint": "{finding.fingerprint}",\n'  # hex digits: nothing to escape
        f'      "remediation": {remediation},\n'
        f'      "related": {related},\n'
        f'      "flow": {flow},\n'
        f'      "suppression": {suppression},\n'
        f'      "properties": {properties}\n    }}')


def _diagnostic(diag: Diagnostic) -> dict[str, Any]:
    return {"file": diag.file, "line": diag.line or None, "level": diag.level, "code": diag.code,
            "message": diag.message}
