"""The text report: findings grouped by threat then severity, for people at a terminal.

Each finding reads `file:line  RULE  severity  message`, then (indented) the fix, related
locations and the steps of its code flow. Suppressed findings are listed apart, problems
with the input after them, and a summary line closes the report.
"""

from __future__ import annotations

from collections.abc import Callable

from faasguard.findings import SEVERITIES, SEVERITY_RANK, THREATS, Finding
from faasguard.model import Diagnostic
from faasguard.report.base import Report, plural, summary, suppression_of

#: Steps of a code flow shown per finding; longer flows end with a count of the rest.
MAX_FLOW_STEPS = 12

_COLORS = {"critical": "1;31", "high": "31", "medium": "33", "low": "34", "info": "2",
           "error": "31", "warning": "33", "note": "2", "title": "1", "dim": "2"}


def render(report: Report, color: bool = False, quiet: bool = False) -> str:
    """The report as text; `quiet` keeps only the findings, `color` adds ANSI colours."""
    paint: Callable[[str, str], str] = (
        (lambda text, key: f"\x1b[{_COLORS[key]}m{text}\x1b[0m") if color
        else (lambda text, key: text))
    lines: list[str] = []
    write = _Writer(lines, paint).finding
    # the active findings by threat and severity, in one pass (each group in report order)
    groups: dict[tuple[str, str], list[Finding]] = {}
    others: list[Finding] = []
    for finding in report.findings:
        if finding.suppressed is None:
            if finding.threat in THREATS:
                groups.setdefault((finding.threat, finding.severity), []).append(finding)
            else:
                others.append(finding)
    threats = {threat for threat, _ in groups}
    for threat, title in THREATS.items():
        if threat not in threats:
            continue
        lines.append(paint(title, "title"))
        for severity in SEVERITIES:
            of_severity = groups.get((threat, severity))
            if not of_severity:
                continue
            lines.append(f"  {paint(severity.upper(), severity)}")
            for finding in of_severity:
                write(finding)
        lines.append("")
    for finding in sorted(others, key=lambda f: -SEVERITY_RANK.get(f.severity, 0)):
        write(finding)
    if quiet:
        return "\n".join(lines).rstrip("\n") + ("\n" if lines else "")
    suppressed = [f for f in report.findings if f.suppressed is not None]
    if suppressed:
        lines.append(paint(f"Suppressed ({len(suppressed)})", "title"))
        for finding in suppressed:
            info = suppression_of(finding) or {}
            lines.append(f"  {finding.location}  {finding.rule_id}  "
                         f"[{info.get('source') or info.get('kind')}] {finding.suppressed}")
        lines.append("")
    if report.diagnostics:
        lines.append(paint(f"Problems with the input ({len(report.diagnostics)})", "title"))
        for diag in report.diagnostics:
            lines.append(f"  {diagnostic_where(diag)}  {paint(diag.level, diag.level)}  "
                         f"{diag.message}")
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def diagnostic_where(diag: Diagnostic) -> str:
    """Where a problem with the input is: `file:line`, `file`, or `.` for the scan."""
    return f"{diag.file or '.'}:{diag.line}" if diag.line else (diag.file or ".")


class _Writer:
    """Adds findings' lines to `lines`; the lines of each remediation and each severity's
    painted name are made once per report (findings of a rule share them)."""

    def __init__(self, lines: list[str], paint: Callable[[str, str], str]) -> None:
        self.lines = lines
        self.paint = paint
        self.fixes: dict[str, list[str]] = {}
        self.severities: dict[str, str] = {}
        pad = " " * 6
        self.related = f"{pad}{paint('related:', 'dim')} "
        self.flow = f"{pad}{paint('flow:', 'dim')}"

    def finding(self, finding: Finding) -> None:
        """Add a finding's lines."""
        lines = self.lines
        severity = self.severities.get(finding.severity)
        if severity is None:
            severity = self.severities[finding.severity] = \
                self.paint(finding.severity, finding.severity)
        location = finding.location  # written as str(location) writes it, without its call
        lines.append(f"    {location.file}:{location.line}  {finding.rule_id}  "
                     f"{severity}  {finding.message}")
        if finding.remediation:
            fix = self.fixes.get(finding.remediation)
            lines += fix if fix is not None else self._fix(finding.remediation)
        if finding.related:
            related = self.related
            lines += [f"{related}{line}" for line in dict.fromkeys(
                f"{location}  {message}" for location, message in finding.related)]
        if finding.flow:
            pad = " " * 6
            lines.append(self.flow)
            for number, step in enumerate(finding.flow[:MAX_FLOW_STEPS], 1):
                lines.append(f"{pad}  {number}. {step.location}  {step.message}")
            hidden = len(finding.flow) - MAX_FLOW_STEPS
            if hidden > 0:
                lines.append(f"{pad}  ... and {plural(hidden, 'more step')} "
                             "(--format json or sarif lists them all)")

    def _fix(self, remediation: str) -> list[str]:
        pad = " " * 6
        first, *rest = remediation.strip("\n").splitlines()
        fix = self.fixes[remediation] = [f"{pad}{self.paint('fix:', 'dim')} {first}",
                                         *(f"{pad}     {line}" for line in rest)]
        return fix


def summary_line(report: Report) -> str:
    """The closing line: counts of findings, suppressed findings, files and problems, and
    whether the scan fails."""
    counts = summary(report)
    per_severity = ", ".join(f"{n} {s}" for s, n in counts["by_severity"].items() if n)
    found = plural(counts["findings"], "finding") + (f" ({per_severity})" if per_severity else "")
    problems = sum(counts["diagnostics"].values())
    parts = [found, f"{counts['suppressed']} suppressed",
             f"{plural(counts['files_scanned'], 'file')} scanned"]
    if problems:
        parts.append(plural(problems, "problem") + " with the input")
    if report.nothing_scanned:
        verdict = "nothing could be scanned"
    elif report.fail_on == "none":
        verdict = "not failing on findings (--fail-on none)"
    else:
        failing = len(report.failing())
        verdict = (f"{failing} at or above '{report.fail_on}': failing" if failing
                   else f"none at or above '{report.fail_on}'")
    return ", ".join(parts) + f"; {verdict}."
