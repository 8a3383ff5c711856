"""A configuration `ignore` entry that matches no finding is a warning diagnostic (code
`config`): a mistyped or moved path suppressed nothing and nothing said so. Only entries
the scan can judge are reported: not those of a rule that did not run, nor, in a scan of
a sub-folder, those whose paths lie outside it. Fixtures tests/fixtures/review_workflow
config_stale (two stale entries) and config_root (every entry used)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_support import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review_workflow"
STALE = FIXTURES / "config_stale"
TYPO = (6, "ignore entry (rule FG-AUTH-001, path 'services/notfy/*') matches no finding of "
           "this scan: it suppresses nothing (a path mistyped or moved, or findings since "
           "fixed: correct or remove it)")
OLD = (7, "ignore entry (rule auth, path 'services/api/old/*') matches no finding of this "
          "scan: it suppresses nothing (a path mistyped or moved, or findings since fixed: "
          "correct or remove it)")


def _config_warnings(capsys, *argv: str) -> list[tuple[str, int, str]]:
    code, out, _ = run_cli(capsys, "scan", *argv, "--format", "json")
    assert code in (0, 1)
    return [(d["file"], d["line"], d["message"]) for d in json.loads(out)["diagnostics"]
            if d.get("code") == "config" and d["level"] == "warning"]


@pytest.mark.parametrize(("scanned", "config", "expected"), [
    (".", ".faasguard.yml", [TYPO, OLD]),
    ("services", "../.faasguard.yml", [TYPO, OLD]),  # both paths lie under services
    # a scan of services/api judges only the entries under it: the typo is notify's
    ("services/api", "../../.faasguard.yml", [OLD]),
])
def test_a_stale_ignore_entry_is_a_warning(capsys, monkeypatch, scanned, config,
                                           expected) -> None:
    monkeypatch.chdir(STALE)
    found = _config_warnings(capsys, scanned, "--config", ".faasguard.yml")
    assert found == [(config, line, message) for line, message in expected]


def test_entries_in_use_or_of_a_rule_that_did_not_run_are_silent(capsys, monkeypatch) -> None:
    """config_root's entry suppresses notify's finding; config_stale's FG-WALLET-001 entry
    (the rule disabled) and its used services/api entry are never reported."""
    monkeypatch.chdir(FIXTURES / "config_root")
    assert _config_warnings(capsys, ".") == []
    assert _config_warnings(capsys, "services", "--config", ".faasguard.yml") == []
    monkeypatch.chdir(STALE)
    assert all("WALLET" not in m and "services/api/*'" not in m
               for _, _, m in _config_warnings(capsys, "."))

