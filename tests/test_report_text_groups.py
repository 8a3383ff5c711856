"""The text report groups the active findings by threat, then severity, in one pass over
the findings, and writes what findings share (painted severities, fixes) once: its text
must stay what filtering the findings once per threat and severity and writing each
finding's lines afresh writes, with and without colours, for findings of unknown threats
and severities, suppressed ones, fixes, related locations and long flows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import SEVERITIES, SEVERITY_RANK, THREATS, Finding, FlowStep, make_finding
from faasguard.model import Location
from faasguard.report import render
from faasguard.report.base import Report, plural
from faasguard.report.text import _COLORS, MAX_FLOW_STEPS


def _lines(finding: Finding, paint: Callable[[str, str], str]) -> list[str]:
    pad = " " * 6
    out = [f"    {finding.location}  {finding.rule_id}  "
           f"{paint(finding.severity, finding.severity)}  {finding.message}"]
    if finding.remediation:
        first, *rest = finding.remediation.strip("\n").splitlines()
        out += [f"{pad}{paint('fix:', 'dim')} {first}", *(f"{pad}     {line}" for line in rest)]
    related = dict.fromkeys(f"{location}  {message}" for location, message in finding.related)
    out += [f"{pad}{paint('related:', 'dim')} {line}" for line in related]
    if finding.flow:
        out.append(f"{pad}{paint('flow:', 'dim')}")
        out += [f"{pad}  {number}. {step.location}  {step.message}"
                for number, step in enumerate(finding.flow[:MAX_FLOW_STEPS], 1)]
        if len(finding.flow) > MAX_FLOW_STEPS:
            out.append(f"{pad}  ... and {plural(len(finding.flow) - MAX_FLOW_STEPS, 'more step')}"
                       " (--format json or sarif lists them all)")
    return out


def _expected_findings(findings: list[Finding], color: bool) -> list[str]:
    """The findings' part of the report, each group filtered from all findings."""
    paint: Callable[[str, str], str] = (
        (lambda text, key: f"\x1b[{_COLORS[key]}m{text}\x1b[0m") if color
        else (lambda text, key: text))
    active = [f for f in findings if f.suppressed is None]
    lines: list[str] = []
    for threat, title in THREATS.items():
        group = [f for f in active if f.threat == threat]
        if not group:
            continue
        lines.append(paint(title, "title"))
        for severity in SEVERITIES:
            of_severity = [f for f in group if f.severity == severity]
            if of_severity:
                lines.append(f"  {paint(severity.upper(), severity)}")
                for finding in of_severity:
                    lines += _lines(finding, paint)
        lines.append("")
    for finding in sorted((f for f in active if f.threat not in THREATS),
                          key=lambda f: -SEVERITY_RANK.get(f.severity, 0)):
        lines += _lines(finding, paint)
    return lines


def _findings() -> list[Finding]:
    findings = []
    for i in range(60):
        finding = make_finding(
            ("FG-PERM-101", "FG-AUTH-001", "FG-INJ-001")[i % 3], f"message {i}",
            Location(f"f{i % 7}.yml", i), f"s{i}", severity=SEVERITIES[i % 5],
            remediation=("", "one line\n", "first\n  second\n")[i % 3],
            related=[(Location("r.yml", 2), "r"), (Location("r.yml", 2), "r")] * (i % 4 == 1),
            flow=[FlowStep(Location("f.py", n), f"step {n}") for n in range(i % 15)])
        if i % 11 == 4:
            finding.suppressed = "reason"
        findings.append(finding)
    findings[5].threat = "made-up"  # a threat the taxonomy lacks: listed after the groups
    findings[6].threat = "made-up"
    return findings


@pytest.mark.parametrize("color", [False, True])
def test_groups_and_lines_are_what_filtering_each_group_writes(color: bool) -> None:
    findings = _findings()
    report = Report(findings=findings, diagnostics=[], root=".")
    expected = _expected_findings(findings, color)
    quiet = render(report, "text", color=color, quiet=True)
    assert quiet == "\n".join(expected).rstrip("\n") + "\n"
    assert render(report, "text", color=color).startswith("\n".join(expected) + "\n")


def test_a_threat_whose_findings_have_no_known_severity_keeps_its_title() -> None:
    # (quiet: the summary line ranks severities, and an unknown one has no rank)
    finding = make_finding("FG-AUTH-001", "m", Location("f.yml", 1), "s")
    finding.severity = "made-up"
    report = Report(findings=[finding], diagnostics=[], root=".")
    assert render(report, "text", quiet=True) == \
        "\n".join(_expected_findings([finding], False)).rstrip("\n") + "\n"
    assert render(report, "text", quiet=True).startswith(THREATS[finding.threat])
