"""An advisory database read only in part says so: one diagnostic per database, counting
the files not read, the records of another shape than the OSV schema's and the records of
an ecosystem faasguard does not read, naming the first few. Fixture:
tests/fixtures/osv_left_out (and tests/fixtures/osv, read whole: no such diagnostic)."""

from __future__ import annotations

import json
from pathlib import Path

from faasguard.analysis.facts import Options
from faasguard.analysis.osv import load_database
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures"

APP = FIXTURES / "osv" / "app"
PART = FIXTURES / "osv_left_out" / "db"
WHOLE = FIXTURES / "osv" / "db"


def _osv_diagnostics(db: Path) -> list[tuple[str, str]]:
    result = scan(str(APP), Options(osv_db=str(db)))
    advisories = sorted(f.properties["advisory"] for f in result.findings
                        if f.rule_id == "FG-TP-101" and "fgdemo-http" in f.message)
    assert advisories == ["FGTEST-PY-0001"]  # what could be read is read
    return [(d.level, d.message) for d in result.diagnostics if d.code == "osv"]


def test_a_database_read_in_part_is_one_warning_naming_what_was_left_out() -> None:
    assert _osv_diagnostics(PART) == [(
        "warning",
        f"advisory database {PART} read in part, left out: 1 file not read "
        "(PyPI/broken.json: not JSON); 2 records wholly or in part, of another shape than "
        "the OSV schema's (FGTEST-PY-0032, PyPI/no-id.json); 1 record of an ecosystem "
        "faasguard does not read (Go; it reads PyPI and npm): FGTEST-GO-0001")]


def test_a_database_read_whole_gives_no_diagnostic() -> None:
    assert _osv_diagnostics(WHOLE) == []


def test_only_other_ecosystems_left_out_is_a_note(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    for advisory in ("osv/db/PyPI/FGTEST-PY-0001.json", "osv_left_out/db/Go/FGTEST-GO-0001.json",
                     "osv_left_out/db/Maven/FGTEST-MVN-0001.json"):
        (db / Path(advisory).name).write_bytes((FIXTURES / advisory).read_bytes())
    # the Maven record names no package the app declares: not counted
    assert _osv_diagnostics(db) == [(
        "note", f"advisory database {db} read in part, left out: 1 record of an ecosystem "
        "faasguard does not read (Go; it reads PyPI and npm): FGTEST-GO-0001")]
    # read for every package (no manifest to narrow it), the Maven record counts too
    assert sorted(load_database(str(db)).other_ecosystems) == [
        ("FGTEST-GO-0001", "Go"), ("FGTEST-MVN-0001", "Maven")]


def test_many_left_out_are_counted_and_the_first_three_named(tmp_path: Path) -> None:
    db = tmp_path / "db"
    db.mkdir()
    (db / "FGTEST-PY-0001.json").write_bytes((WHOLE / "PyPI" / "FGTEST-PY-0001.json").read_bytes())
    for number in range(5):
        (db / f"b{number}.json").write_text(json.dumps(["fgdemo-http"]))  # no record
    message = load_database(str(db)).left_out()
    assert message == (f"advisory database {db} read in part, left out: 5 records wholly "
                       "or in part, of another shape than the OSV schema's (b0.json, "
                       "b1.json, b2.json and 2 more)", "warning")

