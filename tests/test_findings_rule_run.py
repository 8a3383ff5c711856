"""Rule.run hands the check's own iterator to run_rules (ec04db8): whatever the check
returns (a generator, a list) and wherever it crashes, run_rules keeps the findings made
before the crash and turns the crash into an internal diagnostic, as when run was a
generator delegating to the check."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard.analysis.facts import Facts
from faasguard.findings import RULES, Finding, Rule, make_finding
from faasguard.model import App, Location
from faasguard.scan import run_rules
from tests.compiled_support import pure_only

RULE_ID = "FG-MON-001"


def _finding(n: int) -> Finding:
    return make_finding(RULE_ID, f"m{n}", Location("t.yml", n), f"s{n}")


def _two_then_crash(app: App, facts: Facts) -> Iterable[Finding]:
    yield _finding(1)
    yield _finding(2)
    raise RuntimeError("mid-way")


def _a_list(app: App, facts: Facts) -> Iterable[Finding]:
    return [_finding(1), _finding(2)]


def _crash_before_returning(app: App, facts: Facts) -> Iterable[Finding]:
    raise RuntimeError("at once")


def _none(app: App, facts: Facts) -> Any:
    return None


@pytest.mark.parametrize("check,lines,crash", [
    (_two_then_crash, [1, 2], "RuntimeError: mid-way"),
    (_a_list, [1, 2], None),
    (_crash_before_returning, [], "RuntimeError: at once"),
    (_none, [], "TypeError"),
])
@pure_only("replaces a rule's check function in the rule table")
def test_a_checks_findings_and_crash_as_when_run_delegated(monkeypatch, check, lines,
                                                           crash) -> None:
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    monkeypatch.setitem(RULES, RULE_ID, Rule(RULES[RULE_ID].meta, check))
    app = App()
    findings = run_rules(app, Facts(), RULE_ID.__eq__)
    assert [f.location.line for f in findings] == lines
    internal = [d.message for d in app.diagnostics if d.code == "internal"]
    if crash is None:
        assert internal == []
    else:
        assert len(internal) == 1 and f"rule {RULE_ID}" in internal[0] and crash in internal[0]
