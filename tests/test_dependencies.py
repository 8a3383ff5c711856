"""Vulnerable and unpinned dependencies (FG-TP-101..103), OSV matching, manifests."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from faasguard.analysis.dependencies import read_manifest
from faasguard.analysis.facts import Options
from faasguard.analysis.osv import OsvError, SemVer, load_database
from faasguard.scan import scan

OSV = Path(__file__).resolve().parent / "fixtures" / "osv"
DB = OSV / "db"
APP = OSV / "app"


def _findings(osv_db: str | None, rule: str) -> list[tuple[str, int, str]]:
    result = scan(str(APP), Options(osv_db=osv_db))
    return sorted((f.location.file, f.location.line, f.message) for f in result.findings
                  if f.rule_id == rule)


def test_vulnerable_pinned_versions_are_reported_with_advisory_ids() -> None:
    found = _findings(str(DB), "FG-TP-101")
    where = {(file, line) for file, line, _m in found}
    assert where == {("py/requirements.txt", 2), ("py/requirements.txt", 3),
                     ("js/package-lock.json", 7), ("js/package-lock.json", 8)}
    messages = " ".join(m for _f, _l, m in found)
    for advisory in ("FGTEST-PY-0001", "FGTEST-PY-0002", "FGTEST-JS-0001", "FGTEST-JS-0002"):
        assert advisory in messages
    assert "FGTEST-PY-0003" not in messages  # fgdemo-jwt 1.0.2 is not a listed version
    assert "'PyFunction'" in messages and "'JsFunction'" in messages


def test_fixed_versions_and_dev_dependencies_are_clean() -> None:
    found = _findings(str(DB), "FG-TP-101")
    assert not [f for f in found if f[0].startswith("clean/")]


def test_severity_follows_the_advisory() -> None:
    result = scan(str(APP), Options(osv_db=str(DB)))
    by_advisory = {f.properties["advisory"]: f.severity for f in result.findings
                   if f.rule_id == "FG-TP-101"}
    assert by_advisory["FGTEST-PY-0001"] == "critical"
    assert by_advisory["FGTEST-JS-0001"] == "medium"
    assert by_advisory["FGTEST-PY-0002"] == "high"  # no rating: the rule's default


def test_zip_export_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "osv.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in DB.rglob("*.json"):
            out.write(path, path.relative_to(DB).as_posix())
    assert _findings(str(archive), "FG-TP-101") == _findings(str(DB), "FG-TP-101")


def test_unpinned_dependencies_are_findings_of_their_own() -> None:
    found = _findings(None, "FG-TP-102")
    assert [(f, line) for f, line, _m in found] == [("py/requirements.txt", 5),
                                                  ("py/requirements.txt", 6)]
    assert _findings(str(DB), "FG-TP-102") == found


def test_without_a_database_the_check_says_it_did_not_run() -> None:
    found = _findings(None, "FG-TP-103")
    assert {f for f, _l, _m in found} == {"clean/Pipfile.lock", "js/package-lock.json",
                                          "py/requirements.txt"}
    assert all("not checked" in m for _f, _l, m in found)
    assert _findings(None, "FG-TP-101") == []
    assert _findings(str(DB), "FG-TP-103") == []


def test_unreadable_database_is_a_diagnostic_and_the_check_did_not_run(tmp_path: Path) -> None:
    bogus = tmp_path / "osv.zip"
    bogus.write_text("not a zip")
    result = scan(str(APP), Options(osv_db=str(bogus)))
    assert any(d.code == "osv" and d.level == "error" for d in result.diagnostics)
    did_not_run = [f for f in result.findings if f.rule_id == "FG-TP-103"]
    assert did_not_run and all("could not be read" in f.message for f in did_not_run)
    with pytest.raises(OsvError):
        load_database(str(bogus))


def test_broken_advisory_files_are_skipped(tmp_path: Path) -> None:
    shutil.copytree(DB, tmp_path / "db")
    (tmp_path / "db" / "broken.json").write_text("{ fgdemo-http")
    db = load_database(str(tmp_path / "db"))
    assert db.skipped == ["broken.json: not JSON"]
    assert [a.id for a in db.matches("pypi", "FGDEMO_http", "1.0")] == ["FGTEST-PY-0001"]


@pytest.mark.parametrize(("low", "high"), [
    ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-alpha.1", "1.0.0-alpha.beta"),
    ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-rc.1", "1.0.0"), ("1.9.0", "1.10.0"),
    ("2.0.0", "10.0.0"),
])
def test_semver_precedence(low: str, high: str) -> None:
    a, b = SemVer.parse(low), SemVer.parse(high)
    assert a is not None and b is not None and a < b and not b < a


def test_semver_rejects_ranges() -> None:
    assert SemVer.parse("^1.2.3") is None and SemVer.parse("1.x") is None


def test_manifest_readers(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["fgdemo-http==2.3.1", "fgdemo-log>=1"]\n'
        '[tool.poetry.dependencies]\npython = "^3.11"\nfgdemo-jwt = "1.0.0"\n'
        'fgdemo-yaml = "^5.1"\n')
    deps = read_manifest(str(tmp_path), "pyproject.toml")
    assert deps is not None
    assert [(d.name, d.version, d.line) for d in deps] == [
        ("fgdemo-http", "2.3.1", 3), ("fgdemo-log", None, 3), ("fgdemo-jwt", "1.0.0", 6),
        ("fgdemo-yaml", None, 7)]
    (tmp_path / "package.json").write_text("{ broken")
    assert read_manifest(str(tmp_path), "package.json") is None
