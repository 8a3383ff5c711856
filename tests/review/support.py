"""Helpers of the reviewers' tests (not a test module): scan a fixture of
tests/fixtures/review_s12 and pick findings."""

from __future__ import annotations

from pathlib import Path

from faasguard.findings import Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_s12"


def findings(folder: Path | str, rule_id: str) -> list[Finding]:
    """The findings of one rule in a scan of `folder`, suppressed ones left out."""
    return [f for f in scan(str(folder)).findings
            if f.rule_id == rule_id and not f.suppressed]


def one_about(found: list[Finding], text: str) -> Finding:
    """The one finding whose message holds `text`."""
    [finding] = [f for f in found if text in f.message]
    return finding
