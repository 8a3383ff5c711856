"""The configuration file is looked up in the scanned folder and the folders above it, up
to the repository's root (the nearest folder holding `.git`), nearest first:
`cd services/notify && faasguard scan .` missed the root's .faasguard.yml. Fixture
tests/fixtures/review_workflow/config_nested (a root file ignoring FG-AUTH-001 in
services/notify and services/billing; billing has a file of its own, which wins)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from pipeline_support import run_cli

NESTED = Path(__file__).resolve().parent / "fixtures" / "review_workflow" / "config_nested"


def _url_suppression(capsys, scanned: str) -> str | None:
    """The suppression source of the one FG-AUTH-001 finding (the public function URL)."""
    code, out, _ = run_cli(capsys, "scan", scanned, "--format", "json")
    assert code in (0, 1)
    found = [f for f in json.loads(out)["findings"] if f["rule_id"] == "FG-AUTH-001"]
    assert len(found) == 1
    return (found[0]["suppression"] or {}).get("source")


def test_a_scan_of_the_current_sub_folder_finds_the_root_configuration(capsys,
                                                                       monkeypatch) -> None:
    monkeypatch.chdir(NESTED / "services" / "notify")
    assert _url_suppression(capsys, ".") == "config"
    # the root's billing entry lies outside the scanned folder: not called unused
    _, out, _ = run_cli(capsys, "scan", ".", "--format", "json")
    assert [d for d in json.loads(out)["diagnostics"] if d.get("code") == "config"] == []


def test_a_sub_folder_named_from_elsewhere_finds_the_root_configuration(capsys, monkeypatch,
                                                                       tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    assert _url_suppression(capsys, str(NESTED / "services" / "notify")) == "config"


def test_the_nearest_configuration_wins(capsys, monkeypatch) -> None:
    """billing's own file (no ignore entry) is used, not the root's above it."""
    monkeypatch.chdir(NESTED / "services" / "billing")
    assert _url_suppression(capsys, ".") is None


@pytest.mark.parametrize(("git", "expected"), [(False, "config"), (True, None)])
def test_the_lookup_stops_at_the_repository_root(capsys, monkeypatch, tmp_path, git,
                                                 expected) -> None:
    """A file above the folder holding .git belongs to no repository of this project."""
    outer = tmp_path / "outer"
    shutil.copytree(NESTED, outer)
    if git:
        (outer / "services" / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    assert _url_suppression(capsys, str(outer / "services" / "notify")) == expected


def test_a_pyproject_above_is_read_only_when_it_configures_faasguard(capsys, monkeypatch,
                                                                    tmp_path) -> None:
    """The repository's pyproject.toml is above most scanned folders: one without a
    [tool.faasguard] table (here not even valid TOML) is not parsed and cannot stop the
    scan; one with the table is the configuration."""
    repo = tmp_path / "repo"
    shutil.copytree(NESTED / "services" / "notify", repo / "services" / "notify")
    (repo / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    (repo / "pyproject.toml").write_text('[project\nname = "shop"\n')
    assert _url_suppression(capsys, str(repo / "services" / "notify")) is None
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.faasguard]\nignore = [{rule = "FG-AUTH-001", '
        'path = "services/notify/*", reason = "signed"}]\n')
    assert _url_suppression(capsys, str(repo / "services" / "notify")) == "config"
