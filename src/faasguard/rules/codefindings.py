"""Findings from the per-file code facts (analysis.code_facts, analysis.template_secrets)."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.code_facts import FileFacts
from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding
from faasguard.model import Location


def code_findings(facts: Facts, kind: str, rule_id: str, what: str,
                  subject: str) -> Iterator[Finding]:
    """One finding per code fact of `kind`: "<what>: <detail>." at the fact's line, with
    the subject "<subject>:<fact key>" (stable across edits that move the line)."""
    for value in facts.code.values():
        if not isinstance(value, FileFacts):
            continue
        for fact in value.of_kind(kind):
            yield make_finding(rule_id, f"{what}: {fact.detail}.",
                               Location(value.path, fact.line), f"{subject}:{fact.key}")
