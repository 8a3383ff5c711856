"""The configuration's `ignore:` entries name a rule id, a threat or "*", as `rules:` and
`severity:` do: an entry naming a threat suppresses that threat's findings in its paths.

A threat was accepted there (the check of the key allows rule ids and threats) and then
matched against rule ids only, so it suppressed nothing and said nothing.
"""

from __future__ import annotations

from pathlib import Path

from faasguard.config import IgnoreEntry, load_config
from faasguard.scan import scan_paths

FIXTURES = Path(__file__).parent / "fixtures" / "config_ignore_threat"


def _suppressed(folder: str) -> dict[str, str | None]:
    root = FIXTURES / folder
    result = scan_paths([str(root)], config=load_config(str(root / ".faasguard.yml")))
    return {f.rule_id: f.suppressed for f in result.findings}


def test_an_entry_naming_a_threat_suppresses_its_findings() -> None:
    found = _suppressed("pos")
    assert found["FG-AUTH-001"] == "a public status page, reviewed"
    assert found["FG-WALLET-001"] is None
    assert found["FG-MON-001"] is None


def test_an_entry_naming_another_threat_leaves_the_finding_reported() -> None:
    found = _suppressed("neg")
    assert found["FG-AUTH-001"] is None
    assert found["FG-WALLET-001"] == "a budget alarm in the account stack"


def test_an_entry_matches_its_rule_its_threat_or_every_rule_in_its_paths() -> None:
    assert IgnoreEntry("auth", "*.yml", "r").matches("FG-AUTH-001", "a.yml", "auth")
    assert not IgnoreEntry("auth", "*.yml", "r").matches("FG-WALLET-001", "a.yml", "wallet")
    assert not IgnoreEntry("auth", "*.yml", "r").matches("FG-AUTH-001", "a.json", "auth")
    assert IgnoreEntry("FG-AUTH-001", "*", "r").matches("FG-AUTH-001", "a.yml", "auth")
    assert IgnoreEntry("*", "legacy", "r").matches("FG-DATA-001", "legacy/t.yml", "data")
