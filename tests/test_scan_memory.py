"""What the rule runner frees while it runs: the values the rules of one module share
through `Facts.memo` are dropped once that module's last enabled rule has run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import faasguard.rules  # noqa: F401  (registers the rules before RULES is swapped)
from faasguard import findings as findings_module
from faasguard.analysis.facts import Facts
from faasguard.findings import Finding, Rule, RuleMeta
from faasguard.model import App
from faasguard.scan import run_rules, scan_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _rule(rule_id: str, module: str, check: object) -> Rule:
    check.__module__ = f"faasguard.rules.{module}"  # type: ignore[attr-defined]
    meta = RuleMeta(rule_id, "t", "permissions", "low", "d")
    return Rule(meta, check)  # type: ignore[arg-type]


@pytest.fixture
def seen() -> dict[str, object]:
    return {}


@pytest.fixture
def fake_rules(monkeypatch: pytest.MonkeyPatch, seen: dict[str, object]) -> None:
    def first(app: App, facts: Facts) -> Iterator[Finding]:
        facts.memo["sharing.value"] = "shared"
        yield from ()

    def second(app: App, facts: Facts) -> Iterator[Finding]:
        seen["second"] = facts.memo.get("sharing.value")
        yield from ()

    def other(app: App, facts: Facts) -> Iterator[Finding]:
        seen["other"] = facts.memo.get("sharing.value")
        yield from ()

    rules = {"FG-X-001": _rule("FG-X-001", "sharing", first),
             "FG-X-002": _rule("FG-X-002", "sharing", second),
             "FG-Y-001": _rule("FG-Y-001", "elsewhere", other)}
    monkeypatch.setattr(findings_module, "RULES", rules)
    monkeypatch.setattr("faasguard.scan.RULES", rules)


@pytest.mark.usefixtures("fake_rules")
def test_memo_of_a_module_lives_until_its_last_rule(seen: dict[str, object]) -> None:
    facts = Facts()
    facts.memo["sharing.from_analysis"] = "kept"  # set before the rules: not theirs
    run_rules(App(root="."), facts)
    assert seen == {"second": "shared", "other": None}
    assert facts.memo == {"sharing.from_analysis": "kept"}


@pytest.mark.usefixtures("fake_rules")
def test_memo_stays_while_a_later_enabled_rule_of_the_module_remains(
        seen: dict[str, object]) -> None:
    facts = Facts()
    run_rules(App(root="."), facts, enabled=lambda rule_id: rule_id != "FG-X-002")
    assert "second" not in seen and seen["other"] is None  # FG-X-001 was the module's last
    assert facts.memo == {}


def test_scan_frees_least_privilege_needs_after_its_rules() -> None:
    result = scan_paths([str(EXAMPLES / "vulnerable-app")])
    # the needs were made: FG-PERM-101, folded into FG-PERM-001 (`Action: "*"`)
    assert any(a["rule_id"] == "FG-PERM-101" for f in result.findings
               for a in f.properties.get("absorbed", []))
    assert not [key for key in result.facts.memo if key.startswith("leastpriv.")]


def test_equal_least_privilege_properties_are_one_object(tmp_path: Path) -> None:
    functions = "".join(
        f"  Fn{n}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      Handler: app.handler\n      Runtime: python3.12\n      Policies:\n"
        "        - DynamoDBCrudPolicy:\n            TableName: items\n" for n in range(3))
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n" + functions)
    (tmp_path / "app.py").write_text(
        "import boto3\n\n\ndef handler(event, context):\n"
        "    return boto3.resource('dynamodb').Table('items').get_item(Key={'id': 1})\n")
    unused = [f.properties for f in scan_paths([str(tmp_path)]).findings
              if f.rule_id == "FG-PERM-101"]
    assert len(unused) == 3  # three functions, each with a role of its own
    pairs = [(a, b) for i, a in enumerate(unused) for b in unused[i + 1:]]
    for name in ("unused_by_level", "used", "sample_unused"):
        equal = [(a[name], b[name]) for a, b in pairs if a[name] == b[name]]
        assert equal, name  # the functions' roles and calls are alike
        assert all(x is y for x, y in equal), name
    assert all(a is not b for a, b in pairs)  # each finding keeps its own properties
