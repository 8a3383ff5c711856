"""Express and lambda-api error handlers: a route callback of four parameters,
`app.use((err, req, res, next) => ...)`, is called with the request second, so that
parameter (not the error) is the attacker's input. Fixtures
tests/fixtures/node_express_error_middleware (pos: `exec` of request fields in the error
handlers; neg: the same fields as `execFile` arguments)."""

from __future__ import annotations

from pathlib import Path

from faasguard.findings import Finding
from faasguard.scan import scan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "node_express_error_middleware"


def _command_injections(folder: Path) -> list[Finding]:
    return sorted((f for f in scan(str(folder)).findings
                   if f.rule_id == "FG-INJ-001" and not f.suppressed),
                  key=lambda f: (f.location.file, f.location.line))


def test_the_request_of_an_error_handler_is_input() -> None:
    found = _command_injections(FIXTURES / "pos")
    assert [(f.location.file, f.location.line) for f in found] == [
        ("src/app.js", 9),  # a route's (req, res, next): the request first
        ("src/app.js", 14),  # Express's (err, req, res, next)
        ("src/whois.js", 8)]  # lambda-api's (err, req, res, next)
    assert "HTTP request body" in found[1].message


def test_the_argument_list_twin_stays_silent() -> None:
    assert _command_injections(FIXTURES / "neg") == []
