"""Review of this session's other behaviour changes (git log 438cabc..): problems found
in changes outside the serverless.ts reader, pinned by strict xfails on their positive
fixture (tests/fixtures/review_s13/<case>/pos) with a control twin that passes today."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from faasguard.scan import scan

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "review_s13"


def _calls(case: str, function: str) -> list[tuple[str, str | None]]:
    """(operation, file) of the AWS calls a scan credits to one function."""
    calls = scan(str(CASES / case)).facts.aws_calls
    return [(c.operation, c.file) for c in calls[function]]


def test_a_layer_listed_under_a_condition_is_read_for_the_function() -> None:
    assert _calls("conditional_layer/pos", "template.yaml#Show") == \
        [("GetItem", "layers/common/python/store.py")]


def test_a_layer_listed_by_ref_is_read_for_its_function_only() -> None:
    assert _calls("conditional_layer/control", "template.yaml#Show") == \
        [("GetItem", "layers/common/python/store.py")]
    assert _calls("conditional_layer/control", "template.yaml#Audit") == \
        [("*", "src/audit.py")]


# ------------------------------------------------------------- serverless.ts: escapes


def _json_report(case: str, out: Path) -> dict[str, Any]:
    """The JSON report of a scan of the case, written by the command line."""
    from faasguard.cli import main

    target = out / "report.json"
    assert main(["scan", str(CASES / case), "--format", "json", "-o", str(target)]) in (0, 1)
    return dict(json.loads(target.read_text("utf-8")))


def test_a_surrogate_pair_escape_is_one_character(tmp_path: Path) -> None:
    report = _json_report("surrogate_escape/pos", tmp_path)
    assert any("/launch/\U0001f680" in f["message"] for f in report["findings"]
               if f["rule_id"] == "FG-AUTH-002")


def test_the_character_written_as_itself_is_reported(tmp_path: Path) -> None:
    report = _json_report("surrogate_escape/control", tmp_path)
    assert any("/launch/\U0001f680" in f["message"] for f in report["findings"]
               if f["rule_id"] == "FG-AUTH-002")


# ------------------------------------------------------------- serverless.ts: namespaces


def _auth_002(case: str) -> tuple[list[tuple[str, int | None]], list[str]]:
    """Where FG-AUTH-002 is reported, and the warnings, of a scan of the case."""
    result = scan(str(CASES / case))
    return (sorted((f.location.file, f.location.line) for f in result.findings
                   if f.rule_id == "FG-AUTH-002"),
            [d.message for d in result.app.diagnostics if d.level == "warning"])


def test_a_namespace_given_as_a_value_is_its_named_exports() -> None:
    found, warnings = _auth_002("namespace_value/pos")
    assert found == [("src/functions.ts", 3)]
    assert not any("_Namespace" in message for message in warnings)


def test_a_namespace_spread_is_its_named_exports() -> None:
    found, warnings = _auth_002("namespace_value/control")
    assert found == [("src/functions.ts", 3)]
    assert warnings == []


def test_require_of_an_es_module_then_default_is_its_default_export() -> None:
    found, _warnings = _auth_002("require_default/pos")
    assert found == [("src/functions.ts", 2)]


def test_an_import_of_the_default_export_is_read() -> None:
    found, warnings = _auth_002("require_default/control")
    assert found == [("src/functions.ts", 2)]
    assert warnings == []


def test_a_helper_changing_the_configuration_it_is_given_is_a_change() -> None:
    result = scan(str(CASES / "changed_by_helper/pos"))
    warned = [d for d in result.app.diagnostics if d.code == "service-code" and
              d.level == "warning"]
    assert warned or [f for f in result.findings if f.rule_id == "FG-AUTH-002"]


def test_a_helper_reading_the_configuration_changes_nothing() -> None:
    result = scan(str(CASES / "changed_by_helper/neg"))
    assert sorted(result.app.functions) == ["serverless.js#hello"]
    assert [d for d in result.app.diagnostics if d.level == "warning"] == []


# ------------------------------------------------------------- pyprojectWithGroups


DB = Path(__file__).resolve().parents[1] / "fixtures" / "osv" / "db"


def _tp(case: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(rule, message head) of the dependency findings, and every diagnostic's message."""
    from faasguard.scan import Options

    result = scan(str(CASES / case), Options(osv_db=str(DB)))
    return ([(f.rule_id, f.message.split(":")[0]) for f in result.findings
             if f.rule_id.startswith("FG-TP-1")],
            [d.message for d in result.app.diagnostics])


def test_unknown_groups_are_judged_or_said() -> None:
    found, messages = _tp("groups_unknown/pos")
    assert ("FG-TP-101", "fgdemo-http 2.3.1 is affected by FGTEST-PY-0001 (FGTEST-CVE-0001)") \
        in found or any("pyprojectWithGroups" in message for message in messages)


def test_written_groups_are_judged() -> None:
    found, _messages = _tp("groups_unknown/control")
    assert ("FG-TP-101", "fgdemo-http 2.3.1 is affected by FGTEST-PY-0001 (FGTEST-CVE-0001)") \
        in found


def test_a_function_spread_from_a_barrel_is_located_at_its_object() -> None:
    app = scan(str(CASES / "namespace_star/control")).app
    location = app.functions["serverless.ts#hello"].location
    assert (location.file, location.line) == ("src/functions/hello.ts", 1)


# ------------------------------------------------------------- a compiled service file


def _found(folder: Path) -> list[tuple[str, str, int | None]]:
    return sorted((f.rule_id, f.location.file, f.location.line)
                  for f in scan(str(folder)).findings)


def test_the_compilers_copy_of_serverless_ts_is_no_second_service() -> None:
    """tsc writes serverless.ts to the tsconfig.json's outDir (the template's lib/); the
    framework never reads lib/serverless.js. Read as a service of its own (before), it
    reported every finding of the service a second time (FG-AUTH-002 twice at
    src/functions/hello/index.ts:6, FG-PERM-002 at lib/serverless.js:16 too, ...) with
    two 'no handler' warnings. The scan is now the template layout's without the copy."""
    result = scan(str(CASES / "compiled_copy/pos"))
    assert sorted(result.app.functions) == ["serverless.ts#goodbye", "serverless.ts#hello"]
    assert _found(CASES / "compiled_copy/pos") == \
        _found(CASES.parent / "serverless_ts" / "pos")
    assert [d for d in result.app.diagnostics if d.level != "note"] == []


def test_a_javascript_service_outside_the_compilers_output_is_read() -> None:
    result = scan(str(CASES / "compiled_copy/neg"))
    assert sorted(result.app.functions) == ["legacy/serverless.js#report",
                                            "serverless.ts#goodbye", "serverless.ts#hello"]
    assert ("FG-AUTH-002", "legacy/serverless.js", 7) in _found(CASES / "compiled_copy/neg")


# ------------------------------------------------------------- serverless.ts: bad escapes


def test_an_escape_naming_no_character_is_a_syntax_problem_at_its_line() -> None:
    result = scan(str(CASES / "codepoint_escape/pos"))
    assert [d.code for d in result.app.diagnostics if d.code == "internal"] == []
    assert [(d.file, d.line) for d in result.app.diagnostics if d.level == "warning"] == \
        [("serverless.ts", 5)]


def test_the_largest_code_point_escape_is_read() -> None:
    result = scan(str(CASES / "codepoint_escape/control"))
    assert sorted(result.app.functions) == ["serverless.ts#h"]
    assert result.app.diagnostics == []
