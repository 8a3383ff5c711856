"""The HTML report's rows escape what findings share (a rule's cells, files, fixes) once
per page: each row must stay what escaping every value of its finding writes, for odd
characters, findings with and without fixes, related locations and flows, suppressed ones,
and more files and fixes than the page keeps."""

from __future__ import annotations

import re
from html import escape

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import Finding, FlowStep, make_finding
from faasguard.model import Location
from faasguard.report import html, render
from faasguard.report.base import Report, plural, suppression_of
from faasguard.report.page import severity_badge
from tests.compiled_support import pure_only

ODD = ['a"b', "<script>&amp;</script>", "it's", "é/日本", "", " x "]


def _expected_row(finding: Finding) -> str:
    """A row with every value escaped where it stands (what the page documents)."""
    where = finding.location
    lines = f"{where.line}" + (f"-{where.end_line}" if where.end_line
                               and where.end_line != where.line else "")
    suppressed = suppression_of(finding)
    note = (f"<p><b>suppressed</b> ({escape(suppressed['source'] or suppressed['kind'])}): "
            f"{escape(suppressed['reason'])}</p>" if suppressed else "")
    parts = []
    if finding.remediation:
        parts.append(f"<p>Fix:</p><pre>{escape(finding.remediation.strip())}</pre>")
    related = dict.fromkeys(f"{location}  {message}" for location, message in finding.related)
    if related:
        parts.append("<p>Related:</p><ul>" + "".join(
            f"<li>{escape(line)}</li>" for line in related) + "</ul>")
    if finding.flow:
        parts.append("<p>Flow:</p><ol>" + "".join(
            f"<li><code>{escape(str(step.location))}</code> {escape(step.message)}</li>"
            for step in finding.flow) + "</ol>")
    shown = [name for name, present in (("fix", finding.remediation), ("related", related),
                                         (plural(len(finding.flow), "flow step"), finding.flow))
             if present]
    details = f"<details><summary>{', '.join(shown)}</summary>{''.join(parts)}</details>" \
        if parts else ""
    return (f'<tr class="finding" data-rule="{escape(finding.rule_id)}" '
            f'data-severity="{escape(finding.severity)}" data-threat="{escape(finding.threat)}" '
            f'data-file="{escape(where.file)}" data-line="{where.line}" '
            f'data-fingerprint="{finding.fingerprint}" '
            f'data-suppressed="{"yes" if suppressed else "no"}">'
            f"<td>{severity_badge(finding.severity)}</td>"
            f'<td><b title="faasguard rules {escape(finding.rule_id)}">'
            f"{escape(finding.rule_id)}</b><br>{escape(finding.title)}</td>"
            f'<td class="where">{escape(where.file)}:{lines}</td>'
            f"<td>{escape(finding.message)}{note}{details}</td></tr>")


def _findings(files: int) -> list[Finding]:
    findings = []
    for i in range(files * 3):
        text = ODD[i % len(ODD)]
        file = f"dir{i % files}/{text}.yml"
        finding = make_finding(
            ("FG-PERM-101", "FG-AUTH-001")[i % 2], f"message {text}", Location(file, i, i + i % 3),
            f"s{i}", severity=("critical", "low", None)[i % 3],
            remediation=("", f"fix {text}\n", None)[i % 3],
            related=[(Location(file, 1), text)] * (i % 4 == 1),
            flow=[FlowStep(Location(file, 2), f"step {text}")] * (i % 5 == 2))
        if i % 7 == 3:
            finding.title = f"title {text}"
        if i % 6 == 5:
            finding.suppressed = f"reason {text}"
            finding.properties["suppression"] = {"kind": "inSource", "source": text}
        findings.append(finding)
    return findings


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr class="finding".*?</tr>', page, re.S)


def _check(findings: list[Finding]) -> None:
    page = render(Report(findings=findings, diagnostics=[], root="."), "html")
    rows = _rows(page)
    assert sorted(rows) == sorted(map(_expected_row, findings))
    assert len(rows) == len(findings)


def test_rows_write_what_escaping_each_value_writes() -> None:
    _check(_findings(files=12))


@pure_only("lowers _Rows.LIMIT, a compiled class's attribute")
def test_rows_are_right_after_the_page_forgets_files_and_fixes(monkeypatch) -> None:
    monkeypatch.setattr(html._Rows, "LIMIT", 4)
    _check(_findings(files=30))
    rows = html._Rows()
    for finding in _findings(files=30):
        rows.row(finding)
    assert len(rows.files) <= 4 and len(rows.fixes) <= 4
