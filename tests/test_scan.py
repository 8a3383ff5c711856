"""The scan pipeline end to end: loaders, analyses hook, rules, config, suppressions."""

from __future__ import annotations

import shutil

import pytest
from pipeline_support import FIXTURES, expected_marks

from faasguard import scan as scan_module
from faasguard.analysis.facts import Options
from faasguard.config import Config, IgnoreEntry
from faasguard.scan import scan, scan_paths
from faasguard.workers import MIN_SHARDED_FILES

SEED_RULES = {"FG-PERM-001", "FG-AUTH-001", "FG-DATA-001"}


def located(findings, rules=SEED_RULES):
    return {(f.location.file, f.location.line, f.rule_id) for f in findings
            if f.rule_id in rules}


@pytest.mark.parametrize("fixture", ["app", "sam"])
def test_findings_at_their_marked_lines(fixture):
    result = scan(str(FIXTURES / fixture))
    assert located(result.findings) == expected_marks(FIXTURES / fixture)
    assert result.diagnostics == []


def test_findings_at_their_marked_lines_details():
    result = scan(str(FIXTURES / "app"))
    assert result.files_scanned == 2  # serverless.yml and handler.py
    assert result.sources == ["handler.py"]
    assert ("handler.py", "python") in {(f.path, f.format) for f in result.app.files}
    assert result.diagnostics == [] and not result.nothing_scanned


@pytest.mark.parametrize("fixture, fmt", [("app", "serverless"), ("sam", "sam")])
def test_remediation_is_shown_in_the_format_of_the_file(fixture, fmt):
    result = scan(str(FIXTURES / fixture))
    url = next(f for f in result.findings if f.rule_id == "FG-AUTH-001")
    assert url.remediation == scan_module.RULES["FG-AUTH-001"].meta.remediation[fmt]


def test_stage_option_reaches_the_loaders():
    folder = str(FIXTURES / "staged")
    assert located(scan_paths([folder], Options()).findings) == set()
    assert located(scan_paths([folder], Options(stage="prod")).findings) == {
        ("serverless.yml", 10, "FG-DATA-001")}


def test_inline_suppressions_through_the_pipeline():
    result = scan(str(FIXTURES / "suppressed"))
    by_rule = {f.rule_id: f for f in result.findings if f.rule_id in SEED_RULES}
    assert by_rule["FG-PERM-001"].suppressed == "break-glass role, reviewed in SEC-42"
    assert by_rule["FG-DATA-001"].suppressed == "no reason given"
    assert by_rule["FG-AUTH-001"].suppressed is None
    assert [(d.file, d.line, d.code) for d in result.diagnostics] == [
        ("serverless.yml", 6, "suppression")]


def test_config_disables_overrides_ignores_and_baselines():
    root = str(FIXTURES / "app")
    plain = scan(root)
    perm = next(f for f in plain.findings if f.rule_id == "FG-PERM-001")
    config = Config(disable=["auth"], severity={"FG-DATA-001": "low"},
                    ignore=[IgnoreEntry("FG-DATA-001", "*.yml", "test data")])
    result = scan_paths([root], Options(), config, frozenset({perm.fingerprint}))
    rules = {f.rule_id for f in result.findings}
    assert not any(r.startswith("FG-AUTH-") for r in rules)  # disabled rules do not run
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["FG-DATA-001"].severity == "low"
    assert by_rule["FG-DATA-001"].suppressed == "test data"
    assert by_rule["FG-PERM-001"].suppressed == "baseline"


def test_excludes_from_config_and_options(tmp_path):
    shutil.copytree(FIXTURES / "app", tmp_path / "keep")
    shutil.copytree(FIXTURES / "app", tmp_path / "old")
    result = scan_paths([str(tmp_path)], Options(excludes=["old"]))
    assert {f.location.file.split("/")[0] for f in result.findings} == {"keep"}
    result = scan_paths([str(tmp_path)], Options(), Config(exclude=["keep/*"]))
    assert {f.location.file.split("/")[0] for f in result.findings} == {"old"}


def test_several_paths_are_one_app_with_unique_files(tmp_path):
    shutil.copytree(FIXTURES / "app", tmp_path / "a")
    shutil.copytree(FIXTURES / "app", tmp_path / "b")
    result = scan_paths([str(tmp_path / "a"), str(tmp_path / "b")])
    assert result.root == str(tmp_path)
    files = {(f.location.file, f.rule_id) for f in result.findings if f.rule_id in SEED_RULES}
    assert files == {(d + "/serverless.yml", r) for d in "ab" for r in SEED_RULES}


def test_parallel_load_matches_sequential(tmp_path):
    for index in range(MIN_SHARDED_FILES + 2):
        shutil.copytree(FIXTURES / "app", tmp_path / f"svc{index:02d}")
        if index:  # one `*` grant is enough: each costs the permission rules a walk of IAM
            manifest = tmp_path / f"svc{index:02d}" / "serverless.yml"
            text = manifest.read_text()
            assert text.count('Action: "*"') == 1
            manifest.write_text(text.replace('Action: "*"', 'Action: "s3:GetObject"'))
    ticks = []
    parallel = scan_paths([str(tmp_path)], jobs=2, progress=lambda d, t: ticks.append((d, t)))
    sequential = scan_paths([str(tmp_path)], jobs=1)
    assert ticks[-1] == (MIN_SHARDED_FILES + 2, MIN_SHARDED_FILES + 2)
    key = [(f.location.file, f.location.line, f.rule_id, f.fingerprint)
           for f in parallel.findings]
    assert key == [(f.location.file, f.location.line, f.rule_id, f.fingerprint)
                   for f in sequential.findings]
    # every copy's FG-AUTH-001 and FG-DATA-001, and the first copy's FG-PERM-001
    assert len(located(parallel.findings)) == 2 * (MIN_SHARDED_FILES + 2) + 1
    assert ("svc00/serverless.yml", 10, "FG-PERM-001") in located(parallel.findings)


SEEN: list[tuple[int, str]] = []


def record(app, facts):
    """A test analysis step: sees the loaded app and the options."""
    SEEN.append((len(app.functions), facts.options.stage))
    facts.code["recorded"] = True


def explode(app, facts):
    raise RuntimeError("analysis bug")


def test_analyses_run_in_order_and_a_crash_is_a_diagnostic(monkeypatch):
    monkeypatch.delenv("FAASGUARD_DEBUG", raising=False)
    monkeypatch.setattr(scan_module, "ANALYSES",
                        [*scan_module.ANALYSES, f"{__name__}:explode", f"{__name__}:record"])
    SEEN.clear()
    result = scan_paths([str(FIXTURES / "app")], Options(stage="prod"))
    assert SEEN == [(1, "prod")] and result.facts.code["recorded"]
    internal = [d for d in result.diagnostics if d.code == "internal"]
    assert len(internal) == 1 and "analysis bug" in internal[0].message
    assert located(result.findings) == expected_marks(FIXTURES / "app")


def test_debug_mode_reraises(monkeypatch):
    monkeypatch.setenv("FAASGUARD_DEBUG", "1")
    monkeypatch.setattr(scan_module, "ANALYSES", [f"{__name__}:explode"])
    with pytest.raises(RuntimeError, match="analysis bug"):
        scan(str(FIXTURES / "app"))


def test_empty_folder_scans_clean(tmp_path):
    result = scan(str(tmp_path))
    assert result.findings == [] and result.files_scanned == 0
    assert not result.nothing_scanned
