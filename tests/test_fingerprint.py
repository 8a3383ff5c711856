"""A finding's fingerprint: the SHA-256 of its rule id, file and subject (not the line),
whichever SHA-256 implementation computes it."""

from __future__ import annotations

import hashlib

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.findings import make_finding
from faasguard.model import Location


def test_fingerprint_is_the_sha256_of_rule_file_and_subject():
    finding = make_finding("FG-AUTH-001", "m", Location("dir/é.yml", 7), "route:GET /x")
    raw = "FG-AUTH-001\x1fdir/é.yml\x1froute:GET /x".encode()
    assert finding.fingerprint == hashlib.sha256(raw).hexdigest()[:32]
    moved = make_finding("FG-AUTH-001", "other", Location("dir/é.yml", 90), "route:GET /x")
    assert moved.fingerprint == finding.fingerprint


def test_make_finding_follows_the_rule_registered_now(monkeypatch):
    """make_finding copies a rule's metadata once per registered rule: a rule registered
    again under the same id (a test's own, a replaced RULES) is read afresh."""
    from faasguard import findings as findings_module
    from faasguard.findings import RULES, Rule, RuleMeta

    before = make_finding("FG-AUTH-001", "m", Location("a.yml", 1), "s")
    own = Rule(RuleMeta("FG-AUTH-001", "own title", "data", "low", "d", {"text": "fix"}),
               RULES["FG-AUTH-001"].check)
    monkeypatch.setattr(findings_module, "RULES", {**RULES, "FG-AUTH-001": own})
    mine = make_finding("FG-AUTH-001", "m", Location("a.yml", 1), "s")
    assert (mine.title, mine.threat, mine.severity, mine.remediation) == \
        ("own title", "data", "low", "fix")
    assert make_finding("FG-AUTH-001", "m", Location("a.yml", 1), "s",
                        severity="critical", remediation="r").severity == "critical"
    monkeypatch.undo()
    again = make_finding("FG-AUTH-001", "m", Location("a.yml", 1), "s")
    assert (again.title, again.severity, again.remediation) == \
        (before.title, before.severity, before.remediation)
