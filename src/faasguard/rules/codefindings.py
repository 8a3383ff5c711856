"""Findings from the per-file code facts (analysis.code_facts, analysis.template_secrets)."""

from __future__ import annotations

from collections.abc import Iterator

from faasguard.analysis.code_facts import CodeFact, FileFacts
from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, make_finding
from faasguard.model import Location

#: The facts.memo key of the code facts by kind (kept by the rules of five modules).
_BY_KIND = "codefindings.by_kind"


def code_findings(facts: Facts, kind: str, rule_id: str, what: str,
                  subject: str) -> Iterator[Finding]:
    """One finding per code fact of `kind`: "<what>: <detail>." at the fact's line, with
    the subject "<subject>:<fact key>" (stable across edits that move the line)."""
    for path, fact in _of_kind(facts).get(kind, ()):
        yield make_finding(rule_id, f"{what}: {fact.detail}.", Location(path, fact.line),
                           f"{subject}:{fact.key}")


def _of_kind(facts: Facts) -> dict[str, list[tuple[str, CodeFact]]]:
    """kind -> (file, fact) of every code fact, files in `facts.code` order, each file's
    facts in line order (`FileFacts.of_kind` of every file): indexed in one pass for the
    five rules that read them, instead of a walk over every file per rule."""
    found: dict[str, list[tuple[str, CodeFact]]] | None = facts.memo.get(_BY_KIND)
    if found is None:
        found = facts.memo[_BY_KIND] = {}
        for value in facts.code.values():
            if isinstance(value, FileFacts) and value.facts:
                # a stable sort, then a filter per kind: what `of_kind` gives, kind by kind
                for fact in sorted(value.facts, key=_line):
                    found.setdefault(fact.kind, []).append((value.path, fact))
    return found


def _line(fact: CodeFact) -> int:
    return fact.line
