"""The rules shared with a forked worker (`scan.run_rules` with processes=2): least
privilege's rules run in the worker while this process runs the others, and the scan
gets the same findings and diagnostics, in the same order, as from one process; a rule
that crashes in the worker, and a worker that dies, change nothing either."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

import faasguard.rules  # noqa: F401  (registers the rules)
from faasguard import scan
from faasguard.analysis.facts import Facts, Options
from faasguard.findings import RULES, Finding, Rule, make_finding
from faasguard.model import App, Function, Location
from faasguard.scan import (
    FORKED_RULE_MODULES,
    MIN_FORKED_RULES_FUNCTIONS,
    rule_processes,
    run_rules,
)
from tests.compiled_support import pure_only

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="workers fork on Linux only")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
#: A least-privilege rule (run by the worker) and one run here.
FORKED_RULE, HERE_RULE = "FG-PERM-101", "FG-MON-001"


def _analysed(path: Path) -> tuple[App, Facts]:
    """The App and facts of a `--jobs 1` scan of `path`, up to its rules."""
    options = Options(jobs=1)
    base, found = scan.discover_paths([str(path)])
    options.scanned = found.scanned
    app = scan.load_app(base, found.templates, jobs=1)
    scan.add_sources(app, found.sources)
    return app, scan.analyse(app, options)


def _outcome(app: App, facts: Facts, processes: int) -> tuple[list[Finding], list[str]]:
    before = len(app.diagnostics)
    findings = run_rules(app, facts, processes=processes)
    added = [f"{d.code}: {d.message}" for d in app.diagnostics[before:]]
    del app.diagnostics[before:]
    return findings, added


def test_the_split_is_the_least_privilege_module() -> None:
    assert FORKED_RULE_MODULES == ("leastpriv",)
    assert scan._module_of(RULES[FORKED_RULE]) in FORKED_RULE_MODULES
    assert scan._module_of(RULES[HERE_RULE]) not in FORKED_RULE_MODULES


@pytest.mark.parametrize("app", ["vulnerable-app", "vulnerable-app-terraform"])
def test_findings_from_two_processes_are_those_of_one(app: str) -> None:
    analysed, facts = _analysed(EXAMPLES / app)
    serial = _outcome(analysed, facts, 1)
    assert any(scan._module_of(RULES[f.rule_id]) in FORKED_RULE_MODULES for f in serial[0])
    assert _outcome(analysed, facts, 2) == serial


def _where(app: App, facts: Facts) -> Iterable[Finding]:
    """A finding naming the process that made it, then a crash."""
    yield make_finding(FORKED_RULE, f"pid {os.getpid()}", Location("t.yml", 1), "s")
    raise RuntimeError("in the rule")


def _here(app: App, facts: Facts) -> Iterable[Finding]:
    app.diagnostics.append(scan.Diagnostic("t.yml", "noted by the rule", code="rule"))
    return [make_finding(HERE_RULE, "here", Location("t.yml", 2), "h")]


@pure_only("replaces rules' check functions in the rule table")
def test_a_forked_rule_runs_in_the_worker_and_its_crash_is_reported_in_rule_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    _where.__module__ = RULES[FORKED_RULE].check.__module__  # a least-privilege rule
    monkeypatch.setitem(RULES, FORKED_RULE, Rule(RULES[FORKED_RULE].meta, _where))
    monkeypatch.setitem(RULES, HERE_RULE, Rule(RULES[HERE_RULE].meta, _here))
    enabled = {FORKED_RULE, HERE_RULE}.__contains__
    app = App()
    findings = run_rules(app, Facts(), enabled, processes=2)
    assert [f.rule_id for f in findings] == [FORKED_RULE, HERE_RULE]  # file, line order
    assert findings[0].message != f"pid {os.getpid()}", "the forked rule ran here"
    # FG-MON-001 before FG-PERM-101: its diagnostic first, then the other's crash
    assert [(d.code, d.message.split(" (")[0]) for d in app.diagnostics] == [
        ("rule", "noted by the rule"), ("internal", f"internal error in rule {FORKED_RULE}")]
    serial = App()
    assert [f.rule_id for f in run_rules(serial, Facts(), enabled)] == [FORKED_RULE, HERE_RULE]
    assert [d.message for d in serial.diagnostics] == [d.message for d in app.diagnostics]


def _dies_in_a_worker(app: App, facts: Facts) -> Iterable[Finding]:
    if os.getpid() != PARENT[0]:
        os._exit(3)
    return [make_finding(FORKED_RULE, "redone here", Location("t.yml", 1), "s")]


PARENT = [0]


@pure_only("replaces a rule's check function in the rule table")
def test_a_worker_that_dies_has_its_rules_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    PARENT[0] = os.getpid()
    _dies_in_a_worker.__module__ = RULES[FORKED_RULE].check.__module__
    monkeypatch.setitem(RULES, FORKED_RULE, Rule(RULES[FORKED_RULE].meta, _dies_in_a_worker))
    enabled = {FORKED_RULE, HERE_RULE}.__contains__
    findings = run_rules(App(), Facts(), enabled, processes=2)
    assert [f.message for f in findings] == ["redone here"]


def test_rules_fork_only_for_a_large_project_with_workers() -> None:
    app = App()
    for n in range(MIN_FORKED_RULES_FUNCTIONS - 1):
        app.functions[f"f{n}"] = Function(f"f{n}", Location("t.yml", n + 1), "serverless")
    assert rule_processes(app, None) == 1
    app.functions["last"] = Function("last", Location("t.yml", 1), "serverless")
    assert rule_processes(app, 1) == 1
    assert rule_processes(app, 2) == 2
    assert rule_processes(app, 8) == 2
