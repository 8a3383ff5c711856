"""docs/rules.md is generated from the rule registry and must not go stale."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from faasguard.findings import RULES

REPO = Path(__file__).resolve().parents[1]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rules_doc",
                                                  REPO / "scripts" / "gen_rules_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rules_doc_is_up_to_date() -> None:
    expected = _generator().render()
    current = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == expected, "docs/rules.md is stale: run python3 scripts/gen_rules_doc.py"


def test_rules_doc_covers_every_rule_with_its_equivalents() -> None:
    text = _generator().render()
    assert RULES, "no rule registered"
    for rule_id, registered in RULES.items():
        assert f"## {rule_id}: {registered.meta.title}" in text
        for tool, check in registered.meta.equivalents.items():
            assert f"{tool} {check}" in text


def test_check_mode_reports_a_stale_page(tmp_path: Path, monkeypatch) -> None:
    generator = _generator()
    stale = tmp_path / "rules.md"
    stale.write_text("# Rules\n\nold\n", encoding="utf-8")
    monkeypatch.setattr(generator, "OUT", stale)
    assert generator.main(["--check"]) == 1
    assert generator.main([]) == 0
    assert generator.main(["--check"]) == 0
