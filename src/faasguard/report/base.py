"""What every reporter reads: the `Report` (findings, diagnostics, scan facts) and its
summary. Reporters are pure functions `render(report) -> str`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import tee
from operator import attrgetter, le
from typing import Any

from faasguard import __version__
from faasguard.findings import (
    SEVERITIES,
    SEVERITY_RANK,
    Finding,
    RuleMeta,
)
from faasguard.model import Diagnostic

TOOL_NAME = "faasguard"
INFORMATION_URI = "https://github.com/faasguard/faasguard"


@dataclass
class Report:
    """The result of one scan, as reporters see it.

    `root` is the absolute folder every file is relative to; `rules` is the whole rule
    catalogue (SARIF lists every rule); `fail_on` is the failure threshold ("none": never).
    `srcroot` is the folder SARIF locations are relative to (the repository root, where CI
    runs; GitHub resolves SARIF paths against it): `root` when None or not above it.
    """

    findings: list[Finding]
    diagnostics: list[Diagnostic]
    files_scanned: int = 0
    root: str = "."
    rules: list[RuleMeta] = field(default_factory=list)
    fail_on: str = "low"
    nothing_scanned: bool = False
    version: str = __version__
    srcroot: str | None = None

    def failing(self) -> list[Finding]:
        """Unsuppressed findings at or above the failure threshold."""
        return list(self._failing())

    def _failing(self) -> Iterator[Finding]:
        """`failing`, one at a time (`severity_at_least` without a call per finding)."""
        if self.fail_on not in SEVERITIES:
            return iter(())
        least = SEVERITY_RANK[self.fail_on]
        rank = SEVERITY_RANK.__getitem__
        return (f for f in self.findings if f.suppressed is None and rank(f.severity) >= least)

    def exit_code(self) -> int:
        """0 clean, 1 findings at or above the threshold, 2 nothing could be scanned."""
        if self.nothing_scanned:
            return 2
        # the first failing finding decides: no list of them all
        return 0 if next(self._failing(), None) is None else 1


def suppression_of(finding: Finding) -> dict[str, str] | None:
    """How a finding is suppressed: kind (inSource/external), source and reason."""
    if finding.suppressed is None:
        return None
    info = finding.properties.get("suppression", {})
    return {"kind": str(info.get("kind", "external")), "source": str(info.get("source", "")),
            "reason": finding.suppressed}


def summary(report: Report) -> dict[str, Any]:
    """Counts: active findings per severity, suppressed ones, files, diagnostics per level."""
    active = [f for f in report.findings if f.suppressed is None]
    by_severity = Counter(f.severity for f in active)
    by_level = Counter(d.level for d in report.diagnostics)
    return {
        "files_scanned": report.files_scanned,
        "findings": len(active),
        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
        "suppressed": len(report.findings) - len(active),
        "diagnostics": {level: by_level.get(level, 0) for level in ("error", "warning", "note")},
        "fail_on": report.fail_on,
        "failed": report.exit_code() != 0,
    }


def plural(count: int, word: str) -> str:
    """"1 finding", "2 findings"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


#: The order findings are reported in: file, line, rule id, subject (the key of a finding:
#: `finding_order(finding)`, a tuple made without a Python call, for sorts of thousands).
finding_order: Callable[[Finding], tuple[str, int, str, str]] = attrgetter(
    "location.file", "location.line", "rule_id", "subject")


def in_finding_order(findings: list[Finding]) -> list[Finding]:
    """The findings in `finding_order`: the list itself when it is in order already (a
    scan's findings are), else a sorted copy. A check costs no memory (each key is
    compared with the next, in C); a sort of tens of thousands of findings holds a key
    per finding, at the scan's peak of memory."""
    keys, following = tee(map(finding_order, findings))
    next(following, None)
    if all(map(le, keys, following)):
        return findings
    return sorted(findings, key=finding_order)


def diagnostic_order(diag: Diagnostic) -> tuple[str, int, str]:
    """The order diagnostics are reported in: file, line, message."""
    return (diag.file, diag.line or 0, diag.message)
