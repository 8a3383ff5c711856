"""Code facts of Node.js/TypeScript sources (analysis.js.code_facts): the same facts as the
Python analysis, read by the same rules (FG-DATA-003, FG-DATA-011, FG-TP-003, FG-TP-004).

Fixtures mark each expected fact on its line with `// fact: <kind>`; a `(http)` mark is a
fact only in the handler of an HTTP-triggered function (its event carries the headers).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faasguard.analysis.facts import Facts
from faasguard.analysis.js.code_facts import analyse_js_code, analyse_source
from faasguard.analysis.js.parse import JsModuleCache, js_module_cache
from faasguard.model import App, Function, Location, Route, SourceFile, Trigger
from faasguard.scan import ScanResult, scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "js_code_facts"
_MARK = re.compile(r"// fact: ([a-z-]+)( \(http\))?")


def _expected(path: Path, http_handler: bool) -> set[tuple[int, str]]:
    found = set()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        mark = _MARK.search(text)
        if mark and (http_handler or not mark.group(2)):
            found.add((number, mark.group(1)))
    return found


def _facts(path: Path, http_handler: bool = False) -> set[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return {(f.line, f.kind) for f in analyse_source(path.name, text, http_handler).facts}


@pytest.mark.parametrize("name", ["secrets_positive.js", "secrets_positive.ts",
                                  "tls_positive.js", "http_positive.js"])
def test_positive_fixtures_give_each_marked_fact(name: str) -> None:
    path = FIXTURES / name
    expected = _expected(path, http_handler=False)
    assert len(expected) >= 4
    assert _facts(path) == expected


@pytest.mark.parametrize("name", ["secrets_negative.js", "secrets_negative.ts",
                                  "tls_negative.js", "http_negative.js",
                                  "logging_negative.js"])
def test_negative_fixtures_give_no_fact(name: str) -> None:
    assert _facts(FIXTURES / name, http_handler=True) == set()


def test_sensitive_logs_and_whole_events_of_http_handlers() -> None:
    path = FIXTURES / "logging_positive.js"
    in_http = _expected(path, http_handler=True)
    elsewhere = _expected(path, http_handler=False)
    assert len(elsewhere) >= 10 and len(in_http - elsewhere) == 3
    assert _facts(path, http_handler=True) == in_http
    assert _facts(path, http_handler=False) == elsewhere


def test_fact_details_and_keys_name_what_was_found() -> None:
    facts = analyse_source("h.js", (FIXTURES / "tls_positive.js").read_text()).facts
    first = facts[0]
    assert (first.kind, first.detail, first.key) == (
        "tls-off", "new https.Agent({rejectUnauthorized: false})",
        "https.Agent:rejectUnauthorized")
    env = [f for f in facts if "NODE_TLS_REJECT_UNAUTHORIZED" in f.key]
    assert {f.key for f in env} == {"process.env.NODE_TLS_REJECT_UNAUTHORIZED"}
    assert len(env) == 2  # dot and bracket forms, on their own lines
    secrets = analyse_source("s.js", (FIXTURES / "secrets_positive.js").read_text()).facts
    by_line = {f.line: f for f in secrets}
    assert by_line[2].detail == "a GitHub token in GITHUB_TOKEN"
    assert by_line[3].detail == "dbPassword is assigned a literal"
    assert by_line[12].detail.startswith("a mongodb connection string")


def test_the_secret_value_never_appears_in_a_fact() -> None:
    text = (FIXTURES / "secrets_positive.js").read_text()
    for fact in analyse_source("s.js", text).facts:
        assert "fake" not in f"{fact.detail} {fact.key}".lower()
        assert "hunter2" not in fact.detail


def _app_facts(tmp_path: Path, files: dict[str, str]) -> tuple[App, Facts]:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    app = App(root=str(tmp_path))
    app.files.extend(SourceFile(name, "javascript") for name in files)
    facts = Facts()
    analyse_js_code(app, facts)
    return app, facts


def test_analysis_reuses_the_scan_module_cache(tmp_path: Path, monkeypatch) -> None:
    source = 'const apiKey = "literal-api-key";\n'
    (tmp_path / "a.js").write_text(source, encoding="utf-8")
    facts = Facts()
    js_module_cache(str(tmp_path), facts).get("a.js")  # parsed earlier by another analysis
    parsed: list[str] = []
    original = JsModuleCache._parse

    def counting(self: JsModuleCache, rel: str):  # type: ignore[no-untyped-def]
        parsed.append(rel)
        return original(self, rel)

    monkeypatch.setattr(JsModuleCache, "_parse", counting)
    app = App(root=str(tmp_path))
    app.files.append(SourceFile("a.js", "javascript"))
    analyse_js_code(app, facts)
    assert parsed == []
    assert [f.kind for f in facts.code["a.js"].facts] == ["secret"]


def test_unparsable_file_is_a_note_and_the_others_are_checked(tmp_path: Path) -> None:
    app, facts = _app_facts(tmp_path, {
        "broken.js": "exports.x = (((( => {{{ ]]];\n)))) ]]] {{{\n" * 3,
        "binary.js": "\x00\x01" * 40,
        "good.js": 'const password = "literal-password";\n',
    })
    assert [f.kind for f in facts.code["good.js"].facts] == ["secret"]
    assert "broken.js" not in facts.code
    notes = {d.file: d for d in app.diagnostics}
    assert notes["broken.js"].level == "note" and "syntax error" in notes["broken.js"].message
    assert "not checked" in notes["broken.js"].message
    assert "binary.js" in notes


@pytest.fixture(scope="module")
def app_scan() -> ScanResult:
    return scan(str(FIXTURES / "app"))


def _code_findings(result: ScanResult) -> set[tuple[str, str, int]]:
    return {(f.rule_id, f.location.file, f.location.line) for f in result.findings
            if f.location.file.endswith((".js", ".ts"))}


def test_scan_reports_js_code_facts_through_the_existing_rules(app_scan: ScanResult) -> None:
    assert _code_findings(app_scan) == {
        ("FG-DATA-003", "src/api.js", 5),
        ("FG-TP-004", "src/api.js", 6),
        ("FG-DATA-011", "src/api.js", 9),  # the whole event of an HTTP handler
        ("FG-TP-003", "src/api.js", 11),
        ("FG-DATA-003", "src/lib/client.ts", 4),  # not a handler: checked all the same
    }
    broken = [d for d in app_scan.diagnostics if d.file == "src/lib/broken.js"]
    assert [d.level for d in broken] == ["note"]


def test_js_findings_show_javascript_remediation(app_scan: ScanResult) -> None:
    by_rule = {f.rule_id: f.remediation for f in app_scan.findings
               if f.location.file == "src/api.js"}
    assert "getSecret" in by_rule["FG-DATA-003"] and "os.environ" not in by_rule["FG-DATA-003"]
    assert "https.Agent" in by_rule["FG-TP-004"] and "requests" not in by_rule["FG-TP-004"]
    assert "fetch(" in by_rule["FG-TP-003"]
    assert "logger.info" in by_rule["FG-DATA-011"] and "extra=" not in by_rule["FG-DATA-011"]


@pytest.mark.parametrize(("route", "http_handler"), [("$connect", True), ("$default", False),
                                                     ("sendmessage", False)])
def test_websocket_message_routes_carry_no_headers(tmp_path: Path, route: str,
                                                   http_handler: bool) -> None:
    """Logging a websocket message route's whole event logs no Authorization header (its
    event holds the request context and the body); the `$connect` route's does."""
    path = FIXTURES / "logging_positive.js"
    (tmp_path / "ws.js").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    where = Location("template.yaml", 1)
    function = Function("template.yaml#Ws", where, "sam", runtime="nodejs20.x",
                        source_file="ws.js", handler_name="handler")
    function.triggers.append(Trigger("websocket", function.id, where, route=Route(
        "Api", "websocket", route, route, where, function.id)))
    app = App(root=str(tmp_path), functions={function.id: function})
    app.files.append(SourceFile("ws.js", "javascript"))
    facts = Facts()
    analyse_js_code(app, facts)
    assert {(f.line, f.kind) for f in facts.code["ws.js"].facts} == \
        _expected(path, http_handler=http_handler)
