"""The HTML report: one self-contained page for people reviewing a scan in a browser.

Findings are grouped by threat, most severe first, each with its location, message, fix,
related locations and code flow (folded under the message). Filters (severity, threat,
free text, suppressed findings) work offline, in the page itself. Every finding row
carries its data (`data-rule`, `data-severity`, `data-threat`, `data-file`, `data-line`,
`data-fingerprint`, `data-suppressed`), so the page is machine-checkable too; the filter
script writes the number of rows it shows into the body's `data-visible`.
"""

from __future__ import annotations

from html import escape

from faasguard.findings import SEVERITY_RANK, THREATS, Finding
from faasguard.report.base import (
    Report,
    diagnostic_order,
    finding_order,
    plural,
    summary,
    suppression_of,
)
from faasguard.report.page import SEVERITY_COLORS, document, severity_badge
from faasguard.report.text import diagnostic_where, summary_line

_STYLE = """
#filters{display:flex;flex-wrap:wrap;gap:6px 18px;padding:10px;background:#f7fafc;
border:1px solid #e2e8f0} #filters label{white-space:nowrap}
td.where{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
tr.finding[data-suppressed="yes"]{opacity:.6} pre{background:#f7fafc;padding:6px;
overflow-x:auto;font-size:12px} details summary{cursor:pointer;color:#2b6cb0}
col.sev{width:90px} col.rule{width:23%} col.where{width:22%}
"""

_SCRIPT = """
const form = document.getElementById('filters');
function checked(name) {
  return new Set([...form.querySelectorAll('input[name="' + name + '"]:checked')]
    .map(box => box.value));
}
function apply() {
  const severities = checked('severity'), threats = checked('threat');
  const text = form.querySelector('#text').value.trim().toLowerCase();
  const suppressed = form.querySelector('#suppressed').checked;
  let visible = 0;
  for (const section of document.querySelectorAll('section.threat')) {
    let shown = 0;
    for (const row of section.querySelectorAll('tr.finding')) {
      const show = severities.has(row.dataset.severity) && threats.has(row.dataset.threat)
        && (suppressed || row.dataset.suppressed === 'no')
        && (!text || row.textContent.toLowerCase().includes(text));
      row.hidden = !show;
      if (show) shown += 1;
    }
    section.hidden = shown === 0;
    section.querySelector('.shown').textContent = String(shown);
    visible += shown;
  }
  document.body.dataset.visible = String(visible);
}
// A link can carry a filtered view: #severity=critical,high&threat=auth&text=x&suppressed=1
const wanted = new URLSearchParams(location.hash.slice(1));
for (const name of ['severity', 'threat']) {
  if (!wanted.has(name)) continue;
  const values = new Set(wanted.get(name).split(','));
  for (const box of form.querySelectorAll('input[name="' + name + '"]'))
    box.checked = values.has(box.value);
}
form.querySelector('#text').value = wanted.get('text') || '';
form.querySelector('#suppressed').checked = wanted.get('suppressed') === '1';
form.addEventListener('input', apply);
apply();
document.body.dataset.rendered = 'yes';
"""


def render(report: Report) -> str:
    """The HTML page of a scan."""
    ordered = sorted(report.findings, key=lambda f: (-SEVERITY_RANK.get(f.severity, 0),
                                                      finding_order(f)))
    threats = list(THREATS) + sorted({f.threat for f in ordered} - THREATS.keys())
    rows_of = _Rows()
    sections = "".join(_section(threat, [f for f in ordered if f.threat == threat], rows_of)
                       for threat in threats)
    counts = summary(report)
    body = (f'<p id="summary">{escape(summary_line(report))}</p>\n'
            f"{_filters(threats)}\n"
            f"{sections or '<p>No findings.</p>'}\n{_problems(report)}")
    return document("faasguard scan", body, _STYLE, _SCRIPT,
                    f'data-findings="{counts["findings"]}" '
                    f'data-suppressed="{counts["suppressed"]}" data-visible="" data-rendered=""')


def _filters(threats: list[str]) -> str:
    severities = "".join(
        f'<label><input type="checkbox" name="severity" value="{s}" checked> '
        f'{escape(s)}</label>' for s in SEVERITY_COLORS)
    kinds = "".join(
        f'<label><input type="checkbox" name="threat" value="{escape(t)}" checked> '
        f'{escape(THREATS.get(t, t))}</label>' for t in threats)
    return (f'<form id="filters" onsubmit="return false">{severities}{kinds}'
            '<label><input type="checkbox" id="suppressed"> suppressed findings</label>'
            '<label>contains <input type="search" id="text" '
            'placeholder="file, rule or text"></label></form>')


def _section(threat: str, findings: list[Finding], rows_of: _Rows) -> str:
    if not findings:
        return ""
    rows = "".join(map(rows_of.row, findings))
    return (f'<section class="threat" data-threat="{escape(threat)}">'
            f"<h2>{escape(THREATS.get(threat, threat))} "
            f'(<span class="shown">{len(findings)}</span> of {len(findings)})</h2>'
            '<table><colgroup><col class="sev"><col class="rule"><col class="where"><col>'
            "</colgroup><tr><th>severity</th><th>rule</th><th>where</th><th>finding</th></tr>"
            f"{rows}</table></section>")


class _Rows:
    """Writes the findings' rows, escaping what findings share once per page: a rule's
    attributes and cells (id, severity, threat, title), the files, the fixes (a rule's
    findings show a few snippets). Bounded like the JSON reporter's texts: a page of
    thousands of distinct files keeps only the last ones."""

    LIMIT = 1024

    def __init__(self) -> None:
        #: (rule id, severity, threat) -> a row's start, up to its data-file's value
        self.heads: dict[tuple[str, str, str], str] = {}
        #: (rule id, severity, title) -> the severity and rule cells, up to the where cell's
        self.cells: dict[tuple[str, str, str], str] = {}
        #: file -> its escaped text
        self.files: dict[str, str] = {}
        #: remediation -> the fix's part of the details
        self.fixes: dict[str, str] = {}

    def row(self, finding: Finding) -> str:
        """A finding's row."""
        where = finding.location
        lines = f"{where.line}" + (f"-{where.end_line}" if where.end_line
                                   and where.end_line != where.line else "")
        suppressed = suppression_of(finding)
        note = (f"<p><b>suppressed</b> ({escape(suppressed['source'] or suppressed['kind'])}): "
                f"{escape(suppressed['reason'])}</p>" if suppressed else "")
        head = self.heads.get((finding.rule_id, finding.severity, finding.threat)) or \
            self._head(finding)
        cells = self.cells.get((finding.rule_id, finding.severity, finding.title)) or \
            self._cells(finding)
        file = self.files.get(where.file) or self._file(where.file)
        return (f'{head}{file}" data-line="{where.line}" '
                f'data-fingerprint="{finding.fingerprint}" '
                f'data-suppressed="{"yes" if suppressed else "no"}">'
                f'{cells}{file}:{lines}</td>'
                f"<td>{escape(finding.message)}{note}{self._details(finding)}</td></tr>")

    def _head(self, finding: Finding) -> str:
        text = self.heads[(finding.rule_id, finding.severity, finding.threat)] = (
            f'<tr class="finding" data-rule="{escape(finding.rule_id)}" '
            f'data-severity="{escape(finding.severity)}" data-threat="{escape(finding.threat)}" '
            f'data-file="')
        return text

    def _cells(self, finding: Finding) -> str:
        text = self.cells[(finding.rule_id, finding.severity, finding.title)] = (
            f"<td>{severity_badge(finding.severity)}</td>"
            f'<td><b title="faasguard rules {escape(finding.rule_id)}">'
            f"{escape(finding.rule_id)}</b><br>{escape(finding.title)}</td>"
            f'<td class="where">')
        return text

    def _file(self, file: str) -> str:
        if len(self.files) >= self.LIMIT:
            self.files.clear()
        text = self.files[file] = escape(file)
        return text

    def _fix(self, remediation: str) -> str:
        if len(self.fixes) >= self.LIMIT:
            self.fixes.clear()
        text = self.fixes[remediation] = \
            f"<p>Fix:</p><pre>{escape(remediation.strip())}</pre>"
        return text

    def _details(self, finding: Finding) -> str:
        fix = "" if not finding.remediation else (
            self.fixes.get(finding.remediation) or self._fix(finding.remediation))
        if not finding.related and not finding.flow:  # most findings: a fix alone, or none
            return f"<details><summary>fix</summary>{fix}</details>" if fix else ""
        parts: list[str] = [fix] if fix else []  # (and a related or a flow part below)
        related = dict.fromkeys(f"{location}  {message}"
                                for location, message in finding.related)
        if related:
            parts.append("<p>Related:</p><ul>" + "".join(
                f"<li>{escape(line)}</li>" for line in related) + "</ul>")
        if finding.flow:
            parts.append("<p>Flow:</p><ol>" + "".join(
                f"<li><code>{escape(str(step.location))}</code> {escape(step.message)}</li>"
                for step in finding.flow) + "</ol>")
        shown = [name for name, present in (("fix", finding.remediation), ("related", related),
                                             (plural(len(finding.flow), "flow step"),
                                              finding.flow))
                 if present]
        return f"<details><summary>{', '.join(shown)}</summary>{''.join(parts)}</details>"


def _problems(report: Report) -> str:
    if not report.diagnostics:
        return ""
    rows = "".join(
        f'<tr class="problem" data-level="{escape(d.level)}"><td>{escape(d.level)}</td>'
        f'<td class="where">{escape(diagnostic_where(d))}</td><td>{escape(d.message)}</td></tr>'
        for d in sorted(report.diagnostics, key=diagnostic_order))
    return (f"<h2>Problems with the input ({len(report.diagnostics)})</h2>"
            '<table id="problems"><colgroup><col class="sev"><col class="where"><col>'
            f"</colgroup><tr><th>level</th><th>where</th><th>problem</th></tr>{rows}</table>")
