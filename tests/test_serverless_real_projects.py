"""Serverless Framework services shaped like real projects: the model and diagnostics.

Each test reproduces a problem met on public services (fixtures written by us)."""

from pathlib import Path

from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "serverless"


def test_a_file_included_with_file_is_part_of_the_service_not_a_template():
    # resources/tables.yml alone looks like a CloudFormation template; read through
    # `${file()}` it belongs to the service: its table is modelled once, not twice
    result = scan(str(FIXTURES / "included-resources"))
    tables = sorted(r for r in result.app.resources if r.endswith("#NotesTable"))
    assert tables == ["serverless.yml#NotesTable"]
    assert sorted(result.app.functions) == ["serverless.yml#saveNote"]
    counted = {f.rule_id for f in result.findings if "NotesTable" in f.message}
    assert counted and all(
        sum("NotesTable" in f.message for f in result.findings if f.rule_id == rule) == 1
        for rule in counted)
    files = {(f.path, f.format) for f in result.app.files}
    assert ("resources/tables.yml", "serverless") in files
    assert not any(fmt == "cloudformation" for _, fmt in files)
    assert result.files_scanned == 4  # serverless.yml, its two files, notes.py
