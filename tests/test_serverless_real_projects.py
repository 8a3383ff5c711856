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


def _diagnostics(root):
    return sorted((d.line, d.level, d.code, d.message) for d in scan(str(root)).diagnostics)


def test_a_missing_included_file_is_reported_once(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  iam:\n    role:\n      statements: ${file(config/iam.yml):dev}\n"
        "functions:\n  f:\n    handler: h.f\n"
        "resources:\n  Resources:\n    Role: ${file(./resource/Role.yml)}\n")
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    assert _diagnostics(tmp_path) == [
        (7, "warning", "variables", "${file(config/iam.yml)}: no such file; value left unknown"),
        (13, "warning", "variables",
         "${file(./resource/Role.yml)}: no such file; value left unknown")]


def test_statements_and_resources_known_only_at_deploy_time_are_a_note(tmp_path):
    (tmp_path / "serverless.yml").write_text(
        "service: s\n"
        "provider:\n  name: aws\n  runtime: nodejs20.x\n"
        "  iam:\n    role:\n      statements: ${ssm:/app/statements}\n"
        "functions:\n  f:\n    handler: h.f\n"
        "resources:\n  Resources:\n    Queue: ${ssm:/app/queue}\n")
    (tmp_path / "h.js").write_text("exports.f = async () => 1;\n")
    assert _diagnostics(tmp_path) == [
        (7, "note", "input", "statements: its value comes from ${ssm:/app/statements}, known "
         "only at deploy time; not modelled"),
        (13, "note", "input", "resource Queue: its value comes from ${ssm:/app/queue}, known "
         "only at deploy time; not modelled")]
