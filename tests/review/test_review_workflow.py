"""Review of faasguard in a team's workflow (CI gate, suppressions, excludes), as a new user
meets it on a monorepo: what the user is told when a scan cannot do what was asked, and
paths written as users write them. Fixtures under tests/fixtures/review_workflow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pipeline_support import run_cli

from faasguard.analysis.openapi import find_spec_files
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "review_workflow"


@pytest.mark.parametrize("options", [("-q",), ("--format", "json"), ("--format", "sarif"),
                                     ("--format", "text")])
def test_nothing_scanned_says_why_on_the_terminal(tmp_path, capsys, options) -> None:
    """`faasguard scan missing -q` (or JSON, SARIF) exited 2 with nothing on the terminal:
    the reason was in the report only, which -q and the machine formats do not show."""
    code, out, err = run_cli(capsys, "scan", str(tmp_path / "missing"), *options)
    assert code == 2
    assert "path does not exist" in out + err
    assert "nothing could be scanned" in out + err


def test_nothing_scanned_into_a_report_file_says_why(tmp_path, capsys) -> None:
    report = tmp_path / "faasguard.sarif"
    code, out, err = run_cli(capsys, "scan", str(tmp_path / "missing"), "--format", "sarif",
                             "-o", str(report))
    assert code == 2 and out == ""
    assert "missing: error: path does not exist" in err
    assert err.rstrip().endswith("faasguard: error: nothing could be scanned")


def test_a_scan_that_reads_something_adds_nothing_to_standard_error(capsys) -> None:
    code, _, err = run_cli(capsys, "scan", str(FIXTURES / "suppression_right"), "-q")
    assert code == 1 and err == ""  # its findings fail the build, quietly


def _suppression_warnings(folder: Path) -> list[tuple[int | None, str]]:
    return [(d.line, d.message) for d in scan(str(folder)).diagnostics
            if d.code == "suppression"]


def test_a_suppression_naming_no_rule_is_said_to_suppress_nothing() -> None:
    """`ignore[fg-inj-001]` (the configuration refuses lower-case ids: exit 2) and an
    ignore with no id suppressed nothing, and nothing said so: the build failed on a
    finding the user believed suppressed, with no hint why."""
    result = scan(str(FIXTURES / "suppression_typo"))
    assert [f.line for f in (x.location for x in result.findings
                             if x.rule_id == "FG-INJ-001" and x.suppressed is None)] == [7, 9]
    assert _suppression_warnings(FIXTURES / "suppression_typo") == [
        (6, "suppression names 'fg-inj-001', which is no rule id: it suppresses nothing; "
            "did you mean 'FG-INJ-001'?"),
        (8, "suppression comment names no rule id (FG-XXX-NNN, in capitals): it suppresses "
            "nothing")]


def test_suppressions_naming_rules_are_honoured_without_a_warning() -> None:
    result = scan(str(FIXTURES / "suppression_right"))
    assert [f.suppressed for f in result.findings if f.rule_id == "FG-INJ-001"] == [
        "the format is checked by the API's request validator"] * 2
    assert _suppression_warnings(FIXTURES / "suppression_right") == []


DOT_SLASH = FIXTURES / "dot_slash"


def _url_findings(*argv: str, capsys) -> list[tuple[str, str | None]]:
    code, out, _ = run_cli(capsys, "scan", str(DOT_SLASH), "--format", "json", *argv)
    assert code in (0, 1)
    return sorted((f["location"]["file"], (f["suppression"] or {}).get("source"))
                  for f in json.loads(out)["findings"] if f["rule_id"] == "FG-AUTH-001")


@pytest.mark.parametrize("written", ["legacy", "./legacy", "./legacy/"])
def test_an_exclude_written_from_the_current_folder_excludes(capsys, written) -> None:
    """`--exclude ./legacy` matched no path (they are written without ./) and skipped
    nothing, silently; so did `exclude: [./legacy]` in the configuration."""
    assert _url_findings("--exclude", written, capsys=capsys) == [
        ("services/api/serverless.yml", None)]


@pytest.mark.parametrize("written", ["legacy", "./legacy"])
def test_spec_discovery_takes_the_same_excludes(written) -> None:
    assert find_spec_files(str(DOT_SLASH)) == ["legacy/openapi.yaml"]
    assert find_spec_files(str(DOT_SLASH), [written]) == []


@pytest.mark.parametrize("written", ["services/api/*", "./services/api/*", "./services/api"])
def test_an_ignore_path_written_from_the_current_folder_suppresses(tmp_path, capsys,
                                                                   written) -> None:
    config = tmp_path / "faasguard.yml"
    config.write_text("version: 1\nignore:\n"
                      f"  - {{rule: FG-AUTH-001, path: '{written}', reason: signed}}\n")
    assert _url_findings("--config", str(config), capsys=capsys) == [
        ("legacy/serverless.yml", None), ("services/api/serverless.yml", "config")]


CONFIG_ROOT = FIXTURES / "config_root"


@pytest.mark.parametrize("argv", [("services",), ("services", "--config", ".faasguard.yml"),
                                  (".",)])
def test_a_root_configuration_applies_to_a_scan_of_a_sub_folder(capsys, monkeypatch,
                                                                argv) -> None:
    """The repository's .faasguard.yml writes its paths from the root (services/notify/*);
    `faasguard scan services`, run from the root (the configuration found in the current
    folder), reports notify/serverless.yml: the ignore entry and the exclude matched
    nothing, and the build failed on findings the team had accepted."""
    monkeypatch.chdir(CONFIG_ROOT)
    code, out, _ = run_cli(capsys, "scan", *argv, "--format", "json")
    found = sorted((f["location"]["file"].removeprefix("services/"),
                    (f["suppression"] or {}).get("source"))
                   for f in json.loads(out)["findings"] if f["rule_id"] == "FG-AUTH-001")
    assert found == [("api/serverless.yml", None), ("notify/serverless.yml", "config")]


def test_a_block_comment_suppresses_as_a_line_comment_does() -> None:
    """`/* faasguard: ignore[FG-INJ-001] ... */` (JavaScript, TypeScript, HCL) was not read
    as a suppression at all: nothing suppressed, and no warning."""
    result = scan(str(FIXTURES / "block_comments"))
    assert [(f.location.line, f.suppressed) for f in result.findings
            if f.rule_id == "FG-INJ-001"] == [(6, "names are allow-listed"),
                                              (8, "names are allow-listed"), (9, None)]


@pytest.mark.parametrize("command", ["endpoints", "cost"])
def test_the_other_commands_take_a_root_configuration_as_scan_does(capsys, monkeypatch,
                                                                   command) -> None:
    """endpoints, cost and policy looked the configuration up with their own copy of
    scan's lookup, without its paths written from the root: `faasguard endpoints
    services` listed services/legacy, which the root's .faasguard.yml excludes."""
    monkeypatch.chdir(CONFIG_ROOT)
    code, out, _ = run_cli(capsys, command, "services", "--format", "json")
    assert code in (0, 1)
    assert "legacy" not in out and "notify" in out


def test_policy_names_the_source_a_cdk_asset_copies(capsys) -> None:
    """`faasguard policy` named the copy in cdk.out/asset.<hash>/, where scan reports the
    project file it is a copy of (the command did not list the code files)."""
    code, out, _ = run_cli(capsys, "policy", str(FIXTURES.parent / "review_cdk_findings" / "cdk"))
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith("# Fn")] == [
        "# Fn9270CBC0 (lambda/index.py)"]
