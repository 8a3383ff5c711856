"""The model-only rules (rules.MODEL_ONLY): run beside the handler phase (in this process
while a forked worker takes handler chunks) or before it (one process), through a Facts
whose analysis fields cannot be read; their findings and crash diagnostics merged in rule
order, as if they had run among the others."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pipeline_support import FIXTURES

import faasguard.rules  # noqa: F401  (registers the rules before RULES is swapped)
from faasguard import findings as findings_module
from faasguard import scan as scan_module
from faasguard.analysis.cost import CostModel
from faasguard.analysis.facts import Facts, Options
from faasguard.findings import RULES, Finding, Rule, RuleMeta
from faasguard.model import App
from faasguard.rules import MODEL_ONLY
from faasguard.scan import EarlyRules, ScanResult, model_only_facts, run_rules, scan_paths
from faasguard.workers import MIN_SHARDED_FILES

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_every_model_only_rule_is_registered() -> None:
    assert MODEL_ONLY <= set(RULES)


@pytest.mark.parametrize("field", ["flows", "aws_calls", "code", "endpoints", "openapi",
                                   "jwt_decodes"])
def test_the_analyses_fields_cannot_be_read(field: str) -> None:
    facts = model_only_facts(Options(stage="prod"))
    with pytest.raises(AttributeError):
        getattr(facts, field)
    assert facts.options.stage == "prod" and facts.memo == {}


@pytest.mark.parametrize("field", ["cost", "dependencies", "python_modules", "js_modules"])
def test_an_any_field_refuses_every_use(field: str) -> None:
    value = getattr(model_only_facts(Options()), field)
    with pytest.raises(AttributeError, match=f"Facts.{field} is not read"):
        value.functions  # noqa: B018
    with pytest.raises(AttributeError):
        bool(value)
    with pytest.raises(AttributeError):
        iter(value)


def _pairs(result: ScanResult) -> list[tuple[str, str, int]]:
    return [(f.rule_id, f.location.file, f.location.line) for f in result.findings]


def test_a_rule_wrongly_declared_model_only_loses_its_findings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """FG-INJ-001 reads the taint flows: listed as model-only, it crashes on the Facts it
    is given (an internal diagnostic) and reports nothing: its fixture tests would fail."""
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    target = str(EXAMPLES / "vulnerable-app")
    found = scan_paths([target])
    assert any(rule_id == "FG-INJ-001" for rule_id, _, _ in _pairs(found))
    assert not [d for d in found.diagnostics if d.code == "internal"]
    monkeypatch.setattr(faasguard.rules, "MODEL_ONLY", MODEL_ONLY | {"FG-INJ-001"})
    wrong = scan_paths([target])
    assert not any(rule_id == "FG-INJ-001" for rule_id, _, _ in _pairs(wrong))
    internal = [d.message for d in wrong.diagnostics if d.code == "internal"]
    assert len(internal) == 1 and "rule FG-INJ-001" in internal[0] and "flows" in internal[0]


def _rule(rule_id: str, check: object) -> Rule:
    check.__module__ = "faasguard.rules.crashing"  # type: ignore[attr-defined]
    return Rule(RuleMeta(rule_id, "t", "permissions", "low", "d"), check)  # type: ignore[arg-type]


def _crash(message: str) -> object:
    def check(app: App, facts: Facts) -> Iterator[Finding]:
        raise RuntimeError(message)
        yield  # (a generator, as rules are)

    return check


def test_crash_diagnostics_stay_in_rule_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """Model-only rules run first, yet their crashes are reported among the others'."""
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    rules = {rule_id: _rule(rule_id, _crash(rule_id))
             for rule_id in ("FG-X-001", "FG-X-002", "FG-X-003")}
    monkeypatch.setattr(findings_module, "RULES", rules)
    monkeypatch.setattr(scan_module, "RULES", rules)
    monkeypatch.setattr(faasguard.rules, "MODEL_ONLY", frozenset({"FG-X-001", "FG-X-003"}))
    app = App(root=".")
    early = EarlyRules(app, Options())
    early()  # as beside the handler phase: nothing reported yet
    assert app.diagnostics == [] and set(early.outcomes) == {"FG-X-001", "FG-X-003"}
    assert run_rules(app, Facts(), early=early) == []
    assert [d.message.split()[4] for d in app.diagnostics] == ["FG-X-001", "FG-X-002",
                                                               "FG-X-003"]
    alone = App(root=".")  # a library's run_rules alone: the same
    run_rules(alone, Facts())
    assert [d.message for d in alone.diagnostics] == [d.message for d in app.diagnostics]


def test_disabled_model_only_rules_do_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    early = EarlyRules(App(root="."), Options(), lambda rule_id: rule_id != "FG-MON-001")
    early()
    assert "FG-MON-001" not in early.outcomes and "FG-MON-002" in early.outcomes
    assert set(early.outcomes) <= MODEL_ONLY


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough services (each with its handler) for the handler phase to fork a worker."""
    root = tmp_path_factory.mktemp("services")
    for index in range(MIN_SHARDED_FILES + 2):
        shutil.copytree(FIXTURES / "app", root / f"svc{index:02d}")
    return root


def _everything(result: ScanResult) -> tuple[list[object], list[object]]:
    return ([(f.rule_id, f.location, f.subject, f.message, f.remediation, f.properties)
             for f in result.findings], list(result.diagnostics))


def _recording(seen: list[str]) -> object:
    def check(app: App, facts: Facts) -> Iterator[Finding]:
        """Notes whether the handlers were resolved yet (the first is, before the fork)."""
        resolved = [f.handler_name is not None for f in app.functions.values()]
        seen.append("beside" if resolved.count(True) <= 1 else "after")
        yield from ()

    return check


@pytest.mark.parametrize("beside", [True, False])
def test_beside_the_handler_phase_the_scan_is_the_same(
        services: Path, monkeypatch: pytest.MonkeyPatch, beside: bool) -> None:
    seen: list[str] = []
    rules = {**RULES, "FG-ZZ-001": _rule("FG-ZZ-001", _recording(seen))}
    monkeypatch.setattr(findings_module, "RULES", rules)
    monkeypatch.setattr(scan_module, "RULES", rules)
    monkeypatch.setattr(faasguard.rules, "MODEL_ONLY", MODEL_ONLY | {"FG-ZZ-001"})
    monkeypatch.setattr(scan_module, "RULES_BESIDE_HANDLERS", beside)
    sharded = scan_paths([str(services)], jobs=2)
    assert seen == ["beside" if beside else "after"]
    serial = scan_paths([str(services)], jobs=1)
    assert seen[1:] == ["beside" if beside else "after"]  # (one process: before them all)
    assert _everything(sharded) == _everything(serial)
    assert {f.rule_id for f in sharded.findings} & MODEL_ONLY  # (some ran early)
    assert isinstance(sharded.facts.cost, CostModel)  # (made beside, given to the facts)


def noisy(app: App, facts: Facts) -> None:
    """A test analysis listed as model-only: a diagnostic, its field, then a crash."""
    from faasguard.model import Diagnostic

    app.diagnostics.append(Diagnostic("x.yml", f"noisy saw {len(app.functions)} function"))
    facts.cost = "the model"
    raise RuntimeError("noisy bug")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_model_only_analysis_reports_in_its_turn(
        services: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Run beside the handler phase, its diagnostics come after the handlers' (a handler
    not found, in svc-missing) and its crash's, its field reaches the scan's facts."""
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    shutil.copytree(services, tmp_path / "all")
    missing = tmp_path / "all" / "svc-missing"
    shutil.copytree(FIXTURES / "app", missing)
    (missing / "handler.py").unlink()
    name = f"{__name__}:noisy"
    monkeypatch.setattr(scan_module, "ANALYSES", [*scan_module.ANALYSES, name])
    monkeypatch.setattr(scan_module, "MODEL_ONLY_ANALYSES", {name: "cost"})
    runs = []
    for beside in (True, False):
        monkeypatch.setattr(scan_module, "RULES_BESIDE_HANDLERS", beside)
        runs.append(scan_paths([str(tmp_path / "all")], jobs=jobs))
    assert _everything(runs[0]) == _everything(runs[1])
    assert runs[0].facts.cost == "the model"
    messages = [d.message for d in runs[0].diagnostics]
    assert [m.split()[0] for m in messages[-3:]] == ["function", "noisy", "internal"]
    assert "handler 'handler.main' not found" in messages[-3]
