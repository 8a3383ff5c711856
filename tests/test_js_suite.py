"""The Node.js/TypeScript taint fixture suite: precision and recall over tests/fixtures/taint_js.

Every `// expect: FG-INJ-00N` marker is one expected finding at that line; any other
finding is a false positive. The suite fails below 0.95 precision or 0.95 recall.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from taint_suite_support import analyse_suite, build_app, expected_flows, scored
from taint_suite_support import headers as header_comments

from faasguard.analysis.facts import Facts
from faasguard.analysis.js import analyse_js
from faasguard.analysis.taint.table import CATEGORIES
from faasguard.findings import Finding
from faasguard.model import App, qualify

SUITE = Path(__file__).resolve().parent / "fixtures" / "taint_js"
SUFFIXES = {".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
            ".ts": "typescript"}
_EXPECT = re.compile(r"//\s*expect:\s*(FG-INJ-\d{3}(?:\s*,\s*FG-INJ-\d{3})*)")
_HEADER = re.compile(r"^//\s*(trigger|auth|handler):\s*([\w-]+)\s*$")
TEMPLATE = "serverless.yml"


def suite_files(root: Path = SUITE) -> list[Path]:
    """Every JS/TS file of the suite (handlers and lib/ modules)."""
    return [p for p in sorted(root.rglob("*")) if p.suffix in SUFFIXES]


def headers(path: Path) -> dict[str, str]:
    """The `// trigger:`, `// auth:` and `// handler:` header comments of a fixture."""
    return header_comments(path, _HEADER, 4)


def build_js_app(root: Path = SUITE) -> App:
    """An App with one Node.js function per fixture that declares a trigger."""
    return build_app(root, suite_files(root), lambda path: SUFFIXES[path.suffix], headers,
                     TEMPLATE, "serverless", "nodejs20.x")


def run_suite(root: Path = SUITE) -> tuple[App, Facts, list[Finding]]:
    """Resolve handlers, run the Node.js analysis and the injection rules over a folder."""
    return analyse_suite(build_js_app(root), analyse_js)


def expected(root: Path = SUITE) -> set[tuple[str, int, str]]:
    """(file, line, rule id) of every marker in the suite."""
    return expected_flows(root, suite_files(root), _EXPECT)


@pytest.fixture(scope="module")
def suite() -> tuple[App, Facts, list[Finding]]:
    return run_suite()


def test_suite_is_large_and_covers_every_category_and_source() -> None:
    handlers = [p for p in suite_files() if "trigger" in headers(p)]
    assert len(handlers) >= 40
    assert {p.suffix for p in handlers} >= {".js", ".mjs", ".ts"}
    rules = {rule_id for _, _, rule_id in expected()}
    assert rules == set(CATEGORIES.values())
    kinds = {headers(p)["trigger"] for p in handlers}
    assert {"http", "url", "alb", "s3", "sqs", "sns", "dynamodb-stream", "kinesis-stream",
            "eventbridge", "cognito", "iot", "schedule", "msk"} <= kinds
    safe = [p for p in handlers if "// expect:" not in p.read_text()]
    assert len(safe) >= 20


def test_every_handler_resolves(suite: tuple[App, Facts, list[Finding]]) -> None:
    app, _, _ = suite
    assert not app.diagnostics, app.diagnostics
    assert all(f.source_file and f.handler_name for f in app.functions.values())


def test_precision_and_recall(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    want = expected()
    got, precision, recall = scored("Node.js taint suite", findings, want)
    assert precision >= 0.95, f"false positives: {sorted(got - want)}"
    assert recall >= 0.95, f"missed: {sorted(want - got)}"


def test_one_finding_per_flow(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    assert len({f.fingerprint for f in findings}) == len(findings)


def test_sources_are_named_from_the_event_shapes(
        suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    by_file = {f.location.file: f for f in findings}
    assert by_file["s3_cmd_execsync.ts"].properties["source"] == "S3 object key"
    assert by_file["http_cmd_exec.js"].properties["source"] == "query string parameter 'file'"
    assert by_file["http_sql_concat.js"].properties["source"] == "path parameter 'id'"


def test_severity_follows_exposure(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    by_file = {f.location.file: f for f in findings}
    assert by_file["http_cmd_exec.js"].properties["public"] is True
    assert by_file["http_auth_sql_callback.js"].properties["public"] is False
    assert by_file["http_auth_sql_callback.js"].severity == "high"
    assert by_file["schedule_cmd_trusted.js"].properties["attacker_controlled"] is False
    assert by_file["schedule_cmd_trusted.js"].severity == "high"  # critical, one down


def test_cross_file_flows_carry_their_steps(suite: tuple[App, Facts, list[Finding]]) -> None:
    _, _, findings = suite
    storage = next(f for f in findings if f.location.file == "lib/storage.js")
    assert storage.properties["function"] == qualify(TEMPLATE, "sqs_path_write_helper")
    files = [step.location.file for step in storage.flow]
    assert files[0] == "sqs_path_write_helper.js" and files[-1] == "lib/storage.js"
    assert storage.flow[0].message.startswith("source: SQS message body")


def test_code_no_handler_reaches_is_analysed_with_low_confidence(
        suite: tuple[App, Facts, list[Finding]]) -> None:
    _, facts, findings = suite
    unreached = [f for f in findings if f.location.file == "lib/shared_unreached.js"]
    assert [(f.rule_id, f.confidence, f.properties["function"]) for f in unreached] == [
        ("FG-INJ-001", "low", None)]
    assert unreached[0].severity == "high"  # critical, one down: not reached
    assert "code:lib/shared_unreached.js:runJob" in facts.flows
    # library code a handler reached is reported under that handler only
    assert not any(key.startswith("code:lib/storage.js") for key in facts.flows)


def test_redirects_to_a_host_the_code_fixes_are_silent(
        suite: tuple[App, Facts, list[Finding]]) -> None:
    # "https://host/" + x and `${SITE}/${x}` (SITE a configured URL) choose a path, not the
    # destination; "/" + x does not fix the host (see http_redirect_open_prefix.mjs)
    _, _, findings = suite
    assert not [f for f in findings if f.location.file.endswith("redirect_fixed_host.mjs")]


def test_redirects_whose_prefix_fixes_no_host_are_reported(
        suite: tuple[App, Facts, list[Finding]]) -> None:
    # "/" + x, "/" + a configured path prefix (empty, or "/app": "//app...") + x, and a
    # name declared with a fixed origin that a parameter or an assignment binds again
    _, _, findings = suite
    want = {(file, line) for file, line, _ in expected() if "redirect_open_prefix" in file}
    got = {(f.location.file, f.location.line) for f in findings
           if "redirect_open_prefix" in f.location.file}
    assert len(want) == 4 and got == want
