"""The configuration's `trusted-accounts` (layer publishers FG-TP-001 leaves alone) and
`runtime-warning-days` (how close to its deprecation FG-TP-005 flags a runtime), which
the rules read from `Options` but no configuration key could set: FG-TP-001 said trusted
accounts "can be listed", and nothing listed them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from faasguard.config import ConfigError, load_config, to_options
from faasguard.scan import scan_paths

FIXTURES = Path(__file__).parent / "fixtures" / "config_trusted_accounts"
TODAY = "2026-12-01"  # python3.12 is deprecated on 2028-10-31: 700 days ahead


def _rules(folder: str) -> dict[str, list[str]]:
    root = FIXTURES / folder
    config = load_config(str(root / ".faasguard.yml"))
    options = to_options(config)
    options.today = TODAY
    found: dict[str, list[str]] = {}
    for finding in scan_paths([str(root)], options, config).findings:
        found.setdefault(finding.rule_id, []).append(finding.severity)
    return found


def test_a_trusted_publisher_s_layer_and_a_runtime_beyond_the_warning_are_not_reported() -> None:
    found = _rules("neg")
    assert "FG-TP-001" not in found
    assert "FG-TP-005" not in found


def test_another_account_s_layer_and_a_runtime_within_the_warning_are_reported() -> None:
    found = _rules("pos")
    assert found["FG-TP-001"] == ["medium"]
    assert found["FG-TP-005"] == ["low"]


def test_the_keys_reach_the_options_as_the_rules_read_them() -> None:
    options = to_options(load_config(str(FIXTURES / "neg" / ".faasguard.yml")))
    assert options.trusted_accounts == ["222222222222", "333333333333"]
    assert options.runtime_warning_days == 30


@pytest.mark.parametrize(("text", "message"), [
    ("trusted-accounts: ['12345']", "12-digit AWS account id"),
    ("trusted-accounts: {a: 1}", "12-digit AWS account id"),
    ("runtime-warning-days: -1", "whole number of days"),
    ("runtime-warning-days: ten", "whole number of days"),
])
def test_bad_values_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".faasguard.yml"
    path.write_text(text + "\n")
    with pytest.raises(ConfigError, match=message):
        load_config(str(path))
