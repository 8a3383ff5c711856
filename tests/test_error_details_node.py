"""FG-DATA-012 in Node.js: an HTTP handler's response body carrying the stack or the
message of the error its `catch` clause caught (`body: JSON.stringify({ error:
err.message })`, `body: err.stack`). The error logged and a generic body returned is not
reported, nor the stack under another key than `body`, nor a handler without HTTP caller."""

from __future__ import annotations

from pathlib import Path

from faasguard.analysis.js.code_facts import analyse_source
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "error_details_node"


def _reported(folder: str) -> list[tuple[int, str]]:
    return [(f.location.line, f.message) for f in scan(str(FIXTURES / folder)).findings
            if f.rule_id == "FG-DATA-012"]


def test_the_twins() -> None:
    assert _reported("pos") == [(6, "Error details in the response: err.message, the caught "
                                    "error's message, returned to the caller in the response "
                                    "body.")]
    assert _reported("neg") == []


def test_what_counts() -> None:
    source = ("exports.a = async () => {\n  try { return { body: 'ok' }; }\n"
              "  catch (e) { return { statusCode: 500, body: e.stack }; }\n};\n"
              "exports.b = async () => {\n  try { return { body: 'ok' }; }\n"
              "  catch (e) { return { body: 'failed', detail: e.stack }; }\n};\n"
              "const e = { message: 'hi' };\nexports.c = async () => ({ body: e.message });\n")
    found = [(f.line, f.key) for f in analyse_source("app.js", source, True).facts
             if f.kind == "error-details"]
    assert found == [(3, "e.stack")]
    assert not [f for f in analyse_source("app.js", source, False).facts
                if f.kind == "error-details"]
